//! Django's `create_permissions`, run by `migrate` after the migrations (the auth app's
//! post_migrate handler): each model's four default permissions, `add_<model>`,
//! `change_<model>`, `delete_<model>` and `view_<model>`, named "Can add <verbose name>".

pub mod commands;

use std::collections::BTreeSet;

use crate::db::{Connection, DbError};

/// Django's `Meta.default_permissions`.
pub const DEFAULT_PERMISSIONS: [&str; 4] = ["add", "change", "delete", "view"];

/// Makes the missing permissions of `app_label`'s models: (lower-cased name, verbose name,
/// content type id), in the app's registry order (which decides their ids as in Django).
pub async fn create_permissions(
    conn: &Connection,
    models: &[(String, String, i64)],
) -> Result<(), DbError> {
    if models.is_empty() {
        return Ok(());
    }
    // The app's existing permissions, in one query (Django's `content_type__in`).
    let d = conn.dialect;
    let sql = format!(
        "SELECT {ct}, {code} FROM {t} WHERE {ct} IN ({})",
        vec!["%s"; models.len()].join(", "),
        ct = d.quote("content_type_id"),
        code = d.quote("codename"),
        t = d.quote("auth_permission"),
    );
    let ids: Vec<sea_orm::Value> = models.iter().map(|(_, _, ct)| (*ct).into()).collect();
    let rows = conn.fetch(&d.placeholders(&sql, ids.len()), ids).await?;
    let existing: BTreeSet<(i64, String)> = rows
        .iter()
        .filter_map(|row| {
            let ct = crate::models::query::read_i64(row, 0).ok()?;
            Some((ct, row.try_get::<String>("", "codename").ok()?))
        })
        .collect();
    // One INSERT for the app's missing permissions, as Django's bulk_create.
    let mut rows: Vec<Vec<sea_orm::Value>> = Vec::new();
    for (model, verbose_name, ct) in models {
        for action in DEFAULT_PERMISSIONS {
            let codename = format!("{action}_{model}");
            if !existing.contains(&(*ct, codename.clone())) {
                let name = format!("Can {action} {verbose_name}");
                rows.push(vec![name.into(), (*ct).into(), codename.into()]);
            }
        }
    }
    crate::contrib::contenttypes::management::bulk_insert(
        conn,
        "auth_permission",
        &["name", "content_type_id", "codename"],
        rows,
    )
    .await?;
    Ok(())
}

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
    let d = conn.dialect;
    let mut existing: BTreeSet<(i64, String)> = BTreeSet::new();
    for (_, _, ct) in models {
        let sql = format!(
            "SELECT {} FROM {} WHERE {} = %s",
            d.quote("codename"),
            d.quote("auth_permission"),
            d.quote("content_type_id")
        );
        let rows = conn
            .fetch(&d.placeholders(&sql, 1), vec![(*ct).into()])
            .await?;
        for row in rows {
            if let Ok(codename) = row.try_get::<String>("", "codename") {
                existing.insert((*ct, codename));
            }
        }
    }
    let insert = format!(
        "INSERT INTO {} ({}, {}, {}) VALUES (%s, %s, %s)",
        d.quote("auth_permission"),
        d.quote("name"),
        d.quote("content_type_id"),
        d.quote("codename")
    );
    let insert = d.placeholders(&insert, 3).into_owned();
    for (model, verbose_name, ct) in models {
        for action in DEFAULT_PERMISSIONS {
            let codename = format!("{action}_{model}");
            if existing.contains(&(*ct, codename.clone())) {
                continue;
            }
            let name = format!("Can {action} {verbose_name}");
            conn.run(&insert, vec![name.into(), (*ct).into(), codename.into()])
                .await?;
        }
    }
    Ok(())
}

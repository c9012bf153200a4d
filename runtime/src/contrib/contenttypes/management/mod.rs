//! Django's `create_contenttypes`, run by `migrate` after the migrations (Django's
//! post_migrate handler of the contenttypes app): a row for every model of an app that has
//! none yet. Stale rows are left alone, as Django leaves them to `remove_stale_contenttypes`.

pub mod commands;

use std::collections::BTreeMap;

use crate::db::{Connection, DbError};

/// Makes the missing content types of `app_label`'s `models` (lower-cased names, in the app's
/// registry order, which decides their ids as in Django), and returns every model's id.
pub async fn create_contenttypes(
    conn: &Connection,
    app_label: &str,
    models: &[String],
) -> Result<BTreeMap<String, i64>, DbError> {
    let mut ids = existing(conn, app_label).await?;
    let missing: Vec<&String> = models.iter().filter(|m| !ids.contains_key(*m)).collect();
    if missing.is_empty() {
        return Ok(ids);
    }
    // One INSERT for the app's missing rows, as Django's bulk_create.
    let rows: Vec<Vec<sea_orm::Value>> = missing
        .iter()
        .map(|model| vec![app_label.into(), model.as_str().into()])
        .collect();
    bulk_insert(conn, "django_content_type", &["app_label", "model"], rows).await?;
    ids = existing(conn, app_label).await?;
    Ok(ids)
}

/// Inserts `rows` into `table` with multi-row INSERTs, 500 rows at most each (Django's
/// bulk_create batches as its backends' parameter limits allow).
pub(crate) async fn bulk_insert(
    conn: &Connection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<sea_orm::Value>>,
) -> Result<(), DbError> {
    let d = conn.dialect;
    let names: Vec<String> = columns.iter().map(|c| d.quote(c)).collect();
    let row = format!("({})", vec!["%s"; columns.len()].join(", "));
    for batch in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {}",
            d.quote(table),
            names.join(", "),
            vec![row.as_str(); batch.len()].join(", ")
        );
        let values: Vec<sea_orm::Value> = batch.iter().flatten().cloned().collect();
        conn.run(&d.placeholders(&sql, values.len()), values)
            .await?;
    }
    Ok(())
}

/// The content types of an app: model → id.
async fn existing(conn: &Connection, app_label: &str) -> Result<BTreeMap<String, i64>, DbError> {
    let d = conn.dialect;
    let sql = format!(
        "SELECT {}, {} FROM {} WHERE {} = %s",
        d.quote("id"),
        d.quote("model"),
        d.quote("django_content_type"),
        d.quote("app_label")
    );
    let rows = conn
        .fetch(&d.placeholders(&sql, 1), vec![app_label.into()])
        .await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let id = crate::models::query::read_i64(row, 0).ok()?;
            let model = row.try_get::<String>("", "model").ok()?;
            Some((model, id))
        })
        .collect())
}

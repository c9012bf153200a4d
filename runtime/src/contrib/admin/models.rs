//! Django's `django.contrib.admin.models`: the admin's history, `django_admin_log`, column for
//! column.

use crate::contrib::auth::models::User;
use crate::contrib::contenttypes::models::ContentType;
use crate::models::prelude::*;

/// One change made through the admin: who added, changed or deleted which object, and when.
/// The history page of an object lists them.
#[model(
    db_table = "django_admin_log",
    ordering = ["-action_time"],
    verbose_name = "log entry"
)]
pub struct LogEntry {
    #[field(primary_key = true)]
    pub id: AutoField,
    #[field(verbose_name = "action time")]
    pub action_time: DateTimeField,
    #[field(on_delete = Cascade, verbose_name = "user")]
    pub user: ForeignKey<User>,
    #[field(on_delete = SetNull, blank = true, verbose_name = "content type")]
    pub content_type: Option<ForeignKey<ContentType>>,
    #[field(blank = true, verbose_name = "object id")]
    pub object_id: Option<TextField>,
    #[field(max_length = 200, verbose_name = "object repr")]
    pub object_repr: CharField,
    #[field(
        choices = [(1, "Addition"), (2, "Change"), (3, "Deletion")],
        verbose_name = "action flag"
    )]
    pub action_flag: PositiveSmallIntegerField,
    #[field(blank = true, verbose_name = "change message")]
    pub change_message: TextField,
}

/// `action_flag` of an object added through the admin.
pub const ADDITION: i16 = 1;
/// `action_flag` of an object changed through the admin.
pub const CHANGE: i16 = 2;
/// `action_flag` of an object deleted through the admin.
pub const DELETION: i16 = 3;

/// Django's `LogEntry.get_change_message()`: the stored JSON as a sentence ("Changed Title
/// and Body."), an old plain-text message as it is.
pub fn get_change_message(entry: &LogEntry) -> String {
    let Ok(serde_json::Value::Array(parts)) =
        serde_json::from_str::<serde_json::Value>(&entry.change_message)
    else {
        return match (entry.change_message.is_empty(), entry.action_flag) {
            (false, _) => entry.change_message.clone(),
            (true, ADDITION) => "Added.".into(),
            (true, DELETION) => "Deleted.".into(),
            (true, _) => "No fields changed.".into(),
        };
    };
    let text = |part: &serde_json::Value, key: &str| part[key].as_str().unwrap_or("").to_owned();
    let mut messages = Vec::new();
    for part in &parts {
        if let Some(added) = part.get("added") {
            // An inline's row names its model and object; the object itself says "Added.".
            if added.get("name").is_some() {
                messages.push(format!(
                    "Added {} “{}”.",
                    text(added, "name"),
                    text(added, "object")
                ));
            } else {
                messages.push("Added.".to_owned());
            }
        } else if let Some(changed) = part.get("changed") {
            let fields: Vec<&str> = changed["fields"]
                .as_array()
                .map(|f| f.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            if changed.get("name").is_some() {
                messages.push(format!(
                    "Changed {} for {} “{}”.",
                    and_list(&fields),
                    text(changed, "name"),
                    text(changed, "object")
                ));
            } else {
                messages.push(format!("Changed {}.", and_list(&fields)));
            }
        } else if let Some(deleted) = part.get("deleted") {
            messages.push(format!(
                "Deleted {} “{}”.",
                text(deleted, "name"),
                text(deleted, "object")
            ));
        }
    }
    if messages.is_empty() {
        "No fields changed.".into()
    } else {
        messages
            .iter()
            .map(|m| super::display::capfirst(m))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Django's `get_text_list(items, "and")`: "a, b and c".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

//! Django's `django.contrib.auth.admin`: users and groups in the admin site, registered by
//! every project that installs `rjango.contrib.auth` and `rjango.contrib.admin` (the
//! generated admin site lists them first).

use super::models::{Group, User, group, user};
use crate::contrib::admin::{self, ModelAdmin};
use crate::http::HttpRequest;
use crate::models::{Instance, QueryError};

/// Django's `GroupAdmin`: groups by name (their permissions are not editable here yet).
#[derive(Default)]
pub struct GroupAdmin;

#[admin::register(Group, search_fields = [name], ordering = [name], fields = [name])]
impl ModelAdmin for GroupAdmin {}

/// Django's `UserAdmin`: its columns, filters and search. The form edits the user's names,
/// address and flags, and shows the password's hash summary; the password is set on the
/// `<id>/password/` page (Django's `user_change_password`). Groups and permissions are not
/// editable here yet.
#[derive(Default)]
pub struct UserAdmin;

#[admin::register(
    User,
    list_display = [username, email, first_name, last_name, is_staff],
    list_filter = [is_staff, is_superuser, is_active],
    search_fields = [username, first_name, last_name, email],
    ordering = [username],
    fields = [username, password_hash, first_name, last_name, email, is_active, is_staff, is_superuser],
    readonly_fields = [password_hash]
)]
impl ModelAdmin for UserAdmin {
    /// One's own password, once saved: stay signed in (Django's update_session_auth_hash).
    async fn password_saved(&self, request: &HttpRequest, user: &User) {
        if request.user().await.pk() == Some(user.id) {
            super::update_session_auth_hash(request, user).await;
        }
    }

    fn password_page() -> Option<admin::PasswordPage<User>> {
        Some(|request, user| {
            Box::pin(async move {
                let form = super::forms::AdminPasswordChangeForm::check(request, user).await;
                if form.is_valid() {
                    admin::PasswordOutcome::Set
                } else {
                    admin::PasswordOutcome::Refused(Box::new(form))
                }
            })
        })
    }

    /// A user added here joins now, with no usable password until one is set (Django's
    /// `set_unusable_password`): nobody can sign in as them before.
    async fn save_model(
        &self,
        _request: &HttpRequest,
        object: &mut User,
        change: bool,
    ) -> Result<(), QueryError> {
        if !change {
            object.date_joined = chrono::Utc::now();
            object.set_unusable_password();
        }
        object.save().await
    }
}

/// The change form's password row: the hash's summary, never the hash.
#[admin::display(description = "Password")]
fn password_hash(user: &User) -> String {
    password_summary(&user.password)
}

/// Django's `ReadOnlyPasswordHashWidget`'s summary of a password's hash: its algorithm and
/// iterations, the salt and hash masked ("algorithm: pbkdf2_sha256 iterations: 1000000 salt:
/// mDxd1O****** hash: 8Ty7Fz**************************************"), or "No password set."
pub fn password_summary(encoded: &str) -> String {
    if encoded.is_empty() || encoded.starts_with('!') {
        return "No password set.".into();
    }
    let mask = |s: &str| {
        let shown: String = s.chars().take(6).collect();
        format!("{shown}{}", "*".repeat(s.chars().count().saturating_sub(6)))
    };
    let parts: Vec<&str> = encoded.split('$').collect();
    match parts.as_slice() {
        [algorithm, iterations, salt, hash] => format!(
            "algorithm: {algorithm} iterations: {iterations} salt: {} hash: {}",
            mask(salt),
            mask(hash)
        ),
        _ => "Invalid password format or unknown hashing algorithm.".into(),
    }
}

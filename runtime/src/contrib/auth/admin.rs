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

#[admin::register(Group, search_fields = [name], ordering = [name])]
impl ModelAdmin for GroupAdmin {}

/// Django's `UserAdmin`: its columns, filters and search. The form edits the user's names,
/// address and flags; a password is set with `changepassword` (the admin's password form is
/// not built yet), and groups and permissions are not editable here yet.
#[derive(Default)]
pub struct UserAdmin;

#[admin::register(
    User,
    list_display = [username, email, first_name, last_name, is_staff],
    list_filter = [is_staff, is_superuser, is_active],
    search_fields = [username, first_name, last_name, email],
    ordering = [username],
    fields = [username, first_name, last_name, email, is_active, is_staff, is_superuser]
)]
impl ModelAdmin for UserAdmin {
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

//! Django's `django.contrib.auth.models`: users, groups and permissions, on Django's tables
//! (`auth_user`, `auth_group`, `auth_permission` and their join tables), column for column, so
//! a database Django made is served by rjango and the other way round.
//!
//! The fields are Django's, in Django's order (dumpdata writes them so). They have no
//! `default`s: rjango keeps a default in the database too, and Django's tables have none, so
//! [`User`]'s constructors fill every field instead.

use crate::contrib::contenttypes::models::ContentType;
use crate::models::prelude::*;

/// What a user or group may do: `<app_label>.<codename>`, e.g. `blog.change_post`. `migrate`
/// creates Django's four for every model (add, change, delete, view).
#[model(unique_together = [["content_type", "codename"]], verbose_name = "permission")]
pub struct Permission {
    #[field(primary_key = true)]
    pub id: AutoField,
    #[field(max_length = 255)]
    pub name: CharField,
    #[field(on_delete = Cascade, verbose_name = "content type")]
    pub content_type: ForeignKey<ContentType>,
    #[field(max_length = 100)]
    pub codename: CharField,
}

/// A named set of permissions, which its users have.
#[model(verbose_name = "group")]
pub struct Group {
    #[field(primary_key = true)]
    pub id: AutoField,
    #[field(max_length = 150, unique = true)]
    pub name: CharField,
    #[field(blank = true, verbose_name = "permissions")]
    pub permissions: ManyToManyField<Permission>,
}

/// Django's default user model (`AbstractUser`'s fields), table `auth_user`.
#[model(verbose_name = "user")]
pub struct User {
    #[field(primary_key = true)]
    pub id: AutoField,
    /// `<algorithm>$<iterations>$<salt>$<hash>`, as Django writes it
    /// ([`crate::contrib::auth::hashers`]).
    #[field(max_length = 128, verbose_name = "password")]
    pub password: CharField,
    #[field(blank = true, verbose_name = "last login")]
    pub last_login: Option<DateTimeField>,
    #[field(
        verbose_name = "superuser status",
        help_text = "Designates that this user has all permissions without explicitly assigning them."
    )]
    pub is_superuser: BooleanField,
    #[field(
        max_length = 150,
        unique = true,
        verbose_name = "username",
        help_text = "Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."
    )]
    pub username: CharField,
    #[field(max_length = 150, blank = true, verbose_name = "first name")]
    pub first_name: CharField,
    #[field(max_length = 150, blank = true, verbose_name = "last name")]
    pub last_name: CharField,
    #[field(blank = true, verbose_name = "email address")]
    pub email: EmailField,
    #[field(
        verbose_name = "staff status",
        help_text = "Designates whether the user can log into this admin site."
    )]
    pub is_staff: BooleanField,
    #[field(
        verbose_name = "active",
        help_text = "Designates whether this user should be treated as active. Unselect this instead of deleting accounts."
    )]
    pub is_active: BooleanField,
    #[field(verbose_name = "date joined")]
    pub date_joined: DateTimeField,
    #[field(
        blank = true,
        related_name = "user_set",
        verbose_name = "groups",
        help_text = "The groups this user belongs to. A user will get all permissions granted to each of their groups."
    )]
    pub groups: ManyToManyField<Group>,
    #[field(
        blank = true,
        related_name = "user_set",
        verbose_name = "user permissions",
        help_text = "Specific permissions for this user."
    )]
    pub user_permissions: ManyToManyField<Permission>,
}

/// Django's `AbstractBaseUser.__str__`: the username (how the admin names a user).
impl std::fmt::Display for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.username)
    }
}

/// Django's `Group.__str__`: its name.
impl std::fmt::Display for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

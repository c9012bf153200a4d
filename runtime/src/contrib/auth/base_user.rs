//! What Django's `AbstractBaseUser`, `AbstractUser` and `UserManager` give a user: passwords
//! (hashed in Django's format, upgraded at login), the session's auth hash, names, and
//! `User::objects().create_user(...)`.
//!
//! Hashing a password costs about a second of CPU on purpose (PBKDF2's 1,000,000 rounds), so
//! the async methods run it on tokio's blocking threads, not on the server's workers.

use super::hashers;
use super::models::{User, user};
use crate::models::prelude::*;
use crate::models::{QueryError, QuerySet};

/// The salt of [`User::get_session_auth_hash`]: Django's, so a session made by Django's login
/// stays valid here.
const SESSION_AUTH_HASH_SALT: &str =
    "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash";

/// Runs a hasher off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => value,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

impl User {
    /// A user not saved yet, as Django's `User(username=...)` with its field defaults: active,
    /// not staff, joined now, with an unusable password until [`set_password`](Self::set_password).
    pub fn new(username: &str) -> User {
        User {
            id: 0,
            password: hashers::make_unusable_password(),
            last_login: None,
            is_superuser: false,
            username: normalize_username(username),
            first_name: String::new(),
            last_name: String::new(),
            email: String::new(),
            is_staff: false,
            is_active: true,
            date_joined: chrono::Utc::now(),
            groups: Default::default(),
            user_permissions: Default::default(),
        }
    }

    /// Django's `set_password(raw)`: stores the hash (not saved until `save()`).
    pub async fn set_password(&mut self, raw_password: &str) {
        let raw = raw_password.to_owned();
        self.password = blocking(move || hashers::make_password(&raw)).await;
    }

    /// Django's `set_unusable_password()`: no password will ever match.
    pub fn set_unusable_password(&mut self) {
        self.password = hashers::make_unusable_password();
    }

    /// Django's `has_usable_password()`.
    pub fn has_usable_password(&self) -> bool {
        hashers::is_password_usable(Some(&self.password))
    }

    /// Django's `check_password(raw)`: whether `raw_password` is this user's. A hash stored the
    /// old way (another hasher, fewer iterations) is replaced and saved, as Django's does.
    pub async fn check_password(&mut self, raw_password: &str) -> Result<bool, QueryError> {
        let (raw, encoded) = (raw_password.to_owned(), self.password.clone());
        let (correct, upgraded) = blocking(move || {
            let mut upgraded = None;
            let correct = hashers::check_password_and_upgrade(&raw, &encoded, |password| {
                upgraded = Some(hashers::make_password(password));
            });
            (correct, upgraded)
        })
        .await;
        if let Some(password) = upgraded {
            self.password = password;
            if self.id != 0 {
                User::objects()
                    .filter(user::id.eq(self.id))
                    .update([user::password.set(self.password.clone())])
                    .await?;
            }
        }
        Ok(correct)
    }

    /// Django's `get_session_auth_hash()`: an HMAC of the password hash, kept in the session at
    /// login; a password change makes it differ, which logs the other sessions out.
    pub fn get_session_auth_hash(&self) -> String {
        self.session_auth_hash_with(&crate::conf::settings().SECRET_KEY)
    }

    pub(crate) fn session_auth_hash_with(&self, secret: &str) -> String {
        hex(&crate::core::signing::salted_hmac(
            SESSION_AUTH_HASH_SALT,
            self.password.as_bytes(),
            secret,
            crate::core::signing::Algorithm::Sha256,
        ))
    }

    /// Django's `get_username()`.
    pub fn get_username(&self) -> &str {
        &self.username
    }

    /// Django's `get_full_name()`: first and last name, with a space, trimmed.
    pub fn get_full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }

    /// Django's `get_short_name()`: the first name.
    pub fn get_short_name(&self) -> &str {
        &self.first_name
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Django's `AbstractBaseUser.normalize_username`: NFKC, so look-alike Unicode forms of one
/// name are one username.
pub fn normalize_username(username: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    username.nfkc().collect()
}

/// Django's `BaseUserManager.normalize_email`: the domain part lower-cased.
pub fn normalize_email(email: &str) -> String {
    match email.trim().rsplit_once('@') {
        Some((name, domain)) => format!("{name}@{}", domain.to_lowercase()),
        None => email.trim().to_owned(),
    }
}

/// Django's `UserManager`: `User::objects().create_user(...)`.
impl QuerySet<User> {
    /// Django's `create_user(username, email, password)`: a saved, active user; with no
    /// password, an unusable one.
    pub async fn create_user(
        &self,
        username: &str,
        email: &str,
        password: Option<&str>,
    ) -> Result<User, QueryError> {
        self.create_with(username, email, password, false).await
    }

    /// Django's `create_superuser(username, email, password)`: staff and superuser.
    pub async fn create_superuser(
        &self,
        username: &str,
        email: &str,
        password: Option<&str>,
    ) -> Result<User, QueryError> {
        self.create_with(username, email, password, true).await
    }

    async fn create_with(
        &self,
        username: &str,
        email: &str,
        password: Option<&str>,
        superuser: bool,
    ) -> Result<User, QueryError> {
        let mut user = User::new(username);
        user.email = normalize_email(email);
        user.is_staff = superuser;
        user.is_superuser = superuser;
        if let Some(password) = password {
            user.set_password(password).await;
        }
        self.create(user).await
    }

    /// Django's `get_by_natural_key(username)`: the user of that exact username.
    pub async fn get_by_natural_key(&self, username: &str) -> Result<User, QueryError> {
        self.get(user::username.eq(username)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalize_as_djangos() {
        assert_eq!(normalize_username("ﬁle"), "file");
        assert_eq!(normalize_email("Ada@EXAMPLE.Com"), "Ada@example.com");
        assert_eq!(normalize_email("no-at-sign"), "no-at-sign");
    }
}

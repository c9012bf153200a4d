//! Django's `django.contrib.auth.forms`: the login form and the password-change form, with
//! Django's fields, widgets and messages.

use super::models::User;
use super::password_validation;
use crate::forms::{BoundForm, Form};
use crate::http::HttpRequest;
use crate::models::QueryError;

/// Django's `AuthenticationForm`: a username and a password, checked against the users.
#[derive(Form, Debug)]
pub struct AuthenticationForm {
    #[field(
        max_length = 150,
        attrs = [("autofocus", ""), ("autocapitalize", "none"), ("autocomplete", "username")]
    )]
    pub username: String,
    #[field(
        label = "Password",
        strip = false,
        widget = PasswordInput,
        attrs = [("autocomplete", "current-password")]
    )]
    pub password: String,
}

/// Django's message for a wrong username or password (the same for both: nothing tells
/// which users exist).
pub const INVALID_LOGIN: &str =
    "Please enter a correct username and password. Note that both fields may be case-sensitive.";
/// Django's message for an inactive user's correct password.
pub const INACTIVE: &str = "This account is inactive.";

impl AuthenticationForm {
    /// The form bound to a login POST, and the user its credentials are for: Django's
    /// `AuthenticationForm(request, data=request.POST)`, `is_valid()` and `get_user()`.
    /// Credentials that match no active user are the form's error, with Django's message.
    pub async fn authenticate(
        request: &HttpRequest,
    ) -> Result<(BoundForm<Self>, Option<User>), QueryError> {
        let mut form = Self::bind(request.POST());
        let Some(data) = form.cleaned_data() else {
            return Ok((form, None));
        };
        let (username, password) = (data.username.clone(), data.password.clone());
        let user = super::authenticate(request, &username, &password).await?;
        if user.is_none() {
            form.add_error(None, INVALID_LOGIN);
        }
        Ok((form, user))
    }
}

/// Django's `PasswordChangeForm`: the old password, and the new one twice, checked by
/// AUTH_PASSWORD_VALIDATORS.
#[derive(Form, Debug)]
#[form(clean = PasswordChangeForm::passwords_match)]
pub struct PasswordChangeForm {
    #[field(
        label = "Old password",
        strip = false,
        widget = PasswordInput,
        attrs = [("autocomplete", "current-password"), ("autofocus", "")]
    )]
    pub old_password: String,
    #[field(
        label = "New password",
        strip = false,
        widget = PasswordInput,
        attrs = [("autocomplete", "new-password")]
    )]
    pub new_password1: String,
    #[field(
        label = "New password confirmation",
        strip = false,
        widget = PasswordInput,
        attrs = [("autocomplete", "new-password")],
        help_text = "Enter the same password as before, for verification."
    )]
    pub new_password2: String,
}

/// Django's messages for the password-change form.
pub const PASSWORD_INCORRECT: &str =
    "Your old password was entered incorrectly. Please enter it again.";
pub const PASSWORD_MISMATCH: &str = "The two password fields didn’t match.";

impl PasswordChangeForm {
    fn passwords_match(&mut self) -> Result<(), crate::forms::ValidationError> {
        if self.new_password1 != self.new_password2 {
            return Err(crate::forms::ValidationError::for_field(
                "new_password2",
                PASSWORD_MISMATCH,
            ));
        }
        Ok(())
    }

    /// An unbound form, the validators' rules under the new password.
    pub fn for_user() -> BoundForm<Self> {
        with_help(Self::unbound())
    }

    /// The form bound to a POST and checked for `user`: the old password must be theirs and
    /// the new one pass the validators. When valid, the new password is set on `user` (not
    /// saved: the view saves it).
    pub async fn check(
        request: &HttpRequest,
        user: &mut User,
    ) -> Result<BoundForm<Self>, QueryError> {
        let mut form = with_help(Self::bind(request.POST()));
        let Some(data) = form.cleaned_data() else {
            return Ok(form);
        };
        let (old, new) = (data.old_password.clone(), data.new_password2.clone());
        if !user.check_password(&old).await? {
            form.add_error(Some("old_password"), PASSWORD_INCORRECT);
            return Ok(form);
        }
        if let Err(e) = password_validation::validate_password(&new, Some(user)) {
            for message in e.into_messages() {
                form.add_error(Some("new_password2"), message);
            }
            return Ok(form);
        }
        user.set_password(&new).await;
        Ok(form)
    }
}

fn with_help(mut form: BoundForm<PasswordChangeForm>) -> BoundForm<PasswordChangeForm> {
    form.set_help_text(
        "new_password1",
        password_validation::password_validators_help_text_html(),
    );
    form
}

/// Django's `AdminPasswordChangeForm`: a user's new password twice, set by a staff member on
/// the admin's `<id>/password/` page (no old password asked), checked by
/// AUTH_PASSWORD_VALIDATORS.
#[derive(Form, Debug)]
#[form(clean = AdminPasswordChangeForm::passwords_match)]
pub struct AdminPasswordChangeForm {
    #[field(
        label = "Password",
        strip = false,
        widget = PasswordInput,
        attrs = [("autocomplete", "new-password"), ("autofocus", "")]
    )]
    pub password1: String,
    #[field(
        label = "Password confirmation",
        strip = false,
        widget = PasswordInput,
        attrs = [("autocomplete", "new-password")],
        help_text = "Enter the same password as before, for verification."
    )]
    pub password2: String,
}

impl AdminPasswordChangeForm {
    fn passwords_match(&mut self) -> Result<(), crate::forms::ValidationError> {
        if self.password1 != self.password2 {
            return Err(crate::forms::ValidationError::for_field(
                "password2",
                PASSWORD_MISMATCH,
            ));
        }
        Ok(())
    }

    /// An unbound form, the validators' rules under the password.
    pub fn for_user() -> BoundForm<Self> {
        let mut form = Self::unbound();
        form.set_help_text(
            "password1",
            password_validation::password_validators_help_text_html(),
        );
        form
    }

    /// The form bound to a POST and checked for `user`: when valid and the validators pass,
    /// the new password is set on `user` (not saved: the view saves it).
    pub async fn check(request: &HttpRequest, user: &mut User) -> BoundForm<Self> {
        let mut form = Self::bind(request.POST());
        form.set_help_text(
            "password1",
            password_validation::password_validators_help_text_html(),
        );
        let Some(new) = form.cleaned_data().map(|d| d.password1.clone()) else {
            return form;
        };
        if let Err(e) = password_validation::validate_password(&new, Some(user)) {
            for message in e.into_messages() {
                form.add_error(Some("password2"), message);
            }
            return form;
        }
        user.set_password(&new).await;
        form
    }
}

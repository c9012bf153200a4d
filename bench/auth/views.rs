//! The bench's two views, the same as bench/auth/django_site.py's: a login POST (Django's
//! authenticate and login) and a page that reads the session and the user.

use rjango::contrib::auth;
use rjango::prelude::*;

pub async fn login(request: HttpRequest) -> Result<HttpResponse, ViewError> {
    let form = request.POST();
    let (username, password) = (
        form.get("username").unwrap_or_default().to_owned(),
        form.get("password").unwrap_or_default().to_owned(),
    );
    match auth::authenticate(&request, &username, &password).await? {
        Some(user) => {
            auth::login(&request, &user).await?;
            Ok(HttpResponse::new("signed in"))
        }
        None => Ok(HttpResponse::new("refused").status(401)),
    }
}

pub async fn me(request: HttpRequest) -> Result<HttpResponse, ViewError> {
    let visits: i64 = request.session().get("visits").await.unwrap_or(0);
    let user = request.user().await;
    Ok(HttpResponse::new(format!(
        "user {} ({visits} visits)",
        user.username()
    )))
}

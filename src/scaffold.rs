//! The files startproject and startapp write, rendered from the askama templates in
//! `scaffolds/` (compiled into the binary, so an installed `rjango` needs no data files), and
//! the one careful way of writing them: check every target first, never overwrite, write each
//! atomically.

use std::ops::Deref;
use std::path::{Path, PathBuf};

use askama::Template;

use crate::error::{Failure, Result};

/// The values a project's templates are rendered with.
pub struct ProjectContext {
    pub name: String,
    pub secret_key: String,
    /// TOML values (`"0.1"` or `{ path = "..." }`) of the rjango and rjango-codegen deps.
    pub rjango_dep: String,
    pub codegen_dep: String,
}

/// The values an app's templates are rendered with.
pub struct AppContext {
    pub app: String,
}

/// One askama type per template, each a view of the shared context (askama reads `self.name`,
/// which derefs to the context), so every template sees the same variables.
macro_rules! templates {
    ($ctx:ident: $($ty:ident => $path:literal),* $(,)?) => {$(
        #[derive(Template)]
        #[template(path = $path, escape = "none")]
        struct $ty<'a>(&'a $ctx);

        impl Deref for $ty<'_> {
            type Target = $ctx;
            fn deref(&self) -> &$ctx {
                self.0
            }
        }
    )*};
}

templates!(ProjectContext:
    CargoToml => "project/Cargo.toml.askama",
    BuildRs => "project/build.rs.askama",
    MainRs => "project/main.rs.askama",
    SettingsRs => "project/settings.rs.askama",
    UrlsRs => "project/urls.rs.askama",
    Gitignore => "project/gitignore.askama",
    AskamaToml => "project/askama.toml.askama",
    BaseHtml => "project/base.html.askama",
);

templates!(AppContext:
    AppMod => "app/mod.rs.askama",
    AppModels => "app/models.rs.askama",
    AppViews => "app/views.rs.askama",
    AppUrls => "app/urls.rs.askama",
    AppAdmin => "app/admin.rs.askama",
    AppTests => "app/tests.rs.askama",
    AppMigrations => "app/migrations.rs.askama",
);

/// A file to write: its path relative to the project root, and its contents.
pub type File = (PathBuf, String);

/// askama drops a template's final newline (as Jinja does); source files should end with one.
fn finish(rendered: askama::Result<String>) -> Result<String> {
    let mut text =
        rendered.map_err(|e| Failure::new(format!("could not render a template: {e}")))?;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// The Cargo.lock rjango itself was built and tested with. A new project starts from it, so
/// its first build picks the versions rjango's tests ran with (not whatever is newest that
/// day) and needs no registry index update; cargo drops the entries the project does not use.
const TESTED_LOCK: &str = include_str!("../Cargo.lock");

/// Every file of a new project, in the order they are written.
pub fn project_files(ctx: &ProjectContext) -> Result<Vec<File>> {
    Ok(vec![
        ("Cargo.toml".into(), finish(CargoToml(ctx).render())?),
        ("Cargo.lock".into(), TESTED_LOCK.to_owned()),
        ("build.rs".into(), finish(BuildRs(ctx).render())?),
        ("src/main.rs".into(), finish(MainRs(ctx).render())?),
        ("src/settings.rs".into(), finish(SettingsRs(ctx).render())?),
        ("src/urls.rs".into(), finish(UrlsRs(ctx).render())?),
        (".gitignore".into(), finish(Gitignore(ctx).render())?),
        ("askama.toml".into(), finish(AskamaToml(ctx).render())?),
        (
            "templates/base.html".into(),
            finish(BaseHtml(ctx).render())?,
        ),
        ("static/.gitkeep".into(), String::new()),
    ])
}

/// The files the code generator writes into a new project, which must not exist either.
pub const GENERATED_FILES: [&str; 4] = [
    "src/generated/commands.rs",
    "src/generated/migrations.rs",
    "src/generated/mod.rs",
    "src/generated/reverse.rs",
];

/// Every file of a new app (templates/<app>/.gitkeep is the caller's, as that folder may exist).
pub fn app_files(ctx: &AppContext) -> Result<Vec<File>> {
    let dir = PathBuf::from("src").join(&ctx.app);
    Ok(vec![
        (dir.join("mod.rs"), finish(AppMod(ctx).render())?),
        (dir.join("models.rs"), finish(AppModels(ctx).render())?),
        (dir.join("views.rs"), finish(AppViews(ctx).render())?),
        (dir.join("urls.rs"), finish(AppUrls(ctx).render())?),
        (dir.join("admin.rs"), finish(AppAdmin(ctx).render())?),
        (dir.join("tests.rs"), finish(AppTests(ctx).render())?),
        (
            dir.join("migrations/mod.rs"),
            finish(AppMigrations(ctx).render())?,
        ),
    ])
}

/// The first of `paths` (relative to `root`) that already exists, so a command can refuse
/// before writing anything rather than stop half-way.
pub fn first_existing<'a>(
    root: &Path,
    paths: impl IntoIterator<Item = &'a Path>,
) -> Option<PathBuf> {
    paths
        .into_iter()
        .find(|p| root.join(p).symlink_metadata().is_ok())
        .map(Path::to_path_buf)
}

/// Writes `files` under `root`, atomically each. Callers check [`first_existing`] first.
pub fn write_all(root: &Path, files: &[File]) -> Result<()> {
    for (path, text) in files {
        rjango_codegen::fsutil::write_atomic(&root.join(path), text.as_bytes())?;
    }
    Ok(())
}

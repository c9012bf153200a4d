//! `dumpdata [app_label[.ModelName] ...]`: Django's dumpdata, in its JSON fixture format,
//! byte for byte (rows by key; apps in INSTALLED_APPS order, models in declaration order).

use crate::Project;
use crate::core::serializers;
use crate::db::Connection;

/// The options of `dumpdata`, as Django's.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Options {
    /// app_label or app_label.ModelName (default: every installed app)
    pub labels: Vec<String>,
    /// The fixture format (json)
    #[arg(long, default_value = "json")]
    pub format: String,
    /// Indent the JSON by this many spaces
    #[arg(long)]
    pub indent: Option<usize>,
    /// The DATABASES alias
    #[arg(long, default_value = "default")]
    pub database: String,
    /// Leave out an app_label or app_label.ModelName (repeatable)
    #[arg(short, long)]
    pub exclude: Vec<String>,
    /// Write to this file instead of stdout
    #[arg(short, long)]
    pub output: Option<String>,
    /// Only these primary keys, comma-separated (with one app_label.ModelName)
    #[arg(long)]
    pub pks: Option<String>,
}

pub fn run(project: Project, options: &Options) -> Result<(), String> {
    let err = |e: String| format!("CommandError: {e}");
    if options.format != "json" {
        return Err(err(format!(
            "Unknown serialization format: {}",
            options.format
        )));
    }
    let settings = crate::conf::configure((project.settings)());
    let migrations = (project.migrations)();
    let state = crate::db::migrations::project_state(&migrations)
        .map_err(|e| err(format!("the migrations do not replay: {e}")))?;
    let order = serializers::dump_order(
        &settings.INSTALLED_APPS,
        project.models,
        &migrations,
        &state,
    );
    let models = serializers::select(&order, &options.labels, &options.exclude).map_err(err)?;
    let pks: Option<Vec<String>> = options.pks.as_ref().map(|p| {
        p.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    });
    if pks.is_some() && (options.labels.len() != 1 || !options.labels[0].contains('.')) {
        return Err(err("You can only use --pks option with one model".into()));
    }
    let url = settings.DATABASES.url(&options.database).ok_or_else(|| {
        err(format!(
            "the database alias '{}' is not in DATABASES",
            options.database
        ))
    })?;
    let text = crate::__private::block_on(async {
        let conn = Connection::open_url(&options.database, &url)
            .await
            .map_err(|e| err(e.to_string()))?;
        let objects = serializers::dump_objects(&conn, &state, &models, pks.as_deref())
            .await
            .map_err(|e| err(format!("Unable to serialize database: {e}")))?;
        Ok::<_, String>(serializers::to_fixture(&objects, options.indent))
    })?;
    match &options.output {
        Some(path) => write_atomic(std::path::Path::new(path), text.as_bytes())
            .map_err(|e| err(format!("could not write {path}: {e}"))),
        None => {
            use std::io::Write;
            // No newline after the last bracket, as Django's (its stdout ending is None).
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| err(e.to_string()))
        }
    }
}

/// Writes `path` whole or not at all: a temporary file beside it, renamed over it.
fn write_atomic(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.rjango-tmp-{}", std::process::id()));
    let written = (|| {
        use std::io::Write;
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(contents)?;
        // On disk before the rename: a crash never leaves an empty file where the old one was.
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

//! `loaddata fixture [fixture ...]`: Django's loaddata. Finds each fixture by path, or by name in
//! each installed app's `src/<app>/fixtures/`, then in FIXTURE_DIRS, then in the current
//! directory (`-` reads standard input), and saves every object in one transaction.

use std::path::{Path, PathBuf};

use crate::Project;
use crate::core::serializers;
use crate::db::Connection;

/// The options of `loaddata`, as Django's.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Options {
    /// Fixture names (searched in src/<app>/fixtures/, FIXTURE_DIRS and .) or paths; `-`
    /// for standard input
    pub labels: Vec<String>,
    /// The DATABASES alias
    #[arg(long, default_value = "default")]
    pub database: String,
    /// Only this app's fixtures directory
    #[arg(long)]
    pub app: Option<String>,
    /// Skip fields and models the project does not have
    #[arg(short, long)]
    pub ignorenonexistent: bool,
    /// Leave out an app_label or app_label.ModelName (repeatable)
    #[arg(short, long)]
    pub exclude: Vec<String>,
    /// The format of standard input's fixture (json)
    #[arg(long)]
    pub format: Option<String>,
}

/// The fixture files a label names, as Django's `find_fixtures` finds them.
pub fn find_fixtures(label: &str, dirs: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let path = Path::new(label);
    let named_json = label.ends_with(".json");
    if path.is_absolute() || label.contains('/') {
        let candidates = if named_json {
            vec![path.to_path_buf()]
        } else {
            vec![path.with_extension("json")]
        };
        let found: Vec<PathBuf> = candidates.into_iter().filter(|p| p.is_file()).collect();
        return match found.is_empty() {
            true => Err(format!("No fixture named '{label}' found.")),
            false => Ok(found),
        };
    }
    let stem = label.strip_suffix(".json").unwrap_or(label);
    let mut found = Vec::new();
    for dir in dirs {
        let in_dir: Vec<PathBuf> = [format!("{stem}.json"), format!("{stem}.default.json")]
            .iter()
            .map(|f| dir.join(f))
            .filter(|p| p.is_file())
            .collect();
        if in_dir.len() > 1 {
            return Err(format!(
                "Multiple fixtures named '{stem}' in {}. Aborting.",
                dir.display()
            ));
        }
        found.extend(in_dir);
    }
    if found.is_empty() {
        return Err(format!("No fixture named '{label}' found."));
    }
    Ok(found)
}

pub fn run(project: Project, options: &Options) -> Result<(), String> {
    let err = |e: String| format!("CommandError: {e}");
    if options.labels.is_empty() {
        return Err(err("No database fixture specified. Please provide the path of at least one fixture in the command line.".into()));
    }
    let settings = crate::conf::configure((project.settings)());
    let state = crate::db::migrations::project_state(&(project.migrations)())
        .map_err(|e| err(format!("the migrations do not replay: {e}")))?;
    let mut dirs: Vec<PathBuf> = settings
        .INSTALLED_APPS
        .iter()
        .map(|a| crate::apps::label(a))
        .filter(|a| options.app.as_deref().is_none_or(|only| only == *a))
        .map(|a| Path::new("src").join(a).join("fixtures"))
        .collect();
    dirs.extend(settings.FIXTURE_DIRS.iter().map(PathBuf::from));
    dirs.push(PathBuf::from("."));
    let mut fixtures = Vec::new();
    for label in &options.labels {
        if label == "-" {
            if options.format.is_none() {
                return Err(err(
                    "--format must be specified when reading from stdin.".into()
                ));
            }
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| err(e.to_string()))?;
            fixtures.push(("stdin".to_owned(), text));
            continue;
        }
        for path in find_fixtures(label, &dirs).map_err(err)? {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                err(format!(
                    "Problem installing fixture '{}': {e}",
                    path.display()
                ))
            })?;
            fixtures.push((path.display().to_string(), text));
        }
    }
    let mut parsed = Vec::new();
    for (path, text) in &fixtures {
        let objects: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|e| {
            format!("DeserializationError: Problem installing fixture '{path}': {e}")
        })?;
        if objects.is_empty() {
            eprintln!(
                "RuntimeWarning: No fixture data found for '{path}'. (File format may be invalid.)"
            );
        }
        parsed.push((path.clone(), objects));
    }
    let url = settings.DATABASES.url(&options.database).ok_or_else(|| {
        err(format!(
            "the database alias '{}' is not in DATABASES",
            options.database
        ))
    })?;
    let loaded = crate::__private::block_on(async {
        let conn = Connection::open_url(&options.database, &url)
            .await
            .map_err(|e| err(e.to_string()))?;
        serializers::load(
            &conn,
            &state,
            &parsed,
            &options.exclude,
            options.ignorenonexistent,
        )
        .await
        .map_err(|e| format!("DeserializationError: {e}"))
    })?;
    if loaded.saved == loaded.found {
        println!(
            "Installed {} object(s) from {} fixture(s)",
            loaded.saved,
            fixtures.len()
        );
    } else {
        println!(
            "Installed {} object(s) (of {}) from {} fixture(s)",
            loaded.saved,
            loaded.found,
            fixtures.len()
        );
    }
    Ok(())
}

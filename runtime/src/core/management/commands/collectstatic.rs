//! `collectstatic [--noinput] [--clear]`: Django's command of the staticfiles app. Copies every
//! static file (STATICFILES_DIRS, then each app's `static/`) into STATIC_ROOT, with the manifest
//! storage also their content-hashed copies and `staticfiles.json`.

use std::io::{BufRead, Write};

use crate::Project;
use crate::contrib::staticfiles::{finders, storage};

pub fn run(project: Project, noinput: bool, clear: bool) -> Result<(), String> {
    let settings = crate::conf::configure((project.settings)());
    let Some(root) = settings.STATIC_ROOT.clone() else {
        return Err("ImproperlyConfigured: You're using the staticfiles app without having set the STATIC_ROOT setting to a filesystem path.".into());
    };
    let root = match &settings.BASE_DIR {
        Some(base) if root.is_relative() => base.join(root),
        _ => root,
    };
    if !noinput {
        let warning = if clear {
            "This will DELETE ALL FILES in this location!"
        } else {
            "This will overwrite existing files!"
        };
        print!(
            "\nYou have requested to collect static files at the destination\nlocation as specified in your settings:\n\n    {}\n\n{warning}\nAre you sure you want to do this?\n\nType 'yes' to continue, or 'no' to cancel: ",
            root.display()
        );
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if answer.trim() != "yes" {
            return Err("CommandError: Collecting static files cancelled.".into());
        }
    }
    if clear && root.exists() {
        // The directory's contents, not the directory (a web server may be pointed at it).
        for entry in std::fs::read_dir(&root).map_err(|e| format!("{}: {e}", root.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    let files = finders::list();
    let done = storage::collect(&files, &root, settings.STATICFILES_STORAGE)
        .map_err(|e| format!("CommandError: {e}"))?;
    println!("\n{}", done.summary(&root));
    Ok(())
}

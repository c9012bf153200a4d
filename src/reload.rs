//! The dev server's supervisor: start the project binary, watch the sources, rebuild on a
//! change and swap the server only when the new build succeeded, so a typo never takes the
//! running site down (Django's autoreloader, with a compile step in the middle).
//!
//! The decisions that need no process or file system (which paths count, what `addrport`
//! means, how a burst of saves becomes one rebuild) are plain functions, tested below.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crate::cargo::{self, BuildError, Verbosity};
use crate::error::{Failure, Result};
use crate::ui;

/// Where the server listens: Django's `runserver [addrport]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrPort {
    pub host: String,
    pub port: u16,
}

impl Default for AddrPort {
    fn default() -> Self {
        AddrPort {
            host: "127.0.0.1".into(),
            port: 8000,
        }
    }
}

impl fmt::Display for AddrPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl AddrPort {
    /// The address to open in a browser (0.0.0.0 listens everywhere; browse it locally).
    pub fn url(&self) -> String {
        format!("http://{self}/")
    }
}

/// Parses `8001`, `0.0.0.0:8001`, `localhost:8000` or `[::1]:8000`, as Django's runserver does.
pub fn parse_addrport(text: &str) -> Result<AddrPort, String> {
    let invalid = || {
        format!(
            "'{text}' is not a port number or address:port pair (e.g. 8001, 0.0.0.0:8001, [::1]:8000)"
        )
    };
    let port = |p: &str| -> Result<u16, String> {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        match p.parse::<u16>() {
            Ok(0) | Err(_) => Err(format!("'{p}' is not a valid port: use 1 to 65535")),
            Ok(n) => Ok(n),
        }
    };
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(AddrPort {
            port: port(text)?,
            ..AddrPort::default()
        });
    }
    if let Some(rest) = text.strip_prefix('[') {
        let (host, p) = rest.split_once("]:").ok_or_else(invalid)?;
        host.parse::<Ipv6Addr>().map_err(|_| invalid())?;
        return Ok(AddrPort {
            host: host.to_owned(),
            port: port(p)?,
        });
    }
    let (host, p) = text.split_once(':').ok_or_else(invalid)?;
    let hostname = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    let numeric = host.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if (numeric && host.parse::<Ipv4Addr>().is_err()) || !hostname {
        return Err(invalid());
    }
    Ok(AddrPort {
        host: host.to_owned(),
        port: port(p)?,
    })
}

/// Whether a changed path should trigger a rebuild: files under src/ and templates/, except
/// generated code (rjango writes it during the rebuild), build output and editors' temp files.
pub fn is_watched(path: &Path, root: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    match parts.next().as_deref() {
        Some("templates") => {}
        Some("src") => {
            if rel.starts_with("src/generated") {
                return false;
            }
        }
        _ => return false,
    }
    if rel.components().any(|c| c.as_os_str() == "target") {
        return false;
    }
    let Some(name) = rel.file_name().map(|n| n.to_string_lossy()) else {
        return false;
    };
    // Editors' and tools' temporary files: hidden files (vim's .x.swp, emacs' .#x, gedit's
    // .goutputstream-*), backups (x~, #x#), files without an extension (sed -i's sedAbC123,
    // vim's 4913 probe), and the names of JetBrains' and rjango's own atomic writes.
    let editor_temp = name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || !name.contains('.')
        || [
            ".swp",
            ".swo",
            ".swx",
            ".tmp",
            ".bak",
            ".orig",
            ".rej",
            "___jb_tmp___",
            "___jb_old___",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
        || name.contains(".rjango-tmp-");
    !editor_temp
}

/// How a batch of changed files is announced: `src/blog/views.rs` or `src/a.rs and 2 more`.
pub fn describe(paths: &[PathBuf], root: &Path) -> String {
    let shown = |p: &PathBuf| p.strip_prefix(root).unwrap_or(p).display().to_string();
    match paths {
        [] => "the project".to_owned(),
        [one] => shown(one),
        [first, rest @ ..] => format!("{} and {} more", shown(first), rest.len()),
    }
}

/// What the supervisor waits for.
pub enum Signal {
    Changed(PathBuf),
    Stop,
}

/// Set by Ctrl-C, read after a build (cargo gets the same SIGINT and fails).
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Quiet time after the last save before rebuilding: editors write a file in several steps.
const DEBOUNCE: Duration = Duration::from_millis(300);
/// How long the old server gets to finish after SIGTERM before it is killed.
const GRACE: Duration = Duration::from_secs(5);

/// Collects a burst of changes until `quiet` passes without one. None if a Stop came.
pub fn debounce(rx: &Receiver<Signal>, first: PathBuf, quiet: Duration) -> Option<Vec<PathBuf>> {
    let mut paths = vec![first];
    loop {
        match rx.recv_timeout(quiet) {
            Ok(Signal::Changed(p)) => {
                if !paths.contains(&p) {
                    paths.push(p);
                }
            }
            Ok(Signal::Stop) => return None,
            Err(_) => return Some(paths),
        }
    }
}

/// Everything the supervisor needs to (re)start the project's server.
pub struct Supervisor {
    pub root: PathBuf,
    pub package: String,
    pub addr: AddrPort,
    pub reload: bool,
}

impl Supervisor {
    /// Serves `bin` until Ctrl-C (exit 0) or, without reloading, until the server exits.
    pub fn run(self, bin: PathBuf) -> Result<ExitCode> {
        let (tx, rx) = std::sync::mpsc::channel();
        let on_interrupt = tx.clone();
        // Ctrl-C, SIGTERM and SIGHUP alike: stop the build under way and the server.
        ctrlc::set_handler(move || {
            STOPPING.store(true, Ordering::SeqCst);
            cargo::interrupt();
            let _ = on_interrupt.send(Signal::Stop);
        })
        .map_err(|e| Failure::new(format!("could not install the Ctrl-C handler: {e}")))?;
        let _watcher = if self.reload {
            Some(self.watch(tx)?)
        } else {
            None
        };
        if self.reload {
            ui::status("Watching src/ and templates/ for changes. Quit with CONTROL-C.");
        }
        let mut child = self.start(&bin);
        loop {
            match rx.recv_timeout(Duration::from_millis(200)) {
                Ok(Signal::Stop) | Err(RecvTimeoutError::Disconnected) => {
                    stop(child);
                    return Ok(ExitCode::SUCCESS);
                }
                Ok(Signal::Changed(first)) => {
                    let Some(paths) = debounce(&rx, first, DEBOUNCE) else {
                        stop(child);
                        return Ok(ExitCode::SUCCESS);
                    };
                    ui::status(format!(
                        "Changes detected in {}, rebuilding...",
                        describe(&paths, &self.root)
                    ));
                    // An edit saved while a build runs may land after cargo read the file and
                    // before it compiled the rest: build again until no file changed during one.
                    loop {
                        let before = Snapshot::take(&self.root);
                        child = self.rebuild(child);
                        if STOPPING.load(Ordering::SeqCst) {
                            stop(child);
                            return Ok(ExitCode::SUCCESS);
                        }
                        // The changes seen during the build are covered by the check below.
                        while let Ok(signal) = rx.try_recv() {
                            if let Signal::Stop = signal {
                                stop(child);
                                return Ok(ExitCode::SUCCESS);
                            }
                        }
                        if Snapshot::take(&self.root) == before {
                            break;
                        }
                        ui::status("Files changed during the build, rebuilding...");
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    let Some(status) = child.as_mut().and_then(|c| c.try_wait().ok().flatten())
                    else {
                        continue;
                    };
                    child = None;
                    if STOPPING.load(Ordering::SeqCst) {
                        return Ok(ExitCode::SUCCESS);
                    }
                    if !self.reload {
                        let code = status.code().unwrap_or(1);
                        return Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)));
                    }
                    ui::warning(format!(
                        "the server stopped ({status}); it starts again after your next change."
                    ));
                }
            }
        }
    }

    /// Regenerates and rebuilds; on success swaps the server, on failure keeps the old one.
    fn rebuild(&self, child: Option<Child>) -> Option<Child> {
        let keeps = |child: &Option<Child>| match child {
            Some(_) => format!("the last good server keeps serving on {}", self.addr.url()),
            None => "no server is running".to_owned(),
        };
        if let Err(e) = rjango_codegen::generate_project(&self.root) {
            ui::error(crate::commands::located(e, &self.root));
            ui::status(format!(
                "Code generation failed; {}. Fix the error and save.",
                keeps(&child)
            ));
            return child;
        }
        match cargo::build(&self.root, &self.package, Verbosity::Normal) {
            Ok(bin) => {
                if STOPPING.load(Ordering::SeqCst) {
                    return child;
                }
                stop(child);
                self.start(&bin)
            }
            Err(BuildError::Failed) => {
                if !STOPPING.load(Ordering::SeqCst) {
                    ui::status(format!(
                        "Build failed; {}. Fix the error and save.",
                        keeps(&child)
                    ));
                }
                child
            }
            Err(BuildError::Other(message)) => {
                ui::error(message);
                child
            }
        }
    }

    /// Starts `<bin> runserver <addr:port>` in the project root; None (reported) if it can't.
    fn start(&self, bin: &Path) -> Option<Child> {
        let mut command = Command::new(bin);
        command
            .arg("runserver")
            .arg(self.addr.to_string())
            .current_dir(&self.root);
        crate::child::dies_with_parent(&mut command);
        let spawned = command.spawn();
        match spawned {
            Ok(child) => Some(child),
            Err(e) => {
                ui::error(format!("could not start {}: {e}", bin.display()));
                None
            }
        }
    }

    /// Watches src/ and templates/ (when present), forwarding relevant changes to `tx`.
    fn watch(&self, tx: Sender<Signal>) -> Result<notify::RecommendedWatcher> {
        use notify::{EventKind, RecursiveMode, Watcher};
        let root = self.root.clone();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else { return };
                if matches!(event.kind, EventKind::Access(_)) {
                    return;
                }
                for path in event.paths {
                    if is_watched(&path, &root) {
                        let _ = tx.send(Signal::Changed(path));
                    }
                }
            })
            .map_err(|e| Failure::new(format!("could not watch for file changes: {e}")))?;
        for dir in ["src", "templates"] {
            let dir = self.root.join(dir);
            if dir.is_dir() {
                watcher
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(|e| Failure::new(format!("could not watch {}: {e}", dir.display())))?;
            }
        }
        Ok(watcher)
    }
}

/// Stops a server: SIGTERM so it can finish in-flight requests, then a kill after the grace time.
pub fn stop(child: Option<Child>) {
    let Some(mut child) = child else { return };
    if child.try_wait().ok().flatten().is_some() {
        return;
    }
    crate::child::terminate(child.id());
    let deadline = Instant::now() + GRACE;
    while Instant::now() < deadline {
        if child.try_wait().ok().flatten().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// What the watched files (src/, templates/, generated code and editors' temporary files
/// left out) were at one moment: each one's modification time and length. Compared with a later
/// one it tells whether anything was edited, added or removed in between, on the files' own
/// clock, so a build that may have read a file before its last save is run again.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot(std::collections::BTreeMap<PathBuf, (Option<std::time::SystemTime>, u64)>);

impl Snapshot {
    pub fn take(root: &Path) -> Snapshot {
        fn walk(dir: &Path, root: &Path, out: &mut Snapshot) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                match entry.file_type() {
                    Ok(t) if t.is_dir() && !path.ends_with("generated") => walk(&path, root, out),
                    Ok(_) if is_watched(&path, root) => {
                        let meta = entry.metadata().ok();
                        let stamp = (
                            meta.as_ref().and_then(|m| m.modified().ok()),
                            meta.map_or(0, |m| m.len()),
                        );
                        out.0.insert(path, stamp);
                    }
                    _ => {}
                }
            }
        }
        let mut out = Snapshot(Default::default());
        for d in ["src", "templates"] {
            walk(&root.join(d), root, &mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addrport_forms() {
        assert_eq!(
            parse_addrport("8001"),
            Ok(AddrPort {
                host: "127.0.0.1".into(),
                port: 8001
            })
        );
        assert_eq!(
            parse_addrport("0.0.0.0:8001"),
            Ok(AddrPort {
                host: "0.0.0.0".into(),
                port: 8001
            })
        );
        assert_eq!(
            parse_addrport("localhost:80"),
            Ok(AddrPort {
                host: "localhost".into(),
                port: 80
            })
        );
        let v6 = parse_addrport("[::1]:8000").unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("::1", 8000));
        assert_eq!(v6.to_string(), "[::1]:8000");
        assert_eq!(AddrPort::default().url(), "http://127.0.0.1:8000/");
    }

    #[test]
    fn addrport_rejects_nonsense() {
        for bad in [
            "",
            "abc",
            "0",
            "65536",
            "1.2.3:80",
            "300.1.1.1:80",
            ":80",
            "host:",
            "host:x",
            "[::1]",
            "[zz]:80",
            "a b:80",
            "-a:80",
        ] {
            assert!(parse_addrport(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn watched_paths() {
        let root = Path::new("/p");
        assert!(is_watched(Path::new("/p/src/blog/views.rs"), root));
        assert!(is_watched(Path::new("/p/templates/blog/index.html"), root));
        for ignored in [
            "/p/src/generated/mod.rs",
            "/p/target/debug/x",
            "/p/src/views.rs~",
            "/p/src/.views.rs.swp",
            "/p/src/.#views.rs",
            "/p/src/4913",
            "/p/src/.settings.rs.rjango-tmp-12",
            "/p/src/blog/sedAbC123",
            "/p/src/#views.rs#",
            "/p/src/views.rs.tmp",
            "/p/src/views.rs___jb_tmp___",
            "/p/templates/.goutputstream-ZX81",
            "/p/templates/blog/index.html.orig",
            "/p/Cargo.toml",
            "/elsewhere/src/x.rs",
            "/p/src/target/x.rs",
        ] {
            assert!(!is_watched(Path::new(ignored), root), "{ignored}");
        }
    }

    #[test]
    fn changes_during_a_build_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src/generated")).unwrap();
        std::fs::write(root.join("src/urls.rs"), "").unwrap();
        let before = Snapshot::take(root);
        assert_eq!(Snapshot::take(root), before, "nothing changed");
        // Generated code and temporary files are not changes.
        std::fs::write(root.join("src/generated/mod.rs"), "x").unwrap();
        std::fs::write(root.join("src/sedXy12Ab"), "").unwrap();
        assert_eq!(Snapshot::take(root), before);
        // An edit (even within the same clock tick: the length differs), a new file, a
        // removed one are.
        std::fs::write(root.join("src/urls.rs"), "urlpatterns![];").unwrap();
        let edited = Snapshot::take(root);
        assert_ne!(edited, before);
        std::fs::write(root.join("src/views.rs"), "").unwrap();
        let added = Snapshot::take(root);
        assert_ne!(added, edited);
        std::fs::remove_file(root.join("src/views.rs")).unwrap();
        assert_ne!(Snapshot::take(root), added);
    }

    #[test]
    fn describe_batches() {
        let root = Path::new("/p");
        assert_eq!(describe(&["/p/src/a.rs".into()], root), "src/a.rs");
        assert_eq!(
            describe(
                &["/p/src/a.rs".into(), "/p/src/b.rs".into(), "/p/c".into()],
                root
            ),
            "src/a.rs and 2 more"
        );
    }

    #[test]
    fn debounce_collects_a_burst_and_sees_stop() {
        let (tx, rx) = std::sync::mpsc::channel();
        tx.send(Signal::Changed("b".into())).unwrap();
        tx.send(Signal::Changed("a".into())).unwrap();
        tx.send(Signal::Changed("b".into())).unwrap();
        let got = debounce(&rx, "a".into(), Duration::from_millis(20)).unwrap();
        assert_eq!(got, vec![PathBuf::from("a"), PathBuf::from("b")]);
        tx.send(Signal::Stop).unwrap();
        assert!(debounce(&rx, "a".into(), Duration::from_millis(20)).is_none());
    }
}

//! Database servers for end-to-end tests: a database of its own on PostgreSQL or MariaDB for
//! one test (dropped when it ends, even on failure), read with the server's own client, and
//! the server itself stopped and started again, as .ci/run starts it, for the outage tests.

#![allow(dead_code)]

use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    Postgres,
    Mariadb,
}

impl Server {
    /// The variable that names the server for the tests.
    pub fn variable(self) -> &'static str {
        match self {
            Server::Postgres => "RJANGO_TEST_POSTGRES",
            Server::Mariadb => "RJANGO_TEST_MYSQL",
        }
    }

    /// Stops the server on this machine (a fast shutdown: open connections are cut); it is
    /// started again when the guard is dropped, whatever the test did.
    pub fn stop(self) -> Stopped {
        match self {
            Server::Postgres => run("pg_ctlcluster", &pg_cluster(&["stop", "-m", "fast"])),
            Server::Mariadb => {
                run(
                    "mariadb-admin",
                    &["-h", "127.0.0.1", "-u", "root", "shutdown"],
                );
                // mariadb-admin returns before the server has exited.
                let start = Instant::now();
                while running("mariadbd") && start.elapsed() < Duration::from_secs(30) {
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        }
        Stopped {
            server: self,
            started: false,
        }
    }

    /// Whether the server accepts connections.
    pub fn is_ready(self) -> bool {
        let (program, args): (&str, &[&str]) = match self {
            Server::Postgres => ("pg_isready", &["-q", "-h", "127.0.0.1", "-p", "5432"]),
            Server::Mariadb => ("mariadb-admin", &["-h", "127.0.0.1", "-u", "root", "ping"]),
        };
        Command::new(program)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// Why this test cannot stop and start the server, if it cannot: it must be this machine's
    /// own (127.0.0.1), run by the cluster tools, and the test must run as root, as CI does.
    pub fn why_not_controllable(self, url: &str) -> Option<String> {
        let local = url.contains("@127.0.0.1") || url.contains("@localhost");
        let tools = match self {
            Server::Postgres => ["pg_ctlcluster", "pg_isready"],
            Server::Mariadb => ["mariadb-admin", "start-stop-daemon"],
        };
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        if !local {
            return Some(format!(
                "{} is not a server on this machine",
                self.variable()
            ));
        }
        if let Some(missing) = tools.iter().find(|t| !on_path(t)) {
            return Some(format!("{missing} is not installed"));
        }
        (!root).then(|| "stopping a database server needs root".to_owned())
    }
}

/// A stopped server, started again on drop (or by [`Stopped::start`]).
pub struct Stopped {
    server: Server,
    started: bool,
}

impl Stopped {
    /// Starts the server and waits until it accepts connections.
    pub fn start(mut self) {
        self.start_now();
    }

    fn start_now(&mut self) {
        if self.started {
            return;
        }
        self.started = true;
        match self.server {
            Server::Postgres => run("pg_ctlcluster", &pg_cluster(&["start"])),
            Server::Mariadb => run(
                "start-stop-daemon",
                &[
                    "--start",
                    "--oknodo",
                    "--background",
                    "--exec",
                    "/usr/sbin/mariadbd",
                ],
            ),
        }
        let start = Instant::now();
        while !self.server.is_ready() {
            if start.elapsed() > Duration::from_secs(60) {
                // Not a second panic while a failed test unwinds; its own message says more.
                assert!(
                    std::thread::panicking(),
                    "{:?} did not come back within 60 s of its start",
                    self.server
                );
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        self.start_now();
    }
}

/// `pg_ctlcluster --skip-systemctl-redirect <version> main <args>`.
fn pg_cluster<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let version = std::fs::read_dir("/etc/postgresql")
        .ok()
        .and_then(|mut d| d.next())
        .and_then(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .unwrap_or_else(|| "15".into());
    let version: &'a str = Box::leak(version.into_boxed_str());
    let mut all = vec!["--skip-systemctl-redirect", version, "main"];
    all.extend_from_slice(args);
    all
}

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn running(process: &str) -> bool {
    Command::new("pgrep")
        .args(["-x", process])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn on_path(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A database of its own for one test, dropped when the test ends (even on failure).
pub struct TempDatabase {
    pub server: Server,
    admin: String,
    pub name: String,
    pub url: String,
}

impl TempDatabase {
    /// A new empty database on the server at `admin` (a URL naming any database there).
    pub fn create(server: Server, admin: &str, tag: &str) -> TempDatabase {
        let name = format!("rjango_e2e_{tag}_{}", std::process::id());
        let base = admin.rsplit_once('/').map_or(admin, |(base, _)| base);
        let db = TempDatabase {
            server,
            admin: admin.to_owned(),
            url: format!("{base}/{name}"),
            name,
        };
        for sql in [
            format!("DROP DATABASE IF EXISTS {}", db.name),
            format!("CREATE DATABASE {}", db.name),
        ] {
            let out = db.admin_sql(&sql);
            assert!(
                out.status.success(),
                "{sql}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        db
    }

    /// Runs `sql` on the server's maintenance database.
    fn admin_sql(&self, sql: &str) -> Output {
        match self.server {
            Server::Postgres => Command::new("psql")
                .args([self.admin.as_str(), "-v", "ON_ERROR_STOP=1", "-qc", sql])
                .output()
                .expect("psql (the PostgreSQL client) on PATH"),
            Server::Mariadb => mariadb(&self.admin, None, sql),
        }
    }

    /// The rows of `query` on this database, tab-separated, one line each.
    pub fn query(&self, query: &str) -> String {
        let out = match self.server {
            Server::Postgres => Command::new("psql")
                .args([
                    self.url.as_str(),
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-qAtF",
                    "\t",
                    "-c",
                    query,
                ])
                .output()
                .expect("psql on PATH"),
            Server::Mariadb => mariadb(&self.admin, Some(&self.name), query),
        };
        assert!(
            out.status.success(),
            "{query}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// The `mariadb` client on the server of `url` (mysql://user[:password]@host:port/db).
fn mariadb(url: &str, database: Option<&str>, sql: &str) -> Output {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (auth, location) = rest.split_once('@').unwrap_or(("root", rest));
    let (user, password) = auth.split_once(':').unwrap_or((auth, ""));
    let host_port = location.split('/').next().unwrap_or("127.0.0.1:3306");
    let (host, port) = host_port.split_once(':').unwrap_or((host_port, "3306"));
    let mut cmd = Command::new("mariadb");
    cmd.args(["-h", host, "-P", port, "-u", user, "-N", "-B", "-e", sql]);
    if !password.is_empty() {
        cmd.arg(format!("-p{password}"));
    }
    if let Some(db) = database {
        cmd.arg(db);
    }
    cmd.output().expect("mariadb (the MariaDB client) on PATH")
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        // Never a second panic while a failed test unwinds: a leftover database is only noise.
        let sql = match self.server {
            Server::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            Server::Mariadb => format!("DROP DATABASE IF EXISTS {}", self.name),
        };
        let _ = self.admin_sql(&sql);
    }
}

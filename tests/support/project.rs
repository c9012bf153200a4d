//! Generated projects for end-to-end tests: made with the real `rjango` binary, built once per
//! test run into one shared target directory, and served on free loopback ports.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The target directory every generated project of the test run shares, so dependencies are
/// compiled once (CARGO_TARGET_DIR of the environment wins, as CI may set it).
pub fn shared_target_dir() -> PathBuf {
    std::env::var_os("RJANGO_TEST_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/projects"))
}

pub fn rjango() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rjango"));
    cmd.env("CARGO_TARGET_DIR", shared_target_dir())
        .env_remove("NO_COLOR");
    cmd
}

/// Runs `rjango` with args in `dir`, asserting success; returns stdout.
pub fn run_rjango(dir: &Path, args: &[&str]) -> String {
    let out = rjango()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run rjango");
    assert!(
        out.status.success(),
        "rjango {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `rjango startproject name` in `parent`. The project's Cargo.lock is the one startproject
/// writes (rjango's own), so it resolves the workspace's versions and shares their builds.
pub fn startproject(parent: &Path, name: &str) -> PathBuf {
    run_rjango(parent, &["startproject", name]);
    parent.join(name)
}

/// `cargo build` of a project into the shared target dir; returns the binary.
/// A generated project must build without a single warning.
pub fn build(root: &Path, name: &str) -> PathBuf {
    let out = Command::new(env!("CARGO"))
        .args(["build", "--color=never"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", shared_target_dir())
        .output()
        .expect("run cargo build");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the generated project {name} did not build:\n{stderr}"
    );
    assert!(
        !stderr.contains("warning"),
        "the generated project {name} built with warnings:\n{stderr}"
    );
    shared_target_dir().join("debug").join(name)
}

/// `cargo build --release` of a project into the shared target dir; returns the binary. The
/// project's release profile is kept (optimized, no debug assertions, no overflow checks: the
/// code that serves), but for its whole-program LTO and single codegen unit, which change no
/// behaviour and would cost a test run minutes.
pub fn build_release(root: &Path, name: &str) -> PathBuf {
    let out = Command::new(env!("CARGO"))
        .args(["build", "--release", "--color=never"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", shared_target_dir())
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .output()
        .expect("run cargo build --release");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !stderr.contains("warning"),
        "the generated project {name} did not build for release without warnings:\n{stderr}"
    );
    shared_target_dir().join("release").join(name)
}

/// `cargo test` of a generated project (its apps' tests.rs); returns the output.
pub fn cargo_test(root: &Path) -> String {
    let out = Command::new(env!("CARGO"))
        .args(["test", "--color=never"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", shared_target_dir())
        .output()
        .expect("run cargo test");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "cargo test of the generated project failed:\n{text}"
    );
    text
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something accepts connections on `port`.
pub fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// A running process whose output is collected; killed on drop.
pub struct Running {
    pub child: Child,
    pub port: u16,
    output: Arc<Mutex<String>>,
}

impl Running {
    pub fn spawn(mut cmd: Command, port: u16) -> Running {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let output = Arc::new(Mutex::new(String::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let output = output.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let mut o = output.lock().unwrap();
                    o.push_str(&line);
                    o.push('\n');
                }
            });
        }
        Running {
            child,
            port,
            output,
        }
    }

    /// The project binary's runserver on a free port, with environment overrides.
    pub fn server(binary: &Path, env: &[(&str, &str)]) -> Running {
        let port = free_port();
        let mut cmd = Command::new(binary);
        cmd.args(["runserver", &format!("127.0.0.1:{port}"), "--workers", "2"]);
        cmd.env_remove("DEBUG")
            .env_remove("SECRET_KEY")
            .env_remove("ALLOWED_HOSTS");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut running = Running::spawn(cmd, port);
        if !wait_for_port(port, Duration::from_secs(30)) {
            let status = running.child.try_wait();
            panic!(
                "the server did not start ({status:?}):\n{}",
                running.output()
            );
        }
        running
    }

    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Waits until the collected output contains `needle`.
    pub fn wait_for_output(&self, needle: &str, timeout: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if self.output().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends SIGINT, as Ctrl-C in a terminal does.
    pub fn interrupt(&self) {
        self.signal("INT");
    }

    /// Sends a signal by name (`TERM`, `HUP`, `KILL`), as `kill -NAME pid` does.
    pub fn signal(&self, name: &str) {
        let _ = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

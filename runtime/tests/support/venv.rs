//! The Django 5.2 virtualenv the compatibility tests run Django in (from PyPI, under target/,
//! shared with the CLI's tests), with the hashers' libraries and the PostgreSQL and MySQL
//! drivers; made on first use. None, with a notice, when it cannot be made.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn django_python() -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/django-venv");
    let python = venv.join("bin/python");
    let ready = || {
        Command::new(&python)
            .args([
                "-c",
                "import django, argon2, bcrypt, psycopg, pymysql; assert django.VERSION[:2] == (5, 2)",
            ])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !ready() {
        let made = (python.exists()
            || Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .is_ok_and(|s| s.success()))
            && Command::new(venv.join("bin/pip"))
                .args([
                    "install",
                    "--quiet",
                    "Django==5.2.*",
                    "argon2-cffi==25.*",
                    "bcrypt==4.*",
                    "psycopg[binary]==3.*",
                    "PyMySQL==1.*",
                ])
                .status()
                .is_ok_and(|s| s.success());
        if !made || !ready() {
            rjango::test::skip(
                "a Django compatibility test",
                "Django 5.2 with argon2-cffi, bcrypt, psycopg and PyMySQL could not be installed from PyPI",
            );
            return None;
        }
    }
    Some(python)
}

/// Runs `tests/support/<script>` with the venv's `python`, the request as JSON on its standard
/// input; its answer, the text it prints. Django's failure is the test's.
#[allow(dead_code)]
pub fn run_django_text(python: &Path, script: &str, request: &serde_json::Value) -> String {
    let out = run(python, script, request);
    String::from_utf8(out).expect("UTF-8 from Django")
}

/// `python tests/support/<script>`.
fn script(python: &Path, script: &str) -> Command {
    let mut command = Command::new(python);
    command.arg(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/support")
            .join(script),
    );
    command
}

fn run(python: &Path, script: &str, request: &serde_json::Value) -> Vec<u8> {
    let mut child = self::script(python, script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the venv's python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{script}: Django failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs `tests/support/<script>` with the venv's `python`, the request as JSON on its standard
/// input; its answer, the JSON it prints. Django's failure is the test's, with what it said.
#[allow(dead_code)]
pub fn run_django(python: &Path, script: &str, request: &serde_json::Value) -> serde_json::Value {
    serde_json::from_slice(&run(python, script, request)).unwrap()
}

/// Django's DATABASES entry (without ENGINE) for a test database's URL.
#[allow(dead_code)]
pub fn database(dialect: rjango::db::Dialect, url: &str) -> serde_json::Value {
    if dialect == rjango::db::Dialect::Sqlite {
        return serde_json::json!({"NAME": url.trim_start_matches("sqlite://")});
    }
    let rest = url.split_once("://").unwrap().1;
    let (auth, rest) = rest.split_once('@').unwrap();
    let (host, name) = rest.split_once('/').unwrap();
    let (host, port) = host.split_once(':').unwrap();
    let (user, password) = auth.split_once(':').unwrap_or((auth, ""));
    serde_json::json!({
        "NAME": name.split('?').next().unwrap(),
        "USER": user,
        "PASSWORD": password,
        "HOST": host,
        "PORT": port,
    })
}

/// A `tests/support/<script>` kept running for a conversation in JSON lines: one request line
/// in, one answer line out, so Django starts once for many questions.
#[allow(dead_code)]
pub struct Conversation {
    script: &'static str,
    child: std::process::Child,
    answers: std::io::BufReader<std::process::ChildStdout>,
}

#[allow(dead_code)]
impl Conversation {
    /// Starts `script`, its first line `hello`.
    pub fn start(python: &Path, script: &'static str, hello: &serde_json::Value) -> Conversation {
        let mut child = self::script(python, script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the venv's python");
        let answers = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut conversation = Conversation {
            script,
            child,
            answers,
        };
        conversation.say(hello);
        conversation
    }

    fn say(&mut self, line: &serde_json::Value) {
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .unwrap_or_else(|e| panic!("{}: Django stopped listening: {e}", self.script));
    }

    /// Asks one question; Django's answer. Django's failure (its traceback is on the test's
    /// standard error) is the test's.
    pub fn ask(&mut self, question: &serde_json::Value) -> serde_json::Value {
        use std::io::BufRead;
        self.say(question);
        let mut answer = String::new();
        self.answers.read_line(&mut answer).unwrap();
        assert!(
            !answer.is_empty(),
            "{}: Django failed on {question} (its traceback is above)",
            self.script
        );
        serde_json::from_str(&answer).unwrap()
    }
}

impl Drop for Conversation {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

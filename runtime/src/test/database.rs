//! Tests with a database, as Django's test runner gives them: once per test process, a test
//! database for each alias of DATABASES (`test_<NAME>` on the same server; in memory on
//! SQLite), migrated with the project's migrations; then each test isolated from the others.
//!
//! ```text
//! #[rjango::test(db)]            // Django's TestCase: the test runs in a transaction that is
//! async fn creates_a_post() {     // rolled back at its end
//!     Post::objects().create(...).await.unwrap();
//! }
//!
//! #[rjango::test(transaction)]   // Django's TransactionTestCase: commits are real, and every
//! async fn commits() { ... }      // table is emptied after the test (flush)
//! ```
//!
//! Database tests of one process run one at a time, as Django runs them; tests without a
//! database still run side by side. They share one Tokio runtime, on which the pools live, so
//! a pool opened by one test serves the next.

use std::future::Future;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

use crate::Project;
use crate::db::creation::TestDatabase;
use crate::db::migrations::executor::{Executor, Target};
use crate::db::{Connection, connections};

/// How a database test is kept from the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// Django's TestCase: a transaction on `default`, rolled back at the end. Fast; the test
    /// cannot see its own commits (on_commit callbacks never run).
    Transaction,
    /// Django's TransactionTestCase: the test commits for real, and every table of every
    /// alias is emptied afterwards.
    Flush,
}

/// The test databases of this process, made by the first database test.
struct Prepared {
    databases: Vec<TestDatabase>,
    state: crate::db::migrations::ProjectState,
}

static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
static PREPARED: Mutex<Option<Prepared>> = Mutex::new(None);
/// Held for the length of each database test: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn runtime() -> &'static tokio::runtime::Runtime {
    RUNTIME.get_or_init(|| {
        // Driven by each database test in turn (block_on hands the runtime from thread to
        // thread); its I/O driver holds the pools' connections between tests.
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime for database tests")
    })
}

/// Straight to the terminal, past the test harness's capture, as Django's runner prints.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

tokio::task_local! {
    /// Set while a test without a database runs (plain `#[rjango::test]`).
    static NO_DATABASE: ();
}

/// Set by the first `#[rjango::test]` of the process: from then on only a database test's
/// thread may use a database.
static IN_TESTS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

thread_local! {
    /// True on the thread driving a database test (its runtime is current-thread, so the
    /// tasks it spawns run here too).
    static ON_DATABASE_TEST: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs the `body` of a test without a database (plain `#[rjango::test]`, Django's
/// SimpleTestCase): a query it makes, a view it calls makes or a task it spawns makes is
/// refused with Django's message instead of reaching the project's own database.
pub fn simple<F: Future>(body: F) -> F::Output {
    IN_TESTS.store(true, std::sync::atomic::Ordering::SeqCst);
    crate::__private::block_on(NO_DATABASE.scope((), body))
}

/// Whether a database may not be used here: in a test without one, or anywhere but a database
/// test's thread in a process running rjango's tests (the test databases' pools live on that
/// thread's runtime; the settings' database is the project's own).
pub(crate) fn forbidden() -> bool {
    NO_DATABASE.try_with(|_| ()).is_ok()
        || (IN_TESTS.load(std::sync::atomic::Ordering::SeqCst)
            && !ON_DATABASE_TEST.with(std::cell::Cell::get))
}

/// Runs a database test's `body`: used by `#[rjango::test(db)]` and
/// `#[rjango::test(transaction)]`.
///
/// # Panics
/// When the test databases cannot be made or migrated (the message says why), and when
/// `body` panics (after its isolation is undone).
pub fn run<F: Future>(project: Project, isolation: Isolation, body: F) -> F::Output {
    IN_TESTS.store(true, std::sync::atomic::Ordering::SeqCst);
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    struct OnThread;
    impl Drop for OnThread {
        fn drop(&mut self) {
            ON_DATABASE_TEST.with(|on| on.set(false));
        }
    }
    ON_DATABASE_TEST.with(|on| on.set(true));
    let _on_thread = OnThread;
    runtime().block_on(async {
        let state = prepare(project).await;
        match isolation {
            Isolation::Transaction => crate::db::transaction::rolled_back("default", body)
                .await
                .unwrap_or_else(|e| panic!("the test's transaction: {e}")),
            Isolation::Flush => {
                let outcome =
                    futures_util::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(body)).await;
                flush_all(project, &state).await;
                match outcome {
                    Ok(value) => value,
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
        }
    })
}

/// Makes and migrates the test databases the first time; the migrated state after.
async fn prepare(project: Project) -> crate::db::migrations::ProjectState {
    // SERIAL is held: no other test prepares meanwhile.
    if let Some(p) = PREPARED.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        return p.state.clone();
    }
    let settings = crate::conf::configure((project.settings)());
    let migrations = (project.migrations)();
    let state = crate::db::migrations::project_state(&migrations)
        .unwrap_or_else(|e| panic!("the migrations do not replay: {e}"));
    let mut databases = Vec::new();
    let aliases: Vec<String> = settings.DATABASES.aliases().map(str::to_owned).collect();
    for alias in aliases {
        let Some(url) = settings.DATABASES.url(&alias) else {
            continue;
        };
        say(&format!("Creating test database for alias '{alias}'..."));
        let db = TestDatabase::create(&alias, &url)
            .await
            .unwrap_or_else(|e| panic!("could not create the test database for '{alias}': {e}"));
        migrate(project, &alias, &db.url, &migrations).await;
        connections::add(
            Connection::open_pool(
                &alias,
                &db.url,
                connections::pool_size(),
                connections::pool_timeout(),
            )
            .await
            .unwrap_or_else(|e| panic!("could not open the test database for '{alias}': {e}")),
        );
        databases.push(db);
    }
    *PREPARED.lock().unwrap_or_else(|e| e.into_inner()) = Some(Prepared {
        databases,
        state: state.clone(),
    });
    destroy_at_exit();
    state
}

/// Drops the test databases on their servers when the process ends, as Django's runner does
/// after the last test (a test harness has no "after the last test", but the process exits).
#[cfg(unix)]
fn destroy_at_exit() {
    extern "C" fn destroy() {
        let Some(prepared) = PREPARED.lock().ok().and_then(|mut p| p.take()) else {
            return;
        };
        let destroy_all = async {
            for db in &prepared.databases {
                if db.dialect != crate::db::Dialect::Sqlite {
                    say(&format!(
                        "Destroying test database for alias '{}'...",
                        db.alias
                    ));
                }
                if let Err(e) = db.destroy().await {
                    say(&format!(
                        "could not destroy the test database for '{}': {e}",
                        db.alias
                    ));
                }
            }
        };
        // A runtime of its own: the tests' runtime may be mid-drop at exit.
        if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            rt.block_on(destroy_all);
        }
    }
    // SAFETY: registers a plain `extern "C" fn` with no arguments, as atexit(3) requires.
    unsafe {
        libc::atexit(destroy);
    }
}

#[cfg(not(unix))]
fn destroy_at_exit() {}

/// Every migration of the project, on the test database of `alias`.
async fn migrate(
    project: Project,
    alias: &str,
    url: &str,
    migrations: &[crate::db::migrations::Migration],
) {
    let conn = Connection::open_url(alias, url)
        .await
        .unwrap_or_else(|e| panic!("could not open the test database for '{alias}': {e}"));
    crate::db::migrations::recorder::ensure_table(&conn)
        .await
        .unwrap_or_else(|e| panic!("test database '{alias}': {e}"));
    let mut executor = Executor::new(migrations, Default::default())
        .unwrap_or_else(|e| panic!("test database '{alias}': {e}"))
        .with_code((project.migration_code)());
    for step in executor.plan(&Target::All) {
        executor
            .run(&conn, &step, false)
            .await
            .unwrap_or_else(|e| panic!("migrating the test database for '{alias}': {e}"));
    }
    post_migrate(project, &conn, migrations).await;
}

/// Django's post_migrate on a test database: after it is migrated, and after each flush.
async fn post_migrate(
    project: Project,
    conn: &Connection,
    migrations: &[crate::db::migrations::Migration],
) {
    let state = crate::db::migrations::project_state(migrations)
        .unwrap_or_else(|e| panic!("the migrations do not replay: {e}"));
    crate::contrib::post_migrate(conn, project.apps, project.models, &state)
        .await
        .unwrap_or_else(|e| panic!("post_migrate on the test database {conn:?}: {e}"));
}

/// Empties every table of every test database (TransactionTestCase's teardown).
async fn flush_all(project: Project, state: &crate::db::migrations::ProjectState) {
    let aliases: Vec<String> = PREPARED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map(|p| p.databases.iter().map(|d| d.alias.clone()).collect())
        .unwrap_or_default();
    for alias in aliases {
        let conn = connections::get(&alias)
            .await
            .unwrap_or_else(|e| panic!("test database '{alias}': {e}"));
        crate::db::flush::flush(&conn, state)
            .await
            .unwrap_or_else(|e| panic!("flushing the test database for '{alias}': {e}"));
        crate::contrib::post_migrate(&conn, project.apps, project.models, state)
            .await
            .unwrap_or_else(|e| panic!("post_migrate on the test database '{alias}': {e}"));
    }
}

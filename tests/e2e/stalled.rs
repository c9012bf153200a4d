//! A database that stops answering without refusing anything (issue 21, part 5): the server
//! reaches PostgreSQL and MariaDB through a proxy that stops passing bytes for 20 s under
//! load, then passes them again. A stopped server refuses connections at once; this one holds
//! the connections the pool has and the queries on them, and new connections hang, which no
//! driver times out by itself.

use std::time::Duration;

use crate::support::databases::{Server, TempDatabase};
use crate::support::load::quantile;
use crate::support::project::Running;
use crate::support::proxy::{self, Proxy};
use crate::support::skip::skip;
use crate::{Built, SERVERS, bank, migrate_to, prod_with, seed_project};

/// The pool timeout the server runs with (DATABASE_POOL_TIMEOUT's default) and the watcher's
/// first look (health::RETRY): a request that needs the stalled database is answered within
/// their sum.
const POOL_TIMEOUT: Duration = Duration::from_secs(10);
const RETRY: Duration = Duration::from_secs(1);

#[test]
fn a_database_that_stops_answering_is_answered_within_the_pool_timeout() {
    let built = seed_project();
    let _shared = SERVERS.read().unwrap_or_else(|e| e.into_inner());
    for server in [Server::Postgres, Server::Mariadb] {
        let Ok(admin) = std::env::var(server.variable()) else {
            skip(
                &format!("the {server:?} stalled-database test"),
                &format!("{} is not set", server.variable()),
            );
            continue;
        };
        stalled(built, server, &admin);
    }
}

fn stalled(built: &Built, server: Server, admin: &str) {
    let db = TempDatabase::create(server, admin, "stalled");
    migrate_to(&built.root, &db.url);
    let (_, upstream) = proxy::through(&db.url, 0);
    let proxy = Proxy::start(&upstream);
    let (url, _) = proxy::through(&db.url, proxy.port);
    let env = prod_with(&[("DATABASE_URL", url.as_str())]);
    let running = Running::server(&built.binary, &env);
    let load = bank::start(running.port);
    std::thread::sleep(Duration::from_secs(2));
    let stalled_at = load.now();
    proxy.stall(true);
    std::thread::sleep(Duration::from_secs(20));
    let resumed_at = load.now();
    proxy.stall(false);
    let recovered = bank::first_read_after(&load, resumed_at, &running, &format!("{server:?}"));
    std::thread::sleep(Duration::from_secs(2));
    let samples = load.finish();
    let log = running.output();

    let hello_p99 = bank::answers_sound(&samples, &format!("{server:?}"), &log);
    // A request caught by the stall waits for the watcher's verdict: at most the watcher's
    // first look and the pool timeout (with room for a loaded CI machine), never the 30 s
    // the client would wait.
    let unavailable: Vec<_> = samples.iter().filter(|s| s.status == 503).collect();
    let slowest_503 = unavailable.iter().map(|s| s.took).max().unwrap_or_default();
    assert!(
        !unavailable.is_empty() && slowest_503 < RETRY + POOL_TIMEOUT + Duration::from_secs(3),
        "{server:?}: {} answered 503, the slowest after {slowest_503:?}\n{log}",
        unavailable.len()
    );
    // Once the database is known to be down, the requests that need it are answered at once.
    let known_down = stalled_at + RETRY + POOL_TIMEOUT + Duration::from_secs(2);
    let late: Vec<_> = samples
        .iter()
        .filter(|s| s.kind != "hello" && s.asked >= known_down && s.asked + s.took < resumed_at)
        .collect();
    assert!(
        late.len() > 20,
        "{server:?}: only {} requests while known down",
        late.len()
    );
    let late_p99 = quantile(late.iter().map(|s| s.took).collect(), 0.99);
    assert!(
        late.iter()
            .all(|s| s.status == 503 && s.retry_after.as_deref() == Some("1"))
            && late_p99 < Duration::from_millis(500),
        "{server:?}: p99 {late_p99:?}; {:?}",
        late.iter().find(|s| s.status != 503)
    );
    assert!(
        recovered < Duration::from_secs(5),
        "{server:?}: the first read after the database answered again came {recovered:?} later"
    );
    assert_eq!(
        log.matches("Requests that need it are answered 503 until it is back")
            .count(),
        1,
        "{server:?}: logged once:\n{log}"
    );
    assert_eq!(
        log.matches("is reachable again").count(),
        1,
        "{server:?}:\n{log}"
    );
    assert!(!log.contains("Internal Server Error"), "{server:?}:\n{log}");

    let writes = bank::writes_kept(&db, &samples, &format!("{server:?}"));
    println!(
        "{server:?} stalled for 20 s: {} requests, {} answered 503 (slowest {slowest_503:.1?}; once known down p99 {late_p99:.1?}); /hello/ p99 {hello_p99:.1?}; first read {recovered:.2?} after the database answered again; {} accounts created, {} transfers done, {} moved",
        samples.len(),
        unavailable.len(),
        writes.created,
        writes.done,
        writes.moved,
    );
}

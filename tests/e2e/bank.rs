//! The load the database-failure tests put on the seed project while its database fails:
//! pages without the database, reads, account creations and transfers between two accounts
//! (one transaction each), and what must hold of the writes afterwards.

use std::time::Duration;

use crate::support::databases::TempDatabase;
use crate::support::http::Request;
use crate::support::load::{Kind, Load, Sample};
use crate::support::project::Running;

/// Opens accounts 1 and 2 with a million each, then starts two clients of each kind.
pub fn start(port: u16) -> Load {
    for (owner, id) in [("A", 1), ("B", 2)] {
        let r = Request::new("POST", "/accounts/")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("owner={owner}&balance=1000000"))
            .send(port);
        assert_eq!(
            (r.status, r.json()["id"].as_i64()),
            (201, Some(id)),
            "{}",
            r.text()
        );
    }
    let kinds = vec![
        Kind {
            name: "hello",
            method: "GET",
            path: "/hello/",
            body: |_| String::new(),
        },
        Kind {
            name: "read",
            method: "GET",
            path: "/authors/",
            body: |_| String::new(),
        },
        Kind {
            name: "create",
            method: "POST",
            path: "/accounts/",
            body: |n| format!("owner=o{n}&balance=0"),
        },
        Kind {
            name: "transfer",
            method: "POST",
            path: "/transfer/",
            body: |_| "from=1&to=2&amount=1".into(),
        },
    ];
    Load::start(port, kinds, 2)
}

/// How long after `since` the first read succeeded (waiting for it, 30 s at most).
pub fn first_read_after(load: &Load, since: Duration, running: &Running, what: &str) -> Duration {
    loop {
        let first = load
            .samples()
            .into_iter()
            .filter(|s| s.kind == "read" && s.asked >= since && s.status == 200)
            .map(|s| s.asked + s.took)
            .min();
        if let Some(at) = first {
            return at - since;
        }
        assert!(
            load.now() - since < Duration::from_secs(30),
            "{what}: no read succeeded within 30 s:\n{}",
            running.output()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What the writes came to: accounts created (answered 201), transfers answered 200, and
/// the amount moved.
pub struct Writes {
    pub created: usize,
    pub done: i64,
    pub moved: i64,
}

/// No write answered 2xx is lost, and no transfer is half-applied: the two balances still
/// sum to two million, and every transfer answered 200 moved its unit (one answered 503 may
/// have, its COMMIT cut after it reached the server).
pub fn writes_kept(db: &TempDatabase, samples: &[Sample], what: &str) -> Writes {
    let owners: std::collections::BTreeSet<String> = db
        .query("SELECT owner FROM blog_account")
        .lines()
        .map(str::to_owned)
        .collect();
    let created: Vec<String> = samples
        .iter()
        .filter(|s| s.kind == "create" && s.status == 201)
        .map(|s| format!("o{}", s.number))
        .collect();
    let lost: Vec<&String> = created.iter().filter(|o| !owners.contains(*o)).collect();
    assert!(
        lost.is_empty(),
        "{what}: answered 201 but not in the database: {lost:?}"
    );
    let balances: Vec<i64> = db
        .query("SELECT balance FROM blog_account WHERE id IN (1, 2) ORDER BY id")
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    assert_eq!(
        balances.iter().sum::<i64>(),
        2_000_000,
        "{what}: {balances:?}"
    );
    let moved = 1_000_000 - balances[0];
    let count = |status: u16| {
        samples
            .iter()
            .filter(|s| s.kind == "transfer" && s.status == status)
            .count() as i64
    };
    let (done, refused) = (count(200), count(503));
    assert!(
        done <= moved && moved <= done + refused,
        "{what}: {moved} moved, {done} transfers answered 200, {refused} 503"
    );
    Writes {
        created: created.len(),
        done,
        moved,
    }
}

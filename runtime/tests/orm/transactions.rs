//! Django's transaction rules where a statement fails: its error's class on every backend, a
//! block that caught it refusing further queries and rolling back at its end, a savepoint as
//! the way to go on, and get_or_create racing on a unique value.

use rjango::db::transaction::{self, Atomicity};
use rjango::db::{DbError, ErrorKind};
use rjango::models::prelude::*;

use crate::blog::models::{Author, Coupon, author, coupon};
use crate::{author_named, names, on_each_database};

fn coupon_coded(code: &str) -> Coupon {
    Coupon {
        id: 0,
        code: code.into(),
        uses: 0,
    }
}

const BROKEN: &str = "An error occurred in the current transaction. You can't execute queries until the end of the 'atomic' block.";

/// A failed statement dooms its block, as Django's `needs_rollback`: the next query is a
/// TransactionManagementError (not PostgreSQL's raw "transaction is aborted", not a silent
/// success on SQLite and MariaDB), and nothing of the block commits.
#[test]
fn a_failed_statement_dooms_its_block() {
    rjango::__private::block_on(async {
        on_each_database("doomed", |dialect| async move {
            Coupon::objects().create(coupon_coded("TAKEN")).await.unwrap();

            // Outside a block, a duplicate is an IntegrityError on every backend.
            let e = Coupon::objects()
                .create(coupon_coded("TAKEN"))
                .await
                .unwrap_err();
            assert_eq!(e.kind(), Some(ErrorKind::Integrity), "{dialect:?}: {e}");
            assert!(e.is_integrity_error());

            // The error caught inside the block: the next query is refused, and the block rolls
            // back at its end and says so.
            let outcome = transaction::atomic(|| async {
                Author::objects().create(author_named("kept?")).await?;
                let dup = Coupon::objects().create(coupon_coded("TAKEN")).await;
                assert!(dup.unwrap_err().is_integrity_error(), "{dialect:?}");
                let next = Author::objects().count().await.unwrap_err();
                assert!(
                    matches!(next, QueryError::Database(DbError::TransactionManagement(ref m)) if m == BROKEN),
                    "{dialect:?}: {next}"
                );
                // A savepoint cannot be opened in a broken block either.
                let inner = transaction::atomic(|| async { Ok::<_, QueryError>(()) }).await;
                assert!(inner.unwrap_err().to_string().contains(BROKEN), "{dialect:?}");
                Ok::<_, QueryError>(())
            })
            .await;
            let e = outcome.unwrap_err();
            assert!(
                matches!(e, QueryError::Database(DbError::TransactionManagement(_))),
                "{dialect:?}: {e}"
            );
            assert!(e.to_string().contains("rolled back"), "{e}");
            assert!(
                !names().await.contains(&"kept?".to_owned()),
                "{dialect:?}: nothing of a doomed block commits"
            );

            // The error leaving the block: rolled back, the caller sees the IntegrityError.
            let outcome = transaction::atomic(|| async {
                Author::objects().create(author_named("gone")).await?;
                Coupon::objects().create(coupon_coded("TAKEN")).await?;
                Ok::<_, QueryError>(())
            })
            .await;
            assert!(outcome.unwrap_err().is_integrity_error(), "{dialect:?}");
            assert!(!names().await.contains(&"gone".to_owned()));

            // A savepoint around the statement that may fail: the block goes on and commits.
            transaction::atomic(|| async {
                Author::objects().create(author_named("before")).await?;
                let dup = transaction::atomic(|| async {
                    Coupon::objects().create(coupon_coded("TAKEN")).await
                })
                .await;
                assert!(dup.unwrap_err().is_integrity_error(), "{dialect:?}");
                Author::objects().create(author_named("after")).await?;
                Ok::<_, QueryError>(())
            })
            .await
            .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
            let n = names().await;
            assert!(
                n.contains(&"before".to_owned()) && n.contains(&"after".to_owned()),
                "{dialect:?}: {n:?}"
            );

            // An inner block that catches its own failure rolls back to its savepoint and says
            // so; the outer block is usable again.
            transaction::atomic(|| async {
                let inner = transaction::atomic(|| async {
                    Author::objects().create(author_named("inner")).await?;
                    let _ = Coupon::objects().create(coupon_coded("TAKEN")).await;
                    Ok::<_, QueryError>(())
                })
                .await;
                assert!(inner.unwrap_err().to_string().contains("rolled back"));
                Author::objects().create(author_named("outer")).await?;
                Ok::<_, QueryError>(())
            })
            .await
            .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
            let n = names().await;
            assert!(n.contains(&"outer".to_owned()) && !n.contains(&"inner".to_owned()));
        })
        .await;
    });
}

/// Django's classes for a few errors every backend raises (SQLite's "no such table" is an
/// OperationalError, as Python's sqlite3 raises it; the servers' a ProgrammingError).
#[test]
fn errors_have_djangos_classes() {
    rjango::__private::block_on(async {
        on_each_database("kinds", |dialect| async move {
            let mut cursor = rjango::db::cursor().await.unwrap();
            let Err(missing) = cursor
                .fetch_all("SELECT * FROM no_such_table", vec![])
                .await
            else {
                panic!("{dialect:?}: a table that does not exist answered");
            };
            let expected = match dialect {
                rjango::db::Dialect::Sqlite => ErrorKind::Operational,
                _ => ErrorKind::Programming,
            };
            assert_eq!(missing.kind(), Some(expected), "{dialect:?}: {missing}");
            let long = "x".repeat(300);
            let too_long = Author::objects().create(author_named(&long)).await;
            match dialect {
                // SQLite keeps any length, as with Django.
                rjango::db::Dialect::Sqlite => assert!(too_long.is_ok()),
                _ => assert_eq!(
                    too_long.unwrap_err().kind(),
                    Some(ErrorKind::Data),
                    "{dialect:?}"
                ),
            }
        })
        .await;
    });
}

/// Two callers racing to get_or_create one unique code end with one row, and neither sees an
/// IntegrityError (Django catches it and reads the winner's row).
#[test]
fn get_or_create_races_end_with_one_row() {
    rjango::__private::block_on(async {
        on_each_database("race", |dialect| async move {
            let alias = rjango::db::connections::resolve(None);
            for round in 0..5 {
                let code = format!("RACE{round}");
                let racers = (0..8).map(|_| {
                    let (alias, code) = (alias.clone(), code.clone());
                    async move {
                        Coupon::objects()
                            .using(&alias)
                            .get_or_create(coupon::code.eq(code.as_str()), || coupon_coded(&code))
                            .await
                    }
                });
                let results = futures_util::future::join_all(racers).await;
                let created = results
                    .iter()
                    .map(|r| match r {
                        Ok((_, created)) => usize::from(*created),
                        Err(e) => panic!("{dialect:?}: a racer failed: {e}"),
                    })
                    .sum::<usize>();
                assert_eq!(created, 1, "{dialect:?}: one racer creates");
                let ids: Vec<i64> = results.iter().map(|r| r.as_ref().unwrap().0.id).collect();
                assert!(ids.iter().all(|id| *id == ids[0]), "{dialect:?}: {ids:?}");
                let rows = Coupon::objects()
                    .filter(coupon::code.eq(code.as_str()))
                    .count()
                    .await
                    .unwrap();
                assert_eq!(rows, 1, "{dialect:?}");
            }

            // Racing inside atomic blocks: the losing insert is a savepoint, the loser reads
            // the winner's committed row (READ COMMITTED on MySQL, as Django sets it), and its
            // block goes on to commit. On SQLite the blocks begin IMMEDIATE, so they take turns
            // (with deferred ones, two that both read first deadlock: "database is locked").
            let racers = (0..8).map(|_| {
                let alias = alias.clone();
                async move {
                    transaction::atomic_with(
                        Atomicity {
                            using: Some(alias.clone()),
                            ..Default::default()
                        },
                        || async {
                            let (c, created) = Coupon::objects()
                                .using(&alias)
                                .get_or_create(coupon::code.eq("INBLOCK"), || {
                                    coupon_coded("INBLOCK")
                                })
                                .await?;
                            Author::objects()
                                .using(&alias)
                                .filter(author::name.eq("nobody"))
                                .count()
                                .await?;
                            Ok::<_, QueryError>((c.id, created))
                        },
                    )
                    .await
                }
            });
            let results = futures_util::future::join_all(racers).await;
            let mut created = 0;
            let mut ids = Vec::new();
            for r in results {
                let (id, made) = r.unwrap_or_else(|e| panic!("{dialect:?}: a racer failed: {e}"));
                created += usize::from(made);
                ids.push(id);
            }
            assert_eq!(created, 1, "{dialect:?}");
            assert!(ids.iter().all(|id| *id == ids[0]), "{dialect:?}: {ids:?}");
        })
        .await;
    });
}

/// A savepoint's rollback drops the on_commit callbacks registered inside it, and no others:
/// one registered in an earlier, released savepoint at the same depth still runs.
#[test]
fn a_rolled_back_savepoint_keeps_its_siblings_callbacks() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    rjango::__private::block_on(async {
        on_each_database("sids", |dialect| async move {
            let ran = Arc::new(AtomicUsize::new(0));
            let (kept, dropped) = (ran.clone(), ran.clone());
            transaction::atomic(|| async move {
                transaction::atomic(|| async move {
                    transaction::on_commit(move || {
                        kept.fetch_add(1, Ordering::SeqCst);
                    });
                    Ok::<_, QueryError>(())
                })
                .await?;
                let failed = transaction::atomic(|| async move {
                    transaction::on_commit(move || {
                        dropped.fetch_add(100, Ordering::SeqCst);
                    });
                    Coupon::objects().create(coupon_coded("SIB")).await?;
                    Coupon::objects().create(coupon_coded("SIB")).await?;
                    Ok::<_, QueryError>(())
                })
                .await;
                assert!(failed.unwrap_err().is_integrity_error());
                Ok::<_, QueryError>(())
            })
            .await
            .unwrap();
            assert_eq!(ran.load(Ordering::SeqCst), 1, "{dialect:?}");
        })
        .await;
    });
}

/// SQLite under concurrent writers (Django's recommended settings: WAL, a busy timeout, atomic
/// blocks that begin IMMEDIATE): eight writers whose blocks read before they write, beside
/// eight readers, all on one pool, and not one "database is locked".
#[test]
fn concurrent_writers_never_see_a_locked_database() {
    rjango::__private::block_on(async {
        on_each_database("writers", |dialect| async move {
            let alias = rjango::db::connections::resolve(None);
            let writers = (0..8).map(|w| {
                let alias = alias.clone();
                async move {
                    for i in 0..40 {
                        transaction::atomic_with(
                            Atomicity {
                                using: Some(alias.clone()),
                                ..Default::default()
                            },
                            || async {
                                let before = Coupon::objects().using(&alias).count().await?;
                                let mut c = coupon_coded(&format!("W{w}-{i}"));
                                c.uses = i32::try_from(before).unwrap_or(i32::MAX);
                                Coupon::objects().using(&alias).create(c).await?;
                                Ok::<_, QueryError>(())
                            },
                        )
                        .await
                        .unwrap_or_else(|e| panic!("{dialect:?}: writer {w}, block {i}: {e}"));
                    }
                }
            });
            let readers = (0..8).map(|r| {
                let alias = alias.clone();
                async move {
                    for i in 0..40 {
                        Coupon::objects()
                            .using(&alias)
                            .filter(coupon::uses.gte(i))
                            .count()
                            .await
                            .unwrap_or_else(|e| panic!("{dialect:?}: reader {r}, read {i}: {e}"));
                    }
                }
            });
            futures_util::future::join(
                futures_util::future::join_all(writers),
                futures_util::future::join_all(readers),
            )
            .await;
            let rows = Coupon::objects().count().await.unwrap();
            assert_eq!(rows, 320, "{dialect:?}");
            if dialect != rjango::db::Dialect::Sqlite {
                return;
            }
            // On SQLite each block held the write lock from its BEGIN, so the blocks ran one
            // at a time and each counted the rows of all the blocks before it: 0..320, once
            // each. (The servers run them side by side, at READ COMMITTED.)
            let mut uses: Vec<i32> = Coupon::objects().values_list(coupon::uses).await.unwrap();
            uses.sort_unstable();
            assert_eq!(uses, (0..320).collect::<Vec<i32>>(), "{dialect:?}");
        })
        .await;
    });
}

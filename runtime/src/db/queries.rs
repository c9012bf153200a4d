//! A count of the statements a task runs: Django's `assertNumQueries`. A test (or a page that
//! wants to show it) wraps work in [`count_queries`]; the ORM reports each statement it sends,
//! transaction control (BEGIN, SAVEPOINT, COMMIT) included, as Django's counter does.

use std::cell::RefCell;
use std::future::Future;

tokio::task_local! {
    static LOG: RefCell<Vec<String>>;
}

/// Records `sql` if the current task is counting.
pub fn count(sql: &str) {
    let _ = LOG.try_with(|log| log.borrow_mut().push(sql.to_owned()));
}

/// Runs `future` and returns its output with every statement it ran, in order.
pub async fn count_queries<F: Future>(future: F) -> (F::Output, Vec<String>) {
    let (out, log) = LOG
        .scope(RefCell::new(Vec::new()), async move {
            let out = future.await;
            let log = LOG.with(|log| log.take());
            (out, log)
        })
        .await;
    // A count inside another (a page's under DEBUG, inside a test's) counts for both: the
    // inner scope would otherwise hide its statements from the outer one.
    let _ = LOG.try_with(|outer| outer.borrow_mut().extend(log.iter().cloned()));
    (out, log)
}

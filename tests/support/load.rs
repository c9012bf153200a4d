//! Steady load on a running server from client threads, every answer recorded with when it
//! was asked and how long it took, for tests that change the world under a serving project.

#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::http::Request;

/// One kind of request a client repeats: `body` gets the client's running number, so each
/// write can be told apart.
pub struct Kind {
    pub name: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub body: fn(usize) -> String,
}

/// One answer (or none: `status` 0 when the connection failed).
#[derive(Debug, Clone)]
pub struct Sample {
    pub kind: &'static str,
    pub number: usize,
    pub asked: Duration,
    pub took: Duration,
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: String,
}

/// Client threads asking without pause until [`Load::finish`].
pub struct Load {
    pub started: Instant,
    stop: Arc<AtomicBool>,
    samples: Arc<Mutex<Vec<Sample>>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Load {
    /// `clients` threads for each kind, on the server at `port`.
    pub fn start(port: u16, kinds: Vec<Kind>, clients: usize) -> Load {
        let started = Instant::now();
        let stop = Arc::new(AtomicBool::new(false));
        let samples = Arc::new(Mutex::new(Vec::new()));
        let numbers = Arc::new(AtomicUsize::new(0));
        let kinds: Vec<Arc<Kind>> = kinds.into_iter().map(Arc::new).collect();
        let mut threads = Vec::new();
        for kind in &kinds {
            for _ in 0..clients {
                let (kind, stop, samples, numbers) =
                    (kind.clone(), stop.clone(), samples.clone(), numbers.clone());
                threads.push(std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let number = numbers.fetch_add(1, Ordering::Relaxed);
                        let asked = started.elapsed();
                        let mut request = Request::new(kind.method, kind.path);
                        if kind.method == "POST" {
                            request = request
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .body((kind.body)(number));
                        }
                        let answer = request.try_send(port);
                        let refused = answer.is_none();
                        let took = started.elapsed() - asked;
                        let sample = Sample {
                            kind: kind.name,
                            number,
                            asked,
                            took,
                            status: answer.as_ref().map_or(0, |r| r.status),
                            retry_after: answer
                                .as_ref()
                                .and_then(|r| r.header("retry-after").map(str::to_owned)),
                            body: answer.map(|r| r.text()).unwrap_or_default(),
                        };
                        samples.lock().unwrap().push(sample);
                        if refused {
                            // A server that stopped listening: do not spin.
                            std::thread::sleep(Duration::from_millis(10));
                        }
                    }
                }));
            }
        }
        Load {
            started,
            stop,
            samples,
            threads,
        }
    }

    /// The time since the load started.
    pub fn now(&self) -> Duration {
        self.started.elapsed()
    }

    /// The answers so far.
    pub fn samples(&self) -> Vec<Sample> {
        self.samples.lock().unwrap().clone()
    }

    /// Stops the clients and returns every answer, in the order they came.
    pub fn finish(mut self) -> Vec<Sample> {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        self.samples()
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The `q`-quantile of some durations (0.5 the median), or zero for none.
pub fn quantile(mut values: Vec<Duration>, q: f64) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    values.sort();
    let at = ((values.len() - 1) as f64 * q).round() as usize;
    values[at]
}

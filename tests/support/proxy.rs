//! A TCP proxy in front of a database server that can stop passing bytes: a database (or the
//! network to it) that stops answering without closing anything, which a stopped server never
//! shows (its connections are refused or reset at once).

#![allow(dead_code)]

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Forwards every connection on `port` to the upstream server, both ways, unless stalled.
pub struct Proxy {
    pub port: u16,
    stalled: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

/// How often a stalled pump looks again, and how long a read waits before it does.
const TICK: Duration = Duration::from_millis(20);

impl Proxy {
    /// A proxy on a free loopback port to `upstream` (`host:port`).
    pub fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stalled = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st, upstream) = (stalled.clone(), stop.clone(), upstream.to_owned());
        std::thread::spawn(move || {
            while !st.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let (s, st, upstream) = (s.clone(), st.clone(), upstream.clone());
                        std::thread::spawn(move || connect(client, &upstream, &s, &st));
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => std::thread::sleep(TICK),
                    Err(_) => break,
                }
            }
        });
        Proxy {
            port,
            stalled,
            stop,
        }
    }

    /// Stops passing bytes (connections made meanwhile are accepted and wait), or starts
    /// again.
    pub fn stall(&self, on: bool) {
        self.stalled.store(on, Ordering::Relaxed);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// `url` with its `host:port` replaced by this proxy's; and the upstream `host:port`.
pub fn through(url: &str, port: u16) -> (String, String) {
    let authority = url.find("://").unwrap() + 3;
    let end = authority
        + url[authority..]
            .find(['/', '?'])
            .unwrap_or(url.len() - authority);
    let start = url[authority..end]
        .rfind('@')
        .map_or(authority, |i| authority + i + 1);
    let upstream = url[start..end].to_owned();
    (
        format!("{}127.0.0.1:{port}{}", &url[..start], &url[end..]),
        upstream,
    )
}

fn connect(client: TcpStream, upstream: &str, stalled: &AtomicBool, stop: &AtomicBool) {
    while stalled.load(Ordering::Relaxed) && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(TICK);
    }
    let Ok(server) = TcpStream::connect(upstream) else {
        return;
    };
    let pair = |a: &TcpStream, b: &TcpStream| (a.try_clone().unwrap(), b.try_clone().unwrap());
    let (from_client, to_server) = pair(&client, &server);
    let (from_server, to_client) = pair(&server, &client);
    std::thread::scope(|scope| {
        scope.spawn(|| pump(from_client, to_server, stalled, stop));
        pump(from_server, to_client, stalled, stop);
    });
}

/// Copies `from` to `to` until either closes (then closes the other's writing side, so that
/// the other direction ends too) or the proxy stops; while stalled, reads nothing, so that
/// the bytes wait in the kernel's buffers as on a network that stopped delivering them.
fn pump(mut from: TcpStream, mut to: TcpStream, stalled: &AtomicBool, stop: &AtomicBool) {
    from.set_read_timeout(Some(TICK)).unwrap();
    let mut buf = [0u8; 16 * 1024];
    while !stop.load(Ordering::Relaxed) {
        if stalled.load(Ordering::Relaxed) {
            std::thread::sleep(TICK);
            continue;
        }
        match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Write);
}

//! Django's RedisCache, spoken in RESP over TCP: `SET key value PX ms [NX]`, `GET`, `DEL`, on
//! the database the URL names (`redis://[:password@]host:port/db`). Connections are kept per
//! thread: each server worker runs its own async runtime, and a socket belongs to the runtime
//! that opened it.

use std::cell::RefCell;
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::{Cache, CacheError};

pub struct RedisCache {
    alias: String,
    address: String,
    database: u32,
    password: Option<String>,
}

/// A kept connection: its (address, database), and the buffered socket.
type Idle = ((String, u32), BufReader<TcpStream>);

thread_local! {
    /// Idle connections of this thread.
    static IDLE: RefCell<Vec<Idle>> = const { RefCell::new(Vec::new()) };
}

/// One reply of the server.
#[derive(Debug, PartialEq, Eq)]
enum Reply {
    Status(String),
    Integer(i64),
    Bulk(Option<Vec<u8>>),
}

impl RedisCache {
    /// The cache a `redis://` URL names.
    pub fn from_url(alias: &str, url: &str) -> Result<Self, CacheError> {
        let rest = url.strip_prefix("redis://").unwrap_or(url);
        let (auth, rest) = match rest.rsplit_once('@') {
            Some((auth, rest)) => (Some(auth), rest),
            None => (None, rest),
        };
        let (address, database) = match rest.split_once('/') {
            Some((a, db)) if !db.is_empty() => (
                a,
                db.parse().map_err(|_| CacheError {
                    alias: alias.to_owned(),
                    message: format!("the database of {url:?} is not a number"),
                })?,
            ),
            Some((a, _)) => (a, 0),
            None => (rest, 0),
        };
        let address = if address.contains(':') {
            address.to_owned()
        } else {
            format!("{address}:6379")
        };
        let password = auth
            .map(|a| a.rsplit_once(':').map_or(a, |(_, p)| p).to_owned())
            .filter(|p| !p.is_empty());
        Ok(RedisCache {
            alias: alias.to_owned(),
            address,
            database,
            password,
        })
    }

    fn error(&self, message: impl std::fmt::Display) -> CacheError {
        CacheError {
            alias: self.alias.clone(),
            message: format!("{} ({})", message, self.address),
        }
    }

    async fn connect(&self) -> Result<BufReader<TcpStream>, CacheError> {
        let stream = TcpStream::connect(&self.address)
            .await
            .map_err(|e| self.error(e))?;
        let mut conn = BufReader::new(stream);
        if let Some(password) = &self.password {
            expect_ok(
                self,
                roundtrip(&mut conn, &[b"AUTH", password.as_bytes()]).await,
            )?;
        }
        if self.database != 0 {
            let db = self.database.to_string();
            expect_ok(
                self,
                roundtrip(&mut conn, &[b"SELECT", db.as_bytes()]).await,
            )?;
        }
        Ok(conn)
    }

    /// Runs one command on an idle connection of this thread (or a new one), and keeps the
    /// connection for the next when it answered.
    async fn command(&self, args: &[&[u8]]) -> Result<Reply, CacheError> {
        let key = (self.address.clone(), self.database);
        let idle = IDLE.with(|idle| {
            let mut idle = idle.borrow_mut();
            idle.iter()
                .position(|(k, _)| *k == key)
                .map(|i| idle.swap_remove(i).1)
        });
        let (mut conn, reused) = match idle {
            Some(conn) => (conn, true),
            None => (self.connect().await?, false),
        };
        let reply = match roundtrip(&mut conn, args).await {
            Ok(reply) => reply,
            // A kept connection the server has closed meanwhile (a restart): once more, anew.
            Err(_) if reused => {
                conn = self.connect().await?;
                roundtrip(&mut conn, args)
                    .await
                    .map_err(|e| self.error(e))?
            }
            Err(e) => return Err(self.error(e)),
        };
        IDLE.with(|idle| idle.borrow_mut().push((key, conn)));
        Ok(reply)
    }
}

fn expect_ok(cache: &RedisCache, reply: std::io::Result<Reply>) -> Result<(), CacheError> {
    match reply {
        Ok(Reply::Status(_)) => Ok(()),
        Ok(other) => Err(cache.error(format!("unexpected reply {other:?}"))),
        Err(e) => Err(cache.error(e)),
    }
}

/// Writes a command as a RESP array of bulk strings and reads its reply.
async fn roundtrip(conn: &mut BufReader<TcpStream>, args: &[&[u8]]) -> std::io::Result<Reply> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for arg in args {
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
    conn.get_mut().write_all(&out).await?;
    let mut line = String::new();
    if conn.read_line(&mut line).await? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the server closed the connection",
        ));
    }
    let line = line.trim_end_matches("\r\n");
    let invalid = |m: String| std::io::Error::new(std::io::ErrorKind::InvalidData, m);
    match line.split_at(line.len().min(1)) {
        ("+", status) => Ok(Reply::Status(status.to_owned())),
        ("-", error) => Err(std::io::Error::other(error.to_owned())),
        (":", n) => n
            .parse()
            .map(Reply::Integer)
            .map_err(|_| invalid(format!("bad integer reply {n:?}"))),
        ("$", n) => {
            let n: i64 = n
                .parse()
                .map_err(|_| invalid(format!("bad length {n:?}")))?;
            if n < 0 {
                return Ok(Reply::Bulk(None));
            }
            let mut data = vec![0; usize::try_from(n).unwrap_or(0) + 2];
            conn.read_exact(&mut data).await?;
            data.truncate(data.len() - 2);
            Ok(Reply::Bulk(Some(data)))
        }
        _ => Err(invalid(format!("unexpected reply {line:?}"))),
    }
}

fn millis(timeout: Duration) -> String {
    timeout.as_millis().max(1).to_string()
}

impl Cache for RedisCache {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>, CacheError>> {
        Box::pin(async move {
            match self.command(&[b"GET", key.as_bytes()]).await? {
                Reply::Bulk(Some(data)) => Ok(String::from_utf8(data).ok()),
                _ => Ok(None),
            }
        })
    }

    fn set<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<(), CacheError>> {
        Box::pin(async move {
            let ms = millis(timeout);
            self.command(&[
                b"SET",
                key.as_bytes(),
                value.as_bytes(),
                b"PX",
                ms.as_bytes(),
            ])
            .await
            .map(|_| ())
        })
    }

    fn add<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<bool, CacheError>> {
        Box::pin(async move {
            let ms = millis(timeout);
            let reply = self
                .command(&[
                    b"SET",
                    key.as_bytes(),
                    value.as_bytes(),
                    b"PX",
                    ms.as_bytes(),
                    b"NX",
                ])
                .await?;
            Ok(matches!(reply, Reply::Status(_)))
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<bool, CacheError>> {
        Box::pin(async move {
            Ok(matches!(
                self.command(&[b"DEL", key.as_bytes()]).await?,
                Reply::Integer(n) if n > 0
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::RedisCache;

    #[test]
    fn urls_as_djangos() {
        let c = RedisCache::from_url("default", "redis://127.0.0.1:6379/3").unwrap();
        assert_eq!(
            (c.address.as_str(), c.database, c.password),
            ("127.0.0.1:6379", 3, None)
        );
        let c = RedisCache::from_url("default", "redis://:s3cret@cache.local/").unwrap();
        assert_eq!((c.address.as_str(), c.database), ("cache.local:6379", 0));
        assert_eq!(c.password.as_deref(), Some("s3cret"));
        assert!(RedisCache::from_url("default", "redis://h:1/x").is_err());
    }
}

//! A TLS 1.2 echo server whose session store is Redis, shared by any number
//! of server processes: a session made by one process resumes on another.
//!
//! ```sh
//! redis-server --port 6380 --bind 127.0.0.1 --save "" --appendonly no &
//! cargo run --features std --example shared_cache -- --listen 127.0.0.1:8443 \
//!     --cert vectors/pki/ecdsa-server-chain.pem --key vectors/pki/ecdsa-server.key.pem \
//!     --redis 127.0.0.1:6380
//! ```
//!
//! The server answers session lookups through the sans-IO event API
//! ([`ServerSessions::Events`]):
//!
//! - [`Event::SessionLookup`]`(id)`: `GET sansio-tls:session:<hex id>`, then
//!   [`Connection::answer_session_lookup`] with [`Session::decode`] of the
//!   value, or `None` (a full handshake);
//! - [`Event::StoreSession`]`(s)`: `SET sansio-tls:session:<hex id>
//!   <s.encode()> EX <lifetime>`;
//! - a fatal error on a connection that resumed a session (or made one):
//!   `DEL` of its key, so it is never resumed again (RFC 5246 §7.2.2).
//!
//! Session tickets are off, so every resumption comes from the shared store.
//! Renegotiation is refused, so a lookup can only happen during the first
//! handshake of a connection.
//!
//! This example is deliberately simple: connections are served one after
//! another and Redis is asked with a blocking call (the `redis` crate), which stalls the server
//! for a network round trip per lookup. A real deployment would use an async
//! Redis client and answer the lookup later, when the reply arrives, while
//! its event loop keeps serving other connections: that is the point of the
//! event API. The [`Connection`] just waits, holding the ClientHello, until
//! [`Connection::answer_session_lookup`] is called; nothing in the engine
//! blocks.
//!
//! The stored value is the session's master secret: a real Redis holding it
//! must be as well protected as the server's private key (authentication,
//! TLS to Redis, no persistence to disk).
//!
//! Options: `--listen ADDR --cert CHAIN.pem --key KEY.pem --redis HOST:PORT`
//! `[--lifetime SECS] [--max-conns N]`. Events go to stderr, one line each.

#[macro_use]
mod common;

use common::*;
use getrandom::SysRng;
use rand_core::UnwrapErr;
use redis::Commands;
use sansio_tls::crypto::SigningKey;
use sansio_tls::io::{StreamEvent, TlsStream};
use sansio_tls::session::{ServerSessions, Session};
use sansio_tls::{CloseReason, Event, Instant, ServerConfig, ServerConnection, pem};
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Receive and transmit buffer size: the largest record plus a handshake
/// message being reassembled.
const BUF: usize = sansio_tls::record::MAX_RECORD + 4096;

/// How long a quiet client is waited for before the connection is dropped.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long one Redis command may take.
const REDIS_TIMEOUT: Duration = Duration::from_secs(5);

/// The Redis key prefix; the hex session ID follows.
const KEY_PREFIX: &str = "sansio-tls:session:";

const USAGE: &str = "usage: shared_cache --listen ADDR --cert CHAIN.pem --key KEY.pem --redis HOST:PORT \
                     [--lifetime SECS] [--max-conns N]";

// ----- the Redis store, through the `redis` crate ---------------------------

/// One blocking connection to Redis, reconnected after an error.
struct Redis {
    client: redis::Client,
    conn: Option<redis::Connection>,
}

fn redis_error(e: redis::RedisError) -> io::Error {
    io::Error::other(format!("redis: {e}"))
}

impl Redis {
    fn new(addr: &str) -> io::Result<Self> {
        let client = redis::Client::open(format!("redis://{addr}/")).map_err(redis_error)?;
        Ok(Redis { client, conn: None })
    }

    /// Runs `command` on the connection (made first if needed); an error
    /// drops the connection, so the next command reconnects.
    fn run<T>(&mut self, command: impl FnOnce(&mut redis::Connection) -> redis::RedisResult<T>) -> io::Result<T> {
        if self.conn.is_none() {
            let conn = self.client.get_connection_with_timeout(REDIS_TIMEOUT).map_err(redis_error)?;
            conn.set_read_timeout(Some(REDIS_TIMEOUT)).map_err(redis_error)?;
            conn.set_write_timeout(Some(REDIS_TIMEOUT)).map_err(redis_error)?;
            self.conn = Some(conn);
        }
        let Some(conn) = self.conn.as_mut() else { return Err(io::Error::other("redis: not connected")) };
        command(conn).map_err(|e| {
            self.conn = None;
            redis_error(e)
        })
    }

    fn get(&mut self, key: &str) -> io::Result<Option<Vec<u8>>> {
        self.run(|c| c.get(key))
    }

    fn set_ex(&mut self, key: &str, value: &[u8], secs: u64) -> io::Result<()> {
        self.run(|c| c.set_ex(key, value, secs))
    }

    fn del(&mut self, key: &str) -> io::Result<i64> {
        self.run(|c| c.del(key))
    }
}

// ----- the server ---------------------------------------------------------

struct Args {
    listen: String,
    cert: PathBuf,
    key: PathBuf,
    redis: String,
    lifetime: u64,
    max_conns: Option<u64>,
}

fn parse_args() -> Result<Args, String> {
    let (mut listen, mut cert, mut key, mut redis, mut max_conns) = (None, None, None, None, None);
    let mut lifetime = sansio_tls::config::DEFAULT_SESSION_LIFETIME_SECS;
    for_each_option(USAGE, |arg, value| {
        match arg {
            "--listen" => listen = Some(value()?),
            "--cert" => cert = Some(PathBuf::from(value()?)),
            "--key" => key = Some(PathBuf::from(value()?)),
            "--redis" => redis = Some(value()?),
            "--lifetime" => lifetime = value()?.parse().map_err(|e| format!("--lifetime: {e}"))?,
            "--max-conns" => max_conns = Some(value()?.parse().map_err(|e| format!("--max-conns: {e}"))?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    if lifetime == 0 {
        return Err("--lifetime must be at least 1 second".to_owned());
    }
    Ok(Args {
        listen: listen.ok_or(USAGE)?,
        cert: cert.ok_or(USAGE)?,
        key: key.ok_or(USAGE)?,
        redis: redis.ok_or(USAGE)?,
        lifetime,
        max_conns,
    })
}

fn redis_key(id: &[u8]) -> String {
    format!("{KEY_PREFIX}{}", hex(id))
}

/// One connection's session bookkeeping.
struct Sessions<'r> {
    redis: &'r mut Redis,
    lifetime: u64,
    /// The ID of a session found in Redis for this connection, or made and
    /// stored by it: removed if the connection fails.
    used: Option<Vec<u8>>,
}

impl Sessions<'_> {
    /// `GET` for a lookup; a Redis failure is a miss (a full handshake), not
    /// a failed connection.
    fn lookup(&mut self, id: &[u8]) -> Option<Session> {
        let key = redis_key(id);
        let found = match self.redis.get(&key) {
            Ok(Some(bytes)) => match Session::decode(&bytes) {
                Ok(s) => Some(s),
                Err(e) => {
                    log!("event: session lookup {} damaged ({e}), ignored", hex(id));
                    None
                }
            },
            Ok(None) => None,
            Err(e) => {
                log!("error: redis GET {key}: {e}");
                None
            }
        };
        log!("event: session lookup {} {}", hex(id), if found.is_some() { "hit" } else { "miss" });
        if found.is_some() {
            self.used = Some(id.to_vec());
        }
        found
    }

    fn store(&mut self, session: &Session) {
        let key = redis_key(session.id());
        match self.redis.set_ex(&key, &session.encode(), self.lifetime) {
            Ok(()) => log!("event: session stored {} ttl={}", hex(session.id()), self.lifetime),
            Err(e) => log!("error: redis SET {key}: {e}"),
        }
        self.used = Some(session.id().to_vec());
    }

    /// After a fatal error: the session must not be resumed again.
    fn forget(&mut self) {
        if let Some(id) = self.used.take() {
            let key = redis_key(&id);
            match self.redis.del(&key) {
                Ok(n) => log!("event: session removed {} (deleted {n})", hex(&id)),
                Err(e) => log!("error: redis DEL {key}: {e}"),
            }
        }
    }

    /// Handles the events a [`TlsStream`] collected; returns the session ID
    /// to look up, if the connection waits for one, and how the peer
    /// closed, if it did.
    fn handle(&mut self, events: Vec<StreamEvent>) -> (Option<Vec<u8>>, Option<CloseReason>) {
        let (mut lookup, mut closed) = (None, None);
        for ev in events {
            match ev {
                StreamEvent::SessionLookup(id) => lookup = Some(id),
                StreamEvent::StoreSession(s) => self.store(&s),
                StreamEvent::HandshakeDone(info) => log!("event: {}", describe_handshake(&info)),
                StreamEvent::Alert(level, desc) => log!("event: alert {level:?} {desc:?}"),
                StreamEvent::RenegotiationRefused => log!("event: renegotiation refused"),
                StreamEvent::Closed(reason) => {
                    log!("event: closed {}", close_name(reason));
                    closed = Some(reason);
                }
                other => log!("event: {other:?}"),
            }
        }
        (lookup, closed)
    }
}

fn close_name(reason: CloseReason) -> &'static str {
    match reason {
        CloseReason::CloseNotify => "close_notify",
        CloseReason::Truncated => "truncated",
    }
}

/// A server connection over TCP, owning its buffers.
type Stream<'a> = TlsStream<ServerConnection<'a, UnwrapErr<SysRng>, Vec<u8>>, TcpStream>;

/// Answers a pending lookup, then processes the buffered ClientHello
/// straight on the connection: [`TlsStream::pump`] would first wait for
/// more bytes from the client, which waits for our answer.
fn answer(tls: &mut Stream<'_>, sessions: &mut Sessions<'_>, id: &[u8], early_data: &mut Vec<u8>) -> io::Result<()> {
    let found = sessions.lookup(id);
    tls.connection().answer_session_lookup(found).map_err(io::Error::other)?;
    let mut events = Vec::new();
    loop {
        let ev = match tls.connection().poll_event(Instant::now()) {
            Ok(Some(ev)) => ev,
            Ok(None) => break,
            Err(e) => {
                let _ = tls.flush_transmit();
                return Err(io::Error::other(e));
            }
        };
        events.push(match ev {
            Event::HandshakeDone(i) => StreamEvent::HandshakeDone(i),
            Event::StoreSession(s) => StreamEvent::StoreSession(s.clone()),
            Event::Alert { level, description } => StreamEvent::Alert(level, description),
            Event::Closed(r) => StreamEvent::Closed(r),
            Event::Data(d) => {
                early_data.extend_from_slice(d);
                continue;
            }
            other => {
                log!("event: {other:?}");
                continue;
            }
        });
    }
    tls.flush_transmit()?;
    let (again, _) = sessions.handle(events);
    if again.is_some() {
        return Err(io::Error::other("a second session lookup in one handshake"));
    }
    Ok(())
}

/// Serves one connection to its end.
fn serve(config: &ServerConfig<'_>, sock: TcpStream, sessions: &mut Sessions<'_>) -> io::Result<()> {
    sock.set_read_timeout(Some(IDLE_TIMEOUT))?;
    let (rx, tx) = (vec![0; BUF], vec![0; BUF]);
    let conn = ServerConnection::new(config, rx, tx, UnwrapErr(SysRng), Instant::now()).map_err(io::Error::other)?;
    let mut tls = TlsStream::new(conn, sock);
    let result = echo(&mut tls, sessions);
    if let Err(e) = &result {
        // A fatal error (not a plain end of stream): never resume the
        // session this connection used.
        if let Some(err) = tls.connection().error() {
            log!("event: fatal error {err}");
            sessions.forget();
        } else {
            log!("error: {e}");
        }
    }
    result
}

fn echo(tls: &mut Stream<'_>, sessions: &mut Sessions<'_>) -> io::Result<()> {
    let mut pending = Vec::new();
    while tls.connection().is_handshaking() {
        let more = tls.pump()?;
        let (lookup, closed) = sessions.handle(tls.take_events());
        if let Some(id) = lookup {
            answer(tls, sessions, &id, &mut pending)?;
        }
        if !more || closed.is_some() {
            if tls.connection().is_handshaking() {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            break;
        }
    }
    if !pending.is_empty() {
        log!("event: data {} bytes", pending.len());
        tls.write_all(&pending)?;
    }
    let mut buf = vec![0; 16 * 1024];
    let mut closed = None;
    loop {
        let n = tls.read(&mut buf)?;
        if n > 0 {
            log!("event: data {n} bytes");
        }
        closed = closed.or(sessions.handle(tls.take_events()).1);
        if n == 0 {
            if closed.is_none() {
                log!("event: closed truncated");
            }
            return Ok(());
        }
        // Data that came with the peer's close_notify cannot be answered:
        // ours went out with it.
        if closed.is_none() {
            tls.write_all(&buf[..n])?;
        }
    }
}

fn main() -> ExitCode {
    common::main_with(parse_args, run)
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let chain_der = pem::read_certs(&args.cert)?;
    let chain: Vec<&[u8]> = chain_der.iter().map(Vec::as_slice).collect();
    let (_, key_der) = pem::read_private_key(&args.key)?;
    let key = SigningKey::from_der(&key_der).map_err(|e| format!("{}: {e}", args.key.display()))?;
    let mut config = ServerConfig::try_new(&chain, &key)
        .map_err(|e| format!("{}: does not go with its key: {e}", args.cert.display()))?;
    config.sessions = ServerSessions::Events;
    config.session_lifetime_secs = args.lifetime;
    config.ticket_keys = None;
    config.renegotiation = None;

    let mut redis = Redis::new(&args.redis)?;
    // Fail early if Redis is not there; later errors only cost resumptions.
    redis.run(|c| redis::cmd("PING").query::<String>(c)).map_err(|e| format!("redis at {}: {e}", args.redis))?;

    let listener = TcpListener::bind(&args.listen)?;
    log!("listening on {}", listener.local_addr()?);
    let mut served = 0;
    while args.max_conns.is_none_or(|max| served < max) {
        let (sock, peer) = listener.accept()?;
        served += 1;
        log!("event: connection from {peer}");
        let mut sessions = Sessions { redis: &mut redis, lifetime: args.lifetime, used: None };
        // One bad connection does not stop the server.
        let _ = serve(&config, sock, &mut sessions);
    }
    Ok(())
}

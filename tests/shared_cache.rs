//! Session resumption across server processes through a shared Redis store:
//! the `shared_cache` example (`examples/shared_cache.rs`), which answers
//! session lookups through the event API, run twice against one
//! `redis-server` started by the test on 127.0.0.1.
//!
//! - a session made by server 1 resumes on server 2;
//! - a client without a session gets a full handshake from server 2;
//! - after `FLUSHALL` the resumption attempt falls back to a full handshake;
//! - a fatal error on a resumed connection removes the session from Redis.
//!
//! Needs `redis-server` (Debian: `redis-server`): skipped loudly when it is
//! missing, a failure when `SANSIO_TLS_REQUIRE_PEERS` is set (as in CI). The
//! example binary is the one `cargo test` builds (see `tests/examples_cli.rs`).

mod common;
#[path = "common/interop.rs"]
mod interop;

use common::memory::ECDSA_CA;
use common::peers::*;
use getrandom::SysRng;
use interop::on_free_port;
use rand_core::UnwrapErr;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::conn::ClientParams;
use sansio_tls::io::TlsStream;
use sansio_tls::session::{
    ClientCacheSlot, ClientSession, ClientSessionCache, LruClientCache, SESSION_ENCODED_LEN, Session,
};
use sansio_tls::{ClientConfig, ClientConnection, HandshakeInfo, Instant};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant as StdInstant};

/// The bound on one client connection, and on waiting for a log line.
const TIMEOUT: Duration = Duration::from_secs(8);

const BUF: usize = sansio_tls::record::MAX_RECORD + 4096;

/// The path of an example binary built by cargo for this test run.
fn example(name: &str) -> PathBuf {
    // target/debug/deps/shared_cache-HASH -> target/debug/examples/NAME
    let exe = std::env::current_exe().expect("current_exe");
    let dir = exe.parent().and_then(|p| p.parent()).expect("target dir");
    let path = dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "example binary {} not found: run the whole `cargo test` (which builds the examples) \
         or `cargo build --examples --features std` first",
        path.display()
    );
    path
}

fn pki_arg(name: &str) -> String {
    pki(name).to_str().expect("UTF-8 path").to_owned()
}

// ----- Redis ----------------------------------------------------------------

/// `redis-server` on 127.0.0.1:`port`, no persistence, returned once it
/// accepts connections. Killed by PID when dropped.
fn redis_server(port: u16) -> Peer {
    let mut cmd = Command::new("redis-server");
    cmd.args(["--port", &port.to_string(), "--bind", "127.0.0.1"]);
    // No persistence, no files: the instance lives and dies with the test.
    cmd.args(["--save", "", "--appendonly", "no", "--databases", "1"]);
    let mut peer = Peer::spawn(cmd);
    if !peer.wait_for_output("Ready to accept connections", START_TIMEOUT) {
        panic!("redis-server did not start\n{}", peer.describe());
    }
    peer
}

/// A Redis reply, as far as the test needs.
#[derive(Debug, PartialEq, Eq)]
enum Reply {
    Simple(String),
    Integer(i64),
    Bulk(Option<Vec<u8>>),
}

/// Sends one command on a fresh connection and reads the reply.
fn redis(port: u16, args: &[&[u8]]) -> Reply {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let sock = TcpStream::connect_timeout(&addr, TIMEOUT).expect("connect to redis");
    sock.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut req = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        req.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        req.extend_from_slice(a);
        req.extend_from_slice(b"\r\n");
    }
    (&sock).write_all(&req).expect("write to redis");
    let mut r = BufReader::new(sock);
    let mut line = String::new();
    r.read_line(&mut line).expect("redis reply");
    let line = line.trim_end();
    match line.split_at(1) {
        ("+", s) => Reply::Simple(s.to_owned()),
        (":", n) => Reply::Integer(n.parse().unwrap()),
        ("$", "-1") => Reply::Bulk(None),
        ("$", n) => {
            let mut buf = vec![0; n.parse::<usize>().unwrap() + 2];
            r.read_exact(&mut buf).expect("bulk reply");
            buf.truncate(buf.len() - 2);
            Reply::Bulk(Some(buf))
        }
        _ => panic!("unexpected redis reply {line:?}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn session_key(id: &[u8]) -> String {
    format!("sansio-tls:session:{}", hex(id))
}

// ----- the servers ----------------------------------------------------------

/// One `shared_cache` server on 127.0.0.1 (port chosen by the kernel).
fn start_server(redis_port: u16) -> (Peer, u16) {
    let mut cmd = Command::new(example("shared_cache"));
    cmd.args(["--listen", "127.0.0.1:0", "--redis", &format!("127.0.0.1:{redis_port}")])
        .args(["--cert", &pki_arg("ecdsa-server-chain.pem")])
        .args(["--key", &pki_arg("ecdsa-server.key.pem")])
        .args(["--lifetime", "300"]);
    let mut server = Peer::spawn(cmd);
    let parse = |out: &str| {
        let rest = &out[out.find("listening on 127.0.0.1:")? + "listening on 127.0.0.1:".len()..];
        rest[..rest.find('\n')?].trim().parse::<u16>().ok()
    };
    let mut port = None;
    wait_until(START_TIMEOUT, || {
        port = parse(&server.stderr());
        port.is_some()
    });
    let Some(port) = port else { panic!("the shared_cache example did not start listening\n{}", server.describe()) };
    (server, port)
}

/// Redis and two servers sharing it. Dropped in reverse order: the servers,
/// then Redis.
struct Setup {
    redis_port: u16,
    s1: (Peer, u16),
    s2: (Peer, u16),
    _redis: Peer,
}

fn setup() -> Option<Setup> {
    if !require_peer("redis-server") {
        return None;
    }
    let (redis_peer, redis_port) = on_free_port(redis_server);
    let s1 = start_server(redis_port);
    let s2 = start_server(redis_port);
    Some(Setup { redis_port, s1, s2, _redis: redis_peer })
}

impl Setup {
    fn describe(&mut self) -> String {
        format!("server 1:\n{}\nserver 2:\n{}", self.s1.0.describe(), self.s2.0.describe())
    }

    /// Waits until `needle` is in server `n`'s log.
    fn expect_log(&mut self, n: usize, needle: &str) {
        let server = if n == 1 { &self.s1.0 } else { &self.s2.0 };
        if !wait_until(TIMEOUT, || server.stderr().contains(needle)) {
            panic!("{needle:?} not in the log of server {n}\n{}", self.describe());
        }
    }
}

// ----- our client -----------------------------------------------------------

/// What one client connection saw.
struct Seen {
    info: HandshakeInfo,
    session: Option<ClientSession>,
}

/// Connects to 127.0.0.1:`port`, handshakes (offering `explicit`, or the
/// config's cache's session for "localhost"), echoes a line, and closes. With
/// `then_garbage`, sends a forged record after the echo instead of closing.
fn connect(
    port: u16,
    config: &ClientConfig<'_>,
    explicit: Option<&ClientSession>,
    then_garbage: bool,
) -> Result<Seen, String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let sock = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| format!("connect {addr}: {e}"))?;
    sock.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    sock.set_write_timeout(Some(TIMEOUT)).unwrap();
    let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
    let params = ClientParams { session: explicit, ..ClientParams::new("localhost") };
    let conn = ClientConnection::with_params(config, params, &mut rx, &mut tx, UnwrapErr(SysRng), Instant::now())
        .map_err(|e| format!("Connection::client_with: {e}"))?;
    let mut tls = TlsStream::new(conn, sock);
    let deadline = StdInstant::now() + TIMEOUT;
    tls.flush_transmit().map_err(|e| format!("sending ClientHello: {e}"))?;
    while tls.connection().is_handshaking() {
        if StdInstant::now() >= deadline {
            return Err("handshake timed out".into());
        }
        match tls.pump() {
            Ok(true) => {}
            Ok(false) => return Err(format!("closed during the handshake; events {:?}", tls.take_events())),
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
            Err(e) => return Err(format!("handshake failed: {e} ({:?})", tls.connection().error())),
        }
    }
    let info = tls.connection().handshake_info().ok_or("no handshake info")?;
    let session = tls.connection().client_session().cloned();

    let line = b"ping through the shared cache\n";
    tls.write_all(line).map_err(|e| format!("write: {e}"))?;
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while got.len() < line.len() {
        if StdInstant::now() >= deadline {
            return Err(format!("no echo; got {:?}", String::from_utf8_lossy(&got)));
        }
        match tls.read(&mut buf) {
            Ok(0) => return Err(format!("closed before the echo; got {:?}", String::from_utf8_lossy(&got))),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    if got != line {
        return Err(format!("echo mismatch: {:?}", String::from_utf8_lossy(&got)));
    }
    if then_garbage {
        // An application_data record that cannot authenticate: the server
        // fails with bad_record_mac.
        let mut forged = vec![23, 3, 3, 0, 40];
        forged.extend_from_slice(&[0x5a; 40]);
        tls.transport().write_all(&forged).map_err(|e| format!("forged record: {e}"))?;
        // Read (bounded) until the server's fatal alert or its close.
        let until = StdInstant::now() + Duration::from_secs(3);
        while StdInstant::now() < until {
            match tls.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
                Err(_) => break,
            }
        }
    } else {
        tls.close().map_err(|e| format!("close: {e}"))?;
    }
    Ok(Seen { info, session })
}

fn verifier_roots() -> [sansio_tls::cert::TrustAnchor<'static>; 1] {
    [trust_anchor_from_der(ECDSA_CA).unwrap()]
}

/// A client config for the test PKI, without tickets (so that resumption
/// can only come from the servers' shared store).
fn client_config<'a>(
    verifier: &'a WebPkiServerVerifier<'a>,
    cache: Option<&'a dyn ClientSessionCache>,
) -> ClientConfig<'a> {
    let mut config = ClientConfig::new(verifier);
    config.session_tickets = false;
    config.session_cache = cache;
    config
}

/// The session made by `seen`'s full handshake is in Redis under its ID.
fn assert_stored(setup: &mut Setup, seen: &Seen) -> Vec<u8> {
    let session = seen.session.as_ref().expect("a resumable session");
    assert!(session.ticket().is_none(), "tickets are off");
    let id = session.session.id().to_vec();
    assert_eq!(id.len(), 32, "server-made session IDs are 32 bytes");
    match redis(setup.redis_port, &[b"GET", session_key(&id).as_bytes()]) {
        Reply::Bulk(Some(bytes)) => {
            assert_eq!(bytes.len(), SESSION_ENCODED_LEN);
            let stored = Session::decode(&bytes).expect("stored session decodes");
            assert_eq!(stored.id(), &id[..]);
            assert_eq!(stored.suite(), seen.info.suite);
        }
        other => panic!("session {} not in redis: {other:?}\n{}", hex(&id), setup.describe()),
    }
    id
}

#[test]
fn session_from_server_1_resumes_on_server_2() {
    let Some(mut setup) = setup() else { return };
    let roots = verifier_roots();
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut slots = [ClientCacheSlot::EMPTY; 4];
    let cache = LruClientCache::new(&mut slots);
    let config = client_config(&verifier, Some(&cache));

    // A full handshake with server 1 stores the session in Redis.
    let first = connect(setup.s1.1, &config, None, false).unwrap_or_else(|e| panic!("{e}\n{}", setup.describe()));
    assert!(!first.info.resumed, "{:?}", first.info);
    let id = assert_stored(&mut setup, &first);
    setup.expect_log(1, &format!("event: session stored {} ttl=300", hex(&id)));
    // The TTL is the session lifetime.
    match redis(setup.redis_port, &[b"TTL", session_key(&id).as_bytes()]) {
        Reply::Integer(t) => assert!((1..=300).contains(&t), "TTL {t}"),
        other => panic!("TTL: {other:?}"),
    }

    // Server 2 resumes it (the client cache is keyed by name and port 0, so
    // it offers the same session to the other port).
    let second = connect(setup.s2.1, &config, None, false).unwrap_or_else(|e| panic!("{e}\n{}", setup.describe()));
    assert!(second.info.resumed, "server 2 did not resume: {:?}\n{}", second.info, setup.describe());
    assert_eq!(second.info.suite, first.info.suite);
    assert_eq!(second.session.as_ref().map(|s| s.session.id()), Some(&id[..]));
    setup.expect_log(2, &format!("event: session lookup {} hit", hex(&id)));
    setup.expect_log(2, "resumed=true");
    setup.expect_log(2, "event: closed close_notify");

    // A client with no session: a full handshake with server 2.
    let mut empty = [ClientCacheSlot::EMPTY; 1];
    let fresh_cache = LruClientCache::new(&mut empty);
    let fresh_config = client_config(&verifier, Some(&fresh_cache));
    let fresh = connect(setup.s2.1, &fresh_config, None, false).unwrap_or_else(|e| panic!("{e}\n{}", setup.describe()));
    assert!(!fresh.info.resumed, "{:?}", fresh.info);
    let fresh_id = assert_stored(&mut setup, &fresh);
    assert_ne!(fresh_id, id);
    setup.expect_log(2, &format!("event: session stored {}", hex(&fresh_id)));
    let log = setup.s2.0.stderr();
    assert_eq!(log.matches("event: session lookup").count(), 1, "{log}");
}

#[test]
fn flushall_falls_back_to_a_full_handshake() {
    let Some(mut setup) = setup() else { return };
    let roots = verifier_roots();
    let verifier = WebPkiServerVerifier::new(&roots);
    // No cache: the session is passed explicitly (ClientParams::session).
    let config = client_config(&verifier, None);

    let first = connect(setup.s1.1, &config, None, false).unwrap_or_else(|e| panic!("{e}\n{}", setup.describe()));
    let id = assert_stored(&mut setup, &first);
    let session = first.session.expect("session");

    assert_eq!(redis(setup.redis_port, &[b"FLUSHALL"]), Reply::Simple("OK".into()));
    assert_eq!(redis(setup.redis_port, &[b"GET", session_key(&id).as_bytes()]), Reply::Bulk(None));

    let second =
        connect(setup.s2.1, &config, Some(&session), false).unwrap_or_else(|e| panic!("{e}\n{}", setup.describe()));
    assert!(!second.info.resumed, "resumed a flushed session: {:?}\n{}", second.info, setup.describe());
    setup.expect_log(2, &format!("event: session lookup {} miss", hex(&id)));
    setup.expect_log(2, "resumed=false");
    // The full handshake made and stored a new session.
    let new_id = assert_stored(&mut setup, &second);
    assert_ne!(new_id, id);

    // And that one resumes on server 1.
    let new_session = second.session.expect("session");
    let third =
        connect(setup.s1.1, &config, Some(&new_session), false).unwrap_or_else(|e| panic!("{e}\n{}", setup.describe()));
    assert!(third.info.resumed, "{:?}\n{}", third.info, setup.describe());
    setup.expect_log(1, &format!("event: session lookup {} hit", hex(&new_id)));
}

#[test]
fn fatal_error_after_resumption_deletes_the_session() {
    let Some(mut setup) = setup() else { return };
    let roots = verifier_roots();
    let verifier = WebPkiServerVerifier::new(&roots);
    let config = client_config(&verifier, None);

    let first = connect(setup.s1.1, &config, None, false).unwrap_or_else(|e| panic!("{e}\n{}", setup.describe()));
    let id = assert_stored(&mut setup, &first);
    let session = first.session.expect("session");

    // Resume on server 2, then break the connection with a forged record.
    let second =
        connect(setup.s2.1, &config, Some(&session), true).unwrap_or_else(|e| panic!("{e}\n{}", setup.describe()));
    assert!(second.info.resumed, "{:?}\n{}", second.info, setup.describe());
    setup.expect_log(2, "event: fatal error");
    setup.expect_log(2, &format!("event: session removed {} (deleted 1)", hex(&id)));
    assert_eq!(redis(setup.redis_port, &[b"GET", session_key(&id).as_bytes()]), Reply::Bulk(None));

    // So the next attempt is a full handshake.
    let third =
        connect(setup.s1.1, &config, Some(&session), false).unwrap_or_else(|e| panic!("{e}\n{}", setup.describe()));
    assert!(!third.info.resumed, "{:?}\n{}", third.info, setup.describe());
    setup.expect_log(1, &format!("event: session lookup {} miss", hex(&id)));
}

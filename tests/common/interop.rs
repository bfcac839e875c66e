//! Our client and our server over real TCP sockets on 127.0.0.1, for the
//! interop tests (`tests/interop_*.rs`). Everything is bounded in time: socket
//! reads time out, accepts are polled until a deadline, and the server thread
//! reports through a channel that is waited on with a timeout.
//!
//! Included with `#[path = "common/interop.rs"] mod interop;` next to
//! `mod common;`.

#![allow(dead_code)]

use crate::common::memory::{ECDSA_CA, ECDSA_SERVER, ECDSA_SERVER_KEY, RSA_CA};
use getrandom::SysRng;
use rand_core::UnwrapErr;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::io::{StreamEvent, TlsStream};
use sansio_tls::*;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant as StdInstant};

/// The bound on any single wait in these helpers.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Full-size buffers: the largest record plus room for a handshake message.
pub const BIG: usize = record::MAX_RECORD + 4096;

/// The three ECDSA suites, with their OpenSSL names.
pub const ECDSA_SUITES: [(CipherSuite, &str); 3] = [
    (CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256"),
    (CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384"),
    (CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305"),
];

/// The three RSA suites, with their OpenSSL names.
pub const RSA_SUITES: [(CipherSuite, &str); 3] = [
    (CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256"),
    (CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "ECDHE-RSA-AES256-GCM-SHA384"),
    (CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-RSA-CHACHA20-POLY1305"),
];

/// Whether a suite authenticates with ECDSA (else RSA).
pub fn is_ecdsa(suite: CipherSuite) -> bool {
    ECDSA_SUITES.iter().any(|(s, _)| *s == suite)
}

/// The OpenSSL name of one of our suites.
pub fn openssl_name(suite: CipherSuite) -> &'static str {
    ECDSA_SUITES.iter().chain(&RSA_SUITES).find(|(s, _)| *s == suite).expect("known suite").1
}

/// What our client should do.
#[derive(Debug, Clone, Copy)]
pub struct ClientOpts {
    pub suite: CipherSuite,
    pub group: NamedGroup,
    pub max_fragment_length: Option<MaxFragmentLength>,
    pub rx: usize,
    pub tx: usize,
}

impl ClientOpts {
    pub fn new(suite: CipherSuite, group: NamedGroup) -> Self {
        ClientOpts { suite, group, max_fragment_length: None, rx: BIG, tx: BIG }
    }
}

/// The groups our client offers to get `group` with `suite`: in TLS 1.2
/// supported_groups also names the curves the client can verify ECDSA
/// certificates on (RFC 8422 §5.1), and OpenSSL refuses a P-256 certificate
/// to a client that lists only x25519 (`tls12_check_peer_sigalg: wrong
/// curve` on the client side, `handshake_failure` on the server side). So
/// ECDSA suites also list secp256r1, after `group`; the peer pins the group.
pub fn offered_groups(suite: CipherSuite, group: NamedGroup) -> Vec<NamedGroup> {
    if is_ecdsa(suite) && group != NamedGroup::Secp256r1 { vec![group, NamedGroup::Secp256r1] } else { vec![group] }
}

/// What our side saw.
#[derive(Debug, Default)]
pub struct Outcome {
    pub info: Option<HandshakeInfo>,
    pub received: Vec<u8>,
    pub events: Vec<StreamEvent>,
    pub close: Option<CloseReason>,
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// `bytes` for a message: short ones whole, long ones by length and ends.
pub fn summary(bytes: &[u8]) -> String {
    if bytes.len() <= 80 {
        format!("{:?}", String::from_utf8_lossy(bytes))
    } else {
        format!(
            "{} bytes {:?}...{:?}",
            bytes.len(),
            String::from_utf8_lossy(&bytes[..32]),
            String::from_utf8_lossy(&bytes[bytes.len() - 32..])
        )
    }
}

fn now() -> Instant {
    Instant::now()
}

fn rng() -> UnwrapErr<SysRng> {
    UnwrapErr(SysRng)
}

/// Reads plaintext until `done(received)` holds, the peer closes, or
/// `deadline`. Socket reads must have a timeout set.
fn read_until<R: rand_core::CryptoRng>(
    tls: &mut TlsStream<'_, R, TcpStream>,
    out: &mut Outcome,
    deadline: StdInstant,
    mut done: impl FnMut(&[u8]) -> bool,
) -> Result<(), String> {
    let mut buf = [0u8; 4096];
    while !done(&out.received) {
        if StdInstant::now() >= deadline {
            return Err(format!("timed out; received so far: {}", summary(&out.received)));
        }
        match tls.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.received.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
            Err(e) => return Err(format!("read failed: {e} (connection error: {:?})", tls.connection().error())),
        }
        collect(tls, out);
    }
    collect(tls, out);
    Ok(())
}

fn collect<R: rand_core::CryptoRng>(tls: &mut TlsStream<'_, R, TcpStream>, out: &mut Outcome) {
    for ev in tls.take_events() {
        if let StreamEvent::Closed(r) = ev {
            out.close.get_or_insert(r);
        }
        out.events.push(ev);
    }
}

/// Our client against a server on 127.0.0.1:`port`, verifying it with `ca`
/// (DER) for "localhost": handshakes, sends `send`, reads until `expect`
/// has arrived, then sends close_notify and waits (briefly) for the
/// server's. `Err` says what went wrong, with our side's error.
pub fn run_client(port: u16, ca: &[u8], opts: ClientOpts, send: &[u8], expect: &[u8]) -> Result<Outcome, String> {
    let roots = [trust_anchor_from_der(ca).map_err(|e| format!("CA: {e}"))?];
    let verifier = WebPkiServerVerifier::new(&roots);
    let suites = [opts.suite];
    let groups = offered_groups(opts.suite, opts.group);
    let mut config = ClientConfig::new(&verifier);
    config.cipher_suites = &suites;
    config.groups = &groups;
    config.max_fragment_length = opts.max_fragment_length;

    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let sock = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| format!("connect {addr}: {e}"))?;
    sock.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    sock.set_write_timeout(Some(TIMEOUT)).unwrap();
    let (mut rx, mut tx) = (vec![0; opts.rx], vec![0; opts.tx]);
    let conn = Connection::client(&config, "localhost", &mut rx, &mut tx, rng(), now())
        .map_err(|e| format!("Connection::client: {e}"))?;
    let mut tls = TlsStream::new(conn, sock);
    let mut out = Outcome::default();
    let deadline = StdInstant::now() + TIMEOUT;

    tls.flush_transmit().map_err(|e| format!("sending ClientHello: {e}"))?;
    while tls.connection().is_handshaking() {
        if StdInstant::now() >= deadline {
            return Err("handshake timed out".into());
        }
        match tls.pump() {
            Ok(true) => {}
            Ok(false) => return Err(format!("connection closed during the handshake; events {:?}", tls.take_events())),
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
            Err(e) => {
                return Err(format!(
                    "handshake failed: {e} (connection error: {:?}; events {:?})",
                    tls.connection().error(),
                    tls.take_events()
                ));
            }
        }
    }
    collect(&mut tls, &mut out);
    out.info = tls.connection().handshake_info();

    tls.write_all(send).map_err(|e| format!("write: {e}"))?;
    read_until(&mut tls, &mut out, deadline, |r| contains(r, expect))?;
    if !contains(&out.received, expect) {
        return Err(format!(
            "peer closed before sending {}; received {}; events {:?}",
            summary(expect),
            summary(&out.received),
            out.events
        ));
    }
    if out.close.is_none() {
        tls.close().map_err(|e| format!("close: {e}"))?;
        let close_deadline = StdInstant::now() + Duration::from_secs(3);
        // The server's close_notify is not required: some peers just drop
        // the connection after ours.
        let _ = read_until(&mut tls, &mut out, close_deadline, |_| false);
    }
    Ok(out)
}

/// The ECDSA server identity (leaf + CA chain) our server uses.
pub struct ServerIdentity {
    pub chain: Vec<&'static [u8]>,
    pub key: SigningKey,
}

pub fn ecdsa_identity() -> ServerIdentity {
    ServerIdentity { chain: vec![ECDSA_SERVER, ECDSA_CA], key: SigningKey::from_der(ECDSA_SERVER_KEY).unwrap() }
}

/// The CA that the ECDSA identity chains to (DER), and the RSA one.
pub const ECDSA_CA_DER: &[u8] = ECDSA_CA;
pub const RSA_CA_DER: &[u8] = RSA_CA;

/// Our echo server, on a thread: accepts one connection on 127.0.0.1, echoes
/// every byte until the client closes. Returns the port and a receiver for
/// the outcome.
pub fn spawn_echo_server(suite: CipherSuite, group: NamedGroup) -> (u16, mpsc::Receiver<Result<Outcome, String>>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    let port = listener.local_addr().unwrap().port();
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = done_tx.send(echo_server(listener, suite, group));
    });
    (port, done_rx)
}

fn echo_server(listener: TcpListener, suite: CipherSuite, group: NamedGroup) -> Result<Outcome, String> {
    let id = ecdsa_identity();
    let suites = [suite];
    let groups = [group];
    let mut config = ServerConfig::new(&id.chain, &id.key);
    config.cipher_suites = &suites;
    config.groups = &groups;

    let deadline = StdInstant::now() + TIMEOUT;
    listener.set_nonblocking(true).unwrap();
    let sock = loop {
        match listener.accept() {
            Ok((s, _)) => break s,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if StdInstant::now() >= deadline {
                    return Err("no connection came".into());
                }
                thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(format!("accept: {e}")),
        }
    };
    sock.set_nonblocking(false).unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    sock.set_write_timeout(Some(TIMEOUT)).unwrap();
    let (mut rx, mut tx) = (vec![0; BIG], vec![0; BIG]);
    let conn = Connection::server(&config, &mut rx, &mut tx, rng(), now()).map_err(|e| format!("{e}"))?;
    let mut tls = TlsStream::new(conn, sock);
    let mut out = Outcome::default();
    while tls.connection().is_handshaking() {
        if StdInstant::now() >= deadline {
            return Err("handshake timed out".into());
        }
        match tls.pump() {
            Ok(true) => {}
            Ok(false) => return Err(format!("connection closed during the handshake; events {:?}", tls.take_events())),
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
            Err(e) => {
                return Err(format!(
                    "handshake failed: {e} (connection error: {:?}; events {:?})",
                    tls.connection().error(),
                    tls.take_events()
                ));
            }
        }
    }
    collect(&mut tls, &mut out);
    out.info = tls.connection().handshake_info();
    let mut buf = [0u8; 4096];
    loop {
        if StdInstant::now() >= deadline {
            return Err(format!("client did not close in time; outcome so far {out:?}"));
        }
        match tls.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                out.received.extend_from_slice(&buf[..n]);
                tls.write_all(&buf[..n]).map_err(|e| format!("echo write: {e}"))?;
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
            Err(e) => return Err(format!("read failed: {e} (connection error: {:?})", tls.connection().error())),
        }
        collect(&mut tls, &mut out);
    }
    collect(&mut tls, &mut out);
    Ok(out)
}

/// Starts a peer server with `start(port)` on a port from
/// [`free_port`](crate::common::peers::free_port), trying again with another
/// port (3 tries in all) if it fails to start: the port can be taken between
/// `free_port` and the server's bind (by a client socket of a parallel test,
/// for one; `gnutls-serv` then says `bind() failed: Address already in use`).
pub fn on_free_port<T>(start: impl Fn(u16) -> T) -> (T, u16) {
    let mut tries = 0;
    loop {
        let port = crate::common::peers::free_port();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| start(port))) {
            Ok(peer) => return (peer, port),
            Err(_) if tries < 2 => tries += 1,
            Err(e) => std::panic::resume_unwind(e),
        }
    }
}

/// Waits until `needle` shows up in `peer`'s stdout alone (received
/// application data: stderr lines could otherwise split it in the combined
/// output).
pub fn wait_for_stdout(peer: &crate::common::peers::Peer, needle: &str) -> bool {
    crate::common::peers::wait_until(crate::common::peers::HANDSHAKE_TIMEOUT, || peer.stdout().contains(needle))
}

/// Waits (bounded) for the server thread's outcome.
pub fn server_outcome(rx: &mpsc::Receiver<Result<Outcome, String>>) -> Result<Outcome, String> {
    rx.recv_timeout(TIMEOUT + Duration::from_secs(2))
        .unwrap_or_else(|e| Err(format!("server thread gave no result: {e}")))
}

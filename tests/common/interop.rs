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
use std::sync::{Arc, Mutex, mpsc};
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
    /// The curve of the server's ECDSA certificate.
    pub leaf_curve: NamedGroup,
}

impl ClientOpts {
    pub fn new(suite: CipherSuite, group: NamedGroup) -> Self {
        ClientOpts { suite, group, max_fragment_length: None, rx: BIG, tx: BIG, leaf_curve: NamedGroup::Secp256r1 }
    }
}

/// The groups our client offers to get `group` with `suite`: in TLS 1.2
/// supported_groups also names the curves the client can verify ECDSA
/// certificates on (RFC 8422 §5.1), and OpenSSL refuses a P-256 certificate
/// to a client that lists only x25519 (`tls12_check_peer_sigalg: wrong
/// curve` on the client side, `handshake_failure` on the server side). So
/// ECDSA suites also list the certificate's curve (`leaf_curve`), after
/// `group`; the peer pins the group.
pub fn offered_groups(suite: CipherSuite, group: NamedGroup, leaf_curve: NamedGroup) -> Vec<NamedGroup> {
    if is_ecdsa(suite) && group != leaf_curve { vec![group, leaf_curve] } else { vec![group] }
}

/// What our side saw.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The first handshake.
    pub info: Option<HandshakeInfo>,
    pub received: Vec<u8>,
    pub events: Vec<StreamEvent>,
    pub close: Option<CloseReason>,
    /// [`Connection::secure_renegotiation`] at the end.
    pub secure_renegotiation: bool,
    /// Server: what `request_renegotiation` returned when it failed.
    pub refused_requests: Vec<Error>,
}

impl Outcome {
    /// Every completed handshake, the first one and the renegotiations.
    pub fn handshakes(&self) -> Vec<HandshakeInfo> {
        handshakes_in(self.events.iter())
    }

    /// Whether an event matches `f`.
    pub fn saw(&self, f: impl Fn(&StreamEvent) -> bool) -> bool {
        self.events.iter().any(f)
    }
}

fn handshakes_in<'e>(events: impl Iterator<Item = &'e StreamEvent>) -> Vec<HandshakeInfo> {
    events
        .filter_map(|e| match e {
            StreamEvent::HandshakeDone(i) => Some(*i),
            _ => None,
        })
        .collect()
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
fn read_until<S: Side, R: rand_core::CryptoRng, B: Buffer>(
    tls: &mut TlsStream<Connection<S, R, B>, TcpStream>,
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

fn collect<S: Side, R: rand_core::CryptoRng, B: Buffer>(
    tls: &mut TlsStream<Connection<S, R, B>, TcpStream>,
    out: &mut Outcome,
) {
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
    let groups = offered_groups(opts.suite, opts.group, opts.leaf_curve);
    let mut config = ClientConfig::new(&verifier);
    config.cipher_suites = &suites;
    config.groups = &groups;
    config.max_fragment_length = opts.max_fragment_length;

    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let sock = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| format!("connect {addr}: {e}"))?;
    sock.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    sock.set_write_timeout(Some(TIMEOUT)).unwrap();
    let (mut rx, mut tx) = (vec![0; opts.rx], vec![0; opts.tx]);
    let conn = ClientConnection::new(&config, "localhost", &mut rx, &mut tx, rng(), now())
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
    spawn_echo_server_as(ecdsa_identity(), suite, group)
}

/// [`spawn_echo_server`] with a receive buffer of `rx` bytes.
#[allow(dead_code)]
pub fn spawn_echo_server_sized(
    suite: CipherSuite,
    group: NamedGroup,
    rx: usize,
) -> (u16, mpsc::Receiver<Result<Outcome, String>>) {
    spawn_echo(ecdsa_identity(), suite, group, rx)
}

/// [`spawn_echo_server`] with another server identity.
pub fn spawn_echo_server_as(
    id: ServerIdentity,
    suite: CipherSuite,
    group: NamedGroup,
) -> (u16, mpsc::Receiver<Result<Outcome, String>>) {
    spawn_echo(id, suite, group, BIG)
}

/// The echo server of [`spawn_echo_server_as`] on a free port, with an
/// `rx`-byte receive buffer, on its own thread.
fn spawn_echo(
    id: ServerIdentity,
    suite: CipherSuite,
    group: NamedGroup,
    rx: usize,
) -> (u16, mpsc::Receiver<Result<Outcome, String>>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    let port = listener.local_addr().unwrap().port();
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = done_tx.send(echo_server(listener, &id, suite, group, rx));
    });
    (port, done_rx)
}

fn echo_server(
    listener: TcpListener,
    id: &ServerIdentity,
    suite: CipherSuite,
    group: NamedGroup,
    rx_len: usize,
) -> Result<Outcome, String> {
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
    let (mut rx, mut tx) = (vec![0; rx_len], vec![0; BIG]);
    let conn = ServerConnection::new(&config, &mut rx, &mut tx, rng(), now()).map_err(|e| format!("{e}"))?;
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

fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

// ----- a configurable server of ours, for resumption and renegotiation -----

/// How [`spawn_server`] sets up our server (ECDSA identity, default suites
/// and groups).
#[derive(Debug, Clone, Copy)]
pub struct ServerSetup {
    /// Connections to serve, one after another.
    pub connections: usize,
    /// Resumption by session ID from an [`session::LruSessionStore`].
    pub store: bool,
    /// Session tickets, with a random key.
    pub tickets: bool,
    /// Accept client-initiated renegotiation (the default limits) or refuse
    /// it (`renegotiation: None`).
    pub renegotiation: bool,
    /// Echo every byte back.
    pub echo: bool,
    /// Refuse clients without extended master secret.
    pub require_ems: bool,
}

impl Default for ServerSetup {
    fn default() -> Self {
        ServerSetup {
            connections: 1,
            store: false,
            tickets: false,
            renegotiation: true,
            echo: true,
            require_ems: false,
        }
    }
}

/// What the test tells a running [`spawn_server`] connection to do.
#[derive(Debug, Clone)]
pub enum ServerCmd {
    /// Send a HelloRequest (`request_renegotiation(None)`).
    RequestRenegotiation,
    /// Send application data.
    Send(Vec<u8>),
}

/// A server of ours on a thread: its port, a command channel to the
/// connection being served, the events seen so far, and the outcomes.
pub struct ServerHandle {
    pub port: u16,
    cmds: mpsc::Sender<ServerCmd>,
    /// (connection index, event), as they happen.
    log: Arc<Mutex<Vec<(usize, StreamEvent)>>>,
    done: mpsc::Receiver<Vec<Result<Outcome, String>>>,
}

impl ServerHandle {
    /// Queues a command for the connection being served (acted on within
    /// ~50 ms).
    pub fn command(&self, cmd: ServerCmd) {
        self.cmds.send(cmd).expect("server thread gone");
    }

    /// The events seen so far.
    pub fn events(&self) -> Vec<(usize, StreamEvent)> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Completed handshakes so far, over all connections.
    pub fn handshakes(&self) -> Vec<HandshakeInfo> {
        handshakes_in(self.events().iter().map(|(_, e)| e))
    }

    /// Waits (bounded by [`TIMEOUT`]) until `n` handshakes have completed.
    pub fn wait_handshakes(&self, n: usize) -> bool {
        crate::common::peers::wait_until(TIMEOUT, || self.handshakes().len() >= n)
    }

    /// Waits (bounded by [`TIMEOUT`]) until an event matches `f`.
    pub fn wait_event(&self, f: impl Fn(&StreamEvent) -> bool) -> bool {
        crate::common::peers::wait_until(TIMEOUT, || self.events().iter().any(|(_, e)| f(e)))
    }

    /// The outcome of every connection served (waits, bounded, for the
    /// server thread to finish).
    pub fn outcomes(&self) -> Vec<Result<Outcome, String>> {
        self.done
            .recv_timeout(TIMEOUT + Duration::from_secs(2))
            .unwrap_or_else(|e| vec![Err(format!("server thread gave no result: {e}"))])
    }
}

/// Starts our server on 127.0.0.1 (a port chosen by the kernel) on a thread.
/// It serves `setup.connections` connections one after another, or stops
/// when none comes for [`TIMEOUT`].
pub fn spawn_server(setup: ServerSetup) -> ServerHandle {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    let port = listener.local_addr().unwrap().port();
    let (cmds, cmd_rx) = mpsc::channel();
    let (done_tx, done) = mpsc::channel();
    let log = Arc::new(Mutex::new(Vec::new()));
    let thread_log = Arc::clone(&log);
    thread::spawn(move || {
        let _ = done_tx.send(serve_connections(listener, setup, &cmd_rx, &thread_log));
    });
    ServerHandle { port, cmds, log, done }
}

fn serve_connections(
    listener: TcpListener,
    setup: ServerSetup,
    cmds: &mpsc::Receiver<ServerCmd>,
    log: &Mutex<Vec<(usize, StreamEvent)>>,
) -> Vec<Result<Outcome, String>> {
    use sansio_tls::session::{LruSessionStore, ServerSessions, SessionSlot, TicketKey, TicketKeys};
    let id = ecdsa_identity();
    let mut config = ServerConfig::new(&id.chain, &id.key);
    let mut slots = vec![SessionSlot::EMPTY; 16];
    let store = LruSessionStore::new(&mut slots);
    if setup.store {
        config.sessions = ServerSessions::Store(&store);
    }
    let mut ticket_key = TicketKey { name: [0; 16], key: [0; 32] };
    rand_core::Rng::fill_bytes(&mut rng(), &mut ticket_key.name);
    rand_core::Rng::fill_bytes(&mut rng(), &mut ticket_key.key);
    if setup.tickets {
        config.ticket_keys = Some(TicketKeys { current: &ticket_key, previous: &[], lifetime_secs: 7200 });
    }
    if !setup.renegotiation {
        config.renegotiation = None;
    }
    config.require_extended_master_secret = setup.require_ems;
    listener.set_nonblocking(true).unwrap();
    let mut outcomes = Vec::new();
    for index in 0..setup.connections {
        let deadline = StdInstant::now() + TIMEOUT;
        let sock = loop {
            match listener.accept() {
                Ok((s, _)) => break Some(s),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if StdInstant::now() >= deadline {
                        break None;
                    }
                    thread::sleep(Duration::from_millis(5));
                }
                Err(e) => {
                    outcomes.push(Err(format!("accept: {e}")));
                    return outcomes;
                }
            }
        };
        let Some(sock) = sock else {
            outcomes.push(Err(format!("connection {index} did not come")));
            return outcomes;
        };
        // Commands sent before this connection are not for it.
        while cmds.try_recv().is_ok() {}
        outcomes.push(serve_one(&config, sock, setup.echo, cmds, |e| {
            log.lock().unwrap_or_else(|e| e.into_inner()).push((index, e.clone()))
        }));
    }
    outcomes
}

fn serve_one(
    config: &ServerConfig<'_>,
    sock: TcpStream,
    echo: bool,
    cmds: &mpsc::Receiver<ServerCmd>,
    mut log: impl FnMut(&StreamEvent),
) -> Result<Outcome, String> {
    sock.set_nonblocking(false).unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
    sock.set_write_timeout(Some(TIMEOUT)).unwrap();
    let (mut rx, mut tx) = (vec![0; BIG], vec![0; BIG]);
    let conn = ServerConnection::new(config, &mut rx, &mut tx, rng(), now()).map_err(|e| format!("{e}"))?;
    let mut tls = TlsStream::new(conn, sock);
    let mut out = Outcome::default();
    let mut collect_all = |tls: &mut TlsStream<_, TcpStream>, out: &mut Outcome| {
        for ev in tls.take_events() {
            log(&ev);
            if let StreamEvent::Closed(r) = ev {
                out.close.get_or_insert(r);
            }
            out.events.push(ev);
        }
        out.secure_renegotiation = tls.connection().secure_renegotiation();
    };
    let deadline = StdInstant::now() + TIMEOUT;
    while tls.connection().handshake_info().is_none() {
        if StdInstant::now() >= deadline {
            return Err("handshake timed out".into());
        }
        let step = tls.pump();
        collect_all(&mut tls, &mut out);
        match step {
            Ok(true) => {}
            Ok(false) => return Err(format!("connection closed during the handshake; events {:?}", out.events)),
            Err(e) if is_timeout(&e) => {}
            Err(e) => {
                return Err(format!(
                    "handshake failed: {e} (connection error: {:?}; events {:?})",
                    tls.connection().error(),
                    out.events
                ));
            }
        }
        if out.close.is_some() && tls.connection().handshake_info().is_none() {
            return Err(format!("connection closed during the handshake; events {:?}", out.events));
        }
    }
    out.info = tls.connection().handshake_info();
    let mut buf = [0u8; 4096];
    while out.close.is_none() {
        if StdInstant::now() >= deadline {
            return Err(format!("client did not close in time; outcome so far {out:?}"));
        }
        for cmd in cmds.try_iter() {
            match cmd {
                // Refused (e.g. `NoRenegotiation`): noted, not fatal.
                ServerCmd::RequestRenegotiation => {
                    match tls.connection().request_renegotiation(sansio_tls::Instant::now(), None) {
                        Ok(()) => tls.flush_transmit().map_err(|e| format!("sending HelloRequest: {e}"))?,
                        Err(e) => out.refused_requests.push(e),
                    }
                }
                ServerCmd::Send(data) => {
                    tls.write_all(&data).map_err(|e| format!("write: {e}; outcome so far {out:?}"))?
                }
            }
        }
        let read = tls.read(&mut buf);
        collect_all(&mut tls, &mut out);
        match read {
            Ok(0) => break,
            Ok(n) => {
                out.received.extend_from_slice(&buf[..n]);
                if echo && out.close.is_none() {
                    tls.write_all(&buf[..n]).map_err(|e| format!("echo write: {e}"))?;
                }
            }
            Err(e) if is_timeout(&e) => {}
            // The client's close_notify came, and our answer could not go
            // out because it had gone.
            Err(_) if out.close == Some(CloseReason::CloseNotify) => break,
            Err(e) => {
                return Err(format!(
                    "read failed: {e} (connection error: {:?}); outcome so far {out:?}",
                    tls.connection().error()
                ));
            }
        }
    }
    collect_all(&mut tls, &mut out);
    Ok(out)
}

// ----- a client of ours driven step by step ---------------------------------

/// What our [`Client`] does with a server's HelloRequest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelloRequestAnswer {
    Renegotiate,
    Refuse,
    Ignore,
}

/// Our client over TCP, driven step by step by a test; its connection owns
/// its buffers.
pub struct Client<'a> {
    pub tls: TlsStream<ClientConnection<'a, UnwrapErr<SysRng>, Vec<u8>>, TcpStream>,
    pub out: Outcome,
    pub on_hello_request: HelloRequestAnswer,
    deadline: StdInstant,
}

impl<'a> Client<'a> {
    /// Connects to 127.0.0.1:`port` ("localhost", with `port` in the session
    /// cache key, and `session` offered if given) and runs the handshake.
    pub fn connect(
        port: u16,
        config: &'a ClientConfig<'a>,
        session: Option<&'a session::ClientSession>,
    ) -> Result<Self, String> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let sock = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| format!("connect {addr}: {e}"))?;
        sock.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
        sock.set_write_timeout(Some(TIMEOUT)).unwrap();
        let (rx, tx) = (vec![0u8; BIG], vec![0u8; BIG]);
        let params = ClientParams { server_name: "localhost", port, session };
        let conn = ClientConnection::with_params(config, params, rx, tx, rng(), now())
            .map_err(|e| format!("Connection::client_with: {e}"))?;
        let mut client = Client {
            tls: TlsStream::new(conn, sock),
            out: Outcome::default(),
            on_hello_request: HelloRequestAnswer::Renegotiate,
            deadline: StdInstant::now() + TIMEOUT,
        };
        client.tls.flush_transmit().map_err(|e| format!("sending ClientHello: {e}"))?;
        client.pump_until("the handshake", |c| c.out.info.is_some())?;
        Ok(client)
    }

    fn collect(&mut self) -> Result<(), String> {
        for ev in self.tls.take_events() {
            match ev {
                StreamEvent::Closed(r) => {
                    self.out.close.get_or_insert(r);
                }
                StreamEvent::HandshakeDone(i) => {
                    self.out.info.get_or_insert(i);
                }
                _ => {}
            }
            if ev == StreamEvent::RenegotiationRequested {
                match self.on_hello_request {
                    HelloRequestAnswer::Renegotiate => self
                        .tls
                        .connection()
                        .renegotiate(sansio_tls::Instant::now())
                        .map_err(|e| format!("renegotiate: {e}"))?,
                    HelloRequestAnswer::Refuse => self
                        .tls
                        .connection()
                        .refuse_renegotiation()
                        .map_err(|e| format!("refuse_renegotiation: {e}"))?,
                    HelloRequestAnswer::Ignore => {}
                }
                self.tls.flush_transmit().map_err(|e| format!("flush: {e}"))?;
            }
            self.out.events.push(ev);
        }
        self.out.secure_renegotiation = self.tls.connection().secure_renegotiation();
        Ok(())
    }

    /// Reads and handles input until `done(self)` holds; fails if the
    /// connection fails, closes first, or the deadline passes.
    pub fn pump_until(&mut self, what: &str, mut done: impl FnMut(&Self) -> bool) -> Result<(), String> {
        let mut buf = [0u8; 4096];
        loop {
            self.collect()?;
            if done(self) {
                return Ok(());
            }
            if StdInstant::now() >= self.deadline {
                return Err(format!("timed out waiting for {what}; outcome so far {:?}", self.out));
            }
            if self.out.close.is_some() {
                return Err(format!("closed while waiting for {what}; outcome so far {:?}", self.out));
            }
            // `read` also runs the handshake: it returns once plaintext
            // arrived, or when the socket read times out.
            match self.tls.read(&mut buf) {
                Ok(0) => {
                    self.collect()?;
                    if done(self) {
                        return Ok(());
                    }
                    return Err(format!("connection ended while waiting for {what}; outcome so far {:?}", self.out));
                }
                Ok(n) => self.out.received.extend_from_slice(&buf[..n]),
                Err(e) if is_timeout(&e) => {}
                Err(e) => {
                    let _ = self.collect();
                    return Err(format!(
                        "waiting for {what}: {e} (connection error: {:?}); outcome so far {:?}",
                        self.tls.connection().error(),
                        self.out
                    ));
                }
            }
        }
    }

    /// Sends application data.
    pub fn send(&mut self, data: &[u8]) -> Result<(), String> {
        self.tls
            .write_all(data)
            .map_err(|e| format!("write: {e} (connection error: {:?})", self.tls.connection().error()))
    }

    /// Reads until everything received so far contains `expect`.
    pub fn expect(&mut self, expect: &[u8]) -> Result<(), String> {
        self.pump_until(&summary(expect), |c| contains(&c.out.received, expect))
    }

    /// Reads until `n` handshakes have completed.
    pub fn wait_handshakes(&mut self, n: usize) -> Result<(), String> {
        self.pump_until(&format!("{n} handshakes"), |c| c.out.handshakes().len() >= n)
    }

    /// Starts a renegotiation.
    pub fn renegotiate(&mut self) -> Result<(), Error> {
        self.tls.connection().renegotiate(sansio_tls::Instant::now())?;
        self.tls.flush_transmit().map_err(|_| ErrorKind::Closed.into())
    }

    /// Sends close_notify and waits briefly for the server's; returns what
    /// was seen.
    pub fn close(mut self) -> Outcome {
        if self.out.close.is_none() && self.tls.close().is_ok() {
            self.deadline = StdInstant::now() + Duration::from_secs(3);
            let _ = self.pump_until("close_notify", |c| c.out.close.is_some());
        }
        let _ = self.collect();
        self.out
    }
}

/// Sends a token through `client` (a peer process connected to our echo
/// server), waits for the echo, closes, and checks what our server saw:
/// the suite and group, EMS and secure renegotiation, the token, and a
/// clean close_notify.
pub fn echo_and_check(
    client: &mut crate::common::peers::Peer,
    done: &mpsc::Receiver<Result<Outcome, String>>,
    suite: CipherSuite,
    group: NamedGroup,
) {
    let token = "echo-me-through-sansio-tls\n";
    client.send(token.as_bytes()).unwrap();
    // The peer prints what it receives, not what it sends.
    if !wait_for_stdout(client, token) {
        panic!("no echo; our server: {:?}\n{}", server_outcome(done), client.describe());
    }
    client.close_stdin();
    let out = match server_outcome(done) {
        Ok(out) => out,
        Err(e) => panic!("our server failed: {e}\n{}", client.describe()),
    };
    let info = out.info.expect("handshake info");
    assert_eq!((info.suite, info.group), (suite, Some(group)));
    assert!(info.extended_master_secret && info.secure_renegotiation, "{info:?}");
    assert_eq!(out.received, token.as_bytes());
    assert_eq!(out.close, Some(CloseReason::CloseNotify), "{out:?}\n{}", client.describe());
}

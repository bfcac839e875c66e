//! Shared harness for the connection fuzz targets: fixed configurations built
//! from the test PKI, one event handler shared by the fuzzed connection and
//! by real recorded sessions, and the recorder that writes seed corpora.
//!
//! Everything is deterministic: fixed RNG seeds, fixed time, fixed ticket
//! key, and the same reaction to every event. So the bytes a real server sent
//! to the client of variant `v` are also valid input for a fresh client of
//! variant `v` in the fuzzer (and likewise for servers): the fuzzer starts
//! from complete handshakes — full, resumed by session ID or ticket, with
//! client certificates, renegotiated — instead of having to forge signatures
//! and MACs.

use std::sync::OnceLock;

use sansio_tls::cert::{WebPkiClientVerifier, WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::config::{CertifiedKey, ClientAuth};
use sansio_tls::crypto::{SigningKey, certificate_subject};
use sansio_tls::session::{ClientSession, ServerSessions, Session, TicketKey, TicketKeys};
use sansio_tls::testing::TestRng;
use sansio_tls::{
    Buffer, CipherSuite, ClientConfig, ClientConnection, ClientParams, Connection, Error, ErrorKind, Event, Instant,
    MaxFragmentLength, NamedGroup, ServerConfig, ServerConnection, Side,
};

/// The time every connection runs at (inside the test PKI's validity).
pub const NOW: Instant = Instant::from_secs(1_800_000_000);
/// RNG seeds: fixed, so that recorded peers' flights stay valid.
pub const CLIENT_SEED: u64 = 1;
pub const SERVER_SEED: u64 = 2;
/// The name the client connects to (in the test server certificate).
pub const SERVER_NAME: &str = "localhost";

/// Client variants (see [`fixture`]); 5 and 6 are config 0 offering a
/// session to resume.
pub const CLIENT_VARIANTS: u8 = 7;
/// Server variants (see [`fixture`]).
pub const SERVER_VARIANTS: u8 = 6;

/// Bit of the input's first byte: renegotiate after the first application
/// data (client: `renegotiate()`; server: `request_renegotiation()`).
pub const FLAG_RENEGOTIATE: u8 = 0x40;
/// Bit of the `server` input's first byte: put a real ClientHello first.
pub const FLAG_PREFIX_HELLO: u8 = 0x80;

static CA_DER: &[u8] = include_bytes!("../../vectors/pki/ecdsa-ca.der");
static SERVER_CERT_DER: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.der");
static SERVER_KEY_DER: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.key.der");
static CLIENT_CERT_DER: &[u8] = include_bytes!("../../vectors/pki/ecdsa-client.der");
static CLIENT_KEY_DER: &[u8] = include_bytes!("../../vectors/pki/ecdsa-client.key.der");

static ALPN: &[&[u8]] = &[b"h2", b"http/1.1"];
static CHACHA_ONLY: &[CipherSuite] = &[CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256];
static AES256_FIRST: &[CipherSuite] =
    &[CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256];
static P256_ONLY: &[NamedGroup] = &[NamedGroup::Secp256r1];

/// A fixed ticket key: tickets sealed in a recorded session open in the
/// fuzzer.
static TICKET_KEY: TicketKey = TicketKey { name: [0x5a; 16], key: [0x7e; 32] };

/// Configurations, built once per process and leaked (they borrow each other).
pub struct Fixture {
    pub clients: [ClientConfig<'static>; 5],
    pub servers: [ServerConfig<'static>; SERVER_VARIANTS as usize],
}

// The configs only hold shared references to immutable data.
unsafe impl Sync for Fixture {}
unsafe impl Send for Fixture {}

fn leak<T>(v: T) -> &'static T {
    Box::leak(Box::new(v))
}

/// The configurations:
///
/// | variant | client | server |
/// |---|---|---|
/// | 0 | defaults | defaults (renegotiation allowed within the default limits) |
/// | 1 | max_fragment_length 512, P-256 only, 2 KiB buffers | P-256 only, EMS not required, renegotiation refused |
/// | 2 | ChaCha20-Poly1305 only, ALPN | ChaCha20-Poly1305 only, ALPN, session tickets |
/// | 3 | AES-256 first, EMS required | AES-256 first, session-ID resumption by events |
/// | 4 | a client certificate | client certificate required |
/// | 5 | config 0, offering the session-ID session of a 0-3 run | client certificate requested |
/// | 6 | config 0, offering the ticket of a 0-2 run | |
pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let anchors = leak([trust_anchor_from_der(CA_DER).expect("test CA parses")]);
        let verifier = leak(WebPkiServerVerifier::new(anchors));
        let client_verifier = leak(WebPkiClientVerifier::new(anchors));
        let key = leak(SigningKey::from_der(SERVER_KEY_DER).expect("test key loads"));
        let chain: &'static [&'static [u8]] = leak([SERVER_CERT_DER]);
        let client_key = leak(SigningKey::from_der(CLIENT_KEY_DER).expect("client key loads"));
        let client_chain: &'static [&'static [u8]] = leak([CLIENT_CERT_DER]);
        let client_cred = leak([CertifiedKey::new(client_chain, client_key).expect("client cert matches key")]);
        let ca_names: &'static [&'static [u8]] = leak([certificate_subject(CA_DER).expect("CA subject")]);

        let base = ClientConfig::new(verifier);
        let clients = [
            base,
            ClientConfig { max_fragment_length: Some(MaxFragmentLength::Bytes512), groups: P256_ONLY, ..base },
            ClientConfig { cipher_suites: CHACHA_ONLY, alpn_protocols: ALPN.into(), ..base },
            ClientConfig { cipher_suites: AES256_FIRST, require_extended_master_secret: true, ..base },
            ClientConfig { client_certs: client_cred.into(), ..base },
        ];
        let sbase = ServerConfig::new(chain, key);
        let servers = [
            sbase,
            ServerConfig { groups: P256_ONLY, require_extended_master_secret: true, renegotiation: None, ..sbase },
            ServerConfig {
                cipher_suites: CHACHA_ONLY,
                alpn_protocols: ALPN.into(),
                ticket_keys: Some(TicketKeys { current: &TICKET_KEY, previous: &[], lifetime_secs: 3600 }),
                ..sbase
            },
            ServerConfig { cipher_suites: AES256_FIRST, sessions: ServerSessions::Events, ..sbase },
            ServerConfig {
                client_auth: ClientAuth::Require,
                client_verifier: Some(client_verifier),
                client_auth_cas: ca_names.into(),
                ..sbase
            },
            ServerConfig {
                client_auth: ClientAuth::Request,
                client_verifier: Some(client_verifier),
                client_auth_cas: ca_names.into(),
                ..sbase
            },
        ];
        Fixture { clients, servers }
    })
}

/// Big enough for any record plus a reassembled handshake message.
pub const FULL: usize = sansio_tls::record::MAX_RECORD + 4096;

/// Buffer sizes for a client variant: variant 1 negotiates 512-byte records
/// and runs on small buffers, the others on full-size ones.
pub fn client_buffers(variant: u8) -> (usize, usize) {
    if variant == 1 { (2048, 2048) } else { (FULL, FULL) }
}

/// The sessions resumed by client variants 5 and 6 (and answered by server
/// variant 3's lookups), from real full handshakes.
pub struct Golden {
    /// Client 0 against server 3: the client's session (by ID) and what
    /// the server stored.
    pub by_id: ClientSession,
    pub stored: Session,
    /// Client 0 against server 2: the client's session with a ticket.
    pub by_ticket: ClientSession,
}

pub fn golden() -> &'static Golden {
    static G: OnceLock<Golden> = OnceLock::new();
    G.get_or_init(|| {
        let id_run = record_session(&Scenario { client: 0, server: 3, ..Scenario::default() })
            .expect("full handshake with server variant 3");
        let ticket_run = record_session(&Scenario { client: 0, server: 2, ..Scenario::default() })
            .expect("full handshake with server variant 2");
        Golden {
            by_id: id_run.client_session.expect("client session by ID"),
            stored: id_run.stored.expect("server stored a session"),
            by_ticket: ticket_run.client_session.expect("client session with ticket"),
        }
    })
}

/// What a connection said, owned, for comparing runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    HandshakeDone(String),
    Data(Vec<u8>),
    Other(String),
    Error(Error),
}

/// How one side reacts to events, and what it saw. The same for the fuzzed
/// connection and for recorded sessions, so recorded bytes stay valid.
pub struct Peer {
    pub is_client: bool,
    /// Renegotiate (client) or ask for it (server) after the first data.
    pub renegotiate_after_data: bool,
    /// Server: what a session lookup is answered with, if the ID matches.
    pub lookup_answer: Option<Session>,
    renegotiation_done: bool,
    greeted: bool,
    pub handshakes: usize,
    pub data_events: usize,
    pub closed: bool,
    pub events: Vec<Seen>,
    /// Everything the connection transmitted.
    pub sent: Vec<u8>,
    pub client_session: Option<ClientSession>,
    pub stored: Option<Session>,
    /// Whether `poll_all` drains the transmit buffer into `sent` after each
    /// event (the fuzzer: output goes nowhere). The recorder moves the
    /// bytes to the other side itself.
    drain: bool,
}

impl Peer {
    pub fn new(is_client: bool, renegotiate_after_data: bool, lookup_answer: Option<Session>) -> Self {
        Peer {
            is_client,
            renegotiate_after_data,
            lookup_answer,
            renegotiation_done: false,
            greeted: false,
            handshakes: 0,
            data_events: 0,
            closed: false,
            events: Vec::new(),
            sent: Vec::new(),
            client_session: None,
            stored: None,
            drain: true,
        }
    }

    /// Moves what `conn` has to send into `self.sent`.
    pub fn take_output<S: Side, B: Buffer>(&mut self, conn: &mut Connection<S, TestRng, B>) {
        let pending = conn.transmit_pending();
        self.sent.extend_from_slice(pending);
        let n = pending.len();
        conn.transmit_done(n);
    }

    /// Polls until `None` or an error, reacting to each event. `budget`
    /// bounds the total number of polls (a livelock check).
    pub fn poll_all<S: Side, B: Buffer>(
        &mut self,
        conn: &mut Connection<S, TestRng, B>,
        polls: &mut usize,
        budget: usize,
    ) -> Result<(), Error>
    where
        Connection<S, TestRng, B>: Role,
    {
        loop {
            *polls += 1;
            assert!(*polls <= budget, "poll_event did not settle: {} events for the input", *polls);
            let ev = match conn.poll_event(NOW) {
                Ok(None) => return Ok(()),
                Ok(Some(ev)) => ev,
                Err(e) => {
                    self.events.push(Seen::Error(e));
                    return Err(e);
                }
            };
            // Copy what the event borrows, then act on the connection.
            enum Then {
                Nothing,
                Greet,
                Echo(Vec<u8>),
                Lookup(Vec<u8>),
                Renegotiate,
            }
            let then = match ev {
                Event::HandshakeDone(info) => {
                    assert_eq!(info.version, 0x0303, "handshake finished with a version other than TLS 1.2");
                    self.handshakes += 1;
                    self.events.push(Seen::HandshakeDone(format!("{info:?}")));
                    if self.is_client && !self.greeted { Then::Greet } else { Then::Nothing }
                }
                Event::Data(d) => {
                    self.data_events += 1;
                    self.events.push(Seen::Data(d.to_vec()));
                    if self.is_client { Then::Nothing } else { Then::Echo(d.to_vec()) }
                }
                Event::SessionLookup(id) => {
                    self.events.push(Seen::Other(format!("lookup {id:02x?}")));
                    Then::Lookup(id.to_vec())
                }
                Event::StoreSession(s) => {
                    self.events.push(Seen::Other(format!("store {s:?}")));
                    self.stored = Some(s.clone());
                    Then::Nothing
                }
                Event::NewSession(s) => {
                    self.events.push(Seen::Other(format!("new session {s:?}")));
                    self.client_session = Some(s.clone());
                    Then::Nothing
                }
                Event::PeerCertificates(c) => {
                    self.events.push(Seen::Other(format!("peer certificates: {}", c.len())));
                    Then::Nothing
                }
                Event::RenegotiationRequested => {
                    self.events.push(Seen::Other("renegotiation requested".into()));
                    Then::Renegotiate
                }
                other => {
                    if let Event::Closed(_) = other {
                        self.closed = true;
                    }
                    self.events.push(Seen::Other(format!("{other:?}")));
                    Then::Nothing
                }
            };
            let result = match then {
                Then::Nothing => None,
                Then::Greet => {
                    self.greeted = true;
                    Some(("send", conn.send(b"ping").map(|_| ())))
                }
                Then::Echo(d) => {
                    let r = conn.send(&d).map(|_| ());
                    let mut results = vec![("echo", r)];
                    if self.renegotiate_after_data && !self.renegotiation_done {
                        self.renegotiation_done = true;
                        results.push(("request_renegotiation", conn.request_renegotiation_now()));
                    }
                    for (what, r) in results {
                        self.events.push(Seen::Other(format!("{what}: {r:?}")));
                    }
                    None
                }
                Then::Lookup(id) => {
                    let answer = self.lookup_answer.clone().filter(|s| s.id() == &id[..]);
                    Some(("answer_session_lookup", conn.answer_session_lookup(answer)))
                }
                Then::Renegotiate => Some(("renegotiate", conn.renegotiate_now())),
            };
            if let Some((what, r)) = result {
                self.events.push(Seen::Other(format!("{what}: {r:?}")));
            }
            // A client renegotiates after its first application data.
            if self.is_client
                && self.renegotiate_after_data
                && !self.renegotiation_done
                && self.data_events > 0
                && conn.is_established()
            {
                self.renegotiation_done = true;
                let r = conn.renegotiate_now();
                self.events.push(Seen::Other(format!("renegotiate: {r:?}")));
            }
            if self.drain {
                self.take_output(conn);
            }
        }
    }
}

/// The calls the harness makes that exist on one side only; the other
/// side never gets the event that leads to them, and answers as a misuse.
pub trait Role {
    /// Client: starts a renegotiation.
    fn renegotiate_now(&mut self) -> Result<(), Error>;
    /// Server: sends a HelloRequest.
    fn request_renegotiation_now(&mut self) -> Result<(), Error>;
    /// Server: answers a session lookup.
    fn answer_session_lookup(&mut self, session: Option<Session>) -> Result<(), Error>;
}

impl<B: Buffer> Role for ClientConnection<'_, TestRng, B> {
    fn renegotiate_now(&mut self) -> Result<(), Error> {
        self.renegotiate(NOW)
    }
    fn request_renegotiation_now(&mut self) -> Result<(), Error> {
        Err(ErrorKind::InvalidState.into())
    }
    fn answer_session_lookup(&mut self, _: Option<Session>) -> Result<(), Error> {
        Err(ErrorKind::InvalidState.into())
    }
}

impl<B: Buffer> Role for ServerConnection<'_, TestRng, B> {
    fn renegotiate_now(&mut self) -> Result<(), Error> {
        Err(ErrorKind::InvalidState.into())
    }
    fn request_renegotiation_now(&mut self) -> Result<(), Error> {
        self.request_renegotiation(NOW, None)
    }
    fn answer_session_lookup(&mut self, session: Option<Session>) -> Result<(), Error> {
        ServerConnection::answer_session_lookup(self, session)
    }
}

/// The outcome of driving one connection over an input.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    pub events: Vec<Seen>,
    pub sent: Vec<u8>,
}

/// Feeds `chunks` to `conn` one after another, polling events after each
/// feed; then closes, signals end of stream, polls once more and checks a
/// late timeout. Panics only on broken invariants:
/// - a poll loop that does not end (more events than the input explains);
/// - a fatal error that later calls do not repeat (DESIGN.md).
pub fn drive<S: Side, B: Buffer>(conn: &mut Connection<S, TestRng, B>, chunks: &[&[u8]], mut peer: Peer) -> Outcome
where
    Connection<S, TestRng, B>: Role,
{
    let total: usize = chunks.iter().map(|c| c.len()).sum();
    // Every event needs at least one record (5+ bytes) or is one of the few
    // queued with it; anything beyond this bound is a livelock.
    let budget = 2 * total / 5 + 64;
    let mut polls = 0usize;
    let mut failed: Option<Error> = None;

    'chunks: for chunk in chunks {
        let mut rest: &[u8] = chunk;
        let mut stalled = false;
        loop {
            let n = conn.feed(rest);
            rest = &rest[n..];
            if let Err(e) = peer.poll_all(conn, &mut polls, budget) {
                failed = Some(e);
                break 'chunks;
            }
            peer.take_output(conn);
            if rest.is_empty() {
                break;
            }
            if n == 0 {
                // Nothing taken even after polling made what room it could.
                if stalled {
                    break 'chunks;
                }
                stalled = true;
            } else {
                stalled = false;
            }
        }
    }

    if let Some(e) = failed {
        peer.take_output(conn);
        if e.is_fatal() {
            assert_eq!(conn.poll_event(NOW), Err(e), "poll_event after fatal {e:?}");
            assert_eq!(conn.send(b"x"), Err(e), "send after fatal {e:?}");
            assert_eq!(conn.close(), Err(e), "close after fatal {e:?}");
            assert!(conn.is_closed(), "is_closed after fatal {e:?}");
            assert_eq!(conn.error(), Some(e));
            assert!(conn.receive_window().is_empty(), "receive window open after fatal {e:?}");
        }
        return Outcome { events: peer.events, sent: peer.sent };
    }

    // Wind down: our close_notify, end of stream, a late timeout check.
    let _ = conn.close();
    peer.take_output(conn);
    conn.receive_eof();
    if let Err(e) = peer.poll_all(conn, &mut polls, budget) {
        peer.events.push(Seen::Error(e));
    }
    if let Err(e) = conn.handle_timeout(NOW.add_millis(3_600_000)) {
        peer.events.push(Seen::Error(e));
    }
    peer.take_output(conn);
    Outcome { events: peer.events, sent: peer.sent }
}

/// The client parameters of a variant (5 and 6 offer a golden session).
fn client_params(variant: u8) -> (usize, ClientParams<'static>) {
    let mut params = ClientParams::new(SERVER_NAME);
    let config = match variant {
        5 => {
            params.session = Some(&golden().by_id);
            0
        }
        6 => {
            params.session = Some(&golden().by_ticket);
            0
        }
        v => v as usize,
    };
    (config, params)
}

/// Splits an input's first byte into (variant, renegotiate flag).
pub fn flags(b: u8, variants: u8) -> (u8, bool) {
    ((b & 0x3f) % variants, b & FLAG_RENEGOTIATE != 0)
}

/// The server's lookup answer for a variant.
fn lookup_answer(server_variant: u8) -> Option<Session> {
    (server_variant == 3).then(|| golden().stored.clone())
}

/// Runs a fresh client of `variant` over `chunks`.
pub fn run_client(variant: u8, renegotiate: bool, chunks: &[&[u8]]) -> Outcome {
    let (config, params) = client_params(variant);
    let cfg = &fixture().clients[config];
    let (rx_len, tx_len) = client_buffers(variant);
    let (mut rx, mut tx) = (vec![0u8; rx_len], vec![0u8; tx_len]);
    let mut conn = match ClientConnection::with_params(cfg, params, &mut rx, &mut tx, TestRng::new(CLIENT_SEED), NOW) {
        Ok(c) => c,
        Err(e) => panic!("client start failed: {e:?}"),
    };
    drive(&mut conn, chunks, Peer::new(true, renegotiate, None))
}

/// Runs a fresh server of `variant` over `chunks`.
pub fn run_server(variant: u8, renegotiate: bool, chunks: &[&[u8]]) -> Outcome {
    let cfg = &fixture().servers[variant as usize];
    let (mut rx, mut tx) = (vec![0u8; FULL], vec![0u8; FULL]);
    let mut conn = match ServerConnection::new(cfg, &mut rx, &mut tx, TestRng::new(SERVER_SEED), NOW) {
        Ok(c) => c,
        Err(e) => panic!("server start failed: {e:?}"),
    };
    drive(&mut conn, chunks, Peer::new(false, renegotiate, lookup_answer(variant)))
}

/// Splits `data` at `at` (taken modulo `data.len() + 1`).
pub fn split(data: &[u8], at: u16) -> (&[u8], &[u8]) {
    data.split_at(at as usize % (data.len() + 1))
}

/// The two runs every connection target does: the whole input in one feed,
/// and in two chunks. Where the byte stream is split must not change what
/// the connection does.
pub fn run_both(data: &[u8], at: u16, run: impl Fn(&[&[u8]]) -> Outcome) {
    let whole = run(&[data]);
    let (a, b) = split(data, at);
    let chunked = run(&[a, b]);
    assert_eq!(whole, chunked, "outcome depends on how the input was split (at {})", a.len());
}

/// The ClientHello record a default client (seed [`CLIENT_SEED`]) sends
/// first: the `server` target can put it in front of its input.
pub fn real_client_hello() -> &'static [u8] {
    static CH: OnceLock<Vec<u8>> = OnceLock::new();
    CH.get_or_init(|| {
        let cfg = &fixture().clients[0];
        let (mut rx, mut tx) = (vec![0u8; FULL], vec![0u8; FULL]);
        let conn = ClientConnection::new(cfg, SERVER_NAME, &mut rx, &mut tx, TestRng::new(CLIENT_SEED), NOW)
            .expect("client starts");
        conn.transmit_pending().to_vec()
    })
}

/// A real session to record.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scenario {
    pub client: u8,
    pub server: u8,
    /// The client renegotiates after its first data.
    pub client_renegotiates: bool,
    /// The server asks for renegotiation after its first data.
    pub server_renegotiates: bool,
}

/// What a recorded session produced.
pub struct Recording {
    pub client_sent: Vec<u8>,
    pub server_sent: Vec<u8>,
    pub client_events: Vec<Seen>,
    pub server_events: Vec<Seen>,
    pub client_session: Option<ClientSession>,
    pub stored: Option<Session>,
}

/// A whole real session: handshake, "ping" from the client echoed by the
/// server, the scenario's renegotiation, close_notify both ways. Both sides
/// use [`Peer`], so each side's bytes replay against a fresh connection of
/// the other side's variant in the fuzzer.
pub fn record_session(s: &Scenario) -> Result<Recording, Error> {
    let (config, params) = client_params(s.client);
    let ccfg = &fixture().clients[config];
    let scfg = &fixture().servers[s.server as usize];
    let (rx_len, tx_len) = client_buffers(s.client);
    let (mut crx, mut ctx) = (vec![0u8; rx_len], vec![0u8; tx_len]);
    let (mut srx, mut stx) = (vec![0u8; FULL], vec![0u8; FULL]);
    let mut client = ClientConnection::with_params(ccfg, params, &mut crx, &mut ctx, TestRng::new(CLIENT_SEED), NOW)?;
    let mut server = ServerConnection::new(scfg, &mut srx, &mut stx, TestRng::new(SERVER_SEED), NOW)?;
    // Only a client offering the golden session can make a lookup succeed
    // (and the golden runs themselves must not ask for the golden sessions);
    // any other lookup gets `None`, as in the fuzzer.
    let answer = if s.client == 5 { lookup_answer(s.server) } else { None };
    let mut cp = Peer::new(true, s.client_renegotiates, None);
    let mut sp = Peer::new(false, s.server_renegotiates, answer);
    cp.drain = false;
    sp.drain = false;
    let mut polls = 0;
    let mut closing = false;
    // Server variant 1 refuses renegotiation: one handshake only.
    let renegotiates = (s.client_renegotiates || s.server_renegotiates) && s.server != 1;
    let want_handshakes = if renegotiates { 2 } else { 1 };
    for _ in 0..32 {
        // client -> server
        let out = client.transmit_pending();
        let n = server.feed(out);
        cp.sent.extend_from_slice(&out[..n]);
        client.transmit_done(n);
        sp.poll_all(&mut server, &mut polls, usize::MAX)?;
        // server -> client
        let out = server.transmit_pending();
        let n = client.feed(out);
        sp.sent.extend_from_slice(&out[..n]);
        server.transmit_done(n);
        cp.poll_all(&mut client, &mut polls, usize::MAX)?;
        if !closing && cp.data_events > 0 && cp.handshakes >= want_handshakes && sp.handshakes >= want_handshakes {
            closing = true;
            client.close()?;
        }
        if cp.closed && sp.closed && client.transmit_pending().is_empty() && server.transmit_pending().is_empty() {
            return Ok(Recording {
                client_sent: cp.sent,
                server_sent: sp.sent,
                client_events: cp.events,
                server_events: sp.events,
                client_session: cp.client_session.or_else(|| client.client_session().cloned()),
                stored: sp.stored,
            });
        }
    }
    eprintln!("session did not finish: client events: {:#?}\nserver events: {:#?}", cp.events, sp.events);
    Err(Error::from(ErrorKind::Internal).because("the recorded session did not finish"))
}

/// The length of the first record in `stream` (header included).
pub fn first_record_len(stream: &[u8]) -> usize {
    if stream.len() < 5 {
        return stream.len();
    }
    (5 + u16::from_be_bytes([stream[3], stream[4]]) as usize).min(stream.len())
}

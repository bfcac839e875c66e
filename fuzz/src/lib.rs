//! Shared harness for the connection fuzz targets: fixed configurations built
//! from the test PKI, a driver that feeds bytes and polls events, and a real
//! client-server run that records both byte streams (seed corpora, and the
//! genuine ClientHello the `server` target can put in front of its input).
//!
//! Everything is deterministic: fixed RNG seeds, fixed time. So a real
//! server's flight recorded for the client of variant `v` is also valid input
//! for a fresh client of variant `v` in the fuzzer, and the fuzzer starts from
//! complete handshakes instead of having to forge signatures and MACs.

use std::sync::OnceLock;

use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::testing::TestRng;
use sansio_tls::{
    CipherSuite, ClientConfig, Connection, Error, Event, Instant, MaxFragmentLength, NamedGroup, ServerConfig,
};

/// The time every connection runs at (inside the test PKI's validity).
pub const NOW: Instant = Instant::from_secs(1_800_000_000);
/// RNG seeds: fixed, so that recorded peers' flights stay valid.
pub const CLIENT_SEED: u64 = 1;
pub const SERVER_SEED: u64 = 2;
/// The name the client connects to (in the test server certificate).
pub const SERVER_NAME: &str = "localhost";

/// Number of configuration variants per role (chosen by the input's first
/// byte).
pub const VARIANTS: u8 = 4;

static CA_DER: &[u8] = include_bytes!("../../vectors/pki/ecdsa-ca.der");
static SERVER_CERT_DER: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.der");
static SERVER_KEY_DER: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.key.der");

static ALPN: &[&[u8]] = &[b"h2", b"http/1.1"];
static CHACHA_ONLY: &[CipherSuite] = &[CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256];
static AES256_FIRST: &[CipherSuite] = &[
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
];
static P256_ONLY: &[NamedGroup] = &[NamedGroup::Secp256r1];

/// Configurations, built once per process and leaked (they borrow each other).
pub struct Fixture {
    pub clients: [ClientConfig<'static>; VARIANTS as usize],
    pub servers: [ServerConfig<'static>; VARIANTS as usize],
}

// The configs only hold shared references to immutable data.
unsafe impl Sync for Fixture {}
unsafe impl Send for Fixture {}

pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let anchors = Box::leak(Box::new([trust_anchor_from_der(CA_DER).expect("test CA parses")]));
        let verifier: &'static WebPkiServerVerifier<'static> = Box::leak(Box::new(WebPkiServerVerifier::new(anchors)));
        let key: &'static SigningKey = Box::leak(Box::new(SigningKey::from_der(SERVER_KEY_DER).expect("test key loads")));
        let chain: &'static [&'static [u8]] = Box::leak(Box::new([SERVER_CERT_DER]));

        let base = ClientConfig::new(verifier);
        let clients = [
            // 0: defaults.
            base,
            // 1: small records over small buffers, P-256 only.
            ClientConfig { max_fragment_length: Some(MaxFragmentLength::Bytes512), groups: P256_ONLY, ..base },
            // 2: ChaCha20-Poly1305 only, ALPN offered.
            ClientConfig { cipher_suites: CHACHA_ONLY, alpn_protocols: ALPN, ..base },
            // 3: AES-256 first, extended master secret required.
            ClientConfig { cipher_suites: AES256_FIRST, require_extended_master_secret: true, ..base },
        ];
        let sbase = ServerConfig::new(chain, key);
        let servers = [
            // 0: defaults.
            sbase,
            // 1: P-256 only, EMS not required.
            ServerConfig { groups: P256_ONLY, require_extended_master_secret: false, ..sbase },
            // 2: ChaCha20-Poly1305 only, ALPN.
            ServerConfig { cipher_suites: CHACHA_ONLY, alpn_protocols: ALPN, ..sbase },
            // 3: AES-256 first.
            ServerConfig { cipher_suites: AES256_FIRST, ..sbase },
        ];
        Fixture { clients, servers }
    })
}

/// Buffer sizes for a client variant: variant 1 negotiates 512-byte records
/// and runs on small buffers, the others on full-size ones.
pub fn client_buffers(variant: u8) -> (usize, usize) {
    if variant == 1 { (2048, 2048) } else { (FULL, FULL) }
}

/// Big enough for any record plus a reassembled handshake message.
pub const FULL: usize = sansio_tls::record::MAX_RECORD + 4096;

/// What a connection said, owned, for comparing runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    HandshakeDone(String),
    Data(Vec<u8>),
    Alert(String),
    RenegotiationRefused,
    Closed(String),
    Other(String),
    Error(Error),
}

/// The outcome of driving one connection over an input.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub events: Vec<Seen>,
    /// Everything the connection transmitted.
    pub sent: Vec<u8>,
}

/// How the driver reacts to events.
#[derive(Clone, Copy)]
pub struct Behaviour {
    /// Send this once the handshake is done.
    pub greeting: &'static [u8],
    /// Echo received application data back.
    pub echo: bool,
}

/// Feeds `chunks` to `conn` one after another, polling events after each
/// feed and collecting what it transmits; then closes, signals end of stream
/// and polls once more. Panics only on broken invariants:
/// - a poll loop that does not end (more events than the input can explain);
/// - a fatal error that later calls do not repeat.
pub fn drive(conn: &mut Connection<'_, TestRng>, chunks: &[&[u8]], how: Behaviour) -> Outcome {
    let mut out = Outcome::default();
    let total: usize = chunks.iter().map(|c| c.len()).sum();
    // Every event needs at least one record (5+ bytes) or is one of the few
    // queued ones; anything beyond this bound is a livelock.
    let budget = 2 * total / 5 + 64;
    let mut polls = 0usize;
    let mut failed: Option<Error> = None;

    'chunks: for chunk in chunks {
        let mut rest: &[u8] = chunk;
        let mut stalled = false;
        loop {
            let n = conn.feed(rest);
            rest = &rest[n..];
            if let Err(e) = poll_all(conn, how, &mut out, &mut polls, budget) {
                failed = Some(e);
                break 'chunks;
            }
            take_output(conn, &mut out);
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
        take_output(conn, &mut out);
        // DESIGN.md: a fatal error makes every later call return it.
        if e.is_fatal() {
            assert_eq!(conn.poll_event(NOW), Err(e), "poll_event after fatal {e:?}");
            assert_eq!(conn.send(b"x"), Err(e), "send after fatal {e:?}");
            assert_eq!(conn.close(), Err(e), "close after fatal {e:?}");
            assert!(conn.is_closed(), "is_closed after fatal {e:?}");
            assert_eq!(conn.error(), Some(e));
            assert!(conn.receive_window().is_empty(), "receive window open after fatal {e:?}");
        }
        return out;
    }

    // Wind down: our close_notify, end of stream, a late timeout check.
    let _ = conn.close();
    take_output(conn, &mut out);
    conn.receive_eof();
    if let Err(e) = poll_all(conn, how, &mut out, &mut polls, budget) {
        out.events.push(Seen::Error(e));
    }
    if let Err(e) = conn.handle_timeout(NOW.add_millis(3_600_000)) {
        out.events.push(Seen::Error(e));
    }
    take_output(conn, &mut out);
    out
}

fn take_output(conn: &mut Connection<'_, TestRng>, out: &mut Outcome) {
    let pending = conn.transmit_pending();
    out.sent.extend_from_slice(pending);
    let n = pending.len();
    conn.transmit_done(n);
}

fn poll_all(
    conn: &mut Connection<'_, TestRng>,
    how: Behaviour,
    out: &mut Outcome,
    polls: &mut usize,
    budget: usize,
) -> Result<(), Error> {
    loop {
        *polls += 1;
        assert!(*polls <= budget, "poll_event did not settle: {} events for the input", *polls);
        let ev = match conn.poll_event(NOW) {
            Ok(None) => return Ok(()),
            Ok(Some(ev)) => ev,
            Err(e) => {
                out.events.push(Seen::Error(e));
                return Err(e);
            }
        };
        match ev {
            Event::HandshakeDone(info) => {
                assert_eq!(info.version, 0x0303, "handshake finished with a version other than TLS 1.2");
                out.events.push(Seen::HandshakeDone(format!("{info:?}")));
                if !how.greeting.is_empty() {
                    let r = conn.send(how.greeting);
                    out.events.push(Seen::Other(format!("send greeting: {r:?}")));
                }
            }
            Event::Data(d) => {
                let d = d.to_vec();
                if how.echo {
                    let r = conn.send(&d);
                    out.events.push(Seen::Other(format!("echo: {r:?}")));
                }
                out.events.push(Seen::Data(d));
            }
            Event::Alert { level, description } => out.events.push(Seen::Alert(format!("{level:?} {description:?}"))),
            Event::RenegotiationRefused => out.events.push(Seen::RenegotiationRefused),
            Event::Closed(r) => out.events.push(Seen::Closed(format!("{r:?}"))),
            other => out.events.push(Seen::Other(format!("{other:?}"))),
        }
        take_output(conn, out);
    }
}

/// Runs a fresh client of `variant` over `chunks`.
pub fn run_client(variant: u8, chunks: &[&[u8]]) -> Outcome {
    let f = fixture();
    let cfg = &f.clients[variant as usize];
    let (rx_len, tx_len) = client_buffers(variant);
    let (mut rx, mut tx) = (vec![0u8; rx_len], vec![0u8; tx_len]);
    let mut conn = match Connection::client(cfg, SERVER_NAME, &mut rx, &mut tx, TestRng::new(CLIENT_SEED), NOW) {
        Ok(c) => c,
        Err(e) => panic!("client start failed: {e:?}"),
    };
    drive(&mut conn, chunks, Behaviour { greeting: b"ping", echo: false })
}

/// Runs a fresh server of `variant` over `chunks`.
pub fn run_server(variant: u8, chunks: &[&[u8]]) -> Outcome {
    let f = fixture();
    let cfg = &f.servers[variant as usize];
    let (mut rx, mut tx) = (vec![0u8; FULL], vec![0u8; FULL]);
    let mut conn = match Connection::server(cfg, &mut rx, &mut tx, TestRng::new(SERVER_SEED), NOW) {
        Ok(c) => c,
        Err(e) => panic!("server start failed: {e:?}"),
    };
    drive(&mut conn, chunks, Behaviour { greeting: b"", echo: true })
}

/// Splits `data` at `at` (taken modulo `data.len() + 1`).
pub fn split(data: &[u8], at: u16) -> (&[u8], &[u8]) {
    data.split_at(at as usize % (data.len() + 1))
}

/// The two runs every connection target does: the whole input in one feed,
/// and in two chunks. Where a record boundary falls in the byte stream must
/// not change what the connection does.
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
        let conn = Connection::client(cfg, SERVER_NAME, &mut rx, &mut tx, TestRng::new(CLIENT_SEED), NOW)
            .expect("client starts");
        conn.transmit_pending().to_vec()
    })
}

/// A whole real session between a client of `client_variant` and a server
/// of `server_variant`: handshake, "ping" from the client, echoed by the
/// server, close_notify both ways. Returns the byte streams each side sent
/// (client's, server's), or the error that stopped it.
pub fn record_session(client_variant: u8, server_variant: u8) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let f = fixture();
    let ccfg = &f.clients[client_variant as usize];
    let scfg = &f.servers[server_variant as usize];
    let (rx_len, tx_len) = client_buffers(client_variant);
    let (mut crx, mut ctx) = (vec![0u8; rx_len], vec![0u8; tx_len]);
    let (mut srx, mut stx) = (vec![0u8; FULL], vec![0u8; FULL]);
    let mut client = Connection::client(ccfg, SERVER_NAME, &mut crx, &mut ctx, TestRng::new(CLIENT_SEED), NOW)?;
    let mut server = Connection::server(scfg, &mut srx, &mut stx, TestRng::new(SERVER_SEED), NOW)?;
    let (mut c_sent, mut s_sent) = (Vec::new(), Vec::new());
    let (mut pinged, mut closing, mut c_closed, mut s_closed) = (false, false, false, false);
    for _ in 0..16 {
        // client -> server
        let out = client.transmit_pending();
        let n = server.feed(out);
        c_sent.extend_from_slice(&out[..n]);
        client.transmit_done(n);
        while let Some(ev) = server.poll_event(NOW)? {
            match ev {
                Event::Data(d) => {
                    let d = d.to_vec();
                    server.send(&d)?;
                }
                Event::Closed(_) => s_closed = true,
                _ => {}
            }
        }
        // server -> client
        let out = server.transmit_pending();
        let n = client.feed(out);
        s_sent.extend_from_slice(&out[..n]);
        server.transmit_done(n);
        let mut got_pong = false;
        while let Some(ev) = client.poll_event(NOW)? {
            match ev {
                Event::HandshakeDone(_) if !pinged => {
                    pinged = true;
                    client.send(b"ping")?;
                }
                Event::Data(_) => got_pong = true,
                Event::Closed(_) => c_closed = true,
                _ => {}
            }
        }
        if got_pong && !closing {
            closing = true;
            client.close()?;
        }
        if c_closed && s_closed && client.transmit_pending().is_empty() && server.transmit_pending().is_empty() {
            return Ok((c_sent, s_sent));
        }
    }
    Err(Error::Internal)
}

/// The length of the first record in `stream` (header included).
pub fn first_record_len(stream: &[u8]) -> usize {
    if stream.len() < 5 {
        return stream.len();
    }
    (5 + u16::from_be_bytes([stream[3], stream[4]]) as usize).min(stream.len())
}

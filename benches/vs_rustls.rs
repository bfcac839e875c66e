//! sansio-tls side by side with rustls 0.23, in one process and one run.
//!
//! ```text
//! cargo bench --features ring --bench vs_rustls
//! BENCH_BULK_MIB=32 BENCH_ROUNDS=5 BENCH_MS=300 cargo bench --features ring --bench vs_rustls
//! ```
//!
//! Columns: this crate on its RustCrypto provider (the default) and on its
//! `ring` provider (`crypto::Ring`, with a `RingSigningKey` for the server
//! and ring's webpki algorithms for the chain); rustls with its `ring`
//! provider; rustls with the RustCrypto provider (`rustls-rustcrypto`
//! 0.0.2-alpha). Ratios compare like with like: ours on ring against
//! rustls on ring, ours on RustCrypto against rustls on RustCrypto. Every stack runs
//! client and server in memory, in this thread (so a figure is the CPU of
//! both ends): our engine through `feed`/`transmit_pending`, rustls through
//! `read_tls`/`write_tls` over a `Vec<u8>`. Same certificates everywhere
//! (`vectors/pki`: the ecdsa-server + ecdsa-ca chain and ecdsa-server's
//! P-256 key; each client verifies the chain against ecdsa-ca for
//! `localhost`), TLS 1.2 only, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
//! (ChaCha20-Poly1305 for the second bulk figure).
//!
//! Figures, each the median over `BENCH_ROUNDS` rounds (default 5); within a
//! round every figure is measured for every stack in turn (the order rotates
//! from round to round), so the stacks share the machine's noise:
//! - full handshakes/s with P-256 and with x25519 ECDHE (no resumption
//!   offered; the server keeps a session cache, as rustls' does by default);
//! - session-ID resumptions/s (tickets off; rustls: `ServerSessionMemoryCache`
//!   and the client's in-memory store, `Tls12Resumption::SessionIdOnly`);
//! - bulk MB/s (10^6 bytes): `BENCH_BULK_MIB` MiB (default 256) client to
//!   server on one connection, in 64 KiB writes; the client's encryption and
//!   the server's decryption are timed (the handshake is not). rustls hands plaintext out by copying it into
//!   the reader's buffer; ours is decrypted in place and only looked at;
//! - heap allocations (and bytes) per handshake, connection set-up included,
//!   by a counting `#[global_allocator]`. Ours is 0: buffers, configs and stores are made
//!   before counting, and the bench exits non-zero if it is not (on ring
//!   too: whatever *ring* allocated inside would show in that column).
//!
//! `BENCH_PROFILE=STACK:FIGURE` (e.g. `sansio+ring:1`, figures numbered
//! from 0 as printed) runs that one cell for `BENCH_MS` and exits: what a
//! profiler (`perf record`) attaches to.
//!
//! Handshake figures run for `BENCH_MS` milliseconds (default 400) per stack
//! and round. Only ratios from one run mean anything; timings never go into
//! tests. Ratios printed are sansio-tls / peer (above 1: we are faster).
//! Randomness differs: our engine draws from the deterministic `TestRng`,
//! rustls from the OS through its provider.

use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::server::ServerSessionMemoryCache;
use rustls::{ConnectionCommon, HandshakeKind, RootCertStore};
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::{Provider, Ring, RingSigningKey, RustCrypto, SignatureKey, SigningKey};
use sansio_tls::session::{LruSessionStore, ServerSessions, SessionSlot};
use sansio_tls::testing::TestRng;
use sansio_tls::{
    Buffer, CipherSuite, ClientConfig, ClientConnection, ClientParams, Connection, Event, Instant, NamedGroup,
    ServerConfig, ServerConnection, Side,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::io::{ErrorKind, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant as StdInstant};

// ----- counting allocator ----------------------------------------------------

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size as u64, Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Heap allocations and bytes per call of `f`, over `n` calls after a warm-up.
fn allocs_per(n: u64, mut f: impl FnMut(u64)) -> (f64, f64) {
    for i in 0..3 {
        f(i);
    }
    let (a0, b0) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    for i in 0..n {
        f(i);
    }
    let (a1, b1) = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    ((a1 - a0) as f64 / n as f64, (b1 - b0) as f64 / n as f64)
}

// ----- shared inputs ---------------------------------------------------------

const NOW: Instant = Instant::from_secs(1_800_000_000);
const CA: &[u8] = include_bytes!("../vectors/pki/ecdsa-ca.der");
const CERT: &[u8] = include_bytes!("../vectors/pki/ecdsa-server.der");
const KEY: &[u8] = include_bytes!("../vectors/pki/ecdsa-server.key.der");
const AES: CipherSuite = CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
const CHACHA: CipherSuite = CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256;
/// Plaintext handed to `send`/`write` at a time in the bulk figures.
const CHUNK: usize = 64 * 1024;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Handshakes per second: a short warm-up, then `f` for `dur` wall time.
fn rate(dur: Duration, mut f: impl FnMut(u64)) -> f64 {
    for i in 0..3 {
        f(i);
    }
    let start = StdInstant::now();
    let mut n = 0u64;
    while start.elapsed() < dur {
        f(n);
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 { v[m] } else { (v[m - 1] + v[m]) / 2.0 }
}

// ----- sansio-tls ------------------------------------------------------------

fn pump<C: Side, S: Side>(
    c: &mut Connection<C, &mut TestRng, impl Buffer>,
    s: &mut Connection<S, &mut TestRng, impl Buffer>,
) {
    while !c.is_established() || !s.is_established() {
        let n = s.feed(c.transmit_pending());
        c.transmit_done(n);
        while s.poll_event(NOW).unwrap().is_some() {}
        let n = c.feed(s.transmit_pending());
        s.transmit_done(n);
        while c.poll_event(NOW).unwrap().is_some() {}
    }
}

struct OurBufs {
    crx: Vec<u8>,
    ctx: Vec<u8>,
    srx: Vec<u8>,
    stx: Vec<u8>,
}

impl OurBufs {
    fn new(len: usize) -> Self {
        OurBufs { crx: vec![0; len], ctx: vec![0; len], srx: vec![0; len], stx: vec![0; len] }
    }
}

/// One handshake; returns what the client saw of it.
fn our_handshake<P: Provider>(
    ccfg: &ClientConfig<'_, P>,
    scfg: &ServerConfig<'_, P>,
    session: Option<&sansio_tls::session::ClientSession>,
    bufs: &mut OurBufs,
    seed: u64,
) -> (sansio_tls::HandshakeInfo, Option<sansio_tls::session::ClientSession>) {
    let (mut r1, mut r2) = (TestRng::new(seed), TestRng::new(!seed));
    let params = ClientParams { session, ..ClientParams::new("localhost") };
    let mut c = ClientConnection::with_params(ccfg, params, &mut bufs.crx, &mut bufs.ctx, &mut r1, NOW).unwrap();
    let mut s = ServerConnection::new(scfg, &mut bufs.srx, &mut bufs.stx, &mut r2, NOW).unwrap();
    pump(&mut c, &mut s);
    (c.handshake_info().unwrap(), c.client_session().cloned())
}

/// Handshake (untimed), then `total` bytes client to server; MB/s.
fn our_bulk<P: Provider>(
    ccfg: &ClientConfig<'_, P>,
    scfg: &ServerConfig<'_, P>,
    bufs: &mut OurBufs,
    plain: &[u8],
    total: usize,
) -> f64 {
    let (mut r1, mut r2) = (TestRng::new(7), TestRng::new(8));
    let params = ClientParams::new("localhost");
    let mut c = ClientConnection::with_params(ccfg, params, &mut bufs.crx, &mut bufs.ctx, &mut r1, NOW).unwrap();
    let mut s = ServerConnection::new(scfg, &mut bufs.srx, &mut bufs.stx, &mut r2, NOW).unwrap();
    pump(&mut c, &mut s);
    let start = StdInstant::now();
    let (mut sent, mut got) = (0, 0);
    while sent < total {
        sent += c.send(&plain[..CHUNK.min(total - sent)]).unwrap();
        while !c.transmit_pending().is_empty() {
            let n = s.feed(c.transmit_pending());
            c.transmit_done(n);
            while let Some(ev) = s.poll_event(NOW).unwrap() {
                if let Event::Data(d) = ev {
                    got += black_box(d).len();
                }
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(got, total);
    total as f64 / secs / 1e6
}

// ----- rustls ----------------------------------------------------------------

/// `base` cut down to one suite and the given groups, in that order.
fn rustls_provider(base: &CryptoProvider, suite: CipherSuite, groups: &[rustls::NamedGroup]) -> Arc<CryptoProvider> {
    let mut p = base.clone();
    p.cipher_suites.retain(|s| u16::from(s.suite()) == u16::from(suite));
    p.kx_groups = groups.iter().filter_map(|n| base.kx_groups.iter().find(|g| g.name() == *n).copied()).collect();
    assert_eq!(p.cipher_suites.len(), 1, "provider lacks {suite:?}");
    assert_eq!(p.kx_groups.len(), groups.len(), "provider lacks a group of {groups:?}");
    Arc::new(p)
}

fn rustls_server(p: Arc<CryptoProvider>) -> Arc<rustls::ServerConfig> {
    let chain = vec![CertificateDer::from(CERT.to_vec()), CertificateDer::from(CA.to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(KEY.to_vec()));
    let mut cfg = rustls::ServerConfig::builder_with_provider(p)
        .with_protocol_versions(&[&rustls::version::TLS12])
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    // rustls' default ticketer already issues none; be explicit about it.
    cfg.ticketer = Arc::new(NoTickets);
    // The session cache rustls' builder puts there, sized like ours.
    cfg.session_storage = ServerSessionMemoryCache::new(256);
    Arc::new(cfg)
}

/// Session tickets off: resumption by session ID only.
#[derive(Debug)]
struct NoTickets;

impl rustls::server::ProducesTickets for NoTickets {
    fn enabled(&self) -> bool {
        false
    }
    fn lifetime(&self) -> u32 {
        0
    }
    fn encrypt(&self, _: &[u8]) -> Option<Vec<u8>> {
        None
    }
    fn decrypt(&self, _: &[u8]) -> Option<Vec<u8>> {
        None
    }
}

fn rustls_client(p: Arc<CryptoProvider>, resume: bool) -> Arc<rustls::ClientConfig> {
    let mut roots = RootCertStore::empty();
    roots.add(CertificateDer::from(CA.to_vec())).unwrap();
    let mut cfg = rustls::ClientConfig::builder_with_provider(p)
        .with_protocol_versions(&[&rustls::version::TLS12])
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    cfg.resumption = if resume {
        rustls::client::Resumption::in_memory_sessions(256)
            .tls12_resumption(rustls::client::Tls12Resumption::SessionIdOnly)
    } else {
        rustls::client::Resumption::disabled()
    };
    Arc::new(cfg)
}

/// Moves everything `from` has to send into `to`, and lets `to` process it.
fn shuttle<A, B>(from: &mut ConnectionCommon<A>, to: &mut ConnectionCommon<B>, wire: &mut Vec<u8>) {
    wire.clear();
    while from.wants_write() {
        from.write_tls(wire).unwrap();
    }
    let mut rd: &[u8] = wire;
    while !rd.is_empty() {
        to.read_tls(&mut rd).unwrap();
        to.process_new_packets().unwrap();
    }
}

fn rustls_connect(
    ccfg: &Arc<rustls::ClientConfig>,
    scfg: &Arc<rustls::ServerConfig>,
    wire: &mut Vec<u8>,
) -> (rustls::ClientConnection, rustls::ServerConnection) {
    let name = ServerName::try_from("localhost").unwrap();
    let mut c = rustls::ClientConnection::new(ccfg.clone(), name).unwrap();
    let mut s = rustls::ServerConnection::new(scfg.clone()).unwrap();
    let mut turns = 0;
    while c.is_handshaking() || s.is_handshaking() {
        shuttle(&mut c, &mut s, wire);
        shuttle(&mut s, &mut c, wire);
        turns += 1;
        assert!(turns < 10, "rustls handshake stuck");
    }
    (c, s)
}

fn rustls_handshake(
    ccfg: &Arc<rustls::ClientConfig>,
    scfg: &Arc<rustls::ServerConfig>,
    wire: &mut Vec<u8>,
) -> HandshakeKind {
    let (c, _s) = rustls_connect(ccfg, scfg, wire);
    c.handshake_kind().unwrap()
}

fn rustls_bulk(
    ccfg: &Arc<rustls::ClientConfig>,
    scfg: &Arc<rustls::ServerConfig>,
    wire: &mut Vec<u8>,
    sink: &mut [u8],
    plain: &[u8],
    total: usize,
) -> f64 {
    let (mut c, mut s) = rustls_connect(ccfg, scfg, wire);
    let start = StdInstant::now();
    let (mut sent, mut got) = (0, 0);
    while sent < total {
        sent += c.writer().write(&plain[..CHUNK.min(total - sent)]).unwrap();
        wire.clear();
        while c.wants_write() {
            c.write_tls(wire).unwrap();
        }
        let mut rd: &[u8] = wire;
        while !rd.is_empty() {
            s.read_tls(&mut rd).unwrap();
            s.process_new_packets().unwrap();
            loop {
                match s.reader().read(sink) {
                    Ok(0) => break,
                    Ok(n) => got += black_box(&sink[..n]).len(),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) => panic!("{e}"),
                }
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(got, total);
    total as f64 / secs / 1e6
}

// ----- the run ---------------------------------------------------------------

const STACKS: [&str; 4] = ["sansio+rustcrypto", "sansio+ring", "rustls+ring", "rustls+rustcrypto"];

/// Our client and server configs for one figure.
struct OurFigure<'a, P: Provider> {
    client: ClientConfig<'a, P>,
    server: ServerConfig<'a, P>,
}

/// Our figures' configs on one provider.
struct OurStack<'a, P: Provider> {
    full_p256: OurFigure<'a, P>,
    full_x25519: OurFigure<'a, P>,
    resume: OurFigure<'a, P>,
    chacha: OurFigure<'a, P>,
}

/// What the configs of one of our stacks borrow.
struct OurParts<'a> {
    verifier: &'a WebPkiServerVerifier<'a>,
    chain: &'a [&'a [u8]],
    key: &'a dyn SignatureKey,
    full_store: &'a LruSessionStore<'a>,
    resume_store: &'a LruSessionStore<'a>,
}

impl<'a, P: Provider> OurStack<'a, P> {
    fn new(provider: P, parts: &OurParts<'a>) -> Self {
        use NamedGroup::{Secp256r1, X25519};
        let pair = |suite: &'static [CipherSuite], cg: &'static [NamedGroup], sg: &'static [NamedGroup], resume| {
            let mut c = ClientConfig::new(parts.verifier).with_provider(provider);
            c.cipher_suites = suite;
            c.groups = cg;
            c.session_tickets = false;
            let mut s = ServerConfig::new(parts.chain, parts.key).with_provider(provider);
            s.cipher_suites = suite;
            s.groups = sg;
            s.sessions = ServerSessions::Store(if resume { parts.resume_store } else { parts.full_store });
            OurFigure { client: c, server: s }
        };
        OurStack {
            full_p256: pair(&[AES], &[Secp256r1], &[Secp256r1], false),
            full_x25519: pair(&[AES], &[X25519, Secp256r1], &[X25519], false),
            resume: pair(&[AES], &[X25519, Secp256r1], &[X25519], true),
            chacha: pair(&[CHACHA], &[X25519, Secp256r1], &[X25519], false),
        }
    }

    /// Checks each figure negotiates what it claims; the session to resume.
    fn check(&self, bufs: &mut OurBufs) -> sansio_tls::session::ClientSession {
        use NamedGroup::{Secp256r1, X25519};
        let figures =
            [(&self.full_p256, AES, Secp256r1), (&self.full_x25519, AES, X25519), (&self.chacha, CHACHA, X25519)];
        for (f, suite, group) in figures {
            let (info, _) = our_handshake(&f.client, &f.server, None, bufs, 1);
            assert_eq!((info.version, info.suite, info.group, info.resumed), (0x0303, suite, Some(group), false));
        }
        let r = &self.resume;
        let session = our_handshake(&r.client, &r.server, None, bufs, 1).1.unwrap();
        assert!(our_handshake(&r.client, &r.server, Some(&session), bufs, 2).0.resumed);
        session
    }

    /// Figure `fig` (see FIGURES) once.
    #[allow(clippy::too_many_arguments)]
    fn measure(
        &self,
        fig: usize,
        dur: Duration,
        session: &sansio_tls::session::ClientSession,
        hs_bufs: &mut OurBufs,
        bulk_bufs: &mut OurBufs,
        plain: &[u8],
        total: usize,
    ) -> f64 {
        let hs = |f: &OurFigure<'a, P>, bufs: &mut OurBufs| {
            rate(dur, |i| {
                our_handshake(&f.client, &f.server, None, bufs, i);
            })
        };
        match fig {
            0 => hs(&self.full_p256, hs_bufs),
            1 => hs(&self.full_x25519, hs_bufs),
            2 => rate(dur, |i| {
                assert!(our_handshake(&self.resume.client, &self.resume.server, Some(session), hs_bufs, i).0.resumed);
            }),
            3 => our_bulk(&self.full_x25519.client, &self.full_x25519.server, bulk_bufs, plain, total),
            _ => our_bulk(&self.chacha.client, &self.chacha.server, bulk_bufs, plain, total),
        }
    }

    /// Allocations per full P-256, full x25519 and resumed handshake.
    fn allocs(&self, n: u64, session: &sansio_tls::session::ClientSession, bufs: &mut OurBufs) -> [(f64, f64); 3] {
        [
            allocs_per(n, |i| {
                our_handshake(&self.full_p256.client, &self.full_p256.server, None, bufs, i);
            }),
            allocs_per(n, |i| {
                our_handshake(&self.full_x25519.client, &self.full_x25519.server, None, bufs, i);
            }),
            allocs_per(n, |i| {
                our_handshake(&self.resume.client, &self.resume.server, Some(session), bufs, i);
            }),
        ]
    }
}

/// One rustls column: its configs for every figure.
struct RustlsStack {
    full_p256: (Arc<rustls::ClientConfig>, Arc<rustls::ServerConfig>),
    full_x25519: (Arc<rustls::ClientConfig>, Arc<rustls::ServerConfig>),
    resume: (Arc<rustls::ClientConfig>, Arc<rustls::ServerConfig>),
    bulk_aes: (Arc<rustls::ClientConfig>, Arc<rustls::ServerConfig>),
    bulk_chacha: (Arc<rustls::ClientConfig>, Arc<rustls::ServerConfig>),
}

impl RustlsStack {
    fn new(base: &CryptoProvider) -> Self {
        use rustls::NamedGroup::{X25519, secp256r1};
        // Clients list secp256r1 too, as ours must for a P-256 certificate
        // (RFC 8422 §5.1.1); each server accepts only the group measured.
        let pair = |suite, cg: &[rustls::NamedGroup], sg: &[rustls::NamedGroup], resume| {
            (rustls_client(rustls_provider(base, suite, cg), resume), rustls_server(rustls_provider(base, suite, sg)))
        };
        RustlsStack {
            full_p256: pair(AES, &[secp256r1], &[secp256r1], false),
            full_x25519: pair(AES, &[X25519, secp256r1], &[X25519], false),
            resume: pair(AES, &[X25519, secp256r1], &[X25519], true),
            bulk_aes: pair(AES, &[X25519, secp256r1], &[X25519], false),
            bulk_chacha: pair(CHACHA, &[X25519, secp256r1], &[X25519], false),
        }
    }

    /// Checks that each config negotiates what its figure claims.
    fn check(&self, wire: &mut Vec<u8>) {
        use rustls::NamedGroup::{X25519, secp256r1};
        for ((cc, sc), suite, group) in [
            (&self.full_p256, AES, secp256r1),
            (&self.full_x25519, AES, X25519),
            (&self.bulk_aes, AES, X25519),
            (&self.bulk_chacha, CHACHA, X25519),
        ] {
            let (c, _s) = rustls_connect(cc, sc, wire);
            assert_eq!(c.protocol_version(), Some(rustls::ProtocolVersion::TLSv1_2));
            assert_eq!(u16::from(c.negotiated_cipher_suite().unwrap().suite()), u16::from(suite));
            assert_eq!(c.negotiated_key_exchange_group().unwrap().name(), group);
            assert_eq!(c.handshake_kind(), Some(HandshakeKind::Full));
        }
        let (cc, sc) = &self.resume;
        rustls_handshake(cc, sc, wire);
        assert_eq!(rustls_handshake(cc, sc, wire), HandshakeKind::Resumed);
    }
}

fn main() {
    let rounds = env_u64("BENCH_ROUNDS", 5).max(1) as usize;
    let dur = Duration::from_millis(env_u64("BENCH_MS", 400));
    let bulk_mib = env_u64("BENCH_BULK_MIB", 256).max(1) as usize;
    let total = bulk_mib << 20;
    let plain = vec![0x5au8; CHUNK];

    // Ours: one client/server config per figure, as for rustls, on each
    // provider. The ring stack signs with ring and checks the chain with
    // ring's webpki algorithms.
    let key = SigningKey::from_der(KEY).unwrap();
    let ring_key = RingSigningKey::from_der(KEY).unwrap();
    let chain: [&[u8]; 2] = [CERT, CA];
    let roots = [trust_anchor_from_der(CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ring_verifier = WebPkiServerVerifier::new(&roots).with_algorithms(Ring::WEBPKI_ALGORITHMS);
    // Two server stores per stack, as rustls gets one cache per server
    // config: the full-handshake figures fill theirs (and would evict the
    // session the resumption figure resumes).
    let mut slots: Vec<Vec<SessionSlot>> = (0..4).map(|_| vec![SessionSlot::EMPTY; 256]).collect();
    let mut stores = slots.iter_mut().map(|s| LruSessionStore::new(s));
    let stores: [LruSessionStore<'_>; 4] = std::array::from_fn(|_| stores.next().unwrap());
    let rc_parts =
        OurParts { verifier: &verifier, chain: &chain, key: &key, full_store: &stores[0], resume_store: &stores[1] };
    let ring_parts = OurParts {
        verifier: &ring_verifier,
        chain: &chain,
        key: &ring_key,
        full_store: &stores[2],
        resume_store: &stores[3],
    };
    let ours_rc = OurStack::new(RustCrypto, &rc_parts);
    let ours_ring = OurStack::new(Ring, &ring_parts);
    let mut hs_bufs = OurBufs::new(20_000);
    let mut bulk_bufs = OurBufs::new(4 * CHUNK);
    let session_rc = ours_rc.check(&mut hs_bufs);
    let session_ring = ours_ring.check(&mut hs_bufs);

    // rustls: ring, and the RustCrypto provider.
    let peers =
        [RustlsStack::new(&rustls::crypto::ring::default_provider()), RustlsStack::new(&rustls_rustcrypto::provider())];
    let mut wire = Vec::with_capacity(1 << 20);
    let mut sink = vec![0u8; CHUNK];
    for p in &peers {
        p.check(&mut wire);
    }

    const FIGURES: [(&str, &str); 5] = [
        ("full P-256", "hs/s"),
        ("full x25519", "hs/s"),
        ("resumed (session ID)", "hs/s"),
        ("bulk AES-128-GCM", "MB/s"),
        ("bulk ChaCha20-Poly1305", "MB/s"),
    ];
    if let Ok(cell) = std::env::var("BENCH_PROFILE") {
        let (stack, fig) = cell.split_once(':').expect("BENCH_PROFILE=STACK:FIGURE");
        let fig: usize = fig.parse().expect("FIGURE is a number");
        let v = match stack {
            "sansio+rustcrypto" => ours_rc.measure(fig, dur, &session_rc, &mut hs_bufs, &mut bulk_bufs, &plain, total),
            "sansio+ring" => ours_ring.measure(fig, dur, &session_ring, &mut hs_bufs, &mut bulk_bufs, &plain, total),
            other => panic!("BENCH_PROFILE runs our stacks only, not {other}"),
        };
        println!("{stack} {}: {v:.0} {}", FIGURES[fig].0, FIGURES[fig].1);
        return;
    }
    // results[figure][stack][round]
    let mut results = vec![vec![Vec::with_capacity(rounds); STACKS.len()]; FIGURES.len()];
    eprintln!("{rounds} rounds, {} ms per handshake figure, {bulk_mib} MiB per bulk figure", dur.as_millis());
    for round in 0..rounds {
        for (fig, res) in results.iter_mut().enumerate() {
            for k in 0..STACKS.len() {
                let stack = (k + round) % STACKS.len();
                let v = match stack {
                    0 => ours_rc.measure(fig, dur, &session_rc, &mut hs_bufs, &mut bulk_bufs, &plain, total),
                    1 => ours_ring.measure(fig, dur, &session_ring, &mut hs_bufs, &mut bulk_bufs, &plain, total),
                    k => {
                        let p = &peers[k - 2];
                        match fig {
                            0 => rate(dur, |_| {
                                rustls_handshake(&p.full_p256.0, &p.full_p256.1, &mut wire);
                            }),
                            1 => rate(dur, |_| {
                                rustls_handshake(&p.full_x25519.0, &p.full_x25519.1, &mut wire);
                            }),
                            2 => rate(dur, |_| {
                                let kind = rustls_handshake(&p.resume.0, &p.resume.1, &mut wire);
                                assert_eq!(kind, HandshakeKind::Resumed);
                            }),
                            3 => rustls_bulk(&p.bulk_aes.0, &p.bulk_aes.1, &mut wire, &mut sink, &plain, total),
                            _ => rustls_bulk(&p.bulk_chacha.0, &p.bulk_chacha.1, &mut wire, &mut sink, &plain, total),
                        }
                    }
                };
                res[stack].push(v);
            }
        }
        eprintln!("round {}/{rounds} done", round + 1);
    }

    // Allocations per handshake (untimed).
    let n = 50;
    let ours_allocs = [ours_rc.allocs(n, &session_rc, &mut hs_bufs), ours_ring.allocs(n, &session_ring, &mut hs_bufs)];
    let peer_allocs: Vec<[(f64, f64); 3]> = peers
        .iter()
        .map(|p| {
            [&p.full_p256, &p.full_x25519, &p.resume].map(|(cc, sc)| {
                allocs_per(n, |_| {
                    rustls_handshake(cc, sc, &mut wire);
                })
            })
        })
        .collect();

    println!();
    println!("median of {rounds} rounds; ratio = sansio-tls / rustls on the same crypto (above 1: we are faster)");
    println!(
        "{:<24} {:>5} {:>17} {:>12} {:>12} {:>17} {:>13} {:>19}",
        "figure", "unit", STACKS[0], STACKS[1], STACKS[2], STACKS[3], "ring vs ring", "rustcrypto vs rc"
    );
    for (fig, (name, unit)) in FIGURES.iter().enumerate() {
        let m: Vec<f64> = results[fig].iter_mut().map(|v| median(v)).collect();
        println!(
            "{name:<24} {unit:>5} {:>17.0} {:>12.0} {:>12.0} {:>17.0} {:>13.2} {:>19.2}",
            m[0],
            m[1],
            m[2],
            m[3],
            m[1] / m[2],
            m[0] / m[3]
        );
    }
    let labels = ["allocs/hs full P-256", "allocs/hs full x25519", "allocs/hs resumed"];
    let cell = |(a, b): (f64, f64)| format!("{a:.0} ({b:.0})");
    for (i, label) in labels.iter().enumerate() {
        println!(
            "{label:<24} {:>5} {:>17} {:>12} {:>12} {:>17}",
            "n (B)",
            cell(ours_allocs[0][i]),
            cell(ours_allocs[1][i]),
            cell(peer_allocs[0][i]),
            cell(peer_allocs[1][i])
        );
    }
    if ours_allocs.iter().flatten().any(|&(a, _)| a != 0.0) {
        eprintln!("error: sansio-tls allocated on the handshake path: {ours_allocs:?}");
        std::process::exit(1);
    }
}

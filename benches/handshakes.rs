//! Full vs resumed handshakes per second, client and server in one process,
//! measured in the same run (the ratio is what to compare across machines).
//!
//! `cargo bench --bench handshakes`

use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::session::*;
use sansio_tls::testing::TestRng;
use sansio_tls::*;
use std::time::{Duration, Instant as StdInstant};

const NOW: Instant = Instant::from_secs(1_800_000_000);
const CA: &[u8] = include_bytes!("../vectors/pki/ecdsa-ca.der");
const CERT: &[u8] = include_bytes!("../vectors/pki/ecdsa-server.der");
const KEY: &[u8] = include_bytes!("../vectors/pki/ecdsa-server.key.der");

fn pump(
    c: &mut Connection<impl Side, &mut TestRng, impl Buffer>,
    s: &mut Connection<impl Side, &mut TestRng, impl Buffer>,
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

fn handshake(
    ccfg: &ClientConfig<'_>,
    scfg: &ServerConfig<'_>,
    session: Option<&ClientSession>,
    bufs: &mut [Vec<u8>; 4],
    seed: u64,
) -> Option<ClientSession> {
    let [crx, ctx, srx, stx] = bufs;
    let (mut r1, mut r2) = (TestRng::new(seed), TestRng::new(!seed));
    let params = ClientParams { session, ..ClientParams::new("localhost") };
    let mut c = ClientConnection::with_params(ccfg, params, crx, ctx, &mut r1, NOW).unwrap();
    let mut s = ServerConnection::new(scfg, srx, stx, &mut r2, NOW).unwrap();
    pump(&mut c, &mut s);
    c.client_session().cloned()
}

fn rate(mut f: impl FnMut(u64)) -> f64 {
    // Warm up, then run for a fixed wall time.
    for i in 0..5 {
        f(i);
    }
    let start = StdInstant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs(2) {
        f(n);
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let key = SigningKey::from_der(KEY).unwrap();
    let chain: [&[u8]; 2] = [CERT, CA];
    let roots = [trust_anchor_from_der(CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.session_tickets = false;
    let mut slots = vec![SessionSlot::EMPTY; 64];
    let store = LruSessionStore::new(&mut slots);
    let mut scfg = ServerConfig::new(&chain, &key);
    scfg.sessions = ServerSessions::Store(&store);
    let mut bufs = [vec![0u8; 20_000], vec![0u8; 20_000], vec![0u8; 20_000], vec![0u8; 20_000]];

    let full = rate(|i| {
        handshake(&ccfg, &scfg, None, &mut bufs, i);
    });
    let session = handshake(&ccfg, &scfg, None, &mut bufs, 1).unwrap();
    let resumed = rate(|i| {
        let s = handshake(&ccfg, &scfg, Some(&session), &mut bufs, i);
        assert!(s.is_some());
    });
    let tkey = TicketKey { name: [1; 16], key: [2; 32] };
    let mut tcfg = ServerConfig::new(&chain, &key);
    tcfg.ticket_keys = Some(TicketKeys { current: &tkey, previous: &[], lifetime_secs: 3600 });
    let mut tccfg = ClientConfig::new(&verifier);
    tccfg.session_tickets = true;
    let ticket = handshake(&tccfg, &tcfg, None, &mut bufs, 1).unwrap();
    let ticketed = rate(|i| {
        handshake(&tccfg, &tcfg, Some(&ticket), &mut bufs, i);
    });
    println!("full handshakes (ECDHE-ECDSA, x25519):  {full:8.1} /s  (baseline 1.00)");
    println!("resumed by session ID:                 {resumed:8.1} /s  ({:.1}x)", resumed / full);
    println!("resumed by ticket:                     {ticketed:8.1} /s  ({:.1}x)", ticketed / full);
    println!(
        "LRU store entry: {} bytes; encoded session: {} bytes",
        core::mem::size_of::<SessionSlot>(),
        SESSION_ENCODED_LEN
    );
}

//! Session resumption: by ID with a server store and a client cache, by
//! ticket, through the application's lookup events, export/import, and the
//! cases that must fall back to a full handshake or fail cleanly.

mod common;

use common::memory::*;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::session::*;
use sansio_tls::testing::TestRng;
use sansio_tls::*;

const BUF: usize = record::MAX_RECORD + 4096;

/// One connection between `ccfg` and `scfg`; returns the outcome and the
/// client's session.
fn connect(
    ccfg: &ClientConfig<'_>,
    scfg: &ServerConfig<'_>,
    params: ClientParams<'_>,
    seed: u64,
) -> (Outcome, Option<ClientSession>) {
    pair!(client, server, ccfg, params, scfg, (seed, seed + 1000), NOW);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    if out.client_error.is_none() && out.server_error.is_none() {
        client.send(b"after").unwrap();
        run(&mut client, &mut server, &mut out);
        assert_eq!(out.server_data, b"after");
    }
    let session = client.client_session().cloned();
    (out, session)
}

fn resumed(out: &Outcome) -> bool {
    let c = done(&out.client_events).unwrap_or_else(|| panic!("no handshake: {out:?}"));
    let s = done(&out.server_events).unwrap();
    assert_eq!(c.resumed, s.resumed);
    assert_eq!(c.suite, s.suite);
    c.resumed
}

struct Pki {
    key: SigningKey,
    chain: [&'static [u8]; 2],
}

fn pki() -> Pki {
    Pki { key: SigningKey::from_der(ECDSA_SERVER_KEY).unwrap(), chain: [ECDSA_SERVER, ECDSA_CA] }
}

#[test]
fn session_id_with_store_and_client_cache() {
    let p = pki();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut cslots = [ClientCacheSlot::EMPTY; 4];
    let cache = LruClientCache::new(&mut cslots);
    let mut sslots = [SessionSlot::EMPTY; 4];
    let store = LruSessionStore::new(&mut sslots);
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.session_cache = Some(&cache);
    ccfg.session_tickets = false;
    let mut scfg = ServerConfig::new(&p.chain, &p.key);
    scfg.sessions = ServerSessions::Store(&store);

    let (first, s1) = connect(&ccfg, &scfg, ClientParams { port: 443, ..ClientParams::new("localhost") }, 1);
    assert!(!resumed(&first));
    let s1 = s1.expect("a session");
    assert_eq!(s1.session.id().len(), 32);
    assert_eq!(s1.ticket(), None);
    assert!(first.client_events.iter().any(|e| matches!(e, Ev::Done(_))));
    assert_eq!(store.len(), 1);

    let (second, s2) = connect(&ccfg, &scfg, ClientParams { port: 443, ..ClientParams::new("localhost") }, 2);
    assert!(resumed(&second));
    let info = done(&second.client_events).unwrap();
    assert_eq!(info.group, None);
    assert!(info.extended_master_secret);
    assert_eq!(info.peer_cert_sha256, done(&first.client_events).unwrap().peer_cert_sha256);
    assert_eq!(s2.unwrap().session.id(), s1.session.id());

    // Another port is another cache key: a full handshake.
    let (third, _) = connect(&ccfg, &scfg, ClientParams { port: 8443, ..ClientParams::new("localhost") }, 3);
    assert!(!resumed(&third));

    // Invalidated on the server: a full handshake.
    store.remove(s1.session.id());
    let (fourth, _) = connect(&ccfg, &scfg, ClientParams { port: 443, ..ClientParams::new("localhost") }, 4);
    assert!(!resumed(&fourth));
}

#[test]
fn server_without_cache_never_resumes() {
    let p = pki();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut cslots = [ClientCacheSlot::EMPTY; 2];
    let cache = LruClientCache::new(&mut cslots);
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.session_cache = Some(&cache);
    let scfg = ServerConfig::new(&p.chain, &p.key);
    let (first, s) = connect(&ccfg, &scfg, ClientParams::new("localhost"), 1);
    assert!(!resumed(&first));
    // No session ID and no ticket: nothing to resume with.
    assert!(s.is_none());
    let (second, _) = connect(&ccfg, &scfg, ClientParams::new("localhost"), 2);
    assert!(!resumed(&second));
}

#[test]
fn tickets_resume_without_a_store_and_bad_tickets_fall_back() {
    let p = pki();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let key = TicketKey { name: [1; 16], key: [2; 32] };
    let mut scfg = ServerConfig::new(&p.chain, &p.key);
    scfg.ticket_keys = Some(TicketKeys { current: &key, previous: &[], lifetime_secs: 3600 });

    let (first, s) = connect(&ccfg, &scfg, ClientParams::new("localhost"), 1);
    assert!(!resumed(&first));
    let s = s.expect("ticket session");
    assert_eq!(s.session.id(), b"");
    assert_eq!(s.ticket().map(<[u8]>::len), Some(TICKET_LEN));
    assert_eq!(s.ticket_lifetime_hint, 3600);

    // Export, import, resume with it.
    let mut blob = [0u8; CLIENT_SESSION_MAX_ENCODED_LEN];
    let n = s.export(&mut blob).unwrap();
    let imported = ClientSession::import(&blob[..n]).unwrap();
    let (second, s2) =
        connect(&ccfg, &scfg, ClientParams { session: Some(&imported), ..ClientParams::new("localhost") }, 2);
    assert!(resumed(&second));
    // The server renewed the ticket.
    let s2 = s2.unwrap();
    assert!(s2.ticket().is_some());
    assert_ne!(s2.ticket(), s.ticket());

    // A tampered ticket: a full handshake, not an error.
    let mut bad = blob;
    let ticket_start = n - TICKET_LEN;
    bad[ticket_start + 40] ^= 1;
    // The blob checksum covers only the session, so the import succeeds and
    // the server sees the damaged ticket.
    let damaged = ClientSession::import(&bad[..n]).unwrap();
    let (third, _) =
        connect(&ccfg, &scfg, ClientParams { session: Some(&damaged), ..ClientParams::new("localhost") }, 3);
    assert!(!resumed(&third));

    // Rotated keys: the old ticket still opens while the old key is kept.
    let new_key = TicketKey { name: [3; 16], key: [4; 32] };
    let prev = [key.clone()];
    scfg.ticket_keys = Some(TicketKeys { current: &new_key, previous: &prev, lifetime_secs: 3600 });
    let (fourth, _) =
        connect(&ccfg, &scfg, ClientParams { session: Some(&imported), ..ClientParams::new("localhost") }, 4);
    assert!(resumed(&fourth));
    scfg.ticket_keys = Some(TicketKeys { current: &new_key, previous: &[], lifetime_secs: 3600 });
    let (fifth, _) =
        connect(&ccfg, &scfg, ClientParams { session: Some(&imported), ..ClientParams::new("localhost") }, 5);
    assert!(!resumed(&fifth));

    // Expired: lifetime 0 and a session created at NOW - 1 s.
    scfg.ticket_keys = Some(TicketKeys { current: &key, previous: &[], lifetime_secs: 0 });
    let (_, s) = connect(&ccfg, &scfg, ClientParams::new("localhost"), 6);
    let s = s.unwrap();
    let later = |ccfg: &ClientConfig<'_>| {
        let (mut crx, mut ctx, mut srx, mut stx) = (vec![0; BUF], vec![0; BUF], vec![0; BUF], vec![0; BUF]);
        let (mut r1, mut r2) = (TestRng::new(7), TestRng::new(8));
        let t = NOW.add_millis(2_000);
        let mut c = ClientConnection::with_params(
            ccfg,
            ClientParams { session: Some(&s), ..ClientParams::new("localhost") },
            &mut crx,
            &mut ctx,
            &mut r1,
            t,
        )
        .unwrap();
        let mut sv = ServerConnection::new(&scfg, &mut srx, &mut stx, &mut r2, t).unwrap();
        let mut out = Outcome::default();
        run_at(&mut c, &mut sv, &mut out, t);
        resumed(&out)
    };
    assert!(!later(&ccfg));
}

#[test]
fn lookup_events_let_the_application_answer_later() {
    let p = pki();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.session_tickets = false;
    let mut scfg = ServerConfig::new(&p.chain, &p.key);
    scfg.sessions = ServerSessions::Events;

    // First connection: the server hands the new session out for storing.
    pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
    let mut stored: Option<Session> = None;
    for _ in 0..5 {
        transfer(&mut client, &mut server);
        while let Some(ev) = server.poll_event(NOW).unwrap() {
            if let Event::StoreSession(s) = ev {
                stored = Some(s.clone());
            }
        }
        transfer(&mut server, &mut client);
        while client.poll_event(NOW).unwrap().is_some() {}
    }
    let stored = stored.expect("StoreSession event");
    let client_session = client.client_session().cloned().unwrap();
    assert_eq!(stored.id(), client_session.session.id());

    // Second connection: lookup event, the answer comes later.
    for answer_with_session in [true, false] {
        let (mut crx, mut ctx, mut srx, mut stx) = (vec![0; BUF], vec![0; BUF], vec![0; BUF], vec![0; BUF]);
        let (mut r1, mut r2) = (TestRng::new(3), TestRng::new(4));
        let params = ClientParams { session: Some(&client_session), ..ClientParams::new("localhost") };
        let mut client = ClientConnection::with_params(&ccfg, params, &mut crx, &mut ctx, &mut r1, NOW).unwrap();
        let mut server = ServerConnection::new(&scfg, &mut srx, &mut stx, &mut r2, NOW).unwrap();
        transfer(&mut client, &mut server);
        match server.poll_event(NOW).unwrap() {
            Some(Event::SessionLookup(id)) => assert_eq!(id, stored.id()),
            other => panic!("expected a lookup, got {other:?}"),
        }
        // Paused: nothing happens until the answer.
        assert_eq!(server.poll_event(NOW).unwrap(), None);
        assert!(server.transmit_pending().is_empty());
        server.answer_session_lookup(answer_with_session.then(|| stored.clone())).unwrap();
        assert_eq!(server.answer_session_lookup(None), Err(ErrorKind::InvalidState.into()));
        let mut out = Outcome::default();
        run(&mut client, &mut server, &mut out);
        assert_eq!(resumed(&out), answer_with_session);
    }
}

#[test]
fn server_refuses_sessions_that_do_not_fit() {
    let p = pki();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut sslots = [SessionSlot::EMPTY; 4];
    let store = LruSessionStore::new(&mut sslots);
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.session_tickets = false;
    let mut scfg = ServerConfig::new(&p.chain, &p.key);
    scfg.sessions = ServerSessions::Store(&store);
    let (_, s) = connect(&ccfg, &scfg, ClientParams::new("localhost"), 1);
    let s = s.unwrap();
    let params = || ClientParams { session: Some(&s), ..ClientParams::new("localhost") };
    assert!(resumed(&connect(&ccfg, &scfg, params(), 2).0));

    // The suite of the session is no longer offered by the client.
    let other = [CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256];
    let mut c2 = ccfg;
    c2.cipher_suites = &other;
    assert!(!resumed(&connect(&c2, &scfg, params(), 3).0));
    // Nor accepted by the server.
    let mut s2 = scfg;
    s2.cipher_suites = &other;
    assert!(!resumed(&connect(&ccfg, &s2, params(), 4).0));
    // The session outlived the server's lifetime for it.
    let mut s3 = scfg;
    s3.session_lifetime_secs = 0;
    let (mut crx, mut ctx, mut srx, mut stx) = (vec![0; BUF], vec![0; BUF], vec![0; BUF], vec![0; BUF]);
    let (mut r1, mut r2) = (TestRng::new(5), TestRng::new(6));
    let later = NOW.add_millis(5_000);
    let mut client = ClientConnection::with_params(&ccfg, params(), &mut crx, &mut ctx, &mut r1, later).unwrap();
    let mut server = ServerConnection::new(&s3, &mut srx, &mut stx, &mut r2, later).unwrap();
    let mut out = Outcome::default();
    run_at(&mut client, &mut server, &mut out, later);
    assert!(!resumed(&out));
    // Another server name: the client does not even offer it.
    let (mut crx, mut ctx, mut srx, mut stx) = (vec![0; BUF], vec![0; BUF], vec![0; BUF], vec![0; BUF]);
    let (mut r1, mut r2) = (TestRng::new(5), TestRng::new(6));
    let p2 = ClientParams { session: Some(&s), ..ClientParams::new("server.test") };
    let mut client = ClientConnection::with_params(&ccfg, p2, &mut crx, &mut ctx, &mut r1, NOW).unwrap();
    let ch = records(client.transmit_pending())[0].clone();
    assert_eq!(ch[5 + 4 + 2 + 32], 0, "session_id must be empty");
    let mut server = ServerConnection::new(&scfg, &mut srx, &mut stx, &mut r2, NOW).unwrap();
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    assert!(!resumed(&out));
}

/// What a client session cache was asked, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CacheOp {
    Put(Vec<u8>),
    Get(Vec<u8>),
    Remove(Vec<u8>),
}

/// A client session cache over an [`LruClientCache`] that records the keys
/// it is asked to put, get and remove.
struct RecordingCache<'m> {
    inner: LruClientCache<'m>,
    log: std::sync::Mutex<Vec<CacheOp>>,
}

impl ClientSessionCache for RecordingCache<'_> {
    fn put(&self, key: &[u8], session: &ClientSession) {
        self.log.lock().unwrap().push(CacheOp::Put(key.to_vec()));
        self.inner.put(key, session);
    }
    fn get(&self, key: &[u8]) -> Option<ClientSession> {
        self.log.lock().unwrap().push(CacheOp::Get(key.to_vec()));
        self.inner.get(key)
    }
    fn remove(&self, key: &[u8]) {
        self.log.lock().unwrap().push(CacheOp::Remove(key.to_vec()));
        self.inner.remove(key);
    }
}

/// How the resumption under [`tampered_resumption`] ended.
#[derive(Debug, PartialEq)]
enum Resumption {
    /// Both sides reported HandshakeDone; the client's info.
    Done(HandshakeInfo),
    /// The client failed with `error` and sent `wire` in response.
    Failed { error: Error, wire: Vec<u8> },
    /// Neither.
    Stalled,
}

/// A client resuming, from its cache, against a server whose resumed
/// ServerHello is altered by `tamper`. Checks what happened to the session
/// in the client cache (kept on success, removed under the key it was put
/// under on failure) and in the server store (kept either way).
fn tampered_resumption(tamper: impl Fn(&mut Vec<u8>)) -> Resumption {
    let p = pki();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut sslots = [SessionSlot::EMPTY; 4];
    let store = LruSessionStore::new(&mut sslots);
    let mut cslots = [ClientCacheSlot::EMPTY; 2];
    let cache = RecordingCache { inner: LruClientCache::new(&mut cslots), log: Default::default() };
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.session_tickets = false;
    ccfg.session_cache = Some(&cache);
    let mut scfg = ServerConfig::new(&p.chain, &p.key);
    scfg.sessions = ServerSessions::Store(&store);
    let (first, s) = connect(&ccfg, &scfg, ClientParams::new("localhost"), 1);
    assert!(!resumed(&first));
    let s = s.unwrap();
    // The first connection looked its key up, found nothing, and put the
    // new session under the same key.
    let key = match &cache.log.lock().unwrap()[..] {
        [CacheOp::Get(k1), CacheOp::Put(k2)] if k1 == k2 => k1.clone(),
        log => panic!("first connection: {log:?}"),
    };
    assert!(cache.inner.get(&key).is_some());
    cache.log.lock().unwrap().clear();

    pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (9, 10), NOW);
    // The session comes out of the cache under the same key.
    assert_eq!(cache.log.lock().unwrap()[..], [CacheOp::Get(key.clone())]);
    cache.log.lock().unwrap().clear();
    transfer(&mut client, &mut server);
    let mut sink = Vec::new();
    drain(&mut server, &mut sink).unwrap();
    let mut recs = records(server.transmit_pending());
    let n = server.transmit_pending().len();
    server.transmit_done(n);
    tamper(&mut recs[0]);
    client.feed(&recs.concat());
    let outcome = match drain(&mut client, &mut sink) {
        Err(error) => Resumption::Failed { error, wire: client.transmit_pending().to_vec() },
        Ok(evs) => {
            transfer(&mut client, &mut server);
            let server_evs = drain(&mut server, &mut sink).unwrap();
            match (done(&evs), done(&server_evs)) {
                (Some(info), Some(_)) => Resumption::Done(info),
                _ => Resumption::Stalled,
            }
        }
    };
    let log = cache.log.lock().unwrap().clone();
    match &outcome {
        Resumption::Failed { .. } => {
            // Dropped from the client cache after the error, under the key
            // it was put under; the server keeps it.
            assert_eq!(log, [CacheOp::Remove(key.clone())], "session must be dropped after a fatal error");
            assert!(cache.inner.get(&key).is_none());
        }
        Resumption::Done(_) => {
            assert!(!log.iter().any(|op| matches!(op, CacheOp::Remove(_))), "{log:?}");
            assert!(cache.inner.get(&key).is_some());
        }
        Resumption::Stalled => {}
    }
    assert!(store.retrieve(s.session.id()).is_some());
    outcome
}

#[test]
fn resumed_server_hello_must_keep_suite_and_ems() {
    let outcome = tampered_resumption(|_| {});
    assert!(matches!(outcome, Resumption::Done(info) if info.resumed), "{outcome:?}");
    // ServerHello body: type(1) len(3) version(2) random(32) sid_len(1)
    // sid(32) suite(2) at offset 5 + 4 + 2 + 32 + 1 + 32.
    let suite_at = 5 + 4 + 2 + 32 + 1 + 32;
    assert_eq!(
        tampered_resumption(|r| {
            r[suite_at..suite_at + 2].copy_from_slice(&[0xc0, 0x2c]);
        }),
        Resumption::Failed {
            error: ErrorKind::IllegalParameter.into(),
            wire: vec![21, 3, 3, 0, 2, 2, u8::from(AlertDescription::IllegalParameter)]
        }
    );
}

#[test]
fn fatal_error_on_a_resumed_connection_removes_the_session() {
    let p = pki();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut sslots = [SessionSlot::EMPTY; 4];
    let store = LruSessionStore::new(&mut sslots);
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.session_tickets = false;
    let mut scfg = ServerConfig::new(&p.chain, &p.key);
    scfg.sessions = ServerSessions::Store(&store);
    let (_, s) = connect(&ccfg, &scfg, ClientParams::new("localhost"), 1);
    let s = s.unwrap();
    assert!(store.retrieve(s.session.id()).is_some());
    let (mut crx, mut ctx, mut srx, mut stx) = (vec![0; BUF], vec![0; BUF], vec![0; BUF], vec![0; BUF]);
    let (mut r1, mut r2) = (TestRng::new(3), TestRng::new(4));
    let params = ClientParams { session: Some(&s), ..ClientParams::new("localhost") };
    let mut client = ClientConnection::with_params(&ccfg, params, &mut crx, &mut ctx, &mut r1, NOW).unwrap();
    let mut server = ServerConnection::new(&scfg, &mut srx, &mut stx, &mut r2, NOW).unwrap();
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    assert!(resumed(&out));
    // A garbage record: the server fails, and forgets the session.
    server.feed(&[
        23, 3, 3, 0, 30, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
        27, 28, 29, 30,
    ]);
    assert_eq!(server.poll_event(NOW), Err(ErrorKind::BadRecordMac.into()));
    assert!(store.retrieve(s.session.id()).is_none());
}

#[test]
fn lru_entry_size_is_reported() {
    let size = core::mem::size_of::<SessionSlot>();
    println!("size_of::<SessionSlot>() = {size} bytes; encoded session {SESSION_ENCODED_LEN} bytes");
    assert!(size <= 256, "an LRU entry grew to {size} bytes");
}

//! Security properties of resumption, client authentication and failure
//! handling (issue 8): sessions bound to the context that authenticated
//! them, renegotiations that keep the peer's identity, a store that a client
//! cannot make forget another client's session, buffers wiped after a fatal
//! error, clamped counts, and refused ChangeCipherSpec bodies.

mod common;

use common::memory::*;
use sansio_tls::cert::{WebPkiClientVerifier, WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::config::{CertifiedKey, ClientAuth};
use sansio_tls::crypto::{HashAlg, SigningKey, hash};
use sansio_tls::session::{
    ClientCacheSlot, ClientSession, ClientSessionCache, LruClientCache, LruSessionStore, ServerSessions, SessionSlot,
    SessionStore, TicketKey, TicketKeys,
};
use sansio_tls::testing::TestRng;
use sansio_tls::*;

const BUF: usize = record::MAX_RECORD + 4096;
const CHAIN: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];
const ECDSA_CLIENT: &[u8] = include_bytes!("../vectors/pki/ecdsa-client.der");
const ECDSA_CLIENT_KEY: &[u8] = include_bytes!("../vectors/pki/ecdsa-client.key.der");
const RSA_CLIENT: &[u8] = include_bytes!("../vectors/pki/rsa-client.der");
const RSA_CLIENT_KEY: &[u8] = include_bytes!("../vectors/pki/rsa-client.key.der");
static TICKET_KEY: TicketKey = TicketKey { name: [7; 16], key: [8; 32] };

/// A client cache holding one session, whatever the key: lets a test put
/// any session where a connection will look.
#[derive(Default)]
struct OneSession(std::sync::Mutex<Option<ClientSession>>);

impl OneSession {
    fn set(&self, session: Option<ClientSession>) {
        *self.0.lock().unwrap() = session;
    }
}

impl ClientSessionCache for OneSession {
    fn put(&self, _key: &[u8], session: &ClientSession) {
        self.set(Some(session.clone()));
    }
    fn get(&self, _key: &[u8]) -> Option<ClientSession> {
        self.0.lock().unwrap().clone()
    }
    fn remove(&self, _key: &[u8]) {
        self.set(None);
    }
}

fn sha256(b: &[u8]) -> [u8; 32] {
    hash(HashAlg::Sha256, b).as_ref().try_into().unwrap()
}

/// The test PKI, leaked so tests can borrow it freely: the server's key,
/// verifiers trusting the ECDSA and RSA CAs, and two client identities, A
/// (ECDSA) and B (RSA).
struct Pki {
    skey: &'static SigningKey,
    sverifier: &'static WebPkiServerVerifier<'static>,
    cverifier: &'static WebPkiClientVerifier<'static>,
    client_a: &'static [CertifiedKey<'static>],
    client_b: &'static [CertifiedKey<'static>],
}

fn pki() -> Pki {
    fn leak<T>(v: T) -> &'static T {
        Box::leak(Box::new(v))
    }
    let roots = leak([trust_anchor_from_der(ECDSA_CA).unwrap(), trust_anchor_from_der(RSA_CA).unwrap()]);
    let key_a = leak(SigningKey::from_der(ECDSA_CLIENT_KEY).unwrap());
    let key_b = leak(SigningKey::from_der(RSA_CLIENT_KEY).unwrap());
    Pki {
        skey: leak(SigningKey::from_der(ECDSA_SERVER_KEY).unwrap()),
        sverifier: leak(WebPkiServerVerifier::new(roots)),
        cverifier: leak(WebPkiClientVerifier::new(roots)),
        client_a: leak([CertifiedKey::new(leak([ECDSA_CLIENT, ECDSA_CA]), key_a).unwrap()]),
        client_b: leak([CertifiedKey::new(leak([RSA_CLIENT, RSA_CA]), key_b).unwrap()]),
    }
}

/// One connection; returns the outcome and the client's session. The
/// outcome of a handshake that never finished has neither a HandshakeDone
/// nor an error: callers assert one of them.
fn connect(
    ccfg: &ClientConfig<'_>,
    scfg: &ServerConfig<'_>,
    session: Option<&ClientSession>,
    seed: u64,
) -> (Outcome, Option<ClientSession>) {
    let params = ClientParams { session, ..ClientParams::new("localhost") };
    pair!(client, server, ccfg, params, scfg, (seed, seed + 1000), NOW);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    (out, client.client_session().cloned())
}

/// The server's HandshakeDone, which must be there.
fn server_done(out: &Outcome) -> HandshakeInfo {
    done(&out.server_events).unwrap_or_else(|| panic!("no server handshake: {out:?}"))
}

/// A handshake that must have failed at the server with `err`, the client
/// seeing the matching alert, and no HandshakeDone on either side.
fn assert_refused(out: &Outcome, err: Error) {
    assert_eq!(out.server_error, Some(err), "{out:?}");
    assert_eq!(out.client_error, Some(ErrorKind::AlertReceived(err.alert().unwrap()).into()), "{out:?}");
    assert!(done(&out.server_events).is_none() && done(&out.client_events).is_none(), "{out:?}");
}

// ----- 1. client authentication and resumption ----------------------------

/// Item 1, first half: a client without a certificate completes a
/// handshake; the server then requires one and asks for a renegotiation;
/// the client offers its session. The server must not resume it: it runs a
/// full handshake, which a client without a certificate fails, and one
/// with a certificate passes with that certificate.
#[test]
fn renegotiation_asking_for_a_certificate_never_resumes() {
    let Pki { skey, sverifier, cverifier, client_a: creds, .. } = pki();
    for with_cert in [false, true] {
        let mut cslots = [ClientCacheSlot::EMPTY; 2];
        let cache = LruClientCache::new(&mut cslots);
        let mut sslots = [SessionSlot::EMPTY; 4];
        let store = LruSessionStore::new(&mut sslots);
        let mut ccfg = ClientConfig::new(sverifier);
        ccfg.session_cache = Some(&cache);
        ccfg.session_tickets = false;
        if with_cert {
            ccfg.client_certs = creds.into();
        }
        let mut scfg = ServerConfig::new(&CHAIN, skey);
        scfg.sessions = ServerSessions::Store(&store);
        scfg.client_verifier = Some(cverifier);
        pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
        let mut out = Outcome::default();
        run(&mut client, &mut server, &mut out);
        assert_eq!(server_done(&out).peer_cert_sha256, None);
        assert_eq!(store.len(), 1);
        server.set_client_auth(ClientAuth::Require);
        let out = renegotiate_on_request(&mut client, &mut server);
        if with_cert {
            let info = server_done(&out);
            assert!(!info.resumed, "{out:?}");
            assert_eq!(info.peer_cert_sha256, Some(sha256(ECDSA_CLIENT)));
            assert_eq!(done(&out.client_events).map(|i| i.resumed), Some(false));
        } else {
            assert_refused(&out, ErrorKind::HandshakeFailure.into());
        }
    }
}

/// A server config for [`sessions_never_cross_client_auth_policies`].
fn auth_config<'a>(
    key: &'a SigningKey,
    auth: ClientAuth,
    verifier: &'a WebPkiClientVerifier<'a>,
    sessions: ServerSessions<'a>,
    tickets: bool,
) -> ServerConfig<'a> {
    let mut c = ServerConfig::new(&CHAIN, key);
    c.client_auth = auth;
    c.client_verifier = Some(verifier);
    c.sessions = sessions;
    if tickets {
        c.ticket_keys = Some(TicketKeys { current: &TICKET_KEY, previous: &[], lifetime_secs: 3600 });
    }
    c
}

/// Item 1, second half (nginx CVE-2014-3616): two configs, one without
/// client auth and one requiring it, share a store (or ticket keys). A
/// session made without a certificate must not open the second: the
/// handshake there is a full one, which fails for want of a certificate.
#[test]
fn sessions_never_cross_client_auth_policies() {
    let Pki { skey, sverifier, cverifier, .. } = pki();
    for tickets in [false, true] {
        let mut sslots = [SessionSlot::EMPTY; 4];
        let store = LruSessionStore::new(&mut sslots);
        let sessions = if tickets { ServerSessions::None } else { ServerSessions::Store(&store) };
        let open = auth_config(skey, ClientAuth::None, cverifier, sessions, tickets);
        let strict = auth_config(skey, ClientAuth::Require, cverifier, sessions, tickets);
        let request = auth_config(skey, ClientAuth::Request, cverifier, sessions, tickets);
        let mut ccfg = ClientConfig::new(sverifier);
        ccfg.session_tickets = tickets;
        let (out, s) = connect(&ccfg, &open, None, 1);
        assert!(!server_done(&out).resumed);
        let s = s.expect("a resumable session");
        // The same config resumes it: resumption works at all.
        let (out, _) = connect(&ccfg, &open, Some(&s), 2);
        assert!(server_done(&out).resumed, "tickets={tickets}: {out:?}");
        // The strict config does not: full handshake, no certificate.
        let (out, _) = connect(&ccfg, &strict, Some(&s), 3);
        assert_refused(&out, ErrorKind::HandshakeFailure.into());
        // Nor does another policy (request): a full handshake that passes
        // without a certificate.
        let (out, _) = connect(&ccfg, &request, Some(&s), 4);
        let info = server_done(&out);
        assert!(!info.resumed && info.peer_cert_sha256.is_none(), "tickets={tickets}: {out:?}");
    }
}

/// Sessions made under `Require` with a certificate resume under the same
/// config and keep their peer identity; the application's session context
/// separates configs that are otherwise alike.
#[test]
fn sessions_resume_in_their_own_context_only() {
    let Pki { skey, sverifier, cverifier, client_a: creds, .. } = pki();
    let mut sslots = [SessionSlot::EMPTY; 4];
    let store = LruSessionStore::new(&mut sslots);
    let strict = auth_config(skey, ClientAuth::Require, cverifier, ServerSessions::Store(&store), true);
    let other_app = ServerConfig { session_context: b"another application", ..strict };
    let mut ccfg = ClientConfig::new(sverifier);
    ccfg.client_certs = creds.into();
    let (out, s) = connect(&ccfg, &strict, None, 1);
    assert!(!server_done(&out).resumed);
    let s = s.unwrap();
    let (out, _) = connect(&ccfg, &strict, Some(&s), 2);
    let info = server_done(&out);
    assert!(info.resumed && info.peer_cert_sha256 == Some(sha256(ECDSA_CLIENT)), "{out:?}");
    let (out, _) = connect(&ccfg, &other_app, Some(&s), 3);
    let info = server_done(&out);
    assert!(!info.resumed && info.peer_cert_sha256 == Some(sha256(ECDSA_CLIENT)), "{out:?}");
}

// ----- 2. a resumed renegotiation keeps the client's identity -------------

/// Item 2: a client authenticated as A renegotiates and offers a session
/// made as B. The server must not resume it (that would switch the peer to
/// B unchecked): it falls back to a full handshake, where the client again
/// proves A.
#[test]
fn resumed_renegotiation_keeps_the_client_identity() {
    let Pki { skey, sverifier, cverifier, client_a: creds_a, client_b: creds_b } = pki();
    let cache = OneSession::default();
    let mut sslots = [SessionSlot::EMPTY; 4];
    let store = LruSessionStore::new(&mut sslots);
    let scfg = auth_config(skey, ClientAuth::Require, cverifier, ServerSessions::Store(&store), false);
    let mut cfg_a = ClientConfig::new(sverifier);
    cfg_a.session_cache = Some(&cache);
    cfg_a.session_tickets = false;
    cfg_a.client_certs = creds_a.into();
    let cfg_b = ClientConfig { client_certs: creds_b.into(), session_cache: None, ..cfg_a };

    pair!(client, server, &cfg_a, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    assert_eq!(server_done(&out).peer_cert_sha256, Some(sha256(ECDSA_CLIENT)));
    // B connects on its own; its session lands in A's cache.
    let (out_b, s_b) = connect(&cfg_b, &scfg, None, 5);
    assert_eq!(server_done(&out_b).peer_cert_sha256, Some(sha256(RSA_CLIENT)));
    cache.set(s_b);
    // A renegotiates, offering B's session from the cache.
    client.renegotiate(NOW).unwrap();
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    let info = server_done(&out);
    assert!(!info.resumed, "{out:?}");
    assert_eq!(info.peer_cert_sha256, Some(sha256(ECDSA_CLIENT)));
    assert_eq!(server.handshake_info().unwrap().peer_cert_sha256, Some(sha256(ECDSA_CLIENT)));
}

// ----- 3. a client cache shared by two configs ------------------------------

/// Item 3: a config whose verifier trusts no root must not resume a session
/// another config verified, even through a shared cache or an explicitly
/// passed session; nor may a config with another namespace.
#[test]
fn client_sessions_are_bound_to_the_config_that_verified_them() {
    let Pki { skey, sverifier: trusting, .. } = pki();
    let none: [pki_types::TrustAnchor<'_>; 0] = [];
    let trusting_nothing = WebPkiServerVerifier::new(&none);
    let mut cslots = [ClientCacheSlot::EMPTY; 4];
    let cache = LruClientCache::new(&mut cslots);
    let mut sslots = [SessionSlot::EMPTY; 4];
    let store = LruSessionStore::new(&mut sslots);
    let mut scfg = ServerConfig::new(&CHAIN, skey);
    scfg.sessions = ServerSessions::Store(&store);
    scfg.ticket_keys = Some(TicketKeys { current: &TICKET_KEY, previous: &[], lifetime_secs: 3600 });
    let mut good = ClientConfig::new(trusting);
    good.session_cache = Some(&cache);
    let bad = ClientConfig { verifier: &trusting_nothing, ..good };
    let elsewhere = ClientConfig { session_context: b"tenant 2", ..good };

    let (out, s) = connect(&good, &scfg, None, 1);
    assert!(!server_done(&out).resumed);
    let s = s.unwrap();
    // The same config resumes from the cache.
    let (out, _) = connect(&good, &scfg, None, 2);
    assert!(server_done(&out).resumed, "{out:?}");
    // The config trusting nothing neither finds it in the shared cache nor
    // offers it when handed it: it verifies, and fails.
    for session in [None, Some(&s)] {
        let (out, _) = connect(&bad, &scfg, session, 3);
        assert_eq!(out.client_error, Some(ErrorKind::UnknownCa.into()), "{out:?}");
        assert!(done(&out.client_events).is_none());
    }
    // Another namespace: a full handshake.
    let (out, _) = connect(&elsewhere, &scfg, None, 4);
    assert!(!server_done(&out).resumed, "{out:?}");
    let (out, _) = connect(&elsewhere, &scfg, Some(&s), 5);
    assert!(!server_done(&out).resumed, "{out:?}");
}

// ----- 4. a forged session ID does not evict another client's session ------

/// Item 4: an attacker sends a victim's session ID (visible in any
/// ServerHello) with its own valid ticket, then makes the handshake fail.
/// The store must still hold the victim's session: only a session this
/// connection retrieved from the store or stored itself is removed.
#[test]
fn a_forged_session_id_cannot_evict_a_stored_session() {
    let Pki { skey, sverifier: verifier, .. } = pki();
    let mut sslots = [SessionSlot::EMPTY; 4];
    let store = LruSessionStore::new(&mut sslots);
    let mut scfg = ServerConfig::new(&CHAIN, skey);
    scfg.sessions = ServerSessions::Store(&store);
    scfg.ticket_keys = Some(TicketKeys { current: &TICKET_KEY, previous: &[], lifetime_secs: 3600 });
    let victim_cfg = ClientConfig { session_tickets: false, ..ClientConfig::new(verifier) };
    let attacker_cfg = ClientConfig::new(verifier);
    let (_, victim) = connect(&victim_cfg, &scfg, None, 1);
    let victim = victim.unwrap();
    let victim_id = victim.session.id().to_vec();
    assert!(store.retrieve(&victim_id).is_some());
    let (_, own) = connect(&attacker_cfg, &scfg, None, 2);
    let own = own.unwrap();
    assert!(own.ticket().is_some());

    let params = ClientParams { session: Some(&own), ..ClientParams::new("localhost") };
    pair!(client, server, &attacker_cfg, params, &scfg, (3, 4), NOW);
    // The ClientHello offers a fresh random ID with the ticket: rewrite it
    // to the victim's. ClientHello record: header(5) type(1) len(3)
    // version(2) random(32) id_len(1) id(32).
    let mut hello = client.transmit_pending().to_vec();
    let n = hello.len();
    client.transmit_done(n);
    assert_eq!(hello[43], 32);
    hello[44..76].copy_from_slice(&victim_id);
    server.feed(&hello);
    let mut sink = Vec::new();
    drain(&mut server, &mut sink).unwrap();
    // The server resumed the ticket under the victim's ID; the client,
    // seeing an ID it did not offer, fails the handshake, and so does the
    // server on the client's alert.
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    assert!(out.server_error.is_some() && out.client_error.is_some(), "{out:?}");
    assert!(store.retrieve(&victim_id).is_some(), "the victim's session was evicted");
    let (out, _) = connect(&victim_cfg, &scfg, Some(&victim), 5);
    assert!(server_done(&out).resumed, "{out:?}");
}

/// A server with a session store, a session made with it, and a second
/// connection offering that session: `fail` drives that connection into a
/// fatal error and returns its kind; afterwards the session must be gone
/// from the store (RFC 5246 §7.2.2).
fn resumed_session_is_removed_after(
    seeds: (u64, u64),
    fail: impl FnOnce(
        &mut ClientConnection<'_, &mut TestRng, &mut Vec<u8>>,
        &mut ServerConnection<'_, &mut TestRng, &mut Vec<u8>>,
    ) -> ErrorKind,
    want: ErrorKind,
) {
    let Pki { skey, sverifier: verifier, .. } = pki();
    let mut sslots = [SessionSlot::EMPTY; 4];
    let store = LruSessionStore::new(&mut sslots);
    let mut scfg = ServerConfig::new(&CHAIN, skey);
    scfg.sessions = ServerSessions::Store(&store);
    let ccfg = ClientConfig { session_tickets: false, ..ClientConfig::new(verifier) };
    let (_, s) = connect(&ccfg, &scfg, None, 1);
    let s = s.unwrap();
    let params = ClientParams { session: Some(&s), ..ClientParams::new("localhost") };
    pair!(client, server, &ccfg, params, &scfg, seeds, NOW);
    assert!(store.retrieve(s.session.id()).is_some());
    assert_eq!(fail(&mut client, &mut server), want);
    assert!(store.retrieve(s.session.id()).is_none());
}

/// The other side of item 4: a session the connection did retrieve from the
/// store is removed after a fatal error (a bad record after the resumption).
#[test]
fn a_retrieved_session_is_removed_after_a_fatal_error() {
    let fail = |client: &mut ClientConnection<'_, &mut TestRng, &mut Vec<u8>>,
                server: &mut ServerConnection<'_, &mut TestRng, &mut Vec<u8>>| {
        let mut out = Outcome::default();
        run(client, server, &mut out);
        assert!(server_done(&out).resumed);
        server.feed(&record(23, &[0; 40]));
        server.poll_event(NOW).unwrap_err().kind()
    };
    resumed_session_is_removed_after((3, 4), fail, ErrorKind::BadRecordMac);
}

/// The same when the state machine itself refuses a message in the middle
/// of the resumption (a ClientKeyExchange where the client's
/// ChangeCipherSpec is due): the state that held the session is gone, the
/// session must go from the store too.
#[test]
fn a_resumed_session_is_removed_after_a_refused_message() {
    let fail = |client: &mut ClientConnection<'_, &mut TestRng, &mut Vec<u8>>,
                server: &mut ServerConnection<'_, &mut TestRng, &mut Vec<u8>>| {
        transfer(client, server);
        let mut sink = Vec::new();
        assert_eq!(drain(server, &mut sink).unwrap(), vec![]);
        // The server resumed: ServerHello, ChangeCipherSpec, Finished are out.
        assert_eq!(records(server.transmit_pending()).len(), 3);
        server.feed(&record(22, &[16, 0, 0, 1, 0]));
        server.poll_event(NOW).unwrap_err().kind()
    };
    resumed_session_is_removed_after((5, 6), fail, ErrorKind::UnexpectedMessage);
}

// ----- 5. the whole receive buffer is wiped after a fatal error ------------

/// Item 5: plaintext decrypted in place and consumed lies past `rx_end`
/// after a compaction; a fatal error must wipe it too.
#[test]
fn a_fatal_error_wipes_the_whole_receive_buffer() {
    let Pki { skey, sverifier: verifier, .. } = pki();
    let ccfg = ClientConfig::new(verifier);
    let scfg = ServerConfig::new(&CHAIN, skey);
    let secret = b"attack at dawn, the password is hunter2. ".repeat(20);
    let (mut crx, mut ctx, mut srx, mut stx) = (vec![0; BUF], vec![0; BUF], vec![0; BUF], vec![0; BUF]);
    let (mut r1, mut r2) = (TestRng::new(1), TestRng::new(2));
    {
        let mut client = ClientConnection::new(&ccfg, "localhost", &mut crx, &mut ctx, &mut r1, NOW).unwrap();
        let mut server = ServerConnection::new(&scfg, &mut srx, &mut stx, &mut r2, NOW).unwrap();
        let mut out = Outcome::default();
        run(&mut client, &mut server, &mut out);
        assert!(server.is_established());
        for _ in 0..3 {
            client.send(&secret).unwrap();
        }
        run(&mut client, &mut server, &mut out);
        assert_eq!(out.server_data.len(), 3 * secret.len());
        // Another record, then garbage: the server fails.
        client.send(b"more").unwrap();
        transfer(&mut client, &mut server);
        server.feed(&record(23, &[0; 40]));
        let mut sink = Vec::new();
        assert_eq!(drain(&mut server, &mut sink), Err(ErrorKind::BadRecordMac.into()));
    }
    let needle = &secret[..16];
    assert!(!srx.windows(needle.len()).any(|w| w == needle), "plaintext survived in the receive buffer");
    assert!(srx.iter().all(|&b| b == 0));
}

// ----- 6. out-of-range counts are clamped -----------------------------------

/// Item 6: a caller's wrong count must neither overflow nor point past the
/// buffers.
#[test]
fn out_of_range_counts_are_clamped() {
    let Pki { skey, sverifier: verifier, .. } = pki();
    let ccfg = ClientConfig::new(verifier);
    let scfg = ServerConfig::new(&CHAIN, skey);
    pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
    assert!(!client.transmit_pending().is_empty());
    client.transmit_done(3);
    client.transmit_done(usize::MAX);
    assert!(client.transmit_pending().is_empty());
    let room = server.receive_window().len();
    assert_eq!(room, BUF);
    server.receive_commit(1);
    server.receive_commit(usize::MAX);
    assert!(server.receive_window().is_empty());
}

// ----- 11. a ChangeCipherSpec must be the single byte 1 ---------------------

/// Item 11: a ChangeCipherSpec where one is due but whose body is not
/// exactly [1] is refused with unexpected_message, as OpenSSL and GnuTLS
/// do.
#[test]
fn a_change_cipher_spec_body_other_than_one_is_unexpected_message() {
    let Pki { skey, sverifier: verifier, .. } = pki();
    let ccfg = ClientConfig::new(verifier);
    let scfg = ServerConfig::new(&CHAIN, skey);
    for body in [&[2u8][..], &[1, 1], &[0], &[]] {
        pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
        let mut sink = Vec::new();
        transfer(&mut client, &mut server);
        drain(&mut server, &mut sink).unwrap();
        transfer(&mut server, &mut client);
        drain(&mut client, &mut sink).unwrap();
        // The client's second flight: ClientKeyExchange, CCS, Finished.
        let mut recs = records(client.transmit_pending());
        assert_eq!(recs[1], [20, 3, 3, 0, 1, 1]);
        recs[1] = record(20, body);
        server.feed(&recs.concat());
        assert_eq!(drain(&mut server, &mut sink), Err(ErrorKind::UnexpectedMessage.into()), "body {body:?}");
        assert_eq!(server.transmit_pending(), [21, 3, 3, 0, 2, 2, 10], "body {body:?}");
    }
}

// ----- 9, 10. big ClientHellos -------------------------------------------------

/// The first handshake message type in a flight of plaintext records.
fn first_message_type(flight: &[u8]) -> Option<u8> {
    (flight.first() == Some(&22)).then(|| flight.get(5).copied()).flatten()
}

/// Items 9 and 10: ClientHellos of 32-65 KiB (thousands of signature
/// schemes, thousands of repeated unknown extensions, padding) are answered
/// by a server whose receive buffer holds them; a server whose buffer
/// cannot fails with HandshakeMessageTooLarge, and its illegal_parameter
/// alert is in the transmit buffer.
#[test]
fn big_client_hellos_are_accepted_when_they_fit() {
    let Pki { skey, .. } = pki();
    let scfg = ServerConfig::new(&CHAIN, skey);
    let cases = [(6000, 3000, 10_000), (12_000, 2000, 30_000), (1000, 100, 60_000), (30_000, 0, 0)];
    for (schemes, unknown, padding) in cases {
        let msg = common::hello::client_hello(schemes, unknown, padding);
        assert!((32 * 1024..=conn::LARGE_HANDSHAKE_MESSAGE).contains(&msg.len()), "{}", msg.len());
        let flight = common::hello::handshake_records(&msg);
        for rx_len in [conn::RECOMMENDED_RECEIVE_BUFFER, BUF] {
            let (mut rx, mut tx, mut rng) = (vec![0; rx_len], vec![0; BUF], TestRng::new(1));
            let mut server = ServerConnection::new(&scfg, &mut rx, &mut tx, &mut rng, NOW).unwrap();
            let mut fed = 0;
            let mut result = Ok(None);
            while fed < flight.len() {
                let n = server.feed(&flight[fed..]);
                fed += n;
                result = server.poll_event(NOW).map(|e| e.map(|_| ()));
                if n == 0 || result.is_err() {
                    break;
                }
            }
            let case = format!("{} bytes, buffer {rx_len}", msg.len());
            if msg.len() + record::MAX_RECORD <= rx_len {
                assert_eq!(result, Ok(None), "{case}");
                assert_eq!(first_message_type(server.transmit_pending()), Some(2), "{case}: a ServerHello");
            } else {
                assert_eq!(result, Err(ErrorKind::HandshakeMessageTooLarge.into()), "{case}");
                assert_eq!(server.transmit_pending(), [21, 3, 3, 0, 2, 2, 47], "{case}");
            }
        }
    }
}

//! Renegotiation: client-initiated, server-requested (accepted, refused,
//! ignored with a deadline), data flowing throughout, abbreviated
//! renegotiation, server policy and rate limits, and refusals of what the
//! RFCs forbid.

mod common;

use common::memory::*;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::config::RenegotiationLimits;
use sansio_tls::crypto::SigningKey;
use sansio_tls::session::*;
use sansio_tls::testing::TestRng;
use sansio_tls::*;

const BUF: usize = record::MAX_RECORD + 4096;

fn key() -> SigningKey {
    SigningKey::from_der(ECDSA_SERVER_KEY).unwrap()
}

const CHAIN: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];

/// Two established connections to play with.
macro_rules! established {
    ($ccfg:expr, $scfg:expr, $client:ident, $server:ident, $out:ident) => {
        let (mut crx, mut ctx, mut srx, mut stx) = (vec![0; BUF], vec![0; BUF], vec![0; BUF], vec![0; BUF]);
        let (mut r1, mut r2) = (TestRng::new(1), TestRng::new(2));
        let mut $client = ClientConnection::new($ccfg, "localhost", &mut crx, &mut ctx, &mut r1, NOW).unwrap();
        let mut $server = ServerConnection::new($scfg, &mut srx, &mut stx, &mut r2, NOW).unwrap();
        let mut $out = Outcome::default();
        run(&mut $client, &mut $server, &mut $out);
        assert!($client.is_established() && $server.is_established(), "{:?}", $out);
        assert!($client.secure_renegotiation() && $server.secure_renegotiation());
    };
}

fn done_count(evs: &[Ev]) -> usize {
    evs.iter().filter(|e| matches!(e, Ev::Done(_))).count()
}

/// Moves one direction's bytes and drains the receiver.
fn step(
    from: &mut Connection<impl Side, &mut TestRng, impl Buffer>,
    to: &mut Connection<impl Side, &mut TestRng, impl Buffer>,
    data: &mut Vec<u8>,
    evs: &mut Vec<Ev>,
) {
    transfer(from, to);
    evs.extend(drain(to, data).unwrap());
}

#[test]
fn client_initiated_with_data_flowing_throughout() {
    let k = key();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let scfg = ServerConfig::new(&CHAIN, &k);
    established!(&ccfg, &scfg, client, server, out);
    let first = done(&out.client_events).unwrap();

    let (mut up, mut down) = (Vec::new(), Vec::new());
    let (mut cev, mut sev) = (Vec::new(), Vec::new());
    let mut expect_up = Vec::new();
    let mut expect_down = Vec::new();
    let mut send =
        |c: &mut ClientConnection<'_, &mut TestRng, _>, s: &mut ServerConnection<'_, &mut TestRng, _>, tag: &str| {
            let u = format!("up:{tag};");
            let d = format!("down:{tag};");
            assert_eq!(c.send(u.as_bytes()).unwrap(), u.len());
            assert_eq!(s.send(d.as_bytes()).unwrap(), d.len());
            expect_up.extend_from_slice(u.as_bytes());
            expect_down.extend_from_slice(d.as_bytes());
        };
    send(&mut client, &mut server, "before");
    client.renegotiate(NOW).unwrap();
    assert!(client.is_renegotiating());
    assert_eq!(client.renegotiate(NOW), Err(ErrorKind::NoRenegotiation.into()));
    send(&mut client, &mut server, "after-clienthello");
    // ClientHello reaches the server; it answers with its flight.
    step(&mut client, &mut server, &mut up, &mut sev);
    assert!(server.is_renegotiating());
    send(&mut client, &mut server, "mid");
    step(&mut server, &mut client, &mut down, &mut cev);
    send(&mut client, &mut server, "after-client-finished");
    step(&mut client, &mut server, &mut up, &mut sev);
    send(&mut client, &mut server, "after-server-finished");
    step(&mut server, &mut client, &mut down, &mut cev);
    step(&mut client, &mut server, &mut up, &mut sev);
    step(&mut server, &mut client, &mut down, &mut cev);
    assert!(!client.is_renegotiating() && !server.is_renegotiating());
    send(&mut client, &mut server, "end");
    step(&mut client, &mut server, &mut up, &mut sev);
    step(&mut server, &mut client, &mut down, &mut cev);
    // Every byte, in order, once.
    assert_eq!(String::from_utf8(up).unwrap(), String::from_utf8(expect_up).unwrap());
    assert_eq!(String::from_utf8(down).unwrap(), String::from_utf8(expect_down).unwrap());
    assert_eq!(done_count(&cev), 1);
    assert_eq!(done_count(&sev), 1);
    let second = done(&cev).unwrap();
    assert!(second.secure_renegotiation && !second.resumed);
    assert_eq!(second.peer_cert_sha256, first.peer_cert_sha256);
    // And a second renegotiation works too (verify_data chain continues).
    client.renegotiate(NOW).unwrap();
    let mut out2 = Outcome::default();
    run(&mut client, &mut server, &mut out2);
    assert_eq!(done_count(&out2.client_events), 1, "{out2:?}");
    assert_eq!(done_count(&out2.server_events), 1);
}

#[test]
fn abbreviated_renegotiation_resumes_the_session() {
    let k = key();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut cslots = [ClientCacheSlot::EMPTY; 2];
    let cache = LruClientCache::new(&mut cslots);
    let mut sslots = [SessionSlot::EMPTY; 2];
    let store = LruSessionStore::new(&mut sslots);
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.session_cache = Some(&cache);
    ccfg.session_tickets = false;
    let mut scfg = ServerConfig::new(&CHAIN, &k);
    scfg.sessions = ServerSessions::Store(&store);
    established!(&ccfg, &scfg, client, server, out);
    client.renegotiate(NOW).unwrap();
    let mut out2 = Outcome::default();
    run(&mut client, &mut server, &mut out2);
    let info = done(&out2.client_events).unwrap();
    assert!(info.resumed && info.secure_renegotiation);
    assert!(done(&out2.server_events).unwrap().resumed);
    client.send(b"x").unwrap();
    run(&mut client, &mut server, &mut out2);
    assert_eq!(out2.server_data, b"x");
}

#[test]
fn server_requested_accepted_refused_and_deadline() {
    let k = key();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let scfg = ServerConfig::new(&CHAIN, &k);
    established!(&ccfg, &scfg, client, server, out);
    let (mut data, mut cev, mut sev) = (Vec::new(), Vec::new(), Vec::new());

    // Accepted.
    server.request_renegotiation(NOW, None).unwrap();
    step(&mut server, &mut client, &mut data, &mut cev);
    assert_eq!(cev, vec![Ev::RenegotiationRequested]);
    client.renegotiate(NOW).unwrap();
    let mut o = Outcome::default();
    run(&mut client, &mut server, &mut o);
    assert_eq!(done_count(&o.client_events), 1);
    assert_eq!(done_count(&o.server_events), 1);

    // Refused: the server sees the warning and the connection goes on.
    cev.clear();
    server.request_renegotiation(NOW, None).unwrap();
    step(&mut server, &mut client, &mut data, &mut cev);
    assert_eq!(cev, vec![Ev::RenegotiationRequested]);
    client.refuse_renegotiation().unwrap();
    step(&mut client, &mut server, &mut data, &mut sev);
    assert_eq!(sev, vec![Ev::Alert(AlertLevel::Warning, AlertDescription::NoRenegotiation)]);
    client.send(b"still here").unwrap();
    step(&mut client, &mut server, &mut data, &mut sev);
    assert_eq!(data, b"still here");

    // Ignored, with a deadline: the server gives up at the deadline.
    let deadline = NOW.add_millis(1_000);
    server.request_renegotiation(NOW, Some(deadline)).unwrap();
    assert_eq!(server.poll_timeout(), Some(deadline));
    step(&mut server, &mut client, &mut data, &mut cev);
    assert_eq!(server.handle_timeout(NOW.add_millis(999)), Ok(()));
    assert_eq!(server.handle_timeout(deadline), Err(ErrorKind::Timeout.into()));
    // The client learns of it through the alert.
    transfer(&mut server, &mut client);
    assert_eq!(drain(&mut client, &mut data), Err(ErrorKind::AlertReceived(AlertDescription::UserCanceled).into()));
}

#[test]
fn server_policy_refuses_and_limits() {
    let k = key();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);

    // Policy: refuse all. The client is told and goes on with its keys.
    let mut scfg = ServerConfig::new(&CHAIN, &k);
    scfg.renegotiation = None;
    established!(&ccfg, &scfg, client, server, out);
    client.renegotiate(NOW).unwrap();
    let mut o = Outcome::default();
    run(&mut client, &mut server, &mut o);
    assert_eq!(o.server_events, vec![Ev::RenegotiationRefused]);
    assert_eq!(o.client_events, vec![Ev::Alert(AlertLevel::Warning, AlertDescription::NoRenegotiation)]);
    assert!(!client.is_renegotiating());
    client.send(b"ok").unwrap();
    server.send(b"ok too").unwrap();
    run(&mut client, &mut server, &mut o);
    assert_eq!((o.server_data.as_slice(), o.client_data.as_slice()), (&b"ok"[..], &b"ok too"[..]));

    // Limits: one per connection; the second attempt is refused.
    let mut scfg = ServerConfig::new(&CHAIN, &k);
    scfg.renegotiation = Some(RenegotiationLimits { max_per_connection: 1, max_per_window: 10, window_ms: 60_000 });
    established!(&ccfg, &scfg, client, server, out);
    client.renegotiate(NOW).unwrap();
    let mut o = Outcome::default();
    run(&mut client, &mut server, &mut o);
    assert_eq!(done_count(&o.server_events), 1);
    client.renegotiate(NOW).unwrap();
    let mut o = Outcome::default();
    run(&mut client, &mut server, &mut o);
    assert_eq!(o.server_events, vec![Ev::RenegotiationRefused]);
    // A client that keeps trying past the refusals is cut off.
    let mut last = None;
    for _ in 0..6 {
        if client.renegotiate(NOW).is_err() {
            break;
        }
        let mut o = Outcome::default();
        run(&mut client, &mut server, &mut o);
        last = o.server_error;
        if last.is_some() {
            break;
        }
    }
    assert_eq!(last, Some(ErrorKind::UnexpectedMessage.into()));

    // Per window: two a minute.
    let mut scfg = ServerConfig::new(&CHAIN, &k);
    scfg.renegotiation = Some(RenegotiationLimits { max_per_connection: 100, max_per_window: 2, window_ms: 60_000 });
    established!(&ccfg, &scfg, client, server, out);
    for expect_done in [true, true, false] {
        client.renegotiate(NOW).unwrap();
        let mut o = Outcome::default();
        run(&mut client, &mut server, &mut o);
        if expect_done {
            assert_eq!((done_count(&o.client_events), done_count(&o.server_events)), (1, 1), "{o:?}");
        } else {
            // Refused with a no_renegotiation warning, not dropped silently.
            assert_eq!(o.server_events, vec![Ev::RenegotiationRefused], "{o:?}");
            assert_eq!((o.client_error, o.server_error), (None, None), "{o:?}");
        }
    }
    // After the window, allowed again.
    client.renegotiate(NOW).unwrap();
    let mut o = Outcome::default();
    run_at(&mut client, &mut server, &mut o, NOW.add_millis(61_000));
    assert_eq!(done_count(&o.server_events), 1, "{o:?}");
}

#[test]
fn hello_request_during_a_handshake_is_ignored_and_not_hashed() {
    let k = key();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let scfg = ServerConfig::new(&CHAIN, &k);
    pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
    let mut sink = Vec::new();
    transfer(&mut client, &mut server);
    drain(&mut server, &mut sink).unwrap();
    let mut recs = records(server.transmit_pending());
    let n = server.transmit_pending().len();
    server.transmit_done(n);
    recs.insert(1, record(22, &[0, 0, 0, 0]));
    client.feed(&recs.concat());
    // No event: ignored. The handshake still completes, so the transcripts
    // agree: the HelloRequest was not hashed.
    assert_eq!(drain(&mut client, &mut sink).unwrap(), vec![]);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    assert!(client.is_established() && server.is_established(), "{out:?}");
}

#[test]
fn hello_request_to_a_server_and_client_hello_to_a_client_are_refused() {
    let k = key();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let scfg = ServerConfig::new(&CHAIN, &k);
    let (mut srx, mut stx) = (vec![0; BUF], vec![0; BUF]);
    let mut r2 = TestRng::new(2);
    let mut server = ServerConnection::new(&scfg, &mut srx, &mut stx, &mut r2, NOW).unwrap();
    server.feed(&record(22, &[0, 0, 0, 0]));
    assert_eq!(server.poll_event(NOW), Err(ErrorKind::UnexpectedMessage.into()));

    let (mut crx, mut ctx) = (vec![0; BUF], vec![0; BUF]);
    let (mut ca, mut cb) = (vec![0; BUF], vec![0; BUF]);
    let (mut r1, mut r3) = (TestRng::new(1), TestRng::new(3));
    let mut client = ClientConnection::new(&ccfg, "localhost", &mut crx, &mut ctx, &mut r1, NOW).unwrap();
    // Another client's ClientHello sent to this client.
    let other = ClientConnection::new(&ccfg, "localhost", &mut ca, &mut cb, &mut r3, NOW).unwrap();
    client.feed(other.transmit_pending());
    assert_eq!(client.poll_event(NOW), Err(ErrorKind::UnexpectedMessage.into()));
}

#[test]
fn renegotiation_api_before_and_after_the_handshake() {
    let k = key();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let scfg = ServerConfig::new(&CHAIN, &k);
    let (mut crx, mut ctx) = (vec![0; BUF], vec![0; BUF]);
    let mut r1 = TestRng::new(1);
    let mut client = ClientConnection::new(&ccfg, "localhost", &mut crx, &mut ctx, &mut r1, NOW).unwrap();
    assert_eq!(client.renegotiate(NOW), Err(ErrorKind::InvalidState.into()));
    established!(&ccfg, &scfg, c2, s2, out);
    c2.close().unwrap();
    assert_eq!(c2.renegotiate(NOW), Err(ErrorKind::NoRenegotiation.into()));
    let _ = s2;
}

/// The time a renegotiation starts at is the caller's `now`: its handshake
/// deadline is `now` plus the timeout, not the time of an earlier call.
#[test]
fn renegotiation_deadlines_count_from_the_time_given() {
    let k = key();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let scfg = ServerConfig::new(&CHAIN, &k);
    established!(&ccfg, &scfg, client, server, out);
    let timeout = ccfg.handshake_timeout_ms.unwrap();
    let later = NOW.add_millis(3_600_000);
    assert_eq!(client.poll_timeout(), None);
    client.renegotiate(later).unwrap();
    assert_eq!(client.poll_timeout(), Some(later.add_millis(timeout)));
    // The server's request deadline is what it was given; its own clock
    // starts from `now` too.
    let deadline = later.add_millis(5_000);
    server.request_renegotiation(later, Some(deadline)).unwrap();
    assert_eq!(server.poll_timeout(), Some(deadline));
    assert_eq!(server.handle_timeout(later.add_millis(4_999)), Ok(()));
}

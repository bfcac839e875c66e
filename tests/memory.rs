//! Client and server in one process: every suite and group, big transfers,
//! close, small buffers, and refusals of what the RFC forbids.

mod common;

use common::memory::*;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::testing::TestRng;
use sansio_tls::*;

const BUF: usize = record::MAX_RECORD + 4096;

struct Fixture {
    key: SigningKey,
    chain: Vec<&'static [u8]>,
}

fn ecdsa() -> Fixture {
    Fixture { key: SigningKey::from_der(ECDSA_SERVER_KEY).unwrap(), chain: vec![ECDSA_SERVER, ECDSA_CA] }
}

/// Runs a whole handshake with the given configs and returns the outcome.
fn handshake(client_cfg: &ClientConfig<'_>, server_cfg: &ServerConfig<'_>, name: &str) -> Outcome {
    pair!(client, server, client_cfg, ClientParams::new(name), server_cfg, (1, 2), NOW);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    out
}

#[test]
fn every_ecdsa_suite_and_group() {
    let f = ecdsa();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let suites = [
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];
    for suite in suites {
        for group in [NamedGroup::X25519, NamedGroup::Secp256r1] {
            let s = [suite];
            let g = [group];
            let mut ccfg = ClientConfig::new(&verifier);
            ccfg.cipher_suites = &s;
            // The client offers both groups (P-256 also names the curve of
            // the server's ECDSA key, RFC 8422 §5.1.1); the server picks.
            let mut scfg = ServerConfig::new(&f.chain, &f.key);
            scfg.groups = &g;
            pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
            let mut out = Outcome::default();
            run(&mut client, &mut server, &mut out);
            let ci = done(&out.client_events).unwrap_or_else(|| panic!("{suite:?}/{group:?}: {out:?}"));
            let si = done(&out.server_events).unwrap();
            assert_eq!((ci.suite, si.suite), (suite, suite));
            assert_eq!((ci.group, si.group), (Some(group), Some(group)));
            assert!(ci.extended_master_secret && si.extended_master_secret);
            assert!(ci.secure_renegotiation && si.secure_renegotiation);
            assert!(!ci.resumed);
            assert_eq!(ci.version, 0x0303);
            assert!(ci.peer_cert_sha256.is_some());
            assert_eq!(si.peer_cert_sha256, None);

            // Data both ways.
            assert_eq!(client.send(b"ping").unwrap(), 4);
            assert_eq!(server.send(b"pong").unwrap(), 4);
            run(&mut client, &mut server, &mut out);
            assert_eq!(out.server_data, b"ping");
            assert_eq!(out.client_data, b"pong");

            // Close both ways with close_notify.
            client.close().unwrap();
            run(&mut client, &mut server, &mut out);
            assert_eq!(out.server_events.last(), Some(&Ev::Closed(CloseReason::CloseNotify)));
            assert_eq!(out.client_events.last(), Some(&Ev::Closed(CloseReason::CloseNotify)));
            assert_eq!(client.send(b"x"), Err(ErrorKind::Closed.into()));
            assert_eq!(server.send(b"x"), Err(ErrorKind::Closed.into()));
        }
    }
}

/// A pseudo-random stream for transfer checks.
fn pattern(n: usize, seed: u8) -> Vec<u8> {
    (0..n).map(|i| (i as u32).wrapping_mul(2654435761).rotate_left(seed as u32) as u8).collect()
}

#[test]
fn four_mib_both_ways_byte_for_byte() {
    let f = ecdsa();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let scfg = ServerConfig::new(&f.chain, &f.key);
    pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (3, 4), NOW);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    assert!(client.is_established() && server.is_established());

    let up = pattern(4 << 20, 3);
    let down = pattern(4 << 20, 11);
    let (mut up_off, mut down_off) = (0, 0);
    while up_off < up.len() || down_off < down.len() {
        up_off += client.send(&up[up_off..]).unwrap();
        down_off += server.send(&down[down_off..]).unwrap();
        run(&mut client, &mut server, &mut out);
    }
    assert!(out.client_error.is_none() && out.server_error.is_none(), "{:?}", (out.client_error, out.server_error));
    assert_eq!(out.server_data.len(), up.len());
    assert!(out.server_data == up, "upstream bytes differ");
    assert!(out.client_data == down, "downstream bytes differ");
}

#[test]
fn max_fragment_length_runs_in_small_buffers() {
    let f = ecdsa();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.max_fragment_length = Some(MaxFragmentLength::Bytes512);
    let scfg = ServerConfig::new(&f.chain, &f.key);
    // 512-byte records: the receive buffers hold one record plus the
    // largest handshake message (the server's ~1 KiB Certificate).
    let (mut crx, mut ctx, mut srx, mut stx) = (vec![0; 2048], vec![0; 2048], vec![0; 2048], vec![0; 2048]);
    let (mut r1, mut r2) = (TestRng::new(5), TestRng::new(6));
    let mut client = ClientConnection::new(&ccfg, "localhost", &mut crx, &mut ctx, &mut r1, NOW).unwrap();
    let mut server = ServerConnection::new(&scfg, &mut srx, &mut stx, &mut r2, NOW).unwrap();
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    let ci = done(&out.client_events).unwrap_or_else(|| panic!("{out:?}"));
    assert_eq!(ci.max_fragment_length, Some(MaxFragmentLength::Bytes512));
    let data = pattern(10_000, 1);
    let mut off = 0;
    while off < data.len() {
        off += server.send(&data[off..]).unwrap();
        // Every record the server writes respects the 512-byte limit.
        for rec in records(server.transmit_pending()) {
            assert!(rec.len() <= 5 + 8 + 512 + 16, "record of {} bytes", rec.len());
        }
        run(&mut client, &mut server, &mut out);
    }
    assert_eq!(out.client_data, data);
}

/// How one side of a handshake ended.
#[derive(Debug, PartialEq)]
enum End {
    /// It reported HandshakeDone.
    Done,
    /// It failed with this error.
    Failed(Error),
    /// Neither, when bytes stopped moving.
    Stalled,
}

/// A handshake against a server with `chain` and `key`, the client asking
/// for `name` at `now_secs`: how each side ended, client first.
fn cert_handshake(chain: Vec<&'static [u8]>, key: &[u8], name: &str, now_secs: u64) -> (End, End) {
    let key = SigningKey::from_der(key).unwrap();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let scfg = ServerConfig::new(&chain, &key);
    let now = Instant::from_secs(now_secs);
    pair!(client, server, &ccfg, ClientParams::new(name), &scfg, (1, 2), now);
    let mut out = Outcome::default();
    run_at(&mut client, &mut server, &mut out, now);
    let end = |err: Option<Error>, evs: &[Ev]| match (err, done(evs)) {
        (Some(e), _) => End::Failed(e),
        (None, Some(_)) => End::Done,
        (None, None) => End::Stalled,
    };
    (end(out.client_error, &out.client_events), end(out.server_error, &out.server_events))
}

#[test]
fn bad_certificates_are_refused_with_the_right_alert() {
    // Each refusal: the client's error, and the same alert received by the
    // server (so it was on the wire).
    let refused = |e: Error, a: AlertDescription| (End::Failed(e), End::Failed(ErrorKind::AlertReceived(a).into()));
    // Unknown CA: the client sends unknown_ca, the server reports it.
    assert_eq!(
        cert_handshake(vec![ECDSA_UNTRUSTED], ECDSA_UNTRUSTED_KEY, "localhost", 1_800_000_000),
        refused(ErrorKind::UnknownCa.into(), AlertDescription::UnknownCa)
    );
    // Wrong name.
    assert_eq!(
        cert_handshake(vec![ECDSA_SERVER], ECDSA_SERVER_KEY, "example.com", 1_800_000_000),
        refused(ErrorKind::BadCertificate.into(), AlertDescription::BadCertificate)
    );
    // Expired leaf.
    assert_eq!(
        cert_handshake(vec![ECDSA_EXPIRED], ECDSA_EXPIRED_KEY, "localhost", 1_800_000_000),
        refused(ErrorKind::CertificateExpired.into(), AlertDescription::CertificateExpired)
    );
    // The good chain at a time before it is valid.
    assert_eq!(
        cert_handshake(vec![ECDSA_SERVER], ECDSA_SERVER_KEY, "localhost", 1_000_000_000),
        refused(ErrorKind::CertificateExpired.into(), AlertDescription::CertificateExpired)
    );
    // The good chain: by name, and by IP address, both sides finish.
    assert_eq!(
        cert_handshake(vec![ECDSA_SERVER], ECDSA_SERVER_KEY, "localhost", 1_800_000_000),
        (End::Done, End::Done)
    );
    assert_eq!(
        cert_handshake(vec![ECDSA_SERVER], ECDSA_SERVER_KEY, "127.0.0.1", 1_800_000_000),
        (End::Done, End::Done)
    );
}

#[test]
fn no_common_suite_is_handshake_failure() {
    let f = ecdsa();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut ccfg = ClientConfig::new(&verifier);
    let rsa_only = [CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256];
    ccfg.cipher_suites = &rsa_only;
    let scfg = ServerConfig::new(&f.chain, &f.key);
    let out = handshake(&ccfg, &scfg, "localhost");
    assert_eq!(out.server_error, Some(ErrorKind::HandshakeFailure.into()));
    assert_eq!(out.client_error, Some(ErrorKind::AlertReceived(AlertDescription::HandshakeFailure).into()));
}

#[test]
fn ecdsa_server_needs_p256_in_supported_groups() {
    let f = ecdsa();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut ccfg = ClientConfig::new(&verifier);
    let x25519_only = [NamedGroup::X25519];
    ccfg.groups = &x25519_only;
    let scfg = ServerConfig::new(&f.chain, &f.key);
    let out = handshake(&ccfg, &scfg, "localhost");
    assert_eq!(out.server_error, Some(ErrorKind::HandshakeFailure.into()));
    assert_eq!(out.client_error, Some(ErrorKind::AlertReceived(AlertDescription::HandshakeFailure).into()));
}

#[test]
fn handshake_timeout_fires_from_caller_time() {
    let f = ecdsa();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.handshake_timeout_ms = Some(5_000);
    let _ = f;
    let (mut crx, mut ctx) = (vec![0; BUF], vec![0; BUF]);
    let mut r1 = TestRng::new(1);
    let mut client = ClientConnection::new(&ccfg, "localhost", &mut crx, &mut ctx, &mut r1, NOW).unwrap();
    assert_eq!(client.poll_timeout(), Some(NOW.add_millis(5_000)));
    assert_eq!(client.handle_timeout(NOW.add_millis(4_999)), Ok(()));
    let hello_len = client.transmit_pending().len();
    assert_eq!(client.handle_timeout(NOW.add_millis(5_000)), Err(ErrorKind::Timeout.into()));
    // A user_canceled alert follows the ClientHello.
    let pending = client.transmit_pending();
    assert_eq!(&pending[hello_len..], &[21, 3, 3, 0, 2, 2, 90]);
    assert_eq!(client.poll_event(NOW), Err(ErrorKind::Timeout.into()));
    assert_eq!(client.poll_timeout(), None);
}

/// How a handshake under [`tamper_server_flight`] ended.
#[derive(Debug, PartialEq)]
enum Tampered {
    /// Both sides reported HandshakeDone; the client's info.
    Done(HandshakeInfo),
    /// The client failed with `error` and sent `wire` in response (its
    /// alert); the server, fed those bytes, failed with `server`.
    Failed { error: Error, wire: Vec<u8>, server: Option<Error> },
    /// Neither: bytes stopped moving without an error or a finished
    /// handshake on both sides.
    Stalled { client_done: bool, server_done: bool },
}

/// Runs a handshake but lets `tamper` rewrite every flight the server
/// sends, record by record.
fn tamper_server_flight(tamper: impl Fn(usize, Vec<Vec<u8>>) -> Vec<Vec<u8>>) -> Tampered {
    let f = ecdsa();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let scfg = ServerConfig::new(&f.chain, &f.key);
    pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
    let mut sink = Vec::new();
    let (mut client_done, mut server_done) = (None, None);
    for flight in 0..3 {
        transfer(&mut client, &mut server);
        let evs = drain(&mut server, &mut sink).unwrap_or_else(|e| panic!("server failed: {e:?}"));
        server_done = server_done.or(done(&evs));
        let recs = records(server.transmit_pending());
        let n = server.transmit_pending().len();
        server.transmit_done(n);
        let bytes: Vec<u8> = tamper(flight, recs).concat();
        client.feed(&bytes);
        match drain(&mut client, &mut sink) {
            Ok(evs) => client_done = client_done.or(done(&evs)),
            Err(error) => {
                // Everything the client had before this flight went to the
                // server at the top of the loop: what is pending now is its
                // answer to the flight.
                let wire = client.transmit_pending().to_vec();
                assert_eq!(transfer(&mut client, &mut server), wire.len());
                let server = drain(&mut server, &mut sink).err();
                return Tampered::Failed { error, wire, server };
            }
        }
    }
    match (client_done, server_done) {
        (Some(info), Some(_)) => Tampered::Done(info),
        (c, s) => Tampered::Stalled { client_done: c.is_some(), server_done: s.is_some() },
    }
}

/// Asserts that the client refused with `error` and a fatal alert
/// `alert` in plaintext (7 bytes, before the keys changed), which the server
/// received as such.
fn assert_refused_in_clear(outcome: Tampered, error: Error, alert: AlertDescription) {
    assert_eq!(
        outcome,
        Tampered::Failed {
            error,
            wire: vec![21, 3, 3, 0, 2, 2, u8::from(alert)],
            server: Some(ErrorKind::AlertReceived(alert).into())
        }
    );
}

#[test]
fn forbidden_server_message_orders_are_refused() {
    // The server's first flight is ServerHello, Certificate,
    // ServerKeyExchange, ServerHelloDone, one record each.
    let unexpected =
        |e| assert_refused_in_clear(e, ErrorKind::UnexpectedMessage.into(), AlertDescription::UnexpectedMessage);
    // Untouched: the handshake completes.
    let Tampered::Done(info) = tamper_server_flight(|_, r| r) else { panic!("untampered handshake did not finish") };
    assert!(!info.resumed && info.peer_cert_sha256.is_some());
    // A stall is not a success: without the server's ChangeCipherSpec and
    // Finished the client never finishes, and says nothing.
    assert_eq!(
        tamper_server_flight(|f, r| if f == 1 { Vec::new() } else { r }),
        Tampered::Stalled { client_done: false, server_done: true }
    );
    // Certificate missing.
    unexpected(tamper_server_flight(|f, mut r| {
        if f == 0 {
            r.remove(1);
        }
        r
    }));
    // ServerKeyExchange missing.
    unexpected(tamper_server_flight(|f, mut r| {
        if f == 0 {
            r.remove(2);
        }
        r
    }));
    // ServerHello twice.
    unexpected(tamper_server_flight(|f, mut r| {
        if f == 0 {
            let sh = r[0].clone();
            r.insert(1, sh);
        }
        r
    }));
    // A ChangeCipherSpec before ServerHelloDone.
    unexpected(tamper_server_flight(|f, mut r| {
        if f == 0 {
            r.insert(2, record(20, &[1]));
        }
        r
    }));
    // Application data before the handshake.
    unexpected(tamper_server_flight(|f, mut r| {
        if f == 0 {
            r.insert(1, record(23, b"early"));
        }
        r
    }));
    // A flipped bit in the ServerKeyExchange signature: decrypt_error.
    let outcome = tamper_server_flight(|f, mut r| {
        if f == 0 {
            let ske = &mut r[2];
            let last = ske.len() - 3;
            ske[last] ^= 0x40;
        }
        r
    });
    assert_refused_in_clear(outcome, ErrorKind::DecryptError.into(), AlertDescription::DecryptError);
    // A flipped bit in the encrypted Finished: bad_record_mac.
    let outcome = tamper_server_flight(|f, mut r| {
        if f == 1 {
            let fin = r.last_mut().unwrap();
            let i = fin.len() - 1;
            fin[i] ^= 1;
        }
        r
    });
    let Tampered::Failed { error, wire, server } = outcome else { panic!("{outcome:?}") };
    assert_eq!(error, ErrorKind::BadRecordMac);
    // The alert goes out encrypted, alone: a 2-byte alert in an AES-GCM
    // record (8-byte explicit nonce, 16-byte tag), which the server
    // decrypts as bad_record_mac.
    assert_eq!(wire.len(), 5 + 8 + 2 + 16, "{wire:?}");
    assert_eq!(&wire[..5], &[21, 3, 3, 0, 26]);
    assert_eq!(server, Some(ErrorKind::AlertReceived(AlertDescription::BadRecordMac).into()));
    // Handshake message split over records, and two messages in one
    // record, are both fine: the handshake completes.
    let outcome = tamper_server_flight(|f, r| {
        if f != 0 {
            return r;
        }
        let mut payload = Vec::new();
        for rec in &r {
            payload.extend_from_slice(&rec[5..]);
        }
        payload.chunks(7).map(|c| record(22, c)).collect()
    });
    assert!(matches!(outcome, Tampered::Done(_)), "{outcome:?}");
    let outcome = tamper_server_flight(|f, r| {
        if f != 0 {
            return r;
        }
        let payload: Vec<u8> = r.iter().flat_map(|rec| rec[5..].to_vec()).collect();
        vec![record(22, &payload)]
    });
    assert!(matches!(outcome, Tampered::Done(_)), "{outcome:?}");
}

#[test]
fn fatal_error_is_sticky_and_nothing_more_is_processed() {
    let f = ecdsa();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let scfg = ServerConfig::new(&f.chain, &f.key);
    let _ = verifier;
    let (mut srx, mut stx) = (vec![0; BUF], vec![0; BUF]);
    let mut r2 = TestRng::new(2);
    let mut server = ServerConnection::new(&scfg, &mut srx, &mut stx, &mut r2, NOW).unwrap();
    // A Finished as the first message.
    server.feed(&record(22, &[20, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    assert_eq!(server.poll_event(NOW), Err(ErrorKind::UnexpectedMessage.into()));
    assert_eq!(server.transmit_pending(), &[21, 3, 3, 0, 2, 2, 10]);
    assert_eq!(server.feed(&[22, 3, 3, 0, 1, 1]), 0);
    assert_eq!(server.poll_event(NOW), Err(ErrorKind::UnexpectedMessage.into()));
    assert_eq!(server.send(b"x"), Err(ErrorKind::UnexpectedMessage.into()));
    assert_eq!(server.close(), Err(ErrorKind::UnexpectedMessage.into()));
    // Exactly one alert was queued.
    assert_eq!(server.transmit_pending().len(), 7);
}

#[test]
fn truncation_is_reported_as_such() {
    let f = ecdsa();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let scfg = ServerConfig::new(&f.chain, &f.key);
    pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    client.receive_eof();
    let mut sink = Vec::new();
    assert_eq!(drain(&mut client, &mut sink).unwrap(), vec![Ev::Closed(CloseReason::Truncated)]);
    assert!(client.is_closed());
}

#[test]
fn warning_alerts_are_reported_and_the_connection_goes_on() {
    let f = ecdsa();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let scfg = ServerConfig::new(&f.chain, &f.key);
    pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
    // Before keys: a plaintext warning alert on the ClientHello's heels.
    let mut sink = Vec::new();
    transfer(&mut client, &mut server);
    server.feed(&record(21, &[1, 90]));
    let evs = drain(&mut server, &mut sink).unwrap();
    assert_eq!(evs, vec![Ev::Alert(AlertLevel::Warning, AlertDescription::UserCanceled)]);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    assert!(client.is_established() && server.is_established());
    // After the ClientHello, an alert whose level is unknown is
    // illegal_parameter and a one-byte alert unexpected_message; before it,
    // any alert is unexpected_message (as OpenSSL and GnuTLS answer).
    let cases: [(bool, &[u8], Error); 4] = [
        (true, &[3, 0], ErrorKind::IllegalParameter.into()),
        (true, &[1], ErrorKind::UnexpectedMessage.into()),
        (false, &[1, 90], ErrorKind::UnexpectedMessage.into()),
        (false, &[2, 40], ErrorKind::UnexpectedMessage.into()),
    ];
    for (after_hello, alert, err) in cases {
        pair!(c2, s2, &ccfg, ClientParams::new("localhost"), &scfg, (3, 4), NOW);
        if after_hello {
            transfer(&mut c2, &mut s2);
        }
        s2.feed(&record(21, alert));
        let mut sink = Vec::new();
        assert_eq!(drain(&mut s2, &mut sink), Err(err), "{alert:?} after_hello={after_hello}");
        let wire = [21, 3, 3, 0, 2, 2, err.alert().unwrap().to_wire()];
        assert!(s2.transmit_pending().ends_with(&wire), "{alert:?} after_hello={after_hello}");
    }
}

#[test]
fn every_rsa_suite_and_group() {
    const RSA_SERVER: &[u8] = include_bytes!("../vectors/pki/rsa-server.der");
    let key = SigningKey::from_der(include_bytes!("../vectors/pki/rsa-server.key.der")).unwrap();
    let chain: [&[u8]; 2] = [RSA_SERVER, RSA_CA];
    let roots = [trust_anchor_from_der(RSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    for suite in [
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ] {
        for group in [NamedGroup::X25519, NamedGroup::Secp256r1] {
            let (s, g) = ([suite], [group]);
            let mut ccfg = ClientConfig::new(&verifier);
            ccfg.cipher_suites = &s;
            ccfg.groups = &g;
            let mut scfg = ServerConfig::new(&chain, &key);
            scfg.groups = &g;
            let out = handshake(&ccfg, &scfg, "localhost");
            let ci = done(&out.client_events).unwrap_or_else(|| panic!("{suite:?}/{group:?}: {out:?}"));
            assert_eq!((ci.suite, ci.group), (suite, Some(group)));
            assert!(ci.extended_master_secret && ci.secure_renegotiation);
        }
    }
}

/// A verifier that wraps the default one and overrides one failure: an
/// unknown CA is accepted when the end-entity is the pinned certificate.
struct PinningVerifier<'a> {
    inner: WebPkiServerVerifier<'a>,
    pinned_sha256: [u8; 32],
    seen: std::sync::Mutex<Option<Error>>,
}

impl cert::ServerCertVerifier for PinningVerifier<'_> {
    fn verify_server_cert(&self, chain: &[cert::CertificateDer<'_>], name: &str, now: u64) -> Result<(), Error> {
        match self.inner.verify_server_cert(chain, name, now) {
            Err(e) if e.kind() == ErrorKind::UnknownCa => {
                *self.seen.lock().unwrap() = Some(ErrorKind::UnknownCa.into());
                let digest = crypto::hash(crypto::HashAlg::Sha256, &chain[0]);
                if digest.as_ref() == self.pinned_sha256 { Ok(()) } else { Err(ErrorKind::UnknownCa.into()) }
            }
            other => other,
        }
    }
}

#[test]
fn a_wrapping_verifier_sees_the_precise_failure_and_may_override_it() {
    let key = SigningKey::from_der(ECDSA_UNTRUSTED_KEY).unwrap();
    let chain: [&[u8]; 1] = [ECDSA_UNTRUSTED];
    let scfg = ServerConfig::new(&chain, &key);
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    for (pin, ok) in [(ECDSA_UNTRUSTED, true), (ECDSA_SERVER, false)] {
        let mut pinned_sha256 = [0u8; 32];
        pinned_sha256.copy_from_slice(crypto::hash(crypto::HashAlg::Sha256, pin).as_ref());
        let verifier =
            PinningVerifier { inner: WebPkiServerVerifier::new(&roots), pinned_sha256, seen: Default::default() };
        let ccfg = ClientConfig::new(&verifier);
        let out = handshake(&ccfg, &scfg, "localhost");
        assert_eq!(*verifier.seen.lock().unwrap(), Some(ErrorKind::UnknownCa.into()));
        if ok {
            assert_eq!((out.client_error, out.server_error), (None, None), "{out:?}");
            assert!(done(&out.client_events).is_some() && done(&out.server_events).is_some(), "{out:?}");
        } else {
            assert_eq!(out.client_error, Some(ErrorKind::UnknownCa.into()), "{out:?}");
            assert_eq!(out.server_error, Some(ErrorKind::AlertReceived(AlertDescription::UnknownCa).into()), "{out:?}");
        }
    }
}

#[test]
fn buffers_too_small_are_refused_up_front() {
    let f = ecdsa();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let scfg = ServerConfig::new(&f.chain, &f.key);
    let (mut a, mut b) = (vec![0; 100], vec![0; BUF]);
    let mut r = TestRng::new(1);
    assert_eq!(
        ClientConnection::new(&ccfg, "localhost", &mut a, &mut b, &mut r, NOW).err(),
        Some(ErrorKind::BufferTooSmall.into())
    );
    assert_eq!(ServerConnection::new(&scfg, &mut b, &mut a, &mut r, NOW).err(), Some(ErrorKind::BufferTooSmall.into()));
}

#[test]
fn alpn_is_negotiated_by_server_preference() {
    let f = ecdsa();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let offered: [&[u8]; 2] = [b"h2", b"http/1.1"];
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.alpn_protocols = (&offered).into();
    for (server_list, want) in [
        (&[&b"http/1.1"[..], b"h2"][..], Ok(Some(&b"http/1.1"[..]))),
        (&[&b"h2"[..]][..], Ok(Some(&b"h2"[..]))),
        (&[][..], Ok(None)),
        (&[&b"spdy/3"[..]][..], Err(ErrorKind::NoApplicationProtocol.into())),
    ] {
        let mut scfg = ServerConfig::new(&f.chain, &f.key);
        scfg.alpn_protocols = server_list.into();
        pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
        let mut out = Outcome::default();
        run(&mut client, &mut server, &mut out);
        match want {
            Ok(p) => {
                assert!(done(&out.client_events).is_some() && done(&out.server_events).is_some(), "{out:?}");
                assert_eq!((client.alpn_protocol(), server.alpn_protocol()), (p, p), "{out:?}");
            }
            Err(e) => {
                assert_eq!(out.server_error, Some(e));
                assert_eq!(
                    out.client_error,
                    Some(ErrorKind::AlertReceived(AlertDescription::NoApplicationProtocol).into())
                );
            }
        }
    }
    // A client that offered nothing gets nothing, whatever the server has.
    let plain = ClientConfig::new(&verifier);
    let list: [&[u8]; 1] = [b"h2"];
    let mut scfg = ServerConfig::new(&f.chain, &f.key);
    scfg.alpn_protocols = (&list).into();
    pair!(client, server, &plain, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    assert!(client.is_established() && server.is_established());
    assert_eq!((client.alpn_protocol(), server.alpn_protocol()), (None, None));
}

//! The algorithm features (`rsa`, `x25519`, `chacha20`, `aes256`) decide
//! what a connection offers and accepts: a suite, group or signature scheme
//! not compiled in is never offered (not even when the application lists
//! it) and is refused with the RFC's alert when a peer picks it. Without
//! `tickets` a client offers no SessionTicket extension and keeps no ticket
//! slot, and a server config with ticket keys is refused.
//!
//! Every test here holds whatever the feature set, so the file runs in the
//! default suite (everything on) and, from `.ci/run`, in reduced builds
//! (`cargo test --no-default-features --features client,server,... --test
//! features`), where the "not compiled in" branches are the ones checked.

use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::config::{DEFAULT_GROUPS, DEFAULT_SIGNATURE_SCHEMES};
use sansio_tls::suites::DEFAULT_SUITES;
use sansio_tls::testing::TestRng;
use sansio_tls::{CipherSuite, ClientConfig, ClientConnection, ErrorKind, Instant, NamedGroup, SignatureScheme};

const NOW: Instant = Instant::from_secs(1_800_000_000);
const CA: &[u8] = include_bytes!("../vectors/pki/ecdsa-ca.der");

/// Every suite the crate knows, whatever the build.
const EVERY_SUITE: &[CipherSuite] = &[
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
];

/// Whether this build implements `suite`, from the feature flags alone.
fn compiled_in(suite: CipherSuite) -> bool {
    let name = format!("{suite:?}");
    (!name.contains("RSA") || cfg!(feature = "rsa"))
        && (!name.contains("CHACHA20") || cfg!(feature = "chacha20"))
        && (!name.contains("AES_256") || cfg!(feature = "aes256"))
}

/// What a ClientHello record offers: suites, groups, signature schemes.
struct Offer {
    suites: Vec<u16>,
    groups: Vec<u16>,
    schemes: Vec<u16>,
    /// Every extension type, in order.
    extensions: Vec<u16>,
}

fn u16s(b: &[u8]) -> Vec<u16> {
    b.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect()
}

/// Parses one plaintext ClientHello record (the test's own reader, so that
/// it does not trust the crate's).
fn parse_client_hello(record: &[u8]) -> Offer {
    assert_eq!(record[0], 22, "a handshake record");
    assert_eq!(record[5], 1, "a ClientHello");
    let body = &record[9..];
    let mut at = 2 + 32;
    at += 1 + body[at] as usize; // session_id
    let n = u16::from_be_bytes([body[at], body[at + 1]]) as usize;
    let suites = u16s(&body[at + 2..at + 2 + n]);
    at += 2 + n;
    at += 1 + body[at] as usize; // compression methods
    let end = at + 2 + u16::from_be_bytes([body[at], body[at + 1]]) as usize;
    at += 2;
    let (mut groups, mut schemes, mut extensions) = (Vec::new(), Vec::new(), Vec::new());
    while at < end {
        let typ = u16::from_be_bytes([body[at], body[at + 1]]);
        extensions.push(typ);
        let len = u16::from_be_bytes([body[at + 2], body[at + 3]]) as usize;
        let ext = &body[at + 4..at + 4 + len];
        match typ {
            10 => groups = u16s(&ext[2..]),
            13 => schemes = u16s(&ext[2..]),
            _ => {}
        }
        at += 4 + len;
    }
    Offer { suites, groups, schemes, extensions }
}

/// A ServerHello record choosing `suite`, with no extensions.
fn server_hello(suite: CipherSuite) -> Vec<u8> {
    let mut body = vec![3, 3];
    body.extend_from_slice(&[0x5e; 32]);
    body.push(0);
    body.extend_from_slice(&suite.to_wire().to_be_bytes());
    body.push(0);
    let mut msg = vec![2, 0, 0, body.len() as u8];
    msg.extend_from_slice(&body);
    let mut record = vec![22, 3, 3, 0, msg.len() as u8];
    record.extend_from_slice(&msg);
    record
}

/// A fatal alert record (RFC 5246 §7.2) with `description`.
fn fatal_alert(description: u8) -> [u8; 7] {
    [21, 3, 3, 0, 2, 2, description]
}

#[test]
fn defaults_list_only_what_is_compiled_in() {
    for suite in EVERY_SUITE {
        assert_eq!(DEFAULT_SUITES.contains(suite), compiled_in(*suite), "{suite:?}");
    }
    assert_eq!(DEFAULT_GROUPS.contains(&NamedGroup::X25519), cfg!(feature = "x25519"));
    assert_eq!(DEFAULT_GROUPS.contains(&NamedGroup::Secp384r1), cfg!(feature = "p384"));
    assert!(DEFAULT_GROUPS.contains(&NamedGroup::Secp256r1));
    for scheme in DEFAULT_SIGNATURE_SCHEMES {
        let name = format!("{scheme:?}");
        assert!(!name.starts_with("RSA") || cfg!(feature = "rsa"), "{name}");
        assert!(name.ends_with("SHA256") || cfg!(feature = "sha384"), "{name}");
    }
    assert_eq!(DEFAULT_SIGNATURE_SCHEMES.contains(&SignatureScheme::RSA_PSS_SHA256), cfg!(feature = "rsa"));
    if !cfg!(any(feature = "rsa", feature = "x25519", feature = "chacha20", feature = "aes256", feature = "p384")) {
        // The minimal client: ECDHE-ECDSA on P-256 with AES-128-GCM-SHA256.
        assert_eq!(DEFAULT_SUITES, [CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]);
        assert_eq!(DEFAULT_GROUPS, [NamedGroup::Secp256r1]);
        assert_eq!(DEFAULT_SIGNATURE_SCHEMES, [SignatureScheme::ECDSA_NISTP256_SHA256]);
    }
}

/// A client configured with every suite offers only those compiled in,
/// and only the groups compiled in.
#[test]
fn client_never_offers_what_is_not_compiled_in() {
    let roots = [trust_anchor_from_der(CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut config = ClientConfig::new(&verifier);
    config.cipher_suites = EVERY_SUITE;
    let groups = [NamedGroup::X25519, NamedGroup::Secp256r1, NamedGroup::Secp384r1];
    config.groups = &groups;
    let (mut rx, mut tx) = ([0u8; 4096], [0u8; 4096]);
    let mut rng = TestRng::new(7);
    let client = ClientConnection::new(&config, "localhost", &mut rx[..], &mut tx[..], &mut rng, NOW).unwrap();
    let offer = parse_client_hello(client.transmit_pending());
    let want: Vec<u16> = EVERY_SUITE.iter().filter(|s| compiled_in(**s)).map(|s| s.to_wire()).collect();
    assert_eq!(offer.suites, want);
    assert_eq!(offer.groups.contains(&NamedGroup::X25519.to_wire()), cfg!(feature = "x25519"));
    assert_eq!(offer.groups.contains(&NamedGroup::Secp384r1.to_wire()), cfg!(feature = "p384"));
    assert!(offer.groups.contains(&NamedGroup::Secp256r1.to_wire()));
    let defaults: Vec<u16> = DEFAULT_SIGNATURE_SCHEMES.iter().map(|s| s.to_wire()).collect();
    assert_eq!(offer.schemes, defaults);
}

/// A server choosing a suite this build does not implement gets
/// illegal_parameter (RFC 5246 §7.4.1.3: a suite the client did not offer),
/// even when the application's list names it.
#[test]
fn client_refuses_a_suite_not_compiled_in() {
    let roots = [trust_anchor_from_der(CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut config = ClientConfig::new(&verifier);
    config.cipher_suites = EVERY_SUITE;
    let mut refused = 0;
    for suite in EVERY_SUITE.iter().copied().filter(|s| !compiled_in(*s)) {
        let (mut rx, mut tx) = ([0u8; 4096], [0u8; 4096]);
        let mut rng = TestRng::new(8);
        let mut client = ClientConnection::new(&config, "localhost", &mut rx[..], &mut tx[..], &mut rng, NOW).unwrap();
        let hello = client.transmit_pending().len();
        client.transmit_done(hello);
        let record = server_hello(suite);
        assert_eq!(client.feed(&record), record.len());
        let err = client.poll_event(NOW).unwrap_err();
        assert_eq!(err, ErrorKind::IllegalParameter, "{suite:?}: {err}");
        assert_eq!(client.transmit_pending(), fatal_alert(47), "{suite:?}");
        refused += 1;
    }
    assert_eq!(refused, EVERY_SUITE.iter().filter(|s| !compiled_in(**s)).count());
}

/// A ClientHello offering only `suite`, the groups `group` and secp256r1,
/// and the ECDSA-SHA256 and RSA-PSS-SHA256 schemes.
#[cfg(feature = "server")]
fn client_hello_offering(suite: CipherSuite, group: NamedGroup) -> Vec<u8> {
    fn ext(out: &mut Vec<u8>, typ: u16, body: &[u8]) {
        out.extend_from_slice(&typ.to_be_bytes());
        out.extend_from_slice(&(body.len() as u16).to_be_bytes());
        out.extend_from_slice(body);
    }
    let mut body = vec![3, 3];
    body.extend_from_slice(&[0x42; 32]);
    body.push(0);
    body.extend_from_slice(&[0, 2]);
    body.extend_from_slice(&suite.to_wire().to_be_bytes());
    body.extend_from_slice(&[1, 0]);
    let mut exts = Vec::new();
    // In TLS 1.2 supported_groups also names the curves of certificates
    // the client can verify (RFC 8422 §5.1.1): P-256 for the test server's.
    let g = group.to_wire().to_be_bytes();
    let p = NamedGroup::Secp256r1.to_wire().to_be_bytes();
    ext(&mut exts, 10, &[0, 4, g[0], g[1], p[0], p[1]]);
    ext(&mut exts, 11, &[1, 0]);
    ext(&mut exts, 13, &[0, 4, 4, 3, 8, 4]);
    ext(&mut exts, 23, &[]);
    ext(&mut exts, 0xff01, &[0]);
    body.extend_from_slice(&(exts.len() as u16).to_be_bytes());
    body.extend_from_slice(&exts);
    let mut msg = vec![1, 0];
    msg.extend_from_slice(&(body.len() as u16).to_be_bytes());
    msg.extend_from_slice(&body);
    let mut record = vec![22, 3, 3];
    record.extend_from_slice(&(msg.len() as u16).to_be_bytes());
    record.extend_from_slice(&msg);
    record
}

/// A server (ECDSA certificate) answers a ClientHello whose only suite, or
/// only group, is not compiled in with handshake_failure (RFC 5246
/// §7.4.1.3: no acceptable choice); with the suite and group compiled in,
/// it answers with a ServerHello.
#[cfg(feature = "server")]
#[test]
fn server_refuses_a_suite_or_group_not_compiled_in() {
    use sansio_tls::crypto::SigningKey;
    use sansio_tls::{ServerConfig, ServerConnection};
    let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der")).unwrap();
    let chain: [&[u8]; 1] = [include_bytes!("../vectors/pki/ecdsa-server.der")];
    let ecdsa_suites = EVERY_SUITE.iter().copied().filter(|s| !format!("{s:?}").contains("RSA"));
    let cases = ecdsa_suites.map(|s| (s, NamedGroup::Secp256r1, compiled_in(s))).chain([
        (CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, NamedGroup::X25519, cfg!(feature = "x25519")),
        (CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, NamedGroup::Secp384r1, cfg!(feature = "p384")),
    ]);
    for (suite, group, supported) in cases {
        // The server's only group is the one under test.
        let groups = [group];
        let mut config = ServerConfig::new(&chain, &key);
        config.cipher_suites = EVERY_SUITE;
        config.groups = &groups;
        let (mut rx, mut tx) = ([0u8; 8192], [0u8; 8192]);
        let mut rng = TestRng::new(9);
        let mut server = ServerConnection::new(&config, &mut rx[..], &mut tx[..], &mut rng, NOW).unwrap();
        let hello = client_hello_offering(suite, group);
        assert_eq!(server.feed(&hello), hello.len());
        let result = server.poll_event(NOW);
        if supported {
            assert!(matches!(result, Ok(None)), "{suite:?} {group:?}: {result:?}");
            let flight = server.transmit_pending();
            assert_eq!((flight[0], flight[5]), (22, 2), "{suite:?} {group:?}: a ServerHello");
        } else {
            let err = result.unwrap_err();
            assert_eq!(err, ErrorKind::HandshakeFailure, "{suite:?} {group:?}: {err}");
            assert_eq!(server.transmit_pending(), fatal_alert(40), "{suite:?} {group:?}");
        }
    }
}

/// The SessionTicket extension (RFC 5077) is offered exactly when the
/// `tickets` feature is on (the config asks for it by default), and the
/// ticket slot of a client session is there only then.
#[test]
fn tickets_are_offered_only_with_the_feature() {
    let roots = [trust_anchor_from_der(CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let config = ClientConfig::new(&verifier);
    assert!(config.session_tickets);
    let (mut rx, mut tx) = ([0u8; 4096], [0u8; 4096]);
    let mut rng = TestRng::new(8);
    let client = ClientConnection::new(&config, "localhost", &mut rx[..], &mut tx[..], &mut rng, NOW).unwrap();
    let offer = parse_client_hello(client.transmit_pending());
    assert_eq!(offer.extensions.contains(&35), cfg!(feature = "tickets"), "{:?}", offer.extensions);
    assert_eq!(sansio_tls::session::MAX_TICKET_LEN, if cfg!(feature = "tickets") { 512 } else { 0 });
}

/// A server config with ticket keys makes connections only in a build with
/// `tickets`; without it the connection is refused with a reason, not left
/// to resume nothing silently.
#[cfg(feature = "server")]
#[test]
fn ticket_keys_need_the_tickets_feature() {
    use sansio_tls::session::{TicketKey, TicketKeys};
    use sansio_tls::{ServerConfig, ServerConnection, crypto::SigningKey};
    let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der")).unwrap();
    let chain: [&[u8]; 1] = [include_bytes!("../vectors/pki/ecdsa-server.der")];
    let tkey = TicketKey { name: [1; 16], key: [2; 32] };
    let mut config = ServerConfig::new(&chain, &key);
    config.ticket_keys = Some(TicketKeys { current: &tkey, previous: &[], lifetime_secs: 600 });
    let (mut rx, mut tx) = ([0u8; 4096], [0u8; 4096]);
    let mut rng = TestRng::new(9);
    let made = ServerConnection::new(&config, &mut rx[..], &mut tx[..], &mut rng, NOW);
    if cfg!(feature = "tickets") {
        assert!(made.is_ok());
    } else {
        let err = made.expect_err("refused without the tickets feature");
        assert_eq!(err.kind(), ErrorKind::InvalidState);
        assert!(format!("{err}").contains("tickets"), "{err}");
    }
}

/// Without `renegotiation`, `renegotiate` and `request_renegotiation` say
/// the feature is missing (a `NoRenegotiation` error, not fatal: the
/// connection stays open); with it they start one.
#[cfg(all(feature = "client", feature = "server"))]
#[test]
fn renegotiation_needs_the_feature() {
    use sansio_tls::{ServerConfig, ServerConnection, crypto::SigningKey};
    let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der")).unwrap();
    let chain: [&[u8]; 1] = [include_bytes!("../vectors/pki/ecdsa-server.der")];
    let roots = [trust_anchor_from_der(CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let (ccfg, scfg) = (ClientConfig::new(&verifier), ServerConfig::new(&chain, &key));
    let (mut crx, mut ctx, mut srx, mut stx) =
        (vec![0u8; 20_000], vec![0u8; 20_000], vec![0u8; 20_000], vec![0u8; 20_000]);
    let (mut r1, mut r2) = (TestRng::new(10), TestRng::new(11));
    let mut client = ClientConnection::new(&ccfg, "localhost", &mut crx[..], &mut ctx[..], &mut r1, NOW).unwrap();
    let mut server = ServerConnection::new(&scfg, &mut srx[..], &mut stx[..], &mut r2, NOW).unwrap();
    for _ in 0..10 {
        let n = server.feed(client.transmit_pending());
        client.transmit_done(n);
        while server.poll_event(NOW).unwrap().is_some() {}
        let n = client.feed(server.transmit_pending());
        server.transmit_done(n);
        while client.poll_event(NOW).unwrap().is_some() {}
    }
    assert!(client.is_established() && server.is_established());
    assert!(client.secure_renegotiation(), "RFC 5746 is negotiated either way");
    let (c, s) = (client.renegotiate(NOW), server.request_renegotiation(NOW, None));
    if cfg!(feature = "renegotiation") {
        assert!(c.is_ok() && s.is_ok(), "{c:?} {s:?}");
    } else {
        for e in [c.unwrap_err(), s.unwrap_err()] {
            assert_eq!(e.kind(), ErrorKind::NoRenegotiation);
            assert!(format!("{e}").contains("`renegotiation` feature"), "{e}");
        }
        assert!(client.is_established() && server.is_established(), "not fatal");
    }
}

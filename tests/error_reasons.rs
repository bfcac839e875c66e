//! The errors people hit most say why (issue 9): the exact text of each,
//! provoked through real in-memory handshakes.

mod common;

use common::memory::*;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::testing::TestRng;
use sansio_tls::*;

const BUF: usize = record::MAX_RECORD + 4096;

/// A CA that signed none of the server certificates.
const UNTRUSTED_CA: &[u8] = include_bytes!("../vectors/pki/untrusted-ca.der");

/// 2046-01-01T00:00:00Z, a year after the server certificate's notAfter.
const AFTER_NOT_AFTER: Instant = Instant::from_secs(2_398_377_600);

/// A handshake of a client trusting `root`, with `tune` applied to its
/// config, against the ECDSA test server with `tune_server` applied; the
/// client's receive buffer has `client_rx` bytes.
fn handshake(
    root: &[u8],
    name: &str,
    now: Instant,
    client_rx: usize,
    tune: impl FnOnce(&mut ClientConfig<'_>),
    tune_server: impl FnOnce(&mut ServerConfig<'_>),
) -> Outcome {
    let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let chain = [ECDSA_SERVER, ECDSA_CA];
    let roots = [trust_anchor_from_der(root).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut ccfg = ClientConfig::new(&verifier);
    tune(&mut ccfg);
    let mut scfg = ServerConfig::new(&chain, &key);
    tune_server(&mut scfg);
    let (mut crx, mut ctx, mut srx, mut stx) = (vec![0; client_rx], vec![0; BUF], vec![0; BUF], vec![0; BUF]);
    let (mut r1, mut r2) = (TestRng::new(1), TestRng::new(2));
    let mut client = ClientConnection::new(&ccfg, name, &mut crx, &mut ctx, &mut r1, now).unwrap();
    let mut server = ServerConnection::new(&scfg, &mut srx, &mut stx, &mut r2, now).unwrap();
    // Like `run_at`, but settles as soon as no bytes move: a client that
    // failed on a too-small buffer leaves the server's flight unread.
    let mut out = Outcome::default();
    for _ in 0..1000 {
        let mut moved = transfer(&mut client, &mut server);
        if out.server_error.is_none() {
            match drain_at(&mut server, &mut out.server_data, now) {
                Ok(e) => out.server_events.extend(e),
                Err(e) => out.server_error = Some(e),
            }
        }
        moved += transfer(&mut server, &mut client);
        if out.client_error.is_none() {
            match drain_at(&mut client, &mut out.client_data, now) {
                Ok(e) => out.client_events.extend(e),
                Err(e) => out.client_error = Some(e),
            }
        }
        moved += transfer(&mut client, &mut server);
        if moved == 0 {
            return out;
        }
    }
    panic!("connections did not settle: {out:?}");
}

/// `e` is of `kind`, prints `text`, and its reason is a specific one, not
/// the kind's fallback.
#[track_caller]
fn assert_says(e: Option<Error>, kind: ErrorKind, text: &str) {
    let e = e.expect("the handshake should have failed");
    assert_eq!(e.kind(), kind, "{e}");
    assert_eq!(e.to_string(), text);
    assert!(!e.reason().is_empty());
    assert_ne!(e.reason(), Error::from(kind).reason(), "{kind:?} gave only its default reason");
}

/// The peer learned of the failure from the alert on the wire.
#[track_caller]
fn assert_alerted(e: Option<Error>, alert: AlertDescription, text: &str) {
    let e = e.expect("the peer should have failed");
    assert_eq!(e.kind(), ErrorKind::AlertReceived(alert));
    assert_eq!(e.to_string(), text);
}

#[test]
fn name_mismatch() {
    let out = handshake(ECDSA_CA, "example.com", NOW, BUF, |_| {}, |_| {});
    assert_says(
        out.client_error,
        ErrorKind::BadCertificate,
        "certificate not valid for the server name (sends bad_certificate)",
    );
    assert_alerted(out.server_error, AlertDescription::BadCertificate, "peer sent fatal alert bad_certificate");
}

#[test]
fn unknown_ca() {
    let out = handshake(UNTRUSTED_CA, "localhost", NOW, BUF, |_| {}, |_| {});
    assert_says(
        out.client_error,
        ErrorKind::UnknownCa,
        "certificate chain does not lead to a trusted root (sends unknown_ca)",
    );
    assert_alerted(out.server_error, AlertDescription::UnknownCa, "peer sent fatal alert unknown_ca");
}

#[test]
fn expired() {
    let out = handshake(ECDSA_CA, "localhost", AFTER_NOT_AFTER, BUF, |_| {}, |_| {});
    assert_says(out.client_error, ErrorKind::CertificateExpired, "certificate expired (sends certificate_expired)");
    assert_alerted(out.server_error, AlertDescription::CertificateExpired, "peer sent fatal alert certificate_expired");
    // Before notBefore is its own reason.
    let out = handshake(ECDSA_CA, "localhost", Instant::from_secs(1_000_000_000), BUF, |_| {}, |_| {});
    assert_says(
        out.client_error,
        ErrorKind::CertificateExpired,
        "certificate not yet valid (sends certificate_expired)",
    );
}

#[test]
fn no_common_suite() {
    // The server's certificate is ECDSA; the client offers only RSA suites.
    const RSA_ONLY: &[CipherSuite] = &[CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256];
    let out = handshake(ECDSA_CA, "localhost", NOW, BUF, |c| c.cipher_suites = RSA_ONLY, |_| {});
    assert_says(out.server_error, ErrorKind::HandshakeFailure, "no cipher suite in common (sends handshake_failure)");
    assert_alerted(out.client_error, AlertDescription::HandshakeFailure, "peer sent fatal alert handshake_failure");
}

#[test]
fn no_common_group_scheme_or_curve() {
    // The other things a server's choice can find nothing in common on.
    const P256: &[NamedGroup] = &[NamedGroup::Secp256r1];
    const X25519: &[NamedGroup] = &[NamedGroup::X25519];
    let out = handshake(ECDSA_CA, "localhost", NOW, BUF, |c| c.groups = P256, |s| s.groups = X25519);
    assert_says(out.server_error, ErrorKind::HandshakeFailure, "no ECDHE group in common (sends handshake_failure)");

    const RSA_SCHEMES: &[SignatureScheme] = &[SignatureScheme::RSA_PSS_SHA256];
    let out = handshake(ECDSA_CA, "localhost", NOW, BUF, |c| c.signature_schemes = RSA_SCHEMES, |_| {});
    assert_says(
        out.server_error,
        ErrorKind::HandshakeFailure,
        "no signature scheme in common (sends handshake_failure)",
    );

    // X25519 in common, but the client cannot verify on the certificate's
    // curve (P-256, RFC 8422 §5.1.1).
    let out = handshake(ECDSA_CA, "localhost", NOW, BUF, |c| c.groups = X25519, |_| {});
    assert_says(
        out.server_error,
        ErrorKind::HandshakeFailure,
        "client's supported_groups lack the curve of every certificate it could use (sends handshake_failure)",
    );
}

#[test]
fn buffer_too_small() {
    // The server's Certificate (about 1 KiB) arrives in 512-byte records
    // and cannot be reassembled in a 700-byte receive buffer.
    let out = handshake(
        ECDSA_CA,
        "localhost",
        NOW,
        700,
        |c| c.max_fragment_length = Some(MaxFragmentLength::Bytes512),
        |_| {},
    );
    let e = out.client_error.expect("the client should have failed");
    assert_eq!(e.kind(), ErrorKind::HandshakeMessageTooLarge);
    // 700 bytes less a record header are left for the message; the
    // Certificate message (header included) needs 1024.
    assert_eq!(e.sizes(), Some((695, 1024)));
    assert_eq!(
        e.to_string(),
        "receive buffer too small for the peer's handshake message: have 695 bytes, need 1024 \
         (sends illegal_parameter)"
    );
    assert_alerted(out.server_error, AlertDescription::IllegalParameter, "peer sent fatal alert illegal_parameter");

    // Without max_fragment_length the client offers record_size_limit 671
    // (what 700 bytes hold, RFC 8449) and our server keeps its records
    // within it: the records fit, the Certificate message still does not.
    let out = handshake(ECDSA_CA, "localhost", NOW, 700, |_| {}, |_| {});
    let e = out.client_error.expect("the client should have failed");
    assert_eq!(e.kind(), ErrorKind::HandshakeMessageTooLarge, "{e}");
    assert_eq!(e.sizes(), Some((695, 1024)), "{e}");

    // A record bigger than the whole buffer (from a peer that ignores
    // both limits): record_overflow, with both sizes.
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let (mut rx, mut tx, mut rng) = (vec![0; 700], vec![0; 4096], TestRng::new(9));
    let mut client = ClientConnection::new(&ccfg, "localhost", &mut rx[..], &mut tx[..], &mut rng, NOW).unwrap();
    let n = client.transmit_pending().len();
    client.transmit_done(n);
    client.feed(&record(22, &[0; 1000]));
    let e = client.poll_event(NOW).map(|_| ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RecordOverflow);
    assert_eq!(e.sizes(), Some((700, 1005)), "{e}");
    assert_eq!(
        e.to_string(),
        "receive buffer too small for the peer's record: have 700 bytes, need 1005 (sends record_overflow)"
    );

    // How sizes show, through the public API.
    let e = Error::from(ErrorKind::HandshakeMessageTooLarge)
        .because("receive buffer too small for the peer's handshake message")
        .with_sizes(1000, 4100);
    assert_eq!(e.sizes(), Some((1000, 4100)));
    assert_eq!(
        e.to_string(),
        "receive buffer too small for the peer's handshake message: have 1000 bytes, need 4100 \
         (sends illegal_parameter)"
    );
}

#[test]
fn errors_compare_by_kind_and_stay_small() {
    let a = Error::from(ErrorKind::Decode).because("one reason");
    let b = Error::from(ErrorKind::Decode).because("another");
    assert_eq!(a, b);
    assert_eq!(a, ErrorKind::Decode);
    assert_ne!(a, Error::from(ErrorKind::Internal));
    assert!(core::mem::size_of::<Error>() <= 3 * core::mem::size_of::<usize>());
}

//! P-384 (feature `p384`): keys in every encoding, ECDSA with any hash on
//! either curve, secp384r1 ECDHE, and handshakes with a P-384 leaf, a P-256
//! leaf under a P-384 CA (how Let's Encrypt's ECDSA chains look) and a P-384
//! client certificate.

#![cfg(feature = "p384")]

mod common;

use common::memory::*;
use sansio_tls::cert::{WebPkiClientVerifier, WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::config::{CertifiedKey, ClientAuth};
use sansio_tls::crypto::{HashAlg, KeyKind, PublicKey, SigningKey, hash};
use sansio_tls::testing::TestRng;
use sansio_tls::*;

const BUF: usize = record::MAX_RECORD + 4096;
const P384_CA: &[u8] = include_bytes!("../vectors/pki/p384-ca.der");
const P384_SERVER: &[u8] = include_bytes!("../vectors/pki/p384-server.der");
const P384_SERVER_KEY: &[u8] = include_bytes!("../vectors/pki/p384-server.key.der");
const P384_SERVER_SEC1: &[u8] = include_bytes!("../vectors/pki/p384-server.key.sec1.der");
const P384_CLIENT: &[u8] = include_bytes!("../vectors/pki/p384-client.der");
const P384_CLIENT_KEY: &[u8] = include_bytes!("../vectors/pki/p384-client.key.der");
const P256_UNDER_P384: &[u8] = include_bytes!("../vectors/pki/p256-p384ca-server.der");
const P256_UNDER_P384_KEY: &[u8] = include_bytes!("../vectors/pki/p256-p384ca-server.key.der");

const ECDSA_SUITES: [CipherSuite; 3] = [
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
];

#[test]
fn p384_keys_load_in_every_encoding_and_match_their_certificate() {
    for key in [
        SigningKey::from_pkcs8_der(P384_SERVER_KEY).unwrap(),
        SigningKey::from_sec1_der(P384_SERVER_SEC1).unwrap(),
        SigningKey::from_der(P384_SERVER_KEY).unwrap(),
        SigningKey::from_der(P384_SERVER_SEC1).unwrap(),
    ] {
        assert_eq!(key.kind(), KeyKind::Ecdsa);
        key.matches_certificate(P384_SERVER).unwrap();
        assert_eq!(key.matches_certificate(ECDSA_SERVER), Err(ErrorKind::BadCertificate.into()));
        assert_eq!(key.schemes()[0], SignatureScheme::ECDSA_NISTP384_SHA384);
        assert_eq!(key.public_key().curve(), Some(NamedGroup::Secp384r1));
    }
    let p256 = PublicKey::from_certificate_der(ECDSA_SERVER).unwrap();
    assert_eq!(p256.curve(), Some(NamedGroup::Secp256r1));
}

/// TLS 1.2 pairs any hash with any curve: both curves sign and verify with
/// SHA-256, SHA-384 and SHA-512, whole messages and prehashed digests; a
/// signature checked under another hash, message or key fails.
#[test]
fn ecdsa_with_every_hash_on_both_curves() {
    let mut rng = TestRng::new(1);
    let p384 = SigningKey::from_der(P384_SERVER_KEY).unwrap();
    let p256 = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let schemes = [
        (SignatureScheme::ECDSA_NISTP256_SHA256, 32),
        (SignatureScheme::ECDSA_NISTP384_SHA384, 48),
        (SignatureScheme::ECDSA_NISTP521_SHA512, 64),
    ];
    for key in [&p384, &p256] {
        let public = key.public_key();
        for (scheme, digest_len) in schemes {
            let mut sig = [0u8; crypto::MAX_SIGNATURE_LEN];
            let n = key.sign(scheme, b"signed message", &mut rng, &mut sig).unwrap();
            public.verify(scheme, b"signed message", &sig[..n]).unwrap();
            assert_eq!(public.verify(scheme, b"another message", &sig[..n]), Err(ErrorKind::DecryptError.into()));
            let other = schemes.iter().find(|(s, _)| *s != scheme).unwrap().0;
            assert_eq!(public.verify(other, b"signed message", &sig[..n]), Err(ErrorKind::DecryptError.into()));
            let wrong_key = if std::ptr::eq(key, &p384) { p256.public_key() } else { p384.public_key() };
            assert_eq!(wrong_key.verify(scheme, b"signed message", &sig[..n]), Err(ErrorKind::DecryptError.into()));
            let digest = [7u8; 64];
            let n = key.sign_prehashed(scheme, &digest[..digest_len], &mut rng, &mut sig).unwrap();
            public.verify_prehashed(scheme, &digest[..digest_len], &sig[..n]).unwrap();
            assert_eq!(
                public.verify_prehashed(scheme, &digest[..digest_len - 1], &sig[..n]),
                Err(ErrorKind::IllegalParameter.into())
            );
        }
        assert_eq!(
            public.verify(SignatureScheme::RSA_PSS_SHA256, b"m", &[0; 8]),
            Err(ErrorKind::IllegalParameter.into())
        );
    }
}

fn sha256(b: &[u8]) -> [u8; 32] {
    hash(HashAlg::Sha256, b).as_ref().try_into().unwrap()
}

/// A full handshake between `ccfg` and `scfg`; both sides must finish.
fn handshake_done(ccfg: &ClientConfig<'_>, scfg: &ServerConfig<'_>) -> (HandshakeInfo, HandshakeInfo) {
    pair!(client, server, ccfg, ClientParams::new("localhost"), scfg, (1, 2), NOW);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    let c = done(&out.client_events).unwrap_or_else(|| panic!("client did not finish: {out:?}"));
    let s = done(&out.server_events).unwrap_or_else(|| panic!("server did not finish: {out:?}"));
    client.send(b"ping").unwrap();
    run(&mut client, &mut server, &mut out);
    assert_eq!(out.server_data, b"ping");
    (c, s)
}

/// A P-384 server leaf under the P-384 CA, and a P-256 leaf under the same
/// CA, for every ECDSA suite and every group including secp384r1.
#[test]
fn handshakes_with_p384_chains_every_suite_and_group() {
    let roots = [trust_anchor_from_der(P384_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let p384_key = SigningKey::from_der(P384_SERVER_KEY).unwrap();
    let p256_key = SigningKey::from_der(P256_UNDER_P384_KEY).unwrap();
    let p384_chain = [P384_SERVER, P384_CA];
    let p256_chain = [P256_UNDER_P384, P384_CA];
    for (chain, key, leaf) in [(&p384_chain, &p384_key, P384_SERVER), (&p256_chain, &p256_key, P256_UNDER_P384)] {
        let scfg = ServerConfig::try_new(chain, key).unwrap();
        for suite in ECDSA_SUITES {
            for group in [NamedGroup::X25519, NamedGroup::Secp256r1, NamedGroup::Secp384r1] {
                // The server's one group decides the ECDHE group; the
                // client offers all (the leaf's curve among them).
                let (suites, groups) = ([suite], [group]);
                let ccfg = ClientConfig { cipher_suites: &suites, ..ClientConfig::new(&verifier) };
                let scfg = ServerConfig { groups: &groups, ..scfg };
                let (c, s) = handshake_done(&ccfg, &scfg);
                assert_eq!((c.suite, c.group), (suite, Some(group)), "{suite:?} {group:?}");
                assert_eq!((s.suite, s.group), (suite, Some(group)));
                assert_eq!(c.peer_cert_sha256, Some(sha256(leaf)));
            }
        }
    }
}

/// RFC 8422 §5.1.1: a server does not sign with a P-384 key for a client
/// whose supported_groups leave P-384 out; with another credential that
/// fits, it uses that one.
#[test]
fn a_p384_key_needs_the_client_to_list_secp384r1() {
    let roots = [trust_anchor_from_der(P384_CA).unwrap(), trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let p384_key = SigningKey::from_der(P384_SERVER_KEY).unwrap();
    let p256_key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let p384_chain = [P384_SERVER, P384_CA];
    let p256_chain = [ECDSA_SERVER, ECDSA_CA];
    let groups = [NamedGroup::X25519, NamedGroup::Secp256r1];
    let ccfg = ClientConfig { groups: &groups, ..ClientConfig::new(&verifier) };
    let only_p384 = ServerConfig::try_new(&p384_chain, &p384_key).unwrap();
    pair!(client, server, &ccfg, ClientParams::new("localhost"), &only_p384, (1, 2), NOW);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    assert_eq!(out.server_error, Some(ErrorKind::HandshakeFailure.into()), "{out:?}");
    assert_eq!(out.client_error, Some(ErrorKind::AlertReceived(AlertDescription::HandshakeFailure).into()));
    let more = [CertifiedKey::new(&p256_chain, &p256_key).unwrap()];
    let both = ServerConfig { more_certs: (&more).into(), ..only_p384 };
    let (c, _) = handshake_done(&ccfg, &both);
    assert_eq!(c.peer_cert_sha256, Some(sha256(ECDSA_SERVER)));
}

/// A client that offers only ECDSA with SHA-512 still gets a
/// ServerKeyExchange from a P-256 (and a P-384) server.
#[test]
fn ecdsa_with_sha512_when_that_is_all_the_client_offers() {
    let roots = [trust_anchor_from_der(P384_CA).unwrap(), trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let schemes = [SignatureScheme::ECDSA_NISTP521_SHA512];
    let ccfg = ClientConfig { signature_schemes: &schemes, ..ClientConfig::new(&verifier) };
    let p256_key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let p384_key = SigningKey::from_der(P384_SERVER_KEY).unwrap();
    let p256_chain = [ECDSA_SERVER, ECDSA_CA];
    let p384_chain = [P384_SERVER, P384_CA];
    for scfg in
        [ServerConfig::try_new(&p256_chain, &p256_key).unwrap(), ServerConfig::try_new(&p384_chain, &p384_key).unwrap()]
    {
        handshake_done(&ccfg, &scfg);
    }
}

/// A P-384 client certificate under `Require`: CertificateVerify with
/// SHA-384 over the transcript, and the server sees the client's leaf.
#[test]
fn p384_client_certificate() {
    let roots = [trust_anchor_from_der(P384_CA).unwrap(), trust_anchor_from_der(ECDSA_CA).unwrap()];
    let sverifier = WebPkiServerVerifier::new(&roots);
    let cverifier = WebPkiClientVerifier::new(&roots);
    let ckey = SigningKey::from_der(P384_CLIENT_KEY).unwrap();
    let client_chain = [P384_CLIENT, P384_CA];
    let creds = [CertifiedKey::new(&client_chain, &ckey).unwrap()];
    let skey = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let chain = [ECDSA_SERVER, ECDSA_CA];
    let ccfg = ClientConfig { client_certs: (&creds).into(), ..ClientConfig::new(&sverifier) };
    let mut scfg = ServerConfig::try_new(&chain, &skey).unwrap();
    scfg.client_auth = ClientAuth::Require;
    scfg.client_verifier = Some(&cverifier);
    let (_, s) = handshake_done(&ccfg, &scfg);
    assert_eq!(s.peer_cert_sha256, Some(sha256(P384_CLIENT)));
}

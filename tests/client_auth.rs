//! Client authentication (none / request / require, in the first handshake
//! or only in a renegotiation), the peer-chain event, CertificateVerify
//! checks, and server credential selection.

mod common;

use common::memory::*;
use sansio_tls::cert::{
    ClientCertVerifier, ServerCertVerifier, WebPkiClientVerifier, WebPkiServerVerifier, trust_anchor_from_der,
};
use sansio_tls::config::{CertifiedKey, ClientAuth};
use sansio_tls::crypto::{HashAlg, SigningKey, hash};
use sansio_tls::testing::TestRng;
use sansio_tls::*;

const BUF: usize = record::MAX_RECORD + 4096;
const CLIENT_CERT: &[u8] = include_bytes!("../vectors/pki/ecdsa-client.der");
const CLIENT_KEY: &[u8] = include_bytes!("../vectors/pki/ecdsa-client.key.der");
const SERVER_CHAIN: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];
const CLIENT_CHAIN: [&[u8]; 2] = [CLIENT_CERT, ECDSA_CA];

fn sha256(b: &[u8]) -> [u8; 32] {
    hash(HashAlg::Sha256, b).as_ref().try_into().unwrap()
}

/// Runs a handshake; `tamper` may rewrite the client's second flight.
fn run_auth(
    auth: ClientAuth,
    client_cred: Option<CertifiedKey<'_>>,
    tamper: impl Fn(&mut Vec<Vec<u8>>),
) -> (Outcome, Vec<Vec<u8>>) {
    let skey = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let sverifier = WebPkiServerVerifier::new(&roots);
    let cverifier = WebPkiClientVerifier::new(&roots);
    let creds: Vec<CertifiedKey<'_>> = client_cred.into_iter().collect();
    let mut ccfg = ClientConfig::new(&sverifier);
    ccfg.client_certs = (&creds).into();
    let mut scfg = ServerConfig::new(&SERVER_CHAIN, &skey);
    scfg.client_auth = auth;
    scfg.client_verifier = Some(&cverifier);
    let ca_dn = sansio_tls::crypto::certificate_subject(ECDSA_CA).unwrap();
    let cas = [ca_dn];
    scfg.client_auth_cas = (&cas).into();
    pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
    let mut out = Outcome::default();
    let mut chains = Vec::new();
    let mut sink = Vec::new();
    // ClientHello, server flight.
    transfer(&mut client, &mut server);
    drain(&mut server, &mut sink).unwrap();
    transfer(&mut server, &mut client);
    drain(&mut client, &mut sink).unwrap();
    // The client's second flight, possibly altered.
    let mut recs = records(client.transmit_pending());
    let n = client.transmit_pending().len();
    client.transmit_done(n);
    tamper(&mut recs);
    server.feed(&recs.concat());
    loop {
        match server.poll_event(NOW) {
            Ok(Some(Event::PeerCertificates(chain))) => {
                chains.push(chain.iter().map(<[u8]>::to_vec).collect::<Vec<_>>())
            }
            Ok(Some(Event::HandshakeDone(i))) => out.server_events.push(Ev::Done(i)),
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                out.server_error = Some(e);
                break;
            }
        }
    }
    run(&mut client, &mut server, &mut out);
    let flat = chains.into_iter().flatten().collect();
    (out, flat)
}

#[test]
fn require_with_a_certificate() {
    let key = SigningKey::from_der(CLIENT_KEY).unwrap();
    let cred = CertifiedKey::new(&CLIENT_CHAIN, &key).unwrap();
    let (out, chain) = run_auth(ClientAuth::Require, Some(cred), |_| {});
    assert_eq!(out.server_error, None);
    let s = done(&out.server_events).expect("server done");
    assert_eq!(s.peer_cert_sha256, Some(sha256(CLIENT_CERT)));
    assert!(done(&out.client_events).is_some());
    // The server saw the whole chain, end-entity first, borrowed.
    assert_eq!(chain, vec![CLIENT_CERT.to_vec(), ECDSA_CA.to_vec()]);
}

#[test]
fn require_without_a_certificate_is_handshake_failure() {
    let (out, _) = run_auth(ClientAuth::Require, None, |_| {});
    assert_eq!(out.server_error, Some(ErrorKind::HandshakeFailure.into()));
    assert_eq!(out.client_error, Some(ErrorKind::AlertReceived(AlertDescription::HandshakeFailure).into()));
}

#[test]
fn request_without_a_certificate_goes_on() {
    let (out, chain) = run_auth(ClientAuth::Request, None, |_| {});
    assert_eq!((out.client_error, out.server_error), (None, None));
    assert!(done(&out.client_events).is_some(), "{out:?}");
    assert_eq!(done(&out.server_events).unwrap().peer_cert_sha256, None);
    assert!(chain.is_empty());
}

#[test]
fn untrusted_client_certificate_is_refused() {
    let key = SigningKey::from_der(ECDSA_UNTRUSTED_KEY).unwrap();
    let chain: [&[u8]; 1] = [ECDSA_UNTRUSTED];
    let cred = CertifiedKey::new(&chain, &key).unwrap();
    // The client only sends a credential the server's CA list names; force
    // it through a resolver-free config by clearing the CA list check: the
    // untrusted chain's issuer is not listed, so the client sends nothing
    // and "require" refuses.
    let (out, _) = run_auth(ClientAuth::Require, Some(cred), |_| {});
    assert_eq!(out.server_error, Some(ErrorKind::HandshakeFailure.into()));
}

#[test]
fn bad_certificate_verify_signature_and_scheme() {
    let key = SigningKey::from_der(CLIENT_KEY).unwrap();
    let cred = CertifiedKey::new(&CLIENT_CHAIN, &key).unwrap();
    // Second flight: Certificate, ClientKeyExchange, CertificateVerify,
    // ChangeCipherSpec, Finished.
    let (out, _) = run_auth(ClientAuth::Require, Some(cred), |r| {
        assert_eq!(r[2][5], 15, "third record is CertificateVerify");
        let last = r[2].len() - 1;
        r[2][last] ^= 0x01;
    });
    assert_eq!(out.server_error, Some(ErrorKind::DecryptError.into()));
    assert_eq!(out.client_error, Some(ErrorKind::AlertReceived(AlertDescription::DecryptError).into()));
    let (out, _) = run_auth(ClientAuth::Require, Some(cred), |r| {
        // A scheme the server did not offer (rsa_pkcs1_sha512).
        r[2][9] = 0x06;
        r[2][10] = 0x01;
    });
    assert_eq!(out.server_error, Some(ErrorKind::IllegalParameter.into()));
}

#[test]
fn client_certificate_only_in_a_renegotiation() {
    let skey = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let ckey = SigningKey::from_der(CLIENT_KEY).unwrap();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let sverifier = WebPkiServerVerifier::new(&roots);
    let cverifier = WebPkiClientVerifier::new(&roots);
    let creds = [CertifiedKey::new(&CLIENT_CHAIN, &ckey).unwrap()];
    let mut ccfg = ClientConfig::new(&sverifier);
    ccfg.client_certs = (&creds).into();
    let mut scfg = ServerConfig::new(&SERVER_CHAIN, &skey);
    scfg.client_verifier = Some(&cverifier);
    pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    assert_eq!(done(&out.server_events).unwrap().peer_cert_sha256, None);
    // Now ask for a certificate and renegotiate.
    server.set_client_auth(ClientAuth::Require);
    let out = renegotiate_on_request(&mut client, &mut server);
    assert_eq!(out.server_error, None, "{out:?}");
    assert!(done(&out.client_events).is_some() && done(&out.server_events).is_some(), "{out:?}");
    assert_eq!(server.handshake_info().unwrap().peer_cert_sha256, Some(sha256(CLIENT_CERT)));
}

/// Accepts any chain and records the end-entity it saw.
struct Recorder(std::sync::Mutex<Vec<u8>>);

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(&self, chain: &[sansio_tls::cert::CertificateDer<'_>], _: &str, _: u64) -> Result<(), Error> {
        *self.0.lock().unwrap() = chain[0].to_vec();
        Ok(())
    }
}

#[test]
fn server_picks_the_credential_matching_server_name() {
    let default_key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let other_key = SigningKey::from_der(CLIENT_KEY).unwrap();
    let other = [CertifiedKey::new(&CLIENT_CHAIN, &other_key).unwrap()];
    let mut scfg = ServerConfig::new(&SERVER_CHAIN, &default_key);
    scfg.more_certs = (&other).into();
    for (name, want) in [("client.test", CLIENT_CERT), ("localhost", ECDSA_SERVER), ("unknown.test", ECDSA_SERVER)] {
        let rec = Recorder(Default::default());
        let ccfg = ClientConfig::new(&rec);
        pair!(client, server, &ccfg, ClientParams::new(name), &scfg, (1, 2), NOW);
        let mut out = Outcome::default();
        run(&mut client, &mut server, &mut out);
        assert!(client.is_established(), "{name}: {out:?}");
        assert_eq!(&rec.0.lock().unwrap()[..], want, "{name}");
    }
}

/// Always presents the first configured credential, whatever CAs the
/// server names.
struct Always;

impl sansio_tls::config::ResolveClientCert for Always {
    fn resolve(
        &self,
        _: &sansio_tls::codec::CertificateRequest<'_>,
        credentials: sansio_tls::config::CertifiedKeys<'_>,
    ) -> Option<usize> {
        assert_eq!(credentials.len(), 1);
        Some(0)
    }
}

#[test]
fn untrusted_or_expired_client_certificates_are_refused_by_the_server() {
    let skey = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let sverifier = WebPkiServerVerifier::new(&roots);
    let cverifier = WebPkiClientVerifier::new(&roots);
    let untrusted_key = SigningKey::from_der(ECDSA_UNTRUSTED_KEY).unwrap();
    let untrusted: [&[u8]; 1] = [ECDSA_UNTRUSTED];
    let good_key = SigningKey::from_der(CLIENT_KEY).unwrap();
    for (cred, now, want) in [
        // From an unknown CA, and without the clientAuth usage: refused.
        (CertifiedKey::new(&untrusted, &untrusted_key).unwrap(), NOW, ErrorKind::BadCertificate.into()),
        // The good client certificate, but at a time after it expired.
        (
            CertifiedKey::new(&CLIENT_CHAIN, &good_key).unwrap(),
            Instant::from_secs(2_400_000_000),
            ErrorKind::CertificateExpired.into(),
        ),
    ] {
        let creds = [cred];
        let mut ccfg = ClientConfig::new(&sverifier);
        ccfg.client_certs = (&creds).into();
        ccfg.client_cert_resolver = Some(&Always);
        // The server's own certificate must still pass at that time.
        struct Any;
        impl ServerCertVerifier for Any {
            fn verify_server_cert(
                &self,
                _: &[sansio_tls::cert::CertificateDer<'_>],
                _: &str,
                _: u64,
            ) -> Result<(), Error> {
                Ok(())
            }
        }
        if now != NOW {
            ccfg.verifier = &Any;
        }
        let mut scfg = ServerConfig::new(&SERVER_CHAIN, &skey);
        scfg.client_auth = ClientAuth::Require;
        scfg.client_verifier = Some(&cverifier);
        pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), now);
        let mut out = Outcome::default();
        run_at(&mut client, &mut server, &mut out, now);
        assert_eq!(out.server_error, Some(want));
        assert_eq!(out.client_error, Some(ErrorKind::AlertReceived(want.alert().unwrap()).into()));
    }
}

#[test]
fn server_config_try_new_checks_the_key() {
    let key = SigningKey::from_der(CLIENT_KEY).unwrap();
    assert_eq!(ServerConfig::try_new(&SERVER_CHAIN, &key).err(), Some(ErrorKind::BadCertificate.into()));
    let good = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    assert!(ServerConfig::try_new(&SERVER_CHAIN, &good).is_ok());
}

#[test]
fn certified_key_must_match() {
    let key = SigningKey::from_der(CLIENT_KEY).unwrap();
    assert_eq!(CertifiedKey::new(&SERVER_CHAIN, &key).err(), Some(ErrorKind::BadCertificate.into()));
    assert_eq!(CertifiedKey::new(&[], &key).err(), Some(ErrorKind::BadCertificate.into()));
    assert!(CertifiedKey::new(&CLIENT_CHAIN, &key).is_ok());
    let _: &dyn ClientCertVerifier = &WebPkiClientVerifier::new(&[]);
}

#[cfg(feature = "alloc")]
#[test]
fn one_server_with_ecdsa_and_rsa_serves_both_kinds_of_client() {
    const RSA_CHAIN: [&[u8]; 2] = [include_bytes!("../vectors/pki/rsa-server.der"), RSA_CA];
    let ekey = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let rkey = SigningKey::from_der(include_bytes!("../vectors/pki/rsa-server.key.der")).unwrap();
    let more = [CertifiedKey::new(&RSA_CHAIN, &rkey).unwrap()];
    let mut scfg = ServerConfig::new(&SERVER_CHAIN, &ekey);
    scfg.more_certs = (&more).into();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap(), trust_anchor_from_der(RSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let rsa_suites = [
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];
    let ecdsa_suites = [CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256];
    for (suites, want) in [(&rsa_suites[..], RSA_CHAIN[0]), (&ecdsa_suites[..], ECDSA_SERVER)] {
        for suite in suites {
            let s = [*suite];
            let mut ccfg = ClientConfig::new(&verifier);
            ccfg.cipher_suites = &s;
            pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
            let mut out = Outcome::default();
            run(&mut client, &mut server, &mut out);
            let info = done(&out.client_events).unwrap_or_else(|| panic!("{suite:?}: {out:?}"));
            assert_eq!(info.suite, *suite);
            assert_eq!(info.peer_cert_sha256, Some(sha256(want)));
        }
    }
}

/// A key "in a secure element": the crate only sees the trait; here the
/// element is simulated by a key it keeps to itself, counting operations.
struct SecureElement {
    inner: SigningKey,
    signatures: std::sync::atomic::AtomicU32,
}

impl sansio_tls::crypto::SignatureKey for SecureElement {
    fn kind(&self) -> sansio_tls::crypto::KeyKind {
        self.inner.kind()
    }
    fn schemes(&self) -> &[SignatureScheme] {
        self.inner.schemes()
    }
    fn public_key(&self) -> sansio_tls::crypto::PublicKey {
        self.inner.public_key()
    }
    fn sign_digest(
        &self,
        scheme: SignatureScheme,
        digest: &[u8],
        rng: &mut dyn rand_core::CryptoRng,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.signatures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.inner.sign_prehashed(scheme, digest, rng, out)
    }
}

#[test]
fn keys_outside_the_crate_sign_for_server_and_client() {
    let server_se =
        SecureElement { inner: SigningKey::from_der(ECDSA_SERVER_KEY).unwrap(), signatures: Default::default() };
    let client_se = SecureElement { inner: SigningKey::from_der(CLIENT_KEY).unwrap(), signatures: Default::default() };
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let sverifier = WebPkiServerVerifier::new(&roots);
    let cverifier = WebPkiClientVerifier::new(&roots);
    let creds = [CertifiedKey::new(&CLIENT_CHAIN, &client_se).unwrap()];
    let mut ccfg = ClientConfig::new(&sverifier);
    ccfg.client_certs = (&creds).into();
    ccfg.client_cert_resolver = Some(&Always);
    let mut scfg = ServerConfig::try_new(&SERVER_CHAIN, &server_se).unwrap();
    scfg.client_auth = ClientAuth::Require;
    scfg.client_verifier = Some(&cverifier);
    pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    assert_eq!((out.client_error, out.server_error), (None, None));
    assert!(done(&out.client_events).is_some() && done(&out.server_events).is_some(), "{out:?}");
    assert_eq!(server.handshake_info().unwrap().peer_cert_sha256, Some(sha256(CLIENT_CERT)));
    // One ServerKeyExchange and one CertificateVerify were signed outside.
    let count = |se: &SecureElement| se.signatures.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!((count(&server_se), count(&client_se)), (1, 1));
}

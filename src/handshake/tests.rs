//! State-machine checks that need a hand-made peer message: the RFC 5746
//! renegotiation_info binding and the no-identity-switch rule.

use super::client::ClientHandshake;
use super::server::ServerHandshake;
use super::*;
use crate::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use crate::codec::{CertificateMsg, ClientHelloRepr, ServerHelloRepr, SignatureScheme, Writer};
use crate::config::{ClientConfig, ServerConfig};
use crate::crypto::SigningKey;
use crate::record::RecordLayer;
use crate::testing::TestRng;

const CA: &[u8] = include_bytes!("../../vectors/pki/ecdsa-ca.der");
const CERT: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.der");
const KEY: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.key.der");
const NOW: Instant = Instant::from_secs(1_800_000_000);

const PREV: Previous =
    Previous { client_verify_data: [1; 12], server_verify_data: [2; 12], peer_cert_sha256: None, ems: true };

fn encode(f: impl FnOnce(&mut Writer<'_>) -> Result<(), Error>) -> std::vec::Vec<u8> {
    extern crate std;
    let mut buf = [0u8; 4096];
    let mut w = Writer::new(&mut buf);
    f(&mut w).unwrap();
    w.written().to_vec()
}

extern crate std;

fn client_hello(ri: Option<&[u8]>, scsv: bool) -> std::vec::Vec<u8> {
    let mut suites = std::vec![CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256];
    if scsv {
        suites.push(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    }
    let ch = ClientHelloRepr {
        random: [3; 32],
        cipher_suites: &suites,
        groups: &[NamedGroup::X25519, NamedGroup::Secp256r1],
        signature_schemes: &[SignatureScheme::ECDSA_NISTP256_SHA256],
        extended_master_secret: true,
        renegotiation_info: ri,
        ..Default::default()
    };
    encode(|w| ch.encode(w))
}

fn server_handle(prev: Option<Previous>, msg: &[u8]) -> Result<Progress, Error> {
    server_handle_with(prev, msg, crate::config::ClientAuth::None, |_| {})
}

/// Handles `msg` as the ClientHello of a server asking for client
/// certificates as `client_auth`, then lets `inspect` look at the handshake.
fn server_handle_with(
    prev: Option<Previous>,
    msg: &[u8],
    client_auth: crate::config::ClientAuth,
    inspect: impl FnOnce(&ServerHandshake<&ServerConfig<'_>>),
) -> Result<Progress, Error> {
    let key = SigningKey::from_der(KEY).unwrap();
    let chain: [&[u8]; 1] = [CERT];
    let mut cfg = ServerConfig::new(&chain, &key);
    cfg.client_auth = client_auth;
    let mut hs = ServerHandshake::new(&cfg, NOW);
    hs.common.prev = prev;
    let (mut tx, mut end, mut layer, mut rng) = ([0u8; 4096], 0, RecordLayer::new(), TestRng::new(1));
    let provider = crate::config::DEFAULT_PROVIDER;
    let mut ctx = Ctx { out: RecordWriter::new(&mut tx, &mut end, &mut layer), rng: &mut rng, now: NOW, provider };
    let progress = hs.handle(&mut ctx, HandshakeType::ClientHello, msg, &msg[4..]);
    inspect(&hs);
    progress
}

#[test]
fn server_checks_renegotiation_info() {
    // Initial handshake: empty extension or SCSV is fine; non-empty is not.
    assert_eq!(server_handle(None, &client_hello(Some(&[]), false)), Ok(Progress::Continue));
    assert_eq!(server_handle(None, &client_hello(None, true)), Ok(Progress::Continue));
    assert_eq!(server_handle(None, &client_hello(Some(&[1; 12]), false)), Err(Error::HandshakeFailure));
    // Renegotiation: exactly the client's last verify_data, no SCSV.
    assert_eq!(server_handle(Some(PREV), &client_hello(Some(&[1; 12]), false)), Ok(Progress::Continue));
    assert_eq!(server_handle(Some(PREV), &client_hello(Some(&[9; 12]), false)), Err(Error::HandshakeFailure));
    assert_eq!(server_handle(Some(PREV), &client_hello(Some(&[]), false)), Err(Error::HandshakeFailure));
    assert_eq!(server_handle(Some(PREV), &client_hello(None, true)), Err(Error::HandshakeFailure));
    assert_eq!(server_handle(Some(PREV), &client_hello(Some(&[1; 12]), true)), Err(Error::HandshakeFailure));
    assert_eq!(server_handle(Some(PREV), &client_hello(None, false)), Err(Error::HandshakeFailure));
}

type ClientCtx<'c> = Ctx<'c, TestRng, crate::config::DefaultProvider>;

fn with_client<T>(
    prev: Option<Previous>,
    allow_change: bool,
    f: impl for<'x> FnOnce(&mut ClientHandshake<&'x ClientConfig<'x>>, &mut ClientCtx<'_>) -> T,
) -> T {
    with_client_config(prev, |cfg| cfg.allow_peer_identity_change = allow_change, f)
}

/// [`with_client`] on a config `configure` changed.
fn with_client_config<T>(
    prev: Option<Previous>,
    configure: impl for<'x> FnOnce(&mut ClientConfig<'x>),
    f: impl for<'x> FnOnce(&mut ClientHandshake<&'x ClientConfig<'x>>, &mut ClientCtx<'_>) -> T,
) -> T {
    let roots = [trust_anchor_from_der(CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut cfg = ClientConfig::new(&verifier);
    configure(&mut cfg);
    let mut hs = ClientHandshake::new(&cfg, "localhost".try_into().unwrap(), 443);
    hs.common.prev = prev;
    let (mut tx, mut end, mut layer, mut rng) = ([0u8; 4096], 0, RecordLayer::new(), TestRng::new(1));
    let provider = crate::config::DEFAULT_PROVIDER;
    let mut ctx = Ctx { out: RecordWriter::new(&mut tx, &mut end, &mut layer), rng: &mut rng, now: NOW, provider };
    hs.start(&mut ctx, None).unwrap();
    f(&mut hs, &mut ctx)
}

fn server_hello(ri: Option<&[u8]>) -> std::vec::Vec<u8> {
    let sh = ServerHelloRepr {
        random: [4; 32],
        cipher_suite: 0xc02b,
        extended_master_secret: true,
        renegotiation_info: ri,
        ..Default::default()
    };
    encode(|w| sh.encode(w))
}

#[test]
fn client_checks_renegotiation_info() {
    let sh = |prev, ri| {
        with_client(prev, false, |hs, ctx| {
            let m = server_hello(ri);
            hs.handle(ctx, HandshakeType::ServerHello, &m, &m[4..]).map(|_| hs.common.secure_renegotiation)
        })
    };
    assert_eq!(sh(None, Some(&[][..])), Ok(true));
    assert_eq!(sh(None, None), Ok(false));
    assert_eq!(sh(None, Some(&[5; 24][..])), Err(Error::HandshakeFailure));
    let both = PREV.both();
    assert_eq!(sh(Some(PREV), Some(&both[..])), Ok(true));
    let mut wrong = PREV.both();
    wrong[23] ^= 1;
    assert_eq!(sh(Some(PREV), Some(&wrong[..])), Err(Error::HandshakeFailure));
    assert_eq!(sh(Some(PREV), Some(&[1; 12][..])), Err(Error::HandshakeFailure));
    assert_eq!(sh(Some(PREV), Some(&[][..])), Err(Error::HandshakeFailure));
    assert_eq!(sh(Some(PREV), None), Err(Error::HandshakeFailure));
    // The renegotiating ClientHello carries our last verify_data.
    with_client(Some(PREV), false, |_, ctx| {
        let free = ctx.out.free();
        assert!(free < 4096);
    });
}

#[test]
fn client_refuses_a_changed_server_identity_unless_allowed() {
    let cert_msg = encode(|w| CertificateMsg::encode(w, &[CERT, CA]));
    let run = |prev_digest: Option<[u8; 32]>, allow: bool| {
        let prev = Previous { peer_cert_sha256: prev_digest, ..PREV };
        with_client(Some(prev), allow, |hs, ctx| {
            let both = prev.both();
            let m = server_hello(Some(&both));
            hs.handle(ctx, HandshakeType::ServerHello, &m, &m[4..]).unwrap();
            hs.handle(ctx, HandshakeType::Certificate, &cert_msg, &cert_msg[4..])
        })
    };
    let mut same = [0u8; 32];
    same.copy_from_slice(&crate::crypto::sha256(CERT));
    assert_eq!(run(Some(same), false), Ok(Progress::Continue));
    assert_eq!(run(Some([7; 32]), false), Err(Error::PeerIdentityChanged));
    assert_eq!(run(Some([7; 32]), true), Ok(Progress::Continue));
    assert_eq!(Error::PeerIdentityChanged.alert(), Some(crate::codec::AlertDescription::HandshakeFailure));
}

#[test]
fn certificate_verify_schemes_are_the_ones_the_transcript_can_hash() {
    let schemes = super::server::CERTIFICATE_VERIFY_SCHEMES;
    assert_eq!(schemes.len(), 6);
    assert!(schemes.iter().all(|s| crate::crypto::scheme_transcript_hash(*s).is_some()));
    assert!(!schemes.contains(&SignatureScheme::RSA_PSS_SHA512));
}

/// After the hellos, the transcript runs only the suite's hash unless a
/// CertificateVerify may need the other one (the server asks for client
/// certificates; the client has a certificate to sign with).
#[cfg(feature = "aes256")]
#[test]
fn transcript_keeps_only_the_hashes_a_message_can_need() {
    use crate::config::ClientAuth;
    fn kept<H: crate::crypto::HashState>(t: &crate::crypto::Transcript<H>) -> (bool, bool) {
        (t.current(HashAlg::Sha256).is_ok(), t.current(HashAlg::Sha384).is_ok())
    }
    let ch = client_hello(Some(&[]), false);
    for (auth, want) in [(ClientAuth::None, (true, false)), (ClientAuth::Request, (true, true))] {
        let mut seen = None;
        let progress = server_handle_with(None, &ch, auth, |hs| seen = Some(kept(&hs.common.transcript)));
        assert_eq!(progress, Ok(Progress::Continue));
        assert_eq!(seen, Some(want), "server, {auth:?}");
    }
    // The config is made inside `with_client_config`, for any lifetime: a
    // credential it can hold must live for good.
    let key: &'static SigningKey = std::boxed::Box::leak(std::boxed::Box::new(SigningKey::from_der(KEY).unwrap()));
    let chain: &'static [&'static [u8]; 1] = &[CERT];
    let cred: &'static [crate::config::CertifiedKey<'static>; 1] =
        std::boxed::Box::leak(std::boxed::Box::new([crate::config::CertifiedKey { chain: chain.into(), key }]));
    let sh = server_hello(Some(&[]));
    let after_hello = |with_cert: bool| {
        with_client_config(
            None,
            |cfg| {
                if with_cert {
                    cfg.client_certs = cred.into();
                }
            },
            |hs, ctx| {
                hs.handle(ctx, HandshakeType::ServerHello, &sh, &sh[4..]).unwrap();
                kept(&hs.common.transcript)
            },
        )
    };
    assert_eq!(after_hello(false), (true, false));
    assert_eq!(after_hello(true), (true, true));
}

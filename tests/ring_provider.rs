//! The *ring* provider in whole connections: full and resumed handshakes
//! between a *ring* client and a *ring* server, and between *ring* and
//! RustCrypto either way round (so records sealed by one are opened by the
//! other), for every ECDHE suite over X25519, P-256 and P-384; application
//! data both ways; a tampered record refused with bad_record_mac; client
//! authentication with a [`RingSigningKey`].

#![cfg(all(
    feature = "ring",
    feature = "rsa",
    feature = "p384",
    feature = "x25519",
    feature = "chacha20",
    feature = "aes256"
))]

mod common;

use common::memory::*;
use sansio_tls::cert::{
    RING_SIG_ALGS, SUPPORTED_SIG_ALGS, SignatureAlgorithms, WebPkiClientVerifier, WebPkiServerVerifier,
    trust_anchor_from_der,
};
use sansio_tls::config::{CertifiedKey, ClientAuth};
use sansio_tls::crypto::{Provider, Ring, RingSigningKey, RustCrypto, SignatureKey, SigningKey};
use sansio_tls::session::{ClientCacheSlot, LruClientCache, LruSessionStore, ServerSessions, SessionSlot};
use sansio_tls::testing::TestRng;
use sansio_tls::*;

const BUF: usize = record::MAX_RECORD + 4096;
const RSA_SERVER: &[u8] = include_bytes!("../vectors/pki/rsa-server.der");
const RSA_SERVER_KEY: &[u8] = include_bytes!("../vectors/pki/rsa-server.key.der");
const P384_CA: &[u8] = include_bytes!("../vectors/pki/p384-ca.der");
const P384_SERVER: &[u8] = include_bytes!("../vectors/pki/p384-server.der");
const P384_SERVER_KEY: &[u8] = include_bytes!("../vectors/pki/p384-server.key.der");
const ECDSA_CLIENT: &[u8] = include_bytes!("../vectors/pki/ecdsa-client.der");
const ECDSA_CLIENT_KEY: &[u8] = include_bytes!("../vectors/pki/ecdsa-client.key.der");

const GROUPS: [NamedGroup; 3] = [NamedGroup::X25519, NamedGroup::Secp256r1, NamedGroup::Secp384r1];

/// A server certificate, its CA and its key, and the suites it serves.
struct Pki {
    chain: [&'static [u8]; 2],
    ca: &'static [u8],
    key: &'static [u8],
    suites: [CipherSuite; 3],
}

const ECDSA_P256: Pki = Pki {
    chain: [ECDSA_SERVER, ECDSA_CA],
    ca: ECDSA_CA,
    key: ECDSA_SERVER_KEY,
    suites: [
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ],
};

const ECDSA_P384: Pki = Pki { chain: [P384_SERVER, P384_CA], ca: P384_CA, key: P384_SERVER_KEY, ..ECDSA_P256 };

const RSA: Pki = Pki {
    chain: [RSA_SERVER, RSA_CA],
    ca: RSA_CA,
    key: RSA_SERVER_KEY,
    suites: [
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ],
};

/// A provider and what goes with it on that side: the webpki algorithms of
/// a client, the signing key of a server.
trait Flavour: Provider + Default {
    const ALGS: SignatureAlgorithms;
    fn key(der: &[u8]) -> Box<dyn SignatureKey>;
}

impl Flavour for Ring {
    const ALGS: SignatureAlgorithms = RING_SIG_ALGS;
    fn key(der: &[u8]) -> Box<dyn SignatureKey> {
        Box::new(RingSigningKey::from_der(der).unwrap())
    }
}

impl Flavour for RustCrypto {
    const ALGS: SignatureAlgorithms = SUPPORTED_SIG_ALGS;
    fn key(der: &[u8]) -> Box<dyn SignatureKey> {
        Box::new(SigningKey::from_der(der).unwrap())
    }
}

/// Flips the last byte (in the tag) of the records `from` has queued and
/// hands them to `to`, which must fail with bad_record_mac.
fn tampered_record_is_refused<R1: rand_core::CryptoRng, R2: rand_core::CryptoRng>(
    from: &mut Connection<impl Side, R1, impl Buffer>,
    to: &mut Connection<impl Side, R2, impl Buffer>,
) {
    from.send(b"this record is tampered with").unwrap();
    let mut wire = from.transmit_pending().to_vec();
    from.transmit_done(wire.len());
    let last = wire.len() - 1;
    wire[last] ^= 1;
    to.feed(&wire);
    assert_eq!(drain(to, &mut Vec::new()).unwrap_err(), ErrorKind::BadRecordMac);
}

/// Three connections from a `C` client to an `S` server on `suite` and
/// `group`: a full handshake, a resumed one (session ID), each with data
/// both ways; the resumed one ends with a tampered server record, and a
/// third with a tampered client record.
fn connections<C: Flavour, S: Flavour>(pki: &Pki, suite: CipherSuite, group: NamedGroup, seed: u64) {
    let at = format!("{} client, {} server, {suite:?}, {group:?}", name::<C>(), name::<S>());
    let key = S::key(pki.key);
    let roots = [trust_anchor_from_der(pki.ca).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots).with_algorithms(C::ALGS);
    let mut cslots = [ClientCacheSlot::EMPTY; 2];
    let cache = LruClientCache::new(&mut cslots);
    let mut sslots = [SessionSlot::EMPTY; 2];
    let store = LruSessionStore::new(&mut sslots);
    // The client offers every group (in TLS 1.2 they also name the curves
    // it verifies ECDSA certificates on), the server takes only `group`.
    let (suites, server_groups) = ([suite], [group]);

    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.cipher_suites = &suites;
    ccfg.groups = &GROUPS;
    ccfg.session_cache = Some(&cache);
    ccfg.session_tickets = false;
    let ccfg = ccfg.with_provider(C::default());
    let mut scfg = ServerConfig::new(&pki.chain, &*key);
    scfg.sessions = ServerSessions::Store(&store);
    scfg.groups = &server_groups;
    let scfg = scfg.with_provider(S::default());

    for round in 0..3 {
        pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (seed + round, seed + 100 + round), NOW);
        let mut out = Outcome::default();
        run(&mut client, &mut server, &mut out);
        assert_eq!((&out.client_error, &out.server_error), (&None, &None), "{at}, round {round}");
        let c = done(&out.client_events).unwrap_or_else(|| panic!("{at}, round {round}: {out:?}"));
        let s = done(&out.server_events).unwrap();
        assert_eq!((c.suite, s.suite), (suite, suite), "{at}");
        let resumed = round == 1;
        assert_eq!((c.resumed, s.resumed), (resumed, resumed), "{at}, round {round}");
        let expected_group = if c.resumed { None } else { Some(group) };
        assert_eq!((c.group, s.group), (expected_group, expected_group), "{at}");
        match round {
            2 => tampered_record_is_refused(&mut client, &mut server),
            _ => {
                client.send(b"ping from the client").unwrap();
                run(&mut client, &mut server, &mut out);
                let big = vec![0x5a; 20_000];
                server.send(&big).unwrap();
                run(&mut client, &mut server, &mut out);
                assert_eq!(out.server_data, b"ping from the client", "{at}");
                assert_eq!(out.client_data, big, "{at}");
                if round == 1 {
                    tampered_record_is_refused(&mut server, &mut client);
                }
            }
        }
    }
}

fn name<P: Provider>() -> &'static str {
    if std::any::type_name::<P>().ends_with("Ring") { "ring" } else { "RustCrypto" }
}

/// Every suite of every key type over every group.
fn all<C: Flavour, S: Flavour>(seed: u64) {
    let mut n = 0;
    for pki in [&ECDSA_P256, &ECDSA_P384, &RSA] {
        for suite in pki.suites {
            for group in GROUPS {
                connections::<C, S>(pki, suite, group, seed + n * 1000);
                n += 1;
            }
        }
    }
    assert_eq!(n, 27);
}

#[test]
fn ring_client_with_ring_server() {
    all::<Ring, Ring>(1);
}

#[test]
fn ring_client_with_rustcrypto_server() {
    all::<Ring, RustCrypto>(2);
}

#[test]
fn rustcrypto_client_with_ring_server() {
    all::<RustCrypto, Ring>(3);
}

/// Session tickets between a *ring* client and a *ring* server (the ticket
/// cipher itself is the engine's AES-256-GCM, whatever the provider).
#[test]
#[cfg(feature = "tickets")]
fn ticket_resumption_on_ring() {
    use sansio_tls::session::{TicketKey, TicketKeys};
    let key = RingSigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots).with_algorithms(RING_SIG_ALGS);
    let mut cslots = [ClientCacheSlot::EMPTY; 2];
    let cache = LruClientCache::new(&mut cslots);
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.session_cache = Some(&cache);
    let ccfg = ccfg.with_provider(Ring);
    let chain = [ECDSA_SERVER, ECDSA_CA];
    let tkey = TicketKey { name: [1; 16], key: [2; 32] };
    let mut scfg = ServerConfig::new(&chain, &key);
    scfg.ticket_keys = Some(TicketKeys { current: &tkey, previous: &[], lifetime_secs: 3600 });
    let scfg = scfg.with_provider(Ring);
    for (round, resumed) in [(0, false), (1, true)] {
        pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (10 + round, 20 + round), NOW);
        let mut out = Outcome::default();
        run(&mut client, &mut server, &mut out);
        let c = done(&out.client_events).unwrap_or_else(|| panic!("{out:?}"));
        assert_eq!(c.resumed, resumed);
        assert_eq!(done(&out.server_events).unwrap().resumed, resumed);
        if !resumed {
            assert!(client.client_session().is_some_and(|s| s.ticket().is_some()));
        }
    }
}

/// Client authentication with a *ring* key: the client's CertificateVerify
/// is signed by the RustCrypto half of its [`RingSigningKey`] (over the
/// transcript hash), the server's ServerKeyExchange by *ring*; the server
/// verifies the client chain with *ring*'s webpki algorithms.
#[test]
fn client_authentication_with_ring_keys() {
    for (client_key, server_provider_is_ring) in [(true, true), (true, false), (false, true)] {
        let ckey: Box<dyn SignatureKey> =
            if client_key { Ring::key(ECDSA_CLIENT_KEY) } else { RustCrypto::key(ECDSA_CLIENT_KEY) };
        let skey = RingSigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
        let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
        let sverifier = WebPkiServerVerifier::new(&roots).with_algorithms(RING_SIG_ALGS);
        let cverifier = WebPkiClientVerifier::new(&roots).with_algorithms(RING_SIG_ALGS);
        let client_chain = [ECDSA_CLIENT, ECDSA_CA];
        let creds = [CertifiedKey::new(&client_chain, &*ckey).unwrap()];
        let mut ccfg = ClientConfig::new(&sverifier);
        ccfg.client_certs = (&creds).into();
        let ccfg = ccfg.with_provider(Ring);
        let server_chain = [ECDSA_SERVER, ECDSA_CA];
        let mut scfg = ServerConfig::new(&server_chain, &skey);
        scfg.client_auth = ClientAuth::Require;
        scfg.client_verifier = Some(&cverifier);
        let mut out = Outcome::default();
        if server_provider_is_ring {
            let scfg = scfg.with_provider(Ring);
            pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (7, 8), NOW);
            run(&mut client, &mut server, &mut out);
        } else {
            let scfg = scfg.with_provider(RustCrypto);
            pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (7, 8), NOW);
            run(&mut client, &mut server, &mut out);
        }
        assert_eq!((&out.client_error, &out.server_error), (&None, &None));
        let s = done(&out.server_events).unwrap();
        assert!(s.peer_cert_sha256.is_some());
        assert!(done(&out.client_events).is_some());
    }
}

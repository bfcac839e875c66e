//! Owned configs (feature `alloc`): certificates, keys, trust anchors,
//! verifiers, stores, caches and ALPN lists loaded at run time into
//! `OwnedServerConfig` / `OwnedClientConfig`, held in an `Arc` by
//! `'static`, `Send` connections, and freed with the last of them: no
//! `'static` data, no `Box::leak`.

mod common;

use common::memory::*;
use sansio_tls::cert::{WebPkiClientVerifier, WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::config::{
    CertifiedKeys, ClientAuth, OwnedCertifiedKey, OwnedClientConfig, OwnedServerConfig, OwnedServerSessions,
    OwnedTicketKeys, ResolveClientCert,
};
use sansio_tls::session::{LruClientCache, LruSessionStore, TicketKey};
use sansio_tls::testing::TestRng;
use sansio_tls::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};

const BUF: usize = record::MAX_RECORD + 4096;

type Server = ServerConnection<'static, TestRng, Vec<u8>, Arc<OwnedServerConfig>>;
type Client = ClientConnection<'static, TestRng, Vec<u8>, Arc<OwnedClientConfig>>;

fn send_static<T: Send + Sync + 'static>() {}

fn pki(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/pki").join(name)
}

/// Copies PEM files into a fresh directory, so that a config loaded from
/// there can outlive the files (they are deleted before any handshake).
struct TempPem(PathBuf);

impl TempPem {
    fn new(tag: &str, files: &[&str]) -> Self {
        // One directory per call: the tests run on parallel threads of one
        // process, and each deletes its own.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("sansio-tls-owned-{tag}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in files {
            std::fs::copy(pki(f), dir.join(f)).unwrap();
        }
        TempPem(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempPem {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Trust anchors read from a PEM file, owned.
fn roots(path: &Path) -> Vec<cert::TrustAnchor<'static>> {
    pem::read_certs(path).unwrap().iter().map(|der| trust_anchor_from_der(der).unwrap().to_owned()).collect()
}

/// A server and a client config built from files at run time: ECDSA and
/// RSA credentials, ALPN, a session store, ticket keys, client auth with
/// an owned client verifier; a client with an owned verifier, cache,
/// client certificate and ALPN list.
fn configs(tickets: bool) -> (Arc<OwnedServerConfig>, Arc<OwnedClientConfig>) {
    let files = TempPem::new(
        if tickets { "t" } else { "s" },
        &[
            "ecdsa-server-chain.pem",
            "ecdsa-server.key.pem",
            "rsa-server-chain.pem",
            "rsa-server.key.pem",
            "ecdsa-ca.pem",
            "ecdsa-client-chain.pem",
            "ecdsa-client.key.pem",
        ],
    );
    let ecdsa =
        OwnedCertifiedKey::from_pem_files(files.path("ecdsa-server-chain.pem"), files.path("ecdsa-server.key.pem"))
            .unwrap();
    let rsa = OwnedCertifiedKey::from_pem_files(files.path("rsa-server-chain.pem"), files.path("rsa-server.key.pem"))
        .unwrap();
    let mut server = OwnedServerConfig::new(ecdsa);
    server.more_certs = vec![rsa];
    server.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    server.sessions = OwnedServerSessions::Store(Arc::new(LruSessionStore::with_capacity(64)));
    if tickets {
        server.ticket_keys = Some(OwnedTicketKeys {
            current: TicketKey { name: [7; 16], key: [9; 32] },
            previous: vec![],
            lifetime_secs: 3600,
        });
    }
    server.client_auth = ClientAuth::Require;
    server.client_verifier = Some(Arc::new(WebPkiClientVerifier::from_roots(roots(&files.path("ecdsa-ca.pem")))));
    server.client_auth_cas = vec![crypto::certificate_subject(ECDSA_CA).unwrap().to_vec()];

    let mut client =
        OwnedClientConfig::new(Arc::new(WebPkiServerVerifier::from_roots(roots(&files.path("ecdsa-ca.pem")))));
    client.alpn_protocols = vec![b"http/1.1".to_vec()];
    client.session_cache = Some(Arc::new(LruClientCache::with_capacity(8)));
    client.session_tickets = tickets;
    client.client_certs = vec![
        OwnedCertifiedKey::from_pem_files(files.path("ecdsa-client-chain.pem"), files.path("ecdsa-client.key.pem"))
            .unwrap(),
    ];
    // The files go before any connection is made: the configs own all.
    drop(files);
    (Arc::new(server), Arc::new(client))
}

/// What a connection pair ended with.
struct Ended {
    client: HandshakeInfo,
    /// The DER certificate the server presented (its end-entity).
    server_cert: Vec<u8>,
}

/// One connection pair over owned buffers and the shared configs, driven
/// on another thread (the connections are `Send` and `'static`: nothing
/// in them borrows from this stack), to a finished handshake and a
/// message each way.
fn connect<S, C>(server: &S, client: &C, seed: u64) -> Result<Ended, (Option<Error>, Option<Error>)>
where
    S: sansio_tls::config::ServerConfigRef + Clone + Send + 'static,
    C: sansio_tls::config::ClientConfigRef + Clone + Send + 'static,
{
    let s = ServerConnection::new(server.clone(), vec![0; BUF], vec![0; BUF], TestRng::new(seed), NOW).unwrap();
    let c = ClientConnection::new(client.clone(), "localhost", vec![0; BUF], vec![0; BUF], TestRng::new(seed + 1), NOW)
        .unwrap();
    std::thread::spawn(move || {
        let (mut c, mut s) = (c, s);
        let mut out = Outcome::default();
        let mut server_cert = None;
        pump(&mut c, &mut s, &mut out, &mut server_cert);
        if out.client_error.is_some() || out.server_error.is_some() {
            return Err((out.client_error, out.server_error));
        }
        let client = done(&out.client_events).unwrap_or_else(|| panic!("client never finished: {out:?}"));
        let server = done(&out.server_events).unwrap_or_else(|| panic!("server never finished: {out:?}"));
        assert_eq!((client.resumed, client.suite), (server.resumed, server.suite));
        assert_eq!(c.alpn_protocol(), Some(&b"http/1.1"[..]));
        assert_eq!(s.alpn_protocol(), Some(&b"http/1.1"[..]));
        assert_eq!(s.server_name(), Some("localhost"));
        c.send(b"ping").unwrap();
        s.send(b"pong").unwrap();
        pump(&mut c, &mut s, &mut out, &mut server_cert);
        assert_eq!((&out.server_data[..], &out.client_data[..]), (&b"ping"[..], &b"pong"[..]));
        Ok(Ended { client, server_cert: server_cert.unwrap_or_default() })
    })
    .join()
    .unwrap()
}

/// Moves bytes both ways until none move or one side fails, keeping the
/// events, the data and the server's end-entity certificate (the client
/// sees it in a PeerCertificates event only on full handshakes).
fn pump<S1: Side, S2: Side>(
    c: &mut Connection<S1, TestRng, Vec<u8>>,
    s: &mut Connection<S2, TestRng, Vec<u8>>,
    out: &mut Outcome,
    server_cert: &mut Option<Vec<u8>>,
) {
    for _ in 0..1000 {
        let moved = transfer(c, s) + transfer(s, c);
        if out.server_error.is_none() {
            match drain(s, &mut out.server_data) {
                Ok(e) => out.server_events.extend(e),
                Err(e) => out.server_error = Some(e),
            }
        }
        while out.client_error.is_none() {
            match c.poll_event(NOW) {
                Ok(Some(Event::PeerCertificates(chain))) => *server_cert = chain.iter().next().map(<[u8]>::to_vec),
                Ok(Some(Event::HandshakeDone(i))) => out.client_events.push(Ev::Done(i)),
                Ok(Some(Event::Data(d))) => out.client_data.extend_from_slice(d),
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => out.client_error = Some(e),
            }
        }
        if moved == 0 && c.transmit_pending().is_empty() && s.transmit_pending().is_empty() {
            return;
        }
    }
    panic!("connections still talking after 1000 rounds");
}

#[test]
fn owned_connections_are_send_and_static() {
    send_static::<OwnedServerConfig>();
    send_static::<OwnedClientConfig>();
    send_static::<Server>();
    send_static::<Client>();
}

/// Full handshakes then resumptions (by the store, then by tickets) with
/// client authentication, ALPN and an owned client cache, every piece
/// loaded from files that are gone before the first connection.
#[test]
fn configs_loaded_at_run_time_serve_full_and_resumed_handshakes() {
    for tickets in [false, true] {
        let (server, client) = configs(tickets);
        let first = connect(&server, &client, 10).unwrap_or_else(|e| panic!("tickets={tickets}: {e:?}"));
        assert!(!first.client.resumed, "tickets={tickets}");
        assert_eq!(first.server_cert, ECDSA_SERVER, "the default credential");
        let second = connect(&server, &client, 20).unwrap_or_else(|e| panic!("tickets={tickets}: {e:?}"));
        assert!(second.client.resumed, "tickets={tickets}: the session is resumed from the owned store or ticket");
    }
}

/// A client that speaks only RSA suites gets the RSA credential of
/// `more_certs`, verified through its own owned roots.
#[test]
fn an_owned_more_certs_credential_is_chosen_by_suite() {
    let (server, client) = configs(false);
    let mut rsa_client = (*client).clone();
    rsa_client.cipher_suites = vec![codec::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256];
    rsa_client.verifier = Arc::new(WebPkiServerVerifier::from_roots(roots(&pki("rsa-ca.pem"))));
    let ended = connect(&server, &Arc::new(rsa_client), 30).unwrap();
    assert_eq!(ended.client.suite, codec::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
    assert_eq!(ended.server_cert, std::fs::read(pki("rsa-server.der")).unwrap());
}

/// Picks a credential by index, whatever CAs the server names.
struct Pick(usize);

impl ResolveClientCert for Pick {
    fn resolve(&self, _: &CertificateRequest<'_>, credentials: CertifiedKeys<'_>) -> Option<usize> {
        assert_eq!(credentials.len(), 2);
        Some(self.0)
    }
}

/// With two owned client credentials (an untrusted one first), the default
/// choice follows the server's CA names and passes; a resolver naming the
/// untrusted one by index is obeyed, and the server refuses it.
#[test]
fn a_resolver_picks_an_owned_client_credential_by_index() {
    let (server, client) = configs(false);
    let untrusted =
        OwnedCertifiedKey::from_pem_files(pki("ecdsa-untrusted-chain.pem"), pki("ecdsa-untrusted.key.pem")).unwrap();
    let mut two = (*client).clone();
    two.client_certs.insert(0, untrusted);
    two.session_cache = None;
    assert!(connect(&server, &Arc::new(two.clone()), 40).is_ok(), "the default skips the untrusted credential");
    two.client_cert_resolver = Some(Arc::new(Pick(1)));
    assert!(connect(&server, &Arc::new(two.clone()), 50).is_ok(), "index 1 is the trusted credential");
    two.client_cert_resolver = Some(Arc::new(Pick(0)));
    let (_, server_error) = connect(&server, &Arc::new(two), 60).err().expect("the untrusted credential is refused");
    // From an unknown CA and without the clientAuth usage (see client_auth.rs).
    assert_eq!(server_error.map(|e| e.kind()), Some(ErrorKind::BadCertificate));
}

/// Each connection holds one count of each config; when the last
/// connection and the last handle are gone, the configs (and the store,
/// cache, keys and verifiers in them) are freed: nothing was leaked.
#[test]
fn configs_go_with_the_last_connection() {
    let (server, client) = configs(false);
    let (ws, wc): (Weak<OwnedServerConfig>, Weak<OwnedClientConfig>) =
        (Arc::downgrade(&server), Arc::downgrade(&client));
    let store = match &server.sessions {
        OwnedServerSessions::Store(store) => Arc::downgrade(store),
        _ => unreachable!("configs() sets a store"),
    };
    let s: Server = ServerConnection::new(server.clone(), vec![0; BUF], vec![0; BUF], TestRng::new(1), NOW).unwrap();
    let c: Client =
        ClientConnection::new(client.clone(), "localhost", vec![0; BUF], vec![0; BUF], TestRng::new(2), NOW).unwrap();
    assert_eq!((Arc::strong_count(&server), Arc::strong_count(&client)), (2, 2));
    drop((server, client));
    assert!(ws.upgrade().is_some() && wc.upgrade().is_some(), "the connections keep the configs alive");
    let (s, c) = std::thread::spawn(move || (s, c)).join().unwrap();
    drop(s);
    assert!(ws.upgrade().is_none(), "the server config went with its last connection");
    assert!(store.upgrade().is_none(), "and its session store with it");
    assert!(wc.upgrade().is_some());
    drop(c);
    assert!(wc.upgrade().is_none(), "the client config went with its last connection");
}

//! Client authentication against OpenSSL and GnuTLS, TLS 1.2, over TCP on
//! 127.0.0.1, with ECDSA and RSA client certificates:
//!
//! - our server (a thread of the test) requiring a client certificate,
//!   verified with [`WebPkiClientVerifier`] over the ECDSA or the RSA test
//!   CA, against `openssl s_client -cert/-key` and `gnutls-cli
//!   --x509certfile/--x509keyfile`: the handshake succeeds and our server
//!   reports the SHA-256 of the client's leaf; without a certificate our
//!   server fails with `handshake_failure`;
//! - our client presenting a certificate (`ClientConfig::client_certs`) to
//!   `openssl s_server -Verify 1 -verify_return_error -CAfile CA` and to
//!   `gnutls-serv -r --verify-client-cert --x509cafile CA`, whose logs show
//!   the certificate verified; given both an ECDSA and an RSA credential,
//!   our client picks the one the server's CA list names.
//!
//! Every test skips loudly when its peer is missing, and fails instead when
//! `SANSIO_TLS_REQUIRE_PEERS` is set (as in CI).

mod common;
#[path = "common/interop.rs"]
mod interop;

use common::memory::{ECDSA_CA, ECDSA_SERVER, ECDSA_SERVER_KEY, RSA_CA};
use common::peers::*;
use common::serve::{BUF, Served, TIMEOUT, is_timeout, outcome, serve_one};
use getrandom::SysRng;
use interop::{on_free_port, wait_for_stdout};
use rand_core::UnwrapErr;
use sansio_tls::cert::{WebPkiClientVerifier, WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::config::{CertifiedKey, ClientAuth};
use sansio_tls::crypto::{HashAlg, SigningKey, certificate_subject, hash};
use sansio_tls::io::TlsStream;
use sansio_tls::{ClientConfig, ClientConnection, CloseReason, ErrorKind, HandshakeInfo, Instant, ServerConfig};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant as StdInstant};

const ECDSA_CLIENT: &[u8] = include_bytes!("../vectors/pki/ecdsa-client.der");
const ECDSA_CLIENT_KEY: &[u8] = include_bytes!("../vectors/pki/ecdsa-client.key.der");
const RSA_CLIENT: &[u8] = include_bytes!("../vectors/pki/rsa-client.der");
const RSA_CLIENT_KEY: &[u8] = include_bytes!("../vectors/pki/rsa-client.key.der");

fn sha256(b: &[u8]) -> [u8; 32] {
    hash(HashAlg::Sha256, b).as_ref().try_into().unwrap()
}

// ----- our server -----------------------------------------------------------

/// Our echo server on a thread: ECDSA server identity, client certificates
/// required and verified against `client_ca` (DER), which is also the one
/// CA named in the CertificateRequest. Serves one connection.
fn spawn_server(client_ca: &'static [u8]) -> (u16, mpsc::Receiver<Served>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
        let chain = [ECDSA_SERVER, ECDSA_CA];
        let roots = [trust_anchor_from_der(client_ca).unwrap()];
        let verifier = WebPkiClientVerifier::new(&roots);
        let cas = [certificate_subject(client_ca).unwrap()];
        let mut config = ServerConfig::new(&chain, &key);
        config.client_auth = ClientAuth::Require;
        config.client_verifier = Some(&verifier);
        config.client_auth_cas = (&cas).into();
        let _ = tx.send(serve_one(&listener, &config));
    });
    (port, rx)
}

// ----- peers against our server ---------------------------------------------

/// A client certificate and key, as PEM file names in `vectors/pki`.
#[derive(Clone, Copy)]
struct ClientCert {
    cert: &'static str,
    key: &'static str,
    der: &'static [u8],
    ca: &'static [u8],
}

const ECDSA_CRED: ClientCert =
    ClientCert { cert: "ecdsa-client.pem", key: "ecdsa-client.key.pem", der: ECDSA_CLIENT, ca: ECDSA_CA };
const RSA_CRED: ClientCert =
    ClientCert { cert: "rsa-client.pem", key: "rsa-client.key.pem", der: RSA_CLIENT, ca: RSA_CA };

/// The handshake succeeded, data was echoed, and our server saw `cred`'s leaf.
fn assert_authenticated(served: &Served, cred: ClientCert, token: &str, peer: &mut Peer) {
    assert!(served.failure.is_none() && served.error.is_none(), "our server: {served:?}\n{}", peer.describe());
    let info = served.info.expect("handshake info");
    assert_eq!(info.peer_cert_sha256, Some(sha256(cred.der)), "{info:?}\n{}", peer.describe());
    assert_eq!(served.chain.first().map(Vec::as_slice), Some(cred.der), "the PeerCertificates event");
    assert_eq!(served.received, token.as_bytes());
    assert_eq!(served.close, Some(CloseReason::CloseNotify), "{served:?}\n{}", peer.describe());
}

/// Our server refused a client without a certificate.
fn assert_refused(served: &Served, peer: &mut Peer) {
    assert_eq!(served.error, Some(ErrorKind::HandshakeFailure.into()), "our server: {served:?}\n{}", peer.describe());
    assert!(served.info.is_none());
    assert!(served.chain.is_empty());
}

/// `s_client` with `cred` (or none) against our server requiring one
/// from `cred.ca`.
fn s_client_to_our_server(cred: ClientCert, present: bool) {
    if !require_peer("openssl") {
        return;
    }
    let (port, done) = spawn_server(cred.ca);
    let (cert, key) = (pki(cred.cert), pki(cred.key));
    let mut args = vec!["-tls1_2"];
    if present {
        args.extend(["-cert", cert.to_str().unwrap(), "-key", key.to_str().unwrap()]);
    }
    let mut client = openssl_s_client(port, &pki("ecdsa-ca.pem"), "localhost", &args);
    if !present {
        // s_client: "...ssl3_read_bytes:sslv3 alert handshake failure:...SSL alert number 40"
        let exited = client.wait_exit(HANDSHAKE_TIMEOUT);
        let served = outcome(&done);
        assert_refused(&served, &mut client);
        assert!(exited.is_some_and(|s| !s.success()), "{}", client.describe());
        assert!(client.wait_for_output("alert handshake failure", HANDSHAKE_TIMEOUT), "{}", client.describe());
        return;
    }
    if !client.wait_for_output("Cipher is ECDHE-ECDSA-", HANDSHAKE_TIMEOUT) {
        panic!("no handshake; our server: {:?}\n{}", outcome(&done), client.describe());
    }
    let token = "authenticated-by-certificate\n";
    client.send(token.as_bytes()).unwrap();
    if !wait_for_stdout(&client, token) {
        panic!("no echo; our server: {:?}\n{}", outcome(&done), client.describe());
    }
    client.close_stdin();
    let served = outcome(&done);
    assert_authenticated(&served, cred, token, &mut client);
}

#[test]
fn s_client_ecdsa_certificate() {
    s_client_to_our_server(ECDSA_CRED, true);
}

#[test]
fn s_client_rsa_certificate() {
    s_client_to_our_server(RSA_CRED, true);
}

#[test]
fn s_client_without_certificate_is_refused() {
    s_client_to_our_server(ECDSA_CRED, false);
}

/// `gnutls-cli` with `cred` (or none) against our server.
fn gnutls_cli_to_our_server(cred: ClientCert, present: bool) {
    if !require_peer("gnutls-cli") {
        return;
    }
    let (port, done) = spawn_server(cred.ca);
    let (cert, key) = (pki(cred.cert), pki(cred.key));
    let mut args = vec!["--priority", GNUTLS_TLS12];
    if present {
        args.extend(["--x509certfile", cert.to_str().unwrap(), "--x509keyfile", key.to_str().unwrap()]);
    }
    let mut client = gnutls_cli(port, &pki("ecdsa-ca.pem"), &args);
    if !present {
        // "*** Received alert [40]: Handshake failed"
        let exited = client.wait_exit(HANDSHAKE_TIMEOUT);
        let served = outcome(&done);
        assert_refused(&served, &mut client);
        assert!(exited.is_some_and(|s| !s.success()), "{}", client.describe());
        assert!(client.wait_for_output("Received alert [40]", HANDSHAKE_TIMEOUT), "{}", client.describe());
        return;
    }
    if !client.wait_for_output("- Handshake was completed", HANDSHAKE_TIMEOUT) {
        panic!("no handshake; our server: {:?}\n{}", outcome(&done), client.describe());
    }
    let token = "gnutls-authenticated\n";
    client.send(token.as_bytes()).unwrap();
    if !wait_for_stdout(&client, token) {
        panic!("no echo; our server: {:?}\n{}", outcome(&done), client.describe());
    }
    client.close_stdin();
    let served = outcome(&done);
    assert_authenticated(&served, cred, token, &mut client);
}

#[test]
fn gnutls_cli_ecdsa_certificate() {
    gnutls_cli_to_our_server(ECDSA_CRED, true);
}

#[test]
fn gnutls_cli_rsa_certificate() {
    gnutls_cli_to_our_server(RSA_CRED, true);
}

#[test]
fn gnutls_cli_without_certificate_is_refused() {
    gnutls_cli_to_our_server(RSA_CRED, false);
}

// ----- our client against peer servers --------------------------------------

/// Our client with `creds` against a server on `port` (ECDSA server
/// certificate): sends `send`, reads until `expect`, closes.
fn our_client(port: u16, creds: &[CertifiedKey<'_>], send: &[u8], expect: &[u8]) -> Result<HandshakeInfo, String> {
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut config = ClientConfig::new(&verifier);
    config.client_certs = creds.into();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let sock = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| format!("connect: {e}"))?;
    sock.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    sock.set_write_timeout(Some(TIMEOUT)).unwrap();
    let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
    let conn = ClientConnection::new(&config, "localhost", &mut rx, &mut tx, UnwrapErr(SysRng), Instant::now())
        .map_err(|e| format!("Connection::client: {e}"))?;
    let mut tls = TlsStream::new(conn, sock);
    let deadline = StdInstant::now() + TIMEOUT;
    tls.flush_transmit().map_err(|e| format!("ClientHello: {e}"))?;
    while tls.connection().is_handshaking() {
        if StdInstant::now() >= deadline {
            return Err("handshake timed out".into());
        }
        match tls.pump() {
            Ok(true) => {}
            Ok(false) => return Err("closed during the handshake".into()),
            Err(e) if is_timeout(&e) => {}
            Err(e) => return Err(format!("handshake failed: {e} ({:?})", tls.connection().error())),
        }
    }
    let info = tls.connection().handshake_info().ok_or("no handshake info")?;
    tls.write_all(send).map_err(|e| format!("write: {e}"))?;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.windows(expect.len()).any(|w| w == expect) {
        if StdInstant::now() >= deadline {
            return Err(format!("no answer; got {:?}", String::from_utf8_lossy(&got)));
        }
        match tls.read(&mut buf) {
            Ok(0) => return Err(format!("closed; got {:?}", String::from_utf8_lossy(&got))),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if is_timeout(&e) => {}
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    let _ = tls.close();
    Ok(info)
}

/// Our client's credentials: ECDSA and RSA leaf, each with its CA.
struct Creds {
    ecdsa_key: SigningKey,
    rsa_key: SigningKey,
}

const ECDSA_CHAIN: [&[u8]; 2] = [ECDSA_CLIENT, ECDSA_CA];
const RSA_CHAIN: [&[u8]; 2] = [RSA_CLIENT, RSA_CA];

impl Creds {
    fn new() -> Self {
        Creds {
            ecdsa_key: SigningKey::from_der(ECDSA_CLIENT_KEY).unwrap(),
            rsa_key: SigningKey::from_der(RSA_CLIENT_KEY).unwrap(),
        }
    }
    fn ecdsa(&self) -> CertifiedKey<'_> {
        CertifiedKey::new(&ECDSA_CHAIN, &self.ecdsa_key).unwrap()
    }
    fn rsa(&self) -> CertifiedKey<'_> {
        CertifiedKey::new(&RSA_CHAIN, &self.rsa_key).unwrap()
    }
}

/// `openssl s_server -Verify 1 -verify_return_error -CAfile CA -rev`: it
/// requires a client certificate that chains to `ca` and names `ca` in its
/// CertificateRequest.
fn s_server_requiring(ca: &str) -> (Peer, u16) {
    let ca = pki(ca);
    let args = ["-rev", "-Verify", "1", "-verify_return_error", "-CAfile", ca.to_str().unwrap()];
    on_free_port(|port| openssl_s_server(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), &args))
}

/// Our client against `s_server_requiring(ca)`; `expect_lines` must show
/// in the server's log.
fn our_client_to_s_server(ca: &str, creds: &[CertifiedKey<'_>], expect_lines: &[&str]) {
    let (mut server, port) = s_server_requiring(ca);
    if let Err(e) = our_client(port, creds, b"certified\n", b"deifitrec\n") {
        panic!("our client failed: {e}\n{}", server.describe());
    }
    for line in expect_lines {
        if !server.wait_for_output(line, HANDSHAKE_TIMEOUT) {
            panic!("{line:?} not in the server's log\n{}", server.describe());
        }
    }
}

#[test]
fn our_ecdsa_certificate_to_s_server() {
    if !require_peer("openssl") {
        return;
    }
    let creds = Creds::new();
    our_client_to_s_server(
        "ecdsa-ca.pem",
        &[creds.ecdsa()],
        &[
            "depth=0 O = sansio-tls test, CN = test client\nverify return:1",
            "Peer certificate: O = sansio-tls test, CN = test client",
            "Signature type: ECDSA",
            "Verification: OK",
        ],
    );
}

#[test]
fn our_rsa_certificate_to_s_server() {
    if !require_peer("openssl") {
        return;
    }
    let creds = Creds::new();
    // ECDSA listed first: the server's CA list (the RSA CA) makes our client
    // present the RSA one.
    our_client_to_s_server(
        "rsa-ca.pem",
        &[creds.ecdsa(), creds.rsa()],
        &[
            "depth=1 O = sansio-tls test, CN = sansio-tls test RSA CA\nverify return:1",
            "depth=0 O = sansio-tls test, CN = test client\nverify return:1",
            "Signature type: RSA",
            "Verification: OK",
        ],
    );
}

#[test]
fn our_ecdsa_certificate_chosen_for_s_server_with_ecdsa_ca() {
    if !require_peer("openssl") {
        return;
    }
    let creds = Creds::new();
    our_client_to_s_server(
        "ecdsa-ca.pem",
        &[creds.rsa(), creds.ecdsa()],
        &["depth=1 O = sansio-tls test, CN = sansio-tls test ECDSA CA\nverify return:1", "Signature type: ECDSA"],
    );
}

/// Our client against `gnutls-serv -r --verify-client-cert --x509cafile CA
/// --echo`; `expect_lines` must show in its log.
fn our_client_to_gnutls_serv(ca: &str, creds: &[CertifiedKey<'_>], expect_lines: &[&str]) {
    let ca = pki(ca);
    let args = ["--echo", "-r", "--verify-client-cert", "--x509cafile", ca.to_str().unwrap()];
    let (mut server, port) = on_free_port(|port| {
        gnutls_serv(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), GNUTLS_TLS12, &args)
    });
    if let Err(e) = our_client(port, creds, b"certified\n", b"certified\n") {
        panic!("our client failed: {e}\n{}", server.describe());
    }
    for line in expect_lines {
        if !server.wait_for_output(line, HANDSHAKE_TIMEOUT) {
            panic!("{line:?} not in the server's log\n{}", server.describe());
        }
    }
}

#[test]
fn our_ecdsa_certificate_to_gnutls_serv() {
    if !require_peer("gnutls-serv") {
        return;
    }
    let creds = Creds::new();
    our_client_to_gnutls_serv(
        "ecdsa-ca.pem",
        &[creds.ecdsa()],
        &[
            // The client certificate's verification result.
            "- Status: The certificate is trusted.",
            "Issuer: CN=sansio-tls test ECDSA CA,O=sansio-tls test",
            "Subject: CN=test client,O=sansio-tls test",
            "- Client Signature: ECDSA-SHA256",
        ],
    );
}

#[test]
fn our_rsa_certificate_to_gnutls_serv() {
    if !require_peer("gnutls-serv") {
        return;
    }
    let creds = Creds::new();
    our_client_to_gnutls_serv(
        "rsa-ca.pem",
        &[creds.ecdsa(), creds.rsa()],
        &[
            "- Status: The certificate is trusted.",
            "Issuer: CN=sansio-tls test RSA CA,O=sansio-tls test",
            "Subject: CN=test client,O=sansio-tls test",
            "- Client Signature: RSA",
        ],
    );
}

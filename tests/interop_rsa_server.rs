//! Our server with an RSA certificate (RSA signing needs the `alloc`
//! feature) against OpenSSL and GnuTLS clients, TLS 1.2, over TCP on
//! 127.0.0.1:
//!
//! - `openssl s_client -cipher` and `gnutls-cli --priority` for each of the
//!   three ECDHE-RSA suites;
//! - one server holding both an ECDSA and an RSA certificate
//!   (`ServerConfig::more_certs`) serving a client that accepts only
//!   ECDHE-RSA suites and one that accepts only ECDHE-ECDSA suites: each
//!   gets the certificate its suites need;
//! - RSA-PSS and PKCS#1 v1.5: a client offering only one of them for the
//!   ServerKeyExchange signature gets that one.
//!
//! Every test skips loudly when its peer is missing, and fails instead when
//! `SANSIO_TLS_REQUIRE_PEERS` is set (as in CI).

mod common;
#[path = "common/interop.rs"]
mod interop;

use common::memory::{ECDSA_CA, ECDSA_SERVER, ECDSA_SERVER_KEY, RSA_CA};
use common::peers::*;
use common::serve::{Served, outcome, serve_one};
use interop::{RSA_SUITES, wait_for_stdout};
use sansio_tls::config::CertifiedKey;
use sansio_tls::crypto::SigningKey;
use sansio_tls::{CipherSuite, CloseReason, ErrorKind, ServerConfig};
use std::net::{Ipv4Addr, TcpListener};
use std::sync::mpsc;
use std::thread;

const RSA_SERVER: &[u8] = include_bytes!("../vectors/pki/rsa-server.der");
const RSA_SERVER_KEY: &[u8] = include_bytes!("../vectors/pki/rsa-server.key.der");

// ----- our server -----------------------------------------------------------

/// Which certificates our server holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Identity {
    Rsa,
    /// ECDSA by default, RSA in `more_certs`.
    Both,
}

/// Our echo server on a thread, serving `conns` connections one after
/// another and reporting each as it ends.
fn spawn_server(identity: Identity, conns: usize) -> (u16, mpsc::Receiver<Served>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let rsa_key = SigningKey::from_der(RSA_SERVER_KEY).expect("RSA key (needs the alloc feature)");
        let ecdsa_key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
        let rsa_chain = [RSA_SERVER, RSA_CA];
        let ecdsa_chain = [ECDSA_SERVER, ECDSA_CA];
        let more = [CertifiedKey::new(&rsa_chain, &rsa_key).unwrap()];
        let config = match identity {
            Identity::Rsa => ServerConfig::new(&rsa_chain, &rsa_key),
            Identity::Both => {
                let mut c = ServerConfig::new(&ecdsa_chain, &ecdsa_key);
                c.more_certs = (&more).into();
                c
            }
        };
        for _ in 0..conns {
            if tx.send(serve_one(&listener, &config)).is_err() {
                break;
            }
        }
    });
    (port, rx)
}

/// The client echoed `token` through our server, which negotiated `suite`.
fn assert_served(served: &Served, suite: CipherSuite, token: &str, peer: &mut Peer) {
    assert!(served.failure.is_none() && served.error.is_none(), "our server: {served:?}\n{}", peer.describe());
    let info = served.info.expect("handshake info");
    assert_eq!(info.suite, suite, "{}", peer.describe());
    assert!(info.extended_master_secret && info.secure_renegotiation, "{info:?}");
    assert_eq!(served.received, token.as_bytes());
    assert_eq!(served.close, Some(CloseReason::CloseNotify), "{served:?}\n{}", peer.describe());
}

// ----- openssl s_client -----------------------------------------------------

/// `s_client -tls1_2 EXTRA` against our server: waits for `Cipher is
/// CIPHER`, echoes a line, closes; checks `expect_lines` in its output.
fn s_client_run(port: u16, done: &mpsc::Receiver<Served>, ca: &str, extra: &[&str], cipher: &str) -> (Served, Peer) {
    let mut args = vec!["-tls1_2"];
    args.extend_from_slice(extra);
    let mut client = openssl_s_client(port, &pki(ca), "localhost", &args);
    let line = format!("Cipher is {cipher}");
    if !client.wait_for_output(&line, HANDSHAKE_TIMEOUT) {
        panic!("no {line:?}; our server: {:?}\n{}", outcome(done), client.describe());
    }
    client.send(b"rsa-signed-handshake\n").unwrap();
    if !wait_for_stdout(&client, "rsa-signed-handshake\n") {
        panic!("no echo; our server: {:?}\n{}", outcome(done), client.describe());
    }
    client.close_stdin();
    (outcome(done), client)
}

/// Waits (bounded) for each of `lines` in `peer`'s output: its reader
/// threads may still be copying it.
fn expect_lines(peer: &mut Peer, lines: &[&str]) {
    for line in lines {
        if !peer.wait_for_output(line, HANDSHAKE_TIMEOUT) {
            panic!("{line:?} not in the output of\n{}", peer.describe());
        }
    }
}

fn s_client_rsa_suite(suite: CipherSuite, name: &str) {
    if !require_peer("openssl") {
        return;
    }
    let (port, done) = spawn_server(Identity::Rsa, 1);
    let (served, mut client) = s_client_run(port, &done, "rsa-ca.pem", &["-cipher", name], name);
    assert_served(&served, suite, "rsa-signed-handshake\n", &mut client);
    expect_lines(
        &mut client,
        &[
            "Server public key is 2048 bit",
            "issuer=O = sansio-tls test, CN = sansio-tls test RSA CA",
            "Verify return code: 0 (ok)",
        ],
    );
}

#[test]
fn s_client_rsa_aes128() {
    s_client_rsa_suite(RSA_SUITES[0].0, RSA_SUITES[0].1);
}

#[test]
fn s_client_rsa_aes256() {
    s_client_rsa_suite(RSA_SUITES[1].0, RSA_SUITES[1].1);
}

#[test]
fn s_client_rsa_chacha() {
    s_client_rsa_suite(RSA_SUITES[2].0, RSA_SUITES[2].1);
}

/// RSA-PSS or PKCS#1 v1.5 for the ServerKeyExchange, as the client offers.
fn s_client_sigalg(sigalgs: &str, expect_digest: &str, expect_type: &str) {
    if !require_peer("openssl") {
        return;
    }
    let (port, done) = spawn_server(Identity::Rsa, 1);
    let name = RSA_SUITES[0].1;
    let (served, mut client) = s_client_run(port, &done, "rsa-ca.pem", &["-cipher", name, "-sigalgs", sigalgs], name);
    assert_served(&served, RSA_SUITES[0].0, "rsa-signed-handshake\n", &mut client);
    let digest = format!("Peer signing digest: {expect_digest}\n");
    expect_lines(&mut client, &[&digest, &format!("Peer signature type: {expect_type}\n")]);
}

#[test]
fn s_client_sigalgs_rsa_pss_sha256() {
    s_client_sigalg("RSA-PSS+SHA256", "SHA256", "RSA-PSS");
}

#[test]
fn s_client_sigalgs_rsa_pkcs1_sha256() {
    s_client_sigalg("RSA+SHA256", "SHA256", "RSA");
}

#[test]
fn s_client_sigalgs_rsa_pss_sha512() {
    s_client_sigalg("RSA-PSS+SHA512", "SHA512", "RSA-PSS");
}

#[test]
fn s_client_sigalgs_rsa_pkcs1_sha384() {
    s_client_sigalg("RSA+SHA384:RSA+SHA512", "SHA384", "RSA");
}

/// A client offering only SHA-1 signatures, which this crate never makes:
/// our server refuses the handshake instead of signing with something the
/// client did not offer.
#[test]
fn s_client_sigalgs_sha1_only_is_refused() {
    if !require_peer("openssl") {
        return;
    }
    let (port, done) = spawn_server(Identity::Rsa, 1);
    let args = ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0", "-sigalgs", "RSA+SHA1"];
    let mut client = openssl_s_client(port, &pki("rsa-ca.pem"), "localhost", &args);
    let exited = client.wait_exit(HANDSHAKE_TIMEOUT);
    let served = outcome(&done);
    assert_eq!(served.error, Some(ErrorKind::HandshakeFailure.into()), "our server: {served:?}\n{}", client.describe());
    assert!(exited.is_some_and(|s| !s.success()), "{}", client.describe());
    assert!(client.wait_for_output("alert handshake failure", HANDSHAKE_TIMEOUT), "{}", client.describe());
}

/// One server with both certificates: an RSA-only client gets the RSA one,
/// an ECDSA-only client the ECDSA one (each verifies it against its CA
/// only, with `-verify_return_error`).
#[test]
fn both_certificates_chosen_by_suite() {
    if !require_peer("openssl") {
        return;
    }
    let (port, done) = spawn_server(Identity::Both, 2);

    let rsa_list = RSA_SUITES.iter().map(|s| s.1).collect::<Vec<_>>().join(":");
    let (served, mut client) = s_client_run(port, &done, "rsa-ca.pem", &["-cipher", &rsa_list], "ECDHE-RSA-");
    assert!(interop::RSA_SUITES.iter().any(|s| Some(s.0) == served.info.map(|i| i.suite)), "{served:?}");
    assert_served(&served, served.info.unwrap().suite, "rsa-signed-handshake\n", &mut client);
    expect_lines(
        &mut client,
        &[
            "Server public key is 2048 bit",
            "subject=O = sansio-tls test, CN = localhost\nissuer=O = sansio-tls test, CN = sansio-tls test RSA CA",
            "Peer signature type: RSA",
        ],
    );
    drop(client);

    let ecdsa_list = interop::ECDSA_SUITES.iter().map(|s| s.1).collect::<Vec<_>>().join(":");
    let (served, mut client) = s_client_run(port, &done, "ecdsa-ca.pem", &["-cipher", &ecdsa_list], "ECDHE-ECDSA-");
    assert!(interop::ECDSA_SUITES.iter().any(|s| Some(s.0) == served.info.map(|i| i.suite)), "{served:?}");
    assert_served(&served, served.info.unwrap().suite, "rsa-signed-handshake\n", &mut client);
    expect_lines(
        &mut client,
        &[
            "Server public key is 256 bit",
            "subject=O = sansio-tls test, CN = localhost\nissuer=O = sansio-tls test, CN = sansio-tls test ECDSA CA",
            "Peer signature type: ECDSA",
        ],
    );
}

// ----- gnutls-cli -----------------------------------------------------------

/// The GnuTLS priority for exactly one ECDHE-RSA suite (and `sign`, the
/// ServerKeyExchange signature algorithms, when given).
fn gnutls_priority(cipher: &str, sign: Option<&str>) -> String {
    let mut p = format!("{GNUTLS_TLS12}:-CIPHER-ALL:+{cipher}:-KX-ALL:+ECDHE-RSA");
    if let Some(sign) = sign {
        p.push_str(&format!(":-SIGN-ALL:+{sign}"));
    }
    p
}

/// `gnutls-cli` against our RSA server; `expect` must show in its output.
fn gnutls_cli_rsa(priority: &str, suite: CipherSuite, expect: &[&str]) {
    if !require_peer("gnutls-cli") {
        return;
    }
    let (port, done) = spawn_server(Identity::Rsa, 1);
    let mut client = gnutls_cli(port, &pki("rsa-ca.pem"), &["--priority", priority]);
    if !client.wait_for_output("- Handshake was completed", HANDSHAKE_TIMEOUT) {
        panic!("no handshake; our server: {:?}\n{}", outcome(&done), client.describe());
    }
    let token = "gnutls-over-rsa\n";
    client.send(token.as_bytes()).unwrap();
    if !wait_for_stdout(&client, token) {
        panic!("no echo; our server: {:?}\n{}", outcome(&done), client.describe());
    }
    client.close_stdin();
    let served = outcome(&done);
    assert_served(&served, suite, token, &mut client);
    let mut lines = vec!["- Status: The certificate is trusted."];
    lines.extend_from_slice(expect);
    expect_lines(&mut client, &lines);
}

#[test]
fn gnutls_cli_rsa_aes128() {
    gnutls_cli_rsa(&gnutls_priority("AES-128-GCM", None), RSA_SUITES[0].0, &["-(AES-128-GCM)"]);
}

#[test]
fn gnutls_cli_rsa_aes256() {
    gnutls_cli_rsa(&gnutls_priority("AES-256-GCM", None), RSA_SUITES[1].0, &["-(AES-256-GCM)"]);
}

#[test]
fn gnutls_cli_rsa_chacha() {
    gnutls_cli_rsa(&gnutls_priority("CHACHA20-POLY1305", None), RSA_SUITES[2].0, &["-(CHACHA20-POLY1305)"]);
}

#[test]
fn gnutls_cli_rsa_pss() {
    gnutls_cli_rsa(
        &gnutls_priority("AES-128-GCM", Some("SIGN-RSA-PSS-RSAE-SHA256")),
        RSA_SUITES[0].0,
        &["-(RSA-PSS-RSAE-SHA256)-"],
    );
}

#[test]
fn gnutls_cli_rsa_pkcs1() {
    gnutls_cli_rsa(&gnutls_priority("AES-128-GCM", Some("SIGN-RSA-SHA256")), RSA_SUITES[0].0, &["-(RSA-SHA256)-"]);
}

//! Proves the peer harness in `tests/common/peers.rs` and the test PKI work,
//! with OpenSSL and GnuTLS talking to each other (no sansio-tls code involved).
//!
//! Each test skips loudly when a tool is missing, and fails instead when
//! `SANSIO_TLS_REQUIRE_PEERS` is set (as in CI).

mod common;

use common::peers::*;
use std::time::{Duration, Instant};

/// Asserts that `needle` shows up in `peer`'s output, with both peers' output
/// in the failure message.
fn expect_output(peer: &mut Peer, needle: &str, other: &mut Peer) {
    if !peer.wait_for_output(needle, HANDSHAKE_TIMEOUT) {
        panic!("expected {needle:?} in the output of the first peer below\n{}\n{}", peer.describe(), other.describe());
    }
}

/// Waits for `peer` to exit and asserts that it failed.
fn expect_failure(peer: &mut Peer, other: &mut Peer) {
    match peer.wait_exit(HANDSHAKE_TIMEOUT) {
        Some(status) if !status.success() => {}
        _ => panic!("expected the first peer below to fail\n{}\n{}", peer.describe(), other.describe()),
    }
}

#[test]
fn openssl_client_verifies_openssl_server() {
    if !require_peer("openssl") {
        return;
    }
    for (pki_name, ca) in [("ecdsa-server", "ecdsa-ca.pem"), ("rsa-server", "rsa-ca.pem")] {
        let port = free_port();
        let mut server =
            openssl_s_server(port, &pki(&format!("{pki_name}.pem")), &pki(&format!("{pki_name}.key.pem")), &[]);
        let mut client = openssl_s_client(port, &pki(ca), "localhost", &[]);
        // s_client prints "Verify return code: 0 (ok)" and "Protocol  : TLSv1.2"
        // even after a failed handshake; only a completed one names a cipher
        // on the "New, ..." line.
        expect_output(&mut client, "New, TLSv1.2, Cipher is ECDHE-", &mut server);
        expect_output(&mut client, "Verify return code: 0 (ok)", &mut server);
        assert!(!client.output().contains("verify error"), "{}", client.describe());

        // Application data goes through: s_server prints what it receives.
        client.send(b"hello from s_client\n").unwrap();
        expect_output(&mut server, "hello from s_client", &mut client);
    }
}

#[test]
fn openssl_client_rejects_bad_server_certs() {
    if !require_peer("openssl") {
        return;
    }
    for (leaf, code) in [
        // 20: unable to get local issuer certificate; 10: certificate has expired.
        ("ecdsa-untrusted", "verify error:num=20:"),
        ("ecdsa-expired", "verify error:num=10:"),
    ] {
        let port = free_port();
        let mut server = openssl_s_server(port, &pki(&format!("{leaf}.pem")), &pki(&format!("{leaf}.key.pem")), &[]);
        let mut client = openssl_s_client(port, &pki("ecdsa-ca.pem"), "localhost", &[]);
        expect_output(&mut client, code, &mut server);
        expect_failure(&mut client, &mut server);
        expect_output(&mut client, "New, (NONE), Cipher is (NONE)", &mut server);
    }
}

#[test]
fn gnutls_cli_verifies_gnutls_serv() {
    if !require_peer("gnutls-serv") || !require_peer("gnutls-cli") {
        return;
    }
    let port = free_port();
    let mut server =
        gnutls_serv(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), GNUTLS_TLS12, &["--echo"]);
    let mut client = gnutls_cli(port, &pki("ecdsa-ca.pem"), &[]);
    expect_output(&mut client, "- Status: The certificate is trusted.", &mut server);
    expect_output(&mut client, "- Handshake was completed", &mut server);
    expect_output(&mut client, "- Description: (TLS1.2-X.509)", &mut server);

    // The echo server sends our line back.
    client.send(b"hello from gnutls-cli\n").unwrap();
    expect_output(&mut server, "hello from gnutls-cli", &mut client);
    expect_output(&mut client, "hello from gnutls-cli", &mut server);
}

#[test]
fn gnutls_cli_rejects_untrusted_server() {
    if !require_peer("gnutls-serv") || !require_peer("gnutls-cli") {
        return;
    }
    let port = free_port();
    let mut server = gnutls_serv(port, &pki("ecdsa-untrusted.pem"), &pki("ecdsa-untrusted.key.pem"), GNUTLS_TLS12, &[]);
    let mut client = gnutls_cli(port, &pki("ecdsa-ca.pem"), &[]);
    expect_output(&mut client, "The certificate is NOT trusted", &mut server);
    expect_failure(&mut client, &mut server);
}

#[test]
fn cross_openssl_client_gnutls_server_rsa() {
    if !require_peer("openssl") || !require_peer("gnutls-serv") {
        return;
    }
    let port = free_port();
    let mut server = gnutls_serv(
        port,
        &pki("rsa-server-chain.pem"),
        &pki("rsa-server.key.pem"),
        GNUTLS_TLS12,
        &["--echo", "--disable-client-cert"],
    );
    let mut client = openssl_s_client(port, &pki("rsa-ca.pem"), "localhost", &[]);
    expect_output(&mut client, "New, TLSv1.2, Cipher is ECDHE-RSA-", &mut server);
    expect_output(&mut client, "Verify return code: 0 (ok)", &mut server);
}

#[test]
fn cross_gnutls_client_openssl_server_rsa() {
    if !require_peer("openssl") || !require_peer("gnutls-cli") {
        return;
    }
    let port = free_port();
    let mut server = openssl_s_server(port, &pki("rsa-server-chain.pem"), &pki("rsa-server.key.pem"), &[]);
    let mut client = gnutls_cli(port, &pki("rsa-ca.pem"), &[]);
    expect_output(&mut client, "- Status: The certificate is trusted.", &mut server);
    expect_output(&mut client, "- Description: (TLS1.2-X.509)", &mut server);
}

#[test]
fn harness_basics() {
    // wait_until honours its timeout.
    let start = Instant::now();
    assert!(!wait_until(Duration::from_millis(50), || false));
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(wait_until(Duration::ZERO, || true));

    // Nothing listens on a port that was just released.
    let port = free_port();
    assert_ne!(port, 0);
    assert!(!wait_for_port(port, Duration::from_millis(50)));

    // A peer is killed on drop: a long sleep ends at once.
    let mut cmd = std::process::Command::new("sleep");
    cmd.arg("600");
    let peer = Peer::spawn(cmd);
    let proc_dir = std::path::PathBuf::from(format!("/proc/{}", peer.pid()));
    assert!(proc_dir.exists());
    drop(peer);
    assert!(!proc_dir.exists(), "peer process survived its drop");

    // Output is collected from both stdout and stderr.
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", "echo to-stdout; echo to-stderr >&2"]);
    let mut peer = Peer::spawn(cmd);
    assert!(peer.wait_for_output("to-stdout", Duration::from_secs(10)));
    assert!(peer.wait_for_output("to-stderr", Duration::from_secs(10)));
    assert!(peer.stdout().contains("to-stdout") && !peer.stdout().contains("to-stderr"));
    assert!(peer.stderr().contains("to-stderr"));
    // An exited process that never printed the needle: false, without
    // waiting for the whole timeout.
    let start = Instant::now();
    assert!(!peer.wait_for_output("never printed", Duration::from_secs(30)));
    assert!(start.elapsed() < Duration::from_secs(10));
}

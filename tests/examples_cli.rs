//! Runs the example programs (`examples/{demo,client,server}.rs`) as a user
//! would, against OpenSSL and GnuTLS, on 127.0.0.1.
//!
//! The binaries are the ones `cargo test` builds next to the test binaries
//! (`target/debug/examples/`); it builds them before running any test. A
//! test run restricted with `--test examples_cli` does not build them, so
//! build them first (`cargo build --examples`): a missing binary fails the
//! test.

mod common;
#[path = "common/interop.rs"]
mod interop;

use common::peers::*;
use interop::on_free_port;
use std::path::PathBuf;
use std::process::Command;

/// The path of an example binary built by cargo for this test run.
fn example(name: &str) -> PathBuf {
    // target/debug/deps/examples_cli-HASH -> target/debug/examples/NAME
    let exe = std::env::current_exe().expect("current_exe");
    let dir = exe.parent().and_then(|p| p.parent()).expect("target dir");
    let path = dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "example binary {} not found: run the whole `cargo test` (which builds the examples) \
         or `cargo build --examples` first",
        path.display()
    );
    path
}

fn pki_arg(name: &str) -> String {
    pki(name).to_str().expect("UTF-8 path").to_owned()
}

/// Starts the server example on 127.0.0.1 (port chosen by the kernel) and
/// returns it with its port.
fn start_server(extra: &[&str]) -> (Peer, u16) {
    let mut cmd = Command::new(example("server"));
    cmd.args(["--listen", "127.0.0.1:0", "--max-conns", "1"])
        .args(["--cert", &pki_arg("ecdsa-server-chain.pem")])
        .args(["--key", &pki_arg("ecdsa-server.key.pem")])
        .args(extra);
    let mut server = Peer::spawn(cmd);
    // "listening on 127.0.0.1:PORT\n", once the whole line is there.
    let parse = |out: &str| {
        let rest = &out[out.find("listening on 127.0.0.1:")? + "listening on 127.0.0.1:".len()..];
        rest[..rest.find('\n')?].trim().parse::<u16>().ok()
    };
    let mut port = None;
    wait_until(START_TIMEOUT, || {
        port = parse(&server.output());
        port.is_some()
    });
    let Some(port) = port else { panic!("the server example did not start listening\n{}", server.describe()) };
    (server, port)
}

fn expect_output(peer: &mut Peer, needle: &str, other: &mut Peer) {
    if !peer.wait_for_output(needle, HANDSHAKE_TIMEOUT) {
        panic!("expected {needle:?} in the output of\n{}\nother side:\n{}", peer.describe(), other.describe());
    }
}

/// Like [`expect_output`], in stdout or stderr alone (so that lines of
/// the other stream cannot split `needle`).
fn expect_in(peer: &mut Peer, stream: fn(&Peer) -> String, needle: &str, other: &mut Peer) {
    if !wait_until(HANDSHAKE_TIMEOUT, || stream(peer).contains(needle)) {
        panic!("expected {needle:?} in the output of\n{}\nother side:\n{}", peer.describe(), other.describe());
    }
}

fn expect_success(peer: &mut Peer, other: &mut Peer) {
    match peer.wait_exit(HANDSHAKE_TIMEOUT) {
        Some(status) if status.success() => {}
        _ => panic!("expected a clean exit of\n{}\nother side:\n{}", peer.describe(), other.describe()),
    }
}

#[test]
fn demo_runs() {
    let out = Command::new(example("demo")).output().expect("run demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    for needle in ["client: handshake done", "server: handshake done", "hello from the client", "closed (CloseNotify)"]
    {
        assert!(stdout.contains(needle), "{needle:?} not in demo output:\n{stdout}");
    }
    assert!(stdout.lines().count() <= 25, "demo output grew:\n{stdout}");
}

#[test]
fn server_example_echoes_to_s_client() {
    if !require_peer("openssl") {
        return;
    }
    let (mut server, port) = start_server(&["--suites", "ECDHE-ECDSA-CHACHA20-POLY1305"]);
    let mut client = openssl_s_client(port, &pki("ecdsa-ca.pem"), "localhost", &["-tls1_2"]);
    expect_output(&mut client, "Cipher is ECDHE-ECDSA-CHACHA20-POLY1305", &mut server);
    client.send(b"echo-me-please\n").unwrap();
    expect_in(&mut client, Peer::stdout, "echo-me-please", &mut server);
    client.close_stdin();
    expect_success(&mut server, &mut client);
    let log = server.output();
    for needle in [
        "event: handshake done suite=TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "ems=true secure_reneg=true resumed=false",
        "event: data 15 bytes",
        "event: closed close_notify",
    ] {
        assert!(log.contains(needle), "{needle:?} not in the server's log:\n{log}");
    }
}

#[test]
fn server_example_http_to_s_client() {
    if !require_peer("openssl") {
        return;
    }
    let (mut server, port) = start_server(&["--http"]);
    let mut client = openssl_s_client(port, &pki("ecdsa-ca.pem"), "localhost", &["-tls1_2", "-ign_eof"]);
    expect_output(&mut client, "Cipher is ECDHE-ECDSA-AES128-GCM-SHA256", &mut server);
    client.send(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
    expect_in(&mut client, Peer::stdout, "HTTP/1.0 200 OK", &mut server);
    expect_in(&mut client, Peer::stdout, "Hello from sansio-tls.", &mut server);
    expect_success(&mut server, &mut client);
    assert!(server.output().contains("event: sent HTTP response"), "{}", server.describe());
}

#[test]
fn server_example_echoes_to_gnutls_cli() {
    if !require_peer("gnutls-cli") {
        return;
    }
    let (mut server, port) = start_server(&[]);
    let mut client =
        gnutls_cli(port, &pki("ecdsa-ca.pem"), &["--priority", &format!("{GNUTLS_TLS12}:-GROUP-ALL:+GROUP-SECP256R1")]);
    expect_output(&mut client, "- Handshake was completed", &mut server);
    client.send(b"echo-me-please\n").unwrap();
    expect_in(&mut client, Peer::stdout, "echo-me-please", &mut server);
    client.close_stdin();
    expect_success(&mut server, &mut client);
    let log = server.output();
    assert!(log.contains("group=Secp256r1"), "{log}");
    assert!(log.contains("event: closed close_notify"), "{log}");
}

/// Starts the client example with `args`.
fn start_client(port: u16, ca: &str, extra: &[&str]) -> Peer {
    let mut cmd = Command::new(example("client"));
    cmd.args(["--connect", &format!("127.0.0.1:{port}"), "--servername", "localhost"])
        .args(["--ca", &pki_arg(ca)])
        .args(extra);
    Peer::spawn(cmd)
}

#[test]
fn client_example_against_s_server() {
    if !require_peer("openssl") {
        return;
    }
    let (mut server, port) =
        on_free_port(|port| openssl_s_server(port, &pki("rsa-server.pem"), &pki("rsa-server.key.pem"), &["-rev"]));
    let mut client = start_client(port, "rsa-ca.pem", &["--suites", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"]);
    expect_in(
        &mut client,
        Peer::stderr,
        "event: handshake done suite=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        &mut server,
    );
    client.send(b"hello\n").unwrap();
    expect_in(&mut client, Peer::stdout, "olleh", &mut server);
    client.close_stdin();
    expect_success(&mut client, &mut server);
    assert!(client.stderr().contains("event: closed close_notify"), "{}", client.describe());
}

#[test]
fn client_example_small_records_against_gnutls_serv() {
    if !require_peer("gnutls-serv") {
        return;
    }
    let (mut server, port) = on_free_port(|port| {
        gnutls_serv(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), GNUTLS_TLS12, &["--echo"])
    });
    let mut client = start_client(port, "ecdsa-ca.pem", &["--max-fragment-length", "512"]);
    expect_in(&mut client, Peer::stderr, "max_fragment_length=512", &mut server);
    client.send(b"hello gnutls\n").unwrap();
    expect_in(&mut client, Peer::stderr, "event: data 13 bytes", &mut server);
    client.close_stdin();
    expect_success(&mut client, &mut server);
    assert!(client.stdout().contains("hello gnutls"), "{}", client.describe());
}

/// A client that cannot verify the server exits non-zero and says why.
#[test]
fn client_example_fails_on_unknown_ca() {
    if !require_peer("openssl") {
        return;
    }
    let (mut server, port) =
        on_free_port(|port| openssl_s_server(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), &[]));
    let mut client = start_client(port, "rsa-ca.pem", &[]);
    match client.wait_exit(HANDSHAKE_TIMEOUT) {
        Some(status) if !status.success() => {}
        _ => panic!("expected a failure\n{}\n{}", client.describe(), server.describe()),
    }
    // "error: UnknownCa (sends alert UnknownCa)"
    assert!(client.stderr().contains("error: UnknownCa"), "{}", client.describe());
}

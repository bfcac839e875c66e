//! Runs `examples/tokio_server.rs` and `examples/tokio_client.rs` as a
//! user would, against each other and against curl, on 127.0.0.1.
//!
//! The binaries are the ones `cargo test --features tokio` builds in
//! `target/debug/examples/`; a run restricted with `--test tokio_examples`
//! does not build them (`cargo build --features tokio --examples` first):
//! a missing binary fails the test.

mod common;

use common::peers::{HANDSHAKE_TIMEOUT, Peer, START_TIMEOUT, pki, require_peer, wait_until};
use std::path::PathBuf;
use std::process::Command;

/// `target/debug/examples/NAME`, next to this test's `deps` directory.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().and_then(|deps| deps.parent()).unwrap().join("examples").join(name);
    assert!(path.is_file(), "{} not built: `cargo build --features tokio --examples`", path.display());
    path
}

/// The tokio server example on a port the kernel chose, once it listens.
fn tokio_server(extra: &[&str]) -> (Peer, u16) {
    let mut cmd = Command::new(example("tokio_server"));
    cmd.args(["--listen", "127.0.0.1:0", "--cert", pki("ecdsa-server-chain.pem").to_str().unwrap()])
        .args(["--key", pki("ecdsa-server.key.pem").to_str().unwrap()])
        .args(extra);
    let server = Peer::spawn(cmd);
    let port = || {
        let out = server.output();
        let line = out.split("listening on 127.0.0.1:").nth(1)?.split_once('\n')?.0.to_owned();
        line.trim().parse::<u16>().ok()
    };
    assert!(wait_until(START_TIMEOUT, || port().is_some()), "no listening line:\n{}", server.output());
    let port = port().unwrap();
    (server, port)
}

/// Runs the tokio client example to its end; returns its stdout.
fn tokio_client(port: u16, extra: &[&str]) -> String {
    let mut cmd = Command::new(example("tokio_client"));
    cmd.args(["--connect", &format!("127.0.0.1:{port}"), "--servername", "localhost"]).args(extra);
    let mut client = Peer::spawn(cmd);
    client.close_stdin();
    match client.wait_exit(HANDSHAKE_TIMEOUT) {
        Some(status) if status.success() => client.stdout(),
        _ => panic!("the client did not succeed:\n{}", client.describe()),
    }
}

#[test]
fn tokio_client_and_echo_server_examples() {
    let (mut server, port) = tokio_server(&["--alpn", "h2,http/1.1"]);
    let echoed = tokio_client(port, &["--alpn", "http/1.1"]);
    assert_eq!(echoed, "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n");
    let logged = "suite=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 sni=localhost alpn=http/1.1 resumed=false";
    assert!(server.wait_for_output(logged, HANDSHAKE_TIMEOUT), "{}", server.describe());
}

#[test]
fn tokio_http_server_example_to_tokio_client_and_curl() {
    let (mut server, port) = tokio_server(&["--http"]);
    let page = tokio_client(port, &[]);
    assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page:?}");
    assert!(page.ends_with("\r\n\r\nHello from sansio-tls on tokio.\n"), "{page:?}");
    if !require_peer("curl") {
        return;
    }
    let mut curl = Command::new("curl");
    curl.args(["-sS", "--max-time", "20", "--cacert", pki("ecdsa-ca.pem").to_str().unwrap()]).args([
        "--resolve",
        &format!("localhost:{port}:127.0.0.1"),
        &format!("https://localhost:{port}/"),
    ]);
    let mut curl = Peer::spawn(curl);
    let done = curl.wait_exit(HANDSHAKE_TIMEOUT).is_some_and(|s| s.success());
    assert!(done && curl.stdout() == "Hello from sansio-tls on tokio.\n", "{}\n{}", curl.describe(), server.describe());
}

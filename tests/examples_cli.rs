//! Runs the example programs (`examples/{demo,counting_provider,client,server}.rs`) as a user
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
    start_named_server("server", &[&["--max-conns", "1"], extra].concat())
}

/// Starts the server example `name` on 127.0.0.1 with the ECDSA
/// credential and `extra`.
fn start_named_server(name: &str, extra: &[&str]) -> (Peer, u16) {
    let mut cmd = Command::new(example(name));
    cmd.args(["--listen", "127.0.0.1:0"])
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

/// The provider template counts the client's calls and checks the counts
/// the protocol fixes (one key share, one agreement, two AEAD keys, ...):
/// a provider the engine bypassed, or called twice, fails it.
#[test]
fn counting_provider_example_counts_every_call() {
    let out = Command::new(example("counting_provider")).output().expect("run counting_provider");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("records sealed        3") && stdout.ends_with("ok\n"), "{stdout}");
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
    expect_finished(&mut server, &mut client);
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
    expect_finished(&mut server, &mut client);
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
    expect_finished(&mut server, &mut client);
    let log = server.output();
    assert!(log.contains("group=Secp256r1"), "{log}");
    assert!(log.contains("event: closed close_notify"), "{log}");
}

/// The server example with a P-256 and a P-384 credential: a client that
/// lists only secp384r1 can verify only the P-384 one (RFC 8422 §5.1.1), and
/// gets it; the P-384 key loads from its PEM file.
#[cfg(feature = "p384")]
#[test]
fn server_example_picks_its_p384_credential_for_a_p384_only_client() {
    if !require_peer("openssl") {
        return;
    }
    let p384 = ["--cert", &pki_arg("p384-server-chain.pem"), "--key", &pki_arg("p384-server.key.pem")];
    let (mut server, port) = start_server(&p384);
    let mut client = openssl_s_client(port, &pki("p384-ca.pem"), "localhost", &["-tls1_2", "-groups", "P-384"]);
    expect_output(&mut client, "Cipher is ECDHE-ECDSA-", &mut server);
    client.send(b"echo-me-please\n").unwrap();
    expect_in(&mut client, Peer::stdout, "echo-me-please", &mut server);
    client.close_stdin();
    expect_finished(&mut server, &mut client);
    assert!(client.output().contains("Peer signature type: ECDSA"), "{}", client.describe());
    assert!(client.output().contains("Server Temp Key: ECDH, secp384r1"), "{}", client.describe());
    assert!(server.output().contains("group=Secp384r1"), "{}", server.describe());
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
    expect_finished(&mut client, &mut server);
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
    expect_finished(&mut client, &mut server);
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
    let unknown_ca = "error: certificate chain does not lead to a trusted root (sends unknown_ca)";
    assert!(client.stderr().contains(unknown_ca), "{}", client.describe());
}

/// Waits until `peer`'s output stops growing: after the process exits, its
/// reader threads may still be copying the last lines.
fn settle(peer: &Peer) {
    let mut last = usize::MAX;
    let mut stable_since = std::time::Instant::now();
    wait_until(HANDSHAKE_TIMEOUT, || {
        let len = peer.output().len();
        if len != last {
            last = len;
            stable_since = std::time::Instant::now();
        }
        stable_since.elapsed() >= std::time::Duration::from_millis(200)
    });
}

/// [`expect_success`], then [`settle`].
fn expect_finished(peer: &mut Peer, other: &mut Peer) {
    expect_success(peer, other);
    settle(peer);
}

/// How many times `needle` is in `peer`'s stderr.
fn count_in_stderr(peer: &Peer, needle: &str) -> usize {
    peer.stderr().matches(needle).count()
}

/// Waits until `needle` is `n` times in `peer`'s stderr.
fn expect_count(peer: &mut Peer, needle: &str, n: usize, other: &mut Peer) {
    if !wait_until(HANDSHAKE_TIMEOUT, || count_in_stderr(peer, needle) >= n) {
        panic!("expected {n} x {needle:?} in the output of\n{}\nother side:\n{}", peer.describe(), other.describe());
    }
}

/// `--reconnect 2`: after the first connection, two more, each resuming
/// the session (the server example keeps a session store and issues
/// tickets by default).
#[test]
fn client_example_reconnect_resumes_with_server_example() {
    let (mut server, port) = start_server(&["--max-conns", "3"]);
    let mut client = start_client(port, "ecdsa-ca.pem", &["--reconnect", "2"]);
    expect_in(&mut client, Peer::stderr, "event: handshake done", &mut server);
    client.send(b"hello\n").unwrap();
    expect_in(&mut client, Peer::stdout, "hello", &mut server);
    client.close_stdin();
    expect_finished(&mut client, &mut server);
    expect_finished(&mut server, &mut client);
    let log = client.stderr();
    assert_eq!(log.matches("event: handshake done").count(), 3, "{log}");
    assert_eq!(log.matches("resumed=false").count(), 1, "{log}");
    assert_eq!(log.matches("resumed=true").count(), 2, "{log}");
    assert_eq!(server.stderr().matches("resumed=true").count(), 2, "{}", server.describe());
}

/// The same with the server's store and tickets off: nothing resumes.
#[test]
fn client_example_reconnect_without_server_sessions() {
    let (mut server, port) = start_server(&["--max-conns", "2", "--no-cache", "--no-tickets"]);
    let mut client = start_client(port, "ecdsa-ca.pem", &["--reconnect", "1"]);
    client.close_stdin();
    expect_finished(&mut client, &mut server);
    let log = client.stderr();
    assert_eq!(log.matches("resumed=false").count(), 2, "{log}");
    assert!(!log.contains("resumed=true"), "{log}");
}

/// `--sess-out` in one run, `--sess-in` in the next: the second run resumes
/// the first one's session with `s_server -no_ticket` (by session ID).
#[test]
fn client_example_sess_out_sess_in_with_s_server() {
    if !require_peer("openssl") {
        return;
    }
    let (mut server, port) = on_free_port(|port| {
        openssl_s_server(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), &["-rev", "-no_ticket"])
    });
    let file = std::env::temp_dir().join(format!("sansio-tls-example-sess-{}-{port}", std::process::id()));
    let file_arg = file.to_str().expect("UTF-8 temp path").to_owned();
    for (round, flag) in [(0, "--sess-out"), (1, "--sess-in")] {
        let mut client = start_client(port, "ecdsa-ca.pem", &[flag, &file_arg]);
        expect_in(&mut client, Peer::stderr, "event: handshake done", &mut server);
        client.send(b"hello\n").unwrap();
        expect_in(&mut client, Peer::stdout, "olleh", &mut server);
        client.close_stdin();
        expect_finished(&mut client, &mut server);
        let log = client.stderr();
        if round == 0 {
            assert!(log.contains("resumed=false"), "{log}");
            assert!(log.contains("event: session saved to"), "{log}");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&file).expect("session file").permissions().mode();
                assert_eq!(mode & 0o077, 0, "the session file is secret: mode {mode:o}");
            }
        } else {
            assert!(log.contains("resumed=true"), "{log}");
        }
    }
    let _ = std::fs::remove_file(&file);
}

/// The server example requiring a client certificate from the ECDSA CA:
/// `s_client` with the client leaf gets through (the server logs its
/// subject), without a certificate it is refused.
#[test]
fn server_example_requires_client_certificate() {
    if !require_peer("openssl") {
        return;
    }
    let auth = ["--client-auth", "require", "--ca", &pki_arg("ecdsa-ca.pem")];
    let (mut server, port) = start_server(&auth);
    let cert = ["-cert", &pki_arg("ecdsa-client.pem"), "-key", &pki_arg("ecdsa-client.key.pem")];
    let mut client = openssl_s_client(port, &pki("ecdsa-ca.pem"), "localhost", &[&["-tls1_2"][..], &cert].concat());
    expect_output(&mut client, "Cipher is ECDHE-ECDSA-AES128-GCM-SHA256", &mut server);
    client.send(b"with-a-certificate\n").unwrap();
    expect_in(&mut client, Peer::stdout, "with-a-certificate", &mut server);
    client.close_stdin();
    expect_finished(&mut server, &mut client);
    let log = server.stderr();
    assert!(log.contains("event: client certificate subject=\"O=sansio-tls test, CN=test client\""), "{log}");
    assert!(client.output().contains("Acceptable client certificate CA names"), "{}", client.describe());

    let (mut server, port) = start_server(&auth);
    let mut client = openssl_s_client(port, &pki("ecdsa-ca.pem"), "localhost", &["-tls1_2"]);
    match client.wait_exit(HANDSHAKE_TIMEOUT) {
        Some(status) if !status.success() => {}
        _ => panic!("expected a failure\n{}\n{}", client.describe(), server.describe()),
    }
    expect_output(&mut client, "alert handshake failure", &mut server);
    let no_cert = "error: client sent no certificate, which the configuration requires (sends handshake_failure)";
    expect_in(&mut server, Peer::stderr, no_cert, &mut client);
}

/// `R` on the client example's stdin renegotiates with `s_server
/// -client_renegotiation`; lines before and after go through.
#[test]
fn client_example_renegotiates_with_s_server() {
    if !require_peer("openssl") {
        return;
    }
    let (mut server, port) = on_free_port(|port| {
        openssl_s_server(
            port,
            &pki("ecdsa-server.pem"),
            &pki("ecdsa-server.key.pem"),
            &["-rev", "-client_renegotiation"],
        )
    });
    let mut client = start_client(port, "ecdsa-ca.pem", &[]);
    expect_in(&mut client, Peer::stderr, "event: handshake done", &mut server);
    client.send(b"before\n").unwrap();
    expect_in(&mut client, Peer::stdout, "erofeb", &mut server);
    client.send(b"R\n").unwrap();
    expect_in(&mut client, Peer::stderr, "event: renegotiating", &mut server);
    expect_count(&mut client, "event: handshake done", 2, &mut server);
    client.send(b"after\n").unwrap();
    expect_in(&mut client, Peer::stdout, "retfa", &mut server);
    client.close_stdin();
    expect_finished(&mut client, &mut server);
    let log = client.stderr();
    assert_eq!(log.matches("secure_reneg=true").count(), 2, "{log}");
    // The `R` line is a command, not data.
    assert!(!client.stdout().contains('R'), "{}", client.describe());
}

/// `R` on the server example's stdin sends a HelloRequest; `gnutls-cli`
/// renegotiates.
#[test]
fn server_example_hello_request_to_gnutls_cli() {
    if !require_peer("gnutls-cli") {
        return;
    }
    let (mut server, port) = start_server(&[]);
    let mut client = gnutls_cli(port, &pki("ecdsa-ca.pem"), &["--priority", GNUTLS_TLS12]);
    expect_output(&mut client, "- Handshake was completed", &mut server);
    client.send(b"before\n").unwrap();
    expect_in(&mut client, Peer::stdout, "before", &mut server);
    server.send(b"R\n").unwrap();
    expect_in(&mut server, Peer::stderr, "event: sent HelloRequest", &mut client);
    expect_output(&mut client, "*** Rehandshake was performed.", &mut server);
    expect_count(&mut server, "event: handshake done", 2, &mut client);
    client.send(b"after\n").unwrap();
    expect_in(&mut client, Peer::stdout, "after", &mut server);
    client.close_stdin();
    expect_finished(&mut server, &mut client);
}

/// The client example sends `**REHANDSHAKE**`: the server example asks for
/// a renegotiation, and the client example answers it.
#[test]
fn client_example_answers_server_example_hello_request() {
    let (mut server, port) = start_server(&[]);
    let mut client = start_client(port, "ecdsa-ca.pem", &[]);
    expect_in(&mut client, Peer::stderr, "event: handshake done", &mut server);
    client.send(b"**REHANDSHAKE**\n").unwrap();
    expect_in(&mut client, Peer::stderr, "event: renegotiation requested", &mut server);
    expect_count(&mut client, "event: handshake done", 2, &mut server);
    client.send(b"after\n").unwrap();
    expect_in(&mut client, Peer::stdout, "after", &mut server);
    client.close_stdin();
    expect_finished(&mut client, &mut server);
    expect_finished(&mut server, &mut client);
    // The command line is not echoed.
    assert!(!client.stdout().contains("REHANDSHAKE"), "{}", client.describe());
    assert_eq!(server.stderr().matches("event: handshake done").count(), 2, "{}", server.describe());
}

/// With `--refuse-renegotiation` the client example answers a HelloRequest
/// with a `no_renegotiation` warning and goes on.
#[test]
fn client_example_refuses_renegotiation() {
    let (mut server, port) = start_server(&[]);
    let mut client = start_client(port, "ecdsa-ca.pem", &["--refuse-renegotiation"]);
    expect_in(&mut client, Peer::stderr, "event: handshake done", &mut server);
    client.send(b"**REHANDSHAKE**\n").unwrap();
    expect_in(&mut client, Peer::stderr, "event: refused renegotiation", &mut server);
    expect_in(&mut server, Peer::stderr, "event: alert Warning NoRenegotiation", &mut client);
    client.send(b"after\n").unwrap();
    expect_in(&mut client, Peer::stdout, "after", &mut server);
    client.close_stdin();
    expect_finished(&mut client, &mut server);
    assert_eq!(client.stderr().matches("event: handshake done").count(), 1, "{}", client.describe());
}

/// Sends `bytes` to 127.0.0.1:`port` and returns the first `want` bytes
/// the server answers (fewer if it closes first, or on a reset).
fn raw_exchange(port: u16, bytes: &[u8], want: usize) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut sock = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    sock.set_read_timeout(Some(HANDSHAKE_TIMEOUT)).unwrap();
    sock.set_write_timeout(Some(HANDSHAKE_TIMEOUT)).unwrap();
    // A write may fail once the server has closed: what it sent before
    // is still to be read.
    let _ = sock.write_all(bytes);
    // Read late, as a peer busy elsewhere would: by then a server that
    // closed on unread input has reset the connection.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while got.len() < want {
        match sock.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    got.truncate(want);
    got
}

/// The server example answers a 60 KiB ClientHello (thousands of signature
/// schemes and extensions) with its ServerHello; and a client that floods it
/// with a handshake message too large for any buffer (declared 1 MiB, 300
/// KiB sent) receives the illegal_parameter alert: the server half-closes
/// and drains instead of resetting the connection.
#[test]
fn server_example_takes_big_client_hellos_and_its_alerts_arrive() {
    let (mut server, port) = start_server(&["--max-conns", "2"]);
    let hello = common::hello::client_hello(8000, 2000, 38_000);
    assert!(hello.len() > 60_000);
    let answer = raw_exchange(port, &common::hello::handshake_records(&hello), 6);
    assert_eq!(answer.get(..3), Some(&[22, 3, 3][..]), "no ServerHello\n{}", server.describe());
    assert_eq!(answer[5], 2, "not a ServerHello\n{}", server.describe());

    let mut flood = vec![1, 0x10, 0, 0];
    flood.extend_from_slice(&[3, 3]);
    flood.resize(300 * 1024, 0x61);
    let answer = raw_exchange(port, &common::hello::handshake_records(&flood), 7);
    assert_eq!(answer, [21, 3, 3, 0, 2, 2, 47], "the alert was lost\n{}", server.describe());
    assert!(server.wait_exit(HANDSHAKE_TIMEOUT).is_some_and(|s| s.success()), "{}", server.describe());
    let out = server.output();
    assert!(out.contains("receive buffer") && out.contains("(sends illegal_parameter)"), "{}", server.describe());
}

// ----- the options openssl s_client / s_server users expect ----------------

/// `--alpn` both ways, and `--showcerts`: the client agrees on a protocol
/// with `s_server -alpn` and prints the server's chain as PEM, byte for byte
/// the certificate file (s_server sends the leaf only); the server agrees
/// with `s_client -alpn`.
#[test]
fn alpn_and_showcerts() {
    if !require_peer("openssl") {
        return;
    }
    let leaf_pem = std::fs::read_to_string(pki("ecdsa-server.pem")).unwrap();
    let (mut server, port) = on_free_port(|port| {
        openssl_s_server(
            port,
            &pki("ecdsa-server-chain.pem"),
            &pki("ecdsa-server.key.pem"),
            &["-alpn", "h2,http/1.1", "-rev"],
        )
    });
    let mut client = start_client(port, "ecdsa-ca.pem", &["--alpn", "spdy/1,http/1.1", "--showcerts"]);
    expect_in(&mut client, Peer::stderr, "event: ALPN protocol http/1.1", &mut server);
    expect_in(&mut client, Peer::stdout, "-----END CERTIFICATE-----", &mut server);
    client.send(b"abc\n").unwrap();
    expect_in(&mut client, Peer::stdout, "cba", &mut server);
    client.close_stdin();
    expect_finished(&mut client, &mut server);
    let stdout = client.stdout();
    assert!(stdout.starts_with(&leaf_pem), "the chain as PEM first:\n{stdout}");
    assert_eq!(stdout.matches("-----BEGIN CERTIFICATE-----").count(), 1, "{stdout}");

    let (mut server, port) = start_server(&["--alpn", "h2,http/1.1"]);
    let mut client = openssl_s_client(port, &pki("ecdsa-ca.pem"), "localhost", &["-tls1_2", "-alpn", "http/1.1"]);
    expect_output(&mut client, "ALPN protocol: http/1.1", &mut server);
    expect_in(&mut server, Peer::stderr, "event: ALPN protocol http/1.1", &mut client);
    client.close_stdin();
    expect_finished(&mut server, &mut client);
}

/// `--insecure` connects to a server no CA vouches for, and says loudly that
/// it did not verify; a missing CA file is an error that names the path.
#[test]
fn insecure_and_missing_files() {
    if !require_peer("openssl") {
        return;
    }
    let (mut server, port) = on_free_port(|port| {
        openssl_s_server(port, &pki("ecdsa-untrusted.pem"), &pki("ecdsa-untrusted.key.pem"), &["-rev"])
    });
    let mut cmd = Command::new(example("client"));
    cmd.args(["--connect", &format!("127.0.0.1:{port}"), "--servername", "localhost", "--insecure"]);
    let mut client = Peer::spawn(cmd);
    expect_in(&mut client, Peer::stderr, "WARNING: --insecure", &mut server);
    expect_in(&mut client, Peer::stderr, "event: handshake done", &mut server);
    client.send(b"xyz\n").unwrap();
    expect_in(&mut client, Peer::stdout, "zyx", &mut server);
    client.close_stdin();
    expect_finished(&mut client, &mut server);
    assert!(client.stderr().contains("was NOT verified"), "{}", client.describe());

    let out = Command::new(example("client"))
        .args(["--connect", "127.0.0.1:1", "--servername", "localhost", "--ca", "/nonexistent/ca.pem"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error: /nonexistent/ca.pem: "), "{stderr}");
}

/// The server serves connections concurrently: a client that connects and
/// says nothing does not keep another from being served.
#[test]
fn server_example_serves_while_a_client_idles() {
    if !require_peer("openssl") {
        return;
    }
    let (mut server, port) = start_server(&["--max-conns", "2"]);
    let idle = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let accepted = wait_until(HANDSHAKE_TIMEOUT, || server.stderr().contains("event: connection from"));
    assert!(accepted, "the idle connection was not accepted\n{}", server.describe());
    let mut client = openssl_s_client(port, &pki("ecdsa-ca.pem"), "localhost", &["-tls1_2"]);
    expect_output(&mut client, "Verify return code: 0 (ok)", &mut server);
    client.send(b"still-served\n").unwrap();
    expect_in(&mut client, Peer::stdout, "still-served", &mut server);
    client.close_stdin();
    // The idle one goes away; then the server has served both and exits.
    drop(idle);
    expect_finished(&mut server, &mut client);
    assert_eq!(count_in_stderr(&server, "event: connection from"), 2, "{}", server.describe());
}

/// The mio example serves several clients at once from one poll loop, each
/// connection a value in its map, and exits once they all ended.
#[test]
fn mio_server_echoes_to_concurrent_clients() {
    if !require_peer("openssl") {
        return;
    }
    let (mut server, port) = start_named_server("mio_server", &["--max-conns", "3"]);
    let mut clients: Vec<Peer> =
        (0..3).map(|_| openssl_s_client(port, &pki("ecdsa-ca.pem"), "localhost", &["-tls1_2"])).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        expect_output(client, "Verify return code: 0 (ok)", &mut server);
        client.send(format!("line from client {i}\n").as_bytes()).unwrap();
    }
    for (i, client) in clients.iter_mut().enumerate() {
        expect_in(client, Peer::stdout, &format!("line from client {i}"), &mut server);
    }
    for client in &mut clients {
        client.close_stdin();
    }
    match server.wait_exit(HANDSHAKE_TIMEOUT) {
        Some(status) if status.success() => {}
        _ => panic!("the mio server should exit after 3 connections\n{}", server.describe()),
    }
    let log = server.output();
    assert_eq!(log.matches("event: handshake done").count(), 3, "{log}");
    assert_eq!(log.matches("event: connection from").count(), 3, "{log}");
}

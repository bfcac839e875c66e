//! Secure renegotiation (RFC 5746) against OpenSSL 3.0 and GnuTLS 3.7, over
//! TCP on 127.0.0.1, both ways and started by either side:
//!
//! - `openssl s_client` (a stdin line `R`) and `gnutls-cli` (`--rehandshake`,
//!   or the inline command `^renegotiate^`) renegotiating with our server;
//! - our server's HelloRequest answered by `s_client` and `gnutls-cli`;
//! - our client renegotiating with `openssl s_server -client_renegotiation`
//!   and `gnutls-serv --echo`, and answering their HelloRequests (`r` on
//!   `s_server`'s stdin; the line `**REHANDSHAKE**` to `gnutls-serv --echo`);
//! - peers without RFC 5746 (GnuTLS with `%DISABLE_SAFE_RENEGOTIATION`):
//!   nobody renegotiates, and data still flows.
//!
//! Every case sends data before and after the renegotiation and checks that
//! it arrives intact, and that both sides report secure renegotiation
//! (`s_client`/`s_server`: `Secure Renegotiation IS supported`; GnuTLS:
//! `safe renegotiation` in its `- Options:` line). Data *during* a
//! renegotiation: OpenSSL and GnuTLS refuse application data in the middle
//! of a handshake (after the hellos: OpenSSL `unexpected record`, GnuTLS
//! `unexpected packet`), and their command-line tools do not read stdin
//! while they renegotiate; so "during" is data the peer sent right after its
//! HelloRequest, or the answer to data sent just before our ClientHello,
//! which reaches our side while it renegotiates.
//!
//! Every test skips loudly when its peer is missing, and fails instead when
//! `SANSIO_TLS_REQUIRE_PEERS` is set (as in CI).

mod common;
#[path = "common/interop.rs"]
mod interop;

use common::peers::*;
use interop::*;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::io::StreamEvent;
use sansio_tls::session::{ClientCacheSlot, LruClientCache};
use sansio_tls::{AlertDescription, AlertLevel, ClientConfig, CloseReason, Error, ErrorKind, HandshakeInfo};

/// `s_client` and `s_server` print this after a handshake with RFC 5746.
const OPENSSL_SECURE: &str = "Secure Renegotiation IS supported";

/// The TLS 1.2 priority without RFC 5746 (no renegotiation_info, no SCSV).
const GNUTLS_UNSAFE: &str = "NORMAL:-VERS-ALL:+VERS-TLS1.2:%DISABLE_SAFE_RENEGOTIATION";

/// The line of `gnutls-cli`'s (and `gnutls-serv`'s) session description
/// that names the negotiated options.
fn gnutls_options(peer: &Peer) -> Vec<String> {
    peer.output().lines().filter(|l| l.starts_with("- Options:")).map(str::to_owned).collect()
}

fn expect_output(peer: &mut Peer, needle: &str, what: &str) {
    if !peer.wait_for_output(needle, HANDSHAKE_TIMEOUT) {
        panic!("{what}: no {needle:?}\n{}", peer.describe());
    }
}

fn expect_stdout(peer: &mut Peer, needle: &str) {
    if !wait_for_stdout(peer, needle) {
        panic!("{needle:?} did not arrive\n{}", peer.describe());
    }
}

/// The outcome of our server's one connection, after `peer` closed.
fn server_outcome(server: &ServerHandle, peer: &mut Peer) -> Outcome {
    peer.close_stdin();
    match server.outcomes().pop() {
        Some(Ok(out)) => out,
        other => panic!("our server: {other:?}\n{}", peer.describe()),
    }
}

/// Both handshakes (the first one and the renegotiation) with RFC 5746.
fn assert_two_secure_handshakes(handshakes: &[HandshakeInfo]) {
    assert_eq!(handshakes.len(), 2, "{handshakes:?}");
    assert!(handshakes.iter().all(|i| i.secure_renegotiation && i.extended_master_secret), "{handshakes:?}");
}

fn wait_handshakes(server: &ServerHandle, n: usize, peer: &mut Peer) {
    if !server.wait_handshakes(n) {
        panic!("our server saw {:?}, not {n} handshakes\n{}", server.handshakes(), peer.describe());
    }
}

// ----- peers renegotiating with our server -------------------------------

/// `s_client` renegotiates when a stdin line is `R` (interactive mode: no
/// `-quiet`, no `-ign_eof`); the line itself is not sent.
#[test]
fn s_client_renegotiates_with_our_server() {
    if !require_peer("openssl") {
        return;
    }
    let server = spawn_server(ServerSetup::default());
    let mut client = openssl_s_client(server.port, &pki("ecdsa-ca.pem"), "localhost", &["-tls1_2"]);
    expect_output(&mut client, "New, TLSv1.2, Cipher is", "handshake");
    client.send(b"before-reneg\n").unwrap();
    expect_stdout(&mut client, "before-reneg");
    client.send(b"R\n").unwrap();
    wait_handshakes(&server, 2, &mut client);
    expect_output(&mut client, "RENEGOTIATING", "renegotiation");
    client.send(b"after-reneg\n").unwrap();
    expect_stdout(&mut client, "after-reneg");
    let out = server_outcome(&server, &mut client);
    assert_eq!(out.received, b"before-reneg\nafter-reneg\n");
    assert_two_secure_handshakes(&out.handshakes());
    assert!(out.secure_renegotiation);
    assert_eq!(out.close, Some(CloseReason::CloseNotify));
    assert!(client.output().contains(OPENSSL_SECURE), "{}", client.describe());
}

/// `gnutls-cli --rehandshake` renegotiates right after the handshake,
/// before it reads stdin: data flows after it.
#[test]
fn gnutls_cli_rehandshake_with_our_server() {
    if !require_peer("gnutls-cli") {
        return;
    }
    let server = spawn_server(ServerSetup::default());
    let mut client = gnutls_cli(server.port, &pki("ecdsa-ca.pem"), &["--priority", GNUTLS_TLS12, "--rehandshake"]);
    expect_output(&mut client, "- ReHandshake was completed", "rehandshake");
    wait_handshakes(&server, 2, &mut client);
    client.send(b"after-reneg\n").unwrap();
    expect_stdout(&mut client, "after-reneg");
    server.command(ServerCmd::Send(b"server-after\n".to_vec()));
    expect_stdout(&mut client, "server-after");
    let out = server_outcome(&server, &mut client);
    assert_eq!(out.received, b"after-reneg\n");
    assert_two_secure_handshakes(&out.handshakes());
    let options = gnutls_options(&client);
    assert_eq!(options.len(), 2, "{}", client.describe());
    assert!(options.iter().all(|l| l.contains("safe renegotiation")), "{options:?}");
}

/// `gnutls-cli --inline-commands`: the line `^renegotiate^` renegotiates
/// between two lines of data.
#[test]
fn gnutls_cli_inline_renegotiate_with_our_server() {
    if !require_peer("gnutls-cli") {
        return;
    }
    let server = spawn_server(ServerSetup::default());
    let mut client = gnutls_cli(server.port, &pki("ecdsa-ca.pem"), &["--priority", GNUTLS_TLS12, "--inline-commands"]);
    expect_output(&mut client, "- Handshake was completed", "handshake");
    client.send(b"before-reneg\n").unwrap();
    expect_stdout(&mut client, "before-reneg");
    client.send(b"^renegotiate^\n").unwrap();
    expect_output(&mut client, "- ReHandshake was completed", "rehandshake");
    wait_handshakes(&server, 2, &mut client);
    client.send(b"after-reneg\n").unwrap();
    expect_stdout(&mut client, "after-reneg");
    let out = server_outcome(&server, &mut client);
    assert_eq!(out.received, b"before-reneg\nafter-reneg\n");
    assert_two_secure_handshakes(&out.handshakes());
    assert!(gnutls_options(&client).iter().all(|l| l.contains("safe renegotiation")), "{}", client.describe());
}

/// Our server's HelloRequest to `client` started by `start(port)`; with
/// `during`, data right behind it (it reaches the client while it
/// renegotiates).
fn hello_request_to(start: impl FnOnce(u16) -> Peer, connected: &str, during: bool) -> (Outcome, Peer) {
    let server = spawn_server(ServerSetup::default());
    let mut client = start(server.port);
    expect_output(&mut client, connected, "handshake");
    client.send(b"before-reneg\n").unwrap();
    expect_stdout(&mut client, "before-reneg");
    server.command(ServerCmd::RequestRenegotiation);
    if during {
        server.command(ServerCmd::Send(b"server-during\n".to_vec()));
    }
    wait_handshakes(&server, 2, &mut client);
    if during {
        expect_stdout(&mut client, "server-during");
    }
    // `s_client` 3.0 does not read its stdin again after a renegotiation
    // that data from the server interrupted (it printed that data while
    // renegotiating), until more data comes from the server.
    server.command(ServerCmd::Send(b"server-after\n".to_vec()));
    expect_stdout(&mut client, "server-after");
    client.send(b"after-reneg\n").unwrap();
    expect_stdout(&mut client, "after-reneg");
    let out = server_outcome(&server, &mut client);
    assert_eq!(out.received, b"before-reneg\nafter-reneg\n");
    assert!(out.refused_requests.is_empty(), "{out:?}");
    assert_two_secure_handshakes(&out.handshakes());
    (out, client)
}

#[test]
fn s_client_answers_our_hello_request() {
    if !require_peer("openssl") {
        return;
    }
    let ca = pki("ecdsa-ca.pem");
    let (out, client) = hello_request_to(
        |port| openssl_s_client(port, &ca, "localhost", &["-tls1_2"]),
        "New, TLSv1.2, Cipher is",
        true,
    );
    assert!(client.output().contains(OPENSSL_SECURE), "{}", client.output());
    // OpenSSL answers a HelloRequest with an abbreviated handshake when it
    // can (our server made no session store or ticket here: a full one).
    assert!(!out.handshakes()[1].resumed);
}

/// `gnutls-cli` answers a HelloRequest by itself (`*** Received rehandshake
/// request`), with no option needed. Data right behind the HelloRequest is
/// fatal to it ("TLS Application data were received, while expecting
/// handshake data"): none here.
#[test]
fn gnutls_cli_answers_our_hello_request() {
    if !require_peer("gnutls-cli") {
        return;
    }
    let ca = pki("ecdsa-ca.pem");
    let (_, mut client) = hello_request_to(
        |port| gnutls_cli(port, &ca, &["--priority", GNUTLS_TLS12]),
        "- Handshake was completed",
        false,
    );
    expect_output(&mut client, "*** Received rehandshake request", "HelloRequest");
    expect_output(&mut client, "*** Rehandshake was performed.", "rehandshake");
    assert!(gnutls_options(&client).iter().all(|l| l.contains("safe renegotiation")), "{}", client.describe());
}

// ----- our client renegotiating ------------------------------------------

/// A verifier for the ECDSA test CA.
struct Trust {
    roots: Vec<sansio_tls::cert::TrustAnchor<'static>>,
}

impl Trust {
    fn new() -> Self {
        Trust { roots: vec![trust_anchor_from_der(ECDSA_CA_DER).unwrap()] }
    }

    fn verifier(&self) -> WebPkiServerVerifier<'_> {
        WebPkiServerVerifier::new(&self.roots)
    }
}

/// Our client with `config` against the server on `port`: data, then a
/// renegotiation started right behind more data (whose answer comes back
/// while the renegotiation runs), then data again. `echo(line)` is what the
/// server answers to a line.
fn client_renegotiates(port: u16, config: &ClientConfig<'_>, echo: fn(&[u8]) -> Vec<u8>) -> Result<Outcome, String> {
    let mut client = Client::connect(port, config, None)?;
    if !client.tls.connection().secure_renegotiation() {
        return Err("no secure renegotiation".into());
    }
    client.send(b"before-reneg\n")?;
    client.expect(&echo(b"before-reneg\n"))?;
    client.send(b"in-flight\n")?;
    client.renegotiate().map_err(|e| format!("renegotiate: {e}"))?;
    if !client.tls.connection().is_renegotiating() {
        return Err("not renegotiating".into());
    }
    client.wait_handshakes(2)?;
    client.expect(&echo(b"in-flight\n"))?;
    client.send(b"after-reneg\n")?;
    client.expect(&echo(b"after-reneg\n"))?;
    Ok(client.close())
}

fn reversed(line: &[u8]) -> Vec<u8> {
    let mut r: Vec<u8> = line.strip_suffix(b"\n").unwrap_or(line).iter().rev().copied().collect();
    r.push(b'\n');
    r
}

fn same(line: &[u8]) -> Vec<u8> {
    line.to_vec()
}

/// Our received data: the answers to three lines, in order.
fn assert_received(out: &Outcome, echo: fn(&[u8]) -> Vec<u8>) {
    let expected = [echo(b"before-reneg\n"), echo(b"in-flight\n"), echo(b"after-reneg\n")].concat();
    assert_eq!(String::from_utf8_lossy(&out.received), String::from_utf8_lossy(&expected));
}

/// OpenSSL 3.0 refuses client-initiated renegotiation unless
/// `-client_renegotiation` is given.
#[test]
fn client_renegotiates_with_s_server() {
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
    let trust = Trust::new();
    let verifier = trust.verifier();
    let config = ClientConfig::new(&verifier);
    let out = client_renegotiates(port, &config, reversed).unwrap_or_else(|e| panic!("{e}\n{}", server.describe()));
    assert_received(&out, reversed);
    assert_two_secure_handshakes(&out.handshakes());
    // `s_server -rev` prints no "Secure Renegotiation" line: our side's
    // report is that the server answered with renegotiation_info.
    assert!(out.secure_renegotiation);
    // No session cache on our side: a full renegotiation.
    assert!(!out.handshakes()[1].resumed);
}

/// Without `-client_renegotiation`, OpenSSL 3.0 refuses with a
/// `no_renegotiation` warning and the connection goes on.
#[test]
fn client_renegotiation_refused_by_s_server() {
    if !require_peer("openssl") {
        return;
    }
    let (mut server, port) =
        on_free_port(|port| openssl_s_server(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), &["-rev"]));
    let trust = Trust::new();
    let verifier = trust.verifier();
    let config = ClientConfig::new(&verifier);
    let run = || -> Result<Outcome, String> {
        let mut client = Client::connect(port, &config, None)?;
        client.renegotiate().map_err(|e| format!("renegotiate: {e}"))?;
        let refused = StreamEvent::Alert(AlertLevel::Warning, AlertDescription::NoRenegotiation);
        client.pump_until("the refusal", |c| c.out.events.contains(&refused))?;
        if client.tls.connection().is_renegotiating() {
            return Err("still renegotiating after the refusal".into());
        }
        client.send(b"still-here\n")?;
        client.expect(b"ereh-llits\n")?;
        Ok(client.close())
    };
    let out = run().unwrap_or_else(|e| panic!("{e}\n{}", server.describe()));
    assert_eq!(out.handshakes().len(), 1, "{out:?}");
}

#[test]
fn client_renegotiates_with_gnutls_serv() {
    if !require_peer("gnutls-serv") {
        return;
    }
    let (mut server, port) = on_free_port(|port| {
        gnutls_serv(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), GNUTLS_TLS12, &["--echo"])
    });
    let trust = Trust::new();
    let verifier = trust.verifier();
    let config = ClientConfig::new(&verifier);
    let out = client_renegotiates(port, &config, same).unwrap_or_else(|e| panic!("{e}\n{}", server.describe()));
    assert_received(&out, same);
    assert_two_secure_handshakes(&out.handshakes());
    assert!(!out.handshakes()[1].resumed);
    assert!(gnutls_options(&server).iter().all(|l| l.contains("safe renegotiation")), "{}", server.describe());
}

/// With a session cache, our client's renegotiation offers the cached
/// session: an abbreviated renegotiation. By session ID (no tickets), as
/// here, GnuTLS 3.7.9 takes it. (By ticket it fails: `gnutls-serv` then
/// cannot issue the new ticket and sends `internal_error` after its
/// Finished: "Cannot perform this action while handshake is in progress".)
#[test]
fn client_abbreviated_renegotiation_with_gnutls_serv() {
    if !require_peer("gnutls-serv") {
        return;
    }
    let (mut server, port) = on_free_port(|port| {
        gnutls_serv(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), GNUTLS_TLS12, &["--echo"])
    });
    let trust = Trust::new();
    let verifier = trust.verifier();
    let mut slots = [ClientCacheSlot::EMPTY; 2];
    let cache = LruClientCache::new(&mut slots);
    let mut config = ClientConfig::new(&verifier);
    config.session_cache = Some(&cache);
    config.session_tickets = false;
    let out = client_renegotiates(port, &config, same).unwrap_or_else(|e| panic!("{e}\n{}", server.describe()));
    assert_received(&out, same);
    assert_two_secure_handshakes(&out.handshakes());
    assert!(out.handshakes()[1].resumed, "{out:?}");
}

/// `r` on `s_server`'s stdin sends a HelloRequest; our client renegotiates,
/// and a line `s_server` sends right after arrives meanwhile.
#[test]
fn client_answers_s_server_hello_request() {
    if !require_peer("openssl") {
        return;
    }
    let (mut server, port) =
        on_free_port(|port| openssl_s_server(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), &[]));
    let trust = Trust::new();
    let verifier = trust.verifier();
    let config = ClientConfig::new(&verifier);
    let mut client = Client::connect(port, &config, None).unwrap_or_else(|e| panic!("{e}\n{}", server.describe()));
    let step = |r: Result<(), String>, server: &mut Peer| r.unwrap_or_else(|e| panic!("{e}\n{}", server.describe()));
    step(client.send(b"before-reneg\n"), &mut server);
    expect_stdout(&mut server, "before-reneg");
    // One line at a time: s_server takes a command only from a read of at
    // most two bytes ("r\n").
    // (s_server's own report, `SSL_do_handshake -> 1`, stays in its stdio
    // buffer while stdout is a pipe.)
    server.send(b"r\n").unwrap();
    let requested = |c: &Client<'_>| c.out.saw(|e| *e == StreamEvent::RenegotiationRequested);
    step(client.pump_until("the HelloRequest", requested), &mut server);
    server.send(b"server-during\n").unwrap();
    step(client.wait_handshakes(2), &mut server);
    step(client.expect(b"server-during\n"), &mut server);
    step(client.send(b"after-reneg\n"), &mut server);
    expect_stdout(&mut server, "after-reneg");
    let out = client.close();
    assert!(out.saw(|e| *e == StreamEvent::RenegotiationRequested), "{out:?}");
    assert_two_secure_handshakes(&out.handshakes());
    assert_eq!(out.received, b"server-during\n");
    assert!(server.output().contains(OPENSSL_SECURE), "{}", server.describe());
}

/// The line `**REHANDSHAKE**` makes `gnutls-serv --echo` send a HelloRequest
/// (and answer `Successfully executed command`, which reaches our client
/// while it renegotiates).
#[test]
fn client_answers_gnutls_serv_hello_request() {
    if !require_peer("gnutls-serv") {
        return;
    }
    let (mut server, port) = on_free_port(|port| {
        gnutls_serv(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), GNUTLS_TLS12, &["--echo"])
    });
    let trust = Trust::new();
    let verifier = trust.verifier();
    let config = ClientConfig::new(&verifier);
    let run = || -> Result<Outcome, String> {
        let mut client = Client::connect(port, &config, None)?;
        client.send(b"before-reneg\n")?;
        client.expect(b"before-reneg\n")?;
        client.send(b"**REHANDSHAKE**\n")?;
        client.wait_handshakes(2)?;
        client.expect(b"Successfully executed command\n")?;
        client.send(b"after-reneg\n")?;
        client.expect(b"after-reneg\n")?;
        Ok(client.close())
    };
    let out = run().unwrap_or_else(|e| panic!("{e}\n{}", server.describe()));
    assert!(out.saw(|e| *e == StreamEvent::RenegotiationRequested), "{out:?}");
    assert_two_secure_handshakes(&out.handshakes());
    assert_eq!(out.received, b"before-reneg\nSuccessfully executed command\nafter-reneg\n");
    expect_output(&mut server, "*** Sending rehandshake request", "HelloRequest");
}

/// Our client refuses a HelloRequest with a `no_renegotiation` warning (as
/// GnuTLS recommends). The GnuTLS library takes it as non-fatal, but the
/// `gnutls-serv` tool ends the connection on any alert from
/// `gnutls_record_recv` ("Error while receiving data", "A TLS warning alert
/// has been received"), without close_notify.
#[test]
fn client_refuses_gnutls_serv_hello_request() {
    if !require_peer("gnutls-serv") {
        return;
    }
    let (mut server, port) = on_free_port(|port| {
        gnutls_serv(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), GNUTLS_TLS12, &["--echo"])
    });
    let trust = Trust::new();
    let verifier = trust.verifier();
    let config = ClientConfig::new(&verifier);
    let run = || -> Result<Outcome, String> {
        let mut client = Client::connect(port, &config, None)?;
        client.on_hello_request = HelloRequestAnswer::Refuse;
        client.send(b"**REHANDSHAKE**\n")?;
        client.expect(b"Successfully executed command\n")?;
        client.pump_until("the HelloRequest", |c| c.out.saw(|e| *e == StreamEvent::RenegotiationRequested))?;
        let _ = client.pump_until("the end", |c| c.out.close.is_some());
        Ok(client.out)
    };
    let out = run().unwrap_or_else(|e| panic!("{e}\n{}", server.describe()));
    assert_eq!(out.handshakes().len(), 1, "{out:?}");
    assert_eq!(out.close, Some(CloseReason::Truncated), "{out:?}");
    expect_output(&mut server, "Error: A TLS warning alert has been received.", "the refusal");
}

/// OpenSSL 3.0 takes a `no_renegotiation` warning in answer to its
/// HelloRequest as fatal: `s_server` sends `handshake_failure`
/// (`ssl3_read_bytes:no renegotiation`).
#[test]
fn client_refuses_s_server_hello_request() {
    if !require_peer("openssl") {
        return;
    }
    let (mut server, port) =
        on_free_port(|port| openssl_s_server(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), &[]));
    let trust = Trust::new();
    let verifier = trust.verifier();
    let config = ClientConfig::new(&verifier);
    let mut client = Client::connect(port, &config, None).unwrap_or_else(|e| panic!("{e}\n{}", server.describe()));
    client.on_hello_request = HelloRequestAnswer::Refuse;
    client.send(b"before\n").unwrap();
    expect_stdout(&mut server, "before");
    server.send(b"r\n").unwrap();
    let requested = |c: &Client<'_>| c.out.saw(|e| *e == StreamEvent::RenegotiationRequested);
    client.pump_until("the HelloRequest", requested).unwrap_or_else(|e| panic!("{e}\n{}", server.describe()));
    let end = client.pump_until("the end", |c| c.out.close.is_some());
    let error = client.tls.connection().error();
    assert!(end.is_err(), "{end:?}");
    assert_eq!(error, Some(ErrorKind::AlertReceived(AlertDescription::HandshakeFailure).into()), "{end:?}");
    assert_eq!(client.out.handshakes().len(), 1);
    expect_output(&mut server, "no renegotiation", "the refusal");
}

// ----- peers without RFC 5746 --------------------------------------------

/// A server without RFC 5746: our client sees no secure renegotiation and
/// `renegotiate()` says so without harming the connection.
#[test]
fn client_cannot_renegotiate_without_rfc5746() {
    if !require_peer("gnutls-serv") {
        return;
    }
    let (mut server, port) = on_free_port(|port| {
        gnutls_serv(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), GNUTLS_UNSAFE, &["--echo"])
    });
    let trust = Trust::new();
    let verifier = trust.verifier();
    let config = ClientConfig::new(&verifier);
    let run = || -> Result<Outcome, String> {
        let mut client = Client::connect(port, &config, None)?;
        client.send(b"before\n")?;
        client.expect(b"before\n")?;
        let secure = client.tls.connection().secure_renegotiation();
        let refused = client.renegotiate();
        if secure || refused != Err(ErrorKind::NoRenegotiation.into()) {
            return Err(format!("secure_renegotiation() = {secure}, renegotiate() = {refused:?}"));
        }
        client.send(b"after\n")?;
        client.expect(b"after\n")?;
        Ok(client.close())
    };
    let out = run().unwrap_or_else(|e| panic!("{e}\n{}", server.describe()));
    let handshakes = out.handshakes();
    assert_eq!(handshakes.len(), 1);
    assert!(!handshakes[0].secure_renegotiation && !out.secure_renegotiation, "{out:?}");
    assert_eq!(out.received, b"before\nafter\n");
    assert!(gnutls_options(&server).iter().all(|l| !l.contains("safe renegotiation")), "{}", server.describe());
}

/// A client without RFC 5746 renegotiating with our server: every attempt
/// is refused with a `no_renegotiation` warning (`RenegotiationRefused` on
/// our side). `gnutls-cli --rehandshake` takes the warning as non-fatal and
/// tries again at once; our server ends the connection at the fifth attempt
/// with `unexpected_message` (a client that keeps trying is attacking).
#[test]
fn gnutls_cli_without_rfc5746_is_refused() {
    if !require_peer("gnutls-cli") {
        return;
    }
    let server = spawn_server(ServerSetup::default());
    let mut client = gnutls_cli(server.port, &pki("ecdsa-ca.pem"), &["--priority", GNUTLS_UNSAFE, "--rehandshake"]);
    expect_output(&mut client, "*** ReHandshake has failed", "the refusal");
    let outcome = server.outcomes().pop();
    let Some(Err(e)) = outcome else { panic!("expected a failed connection, got {outcome:?}") };
    assert!(e.contains("UnexpectedMessage"), "{e}");
    let events: Vec<StreamEvent> = server.events().into_iter().map(|(_, e)| e).collect();
    let refusals = events.iter().filter(|e| **e == StreamEvent::RenegotiationRefused).count();
    assert_eq!(refusals, 4, "{events:?}");
    let handshakes = server.handshakes();
    assert_eq!(handshakes.len(), 1);
    assert!(!handshakes[0].secure_renegotiation);
    let output = client.output();
    assert_eq!(output.matches("*** Received alert [100]: No renegotiation is allowed").count(), 4, "{output}");
    assert!(output.contains("*** Received alert [10]: Unexpected message"), "{output}");
    assert!(gnutls_options(&client).iter().all(|l| !l.contains("safe renegotiation")), "{output}");
}

/// Our server cannot ask a client without RFC 5746 to renegotiate
/// (`request_renegotiation` is `NoRenegotiation`); the connection goes on.
#[test]
fn no_hello_request_to_a_client_without_rfc5746() {
    if !require_peer("gnutls-cli") {
        return;
    }
    let server = spawn_server(ServerSetup::default());
    let mut client = gnutls_cli(server.port, &pki("ecdsa-ca.pem"), &["--priority", GNUTLS_UNSAFE]);
    expect_output(&mut client, "- Handshake was completed", "handshake");
    client.send(b"before\n").unwrap();
    expect_stdout(&mut client, "before");
    server.command(ServerCmd::RequestRenegotiation);
    client.send(b"after\n").unwrap();
    expect_stdout(&mut client, "after");
    let out = server_outcome(&server, &mut client);
    assert_eq!(out.refused_requests, [Error::from(ErrorKind::NoRenegotiation)]);
    assert_eq!(out.received, b"before\nafter\n");
    assert_eq!(out.handshakes().len(), 1);
    assert!(!out.secure_renegotiation);
}

//! Session resumption against OpenSSL and GnuTLS, over TCP on 127.0.0.1:
//!
//! - `openssl s_client -reconnect` / `-sess_out` + `-sess_in` and
//!   `gnutls-cli --resume` against our server (on a thread of the test),
//!   resuming by session ID (a store, no tickets) and by ticket (ticket keys,
//!   no store); and never resuming when the server has neither;
//! - our client against `openssl s_server` and `gnutls-serv`, resuming by
//!   session ID and by ticket from a client session cache.
//!
//! Every test skips loudly when its peer is missing, and fails instead when
//! `SANSIO_TLS_REQUIRE_PEERS` is set (as in CI).

mod common;
#[path = "common/interop.rs"]
mod interop;

use common::peers::*;
use interop::*;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::session::{ClientCacheSlot, LruClientCache};
use sansio_tls::{ClientConfig, HandshakeInfo};

/// How `s_client` reports a full and an abbreviated handshake (OpenSSL 3.0).
const S_CLIENT_NEW: &str = "New, TLSv1.2, Cipher is ";
const S_CLIENT_REUSED: &str = "Reused, TLSv1.2, Cipher is ";

/// How `gnutls-cli --resume` reports the second, resumed, connection
/// (GnuTLS 3.7); the first one ends with `- Handshake was completed`.
const GNUTLS_RESUMED: &str = "*** This is a resumed session";

/// The TLS 1.2 priority without session tickets.
const GNUTLS_NO_TICKETS: &str = "NORMAL:-VERS-ALL:+VERS-TLS1.2:%NO_TICKETS";

/// `s_client -reconnect` makes one full handshake and five resumed ones.
const RECONNECT_CONNECTIONS: usize = 6;

/// Waits for a client peer to exit (it does once its stdin is closed).
fn expect_exit(peer: &mut Peer) {
    if peer.wait_exit(HANDSHAKE_TIMEOUT).is_none() {
        panic!("the peer did not exit\n{}", peer.describe());
    }
}

/// How many handshakes `s_client` reported: it prints `New, ...` or
/// `Reused, ...` when one completes.
fn s_client_handshakes(peer: &Peer) -> usize {
    peer.output().matches(", TLSv1.2, Cipher is ").count()
}

/// Waits until `s_client` has reported `n` handshakes, then closes its
/// stdin and waits for its end and its whole output (`DONE` is the last line
/// it prints on stdout; the reader threads may lag behind its exit).
///
/// Closing stdin earlier is a race: `s_client` reads stdin while its
/// handshake runs, and at the end of stdin it quits, even before printing
/// the session or writing `-sess_out`, and before its `-reconnect` rounds.
fn s_client_done(peer: &mut Peer, n: usize) -> String {
    if !wait_until(HANDSHAKE_TIMEOUT, || s_client_handshakes(peer) >= n) {
        panic!("s_client did not report {n} handshakes\n{}", peer.describe());
    }
    peer.close_stdin();
    expect_exit(peer);
    if !peer.wait_for_output("DONE", HANDSHAKE_TIMEOUT) {
        panic!("s_client did not finish\n{}", peer.describe());
    }
    peer.output()
}

/// The handshakes of every connection our server served, panicking with
/// `peer`'s output if one failed.
fn served(server: &ServerHandle, peer: &mut Peer) -> Vec<HandshakeInfo> {
    server
        .outcomes()
        .into_iter()
        .enumerate()
        .map(|(i, o)| match o {
            Ok(o) => o.info.unwrap_or_else(|| panic!("connection {i}: no handshake: {o:?}")),
            Err(e) => panic!("connection {i} failed on our side: {e}\n{}", peer.describe()),
        })
        .collect()
}

/// Which connections resumed.
fn resumed(infos: &[HandshakeInfo]) -> Vec<bool> {
    infos.iter().map(|i| i.resumed).collect()
}

/// `s_client -tls1_2 -reconnect EXTRA` against our server: returns its
/// output and our handshakes.
fn s_client_reconnect(setup: ServerSetup, extra: &[&str]) -> Option<(String, Vec<HandshakeInfo>)> {
    if !require_peer("openssl") {
        return None;
    }
    let server = spawn_server(ServerSetup { connections: RECONNECT_CONNECTIONS, ..setup });
    let mut args = vec!["-tls1_2", "-reconnect"];
    args.extend_from_slice(extra);
    let mut client = openssl_s_client(server.port, &pki("ecdsa-ca.pem"), "localhost", &args);
    let output = s_client_done(&mut client, RECONNECT_CONNECTIONS);
    let infos = served(&server, &mut client);
    assert_eq!(infos.len(), RECONNECT_CONNECTIONS, "{}", client.describe());
    Some((output, infos))
}

#[test]
fn s_client_reconnect_resumes_by_session_id() {
    let setup = ServerSetup { store: true, ..ServerSetup::default() };
    let Some((output, infos)) = s_client_reconnect(setup, &["-no_ticket"]) else { return };
    assert_eq!(output.matches(S_CLIENT_NEW).count(), 1, "{output}");
    assert_eq!(output.matches(S_CLIENT_REUSED).count(), 5, "{output}");
    assert_eq!(resumed(&infos), [false, true, true, true, true, true]);
    assert!(infos.iter().all(|i| i.extended_master_secret && i.secure_renegotiation), "{infos:?}");
    // A resumed handshake makes no new key exchange.
    assert!(infos[1..].iter().all(|i| i.group.is_none() && i.suite == infos[0].suite), "{infos:?}");
}

#[test]
fn s_client_reconnect_resumes_by_ticket() {
    let setup = ServerSetup { tickets: true, ..ServerSetup::default() };
    let Some((output, infos)) = s_client_reconnect(setup, &[]) else { return };
    assert!(output.contains("TLS session ticket:"), "{output}");
    assert_eq!(output.matches(S_CLIENT_NEW).count(), 1, "{output}");
    assert_eq!(output.matches(S_CLIENT_REUSED).count(), 5, "{output}");
    assert_eq!(resumed(&infos), [false, true, true, true, true, true]);
}

/// Neither a store nor tickets: every handshake is a full one.
#[test]
fn s_client_reconnect_never_resumes_without_store_or_tickets() {
    let Some((output, infos)) = s_client_reconnect(ServerSetup::default(), &[]) else { return };
    assert!(!output.contains("Reused"), "{output}");
    assert_eq!(output.matches(S_CLIENT_NEW).count(), RECONNECT_CONNECTIONS, "{output}");
    assert_eq!(resumed(&infos), [false; RECONNECT_CONNECTIONS]);
}

/// `-sess_out` saves the session to a file, `-sess_in` offers it again from
/// another process.
#[test]
fn s_client_sess_out_then_sess_in() {
    if !require_peer("openssl") {
        return;
    }
    let server = spawn_server(ServerSetup { connections: 2, store: true, ..ServerSetup::default() });
    let file = std::env::temp_dir().join(format!("sansio-tls-sess-{}-{}.pem", std::process::id(), server.port));
    let file_arg = file.to_str().expect("UTF-8 temp path");
    let ca = pki("ecdsa-ca.pem");
    let mut first = openssl_s_client(server.port, &ca, "localhost", &["-tls1_2", "-no_ticket", "-sess_out", file_arg]);
    assert!(s_client_done(&mut first, 1).contains(S_CLIENT_NEW), "{}", first.describe());
    let mut second = openssl_s_client(server.port, &ca, "localhost", &["-tls1_2", "-no_ticket", "-sess_in", file_arg]);
    let output = s_client_done(&mut second, 1);
    let _ = std::fs::remove_file(&file);
    assert!(output.contains(S_CLIENT_REUSED), "{}", second.describe());
    assert_eq!(resumed(&served(&server, &mut second)), [false, true]);
}

/// `gnutls-cli --resume`: a full handshake, then a resumed one.
fn gnutls_cli_resume(setup: ServerSetup, priority: &str) {
    if !require_peer("gnutls-cli") {
        return;
    }
    let server = spawn_server(ServerSetup { connections: 2, ..setup });
    let mut client = gnutls_cli(server.port, &pki("ecdsa-ca.pem"), &["--priority", priority, "--resume"]);
    if !client.wait_for_output(GNUTLS_RESUMED, HANDSHAKE_TIMEOUT) {
        panic!("no resumption\n{}", client.describe());
    }
    client.close_stdin();
    expect_exit(&mut client);
    let output = client.output();
    assert!(output.contains("- Resume Handshake was completed"), "{output}");
    assert_eq!(resumed(&served(&server, &mut client)), [false, true]);
}

#[test]
fn gnutls_cli_resumes_by_session_id() {
    gnutls_cli_resume(ServerSetup { store: true, ..ServerSetup::default() }, GNUTLS_NO_TICKETS);
}

#[test]
fn gnutls_cli_resumes_by_ticket() {
    gnutls_cli_resume(ServerSetup { tickets: true, ..ServerSetup::default() }, GNUTLS_TLS12);
}

/// TLS 1.2 without extended master secret (RFC 7627), as BearSSL and
/// older mbedTLS clients speak it.
const GNUTLS_NO_EMS: &str = "NORMAL:-VERS-ALL:+VERS-TLS1.2:%NO_SESSION_HASH";

/// A client without extended master secret gets full handshakes from a
/// default server (RFC 7627 §5.2), and its sessions are never resumed, by
/// ID or by ticket (the triple-handshake attack needs that).
#[test]
fn gnutls_cli_without_ems_is_served_but_never_resumed() {
    if !require_peer("gnutls-cli") {
        return;
    }
    let server = spawn_server(ServerSetup { connections: 2, store: true, tickets: true, ..ServerSetup::default() });
    let mut client = gnutls_cli(server.port, &pki("ecdsa-ca.pem"), &["--priority", GNUTLS_NO_EMS, "--resume"]);
    assert!(server.wait_handshakes(2), "{}", client.describe());
    client.close_stdin();
    expect_exit(&mut client);
    let infos = served(&server, &mut client);
    assert_eq!(infos.len(), 2, "{}", client.describe());
    assert!(infos.iter().all(|i| !i.extended_master_secret && !i.resumed), "{infos:?}");
    assert!(!client.output().contains(GNUTLS_RESUMED), "{}", client.describe());
}

/// With `require_extended_master_secret` the same client is refused with
/// handshake_failure.
#[test]
fn gnutls_cli_without_ems_is_refused_when_ems_is_required() {
    if !require_peer("gnutls-cli") {
        return;
    }
    let server = spawn_server(ServerSetup { require_ems: true, ..ServerSetup::default() });
    let mut client = gnutls_cli(server.port, &pki("ecdsa-ca.pem"), &["--priority", GNUTLS_NO_EMS]);
    let outcome = server.outcomes().pop().expect("one connection");
    let err = outcome.expect_err("the handshake must fail");
    assert!(err.contains("HandshakeFailure"), "{err}");
    assert!(client.wait_exit(HANDSHAKE_TIMEOUT).is_some_and(|s| !s.success()), "{}", client.describe());
    assert!(client.output().contains("Handshake failed"), "{}", client.describe());
}

/// Our client connects twice to 127.0.0.1:`port` with a session cache and
/// sends `line`, expecting `reply`; returns the two handshakes and whether
/// the first session came with a ticket.
fn client_twice(port: u16, tickets: bool, line: &[u8], reply: &[u8]) -> Result<(Vec<HandshakeInfo>, bool), String> {
    let roots = [trust_anchor_from_der(ECDSA_CA_DER).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut slots = [ClientCacheSlot::EMPTY; 2];
    let cache = LruClientCache::new(&mut slots);
    let mut config = ClientConfig::new(&verifier);
    config.session_cache = Some(&cache);
    config.session_tickets = tickets;
    let mut infos = Vec::new();
    let mut had_ticket = false;
    for round in 0..2 {
        let mut client = Client::connect(port, &config, None).map_err(|e| format!("connection {round}: {e}"))?;
        client.send(line)?;
        client.expect(reply).map_err(|e| format!("connection {round}: {e}"))?;
        if round == 0 {
            let session = client.tls.connection().client_session().cloned().ok_or("no session to resume")?;
            had_ticket = session.ticket().is_some();
        }
        let out = client.close();
        infos.push(out.info.ok_or("no handshake")?);
    }
    Ok((infos, had_ticket))
}

/// Our client against `s_server -rev` (several connections, one at a time).
fn client_vs_s_server(extra: &[&str], tickets: bool) -> Option<(Vec<HandshakeInfo>, bool)> {
    if !require_peer("openssl") {
        return None;
    }
    let mut args = vec!["-rev"];
    args.extend_from_slice(extra);
    let (mut server, port) =
        on_free_port(|port| openssl_s_server(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), &args));
    match client_twice(port, tickets, b"resume me\n", b"em emuser\n") {
        Ok(r) => Some(r),
        Err(e) => panic!("our client failed: {e}\n{}", server.describe()),
    }
}

#[test]
fn client_resumes_by_session_id_with_s_server() {
    // The server issues no ticket; our client offers to take one.
    let Some((infos, had_ticket)) = client_vs_s_server(&["-no_ticket"], true) else { return };
    assert!(!had_ticket);
    assert_eq!(resumed(&infos), [false, true]);
    assert!(infos[1].extended_master_secret && infos[1].secure_renegotiation, "{infos:?}");
}

#[test]
fn client_resumes_by_ticket_with_s_server() {
    // No server session cache: only the ticket can resume.
    let Some((infos, had_ticket)) = client_vs_s_server(&["-no_cache"], true) else { return };
    assert!(had_ticket);
    assert_eq!(resumed(&infos), [false, true]);
}

/// Without tickets our client does not take one, and resumes by ID.
#[test]
fn client_without_tickets_resumes_by_session_id_with_s_server() {
    let Some((infos, had_ticket)) = client_vs_s_server(&[], false) else { return };
    assert!(!had_ticket);
    assert_eq!(resumed(&infos), [false, true]);
}

/// Our client against `gnutls-serv --echo` with `priority` and `extra`.
fn client_vs_gnutls_serv(priority: &str, extra: &[&str], tickets: bool) -> Option<(Vec<HandshakeInfo>, bool)> {
    if !require_peer("gnutls-serv") {
        return None;
    }
    let mut args = vec!["--echo", "--disable-client-cert"];
    args.extend_from_slice(extra);
    let (mut server, port) =
        on_free_port(|port| gnutls_serv(port, &pki("ecdsa-server.pem"), &pki("ecdsa-server.key.pem"), priority, &args));
    match client_twice(port, tickets, b"resume me\n", b"resume me\n") {
        Ok(r) => Some(r),
        Err(e) => panic!("our client failed: {e}\n{}", server.describe()),
    }
}

#[test]
fn client_resumes_by_session_id_with_gnutls_serv() {
    let Some((infos, had_ticket)) = client_vs_gnutls_serv(GNUTLS_NO_TICKETS, &[], true) else { return };
    assert!(!had_ticket);
    assert_eq!(resumed(&infos), [false, true]);
}

#[test]
fn client_resumes_by_ticket_with_gnutls_serv() {
    // No resumption database: only the ticket can resume.
    let Some((infos, had_ticket)) = client_vs_gnutls_serv(GNUTLS_TLS12, &["--nodb"], true) else { return };
    assert!(had_ticket);
    assert_eq!(resumed(&infos), [false, true]);
}

/// A server that keeps nothing: our client's second connection is a full
/// handshake again, and works.
#[test]
fn client_falls_back_to_full_handshake_with_gnutls_serv_without_resumption() {
    let Some((infos, _)) = client_vs_gnutls_serv(GNUTLS_NO_TICKETS, &["--nodb"], true) else { return };
    assert_eq!(resumed(&infos), [false, false]);
}

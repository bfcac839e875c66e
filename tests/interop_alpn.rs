//! ALPN (RFC 7301) against OpenSSL, both directions, on 127.0.0.1.

mod common;
#[path = "common/interop.rs"]
mod interop;

use common::memory::{ECDSA_CA, ECDSA_SERVER, ECDSA_SERVER_KEY};
use common::peers::*;
use common::serve::{BUF, outcome, serve_one};
use getrandom::SysRng;
use rand_core::UnwrapErr;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::io::TlsStream;
use sansio_tls::{ClientConfig, ClientConnection, ErrorKind, Instant, ServerConfig};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

fn server_with_alpn(protocols: &'static [&'static [u8]]) -> (u16, mpsc::Receiver<common::serve::Served>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
        let chain = [ECDSA_SERVER, ECDSA_CA];
        let mut config = ServerConfig::new(&chain, &key);
        config.alpn_protocols = protocols.into();
        let _ = tx.send(serve_one(&listener, &config));
    });
    (port, rx)
}

#[test]
fn s_client_gets_the_servers_preferred_protocol() {
    if !require_peer("openssl") {
        return;
    }
    let (port, done) = server_with_alpn(&[b"http/1.1", b"h2"]);
    let mut peer = openssl_s_client(port, &pki("ecdsa-ca.pem"), "localhost", &["-tls1_2", "-alpn", "h2,http/1.1"]);
    assert!(wait_until(HANDSHAKE_TIMEOUT, || peer.stdout().contains("ALPN protocol: http/1.1")), "{}", peer.describe());
    peer.close_stdin();
    let served = outcome(&done);
    assert_eq!(served.alpn.as_deref(), Some(&b"http/1.1"[..]), "{served:?}");
}

#[test]
fn s_client_without_a_common_protocol_is_refused() {
    if !require_peer("openssl") {
        return;
    }
    let (port, done) = server_with_alpn(&[b"spdy/3"]);
    let mut peer = openssl_s_client(port, &pki("ecdsa-ca.pem"), "localhost", &["-tls1_2", "-alpn", "h2"]);
    let served = outcome(&done);
    assert_eq!(served.error, Some(ErrorKind::NoApplicationProtocol.into()), "{served:?}");
    assert!(wait_until(HANDSHAKE_TIMEOUT, || peer.output().contains("no application protocol")), "{}", peer.describe());
}

#[test]
fn our_client_with_s_server_alpn() {
    if !require_peer("openssl") {
        return;
    }
    let (_peer, port) = interop::on_free_port(|port| {
        openssl_s_server(
            port,
            &pki("ecdsa-server.pem"),
            &pki("ecdsa-server.key.pem"),
            &["-alpn", "http/1.1", "-naccept", "1"],
        )
    });
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let offered: [&[u8]; 2] = [b"h2", b"http/1.1"];
    let mut config = ClientConfig::new(&verifier);
    config.alpn_protocols = (&offered).into();
    let sock = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
    let conn =
        ClientConnection::new(&config, "localhost", &mut rx, &mut tx, UnwrapErr(SysRng), Instant::now()).unwrap();
    let mut tls = TlsStream::new(conn, sock);
    tls.handshake().unwrap();
    assert_eq!(tls.connection().alpn_protocol(), Some(&b"http/1.1"[..]));
    tls.close().unwrap();
}

//! The blocking `TlsStream` adapter over a socket pair: a full handshake,
//! data both ways with `Read`/`Write`, and a server whose sessions come from
//! the application (events mode) resuming through `handshake()`.

mod common;

use common::memory::*;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::io::{StreamEvent, TlsStream};
use sansio_tls::session::{ServerSessions, Session};
use sansio_tls::testing::TestRng;
use sansio_tls::*;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;

const BUF: usize = record::MAX_RECORD + 4096;

/// One server connection; answers lookups from `known`, returns the
/// session it was asked to store and whether the handshake resumed.
fn serve(sock: UnixStream, known: Option<Session>) -> (Option<Session>, bool) {
    let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let chain: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];
    let mut scfg = ServerConfig::new(&chain, &key);
    scfg.sessions = ServerSessions::Events;
    let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
    let mut rng = TestRng::new(7);
    let conn = ServerConnection::new(&scfg, &mut rx, &mut tx, &mut rng, Instant::now()).unwrap();
    let mut tls = TlsStream::new(conn, sock);
    let mut stored = None;
    let info = loop {
        match tls.handshake() {
            Ok(info) => break info,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                let asked = tls.take_events().into_iter().any(|e| matches!(e, StreamEvent::SessionLookup(_)));
                assert!(asked, "WouldBlock without a lookup");
                tls.connection().answer_session_lookup(known.clone()).unwrap();
            }
            Err(e) => panic!("server handshake: {e}"),
        }
    };
    for e in tls.take_events() {
        if let StreamEvent::StoreSession(s) = e {
            stored = Some(s);
        }
    }
    let mut buf = [0u8; 5];
    tls.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"hello");
    tls.write_all(b"world").unwrap();
    tls.close().unwrap();
    (stored, info.resumed)
}

#[test]
fn blocking_adapter_with_lookup_events() {
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.session_tickets = false;
    let mut known: Option<Session> = None;
    let mut client_session = None;
    for round in 0..2 {
        let (a, b) = UnixStream::pair().unwrap();
        let k = known.clone();
        let server = std::thread::spawn(move || serve(b, k));
        let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
        let mut rng = TestRng::new(round);
        let params = ClientParams { session: client_session.as_ref(), ..ClientParams::new("localhost") };
        let conn = ClientConnection::with_params(&ccfg, params, &mut rx, &mut tx, &mut rng, Instant::now()).unwrap();
        let mut tls = TlsStream::new(conn, a);
        let info = tls.handshake().unwrap();
        tls.write_all(b"hello").unwrap();
        let mut got = Vec::new();
        tls.read_to_end(&mut got).unwrap();
        assert_eq!(got, b"world");
        let new_session = tls.connection().client_session().cloned();
        let (stored, server_resumed) = server.join().unwrap();
        assert_eq!(info.resumed, round == 1);
        assert_eq!(server_resumed, round == 1);
        if round == 0 {
            known = Some(stored.expect("StoreSession after a full handshake"));
            client_session = new_session;
        }
    }
}

/// After a fatal error the stream sends its alert, closes its sending side
/// (the peer reads the alert, then end of stream, while the stream still
/// exists) and reads away what the peer sent, then returns the error.
#[test]
fn a_fatal_error_sends_the_alert_then_half_closes() {
    let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let chain: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];
    let scfg = ServerConfig::new(&chain, &key);
    let (mut peer, sock) = UnixStream::pair().unwrap();
    peer.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
    let mut rng = TestRng::new(7);
    let conn = ServerConnection::new(&scfg, &mut rx, &mut tx, &mut rng, Instant::now()).unwrap();
    let mut tls = TlsStream::new(conn, sock);
    // A ChangeCipherSpec where a ClientHello must come, and more bytes the
    // server never reads as TLS.
    peer.write_all(&record(20, &[1])).unwrap();
    peer.write_all(&[0x55; 3000]).unwrap();
    let err = tls.handshake().unwrap_err();
    assert_eq!(
        err.get_ref().and_then(|e| e.downcast_ref::<Error>()).map(|e| e.kind()),
        Some(sansio_tls::ErrorKind::UnexpectedMessage)
    );
    let mut got = Vec::new();
    peer.read_to_end(&mut got).unwrap();
    assert_eq!(got, [21, 3, 3, 0, 2, 2, 10]);
    drop(tls);
}

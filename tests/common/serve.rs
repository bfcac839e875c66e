//! Our echo server for interop tests: serves one TLS connection on a
//! listener with the blocking adapter and reports what it saw.

#![allow(dead_code)]

use getrandom::SysRng;
use rand_core::UnwrapErr;
use sansio_tls::io::{StreamEvent, TlsStream};
use sansio_tls::{CloseReason, Error, HandshakeInfo, Instant, ServerConfig, ServerConnection};
use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant as StdInstant};

/// How long one served connection may take.
pub const TIMEOUT: Duration = Duration::from_secs(8);
/// Buffers that hold any record plus a certificate chain.
pub const BUF: usize = sansio_tls::conn::RECOMMENDED_RECEIVE_BUFFER;

/// Whether a socket error is a read timeout.
pub fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

/// What our server saw on its one connection.
#[derive(Debug, Default)]
pub struct Served {
    pub info: Option<HandshakeInfo>,
    /// The connection's error, if it failed.
    pub error: Option<Error>,
    /// What went wrong, in words (with `error`, or a timeout).
    pub failure: Option<String>,
    pub received: Vec<u8>,
    /// The verified peer chain from the PeerCertificates event.
    pub chain: Vec<Vec<u8>>,
    pub close: Option<CloseReason>,
    /// The ALPN protocol agreed.
    pub alpn: Option<Vec<u8>>,
}

/// Accepts one connection (bounded wait) and echoes until the client closes.
pub fn serve_one(listener: &TcpListener, config: &ServerConfig<'_>) -> Served {
    let mut out = Served::default();
    let deadline = StdInstant::now() + TIMEOUT;
    listener.set_nonblocking(true).unwrap();
    let sock = loop {
        match listener.accept() {
            Ok((s, _)) => break s,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && StdInstant::now() < deadline => {
                thread::sleep(Duration::from_millis(10))
            }
            Err(e) => {
                out.failure = Some(format!("accept: {e}"));
                return out;
            }
        }
    };
    sock.set_nonblocking(false).unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    sock.set_write_timeout(Some(TIMEOUT)).unwrap();
    let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
    let conn = ServerConnection::new(config, &mut rx, &mut tx, UnwrapErr(SysRng), Instant::now()).unwrap();
    let mut tls = TlsStream::new(conn, sock);
    let mut buf = [0u8; 4096];
    let result = (|| {
        while tls.connection().is_handshaking() {
            if StdInstant::now() >= deadline {
                return Err("handshake timed out".to_owned());
            }
            match tls.pump() {
                Ok(true) => {}
                Ok(false) => return Err("closed during the handshake".to_owned()),
                Err(e) if is_timeout(&e) => {}
                Err(e) => return Err(format!("handshake failed: {e}")),
            }
        }
        out.info = tls.connection().handshake_info();
        out.alpn = tls.connection().alpn_protocol().map(<[u8]>::to_vec);
        loop {
            if StdInstant::now() >= deadline {
                return Err("the client did not close in time".to_owned());
            }
            match tls.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => {
                    out.received.extend_from_slice(&buf[..n]);
                    tls.write_all(&buf[..n]).map_err(|e| format!("echo: {e}"))?;
                }
                Err(e) if is_timeout(&e) => {}
                Err(e) => return Err(format!("read: {e}")),
            }
        }
    })();
    for ev in tls.take_events() {
        match ev {
            StreamEvent::PeerCertificates(chain) => out.chain = chain,
            StreamEvent::Closed(r) => out.close = Some(r),
            _ => {}
        }
    }
    out.error = tls.connection().error();
    out.failure = result.err();
    out
}

/// The served result, with a bounded wait.
pub fn outcome(rx: &mpsc::Receiver<Served>) -> Served {
    rx.recv_timeout(TIMEOUT + Duration::from_secs(2)).expect("our server thread gave no result")
}

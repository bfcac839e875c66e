//! A blocking adapter over a [`Transport`] (feature `std`): drives a
//! [`Connection`] and offers `std::io::Read` / `Write` for the plaintext.
//!
//! Give the connection a receive buffer of
//! [`RECOMMENDED_RECEIVE_BUFFER`](crate::conn::RECOMMENDED_RECEIVE_BUFFER)
//! bytes when the peer is unknown: it takes any record and 64 KiB handshake
//! messages (the largest ClientHellos real clients send).
//!
//! After a fatal error the stream sends its alert, closes its sending side
//! and reads what the peer still sends for a moment (at most
//! [`DRAIN_TIME`]) before it gives the error back: closing a TCP socket with
//! unread input makes the kernel send a reset, which can destroy the alert
//! before the peer reads it.
//!
//! The engine itself stays sans-IO; this is a convenience for programs and
//! tests that own a socket. [The guide](crate::guide#a-blocking-client-over-stdnet)
//! has a client that fetches a page.

extern crate std;

use crate::conn::{Buffer, Side};
use crate::session::{ClientSession, Session};
use crate::{CloseReason, Connection, Error, ErrorKind as TlsErrorKind, Event, HandshakeInfo, Instant};
use std::io::{self, Read, Write};
use std::time::Duration;
use std::vec::Vec;

/// How long, at most, a stream reads (and discards) what the peer still
/// sends after a fatal error, so that its alert is not lost to a reset.
pub const DRAIN_TIME: Duration = Duration::from_millis(500);

/// The most bytes read and discarded after a fatal error.
pub(crate) const DRAIN_MAX_BYTES: usize = 1 << 20;

/// A blocking byte stream a [`TlsStream`] runs over: `Read + Write`, plus
/// the two things a graceful failure needs. Implemented for `TcpStream`
/// (owned or shared), `&mut` of any transport and (on Unix) `UnixStream`; for another transport `impl Transport for
/// MyStream {}` keeps the defaults (no half-close, no draining).
///
/// ```
/// use std::io::{self, Read, Write};
/// use std::net::{Shutdown, TcpStream};
/// use std::time::Duration;
/// use sansio_tls::io::Transport;
///
/// /// A TCP stream that counts the bytes it carries.
/// struct Counted {
///     tcp: TcpStream,
///     bytes: u64,
/// }
///
/// impl Read for Counted {
///     fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
///         let n = self.tcp.read(buf)?;
///         self.bytes += n as u64;
///         Ok(n)
///     }
/// }
///
/// impl Write for Counted {
///     fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
///         let n = self.tcp.write(buf)?;
///         self.bytes += n as u64;
///         Ok(n)
///     }
///     fn flush(&mut self) -> io::Result<()> {
///         self.tcp.flush()
///     }
/// }
///
/// // Both methods, so that a fatal alert reaches the peer before the socket closes.
/// impl Transport for Counted {
///     fn shutdown_write(&mut self) -> io::Result<()> {
///         self.tcp.shutdown(Shutdown::Write)
///     }
///     fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
///         self.tcp.set_read_timeout(timeout)
///     }
/// }
/// ```
pub trait Transport: Read + Write {
    /// Closes the sending side only (TCP's half-close), after the last
    /// bytes were written. The default does nothing.
    fn shutdown_write(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Bounds how long a read may block. The default reports
    /// `Unsupported`, and the stream then does not drain after an error
    /// (a read without a bound could block forever).
    fn set_read_timeout(&mut self, _timeout: Option<Duration>) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }
}

impl Transport for std::net::TcpStream {
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.shutdown(std::net::Shutdown::Write)
    }

    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        std::net::TcpStream::set_read_timeout(self, timeout)
    }
}

impl Transport for &std::net::TcpStream {
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.shutdown(std::net::Shutdown::Write)
    }

    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        std::net::TcpStream::set_read_timeout(self, timeout)
    }
}

#[cfg(unix)]
impl Transport for std::os::unix::net::UnixStream {
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.shutdown(std::net::Shutdown::Write)
    }

    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_read_timeout(self, timeout)
    }
}

impl<T: Transport + ?Sized> Transport for &mut T {
    fn shutdown_write(&mut self) -> io::Result<()> {
        (**self).shutdown_write()
    }

    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        (**self).set_read_timeout(timeout)
    }
}

/// Something the connection reported, owned (see [`TlsStream::take_events`]).
///
/// ```
/// use sansio_tls::conn::{Buffer, Side};
/// use sansio_tls::io::{StreamEvent, TlsStream, Transport};
/// use sansio_tls::rand_core::CryptoRng;
/// use sansio_tls::{CloseReason, Connection};
///
/// /// Logs what happened since the last call. `Some(true)` once the peer
/// /// closed with close_notify, `Some(false)` if its data may be cut short.
/// fn report<S: Side, R: CryptoRng, B: Buffer, T: Transport>(tls: &mut TlsStream<Connection<S, R, B>, T>) -> Option<bool> {
///     let mut closed = None;
///     for event in tls.take_events() {
///         match event {
///             StreamEvent::HandshakeDone(info) => println!("handshake done: {:?}", info.suite),
///             StreamEvent::PeerCertificates(chain) => println!("{} certificates", chain.len()),
///             StreamEvent::Alert(_, description) => println!("warning: {description}"),
///             StreamEvent::Closed(reason) => closed = Some(reason == CloseReason::CloseNotify),
///             _ => {}
///         }
///     }
///     closed
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)]
pub enum StreamEvent {
    /// A handshake completed.
    HandshakeDone(HandshakeInfo),
    /// A warning alert arrived.
    Alert(crate::AlertLevel, crate::AlertDescription),
    /// Client: the server asks for a renegotiation.
    RenegotiationRequested,
    /// Server: a client's renegotiation attempt was refused.
    RenegotiationRefused,
    /// The peer closed.
    Closed(CloseReason),
    /// Server, events mode: look this session ID up and answer through
    /// [`TlsStream::connection`] and `answer_session_lookup`.
    SessionLookup(Vec<u8>),
    /// Server, events mode: store this session.
    StoreSession(Session),
    /// Client: a resumable session was established.
    NewSession(ClientSession),
    /// The peer's verified certificate chain, DER, end-entity first.
    PeerCertificates(Vec<Vec<u8>>),
}

/// A TLS connection over a blocking transport: `C` is the connection (a
/// [`ClientConnection`](crate::ClientConnection) or
/// [`ServerConnection`](crate::ServerConnection)), `T` the transport.
///
/// A server thread and a client over a loopback TCP connection:
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::{TcpListener, TcpStream};
/// use std::time::Duration;
/// use sansio_tls::io::TlsStream;
/// use sansio_tls::rand_core::UnwrapErr;
/// use sansio_tls::{ClientConnection, Instant, ServerConnection, conn};
/// # use sansio_tls::{cert::*, crypto::SigningKey, *};
/// # let ca = include_bytes!("../vectors/pki/ecdsa-ca.der");
/// # let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der"))?;
/// # let chain: [&[u8]; 2] = [include_bytes!("../vectors/pki/ecdsa-server.der"), ca];
/// # let roots = [trust_anchor_from_der(ca)?];
/// # let verifier = WebPkiServerVerifier::new(&roots);
/// # let (client_config, server_config) = (ClientConfig::new(&verifier), ServerConfig::new(&chain, &key));
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let addr = listener.local_addr()?;
/// std::thread::scope(|scope| -> Result<(), Box<dyn std::error::Error>> {
///     // The server reads everything the client sends, until its close_notify.
///     let server = scope.spawn(|| -> std::io::Result<Vec<u8>> {
///         let (tcp, _) = listener.accept()?;
///         tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
///         let (rx, tx) = (vec![0; conn::RECOMMENDED_RECEIVE_BUFFER], vec![0; 20_000]);
///         let conn = ServerConnection::new(&server_config, rx, tx, UnwrapErr(getrandom::SysRng), Instant::now())
///             .map_err(std::io::Error::other)?;
///         let mut tls = TlsStream::new(conn, tcp);
///         tls.handshake()?;
///         let mut request = Vec::new();
///         tls.read_to_end(&mut request)?; // and answers the close_notify
///         Ok(request)
///     });
///
///     let tcp = TcpStream::connect(addr)?;
///     tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
///     let (rx, tx) = (vec![0; 40_000], vec![0; 20_000]);
///     let conn = ClientConnection::new(&client_config, "localhost", rx, tx, UnwrapErr(getrandom::SysRng), Instant::now())?;
///     let mut tls = TlsStream::new(conn, tcp);
///     tls.handshake()?;
///     tls.write_all(b"hello")?;
///     tls.close()?;
///     // Wait for the server's close_notify.
///     assert_eq!(tls.read(&mut [0; 16])?, 0);
///     assert_eq!(server.join().unwrap()?, b"hello");
///     Ok(())
/// })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TlsStream<C, T> {
    conn: C,
    sock: T,
    plaintext: Vec<u8>,
    plaintext_pos: usize,
    events: Vec<StreamEvent>,
    eof: bool,
    /// The fatal-error drain ran (it runs once).
    drained: bool,
}

/// The `io::ErrorKind` a TLS error has on a std or tokio stream: `TimedOut` for
/// the handshake timeout, `ConnectionAborted` for a fatal alert from the
/// peer, `NotConnected` for a closed connection, `InvalidInput` for API
/// misuse (e.g. a renegotiation that is not possible), `Other` for internal
/// limits and a too small buffer, `InvalidData` for everything the peer got
/// wrong. (The same mapping as `eio::EioError`'s for embedded-io, feature
/// `embedded-io`.)
pub fn io_error_kind(kind: TlsErrorKind) -> io::ErrorKind {
    match kind {
        TlsErrorKind::Timeout => io::ErrorKind::TimedOut,
        TlsErrorKind::AlertReceived(_) => io::ErrorKind::ConnectionAborted,
        TlsErrorKind::Closed => io::ErrorKind::NotConnected,
        TlsErrorKind::InvalidState | TlsErrorKind::NoRenegotiation => io::ErrorKind::InvalidInput,
        TlsErrorKind::Internal | TlsErrorKind::BufferTooSmall => io::ErrorKind::Other,
        _ => io::ErrorKind::InvalidData,
    }
}

/// A TLS error as an `io::Error`: its kind from [`io_error_kind`], the
/// error itself inside.
pub fn io_error(e: Error) -> io::Error {
    io::Error::new(io_error_kind(e.kind()), e)
}

/// Whether a transmit error can be ignored: the connection is closed and
/// the peer went away before our answer to its close_notify got out;
/// nothing is lost.
pub(crate) fn peer_gone(conn_closed: bool, e: &io::Error) -> bool {
    conn_closed && matches!(e.kind(), io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset)
}

impl<S: Side, R: rand_core::CryptoRng, B: Buffer, T: Transport> TlsStream<Connection<S, R, B>, T> {
    /// Wraps a fresh connection and its transport.
    pub fn new(conn: Connection<S, R, B>, sock: T) -> Self {
        TlsStream {
            conn,
            sock,
            plaintext: Vec::new(),
            plaintext_pos: 0,
            events: Vec::new(),
            eof: false,
            drained: false,
        }
    }

    /// The connection.
    pub fn connection(&mut self) -> &mut Connection<S, R, B> {
        &mut self.conn
    }

    /// The transport.
    pub fn transport(&mut self) -> &mut T {
        &mut self.sock
    }

    /// Events seen since the last call (data excepted).
    pub fn take_events(&mut self) -> Vec<StreamEvent> {
        core::mem::take(&mut self.events)
    }

    /// Writes every pending transmit byte to the transport.
    pub fn flush_transmit(&mut self) -> io::Result<()> {
        while !self.conn.transmit_pending().is_empty() {
            let n = self.sock.write(self.conn.transmit_pending())?;
            if n == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            self.conn.transmit_done(n);
        }
        self.sock.flush()
    }

    /// Handles every event the buffered input yields. Returns whether
    /// anything happened.
    fn process(&mut self) -> io::Result<bool> {
        let mut any = false;
        loop {
            let ev = self.conn.poll_event(Instant::now());
            let ev = match ev {
                Ok(Some(ev)) => ev,
                Ok(None) => break,
                Err(e) => return Err(self.fail(e)),
            };
            any = true;
            match ev {
                Event::Data(d) => self.plaintext.extend_from_slice(d),
                Event::HandshakeDone(i) => self.events.push(StreamEvent::HandshakeDone(i)),
                Event::Alert { level, description } => self.events.push(StreamEvent::Alert(level, description)),
                Event::RenegotiationRequested => self.events.push(StreamEvent::RenegotiationRequested),
                Event::RenegotiationRefused => self.events.push(StreamEvent::RenegotiationRefused),
                Event::Closed(r) => self.events.push(StreamEvent::Closed(r)),
                Event::SessionLookup(id) => {
                    self.events.push(StreamEvent::SessionLookup(id.to_vec()));
                    break;
                }
                Event::StoreSession(s) => self.events.push(StreamEvent::StoreSession(s.clone())),
                Event::NewSession(s) => self.events.push(StreamEvent::NewSession(s.clone())),
                Event::PeerCertificates(chain) => {
                    self.events.push(StreamEvent::PeerCertificates(chain.iter().map(<[u8]>::to_vec).collect()))
                }
            }
        }
        match self.flush_transmit() {
            // The peer closed and went away before our close_notify answer
            // got out: nothing is lost.
            Err(e) if peer_gone(self.conn.is_closed(), &e) => Ok(any),
            other => other.map(|_| any),
        }
    }

    /// Reads once from the transport into the receive buffer and processes
    /// it. Returns false at end of stream.
    /// A fatal error: sends the alert, half-closes, drains what the peer
    /// still sends for at most [`DRAIN_TIME`], and hands the error back.
    fn fail(&mut self, e: Error) -> io::Error {
        if self.flush_transmit().is_ok() && e.alert().is_some() && !self.eof && !self.drained {
            self.drained = true;
            let _ = self.sock.shutdown_write();
            if self.sock.set_read_timeout(Some(DRAIN_TIME)).is_ok() {
                let deadline = std::time::Instant::now() + DRAIN_TIME;
                let (mut sink, mut drained) = ([0u8; 4096], 0);
                while drained < DRAIN_MAX_BYTES && std::time::Instant::now() < deadline {
                    match self.sock.read(&mut sink) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => drained += n,
                    }
                }
            }
        }
        io_error(e)
    }

    fn read_transport(&mut self) -> io::Result<bool> {
        if let Err(e) = self.conn.handle_timeout(Instant::now()) {
            return Err(self.fail(e));
        }
        let window = self.conn.receive_window();
        if window.is_empty() {
            return Ok(false);
        }
        let n = match self.sock.read(window) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(true),
            Err(e) => return Err(e),
        };
        if n == 0 {
            self.eof = true;
            self.conn.receive_eof();
        } else {
            self.conn.receive_commit(n);
        }
        self.process()?;
        Ok(n != 0)
    }

    /// Handles what is already buffered (e.g. the ClientHello held while a
    /// session lookup was answered) without reading the transport.
    pub fn process_buffered(&mut self) -> io::Result<()> {
        self.process().map(|_| ())
    }

    /// Runs the handshake to completion. A server in
    /// [`ServerSessions::Events`](crate::session::ServerSessions::Events)
    /// mode gets `WouldBlock` when a session lookup must be answered: answer
    /// it through [`connection`](Self::connection), then call `handshake`
    /// again.
    pub fn handshake(&mut self) -> io::Result<HandshakeInfo> {
        self.flush_transmit()?;
        self.process()?;
        while self.conn.is_handshaking() {
            if self.conn.waits_for_application() {
                return Err(io::Error::new(io::ErrorKind::WouldBlock, "answer the session lookup first"));
            }
            if !self.read_transport()? {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
        self.conn.handshake_info().ok_or_else(|| io::Error::other(Error::Closed))
    }

    /// Reads and processes transport input once; returns false at end of
    /// stream. For event loops that poll.
    pub fn pump(&mut self) -> io::Result<bool> {
        self.read_transport()
    }

    /// Sends close_notify and flushes.
    pub fn close(&mut self) -> io::Result<()> {
        self.conn.close().map_err(io_error)?;
        self.flush_transmit()
    }

    /// Whether the peer closed (close_notify or end of stream).
    pub fn peer_closed(&self) -> bool {
        self.eof || self.conn.is_closed()
    }
}

impl<S: Side, R: rand_core::CryptoRng, B: Buffer, T: Transport> Read for TlsStream<Connection<S, R, B>, T> {
    /// Reads plaintext; returns 0 after the peer's close_notify or end of
    /// stream.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.plaintext_pos < self.plaintext.len() {
                let avail = &self.plaintext[self.plaintext_pos..];
                let n = avail.len().min(buf.len());
                buf[..n].copy_from_slice(&avail[..n]);
                self.plaintext_pos += n;
                if self.plaintext_pos == self.plaintext.len() {
                    self.plaintext.clear();
                    self.plaintext_pos = 0;
                }
                return Ok(n);
            }
            if self.peer_closed() {
                return Ok(0);
            }
            if !self.read_transport()? && self.plaintext.is_empty() {
                return Ok(0);
            }
        }
    }
}

impl<S: Side, R: rand_core::CryptoRng, B: Buffer, T: Transport> Write for TlsStream<Connection<S, R, B>, T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            let n = self.conn.send(buf).map_err(io_error)?;
            if n > 0 || buf.is_empty() {
                self.flush_transmit()?;
                return Ok(n);
            }
            self.flush_transmit()?;
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flush_transmit()
    }
}

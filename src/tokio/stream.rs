//! The stream both roles share: it drives a [`Connection`] over a tokio
//! transport from `poll_*` calls.

extern crate std;

use super::{Rng, Role, io_error};
use crate::codec::AlertDescription;
use crate::conn::Connection;
use crate::{CloseReason, Error, Event, HandshakeInfo, Instant};
use ::tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use ::tokio::time::Sleep;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker, ready};
use std::boxed::Box;
use std::io;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Wake;
use std::time::Duration;
use std::vec::Vec;

use crate::io::DRAIN_MAX_BYTES;

/// The most records a stream sets aside while the transport does not take
/// them (see [`TlsStream::set_aside`]); past it, reading waits for the
/// transport too. It takes a transmit buffer of application data and the
/// connection's own answers; only a peer that makes us answer a lot without
/// reading reaches it.
const SET_ASIDE_LIMIT: usize = 64 * 1024;

/// The tasks waiting on a stream: the one that reads and the one that
/// writes (two with `tokio::io::split`). They wait on the transport and the
/// timers through one waker that wakes both: reads write too (the
/// connection's answers) and writes may read (a handshake), while a
/// transport keeps one waker per direction, so the last task to wait would
/// otherwise take the other's wake-up.
#[derive(Default)]
struct Waiters([Mutex<Option<Waker>>; 2]);

/// Which of a stream's tasks is polling it.
#[derive(Clone, Copy)]
enum Caller {
    Reader = 0,
    Writer = 1,
}

impl Wake for Waiters {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        for slot in &self.0 {
            if let Some(waker) = slot.lock().unwrap_or_else(PoisonError::into_inner).take() {
                waker.wake();
            }
        }
    }
}

/// Bytes waiting in a `Vec`: `buf[pos..]`.
#[derive(Default)]
struct Queue {
    buf: Vec<u8>,
    pos: usize,
}

impl Queue {
    fn bytes(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    fn is_empty(&self) -> bool {
        self.pos == self.buf.len()
    }

    fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The first `n` bytes are gone.
    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
        if self.is_empty() {
            self.buf.clear();
            self.pos = 0;
        }
    }
}

/// A TLS connection over a tokio transport `T`, after its handshake:
/// `AsyncRead` and `AsyncWrite` of plaintext. Named by its role:
/// [`client::TlsStream`](super::client::TlsStream) and
/// [`server::TlsStream`](super::server::TlsStream).
///
/// See [the module docs](super) for what reads, writes and shutdown do,
/// and how errors come back.
///
/// A client and a server over an in-memory pipe:
///
/// ```
/// use std::sync::Arc;
/// use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
/// use sansio_tls::config::{OwnedCertifiedKey, OwnedClientConfig, OwnedServerConfig};
/// use sansio_tls::crypto::SigningKey;
/// use sansio_tls::tokio::{TlsAcceptor, TlsConnector};
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// let ca = include_bytes!("../../vectors/pki/ecdsa-ca.der").to_vec();
/// let chain = vec![include_bytes!("../../vectors/pki/ecdsa-server.der").to_vec(), ca.clone()];
/// let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// // Owned configs: the chain, the key, the anchors and the verifier live
/// // in them, and go with the last connection.
/// let server_config = OwnedServerConfig::new(OwnedCertifiedKey::new(chain, Arc::new(key))?);
/// let verifier = WebPkiServerVerifier::from_roots(vec![trust_anchor_from_der(&ca)?.to_owned()]);
/// let acceptor = TlsAcceptor::from(Arc::new(server_config));
/// let connector = TlsConnector::from(Arc::new(OwnedClientConfig::new(Arc::new(verifier))));
///
/// let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// runtime.block_on(async {
///     let (client_io, server_io) = tokio::io::duplex(64 * 1024);
///     // An echo server: one word, then close_notify.
///     let server = tokio::spawn(async move {
///         let mut tls = acceptor.accept(server_io).await?;
///         assert_eq!(tls.server_name(), Some("localhost"));
///         let mut word = [0; 5];
///         tls.read_exact(&mut word).await?;
///         tls.write_all(&word).await?;
///         tls.shutdown().await
///     });
///
///     let mut tls = connector.connect("localhost", client_io).await?;
///     assert!(!tls.handshake_info().unwrap().resumed);
///     assert_eq!(tls.peer_certificates().map(<[Vec<u8>]>::len), Some(2));
///     tls.write_all(b"hello").await?;
///     let mut echo = Vec::new();
///     tls.read_to_end(&mut echo).await?; // until the server's close_notify
///     assert_eq!(echo, b"hello");
///     server.await??;
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TlsStream<R: Role, T> {
    conn: Connection<R::Side, Rng, Vec<u8>>,
    io: T,
    role: R,
    /// Plaintext received and not read yet: at most one record's.
    plaintext: Queue,
    /// Records set aside from the transmit buffer (they go out before it).
    set_aside: Queue,
    /// The peer's verified chain (DER, end-entity first), from its last
    /// handshake.
    peer_certificates: Vec<Vec<u8>>,
    last_alert: Option<AlertDescription>,
    /// Handshakes completed: the first and renegotiations.
    handshakes: u32,
    /// How the peer closed, once it did.
    closed: Option<CloseReason>,
    /// The transport reached end of stream.
    eof: bool,
    /// The timer for the connection's deadline.
    timer: Option<Timer>,
    /// A fatal error being reported (alert, shutdown, drain).
    failure: Option<Failure>,
    /// The tasks waiting on the stream, and the waker that wakes them.
    waiters: Arc<Waiters>,
    waker: Waker,
}

/// A tokio timer armed for one deadline of the connection.
struct Timer {
    deadline: Instant,
    sleep: Pin<Box<Sleep>>,
}

/// Where a fatal error's report stands.
#[derive(Clone, Copy, PartialEq)]
enum Report {
    /// Sending the alert.
    Alert,
    /// Shutting the write half down.
    Shutdown,
    /// Reading what the peer still sends.
    Drain,
    /// Done: every call returns the error.
    Done,
}

struct Failure {
    error: Error,
    report: Report,
    drained: usize,
    /// The report gives up at this point (sending, shutting down or
    /// draining against a peer that stalls).
    give_up: Pin<Box<Sleep>>,
}

/// Writes what is set aside, then the connection's pending transmit
/// bytes, to `io`; then flushes it.
fn transmit<S: crate::conn::Side, T: AsyncWrite + Unpin>(
    conn: &mut Connection<S, Rng, Vec<u8>>,
    set_aside: &mut Queue,
    io: &mut T,
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    loop {
        let (bytes, aside) = match set_aside.bytes() {
            [] => (conn.transmit_pending(), false),
            bytes => (bytes, true),
        };
        if bytes.is_empty() {
            return Pin::new(io).poll_flush(cx);
        }
        let n = ready!(Pin::new(&mut *io).poll_write(cx, bytes))?;
        match (n, aside) {
            (0, _) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
            (n, true) => set_aside.consume(n),
            (n, false) => conn.transmit_done(n),
        }
    }
}

use crate::io::peer_gone;

/// A tokio sleep until `deadline` of the connection's clock.
fn sleep_until(deadline: Instant) -> Pin<Box<Sleep>> {
    let wait = deadline.as_millis().saturating_sub(Instant::now().as_millis());
    Box::pin(::tokio::time::sleep(Duration::from_millis(wait)))
}

impl<R: Role, T: AsyncRead + AsyncWrite + Unpin> TlsStream<R, T> {
    /// A stream over a fresh connection (its handshake not run yet).
    fn new(conn: Connection<R::Side, Rng, Vec<u8>>, io: T, role: R) -> Self {
        let waiters = Arc::new(Waiters::default());
        TlsStream {
            conn,
            io,
            role,
            plaintext: Queue::default(),
            set_aside: Queue::default(),
            peer_certificates: Vec::new(),
            last_alert: None,
            handshakes: 0,
            closed: None,
            eof: false,
            timer: None,
            failure: None,
            waker: Waker::from(Arc::clone(&waiters)),
            waiters,
        }
    }

    /// What the last completed handshake negotiated (the suite, group,
    /// whether it resumed a session, ...). Always there on a stream that
    /// [`connect`](super::TlsConnector::connect) or
    /// [`accept`](super::TlsAcceptor::accept) returned.
    pub fn handshake_info(&self) -> Option<HandshakeInfo> {
        self.conn.handshake_info()
    }

    /// The application protocol agreed with ALPN (RFC 7301).
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.conn.alpn_protocol()
    }

    /// The peer's verified certificate chain (DER, end-entity first) from
    /// the last handshake; `None` if it sent none (a client without a
    /// certificate, or a resumed session).
    pub fn peer_certificates(&self) -> Option<&[Vec<u8>]> {
        (!self.peer_certificates.is_empty()).then_some(&self.peer_certificates[..])
    }

    /// The last warning alert the peer sent, other than close_notify (e.g.
    /// `no_renegotiation`: it refused a renegotiation).
    pub fn last_alert(&self) -> Option<AlertDescription> {
        self.last_alert
    }

    /// How many handshakes completed on this connection: 1, plus one per
    /// renegotiation.
    pub fn handshakes(&self) -> u32 {
        self.handshakes
    }

    /// The transport.
    pub fn get_ref(&self) -> &T {
        &self.io
    }

    /// The transport, e.g. to set socket options. Reading or writing it
    /// directly breaks the TLS stream.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.io
    }

    /// The connection, for what the stream does not wrap (e.g.
    /// `client_session`, `secure_renegotiation`, `error`).
    pub fn connection(&self) -> &Connection<R::Side, Rng, Vec<u8>> {
        &self.conn
    }

    /// Takes the stream apart: the transport and the connection. Plaintext
    /// received and not read yet is dropped.
    pub fn into_inner(self) -> (T, Connection<R::Side, Rng, Vec<u8>>) {
        (self.io, self.conn)
    }

    /// The connection, for the role's own calls.
    pub(super) fn conn_mut(&mut self) -> &mut Connection<R::Side, Rng, Vec<u8>> {
        &mut self.conn
    }

    /// Registers the task of `cx` as the stream's `caller` and returns the
    /// waker to wait on the transport and timers with (see [`Waiters`]).
    fn enter(&self, caller: Caller, cx: &Context<'_>) -> Waker {
        let mut slot = self.waiters.0[caller as usize].lock().unwrap_or_else(PoisonError::into_inner);
        if !slot.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            *slot = Some(cx.waker().clone());
        }
        self.waker.clone()
    }

    /// Handles the events the buffered input yields, up to the next
    /// plaintext: what comes after it (the peer's close_notify, which is
    /// answered at once, or a renegotiation request) waits until the
    /// application has read the plaintext and could answer it.
    fn process(&mut self) -> Result<(), Error> {
        // Each event may queue records (answers, alerts): the transmit
        // buffer must have room for them.
        while self.plaintext.is_empty() && self.set_aside() {
            let now = Instant::now();
            let follow_up = match self.conn.poll_event(now)? {
                None => return Ok(()),
                Some(Event::HandshakeDone(_)) => {
                    self.handshakes += 1;
                    None
                }
                Some(Event::Data(d)) => {
                    self.plaintext.push(d);
                    None
                }
                Some(Event::PeerCertificates(chain)) => {
                    self.peer_certificates = chain.iter().map(<[u8]>::to_vec).collect();
                    None
                }
                Some(Event::Alert { description, .. }) => {
                    self.last_alert = Some(description);
                    None
                }
                Some(Event::Closed(reason)) => {
                    self.closed = Some(reason);
                    None
                }
                Some(event) => self.role.event(&event),
            };
            if let Some(f) = follow_up {
                self.role.follow_up(&mut self.conn, f, now)?;
            }
        }
        Ok(())
    }

    /// Empties the transmit buffer for the connection: what the transport
    /// has not taken yet waits in `set_aside` (it goes out first), so that
    /// reading does not wait for the transport to take our writes (a peer
    /// that sends and reads at once could wait for us in turn). False
    /// (nothing moved) when [`SET_ASIDE_LIMIT`] is reached.
    fn set_aside(&mut self) -> bool {
        let pending = self.conn.transmit_pending();
        if pending.is_empty() {
            return true;
        }
        if self.set_aside.bytes().len() >= SET_ASIDE_LIMIT {
            return false;
        }
        self.set_aside.push(pending);
        let n = pending.len();
        self.conn.transmit_done(n);
        true
    }

    /// Whether the connection's deadline (if any) has passed by the tokio
    /// clock; registers the timer's wake-up otherwise.
    fn poll_deadline(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Some(deadline) = self.conn.poll_timeout() else {
            self.timer = None;
            return Poll::Pending;
        };
        let timer = match &mut self.timer {
            Some(t) if t.deadline == deadline => t,
            slot => slot.insert(Timer { deadline, sleep: sleep_until(deadline) }),
        };
        ready!(timer.sleep.as_mut().poll(cx));
        // Fired: the next turn checks the deadline by the connection's
        // clock (and arms a new timer for what is left, if anything).
        self.timer = None;
        Poll::Ready(())
    }

    /// A call failed with the TLS error `e`: a fatal one starts the report
    /// (alert, shutdown, drain); any other is returned as it is.
    fn fail<V>(&mut self, cx: &mut Context<'_>, e: Error) -> Poll<io::Result<V>> {
        if self.failure.is_none() {
            let Some(error) = self.conn.error() else { return Poll::Ready(Err(io_error(e))) };
            let give_up = Box::pin(::tokio::time::sleep(crate::io::DRAIN_TIME));
            self.failure = Some(Failure { error, report: Report::Alert, drained: 0, give_up });
        }
        self.poll_failure(cx).map(Err)
    }

    /// Reports the fatal error: sends its alert, shuts the write half
    /// down, reads and discards what the peer still sends (so that closing
    /// does not reset the connection before the peer read the alert), all
    /// within [`DRAIN_TIME`](crate::io::DRAIN_TIME); then gives the error.
    fn poll_failure(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        let Some(f) = &mut self.failure else { return Poll::Ready(io::ErrorKind::Other.into()) };
        loop {
            let step = match f.report {
                Report::Alert => transmit(&mut self.conn, &mut self.set_aside, &mut self.io, cx).map(|r| match r {
                    Ok(()) if f.error.alert().is_some() && !self.eof => Report::Shutdown,
                    _ => Report::Done,
                }),
                Report::Shutdown => Pin::new(&mut self.io).poll_shutdown(cx).map(|_| Report::Drain),
                Report::Drain => {
                    let mut sink = [0u8; 4096];
                    let mut buf = ReadBuf::new(&mut sink);
                    Pin::new(&mut self.io).poll_read(cx, &mut buf).map(|r| match r {
                        Ok(()) if !buf.filled().is_empty() && f.drained < DRAIN_MAX_BYTES => {
                            f.drained += buf.filled().len();
                            Report::Drain
                        }
                        _ => Report::Done,
                    })
                }
                Report::Done => return Poll::Ready(io_error(f.error)),
            };
            f.report = match step {
                Poll::Ready(next) => next,
                Poll::Pending if f.give_up.as_mut().poll(cx).is_ready() => Report::Done,
                Poll::Pending => return Poll::Pending,
            };
        }
    }

    /// Drives the connection until `done`: handles the deadline and the
    /// buffered input, sends what that queued, reads the transport. Ready
    /// once `done` holds (also when sending has to wait).
    fn poll_until(&mut self, cx: &mut Context<'_>, done: fn(&Self) -> bool) -> Poll<io::Result<()>> {
        if self.failure.is_some() {
            return self.poll_failure(cx).map(Err);
        }
        loop {
            if let Err(e) = self.conn.handle_timeout(Instant::now()).and_then(|()| self.process()) {
                return self.fail(cx, e);
            }
            let sent = match transmit(&mut self.conn, &mut self.set_aside, &mut self.io, cx) {
                Poll::Ready(Err(e)) if !peer_gone(self.conn.is_closed(), &e) => return Poll::Ready(Err(e)),
                sent => sent.is_ready(),
            };
            if done(self) {
                return Poll::Ready(Ok(()));
            }
            // Reading goes on while the transport does not take our
            // records (they are set aside), up to a limit.
            if !sent && !self.set_aside() {
                // A peer that stalls a handshake by not reading still
                // meets its deadline.
                if self.poll_deadline(cx).is_ready() {
                    continue;
                }
                return Poll::Pending;
            }
            let window = self.conn.receive_window();
            if window.is_empty() {
                return Poll::Ready(Err(io_error(Error::BufferTooSmall.because("receive buffer full"))));
            }
            let mut buf = ReadBuf::new(window);
            match Pin::new(&mut self.io).poll_read(cx, &mut buf) {
                Poll::Ready(Ok(())) => {
                    let n = buf.filled().len();
                    if n == 0 {
                        self.eof = true;
                        self.conn.receive_eof();
                    } else {
                        self.conn.receive_commit(n);
                    }
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending if self.poll_deadline(cx).is_ready() => {}
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    /// Runs the handshake (first or a renegotiation started by the
    /// application) to its end, and sends its last flight.
    pub(super) fn poll_handshake(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_until(cx, |s| !s.conn.is_handshaking()))?;
        if self.conn.handshake_info().is_none() {
            let why = match self.closed {
                Some(CloseReason::CloseNotify) => "the peer closed during the handshake",
                _ => "the transport ended during the handshake",
            };
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::UnexpectedEof, why)));
        }
        transmit(&mut self.conn, &mut self.set_aside, &mut self.io, cx)
    }

    /// Moves buffered plaintext into `buf`.
    fn take_plaintext(&mut self, buf: &mut ReadBuf<'_>) {
        let avail = self.plaintext.bytes();
        let n = avail.len().min(buf.remaining());
        buf.put_slice(&avail[..n]);
        self.plaintext.consume(n);
    }
}

impl<R: Role, T: AsyncRead + AsyncWrite + Unpin> TlsStream<R, T> {
    /// Runs a `poll_*` call for `caller` (see [`Waiters`]): a stream whose
    /// fatal error is being reported goes on with that, and gives the
    /// error.
    fn poll_as<V>(
        &mut self,
        caller: Caller,
        cx: &mut Context<'_>,
        call: impl FnOnce(&mut Self, &mut Context<'_>) -> Poll<io::Result<V>>,
    ) -> Poll<io::Result<V>> {
        let waker = self.enter(caller, cx);
        let cx = &mut Context::from_waker(&waker);
        if self.failure.is_some() {
            return self.poll_failure(cx).map(Err);
        }
        call(self, cx)
    }

    fn read_plaintext(&mut self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        ready!(self.poll_until(cx, |s| !s.plaintext.is_empty() || s.closed.is_some()))?;
        if !self.plaintext.is_empty() {
            self.take_plaintext(buf);
            return Poll::Ready(Ok(()));
        }
        Poll::Ready(match self.closed {
            Some(CloseReason::Truncated) => {
                Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the transport ended without close_notify"))
            }
            _ => Ok(()),
        })
    }

    fn write_plaintext(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.conn.is_handshaking() {
            ready!(self.poll_handshake(cx))?;
        }
        // What reads set aside goes first: writing waits for it (which
        // bounds it).
        if !self.set_aside.is_empty() {
            ready!(transmit(&mut self.conn, &mut self.set_aside, &mut self.io, cx))?;
        }
        let mut flushed = false;
        loop {
            let n = match self.conn.send(buf) {
                Ok(n) => n,
                Err(e) => return self.fail(cx, e),
            };
            if n > 0 || buf.is_empty() {
                return match transmit(&mut self.conn, &mut self.set_aside, &mut self.io, cx) {
                    Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                    _ => Poll::Ready(Ok(n)),
                };
            }
            if flushed {
                return self.fail(cx, Error::BufferTooSmall.because("transmit buffer too small for a record"));
            }
            // The transmit buffer is full: empty it, then encrypt again.
            ready!(transmit(&mut self.conn, &mut self.set_aside, &mut self.io, cx))?;
            flushed = true;
        }
    }

    fn close_and_shutdown(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Err(e) = self.conn.close() {
            return self.fail(cx, e);
        }
        match ready!(transmit(&mut self.conn, &mut self.set_aside, &mut self.io, cx)) {
            Err(e) if !peer_gone(self.conn.is_closed(), &e) => return Poll::Ready(Err(e)),
            _ => {}
        }
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

impl<R: Role, T: AsyncRead + AsyncWrite + Unpin> AsyncRead for TlsStream<R, T> {
    /// Reads plaintext. End of stream after the peer's close_notify;
    /// `UnexpectedEof` if the transport ended without one.
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_as(Caller::Reader, cx, |this, cx| this.read_plaintext(cx, buf))
    }
}

impl<R: Role, T: AsyncRead + AsyncWrite + Unpin> AsyncWrite for TlsStream<R, T> {
    /// Encrypts as much of `buf` as the transmit buffer takes and writes
    /// out what the transport takes now; the rest goes with the next write,
    /// flush or read.
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.get_mut().poll_as(Caller::Writer, cx, |this, cx| this.write_plaintext(cx, buf))
    }

    /// Writes every pending record and flushes the transport.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut()
            .poll_as(Caller::Writer, cx, |this, cx| transmit(&mut this.conn, &mut this.set_aside, &mut this.io, cx))
    }

    /// Sends close_notify (once), flushes, and shuts the transport's write
    /// half down. Reading goes on until the peer's close_notify.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_as(Caller::Writer, cx, Self::close_and_shutdown)
    }
}

impl<R: Role, T> core::fmt::Debug for TlsStream<R, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TlsStream").field("conn", &self.conn).field("closed", &self.closed).finish_non_exhaustive()
    }
}

/// The future of a handshake, [`Connect`](super::Connect) or
/// [`Accept`](super::Accept): gives the stream once the handshake
/// finished. The config's handshake timeout bounds it; a caller can bound
/// it tighter, or race it with a shutdown signal.
///
/// ```
/// use std::time::Duration;
/// use sansio_tls::tokio::{Handshake, TlsAcceptor, server};
/// use tokio::net::TcpStream;
///
/// async fn accept_quickly(acceptor: &TlsAcceptor, tcp: TcpStream) -> std::io::Result<server::TlsStream<TcpStream>> {
///     let handshake: Handshake<server::Server, TcpStream> = acceptor.accept(tcp);
///     // Elapsed converts into an io::Error of kind TimedOut.
///     Ok(tokio::time::timeout(Duration::from_secs(5), handshake).await??)
/// }
/// ```
pub struct Handshake<R: Role, T>(Handshaking<R, T>);

/// Where a [`Handshake`] stands. (The running stream is the future's whole
/// state, as in any future that owns its connection: boxing it would cost
/// an allocation per connection for nothing.)
#[allow(clippy::large_enum_variant)]
enum Handshaking<R: Role, T> {
    /// Running.
    Running(TlsStream<R, T>),
    /// The connection could not even be made.
    Failed(io::Error),
    /// The future completed.
    Taken,
}

impl<R: Role, T: AsyncRead + AsyncWrite + Unpin> Handshake<R, T> {
    /// The handshake of a connection just made over `io`, or why it could
    /// not be made.
    pub(super) fn start(conn: Result<Connection<R::Side, Rng, Vec<u8>>, Error>, io: T, role: R) -> Self {
        Handshake(match conn {
            Ok(conn) => Handshaking::Running(TlsStream::new(conn, io, role)),
            Err(e) => Handshaking::Failed(io_error(e)),
        })
    }
}

impl<R: Role, T: AsyncRead + AsyncWrite + Unpin> Future for Handshake<R, T> {
    type Output = io::Result<TlsStream<R, T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let state = &mut self.get_mut().0;
        if let Handshaking::Running(stream) = state {
            ready!(stream.poll_as(Caller::Reader, cx, TlsStream::poll_handshake))?;
        }
        Poll::Ready(match core::mem::replace(state, Handshaking::Taken) {
            Handshaking::Running(stream) => Ok(stream),
            Handshaking::Failed(e) => Err(e),
            Handshaking::Taken => Err(io::Error::other("handshake future polled after it completed")),
        })
    }
}

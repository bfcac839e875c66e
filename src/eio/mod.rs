//! Stream adapters over [`embedded-io`][`embedded_io`] transports (feature
//! `embedded-io`): [`TlsStream`] over a blocking
//! [`embedded_io::Read`] + [`embedded_io::Write`], [`AsyncTlsStream`] over an
//! async [`embedded_io_async::Read`] + [`embedded_io_async::Write`] (for
//! embassy-style executors). Both drive a [`Connection`] and offer the same
//! traits for the plaintext. No std, no allocator. [The
//! guide](crate::guide#a-no_std-client-over-embedded-io-async) has an
//! async client.
//!
//! # Memory
//!
//! Everything lives in the stream value: the connection (over the caller's
//! receive and transmit buffers), the transport, the [`Hooks`] and a
//! *carry* buffer of `CARRY` bytes. The connection hands out each record's
//! plaintext as a slice that is only valid until its next call, so a read
//! copies it straight into the caller's buffer, and what does not fit waits
//! in the carry buffer for the next reads. The carry holds at most one
//! record's plaintext:
//!
//! - [`FULL_CARRY`] (16 KiB) works with any peer and any read size;
//! - with a negotiated max_fragment_length, that length is enough;
//! - a smaller `CARRY` saves RAM if every read buffer holds at least
//!   "largest record − `CARRY`" bytes, and the peer sends no data in the same
//!   flight as its last handshake message (that data goes to the carry
//!   whole). A record that does not fit ends the stream with
//!   [`EioError::Tls`]`(`[`ErrorKind::BufferTooSmall`](crate::ErrorKind::BufferTooSmall)`)`.
//!
//! # Time
//!
//! The crate has no clock. The stream asks its [`Hooks`] for the time each
//! time it hands input to the connection and before each transport read
//! (the handshake timeout is checked then). Any `FnMut() -> Instant`
//! closure is a `Hooks`; a device without a real-time clock can return a
//! monotonic count (and use a verifier that skips validity dates). A
//! transport read blocks (or awaits) as long as the transport lets it: to
//! bound a handshake in real time, give the transport a read timeout (or
//! race the future with a timer).
//!
//! # Events
//!
//! Data goes to `read`; every other [`Event`] is handed to
//! [`Hooks::event`] as it happens (the peer's certificates, a session to
//! store, warnings, ...). A server whose sessions come from the application
//! ([`ServerSessions::Events`](crate::session::ServerSessions::Events)) sees
//! the session ID there, gets [`EioError::SessionLookup`] from the call that
//! ran into it, answers through [`TlsStream::connection`] and
//! [`ServerConnection::answer_session_lookup`](Connection::answer_session_lookup), and calls again.
//!
//! # Closing
//!
//! [`close`](TlsStream::close) sends close_notify. `read` returns `Ok(0)`
//! after the peer's close_notify, and [`EioError::Truncated`] when the
//! transport ended without one (the data may have been cut short).
//!
//! [`embedded_io`]: https://docs.rs/embedded-io/0.7/embedded_io/
//! [`embedded_io::Read`]: https://docs.rs/embedded-io/0.7/embedded_io/trait.Read.html
//! [`embedded_io::Write`]: https://docs.rs/embedded-io/0.7/embedded_io/trait.Write.html
//! [`embedded_io_async::Read`]: https://docs.rs/embedded-io-async/0.7/embedded_io_async/trait.Read.html
//! [`embedded_io_async::Write`]: https://docs.rs/embedded-io-async/0.7/embedded_io_async/trait.Write.html

use crate::conn::{Buffer, Side};
use crate::{CloseReason, Connection, Error, Event, HandshakeInfo, Instant};
use embedded_io::ErrorKind;

/// A carry buffer that holds any record's plaintext
/// ([`MAX_PLAINTEXT`](crate::record::MAX_PLAINTEXT), 16 KiB): with it, any
/// read size works with any peer.
pub const FULL_CARRY: usize = crate::record::MAX_PLAINTEXT;

/// What a stream needs from its surroundings: the time, and (optionally) the
/// events that are not data.
///
/// Any `FnMut() -> Instant` closure (or `fn() -> Instant`) is a `Hooks` that
/// ignores events.
///
/// ```
/// use sansio_tls::eio::Hooks;
/// use sansio_tls::{Event, Instant};
///
/// /// A device's clock (the real-time clock read at boot, plus the uptime)
/// /// and what it keeps from the events.
/// struct Device {
///     rtc_at_boot: Instant,
///     uptime_ms: fn() -> u64,
///     warnings: u32,
/// }
///
/// impl Hooks for Device {
///     fn now(&mut self) -> Instant {
///         self.rtc_at_boot.add_millis((self.uptime_ms)())
///     }
///     fn event(&mut self, event: &Event<'_>) {
///         match event {
///             Event::Alert { .. } => self.warnings += 1,
///             // Event::NewSession(session) => export it to flash, ...
///             _ => {}
///         }
///     }
/// }
///
/// let mut device = Device { rtc_at_boot: Instant::from_secs(1_800_000_000), uptime_ms: || 1_500, warnings: 0 };
/// assert_eq!(device.now(), Instant::from_millis(1_800_000_001_500));
/// // A closure is enough when the events do not matter.
/// let mut clock = || Instant::from_secs(1_800_000_000);
/// assert_eq!(Hooks::now(&mut clock).as_secs(), 1_800_000_000);
/// ```
pub trait Hooks {
    /// The current time (see [the module docs](self#time)).
    fn now(&mut self) -> Instant;

    /// Every event but [`Event::Data`], as the connection reports it.
    /// [`Event::PeerCertificates`] borrows the receive buffer: read the chain
    /// here or not at all. The default ignores events.
    fn event(&mut self, event: &Event<'_>) {
        let _ = event;
    }
}

impl<F: FnMut() -> Instant> Hooks for F {
    fn now(&mut self) -> Instant {
        self()
    }
}

/// What can go wrong on an embedded-io TLS stream; `E` is the transport's
/// error.
///
/// ```
/// use embedded_io::{Error as _, ErrorKind as IoKind};
/// use sansio_tls::eio::EioError;
/// use sansio_tls::{Error, ErrorKind};
///
/// /// Whether a firmware should just reconnect.
/// fn worth_retrying<E>(error: &EioError<E>) -> bool {
///     match error {
///         EioError::Transport(_) | EioError::Truncated => true,
///         EioError::Tls(e) => e.kind() == ErrorKind::Timeout,
///         _ => false,
///     }
/// }
///
/// let timeout: EioError<IoKind> = Error::from(ErrorKind::Timeout).into();
/// assert!(worth_retrying(&timeout));
/// assert_eq!(timeout.kind(), IoKind::TimedOut); // as an embedded_io::Error
/// let closed: EioError<IoKind> = Error::from(ErrorKind::Closed).into();
/// assert_eq!(closed, EioError::Closed);
/// assert!(!worth_retrying(&EioError::<IoKind>::Tls(Error::from(ErrorKind::UnknownCa))));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EioError<E> {
    /// The TLS connection failed (its alert, if any, was sent), or the
    /// stream's carry buffer was too small
    /// ([`ErrorKind::BufferTooSmall`](crate::ErrorKind::BufferTooSmall)).
    /// Every later call fails again.
    Tls(Error),
    /// The transport failed.
    Transport(E),
    /// The connection is closed: a write after [`TlsStream::close`] or after
    /// the peer's close_notify, the peer closed during the handshake, or the
    /// transport's `write` accepted nothing.
    Closed,
    /// The transport ended without close_notify: the data may have been cut
    /// short by an attacker. Also returned when it ends during the
    /// handshake.
    Truncated,
    /// Server, [`ServerSessions::Events`](crate::session::ServerSessions::Events)
    /// mode: the handshake waits for a session lookup (the ID was shown to
    /// [`Hooks::event`]). Answer with
    /// [`ServerConnection::answer_session_lookup`](Connection::answer_session_lookup), then call again. Not a
    /// failure.
    SessionLookup,
}

impl<E> From<Error> for EioError<E> {
    /// [`ErrorKind::Closed`](crate::ErrorKind::Closed) becomes
    /// [`EioError::Closed`]; the rest [`EioError::Tls`].
    fn from(e: Error) -> Self {
        match e.kind() {
            crate::ErrorKind::Closed => EioError::Closed,
            _ => EioError::Tls(e),
        }
    }
}

impl<E: core::fmt::Display> core::fmt::Display for EioError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            EioError::Tls(e) => write!(f, "TLS: {e}"),
            EioError::Transport(e) => write!(f, "transport: {e}"),
            EioError::Closed => f.write_str("TLS connection closed"),
            EioError::Truncated => f.write_str("transport ended without close_notify"),
            EioError::SessionLookup => f.write_str("waiting for a session lookup answer"),
        }
    }
}

impl<E: core::error::Error> core::error::Error for EioError<E> {}

impl<E: embedded_io::Error> embedded_io::Error for EioError<E> {
    /// The transport's kind for its errors; for TLS: `TimedOut` for the
    /// handshake timeout, `ConnectionAborted` for a fatal alert from the
    /// peer, `InvalidInput` for API misuse, `Other` for internal limits and
    /// a too small buffer, `InvalidData` for everything the peer got wrong.
    /// `Closed` is `NotConnected`, `Truncated` `ConnectionAborted`,
    /// `SessionLookup` `Other`.
    fn kind(&self) -> ErrorKind {
        match self {
            EioError::Transport(e) => e.kind(),
            EioError::Closed => ErrorKind::NotConnected,
            EioError::Truncated => ErrorKind::ConnectionAborted,
            EioError::SessionLookup => ErrorKind::Other,
            EioError::Tls(e) => match e.kind() {
                crate::ErrorKind::Timeout => ErrorKind::TimedOut,
                crate::ErrorKind::AlertReceived(_) => ErrorKind::ConnectionAborted,
                crate::ErrorKind::Closed => ErrorKind::NotConnected,
                crate::ErrorKind::InvalidState | crate::ErrorKind::NoRenegotiation => ErrorKind::InvalidInput,
                crate::ErrorKind::Internal | crate::ErrorKind::BufferTooSmall => ErrorKind::Other,
                _ => ErrorKind::InvalidData,
            },
        }
    }
}

mod driver;

use driver::{Core, Driver, Goal, Io};

// ----- the streams ---------------------------------------------------------

/// A TLS connection over a blocking [`embedded_io`] transport; reads and
/// writes plaintext through [`embedded_io::Read`] and
/// [`embedded_io::Write`].
///
/// `H` gives the time and sees events ([`Hooks`]); `CARRY` sizes the
/// buffer for plaintext that did not fit a read ([module docs](self#memory)).
/// `read` and `write` run the handshake first if it has not finished.
///
/// Any transport with the embedded-io traits works: a device's network
/// stack, a UART, or (here, to run the example on a PC) a `TcpStream` in a
/// small wrapper, with a server on another thread.
///
/// ```
/// use std::net::{TcpListener, TcpStream};
/// use embedded_io::{ErrorKind, ErrorType, Read, Write};
/// use sansio_tls::eio::{FULL_CARRY, TlsStream};
/// use sansio_tls::rand_core::UnwrapErr;
/// use sansio_tls::{ClientConnection, Instant, ServerConnection};
/// # use sansio_tls::{cert::*, crypto::SigningKey, *};
/// # let ca = include_bytes!("../../vectors/pki/ecdsa-ca.der");
/// # let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// # let chain: [&[u8]; 2] = [include_bytes!("../../vectors/pki/ecdsa-server.der"), ca];
/// # let roots = [trust_anchor_from_der(ca)?];
/// # let verifier = WebPkiServerVerifier::new(&roots);
/// # let (client_config, server_config) = (ClientConfig::new(&verifier), ServerConfig::new(&chain, &key));
///
/// /// A std socket with the embedded-io traits.
/// struct Tcp(TcpStream);
/// impl ErrorType for Tcp {
///     type Error = ErrorKind;
/// }
/// impl Read for Tcp {
///     fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
///         std::io::Read::read(&mut self.0, buf).map_err(|_| ErrorKind::Other)
///     }
/// }
/// impl Write for Tcp {
///     fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
///         std::io::Write::write(&mut self.0, buf).map_err(|_| ErrorKind::Other)
///     }
///     fn flush(&mut self) -> Result<(), ErrorKind> {
///         Ok(())
///     }
/// }
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let addr = listener.local_addr()?;
/// std::thread::scope(|scope| -> Result<(), Box<dyn std::error::Error>> {
///     scope.spawn(|| {
///         let (tcp, _) = listener.accept().unwrap();
///         let (mut rx, mut tx) = ([0u8; 20_000], [0u8; 20_000]);
///         let conn = ServerConnection::new(&server_config, &mut rx[..], &mut tx[..], UnwrapErr(getrandom::SysRng), Instant::now()).unwrap();
///         let mut tls: TlsStream<_, _, _, FULL_CARRY> = TlsStream::new(conn, Tcp(tcp), Instant::now);
///         let mut word = [0u8; 5];
///         tls.read_exact(&mut word).unwrap(); // runs the handshake first
///         tls.write_all(&word).unwrap();
///         tls.flush().unwrap();
///         tls.close().unwrap();
///     });
///
///     let (mut rx, mut tx) = ([0u8; 20_000], [0u8; 20_000]);
///     let conn = ClientConnection::new(&client_config, "localhost", &mut rx[..], &mut tx[..], UnwrapErr(getrandom::SysRng), Instant::now())?;
///     // The hooks: here only the clock, `Instant::now`.
///     let mut tls: TlsStream<_, _, _, FULL_CARRY> = TlsStream::new(conn, Tcp(TcpStream::connect(addr)?), Instant::now);
///     let info = tls.handshake()?;
///     assert!(info.extended_master_secret);
///     tls.write_all(b"hello")?;
///     tls.flush()?;
///     let mut echo = [0u8; 5];
///     tls.read_exact(&mut echo)?;
///     assert_eq!(&echo, b"hello");
///     assert_eq!(tls.read(&mut echo)?, 0); // the server's close_notify
///     Ok(())
/// })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`embedded_io`]: https://docs.rs/embedded-io/0.7/embedded_io/
/// [`embedded_io::Read`]: https://docs.rs/embedded-io/0.7/embedded_io/trait.Read.html
/// [`embedded_io::Write`]: https://docs.rs/embedded-io/0.7/embedded_io/trait.Write.html
pub struct TlsStream<C, S, H, const CARRY: usize> {
    core: Core<C, H, CARRY>,
    transport: S,
}

impl<D, R, B, S, H, const CARRY: usize> TlsStream<Connection<D, R, B>, S, H, CARRY>
where
    D: Side,
    R: rand_core::CryptoRng,
    B: Buffer,
    S: embedded_io::Read + embedded_io::Write,
    H: Hooks,
{
    /// Wraps a fresh connection, its transport and its hooks.
    pub fn new(conn: Connection<D, R, B>, transport: S, hooks: H) -> Self {
        TlsStream { core: Core::new(conn, hooks), transport }
    }

    /// The connection, e.g. for
    /// [`answer_session_lookup`](Connection::answer_session_lookup),
    /// [`renegotiate`](Connection::renegotiate) or
    /// [`client_session`](Connection::client_session).
    pub fn connection(&mut self) -> &mut Connection<D, R, B> {
        &mut self.core.conn
    }

    /// The transport.
    pub fn transport(&mut self) -> &mut S {
        &mut self.transport
    }

    /// The hooks.
    pub fn hooks(&mut self) -> &mut H {
        &mut self.core.hooks
    }

    /// Takes the stream apart. Plaintext still in the carry is dropped.
    pub fn into_parts(self) -> (Connection<D, R, B>, S, H) {
        (self.core.conn, self.transport, self.core.hooks)
    }

    /// How the peer closed, once it did.
    pub fn close_reason(&self) -> Option<CloseReason> {
        self.core.closed
    }

    /// Runs a call: does on the transport what its [`Driver`] asks.
    fn run(&mut self, goal: Goal<'_>) -> Result<usize, EioError<S::Error>> {
        let mut call = Driver::new(&mut self.core, goal);
        loop {
            match call.next() {
                Io::Write => call.wrote(self.transport.write(call.pending())),
                Io::Flush => call.flushed(self.transport.flush()),
                Io::Read => {
                    let r = self.transport.read(call.window());
                    call.received(r);
                }
                Io::Done(r) => return r,
            }
        }
    }

    /// Writes every pending transmit byte to the transport, then flushes it.
    pub fn flush_transmit(&mut self) -> Result<(), EioError<S::Error>> {
        self.run(Goal::Flush).map(drop)
    }

    /// Runs the (first) handshake to completion and returns what it
    /// negotiated; returns at once if it is already done. A server may get
    /// [`EioError::SessionLookup`]: answer, then call again.
    pub fn handshake(&mut self) -> Result<HandshakeInfo, EioError<S::Error>> {
        self.run(Goal::Handshake)?;
        self.core.handshake_result()
    }

    /// Sends close_notify and flushes. Reading goes on until the peer's
    /// close_notify.
    pub fn close(&mut self) -> Result<(), EioError<S::Error>> {
        self.run(Goal::Close).map(drop)
    }
}

impl<C, S: embedded_io::ErrorType, H, const CARRY: usize> embedded_io::ErrorType for TlsStream<C, S, H, CARRY> {
    type Error = EioError<S::Error>;
}

impl<D, R, B, S, H, const CARRY: usize> embedded_io::Read for TlsStream<Connection<D, R, B>, S, H, CARRY>
where
    D: Side,
    R: rand_core::CryptoRng,
    B: Buffer,
    S: embedded_io::Read + embedded_io::Write,
    H: Hooks,
{
    /// Reads plaintext: blocks until at least one byte arrived. `Ok(0)`
    /// after the peer's close_notify; [`EioError::Truncated`] if the
    /// transport ended without one.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        self.run(Goal::Read(buf))
    }
}

impl<D, R, B, S, H, const CARRY: usize> embedded_io::Write for TlsStream<Connection<D, R, B>, S, H, CARRY>
where
    D: Side,
    R: rand_core::CryptoRng,
    B: Buffer,
    S: embedded_io::Read + embedded_io::Write,
    H: Hooks,
{
    /// Encrypts as much of `buf` as the transmit buffer takes and writes
    /// the records to the transport.
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        self.run(Goal::Write(buf))
    }

    /// Writes every pending transmit byte and flushes the transport.
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.flush_transmit()
    }
}

/// A TLS connection over an async [`embedded_io_async`] transport; reads and
/// writes plaintext through [`embedded_io_async::Read`] and
/// [`embedded_io_async::Write`]. The same as [`TlsStream`], with `async`
/// methods; it needs no particular executor.
///
/// A server task, e.g. on embassy with an embassy-net `TcpSocket` as the
/// transport:
///
/// ```no_run
/// use embedded_io_async::{Read, Write};
/// use sansio_tls::eio::{AsyncTlsStream, EioError, FULL_CARRY};
/// use sansio_tls::rand_core::CryptoRng;
/// use sansio_tls::{Instant, ServerConfig, ServerConnection};
///
/// /// Answers one request on `socket`; `rx` and `tx` are the connection's
/// /// buffers (statics in a firmware), `now` the device's clock.
/// async fn serve<T: Read + Write>(
///     socket: T,
///     config: &ServerConfig<'_>,
///     rx: &mut [u8],
///     tx: &mut [u8],
///     rng: impl CryptoRng,
///     now: fn() -> Instant,
/// ) -> Result<(), EioError<T::Error>> {
///     let conn = ServerConnection::new(config, rx, tx, rng, now())?;
///     let mut tls: AsyncTlsStream<_, _, _, FULL_CARRY> = AsyncTlsStream::new(conn, socket, now);
///     let mut request = [0u8; 256];
///     let n = tls.read(&mut request).await?; // the handshake runs first
///     tls.write_all(&request[..n]).await?;
///     tls.flush().await?;
///     tls.close().await
/// }
/// ```
///
/// [`embedded_io_async`]: https://docs.rs/embedded-io-async/0.7/embedded_io_async/
/// [`embedded_io_async::Read`]: https://docs.rs/embedded-io-async/0.7/embedded_io_async/trait.Read.html
/// [`embedded_io_async::Write`]: https://docs.rs/embedded-io-async/0.7/embedded_io_async/trait.Write.html
pub struct AsyncTlsStream<C, S, H, const CARRY: usize> {
    core: Core<C, H, CARRY>,
    transport: S,
}

impl<D, R, B, S, H, const CARRY: usize> AsyncTlsStream<Connection<D, R, B>, S, H, CARRY>
where
    D: Side,
    R: rand_core::CryptoRng,
    B: Buffer,
    S: embedded_io_async::Read + embedded_io_async::Write,
    H: Hooks,
{
    /// Wraps a fresh connection, its transport and its hooks.
    pub fn new(conn: Connection<D, R, B>, transport: S, hooks: H) -> Self {
        AsyncTlsStream { core: Core::new(conn, hooks), transport }
    }

    /// The connection (see [`TlsStream::connection`]).
    pub fn connection(&mut self) -> &mut Connection<D, R, B> {
        &mut self.core.conn
    }

    /// The transport.
    pub fn transport(&mut self) -> &mut S {
        &mut self.transport
    }

    /// The hooks.
    pub fn hooks(&mut self) -> &mut H {
        &mut self.core.hooks
    }

    /// Takes the stream apart. Plaintext still in the carry is dropped.
    pub fn into_parts(self) -> (Connection<D, R, B>, S, H) {
        (self.core.conn, self.transport, self.core.hooks)
    }

    /// How the peer closed, once it did.
    pub fn close_reason(&self) -> Option<CloseReason> {
        self.core.closed
    }

    /// Runs a call: awaits on the transport what its [`Driver`] asks.
    async fn run(&mut self, goal: Goal<'_>) -> Result<usize, EioError<S::Error>> {
        let mut call = Driver::new(&mut self.core, goal);
        loop {
            match call.next() {
                Io::Write => call.wrote(self.transport.write(call.pending()).await),
                Io::Flush => call.flushed(self.transport.flush().await),
                Io::Read => {
                    let r = self.transport.read(call.window()).await;
                    call.received(r);
                }
                Io::Done(r) => return r,
            }
        }
    }

    /// Writes every pending transmit byte to the transport, then flushes it.
    pub async fn flush_transmit(&mut self) -> Result<(), EioError<S::Error>> {
        self.run(Goal::Flush).await.map(drop)
    }

    /// Runs the (first) handshake to completion (see
    /// [`TlsStream::handshake`]).
    pub async fn handshake(&mut self) -> Result<HandshakeInfo, EioError<S::Error>> {
        self.run(Goal::Handshake).await?;
        self.core.handshake_result()
    }

    /// Sends close_notify and flushes. Reading goes on until the peer's
    /// close_notify.
    pub async fn close(&mut self) -> Result<(), EioError<S::Error>> {
        self.run(Goal::Close).await.map(drop)
    }
}

impl<C, S: embedded_io::ErrorType, H, const CARRY: usize> embedded_io::ErrorType for AsyncTlsStream<C, S, H, CARRY> {
    type Error = EioError<S::Error>;
}

impl<D, R, B, S, H, const CARRY: usize> embedded_io_async::Read for AsyncTlsStream<Connection<D, R, B>, S, H, CARRY>
where
    D: Side,
    R: rand_core::CryptoRng,
    B: Buffer,
    S: embedded_io_async::Read + embedded_io_async::Write,
    H: Hooks,
{
    /// Reads plaintext (see [`TlsStream`]'s `read`).
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        self.run(Goal::Read(buf)).await
    }
}

impl<D, R, B, S, H, const CARRY: usize> embedded_io_async::Write for AsyncTlsStream<Connection<D, R, B>, S, H, CARRY>
where
    D: Side,
    R: rand_core::CryptoRng,
    B: Buffer,
    S: embedded_io_async::Read + embedded_io_async::Write,
    H: Hooks,
{
    /// Encrypts as much of `buf` as the transmit buffer takes and writes
    /// the records to the transport.
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        self.run(Goal::Write(buf)).await
    }

    /// Writes every pending transmit byte and flushes the transport.
    async fn flush(&mut self) -> Result<(), Self::Error> {
        self.flush_transmit().await
    }
}

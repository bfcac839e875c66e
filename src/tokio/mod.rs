//! Tokio adapters (feature `tokio`), in the spirit of tokio-rustls:
//! [`TlsConnector`] and [`TlsAcceptor`] run the handshake over any
//! `AsyncRead + AsyncWrite + Unpin` transport (a `TcpStream`, a
//! `UnixStream`, a `DuplexStream`) and give back a stream that reads and
//! writes plaintext: [`client::TlsStream`] or [`server::TlsStream`], both
//! `AsyncRead + AsyncWrite + Send + Unpin` (when the transport is), ready
//! for `tokio::spawn`.
//!
//! ```no_run
//! # async fn demo(config: std::sync::Arc<sansio_tls::ServerConfig<'static>>) -> std::io::Result<()> {
//! use sansio_tls::tokio::TlsAcceptor;
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! let acceptor = TlsAcceptor::from(config);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8443").await?;
//! loop {
//!     let (tcp, _) = listener.accept().await?;
//!     let acceptor = acceptor.clone();
//!     tokio::spawn(async move {
//!         let mut tls = acceptor.accept(tcp).await?;
//!         let mut buf = [0; 1024];
//!         let n = tls.read(&mut buf).await?;
//!         tls.write_all(&buf[..n]).await?;
//!         tls.shutdown().await // close_notify
//!     });
//! }
//! # }
//! ```
//!
//! # Configs
//!
//! Connectors and acceptors hold their config in an `Arc`: an
//! [`OwnedServerConfig`](crate::config::OwnedServerConfig) /
//! [`OwnedClientConfig`](crate::config::OwnedClientConfig) that owns its
//! certificates, keys, stores and verifier, loaded at run time (see
//! `examples/tokio_server.rs`), or a `ServerConfig<'static>` /
//! `ClientConfig<'static>` over static data (`include_bytes!`). A config
//! goes when the acceptor and the last connection made with it are gone,
//! so a server can load a new one (new certificates, new ticket keys) and
//! make a new acceptor while the old connections finish.
//!
//! # What the streams do for you
//!
//! - **Time**: [`Instant::now`] is passed to the connection; the handshake
//!   deadline (the config's `handshake_timeout_ms`, also for
//!   renegotiations, and a server's renegotiation-request deadline) is
//!   enforced with a tokio timer: a stalled peer gets a `user_canceled`
//!   alert and the call fails with [`io::ErrorKind::TimedOut`](std::io::ErrorKind::TimedOut). The
//!   runtime needs its time driver (`#[tokio::main]` and
//!   `Builder::enable_all` have it).
//! - **Randomness**: each connection draws from the OS ([`Rng`]).
//! - **Buffers**: owned `Vec<u8>`s: a server receives in
//!   [`RECOMMENDED_RECEIVE_BUFFER`](crate::conn::RECOMMENDED_RECEIVE_BUFFER)
//!   (any client), a client in
//!   [`DEFAULT_CLIENT_RECEIVE_BUFFER`](client::DEFAULT_CLIENT_RECEIVE_BUFFER);
//!   both transmit in one record or the largest flight their config sends
//!   (its certificate chains), whichever is larger. [`TlsConnector::buffer_sizes`] and
//!   [`TlsAcceptor::buffer_sizes`] change them.
//! - **Sessions**: the client's `session_cache` and the server's
//!   [`ServerSessions::Store`](crate::session::ServerSessions::Store) and
//!   ticket keys work as configured. In
//!   [`ServerSessions::Events`](crate::session::ServerSessions::Events)
//!   mode a lookup is answered by [`TlsAcceptor::with_session_lookup`]
//!   (without one: no session, a full handshake) and a session to store
//!   goes to [`TlsAcceptor::with_session_store`] (without one: dropped).
//! - **Renegotiation**: a server follows its config's `renegotiation`
//!   limits (the engine does); a client refuses a server's HelloRequest
//!   with a `no_renegotiation` warning unless
//!   [`TlsConnector::renegotiate_on_request`] says otherwise.
//! - **Errors** are [`io::Error`](std::io::Error)s whose inner error is the TLS [`Error`]
//!   (`e.get_ref()` and `downcast_ref::<sansio_tls::Error>()`), with a
//!   kind from [`io_error_kind`]. A fatal error sends its alert, flushes,
//!   shuts the transport's write half down and reads what the peer still
//!   sends for a moment (at most [`DRAIN_TIME`](crate::io::DRAIN_TIME) for
//!   all of it, so that a TCP reset does not destroy the alert), then
//!   fails this and every later call with the same error.
//! - **Closing**: `poll_read` gives end of stream (`Ok` with nothing read)
//!   after the peer's close_notify and [`io::ErrorKind::UnexpectedEof`](std::io::ErrorKind::UnexpectedEof)
//!   when the transport ended without one (a truncation). `poll_shutdown`
//!   (`AsyncWriteExt::shutdown`) sends close_notify, flushes and shuts the
//!   transport's write half down. TLS 1.2 has no half-close: the peer's
//!   close_notify is answered with ours at once, so nothing can be written
//!   after reading the end of stream (writes then fail with
//!   `NotConnected`); data read before it can still be answered. `poll_write` encrypts into the transmit
//!   buffer and writes out what the transport takes; `poll_flush` writes
//!   the rest. Reads also send what is pending (e.g. the answer to the
//!   peer's close_notify), but do not wait for the transport to take it:
//!   one task may read while another writes (`tokio::io::split`), with
//!   both directions full.

extern crate std;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "server")]
pub mod server;
mod stream;

pub use stream::{Handshake, TlsStream};

use crate::config::DefaultProvider;
use crate::conn::Connection;
use crate::{Error, Event, Instant};
use std::vec::Vec;

/// The RNG of every connection the adapters make: the operating system's
/// (getrandom). A failure of the OS RNG panics (it does not happen on
/// supported systems once they have booted).
///
/// ```
/// use sansio_tls::rand_core::UnwrapErr;
/// let rng: sansio_tls::tokio::Rng = UnwrapErr(getrandom::SysRng);
/// # let _ = rng;
/// ```
pub type Rng = rand_core::UnwrapErr<getrandom::SysRng>;

/// The client connection inside a [`client::TlsStream`].
///
/// ```
/// use sansio_tls::session::ClientSession;
/// use sansio_tls::tokio::{ClientConnection, client};
///
/// /// The session a stream made, to offer on the next connection
/// /// (`TlsConnector::connect_with`).
/// fn session<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(tls: &client::TlsStream<T>) -> Option<ClientSession> {
///     let conn: &ClientConnection = tls.connection();
///     conn.client_session().cloned()
/// }
/// ```
#[cfg(feature = "client")]
pub type ClientConnection<P = DefaultProvider> = crate::ClientConnection<'static, Rng, Vec<u8>, SharedClientConfig<P>>;

/// How a [`TlsConnector`] and its connections hold the config: any
/// [`ClientConfigRef`](crate::config::ClientConfigRef) in an `Arc`, an
/// `Arc<ClientConfig<'static>>` or an `Arc<OwnedClientConfig>`, on the
/// provider `P` ([`DefaultProvider`] unless the config was given another
/// with `with_provider`).
#[cfg(feature = "client")]
pub type SharedClientConfig<P = DefaultProvider> =
    std::sync::Arc<dyn crate::config::ClientConfigRef<Provider = P> + Send + Sync>;

/// How a [`TlsAcceptor`] and its connections hold the config: any
/// [`ServerConfigRef`](crate::config::ServerConfigRef) in an `Arc`, an
/// `Arc<ServerConfig<'static>>` or an `Arc<OwnedServerConfig>`, on the
/// provider `P` ([`DefaultProvider`] unless the config was given another
/// with `with_provider`).
#[cfg(feature = "server")]
pub type SharedServerConfig<P = DefaultProvider> =
    std::sync::Arc<dyn crate::config::ServerConfigRef<Provider = P> + Send + Sync>;

/// The server connection inside a [`server::TlsStream`].
///
/// ```
/// use sansio_tls::tokio::{ServerConnection, server};
///
/// /// Whether the client could be asked to renegotiate.
/// fn can_renegotiate<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(tls: &server::TlsStream<T>) -> bool {
///     let conn: &ServerConnection = tls.connection();
///     conn.secure_renegotiation()
/// }
/// ```
#[cfg(feature = "server")]
pub type ServerConnection<P = DefaultProvider> = crate::ServerConnection<'static, Rng, Vec<u8>, SharedServerConfig<P>>;

#[cfg(feature = "client")]
pub use client::{Connect, TlsConnector};
#[cfg(feature = "server")]
pub use server::{Accept, TlsAcceptor};

/// The buffer sizes of the connections a connector or acceptor makes.
#[derive(Debug, Clone, Copy)]
struct Buffers {
    receive: usize,
    transmit: usize,
}

impl Buffers {
    /// A receive and a transmit buffer, zeroed.
    fn allocate(self) -> (Vec<u8>, Vec<u8>) {
        (std::vec![0; self.receive], std::vec![0; self.transmit])
    }
}

/// The RNG of a new connection.
fn os_rng() -> Rng {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// Room in a transmit buffer besides one record and the certificate chain:
/// the hellos, a key exchange signed with up to an RSA-8192 key, the
/// record headers of one flight.
const FLIGHT_MARGIN: usize = 4096;

/// A default transmit buffer for a side whose largest flight carries
/// `handshake_bytes` of certificates (and CA names): one full record of
/// application data, or that flight.
fn transmit_buffer(handshake_bytes: usize) -> usize {
    crate::record::MAX_RECORD.max(handshake_bytes + FLIGHT_MARGIN)
}

/// The bytes a certificate chain takes in a Certificate message.
fn chain_bytes(chain: crate::config::ByteStrings<'_>) -> usize {
    chain.iter().map(|c| c.len() + 3).sum::<usize>() + 3
}

pub use crate::io::{io_error, io_error_kind};

/// The side of a [`TlsStream`]: [`client::Client`] or [`server::Server`],
/// with what its connector or acceptor configured. Sealed.
///
/// ```
/// use sansio_tls::tokio::{Role, TlsStream};
/// use tokio::io::{AsyncRead, AsyncWrite};
///
/// /// One log line, for a client's stream or a server's.
/// fn describe<R: Role, T: AsyncRead + AsyncWrite + Unpin>(tls: &TlsStream<R, T>) -> String {
///     let info = tls.handshake_info().expect("a finished handshake");
///     format!("{:?}, resumed: {}, handshakes: {}", info.suite, info.resumed, tls.handshakes())
/// }
/// ```
pub trait Role: sealed::Role {}

mod sealed {
    use super::{Connection, Error, Event, Instant, Rng, Vec};

    /// What a role does to its connection after an event (once the event no
    /// longer borrows it).
    pub enum FollowUp {
        /// Client: start a renegotiation the server asked for.
        #[cfg(feature = "client")]
        Renegotiate,
        /// Client: refuse it with a `no_renegotiation` warning.
        #[cfg(feature = "client")]
        RefuseRenegotiation,
        /// Server: answer the session lookup.
        #[cfg(feature = "server")]
        AnswerLookup(Option<crate::session::Session>),
    }

    /// A role's side of the engine and its answers to the events that
    /// only it gets.
    pub trait Role: Unpin {
        /// The connection's side.
        type Side: crate::conn::Side + Unpin;

        /// An event other than data, certificates, alerts and the close.
        fn event(&mut self, event: &Event<'_>) -> Option<FollowUp>;

        /// Acts on what [`event`](Self::event) asked for.
        fn follow_up(
            &mut self,
            conn: &mut Connection<Self::Side, Rng, Vec<u8>>,
            follow_up: FollowUp,
            now: Instant,
        ) -> Result<(), Error>;
    }
}

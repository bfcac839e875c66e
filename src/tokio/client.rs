//! The client side: [`TlsConnector`], its [`Connect`] future and the
//! [`TlsStream`] it gives.

extern crate std;

use super::SharedClientConfig;
use super::sealed::FollowUp;
use super::{Buffers, ClientConnection, Handshake, Rng, chain_bytes, io_error, os_rng, sealed, transmit_buffer};
use crate::config::{ClientConfigRef, DefaultProvider};
use crate::conn::Connection;
use crate::crypto::Provider;
use crate::handshake::client::ClientHandshake;
use crate::{ClientConfig, ClientParams, Error, ErrorKind, Event, Instant};
use ::tokio::io::{AsyncRead, AsyncWrite};
use core::marker::PhantomData;
use std::io;
use std::sync::Arc;
use std::vec::Vec;

/// The default receive buffer of a client: one record of any size plus a
/// 16 KiB handshake message (the server's certificate chain) being
/// reassembled, about 32 KiB. A server whose Certificate message is larger
/// fails the handshake with
/// [`ErrorKind::HandshakeMessageTooLarge`]; give such a client
/// [`RECOMMENDED_RECEIVE_BUFFER`](crate::conn::RECOMMENDED_RECEIVE_BUFFER) (about 80 KiB, what a server gets by
/// default) with [`TlsConnector::buffer_sizes`].
pub const DEFAULT_CLIENT_RECEIVE_BUFFER: usize = crate::record::MAX_RECORD + 16 * 1024;

/// A TLS client for tokio transports, like tokio-rustls'
/// `TlsConnector`: cheap to clone, one per config.
///
/// ```no_run
/// # async fn demo(config: std::sync::Arc<sansio_tls::ClientConfig<'static>>) -> std::io::Result<()> {
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
/// let connector = sansio_tls::tokio::TlsConnector::from(config);
/// let tcp = tokio::net::TcpStream::connect("example.com:443").await?;
/// let mut tls = connector.connect("example.com", tcp).await?;
/// tls.write_all(b"GET / HTTP/1.0\r\nHost: example.com\r\n\r\n").await?;
/// let mut page = Vec::new();
/// tls.read_to_end(&mut page).await?;
/// # Ok(()) }
/// ```
///
/// A config on another provider makes a connector of that provider:
/// `TlsConnector::<Ring>::from(Arc::new(config.with_provider(Ring)))`.
pub struct TlsConnector<P: Provider = DefaultProvider> {
    config: SharedClientConfig<P>,
    buffers: Buffers,
    renegotiate_on_request: bool,
}

impl<P: Provider> Clone for TlsConnector<P> {
    fn clone(&self) -> Self {
        TlsConnector {
            config: Arc::clone(&self.config),
            buffers: self.buffers,
            renegotiate_on_request: self.renegotiate_on_request,
        }
    }
}

impl<P: Provider, T: ClientConfigRef<Provider = P> + Send + Sync + 'static> From<Arc<T>> for TlsConnector<P> {
    /// A connector with the default buffers: [`DEFAULT_CLIENT_RECEIVE_BUFFER`]
    /// to receive, and to transmit one record or the largest flight the
    /// config can send (its client certificate chains), whichever is
    /// larger.
    fn from(config: Arc<T>) -> Self {
        let config: SharedClientConfig<P> = config;
        let view = config.client_config();
        let chain = view.client_certs.iter().map(|c| chain_bytes(c.chain)).max().unwrap_or(0);
        TlsConnector {
            buffers: Buffers { receive: DEFAULT_CLIENT_RECEIVE_BUFFER, transmit: transmit_buffer(chain) },
            config,
            renegotiate_on_request: false,
        }
    }
}

impl<P: Provider> TlsConnector<P> {
    /// The buffer sizes of the connections made from now on, in bytes (at
    /// least [`MIN_BUFFER`](crate::conn::MIN_BUFFER) each; see
    /// [`Connection`] for what must fit).
    pub fn buffer_sizes(mut self, receive: usize, transmit: usize) -> Self {
        self.buffers = Buffers { receive, transmit };
        self
    }

    /// Whether a server's renegotiation request (HelloRequest) is
    /// answered with a renegotiation. Off by default: it is refused with a
    /// `no_renegotiation` warning, as GnuTLS recommends; the server decides
    /// whether to go on.
    pub fn renegotiate_on_request(mut self, renegotiate: bool) -> Self {
        self.renegotiate_on_request = renegotiate;
        self
    }

    /// The config.
    pub fn config(&self) -> ClientConfig<'_, P> {
        self.config.client_config()
    }

    /// Connects over `io` to `server_name` (a DNS name, sent as SNI and
    /// checked against the certificate, or an IP address literal); the
    /// future gives the stream once the handshake finished. The config's
    /// session cache keys sessions by this name and port 0
    /// ([`connect_with`](Self::connect_with) gives the port).
    pub fn connect<T: AsyncRead + AsyncWrite + Unpin>(&self, server_name: &str, io: T) -> Connect<T, P> {
        self.connect_with(ClientParams::new(server_name), io)
    }

    /// Like [`connect`](Self::connect), with [`ClientParams`]: the port
    /// (part of the session cache key) or a session to resume.
    pub fn connect_with<T: AsyncRead + AsyncWrite + Unpin>(&self, params: ClientParams<'_>, io: T) -> Connect<T, P> {
        let (rx, tx) = self.buffers.allocate();
        let config = Arc::clone(&self.config);
        let role = Client { renegotiate_on_request: self.renegotiate_on_request, provider: PhantomData };
        Handshake::start(ClientConnection::with_params(config, params, rx, tx, os_rng(), Instant::now()), io, role)
    }
}

/// The future of [`TlsConnector::connect`]: the client's handshake.
///
/// ```
/// use sansio_tls::tokio::{Connect, TlsConnector};
/// use tokio::net::TcpStream;
///
/// /// Connects to the first of `servers` that answers.
/// async fn first(connector: &TlsConnector, servers: &[&str]) -> std::io::Result<sansio_tls::tokio::client::TlsStream<TcpStream>> {
///     let mut last = std::io::Error::other("no server given");
///     for name in servers {
///         let tcp = TcpStream::connect((*name, 443)).await?;
///         let handshake: Connect<TcpStream> = connector.connect(name, tcp);
///         match handshake.await {
///             Ok(tls) => return Ok(tls),
///             Err(e) => last = e,
///         }
///     }
///     Err(last)
/// }
/// ```
pub type Connect<T, P = DefaultProvider> = Handshake<Client<P>, T>;

/// The client role of a [`TlsStream`](super::TlsStream): what its
/// [`TlsConnector`] configured.
///
/// ```
/// use sansio_tls::tokio::client::{Client, TlsStream};
/// use tokio::net::TcpStream;
/// // The same type, spelled two ways.
/// fn same(tls: TlsStream<TcpStream>) -> sansio_tls::tokio::TlsStream<Client, TcpStream> {
///     tls
/// }
/// ```
pub struct Client<P: Provider = DefaultProvider> {
    renegotiate_on_request: bool,
    provider: PhantomData<fn() -> P>,
}

impl<P: Provider> core::fmt::Debug for Client<P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client").field("renegotiate_on_request", &self.renegotiate_on_request).finish()
    }
}

impl<P: Provider> super::Role for Client<P> {}

impl<P: Provider> sealed::Role for Client<P> {
    type Side = ClientHandshake<SharedClientConfig<P>>;

    fn event(&mut self, event: &Event<'_>) -> Option<FollowUp> {
        match event {
            Event::RenegotiationRequested if self.renegotiate_on_request => Some(FollowUp::Renegotiate),
            Event::RenegotiationRequested => Some(FollowUp::RefuseRenegotiation),
            _ => None,
        }
    }

    fn follow_up(
        &mut self,
        conn: &mut Connection<Self::Side, Rng, Vec<u8>>,
        follow_up: FollowUp,
        now: Instant,
    ) -> Result<(), Error> {
        match follow_up {
            FollowUp::Renegotiate => match conn.renegotiate(now) {
                // Not possible now (one runs, or we are closing): refused.
                Err(e) if e.kind() == ErrorKind::NoRenegotiation => conn.refuse_renegotiation(),
                other => other,
            },
            FollowUp::RefuseRenegotiation => conn.refuse_renegotiation(),
            #[cfg(feature = "server")]
            FollowUp::AnswerLookup(_) => Ok(()),
        }
    }
}

/// A client's TLS stream over the transport `T`: what [`TlsConnector`]
/// gives. See [`TlsStream`](super::TlsStream) for its methods.
///
/// ```
/// use sansio_tls::tokio::client::TlsStream;
/// use tokio::io::AsyncWriteExt;
/// use tokio::net::TcpStream;
///
/// /// Renegotiates (fresh keys, e.g. on a long-lived connection): the
/// /// ClientHello goes out with the flush, the handshake runs while reading.
/// async fn refresh(tls: &mut TlsStream<TcpStream>) -> std::io::Result<()> {
///     tls.renegotiate()?;
///     tls.flush().await
/// }
/// ```
pub type TlsStream<T, P = DefaultProvider> = super::TlsStream<Client<P>, T>;

impl<T: AsyncRead + AsyncWrite + Unpin, P: Provider> TlsStream<T, P> {
    /// Starts a renegotiation (RFC 5746 secure renegotiation only): the
    /// ClientHello goes out with the next write, flush or read, and the
    /// new handshake runs while reading. `InvalidInput` if the server lacks
    /// secure renegotiation or one already runs.
    pub fn renegotiate(&mut self) -> io::Result<()> {
        self.conn_mut().renegotiate(Instant::now()).map_err(io_error)
    }
}

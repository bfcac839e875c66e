//! The server side: [`TlsAcceptor`], its [`Accept`] future and the
//! [`TlsStream`] it gives.

extern crate std;

use super::SharedServerConfig;
use super::sealed::FollowUp;
use super::{Buffers, Handshake, Rng, ServerConnection, chain_bytes, io_error, os_rng, sealed, transmit_buffer};
use crate::config::{DefaultProvider, ServerConfigRef};
use crate::conn::{Connection, RECOMMENDED_RECEIVE_BUFFER};
use crate::crypto::Provider;
use crate::handshake::server::ServerHandshake;
use crate::session::Session;
use crate::{Error, Event, Instant, ServerConfig};
use ::tokio::io::{AsyncRead, AsyncWrite};
use core::marker::PhantomData;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use std::vec::Vec;

/// Answers a session lookup (session ID in, stored session out).
type Lookup = Arc<dyn Fn(&[u8]) -> Option<Session> + Send + Sync>;

/// Keeps a session a full handshake made.
type Store = Arc<dyn Fn(&Session) + Send + Sync>;

/// A TLS server for tokio transports, like tokio-rustls' `TlsAcceptor`:
/// cheap to clone (one per listener, a clone per connection task).
///
/// See [the module docs](super) for an accept loop. With sessions kept by
/// the application ([`ServerSessions::Events`](crate::session::ServerSessions::Events))
/// and bigger transmit buffers:
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::{Arc, Mutex};
/// use sansio_tls::config::{OwnedCertifiedKey, OwnedServerConfig, OwnedServerSessions};
/// use sansio_tls::session::{ServerSessions, Session};
/// use sansio_tls::tokio::TlsAcceptor;
/// use sansio_tls::conn;
///
/// # let dir = env!("CARGO_MANIFEST_DIR");
/// # let (chain_pem, key_pem) = (format!("{dir}/vectors/pki/ecdsa-server-chain.pem"), format!("{dir}/vectors/pki/ecdsa-server.key.pem"));
/// let mut config = OwnedServerConfig::new(OwnedCertifiedKey::from_pem_files(chain_pem, key_pem)?);
/// config.sessions = OwnedServerSessions::Events;
///
/// let sessions: Arc<Mutex<HashMap<Vec<u8>, Session>>> = Arc::default();
/// let (found, kept) = (sessions.clone(), sessions.clone());
/// let acceptor = TlsAcceptor::from(Arc::new(config))
///     .buffer_sizes(conn::RECOMMENDED_RECEIVE_BUFFER, 64 * 1024)
///     .with_session_lookup(move |id| found.lock().unwrap().get(id).cloned())
///     .with_session_store(move |session| {
///         kept.lock().unwrap().insert(session.id().to_vec(), session.clone());
///     });
/// // Then, per connection: `acceptor.clone()` into its task, `accept(tcp).await`.
/// assert!(matches!(acceptor.config().sessions, ServerSessions::Events));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A config on another provider makes an acceptor of that provider:
/// `TlsAcceptor::<Ring>::from(Arc::new(config.with_provider(Ring)))`.
#[derive(Clone)]
pub struct TlsAcceptor<P: Provider = DefaultProvider> {
    config: SharedServerConfig<P>,
    buffers: Buffers,
    lookup: Option<Lookup>,
    store: Option<Store>,
}

impl<P: Provider, T: ServerConfigRef<Provider = P> + Send + Sync + 'static> From<Arc<T>> for TlsAcceptor<P> {
    /// An acceptor with the default buffers:
    /// [`RECOMMENDED_RECEIVE_BUFFER`] to receive (any client, 64 KiB
    /// ClientHellos), and to transmit one record or the server's first
    /// flight (its largest certificate chain and the CA names of a
    /// CertificateRequest), whichever is larger.
    fn from(config: Arc<T>) -> Self {
        let config: SharedServerConfig<P> = config;
        let view = config.server_config();
        let chain = view.credentials().map(|c| chain_bytes(c.chain)).max().unwrap_or(0);
        let cas: usize = view.client_auth_cas.iter().map(|dn| dn.len() + 2).sum();
        TlsAcceptor {
            buffers: Buffers { receive: RECOMMENDED_RECEIVE_BUFFER, transmit: transmit_buffer(chain + cas) },
            config,
            lookup: None,
            store: None,
        }
    }
}

impl<P: Provider> TlsAcceptor<P> {
    /// The buffer sizes of the connections accepted from now on, in bytes
    /// (at least [`MIN_BUFFER`](crate::conn::MIN_BUFFER) each; see
    /// [`Connection`] for what must fit).
    pub fn buffer_sizes(mut self, receive: usize, transmit: usize) -> Self {
        self.buffers = Buffers { receive, transmit };
        self
    }

    /// For [`ServerSessions::Events`](crate::session::ServerSessions::Events):
    /// answers each session lookup with `lookup(session_id)` (called on the
    /// connection's task; keep it quick, e.g. a map behind a mutex). Without
    /// it every lookup finds nothing and the handshake is a full one.
    pub fn with_session_lookup(mut self, lookup: impl Fn(&[u8]) -> Option<Session> + Send + Sync + 'static) -> Self {
        self.lookup = Some(Arc::new(lookup));
        self
    }

    /// For [`ServerSessions::Events`](crate::session::ServerSessions::Events):
    /// hands each session a full handshake made to `store` (keep it under
    /// [`Session::id`]). Without it such sessions are dropped.
    pub fn with_session_store(mut self, store: impl Fn(&Session) + Send + Sync + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// The config.
    pub fn config(&self) -> ServerConfig<'_, P> {
        self.config.server_config()
    }

    /// Accepts a TLS connection over `io`; the future gives the stream once
    /// the handshake finished.
    pub fn accept<T: AsyncRead + AsyncWrite + Unpin>(&self, io: T) -> Accept<T, P> {
        let (rx, tx) = self.buffers.allocate();
        let config = Arc::clone(&self.config);
        let role = Server { lookup: self.lookup.clone(), store: self.store.clone(), provider: PhantomData };
        Handshake::start(ServerConnection::new(config, rx, tx, os_rng(), Instant::now()), io, role)
    }
}

/// The future of [`TlsAcceptor::accept`]: the server's handshake.
///
/// ```
/// use sansio_tls::tokio::{Accept, TlsAcceptor};
/// use tokio::net::TcpStream;
///
/// /// Accepts in the connection's own task, so that a slow handshake does
/// /// not hold up the accept loop.
/// fn spawn_handshake(acceptor: &TlsAcceptor, tcp: TcpStream) {
///     let handshake: Accept<TcpStream> = acceptor.accept(tcp);
///     tokio::spawn(async move {
///         if let Ok(tls) = handshake.await {
///             println!("{:?}", tls.handshake_info());
///         }
///     });
/// }
/// ```
pub type Accept<T, P = DefaultProvider> = Handshake<Server<P>, T>;

/// The server role of a [`TlsStream`](super::TlsStream): what its
/// [`TlsAcceptor`] configured.
///
/// ```
/// use sansio_tls::tokio::server::{Server, TlsStream};
/// use tokio::net::TcpStream;
/// // The same type, spelled two ways.
/// fn same(tls: TlsStream<TcpStream>) -> sansio_tls::tokio::TlsStream<Server, TcpStream> {
///     tls
/// }
/// ```
pub struct Server<P: Provider = DefaultProvider> {
    lookup: Option<Lookup>,
    store: Option<Store>,
    provider: PhantomData<fn() -> P>,
}

impl<P: Provider> Clone for Server<P> {
    fn clone(&self) -> Self {
        Server { lookup: self.lookup.clone(), store: self.store.clone(), provider: PhantomData }
    }
}

impl<P: Provider> core::fmt::Debug for Server<P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Server")
            .field("session_lookup", &self.lookup.is_some())
            .field("session_store", &self.store.is_some())
            .finish()
    }
}

impl<P: Provider> super::Role for Server<P> {}

impl<P: Provider> sealed::Role for Server<P> {
    type Side = ServerHandshake<SharedServerConfig<P>>;

    fn event(&mut self, event: &Event<'_>) -> Option<FollowUp> {
        match event {
            Event::SessionLookup(id) => Some(FollowUp::AnswerLookup(self.lookup.as_ref().and_then(|f| f(id)))),
            Event::StoreSession(session) => {
                if let Some(store) = &self.store {
                    store(session);
                }
                None
            }
            _ => None,
        }
    }

    fn follow_up(
        &mut self,
        conn: &mut Connection<Self::Side, Rng, Vec<u8>>,
        follow_up: FollowUp,
        _now: Instant,
    ) -> Result<(), Error> {
        match follow_up {
            FollowUp::AnswerLookup(session) => conn.answer_session_lookup(session),
            #[cfg(feature = "client")]
            FollowUp::Renegotiate | FollowUp::RefuseRenegotiation => Ok(()),
        }
    }
}

/// A server's TLS stream over the transport `T`: what [`TlsAcceptor`]
/// gives. See [`TlsStream`](super::TlsStream) for its methods.
///
/// ```
/// use sansio_tls::tokio::server::TlsStream;
/// use tokio::io::AsyncWriteExt;
/// use tokio::net::TcpStream;
///
/// /// Greets the client by the name it asked for (SNI).
/// async fn greet(tls: &mut TlsStream<TcpStream>) -> std::io::Result<()> {
///     let name = tls.server_name().unwrap_or("stranger").to_owned();
///     tls.write_all(format!("hello, {name}\n").as_bytes()).await
/// }
/// ```
pub type TlsStream<T, P = DefaultProvider> = super::TlsStream<Server<P>, T>;

impl<T: AsyncRead + AsyncWrite + Unpin, P: Provider> TlsStream<T, P> {
    /// The server_name (SNI) the client asked for, if it sent one.
    pub fn server_name(&self) -> Option<&str> {
        self.connection().server_name()
    }

    /// Asks the client to renegotiate (sends HelloRequest with the next
    /// write, flush or read). With a `deadline`, a client that has not
    /// started by then fails the connection with `TimedOut` (it is
    /// enforced while reading). A refusal shows in
    /// [`last_alert`](super::TlsStream::last_alert) as `no_renegotiation`.
    /// `InvalidInput` if the client lacks secure renegotiation or one
    /// already runs.
    pub fn request_renegotiation(&mut self, deadline: Option<Duration>) -> io::Result<()> {
        let now = Instant::now();
        let deadline = deadline.map(|d| now.add_millis(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)));
        self.conn_mut().request_renegotiation(now, deadline).map_err(io_error)
    }
}

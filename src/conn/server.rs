//! The server side: accepting a connection, renegotiation requests, client
//! authentication, and session lookups answered by the application.

use super::{Buffer, Connection, Side};
use crate::codec::{self, ContentType};
use crate::config::{ClientAuth, ServerConfig, ServerConfigRef};
use crate::error::Error;
use crate::handshake::server::ServerHandshake;
use crate::session::Session;
use crate::time::Instant;

/// A server connection: [`Connection`] over the server handshake.
///
/// `R` is the RNG, `B` the buffer type (`&mut [u8]`, `[u8; N]`,
/// `Vec<u8>`, ...), `C` how the config is held (`&ServerConfig`,
/// `Arc<ServerConfig>`, ...). With owned buffers and an `Arc`'d or
/// `'static` config the connection is `'static` (keep many in a map), and
/// `Send` when its RNG is. [`ClientConnection`](super::ClientConnection)
/// has an example of both sides talking.
///
/// A connection that owns everything, to keep in a map or move to another
/// thread:
///
/// ```
/// use std::sync::Arc;
/// use sansio_tls::config::{OwnedCertifiedKey, OwnedServerConfig};
/// use sansio_tls::crypto::SigningKey;
/// use sansio_tls::rand_core::UnwrapErr;
/// use sansio_tls::{Instant, ServerConnection, conn};
///
/// type Rng = UnwrapErr<getrandom::SysRng>;
/// type Owned = ServerConnection<'static, Rng, Vec<u8>, Arc<OwnedServerConfig>>;
///
/// let chain = vec![include_bytes!("../../vectors/pki/ecdsa-server.der").to_vec()];
/// let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// let config = Arc::new(OwnedServerConfig::new(OwnedCertifiedKey::new(chain, Arc::new(key))?));
///
/// let (rx, tx) = (vec![0; conn::RECOMMENDED_RECEIVE_BUFFER], vec![0; 20_000]);
/// let server: Owned = ServerConnection::new(config.clone(), rx, tx, UnwrapErr(getrandom::SysRng), Instant::now())?;
/// let handle = std::thread::spawn(move || server.is_handshaking());
/// assert!(handle.join().unwrap());
/// # Ok::<(), sansio_tls::Error>(())
/// ```
pub type ServerConnection<'a, R, B, C = &'a ServerConfig<'a>> = Connection<ServerHandshake<C>, R, B>;

impl<C: ServerConfigRef + Clone> Side for ServerHandshake<C> {}

impl<C, R, B> Connection<ServerHandshake<C>, R, B>
where
    C: ServerConfigRef + Clone,
    R: rand_core::CryptoRng,
    B: Buffer,
{
    /// A server connection; it waits for a ClientHello.
    /// [`ErrorKind::InvalidState`](crate::ErrorKind::InvalidState) for a config without a certificate
    /// (or with `ticket_keys` in a build without the `tickets` feature),
    /// [`ErrorKind::BufferTooSmall`](crate::ErrorKind::BufferTooSmall) for buffers under
    /// [`MIN_BUFFER`](super::MIN_BUFFER).
    pub fn new(config: C, rx: B, tx: B, rng: R, now: Instant) -> Result<Self, Error> {
        if !cfg!(feature = "tickets") && config.server_config().ticket_keys.is_some() {
            return Err(Error::InvalidState
                .because("the config sets ticket_keys, but sansio-tls was built without the `tickets` feature"));
        }
        if config.server_config().cert_chain.is_empty() {
            return Err(Error::InvalidState.because("server configuration has no certificate"));
        }
        Connection::with_side(ServerHandshake::new(config, now), rx, tx, rng, now)
    }

    /// The server_name (SNI, RFC 6066 §3) the client asked for, once its
    /// ClientHello arrived: a host name, `None` if it sent none.
    pub fn server_name(&self) -> Option<&str> {
        self.side.server_name()
    }

    /// Asks the client to renegotiate (sends HelloRequest,
    /// RFC 5246 §7.4.1.1). With a `deadline`, a client that has not started
    /// by then fails the connection with [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) (see
    /// [`poll_timeout`](Self::poll_timeout)); a refusal arrives as an
    /// [`Event::Alert`](crate::Event::Alert) with `no_renegotiation`.
    pub fn request_renegotiation(&mut self, now: Instant, deadline: Option<Instant>) -> Result<(), Error> {
        self.check_can_renegotiate(now)?;
        // Not part of any transcript (RFC 5246 §7.4.1.1).
        let sent = self.tx.writer(&mut self.record).write(
            ContentType::Handshake,
            |w| codec::write_handshake(w, codec::HandshakeType::HelloRequest, |_| Ok(())),
            |_| {},
        );
        sent.map_err(|e| self.fail(e))?;
        self.hello_request_deadline = deadline;
        Ok(())
    }

    /// Sets client authentication for the handshakes still to come on this
    /// connection (the first one if its ClientHello has not been handled
    /// yet, and renegotiations): e.g. ask for a client certificate only in a
    /// renegotiation, then [`request_renegotiation`](Self::request_renegotiation).
    pub fn set_client_auth(&mut self, auth: ClientAuth) {
        self.side.set_client_auth(auth);
    }

    /// Whether the server waits for
    /// [`answer_session_lookup`](Self::answer_session_lookup).
    pub fn is_waiting_for_session_lookup(&self) -> bool {
        self.side.lookup_pending()
    }

    /// Answers an [`Event::SessionLookup`](crate::Event::SessionLookup): the
    /// stored session for that ID, or `None` (the handshake then is a full
    /// one). Processing resumes at the next [`poll_event`](Self::poll_event).
    /// [`ErrorKind::InvalidState`](crate::ErrorKind::InvalidState) (not fatal) if no lookup is pending.
    pub fn answer_session_lookup(&mut self, session: Option<Session>) -> Result<(), Error> {
        self.side.answer_lookup(session)
    }
}

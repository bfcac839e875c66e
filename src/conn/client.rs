//! The client side: opening a connection, renegotiation, and the session.

use super::{Buffer, Connection, Side};
use crate::config::{ClientConfig, ClientConfigRef};
use crate::error::Error;
use crate::handshake::client::{ClientHandshake, ServerName};
use crate::handshake::{Ctx, HandshakeSide as _};
use crate::session::ClientSession;
use crate::time::Instant;

/// A client connection: [`Connection`] over the client handshake.
///
/// `R` is the RNG, `B` the buffer type (`&mut [u8]`, `[u8; N]`,
/// `Vec<u8>`, ...), `C` how the config is held (`&ClientConfig`,
/// `Arc<ClientConfig>`, ...). With owned buffers and an `Arc`'d or
/// `'static` config the connection is `'static`, and `Send` when its RNG
/// is. [The guide](crate::guide#a-client-and-a-server-in-memory) walks
/// through a longer exchange.
///
/// ```
/// # use sansio_tls::{*, cert::*, crypto::SigningKey};
/// # let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der")).unwrap();
/// # let chain: [&[u8]; 1] = [include_bytes!("../../vectors/pki/ecdsa-server.der")];
/// # let ca = trust_anchor_from_der(include_bytes!("../../vectors/pki/ecdsa-ca.der")).unwrap();
/// # let roots = [ca];
/// # let verifier = WebPkiServerVerifier::new(&roots);
/// # let (client_cfg, server_cfg) = (ClientConfig::new(&verifier), ServerConfig::new(&chain, &key));
/// # let now = Instant::from_secs(1_800_000_000);
/// // The operating system's RNG (see the guide's "Randomness").
/// let mut rng = sansio_tls::rand_core::UnwrapErr(getrandom::SysRng);
/// let (mut crx, mut ctx) = ([0; 20000], [0; 20000]);
/// // Borrowed buffers, and a borrowed RNG...
/// let mut client = ClientConnection::new(&client_cfg, "localhost", &mut crx[..], &mut ctx[..], &mut rng, now).unwrap();
/// // ...or owned ones.
/// let server_rng = sansio_tls::rand_core::UnwrapErr(getrandom::SysRng);
/// let mut server = ServerConnection::new(&server_cfg, vec![0; 20000], vec![0; 20000], server_rng, now).unwrap();
/// let mut got = None;
/// for _ in 0..10 {
///     // "network": move bytes both ways, then handle events.
///     let n = server.feed(client.transmit_pending());
///     client.transmit_done(n);
///     while let Some(ev) = server.poll_event(now).unwrap() {
///         if let Event::Data(d) = ev { got = Some(d.to_vec()); }
///     }
///     let n = client.feed(server.transmit_pending());
///     server.transmit_done(n);
///     while let Some(ev) = client.poll_event(now).unwrap() {
///         if let Event::HandshakeDone(_) = ev { client.send(b"hello").unwrap(); break; }
///     }
/// }
/// assert_eq!(got.as_deref(), Some(&b"hello"[..]));
/// ```
pub type ClientConnection<'a, R, B, C = &'a ClientConfig<'a>> = Connection<ClientHandshake<C>, R, B>;

impl<C: ClientConfigRef + Clone> Side for ClientHandshake<C> {}

/// What a client connection is opened with besides its config.
///
/// ```
/// use sansio_tls::conn::ClientParams;
/// use sansio_tls::rand_core::UnwrapErr;
/// use sansio_tls::session::ClientSession;
/// use sansio_tls::{ClientConfig, ClientConnection, Instant};
/// # let verifier = sansio_tls::cert::WebPkiServerVerifier::new(&[]);
/// let config = ClientConfig::new(&verifier);
///
/// /// Connects to `name:443`, offering a session kept from an earlier
/// /// connection (e.g. in flash, from `ClientSession::export`).
/// fn reconnect<'c>(config: &'c ClientConfig<'c>, name: &str, saved: Option<&ClientSession>)
///     -> Result<ClientConnection<'c, UnwrapErr<getrandom::SysRng>, Vec<u8>>, sansio_tls::Error>
/// {
///     let params = ClientParams { port: 443, session: saved, ..ClientParams::new(name) };
///     ClientConnection::with_params(config, params, vec![0; 20_000], vec![0; 4096], UnwrapErr(getrandom::SysRng), Instant::now())
/// }
/// let conn = reconnect(&config, "example.com", None)?;
/// assert!(conn.is_handshaking());
/// # Ok::<(), sansio_tls::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ClientParams<'p> {
    /// The server's DNS name or IP address literal (at most 253 bytes).
    pub server_name: &'p str,
    /// The server's port: part of the session cache key (0 if unknown).
    pub port: u16,
    /// A session to offer for resumption, e.g. one imported with
    /// [`ClientSession::import`]; when `None` the config's cache is asked.
    pub session: Option<&'p ClientSession>,
}

impl<'p> ClientParams<'p> {
    /// Parameters for `server_name`, port 0, no explicit session.
    pub fn new(server_name: &'p str) -> Self {
        ClientParams { server_name, port: 0, session: None }
    }
}

impl<C, R, B> Connection<ClientHandshake<C>, R, B>
where
    C: ClientConfigRef + Clone,
    R: rand_core::CryptoRng,
    B: Buffer,
{
    /// A client connection to `server_name` (a DNS name, sent as SNI and
    /// checked against the certificate, or an IP address literal, checked
    /// against the certificate only). The ClientHello is queued at once; a
    /// session cached for this name in the config's cache is offered.
    /// [`ErrorKind::BufferTooSmall`](crate::ErrorKind::BufferTooSmall) for buffers under
    /// [`MIN_BUFFER`](super::MIN_BUFFER) or a receive buffer that cannot hold one record of the
    /// config's max_fragment_length, [`ErrorKind::InvalidState`](crate::ErrorKind::InvalidState) for a name
    /// longer than 253 bytes.
    pub fn new(config: C, server_name: &str, rx: B, tx: B, rng: R, now: Instant) -> Result<Self, Error> {
        Self::with_params(config, ClientParams::new(server_name), rx, tx, rng, now)
    }

    /// A client connection with [`ClientParams`]: the port for the session
    /// cache key, or an explicit session to resume.
    pub fn with_params(config: C, params: ClientParams<'_>, rx: B, tx: B, rng: R, now: Instant) -> Result<Self, Error> {
        let name = ServerName::try_from(params.server_name)
            .map_err(|_| Error::InvalidState.because("server name longer than 253 bytes"))?;
        if let Some(n) = config.client_config().max_fragment_length.and_then(|m| m.bytes()) {
            let need = crate::record::HEADER_LEN + n + crate::record::MAX_OVERHEAD;
            if rx.as_ref().len() < need {
                return Err(Error::BufferTooSmall
                    .because("receive buffer cannot hold one record of the max_fragment_length asked for")
                    .with_sizes(rx.as_ref().len(), need));
            }
        }
        let side = ClientHandshake::new(config, name, params.port);
        let mut c = Connection::with_side(side, rx, tx, rng, now)?;
        let provider = c.side.provider();
        let mut ctx = Ctx { out: c.tx.writer(&mut c.record), rng: &mut c.rng, now, provider };
        c.side.start(&mut ctx, params.session)?;
        Ok(c)
    }

    /// Starts a renegotiation (a new handshake under the current keys,
    /// RFC 5746 secure renegotiation only). Application data keeps flowing
    /// both ways meanwhile; a new [`Event::HandshakeDone`](crate::Event::HandshakeDone)
    /// follows. [`ErrorKind::NoRenegotiation`](crate::ErrorKind::NoRenegotiation) (not fatal) if the server lacks
    /// RFC 5746 or a renegotiation already runs. `now` starts its handshake
    /// timeout.
    pub fn renegotiate(&mut self, now: Instant) -> Result<(), Error> {
        self.check_can_renegotiate(now)?;
        self.side = ClientHandshake::renegotiation_of(&self.side);
        self.start_renegotiation();
        let provider = self.side.provider();
        let mut ctx = Ctx { out: self.tx.writer(&mut self.record), rng: &mut self.rng, now, provider };
        let started = self.side.start(&mut ctx, None);
        started.map_err(|e| self.fail(e))
    }

    /// Refuses a server's renegotiation request
    /// ([`Event::RenegotiationRequested`](crate::Event::RenegotiationRequested))
    /// with a `no_renegotiation` warning, as GnuTLS recommends. The server
    /// decides whether to go on.
    pub fn refuse_renegotiation(&mut self) -> Result<(), Error> {
        self.check_open()?;
        self.send_no_renegotiation().map_err(|e| self.fail(e))
    }

    /// The session this connection established or resumed, to export or
    /// cache (secret material).
    pub fn client_session(&self) -> Option<&ClientSession> {
        self.side.session()
    }
}

//! What a connection tells the application.

use crate::codec::{AlertDescription, AlertLevel, CertificateMsg};
pub use crate::handshake::HandshakeInfo;
use crate::session::{ClientSession, Session};

/// Something the application should know about, from
/// [`Connection::poll_event`](crate::Connection::poll_event).
///
/// ```
/// # use sansio_tls::{cert::*, crypto::SigningKey, rand_core::UnwrapErr, *};
/// # let ca = include_bytes!("../vectors/pki/ecdsa-ca.der");
/// # let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der"))?;
/// # let chain: [&[u8]; 2] = [include_bytes!("../vectors/pki/ecdsa-server.der"), ca];
/// # let roots = [trust_anchor_from_der(ca)?];
/// # let verifier = WebPkiServerVerifier::new(&roots);
/// # let (client_config, server_config) = (ClientConfig::new(&verifier), ServerConfig::new(&chain, &key));
/// # let now = Instant::now();
/// # let mut client = ClientConnection::new(&client_config, "localhost", vec![0; 20_000], vec![0; 20_000], UnwrapErr(getrandom::SysRng), now)?;
/// # let mut server = ServerConnection::new(&server_config, vec![0; 20_000], vec![0; 20_000], UnwrapErr(getrandom::SysRng), now)?;
/// // `client` and `server`: new connections in memory (see the guide).
/// /// What this application does with what a connection reports.
/// fn handle(event: Event<'_>, log: &mut Vec<String>) {
///     match event {
///         Event::PeerCertificates(chain) => log.push(format!("{} certificates", chain.len())),
///         Event::HandshakeDone(info) => log.push(format!("handshake done, resumed: {}", info.resumed)),
///         Event::Data(data) => log.push(format!("{} bytes", data.len())),
///         Event::Alert { description, .. } => log.push(format!("warning: {description}")),
///         Event::Closed(reason) => log.push(format!("closed: {reason:?}")),
///         // Sessions to keep, renegotiation requests, ...
///         _ => {}
///     }
/// }
///
/// let mut log = Vec::new();
/// for _flight in 0..4 {
///     let n = server.feed(client.transmit_pending());
///     client.transmit_done(n);
///     while server.poll_event(now)?.is_some() {}
///     let n = client.feed(server.transmit_pending());
///     server.transmit_done(n);
///     while let Some(event) = client.poll_event(now)? {
///         handle(event, &mut log);
///     }
/// }
/// assert_eq!(log, ["2 certificates", "handshake done, resumed: false"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A handshake completed; application data can flow.
    HandshakeDone(HandshakeInfo),
    /// Application data, decrypted in place in the receive buffer. The slice
    /// is valid until the next call on the connection.
    Data(&'a [u8]),
    /// The peer sent a warning alert (other than close_notify); the
    /// connection goes on.
    Alert {
        /// Always [`AlertLevel::Warning`] here: fatal alerts end the
        /// connection with [`ErrorKind::AlertReceived`](crate::ErrorKind::AlertReceived).
        level: AlertLevel,
        /// What the peer said.
        description: AlertDescription,
    },
    /// Client: the server asks for a renegotiation (HelloRequest). Answer
    /// with [`ClientConnection::renegotiate`](crate::Connection::renegotiate),
    /// [`ClientConnection::refuse_renegotiation`](crate::Connection::refuse_renegotiation),
    /// or ignore it.
    RenegotiationRequested,
    /// Server: a client's renegotiation attempt was refused by policy (no
    /// secure renegotiation, or over the configured limits); a
    /// `no_renegotiation` warning was sent.
    RenegotiationRefused,
    /// The connection is closed for reading; see [`CloseReason`].
    Closed(CloseReason),
    /// Server, [`ServerSessions::Events`](crate::session::ServerSessions::Events)
    /// mode: the client offers this session ID. Look it up (maybe remotely)
    /// and answer with
    /// [`ServerConnection::answer_session_lookup`](crate::Connection::answer_session_lookup);
    /// the handshake waits.
    SessionLookup(&'a [u8]),
    /// Server, events mode: a full handshake made this session; store it
    /// under [`Session::id`].
    StoreSession(&'a Session),
    /// The peer's certificate chain (end-entity first, DER), after it passed
    /// verification, while it is still in the receive buffer: read it (the
    /// subject, extensions, the whole chain) without copying. After the
    /// handshake only its SHA-256 is kept
    /// ([`HandshakeInfo::peer_cert_sha256`]).
    PeerCertificates(CertificateMsg<'a>),
    /// Client: the handshake established (or refreshed) a resumable
    /// session; already in the config's cache if there is one. Export it
    /// to keep it elsewhere.
    NewSession(&'a ClientSession),
}

/// How a connection ended without an error.
///
/// Only a close_notify says that all the data arrived. A transport that
/// just ends may have been cut by an attacker: an application that reads
/// until the end (a download, a length-less HTTP/1.0 body) must treat
/// [`Truncated`](Self::Truncated) as a failure.
///
/// ```
/// # use sansio_tls::{cert::*, crypto::SigningKey, rand_core::UnwrapErr, *};
/// # let ca = include_bytes!("../vectors/pki/ecdsa-ca.der");
/// # let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der"))?;
/// # let chain: [&[u8]; 2] = [include_bytes!("../vectors/pki/ecdsa-server.der"), ca];
/// # let roots = [trust_anchor_from_der(ca)?];
/// # let verifier = WebPkiServerVerifier::new(&roots);
/// # let (client_config, server_config) = (ClientConfig::new(&verifier), ServerConfig::new(&chain, &key));
/// # let now = Instant::now();
/// # let mut client = ClientConnection::new(&client_config, "localhost", vec![0; 20_000], vec![0; 20_000], UnwrapErr(getrandom::SysRng), now)?;
/// # let mut server = ServerConnection::new(&server_config, vec![0; 20_000], vec![0; 20_000], UnwrapErr(getrandom::SysRng), now)?;
/// # for _flight in 0..4 {
/// #     let n = server.feed(client.transmit_pending());
/// #     client.transmit_done(n);
/// #     while server.poll_event(now)?.is_some() {}
/// #     let n = client.feed(server.transmit_pending());
/// #     server.transmit_done(n);
/// #     while client.poll_event(now)?.is_some() {}
/// # }
/// // `client` and `server`: an established pair in memory (see the guide).
/// // The server closes properly: the client gets its close_notify.
/// server.close()?;
/// let n = client.feed(server.transmit_pending());
/// server.transmit_done(n);
/// assert_eq!(client.poll_event(now)?, Some(Event::Closed(CloseReason::CloseNotify)));
///
/// // The client's answer never arrives: the server's transport just ends.
/// server.receive_eof();
/// assert_eq!(server.poll_event(now)?, Some(Event::Closed(CloseReason::Truncated)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// The peer sent close_notify: all its data arrived.
    CloseNotify,
    /// The transport ended without close_notify
    /// ([`Connection::receive_eof`](crate::Connection::receive_eof)): the
    /// data may have been cut short by an attacker.
    Truncated,
}

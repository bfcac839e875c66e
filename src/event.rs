//! What a connection tells the application.

use crate::codec::{AlertDescription, AlertLevel, CertificateMsg};
pub use crate::handshake::HandshakeInfo;
use crate::session::{ClientSession, Session};

/// Something the application should know about, from
/// [`Connection::poll_event`](crate::Connection::poll_event).
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// The peer sent close_notify: all its data arrived.
    CloseNotify,
    /// The transport ended without close_notify
    /// ([`Connection::receive_eof`](crate::Connection::receive_eof)): the
    /// data may have been cut short by an attacker.
    Truncated,
}

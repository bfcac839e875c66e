//! Errors, and the one mapping from an error to the alert it sends
//! (RFC 5246 §7.2.2).

use crate::codec::AlertDescription;

/// Everything that can go wrong in a connection.
///
/// Every variant names the fatal alert it sends to the peer
/// ([`Error::alert`]); a fatal error ends the connection, and every later call
/// on it returns the same error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A message could not be parsed: bad lengths, trailing bytes, empty
    /// lists (`decode_error`). A duplicate extension is
    /// [`IllegalParameter`](Self::IllegalParameter), as OpenSSL sends.
    Decode,
    /// A message was syntactically fine but a field value is not allowed
    /// (`illegal_parameter`).
    IllegalParameter,
    /// A message arrived that the state machine does not allow now
    /// (`unexpected_message`).
    UnexpectedMessage,
    /// Record authentication failed (`bad_record_mac`).
    BadRecordMac,
    /// A record exceeded a size limit (`record_overflow`).
    RecordOverflow,
    /// A handshake message is larger than the receive buffer can reassemble
    /// (its declared length, plus the record that carries its last bytes).
    /// Give the connection a bigger receive buffer
    /// ([`RECOMMENDED_RECEIVE_BUFFER`](crate::conn::RECOMMENDED_RECEIVE_BUFFER)
    /// takes 64 KiB messages). Sends `illegal_parameter`, as OpenSSL does
    /// for an excessive message size.
    HandshakeMessageTooLarge,
    /// No common cipher suite, group or signature scheme
    /// (`handshake_failure`).
    HandshakeFailure,
    /// The peer offered a protocol version we do not speak
    /// (`protocol_version`).
    ProtocolVersion,
    /// The peer's certificate was malformed or failed verification
    /// (`bad_certificate`).
    BadCertificate,
    /// The peer's certificate uses a key type we do not support
    /// (`unsupported_certificate`).
    UnsupportedCertificate,
    /// The peer's certificate has expired or is not yet valid
    /// (`certificate_expired`).
    CertificateExpired,
    /// The peer's certificate has been revoked (`certificate_revoked`).
    CertificateRevoked,
    /// The peer's chain does not lead to a trust anchor (`unknown_ca`).
    UnknownCa,
    /// A signature or Finished check failed (`decrypt_error`).
    DecryptError,
    /// The peer lacks a security feature we require, e.g. extended master
    /// secret (`insufficient_security`), or a downgrade was detected.
    InsufficientSecurity,
    /// A required extension is missing (`missing_extension` is TLS 1.3 only;
    /// TLS 1.2 sends `handshake_failure`).
    MissingExtension,
    /// The server sent an extension the client never offered
    /// (`unsupported_extension`).
    UnsupportedExtension,
    /// The client offered ALPN protocols and the server speaks none of them
    /// (`no_application_protocol`, RFC 7301 §3.2).
    NoApplicationProtocol,
    /// An internal limit or invariant was hit (`internal_error`).
    Internal,
    /// The caller's buffer is too small for what must be written or read.
    /// Sends `internal_error`.
    BufferTooSmall,
    /// The handshake did not finish before the configured timeout. Sends
    /// `user_canceled`, which blames nobody.
    Timeout,
    /// In a renegotiation the peer presented another certificate than
    /// before, and the configuration does not allow that
    /// (`handshake_failure`).
    PeerIdentityChanged,
    /// Renegotiation is not possible on this connection (the peer lacks
    /// secure renegotiation, RFC 5746, or one is already running). Returned
    /// by [`ClientConnection::renegotiate`](crate::Connection::renegotiate) and
    /// friends; the connection is not harmed.
    NoRenegotiation,
    /// The peer sent a fatal alert; nothing is sent back.
    AlertReceived(AlertDescription),
    /// The connection is closed (after close_notify, or the transport ended);
    /// nothing can be sent or received.
    Closed,
    /// The caller used the API out of order (e.g. `send` before the handshake
    /// finished). Sends nothing; the connection is not harmed.
    InvalidState,
}

impl Error {
    /// The alert this error sends to the peer, if any.
    pub fn alert(self) -> Option<AlertDescription> {
        use AlertDescription as A;
        Some(match self {
            Error::Decode => A::DecodeError,
            Error::IllegalParameter | Error::HandshakeMessageTooLarge => A::IllegalParameter,
            Error::UnexpectedMessage => A::UnexpectedMessage,
            Error::BadRecordMac => A::BadRecordMac,
            Error::RecordOverflow => A::RecordOverflow,
            Error::HandshakeFailure | Error::MissingExtension | Error::PeerIdentityChanged => A::HandshakeFailure,
            Error::ProtocolVersion => A::ProtocolVersion,
            Error::BadCertificate => A::BadCertificate,
            Error::UnsupportedCertificate => A::UnsupportedCertificate,
            Error::CertificateExpired => A::CertificateExpired,
            Error::CertificateRevoked => A::CertificateRevoked,
            Error::UnknownCa => A::UnknownCa,
            Error::DecryptError => A::DecryptError,
            Error::InsufficientSecurity => A::InsufficientSecurity,
            Error::UnsupportedExtension => A::UnsupportedExtension,
            Error::NoApplicationProtocol => A::NoApplicationProtocol,
            Error::Internal | Error::BufferTooSmall => A::InternalError,
            Error::Timeout => A::UserCanceled,
            Error::AlertReceived(_) | Error::Closed | Error::InvalidState | Error::NoRenegotiation => return None,
        })
    }

    /// Whether this error ends the connection. [`Error::InvalidState`] and
    /// [`Error::NoRenegotiation`] do not.
    pub fn is_fatal(self) -> bool {
        !matches!(self, Error::InvalidState | Error::NoRenegotiation)
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::AlertReceived(d) => write!(f, "peer sent fatal alert {d:?}"),
            Error::Closed => f.write_str("connection closed"),
            Error::InvalidState => f.write_str("call not valid in this connection state"),
            Error::BufferTooSmall => f.write_str("caller buffer too small"),
            Error::Timeout => f.write_str("handshake timed out"),
            other => match other.alert() {
                Some(a) => write!(f, "{other:?} (sends alert {a:?})"),
                None => write!(f, "{other:?}"),
            },
        }
    }
}

impl core::error::Error for Error {}

//! Errors, and the one mapping from an error to the alert it sends
//! (RFC 5246 §7.2.2).
//!
//! An [`Error`] is an [`ErrorKind`] (what code matches on, and what decides
//! the alert) plus a reason: a short sentence for a person, shown by
//! `Display`, such as `certificate not valid for the server name`.

use crate::codec::AlertDescription;

/// What went wrong, as a kind: what code matches on.
///
/// Every variant names the fatal alert it sends to the peer
/// ([`ErrorKind::alert`]); a fatal error ends the connection, and every later
/// call on it returns the same error. An [`Error`] is a kind plus the reason
/// a person reads.
///
/// ```
/// use sansio_tls::{AlertDescription, ErrorKind};
///
/// /// What to tell an operator.
/// fn advice(kind: ErrorKind) -> &'static str {
///     match kind {
///         ErrorKind::CertificateExpired => "check the certificate's dates and this machine's clock",
///         ErrorKind::UnknownCa => "the server's CA is not among the trust roots",
///         ErrorKind::Timeout => "the peer did not finish the handshake in time",
///         ErrorKind::AlertReceived(_) => "the peer refused; its logs say why",
///         _ => "see the error's reason",
///     }
/// }
///
/// assert_eq!(ErrorKind::UnknownCa.alert(), Some(AlertDescription::UnknownCa));
/// assert_eq!(ErrorKind::Timeout.alert(), Some(AlertDescription::UserCanceled));
/// assert!(ErrorKind::BadRecordMac.is_fatal());
/// // Misuse of the API is not fatal and sends nothing.
/// assert!(!ErrorKind::InvalidState.is_fatal());
/// assert_eq!(ErrorKind::InvalidState.alert(), None);
/// # let _ = advice(ErrorKind::Closed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
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
    /// The peer's chain does not lead to a trust anchor (`unknown_ca`).
    UnknownCa,
    /// A signature or Finished check failed (`decrypt_error`).
    DecryptError,
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

impl ErrorKind {
    /// The alert this error sends to the peer, if any.
    pub fn alert(self) -> Option<AlertDescription> {
        use AlertDescription as A;
        use ErrorKind as K;
        Some(match self {
            K::Decode => A::DecodeError,
            K::IllegalParameter | K::HandshakeMessageTooLarge => A::IllegalParameter,
            K::UnexpectedMessage => A::UnexpectedMessage,
            K::BadRecordMac => A::BadRecordMac,
            K::RecordOverflow => A::RecordOverflow,
            K::HandshakeFailure | K::PeerIdentityChanged => A::HandshakeFailure,
            K::ProtocolVersion => A::ProtocolVersion,
            K::BadCertificate => A::BadCertificate,
            K::UnsupportedCertificate => A::UnsupportedCertificate,
            K::CertificateExpired => A::CertificateExpired,
            K::UnknownCa => A::UnknownCa,
            K::DecryptError => A::DecryptError,
            K::UnsupportedExtension => A::UnsupportedExtension,
            K::NoApplicationProtocol => A::NoApplicationProtocol,
            K::Internal | K::BufferTooSmall => A::InternalError,
            K::Timeout => A::UserCanceled,
            K::AlertReceived(_) | K::Closed | K::InvalidState | K::NoRenegotiation => return None,
        })
    }

    /// Whether this error ends the connection. [`ErrorKind::InvalidState`]
    /// and [`ErrorKind::NoRenegotiation`] do not.
    pub fn is_fatal(self) -> bool {
        !matches!(self, ErrorKind::InvalidState | ErrorKind::NoRenegotiation)
    }

    /// The reason an error of this kind shows when its construction site
    /// gave none.
    const fn default_reason(self) -> &'static str {
        use ErrorKind as K;
        match self {
            K::Decode => "malformed message",
            K::IllegalParameter => "a message field has a value that is not allowed",
            K::UnexpectedMessage => "message not expected in this state",
            K::BadRecordMac => "bad record MAC",
            K::RecordOverflow => "record too large",
            K::HandshakeMessageTooLarge => "handshake message larger than the receive buffer",
            K::HandshakeFailure => "no acceptable handshake parameters",
            K::ProtocolVersion => "protocol version not supported",
            K::BadCertificate => "bad certificate",
            K::UnsupportedCertificate => "unsupported certificate",
            K::CertificateExpired => "certificate outside its validity period",
            K::UnknownCa => "certificate issuer unknown",
            K::DecryptError => "signature or Finished check failed",
            K::UnsupportedExtension => "peer sent an extension that was not offered",
            K::NoApplicationProtocol => "no application protocol in common",
            K::Internal => "internal error",
            K::BufferTooSmall => "caller buffer too small",
            K::Timeout => "handshake timed out",
            K::PeerIdentityChanged => "peer presented another certificate in renegotiation",
            K::NoRenegotiation => "renegotiation not possible on this connection",
            K::AlertReceived(_) => "peer sent fatal alert",
            K::Closed => "connection closed",
            K::InvalidState => "call not valid in this connection state",
        }
    }
}

/// Saturating 24-bit size, so that an [`Error`] with two sizes stays three
/// words (16 MiB is past any TLS record or buffer this crate is given).
#[derive(Clone, Copy, Debug)]
struct U24([u8; 3]);

impl U24 {
    const ZERO: U24 = U24([0; 3]);

    fn saturating(n: usize) -> U24 {
        let n = u32::try_from(n).unwrap_or(u32::MAX).min(0xff_ffff);
        let [_, a, b, c] = n.to_be_bytes();
        U24([a, b, c])
    }

    fn get(self) -> u32 {
        let [a, b, c] = self.0;
        u32::from_be_bytes([0, a, b, c])
    }
}

/// An error: its [`ErrorKind`] and the reason a person can act on.
///
/// `Display` shows the reason, the sizes involved if any, and the alert it
/// sends, e.g. `no cipher suite in common (sends handshake_failure)` or
/// `peer sent fatal alert unknown_ca`. Code matches on [`Error::kind`];
/// the reason is for people and may change between versions.
///
/// Equality compares only the kinds: the reason is diagnostic text, and two
/// errors are the same failure when their kinds are. An `Error` also
/// compares equal to its [`ErrorKind`].
///
/// A client that does not trust the server's CA, and what each side sees:
///
/// ```
/// # use sansio_tls::{cert::*, crypto::SigningKey, rand_core::UnwrapErr, *};
/// # let ca = include_bytes!("../vectors/pki/ecdsa-ca.der");
/// # let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der"))?;
/// # let chain: [&[u8]; 2] = [include_bytes!("../vectors/pki/ecdsa-server.der"), ca];
/// # let roots = [trust_anchor_from_der(ca)?];
/// # let verifier = WebPkiServerVerifier::new(&[]);
/// # let (client_config, server_config) = (ClientConfig::new(&verifier), ServerConfig::new(&chain, &key));
/// # let now = Instant::now();
/// # let mut client = ClientConnection::new(&client_config, "localhost", vec![0; 20_000], vec![0; 20_000], UnwrapErr(getrandom::SysRng), now)?;
/// # let mut server = ServerConnection::new(&server_config, vec![0; 20_000], vec![0; 20_000], UnwrapErr(getrandom::SysRng), now)?;
/// // `client` and `server`: new connections in memory (see the guide); the
/// // client's verifier has no trust anchors.
/// // The ClientHello goes out; the server answers with its first flight.
/// let n = server.feed(client.transmit_pending());
/// client.transmit_done(n);
/// while server.poll_event(now)?.is_some() {}
/// let n = client.feed(server.transmit_pending());
/// server.transmit_done(n);
///
/// // The client cannot verify the chain.
/// let error = loop {
///     match client.poll_event(now) {
///         Ok(Some(_)) => continue,
///         Ok(None) => panic!("the client accepted the chain"),
///         Err(error) => break error,
///     }
/// };
/// assert_eq!(error.kind(), ErrorKind::UnknownCa);
/// assert_eq!(error.to_string(), "certificate chain does not lead to a trusted root (sends unknown_ca)");
/// // Every later call fails the same way.
/// assert_eq!(client.send(b"hello").unwrap_err(), ErrorKind::UnknownCa);
///
/// // Its alert waits in the transmit buffer: send it, and the server knows.
/// server.feed(client.transmit_pending());
/// let theirs = server.poll_event(now).unwrap_err();
/// assert_eq!(theirs.kind(), ErrorKind::AlertReceived(AlertDescription::UnknownCa));
/// assert_eq!(theirs.to_string(), "peer sent fatal alert unknown_ca");
///
/// // A custom verifier makes its own, with a reason.
/// let mine = Error::from(ErrorKind::BadCertificate).because("certificate key not pinned");
/// assert_eq!(mine.to_string(), "certificate key not pinned (sends bad_certificate)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct Error {
    reason: &'static str,
    kind: ErrorKind,
    /// Bytes available, bytes needed; `need` 0 means no sizes.
    have: U24,
    need: U24,
}

impl Error {
    /// An error of `kind` with its default reason.
    const fn of(kind: ErrorKind) -> Error {
        Error { reason: "", kind, have: U24::ZERO, need: U24::ZERO }
    }

    /// What went wrong, for code to match on.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Why, for a person: a short lower-case phrase in TLS terms. Never
    /// empty: without a specific reason it is one for the kind.
    pub const fn reason(&self) -> &'static str {
        if self.reason.is_empty() { self.kind.default_reason() } else { self.reason }
    }

    /// The sizes involved, `(have, need)` in bytes, when the error is about
    /// something not fitting (saturated at 2^24 - 1).
    pub fn sizes(&self) -> Option<(usize, usize)> {
        let need = self.need.get();
        (need != 0).then(|| (self.have.get() as usize, need as usize))
    }

    /// The alert this error sends to the peer, if any (that of its kind).
    pub fn alert(&self) -> Option<AlertDescription> {
        self.kind.alert()
    }

    /// Whether this error ends the connection (whether its kind does).
    pub fn is_fatal(&self) -> bool {
        self.kind.is_fatal()
    }

    /// The same error with `reason` (a short lower-case phrase, as
    /// [`reason`](Self::reason) describes); an empty one restores the
    /// kind's. For custom verifiers: `Error::from(ErrorKind::BadCertificate)
    /// .because("certificate key not pinned")`.
    pub const fn because(self, reason: &'static str) -> Error {
        Error { reason, ..self }
    }

    /// The same error with the sizes involved: `have` bytes of room where
    /// `need` are needed. `Display` shows them after the reason. A `need` of
    /// 0 shows none.
    pub fn with_sizes(self, have: usize, need: usize) -> Error {
        Error { have: U24::saturating(have), need: U24::saturating(need), ..self }
    }

    /// A fatal alert `description` came from the peer.
    pub(crate) const fn alert_received(description: AlertDescription) -> Error {
        Error::of(ErrorKind::AlertReceived(description))
    }

    /// A handshake message of `need` bytes (header included) can never be
    /// reassembled in the `have` bytes of the receive buffer left for it.
    pub(crate) fn handshake_message_too_large(have: usize, need: usize) -> Error {
        Error::HandshakeMessageTooLarge
            .because("receive buffer too small for the peer's handshake message")
            .with_sizes(have, need)
    }

    /// A record of `need` bytes (header included) does not fit the `have`
    /// bytes of the receive buffer.
    pub(crate) fn record_too_large(have: usize, need: usize) -> Error {
        Error::RecordOverflow.because("receive buffer too small for the peer's record").with_sizes(have, need)
    }
}

/// One error per unit [`ErrorKind`], named like it, with the kind's default
/// reason: construction sites write `Err(Error::Decode)`, and
/// `Error::Decode.because("...")` where they can say more.
/// Which of them a build uses depends on its roles (`client`, `server`).
#[allow(non_upper_case_globals, dead_code)]
impl Error {
    pub(crate) const Decode: Error = Error::of(ErrorKind::Decode);
    pub(crate) const IllegalParameter: Error = Error::of(ErrorKind::IllegalParameter);
    pub(crate) const UnexpectedMessage: Error = Error::of(ErrorKind::UnexpectedMessage);
    pub(crate) const BadRecordMac: Error = Error::of(ErrorKind::BadRecordMac);
    pub(crate) const RecordOverflow: Error = Error::of(ErrorKind::RecordOverflow);
    pub(crate) const HandshakeMessageTooLarge: Error = Error::of(ErrorKind::HandshakeMessageTooLarge);
    pub(crate) const HandshakeFailure: Error = Error::of(ErrorKind::HandshakeFailure);
    pub(crate) const ProtocolVersion: Error = Error::of(ErrorKind::ProtocolVersion);
    pub(crate) const BadCertificate: Error = Error::of(ErrorKind::BadCertificate);
    pub(crate) const UnsupportedCertificate: Error = Error::of(ErrorKind::UnsupportedCertificate);
    pub(crate) const CertificateExpired: Error = Error::of(ErrorKind::CertificateExpired);
    pub(crate) const UnknownCa: Error = Error::of(ErrorKind::UnknownCa);
    pub(crate) const DecryptError: Error = Error::of(ErrorKind::DecryptError);
    pub(crate) const UnsupportedExtension: Error = Error::of(ErrorKind::UnsupportedExtension);
    pub(crate) const NoApplicationProtocol: Error = Error::of(ErrorKind::NoApplicationProtocol);
    pub(crate) const Internal: Error = Error::of(ErrorKind::Internal);
    pub(crate) const BufferTooSmall: Error = Error::of(ErrorKind::BufferTooSmall);
    pub(crate) const Timeout: Error = Error::of(ErrorKind::Timeout);
    pub(crate) const PeerIdentityChanged: Error = Error::of(ErrorKind::PeerIdentityChanged);
    pub(crate) const NoRenegotiation: Error = Error::of(ErrorKind::NoRenegotiation);
    pub(crate) const Closed: Error = Error::of(ErrorKind::Closed);
    pub(crate) const InvalidState: Error = Error::of(ErrorKind::InvalidState);
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::of(kind)
    }
}

impl PartialEq for Error {
    /// Same kind: the reason and sizes are diagnostic text.
    fn eq(&self, other: &Error) -> bool {
        self.kind == other.kind
    }
}

impl Eq for Error {}

impl PartialEq<ErrorKind> for Error {
    fn eq(&self, other: &ErrorKind) -> bool {
        self.kind == *other
    }
}

impl core::fmt::Debug for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind).field("reason", &self.reason());
        if let Some(sizes) = self.sizes() {
            d.field("sizes", &sizes);
        }
        d.finish()
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.reason())?;
        if let ErrorKind::AlertReceived(d) = self.kind {
            write!(f, " {d}")?;
        }
        if let Some((have, need)) = self.sizes() {
            write!(f, ": have {have} bytes, need {need}")?;
        }
        match self.alert() {
            Some(a) => write!(f, " (sends {a})"),
            None => Ok(()),
        }
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    /// Every kind but `AlertReceived`, which takes a description.
    const KINDS: &[ErrorKind] = &[
        ErrorKind::Decode,
        ErrorKind::IllegalParameter,
        ErrorKind::UnexpectedMessage,
        ErrorKind::BadRecordMac,
        ErrorKind::RecordOverflow,
        ErrorKind::HandshakeMessageTooLarge,
        ErrorKind::HandshakeFailure,
        ErrorKind::ProtocolVersion,
        ErrorKind::BadCertificate,
        ErrorKind::UnsupportedCertificate,
        ErrorKind::CertificateExpired,
        ErrorKind::UnknownCa,
        ErrorKind::DecryptError,
        ErrorKind::UnsupportedExtension,
        ErrorKind::NoApplicationProtocol,
        ErrorKind::Internal,
        ErrorKind::BufferTooSmall,
        ErrorKind::Timeout,
        ErrorKind::PeerIdentityChanged,
        ErrorKind::NoRenegotiation,
        ErrorKind::Closed,
        ErrorKind::InvalidState,
    ];

    #[test]
    fn every_kind_has_a_reason_and_shows_its_alert() {
        let all = KINDS.iter().copied().chain([ErrorKind::AlertReceived(AlertDescription::UnknownCa)]);
        for kind in all {
            let e = Error::from(kind);
            assert!(!e.reason().is_empty(), "{kind:?}");
            let text = e.to_string();
            assert!(text.starts_with(e.reason()), "{kind:?}: {text}");
            match kind.alert() {
                Some(a) => assert!(text.ends_with(&std::format!(" (sends {a})")), "{kind:?}: {text}"),
                None => assert!(!text.contains("sends"), "{kind:?}: {text}"),
            }
        }
        // Each default is its own.
        for (i, a) in KINDS.iter().enumerate() {
            for b in &KINDS[i + 1..] {
                assert_ne!(a.default_reason(), b.default_reason(), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn display() {
        let e = Error::HandshakeFailure.because("no cipher suite in common");
        assert_eq!(e.to_string(), "no cipher suite in common (sends handshake_failure)");
        assert_eq!(Error::Decode.to_string(), "malformed message (sends decode_error)");
        assert_eq!(Error::Closed.to_string(), "connection closed");
        assert_eq!(Error::alert_received(AlertDescription::UnknownCa).to_string(), "peer sent fatal alert unknown_ca");
        assert_eq!(
            Error::alert_received(AlertDescription::Unknown(200)).to_string(),
            "peer sent fatal alert unknown(200)"
        );
        assert_eq!(Error::Timeout.to_string(), "handshake timed out (sends user_canceled)");
        // An empty reason falls back to the kind's.
        assert_eq!(Error::Decode.because("").reason(), "malformed message");
        assert_eq!(std::format!("{:?}", Error::Decode.because("x")), r#"Error { kind: Decode, reason: "x" }"#);
        assert_eq!(
            std::format!("{:?}", Error::Internal.with_sizes(1, 2)),
            r#"Error { kind: Internal, reason: "internal error", sizes: (1, 2) }"#
        );
    }

    #[test]
    fn sizes() {
        let e = Error::handshake_message_too_large(1000, 4100);
        assert_eq!(e.sizes(), Some((1000, 4100)));
        assert_eq!(
            e.to_string(),
            "receive buffer too small for the peer's handshake message: have 1000 bytes, need 4100 \
             (sends illegal_parameter)"
        );
        assert_eq!(
            Error::record_too_large(1000, 4096).to_string(),
            "receive buffer too small for the peer's record: have 1000 bytes, need 4096 (sends record_overflow)"
        );
        assert_eq!(Error::Decode.sizes(), None);
        assert_eq!(Error::Decode.with_sizes(5, 0).sizes(), None);
        // Saturated, not wrapped.
        assert_eq!(Error::Internal.with_sizes(1 << 30, usize::MAX).sizes(), Some((0xff_ffff, 0xff_ffff)));
    }

    #[test]
    fn equality_is_by_kind() {
        assert_eq!(Error::Decode.because("a"), Error::Decode.because("b"));
        assert_ne!(Error::Decode, Error::Internal);
        assert_eq!(Error::UnknownCa, ErrorKind::UnknownCa);
        assert_eq!(Error::from(ErrorKind::Timeout).kind(), ErrorKind::Timeout);
        assert!(!Error::InvalidState.is_fatal() && !Error::NoRenegotiation.is_fatal() && Error::Decode.is_fatal());
    }

    #[test]
    fn stays_small() {
        // A reason (two words), a kind (two bytes) and two 24-bit sizes.
        assert_eq!(core::mem::size_of::<ErrorKind>(), 2);
        assert_eq!(core::mem::size_of::<Error>(), 2 * core::mem::size_of::<usize>() + 8);
    }
}

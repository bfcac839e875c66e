//! Zero-copy views of the TLS 1.2 handshake messages (RFC 5246 §7.4) and the
//! extensions this crate speaks, plus their encoders.
//!
//! Parsing borrows from the input; lists stay as raw, length-checked byte
//! slices and are walked with iterators, so no message needs storage of its
//! own. Parsers reject trailing bytes, duplicate known extensions and empty lists
//! where the RFC forbids them.

use super::enums::*;
use super::reader::{Reader, Writer};
use super::strings::ByteStrings;
use crate::error::Error;

/// The protocol version this crate speaks: TLS 1.2 = {3, 3}.
pub const TLS12: u16 = 0x0303;

/// Handshake message header length: msg_type(1) || length(3).
pub const HANDSHAKE_HEADER_LEN: usize = 4;

/// The most certificates a chain may hold (a bound: real chains are 2-4).
pub const MAX_CHAIN_LEN: usize = 8;

/// A list of big-endian u16 values (suites, groups, schemes), validated to
/// have an even length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct U16List<'a>(&'a [u8]);

impl<'a> U16List<'a> {
    /// Validates `raw` (even length, non-empty if `non_empty`).
    pub fn parse(raw: &'a [u8], non_empty: bool) -> Result<Self, Error> {
        if raw.len() % 2 != 0 || (non_empty && raw.is_empty()) {
            return Err(Error::Decode.because("list of 16-bit values has an odd length or is empty"));
        }
        Ok(U16List(raw))
    }

    /// The values in order.
    pub fn iter(&self) -> impl Iterator<Item = u16> + 'a {
        self.0.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]]))
    }

    /// Whether `v` is in the list.
    pub fn contains(&self, v: u16) -> bool {
        self.iter().any(|x| x == v)
    }

    /// The raw bytes (without length prefix).
    #[cfg_attr(not(feature = "fuzzing"), allow(dead_code))] // the tests and the codec fuzz target
    pub fn raw(&self) -> &'a [u8] {
        self.0
    }
}

/// Reads one whole handshake message from the front of `buf`: returns its
/// type, its body and the total length consumed, or `None` if `buf` does not
/// hold a whole message yet.
pub fn split_handshake(buf: &[u8]) -> Option<(HandshakeType, &[u8], usize)> {
    let mut r = Reader::new(buf);
    let typ = HandshakeType::from(r.u8().ok()?);
    let len = r.u24().ok()? as usize;
    let body = r.take(len).ok()?;
    Some((typ, body, HANDSHAKE_HEADER_LEN + len))
}

/// The declared length of the handshake message at the front of `buf`, once
/// its header is there.
pub fn handshake_message_len(buf: &[u8]) -> Option<usize> {
    let mut r = Reader::new(buf);
    r.u8().ok()?;
    Some(r.u24().ok()? as usize + HANDSHAKE_HEADER_LEN)
}

/// Writes a handshake message: header, then `body` writes the body.
pub fn write_handshake<F>(w: &mut Writer<'_>, typ: HandshakeType, body: F) -> Result<(), Error>
where
    F: FnOnce(&mut Writer<'_>) -> Result<(), Error>,
{
    w.u8(typ.to_wire())?;
    w.vec(3, body)
}

/// Tracks which extension types this crate knows were seen, to reject
/// duplicates (RFC 5246 §7.4.1.4: "There MUST NOT be more than one extension
/// of the same type"): one bit per known type, so the check costs no table
/// however many extensions a peer sends. Unknown types are ignored whatever
/// they repeat, as OpenSSL does: a peer may send thousands (GREASE, padding,
/// private extensions) and none of them changes what this crate does.
#[derive(Default)]
struct SeenExtensions(u32);

impl SeenExtensions {
    fn bit(t: ExtensionType) -> Option<u32> {
        Some(match t {
            ExtensionType::ServerName => 0,
            ExtensionType::MaxFragmentLength => 1,
            ExtensionType::StatusRequest => 2,
            ExtensionType::SupportedGroups => 3,
            ExtensionType::EcPointFormats => 4,
            ExtensionType::SignatureAlgorithms => 5,
            ExtensionType::Alpn => 6,
            ExtensionType::EncryptThenMac => 7,
            ExtensionType::ExtendedMasterSecret => 8,
            ExtensionType::RecordSizeLimit => 9,
            ExtensionType::SessionTicket => 10,
            ExtensionType::SupportedVersions => 11,
            ExtensionType::RenegotiationInfo => 12,
            ExtensionType::Unknown(_) => return None,
        })
    }

    /// Notes `t`; a known type seen before is illegal_parameter, what
    /// OpenSSL sends for a duplicate in a ClientHello or a ServerHello.
    fn insert(&mut self, t: ExtensionType) -> Result<(), Error> {
        if let Some(b) = Self::bit(t) {
            if self.0 & (1 << b) != 0 {
                return Err(Error::IllegalParameter.because("duplicate extension"));
            }
            self.0 |= 1 << b;
        }
        Ok(())
    }
}

/// Walks an extensions block: calls `f(type, body)` for each, after checking
/// for duplicates (see [`SeenExtensions`]). An absent block (no bytes left)
/// is the empty list.
pub(super) fn for_each_extension<'a, F>(r: &mut Reader<'a>, mut f: F) -> Result<(), Error>
where
    F: FnMut(ExtensionType, &'a [u8]) -> Result<(), Error>,
{
    if r.is_empty() {
        return Ok(());
    }
    let mut exts = r.sub16()?;
    r.expect_end()?;
    let mut seen = SeenExtensions::default();
    while !exts.is_empty() {
        let t = ExtensionType::from(exts.u16()?);
        let body = exts.vec16()?;
        seen.insert(t)?;
        f(t, body)?;
    }
    Ok(())
}

/// Parses a whole extension body with `f`: nothing may be left over.
pub(super) fn whole<'a, T>(body: &'a [u8], f: impl FnOnce(&mut Reader<'a>) -> Result<T, Error>) -> Result<T, Error> {
    let mut r = Reader::new(body);
    let v = f(&mut r)?;
    r.expect_end()?;
    Ok(v)
}

/// A vector that must not be empty.
pub(super) fn non_empty(v: &[u8]) -> Result<&[u8], Error> {
    if v.is_empty() { Err(Error::Decode.because("empty ec_point_formats list")) } else { Ok(v) }
}

pub(super) fn parse_empty(body: &[u8]) -> Result<(), Error> {
    if body.is_empty() {
        Ok(())
    } else {
        Err(Error::Decode.because("message or extension that must be empty has content"))
    }
}

/// Parses an ALPN protocol_name_list (RFC 7301 §3.1): non-empty, and no
/// empty names.
pub(super) fn parse_alpn(body: &[u8]) -> Result<&[u8], Error> {
    let mut r = Reader::new(body);
    let list = r.vec16()?;
    r.expect_end()?;
    if list.is_empty() {
        return Err(Error::Decode.because("empty ALPN protocol list"));
    }
    let mut l = Reader::new(list);
    while !l.is_empty() {
        if l.vec8()?.is_empty() {
            return Err(Error::Decode.because("empty ALPN protocol name"));
        }
    }
    Ok(list)
}

/// Iterates the names of an ALPN protocol_name_list validated at parse time.
#[cfg(feature = "server")]
pub fn alpn_names(list: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut r = Reader::new(list);
    core::iter::from_fn(move || r.vec8().ok())
}

/// A Certificate message (RFC 5246 §7.4.2): the raw certificate_list.
/// [`Event::PeerCertificates`](crate::Event::PeerCertificates) lends one
/// out, borrowed from the receive buffer, after the chain passed
/// verification.
///
/// ```
/// # use sansio_tls::{cert::*, crypto::SigningKey, rand_core::UnwrapErr, *};
/// # let ca = include_bytes!("../../vectors/pki/ecdsa-ca.der");
/// # let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// # let chain: [&[u8]; 2] = [include_bytes!("../../vectors/pki/ecdsa-server.der"), ca];
/// # let roots = [trust_anchor_from_der(ca)?];
/// # let verifier = WebPkiServerVerifier::new(&roots);
/// # let (client_config, server_config) = (ClientConfig::new(&verifier), ServerConfig::new(&chain, &key));
/// # let now = Instant::now();
/// # let mut client = ClientConnection::new(&client_config, "localhost", vec![0; 20_000], vec![0; 20_000], UnwrapErr(getrandom::SysRng), now)?;
/// # let mut server = ServerConnection::new(&server_config, vec![0; 20_000], vec![0; 20_000], UnwrapErr(getrandom::SysRng), now)?;
/// // `client` and `server`: new connections in memory (see the guide).
/// use sansio_tls::crypto::certificate_subject;
/// let mut subjects = Vec::new();
/// for _flight in 0..4 {
///     let n = server.feed(client.transmit_pending());
///     client.transmit_done(n);
///     while server.poll_event(now)?.is_some() {}
///     let n = client.feed(server.transmit_pending());
///     server.transmit_done(n);
///     while let Some(event) = client.poll_event(now)? {
///         if let Event::PeerCertificates(chain) = event {
///             // Read it now: the next call reuses the buffer.
///             for cert in chain.iter() {
///                 subjects.push(certificate_subject(cert)?.to_vec());
///             }
///         }
///     }
/// }
/// assert_eq!(subjects.len(), 2); // the server's certificate and its CA
/// assert_eq!(subjects[1], certificate_subject(ca)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateMsg<'a> {
    list: &'a [u8],
    count: usize,
}

impl<'a> CertificateMsg<'a> {
    internal! {
        /// Parses a Certificate body; checks every entry is non-empty and there
        /// are at most [`MAX_CHAIN_LEN`].
        fn parse(body: &'a [u8]) -> Result<Self, Error> {
            let mut r = Reader::new(body);
            let list = r.vec24()?;
            r.expect_end()?;
            let mut l = Reader::new(list);
            let mut count = 0;
            while !l.is_empty() {
                if l.vec24()?.is_empty() {
                    return Err(Error::Decode.because("empty certificate in the certificate list"));
                }
                count += 1;
                if count > MAX_CHAIN_LEN {
                    return Err(Error::BadCertificate
                        .because("certificate chain has more certificates than this crate verifies"));
                }
            }
            Ok(CertificateMsg { list, count })
        }
    }

    /// Number of certificates (0 is allowed from a client).
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The certificates in order, end-entity first, as DER.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> {
        let mut r = Reader::new(self.list);
        core::iter::from_fn(move || r.vec24().ok())
    }

    internal! {
        /// Encodes a Certificate message for `chain` (end-entity first).
        fn encode<'c>(w: &mut Writer<'_>, chain: impl Into<ByteStrings<'c>>) -> Result<(), Error> {
            let chain = chain.into();
            write_handshake(w, HandshakeType::Certificate, |w| w.vec(3, |w| chain.iter().try_for_each(|c| w.vec24(c))))
        }
    }
}

/// ECCurveType named_curve (RFC 8422 §5.4).
const NAMED_CURVE: u8 = 3;

/// An ECDHE ServerKeyExchange (RFC 8422 §5.4).
#[derive(Debug, Clone, Copy)]
// A server-only build names the type only for `encode_params`.
#[cfg_attr(not(feature = "client"), allow(dead_code))]
pub struct ServerKeyExchange<'a> {
    /// The ServerECDHParams bytes exactly as sent: these are signed.
    pub params: &'a [u8],
    /// The named group.
    pub group: NamedGroup,
    /// The server's ephemeral public key.
    pub public: &'a [u8],
    /// The signature scheme.
    pub scheme: SignatureScheme,
    /// The signature.
    pub signature: &'a [u8],
}

impl<'a> ServerKeyExchange<'a> {
    /// Parses an ECDHE ServerKeyExchange body. Only named curves are allowed.
    #[cfg(feature = "client")]
    pub fn parse(body: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        if r.u8()? != NAMED_CURVE {
            return Err(Error::IllegalParameter.because("ServerKeyExchange curve type is not named_curve"));
        }
        let group = NamedGroup::from(r.u16()?);
        let public = r.vec8()?;
        // RFC 8422 §5.4: ECPoint point<1..2^8-1>. An empty point is
        // illegal_parameter (a bad point), as OpenSSL sends
        // (SSL_R_BAD_ECPOINT); GnuTLS sends internal_error.
        if public.is_empty() {
            return Err(Error::IllegalParameter.because("ServerKeyExchange has an empty ECDH public key"));
        }
        let params =
            body.get(..4 + public.len()).ok_or(Error::Decode.because("ServerKeyExchange parameters truncated"))?;
        let scheme = SignatureScheme::from(r.u16()?);
        let signature = r.vec16()?;
        r.expect_end()?;
        Ok(ServerKeyExchange { params, group, public, scheme, signature })
    }

    /// Writes the ServerECDHParams into `w` (these bytes are what is signed).
    #[cfg(feature = "server")]
    pub fn encode_params(w: &mut Writer<'_>, group: NamedGroup, public: &[u8]) -> Result<(), Error> {
        w.u8(NAMED_CURVE)?;
        w.u16(group.to_wire())?;
        w.vec8(public)
    }
}

/// A CertificateRequest (RFC 5246 §7.4.4): what a server asks a client's
/// certificate to be, shown to a
/// [`ResolveClientCert`](crate::config::ResolveClientCert).
///
/// ```
/// use sansio_tls::{CertificateRequest, SignatureScheme};
///
/// /// Whether a P-256 certificate issued by `our_ca` (its subject, DER)
/// /// is what the server asks for.
/// fn fits(request: &CertificateRequest<'_>, our_ca: &[u8]) -> bool {
///     const ECDSA_SIGN: u8 = 64;
///     request.certificate_types().contains(&ECDSA_SIGN)
///         && request.signature_schemes().any(|s| s == SignatureScheme::ECDSA_NISTP256_SHA256)
///         // No names: the server takes any CA.
///         && (request.authorities().next().is_none() || request.authorities().any(|name| name == our_ca))
/// }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CertificateRequest<'a> {
    /// certificate_types (ClientCertificateType codes).
    pub(crate) certificate_types: &'a [u8],
    /// supported_signature_algorithms.
    pub(crate) signature_algorithms: U16List<'a>,
    /// certificate_authorities: a list of vec16 DistinguishedNames.
    pub(crate) certificate_authorities: &'a [u8],
}

impl<'a> CertificateRequest<'a> {
    #[cfg(feature = "client")]
    internal! {
        /// Parses a CertificateRequest body.
        fn parse(body: &'a [u8]) -> Result<Self, Error> {
            let mut r = Reader::new(body);
            let certificate_types = r.vec8()?;
            if certificate_types.is_empty() {
                return Err(Error::Decode.because("CertificateRequest lists no certificate types"));
            }
            let signature_algorithms = U16List::parse(r.vec16()?, true)?;
            let certificate_authorities = r.vec16()?;
            r.expect_end()?;
            let mut cas = Reader::new(certificate_authorities);
            while !cas.is_empty() {
                if cas.vec16()?.is_empty() {
                    return Err(Error::Decode.because("CertificateRequest names an empty CA"));
                }
            }
            Ok(CertificateRequest { certificate_types, signature_algorithms, certificate_authorities })
        }
    }

    /// The certificate types the server accepts, as ClientCertificateType
    /// codes (RFC 5246 §7.4.4, RFC 8422 §5.5: `1` rsa_sign, `64`
    /// ecdsa_sign).
    pub fn certificate_types(&self) -> &'a [u8] {
        self.certificate_types
    }

    /// The signature schemes the server accepts, in its order
    /// (supported_signature_algorithms).
    pub fn signature_schemes(&self) -> impl Iterator<Item = SignatureScheme> + 'a {
        self.signature_algorithms.iter().map(SignatureScheme::from)
    }

    /// The distinguished names of the CAs the server accepts, DER; none if
    /// it accepts any.
    pub fn authorities(&self) -> impl Iterator<Item = &'a [u8]> {
        let mut r = Reader::new(self.certificate_authorities);
        core::iter::from_fn(move || r.vec16().ok())
    }

    #[cfg(feature = "server")]
    internal! {
        /// Encodes a CertificateRequest.
        fn encode<'c>(
            w: &mut Writer<'_>,
            certificate_types: &[u8],
            schemes: &[SignatureScheme],
            authorities: impl Into<ByteStrings<'c>>,
        ) -> Result<(), Error> {
            let authorities = authorities.into();
            write_handshake(w, HandshakeType::CertificateRequest, |w| {
                w.vec8(certificate_types)?;
                w.vec(2, |w| schemes.iter().try_for_each(|s| w.u16(s.to_wire())))?;
                w.vec(2, |w| authorities.iter().try_for_each(|a| w.vec16(a)))
            })
        }
    }
}

/// A digitally-signed struct: scheme then signature (CertificateVerify body,
/// RFC 5246 §4.7, §7.4.8).
#[cfg(feature = "server")]
#[derive(Debug, Clone, Copy)]
pub struct DigitallySigned<'a> {
    /// The signature scheme.
    pub scheme: SignatureScheme,
    /// The signature.
    pub signature: &'a [u8],
}

#[cfg(feature = "server")]
impl<'a> DigitallySigned<'a> {
    /// Parses a CertificateVerify body.
    pub fn parse(body: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let scheme = SignatureScheme::from(r.u16()?);
        let signature = r.vec16()?;
        r.expect_end()?;
        if signature.is_empty() {
            return Err(Error::Decode.because("empty signature"));
        }
        Ok(DigitallySigned { scheme, signature })
    }
}

/// Parses an ECDHE ClientKeyExchange body: the client's public key
/// (RFC 8422 §5.7).
#[cfg(feature = "server")]
pub fn parse_client_key_exchange(body: &[u8]) -> Result<&[u8], Error> {
    let mut r = Reader::new(body);
    let public = r.vec8()?;
    r.expect_end()?;
    if public.is_empty() {
        return Err(Error::Decode.because("ClientKeyExchange has an empty ECDH public key"));
    }
    Ok(public)
}

/// Parses a Finished body: exactly 12 bytes of verify_data for every suite
/// this crate has (RFC 5246 §7.4.9).
pub fn parse_finished(body: &[u8]) -> Result<&[u8; 12], Error> {
    body.try_into().map_err(|_| Error::Decode.because("Finished is not 12 bytes"))
}

/// A NewSessionTicket (RFC 5077 §3.3).
#[derive(Debug, Clone, Copy)]
pub struct NewSessionTicket<'a> {
    /// ticket_lifetime_hint, seconds.
    pub lifetime_hint: u32,
    /// The opaque ticket.
    pub ticket: &'a [u8],
}

impl<'a> NewSessionTicket<'a> {
    /// Parses a NewSessionTicket body.
    #[cfg(feature = "client")]
    pub fn parse(body: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let lifetime_hint = r.u32()?;
        let ticket = r.vec16()?;
        r.expect_end()?;
        Ok(NewSessionTicket { lifetime_hint, ticket })
    }

    /// Encodes a NewSessionTicket.
    #[cfg(feature = "server")]
    pub fn encode(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        write_handshake(w, HandshakeType::NewSessionTicket, |w| {
            w.u32(self.lifetime_hint)?;
            w.vec16(self.ticket)
        })
    }
}

/// Parses a body that must be empty (HelloRequest, ServerHelloDone).
#[cfg(feature = "client")]
pub fn parse_empty_body(body: &[u8]) -> Result<(), Error> {
    parse_empty(body)
}

//! The hello messages (RFC 5246 §7.4.1.2-3): ClientHello and ServerHello,
//! parsed with the extensions this crate reads, and the representations
//! they are encoded from.

use super::enums::*;
#[cfg(feature = "server")]
use super::handshake::U16List;
use super::handshake::{TLS12, for_each_extension, non_empty, parse_alpn, parse_empty, whole, write_handshake};
use super::reader::{Reader, Writer};
#[cfg(feature = "client")]
use super::strings::ByteStrings;
use crate::error::Error;

/// A ClientHello (RFC 5246 §7.4.1.2) with the extensions this crate reads.
#[cfg(feature = "server")]
#[derive(Debug, Clone, Default)]
pub struct ClientHello<'a> {
    /// client_version.
    pub version: u16,
    /// Client random.
    pub random: [u8; 32],
    /// Session ID to resume (0 to 32 bytes).
    pub session_id: &'a [u8],
    /// Offered cipher suites, in client preference order.
    pub cipher_suites: U16List<'a>,
    /// Offered compression methods (must include null(0)).
    pub compression_methods: &'a [u8],
    /// server_name: the host_name entry, if any (RFC 6066 §3).
    pub server_name: Option<&'a [u8]>,
    /// max_fragment_length (RFC 6066 §4), raw code.
    pub max_fragment_length: Option<MaxFragmentLength>,
    /// supported_groups (RFC 8422 §5.1.1).
    pub supported_groups: Option<U16List<'a>>,
    /// ec_point_formats (RFC 8422 §5.1.2).
    pub ec_point_formats: Option<&'a [u8]>,
    /// signature_algorithms (RFC 5246 §7.4.1.4.1).
    pub signature_algorithms: Option<U16List<'a>>,
    /// ALPN protocol_name_list (RFC 7301).
    pub alpn: Option<&'a [u8]>,
    /// extended_master_secret offered (RFC 7627).
    pub extended_master_secret: bool,
    /// renegotiation_info's renegotiated_connection (RFC 5746).
    pub renegotiation_info: Option<&'a [u8]>,
    /// session_ticket extension body (RFC 5077), possibly empty.
    pub session_ticket: Option<&'a [u8]>,
    /// record_size_limit (RFC 8449).
    pub record_size_limit: Option<u16>,
    /// encrypt_then_mac offered (RFC 7366; ignored: no CBC suites here).
    pub encrypt_then_mac: bool,
}

#[cfg(feature = "server")]
impl<'a> ClientHello<'a> {
    /// Parses a ClientHello body.
    pub fn parse(body: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let mut ch = ClientHello { version: r.u16()?, random: r.array()?, ..Default::default() };
        ch.session_id = r.vec8()?;
        // RFC 5246 §7.4.1.2: opaque SessionID<0..32>; a longer vector is a
        // malformed message (decode_error, as OpenSSL and GnuTLS send).
        if ch.session_id.len() > 32 {
            return Err(Error::Decode.because("ClientHello session ID longer than 32 bytes"));
        }
        ch.cipher_suites = U16List::parse(r.vec16()?, true)?;
        ch.compression_methods = r.vec8()?;
        if ch.compression_methods.is_empty() {
            return Err(Error::Decode.because("ClientHello offers no compression method"));
        }
        // RFC 5246 §7.4.1.4: a known extension twice in a ClientHello is
        // illegal_parameter, as OpenSSL (tls_collect_extensions) sends;
        // GnuTLS sends unsupported_extension, which is for a server's
        // unsolicited extension.
        for_each_extension(&mut r, |t, body| {
            match t {
                ExtensionType::ServerName => ch.server_name = parse_server_name(body)?,
                ExtensionType::MaxFragmentLength => {
                    ch.max_fragment_length = Some(MaxFragmentLength::from(whole(body, |b| b.u8())?));
                }
                ExtensionType::SupportedGroups => {
                    ch.supported_groups = Some(whole(body, |b| U16List::parse(b.vec16()?, true))?);
                }
                ExtensionType::EcPointFormats => {
                    ch.ec_point_formats = Some(whole(body, |b| non_empty(b.vec8()?))?);
                }
                ExtensionType::SignatureAlgorithms => {
                    ch.signature_algorithms = Some(whole(body, |b| U16List::parse(b.vec16()?, true))?);
                }
                ExtensionType::Alpn => ch.alpn = Some(parse_alpn(body)?),
                ExtensionType::ExtendedMasterSecret => {
                    parse_empty(body)?;
                    ch.extended_master_secret = true;
                }
                ExtensionType::RenegotiationInfo => {
                    // RFC 5746 §3.2: renegotiated_connection<0..255>. Bytes
                    // after it are ignored, as OpenSSL and GnuTLS do: only
                    // the vector is compared (§3.6, §3.7).
                    ch.renegotiation_info = Some(Reader::new(body).vec8()?);
                }
                ExtensionType::SessionTicket => ch.session_ticket = Some(body),
                ExtensionType::RecordSizeLimit => {
                    ch.record_size_limit = Some(whole(body, |b| b.u16())?);
                }
                ExtensionType::EncryptThenMac => {
                    parse_empty(body)?;
                    ch.encrypt_then_mac = true;
                }
                // status_request, supported_versions and unknown types are
                // ignored (RFC 5246 §7.4.1.4).
                _ => {}
            }
            Ok(())
        })?;
        Ok(ch)
    }

    /// Whether the client offered `suite`.
    pub fn offers_suite(&self, suite: CipherSuite) -> bool {
        self.cipher_suites.contains(suite.to_wire())
    }
}

/// Parses a server_name extension body (RFC 6066 §3), returning the
/// host_name. A ClientHello "MUST NOT contain more than one name of the same
/// name_type"; a server's empty echo is handled by the ServerHello parser.
/// An empty host_name (HostName<1..2^16-1>) is decode_error, as GnuTLS
/// sends (OpenSSL ignores it); a second host_name is decode_error, as
/// OpenSSL sends (GnuTLS uses the first).
#[cfg(feature = "server")]
fn parse_server_name(body: &[u8]) -> Result<Option<&[u8]>, Error> {
    let mut b = Reader::new(body);
    let mut list = b.sub16()?;
    b.expect_end()?;
    if list.is_empty() {
        return Err(Error::Decode.because("empty server_name list"));
    }
    let mut host = None;
    while !list.is_empty() {
        let typ = list.u8()?;
        let name = list.vec16()?;
        if typ == 0 {
            if host.is_some() || name.is_empty() {
                return Err(Error::Decode.because("server_name has an empty or a second host_name"));
            }
            host = Some(name);
        }
    }
    Ok(host)
}

/// What goes into a ClientHello we send.
#[cfg(feature = "client")]
#[derive(Debug, Clone, Default)]
pub struct ClientHelloRepr<'a> {
    /// Client random.
    pub random: [u8; 32],
    /// Session ID to offer for resumption (empty for none).
    pub session_id: &'a [u8],
    /// Cipher suites in preference order (signalling values included).
    pub cipher_suites: &'a [CipherSuite],
    /// host_name for server_name, if any (DNS names only, never IPs).
    pub server_name: Option<&'a [u8]>,
    /// max_fragment_length to request.
    pub max_fragment_length: Option<MaxFragmentLength>,
    /// record_size_limit to offer (RFC 8449): the largest protected record
    /// plaintext we accept.
    pub record_size_limit: Option<u16>,
    /// supported_groups.
    pub groups: &'a [NamedGroup],
    /// signature_algorithms.
    pub signature_schemes: &'a [SignatureScheme],
    /// ALPN protocol names.
    pub alpn: ByteStrings<'a>,
    /// Offer extended_master_secret.
    pub extended_master_secret: bool,
    /// renegotiation_info contents; `None` omits the extension (then the
    /// SCSV should be in `cipher_suites`).
    pub renegotiation_info: Option<&'a [u8]>,
    /// session_ticket extension body; `None` omits it.
    pub session_ticket: Option<&'a [u8]>,
}

#[cfg(feature = "client")]
impl ClientHelloRepr<'_> {
    /// Encodes the whole handshake message (header included).
    pub fn encode(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        write_handshake(w, HandshakeType::ClientHello, |w| {
            w.u16(TLS12)?;
            w.bytes(&self.random)?;
            w.vec8(self.session_id)?;
            w.vec(2, |w| self.cipher_suites.iter().try_for_each(|s| w.u16(s.to_wire())))?;
            w.vec8(&[0])?; // compression: null only
            w.vec(2, |w| {
                if let Some(name) = self.server_name {
                    ext(w, ExtensionType::ServerName, |w| {
                        w.vec(2, |w| {
                            w.u8(0)?;
                            w.vec16(name)
                        })
                    })?;
                }
                if let Some(m) = self.max_fragment_length {
                    ext(w, ExtensionType::MaxFragmentLength, |w| w.u8(m.to_wire()))?;
                }
                if !self.groups.is_empty() {
                    ext(w, ExtensionType::SupportedGroups, |w| {
                        w.vec(2, |w| self.groups.iter().try_for_each(|g| w.u16(g.to_wire())))
                    })?;
                    ext(w, ExtensionType::EcPointFormats, |w| w.vec8(&[0]))?;
                }
                if !self.signature_schemes.is_empty() {
                    ext(w, ExtensionType::SignatureAlgorithms, |w| {
                        w.vec(2, |w| self.signature_schemes.iter().try_for_each(|s| w.u16(s.to_wire())))
                    })?;
                }
                if !self.alpn.is_empty() {
                    ext(w, ExtensionType::Alpn, |w| w.vec(2, |w| self.alpn.iter().try_for_each(|p| w.vec8(p))))?;
                }
                if self.extended_master_secret {
                    ext(w, ExtensionType::ExtendedMasterSecret, |_| Ok(()))?;
                }
                if let Some(limit) = self.record_size_limit {
                    ext(w, ExtensionType::RecordSizeLimit, |w| w.u16(limit))?;
                }
                if let Some(t) = self.session_ticket {
                    ext(w, ExtensionType::SessionTicket, |w| w.bytes(t))?;
                }
                if let Some(ri) = self.renegotiation_info {
                    ext(w, ExtensionType::RenegotiationInfo, |w| w.vec8(ri))?;
                }
                Ok(())
            })
        })
    }
}

fn ext<F>(w: &mut Writer<'_>, t: ExtensionType, body: F) -> Result<(), Error>
where
    F: FnOnce(&mut Writer<'_>) -> Result<(), Error>,
{
    w.u16(t.to_wire())?;
    w.vec(2, body)
}

/// A ServerHello (RFC 5246 §7.4.1.3) with the extensions this crate reads.
#[cfg(feature = "client")]
#[derive(Debug, Clone, Default)]
pub struct ServerHello<'a> {
    /// server_version.
    pub version: u16,
    /// Server random.
    pub random: [u8; 32],
    /// Session ID (0 to 32 bytes).
    pub session_id: &'a [u8],
    /// The chosen suite.
    pub cipher_suite: u16,
    /// The chosen compression method.
    pub compression_method: u8,
    /// server_name acknowledged (empty extension).
    pub server_name_ack: bool,
    /// max_fragment_length echoed.
    pub max_fragment_length: Option<MaxFragmentLength>,
    /// ec_point_formats.
    pub ec_point_formats: Option<&'a [u8]>,
    /// ALPN: the selected protocol.
    pub alpn: Option<&'a [u8]>,
    /// extended_master_secret acknowledged.
    pub extended_master_secret: bool,
    /// renegotiation_info's renegotiated_connection.
    pub renegotiation_info: Option<&'a [u8]>,
    /// session_ticket acknowledged (empty extension).
    pub session_ticket_ack: bool,
    /// record_size_limit (RFC 8449): the server's limit on protected
    /// records we send.
    pub record_size_limit: Option<u16>,
    /// The first extension a TLS 1.2 server never sends unsolicited
    /// (any type this parser does not handle), for the client to refuse.
    pub unsolicited: Option<ExtensionType>,
}

#[cfg(feature = "client")]
impl<'a> ServerHello<'a> {
    /// Parses a ServerHello body. Extensions a TLS 1.2 server must never send
    /// unsolicited are reported in `unsolicited` (the first one seen) for the
    /// client to refuse against what it offered.
    pub fn parse(body: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let mut sh = ServerHello { version: r.u16()?, random: r.array()?, ..Default::default() };
        sh.session_id = r.vec8()?;
        // RFC 5246 §7.4.1.3: SessionID<0..32>. A longer one that decodes is
        // illegal_parameter, as OpenSSL and GnuTLS clients send (a vector
        // running past the message stays decode_error, as OpenSSL).
        if sh.session_id.len() > 32 {
            return Err(Error::IllegalParameter.because("server session ID longer than 32 bytes"));
        }
        sh.cipher_suite = r.u16()?;
        sh.compression_method = r.u8()?;
        // RFC 5246 §7.4.1.4: a known extension twice in a ServerHello is
        // illegal_parameter, as OpenSSL (tls_collect_extensions) sends;
        // GnuTLS accepts it, which the RFC's "MUST NOT" does not allow.
        for_each_extension(&mut r, |t, body| {
            match t {
                ExtensionType::ServerName => {
                    parse_empty(body)?;
                    sh.server_name_ack = true;
                }
                ExtensionType::MaxFragmentLength => {
                    sh.max_fragment_length = Some(MaxFragmentLength::from(whole(body, |b| b.u8())?));
                }
                ExtensionType::EcPointFormats => {
                    sh.ec_point_formats = Some(whole(body, |b| non_empty(b.vec8()?))?);
                }
                ExtensionType::Alpn => {
                    let list = parse_alpn(body)?;
                    let mut l = Reader::new(list);
                    let name = l.vec8()?;
                    // RFC 7301 §3.1: exactly one protocol name.
                    l.expect_end()?;
                    sh.alpn = Some(name);
                }
                ExtensionType::ExtendedMasterSecret => {
                    parse_empty(body)?;
                    sh.extended_master_secret = true;
                }
                ExtensionType::RenegotiationInfo => {
                    sh.renegotiation_info = Some(whole(body, |b| b.vec8())?);
                }
                ExtensionType::SessionTicket => {
                    parse_empty(body)?;
                    sh.session_ticket_ack = true;
                }
                ExtensionType::RecordSizeLimit => {
                    sh.record_size_limit = Some(whole(body, |b| b.u16())?);
                }
                other => {
                    if sh.unsolicited.is_none() {
                        sh.unsolicited = Some(other);
                    }
                }
            }
            Ok(())
        })?;
        Ok(sh)
    }
}

/// What goes into a ServerHello we send.
#[cfg(feature = "server")]
#[derive(Debug, Clone, Default)]
pub struct ServerHelloRepr<'a> {
    /// Server random.
    pub random: [u8; 32],
    /// Session ID.
    pub session_id: &'a [u8],
    /// The chosen suite.
    pub cipher_suite: u16,
    /// Acknowledge server_name with an empty extension.
    pub server_name_ack: bool,
    /// Echo max_fragment_length.
    pub max_fragment_length: Option<MaxFragmentLength>,
    /// Send ec_point_formats (uncompressed).
    pub ec_point_formats: bool,
    /// ALPN: the selected protocol.
    pub alpn: Option<&'a [u8]>,
    /// Acknowledge extended_master_secret.
    pub extended_master_secret: bool,
    /// renegotiation_info contents, if the extension is sent.
    pub renegotiation_info: Option<&'a [u8]>,
    /// Acknowledge session_ticket.
    pub session_ticket_ack: bool,
    /// record_size_limit to send (RFC 8449, only when the client sent one):
    /// the largest protected record plaintext we accept.
    pub record_size_limit: Option<u16>,
}

#[cfg(feature = "server")]
impl ServerHelloRepr<'_> {
    /// Encodes the whole handshake message (header included).
    pub fn encode(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        write_handshake(w, HandshakeType::ServerHello, |w| {
            w.u16(TLS12)?;
            w.bytes(&self.random)?;
            w.vec8(self.session_id)?;
            w.u16(self.cipher_suite)?;
            w.u8(0)?;
            w.vec(2, |w| {
                if self.server_name_ack {
                    ext(w, ExtensionType::ServerName, |_| Ok(()))?;
                }
                if let Some(m) = self.max_fragment_length {
                    ext(w, ExtensionType::MaxFragmentLength, |w| w.u8(m.to_wire()))?;
                }
                if self.ec_point_formats {
                    ext(w, ExtensionType::EcPointFormats, |w| w.vec8(&[0]))?;
                }
                if let Some(p) = self.alpn {
                    ext(w, ExtensionType::Alpn, |w| w.vec(2, |w| w.vec8(p)))?;
                }
                if self.extended_master_secret {
                    ext(w, ExtensionType::ExtendedMasterSecret, |_| Ok(()))?;
                }
                if self.session_ticket_ack {
                    ext(w, ExtensionType::SessionTicket, |_| Ok(()))?;
                }
                if let Some(limit) = self.record_size_limit {
                    ext(w, ExtensionType::RecordSizeLimit, |w| w.u16(limit))?;
                }
                if let Some(ri) = self.renegotiation_info {
                    ext(w, ExtensionType::RenegotiationInfo, |w| w.vec8(ri))?;
                }
                Ok(())
            })
        })
    }
}

//! Alert parity for malformed ClientHellos: for each crafted ClientHello in
//! the table below, the first alert our server sends is the one OpenSSL
//! (`openssl s_server`) and GnuTLS (`gnutls-serv`) send, or, where those two
//! disagree, the one of them the table says we follow.
//!
//! RFC 5246 leaves open which alert goes with which malformed field; the
//! rule of this crate is to answer as OpenSSL and GnuTLS do. Each case is
//! sent as one record (or as the records the case says) over a fresh TCP
//! connection to each peer, started once for the whole table, and fed to an
//! in-memory `Connection::server`. The table names the expected outcome for
//! each of the three explicitly, so the test documents the behaviour and
//! fails when a peer (a new OpenSSL or GnuTLS release) changes it.
//!
//! Skips loudly when a peer is missing, and fails instead when
//! `SANSIO_TLS_REQUIRE_PEERS` is set (as in CI).

mod common;

use common::memory::{ECDSA_CA, ECDSA_SERVER, ECDSA_SERVER_KEY, NOW};
use common::peers::*;
use sansio_tls::crypto::SigningKey;
use sansio_tls::session::{TicketKey, TicketKeys};
use sansio_tls::testing::TestRng;
use sansio_tls::{AlertDescription, Error, ServerConfig, ServerConnection};
use std::fmt;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

// ----- outcomes ---------------------------------------------------------------

/// What a server answered to a case.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// A ServerHello: the ClientHello was accepted.
    Hello,
    /// This alert, first.
    Alert(AlertDescription),
    /// The connection was closed (or reset) without an alert.
    Closed,
    /// Nothing came within the wait: the server waits for more bytes.
    Waiting,
}

use AlertDescription as A;
use Outcome::*;

const DECODE: Outcome = Alert(A::DecodeError);
const ILLEGAL: Outcome = Alert(A::IllegalParameter);
const UNEXPECTED: Outcome = Alert(A::UnexpectedMessage);
const HS_FAILURE: Outcome = Alert(A::HandshakeFailure);
const VERSION: Outcome = Alert(A::ProtocolVersion);
const UNSUPPORTED_EXT: Outcome = Alert(A::UnsupportedExtension);

impl fmt::Debug for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hello => f.write_str("ServerHello"),
            Alert(a) => write!(f, "{a:?}"),
            Closed => f.write_str("closed, no alert"),
            Waiting => f.write_str("waiting"),
        }
    }
}

/// Reads `bytes` (what a server sent) as far as its first record: an alert
/// or a handshake record starting with a ServerHello. With `after_flight`,
/// the server's handshake records are skipped and the first alert counts.
/// `None`: not enough bytes yet.
fn classify(mut bytes: &[u8], after_flight: bool) -> Option<Outcome> {
    loop {
        let header = bytes.get(..5)?;
        let end = 5 + u16::from_be_bytes([header[3], header[4]]) as usize;
        let body = bytes.get(5..end)?;
        match (header[0], body) {
            (21, [_, desc]) => return Some(Alert(AlertDescription::from(*desc))),
            (22, _) if after_flight => bytes = &bytes[end..],
            (22, [2, ..]) => return Some(Hello),
            _ => panic!("unexpected record from the server: {:02x?}", &bytes[..bytes.len().min(16)]),
        }
    }
}

// ----- ClientHello builder ------------------------------------------------------

const SERVER_NAME: u16 = 0;
const MAX_FRAGMENT_LENGTH: u16 = 1;
const SUPPORTED_GROUPS: u16 = 10;
const EC_POINT_FORMATS: u16 = 11;
const SIGNATURE_ALGORITHMS: u16 = 13;
const ALPN: u16 = 16;
const PADDING: u16 = 21;
const EMS: u16 = 23;
const SESSION_TICKET: u16 = 35;
const RENEGOTIATION_INFO: u16 = 0xff01;
/// An extension type nobody assigned.
const UNKNOWN: u16 = 0x7a7a;

/// A ClientHello record, field by field. Length-prefixed fields are kept
/// with their prefix so that a case can break the prefix.
#[derive(Clone)]
struct Hello {
    record_version: [u8; 2],
    msg_type: u8,
    /// Added to the handshake header's length.
    msg_len_delta: isize,
    version: [u8; 2],
    random: Vec<u8>,
    session_id: Vec<u8>,
    suites: Vec<u8>,
    compression: Vec<u8>,
    extensions: Vec<(u16, Vec<u8>)>,
    /// Added to the extensions block's length.
    ext_len_delta: isize,
    /// Replaces the whole extensions block (length included) if set.
    ext_block: Option<Vec<u8>>,
    /// Appended to the ClientHello body.
    trailing: Vec<u8>,
}

fn vec8(b: &[u8]) -> Vec<u8> {
    let mut v = vec![b.len() as u8];
    v.extend_from_slice(b);
    v
}

fn vec16(b: &[u8]) -> Vec<u8> {
    let mut v = (b.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(b);
    v
}

fn u16s(values: &[u16]) -> Vec<u8> {
    vec16(&values.iter().flat_map(|v| v.to_be_bytes()).collect::<Vec<_>>())
}

/// A server_name body with these (type, name) entries.
fn server_names(names: &[&[u8]]) -> Vec<u8> {
    vec16(&names.iter().flat_map(|n| [&[0u8][..], &vec16(n)].concat()).collect::<Vec<_>>())
}

impl Hello {
    /// A ClientHello every server here accepts: the three ECDHE-ECDSA AEAD
    /// suites, x25519 and P-256, SHA-256/384 ECDSA and RSA-PSS schemes, EMS,
    /// secure renegotiation, and SNI.
    fn good() -> Self {
        Hello {
            record_version: [3, 1],
            msg_type: 1,
            msg_len_delta: 0,
            version: [3, 3],
            random: (0..32).collect(),
            session_id: vec8(&[]),
            suites: u16s(&[0xc02b, 0xc02c, 0xcca9]),
            compression: vec8(&[0]),
            extensions: vec![
                (SERVER_NAME, server_names(&[b"localhost"])),
                (SUPPORTED_GROUPS, u16s(&[0x001d, 0x0017])),
                (EC_POINT_FORMATS, vec8(&[0])),
                (SIGNATURE_ALGORITHMS, u16s(&[0x0403, 0x0503, 0x0804, 0x0805, 0x0401])),
                (EMS, vec![]),
                (RENEGOTIATION_INFO, vec8(&[])),
            ],
            ext_len_delta: 0,
            ext_block: None,
            trailing: vec![],
        }
    }

    fn with(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }

    /// Replaces the body of extension `t` (which must be there).
    fn set(self, t: u16, body: Vec<u8>) -> Self {
        self.with(|h| {
            let e = h.extensions.iter_mut().find(|(x, _)| *x == t).expect("extension in the base hello");
            e.1 = body;
        })
    }

    /// Appends extension `t`.
    fn add(self, t: u16, body: Vec<u8>) -> Self {
        self.with(|h| h.extensions.push((t, body)))
    }

    /// Removes extension `t`.
    fn drop_ext(self, t: u16) -> Self {
        self.with(|h| h.extensions.retain(|(x, _)| *x != t))
    }

    /// Appends the extension `t` of the base hello again.
    fn duplicate(self, t: u16) -> Self {
        let body = self.extensions.iter().find(|(x, _)| *x == t).expect("extension in the base hello").1.clone();
        self.add(t, body)
    }

    fn suites(self, s: Vec<u8>) -> Self {
        self.with(|h| h.suites = s)
    }

    fn body(&self) -> Vec<u8> {
        let mut b = [&self.version[..], &self.random, &self.session_id, &self.suites, &self.compression].concat();
        match &self.ext_block {
            Some(block) => b.extend_from_slice(block),
            None => {
                let exts: Vec<u8> = self
                    .extensions
                    .iter()
                    .flat_map(|(t, body)| [&t.to_be_bytes()[..], &vec16(body)].concat())
                    .collect();
                let len = exts.len().checked_add_signed(self.ext_len_delta).unwrap() as u16;
                b.extend_from_slice(&len.to_be_bytes());
                b.extend_from_slice(&exts);
            }
        }
        b.extend_from_slice(&self.trailing);
        b
    }

    /// The handshake message.
    fn message(&self) -> Vec<u8> {
        let body = self.body();
        let len = body.len().checked_add_signed(self.msg_len_delta).unwrap() as u32;
        [&[self.msg_type][..], &len.to_be_bytes()[1..], &body].concat()
    }

    /// The record carrying the message.
    fn record(&self) -> Vec<u8> {
        let msg = self.message();
        [&[22][..], &self.record_version, &(msg.len() as u16).to_be_bytes(), &msg].concat()
    }
}

// ----- the table ---------------------------------------------------------------

/// One case: the bytes sent, and what each server is expected to answer.
/// Where OpenSSL and GnuTLS differ, `ours` is one of the two, and the
/// comment at the case says which and why.
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    /// The outcome is the first alert after the server's first flight (the
    /// bytes start with a good ClientHello).
    after_flight: bool,
    openssl: Outcome,
    gnutls: Outcome,
    ours: Outcome,
    /// Set for a known divergence: ours differs from both peers, and is
    /// recorded as it is (see the comment at the case).
    divergence: bool,
}

fn case(name: &'static str, hello: Hello, openssl: Outcome, gnutls: Outcome, ours: Outcome) -> Case {
    Case { name, bytes: hello.record(), after_flight: false, openssl, gnutls, ours, divergence: false }
}

/// A case where all three answer `outcome`.
fn same(name: &'static str, hello: Hello, outcome: Outcome) -> Case {
    case(name, hello, outcome, outcome, outcome)
}

/// A case of raw bytes (records built by hand) where all three answer
/// `outcome`.
fn raw(name: &'static str, bytes: Vec<u8>, outcome: Outcome) -> Case {
    Case { name, bytes, after_flight: false, openssl: outcome, gnutls: outcome, ours: outcome, divergence: false }
}

/// A case of a good ClientHello followed by a record of `content_type`
/// around `payload`, with the negotiated version {3,3}: the outcome is the
/// first alert after the server's flight.
fn after_hello(name: &'static str, content_type: u8, payload: &[u8], outcome: Outcome) -> Case {
    let mut rec = record(content_type, payload);
    rec[2] = 3;
    Case { after_flight: true, ..raw(name, [Hello::good().record(), rec].concat(), outcome) }
}

/// A record of `content_type` with version {3,1} around `payload`.
fn record(content_type: u8, payload: &[u8]) -> Vec<u8> {
    [&[content_type, 3, 1][..], &(payload.len() as u16).to_be_bytes(), payload].concat()
}

fn table() -> Vec<Case> {
    let good = Hello::good;
    let t = vec![
        // The baseline: accepted by everyone, so that every other case
        // differs from an accepted hello in one field only.
        same("valid ClientHello", good(), Hello),
        // ----- client_version
        same("client_version {3,1} (TLS 1.0)", good().with(|h| h.version = [3, 1]), VERSION),
        same("client_version {3,2} (TLS 1.1)", good().with(|h| h.version = [3, 2]), VERSION),
        // OpenSSL sends handshake_failure for SSL 3.0 (and protocol_version
        // for every other old version); GnuTLS sends protocol_version. We follow GnuTLS: RFC 5246 E.1 names
        // protocol_version for a version the server does not support, and
        // it is what OpenSSL sends for {3,1}, {3,2} and {2,0}.
        case("client_version {3,0} (SSL 3.0)", good().with(|h| h.version = [3, 0]), HS_FAILURE, VERSION, VERSION),
        same("client_version {2,0}", good().with(|h| h.version = [2, 0]), VERSION),
        same("client_version {0,0}", good().with(|h| h.version = [0, 0]), VERSION),
        // A higher version than ours is negotiated down (RFC 5246 E.1).
        same("client_version {3,4} (no supported_versions)", good().with(|h| h.version = [3, 4]), Hello),
        same("client_version {3,255}", good().with(|h| h.version = [3, 255]), Hello),
        same("client_version {4,0}", good().with(|h| h.version = [4, 0]), Hello),
        // ----- random
        same(
            "random of 20 bytes, message ends there",
            good().with(|h| {
                h.random.truncate(20);
                h.session_id.clear();
                h.suites.clear();
                h.compression.clear();
                h.ext_block = Some(vec![]);
            }),
            DECODE,
        ),
        // ----- session_id
        same("session_id length 33", good().with(|h| h.session_id = vec8(&[7; 33])), DECODE),
        same("session_id length past the end", good().with(|h| h.session_id = vec![0xff, 1, 2, 3]), DECODE),
        // ----- cipher_suites
        // OpenSSL: illegal_parameter (SSL_R_NO_CIPHERS_SPECIFIED); GnuTLS:
        // decode_error. We follow GnuTLS: CipherSuite
        // cipher_suites<2..2^16-2> (RFC 5246 §7.4.1.2), so an empty vector
        // does not decode, as an empty compression_methods does not (where
        // both peers send decode_error).
        case("cipher_suites empty", good().suites(u16s(&[])), ILLEGAL, DECODE, DECODE),
        same("cipher_suites odd length", good().suites(vec16(&[0xc0, 0x2b, 0xc0])), DECODE),
        same("cipher_suites length past the end", good().suites(vec![0xff, 0xff, 0xc0, 0x2b]), DECODE),
        same("no cipher suite in common", good().suites(u16s(&[0x002f, 0x0035, 0x000a])), HS_FAILURE),
        // ----- compression_methods
        same("compression_methods empty", good().with(|h| h.compression = vec8(&[])), DECODE),
        // OpenSSL: decode_error (SSL_R_NO_COMPRESSION_SPECIFIED); GnuTLS:
        // illegal_parameter. We follow GnuTLS: the vector decodes, the value
        // is what RFC 5246 §7.4.1.2 forbids ("MUST contain ... null").
        case("compression_methods without null", good().with(|h| h.compression = vec8(&[1])), DECODE, ILLEGAL, ILLEGAL),
        same("compression_methods length past the end", good().with(|h| h.compression = vec![0xff, 0]), DECODE),
        // ----- the extensions block
        same("extensions block length too short", good().with(|h| h.ext_len_delta = -1), DECODE),
        same("extensions block length too long", good().with(|h| h.ext_len_delta = 1), DECODE),
        same("trailing byte after the extensions block", good().with(|h| h.trailing = vec![0]), DECODE),
        same("extensions block of a single byte", good().with(|h| h.ext_block = Some(vec![0])), DECODE),
        // The last extension claims 7 bytes, and 3 are left in the block.
        same(
            "extension length past the block",
            good().with(|h| h.ext_block = Some(h.block_with(&[0x7a, 0x7a, 0, 7, 1, 2, 3]))),
            DECODE,
        ),
        same(
            "padding (21) with length 0xffff",
            good().with(|h| h.ext_block = Some(h.block_with(&[0, 21, 0xff, 0xff, 0, 0, 0, 0]))),
            DECODE,
        ),
        same("padding (21) of 15000 bytes", good().add(PADDING, vec![0; 15000]), Hello),
        // No signature_algorithms means SHA-1 (RFC 5246 §7.4.1.4.1). GnuTLS
        // signs with ECDSA-SHA1; OpenSSL 3 (security level 1 forbids SHA-1)
        // and we refuse: handshake_failure, as OpenSSL (RFC 9155 deprecates
        // SHA-1 signatures in TLS 1.2).
        case("no extensions block", good().with(|h| h.ext_block = Some(vec![])), HS_FAILURE, Hello, HS_FAILURE),
        case("empty extensions block", good().with(|h| h.extensions.clear()), HS_FAILURE, Hello, HS_FAILURE),
        // ----- duplicates
        // A known extension twice (RFC 5246 §7.4.1.4 "MUST NOT"): OpenSSL
        // sends illegal_parameter (tls_collect_extensions, SSL_R_BAD_EXTENSION),
        // GnuTLS unsupported_extension. We follow OpenSSL: the message
        // decodes, and illegal_parameter is the generic "field not allowed";
        // unsupported_extension (RFC 5246 §7.2.2) is for a server's
        // extension the client never offered.
        case("supported_groups twice", good().duplicate(SUPPORTED_GROUPS), ILLEGAL, UNSUPPORTED_EXT, ILLEGAL),
        case("signature_algorithms twice", good().duplicate(SIGNATURE_ALGORITHMS), ILLEGAL, UNSUPPORTED_EXT, ILLEGAL),
        case("extended_master_secret twice", good().duplicate(EMS), ILLEGAL, UNSUPPORTED_EXT, ILLEGAL),
        case("renegotiation_info twice", good().duplicate(RENEGOTIATION_INFO), ILLEGAL, UNSUPPORTED_EXT, ILLEGAL),
        same("unknown extension twice", good().add(UNKNOWN, vec![]).add(UNKNOWN, vec![1]), Hello),
        // ----- server_name (RFC 6066 §3)
        same("server_name empty list", good().set(SERVER_NAME, vec16(&[])), DECODE),
        // HostName<1..2^16-1>: OpenSSL accepts an empty one (and ignores
        // it), GnuTLS sends decode_error. We follow GnuTLS: an empty name is
        // a vector below its minimum length.
        case("server_name empty host_name", good().set(SERVER_NAME, server_names(&[b""])), Hello, DECODE, DECODE),
        // "MUST NOT contain more than one name of the same name_type":
        // OpenSSL sends decode_error (it takes exactly one entry), GnuTLS
        // accepts (it uses the first). We follow OpenSSL: refusing is what
        // the RFC asks, and accepting would leave which name counts open.
        case(
            "server_name two host_names",
            good().set(SERVER_NAME, server_names(&[b"a.example", b"b.example"])),
            DECODE,
            Hello,
            DECODE,
        ),
        same(
            "server_name trailing bytes",
            good().set(SERVER_NAME, [server_names(&[b"localhost"]), vec![0]].concat()),
            DECODE,
        ),
        // ----- supported_groups, ec_point_formats (RFC 8422 §5.1)
        // OpenSSL: decode_error (named_curve_list<2..2^16-1>); GnuTLS:
        // handshake_failure (no group in common). We follow OpenSSL: the
        // vector is below its minimum length.
        case("supported_groups empty", good().set(SUPPORTED_GROUPS, u16s(&[])), DECODE, HS_FAILURE, DECODE),
        same("supported_groups odd length", good().set(SUPPORTED_GROUPS, vec16(&[0, 0x1d, 0])), DECODE),
        // OpenSSL: decode_error (ec_point_format_list<1..2^8-1>); GnuTLS
        // accepts. We follow OpenSSL: the vector is below its minimum length.
        case("ec_point_formats empty", good().set(EC_POINT_FORMATS, vec8(&[])), DECODE, Hello, DECODE),
        // RFC 8422 §5.1.2 says the list MUST contain uncompressed; both
        // peers accept it anyway (every point is sent uncompressed), and so
        // do we.
        same("ec_point_formats without uncompressed", good().set(EC_POINT_FORMATS, vec8(&[1, 2])), Hello),
        // ----- signature_algorithms (RFC 5246 §7.4.1.4.1)
        same("signature_algorithms empty", good().set(SIGNATURE_ALGORITHMS, u16s(&[])), DECODE),
        same("signature_algorithms odd length", good().set(SIGNATURE_ALGORITHMS, vec16(&[4, 3, 5])), DECODE),
        // GnuTLS signs with ECDSA-SHA1; OpenSSL 3 and we refuse SHA-1
        // (RFC 9155): handshake_failure, as OpenSSL.
        case(
            "signature_algorithms SHA-1 only",
            good().set(SIGNATURE_ALGORITHMS, u16s(&[0x0203, 0x0201])),
            HS_FAILURE,
            Hello,
            HS_FAILURE,
        ),
        // ----- ALPN (RFC 7301 §3.1)
        same("ALPN empty list", good().add(ALPN, vec16(&[])), DECODE),
        same("ALPN empty name", good().add(ALPN, vec16(&[2, b'h', b'2', 0])), DECODE),
        // ----- extended_master_secret (RFC 7627 §5.1)
        same("extended_master_secret non-empty", good().set(EMS, vec![0]), DECODE),
        // ----- renegotiation_info (RFC 5746 §3.6)
        same(
            "renegotiation_info non-empty, initial handshake",
            good().set(RENEGOTIATION_INFO, vec8(&[1; 12])),
            HS_FAILURE,
        ),
        same(
            "SCSV with non-empty renegotiation_info",
            good().suites(u16s(&[0xc02b, 0x00ff])).set(RENEGOTIATION_INFO, vec8(&[1; 12])),
            HS_FAILURE,
        ),
        same("SCSV with empty renegotiation_info", good().suites(u16s(&[0xc02b, 0x00ff])), Hello),
        same("SCSV, no renegotiation_info", good().suites(u16s(&[0xc02b, 0x00ff])).drop_ext(RENEGOTIATION_INFO), Hello),
        // Both peers read renegotiated_connection and ignore what follows it
        // in the extension; so do we.
        same("renegotiation_info with trailing byte", good().set(RENEGOTIATION_INFO, vec![0, 0]), Hello),
        // ----- max_fragment_length (RFC 6066 §4)
        same("max_fragment_length 0", good().add(MAX_FRAGMENT_LENGTH, vec![0]), ILLEGAL),
        same("max_fragment_length 5", good().add(MAX_FRAGMENT_LENGTH, vec![5]), ILLEGAL),
        // ----- session_ticket (RFC 5077 §3.4): a ticket that does not open
        // is a full handshake, not an error.
        same(
            "session_ticket with garbage",
            good().with(|h| h.session_id = vec8(&[9; 32])).add(SESSION_TICKET, vec![0x5a; 100]),
            Hello,
        ),
        // ----- the record layer
        same("record version {3,0}", good().with(|h| h.record_version = [3, 0]), Hello),
        same("record version {3,3}", good().with(|h| h.record_version = [3, 3]), Hello),
        same("record version {3,4}", good().with(|h| h.record_version = [3, 4]), Hello),
        // OpenSSL closes without an alert (it only checks whether the bytes
        // look like HTTP); GnuTLS sends protocol_version. We follow GnuTLS:
        // an alert tells the peer why.
        case("record version {2,0}", good().with(|h| h.record_version = [2, 0]), Closed, VERSION, VERSION),
        // ----- the handshake layer
        same("ServerHello sent to a server", good().with(|h| h.msg_type = 2), UNEXPECTED),
        same("Finished first", good().with(|h| h.msg_type = 20), UNEXPECTED),
        same("Certificate first", good().with(|h| h.msg_type = 11), UNEXPECTED),
        same("handshake length shorter than the body", good().with(|h| h.msg_len_delta = -1), DECODE),
        same("handshake length longer than the body", good().with(|h| h.msg_len_delta = 1), Waiting),
        same("HelloRequest sent to a server", good().with(|h| h.msg_type = 0), UNEXPECTED),
        same("unknown handshake type 99", good().with(|h| h.msg_type = 99), UNEXPECTED),
        // ----- records around the ClientHello
        raw("ChangeCipherSpec first", record(20, &[1]), UNEXPECTED),
        raw("application_data first", record(23, b"GET / HTTP/1.0\r\n\r\n"), UNEXPECTED),
        raw("unknown content type 99", record(99, &good().message()), UNEXPECTED),
        raw(
            "ClientHello split over two records",
            {
                let msg = good().message();
                [record(22, &msg[..10]), record(22, &msg[10..])].concat()
            },
            Hello,
        ),
        // RFC 5246 §6.2.1 forbids zero-length handshake fragments. OpenSSL
        // skips the empty record; GnuTLS sends unexpected_message, and so do
        // we (an empty record carries no message, so nothing else fits).
        Case {
            openssl: Hello,
            ..raw("empty handshake record", [record(22, &[]), good().record()].concat(), UNEXPECTED)
        },
        raw(
            "record length 18433 (over 2^14 + 2048)",
            [&[22, 3, 1, 0x48, 0x01][..], &[0; 64]].concat(),
            Alert(A::RecordOverflow),
        ),
        raw(
            "plaintext record of 2^14 + 1 bytes",
            {
                let h = good().add(PADDING, vec![]);
                let n = h.message().len();
                record(22, &h.add(PADDING, vec![0; (1 << 14) + 1 - n - 4]).message())
            },
            Alert(A::RecordOverflow),
        ),
        // ----- alert records where the ClientHello should be: both peers
        // answer any alert record before the first ClientHello, and a
        // one-byte alert record at any time, with unexpected_message; so do
        // we.
        raw("fatal alert first", record(21, &[2, 40]), UNEXPECTED),
        raw("warning alert first", record(21, &[1, 90]), UNEXPECTED),
        raw("close_notify first", record(21, &[1, 0]), UNEXPECTED),
        raw("alert of unknown level first", record(21, &[3, 0]), UNEXPECTED),
        raw("alert record of one byte first", record(21, &[2]), UNEXPECTED),
        after_hello("alert record of one byte after the ClientHello", 21, &[2], UNEXPECTED),
        after_hello("fatal alert after the ClientHello", 21, &[2, 40], Closed),
        after_hello("warning alert after the ClientHello", 21, &[1, 90], Waiting),
        // OpenSSL: illegal_parameter (SSL_R_UNKNOWN_ALERT_TYPE); GnuTLS:
        // internal_error. We follow OpenSSL: the level is a field with a
        // value not allowed; nothing internal went wrong.
        Case {
            gnutls: Alert(A::InternalError),
            ..after_hello("alert of unknown level after the ClientHello", 21, &[3, 0], ILLEGAL)
        },
        after_hello("second ClientHello", 22, &Hello::good().message(), UNEXPECTED),
        after_hello("ChangeCipherSpec before ClientKeyExchange", 20, &[1], UNEXPECTED),
    ];
    t
}

impl Hello {
    /// The extensions block of this hello with `raw` appended inside it
    /// (the block length counts it).
    fn block_with(&self, raw: &[u8]) -> Vec<u8> {
        let mut exts: Vec<u8> =
            self.extensions.iter().flat_map(|(t, body)| [&t.to_be_bytes()[..], &vec16(body)].concat()).collect();
        exts.extend_from_slice(raw);
        vec16(&exts)
    }
}

// ----- running a case ------------------------------------------------------------

/// How long a peer gets to answer a case before it counts as waiting.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a case expected to wait is watched.
const WAIT_TIMEOUT: Duration = Duration::from_millis(400);

/// Sends `bytes` to 127.0.0.1:`port` over a fresh connection and returns
/// the first thing the server answers.
fn ask_peer(port: u16, bytes: &[u8], after_flight: bool, wait: Duration) -> Outcome {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut sock = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect to the peer");
    sock.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    sock.set_nodelay(true).unwrap();
    // A server may answer before it read everything, and then close: a
    // failed write is fine, what counts is what it sent.
    let _ = sock.write_all(bytes);
    let deadline = Instant::now() + wait;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(o) = classify(&got, after_flight) {
            return o;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Waiting;
        }
        sock.set_read_timeout(Some(left)).unwrap();
        match sock.read(&mut buf) {
            Ok(0) => return Closed,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return Waiting,
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted) => {
                return Closed;
            }
            Err(e) => panic!("reading from the peer: {e}"),
        }
    }
}

static TICKET_KEY: TicketKey = TicketKey { name: [7; 16], key: [8; 32] };

/// Feeds `bytes` to a fresh in-memory server: its outcome, and the error
/// `poll_event` returned.
fn ask_ours(config: &ServerConfig<'_>, bytes: &[u8], after_flight: bool) -> (Outcome, Option<Error>) {
    let (mut rx, mut tx) = (vec![0; 20_000], vec![0; 20_000]);
    let mut rng = TestRng::new(1);
    let mut conn = ServerConnection::new(config, &mut rx, &mut tx, &mut rng, NOW).unwrap();
    let mut rest = bytes;
    let mut error = None;
    while error.is_none() {
        let n = conn.feed(rest);
        rest = &rest[n..];
        loop {
            match conn.poll_event(NOW) {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        if rest.is_empty() || n == 0 {
            break;
        }
    }
    let out = classify(conn.transmit_pending(), after_flight).unwrap_or(if error.is_some() { Closed } else { Waiting });
    (out, error)
}

#[test]
fn alerts_for_malformed_client_hellos_match_openssl_and_gnutls() {
    if !require_peer("openssl") || !require_peer("gnutls-serv") {
        return;
    }
    let cases = table();
    assert!(cases.len() >= 40);
    // The table itself: where the peers agree we send the same, where they
    // disagree we send one of the two.
    for c in &cases {
        let follows = c.ours == c.openssl || c.ours == c.gnutls;
        assert!(follows != c.divergence, "{}: ours must be OpenSSL's or GnuTLS's, or a marked divergence", c.name);
    }

    let (cert, key) = (pki("ecdsa-server-chain.pem"), pki("ecdsa-server.key.pem"));
    let openssl_port = free_port();
    let _openssl = openssl_s_server(openssl_port, &cert, &key, &[]);
    let gnutls_port = free_port();
    let _gnutls = gnutls_serv(gnutls_port, &cert, &key, GNUTLS_TLS12, &["--disable-client-cert"]);

    let signing_key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let chain = [ECDSA_SERVER, ECDSA_CA];
    let mut config = ServerConfig::new(&chain, &signing_key);
    // With ticket keys, so that a garbage ticket is really looked at.
    config.ticket_keys = Some(TicketKeys { current: &TICKET_KEY, previous: &[], lifetime_secs: 3600 });

    let rows: Vec<_> = cases
        .iter()
        .map(|c| {
            let wait = |expected: Outcome| if expected == Waiting { WAIT_TIMEOUT } else { ANSWER_TIMEOUT };
            let openssl = ask_peer(openssl_port, &c.bytes, c.after_flight, wait(c.openssl));
            let gnutls = ask_peer(gnutls_port, &c.bytes, c.after_flight, wait(c.gnutls));
            let (ours, error) = ask_ours(&config, &c.bytes, c.after_flight);
            common::parity::Row {
                name: c.name.to_string(),
                expected: [c.openssl, c.gnutls, c.ours],
                got: [openssl, gnutls, ours],
                divergence: c.divergence,
                detail: format!("{error:?}"),
            }
        })
        .collect();
    common::parity::assert_table(&rows);
}

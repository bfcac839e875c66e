//! Alert parity for malformed server flights: for each crafted server flight
//! in the table below, the first alert our client sends is the one OpenSSL
//! (`openssl s_client`) and GnuTLS (`gnutls-cli`) send, or, where those two
//! disagree, the one of them the table says we follow. The mirror image of
//! `alert_parity.rs`, which does the same for the server side.
//!
//! For each case the test listens on 127.0.0.1 (a port the kernel picks),
//! starts a fresh client process against it, reads its ClientHello, and
//! answers with the case's flight (built from what the client offered: its
//! random, for the ServerKeyExchange signature, and its extensions, to echo
//! renegotiation_info and extended_master_secret). The same flight goes to an
//! in-memory `Connection::client` right after its ClientHello. The outcome is
//! the first thing the client sends after its ClientHello: an alert, its
//! second flight ("continued": it accepted the flight), or nothing before it
//! closed or within the wait. The table names the expected outcome for all
//! three explicitly, so the test documents the behaviour and fails when a
//! peer (a new OpenSSL or GnuTLS release) changes it.
//!
//! Skips loudly when a peer is missing, and fails instead when
//! `SANSIO_TLS_REQUIRE_PEERS` is set (as in CI).

mod common;

use common::memory::{ECDSA_CA, ECDSA_EXPIRED, ECDSA_SERVER, ECDSA_SERVER_KEY, ECDSA_UNTRUSTED, NOW};
use common::peers::*;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::codec::{ServerKeyExchange, Writer};
use sansio_tls::crypto::{EphemeralSecret, SigningKey, sign_message};
use sansio_tls::testing::TestRng;
use sansio_tls::{AlertDescription, ClientConfig, ClientConnection, ClientParams, Error, NamedGroup, SignatureScheme};
use std::fmt;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex};
use std::thread;
use std::time::{Duration, Instant};

// ----- outcomes ---------------------------------------------------------------

/// What a client answered to a case.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Its second flight (ClientKeyExchange): the server's flight was
    /// accepted.
    Continued,
    /// This alert, first.
    Alert(AlertDescription),
    /// The connection was closed (or reset) without an alert.
    Closed,
    /// Nothing came within the wait: the client waits for more bytes.
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
const BAD_CERT: Outcome = Alert(A::BadCertificate);
const DECRYPT: Outcome = Alert(A::DecryptError);

impl fmt::Debug for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Continued => f.write_str("continued"),
            Alert(a) => write!(f, "{a:?}"),
            Closed => f.write_str("closed, no alert"),
            Waiting => f.write_str("waiting"),
        }
    }
}

/// Reads `bytes` (what a client sent after its ClientHello) as far as its
/// first record. `None`: not enough bytes yet.
fn classify(bytes: &[u8]) -> Option<Outcome> {
    let header = bytes.get(..5)?;
    let end = 5 + u16::from_be_bytes([header[3], header[4]]) as usize;
    let body = bytes.get(5..end)?;
    match (header[0], body) {
        (21, [_, desc]) => Some(Alert(AlertDescription::from(*desc))),
        // ClientKeyExchange (or a client Certificate), or ChangeCipherSpec.
        (22, [16 | 11, ..]) | (20, _) => Some(Continued),
        _ => panic!("unexpected record from the client: {:02x?}", &bytes[..bytes.len().min(16)]),
    }
}

// ----- what the client offered ---------------------------------------------------

const SERVER_NAME: u16 = 0;
const MAX_FRAGMENT_LENGTH: u16 = 1;
const EC_POINT_FORMATS: u16 = 11;
const ALPN: u16 = 16;
const EMS: u16 = 23;
const SESSION_TICKET: u16 = 35;
const RENEGOTIATION_INFO: u16 = 0xff01;
/// An extension type nobody assigned.
const UNKNOWN: u16 = 0x7a7a;

/// What a ClientHello offered, as far as the flights need it.
#[derive(Debug, Clone)]
struct Offer {
    random: [u8; 32],
    suites: Vec<u16>,
    groups: Vec<u16>,
    schemes: Vec<u16>,
    extensions: Vec<u16>,
}

fn u16_list(b: &[u8]) -> Vec<u16> {
    b.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect()
}

/// Parses a ClientHello message (header included). Panics on anything a
/// real client would not send.
fn parse_client_hello(msg: &[u8]) -> Offer {
    assert_eq!(msg[0], 1, "not a ClientHello");
    let body = &msg[4..];
    let random: [u8; 32] = body[2..34].try_into().unwrap();
    let mut i = 34;
    i += 1 + body[i] as usize;
    let n = u16::from_be_bytes([body[i], body[i + 1]]) as usize;
    let suites = u16_list(&body[i + 2..i + 2 + n]);
    i += 2 + n;
    i += 1 + body[i] as usize;
    let mut offer = Offer { random, suites, groups: vec![], schemes: vec![], extensions: vec![] };
    if i == body.len() {
        return offer;
    }
    let end = i + 2 + u16::from_be_bytes([body[i], body[i + 1]]) as usize;
    i += 2;
    while i < end {
        let t = u16::from_be_bytes([body[i], body[i + 1]]);
        let len = u16::from_be_bytes([body[i + 2], body[i + 3]]) as usize;
        let ext = &body[i + 4..i + 4 + len];
        match t {
            10 => offer.groups = u16_list(&ext[2..]),
            13 => offer.schemes = u16_list(&ext[2..]),
            _ => {}
        }
        offer.extensions.push(t);
        i += 4 + len;
    }
    offer
}

impl Offer {
    fn offers(&self, ext: u16) -> bool {
        self.extensions.contains(&ext)
    }

    /// Checks that what the flights choose was offered, and what the cases
    /// call "not offered" was not, so that a client changing its offer
    /// fails here rather than in some row of the table.
    fn check(&self, who: &str, opts: Opts) {
        assert!(self.suites.contains(&SUITE), "{who} does not offer {SUITE:#06x}: {self:?}");
        assert!(self.groups.contains(&0x0017), "{who} does not offer secp256r1: {self:?}");
        assert!(self.schemes.contains(&0x0403), "{who} does not offer ecdsa_secp256r1_sha256: {self:?}");
        for suite in [0x0004, 0x00ff] {
            // The SCSV may be offered; a server may still not choose it.
            assert!(suite == 0x00ff || !self.suites.contains(&suite), "{who} offers {suite:#06x}");
        }
        assert!(!self.groups.contains(&0x0015), "{who} offers secp224r1");
        assert!(!self.schemes.contains(&0x0103), "{who} offers ecdsa_md5");
        for ext in [UNKNOWN, ALPN, MAX_FRAGMENT_LENGTH] {
            assert!(!self.offers(ext), "{who} offers extension {ext}");
        }
        assert_eq!(self.offers(SESSION_TICKET), !opts.no_ticket, "{who}: session_ticket offered or not as asked");
    }
}

// ----- server flight builders ------------------------------------------------------

fn vec8(b: &[u8]) -> Vec<u8> {
    [&[b.len() as u8][..], b].concat()
}

fn vec16(b: &[u8]) -> Vec<u8> {
    [&(b.len() as u16).to_be_bytes()[..], b].concat()
}

fn vec24(b: &[u8]) -> Vec<u8> {
    [&(b.len() as u32).to_be_bytes()[1..], b].concat()
}

/// A handshake message.
fn msg(typ: u8, body: &[u8]) -> Vec<u8> {
    [&[typ][..], &vec24(body)].concat()
}

/// A record of `content_type` with version {3,3} around `payload`.
fn record(content_type: u8, payload: &[u8]) -> Vec<u8> {
    [&[content_type, 3, 3][..], &(payload.len() as u16).to_be_bytes(), payload].concat()
}

fn hs(message: &[u8]) -> Vec<u8> {
    record(22, message)
}

/// The server random of every flight (no downgrade sentinel in it).
const SERVER_RANDOM: [u8; 32] = [0x5a; 32];

/// The suite every client here offers: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256.
const SUITE: u16 = 0xc02b;

/// A ServerHello, field by field. Length-prefixed fields are kept with their
/// prefix so that a case can break the prefix.
#[derive(Clone)]
struct Sh {
    msg_type: u8,
    /// Added to the handshake header's length.
    msg_len_delta: isize,
    version: [u8; 2],
    session_id: Vec<u8>,
    suite: u16,
    compression: u8,
    extensions: Vec<(u16, Vec<u8>)>,
    /// Added to the extensions block's length.
    ext_len_delta: isize,
    /// Replaces the whole extensions block (length included) if set.
    ext_block: Option<Vec<u8>>,
    /// Appended to the body.
    trailing: Vec<u8>,
}

impl Sh {
    /// The ServerHello every client here accepts: our suite, an empty
    /// session ID, renegotiation_info empty (OpenSSL offers the SCSV, the
    /// others the extension, and OpenSSL 3 refuses a server without it),
    /// extended_master_secret when offered, ec_point_formats uncompressed.
    fn good(offer: &Offer) -> Self {
        let mut extensions = vec![(RENEGOTIATION_INFO, vec8(&[]))];
        if offer.offers(EMS) {
            extensions.push((EMS, vec![]));
        }
        extensions.push((EC_POINT_FORMATS, vec8(&[0])));
        Sh {
            msg_type: 2,
            msg_len_delta: 0,
            version: [3, 3],
            session_id: vec8(&[]),
            suite: SUITE,
            compression: 0,
            extensions,
            ext_len_delta: 0,
            ext_block: None,
            trailing: vec![],
        }
    }

    fn with(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }

    fn set(self, t: u16, body: Vec<u8>) -> Self {
        self.with(|h| h.extensions.iter_mut().find(|(x, _)| *x == t).expect("extension in the base hello").1 = body)
    }

    fn add(self, t: u16, body: Vec<u8>) -> Self {
        self.with(|h| h.extensions.push((t, body)))
    }

    fn drop_ext(self, t: u16) -> Self {
        self.with(|h| h.extensions.retain(|(x, _)| *x != t))
    }

    fn duplicate(self, t: u16) -> Self {
        let body = self.extensions.iter().find(|(x, _)| *x == t).expect("extension in the base hello").1.clone();
        self.add(t, body)
    }

    fn block(&self, raw: &[u8]) -> Vec<u8> {
        let mut exts: Vec<u8> =
            self.extensions.iter().flat_map(|(t, body)| [&t.to_be_bytes()[..], &vec16(body)].concat()).collect();
        exts.extend_from_slice(raw);
        let len = exts.len().checked_add_signed(self.ext_len_delta).unwrap() as u16;
        [&len.to_be_bytes()[..], &exts].concat()
    }

    fn message(&self) -> Vec<u8> {
        let mut b =
            [&self.version[..], &SERVER_RANDOM, &self.session_id, &self.suite.to_be_bytes(), &[self.compression]]
                .concat();
        b.extend_from_slice(self.ext_block.as_deref().unwrap_or(&self.block(&[])));
        b.extend_from_slice(&self.trailing);
        let len = b.len().checked_add_signed(self.msg_len_delta).unwrap() as u32;
        [&[self.msg_type][..], &len.to_be_bytes()[1..], &b].concat()
    }
}

/// A Certificate message for `chain`.
fn certificate(chain: &[&[u8]]) -> Vec<u8> {
    msg(11, &vec24(&chain.iter().flat_map(|c| vec24(c)).collect::<Vec<_>>()))
}

/// The ServerKeyExchange fields; the signature is made with the
/// ecdsa-server key (ECDSA P-256 SHA-256) over client_random ||
/// server_random || params, whatever `scheme` says on the wire.
struct Ske {
    curve_type: u8,
    group: u16,
    public: Vec<u8>,
    scheme: u16,
}

static SERVER_KEY: LazyLock<SigningKey> = LazyLock::new(|| SigningKey::from_der(ECDSA_SERVER_KEY).unwrap());

/// The server's ephemeral P-256 public key (every client offers P-256).
static SERVER_SHARE: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let (_secret, share) = EphemeralSecret::generate(NamedGroup::Secp256r1, &mut TestRng::new(9)).unwrap();
    share.as_ref().to_vec()
});

impl Ske {
    fn good() -> Self {
        Ske { curve_type: 3, group: 0x0017, public: SERVER_SHARE.clone(), scheme: 0x0403 }
    }

    /// The ServerKeyExchange body, signed for `offer`.
    fn body(&self, offer: &Offer) -> Vec<u8> {
        let mut params = vec![0u8; 4 + self.public.len()];
        let n = {
            let mut w = Writer::new(&mut params);
            ServerKeyExchange::encode_params(&mut w, NamedGroup::from(self.group), &self.public).unwrap();
            w.len()
        };
        params.truncate(n);
        params[0] = self.curve_type;
        let signed = [&offer.random[..], &SERVER_RANDOM, &params].concat();
        let mut sig = [0u8; 128];
        let len =
            sign_message(&*SERVER_KEY, SignatureScheme::ECDSA_NISTP256_SHA256, &signed, &mut TestRng::new(3), &mut sig)
                .unwrap();
        [&params[..], &self.scheme.to_be_bytes(), &vec16(&sig[..len])].concat()
    }

    fn message(&self, offer: &Offer) -> Vec<u8> {
        msg(12, &self.body(offer))
    }
}

const SHD: [u8; 4] = [14, 0, 0, 0];

/// The records of the flight every client accepts: ServerHello,
/// Certificate (ecdsa-server, ecdsa-ca), ServerKeyExchange,
/// ServerHelloDone, one record each.
fn flight(offer: &Offer) -> Vec<Vec<u8>> {
    flight_with(offer, Sh::good(offer))
}

/// [`flight`] with this ServerHello.
fn flight_with(offer: &Offer, sh: Sh) -> Vec<Vec<u8>> {
    vec![hs(&sh.message()), hs(&certificate(&[ECDSA_SERVER, ECDSA_CA])), hs(&Ske::good().message(offer)), hs(&SHD)]
}

/// [`flight`] with this ServerKeyExchange body.
fn flight_ske(offer: &Offer, body: Vec<u8>) -> Vec<Vec<u8>> {
    let mut f = flight(offer);
    f[2] = hs(&msg(12, &body));
    f
}

/// [`flight`] with this Certificate message.
fn flight_cert(offer: &Offer, cert: Vec<u8>) -> Vec<Vec<u8>> {
    let mut f = flight(offer);
    f[1] = hs(&cert);
    f
}

// ----- the table ---------------------------------------------------------------

type Build = Box<dyn Fn(&Offer) -> Vec<Vec<u8>> + Send + Sync>;

/// How the clients are started for a case.
#[derive(Clone, Copy)]
struct Opts {
    /// The name the clients ask for and verify.
    server_name: &'static str,
    /// The clients do not offer session_ticket.
    no_ticket: bool,
}

const OPTS: Opts = Opts { server_name: "localhost", no_ticket: false };

/// One case: the flight sent, and what each client is expected to answer.
/// Where OpenSSL and GnuTLS differ, `ours` is one of the two, and the
/// comment at the case says which and why.
struct Case {
    name: &'static str,
    build: Build,
    opts: Opts,
    openssl: Outcome,
    gnutls: Outcome,
    ours: Outcome,
    /// Set for a known divergence: ours differs from both peers, and is
    /// recorded as it is (see the comment at the case).
    divergence: bool,
}

fn case(
    name: &'static str,
    build: impl Fn(&Offer) -> Vec<Vec<u8>> + Send + Sync + 'static,
    openssl: Outcome,
    gnutls: Outcome,
    ours: Outcome,
) -> Case {
    Case { name, build: Box::new(build), opts: OPTS, openssl, gnutls, ours, divergence: false }
}

/// A case where all three answer `outcome`.
fn same(name: &'static str, build: impl Fn(&Offer) -> Vec<Vec<u8>> + Send + Sync + 'static, outcome: Outcome) -> Case {
    case(name, build, outcome, outcome, outcome)
}

/// A case whose flight is [`flight`] with the ServerHello `sh` makes.
fn sh_case(
    name: &'static str,
    sh: impl Fn(Sh) -> Sh + Send + Sync + 'static,
    openssl: Outcome,
    gnutls: Outcome,
    ours: Outcome,
) -> Case {
    case(name, move |o| flight_with(o, sh(Sh::good(o))), openssl, gnutls, ours)
}

fn sh_same(name: &'static str, sh: impl Fn(Sh) -> Sh + Send + Sync + 'static, outcome: Outcome) -> Case {
    sh_case(name, sh, outcome, outcome, outcome)
}

/// A case whose flight is [`flight`] with `rec` inserted before record `at`.
fn insert(name: &'static str, at: usize, rec: Vec<u8>, outcome: Outcome) -> Case {
    same(
        name,
        move |o| {
            let mut f = flight(o);
            f.insert(at, rec.clone());
            f
        },
        outcome,
    )
}

fn table() -> Vec<Case> {
    let t = vec![
        // The baseline: accepted by everyone, so that every other case
        // differs from an accepted flight in one field only.
        same("valid flight", flight, Continued),
        same(
            "valid flight in one record",
            |o| {
                vec![hs(&[
                    Sh::good(o).message(),
                    certificate(&[ECDSA_SERVER, ECDSA_CA]),
                    Ske::good().message(o),
                    SHD.to_vec(),
                ]
                .concat())]
            },
            Continued,
        ),
        same(
            "ServerHello split over two records",
            |o| {
                let m = Sh::good(o).message();
                let mut f = flight(o);
                f.splice(0..1, [hs(&m[..10]), hs(&m[10..])]);
                f
            },
            Continued,
        ),
        // ----- server_version
        sh_same("server_version {3,2} (TLS 1.1)", |h| h.with(|h| h.version = [3, 2]), VERSION),
        sh_same("server_version {3,4}", |h| h.with(|h| h.version = [3, 4]), VERSION),
        sh_same("server_version {3,0} (SSL 3.0)", |h| h.with(|h| h.version = [3, 0]), VERSION),
        // ----- session_id
        // A vector that decodes, with a length SessionID<0..32> forbids:
        // both peers send illegal_parameter, and so do we (we sent
        // decode_error before this table).
        sh_same("session_id length 33", |h| h.with(|h| h.session_id = vec8(&[7; 33])), ILLEGAL),
        // OpenSSL: decode_error; GnuTLS: illegal_parameter. We follow
        // OpenSSL: the vector runs past the message, which does not decode.
        sh_case(
            "session_id length past the end",
            |h| h.with(|h| h.session_id = vec![0xff, 1, 2, 3]),
            DECODE,
            ILLEGAL,
            DECODE,
        ),
        // ----- cipher_suite, compression_method
        // OpenSSL: illegal_parameter (SSL_R_WRONG_CIPHER_RETURNED); GnuTLS:
        // handshake_failure. We follow OpenSSL: the field holds a value the
        // server may not choose; negotiation did not fail, the server broke
        // it.
        sh_case("cipher_suite not offered (RC4-MD5)", |h| h.with(|h| h.suite = 0x0004), ILLEGAL, HS_FAILURE, ILLEGAL),
        sh_case("cipher_suite the SCSV", |h| h.with(|h| h.suite = 0x00ff), ILLEGAL, HS_FAILURE, ILLEGAL),
        sh_same("compression_method 1", |h| h.with(|h| h.compression = 1), ILLEGAL),
        // ----- the extensions block
        sh_same("extensions block length too short", |h| h.with(|h| h.ext_len_delta = -1), DECODE),
        sh_same("extensions block length too long", |h| h.with(|h| h.ext_len_delta = 1), DECODE),
        sh_same("trailing byte after the extensions block", |h| h.with(|h| h.trailing = vec![0]), DECODE),
        sh_same("extensions block of a single byte", |h| h.with(|h| h.ext_block = Some(vec![0])), DECODE),
        sh_same(
            "extension length past the block",
            |h| h.with(|h| h.ext_block = Some(h.block(&[0x7a, 0x7a, 0, 7, 1, 2, 3]))),
            DECODE,
        ),
        sh_same("handshake length shorter than the body", |h| h.with(|h| h.msg_len_delta = -1), DECODE),
        // ----- extensions the client did not offer (RFC 5246 §7.4.1.4)
        // Both peers ignore an unknown extension type in a ServerHello. We
        // keep unsupported_extension, a deliberate divergence: RFC 5246
        // §7.4.1.4 says the client "MUST abort the handshake with an
        // unsupported_extension fatal alert", and an extension we never
        // offered may mean the server believes it agreed to something (a
        // record format, a key schedule) that we do not do; failing here
        // names the cause instead of a bad_record_mac later. Both peers do
        // refuse every unoffered type they know (the rows below).
        Case {
            divergence: true,
            ..sh_case("unknown extension", |h| h.add(UNKNOWN, vec![]), Continued, Continued, UNSUPPORTED_EXT)
        },
        sh_same("ALPN, not offered", |h| h.add(ALPN, vec16(&vec8(b"h2"))), UNSUPPORTED_EXT),
        sh_same("max_fragment_length, not offered", |h| h.add(MAX_FRAGMENT_LENGTH, vec![1]), UNSUPPORTED_EXT),
        // Neither client offers session_ticket here (OpenSSL -no_ticket,
        // GnuTLS %NO_TICKETS): the ack is unsolicited (RFC 5077 §3.2).
        Case {
            opts: Opts { no_ticket: true, ..OPTS },
            ..sh_same("session_ticket, not offered", |h| h.add(SESSION_TICKET, vec![]), UNSUPPORTED_EXT)
        },
        // ----- duplicates
        // A known extension twice (RFC 5246 §7.4.1.4 "MUST NOT"): OpenSSL
        // sends illegal_parameter (tls_collect_extensions), GnuTLS accepts.
        // We follow OpenSSL (we sent decode_error before this table):
        // accepting is what the RFC forbids, and the message decodes, so
        // illegal_parameter, as our server sends for a ClientHello.
        sh_case("renegotiation_info twice", |h| h.duplicate(RENEGOTIATION_INFO), ILLEGAL, Continued, ILLEGAL),
        sh_case("extended_master_secret twice", |h| h.duplicate(EMS), ILLEGAL, Continued, ILLEGAL),
        sh_case("ec_point_formats twice", |h| h.duplicate(EC_POINT_FORMATS), ILLEGAL, Continued, ILLEGAL),
        // ----- renegotiation_info (RFC 5746)
        // OpenSSL: illegal_parameter (SSL_R_RENEGOTIATION_MISMATCH); GnuTLS:
        // handshake_failure. We follow GnuTLS: RFC 5746 §3.4 names it ("MUST
        // abort the handshake (by sending a fatal handshake_failure alert)").
        sh_case(
            "renegotiation_info non-empty, initial handshake",
            |h| h.set(RENEGOTIATION_INFO, vec8(&[1; 12])),
            ILLEGAL,
            HS_FAILURE,
            HS_FAILURE,
        ),
        sh_same("renegotiation_info body not a vector", |h| h.set(RENEGOTIATION_INFO, vec![5]), DECODE),
        // OpenSSL 3 refuses a legacy server (no SSL_OP_LEGACY_SERVER_CONNECT
        // by default): handshake_failure; GnuTLS connects. We follow GnuTLS:
        // RFC 5746 §4.1 lets a client connect to a legacy server; we then
        // never renegotiate on that connection.
        sh_case("no renegotiation_info", |h| h.drop_ext(RENEGOTIATION_INFO), HS_FAILURE, Continued, Continued),
        // ----- extended_master_secret (RFC 7627 §5.1)
        // OpenSSL ignores the body; GnuTLS sends decode_error. We follow
        // GnuTLS: "The extension_data field of this extension is empty".
        sh_case("extended_master_secret with a body", |h| h.set(EMS, vec![0]), Continued, DECODE, DECODE),
        sh_same("no extended_master_secret", |h| h.drop_ext(EMS), Continued),
        // ----- ec_point_formats (RFC 8422 §5.2)
        // OpenSSL ignores the server's list; GnuTLS sends handshake_failure.
        // We follow GnuTLS (we sent illegal_parameter before this table):
        // the list MUST contain uncompressed, and without it the server
        // says it cannot read the only point format we send, so no key
        // exchange can be agreed. Accepting it is harmless but would keep
        // a server's RFC violation silent.
        sh_case(
            "ec_point_formats without uncompressed",
            |h| h.set(EC_POINT_FORMATS, vec8(&[1])),
            Continued,
            HS_FAILURE,
            HS_FAILURE,
        ),
        // OpenSSL: decode_error (ECPointFormatList<1..2^8-1>); GnuTLS:
        // unsupported_extension. We follow OpenSSL: the vector is below its
        // minimum length; the extension was offered.
        sh_case("ec_point_formats empty", |h| h.set(EC_POINT_FORMATS, vec8(&[])), DECODE, UNSUPPORTED_EXT, DECODE),
        sh_same("no ec_point_formats", |h| h.drop_ext(EC_POINT_FORMATS), Continued),
        // ----- server_name (RFC 6066 §3: the server's is empty)
        sh_same("server_name ack", |h| h.add(SERVER_NAME, vec![]), Continued),
        // OpenSSL: decode_error; GnuTLS ignores the body. We follow OpenSSL:
        // the extension_data "SHALL be empty".
        sh_case("server_name ack with a body", |h| h.add(SERVER_NAME, vec![0]), DECODE, Continued, DECODE),
        // ----- message order
        same("ServerHelloDone first", |o| flight(o)[3..].to_vec(), UNEXPECTED),
        same("Certificate first", |o| flight(o)[1..].to_vec(), UNEXPECTED),
        same(
            "second ServerHello",
            |o| {
                let mut f = flight(o);
                f.insert(1, f[0].clone());
                f
            },
            UNEXPECTED,
        ),
        same("no ServerKeyExchange", |o| [&flight(o)[..2], &flight(o)[3..]].concat(), UNEXPECTED),
        same("no Certificate", |o| [&flight(o)[..1], &flight(o)[2..]].concat(), UNEXPECTED),
        same(
            "Finished instead of Certificate",
            |o| [flight(o)[0].clone(), hs(&msg(20, &[0; 12]))].to_vec(),
            UNEXPECTED,
        ),
        same("unknown handshake type 99", |o| [flight(o)[0].clone(), hs(&msg(99, &[]))].to_vec(), UNEXPECTED),
        // ----- Certificate
        // Both peers: decode_error (we sent bad_certificate before this
        // table): a server's Certificate must hold its certificate.
        same("Certificate empty", |o| flight_cert(o, certificate(&[])), DECODE),
        same("Certificate garbage", |o| flight_cert(o, certificate(&[&[0x30, 3, 1, 2, 3]])), BAD_CERT),
        // OpenSSL: bad_certificate (d2i_X509 fails); GnuTLS: decode_error.
        // We follow GnuTLS: ASN.1Cert<1..2^24-1> is below its minimum
        // length, the message does not decode.
        case("Certificate entry of zero length", |o| flight_cert(o, certificate(&[&[]])), BAD_CERT, DECODE, DECODE),
        same(
            "Certificate list length mismatch",
            |o| {
                let mut c = certificate(&[ECDSA_SERVER, ECDSA_CA]);
                c[6] += 1;
                flight_cert(o, c)
            },
            DECODE,
        ),
        // OpenSSL names the cause (unknown_ca, certificate_expired); GnuTLS
        // sends bad_certificate for every verification failure. We follow
        // OpenSSL: RFC 5246 §7.2.2 has an alert for each, and it tells the
        // server's operator what to fix.
        case(
            "Certificate from an untrusted CA",
            |o| flight_cert(o, certificate(&[ECDSA_UNTRUSTED])),
            Alert(A::UnknownCa),
            BAD_CERT,
            Alert(A::UnknownCa),
        ),
        case(
            "Certificate expired",
            |o| flight_cert(o, certificate(&[ECDSA_EXPIRED, ECDSA_CA])),
            Alert(A::CertificateExpired),
            BAD_CERT,
            Alert(A::CertificateExpired),
        ),
        Case {
            opts: Opts { server_name: "other.test", ..OPTS },
            ..same("Certificate for another name", flight, BAD_CERT)
        },
        // ----- ServerKeyExchange (RFC 8422 §5.4)
        // For a curve type, group or scheme the client did not offer,
        // OpenSSL sends illegal_parameter (SSL_R_WRONG_CURVE,
        // SSL_R_WRONG_SIGNATURE_TYPE), GnuTLS handshake_failure. We follow
        // OpenSSL: the server chose a value it may not choose.
        case(
            "ServerKeyExchange curve_type explicit_prime",
            |o| flight_ske(o, Ske { curve_type: 1, ..Ske::good() }.body(o)),
            ILLEGAL,
            HS_FAILURE,
            ILLEGAL,
        ),
        case(
            "ServerKeyExchange group not offered (secp224r1)",
            |o| flight_ske(o, Ske { group: 0x0015, ..Ske::good() }.body(o)),
            ILLEGAL,
            HS_FAILURE,
            ILLEGAL,
        ),
        same(
            "ServerKeyExchange point not on the curve",
            |o| flight_ske(o, Ske { public: [&[4][..], &[1; 64]].concat(), ..Ske::good() }.body(o)),
            ILLEGAL,
        ),
        // OpenSSL: illegal_parameter (SSL_R_BAD_ECPOINT); GnuTLS:
        // internal_error. We follow OpenSSL (we sent decode_error before
        // this table): the point is bad, nothing internal went wrong.
        case(
            "ServerKeyExchange empty point",
            |o| flight_ske(o, Ske { public: vec![], ..Ske::good() }.body(o)),
            ILLEGAL,
            Alert(A::InternalError),
            ILLEGAL,
        ),
        case(
            "ServerKeyExchange scheme not offered (ecdsa_md5)",
            |o| flight_ske(o, Ske { scheme: 0x0103, ..Ske::good() }.body(o)),
            ILLEGAL,
            HS_FAILURE,
            ILLEGAL,
        ),
        same(
            "ServerKeyExchange bad signature",
            |o| {
                let mut b = Ske::good().body(o);
                let n = b.len();
                b[n - 3] ^= 1;
                flight_ske(o, b)
            },
            DECRYPT,
        ),
        same(
            "ServerKeyExchange signed for another client random",
            |o| {
                let other = Offer { random: [1; 32], ..o.clone() };
                flight_ske(o, Ske::good().body(&other))
            },
            DECRYPT,
        ),
        same(
            "ServerKeyExchange truncated",
            |o| {
                let mut b = Ske::good().body(o);
                b.truncate(b.len() - 10);
                flight_ske(o, b)
            },
            DECODE,
        ),
        same("ServerKeyExchange trailing byte", |o| flight_ske(o, [Ske::good().body(o), vec![0]].concat()), DECODE),
        // ----- ServerHelloDone
        // OpenSSL: illegal_parameter (SSL_R_LENGTH_MISMATCH); GnuTLS:
        // decode_error. We follow GnuTLS: ServerHelloDone is an empty
        // struct, a byte in it does not decode.
        case(
            "ServerHelloDone with a body",
            |o| {
                let mut f = flight(o);
                f[3] = hs(&msg(14, &[0]));
                f
            },
            ILLEGAL,
            DECODE,
            DECODE,
        ),
        // ----- records between the messages
        insert("ChangeCipherSpec before ServerHelloDone", 3, record(20, &[1]), UNEXPECTED),
        insert("ChangeCipherSpec [2] after the ServerHello", 1, record(20, &[2]), UNEXPECTED),
        insert("alert record of one byte", 1, record(21, &[2]), UNEXPECTED),
        insert("application_data before ServerHelloDone", 3, record(23, b"hello"), UNEXPECTED),
        insert("unknown content type 99", 1, record(99, &[1, 2, 3]), UNEXPECTED),
        // RFC 5246 §6.2.1 forbids zero-length handshake fragments. OpenSSL
        // skips the empty record; GnuTLS sends unexpected_message, and so do
        // we, as our server does (alert_parity.rs).
        Case { openssl: Continued, ..insert("empty handshake record", 1, record(22, &[]), UNEXPECTED) },
        insert("fatal alert after the ServerHello", 1, record(21, &[2, 40]), Closed),
        // OpenSSL closes without an alert; GnuTLS sends protocol_version.
        // We follow GnuTLS, as our server does: an alert tells the peer why.
        Case {
            openssl: Closed,
            ..same(
                "record version {2,0}",
                |o| {
                    let mut f = flight(o);
                    f[0][1..3].copy_from_slice(&[2, 0]);
                    f
                },
                VERSION,
            )
        },
        same(
            "record length 18433 (over 2^14 + 2048)",
            |_| vec![[&[22, 3, 3, 0x48, 0x01][..], &[0; 64]].concat()],
            Alert(A::RecordOverflow),
        ),
    ];
    t
}

// ----- running a case ------------------------------------------------------------

/// How long a client gets to start and send its ClientHello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client gets to answer a flight before it counts as waiting.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(3);
/// How long a case expected to wait is watched.
const WAIT_TIMEOUT: Duration = Duration::from_millis(500);

#[derive(Clone, Copy, Debug)]
enum PeerKind {
    OpenSsl,
    GnuTls,
}

/// Reads from `sock` into `got` until `done(got)` is `Some`, EOF, an error
/// or the deadline.
fn read_until<T>(
    sock: &mut TcpStream,
    got: &mut Vec<u8>,
    deadline: Instant,
    mut done: impl FnMut(&[u8]) -> Option<T>,
) -> Result<T, Outcome> {
    let mut buf = [0u8; 4096];
    loop {
        if let Some(v) = done(got) {
            return Ok(v);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Waiting);
        }
        sock.set_read_timeout(Some(left)).unwrap();
        match sock.read(&mut buf) {
            Ok(0) => return Err(Closed),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return Err(Waiting),
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted) => {
                return Err(Closed);
            }
            Err(e) => panic!("reading from the client: {e}"),
        }
    }
}

/// The first handshake message in `bytes` (records of type 22 from the
/// front), and how many bytes of records it took.
fn first_handshake_message(bytes: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut msg = Vec::new();
    let mut pos = 0;
    loop {
        let h = bytes.get(pos..pos + 5)?;
        assert_eq!(h[0], 22, "the client's first record is not a handshake record");
        let end = pos + 5 + u16::from_be_bytes([h[3], h[4]]) as usize;
        msg.extend_from_slice(bytes.get(pos + 5..end)?);
        pos = end;
        if msg.len() >= 4 {
            let len = 4 + u32::from_be_bytes([0, msg[1], msg[2], msg[3]]) as usize;
            if msg.len() >= len {
                return Some((msg, pos));
            }
        }
    }
}

/// Starts a fresh client of `kind` against a listener of ours, reads its
/// ClientHello, sends the case's flight and returns the client's answer.
///
/// `openssl s_client` runs with `-verify_return_error` (see
/// [`openssl_s_client`]): without it, it reports a bad certificate and goes
/// on with the handshake. `gnutls-cli` refuses one by default.
fn ask_peer(kind: PeerKind, c: &Case, wait: Duration) -> Outcome {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    let port = listener.local_addr().unwrap().port();
    let ca = pki("ecdsa-ca.pem");
    let name = c.opts.server_name;
    let mut peer = match kind {
        PeerKind::OpenSsl => {
            let mut extra = vec!["-tls1_2"];
            if c.opts.no_ticket {
                extra.push("-no_ticket");
            }
            openssl_s_client(port, &ca, name, &extra)
        }
        PeerKind::GnuTls => {
            // gnutls-cli --noticket still offers session_ticket (empty); the
            // priority string turns the extension off.
            let priority = if c.opts.no_ticket { "NORMAL:-VERS-ALL:+VERS-TLS1.2:%NO_TICKETS" } else { GNUTLS_TLS12 };
            gnutls_cli(port, &ca, &["--priority", priority, "--sni-hostname", name, "--verify-hostname", name])
        }
    };
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + HELLO_TIMEOUT;
    let mut sock = loop {
        match listener.accept() {
            Ok((s, _)) => break s,
            Err(e) if e.kind() == ErrorKind::WouldBlock && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(2));
            }
            Err(e) => panic!("{kind:?} did not connect: {e}\n{}", peer.describe()),
        }
    };
    sock.set_nonblocking(false).unwrap();
    sock.set_nodelay(true).unwrap();
    sock.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut got = Vec::new();
    let (hello, used) = read_until(&mut sock, &mut got, deadline, first_handshake_message)
        .unwrap_or_else(|o| panic!("no ClientHello from {kind:?} ({o:?})\n{}", peer.describe()));
    let offer = parse_client_hello(&hello);
    offer.check(&format!("{kind:?}"), c.opts);
    got.drain(..used);
    // A client may answer before it read everything, and then close: a
    // failed write is fine, what counts is what it sent.
    let _ = sock.write_all(&(c.build)(&offer).concat());
    let outcome = match read_until(&mut sock, &mut got, Instant::now() + wait, classify) {
        Ok(o) | Err(o) => o,
    };
    drop(peer);
    outcome
}

/// Feeds the case's flight to a fresh in-memory client right after its
/// ClientHello: its outcome, and the error `poll_event` returned.
fn ask_ours(c: &Case) -> (Outcome, Option<Error>) {
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut config = ClientConfig::new(&verifier);
    config.session_tickets = !c.opts.no_ticket;
    let (mut rx, mut tx) = (vec![0; 20_000], vec![0; 20_000]);
    let mut rng = TestRng::new(1);
    let mut conn =
        ClientConnection::with_params(&config, ClientParams::new(c.opts.server_name), &mut rx, &mut tx, &mut rng, NOW)
            .unwrap();
    let hello_records = conn.transmit_pending().to_vec();
    conn.transmit_done(hello_records.len());
    let (hello, _) = first_handshake_message(&hello_records).expect("our ClientHello");
    let offer = parse_client_hello(&hello);
    offer.check("our client", c.opts);
    let bytes = (c.build)(&offer).concat();
    let mut rest = &bytes[..];
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
    let out = classify(conn.transmit_pending()).unwrap_or(if error.is_some() { Closed } else { Waiting });
    (out, error)
}

#[test]
fn alerts_for_malformed_server_flights_match_openssl_and_gnutls() {
    if !require_peer("openssl") || !require_peer("gnutls-cli") {
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

    // The peers' answers, a few cases at a time (each is a fresh process).
    let answers: Mutex<Vec<Option<(Outcome, Outcome)>>> = Mutex::new(cases.iter().map(|_| None).collect());
    let next = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(c) = cases.get(i) else { break };
                    let wait = |expected: Outcome| if expected == Waiting { WAIT_TIMEOUT } else { ANSWER_TIMEOUT };
                    let openssl = ask_peer(PeerKind::OpenSsl, c, wait(c.openssl));
                    let gnutls = ask_peer(PeerKind::GnuTls, c, wait(c.gnutls));
                    answers.lock().unwrap()[i] = Some((openssl, gnutls));
                }
            });
        }
    });
    let answers = answers.into_inner().unwrap();

    let rows: Vec<_> = cases
        .iter()
        .zip(answers)
        .map(|(c, answer)| {
            let (openssl, gnutls) = answer.expect("every case ran");
            let (ours, error) = ask_ours(c);
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

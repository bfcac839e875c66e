//! The case tables. A scenario is an honest script (the peer's knobs and
//! the flow: full handshake, resumption, renegotiation) plus our
//! connection's configuration. Each case is a scenario, a mutation and the
//! exact outcome it must have; most are generated from the honest flights
//! of a scenario, the rest are rows written out below.

use crate::mutate::{Edit, Extra, Mutation};
use crate::peer::{Knobs, Ri, Side};
use crate::run::{self, BUF, Flight};
use crate::wire::{self, Item, ext};
use sansio_tls::codec::{CipherSuite, NamedGroup, SignatureScheme};
use sansio_tls::config::ClientAuth;
use sansio_tls::{AlertDescription as A, ErrorKind};

/// The application data the peer interleaves.
pub const DATA: &[u8] = b"adversarial application data";

/// Records of every size from 1 to this are tried for every scenario.
const FRAGMENT_MAX: usize = 16;

/// A receive buffer for ClientHellos of 32-65 KiB.
const BIG_RX: usize = 128 * 1024;

/// ChangeCipherSpec bodies other than `[1]`.
const BAD_CCS_BODIES: [&[u8]; 5] = [&[], &[0], &[2], &[1, 1], &[1, 0]];

/// Which handshakes a scenario runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// One full handshake.
    Full,
    /// A full handshake makes a session (setup), then a new connection
    /// resumes it by session ID.
    ResumeId,
    /// The same by session ticket.
    ResumeTicket,
    /// A full handshake, then a renegotiation under its keys started by the
    /// client side.
    Reneg,
}

/// Our connection's configuration.
#[derive(Debug, Clone)]
pub struct Env {
    /// Receive buffer size.
    pub rx: usize,
    /// `require_extended_master_secret`, if set (else the default).
    pub require_ems: Option<bool>,
    /// Server: client authentication.
    pub client_auth: ClientAuth,
    /// Server: renegotiation allowed (the default limits) or refused.
    pub renegotiation: bool,
    /// `allow_legacy_resumption`.
    pub legacy_resumption: bool,
}

impl Default for Env {
    fn default() -> Self {
        Env { rx: BUF, require_ems: None, client_auth: ClientAuth::None, renegotiation: true, legacy_resumption: false }
    }
}

/// An honest script and the configuration it runs against.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: &'static str,
    pub flow: Flow,
    pub env: Env,
    /// The peer in the setup handshake of a resumption flow.
    pub setup: Knobs,
    /// The peer in the handshake(s) under test.
    pub knobs: Knobs,
}

impl Scenario {
    /// A scenario with the honest knobs and the default configuration.
    fn new(name: &'static str, flow: Flow) -> Self {
        let knobs = Knobs { tickets: flow == Flow::ResumeTicket, ..Knobs::default() };
        Scenario { name, flow, env: Env::default(), setup: knobs.clone(), knobs }
    }

    /// Changes the peer's knobs (setup and test handshakes alike).
    fn knobs(mut self, f: impl Fn(&mut Knobs)) -> Self {
        f(&mut self.setup);
        f(&mut self.knobs);
        self
    }

    /// Changes the peer's knobs in the handshake under test only.
    fn test_knobs(mut self, f: impl FnOnce(&mut Knobs)) -> Self {
        f(&mut self.knobs);
        self
    }

    /// Changes our connection's configuration.
    fn env(mut self, f: impl FnOnce(&mut Env)) -> Self {
        f(&mut self.env);
        self
    }

    /// How many handshakes complete when all goes well.
    pub fn handshakes(&self) -> usize {
        if self.flow == Flow::Reneg { 2 } else { 1 }
    }
}

/// What a case must end with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// `poll_event` returns this error and exactly this fatal alert is on
    /// the wire.
    Fatal(ErrorKind, A),
    /// Some fatal alert on the wire and an error (the description is not
    /// pinned).
    AnyFatal,
    /// Our server refuses the renegotiation with a no_renegotiation warning
    /// and goes on.
    Refused,
    /// Every handshake completes; the last `HandshakeDone` has these
    /// values, and the peer's application data (if any) is delivered.
    Done { resumed: bool, ems: bool, secure: Option<bool>, data: bool },
}

const UNEXPECTED: Expect = Expect::Fatal(ErrorKind::UnexpectedMessage, A::UnexpectedMessage);
const DECODE: Expect = Expect::Fatal(ErrorKind::Decode, A::DecodeError);
const HANDSHAKE_FAILURE: Expect = Expect::Fatal(ErrorKind::HandshakeFailure, A::HandshakeFailure);
const ILLEGAL: Expect = Expect::Fatal(ErrorKind::IllegalParameter, A::IllegalParameter);
const DECRYPT: Expect = Expect::Fatal(ErrorKind::DecryptError, A::DecryptError);
const PROTOCOL_VERSION: Expect = Expect::Fatal(ErrorKind::ProtocolVersion, A::ProtocolVersion);
const UNSUPPORTED_EXTENSION: Expect = Expect::Fatal(ErrorKind::UnsupportedExtension, A::UnsupportedExtension);
const UNSUPPORTED_CERTIFICATE: Expect = Expect::Fatal(ErrorKind::UnsupportedCertificate, A::UnsupportedCertificate);
const BAD_RECORD_MAC: Expect = Expect::Fatal(ErrorKind::BadRecordMac, A::BadRecordMac);

/// A completed full handshake with extended master secret.
const DONE: Expect = done(false, true);
/// A completed abbreviated handshake with extended master secret.
const RESUMED: Expect = done(true, true);

/// A completed handshake with these values and no data.
const fn done(resumed: bool, ems: bool) -> Expect {
    Expect::Done { resumed, ems, secure: None, data: false }
}

/// A completed full handshake with extended master secret and this secure_renegotiation.
const fn secure(secure: bool) -> Expect {
    Expect::Done { resumed: false, ems: true, secure: Some(secure), data: false }
}

/// `honest` with the interleaved data delivered.
fn with_data(honest: Expect) -> Expect {
    match honest {
        Expect::Done { resumed, ems, secure, .. } => Expect::Done { resumed, ems, secure, data: true },
        other => other,
    }
}

/// One case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Names our connection's role, the scenario and the deviation.
    pub name: String,
    /// The side the peer plays.
    pub peer: Side,
    pub scenario: Scenario,
    pub mutation: Mutation,
    pub expect: Expect,
}

/// The scenarios whose honest flights the generated cases mutate, with
/// what their honest run ends with. Every one gets the framing cases; the
/// first of each flow the sequence cases.
fn scripts(peer: Side) -> Vec<(Scenario, Expect)> {
    let mut v = vec![(Scenario::new("full", Flow::Full), DONE)];
    if peer == Side::Server {
        v.push((Scenario::new("full with ticket", Flow::Full).knobs(|k| k.tickets = true), DONE));
    } else {
        let auth = Scenario::new("client auth required", Flow::Full).env(|e| e.client_auth = ClientAuth::Require);
        v.push((auth, DONE));
    }
    v.extend([
        (Scenario::new("resumption by ID", Flow::ResumeId), RESUMED),
        (Scenario::new("resumption by ticket", Flow::ResumeTicket), RESUMED),
        (Scenario::new("renegotiation", Flow::Reneg), DONE),
    ]);
    v
}

/// Scenarios that only get the honest run and the framing cases: other
/// groups, suites, and no extended master secret.
fn variants() -> Vec<(Scenario, Expect)> {
    let full = |name| Scenario::new(name, Flow::Full);
    vec![
        (full("P-256").knobs(|k| k.groups = vec![NamedGroup::Secp256r1]), DONE),
        (
            full("ChaCha20-Poly1305")
                .knobs(|k| k.suites = vec![CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256]),
            DONE,
        ),
        (
            full("AES-256-GCM-SHA384").knobs(|k| k.suites = vec![CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]),
            DONE,
        ),
        (full("without extended master secret").knobs(|k| k.ems = false), done(false, false)),
    ]
}

/// A ClientHello server_name extension for `name`.
fn sni(name: &str) -> Vec<u8> {
    let mut list = vec![0];
    list.extend_from_slice(&(name.len() as u16).to_be_bytes());
    list.extend_from_slice(name.as_bytes());
    let mut body = (list.len() as u16).to_be_bytes().to_vec();
    body.extend_from_slice(&list);
    ext(0, &body)
}

/// An extension whose length says `claimed` but which carries only
/// `actual` bytes (the rest of the message is shorter).
fn lying_ext(typ: u16, claimed: u16, actual: usize) -> Vec<u8> {
    let mut e = typ.to_be_bytes().to_vec();
    e.extend_from_slice(&claimed.to_be_bytes());
    e.extend(std::iter::repeat_n(0, actual));
    e
}

/// The rows against our server: content of the ClientHello and the
/// client's flights, resumption and renegotiation policy.
fn server_rows() -> Vec<(Scenario, Expect)> {
    let full = |name| Scenario::new(name, Flow::Full);
    let big = |name| Scenario::new(name, Flow::Full).env(|e| e.rx = BIG_RX);
    let by_id = |name| Scenario::new(name, Flow::ResumeId);
    let by_ticket = |name| Scenario::new(name, Flow::ResumeTicket);
    let reneg = |name| Scenario::new(name, Flow::Reneg);
    let many_schemes: Vec<SignatureScheme> = (0..16_000u16)
        .map(|i| SignatureScheme::from(0x1000 + i))
        .chain([SignatureScheme::ECDSA_NISTP256_SHA256])
        .collect();
    let same_scheme: Vec<SignatureScheme> = std::iter::repeat_n(SignatureScheme::from(0xfefe), 15_000)
        .chain([SignatureScheme::ECDSA_NISTP256_SHA256])
        .collect();
    let unknown_exts: Vec<u8> = (0..5_000u16).flat_map(|i| ext(0x1000 + i, &[])).collect();
    let late_duplicate: Vec<u8> = (0..20u16).chain([19]).flat_map(|i| ext(0x2000 + i, &[])).collect();
    vec![
        // Extended master secret (RFC 7627 §5.2).
        (full("client without extended master secret").knobs(|k| k.ems = false), done(false, false)),
        (
            full("client without extended master secret, server requires it")
                .knobs(|k| k.ems = false)
                .env(|e| e.require_ems = Some(true)),
            HANDSHAKE_FAILURE,
        ),
        // renegotiation_info and the SCSV (RFC 5746 §3.6).
        (full("SCSV instead of renegotiation_info").knobs(|k| (k.ri, k.scsv) = (Ri::Omit, true)), secure(true)),
        (full("neither renegotiation_info nor SCSV").knobs(|k| k.ri = Ri::Omit), secure(false)),
        (full("renegotiation_info and SCSV").knobs(|k| k.scsv = true), secure(true)),
        (
            full("non-empty renegotiation_info on an initial handshake").knobs(|k| k.ri = Ri::Value(vec![0; 12])),
            HANDSHAKE_FAILURE,
        ),
        (
            full("non-empty renegotiation_info and SCSV on an initial handshake")
                .knobs(|k| (k.ri, k.scsv) = (Ri::Value(vec![0; 12]), true)),
            HANDSHAKE_FAILURE,
        ),
        // Versions and negotiation.
        (full("client_version TLS 1.1").knobs(|k| k.version = Some(0x0302)), PROTOCOL_VERSION),
        (full("client_version TLS 1.3").knobs(|k| k.version = Some(0x0304)), DONE),
        (full("no signature_algorithms").knobs(|k| k.sigalgs.clear()), HANDSHAKE_FAILURE),
        (
            full("only unknown signature schemes").knobs(|k| k.sigalgs = vec![SignatureScheme::from(0xfefe)]),
            HANDSHAKE_FAILURE,
        ),
        (
            full("no common suite").knobs(|k| k.suites = vec![CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]),
            HANDSHAKE_FAILURE,
        ),
        (full("no common group").knobs(|k| k.groups = vec![NamedGroup::Secp384r1]), HANDSHAKE_FAILURE),
        // Lengths (RFC 5246 §7.4.1.2: session_id is at most 32 bytes).
        (full("session_id of 33 bytes").knobs(|k| k.session_id = Some(vec![1; 33])), DECODE),
        (full("session_id of 64 bytes").knobs(|k| k.session_id = Some(vec![1; 64])), DECODE),
        (full("session_id of 255 bytes").knobs(|k| k.session_id = Some(vec![1; 255])), DECODE),
        (
            full("unknown extension running past the message").knobs(|k| k.extra_ext = lying_ext(0x1234, 100, 10)),
            DECODE,
        ),
        (full("padding running past the message").knobs(|k| k.extra_ext = lying_ext(21, 0xffff, 5)), DECODE),
        // Duplicated known extensions (RFC 5246 §7.4.1.4): illegal_parameter
        // in a ClientHello, as OpenSSL sends (tests/alert_parity.rs).
        (full("extended_master_secret twice").knobs(|k| k.extra_ext = ext(23, &[])), ILLEGAL),
        (full("renegotiation_info twice").knobs(|k| k.extra_ext = ext(0xff01, &[0])), ILLEGAL),
        (full("server_name twice").knobs(|k| k.extra_ext = sni("localhost")), ILLEGAL),
        (full("supported_groups twice").knobs(|k| k.extra_ext = ext(10, &[0, 2, 0, 29])), ILLEGAL),
        (full("ec_point_formats twice").knobs(|k| k.extra_ext = ext(11, &[1, 0])), ILLEGAL),
        (full("signature_algorithms twice").knobs(|k| k.extra_ext = ext(13, &[0, 2, 4, 3])), ILLEGAL),
        // Unknown types are ignored however they repeat (no per-type table;
        // OpenSSL and GnuTLS accept them too).
        (
            full("an unknown extension type twice")
                .knobs(|k| k.extra_ext = [ext(0x1234, &[]), ext(0x1234, &[])].concat()),
            DONE,
        ),
        (
            full("an unknown extension type twice, after 20 others").knobs(|k| k.extra_ext = late_duplicate.clone()),
            DONE,
        ),
        // Big ClientHellos.
        (big("16 000 signature schemes").knobs(|k| k.sigalgs = many_schemes.clone()), DONE),
        (big("15 000 copies of one unknown signature scheme").knobs(|k| k.sigalgs = same_scheme.clone()), DONE),
        (big("5 000 unknown extension types").knobs(|k| k.extra_ext = unknown_exts.clone()), DONE),
        (big("40 KiB of padding").knobs(|k| k.extra_ext = ext(21, &[0; 40 * 1024])), DONE),
        (big("a 64 KiB ClientHello").knobs(|k| k.extra_ext = ext(21, &[0; 65_000])), DONE),
        (
            full("40 KiB of padding, default receive buffer").knobs(|k| k.extra_ext = ext(21, &[0; 40 * 1024])),
            Expect::AnyFatal,
        ),
        // Signatures and Finished.
        (full("bad client Finished").knobs(|k| k.bad_finished = true), DECRYPT),
        (
            full("client auth required, bad CertificateVerify")
                .env(|e| e.client_auth = ClientAuth::Require)
                .knobs(|k| k.bad_signature = true),
            DECRYPT,
        ),
        (
            full("client auth required, empty Certificate")
                .env(|e| e.client_auth = ClientAuth::Require)
                .knobs(|k| k.client_cert = false),
            HANDSHAKE_FAILURE,
        ),
        (
            full("client auth requested, empty Certificate")
                .env(|e| e.client_auth = ClientAuth::Request)
                .knobs(|k| k.client_cert = false),
            DONE,
        ),
        (full("client auth requested").env(|e| e.client_auth = ClientAuth::Request), DONE),
        // Resumption (RFC 5246 §7.4.1.2, RFC 6066 §3, RFC 7627 §5.3).
        (
            by_id("resumption by ID with another server_name").test_knobs(|k| k.sni = Some("other.example")),
            done(false, true),
        ),
        (by_id("resumption by ID without extended master secret").test_knobs(|k| k.ems = false), done(false, false)),
        (
            by_id("resumption by ID without the session's suite")
                .test_knobs(|k| k.suites = vec![CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256]),
            done(false, true),
        ),
        (by_id("resumption of an unknown ID").test_knobs(|k| k.session_id = Some(vec![0x55; 32])), done(false, true)),
        (by_id("resumption of a session without extended master secret").knobs(|k| k.ems = false), done(false, false)),
        (
            by_id("resumption by ID, server requires extended master secret")
                .env(|e| e.require_ems = Some(true))
                .test_knobs(|k| k.ems = false),
            HANDSHAKE_FAILURE,
        ),
        (
            by_ticket("resumption by ticket with another server_name").test_knobs(|k| k.sni = Some("other.example")),
            done(false, true),
        ),
        (
            by_ticket("resumption by ticket without extended master secret").test_knobs(|k| k.ems = false),
            done(false, false),
        ),
        (
            by_ticket("resumption of a ticket without extended master secret").knobs(|k| k.ems = false),
            done(false, false),
        ),
        // Renegotiation (RFC 5746 §3.7).
        (
            reneg("renegotiation with wrong verify_data").test_knobs(|k| k.reneg_ri = Ri::Value(vec![0xaa; 12])),
            HANDSHAKE_FAILURE,
        ),
        (reneg("renegotiation without renegotiation_info").test_knobs(|k| k.reneg_ri = Ri::Omit), HANDSHAKE_FAILURE),
        (
            reneg("renegotiation with empty renegotiation_info").test_knobs(|k| k.reneg_ri = Ri::Value(Vec::new())),
            HANDSHAKE_FAILURE,
        ),
        (reneg("renegotiation with the SCSV").test_knobs(|k| k.scsv = true), HANDSHAKE_FAILURE),
        (reneg("renegotiation refused by policy").env(|e| e.renegotiation = false), Expect::Refused),
        (reneg("renegotiation with client auth").env(|e| e.client_auth = ClientAuth::Require), DONE),
    ]
}

/// The rows against our client: content of the server's flights,
/// resumption and renegotiation.
fn client_rows() -> Vec<(Scenario, Expect)> {
    let full = |name| Scenario::new(name, Flow::Full);
    let by_id = |name| Scenario::new(name, Flow::ResumeId);
    let by_ticket = |name| Scenario::new(name, Flow::ResumeTicket);
    let reneg = |name| Scenario::new(name, Flow::Reneg);
    vec![
        // Extended master secret and renegotiation_info.
        (full("server without extended master secret").knobs(|k| k.ems = false), done(false, false)),
        (
            full("server without extended master secret, client requires it")
                .knobs(|k| k.ems = false)
                .env(|e| e.require_ems = Some(true)),
            HANDSHAKE_FAILURE,
        ),
        (full("ServerHello without renegotiation_info").knobs(|k| k.ri = Ri::Omit), secure(false)),
        (
            full("non-empty renegotiation_info on an initial handshake").knobs(|k| k.ri = Ri::Value(vec![0; 24])),
            HANDSHAKE_FAILURE,
        ),
        // Versions, lengths, extensions.
        (full("server_version TLS 1.1").knobs(|k| k.version = Some(0x0302)), PROTOCOL_VERSION),
        (full("server_version TLS 1.3").knobs(|k| k.version = Some(0x0304)), PROTOCOL_VERSION),
        // A session_id over 32 bytes and a known extension twice are
        // illegal_parameter, as OpenSSL (and GnuTLS for the session_id)
        // clients send (tests/server_hello_parity.rs).
        (full("session_id of 33 bytes").knobs(|k| k.session_id = Some(vec![1; 33])), ILLEGAL),
        (full("session_id of 64 bytes").knobs(|k| k.session_id = Some(vec![1; 64])), ILLEGAL),
        (full("session_id of 255 bytes").knobs(|k| k.session_id = Some(vec![1; 255])), ILLEGAL),
        (full("unsolicited unknown extension").knobs(|k| k.extra_ext = ext(0x1234, &[])), UNSUPPORTED_EXTENSION),
        (full("extension running past the message").knobs(|k| k.extra_ext = lying_ext(0x1234, 100, 10)), DECODE),
        (full("extended_master_secret twice").knobs(|k| k.extra_ext = ext(23, &[])), ILLEGAL),
        (full("renegotiation_info twice").knobs(|k| k.extra_ext = ext(0xff01, &[0])), ILLEGAL),
        (full("ec_point_formats twice").knobs(|k| k.extra_ext = ext(11, &[1, 0])), ILLEGAL),
        (
            full("an RSA suite with an ECDSA certificate")
                .knobs(|k| k.suites = vec![CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]),
            UNSUPPORTED_CERTIFICATE,
        ),
        // Signatures and Finished.
        (full("bad ServerKeyExchange signature").knobs(|k| k.bad_signature = true), DECRYPT),
        (full("bad server Finished").knobs(|k| k.bad_finished = true), DECRYPT),
        // Resumption (RFC 5246 §7.4.1.3, RFC 7627 §5.3).
        (
            by_id("resumed ServerHello with another suite, by ID")
                .test_knobs(|k| k.resume_suite = Some(CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256)),
            ILLEGAL,
        ),
        (
            by_ticket("resumed ServerHello with another suite, by ticket")
                .test_knobs(|k| k.resume_suite = Some(CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256)),
            ILLEGAL,
        ),
        (
            by_id("resumed ServerHello without extended master secret, by ID")
                .test_knobs(|k| k.resume_ems = Some(false)),
            HANDSHAKE_FAILURE,
        ),
        (
            by_ticket("resumed ServerHello without extended master secret, by ticket")
                .test_knobs(|k| k.resume_ems = Some(false)),
            HANDSHAKE_FAILURE,
        ),
        (by_id("server declines resumption").test_knobs(|k| k.resume = false), done(false, true)),
        (by_ticket("server declines the ticket").test_knobs(|k| k.resume = false), done(false, true)),
        (
            by_id("legacy session resumed with extended master secret")
                .knobs(|k| k.ems = false)
                .env(|e| e.legacy_resumption = true)
                .test_knobs(|k| k.resume_ems = Some(true)),
            HANDSHAKE_FAILURE,
        ),
        (
            by_id("legacy session resumed, legacy resumption allowed")
                .knobs(|k| k.ems = false)
                .env(|e| e.legacy_resumption = true),
            done(true, false),
        ),
        // Renegotiation (RFC 5746 §3.5).
        (
            reneg("renegotiation with wrong verify_data").test_knobs(|k| k.reneg_ri = Ri::Value(vec![0xaa; 24])),
            HANDSHAKE_FAILURE,
        ),
        (
            reneg("renegotiation with only 12 bytes of verify_data")
                .test_knobs(|k| k.reneg_ri = Ri::Value(vec![0xaa; 12])),
            HANDSHAKE_FAILURE,
        ),
        (reneg("renegotiation without renegotiation_info").test_knobs(|k| k.reneg_ri = Ri::Omit), HANDSHAKE_FAILURE),
        (
            reneg("renegotiation with empty renegotiation_info").test_knobs(|k| k.reneg_ri = Ri::Value(Vec::new())),
            HANDSHAKE_FAILURE,
        ),
    ]
}

/// Collects cases for one role.
struct Table {
    peer: Side,
    role: &'static str,
    cases: Vec<Case>,
    /// Handshake types already truncated and fuzzed.
    parsed: Vec<u8>,
}

impl Table {
    /// Adds a case named after the role, the scenario and `what`.
    fn push(&mut self, sc: &Scenario, what: String, mutation: Mutation, expect: Expect) {
        let name = format!("{}/{}: {what}", self.role, sc.name);
        self.cases.push(Case { name, peer: self.peer, scenario: sc.clone(), mutation, expect });
    }

    /// The honest case of `sc`; returns the peer's honest flights.
    fn honest(&mut self, sc: &Scenario, expect: Expect) -> Vec<Flight> {
        self.push(sc, "honest".into(), Mutation::Honest, expect);
        let case = self.cases.last().expect("just pushed");
        run::run(case).flights
    }

    /// Every size of record from 1 to [`FRAGMENT_MAX`], and all messages
    /// of a flight in one record: the handshake must still complete.
    fn framing(&mut self, sc: &Scenario, honest: Expect) {
        for n in 1..=FRAGMENT_MAX {
            self.push(sc, format!("records of {n} bytes"), Mutation::Fragment(n), honest);
        }
        self.push(sc, "each flight coalesced into one record".into(), Mutation::Coalesce, honest);
    }

    /// Order, duplicates, omissions, and extra records (ChangeCipherSpec,
    /// application data, HelloRequest, empty handshake records) in every
    /// place of every flight and between the fragments of every message;
    /// ChangeCipherSpec bodies other than `[1]`. In the renegotiation
    /// scenario only the renegotiation's flights.
    fn sequence(&mut self, sc: &Scenario, flights: &[Flight], honest: Expect) {
        for (f, fl) in flights.iter().enumerate() {
            if sc.flow == Flow::Reneg && fl.generation == 0 {
                continue;
            }
            let items = &fl.items;
            let n = items.len();
            let at = |edit| Mutation::At(f, edit);
            let ccs = items.iter().position(Item::is_ccs);
            let fin = items.iter().position(Item::is_finished);
            // Before position p: after the peer's CCS and up to its Finished.
            let between = |p: usize| ccs.is_some_and(|c| c < p) && fin.is_some_and(|fi| p <= fi);
            // Whether our connection is open for data before position p:
            // after the first handshake's Finished, and in a renegotiation
            // everywhere but between the peer's CCS and Finished.
            let open = |p: usize| {
                if fl.generation == 0 { fin.is_some_and(|fi| p > fi) } else { !between(p) }
            };
            let data_expect = |ok: bool| if ok { with_data(honest) } else { UNEXPECTED };
            // When the peer's next flight opens with its CCS, our connection
            // already waits for it at the end of this one: an early CCS
            // there is taken as the real one, and the real one, still under
            // the old keys, then fails to open.
            let ccs_due_next = flights.get(f + 1).is_some_and(|next| next.items.first().is_some_and(Item::is_ccs));
            let peer = self.peer;
            // What an extra record before position p leads to.
            let insert = |extra, p: usize| match extra {
                Extra::Ccs if p == n && ccs_due_next => BAD_RECORD_MAC,
                Extra::Data => data_expect(open(p)),
                // RFC 5246 §7.4.1.1: only a server sends HelloRequest, and a
                // client ignores it during a handshake; but §7.4.9: Finished
                // comes right after CCS.
                Extra::HelloRequest if peer == Side::Server && !between(p) => honest,
                _ => UNEXPECTED,
            };
            for i in 0..n {
                let name = items[i].name();
                self.push(sc, format!("F{f} {name} twice"), at(Edit::Dup(i)), UNEXPECTED);
                if i + 1 < n {
                    let next = items[i + 1].name();
                    self.push(sc, format!("F{f} {name} left out"), at(Edit::Skip(i)), UNEXPECTED);
                    self.push(sc, format!("F{f} {next} before {name}"), at(Edit::Swap(i)), UNEXPECTED);
                }
                if items[i].hs().is_none() {
                    continue;
                }
                // Between the fragments of a message only application data
                // in a renegotiation, before the peer's CCS, is allowed.
                for extra in [Extra::Ccs, Extra::Data, Extra::EmptyHandshake] {
                    let ok = extra == Extra::Data && fl.generation > 0 && ccs.is_none_or(|c| c > i);
                    let what = format!("F{f} {} inside {name}", extra.name());
                    self.push(sc, what, at(Edit::Inside(i, extra)), data_expect(ok));
                }
            }
            for p in 0..=n {
                let place = items.get(p).map_or("at the end".to_string(), |it| format!("before {}", it.name()));
                for extra in Extra::ALL {
                    let what = format!("F{f} {} {place}", extra.name());
                    self.push(sc, what, at(Edit::Insert(p, extra)), insert(extra, p));
                }
            }
            if ccs.is_some() {
                for body in BAD_CCS_BODIES {
                    self.push(sc, format!("F{f} CCS body {body:?}"), at(Edit::CcsBody(body)), UNEXPECTED);
                }
            }
        }
    }

    /// Every message type of these flights not yet covered: truncated at
    /// every byte, every length prefix running past its end, and header
    /// lengths that could never fit the receive buffer.
    fn parsing(&mut self, sc: &Scenario, flights: &[Flight]) {
        for (f, fl) in flights.iter().enumerate() {
            for (i, item) in fl.items.iter().enumerate() {
                let Some(msg) = item.hs() else { continue };
                if self.parsed.contains(&msg[0]) {
                    continue;
                }
                self.parsed.push(msg[0]);
                let name = item.name();
                let at = |edit| Mutation::At(f, edit);
                let body = msg.len() - 4;
                // Cut at the extension block, a hello is valid without
                // extensions: that case is a row of its own.
                let no_ext = wire::extensions_offset(msg);
                for len in (0..body).filter(|len| Some(*len) != no_ext) {
                    self.push(
                        sc,
                        format!("F{f} {name} cut to {len} of {body} bytes"),
                        at(Edit::Truncate(i, len)),
                        DECODE,
                    );
                }
                for (k, field) in wire::length_fields(msg).iter().enumerate() {
                    if field.past_end(msg).is_some() {
                        let what = format!("F{f} {name}: {} #{k} runs past its end", field.what);
                        self.push(sc, what, at(Edit::PastEnd(i, k)), DECODE);
                    }
                }
                for len in [sc.env.rx, 0xff_ffff] {
                    let what = format!("F{f} {name} declaring a {len}-byte body");
                    self.push(sc, what, at(Edit::Declare(i, len)), Expect::AnyFatal);
                }
                // Against our server a ClientHello without extensions has
                // no signature_algorithms. (A ServerHello without them
                // would drop extended master secret under the peer's feet.)
                if let (Some(len), Side::Client) = (no_ext, self.peer) {
                    let what = format!("F{f} {name} without extensions");
                    self.push(sc, what, at(Edit::Truncate(i, len)), HANDSHAKE_FAILURE);
                }
            }
        }
    }
}

/// Every case for one role: against our server (`Side::Client` peer) or
/// our client (`Side::Server` peer).
pub fn cases(peer: Side) -> Vec<Case> {
    let role = if peer == Side::Client { "server" } else { "client" };
    let mut t = Table { peer, role, cases: Vec::new(), parsed: Vec::new() };
    for (sc, honest) in scripts(peer) {
        let flights = t.honest(&sc, honest);
        t.sequence(&sc, &flights, honest);
        t.framing(&sc, honest);
        if sc.flow == Flow::Full {
            t.parsing(&sc, &flights);
        }
    }
    for (sc, honest) in variants() {
        t.honest(&sc, honest);
        t.framing(&sc, honest);
    }
    let rows = if peer == Side::Client { server_rows() } else { client_rows() };
    for (sc, expect) in rows {
        t.push(&sc, "as configured".into(), Mutation::Honest, expect);
    }
    t.cases
}

//! The scripted peer: an honest TLS 1.2 client or server built only from
//! the crate's public codec, record and crypto modules. It reads whatever
//! our `Connection` sends with a lenient state machine, and hands out its
//! next flight as a list of [`Item`]s, which the mutations edit before
//! [`Peer::frame`] puts them into records.
//!
//! Full handshakes (ECDHE x25519 or P-256, ECDSA P-256, AES-GCM or
//! ChaCha20-Poly1305), extended master secret or not, renegotiation_info,
//! resumption by session ID or ticket, client certificates and
//! renegotiation under the established keys.

use crate::wire::{self, Item};
use rand_core::Rng;
use sansio_tls::codec::{
    CertificateMsg, CipherSuite, ClientHello, ClientHelloRepr, ContentType, HandshakeType, NamedGroup,
    NewSessionTicket, ServerHello, ServerHelloRepr, ServerKeyExchange, SignatureScheme, parse_client_key_exchange,
    split_handshake, write_handshake,
};
use sansio_tls::crypto::{self, EphemeralSecret, KeyShare as _, MAX_SIGNATURE_LEN, RustCrypto, SigningKey};

/// The scripted peer runs on RustCrypto, whatever provider the engine under
/// test runs on.
type Transcript = crypto::Transcript<crypto::RustCryptoHash>;
type RecordLayer = sansio_tls::record::RecordLayer<crypto::RustCryptoAead>;
use sansio_tls::record::{DirectionKeys, HEADER_LEN, MAX_PLAINTEXT, RecordHeader, RecordWriter};
use sansio_tls::suites::{self, SuiteInfo};
use sansio_tls::testing::TestRng;

use crate::memory::{ECDSA_CA, ECDSA_SERVER, ECDSA_SERVER_KEY};

// The client's ECDSA P-256 leaf and key from the test PKI (vectors/pki).
pub const ECDSA_CLIENT: &[u8] = include_bytes!("../../vectors/pki/ecdsa-client.der");
pub const ECDSA_CLIENT_KEY: &[u8] = include_bytes!("../../vectors/pki/ecdsa-client.key.der");

/// The scheme the peer signs with (its keys are P-256).
const SCHEME: SignatureScheme = SignatureScheme::ECDSA_NISTP256_SHA256;

/// Which side the peer plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The peer is the client; our `Connection` is the server.
    Client,
    /// The peer is the server; our `Connection` is the client.
    Server,
}

/// renegotiation_info as the peer sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ri {
    /// What RFC 5746 says: empty at first (a server only if the client
    /// signalled), then the previous verify_data.
    Honest,
    /// Left out.
    Omit,
    /// These bytes instead.
    Value(Vec<u8>),
}

/// How the peer behaves within an otherwise honest handshake. Fields a
/// side does not use are ignored.
#[derive(Debug, Clone)]
pub struct Knobs {
    /// Client: offer extended_master_secret. Server: acknowledge it when
    /// offered.
    pub ems: bool,
    /// renegotiation_info in the initial handshake.
    pub ri: Ri,
    /// renegotiation_info in a renegotiation.
    pub reneg_ri: Ri,
    /// Client: also offer TLS_EMPTY_RENEGOTIATION_INFO_SCSV, in every
    /// ClientHello.
    pub scsv: bool,
    /// Client: the suites offered. Server: the suites it picks from.
    pub suites: Vec<CipherSuite>,
    /// Client: the groups offered. Server: the groups it picks from.
    pub groups: Vec<NamedGroup>,
    /// Client: signature_algorithms (empty: the extension is left out).
    pub sigalgs: Vec<SignatureScheme>,
    /// Client: server_name.
    pub sni: Option<&'static str>,
    /// The hello's session_id instead of the honest one.
    pub session_id: Option<Vec<u8>>,
    /// The hello's version field instead of TLS 1.2.
    pub version: Option<u16>,
    /// Raw extensions appended to the hello.
    pub extra_ext: Vec<u8>,
    /// Client: offer session tickets. Server: issue them when asked.
    pub tickets: bool,
    /// Client: offer the remembered session. Server: resume an offered
    /// session it remembers.
    pub resume: bool,
    /// Server: the suite a resumed ServerHello names instead of the
    /// session's.
    pub resume_suite: Option<CipherSuite>,
    /// Server: extended_master_secret in a resumed ServerHello instead of
    /// the session's.
    pub resume_ems: Option<bool>,
    /// Client: answer a CertificateRequest with the client chain (else an
    /// empty Certificate and no CertificateVerify).
    pub client_cert: bool,
    /// Corrupt the signature (ServerKeyExchange, CertificateVerify).
    pub bad_signature: bool,
    /// Corrupt the Finished verify_data.
    pub bad_finished: bool,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            ems: true,
            ri: Ri::Honest,
            reneg_ri: Ri::Honest,
            scsv: false,
            suites: vec![CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256],
            groups: vec![NamedGroup::X25519, NamedGroup::Secp256r1],
            sigalgs: vec![SCHEME],
            sni: Some("localhost"),
            session_id: None,
            version: None,
            extra_ext: Vec::new(),
            tickets: false,
            resume: true,
            resume_suite: None,
            resume_ems: None,
            client_cert: true,
            bad_signature: false,
            bad_finished: false,
        }
    }
}

/// A session the peer can resume, from either side.
#[derive(Debug, Clone)]
pub struct PeerSession {
    pub id: Vec<u8>,
    pub ticket: Option<Vec<u8>>,
    pub master: [u8; 48],
    pub suite: CipherSuite,
    pub ems: bool,
}

/// The state of one handshake; a renegotiation starts a fresh one.
struct Hs {
    transcript: Transcript,
    client_random: [u8; 32],
    server_random: [u8; 32],
    suite: Option<&'static SuiteInfo>,
    group: Option<NamedGroup>,
    ems: bool,
    master: [u8; 48],
    resumed: bool,
    /// Server: its ECDHE secret, until the ClientKeyExchange.
    secret: Option<EphemeralSecret>,
    /// Client: the server's ECDHE share.
    server_public: Vec<u8>,
    session_id: Vec<u8>,
    /// Client: the session_id it offered a session under.
    offered_id: Vec<u8>,
    ticket_ack: bool,
    /// The ticket received (client) or issued (server).
    ticket: Option<Vec<u8>>,
    cert_requested: bool,
    /// Server: the client signalled secure renegotiation.
    secure: bool,
    point_formats: bool,
    client_vd: [u8; 12],
    server_vd: [u8; 12],
}

impl Hs {
    /// The state before a ClientHello.
    fn new() -> Self {
        Hs {
            transcript: Transcript::new(&RustCrypto),
            client_random: [0; 32],
            server_random: [0; 32],
            suite: None,
            group: None,
            ems: false,
            master: [0; 48],
            resumed: false,
            secret: None,
            server_public: Vec::new(),
            session_id: Vec::new(),
            offered_id: Vec::new(),
            ticket_ack: false,
            ticket: None,
            cert_requested: false,
            secure: false,
            point_formats: false,
            client_vd: [0; 12],
            server_vd: [0; 12],
        }
    }

    /// The negotiated suite (a peer bug if there is none yet).
    fn suite(&self) -> &'static SuiteInfo {
        self.suite.expect("a suite was negotiated")
    }
}

/// The flight the peer owes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Due {
    Nothing,
    ClientHello,
    /// [Certificate] ClientKeyExchange [CertificateVerify] CCS Finished.
    ClientKeyExchange,
    /// CCS Finished after a resumed server's Finished.
    ClientFinished,
    /// ServerHello Certificate ServerKeyExchange ServerHelloDone.
    ServerHello,
    /// ServerHello [NewSessionTicket] CCS Finished.
    ServerResumed,
    /// [NewSessionTicket] CCS Finished after the client's Finished.
    ServerFinished,
}

/// The scripted peer.
pub struct Peer {
    pub side: Side,
    pub knobs: Knobs,
    rng: TestRng,
    layer: RecordLayer,
    hs: Hs,
    /// The verify_data of the handshake before a renegotiation.
    prev: Option<([u8; 12], [u8; 12])>,
    /// Handshake bytes received and not yet a whole message.
    rx: Vec<u8>,
    due: Due,
    /// 0 for the initial handshake, then one more per renegotiation.
    pub generation: usize,
    /// Handshakes the peer completed (verified the other Finished and sent
    /// its own).
    pub done: usize,
    /// A session to offer (client) or to resume when offered (server).
    pub offer: Option<PeerSession>,
    /// The session the last full handshake made.
    pub made: Option<PeerSession>,
    /// Alerts read from our connection: (level, description).
    pub alerts: Vec<(u8, u8)>,
    key: SigningKey,
    chain: [&'static [u8]; 2],
}

/// Flips the last byte: a signature or MAC that no longer verifies.
fn corrupt(bytes: &mut [u8]) {
    if let Some(b) = bytes.last_mut() {
        *b ^= 1;
    }
}

impl Peer {
    /// A peer playing `side`, with its RNG seeded by `seed`.
    pub fn new(side: Side, knobs: Knobs, seed: u64) -> Self {
        let (leaf, key) = match side {
            Side::Client => (ECDSA_CLIENT, ECDSA_CLIENT_KEY),
            Side::Server => (ECDSA_SERVER, ECDSA_SERVER_KEY),
        };
        Peer {
            side,
            knobs,
            rng: TestRng::new(seed),
            layer: RecordLayer::new(),
            hs: Hs::new(),
            prev: None,
            rx: Vec::new(),
            due: if side == Side::Client { Due::ClientHello } else { Due::Nothing },
            generation: 0,
            done: 0,
            offer: None,
            made: None,
            alerts: Vec::new(),
            key: SigningKey::from_der(key).expect("peer key"),
            chain: [leaf, ECDSA_CA],
        }
    }

    /// Client: starts a renegotiation under the established keys.
    pub fn begin_renegotiation(&mut self) {
        self.new_generation();
        self.due = Due::ClientHello;
    }

    /// Keeps the verify_data for renegotiation_info and starts a fresh handshake state.
    fn new_generation(&mut self) {
        self.prev = Some((self.hs.client_vd, self.hs.server_vd));
        self.hs = Hs::new();
        self.generation += 1;
    }

    // ----- receiving ---------------------------------------------------

    /// Reads records our connection sent: opens them with the current read
    /// keys and handles what they carry.
    pub fn absorb(&mut self, mut bytes: &[u8]) -> Result<(), String> {
        while !bytes.is_empty() {
            let hdr = RecordHeader::parse(bytes)
                .map_err(|e| format!("peer: bad record header from our connection: {e:?}"))?
                .ok_or("peer: a partial record header")?;
            let len = HEADER_LEN + hdr.len;
            let mut record = bytes.get(..len).ok_or("peer: a partial record")?.to_vec();
            bytes = &bytes[len..];
            let (ct, range) = self
                .layer
                .open(&mut record)
                .map_err(|e| format!("peer cannot open a {:?} record: {e:?}", hdr.content_type))?;
            let plain = &record[range];
            match ct {
                ContentType::Handshake => {
                    self.rx.extend_from_slice(plain);
                    while let Some((typ, _, n)) = split_handshake(&self.rx) {
                        let msg: Vec<u8> = self.rx.drain(..n).collect();
                        self.on_message(typ, &msg)?;
                    }
                }
                ContentType::ChangeCipherSpec => {
                    if plain != [1] {
                        return Err(format!("peer: ChangeCipherSpec {plain:?} from our connection"));
                    }
                    self.layer
                        .activate_read(&RustCrypto)
                        .map_err(|e| format!("peer: ChangeCipherSpec without keys: {e:?}"))?;
                }
                ContentType::Alert => match plain {
                    &[level, desc] => self.alerts.push((level, desc)),
                    other => return Err(format!("peer: malformed alert {other:?}")),
                },
                ContentType::ApplicationData => {}
                other => return Err(format!("peer: record of type {other:?}")),
            }
        }
        Ok(())
    }

    /// Handles one whole handshake message from our connection.
    fn on_message(&mut self, typ: HandshakeType, msg: &[u8]) -> Result<(), String> {
        let body = &msg[4..];
        let bad = |e| format!("peer cannot parse our {typ:?}: {e:?}");
        match (self.side, typ) {
            // Not part of the transcript (RFC 5246 §7.4.1.1).
            (Side::Client, HandshakeType::HelloRequest) => return Ok(()),
            (Side::Client, HandshakeType::ServerHello) => self.server_hello_in(body).map_err(bad)?,
            (Side::Client, HandshakeType::Certificate) => {}
            (Side::Client, HandshakeType::CertificateRequest) => self.hs.cert_requested = true,
            (Side::Client, HandshakeType::ServerKeyExchange) => {
                let ske = ServerKeyExchange::parse(body).map_err(bad)?;
                self.hs.group = Some(ske.group);
                self.hs.server_public = ske.public.to_vec();
            }
            (Side::Client, HandshakeType::ServerHelloDone) => self.due = Due::ClientKeyExchange,
            (Side::Client, HandshakeType::NewSessionTicket) => {
                self.hs.ticket = Some(NewSessionTicket::parse(body).map_err(bad)?.ticket.to_vec());
            }
            (Side::Client, HandshakeType::Finished) => {
                self.check_finished(false, msg)?;
                if self.hs.resumed {
                    self.due = Due::ClientFinished;
                } else {
                    self.finish_handshake();
                }
                return Ok(());
            }
            (Side::Server, HandshakeType::ClientHello) => {
                if self.done > self.generation {
                    self.new_generation();
                }
                self.client_hello_in(body).map_err(bad)?;
            }
            (Side::Server, HandshakeType::Certificate | HandshakeType::CertificateVerify) => {}
            (Side::Server, HandshakeType::ClientKeyExchange) => {
                let public = parse_client_key_exchange(body).map_err(bad)?;
                let secret = self.hs.secret.take().ok_or("peer: ClientKeyExchange before ServerKeyExchange")?;
                let pms = secret.agree(public).map_err(bad)?;
                // The EMS session hash ends with the ClientKeyExchange.
                self.hs.transcript.update(msg);
                self.derive_master(pms.as_ref());
                self.install_keys();
                return Ok(());
            }
            (Side::Server, HandshakeType::Finished) => {
                self.check_finished(true, msg)?;
                if self.hs.resumed {
                    self.finish_handshake();
                } else {
                    self.due = Due::ServerFinished;
                }
                return Ok(());
            }
            (side, typ) => return Err(format!("peer ({side:?}) did not expect {typ:?}")),
        }
        self.hs.transcript.update(msg);
        Ok(())
    }

    /// Client: the server's choices; a resumption installs the keys at once.
    fn server_hello_in(&mut self, body: &[u8]) -> Result<(), sansio_tls::Error> {
        let sh = ServerHello::parse(body)?;
        let hs = &mut self.hs;
        hs.server_random = sh.random;
        hs.suite = suites::lookup(CipherSuite::from(sh.cipher_suite));
        hs.ems = self.knobs.ems && sh.extended_master_secret;
        hs.session_id = sh.session_id.to_vec();
        hs.ticket_ack = sh.session_ticket_ack;
        let offered = self.offer.as_ref().filter(|_| !hs.offered_id.is_empty() && hs.offered_id == sh.session_id);
        if let Some(s) = offered {
            hs.resumed = true;
            hs.master = s.master;
            self.install_keys();
        }
        Ok(())
    }

    /// Server: resumes an offered session it knows, else picks suite, group and a new session ID.
    fn client_hello_in(&mut self, body: &[u8]) -> Result<(), sansio_tls::Error> {
        let ch = ClientHello::parse(body)?;
        let k = &self.knobs;
        let hs = &mut self.hs;
        hs.client_random = ch.random;
        hs.secure = ch.renegotiation_info.is_some() || ch.offers_suite(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
        hs.point_formats = ch.ec_point_formats.is_some();
        hs.ticket_ack = k.tickets && ch.session_ticket.is_some();
        let offered = self.offer.as_ref().filter(|s| {
            k.resume
                && match (&s.ticket, ch.session_ticket) {
                    (Some(t), Some(got)) if !got.is_empty() => t[..] == *got,
                    _ => !s.id.is_empty() && s.id[..] == *ch.session_id,
                }
        });
        if let Some(s) = offered {
            hs.resumed = true;
            hs.master = s.master;
            hs.session_id = ch.session_id.to_vec();
            hs.suite = suites::lookup(k.resume_suite.unwrap_or(s.suite));
            hs.ems = k.resume_ems.unwrap_or(s.ems);
            self.due = Due::ServerResumed;
        } else {
            let suite = k
                .suites
                .iter()
                .find(|s| ch.offers_suite(**s))
                .ok_or(sansio_tls::Error::from(sansio_tls::ErrorKind::HandshakeFailure))?;
            hs.suite = suites::lookup(*suite);
            hs.group = k.groups.iter().copied().find(|g| ch.supported_groups.is_none_or(|l| l.contains(g.to_wire())));
            hs.ems = k.ems && ch.extended_master_secret;
            let mut id = [0u8; 32];
            self.rng.fill_bytes(&mut id);
            hs.session_id = id.to_vec();
            self.due = Due::ServerHello;
        }
        Ok(())
    }

    /// Verifies our connection's Finished and adds it to the transcript.
    fn check_finished(&mut self, from_client: bool, msg: &[u8]) -> Result<(), String> {
        let want = self.verify_data(from_client);
        if msg[4..] != want {
            return Err(format!("peer: the Finished of our connection does not verify: {:?}", &msg[4..]));
        }
        if from_client {
            self.hs.client_vd = want;
        } else {
            self.hs.server_vd = want;
        }
        self.hs.transcript.update(msg);
        Ok(())
    }

    /// Counts a completed handshake; a full one made a session.
    fn finish_handshake(&mut self) {
        self.done += 1;
        if !self.hs.resumed {
            self.made = Some(PeerSession {
                id: self.hs.session_id.clone(),
                ticket: self.hs.ticket.clone(),
                master: self.hs.master,
                suite: self.hs.suite().suite,
                ems: self.hs.ems,
            });
        }
    }

    // ----- key schedule ------------------------------------------------

    /// The master secret: extended (over the transcript so far) or classic.
    fn derive_master(&mut self, pms: &[u8]) {
        let hs = &mut self.hs;
        let hash = hs.suite().hash;
        let ms = if hs.ems {
            crypto::extended_master_secret(
                &RustCrypto,
                hash,
                pms,
                hs.transcript.current(hash).expect("transcript").as_ref(),
            )
        } else {
            crypto::master_secret(&RustCrypto, hash, pms, &hs.client_random, &hs.server_random)
        };
        hs.master = *ms;
    }

    /// Expands the key block and makes the keys pending: the next CCS in
    /// each direction switches to them.
    fn install_keys(&mut self) {
        let hs = &self.hs;
        let suite = hs.suite();
        let (kl, il) = (suite.aead.key_len(), suite.aead.fixed_iv_len());
        let mut block = vec![0u8; 2 * (kl + il)];
        crypto::key_block(&RustCrypto, suite.hash, &hs.master, &hs.client_random, &hs.server_random, &mut block);
        let client = DirectionKeys::new(suite.aead, &block[..kl], &block[2 * kl..2 * kl + il]).unwrap();
        let server = DirectionKeys::new(suite.aead, &block[kl..2 * kl], &block[2 * kl + il..]).unwrap();
        match self.side {
            Side::Client => self.layer.set_pending(server, client),
            Side::Server => self.layer.set_pending(client, server),
        }
    }

    /// Finished verify_data over the transcript so far.
    fn verify_data(&self, from_client: bool) -> [u8; 12] {
        let hash = self.hs.suite().hash;
        crypto::verify_data(
            &RustCrypto,
            hash,
            &self.hs.master,
            from_client,
            self.hs.transcript.current(hash).expect("transcript").as_ref(),
        )
    }

    // ----- sending -----------------------------------------------------

    /// The peer's next flight, honest; empty when it owes nothing.
    pub fn next_flight(&mut self) -> Vec<Item> {
        match std::mem::replace(&mut self.due, Due::Nothing) {
            Due::Nothing => Vec::new(),
            Due::ClientHello => vec![self.client_hello()],
            Due::ClientKeyExchange => self.client_key_exchange(),
            Due::ClientFinished => {
                let items = vec![Item::Ccs(vec![1]), self.finished(true)];
                self.finish_handshake();
                items
            }
            Due::ServerHello => self.server_first_flight(),
            Due::ServerResumed => {
                let mut items = vec![self.server_hello()];
                if self.hs.ticket_ack {
                    items.push(self.new_session_ticket());
                }
                self.install_keys();
                items.extend([Item::Ccs(vec![1]), self.finished(false)]);
                items
            }
            Due::ServerFinished => {
                let mut items = Vec::new();
                if self.hs.ticket_ack {
                    items.push(self.new_session_ticket());
                }
                items.extend([Item::Ccs(vec![1]), self.finished(false)]);
                self.finish_handshake();
                items
            }
        }
    }

    /// A handshake message of ours: into the transcript, and out.
    fn message(&mut self, msg: Vec<u8>) -> Item {
        self.hs.transcript.update(&msg);
        Item::Hs(msg)
    }

    /// renegotiation_info for our hello, if it is sent.
    fn renegotiation_info(&self) -> Option<Vec<u8>> {
        let knob = if self.generation == 0 { &self.knobs.ri } else { &self.knobs.reneg_ri };
        match (knob, self.prev, self.side) {
            (Ri::Omit, _, _) => None,
            (Ri::Value(v), _, _) => Some(v.clone()),
            (Ri::Honest, None, Side::Server) if !self.hs.secure => None,
            (Ri::Honest, None, _) => Some(Vec::new()),
            (Ri::Honest, Some((c, _)), Side::Client) => Some(c.to_vec()),
            (Ri::Honest, Some((c, s)), Side::Server) => Some([c, s].concat()),
        }
    }

    /// The version and extension knobs applied to an encoded hello; then
    /// into the transcript.
    fn hello(&mut self, mut msg: Vec<u8>) -> Item {
        if let Some(v) = self.knobs.version {
            msg[4..6].copy_from_slice(&v.to_be_bytes());
        }
        wire::append_extensions(&mut msg, &self.knobs.extra_ext);
        self.message(msg)
    }

    /// A ClientHello, offering the remembered session by ticket or ID.
    fn client_hello(&mut self) -> Item {
        let k = self.knobs.clone();
        self.rng.fill_bytes(&mut self.hs.client_random);
        let mut suites = k.suites.clone();
        if k.scsv {
            suites.push(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
        }
        let mut ticket = None;
        let mut offered_id = Vec::new();
        if let Some(s) = self.offer.as_ref().filter(|_| k.resume) {
            match &s.ticket {
                // RFC 5077 §3.4: a fresh session ID goes with the ticket.
                Some(t) if k.tickets => {
                    let mut id = [0u8; 32];
                    self.rng.fill_bytes(&mut id);
                    offered_id = id.to_vec();
                    ticket = Some(t.clone());
                }
                _ => offered_id = s.id.clone(),
            }
        }
        let session_id = k.session_id.clone().unwrap_or_else(|| offered_id.clone());
        self.hs.offered_id = offered_id;
        let ri = self.renegotiation_info();
        let repr = ClientHelloRepr {
            random: self.hs.client_random,
            session_id: &session_id,
            cipher_suites: &suites,
            server_name: k.sni.map(str::as_bytes),
            max_fragment_length: None,
            groups: &k.groups,
            signature_schemes: &k.sigalgs,
            alpn: sansio_tls::config::ByteStrings::EMPTY,
            extended_master_secret: k.ems,
            renegotiation_info: ri.as_deref(),
            session_ticket: k.tickets.then(|| ticket.as_deref().unwrap_or(&[])),
            record_size_limit: None,
        };
        let msg = wire::encode(|w| repr.encode(w));
        self.hello(msg)
    }

    /// A ServerHello for the choices made in `client_hello_in`.
    fn server_hello(&mut self) -> Item {
        self.rng.fill_bytes(&mut self.hs.server_random);
        let ri = self.renegotiation_info();
        let session_id = self.knobs.session_id.clone().unwrap_or_else(|| self.hs.session_id.clone());
        let hs = &self.hs;
        let repr = ServerHelloRepr {
            random: hs.server_random,
            session_id: &session_id,
            cipher_suite: hs.suite().suite.to_wire(),
            server_name_ack: false,
            max_fragment_length: None,
            ec_point_formats: hs.point_formats,
            alpn: None,
            extended_master_secret: hs.ems,
            renegotiation_info: ri.as_deref(),
            session_ticket_ack: hs.ticket_ack,
            record_size_limit: None,
        };
        let msg = wire::encode(|w| repr.encode(w));
        self.hello(msg)
    }

    /// ServerHello, Certificate, a signed ServerKeyExchange, ServerHelloDone.
    fn server_first_flight(&mut self) -> Vec<Item> {
        let sh = self.server_hello();
        let chain = self.chain;
        let cert = self.message(wire::encode(|w| CertificateMsg::encode(w, &chain)));
        let group = self.hs.group.expect("a common group");
        let (secret, share) = EphemeralSecret::generate(group, &mut self.rng).expect("peer key share");
        self.hs.secret = Some(secret);
        let params = wire::encode(|w| ServerKeyExchange::encode_params(w, group, share.as_ref()));
        let signed = [&self.hs.client_random[..], &self.hs.server_random, &params].concat();
        let mut sig = [0u8; MAX_SIGNATURE_LEN];
        let n = crypto::sign_message(&self.key, SCHEME, &signed, &mut self.rng, &mut sig).expect("peer signature");
        if self.knobs.bad_signature {
            corrupt(&mut sig[..n]);
        }
        let ske = wire::encode(|w| {
            write_handshake(w, HandshakeType::ServerKeyExchange, |w| {
                w.bytes(&params)?;
                w.u16(SCHEME.to_wire())?;
                w.vec16(&sig[..n])
            })
        });
        let ske = self.message(ske);
        let done = self.message(wire::encode(|w| write_handshake(w, HandshakeType::ServerHelloDone, |_| Ok(()))));
        vec![sh, cert, ske, done]
    }

    /// A NewSessionTicket with an opaque ticket only this peer understands.
    fn new_session_ticket(&mut self) -> Item {
        let ticket = format!("peer ticket, generation {}", self.generation).into_bytes();
        let msg = wire::encode(|w| NewSessionTicket { lifetime_hint: 3600, ticket: &ticket }.encode(w));
        self.hs.ticket = Some(ticket);
        self.message(msg)
    }

    /// The client's second flight; derives the master secret after the ClientKeyExchange.
    fn client_key_exchange(&mut self) -> Vec<Item> {
        let mut items = Vec::new();
        let send_chain = self.hs.cert_requested && self.knobs.client_cert;
        if self.hs.cert_requested {
            let chain: &[&[u8]] = if send_chain { &self.chain } else { &[] };
            let cert = wire::encode(|w| CertificateMsg::encode(w, chain));
            items.push(self.message(cert));
        }
        let group = self.hs.group.expect("a ServerKeyExchange");
        let (secret, share) = EphemeralSecret::generate(group, &mut self.rng).expect("peer key share");
        let pms = secret.agree(&self.hs.server_public).expect("the server's key share");
        let cke = wire::encode(|w| write_handshake(w, HandshakeType::ClientKeyExchange, |w| w.vec8(share.as_ref())));
        items.push(self.message(cke));
        self.derive_master(pms.as_ref());
        if send_chain {
            let digest = self.hs.transcript.current(crypto::HashAlg::Sha256).expect("transcript");
            let mut sig = [0u8; MAX_SIGNATURE_LEN];
            let n = self.key.sign_prehashed(SCHEME, digest.as_ref(), &mut self.rng, &mut sig).expect("peer signature");
            if self.knobs.bad_signature {
                corrupt(&mut sig[..n]);
            }
            let cv = wire::encode(|w| {
                write_handshake(w, HandshakeType::CertificateVerify, |w| {
                    w.u16(SCHEME.to_wire())?;
                    w.vec16(&sig[..n])
                })
            });
            items.push(self.message(cv));
        }
        self.install_keys();
        items.extend([Item::Ccs(vec![1]), self.finished(true)]);
        items
    }

    /// Our Finished (corrupted with `bad_finished`).
    fn finished(&mut self, from_client: bool) -> Item {
        let mut vd = self.verify_data(from_client);
        if self.knobs.bad_finished {
            corrupt(&mut vd);
        }
        if from_client {
            self.hs.client_vd = vd;
        } else {
            self.hs.server_vd = vd;
        }
        self.message(wire::encode(|w| write_handshake(w, HandshakeType::Finished, |w| w.bytes(&vd))))
    }

    // ----- framing -----------------------------------------------------

    /// Puts items into records with the peer's write state: one record per
    /// item, or with `chunk`, every run of handshake messages cut into
    /// records of `chunk` bytes (messages spanning records and records
    /// holding several messages). A ChangeCipherSpec switches writing to
    /// the pending keys, if there are any.
    pub fn frame(&mut self, items: &[Item], chunk: Option<usize>) -> Vec<u8> {
        let total: usize = items.iter().map(|i| i.hs().map_or(64, <[u8]>::len)).sum();
        let records = total / chunk.unwrap_or(MAX_PLAINTEXT).min(MAX_PLAINTEXT) + items.len() + 1;
        let mut buf = vec![0u8; total + records * 64];
        let mut end = 0;
        let mut i = 0;
        while i < items.len() {
            match (&items[i], chunk) {
                (Item::Hs(_), Some(size)) => {
                    let mut run = Vec::new();
                    while let Some(m) = items.get(i).and_then(Item::hs) {
                        run.extend_from_slice(m);
                        i += 1;
                    }
                    for piece in run.chunks(size) {
                        self.record(&mut buf, &mut end, ContentType::Handshake, piece);
                    }
                    continue;
                }
                (Item::Hs(m), None) => self.record(&mut buf, &mut end, ContentType::Handshake, m),
                (Item::Ccs(body), _) => {
                    self.record(&mut buf, &mut end, ContentType::ChangeCipherSpec, body);
                    // Nothing pending: an extra CCS changes nothing.
                    let _ = self.layer.activate_write(&RustCrypto);
                }
                (Item::Data(d), _) => self.record(&mut buf, &mut end, ContentType::ApplicationData, d),
            }
            i += 1;
        }
        buf.truncate(end);
        buf
    }

    /// Appends one record (more if longer than 2^14) to `buf`.
    fn record(&mut self, buf: &mut [u8], end: &mut usize, ct: ContentType, payload: &[u8]) {
        RecordWriter::new(buf, end, &mut self.layer).write(ct, |w| w.bytes(payload), |_| {}).expect("peer framing");
    }
}

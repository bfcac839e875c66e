//! The client handshake (RFC 5246 §7.3): full, and abbreviated when the
//! server resumes an offered session (by ID or RFC 5077 ticket).

use super::{Common, Ctx, Finishing, HandshakeSide, Phase, Progress, Renegotiation, SideEvent};
use crate::codec::NamedGroup;
use crate::codec::{
    self, CertificateMsg, CipherSuite, ClientHelloRepr, ContentType, HandshakeType, MAX_CHAIN_LEN, NewSessionTicket,
    ServerHello, TLS12,
};
use crate::config::ClientConfigRef;
use crate::crypto::{self, PublicKey, PublicShare};
use crate::error::Error;
use crate::event::Event;
use crate::session::{ClientSession, SESSION_ID_LEN, Session, SessionId};
use crate::suites::{self, SuiteInfo};
use pki_types::CertificateDer;
use zeroize::Zeroizing;

mod credential;
mod key_exchange;

/// The most suites a client offers (a bound on the stack copy).
const MAX_SUITES: usize = 16;

/// Where the client handshake stands, holding exactly what is valid there
/// (RFC 5246 §7.3: the server's messages in order).
// No heap to box the large variants into: with `rsa` the server's key holds
// a 512-byte modulus inline, with `tickets` a session a 512-byte ticket.
#[allow(clippy::large_enum_variant)]
enum State {
    /// The ClientHello went out, maybe offering a session.
    ExpectServerHello { offer: Option<Offer> },
    /// A full handshake: the server's Certificate is next.
    ExpectCertificate { full: Full },
    /// The server's key, between its Certificate and ServerKeyExchange.
    ExpectServerKeyExchange { full: Full, server_key: PublicKey },
    /// The key exchange is agreed; a CertificateRequest may come before
    /// ServerHelloDone.
    ExpectServerHelloDone { full: Full, exchange: KeyExchange, request: CertRequest },
    /// The master secret is known; the server's NewSessionTicket is due.
    ExpectNewSessionTicket { keys: Keyed },
    /// The peer's ChangeCipherSpec, then its Finished.
    Finishing(Finishing<Keyed>),
    /// The handshake finished; the session it made or resumed, if any.
    Established { session: Option<ClientSession> },
    /// A message failed half-way: the connection is failing. Whether the
    /// state before held a session (offered, resumed or made): a fatal
    /// error removes it from the cache.
    Failed { held_session: bool },
}

/// A session offered for resumption, with the ID it was offered under (a
/// fresh random one with a ticket, RFC 5077 §3.4).
struct Offer {
    session: ClientSession,
    id: SessionId,
}

/// What a full handshake agreed in the ServerHello.
struct Full {
    suite: &'static SuiteInfo,
    session_id: SessionId,
    ticket_expected: bool,
}

/// Our ECDHE share and the premaster secret it makes with the server's.
struct KeyExchange {
    group: NamedGroup,
    premaster: crypto::SharedSecret,
    share: PublicShare,
}

/// Whether the server asked for a certificate, and what we answer.
enum CertRequest {
    NotAsked,
    /// Asked: the credential (its index in the config's `client_certs`)
    /// and CertificateVerify scheme chosen, or none (an empty Certificate).
    Asked(Option<(usize, codec::SignatureScheme)>),
}

/// After the master secret: the suite, the ECDHE group (none when
/// resumed), and the session so far (the offered one when resumed, the one
/// a ticket came with).
struct Keyed {
    suite: &'static SuiteInfo,
    group: Option<NamedGroup>,
    session_id: SessionId,
    session: Option<ClientSession>,
}

/// The key a session is cached under: a digest of the config's session
/// context (its namespace and verifier), the server name and the port
/// (fixed size, so the connection stays small). Configs that verify
/// differently never see each other's sessions.
#[derive(Clone, Copy)]
pub(crate) struct CacheKey([u8; 32]);

impl CacheKey {
    pub fn new(context: &[u8; 32], server_name: &str, port: u16) -> Self {
        CacheKey(crypto::context_digest([&context[..], server_name.as_bytes(), &port.to_be_bytes()]))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// `name` as SNI: none for IP literals (RFC 6066 §3). (pki-types' address
/// parser, which the certificate name check links anyway, not core's.)
fn sni_of(name: &str) -> Option<&[u8]> {
    match pki_types::IpAddr::try_from(name) {
        Ok(_) => None,
        Err(_) if name.is_empty() => None,
        Err(_) => Some(name.as_bytes()),
    }
}

/// The longest server name a client connects to: a DNS name is at most
/// 253 bytes (RFC 1035 §2.3.4); an IP address literal is shorter.
pub(crate) const MAX_SERVER_NAME: usize = 253;

/// The server name a client connects to, kept in the connection.
pub(crate) type ServerName = heapless::String<MAX_SERVER_NAME>;

/// The client side of a connection: the handshake state and what it keeps
/// across renegotiations. `C` is how the config is held (`&ClientConfig`,
/// `Arc<ClientConfig>`, ...).
pub struct ClientHandshake<C: ClientConfigRef> {
    pub(crate) common: Common<C::Provider>,
    config: C,
    /// A copy of the config's provider (taken once: the config's view is
    /// not free to make, and the provider is usually a unit struct).
    provider: C::Provider,
    server_name: ServerName,
    /// The context this config's sessions are bound to (see [`Session`]).
    context: [u8; 32],
    cache_key: CacheKey,
    state: State,
    /// The ALPN protocol the server chose: its index in the config's list.
    alpn: Option<usize>,
}

impl<C: ClientConfigRef + Clone> ClientHandshake<C> {
    pub(crate) fn new(config: C, server_name: ServerName, port: u16) -> Self {
        let view = config.client_config();
        let context =
            crypto::context_digest([&b"sansio-tls client"[..], &view.verifier.session_context(), view.session_context]);
        let provider = view.provider;
        ClientHandshake {
            common: Common::new(&provider),
            provider,
            config,
            cache_key: CacheKey::new(&context, &server_name, port),
            server_name,
            context,
            state: State::ExpectServerHello { offer: None },
            alpn: None,
        }
    }

    /// The record_size_limit this client offers (RFC 8449), given the limit
    /// its receive buffer sets: the config's (capped by the buffer), or,
    /// when the config names none, the buffer's if it cannot hold a full
    /// record and no max_fragment_length is asked for.
    fn record_size_limit_offer(&self, own: u16) -> Option<u16> {
        let config = self.config.client_config();
        match (config.record_size_limit, config.max_fragment_length) {
            (Some(_), _) => Some(own),
            (None, None) if usize::from(own) < crate::record::MAX_PLAINTEXT => Some(own),
            (None, _) => None,
        }
    }

    /// Whether this client offers session tickets: the config's choice, in
    /// a build with the `tickets` feature.
    fn offers_tickets(&self) -> bool {
        cfg!(feature = "tickets") && self.config.client_config().session_tickets
    }

    /// A handshake renegotiating after `old` (RFC 5746).
    pub(crate) fn renegotiation_of(old: &Self) -> Self {
        let mut h = ClientHandshake::new(old.config.clone(), old.server_name.clone(), 0);
        h.cache_key = old.cache_key;
        h.common = Common::renegotiation_of(&old.provider(), &old.common);
        h.alpn = old.alpn;
        h
    }

    /// Whether the state holds a session: offered, resumed, or made.
    fn holds_session(&self) -> bool {
        match &self.state {
            State::ExpectServerHello { offer } => offer.is_some(),
            State::ExpectNewSessionTicket { keys } | State::Finishing(Finishing { keys, .. }) => keys.session.is_some(),
            State::Established { session } => session.is_some(),
            State::Failed { held_session } => *held_session,
            _ => false,
        }
    }

    /// The session established by the last handshake, if resumable.
    pub(crate) fn session(&self) -> Option<&ClientSession> {
        match &self.state {
            State::Established { session } => session.as_ref(),
            _ => None,
        }
    }

    /// The server name as SNI: none for IP literals (RFC 6066 §3).
    fn sni(&self) -> Option<&[u8]> {
        sni_of(&self.server_name)
    }

    /// Whether `s` may be offered: made in this config's context (so
    /// verified as this config verifies), a suite we still offer, the same
    /// server name, extended master secret unless legacy resumption is
    /// allowed; in a renegotiation only from an extended-master-secret
    /// handshake and with the same server identity.
    fn resumable(&self, s: &Session) -> bool {
        let renegotiation_ok = match &self.common.prev {
            None => s.extended_master_secret() || self.config.client_config().allow_legacy_resumption,
            Some(p) => p.may_resume(s, self.config.client_config().allow_peer_identity_change),
        };
        s.context() == &self.context
            && renegotiation_ok
            && self.config.client_config().cipher_suites.contains(&s.suite())
            && s.matches_sni(self.sni())
    }

    /// Sends the ClientHello that opens the handshake, offering `session`
    /// (or the cached one) for resumption.
    pub(crate) fn start<R: rand_core::CryptoRng>(
        &mut self,
        ctx: &mut Ctx<'_, R, C::Provider>,
        session: Option<&ClientSession>,
    ) -> Result<(), Error> {
        ctx.rng.fill_bytes(&mut self.common.client_random);
        let mut suites = heapless::Vec::<CipherSuite, MAX_SUITES>::new();
        for s in self.config.client_config().cipher_suites.iter().filter(|s| suites::lookup(**s).is_some()) {
            suites
                .push(*s)
                .map_err(|_| Error::Internal.because("more cipher suites configured than a ClientHello carries"))?;
        }
        if suites.is_empty() {
            return Err(Error::HandshakeFailure.because("no configured cipher suite is implemented by this crate"));
        }
        let mut groups = heapless::Vec::<_, 4>::new();
        for g in self.config.client_config().groups.iter().filter(|g| crypto::SUPPORTED_GROUPS.contains(g)) {
            groups
                .push(*g)
                .map_err(|_| Error::Internal.because("more groups configured than a ClientHello carries"))?;
        }
        let cached = match session {
            Some(_) => None,
            None => self.config.client_config().session_cache.and_then(|c| c.get(self.cache_key.as_bytes())),
        };
        let candidate = session.or(cached.as_ref()).filter(|cs| self.resumable(&cs.session));
        let mut ticket: Option<&[u8]> = None;
        let mut id = SessionId::new();
        if let Some(cs) = candidate {
            // In a renegotiation a session resumes by ID only: deployed
            // servers (GnuTLS 3.7) fail resuming a ticket there.
            let t = cs.ticket().filter(|_| self.offers_tickets() && self.common.prev.is_none());
            if let Some(t) = t {
                // RFC 5077 §3.4: with a ticket, offer a fresh random session
                // ID; an echo of it means the ticket was accepted.
                let mut fresh = [0u8; SESSION_ID_LEN];
                ctx.rng.fill_bytes(&mut fresh);
                id = SessionId::from_slice(&fresh).unwrap_or_default();
                ticket = Some(t);
            } else {
                // A session's ID is at most 32 bytes by construction.
                id = SessionId::from_slice(cs.session.id()).unwrap_or_default();
            }
        }
        let session_ticket = if self.offers_tickets() { Some(ticket.unwrap_or(&[])) } else { None };
        let hello = ClientHelloRepr {
            random: self.common.client_random,
            session_id: &id,
            cipher_suites: &suites,
            server_name: sni_of(&self.server_name),
            max_fragment_length: self.config.client_config().max_fragment_length,
            record_size_limit: self.record_size_limit_offer(ctx.out.layer().own_record_size_limit()),
            groups: &groups,
            signature_schemes: self.config.client_config().signature_schemes,
            alpn: self.config.client_config().alpn_protocols,
            extended_master_secret: true,
            // RFC 5746 §3.4: an initial ClientHello carries an empty
            // renegotiation_info (instead of the SCSV); §3.5: a
            // renegotiating one carries our last verify_data.
            renegotiation_info: Some(match &self.common.prev {
                Some(p) => &p.client_verify_data[..],
                None => &[],
            }),
            session_ticket,
        };
        let transcript = &mut self.common.transcript;
        ctx.out.write(ContentType::Handshake, |w| hello.encode(w), |m| transcript.update(m))?;
        let offer = candidate.filter(|_| !id.is_empty()).map(|cs| Offer { session: cs.clone(), id });
        self.state = State::ExpectServerHello { offer };
        Ok(())
    }

    /// Moves to `next`.
    fn go(&mut self, next: State, progress: Progress) -> Result<Progress, Error> {
        self.state = next;
        Ok(progress)
    }

    /// The session a full handshake established.
    fn new_session<R>(&self, ctx: &Ctx<'_, R, C::Provider>, keys: &Keyed) -> Result<Session, Error> {
        Session::new(
            &keys.session_id,
            &self.common.master_secret,
            keys.suite.suite,
            self.common.ems,
            self.sni().map(crypto::sha256),
            self.common.peer_cert_sha256,
            self.context,
            ctx.now,
        )
    }

    /// The session to keep after the Finished (for the event, and the
    /// cache): the resumed one or the one a ticket came with, else a new
    /// one if the server gave it an ID.
    fn save_session<R>(&self, ctx: &Ctx<'_, R, C::Provider>, keys: Keyed) -> Result<Option<ClientSession>, Error> {
        let session = match keys.session {
            Some(cs) => Some(cs),
            None if !keys.session_id.is_empty() => Some(ClientSession::new(self.new_session(ctx, &keys)?, None, 0)),
            // No ID and no ticket: nothing to resume with.
            None => None,
        };
        if let (Some(cache), Some(cs)) = (self.config.client_config().session_cache, &session) {
            cache.put(self.cache_key.as_bytes(), cs);
        }
        Ok(session)
    }

    /// Checks the ServerHello against what we offered; returns the next
    /// state: a full handshake, or the resumption of the offered session.
    fn server_hello<R>(
        &mut self,
        ctx: &mut Ctx<'_, R, C::Provider>,
        body: &[u8],
        offer: Option<Offer>,
    ) -> Result<State, Error> {
        let sh = ServerHello::parse(body)?;
        if sh.version != TLS12 {
            return Err(Error::ProtocolVersion.because("server chose a protocol version other than TLS 1.2"));
        }
        if sh.compression_method != 0 {
            return Err(Error::IllegalParameter.because("server chose a compression method"));
        }
        let suite = CipherSuite::from(sh.cipher_suite);
        if !self.config.client_config().cipher_suites.contains(&suite) {
            return Err(Error::IllegalParameter.because("server chose a cipher suite we did not offer"));
        }
        let suite_info = suites::lookup(suite)
            .ok_or(Error::IllegalParameter.because("server chose a cipher suite we did not offer"))?;
        // RFC 5246 §7.4.1.4: a server must not send an extension the client
        // did not offer.
        if sh.unsolicited.is_some()
            || (sh.session_ticket_ack && !self.offers_tickets())
            || (sh.server_name_ack && self.sni().is_none())
            || (sh.alpn.is_some() && self.config.client_config().alpn_protocols.is_empty())
        {
            return Err(Error::UnsupportedExtension.because("server sent an extension we did not offer"));
        }
        // RFC 7301 §3.1: the server picks one of ours.
        self.alpn = match sh.alpn {
            Some(p) => Some(
                self.config
                    .client_config()
                    .alpn_protocols
                    .position(p)
                    .ok_or(Error::IllegalParameter.because("server chose an ALPN protocol we did not offer"))?,
            ),
            None => None,
        };
        if let Some(f) = sh.ec_point_formats {
            // RFC 8422 §5.2: uncompressed must be among them; without it the
            // server cannot read our (uncompressed) point: handshake_failure,
            // as GnuTLS sends (OpenSSL ignores the list).
            if !f.contains(&0) {
                return Err(Error::HandshakeFailure.because("server does not accept uncompressed EC points"));
            }
        }
        let offered = self.record_size_limit_offer(ctx.out.layer().own_record_size_limit());
        match (sh.record_size_limit, offered) {
            (None, _) => {}
            (Some(_), None) => {
                return Err(
                    Error::UnsupportedExtension.because("server sent record_size_limit, which we did not offer")
                );
            }
            // RFC 8449 §4: below 64 is illegal_parameter; §5: a server
            // answers one of max_fragment_length and record_size_limit.
            (Some(limit), Some(_)) if usize::from(limit) < crate::record::MIN_RECORD_SIZE_LIMIT => {
                return Err(Error::IllegalParameter.because("server's record_size_limit is below 64"));
            }
            (Some(_), Some(_)) if sh.max_fragment_length.is_some() => {
                return Err(
                    Error::IllegalParameter.because("server answered both max_fragment_length and record_size_limit")
                );
            }
            (Some(limit), Some(_)) => ctx.out.layer().agree_record_size_limit(limit),
        }
        match (sh.max_fragment_length, self.config.client_config().max_fragment_length) {
            (None, _) => {}
            (Some(got), Some(asked)) if got == asked => {
                let n = got.bytes().ok_or(Error::IllegalParameter.because("unknown max_fragment_length value"))?;
                ctx.out.layer().set_max_fragment(n);
                self.common.max_fragment_length = Some(got);
            }
            // RFC 6066 §4: a different value is illegal_parameter.
            (Some(_), Some(_)) => {
                return Err(Error::IllegalParameter.because("server answered max_fragment_length with another length"));
            }
            (Some(_), None) => {
                return Err(
                    Error::UnsupportedExtension.because("server sent max_fragment_length, which we did not offer")
                );
            }
        }
        self.common.ems = sh.extended_master_secret;
        if self.config.client_config().require_extended_master_secret && !self.common.ems {
            return Err(Error::HandshakeFailure
                .because("server does not support extended master secret, which the configuration requires"));
        }
        self.common.secure_renegotiation = match (sh.renegotiation_info, &self.common.prev) {
            (None, None) => false,
            (Some([]), None) => true,
            // RFC 5746 §3.4: a non-empty one on an initial handshake aborts.
            (Some(_), None) => {
                return Err(Error::HandshakeFailure
                    .because("server sent a non-empty renegotiation_info in an initial handshake"));
            }
            // §3.5: in a renegotiation it must be both verify_data values.
            (Some(ri), Some(p)) if ri == p.both() => true,
            (_, Some(_)) => {
                return Err(Error::HandshakeFailure.because("renegotiation_info does not match the previous handshake"));
            }
        };
        self.common.server_random = sh.random;
        let session_id = SessionId::from_slice(sh.session_id)
            .map_err(|_| Error::IllegalParameter.because("server session ID longer than 32 bytes"))?;
        let ticket_expected = sh.session_ticket_ack;
        let Some(offer) = offer.filter(|o| sh.session_id == &o.id[..]) else {
            // Not resumed: the offered session and its ticket are of no
            // further use in this connection.
            return Ok(State::ExpectCertificate { full: Full { suite: suite_info, session_id, ticket_expected } });
        };
        let s = &offer.session.session;
        // RFC 5246 §7.4.1.3: a resumption keeps the suite; RFC 7627 §5.3:
        // and the extended master secret state.
        if s.suite() != suite {
            return Err(Error::IllegalParameter.because("server resumed the session with another cipher suite"));
        }
        if s.extended_master_secret() != self.common.ems {
            return Err(
                Error::HandshakeFailure.because("server resumed the session with another extended master secret state")
            );
        }
        if let Some(p) = &self.common.prev {
            p.check_identity(s.peer_cert_sha256(), self.config.client_config().allow_peer_identity_change)?;
        }
        self.common.master_secret = Zeroizing::new(*s.master_secret());
        self.common.log_master_secret(self.config.client_config().key_log);
        self.common.peer_cert_sha256 = s.peer_cert_sha256();
        let keys = Keyed { suite: suite_info, group: None, session_id, session: Some(offer.session) };
        Ok(if ticket_expected {
            State::ExpectNewSessionTicket { keys }
        } else {
            State::Finishing(Finishing::new(keys))
        })
    }

    /// The server's Certificate: verified, and fitting the suite; returns
    /// its key.
    fn certificate<R>(
        &mut self,
        ctx: &mut Ctx<'_, R, C::Provider>,
        body: &[u8],
        full: &Full,
    ) -> Result<PublicKey, Error> {
        let msg = CertificateMsg::parse(body)?;
        let mut chain = heapless::Vec::<CertificateDer<'_>, MAX_CHAIN_LEN>::new();
        for c in msg.iter() {
            chain.push(CertificateDer::from(c)).map_err(|_| {
                Error::BadCertificate.because("certificate chain has more certificates than this crate verifies")
            })?;
        }
        // RFC 5246 §7.4.2: a server's certificate_list holds its
        // certificate; an empty one is decode_error, as OpenSSL and GnuTLS
        // clients send.
        let ee = chain.first().ok_or(Error::Decode.because("server sent an empty certificate list"))?;
        self.config.client_config().verifier.verify_server_cert(&chain, &self.server_name, ctx.now.as_secs())?;
        let key = PublicKey::from_certificate_der(ee.as_ref())?;
        if key.kind() != full.suite.auth {
            return Err(
                Error::UnsupportedCertificate.because("server certificate key type does not fit the cipher suite")
            );
        }
        let d = crypto::sha256(ee.as_ref());
        // A renegotiation must not switch the server's identity unless the
        // application allows it (like GNUTLS_ALLOW_ID_CHANGE).
        if let Some(p) = &self.common.prev {
            p.check_identity(Some(d), self.config.client_config().allow_peer_identity_change)?;
        }
        self.common.peer_cert_sha256 = Some(d);
        Ok(key)
    }
}

impl<C: ClientConfigRef + Clone> HandshakeSide for ClientHandshake<C> {
    const ROLE: &'static str = "client";

    type Provider = C::Provider;

    fn provider(&self) -> C::Provider {
        self.provider
    }

    fn handle<R: rand_core::CryptoRng>(
        &mut self,
        ctx: &mut Ctx<'_, R, C::Provider>,
        typ: HandshakeType,
        msg: &[u8],
        body: &[u8],
    ) -> Result<Progress, Error> {
        // RFC 5246 §7.4.1.1: a HelloRequest during a handshake is ignored
        // and is not part of the transcript; but nothing may come between
        // the server's ChangeCipherSpec and its Finished (§7.4.9).
        if typ == HandshakeType::HelloRequest
            && self.phase() != Phase::ExpectFinished
            && !matches!(self.state, State::Failed { .. })
        {
            codec::parse_empty_body(body)?;
            let established = matches!(self.state, State::Established { .. });
            return Ok(if established { Progress::RenegotiationRequested } else { Progress::Continue });
        }
        // Each arm moves the data of its state into the next one; on an
        // error the state stays `Failed`, and so does the connection.
        let failed = State::Failed { held_session: self.holds_session() };
        let (next, progress) = match (core::mem::replace(&mut self.state, failed), typ) {
            (State::ExpectServerHello { offer }, HandshakeType::ServerHello) => {
                let next = self.server_hello(ctx, body, offer)?;
                self.common.transcript.update(msg);
                let config = self.config.client_config();
                let may_sign = !config.client_certs.is_empty() || config.client_cert_resolver.is_some();
                match &next {
                    State::ExpectNewSessionTicket { keys } | State::Finishing(Finishing { keys, .. }) => {
                        // Resumed: the keys are known now, and no
                        // CertificateVerify needs another hash.
                        self.common.transcript.keep_only(keys.suite.hash);
                        self.common.install_keys(ctx, keys.suite, true)?;
                    }
                    // A full handshake with nothing to sign a
                    // CertificateVerify with: the suite's hash is all we need.
                    State::ExpectCertificate { full } if !may_sign => self.common.transcript.keep_only(full.suite.hash),
                    _ => {}
                }
                return self.go(next, Progress::Continue);
            }
            (State::ExpectCertificate { full }, HandshakeType::Certificate) => {
                let server_key = self.certificate(ctx, body, &full)?;
                (State::ExpectServerKeyExchange { full, server_key }, Progress::Continue)
            }
            (State::ExpectServerKeyExchange { full, server_key }, HandshakeType::ServerKeyExchange) => {
                let exchange = self.server_key_exchange(ctx, body, &server_key)?;
                (State::ExpectServerHelloDone { full, exchange, request: CertRequest::NotAsked }, Progress::Continue)
            }
            (
                State::ExpectServerHelloDone { full, exchange, request: CertRequest::NotAsked },
                HandshakeType::CertificateRequest,
            ) => {
                let cr = codec::CertificateRequest::parse(body)?;
                let request = CertRequest::Asked(self.choose_credential(&cr));
                (State::ExpectServerHelloDone { full, exchange, request }, Progress::Continue)
            }
            (State::ExpectServerHelloDone { full, exchange, request }, HandshakeType::ServerHelloDone) => {
                codec::parse_empty_body(body)?;
                self.common.transcript.update(msg);
                self.send_second_flight(ctx, full.suite, exchange.share, exchange.premaster, request)?;
                let keys = Keyed {
                    suite: full.suite,
                    group: Some(exchange.group),
                    session_id: full.session_id,
                    session: None,
                };
                let next = if full.ticket_expected {
                    State::ExpectNewSessionTicket { keys }
                } else {
                    State::Finishing(Finishing::new(keys))
                };
                return self.go(next, Progress::Continue);
            }
            (State::ExpectNewSessionTicket { mut keys }, HandshakeType::NewSessionTicket) => {
                let nst = NewSessionTicket::parse(body)?;
                // An empty ticket means "no ticket this time" (RFC 5077
                // §3.3); one too big to keep is dropped.
                let ticket = Some(nst.ticket).filter(|t| !t.is_empty());
                match &mut keys.session {
                    // Resumed: the new ticket replaces the offered one.
                    Some(cs) => cs.set_ticket(ticket, nst.lifetime_hint),
                    // Full handshake: the master secret is known by now.
                    None => {
                        let session = self.new_session(ctx, &keys)?;
                        keys.session = Some(ClientSession::new(session, ticket, nst.lifetime_hint));
                    }
                }
                (State::Finishing(Finishing::new(keys)), Progress::Continue)
            }
            (State::Finishing(Finishing { keys, ccs_received: true }), HandshakeType::Finished) => {
                self.common.check_finished(&ctx.provider, msg, body, keys.suite.hash, false)?;
                if keys.group.is_none() {
                    // Resumed: our ChangeCipherSpec and Finished close it.
                    ctx.out.change_cipher_spec(&ctx.provider)?;
                    self.common.send_finished(ctx, keys.suite.hash, true)?;
                }
                let info = self.common.info(keys.suite, keys.group);
                let session = self.save_session(ctx, keys)?;
                return self.go(State::Established { session }, Progress::Done(info));
            }
            (_, _) => return Err(Error::UnexpectedMessage.because("unexpected handshake message from the server")),
        };
        self.common.transcript.update(msg);
        self.go(next, progress)
    }

    fn common(&self) -> &Common<C::Provider> {
        &self.common
    }

    fn phase(&self) -> Phase {
        match &self.state {
            State::Finishing(f) => f.phase(),
            _ => Phase::Other,
        }
    }

    fn got_ccs(&mut self) {
        if let State::Finishing(f) = &mut self.state {
            f.ccs_received = true;
        }
    }

    fn alpn(&self) -> Option<&[u8]> {
        self.alpn.and_then(|i| self.config.client_config().alpn_protocols.get(i))
    }

    /// A fatal error, or the application's request: forget the session
    /// this connection offered, resumed or made, here and in the cache
    /// (RFC 5246 §7.2.2).
    fn invalidate_session(&mut self) {
        let held = match &mut self.state {
            State::ExpectServerHello { offer } => offer.take().is_some(),
            State::ExpectNewSessionTicket { keys } | State::Finishing(Finishing { keys, .. }) => {
                keys.session.take().is_some()
            }
            State::Established { session } => session.take().is_some(),
            State::Failed { held_session } => core::mem::take(held_session),
            _ => false,
        };
        if let (true, Some(cache)) = (held, self.config.client_config().session_cache) {
            cache.remove(self.cache_key.as_bytes());
        }
    }

    fn wipe(&mut self) {
        self.common.wipe();
        // Key shares, premaster secret and sessions go with the state.
        self.state = State::Failed { held_session: false };
    }

    fn completion_event(&self) -> Option<SideEvent> {
        self.session().map(|_| SideEvent::NewSession)
    }

    fn event(&self, e: SideEvent) -> Option<Event<'_>> {
        match e {
            SideEvent::NewSession => self.session().map(Event::NewSession),
            SideEvent::SessionLookup | SideEvent::StoreSession => None,
        }
    }

    /// A HelloRequest: the application decides (renegotiate, refuse, or
    /// ignore).
    fn renegotiation_requested(&mut self, _now: crate::time::Instant, _running: bool) -> Result<Renegotiation, Error> {
        // Without the feature a HelloRequest is refused at once (a
        // no_renegotiation warning): the application could not renegotiate.
        Ok(if cfg!(feature = "renegotiation") { Renegotiation::AskApplication } else { Renegotiation::Refused })
    }

    /// The server refused our renegotiation before answering it: go back
    /// to the established state, keeping the values a later renegotiation
    /// needs. Returns false if the renegotiation is too far along to abandon.
    fn abandon_renegotiation(&mut self) -> bool {
        match (&self.common.prev, &self.state) {
            (Some(p), State::ExpectServerHello { .. }) => {
                self.common.client_verify_data = p.client_verify_data;
                self.common.server_verify_data = p.server_verify_data;
                self.common.peer_cert_sha256 = p.peer_cert_sha256;
                self.common.secure_renegotiation = true;
                self.state = State::Established { session: None };
                true
            }
            _ => false,
        }
    }

    fn handshake_timeout_ms(&self) -> Option<u64> {
        self.config.client_config().handshake_timeout_ms
    }

    fn record_size_limit(&self) -> Option<u16> {
        self.config.client_config().record_size_limit
    }
}

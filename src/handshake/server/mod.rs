//! The server handshake (RFC 5246 §7.3): full, or abbreviated when a
//! session offered by ID (from the store or the application) or by ticket
//! (RFC 5077) can be resumed.

use super::renegotiation::RenegotiationBudget;
use super::{Common, Ctx, Finishing, HandshakeSide, Phase, Progress, Renegotiation, SideEvent};
use crate::codec::{
    self, CertificateMsg, CertificateRequest, CipherSuite, ClientHello, ContentType, DigitallySigned, HandshakeType,
    NamedGroup, NewSessionTicket, ServerHelloRepr, ServerKeyExchange, SignatureScheme, TLS12,
};
use crate::config::{ClientAuth, ServerConfigRef};
use crate::crypto::{self, KeyShare as _, Provider, PublicKey};
use crate::error::Error;
use crate::event::Event;
use crate::session::{SESSION_ID_LEN, ServerSessions, Session, SessionId};
use crate::suites::SuiteInfo;
use crate::time::Instant;
use zeroize::Zeroizing;

mod choose;

/// ClientCertificateType rsa_sign (RFC 5246 §7.4.4).
const CLIENT_CERT_TYPE_RSA_SIGN: u8 = 1;
/// ClientCertificateType ecdsa_sign (RFC 8422 §5.5).
const CLIENT_CERT_TYPE_ECDSA_SIGN: u8 = 64;

/// The schemes a server accepts in CertificateVerify: the default list
/// without its SHA-512 tail, since the transcript keeps only SHA-256 and
/// SHA-384 running.
pub(crate) const CERTIFICATE_VERIFY_SCHEMES: &[SignatureScheme] = crate::config::DEFAULT_SIGNATURE_SCHEMES
    .split_at(crypto::transcript_scheme_prefix(crate::config::DEFAULT_SIGNATURE_SCHEMES))
    .0;

/// The state of a server on provider `P` (its ECDHE key type).
type StateOf<P> = State<<P as Provider>::KeyShare>;

/// Where the server handshake stands, holding exactly what is valid there
/// (RFC 5246 §7.3: the client's messages in order).
enum State<K> {
    ExpectClientHello,
    /// Events mode: the application is asked to look this session ID up;
    /// the ClientHello stays buffered until it answers.
    AwaitingLookup {
        id: SessionId,
    },
    /// The application answered; the buffered ClientHello is handled again
    /// with the answer.
    LookupAnswered {
        session: Option<Session>,
    },
    /// Our first flight asked for a certificate.
    ExpectClientCertificate {
        full: Full<K>,
    },
    /// With the client's certificate key, if it sent one.
    ExpectClientKeyExchange {
        full: Full<K>,
        client_key: Option<PublicKey>,
    },
    /// The client sent a certificate: it proves it holds the key.
    ExpectCertificateVerify {
        keys: Keyed,
        client_key: PublicKey,
    },
    /// The peer's ChangeCipherSpec, then its Finished.
    Finishing(Finishing<Keyed>),
    /// The handshake finished; the session it made or resumed, if any.
    Established {
        kept: Option<Kept>,
    },
    /// A message failed half-way: the connection is failing. The ID of the
    /// session the state before held in the store: a fatal error removes it.
    Failed {
        stored_id: Option<SessionId>,
    },
}

/// A full handshake before the client's key share: our ECDHE secret.
struct Full<K> {
    secret: K,
    keys: Keyed,
}

/// What the handshake agreed: the suite, the ECDHE group (none when
/// resumed), the session ID we gave, whether to issue a ticket (with the
/// config's ticket keys) after the client's Finished, and the session being
/// resumed.
struct Keyed {
    suite: &'static SuiteInfo,
    group: Option<NamedGroup>,
    session_id: SessionId,
    ticket: bool,
    resumed: Option<Kept>,
}

/// A session this connection resumed or made, and where it is: whether
/// this connection made it, and whether it is in the store because this
/// connection retrieved or stored it (only then does a fatal error remove
/// it: a client may name any ID it saw, with a ticket, and must not evict
/// another client's session).
struct Kept {
    session: Session,
    made_here: bool,
    in_store: bool,
}

/// The longest server_name (SNI) a server keeps for the application to
/// read: a DNS host name is at most 253 bytes (RFC 1035 §2.3.4).
const MAX_SNI: usize = 253;

/// The server side of a connection: the handshake state and what it keeps
/// across renegotiations. `C` is how the config is held (`&ServerConfig`,
/// `Arc<ServerConfig>`, ...).
pub struct ServerHandshake<C: ServerConfigRef> {
    pub(crate) common: Common<C::Provider>,
    config: C,
    /// A copy of the config's provider (taken once: the config's view is
    /// not free to make, and the provider is usually a unit struct).
    provider: C::Provider,
    /// What the client's renegotiations used of the limits.
    budget: RenegotiationBudget,
    /// Client authentication the application set for the handshakes to
    /// come (renegotiations included).
    next_client_auth: Option<ClientAuth>,
    /// The server_name the client sent, if it was a host name.
    sni: heapless::String<MAX_SNI>,
    state: StateOf<C::Provider>,
    /// The context sessions of this handshake are bound to (see
    /// [`Session`]'s docs): made when the ClientHello is handled.
    context: [u8; 32],
    sni_hash: Option<[u8; 32]>,
    /// The ALPN protocol chosen (RFC 7301): its index in the config's list.
    alpn: Option<usize>,
    /// Client authentication for this handshake (the config's, or a
    /// per-connection override for a renegotiation).
    client_auth: ClientAuth,
    /// Whether the client sent ec_point_formats (the server answers only
    /// then, RFC 8422 §5.2).
    point_formats: bool,
}

impl<C: ServerConfigRef + Clone> ServerHandshake<C> {
    pub(crate) fn new(config: C, now: Instant) -> Self {
        let view = config.server_config();
        let provider = view.provider;
        let client_auth = view.client_auth;
        ServerHandshake {
            common: Common::new(&provider),
            provider,
            budget: RenegotiationBudget::new(now),
            next_client_auth: None,
            sni: heapless::String::new(),
            client_auth,
            config,
            state: State::ExpectClientHello,
            context: [0; 32],
            sni_hash: None,
            point_formats: false,
            alpn: None,
        }
    }

    /// A handshake renegotiating after `old` (RFC 5746).
    fn renegotiation_of(old: &Self) -> Self {
        let mut h = ServerHandshake::new(old.config.clone(), Instant::default());
        h.common = Common::renegotiation_of(&old.provider(), &old.common);
        h.alpn = old.alpn;
        h.budget = old.budget;
        h.sni = old.sni.clone();
        h.next_client_auth = old.next_client_auth;
        if let Some(auth) = old.next_client_auth {
            h.client_auth = auth;
        }
        h
    }

    /// Sets client authentication for the handshakes to come: this one if
    /// its ClientHello has not been handled yet, and every renegotiation (a
    /// server may ask for a certificate only in a renegotiation).
    pub(crate) fn set_client_auth(&mut self, auth: ClientAuth) {
        if matches!(self.state, State::ExpectClientHello) && self.common.prev.is_none() {
            self.client_auth = auth;
        }
        self.next_client_auth = Some(auth);
    }

    /// The server_name the client asked for (a host name), if any.
    pub(crate) fn server_name(&self) -> Option<&str> {
        Some(self.sni.as_str()).filter(|n| !n.is_empty())
    }

    /// The ID of the session the state holds, if it is in the store
    /// because this connection retrieved or stored it.
    fn stored_id(&self) -> Option<SessionId> {
        let kept = match &self.state {
            State::Finishing(Finishing { keys, .. }) => keys.resumed.as_ref(),
            State::Established { kept } => kept.as_ref(),
            State::Failed { stored_id } => return stored_id.clone(),
            _ => None,
        };
        kept.filter(|k| k.in_store).and_then(|k| SessionId::from_slice(k.session.id()).ok())
    }

    /// Whether a lookup is waiting for the application.
    pub(crate) fn lookup_pending(&self) -> bool {
        matches!(self.state, State::AwaitingLookup { .. })
    }

    /// The application's answer to the lookup.
    pub(crate) fn answer_lookup(&mut self, session: Option<Session>) -> Result<(), Error> {
        if !self.lookup_pending() {
            return Err(Error::InvalidState.because("no session lookup is waiting for an answer"));
        }
        self.state = State::LookupAnswered { session };
        Ok(())
    }

    /// The session made by the last full handshake, for the application to
    /// store (events mode only).
    fn session_to_store(&self) -> Option<&Session> {
        match (&self.state, self.config.server_config().sessions) {
            (State::Established { kept: Some(k) }, ServerSessions::Events) if k.made_here => {
                Some(&k.session).filter(|s| !s.id().is_empty())
            }
            _ => None,
        }
    }

    /// The end of a full handshake, after the client's Finished: the
    /// session, a ticket for it, our ChangeCipherSpec and Finished, and the
    /// session in the store.
    fn finish_full<R: rand_core::CryptoRng>(
        &mut self,
        ctx: &mut Ctx<'_, R, C::Provider>,
        keys: &Keyed,
    ) -> Result<Kept, Error> {
        let session = Session::new(
            &keys.session_id,
            &self.common.master_secret,
            keys.suite.suite,
            self.common.ems,
            self.sni_hash,
            self.common.peer_cert_sha256,
            self.context,
            ctx.now,
        )?;
        if keys.ticket {
            self.send_ticket(ctx, &session)?;
        }
        ctx.out.change_cipher_spec(&ctx.provider)?;
        self.common.send_finished(ctx, keys.suite.hash, false)?;
        let mut in_store = false;
        if let ServerSessions::Store(store) = self.config.server_config().sessions {
            if !session.id().is_empty() {
                store.store(&session);
                in_store = true;
            }
        }
        Ok(Kept { session, made_here: true, in_store })
    }

    /// A NewSessionTicket for `session`, sealed with the config's ticket
    /// keys (the handshake decided to issue one only if it has some).
    fn send_ticket<R: rand_core::CryptoRng>(
        &mut self,
        ctx: &mut Ctx<'_, R, C::Provider>,
        session: &Session,
    ) -> Result<(), Error> {
        let config = self.config.server_config();
        let keys = config.tickets().ok_or(Error::Internal.because("a ticket to issue without ticket keys"))?;
        let ticket = keys.seal(session, ctx.rng)?;
        let nst = NewSessionTicket { lifetime_hint: keys.lifetime_secs, ticket: &ticket };
        let transcript = &mut self.common.transcript;
        ctx.out.write(ContentType::Handshake, |w| nst.encode(w), |m| transcript.update(m))
    }

    fn client_hello<R: rand_core::CryptoRng>(
        &mut self,
        ctx: &mut Ctx<'_, R, C::Provider>,
        msg: &[u8],
        body: &[u8],
        answer: Option<Option<Session>>,
    ) -> Result<(StateOf<C::Provider>, Progress), Error> {
        let ch = ClientHello::parse(body)?;
        // A clone of the holder (a reference, or an `Arc`: one count per
        // ClientHello), so the view may outlive `&mut self` calls.
        let holder = self.config.clone();
        let config = holder.server_config();
        if ch.version < TLS12 {
            return Err(Error::ProtocolVersion.because("client does not offer TLS 1.2"));
        }
        // RFC 5246 §7.4.1.2: null compression must be offered.
        if !ch.compression_methods.contains(&0) {
            return Err(Error::IllegalParameter.because("client does not offer null compression"));
        }
        // RFC 8422 §5.1.2 says ec_point_formats MUST contain uncompressed;
        // a list without it is not refused, as OpenSSL and GnuTLS do not:
        // every point this crate sends or reads is uncompressed anyway.
        let scsv = ch.offers_suite(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
        let secure_renegotiation = match (ch.renegotiation_info, &self.common.prev) {
            (Some([]), None) => true,
            // RFC 5746 §3.6: non-empty on an initial handshake aborts.
            (Some(_), None) => {
                return Err(Error::HandshakeFailure
                    .because("client sent a non-empty renegotiation_info in an initial handshake"));
            }
            (None, None) => scsv,
            // §3.7: a renegotiating ClientHello carries the client's last
            // verify_data, and never the SCSV.
            (Some(ri), Some(p)) if ri == p.client_verify_data && !scsv => true,
            (_, Some(_)) => {
                return Err(Error::HandshakeFailure.because("renegotiation_info does not match the previous handshake"));
            }
        };
        if config.require_extended_master_secret && !ch.extended_master_secret {
            return Err(Error::HandshakeFailure
                .because("client does not support extended master secret, which the configuration requires"));
        }
        self.context = self.session_context();
        let resume = match self.find_session(&ch, ctx, answer) {
            Ok(s) => s.and_then(|(s, in_store)| self.can_resume(&s, &ch, ctx).map(|suite| (s, in_store, suite))),
            // The ClientHello stays buffered and is handled again once the
            // application answers.
            Err(id) => return Ok((State::AwaitingLookup { id }, Progress::SessionLookup)),
        };
        let choice = match &resume {
            Some(_) => None,
            None => Some(choose::choose(&config, &ch)?),
        };
        // Nothing below may fail on the client's choices before the
        // transcript starts.
        self.common.secure_renegotiation = secure_renegotiation;
        self.common.ems = ch.extended_master_secret;
        self.sni_hash = ch.server_name.map(crypto::sha256);
        // Kept for the application when it is a host name that fits (an
        // IP literal is not allowed here, RFC 6066 §3).
        self.sni.clear();
        if let Some(name) = ch.server_name.and_then(|n| core::str::from_utf8(n).ok()) {
            let _fits = self.sni.push_str(name).is_ok();
        }
        self.point_formats = ch.ec_point_formats.is_some();
        // RFC 8449: a client's record_size_limit below 64 is illegal; with
        // it, max_fragment_length is ignored (§5), and our records carry at
        // most its limit, from the ServerHello on.
        let record_size_limit = match ch.record_size_limit {
            Some(l) if usize::from(l) < crate::record::MIN_RECORD_SIZE_LIMIT => {
                return Err(Error::IllegalParameter.because("client's record_size_limit is below 64"));
            }
            limit => limit,
        };
        let mfl = match (ch.max_fragment_length, record_size_limit) {
            (None, _) | (Some(_), Some(_)) => None,
            (Some(m), None) => {
                // RFC 6066 §4: an unknown value is illegal_parameter.
                let n = m.bytes().ok_or(Error::IllegalParameter.because("unknown max_fragment_length value"))?;
                ctx.out.layer().set_max_fragment(n);
                Some(m)
            }
        };
        let record_size_limit = record_size_limit.map(|l| {
            ctx.out.layer().agree_record_size_limit(l);
            ctx.out.layer().own_record_size_limit()
        });
        self.common.max_fragment_length = mfl;
        // RFC 7301 §3.2: the server's preference among what the client
        // offers; no overlap is fatal.
        let alpn = match ch.alpn {
            Some(list) if !config.alpn_protocols.is_empty() => Some(
                config
                    .alpn_protocols
                    .iter()
                    .position(|p| codec::alpn_names(list).any(|q| q == p))
                    .ok_or(Error::NoApplicationProtocol.because("no ALPN protocol in common"))?,
            ),
            _ => None,
        };
        self.alpn = alpn;
        self.common.client_random = ch.random;
        ctx.rng.fill_bytes(&mut self.common.server_random);
        let ticket = config.tickets().is_some() && ch.session_ticket.is_some() && self.resumable(&ch);
        let alpn = alpn.and_then(|i| config.alpn_protocols.get(i));
        self.common.transcript.update(msg);

        let choice = match (resume, choice) {
            (Some((session, in_store, suite)), _) => {
                // No CertificateVerify in an abbreviated handshake: only the
                // suite's hash is needed from here on.
                self.common.transcript.keep_only(suite.hash);
                self.common.master_secret = Zeroizing::new(*session.master_secret());
                self.common.log_master_secret(config.key_log);
                self.common.peer_cert_sha256 = session.peer_cert_sha256();
                // The ClientHello's ID is at most 32 bytes (parsed so).
                let session_id = SessionId::from_slice(ch.session_id).unwrap_or_default();
                self.send_server_hello(ctx, suite, &session_id, ticket, alpn, (mfl, record_size_limit))?;
                if ticket {
                    self.send_ticket(ctx, &session)?;
                }
                self.common.install_keys(ctx, suite, false)?;
                ctx.out.change_cipher_spec(&ctx.provider)?;
                self.common.send_finished(ctx, suite.hash, false)?;
                let resumed = Some(Kept { session, made_here: false, in_store });
                let keys = Keyed { suite, group: None, session_id, ticket: false, resumed };
                return Ok((State::Finishing(Finishing::new(keys)), Progress::Continue));
            }
            (None, Some(choice)) => choice,
            (None, None) => return Err(config.no_common_parameters(&ch)),
        };
        // Only a CertificateVerify could need the other hash.
        if self.client_auth == ClientAuth::None {
            self.common.transcript.keep_only(choice.suite.hash);
        }
        // A session ID only for a session that may be resumed.
        let mut session_id = SessionId::new();
        if !matches!(config.sessions, ServerSessions::None) && self.resumable(&ch) {
            let mut id = [0u8; SESSION_ID_LEN];
            ctx.rng.fill_bytes(&mut id);
            session_id = SessionId::from_slice(&id).unwrap_or_default();
        }
        self.send_server_hello(ctx, choice.suite, &session_id, ticket, alpn, (mfl, record_size_limit))?;
        let transcript = &mut self.common.transcript;
        ctx.out.write(
            ContentType::Handshake,
            |w| CertificateMsg::encode(w, choice.cred.chain),
            |m| transcript.update(m),
        )?;

        let (secret, share) = ctx.provider.key_share(choice.group, ctx.rng)?;
        let (cr, sr) = (&self.common.client_random, &self.common.server_random);
        let key = choice.cred.key;
        let rng = &mut *ctx.rng;
        ctx.out.write(
            ContentType::Handshake,
            |w| {
                codec::write_handshake(w, HandshakeType::ServerKeyExchange, |w| {
                    ServerKeyExchange::encode_params(w, choice.group, share.as_ref())?;
                    // Signed: client_random || server_random || params
                    // (RFC 8422 §5.4).
                    let params = w.written();
                    let mut signed = [0u8; 64 + 4 + 255];
                    let n = 64 + params.len();
                    let dst = signed.get_mut(..n).ok_or(Error::Internal)?;
                    dst[..32].copy_from_slice(cr);
                    dst[32..64].copy_from_slice(sr);
                    dst[64..].copy_from_slice(params);
                    let mut sig = [0u8; crypto::MAX_SIGNATURE_LEN];
                    let len = crypto::sign_message(key, choice.scheme, dst, rng, &mut sig)?;
                    w.u16(choice.scheme.to_wire())?;
                    w.vec16(sig.get(..len).ok_or(Error::Internal)?)
                })
            },
            |m| transcript.update(m),
        )?;
        if self.client_auth != ClientAuth::None {
            // RFC 5246 §7.4.4: what we accept, and from whom.
            ctx.out.write(
                ContentType::Handshake,
                |w| {
                    CertificateRequest::encode(
                        w,
                        &[CLIENT_CERT_TYPE_RSA_SIGN, CLIENT_CERT_TYPE_ECDSA_SIGN],
                        CERTIFICATE_VERIFY_SCHEMES,
                        config.client_auth_cas,
                    )
                },
                |m| transcript.update(m),
            )?;
        }
        ctx.out.write(
            ContentType::Handshake,
            |w| codec::write_handshake(w, HandshakeType::ServerHelloDone, |_| Ok(())),
            |m| transcript.update(m),
        )?;
        let keys = Keyed { suite: choice.suite, group: Some(choice.group), session_id, ticket, resumed: None };
        let full = Full { secret, keys };
        let next = if self.client_auth != ClientAuth::None {
            State::ExpectClientCertificate { full }
        } else {
            State::ExpectClientKeyExchange { full, client_key: None }
        };
        Ok((next, Progress::Continue))
    }

    /// The client's Certificate (RFC 5246 §7.4.6).
    fn client_certificate(
        &mut self,
        ctx: &Ctx<'_, impl Sized, C::Provider>,
        body: &[u8],
    ) -> Result<Option<PublicKey>, Error> {
        let msg = CertificateMsg::parse(body)?;
        if msg.is_empty() {
            // "request" lets an anonymous client go on; "require" refuses it.
            if self.client_auth == ClientAuth::Require {
                return Err(
                    Error::HandshakeFailure.because("client sent no certificate, which the configuration requires")
                );
            }
            if let Some(p) = &self.common.prev {
                p.check_identity(None, self.config.server_config().allow_peer_identity_change)?;
            }
            return Ok(None);
        }
        let mut chain = heapless::Vec::<pki_types::CertificateDer<'_>, { codec::MAX_CHAIN_LEN }>::new();
        for c in msg.iter() {
            chain.push(pki_types::CertificateDer::from(c)).map_err(|_| {
                Error::BadCertificate.because("certificate chain has more certificates than this crate verifies")
            })?;
        }
        let verifier = self
            .config
            .server_config()
            .client_verifier
            .ok_or(Error::Internal.because("client authentication configured without a client verifier"))?;
        verifier.verify_client_cert(&chain, ctx.now.as_secs())?;
        let ee = chain.first().ok_or(Error::BadCertificate.because("empty certificate chain"))?;
        let key = PublicKey::from_certificate_der(ee.as_ref())?;
        let digest = crypto::sha256(ee.as_ref());
        if let Some(p) = &self.common.prev {
            p.check_identity(Some(digest), self.config.server_config().allow_peer_identity_change)?;
        }
        self.common.peer_cert_sha256 = Some(digest);
        Ok(Some(key))
    }

    /// The client's CertificateVerify: a signature over the handshake so far
    /// (RFC 5246 §7.4.8) with a scheme we offered.
    fn certificate_verify(&mut self, provider: &C::Provider, body: &[u8], key: &PublicKey) -> Result<(), Error> {
        let cv = DigitallySigned::parse(body)?;
        if !CERTIFICATE_VERIFY_SCHEMES.contains(&cv.scheme) {
            return Err(
                Error::IllegalParameter.because("client signed CertificateVerify with a scheme we did not offer")
            );
        }
        let hash = crypto::scheme_transcript_hash(cv.scheme)
            .ok_or(Error::IllegalParameter.because("client signed CertificateVerify with a scheme we did not offer"))?;
        let digest = self.common.transcript.current(hash)?;
        provider.verify_prehashed(key, cv.scheme, digest.as_ref(), cv.signature)
    }

    fn send_server_hello<R>(
        &mut self,
        ctx: &mut Ctx<'_, R, C::Provider>,
        suite: &SuiteInfo,
        session_id: &[u8],
        ticket: bool,
        alpn: Option<&[u8]>,
        // max_fragment_length to echo, record_size_limit to send.
        (mfl, record_size_limit): (Option<codec::MaxFragmentLength>, Option<u16>),
    ) -> Result<(), Error> {
        // RFC 5746 §3.6/§3.7: empty on an initial handshake, both
        // verify_data values in a renegotiation.
        let both = self.common.prev.as_ref().map(|p| p.both());
        let ri: Option<&[u8]> = match (&both, self.common.secure_renegotiation) {
            (Some(b), _) => Some(b),
            (None, true) => Some(&[]),
            (None, false) => None,
        };
        let hello = ServerHelloRepr {
            random: self.common.server_random,
            session_id,
            cipher_suite: suite.suite.to_wire(),
            server_name_ack: false,
            max_fragment_length: mfl,
            ec_point_formats: self.point_formats,
            alpn,
            extended_master_secret: self.common.ems,
            renegotiation_info: ri,
            session_ticket_ack: ticket,
            record_size_limit,
        };
        let transcript = &mut self.common.transcript;
        ctx.out.write(ContentType::Handshake, |w| hello.encode(w), |m| transcript.update(m))
    }
}

impl<C: ServerConfigRef + Clone> HandshakeSide for ServerHandshake<C> {
    const ROLE: &'static str = "server";

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
        if let (State::Established { .. }, HandshakeType::ClientHello) = (&self.state, typ) {
            // The connection decides ([`renegotiation_requested`]).
            return Ok(Progress::RenegotiationRequested);
        }
        // Each arm moves the data of its state into the next one; on an
        // error the state stays `Failed`, and so does the connection.
        let failed = State::Failed { stored_id: self.stored_id() };
        let (next, progress) = match (core::mem::replace(&mut self.state, failed), typ) {
            (State::ExpectClientHello, HandshakeType::ClientHello) => self.client_hello(ctx, msg, body, None)?,
            (State::LookupAnswered { session }, HandshakeType::ClientHello) => {
                self.client_hello(ctx, msg, body, Some(session))?
            }
            (State::ExpectClientCertificate { full }, HandshakeType::Certificate) => {
                let client_key = self.client_certificate(ctx, body)?;
                self.common.transcript.update(msg);
                (State::ExpectClientKeyExchange { full, client_key }, Progress::Continue)
            }
            (State::ExpectClientKeyExchange { full, client_key }, HandshakeType::ClientKeyExchange) => {
                let public = codec::parse_client_key_exchange(body)?;
                let premaster = full.secret.agree(public)?;
                let keys = full.keys;
                // The session hash for extended master secret ends with the
                // ClientKeyExchange (RFC 7627 §3).
                self.common.transcript.update(msg);
                self.common.derive_master_secret(&ctx.provider, keys.suite.hash, premaster.as_ref())?;
                self.common.log_master_secret(self.config.server_config().key_log);
                self.common.install_keys(ctx, keys.suite, false)?;
                match client_key {
                    Some(client_key) => (State::ExpectCertificateVerify { keys, client_key }, Progress::Continue),
                    None => (State::Finishing(Finishing::new(keys)), Progress::Continue),
                }
            }
            (State::ExpectCertificateVerify { keys, client_key }, HandshakeType::CertificateVerify) => {
                self.certificate_verify(&ctx.provider, body, &client_key)?;
                self.common.transcript.update(msg);
                (State::Finishing(Finishing::new(keys)), Progress::Continue)
            }
            (State::Finishing(Finishing { keys, ccs_received: true }), HandshakeType::Finished) => {
                self.common.check_finished(&ctx.provider, msg, body, keys.suite.hash, true)?;
                let info = self.common.info(keys.suite, keys.group);
                let kept = match keys.resumed {
                    Some(kept) => Some(kept),
                    None => Some(self.finish_full(ctx, &keys)?),
                };
                (State::Established { kept }, Progress::Done(info))
            }
            (_, _) => return Err(Error::UnexpectedMessage.because("unexpected handshake message from the client")),
        };
        self.state = next;
        Ok(progress)
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
        self.alpn.and_then(|i| self.config.server_config().alpn_protocols.get(i))
    }

    /// A fatal error: remove the session this connection used or made from
    /// the store (RFC 5246 §7.2.2).
    fn invalidate_session(&mut self) {
        let stored = self.stored_id();
        match &mut self.state {
            State::Finishing(Finishing { keys, .. }) => keys.resumed = None,
            State::Established { kept } => *kept = None,
            State::Failed { stored_id } => *stored_id = None,
            _ => {}
        }
        if let (Some(id), ServerSessions::Store(store)) = (stored, self.config.server_config().sessions) {
            store.remove(&id);
        }
    }

    fn wipe(&mut self) {
        self.common.wipe();
        // Key shares and sessions go with the state.
        self.state = State::Failed { stored_id: None };
    }

    /// No ClientHello handled yet.
    fn refuses_alerts(&self) -> bool {
        matches!(self.state, State::ExpectClientHello) && self.common.prev.is_none()
    }

    fn waits_for_application(&self) -> bool {
        self.lookup_pending()
    }

    fn completion_event(&self) -> Option<SideEvent> {
        self.session_to_store().map(|_| SideEvent::StoreSession)
    }

    fn event(&self, e: SideEvent) -> Option<Event<'_>> {
        match e {
            SideEvent::SessionLookup => match &self.state {
                State::AwaitingLookup { id } => Some(Event::SessionLookup(id)),
                _ => None,
            },
            SideEvent::StoreSession => self.session_to_store().map(Event::StoreSession),
            SideEvent::NewSession => None,
        }
    }

    /// A renegotiating ClientHello: admitted by the budget
    /// ([`RenegotiationBudget::admit`]) it starts a fresh handshake that
    /// takes the buffered ClientHello; otherwise it is refused.
    fn renegotiation_requested(&mut self, now: Instant, running: bool) -> Result<Renegotiation, Error> {
        // Without the feature every client renegotiation is refused (a
        // no_renegotiation warning), and its code is not linked.
        if !cfg!(feature = "renegotiation") {
            return Ok(Renegotiation::Refused);
        }
        let (limits, secure) = (self.config.server_config().renegotiation, self.common.secure_renegotiation);
        if !self.budget.admit(limits, secure, running, now)? {
            return Ok(Renegotiation::Refused);
        }
        *self = ServerHandshake::renegotiation_of(self);
        Ok(Renegotiation::Started)
    }

    fn handshake_timeout_ms(&self) -> Option<u64> {
        self.config.server_config().handshake_timeout_ms
    }

    fn record_size_limit(&self) -> Option<u16> {
        self.config.server_config().record_size_limit
    }
}

//! The client handshake (RFC 5246 §7.3, full handshake).

use super::{Common, Ctx, Progress};
use crate::codec::{
    self, CertificateMsg, CipherSuite, ClientHelloRepr, ContentType, HandshakeType, MAX_CHAIN_LEN, ServerHello,
    ServerKeyExchange, TLS12,
};
use crate::config::ClientConfig;
use crate::crypto::{self, EphemeralSecret, HashAlg, PublicKey, PublicShare};
use crate::error::Error;
use crate::suites;
use pki_types::CertificateDer;
use zeroize::Zeroizing;

/// The most suites a client offers (a bound on the stack copy).
const MAX_SUITES: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    ExpectServerHello,
    ExpectCertificate,
    ExpectServerKeyExchange,
    ExpectServerHelloDone,
    ExpectCcs,
    ExpectFinished,
    Established,
}

pub(crate) struct ClientHandshake<'a> {
    pub common: Common,
    config: &'a ClientConfig<'a>,
    server_name: &'a str,
    state: State,
    peer_key: Option<PublicKey>,
    pms: Zeroizing<[u8; 32]>,
    our_share: Option<PublicShare>,
    cert_requested: bool,
}

impl<'a> ClientHandshake<'a> {
    pub fn new(config: &'a ClientConfig<'a>, server_name: &'a str) -> Self {
        ClientHandshake {
            common: Common::new(),
            config,
            server_name,
            state: State::ExpectServerHello,
            peer_key: None,
            pms: Zeroizing::new([0; 32]),
            our_share: None,
            cert_requested: false,
        }
    }

    pub fn wipe(&mut self) {
        self.common.wipe();
        self.pms = Zeroizing::new([0; 32]);
        self.peer_key = None;
        self.our_share = None;
    }


    pub fn expects_ccs(&self) -> bool {
        self.state == State::ExpectCcs
    }

    pub fn got_ccs(&mut self) {
        self.state = State::ExpectFinished;
    }

    /// Sends the ClientHello that opens the handshake.
    pub fn start<R: rand_core::CryptoRng>(&mut self, ctx: &mut Ctx<'_, R>) -> Result<(), Error> {
        ctx.rng.fill_bytes(&mut self.common.client_random);
        let mut suites = heapless::Vec::<CipherSuite, MAX_SUITES>::new();
        for s in self.config.cipher_suites.iter().filter(|s| suites::lookup(**s).is_some()) {
            suites.push(*s).map_err(|_| Error::Internal)?;
        }
        if suites.is_empty() {
            return Err(Error::HandshakeFailure);
        }
        let mut groups = heapless::Vec::<_, 4>::new();
        for g in self.config.groups.iter().filter(|g| crypto::SUPPORTED_GROUPS.contains(g)) {
            groups.push(*g).map_err(|_| Error::Internal)?;
        }
        // RFC 6066 §3: literal IP addresses are not sent as server_name.
        let sni = match self.server_name.parse::<core::net::IpAddr>() {
            Ok(_) => None,
            Err(_) if self.server_name.is_empty() => None,
            Err(_) => Some(self.server_name.as_bytes()),
        };
        let hello = ClientHelloRepr {
            random: self.common.client_random,
            session_id: &[],
            cipher_suites: &suites,
            server_name: sni,
            max_fragment_length: self.config.max_fragment_length,
            groups: &groups,
            signature_schemes: self.config.signature_schemes,
            alpn: self.config.alpn_protocols,
            extended_master_secret: true,
            // RFC 5746 §3.4: an initial ClientHello carries an empty
            // renegotiation_info (instead of the SCSV).
            renegotiation_info: Some(&[]),
            session_ticket: None,
        };
        let transcript = &mut self.common.transcript;
        ctx.out.write(ContentType::Handshake, |w| hello.encode(w), |m| transcript.update(m))
    }

    pub fn handle<R: rand_core::CryptoRng>(
        &mut self,
        ctx: &mut Ctx<'_, R>,
        typ: HandshakeType,
        msg: &[u8],
        body: &[u8],
    ) -> Result<Progress, Error> {
        match (self.state, typ) {
            // RFC 5246 §7.4.1.1: a HelloRequest during a handshake is ignored
            // and is not part of the transcript.
            (s, HandshakeType::HelloRequest) => {
                codec::parse_empty_body(body)?;
                return Ok(if s == State::Established { Progress::RenegotiationRefused } else { Progress::Continue });
            }
            (State::ExpectServerHello, HandshakeType::ServerHello) => self.server_hello(ctx, body)?,
            (State::ExpectCertificate, HandshakeType::Certificate) => self.certificate(ctx, body)?,
            (State::ExpectServerKeyExchange, HandshakeType::ServerKeyExchange) => self.server_key_exchange(ctx, body)?,
            (State::ExpectServerHelloDone, HandshakeType::CertificateRequest) if !self.cert_requested => {
                codec::CertificateRequest::parse(body)?;
                self.cert_requested = true;
            }
            (State::ExpectServerHelloDone, HandshakeType::ServerHelloDone) => {
                codec::parse_empty_body(body)?;
                self.common.transcript.update(msg);
                self.send_second_flight(ctx)?;
                self.state = State::ExpectCcs;
                return Ok(Progress::Continue);
            }
            (State::ExpectFinished, HandshakeType::Finished) => {
                self.common.check_finished(msg, body, false)?;
                self.state = State::Established;
                self.pms = Zeroizing::new([0; 32]);
                self.peer_key = None;
                return Ok(Progress::Done);
            }
            _ => return Err(Error::UnexpectedMessage),
        }
        self.common.transcript.update(msg);
        Ok(Progress::Continue)
    }

    fn server_hello<R>(&mut self, ctx: &mut Ctx<'_, R>, body: &[u8]) -> Result<(), Error> {
        let sh = ServerHello::parse(body)?;
        if sh.version != TLS12 {
            return Err(Error::ProtocolVersion);
        }
        if sh.compression_method != 0 {
            return Err(Error::IllegalParameter);
        }
        let suite = CipherSuite::from(sh.cipher_suite);
        if !self.config.cipher_suites.contains(&suite) {
            return Err(Error::IllegalParameter);
        }
        let info = suites::lookup(suite).ok_or(Error::IllegalParameter)?;
        // RFC 5246 §7.4.1.4: a server must not send an extension the client
        // did not offer.
        if sh.unsolicited.is_some() || sh.session_ticket_ack || (sh.alpn.is_some() && self.config.alpn_protocols.is_empty()) {
            return Err(Error::UnsupportedExtension);
        }
        if let Some(p) = sh.alpn {
            if !self.config.alpn_protocols.contains(&p) {
                return Err(Error::IllegalParameter);
            }
        }
        if let Some(f) = sh.ec_point_formats {
            // RFC 8422 §5.2: uncompressed must be among them.
            if !f.contains(&0) {
                return Err(Error::IllegalParameter);
            }
        }
        match (sh.max_fragment_length, self.config.max_fragment_length) {
            (None, _) => {}
            (Some(got), Some(asked)) if got == asked => {
                let n = got.bytes().ok_or(Error::IllegalParameter)?;
                ctx.out.layer().set_max_fragment(n);
                self.common.max_fragment_length = Some(got);
            }
            // RFC 6066 §4: a different value is illegal_parameter.
            (Some(_), Some(_)) => return Err(Error::IllegalParameter),
            (Some(_), None) => return Err(Error::UnsupportedExtension),
        }
        self.common.ems = sh.extended_master_secret;
        if self.config.require_extended_master_secret && !self.common.ems {
            return Err(Error::HandshakeFailure);
        }
        self.common.secure_renegotiation = match sh.renegotiation_info {
            None => false,
            Some([]) => true,
            // RFC 5746 §3.4: a non-empty one on an initial handshake aborts.
            Some(_) => return Err(Error::HandshakeFailure),
        };
        self.common.server_random = sh.random;
        self.common.suite = Some(info);
        self.state = State::ExpectCertificate;
        Ok(())
    }

    fn certificate<R>(&mut self, ctx: &mut Ctx<'_, R>, body: &[u8]) -> Result<(), Error> {
        let msg = CertificateMsg::parse(body)?;
        let mut chain = heapless::Vec::<CertificateDer<'_>, MAX_CHAIN_LEN>::new();
        for c in msg.iter() {
            chain.push(CertificateDer::from(c)).map_err(|_| Error::BadCertificate)?;
        }
        let ee = chain.first().ok_or(Error::BadCertificate)?;
        self.config.verifier.verify_server_cert(&chain, self.server_name, ctx.now.as_secs())?;
        let key = PublicKey::from_certificate_der(ee.as_ref())?;
        if key.kind() != self.common.suite()?.auth {
            return Err(Error::UnsupportedCertificate);
        }
        let digest = crypto::hash(HashAlg::Sha256, ee.as_ref());
        let mut d = [0u8; 32];
        d.copy_from_slice(digest.as_ref().get(..32).ok_or(Error::Internal)?);
        self.common.peer_cert_sha256 = Some(d);
        self.peer_key = Some(key);
        self.state = State::ExpectServerKeyExchange;
        Ok(())
    }

    fn server_key_exchange<R: rand_core::CryptoRng>(&mut self, ctx: &mut Ctx<'_, R>, body: &[u8]) -> Result<(), Error> {
        let ske = ServerKeyExchange::parse(body)?;
        if !self.config.groups.contains(&ske.group) || !crypto::SUPPORTED_GROUPS.contains(&ske.group) {
            return Err(Error::IllegalParameter);
        }
        if !self.config.signature_schemes.contains(&ske.scheme) {
            return Err(Error::IllegalParameter);
        }
        // The signature covers client_random || server_random || params
        // (RFC 8422 §5.4); params are at most 4 + 255 bytes.
        let mut signed = [0u8; 64 + 4 + 255];
        let n = 64 + ske.params.len();
        let dst = signed.get_mut(..n).ok_or(Error::Decode)?;
        dst[..32].copy_from_slice(&self.common.client_random);
        dst[32..64].copy_from_slice(&self.common.server_random);
        dst[64..].copy_from_slice(ske.params);
        let key = self.peer_key.as_ref().ok_or(Error::Internal)?;
        key.verify(ske.scheme, dst, ske.signature)?;
        let (secret, share) = EphemeralSecret::generate(ske.group, ctx.rng)?;
        self.pms = secret.agree(ske.public)?;
        self.our_share = Some(share);
        self.common.group = Some(ske.group);
        self.state = State::ExpectServerHelloDone;
        Ok(())
    }

    /// Certificate (if asked: empty, no client credentials yet),
    /// ClientKeyExchange, ChangeCipherSpec, Finished.
    fn send_second_flight<R>(&mut self, ctx: &mut Ctx<'_, R>) -> Result<(), Error> {
        let transcript = &mut self.common.transcript;
        if self.cert_requested {
            ctx.out.write(ContentType::Handshake, |w| CertificateMsg::encode(w, &[]), |m| transcript.update(m))?;
        }
        let share = self.our_share.take().ok_or(Error::Internal)?;
        ctx.out.write(
            ContentType::Handshake,
            |w| codec::write_handshake(w, HandshakeType::ClientKeyExchange, |w| w.vec8(share.as_ref())),
            |m| transcript.update(m),
        )?;
        let pms = core::mem::replace(&mut self.pms, Zeroizing::new([0; 32]));
        self.common.derive_master_secret(pms.as_ref())?;
        self.common.install_keys(ctx, true)?;
        ctx.out.change_cipher_spec()?;
        self.common.send_finished(ctx, true)
    }
}

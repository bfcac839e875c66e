//! The server handshake (RFC 5246 §7.3, full handshake).

use super::{Common, Ctx, Progress};
use crate::codec::{
    self, CertificateMsg, CipherSuite, ClientHello, ContentType, HandshakeType, NamedGroup, ServerHelloRepr,
    ServerKeyExchange, SignatureScheme, TLS12,
};
use crate::config::ServerConfig;
use crate::crypto::{self, EphemeralSecret};
use crate::error::Error;
use crate::suites::{self, SuiteInfo};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    ExpectClientHello,
    ExpectClientKeyExchange,
    ExpectCcs,
    ExpectFinished,
    Established,
}

pub(crate) struct ServerHandshake<'a> {
    pub common: Common,
    config: &'a ServerConfig<'a>,
    state: State,
    key_share: Option<EphemeralSecret>,
}

/// What the server chose from a ClientHello.
struct Choice {
    suite: &'static SuiteInfo,
    group: NamedGroup,
    scheme: SignatureScheme,
}

impl<'a> ServerHandshake<'a> {
    pub fn new(config: &'a ServerConfig<'a>) -> Self {
        ServerHandshake { common: Common::new(), config, state: State::ExpectClientHello, key_share: None }
    }

    pub fn wipe(&mut self) {
        self.common.wipe();
        self.key_share = None;
    }


    pub fn expects_ccs(&self) -> bool {
        self.state == State::ExpectCcs
    }

    pub fn got_ccs(&mut self) {
        self.state = State::ExpectFinished;
    }

    pub fn handle<R: rand_core::CryptoRng>(
        &mut self,
        ctx: &mut Ctx<'_, R>,
        typ: HandshakeType,
        msg: &[u8],
        body: &[u8],
    ) -> Result<Progress, Error> {
        match (self.state, typ) {
            (State::ExpectClientHello, HandshakeType::ClientHello) => {
                self.client_hello(ctx, msg, body)?;
                Ok(Progress::Continue)
            }
            (State::Established, HandshakeType::ClientHello) => {
                ClientHello::parse(body)?;
                Ok(Progress::RenegotiationRefused)
            }
            (State::ExpectClientKeyExchange, HandshakeType::ClientKeyExchange) => {
                let public = codec::parse_client_key_exchange(body)?;
                let secret = self.key_share.take().ok_or(Error::Internal)?;
                let pms = secret.agree(public)?;
                // The session hash for extended master secret ends with the
                // ClientKeyExchange (RFC 7627 §3).
                self.common.transcript.update(msg);
                self.common.derive_master_secret(pms.as_ref())?;
                self.common.install_keys(ctx, false)?;
                self.state = State::ExpectCcs;
                Ok(Progress::Continue)
            }
            (State::ExpectFinished, HandshakeType::Finished) => {
                self.common.check_finished(msg, body, true)?;
                ctx.out.change_cipher_spec()?;
                self.common.send_finished(ctx, false)?;
                self.state = State::Established;
                Ok(Progress::Done)
            }
            _ => Err(Error::UnexpectedMessage),
        }
    }

    fn choose(&self, ch: &ClientHello<'_>) -> Result<Choice, Error> {
        let kind = self.config.key.kind();
        let suite = self
            .config
            .cipher_suites
            .iter()
            .filter_map(|s| suites::lookup(*s))
            .find(|s| s.auth == kind && ch.offers_suite(s.suite))
            .ok_or(Error::HandshakeFailure)?;
        let mut ours = self.config.groups.iter().copied().filter(|g| crypto::SUPPORTED_GROUPS.contains(g));
        let group = match &ch.supported_groups {
            Some(theirs) => ours.find(|g| theirs.contains(g.to_wire())),
            // RFC 8422 §4: without the extension any curve may be used.
            None => ours.next(),
        }
        .ok_or(Error::HandshakeFailure)?;
        // Without signature_algorithms a TLS 1.2 client means SHA-1
        // (RFC 5246 §7.4.1.4.1), which this crate does not sign with.
        let offered = ch.signature_algorithms.ok_or(Error::HandshakeFailure)?;
        let scheme = self
            .config
            .key
            .schemes()
            .iter()
            .copied()
            .find(|s| offered.contains(s.to_wire()))
            .ok_or(Error::HandshakeFailure)?;
        Ok(Choice { suite, group, scheme })
    }

    fn client_hello<R: rand_core::CryptoRng>(&mut self, ctx: &mut Ctx<'_, R>, msg: &[u8], body: &[u8]) -> Result<(), Error> {
        let ch = ClientHello::parse(body)?;
        if ch.version < TLS12 {
            return Err(Error::ProtocolVersion);
        }
        // RFC 5246 §7.4.1.2: null compression must be offered.
        if !ch.compression_methods.contains(&0) {
            return Err(Error::IllegalParameter);
        }
        if let Some(f) = ch.ec_point_formats {
            if !f.contains(&0) {
                return Err(Error::IllegalParameter);
            }
        }
        let scsv = ch.offers_suite(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
        self.common.secure_renegotiation = match ch.renegotiation_info {
            Some([]) => true,
            // RFC 5746 §3.6: non-empty on an initial handshake aborts.
            Some(_) => return Err(Error::HandshakeFailure),
            None => scsv,
        };
        self.common.ems = ch.extended_master_secret;
        if self.config.require_extended_master_secret && !self.common.ems {
            return Err(Error::HandshakeFailure);
        }
        let choice = self.choose(&ch)?;
        let mfl = match ch.max_fragment_length {
            None => None,
            Some(m) => {
                // RFC 6066 §4: an unknown value is illegal_parameter.
                let n = m.bytes().ok_or(Error::IllegalParameter)?;
                ctx.out.layer().set_max_fragment(n);
                Some(m)
            }
        };
        self.common.max_fragment_length = mfl;
        let alpn = match ch.alpn {
            Some(list) => self
                .config
                .alpn_protocols
                .iter()
                .copied()
                .find(|p| codec::alpn_names(list).any(|q| q == *p)),
            None => None,
        };
        self.common.client_random = ch.random;
        ctx.rng.fill_bytes(&mut self.common.server_random);
        self.common.suite = Some(choice.suite);
        self.common.group = Some(choice.group);
        self.common.transcript.update(msg);

        let transcript = &mut self.common.transcript;
        let hello = ServerHelloRepr {
            random: self.common.server_random,
            session_id: &[],
            cipher_suite: choice.suite.suite.to_wire(),
            server_name_ack: false,
            max_fragment_length: mfl,
            ec_point_formats: ch.ec_point_formats.is_some(),
            alpn,
            extended_master_secret: self.common.ems,
            renegotiation_info: if self.common.secure_renegotiation { Some(&[]) } else { None },
            session_ticket_ack: false,
        };
        ctx.out.write(ContentType::Handshake, |w| hello.encode(w), |m| transcript.update(m))?;
        ctx.out.write(
            ContentType::Handshake,
            |w| CertificateMsg::encode(w, self.config.cert_chain),
            |m| transcript.update(m),
        )?;

        let (secret, share) = EphemeralSecret::generate(choice.group, ctx.rng)?;
        self.key_share = Some(secret);
        let (cr, sr) = (&self.common.client_random, &self.common.server_random);
        let key = self.config.key;
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
                    let mut sig = [0u8; 512];
                    let len = key.sign(choice.scheme, dst, &mut sig)?;
                    w.u16(choice.scheme.to_wire())?;
                    w.vec16(sig.get(..len).ok_or(Error::Internal)?)
                })
            },
            |m| transcript.update(m),
        )?;
        ctx.out.write(
            ContentType::Handshake,
            |w| codec::write_handshake(w, HandshakeType::ServerHelloDone, |_| Ok(())),
            |m| transcript.update(m),
        )?;
        self.state = State::ExpectClientKeyExchange;
        Ok(())
    }
}

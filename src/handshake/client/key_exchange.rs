//! The client's key exchange (RFC 5246 §7.4.3, RFC 8422 §5.4) and second
//! flight (§7.4.6 to §7.4.9): the ServerKeyExchange checked and answered,
//! then Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec
//! and Finished.

use super::{CertRequest, ClientHandshake, KeyExchange};
use crate::codec::{self, CertificateMsg, ContentType, HandshakeType, ServerKeyExchange};
use crate::config::{ByteStrings, ClientConfigRef};
use crate::crypto::{self, KeyShare as _, Provider, PublicKey, PublicShare};
use crate::error::Error;
use crate::handshake::Ctx;
use crate::suites::SuiteInfo;

impl<C: ClientConfigRef + Clone> ClientHandshake<C> {
    /// The server's ServerKeyExchange, signed with `server_key`: our share
    /// and the premaster secret.
    pub(super) fn server_key_exchange<R: rand_core::CryptoRng>(
        &mut self,
        ctx: &mut Ctx<'_, R, C::Provider>,
        body: &[u8],
        server_key: &PublicKey,
    ) -> Result<KeyExchange, Error> {
        let ske = ServerKeyExchange::parse(body)?;
        if !self.config.client_config().groups.contains(&ske.group) || !crypto::SUPPORTED_GROUPS.contains(&ske.group) {
            return Err(Error::IllegalParameter.because("server chose an ECDHE group we did not offer"));
        }
        if !self.config.client_config().signature_schemes.contains(&ske.scheme) {
            return Err(Error::IllegalParameter.because("server chose a signature scheme we did not offer"));
        }
        // The signature covers client_random || server_random || params
        // (RFC 8422 §5.4); params are at most 4 + 255 bytes.
        let mut signed = [0u8; 64 + 4 + 255];
        let n = 64 + ske.params.len();
        let dst = signed.get_mut(..n).ok_or(Error::Decode.because("ServerKeyExchange parameters too long"))?;
        dst[..32].copy_from_slice(&self.common.client_random);
        dst[32..64].copy_from_slice(&self.common.server_random);
        dst[64..].copy_from_slice(ske.params);
        ctx.provider.verify(server_key, ske.scheme, dst, ske.signature)?;
        let (secret, share) = ctx.provider.key_share(ske.group, ctx.rng)?;
        let premaster = secret.agree(ske.public)?;
        Ok(KeyExchange { group: ske.group, premaster, share })
    }

    /// Certificate (if asked), ClientKeyExchange, CertificateVerify (if a
    /// certificate was sent), ChangeCipherSpec, Finished.
    pub(super) fn send_second_flight<R: rand_core::CryptoRng>(
        &mut self,
        ctx: &mut Ctx<'_, R, C::Provider>,
        suite: &SuiteInfo,
        share: PublicShare,
        premaster: crypto::SharedSecret,
        request: CertRequest,
    ) -> Result<(), Error> {
        let config = self.config.client_config();
        let transcript = &mut self.common.transcript;
        let credential = match request {
            CertRequest::NotAsked => None,
            CertRequest::Asked(chosen) => {
                let credential = chosen
                    .map(|(i, scheme)| config.client_certs.get(i).map(|c| (c, scheme)))
                    .map(|c| c.ok_or(Error::Internal.because("chosen client credential not in the config")))
                    .transpose()?;
                let chain = credential.as_ref().map_or(ByteStrings::EMPTY, |(c, _)| c.chain);
                ctx.out.write(
                    ContentType::Handshake,
                    |w| CertificateMsg::encode(w, chain),
                    |m| transcript.update(m),
                )?;
                credential
            }
        };
        ctx.out.write(
            ContentType::Handshake,
            |w| codec::write_handshake(w, HandshakeType::ClientKeyExchange, |w| w.vec8(share.as_ref())),
            |m| transcript.update(m),
        )?;
        self.common.derive_master_secret(&ctx.provider, suite.hash, premaster.as_ref())?;
        self.common.log_master_secret(config.key_log);
        if let Some((cred, scheme)) = credential {
            // RFC 5246 §7.4.8: a signature over every handshake message so
            // far, with a hash the transcript keeps (the scheme was chosen
            // for that).
            let hash = crypto::scheme_transcript_hash(scheme)
                .ok_or(Error::Internal.because("client certificate scheme without a transcript hash"))?;
            let digest = self.common.transcript.current(hash)?;
            let mut sig = [0u8; crypto::MAX_SIGNATURE_LEN];
            let len = cred.key.sign_digest(scheme, digest.as_ref(), ctx.rng, &mut sig)?;
            let sig = sig.get(..len).ok_or(Error::Internal.because("signature longer than its buffer"))?;
            let transcript = &mut self.common.transcript;
            ctx.out.write(
                ContentType::Handshake,
                |w| {
                    codec::write_handshake(w, HandshakeType::CertificateVerify, |w| {
                        w.u16(scheme.to_wire())?;
                        w.vec16(sig)
                    })
                },
                |m| transcript.update(m),
            )?;
        }
        self.common.install_keys(ctx, suite, true)?;
        ctx.out.change_cipher_spec(&ctx.provider)?;
        self.common.send_finished(ctx, suite.hash, true)
    }
}

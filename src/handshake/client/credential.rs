//! The client's answer to a CertificateRequest (RFC 5246 §7.4.4): which
//! credential, and which CertificateVerify scheme.

use super::ClientHandshake;
use crate::codec;
use crate::config::{CertifiedKey, ClientConfigRef};
use crate::crypto;

impl<C: ClientConfigRef + Clone> ClientHandshake<C> {
    /// The credential to answer a CertificateRequest with (its index in
    /// `client_certs`): the resolver's choice, or the first configured one
    /// whose key type the server accepts, with a CertificateVerify scheme
    /// both sides have, and (if the server names CAs) a chain reaching one
    /// of them.
    pub(super) fn choose_credential(
        &self,
        cr: &codec::CertificateRequest<'_>,
    ) -> Option<(usize, codec::SignatureScheme)> {
        let config = self.config.client_config();
        let scheme_for =
            |cred: &CertifiedKey<'_>| {
                let type_ok = match cred.key.kind() {
                    crypto::KeyKind::Ecdsa => cr.certificate_types.contains(&64),
                    crypto::KeyKind::Rsa => cr.certificate_types.contains(&1),
                };
                if !type_ok {
                    return None;
                }
                cred.key.schemes().iter().copied().find(|s| {
                    crypto::scheme_transcript_hash(*s).is_some() && cr.signature_algorithms.contains(s.to_wire())
                })
            };
        if let Some(resolver) = config.client_cert_resolver {
            let index = resolver.resolve(cr, config.client_certs)?;
            let scheme = scheme_for(&config.client_certs.get(index)?)?;
            return Some((index, scheme));
        }
        let ca_ok = |cred: &CertifiedKey<'_>| {
            let mut names = cr.authorities().peekable();
            names.peek().is_none()
                || cred.chain.iter().any(|c| {
                    crypto::certificate_issuer(c).is_ok_and(|i| cr.authorities().any(|n| n == i))
                        || crypto::certificate_subject(c).is_ok_and(|s| cr.authorities().any(|n| n == s))
                })
        };
        config
            .client_certs
            .iter()
            .enumerate()
            .filter(|(_, c)| ca_ok(c))
            .find_map(|(i, c)| scheme_for(&c).map(|s| (i, s)))
    }
}

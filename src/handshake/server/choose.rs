//! What the server decides from a ClientHello: the credential, suite,
//! group and signature scheme of a full handshake, and whether an offered
//! session may be resumed (and in which context sessions live).

use super::ServerHandshake;
use crate::codec::{ClientHello, NamedGroup, SignatureScheme};
use crate::config::{CertifiedKey, ClientAuth, ServerConfig, ServerConfigRef};
use crate::crypto;
use crate::error::Error;
use crate::handshake::Ctx;
use crate::session::{ServerSessions, Session, SessionId};
use crate::suites::{self, SuiteInfo};

/// What the server chose from a ClientHello.
pub(super) struct Choice<'c> {
    pub cred: CertifiedKey<'c>,
    pub suite: &'static SuiteInfo,
    pub group: NamedGroup,
    pub scheme: SignatureScheme,
}

/// Picks the credential, suite, group and signature scheme: the first
/// credential (default first) whose certificate matches the client's
/// server_name and that the client can verify; failing a name match, the
/// first the client can verify.
pub(super) fn choose<'c, P: crate::crypto::Provider>(
    config: &ServerConfig<'c, P>,
    ch: &ClientHello<'_>,
) -> Result<Choice<'c>, Error> {
    let sni = ch.server_name.and_then(|n| core::str::from_utf8(n).ok());
    let named = config
        .credentials()
        .filter(|c| sni.is_some_and(|n| crate::cert::certificate_matches_name(c.end_entity(), n)))
        .find_map(|c| choose_for(config, ch, c));
    named
        .or_else(|| config.credentials().find_map(|c| choose_for(config, ch, c)))
        .ok_or_else(|| config.no_common_parameters(ch))
}

fn choose_for<'c, P: crate::crypto::Provider>(
    config: &ServerConfig<'c, P>,
    ch: &ClientHello<'_>,
    cred: CertifiedKey<'c>,
) -> Option<Choice<'c>> {
    let kind = cred.key.kind();
    // RFC 8422 §5.1.1: in TLS 1.2 supported_groups also names the curves
    // the client can verify ECDSA signatures on.
    if let (Some(curve), Some(groups)) = (cred.key.public_key().curve(), &ch.supported_groups) {
        if !groups.contains(curve.to_wire()) {
            return None;
        }
    }
    let suite = config
        .cipher_suites
        .iter()
        .filter_map(|s| suites::lookup(*s))
        .find(|s| s.auth == kind && ch.offers_suite(s.suite))?;
    let mut ours = config.groups.iter().copied().filter(|g| crypto::SUPPORTED_GROUPS.contains(g));
    let group = match &ch.supported_groups {
        Some(theirs) => ours.find(|g| theirs.contains(g.to_wire())),
        // RFC 8422 §4: without the extension any curve may be used.
        None => ours.next(),
    }?;
    // Without signature_algorithms a TLS 1.2 client means SHA-1
    // (RFC 5246 §7.4.1.4.1), which this crate does not sign with.
    let offered = ch.signature_algorithms?;
    let scheme = cred.key.schemes().iter().copied().find(|s| offered.contains(s.to_wire()))?;
    Some(Choice { cred, suite, group, scheme })
}

impl<C: ServerConfigRef + Clone> ServerHandshake<C> {
    /// The session the ClientHello offers, if one is found: from a ticket,
    /// the store, or the application's `answer`, with whether it came from
    /// the store. `Err(id)` means "ask the application about `id` first".
    pub(super) fn find_session(
        &self,
        ch: &ClientHello<'_>,
        ctx: &Ctx<'_, impl Sized, C::Provider>,
        answer: Option<Option<Session>>,
    ) -> Result<Option<(Session, bool)>, SessionId> {
        if ch.session_id.is_empty() {
            return Ok(None);
        }
        if let (Some(keys), Some(ticket)) = (self.config.server_config().tickets(), ch.session_ticket) {
            if !ticket.is_empty() {
                // A ticket that does not open means a full handshake
                // (RFC 5077 §3.4), not an error.
                let mut s = keys.open(ticket, ctx.now);
                if let Some(session) = &mut s {
                    // The ClientHello's ID is at most 32 bytes (parsed so).
                    if session.set_id(ch.session_id).is_err() {
                        return Ok(None);
                    }
                }
                return Ok(s.map(|s| (s, false)));
            }
        }
        match self.config.server_config().sessions {
            ServerSessions::None => Ok(None),
            ServerSessions::Store(store) => Ok(store.retrieve(ch.session_id).map(|s| (s, true))),
            ServerSessions::Events => match answer {
                Some(s) => Ok(s.map(|s| (s, false))),
                None => Err(SessionId::from_slice(ch.session_id).unwrap_or_default()),
            },
        }
    }

    /// The context this handshake's sessions are bound to: the
    /// application's `session_context`, the client-auth policy, and the
    /// client verifier that policy uses.
    pub(super) fn session_context(&self) -> [u8; 32] {
        let policy = match self.client_auth {
            ClientAuth::None => 0u8,
            ClientAuth::Request => 1,
            ClientAuth::Require => 2,
        };
        let verifier = match self.client_auth {
            ClientAuth::None => [0; 32],
            _ => self.config.server_config().client_verifier.map_or([0; 32], |v| v.session_context()),
        };
        crypto::context_digest([
            &b"sansio-tls server"[..],
            &[policy],
            &verifier,
            self.config.server_config().session_context,
        ])
    }

    /// Whether sessions of a full handshake with this ClientHello may be
    /// resumed later: extended master secret ones, or legacy ones when the
    /// config allows (RFC 7627 §5.3).
    pub(super) fn resumable(&self, ch: &ClientHello<'_>) -> bool {
        ch.extended_master_secret || self.config.server_config().allow_legacy_resumption
    }

    /// Whether `s` may be resumed for this ClientHello, and in which of our
    /// suites. Anything that fails here means a full handshake, never an
    /// error.
    pub(super) fn can_resume(
        &self,
        s: &Session,
        ch: &ClientHello<'_>,
        ctx: &Ctx<'_, impl Sized, C::Provider>,
    ) -> Option<&'static SuiteInfo> {
        let suite = suites::lookup(s.suite())
            .filter(|i| self.config.server_config().credentials().any(|c| c.key.kind() == i.auth))
            .filter(|_| ch.offers_suite(s.suite()) && self.config.server_config().cipher_suites.contains(&s.suite()))?;
        let renegotiation_ok = match &self.common.prev {
            None => true,
            // A renegotiation that asks for a client certificate wants one
            // now, not a session; one from a legacy (non-EMS) handshake, or
            // into another client identity, never resumes.
            Some(p) => {
                self.client_auth == ClientAuth::None
                    && p.may_resume(s, self.config.server_config().allow_peer_identity_change)
            }
        };
        let ok = renegotiation_ok
            && s.id() == ch.session_id
            && !s.is_expired(ctx.now, self.config.server_config().session_lifetime_secs)
            // Made under the same policy and verifier (like OpenSSL's
            // sid_ctx), and never without the certificate the policy
            // requires now.
            && s.context() == &self.context
            && (self.client_auth != ClientAuth::Require || s.peer_cert_sha256().is_some())
            // RFC 7627 §5.3: resume only with the same extended master
            // secret state, and by default only extended ones.
            && s.extended_master_secret() == ch.extended_master_secret
            && (s.extended_master_secret() || self.config.server_config().allow_legacy_resumption)
            // RFC 6066 §3: never across server names.
            && s.matches_sni(ch.server_name);
        ok.then_some(suite)
    }
}

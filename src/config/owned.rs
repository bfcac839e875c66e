//! Configs that own what they name (feature `alloc`): certificates and
//! keys loaded at run time, stores and verifiers in `Arc`s. Held in an
//! `Arc` by any number of connections, freed with the last one: a server
//! needs neither `'static` data nor `Box::leak`, and can load a new config
//! (new certificates, new ticket keys) while connections on the old one
//! finish.

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

use super::credentials::{CertifiedKey, CertifiedKeys, check_key};
use super::{
    ClientAuth, ClientConfig, ClientConfigRef, DEFAULT_GROUPS, DEFAULT_HANDSHAKE_TIMEOUT_MS,
    DEFAULT_RENEGOTIATION_LIMITS, DEFAULT_SESSION_LIFETIME_SECS, DEFAULT_SIGNATURE_SCHEMES, RenegotiationLimits,
    ResolveClientCert, ServerConfig, ServerConfigRef,
};
use super::{DEFAULT_PROVIDER, DefaultProvider};
use crate::cert::{ClientCertVerifier, ServerCertVerifier};
use crate::codec::{ByteStrings, CipherSuite, MaxFragmentLength, NamedGroup, SignatureScheme};
use crate::crypto::{Provider, SignatureKey};
use crate::error::Error;
use crate::keylog::KeyLog;
use crate::session::{ClientSessionCache, ServerSessions, SessionStore, TicketKey, TicketKeys};
use crate::suites::DEFAULT_SUITES;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// A certificate chain (DER, end-entity first) and its key, owned: the
/// owning form of [`CertifiedKey`].
///
/// ```
/// use std::sync::Arc;
/// use sansio_tls::config::OwnedCertifiedKey;
/// use sansio_tls::crypto::SigningKey;
///
/// let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// let chain = vec![include_bytes!("../../vectors/pki/ecdsa-server.der").to_vec()];
/// let cred = OwnedCertifiedKey::new(chain, Arc::new(key))?;
/// assert_eq!(cred.as_certified_key().chain.len(), 1);
/// # Ok::<(), sansio_tls::Error>(())
/// ```
#[derive(Clone)]
pub struct OwnedCertifiedKey {
    /// The chain, end-entity first.
    pub chain: Vec<Vec<u8>>,
    /// The end-entity's private key.
    pub key: Arc<dyn SignatureKey>,
}

impl OwnedCertifiedKey {
    /// Pairs a chain with its key, checking that the key is the one the
    /// end-entity certificate certifies (as [`CertifiedKey::new`]).
    pub fn new(chain: Vec<Vec<u8>>, key: Arc<dyn SignatureKey>) -> Result<Self, Error> {
        check_key(ByteStrings::from(&chain), &*key)?;
        Ok(OwnedCertifiedKey { chain, key })
    }

    /// Reads a PEM chain and a PEM private key (PKCS#8, SEC1 or PKCS#1),
    /// and pairs them. I/O and PEM errors name the file; a key that does
    /// not fit the certificate is [`std::io::ErrorKind::InvalidData`] with
    /// the reason.
    ///
    /// ```
    /// # let dir = env!("CARGO_MANIFEST_DIR");
    /// let cred = sansio_tls::config::OwnedCertifiedKey::from_pem_files(
    ///     format!("{dir}/vectors/pki/ecdsa-server.pem"),
    ///     format!("{dir}/vectors/pki/ecdsa-server.key.pem"),
    /// )?;
    /// assert_eq!(cred.chain.len(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(feature = "std")]
    pub fn from_pem_files(
        chain: impl AsRef<std::path::Path>,
        key: impl AsRef<std::path::Path>,
    ) -> std::io::Result<Self> {
        let invalid = |path: &std::path::Path, e: Error| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, std::format!("{}: {e}", path.display()))
        };
        let (chain_path, key_path) = (chain.as_ref(), key.as_ref());
        let chain = crate::pem::read_certs(chain_path)?;
        let (_, der) = crate::pem::read_private_key(key_path)?;
        let key = crate::crypto::SigningKey::from_der(&der).map_err(|e| invalid(key_path, e))?;
        OwnedCertifiedKey::new(chain, Arc::new(key)).map_err(|e| invalid(chain_path, e))
    }

    /// The borrowed view the handshake uses.
    pub fn as_certified_key(&self) -> CertifiedKey<'_> {
        CertifiedKey { chain: ByteStrings::from(&self.chain), key: &*self.key }
    }
}

/// Ticket keys, owned: the owning form of [`TicketKeys`].
#[derive(Clone)]
pub struct OwnedTicketKeys {
    /// The key new tickets are sealed with.
    pub current: TicketKey,
    /// Older keys still accepted.
    pub previous: Vec<TicketKey>,
    /// Ticket lifetime, seconds: sent as the hint, and enforced.
    pub lifetime_secs: u32,
}

impl OwnedTicketKeys {
    /// The borrowed view the handshake uses.
    pub fn as_ticket_keys(&self) -> TicketKeys<'_> {
        TicketKeys { current: &self.current, previous: &self.previous, lifetime_secs: self.lifetime_secs }
    }
}

/// Resumption by session ID, owned: the owning form of [`ServerSessions`].
#[derive(Clone, Default)]
pub enum OwnedServerSessions {
    /// No resumption by session ID.
    #[default]
    None,
    /// A store the connection calls directly.
    Store(Arc<dyn SessionStore>),
    /// The application answers lookups and stores sessions (see
    /// [`ServerSessions::Events`]).
    Events,
}

/// A server config that owns what it names: the owning form of
/// [`ServerConfig`], field for field (each field means what the
/// [`ServerConfig`] field of the same name means). Connections hold it in
/// an `Arc` (it is a [`ServerConfigRef`]).
///
/// ```
/// use std::sync::Arc;
/// use sansio_tls::config::{OwnedCertifiedKey, OwnedServerConfig, OwnedServerSessions};
/// use sansio_tls::session::LruSessionStore;
///
/// # let dir = env!("CARGO_MANIFEST_DIR");
/// # let (cert_pem, key_pem) = (format!("{dir}/vectors/pki/ecdsa-server.pem"), format!("{dir}/vectors/pki/ecdsa-server.key.pem"));
/// let cred = OwnedCertifiedKey::from_pem_files(&cert_pem, &key_pem)?;
/// let mut config = OwnedServerConfig::new(cred);
/// config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
/// config.sessions = OwnedServerSessions::Store(Arc::new(LruSessionStore::with_capacity(10_000)));
/// let config = Arc::new(config);
/// // Any number of connections share it; it goes with the last of them.
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct OwnedServerConfig<P: Provider = DefaultProvider> {
    /// See [`ServerConfig::provider`].
    pub provider: P,
    /// See [`ServerConfig::cipher_suites`].
    pub cipher_suites: Vec<CipherSuite>,
    /// See [`ServerConfig::groups`].
    pub groups: Vec<NamedGroup>,
    /// The default credential: [`ServerConfig::cert_chain`] and
    /// [`ServerConfig::key`].
    pub cert: OwnedCertifiedKey,
    /// See [`ServerConfig::require_extended_master_secret`].
    pub require_extended_master_secret: bool,
    /// See [`ServerConfig::handshake_timeout_ms`].
    pub handshake_timeout_ms: Option<u64>,
    /// See [`ServerConfig::record_size_limit`].
    pub record_size_limit: Option<u16>,
    /// See [`ServerConfig::alpn_protocols`].
    pub alpn_protocols: Vec<Vec<u8>>,
    /// See [`ServerConfig::sessions`].
    pub sessions: OwnedServerSessions,
    /// See [`ServerConfig::session_lifetime_secs`].
    pub session_lifetime_secs: u64,
    /// See [`ServerConfig::session_context`].
    pub session_context: Vec<u8>,
    /// See [`ServerConfig::ticket_keys`].
    pub ticket_keys: Option<OwnedTicketKeys>,
    /// See [`ServerConfig::allow_legacy_resumption`].
    pub allow_legacy_resumption: bool,
    /// See [`ServerConfig::renegotiation`].
    pub renegotiation: Option<RenegotiationLimits>,
    /// See [`ServerConfig::allow_peer_identity_change`].
    pub allow_peer_identity_change: bool,
    /// See [`ServerConfig::more_certs`].
    pub more_certs: Vec<OwnedCertifiedKey>,
    /// See [`ServerConfig::client_auth`].
    pub client_auth: ClientAuth,
    /// See [`ServerConfig::client_verifier`].
    pub client_verifier: Option<Arc<dyn ClientCertVerifier>>,
    /// See [`ServerConfig::client_auth_cas`].
    pub client_auth_cas: Vec<Vec<u8>>,
    /// See [`ServerConfig::key_log`].
    pub key_log: Option<Arc<dyn KeyLog>>,
}

impl OwnedServerConfig {
    /// A configuration with the defaults (those of [`ServerConfig::new`])
    /// for this credential.
    pub fn new(cert: OwnedCertifiedKey) -> Self {
        OwnedServerConfig {
            provider: DEFAULT_PROVIDER,
            cipher_suites: DEFAULT_SUITES.to_vec(),
            groups: DEFAULT_GROUPS.to_vec(),
            cert,
            require_extended_master_secret: false,
            handshake_timeout_ms: Some(DEFAULT_HANDSHAKE_TIMEOUT_MS),
            record_size_limit: None,
            alpn_protocols: Vec::new(),
            sessions: OwnedServerSessions::None,
            session_lifetime_secs: DEFAULT_SESSION_LIFETIME_SECS,
            session_context: Vec::new(),
            ticket_keys: None,
            allow_legacy_resumption: false,
            renegotiation: Some(DEFAULT_RENEGOTIATION_LIMITS),
            allow_peer_identity_change: false,
            more_certs: Vec::new(),
            client_auth: ClientAuth::None,
            client_verifier: None,
            client_auth_cas: Vec::new(),
            key_log: None,
        }
    }
}

impl<P: Provider> ServerConfigRef for OwnedServerConfig<P> {
    type Provider = P;
    fn server_config(&self) -> ServerConfig<'_, P> {
        let cert = self.cert.as_certified_key();
        ServerConfig {
            provider: self.provider,
            cipher_suites: &self.cipher_suites,
            groups: &self.groups,
            cert_chain: cert.chain,
            key: cert.key,
            require_extended_master_secret: self.require_extended_master_secret,
            handshake_timeout_ms: self.handshake_timeout_ms,
            record_size_limit: self.record_size_limit,
            alpn_protocols: ByteStrings::from(&self.alpn_protocols),
            sessions: match &self.sessions {
                OwnedServerSessions::None => ServerSessions::None,
                OwnedServerSessions::Store(store) => ServerSessions::Store(&**store),
                OwnedServerSessions::Events => ServerSessions::Events,
            },
            session_lifetime_secs: self.session_lifetime_secs,
            session_context: &self.session_context,
            ticket_keys: self.ticket_keys.as_ref().map(OwnedTicketKeys::as_ticket_keys),
            allow_legacy_resumption: self.allow_legacy_resumption,
            renegotiation: self.renegotiation,
            allow_peer_identity_change: self.allow_peer_identity_change,
            more_certs: CertifiedKeys::from(&self.more_certs),
            client_auth: self.client_auth,
            client_verifier: self.client_verifier.as_deref(),
            client_auth_cas: ByteStrings::from(&self.client_auth_cas),
            key_log: self.key_log.as_deref(),
        }
    }
}

/// A client config that owns what it names: the owning form of
/// [`ClientConfig`], field for field. Connections hold it in an `Arc` (it
/// is a [`ClientConfigRef`]).
///
/// ```
/// use std::sync::Arc;
/// use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
/// use sansio_tls::config::OwnedClientConfig;
///
/// let ca = include_bytes!("../../vectors/pki/ecdsa-ca.der");
/// let roots = vec![trust_anchor_from_der(ca)?.to_owned()];
/// let mut config = OwnedClientConfig::new(Arc::new(WebPkiServerVerifier::from_roots(roots)));
/// config.alpn_protocols = vec![b"h2".to_vec()];
/// let config = Arc::new(config);
/// # Ok::<(), sansio_tls::Error>(())
/// ```
#[derive(Clone)]
pub struct OwnedClientConfig<P: Provider = DefaultProvider> {
    /// See [`ClientConfig::provider`].
    pub provider: P,
    /// See [`ClientConfig::cipher_suites`].
    pub cipher_suites: Vec<CipherSuite>,
    /// See [`ClientConfig::groups`].
    pub groups: Vec<NamedGroup>,
    /// See [`ClientConfig::signature_schemes`].
    pub signature_schemes: Vec<SignatureScheme>,
    /// See [`ClientConfig::verifier`].
    pub verifier: Arc<dyn ServerCertVerifier>,
    /// See [`ClientConfig::max_fragment_length`].
    pub max_fragment_length: Option<MaxFragmentLength>,
    /// See [`ClientConfig::record_size_limit`].
    pub record_size_limit: Option<u16>,
    /// See [`ClientConfig::require_extended_master_secret`].
    pub require_extended_master_secret: bool,
    /// See [`ClientConfig::handshake_timeout_ms`].
    pub handshake_timeout_ms: Option<u64>,
    /// See [`ClientConfig::alpn_protocols`].
    pub alpn_protocols: Vec<Vec<u8>>,
    /// See [`ClientConfig::session_cache`].
    pub session_cache: Option<Arc<dyn ClientSessionCache>>,
    /// See [`ClientConfig::session_tickets`].
    pub session_tickets: bool,
    /// See [`ClientConfig::session_context`].
    pub session_context: Vec<u8>,
    /// See [`ClientConfig::allow_legacy_resumption`].
    pub allow_legacy_resumption: bool,
    /// See [`ClientConfig::allow_peer_identity_change`].
    pub allow_peer_identity_change: bool,
    /// See [`ClientConfig::client_certs`].
    pub client_certs: Vec<OwnedCertifiedKey>,
    /// See [`ClientConfig::client_cert_resolver`].
    pub client_cert_resolver: Option<Arc<dyn ResolveClientCert>>,
    /// See [`ClientConfig::key_log`].
    pub key_log: Option<Arc<dyn KeyLog>>,
}

impl OwnedClientConfig {
    /// A configuration with the defaults (those of [`ClientConfig::new`])
    /// for this verifier.
    pub fn new(verifier: Arc<dyn ServerCertVerifier>) -> Self {
        OwnedClientConfig {
            provider: DEFAULT_PROVIDER,
            cipher_suites: DEFAULT_SUITES.to_vec(),
            groups: DEFAULT_GROUPS.to_vec(),
            signature_schemes: DEFAULT_SIGNATURE_SCHEMES.to_vec(),
            verifier,
            max_fragment_length: None,
            record_size_limit: None,
            require_extended_master_secret: false,
            handshake_timeout_ms: Some(DEFAULT_HANDSHAKE_TIMEOUT_MS),
            alpn_protocols: Vec::new(),
            session_cache: None,
            session_tickets: true,
            session_context: Vec::new(),
            allow_legacy_resumption: false,
            allow_peer_identity_change: false,
            client_certs: Vec::new(),
            client_cert_resolver: None,
            key_log: None,
        }
    }
}

impl<P: Provider> ClientConfigRef for OwnedClientConfig<P> {
    type Provider = P;
    fn client_config(&self) -> ClientConfig<'_, P> {
        ClientConfig {
            provider: self.provider,
            cipher_suites: &self.cipher_suites,
            groups: &self.groups,
            signature_schemes: &self.signature_schemes,
            verifier: &*self.verifier,
            max_fragment_length: self.max_fragment_length,
            record_size_limit: self.record_size_limit,
            require_extended_master_secret: self.require_extended_master_secret,
            handshake_timeout_ms: self.handshake_timeout_ms,
            alpn_protocols: ByteStrings::from(&self.alpn_protocols),
            session_cache: self.session_cache.as_deref(),
            session_tickets: self.session_tickets,
            session_context: &self.session_context,
            allow_legacy_resumption: self.allow_legacy_resumption,
            allow_peer_identity_change: self.allow_peer_identity_change,
            client_certs: CertifiedKeys::from(&self.client_certs),
            client_cert_resolver: self.client_cert_resolver.as_deref(),
            key_log: self.key_log.as_deref(),
        }
    }
}

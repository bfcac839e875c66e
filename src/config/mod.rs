//! Configuration: built once, read-only, shared by any number of
//! connections.
//!
//! A [`ClientConfig`] starts from a certificate verifier, a
//! [`ServerConfig`] from a chain and its key; both have the defaults of
//! this module and public fields to change them. They borrow what they
//! name (verifier, keys, stores, lists of [`ByteStrings`] and
//! [`CertifiedKeys`]), so firmware keeps all of it in flash or in statics,
//! with no heap.
//!
//! With `alloc`, [`OwnedClientConfig`] and [`OwnedServerConfig`] own the
//! same things (certificates loaded from PEM files at run time, keys,
//! stores and verifiers in `Arc`s); connections hold them in an `Arc` and
//! they are freed with the last one. A connection holds its config by any
//! [`ClientConfigRef`] / [`ServerConfigRef`]: `&ServerConfig`,
//! `Arc<ServerConfig<'static>>`, `Arc<OwnedServerConfig>`, or a type of
//! the application's own.
//!
#![cfg_attr(feature = "alloc", doc = "[`OwnedClientConfig`]: OwnedClientConfig")]
#![cfg_attr(feature = "alloc", doc = "[`OwnedServerConfig`]: OwnedServerConfig")]
#![cfg_attr(not(feature = "alloc"), doc = "[`OwnedClientConfig`]: crate#features")]
#![cfg_attr(not(feature = "alloc"), doc = "[`OwnedServerConfig`]: crate#features")]

use crate::cert::{ClientCertVerifier, ServerCertVerifier};
use crate::codec::{CipherSuite, MaxFragmentLength, NamedGroup, SignatureScheme};
use crate::crypto::{Provider, SignatureKey};
use crate::error::Error;
use crate::keylog::KeyLog;
use crate::session::{ClientSessionCache, ServerSessions, TicketKeys};
use crate::suites::DEFAULT_SUITES;

mod credentials;

/// The provider of [`ClientConfig::new`] and [`ServerConfig::new`]:
/// [`RustCrypto`](crate::crypto::RustCrypto). (The crate's own CI builds
/// with `--cfg sansio_tls_ring_default` and the `ring` feature to run the
/// whole test suite on `crypto::Ring` instead; nothing else should set
/// it.)
#[cfg(not(all(feature = "ring", sansio_tls_ring_default)))]
pub type DefaultProvider = crate::crypto::RustCrypto;
/// The provider of [`ClientConfig::new`] and [`ServerConfig::new`]: this
/// build has `--cfg sansio_tls_ring_default`, so `crypto::Ring`.
#[cfg(all(feature = "ring", sansio_tls_ring_default))]
pub type DefaultProvider = crate::crypto::Ring;

/// The value of [`DefaultProvider`].
#[cfg(not(all(feature = "ring", sansio_tls_ring_default)))]
pub(crate) const DEFAULT_PROVIDER: DefaultProvider = crate::crypto::RustCrypto;
#[cfg(all(feature = "ring", sansio_tls_ring_default))]
pub(crate) const DEFAULT_PROVIDER: DefaultProvider = crate::crypto::Ring;
#[cfg(feature = "alloc")]
mod owned;
mod source;

pub use crate::codec::ByteStrings;
pub use credentials::{CertifiedKey, CertifiedKeys, ResolveClientCert};
#[cfg(feature = "alloc")]
pub use owned::{OwnedCertifiedKey, OwnedClientConfig, OwnedServerConfig, OwnedServerSessions, OwnedTicketKeys};
pub use source::{ClientConfigRef, ServerConfigRef};

/// How long a server resumes a session by default: two hours, in seconds.
pub const DEFAULT_SESSION_LIFETIME_SECS: u64 = 2 * 60 * 60;

/// The default handshake timeout: 30 seconds, in milliseconds.
pub const DEFAULT_HANDSHAKE_TIMEOUT_MS: u64 = 30_000;

/// Groups offered and accepted by default, in preference order: every
/// group this build supports (secp384r1 with the `p384` feature).
pub const DEFAULT_GROUPS: &[NamedGroup] = crate::crypto::SUPPORTED_GROUPS;

/// Signature schemes a client accepts from a server by default, in
/// preference order (RFC 5246 §7.4.1.4.1). SHA-1 and MD5 are never offered.
/// The SHA-512 schemes come last: the first six are also what a server
/// accepts in CertificateVerify (the transcript keeps no SHA-512).
pub const DEFAULT_SIGNATURE_SCHEMES: &[SignatureScheme] = &[
    SignatureScheme::ECDSA_NISTP256_SHA256,
    #[cfg(feature = "rsa")]
    SignatureScheme::RSA_PSS_SHA256,
    #[cfg(feature = "rsa")]
    SignatureScheme::RSA_PKCS1_SHA256,
    #[cfg(feature = "sha384")]
    SignatureScheme::ECDSA_NISTP384_SHA384,
    #[cfg(feature = "rsa")]
    SignatureScheme::RSA_PSS_SHA384,
    #[cfg(feature = "rsa")]
    SignatureScheme::RSA_PKCS1_SHA384,
    #[cfg(feature = "rsa")]
    SignatureScheme::RSA_PSS_SHA512,
    #[cfg(feature = "rsa")]
    SignatureScheme::RSA_PKCS1_SHA512,
    #[cfg(feature = "sha384")]
    SignatureScheme::ECDSA_NISTP521_SHA512,
];

/// Whether a server asks clients for certificates.
///
/// ```
/// # use sansio_tls::cert::{WebPkiClientVerifier, trust_anchor_from_der};
/// # use sansio_tls::crypto::SigningKey;
/// use sansio_tls::config::ClientAuth;
/// # let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der")).unwrap();
/// # let chain: [&[u8]; 1] = [include_bytes!("../../vectors/pki/ecdsa-server.der")];
/// # let roots = [trust_anchor_from_der(include_bytes!("../../vectors/pki/ecdsa-ca.der")).unwrap()];
/// let client_verifier = WebPkiClientVerifier::new(&roots);
/// let mut config = sansio_tls::ServerConfig::new(&chain, &key);
/// assert_eq!(config.client_auth, ClientAuth::None);
/// // Ask, but let clients without a certificate in.
/// config.client_auth = ClientAuth::Request;
/// config.client_verifier = Some(&client_verifier);
/// ```
///
/// A connection can also ask only later, in a renegotiation:
/// [`ServerConnection::set_client_auth`](crate::Connection::set_client_auth)
/// then [`request_renegotiation`](crate::Connection::request_renegotiation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// Never (the default).
    #[default]
    None,
    /// Ask; a client without a certificate may go on.
    Request,
    /// Ask, and refuse a client without one (`handshake_failure`).
    Require,
}

/// A client's configuration.
///
/// ```
/// use sansio_tls::{cert::WebPkiServerVerifier, ClientConfig};
/// let roots = [];
/// let verifier = WebPkiServerVerifier::new(&roots);
/// let config = ClientConfig::new(&verifier);
/// assert!(config.cipher_suites.len() >= 6);
/// ```
#[derive(Clone, Copy)]
pub struct ClientConfig<'a, P: Provider = DefaultProvider> {
    /// The crypto primitives of this config's connections; the default is
    /// [`RustCrypto`](crate::crypto::RustCrypto). See
    /// [`with_provider`](Self::with_provider).
    pub provider: P,
    /// Suites to offer, in preference order.
    pub cipher_suites: &'a [CipherSuite],
    /// ECDHE groups to offer, in preference order. In TLS 1.2 this list
    /// also names the curves the client can verify ECDSA certificates on
    /// (RFC 8422 §5.1.1): keep `Secp256r1` in it to talk to servers with
    /// P-256 certificates (OpenSSL and this crate refuse otherwise).
    pub groups: &'a [NamedGroup],
    /// Signature schemes accepted in ServerKeyExchange.
    pub signature_schemes: &'a [SignatureScheme],
    /// Decides whether the server's certificate chain is acceptable.
    pub verifier: &'a dyn ServerCertVerifier,
    /// Ask the server for smaller records (RFC 6066 §4), so the client can
    /// run with small buffers.
    pub max_fragment_length: Option<MaxFragmentLength>,
    /// The largest protected record plaintext this client accepts, offered
    /// as record_size_limit (RFC 8449) and capped by what the receive
    /// buffer holds. `None` (the default): the receive buffer decides, and
    /// the limit is offered only when that buffer cannot hold a full
    /// record and no `max_fragment_length` is asked for (a server that
    /// speaks both ignores max_fragment_length, and record_size_limit does
    /// not bound the unprotected handshake records). `Some(n)` (64 ..=
    /// 16384): always offered.
    pub record_size_limit: Option<u16>,
    /// Refuse servers without extended master secret (RFC 7627). The client
    /// always offers it; by default it still talks to servers without it.
    pub require_extended_master_secret: bool,
    /// Handshake timeout in milliseconds (`None`: no timeout).
    pub handshake_timeout_ms: Option<u64>,
    /// ALPN protocols to offer (RFC 7301), in preference order.
    pub alpn_protocols: ByteStrings<'a>,
    /// Where sessions are kept and looked up for resumption (keyed by
    /// server name and port); `None`: sessions are only handed out by
    /// [`Event::NewSession`](crate::Event::NewSession) and resumed when
    /// passed in [`ClientParams::session`](crate::conn::ClientParams).
    pub session_cache: Option<&'a dyn ClientSessionCache>,
    /// Offer and accept session tickets (RFC 5077). On by default; never
    /// offered in a build without the `tickets` feature.
    pub session_tickets: bool,
    /// The namespace of this config's sessions (empty by default). A cached
    /// or imported session is offered only by a config with the same
    /// namespace and a verifier with the same
    /// [`session_context`](crate::cert::ServerCertVerifier::session_context)
    /// as the one that verified it: two configs sharing a
    /// [`session_cache`](Self::session_cache) never resume each other's
    /// sessions unless they verify servers alike. Give configs whose
    /// verifiers are of one custom type but accept different servers
    /// different namespaces.
    pub session_context: &'a [u8],
    /// Resume sessions made without extended master secret. Off by default
    /// (the triple-handshake attack, RFC 7627 §1).
    pub allow_legacy_resumption: bool,
    /// Let a renegotiation switch the server's certificate (like
    /// GNUTLS_ALLOW_ID_CHANGE). Off by default: a different certificate
    /// fails the handshake with
    /// [`ErrorKind::PeerIdentityChanged`](crate::ErrorKind::PeerIdentityChanged).
    pub allow_peer_identity_change: bool,
    /// Credentials for client authentication; the first that fits the
    /// server's CertificateRequest (key type, signature schemes, CA names)
    /// is sent.
    pub client_certs: CertifiedKeys<'a>,
    /// Chooses which of `client_certs` answers a CertificateRequest.
    pub client_cert_resolver: Option<&'a dyn ResolveClientCert>,
    /// Told each handshake's master secret, for a key log (see
    /// [`keylog`](crate::keylog)); for debugging only.
    pub key_log: Option<&'a dyn KeyLog>,
}

impl<'a, P: Provider> ClientConfig<'a, P> {
    /// The same config on another provider: every connection made from the
    /// result runs on `provider`'s primitives.
    pub fn with_provider<Q: Provider>(self, provider: Q) -> ClientConfig<'a, Q> {
        ClientConfig {
            provider,
            cipher_suites: self.cipher_suites,
            groups: self.groups,
            signature_schemes: self.signature_schemes,
            verifier: self.verifier,
            max_fragment_length: self.max_fragment_length,
            record_size_limit: self.record_size_limit,
            require_extended_master_secret: self.require_extended_master_secret,
            handshake_timeout_ms: self.handshake_timeout_ms,
            alpn_protocols: self.alpn_protocols,
            session_cache: self.session_cache,
            session_tickets: self.session_tickets,
            session_context: self.session_context,
            allow_legacy_resumption: self.allow_legacy_resumption,
            allow_peer_identity_change: self.allow_peer_identity_change,
            client_certs: self.client_certs,
            client_cert_resolver: self.client_cert_resolver,
            key_log: self.key_log,
        }
    }
}

impl<'a> ClientConfig<'a> {
    /// A configuration with the defaults: every suite, x25519 then P-256,
    /// certificate verification by `verifier`, a 30 s handshake timeout.
    pub fn new(verifier: &'a dyn ServerCertVerifier) -> Self {
        ClientConfig {
            provider: DEFAULT_PROVIDER,
            cipher_suites: DEFAULT_SUITES,
            groups: DEFAULT_GROUPS,
            signature_schemes: DEFAULT_SIGNATURE_SCHEMES,
            verifier,
            max_fragment_length: None,
            record_size_limit: None,
            require_extended_master_secret: false,
            handshake_timeout_ms: Some(DEFAULT_HANDSHAKE_TIMEOUT_MS),
            alpn_protocols: ByteStrings::EMPTY,
            session_cache: None,
            session_tickets: true,
            session_context: &[],
            allow_legacy_resumption: false,
            allow_peer_identity_change: false,
            client_certs: CertifiedKeys::EMPTY,
            client_cert_resolver: None,
            key_log: None,
        }
    }
}

/// A server's configuration.
///
/// ```
/// use sansio_tls::{crypto::SigningKey, ServerConfig};
/// # let key_der = include_bytes!("../../vectors/pki/ecdsa-server.key.der");
/// # let cert_der = include_bytes!("../../vectors/pki/ecdsa-server.der");
/// let key = SigningKey::from_der(key_der).unwrap();
/// let chain: [&[u8]; 1] = [cert_der];
/// let config = ServerConfig::new(&chain, &key);
/// assert!(!config.require_extended_master_secret);
/// ```
#[derive(Clone, Copy)]
pub struct ServerConfig<'a, P: Provider = DefaultProvider> {
    /// The crypto primitives of this config's connections; the default is
    /// [`RustCrypto`](crate::crypto::RustCrypto). See
    /// [`with_provider`](Self::with_provider).
    pub provider: P,
    /// Suites to accept, in the server's preference order (the server picks
    /// the first it shares with the client that fits its key).
    pub cipher_suites: &'a [CipherSuite],
    /// ECDHE groups to accept, in preference order.
    pub groups: &'a [NamedGroup],
    /// The certificate chain, DER, end-entity first.
    pub cert_chain: ByteStrings<'a>,
    /// The end-entity's private key (see [`CertifiedKey::key`]).
    pub key: &'a dyn SignatureKey,
    /// Refuse clients without extended master secret (RFC 7627 §5.2) with
    /// `handshake_failure`. Off by default: a client that does not offer it
    /// (BearSSL, older mbedTLS) gets a full handshake, but its session is
    /// never resumed (unless `allow_legacy_resumption`) and never resumed
    /// into by a renegotiation, which is what the triple-handshake attack
    /// needs (RFC 7627 §1). Turn it on for strict deployments.
    pub require_extended_master_secret: bool,
    /// Handshake timeout in milliseconds (`None`: no timeout).
    pub handshake_timeout_ms: Option<u64>,
    /// The largest protected record plaintext this server accepts, sent as
    /// record_size_limit (RFC 8449) to a client that offers one, and capped
    /// by what the receive buffer holds. `None` (the default): the receive
    /// buffer decides.
    pub record_size_limit: Option<u16>,
    /// ALPN protocols the server speaks, in its preference order.
    pub alpn_protocols: ByteStrings<'a>,
    /// Resumption by session ID: none, a store, or application events.
    pub sessions: ServerSessions<'a>,
    /// How long a session may be resumed, seconds.
    pub session_lifetime_secs: u64,
    /// The application's part of the session context (empty by default),
    /// like OpenSSL's sid_ctx. A session is resumed only in the context it
    /// was made in: this value, the client-auth policy of the handshake and
    /// the client verifier's
    /// [`session_context`](crate::cert::ClientCertVerifier::session_context).
    /// Servers that share a store or ticket keys but must not resume each
    /// other's sessions (other users, other authorization) set different
    /// values; servers meant to share sessions set the same.
    pub session_context: &'a [u8],
    /// Ticket keys: with them the server issues and accepts session tickets
    /// (RFC 5077) and needs no store. Needs the `tickets` feature (a
    /// connection refuses a config that sets them in a build without it).
    pub ticket_keys: Option<TicketKeys<'a>>,
    /// Resume sessions made without extended master secret (RFC 7627 §5.3:
    /// only by a client that again offers no EMS). Off by default: such
    /// sessions are then neither stored nor sealed into tickets. Never
    /// applies to a renegotiation.
    pub allow_legacy_resumption: bool,
    /// Whether and how often a client may renegotiate (RFC 5746 secure
    /// renegotiation only); `None` refuses every attempt with a
    /// `no_renegotiation` warning.
    pub renegotiation: Option<RenegotiationLimits>,
    /// Let a renegotiation switch the client's certificate. Off by default.
    pub allow_peer_identity_change: bool,
    /// More credentials besides `cert_chain`/`key`: the server picks one
    /// whose certificate matches the client's server_name and whose key the
    /// client can verify (ECDSA or RSA, from its suites and signature
    /// algorithms); `cert_chain`/`key` is the default.
    pub more_certs: CertifiedKeys<'a>,
    /// Whether to ask clients for certificates.
    pub client_auth: ClientAuth,
    /// Verifies client certificates (needed unless `client_auth` is
    /// [`ClientAuth::None`]).
    pub client_verifier: Option<&'a dyn ClientCertVerifier>,
    /// DER DistinguishedNames of the CAs client certificates should chain
    /// to, listed in the CertificateRequest (see
    /// [`crypto::certificate_subject`](crate::crypto::certificate_subject)).
    pub client_auth_cas: ByteStrings<'a>,
    /// Told each handshake's master secret, for a key log (see
    /// [`keylog`](crate::keylog)); for debugging only.
    pub key_log: Option<&'a dyn KeyLog>,
}

/// Bounds on client-initiated renegotiation, against renegotiation DoS: a
/// ClientHello over a limit is refused with a `no_renegotiation` warning.
///
/// ```
/// use sansio_tls::config::{DEFAULT_RENEGOTIATION_LIMITS, RenegotiationLimits};
/// # use sansio_tls::crypto::SigningKey;
/// # let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der")).unwrap();
/// # let chain: [&[u8]; 1] = [include_bytes!("../../vectors/pki/ecdsa-server.der")];
/// let mut config = sansio_tls::ServerConfig::new(&chain, &key);
/// assert_eq!(config.renegotiation, Some(DEFAULT_RENEGOTIATION_LIMITS));
/// // At most two, and one an hour.
/// config.renegotiation = Some(RenegotiationLimits { max_per_connection: 2, max_per_window: 1, window_ms: 3_600_000 });
/// // Or none at all.
/// config.renegotiation = None;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenegotiationLimits {
    /// At most this many renegotiations in a connection's life.
    pub max_per_connection: u32,
    /// At most this many within any `window_ms`.
    pub max_per_window: u32,
    /// The window, milliseconds.
    pub window_ms: u64,
}

/// The default: 16 per connection, 4 a minute.
pub const DEFAULT_RENEGOTIATION_LIMITS: RenegotiationLimits =
    RenegotiationLimits { max_per_connection: 16, max_per_window: 4, window_ms: 60_000 };

impl<P: Provider> ServerConfig<'_, P> {
    /// Why no credential, suite, group and signature scheme fit `ch` (the
    /// server's choice failed): the first of suites, groups, signature
    /// schemes and certificate curves with nothing in common.
    #[cfg(feature = "server")]
    pub(crate) fn no_common_parameters(&self, ch: &crate::codec::ClientHello<'_>) -> Error {
        let fail = Error::HandshakeFailure;
        let suite_for = |c: &CertifiedKey<'_>| {
            let kind = c.key.kind();
            self.cipher_suites
                .iter()
                .filter_map(|s| crate::suites::lookup(*s))
                .any(|s| s.auth == kind && ch.offers_suite(s.suite))
        };
        if !self.credentials().any(|c| suite_for(&c)) {
            return fail.because("no cipher suite in common");
        }
        let mut ours = self.groups.iter().filter(|g| crate::crypto::SUPPORTED_GROUPS.contains(g));
        let group = match &ch.supported_groups {
            Some(theirs) => ours.any(|g| theirs.contains(g.to_wire())),
            None => ours.next().is_some(),
        };
        if !group {
            return fail.because("no ECDHE group in common");
        }
        let Some(offered) = ch.signature_algorithms else {
            return fail.because("client sent no signature_algorithms (its default, SHA-1, is not supported)");
        };
        let scheme_for = |c: &CertifiedKey<'_>| c.key.schemes().iter().any(|s| offered.contains(s.to_wire()));
        if !self.credentials().any(|c| suite_for(&c) && scheme_for(&c)) {
            return fail.because("no signature scheme in common");
        }
        fail.because("client's supported_groups lack the curve of every certificate it could use")
    }
}

impl<'a, P: Provider> ServerConfig<'a, P> {
    /// Every credential, the default (`cert_chain`, `key`) first, then
    /// `more_certs`.
    pub fn credentials(&self) -> impl Iterator<Item = CertifiedKey<'a>> + Clone + 'a {
        core::iter::once(CertifiedKey { chain: self.cert_chain, key: self.key }).chain(self.more_certs.iter())
    }

    /// The ticket keys this build uses: `ticket_keys`, or none without the
    /// `tickets` feature (then the ticket code is not linked).
    #[cfg(feature = "server")]
    pub(crate) fn tickets(&self) -> Option<TicketKeys<'a>> {
        self.ticket_keys.filter(|_| cfg!(feature = "tickets"))
    }

    /// The credential at `index` in [`credentials`](Self::credentials).
    pub fn credential(&self, index: usize) -> Option<CertifiedKey<'a>> {
        match index.checked_sub(1) {
            None => Some(CertifiedKey { chain: self.cert_chain, key: self.key }),
            Some(i) => self.more_certs.get(i),
        }
    }

    /// The same config on another provider: every connection made from the
    /// result runs on `provider`'s primitives.
    ///
    /// ```
    /// use sansio_tls::{crypto::{RustCrypto, SigningKey}, ServerConfig};
    /// # let key_der = include_bytes!("../../vectors/pki/ecdsa-server.key.der");
    /// # let cert_der = include_bytes!("../../vectors/pki/ecdsa-server.der");
    /// # let key = SigningKey::from_der(key_der).unwrap();
    /// # let chain: [&[u8]; 1] = [cert_der];
    /// let config = ServerConfig::new(&chain, &key).with_provider(RustCrypto); // or a hardware provider
    /// ```
    pub fn with_provider<Q: Provider>(self, provider: Q) -> ServerConfig<'a, Q> {
        ServerConfig {
            provider,
            cipher_suites: self.cipher_suites,
            groups: self.groups,
            cert_chain: self.cert_chain,
            key: self.key,
            require_extended_master_secret: self.require_extended_master_secret,
            handshake_timeout_ms: self.handshake_timeout_ms,
            record_size_limit: self.record_size_limit,
            alpn_protocols: self.alpn_protocols,
            sessions: self.sessions,
            session_lifetime_secs: self.session_lifetime_secs,
            session_context: self.session_context,
            ticket_keys: self.ticket_keys,
            allow_legacy_resumption: self.allow_legacy_resumption,
            renegotiation: self.renegotiation,
            allow_peer_identity_change: self.allow_peer_identity_change,
            more_certs: self.more_certs,
            client_auth: self.client_auth,
            client_verifier: self.client_verifier,
            client_auth_cas: self.client_auth_cas,
            key_log: self.key_log,
        }
    }
}

impl<'a> ServerConfig<'a> {
    /// Like [`new`](Self::new), but first checks that `key` is the key of
    /// `cert_chain[0]` (`Err(BadCertificate)` if not): a server with a
    /// mismatched key would fail every handshake at the client.
    pub fn try_new(cert_chain: impl Into<ByteStrings<'a>>, key: &'a dyn SignatureKey) -> Result<Self, Error> {
        let cert_chain = cert_chain.into();
        credentials::check_key(cert_chain, key)?;
        Ok(Self::new(cert_chain, key))
    }

    /// A configuration with the defaults for this chain and key (not
    /// checked against each other; see [`try_new`](Self::try_new)).
    pub fn new(cert_chain: impl Into<ByteStrings<'a>>, key: &'a dyn SignatureKey) -> Self {
        let cert_chain = cert_chain.into();
        ServerConfig {
            provider: DEFAULT_PROVIDER,
            cipher_suites: DEFAULT_SUITES,
            groups: DEFAULT_GROUPS,
            cert_chain,
            key,
            require_extended_master_secret: false,
            handshake_timeout_ms: Some(DEFAULT_HANDSHAKE_TIMEOUT_MS),
            record_size_limit: None,
            alpn_protocols: ByteStrings::EMPTY,
            sessions: ServerSessions::None,
            session_lifetime_secs: DEFAULT_SESSION_LIFETIME_SECS,
            session_context: &[],
            ticket_keys: None,
            allow_legacy_resumption: false,
            renegotiation: Some(DEFAULT_RENEGOTIATION_LIMITS),
            allow_peer_identity_change: false,
            more_certs: CertifiedKeys::EMPTY,
            client_auth: ClientAuth::None,
            client_verifier: None,
            client_auth_cas: ByteStrings::EMPTY,
            key_log: None,
        }
    }
}

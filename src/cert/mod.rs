//! Certificate chain verification on `rustls-webpki`, with this crate's own
//! signature algorithms (no *ring*, no aws-lc, no heap), or with the `ring`
//! feature *ring*'s (`RING_SIG_ALGS`, see
//! [`WebPkiServerVerifier::with_algorithms`]).
//!
//! A client checks the server's chain with a [`ServerCertVerifier`],
//! usually [`WebPkiServerVerifier`] over trust anchors made with
//! [`trust_anchor_from_der`] or taken from `webpki-roots`; a server checks
//! client certificates with a [`ClientCertVerifier`]. [The
//! guide](crate::guide#trust-roots) shows where roots come from.

#[cfg(feature = "alloc")]
extern crate alloc;

use core::time::Duration;
/// A DER certificate, as the verifier traits receive chains (from
/// `rustls-pki-types`). It borrows or owns its bytes and derefs to `[u8]`.
///
/// ```
/// use sansio_tls::cert::CertificateDer;
/// let der: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.der");
/// let cert = CertificateDer::from(der);
/// assert_eq!(&cert[..], der);
/// ```
pub use pki_types::CertificateDer;
/// A trust anchor: a root CA's subject, public key and name constraints
/// (from `rustls-pki-types`). Make one from a root certificate with
/// [`trust_anchor_from_der`]; `webpki_roots::TLS_SERVER_ROOTS` is a ready
/// `&'static [TrustAnchor<'static>]`.
///
/// ```
/// use sansio_tls::cert::{TrustAnchor, trust_anchor_from_der};
/// let ca: &[u8] = include_bytes!("../../vectors/pki/ecdsa-ca.der");
/// let anchor: TrustAnchor<'_> = trust_anchor_from_der(ca).unwrap();
/// assert!(anchor.name_constraints.is_none());
/// ```
pub use pki_types::TrustAnchor;

use pki_types::{AlgorithmIdentifier, Der, ServerName, UnixTime};

use crate::error::Error;
#[cfg(doc)]
use crate::error::ErrorKind;

mod algorithms;
#[cfg(feature = "ring")]
pub use algorithms::RING_SIG_ALGS;
pub use algorithms::SUPPORTED_SIG_ALGS;
use algorithms::{DEFAULT_SIG_ALGS, same_algorithms};
/// A certificate signature algorithm as webpki runs it (from
/// `rustls-pki-types`): what [`SUPPORTED_SIG_ALGS`] lists, and what
/// [`WebPkiServerVerifier::with_algorithms`] takes.
pub use pki_types::SignatureVerificationAlgorithm;

/// A list of certificate signature algorithms for a verifier.
pub type SignatureAlgorithms = &'static [&'static dyn SignatureVerificationAlgorithm];

/// Makes a trust anchor from a DER root certificate
/// (`webpki::anchor_from_trusted_cert`); the anchor borrows `cert_der`.
///
/// `Err(Error::BadCertificate)` if the certificate does not parse.
///
/// ```
/// use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
/// use sansio_tls::{ClientConfig, ErrorKind};
/// let ca: &[u8] = include_bytes!("../../vectors/pki/ecdsa-ca.der");
/// // The anchors borrow `ca`, the verifier the anchors, the config the verifier.
/// let roots = [trust_anchor_from_der(ca)?];
/// let verifier = WebPkiServerVerifier::new(&roots);
/// let config = ClientConfig::new(&verifier);
/// # let _ = config;
/// assert_eq!(trust_anchor_from_der(b"not DER").unwrap_err().kind(), ErrorKind::BadCertificate);
/// # Ok::<(), sansio_tls::Error>(())
/// ```
pub fn trust_anchor_from_der(cert_der: &[u8]) -> Result<TrustAnchor<'_>, Error> {
    let cert = CertificateDer::from(cert_der);
    let anchor = webpki::anchor_from_trusted_cert(&cert)
        .map_err(|_| Error::BadCertificate.because("root certificate does not parse"))?;
    // The anchor's fields borrow `cert`, a local wrapper around `cert_der`;
    // webpki parses without copying, so they are sub-slices of `cert_der`.
    // Find them there again to give them `cert_der`'s lifetime.
    let subject = subslice(cert_der, anchor.subject.as_ref())?;
    let spki = subslice(cert_der, anchor.subject_public_key_info.as_ref())?;
    let name_constraints = match &anchor.name_constraints {
        Some(nc) => Some(Der::from_slice(subslice(cert_der, nc.as_ref())?)),
        None => None,
    };
    Ok(TrustAnchor {
        subject: Der::from_slice(subject),
        subject_public_key_info: Der::from_slice(spki),
        name_constraints,
    })
}

/// The part of `outer` that `inner` points into, checked by position and
/// content. `Err(Error::BadCertificate)` if `inner` is not inside `outer`.
fn subslice<'a>(outer: &'a [u8], inner: &[u8]) -> Result<&'a [u8], Error> {
    let outside = Error::BadCertificate.because("trust anchor field not inside the root certificate");
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize).ok_or(outside)?;
    let end = start.checked_add(inner.len()).ok_or(outside)?;
    match outer.get(start..end) {
        Some(s) if s == inner => Ok(s),
        _ => Err(outside),
    }
}

/// Maps a webpki verdict to the error (and so the alert) we report, with a
/// reason for each verdict a person can act on.
#[allow(deprecated)] // the unit variants are still matched in case they appear
fn map_webpki_error(e: webpki::Error) -> Error {
    use webpki::Error as E;
    let bad = Error::BadCertificate;
    let unsupported = Error::UnsupportedCertificate;
    match e {
        E::CertExpired { .. } => Error::CertificateExpired.because("certificate expired"),
        E::CertNotValidYet { .. } => Error::CertificateExpired.because("certificate not yet valid"),
        E::UnknownIssuer => Error::UnknownCa.because("certificate chain does not lead to a trusted root"),
        E::CertNotValidForName(_) => bad.because("certificate not valid for the server name"),
        E::UnsupportedSignatureAlgorithm | E::UnsupportedSignatureAlgorithmContext(_) => {
            unsupported.because("certificate signed with an unsupported signature algorithm")
        }
        E::UnsupportedSignatureAlgorithmForPublicKey | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            unsupported.because("certificate signature algorithm not supported for its issuer's key")
        }
        E::InvalidSignatureForPublicKey => bad.because("certificate signature does not verify"),
        E::SignatureAlgorithmMismatch => bad.because("certificate's two signature algorithm fields differ"),
        E::BadDer | E::BadDerTime | E::TrailingData(_) => bad.because("certificate is not valid DER"),
        E::MalformedExtensions | E::ExtensionValueInvalid => bad.because("certificate extension malformed"),
        E::UnsupportedCriticalExtension => bad.because("certificate has an unsupported critical extension"),
        E::UnsupportedCertVersion => bad.because("certificate is not X.509 v3"),
        E::InvalidSerialNumber => bad.because("certificate serial number invalid"),
        E::InvalidCertValidity => bad.because("certificate validity period invalid (notAfter before notBefore)"),
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension => {
            bad.because("certificate extended key usage does not allow this use")
        }
        E::CaUsedAsEndEntity => bad.because("CA certificate used as the end-entity certificate"),
        E::EndEntityUsedAsCa => bad.because("end-entity certificate used as a CA"),
        E::NameConstraintViolation => bad.because("certificate violates its issuer's name constraints"),
        E::MalformedNameConstraint | E::InvalidNetworkMaskConstraint | E::UnsupportedNameType => {
            bad.because("certificate name constraints malformed or unsupported")
        }
        E::MalformedDnsIdentifier => bad.because("malformed DNS name in the certificate or the server name"),
        E::PathLenConstraintViolated => bad.because("certificate chain longer than a CA's path length constraint"),
        E::MaximumPathDepthExceeded
        | E::MaximumSignatureChecksExceeded
        | E::MaximumPathBuildCallsExceeded
        | E::MaximumNameConstraintComparisonsExceeded => bad.because("certificate chain too long or complex to verify"),
        E::CertDistrusted => bad.because("certificate key explicitly distrusted"),
        E::CertRevoked => bad.because("certificate revoked"),
        // Revocation-list errors (no lists are given) and anything newer.
        _ => bad,
    }
}

/// A verifier was handed no certificate at all.
const EMPTY_CHAIN: Error = Error::BadCertificate.because("empty certificate chain");

fn unix_time(now_unix_secs: u64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(now_unix_secs))
}

/// Decides whether a server's certificate chain is acceptable.
///
/// [`WebPkiServerVerifier`] is the usual one. A custom verifier can, for
/// example, pin the server's certificate: that needs no roots and no
/// clock, which suits a device without a real-time clock.
///
/// ```
/// use sansio_tls::cert::{CertificateDer, ServerCertVerifier};
/// use sansio_tls::crypto::{HashAlg, context_digest, hash};
/// use sansio_tls::{ClientConfig, Error, ErrorKind};
///
/// /// Accepts exactly one end-entity certificate, by its SHA-256.
/// struct Pinned([u8; 32]);
///
/// impl ServerCertVerifier for Pinned {
///     fn verify_server_cert(&self, chain: &[CertificateDer<'_>], _name: &str, _now: u64) -> Result<(), Error> {
///         let leaf = chain.first().ok_or(Error::from(ErrorKind::BadCertificate))?;
///         if hash(HashAlg::Sha256, leaf).as_ref() == self.0 {
///             Ok(())
///         } else {
///             Err(Error::from(ErrorKind::BadCertificate).because("certificate not pinned"))
///         }
///     }
///
///     // Two `Pinned` verifiers with different pins accept different
///     // servers: their sessions must not mix.
///     fn session_context(&self) -> [u8; 32] {
///         context_digest([&b"pinned"[..], &self.0])
///     }
/// }
///
/// let server_cert: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.der");
/// let pin: [u8; 32] = hash(HashAlg::Sha256, server_cert).as_ref().try_into().unwrap();
/// let verifier = Pinned(pin);
/// assert!(verifier.verify_server_cert(&[CertificateDer::from(server_cert)], "localhost", 0).is_ok());
/// let other: &[u8] = include_bytes!("../../vectors/pki/ecdsa-untrusted.der");
/// let refused = verifier.verify_server_cert(&[CertificateDer::from(other)], "localhost", 0).unwrap_err();
/// assert_eq!(refused.to_string(), "certificate not pinned (sends bad_certificate)");
/// let config = ClientConfig::new(&verifier);
/// # let _ = config;
/// ```
pub trait ServerCertVerifier: Send + Sync {
    /// Checks `chain` (`chain[0]` is the end-entity certificate, the rest are
    /// intermediates in any order) for `server_name`, a DNS name or an IP
    /// address literal, at `now_unix_secs` (caller-supplied time).
    fn verify_server_cert(
        &self,
        chain: &[CertificateDer<'_>],
        server_name: &str,
        now_unix_secs: u64,
    ) -> Result<(), Error>;

    /// What this verifier accepts, in 32 bytes: a client binds the sessions
    /// it caches to it (with [`ClientConfig::session_context`](crate::ClientConfig::session_context)),
    /// so a session verified under one policy is never offered under
    /// another. Two verifiers that accept different chains must return
    /// different values; [`WebPkiServerVerifier`] digests its trust anchors.
    /// The default digests the type's name: override it when instances of
    /// one type differ (make it with [`context_digest`](crate::crypto::context_digest)).
    fn session_context(&self) -> [u8; 32] {
        crate::crypto::context_digest([core::any::type_name::<Self>().as_bytes()])
    }
}

/// Whether the certificate `cert_der` is valid for `name` (a DNS name or IP
/// address literal, checked against its subjectAltNames). Used by a server
/// to pick the credential matching the client's server_name.
///
/// ```
/// use sansio_tls::cert::certificate_matches_name;
/// let cert: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.der");
/// assert!(certificate_matches_name(cert, "localhost"));
/// assert!(!certificate_matches_name(cert, "example.com"));
/// ```
pub fn certificate_matches_name(cert_der: &[u8], name: &str) -> bool {
    let Ok(name) = ServerName::try_from(name) else { return false };
    let der = CertificateDer::from(cert_der);
    webpki::EndEntityCert::try_from(&der).is_ok_and(|ee| ee.verify_is_valid_for_subject_name(&name).is_ok())
}

/// Decides whether a client's certificate chain is acceptable.
///
/// [`WebPkiClientVerifier`] is the usual one. A custom verifier can add a
/// policy to it, here: only one client subject is let in.
///
/// ```
/// use sansio_tls::cert::{CertificateDer, ClientCertVerifier, WebPkiClientVerifier, trust_anchor_from_der};
/// use sansio_tls::crypto::{certificate_subject, context_digest};
/// use sansio_tls::{Error, ErrorKind};
///
/// /// The CA's verdict, and then the subject must be `subject`.
/// struct OnlySubject<'a> {
///     ca: WebPkiClientVerifier<'a>,
///     subject: &'a [u8],
/// }
///
/// impl ClientCertVerifier for OnlySubject<'_> {
///     fn verify_client_cert(&self, chain: &[CertificateDer<'_>], now_unix_secs: u64) -> Result<(), Error> {
///         self.ca.verify_client_cert(chain, now_unix_secs)?;
///         if certificate_subject(&chain[0])? == self.subject {
///             Ok(())
///         } else {
///             Err(Error::from(ErrorKind::BadCertificate).because("client not allowed"))
///         }
///     }
///
///     fn session_context(&self) -> [u8; 32] {
///         context_digest([&self.ca.session_context()[..], self.subject])
///     }
/// }
///
/// let ca: &[u8] = include_bytes!("../../vectors/pki/ecdsa-ca.der");
/// let client: &[u8] = include_bytes!("../../vectors/pki/ecdsa-client.der");
/// let roots = [trust_anchor_from_der(ca)?];
/// let verifier = OnlySubject { ca: WebPkiClientVerifier::new(&roots), subject: certificate_subject(client)? };
/// assert!(verifier.verify_client_cert(&[CertificateDer::from(client)], 1_800_000_000).is_ok());
/// # Ok::<(), Error>(())
/// ```
pub trait ClientCertVerifier: Send + Sync {
    /// Checks `chain` (`chain[0]` is the end-entity certificate) at
    /// `now_unix_secs` (caller-supplied time).
    fn verify_client_cert(&self, chain: &[CertificateDer<'_>], now_unix_secs: u64) -> Result<(), Error>;

    /// What this verifier accepts, in 32 bytes: a server binds its sessions
    /// to it (with its client-auth policy and
    /// [`ServerConfig::session_context`](crate::ServerConfig::session_context)),
    /// so a session is never resumed under a policy that did not verify it.
    /// Same rules as [`ServerCertVerifier::session_context`].
    fn session_context(&self) -> [u8; 32] {
        crate::crypto::context_digest([core::any::type_name::<Self>().as_bytes()])
    }
}

/// A digest of trust anchors (subject, key, name constraints), for a
/// verifier's session context.
/// A verifier's trust anchors: borrowed, or with `alloc` owned.
#[derive(Clone, Debug)]
enum Roots<'a> {
    Borrowed(&'a [TrustAnchor<'a>]),
    #[cfg(feature = "alloc")]
    Owned(alloc::vec::Vec<TrustAnchor<'static>>),
}

impl<'a> core::ops::Deref for Roots<'a> {
    type Target = [TrustAnchor<'a>];
    fn deref(&self) -> &[TrustAnchor<'a>] {
        match self {
            Roots::Borrowed(r) => r,
            #[cfg(feature = "alloc")]
            Roots::Owned(r) => r,
        }
    }
}

/// A verifier's session context: its trust anchors, and the algorithms if
/// they are not the same as [`SUPPORTED_SIG_ALGS`] (*ring*'s list is: the
/// same algorithms, so sessions resume across the two).
fn verifier_context(kind: &'static [u8], roots: &[TrustAnchor<'_>], algs: SignatureAlgorithms) -> [u8; 32] {
    let anchors = anchors_digest(kind, roots);
    if same_algorithms(algs, SUPPORTED_SIG_ALGS) {
        return anchors;
    }
    let ids = algs.iter().flat_map(|a| [a.signature_alg_id(), a.public_key_alg_id()]);
    let ids: heapless::Vec<AlgorithmIdentifier, 64> = ids.take(64).collect();
    let count = (algs.len() as u64).to_be_bytes();
    crate::crypto::context_digest(
        [&b"webpki algorithms"[..], &anchors, &count].into_iter().chain(ids.iter().map(|id| id.as_ref())),
    )
}

fn anchors_digest(kind: &'static [u8], roots: &[TrustAnchor<'_>]) -> [u8; 32] {
    let parts = roots.iter().flat_map(|r| {
        [
            r.subject.as_ref(),
            r.subject_public_key_info.as_ref(),
            r.name_constraints.as_ref().map_or(&[][..], |n| n.as_ref()),
        ]
    });
    crate::crypto::context_digest(core::iter::once(kind).chain(parts))
}

/// The default server verifier: webpki path validation to the trust anchors
/// with the serverAuth EKU, the name check (DNS name or IP address against the
/// subjectAltNames), and validity at `now`.
///
/// Errors: expired or not yet valid → [`ErrorKind::CertificateExpired`]; no
/// path to a root → [`ErrorKind::UnknownCa`]; name mismatch, bad signature or
/// anything else → [`ErrorKind::BadCertificate`]; unsupported signature
/// algorithm → [`ErrorKind::UnsupportedCertificate`]; an empty chain →
/// [`ErrorKind::BadCertificate`]. Each with a reason saying which.
///
/// ```
/// use sansio_tls::cert::{CertificateDer, ServerCertVerifier, WebPkiServerVerifier, trust_anchor_from_der};
/// use sansio_tls::ErrorKind;
///
/// let ca: &[u8] = include_bytes!("../../vectors/pki/ecdsa-ca.der");
/// let leaf: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.der");
/// let roots = [trust_anchor_from_der(ca)?];
/// let verifier = WebPkiServerVerifier::new(&roots);
/// let chain = [CertificateDer::from(leaf)];
/// let jan_2027 = 1_800_000_000;
/// assert!(verifier.verify_server_cert(&chain, "localhost", jan_2027).is_ok());
/// let wrong_name = verifier.verify_server_cert(&chain, "example.com", jan_2027).unwrap_err();
/// assert_eq!(wrong_name.kind(), ErrorKind::BadCertificate);
/// let year_2050 = 2_524_608_000;
/// let expired = verifier.verify_server_cert(&chain, "localhost", year_2050).unwrap_err();
/// assert_eq!(expired.kind(), ErrorKind::CertificateExpired);
///
/// // Mozilla's roots, from the webpki-roots crate:
/// let public = WebPkiServerVerifier::new(webpki_roots::TLS_SERVER_ROOTS);
/// assert_eq!(public.verify_server_cert(&chain, "localhost", jan_2027).unwrap_err().kind(), ErrorKind::UnknownCa);
/// # Ok::<(), sansio_tls::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct WebPkiServerVerifier<'a> {
    roots: Roots<'a>,
    algs: SignatureAlgorithms,
    context: [u8; 32],
}

impl<'a> WebPkiServerVerifier<'a> {
    /// A verifier trusting `roots`, with the default algorithms:
    /// [`SUPPORTED_SIG_ALGS`] (with the `ring` feature and `--cfg
    /// sansio_tls_ring_default`, `RING_SIG_ALGS`).
    pub fn new(roots: &'a [TrustAnchor<'a>]) -> Self {
        WebPkiServerVerifier {
            roots: Roots::Borrowed(roots),
            algs: DEFAULT_SIG_ALGS,
            context: anchors_digest(b"webpki server", roots),
        }
    }

    /// The same verifier with the certificate signature algorithms `algs`:
    /// with the `ring` feature, *ring*'s (`RING_SIG_ALGS`), or the
    /// application's own. A list of other algorithms than
    /// [`SUPPORTED_SIG_ALGS`] goes into the [session context](ServerCertVerifier::session_context),
    /// so that a session verified under one list does not resume under
    /// another.
    ///
    /// ```
    /// use sansio_tls::cert::{SUPPORTED_SIG_ALGS, WebPkiServerVerifier, trust_anchor_from_der};
    /// let ca: &[u8] = include_bytes!("../../vectors/pki/ecdsa-ca.der");
    /// let roots = [trust_anchor_from_der(ca)?];
    /// // Only ECDSA P-256 with SHA-256 (the first entry).
    /// let strict = WebPkiServerVerifier::new(&roots).with_algorithms(&SUPPORTED_SIG_ALGS[..1]);
    /// # let _ = strict;
    /// # Ok::<(), sansio_tls::Error>(())
    /// ```
    pub fn with_algorithms(self, algs: SignatureAlgorithms) -> Self {
        let context = verifier_context(b"webpki server", &self.roots, algs);
        WebPkiServerVerifier { algs, context, ..self }
    }

    /// The certificate signature algorithms this verifier runs.
    pub fn algorithms(&self) -> SignatureAlgorithms {
        self.algs
    }

    /// A verifier that owns its roots (feature `alloc`; make them with
    /// [`TrustAnchor::to_owned`]), for an owned config: see
    /// [`OwnedClientConfig`](crate::config::OwnedClientConfig).
    #[cfg(feature = "alloc")]
    pub fn from_roots(roots: alloc::vec::Vec<TrustAnchor<'static>>) -> WebPkiServerVerifier<'static> {
        let context = anchors_digest(b"webpki server", &roots);
        WebPkiServerVerifier { roots: Roots::Owned(roots), algs: DEFAULT_SIG_ALGS, context }
    }
}

impl ServerCertVerifier for WebPkiServerVerifier<'_> {
    fn verify_server_cert(
        &self,
        chain: &[CertificateDer<'_>],
        server_name: &str,
        now_unix_secs: u64,
    ) -> Result<(), Error> {
        let (ee, intermediates) = chain.split_first().ok_or(EMPTY_CHAIN)?;
        let name = ServerName::try_from(server_name)
            .map_err(|_| Error::BadCertificate.because("server name is neither a DNS name nor an IP address"))?;
        let ee = webpki::EndEntityCert::try_from(ee).map_err(map_webpki_error)?;
        ee.verify_for_usage(
            self.algs,
            &self.roots,
            intermediates,
            unix_time(now_unix_secs),
            webpki::KeyUsage::server_auth(),
            None,
            None,
        )
        .map_err(map_webpki_error)?;
        ee.verify_is_valid_for_subject_name(&name).map_err(map_webpki_error)
    }

    fn session_context(&self) -> [u8; 32] {
        self.context
    }
}

/// The default client verifier: webpki path validation to the trust anchors
/// with the clientAuth EKU and validity at `now`; no name check. Errors as
/// for [`WebPkiServerVerifier`].
///
/// A server that requires client certificates from its own CA:
///
/// ```
/// use sansio_tls::cert::{WebPkiClientVerifier, trust_anchor_from_der};
/// use sansio_tls::config::ClientAuth;
/// use sansio_tls::crypto::{SigningKey, certificate_subject};
/// use sansio_tls::ServerConfig;
///
/// let ca: &[u8] = include_bytes!("../../vectors/pki/ecdsa-ca.der");
/// let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// let chain: [&[u8]; 1] = [include_bytes!("../../vectors/pki/ecdsa-server.der")];
/// let client_roots = [trust_anchor_from_der(ca)?];
/// let client_verifier = WebPkiClientVerifier::new(&client_roots);
/// // The CertificateRequest names the CA, so clients know what to send.
/// let ca_names = [certificate_subject(ca)?];
///
/// let mut config = ServerConfig::try_new(&chain, &key)?;
/// config.client_auth = ClientAuth::Require;
/// config.client_verifier = Some(&client_verifier);
/// config.client_auth_cas = (&ca_names).into();
/// # Ok::<(), sansio_tls::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct WebPkiClientVerifier<'a> {
    roots: Roots<'a>,
    algs: SignatureAlgorithms,
    context: [u8; 32],
}

impl<'a> WebPkiClientVerifier<'a> {
    /// A verifier trusting `roots`, with the default algorithms:
    /// [`SUPPORTED_SIG_ALGS`] (with the `ring` feature and `--cfg
    /// sansio_tls_ring_default`, `RING_SIG_ALGS`).
    pub fn new(roots: &'a [TrustAnchor<'a>]) -> Self {
        WebPkiClientVerifier {
            roots: Roots::Borrowed(roots),
            algs: DEFAULT_SIG_ALGS,
            context: anchors_digest(b"webpki client", roots),
        }
    }

    /// The same verifier with the certificate signature algorithms `algs`:
    /// with the `ring` feature, *ring*'s (`RING_SIG_ALGS`), or the
    /// application's own. A list of other algorithms than
    /// [`SUPPORTED_SIG_ALGS`] goes into the [session context](ClientCertVerifier::session_context),
    /// so that a session verified under one list does not resume under
    /// another.
    ///
    /// ```
    /// use sansio_tls::cert::{SUPPORTED_SIG_ALGS, WebPkiClientVerifier, trust_anchor_from_der};
    /// let ca: &[u8] = include_bytes!("../../vectors/pki/ecdsa-ca.der");
    /// let roots = [trust_anchor_from_der(ca)?];
    /// // Only ECDSA P-256 with SHA-256 (the first entry).
    /// let strict = WebPkiClientVerifier::new(&roots).with_algorithms(&SUPPORTED_SIG_ALGS[..1]);
    /// # let _ = strict;
    /// # Ok::<(), sansio_tls::Error>(())
    /// ```
    pub fn with_algorithms(self, algs: SignatureAlgorithms) -> Self {
        let context = verifier_context(b"webpki client", &self.roots, algs);
        WebPkiClientVerifier { algs, context, ..self }
    }

    /// The certificate signature algorithms this verifier runs.
    pub fn algorithms(&self) -> SignatureAlgorithms {
        self.algs
    }

    /// A verifier that owns its roots (feature `alloc`; make them with
    /// [`TrustAnchor::to_owned`]), for an owned config: see
    /// [`OwnedClientConfig`](crate::config::OwnedClientConfig).
    #[cfg(feature = "alloc")]
    pub fn from_roots(roots: alloc::vec::Vec<TrustAnchor<'static>>) -> WebPkiClientVerifier<'static> {
        let context = anchors_digest(b"webpki client", &roots);
        WebPkiClientVerifier { roots: Roots::Owned(roots), algs: DEFAULT_SIG_ALGS, context }
    }
}

impl ClientCertVerifier for WebPkiClientVerifier<'_> {
    fn verify_client_cert(&self, chain: &[CertificateDer<'_>], now_unix_secs: u64) -> Result<(), Error> {
        let (ee, intermediates) = chain.split_first().ok_or(EMPTY_CHAIN)?;
        let ee = webpki::EndEntityCert::try_from(ee).map_err(map_webpki_error)?;
        ee.verify_for_usage(
            self.algs,
            &self.roots,
            intermediates,
            unix_time(now_unix_secs),
            webpki::KeyUsage::client_auth(),
            None,
            None,
        )
        .map(|_| ())
        .map_err(map_webpki_error)
    }

    fn session_context(&self) -> [u8; 32] {
        self.context
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EC_ROOT: &[u8] = include_bytes!("../../vectors/crypto/ec-root.der");
    const EC_LEAF: &[u8] = include_bytes!("../../vectors/crypto/ec-leaf.der");
    const EC_LEAF384: &[u8] = include_bytes!("../../vectors/crypto/ec-leaf384.der");
    const EC_CLIENT: &[u8] = include_bytes!("../../vectors/crypto/ec-client.der");
    const RSA_ROOT: &[u8] = include_bytes!("../../vectors/crypto/rsa-root.der");
    const RSA_LEAF: &[u8] = include_bytes!("../../vectors/crypto/rsa-leaf.der");
    const RSA_LEAF_PSS: &[u8] = include_bytes!("../../vectors/crypto/rsa-leaf-pss.der");
    const OTHER_ROOT: &[u8] = include_bytes!("../../vectors/crypto/other-root.der");

    /// 2030-01-01T00:00:00Z, inside the 2025..2045 validity.
    const NOW: u64 = 1_893_456_000;
    /// 2045-01-01T00:00:01Z, one second after notAfter.
    const AFTER: u64 = 2_366_841_601;
    /// 2024-12-31T23:59:59Z, one second before notBefore.
    const BEFORE: u64 = 1_735_689_599;

    fn chain(leaf: &[u8]) -> [CertificateDer<'_>; 1] {
        [CertificateDer::from(leaf)]
    }

    #[test]
    fn trust_anchor_borrows_input() {
        let ta = trust_anchor_from_der(EC_ROOT).unwrap();
        let spki = ta.subject_public_key_info.as_ref();
        // SubjectPublicKeyInfo contents (webpki strips the outer SEQUENCE header).
        assert!(EC_ROOT.windows(spki.len()).any(|w| w == spki));
        assert!(ta.name_constraints.is_none());
        assert_eq!(trust_anchor_from_der(b"not a cert").unwrap_err(), Error::BadCertificate);
        assert_eq!(trust_anchor_from_der(&EC_ROOT[..EC_ROOT.len() - 3]).unwrap_err(), Error::BadCertificate);
        // subslice() refuses a slice from elsewhere.
        let other = [1u8, 2, 3];
        assert_eq!(subslice(EC_ROOT, &other), Err(Error::BadCertificate));
        assert_eq!(subslice(EC_ROOT, &EC_ROOT[5..9]), Ok(&EC_ROOT[5..9]));
    }

    #[test]
    fn valid_chains_pass_for_dns_and_ip() {
        let roots = [trust_anchor_from_der(EC_ROOT).unwrap(), trust_anchor_from_der(RSA_ROOT).unwrap()];
        let v = WebPkiServerVerifier::new(&roots);
        for leaf in [EC_LEAF, EC_LEAF384, RSA_LEAF, RSA_LEAF_PSS] {
            for name in ["localhost", "127.0.0.1"] {
                v.verify_server_cert(&chain(leaf), name, NOW).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            }
        }
        // The root sent along as an extra chain element does no harm.
        let with_root = [CertificateDer::from(EC_LEAF), CertificateDer::from(EC_ROOT)];
        v.verify_server_cert(&with_root, "localhost", NOW).unwrap();
        // Usable through a trait object.
        let dyn_v: &dyn ServerCertVerifier = &v;
        dyn_v.verify_server_cert(&chain(RSA_LEAF), "localhost", NOW).unwrap();
    }

    #[test]
    fn wrong_name_is_bad_certificate() {
        let roots = [trust_anchor_from_der(EC_ROOT).unwrap(), trust_anchor_from_der(RSA_ROOT).unwrap()];
        let v = WebPkiServerVerifier::new(&roots);
        for leaf in [EC_LEAF, RSA_LEAF] {
            for name in ["example.com", "127.0.0.2", "::1", "sub.localhost"] {
                assert_eq!(v.verify_server_cert(&chain(leaf), name, NOW), Err(Error::BadCertificate), "{name}");
            }
            // Not a name at all.
            assert_eq!(v.verify_server_cert(&chain(leaf), "", NOW), Err(Error::BadCertificate));
        }
    }

    #[test]
    fn unknown_root_is_unknown_ca() {
        let roots = [trust_anchor_from_der(OTHER_ROOT).unwrap()];
        let v = WebPkiServerVerifier::new(&roots);
        for leaf in [EC_LEAF, RSA_LEAF] {
            assert_eq!(v.verify_server_cert(&chain(leaf), "localhost", NOW), Err(Error::UnknownCa));
        }
        // No roots at all.
        let v = WebPkiServerVerifier::new(&[]);
        assert_eq!(v.verify_server_cert(&chain(EC_LEAF), "localhost", NOW), Err(Error::UnknownCa));
    }

    #[test]
    fn expired_and_not_yet_valid() {
        let roots = [trust_anchor_from_der(EC_ROOT).unwrap(), trust_anchor_from_der(RSA_ROOT).unwrap()];
        let v = WebPkiServerVerifier::new(&roots);
        for leaf in [EC_LEAF, RSA_LEAF] {
            for t in [AFTER, BEFORE] {
                assert_eq!(v.verify_server_cert(&chain(leaf), "localhost", t), Err(Error::CertificateExpired));
            }
        }
        let c = WebPkiClientVerifier::new(&roots);
        assert_eq!(c.verify_client_cert(&chain(EC_CLIENT), AFTER), Err(Error::CertificateExpired));
    }

    #[test]
    fn tampered_or_empty_chain_is_bad_certificate() {
        let roots = [trust_anchor_from_der(EC_ROOT).unwrap()];
        let v = WebPkiServerVerifier::new(&roots);
        assert_eq!(v.verify_server_cert(&[], "localhost", NOW), Err(Error::BadCertificate));
        // Flip a bit in the last byte of the signature value.
        let mut bad = [0u8; 445];
        bad.copy_from_slice(EC_LEAF);
        bad[444] ^= 1;
        assert_eq!(v.verify_server_cert(&chain(&bad), "localhost", NOW), Err(Error::BadCertificate));
        assert_eq!(v.verify_server_cert(&chain(b"\x30\x03\x02\x01\x00"), "localhost", NOW), Err(Error::BadCertificate));
    }

    #[test]
    fn algorithm_lists() {
        let roots = [trust_anchor_from_der(EC_ROOT).unwrap(), trust_anchor_from_der(RSA_ROOT).unwrap()];
        let v = WebPkiServerVerifier::new(&roots);
        assert_eq!(v.algorithms().len(), SUPPORTED_SIG_ALGS.len());
        // ECDSA P-256 with SHA-256 only.
        let ec_only = v.clone().with_algorithms(&SUPPORTED_SIG_ALGS[..1]);
        assert_eq!(ec_only.algorithms().len(), 1);
        ec_only.verify_server_cert(&chain(EC_LEAF), "localhost", NOW).unwrap();
        for leaf in [EC_LEAF384, RSA_LEAF, RSA_LEAF_PSS] {
            let err = ec_only.verify_server_cert(&chain(leaf), "localhost", NOW).unwrap_err();
            assert_eq!(err, Error::UnsupportedCertificate);
        }
        // Another list, another session context; the same list, the same.
        assert_ne!(ec_only.session_context(), v.session_context());
        assert_eq!(v.clone().with_algorithms(SUPPORTED_SIG_ALGS).session_context(), v.session_context());
        assert_eq!(ec_only.clone().with_algorithms(SUPPORTED_SIG_ALGS).session_context(), v.session_context());
        let c = WebPkiClientVerifier::new(&roots[..1]);
        let c_ec = c.clone().with_algorithms(&SUPPORTED_SIG_ALGS[..1]);
        assert_ne!(c_ec.session_context(), c.session_context());
        assert_ne!(c_ec.session_context(), ec_only.session_context());
        c_ec.verify_client_cert(&chain(EC_CLIENT), NOW).unwrap();
        assert_eq!(
            c.clone().with_algorithms(&[]).verify_client_cert(&chain(EC_CLIENT), NOW),
            Err(Error::UnsupportedCertificate)
        );
    }

    /// The verifiers on *ring*'s algorithms accept and refuse what they do
    /// on ours, and keep the session context (the same algorithms).
    #[test]
    #[cfg(feature = "ring")]
    fn ring_algorithms_verify_chains() {
        let roots = [trust_anchor_from_der(EC_ROOT).unwrap(), trust_anchor_from_der(RSA_ROOT).unwrap()];
        let ours = WebPkiServerVerifier::new(&roots).with_algorithms(SUPPORTED_SIG_ALGS);
        let v = WebPkiServerVerifier::new(&roots).with_algorithms(RING_SIG_ALGS);
        assert_eq!(v.session_context(), ours.session_context());
        for leaf in [EC_LEAF, EC_LEAF384, RSA_LEAF, RSA_LEAF_PSS] {
            v.verify_server_cert(&chain(leaf), "localhost", NOW).unwrap();
            // A flipped bit in the signature.
            let mut bad = leaf.to_vec();
            let last = bad.len() - 3;
            bad[last] ^= 1;
            assert_eq!(v.verify_server_cert(&chain(&bad), "localhost", NOW), Err(Error::BadCertificate));
            assert_eq!(ours.verify_server_cert(&chain(&bad), "localhost", NOW), Err(Error::BadCertificate));
        }
        let other = [trust_anchor_from_der(OTHER_ROOT).unwrap()];
        let v = WebPkiServerVerifier::new(&other).with_algorithms(RING_SIG_ALGS);
        assert_eq!(v.verify_server_cert(&chain(EC_LEAF), "localhost", NOW), Err(Error::UnknownCa));
        let c = WebPkiClientVerifier::new(&roots[..1]).with_algorithms(RING_SIG_ALGS);
        c.verify_client_cert(&chain(EC_CLIENT), NOW).unwrap();
        assert_eq!(c.verify_client_cert(&chain(EC_LEAF), NOW), Err(Error::BadCertificate));
    }

    #[test]
    fn client_verifier_checks_eku() {
        let roots = [trust_anchor_from_der(EC_ROOT).unwrap()];
        let c = WebPkiClientVerifier::new(&roots);
        c.verify_client_cert(&chain(EC_CLIENT), NOW).unwrap();
        // A serverAuth-only certificate is not a client certificate.
        assert_eq!(c.verify_client_cert(&chain(EC_LEAF), NOW), Err(Error::BadCertificate));
        assert_eq!(c.verify_client_cert(&[], NOW), Err(Error::BadCertificate));
        let other_roots = [trust_anchor_from_der(OTHER_ROOT).unwrap()];
        let c = WebPkiClientVerifier::new(&other_roots);
        assert_eq!(c.verify_client_cert(&chain(EC_CLIENT), NOW), Err(Error::UnknownCa));
        let dyn_c: &dyn ClientCertVerifier = &c;
        assert_eq!(dyn_c.verify_client_cert(&chain(EC_CLIENT), NOW), Err(Error::UnknownCa));
        // A client certificate is not a server certificate.
        let v = WebPkiServerVerifier::new(&roots);
        assert_eq!(v.verify_server_cert(&chain(EC_CLIENT), "client", NOW), Err(Error::BadCertificate));
    }

    #[test]
    #[allow(deprecated)]
    fn error_mapping() {
        use webpki::Error as E;
        assert_eq!(map_webpki_error(E::UnknownIssuer), Error::UnknownCa);
        assert_eq!(map_webpki_error(E::UnsupportedSignatureAlgorithm), Error::UnsupportedCertificate);
        assert_eq!(map_webpki_error(E::InvalidSignatureForPublicKey), Error::BadCertificate);
        assert_eq!(map_webpki_error(E::BadDer), Error::BadCertificate);
    }

    #[test]
    fn verdicts_carry_their_reasons() {
        let roots = [trust_anchor_from_der(EC_ROOT).unwrap()];
        let v = WebPkiServerVerifier::new(&roots);
        let reason = |r: Result<(), Error>| r.unwrap_err().reason();
        assert_eq!(
            reason(v.verify_server_cert(&chain(EC_LEAF), "example.com", NOW)),
            "certificate not valid for the server name"
        );
        assert_eq!(reason(v.verify_server_cert(&chain(EC_LEAF), "localhost", AFTER)), "certificate expired");
        assert_eq!(reason(v.verify_server_cert(&chain(EC_LEAF), "localhost", BEFORE)), "certificate not yet valid");
        assert_eq!(reason(v.verify_server_cert(&[], "localhost", NOW)), "empty certificate chain");
        assert_eq!(
            reason(v.verify_server_cert(&chain(EC_LEAF), "", NOW)),
            "server name is neither a DNS name nor an IP address"
        );
        let other = [trust_anchor_from_der(OTHER_ROOT).unwrap()];
        assert_eq!(
            reason(WebPkiServerVerifier::new(&other).verify_server_cert(&chain(EC_LEAF), "localhost", NOW)),
            "certificate chain does not lead to a trusted root"
        );
        let c = WebPkiClientVerifier::new(&roots);
        assert_eq!(
            reason(c.verify_client_cert(&chain(EC_LEAF), NOW)),
            "certificate extended key usage does not allow this use"
        );
        assert_eq!(trust_anchor_from_der(b"not a cert").unwrap_err().reason(), "root certificate does not parse");
    }
}

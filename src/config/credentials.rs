//! Credentials: a certificate chain with its key, lists of them, and the
//! client's choice among them for a CertificateRequest.

use crate::codec::{ByteStrings, CertificateRequest};
use crate::crypto::SignatureKey;
use crate::error::Error;

#[cfg(feature = "alloc")]
use super::owned::OwnedCertifiedKey;
#[cfg(feature = "alloc")]
extern crate alloc;

/// A certificate chain (DER, end-entity first) and the private key of its
/// end-entity certificate.
///
/// A server with an ECDSA certificate for `localhost` and an RSA one for
/// clients that only speak RSA suites; and the check that a key fits its
/// certificate:
///
/// ```
/// use sansio_tls::config::CertifiedKey;
/// use sansio_tls::crypto::SigningKey;
/// use sansio_tls::{ErrorKind, ServerConfig};
///
/// let ecdsa_key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// let ecdsa_chain: [&[u8]; 1] = [include_bytes!("../../vectors/pki/ecdsa-server.der")];
/// # #[cfg(feature = "alloc")] {
/// let rsa_key = SigningKey::from_der(include_bytes!("../../vectors/pki/rsa-server.key.der"))?;
/// let rsa_chain: [&[u8]; 1] = [include_bytes!("../../vectors/pki/rsa-server.der")];
/// let more = [CertifiedKey::new(&rsa_chain, &rsa_key)?];
/// let mut config = ServerConfig::try_new(&ecdsa_chain, &ecdsa_key)?;
/// config.more_certs = (&more).into();
/// assert_eq!(config.credentials().count(), 2);
///
/// let mismatch = CertifiedKey::new(&rsa_chain, &ecdsa_key).err().unwrap();
/// assert_eq!(mismatch.kind(), ErrorKind::BadCertificate);
/// # }
/// # Ok::<(), sansio_tls::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct CertifiedKey<'a> {
    /// The chain, end-entity first.
    pub chain: ByteStrings<'a>,
    /// The end-entity's private key: a [`SigningKey`](crate::crypto::SigningKey),
    /// or a key held elsewhere (a secure element) behind [`SignatureKey`].
    pub key: &'a dyn SignatureKey,
}

impl<'a> CertifiedKey<'a> {
    /// Pairs a chain with its key, checking that the key is the one the
    /// end-entity certificate certifies (`Err(BadCertificate)` if not,
    /// `Err(UnsupportedCertificate)` for a key type this crate cannot use).
    pub fn new(chain: impl Into<ByteStrings<'a>>, key: &'a dyn SignatureKey) -> Result<Self, Error> {
        let chain = chain.into();
        check_key(chain, key)?;
        Ok(CertifiedKey { chain, key })
    }

    /// The end-entity certificate.
    pub fn end_entity(&self) -> &'a [u8] {
        self.chain.first().unwrap_or(&[])
    }
}

/// Whether `key` is the key `chain`'s end-entity certificate certifies.
pub(super) fn check_key(chain: ByteStrings<'_>, key: &dyn SignatureKey) -> Result<(), Error> {
    let ee = chain.first().ok_or(Error::BadCertificate.because("empty certificate chain"))?;
    let public = crate::crypto::PublicKey::from_certificate_der(ee)?;
    if public != key.public_key() {
        return Err(Error::BadCertificate.because("private key is not the key of the certificate"));
    }
    Ok(())
}

/// A list of credentials a config offers ([`ServerConfig::more_certs`],
/// [`ClientConfig::client_certs`]): borrowed from an array or slice of
/// [`CertifiedKey`]s, or with `alloc` from `OwnedCertifiedKey`s. It is
/// `Copy`; a credential is named by its index in the list.
///
/// [`ServerConfig::more_certs`]: crate::ServerConfig::more_certs
/// [`ClientConfig::client_certs`]: crate::ClientConfig::client_certs
#[derive(Clone, Copy, Default)]
pub struct CertifiedKeys<'a>(Repr<'a>);

#[derive(Clone, Copy)]
enum Repr<'a> {
    Borrowed(&'a [CertifiedKey<'a>]),
    #[cfg(feature = "alloc")]
    Owned(&'a [OwnedCertifiedKey]),
}

impl Default for Repr<'_> {
    fn default() -> Self {
        Repr::Borrowed(&[])
    }
}

impl<'a> CertifiedKeys<'a> {
    /// No credentials.
    pub const EMPTY: CertifiedKeys<'static> = CertifiedKeys(Repr::Borrowed(&[]));

    /// The credentials of `list` (usable in a `const`).
    pub const fn new(list: &'a [CertifiedKey<'a>]) -> Self {
        CertifiedKeys(Repr::Borrowed(list))
    }

    /// How many credentials there are.
    pub fn len(&self) -> usize {
        match self.0 {
            Repr::Borrowed(l) => l.len(),
            #[cfg(feature = "alloc")]
            Repr::Owned(l) => l.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The credential at `index`.
    pub fn get(&self, index: usize) -> Option<CertifiedKey<'a>> {
        match self.0 {
            Repr::Borrowed(l) => l.get(index).copied(),
            #[cfg(feature = "alloc")]
            Repr::Owned(l) => l.get(index).map(OwnedCertifiedKey::as_certified_key),
        }
    }

    /// The credentials, in order.
    pub fn iter(&self) -> impl Iterator<Item = CertifiedKey<'a>> + Clone + 'a {
        let list = *self;
        (0..list.len()).filter_map(move |i| list.get(i))
    }
}

impl<'a> From<&'a [CertifiedKey<'a>]> for CertifiedKeys<'a> {
    fn from(list: &'a [CertifiedKey<'a>]) -> Self {
        CertifiedKeys::new(list)
    }
}

impl<'a, const N: usize> From<&'a [CertifiedKey<'a>; N]> for CertifiedKeys<'a> {
    fn from(list: &'a [CertifiedKey<'a>; N]) -> Self {
        CertifiedKeys::new(list)
    }
}

#[cfg(feature = "alloc")]
impl<'a> From<&'a alloc::vec::Vec<CertifiedKey<'a>>> for CertifiedKeys<'a> {
    fn from(list: &'a alloc::vec::Vec<CertifiedKey<'a>>) -> Self {
        CertifiedKeys::new(list)
    }
}

#[cfg(feature = "alloc")]
impl<'a> From<&'a [OwnedCertifiedKey]> for CertifiedKeys<'a> {
    fn from(list: &'a [OwnedCertifiedKey]) -> Self {
        CertifiedKeys(Repr::Owned(list))
    }
}

#[cfg(feature = "alloc")]
impl<'a> From<&'a alloc::vec::Vec<OwnedCertifiedKey>> for CertifiedKeys<'a> {
    fn from(list: &'a alloc::vec::Vec<OwnedCertifiedKey>) -> Self {
        CertifiedKeys(Repr::Owned(list))
    }
}

/// Chooses which of the client's credentials answers a server's
/// CertificateRequest (e.g. asking the user, or a policy on CA names).
///
/// Without a resolver the client sends the first of
/// [`ClientConfig::client_certs`](crate::ClientConfig::client_certs) whose
/// key type and signature schemes the server accepts and whose chain
/// reaches a CA it names. A resolver picks by index among the same list
/// (a key in a secure element is a credential like any other, behind
/// [`SignatureKey`]); the chosen one must still fit the server's key types
/// and schemes, or the client sends no certificate. This one sends its
/// certificate only to servers that name its CA:
///
/// ```
/// use sansio_tls::config::{CertifiedKey, CertifiedKeys, ResolveClientCert};
/// use sansio_tls::crypto::{SigningKey, certificate_issuer};
/// use sansio_tls::CertificateRequest;
///
/// struct OnlyToOurCa;
///
/// impl ResolveClientCert for OnlyToOurCa {
///     fn resolve(&self, request: &CertificateRequest<'_>, ours: CertifiedKeys<'_>) -> Option<usize> {
///         ours.iter().position(|c| {
///             certificate_issuer(c.end_entity()).is_ok_and(|i| request.authorities().any(|name| name == i))
///         })
///     }
/// }
///
/// # let verifier = sansio_tls::cert::WebPkiServerVerifier::new(&[]);
/// let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-client.key.der"))?;
/// let chain: [&[u8]; 1] = [include_bytes!("../../vectors/pki/ecdsa-client.der")];
/// let creds = [CertifiedKey::new(&chain, &key)?];
/// let mut config = sansio_tls::ClientConfig::new(&verifier);
/// config.client_certs = (&creds).into();
/// config.client_cert_resolver = Some(&OnlyToOurCa);
/// # Ok::<(), sansio_tls::Error>(())
/// ```
pub trait ResolveClientCert: Send + Sync {
    /// The index in `credentials` (the config's `client_certs`) of the
    /// credential to present, or `None` to send an empty Certificate.
    fn resolve(&self, request: &CertificateRequest<'_>, credentials: CertifiedKeys<'_>) -> Option<usize>;
}

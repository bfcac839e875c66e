//! Signature verification: ECDSA P-256 and (feature `p384`) P-384, with a
//! SHA-256, SHA-384 or SHA-512 digest (TLS 1.2 pairs any hash with any
//! curve), and RSA (PKCS#1 v1.5 and PSS with SHA-256/384/512, moduli of 2048
//! to 4096 bits).
//!
//! RSA (feature `rsa`) runs on fixed-width `crypto-bigint` integers, so it
//! needs no heap. Without the feature an RSA key is refused as unsupported
//! and no big-integer code is linked.

use p256::ecdsa::signature::hazmat::PrehashVerifier;

use super::der_reader::{self, DerReader, Malformed, tag};
use super::hash::HashOutput;
#[cfg(feature = "p384")]
use super::key::OID_SECP384R1;
use super::key::{KeyKind, OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION, OID_SECP256R1, SchemeAlg, scheme_parts};
#[cfg(feature = "rsa")]
use super::rsa_verify::RsaPublicKey;
use crate::codec::SignatureScheme;
use crate::error::Error;

/// The hash of an ECDSA scheme.
fn ecdsa_hash(scheme: SignatureScheme) -> Option<super::hash::DigestAlg> {
    scheme_parts(scheme).filter(|(alg, _)| *alg == SchemeAlg::Ecdsa).map(|(_, hash)| hash)
}

/// Smallest RSA modulus we accept, in bits.
pub const RSA_MIN_BITS: usize = 2048;
/// Largest RSA modulus we accept, in bits.
pub const RSA_MAX_BITS: usize = 4096;

/// A peer's public key, as found in its certificate.
///
/// ```
/// use sansio_tls::crypto::{PublicKey, SigningKey, MAX_SIGNATURE_LEN};
/// use sansio_tls::rand_core::UnwrapErr;
/// use sansio_tls::{NamedGroup, SignatureScheme};
///
/// let cert: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.der");
/// let public = PublicKey::from_certificate_der(cert)?;
/// assert_eq!(public.curve(), Some(NamedGroup::Secp256r1));
///
/// // A signature by the certificate's private key verifies with it.
/// let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// assert_eq!(key.public_key(), public);
/// let mut signature = [0u8; MAX_SIGNATURE_LEN];
/// let scheme = SignatureScheme::ECDSA_NISTP256_SHA256;
/// let n = key.sign(scheme, b"message", &mut UnwrapErr(getrandom::SysRng), &mut signature)?;
/// public.verify(scheme, b"message", &signature[..n])?;
/// assert!(public.verify(scheme, b"another message", &signature[..n]).is_err());
/// # Ok::<(), sansio_tls::Error>(())
/// ```
// No heap to box the RSA variant into; 520 bytes inline is the price (only
// with the `rsa` feature).
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicKey {
    /// An ECDSA key on NIST P-256.
    P256(p256::ecdsa::VerifyingKey),
    /// An ECDSA key on NIST P-384.
    #[cfg(feature = "p384")]
    P384(p384::ecdsa::VerifyingKey),
    /// An RSA key of 2048 to 4096 bits (feature `rsa`).
    #[cfg(feature = "rsa")]
    Rsa(RsaPublicKey),
}

impl PublicKey {
    /// Parses a DER `SubjectPublicKeyInfo`.
    ///
    /// `Err(Error::UnsupportedCertificate)` for key types other than P-256
    /// (or, with the `p384` feature, P-384) ECDSA and rsaEncryption, or RSA
    /// moduli outside 2048..=4096 bits;
    /// `Err(Error::BadCertificate)` if it does not parse.
    pub fn from_spki_der(spki: &[u8]) -> Result<Self, Error> {
        // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
        // subjectPublicKey BIT STRING } (RFC 5280 §4.1.2.7).
        let parse = || -> Result<_, Malformed> {
            let mut fields = DerReader::new(der_reader::single(spki, tag::SEQUENCE)?);
            let (oid, parameters) = der_reader::algorithm_identifier(fields.contents(tag::SEQUENCE)?)?;
            let key = der_reader::bit_string_bytes(fields.contents(tag::BIT_STRING)?)?;
            fields.finish()?;
            Ok((oid, parameters, key))
        };
        let (oid, parameters, key) =
            parse().map_err(|_| Error::BadCertificate.because("public key (SubjectPublicKeyInfo) does not parse"))?;
        let key = key.ok_or(Error::BadCertificate.because("public key bit string has unused bits"))?;
        if oid == OID_RSA_ENCRYPTION {
            // Parameters must be NULL (RFC 3279 §2.3.1); tolerate absent.
            if parameters.is_some_and(|p| p.encoding != [tag::NULL, 0]) {
                return Err(Error::BadCertificate.because("RSA key algorithm parameters are not NULL"));
            }
            Self::from_rsa_pkcs1(key)
        } else if oid == OID_EC_PUBLIC_KEY {
            let curve = parameters.ok_or(Error::BadCertificate.because("EC key names no curve"))?;
            if curve.tag != tag::OBJECT_IDENTIFIER {
                return Err(Error::UnsupportedCertificate.because("EC key with explicit curve parameters"));
            }
            match curve.contents {
                OID_SECP256R1 => Self::from_p256_point(key),
                #[cfg(feature = "p384")]
                OID_SECP384R1 => Self::from_p384_point(key),
                _ => Err(Error::UnsupportedCertificate.because("EC key on an unsupported curve")),
            }
        } else {
            Err(Error::UnsupportedCertificate.because("public key type not supported (only ECDSA and RSA)"))
        }
    }

    /// An RSA key from the DER `RSAPublicKey` of an rsaEncryption SPKI.
    #[cfg(feature = "rsa")]
    fn from_rsa_pkcs1(key: &[u8]) -> Result<Self, Error> {
        Ok(PublicKey::Rsa(RsaPublicKey::from_pkcs1_der(key)?))
    }

    /// Without the `rsa` feature every RSA key is unsupported.
    #[cfg(not(feature = "rsa"))]
    fn from_rsa_pkcs1(_key: &[u8]) -> Result<Self, Error> {
        Err(Error::UnsupportedCertificate.because("RSA keys need the rsa feature"))
    }

    /// A P-256 key from a SEC1 point encoding. `Err(Error::BadCertificate)` if
    /// it is not a point on the curve.
    pub fn from_p256_point(point: &[u8]) -> Result<Self, Error> {
        p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
            .map(PublicKey::P256)
            .map_err(|_| Error::BadCertificate.because("EC public key is not a point on P-256"))
    }

    /// A P-384 key from a SEC1 point encoding. `Err(Error::BadCertificate)` if
    /// it is not a point on the curve.
    #[cfg(feature = "p384")]
    pub fn from_p384_point(point: &[u8]) -> Result<Self, Error> {
        p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
            .map(PublicKey::P384)
            .map_err(|_| Error::BadCertificate.because("EC public key is not a point on P-384"))
    }

    /// Extracts the key from a DER X.509 certificate (without checking
    /// anything else about the certificate).
    ///
    /// `Err(Error::BadCertificate)` if the certificate does not parse; key
    /// errors as [`PublicKey::from_spki_der`].
    pub fn from_certificate_der(cert: &[u8]) -> Result<Self, Error> {
        let spki = certificate_spki(cert).map_err(|_| CERT_DOES_NOT_PARSE)?;
        Self::from_spki_der(spki)
    }

    /// The curve of an ECDSA key, as the TLS group that names it
    /// (RFC 8422 §5.1.1: in TLS 1.2 supported_groups also lists the curves
    /// a peer can verify signatures on); `None` for RSA.
    pub fn curve(&self) -> Option<crate::codec::NamedGroup> {
        match self {
            PublicKey::P256(_) => Some(crate::codec::NamedGroup::Secp256r1),
            #[cfg(feature = "p384")]
            PublicKey::P384(_) => Some(crate::codec::NamedGroup::Secp384r1),
            #[cfg(feature = "rsa")]
            PublicKey::Rsa(_) => None,
        }
    }

    /// Whether this is an ECDSA or an RSA key.
    pub fn kind(&self) -> KeyKind {
        match self {
            PublicKey::P256(_) => KeyKind::Ecdsa,
            #[cfg(feature = "p384")]
            PublicKey::P384(_) => KeyKind::Ecdsa,
            #[cfg(feature = "rsa")]
            PublicKey::Rsa(_) => KeyKind::Rsa,
        }
    }

    /// Verifies `signature` over `message`, hashed with the scheme's hash.
    ///
    /// `Err(Error::DecryptError)` for a bad signature;
    /// `Err(Error::IllegalParameter)` if the scheme does not fit the key type
    /// (e.g. a PKCS#1 scheme with an EC key) or is unknown.
    pub fn verify(&self, scheme: SignatureScheme, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        self.verify_inner(scheme, Some(message), &[], signature)
    }

    /// Verifies `signature` over a `digest` already computed with the
    /// scheme's hash (TLS 1.2 CertificateVerify signs the handshake
    /// messages, whose running hash is all the connection keeps).
    /// `Err(Error::IllegalParameter)` if the digest length does not fit the
    /// scheme.
    pub fn verify_prehashed(&self, scheme: SignatureScheme, digest: &[u8], signature: &[u8]) -> Result<(), Error> {
        self.verify_inner(scheme, None, digest, signature)
    }

    fn verify_inner(
        &self,
        scheme: SignatureScheme,
        message: Option<&[u8]>,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        // ECDSA: the digest of the scheme's hash, computed or given.
        let ecdsa_digest = || {
            let hash = ecdsa_hash(scheme).ok_or(SCHEME_NOT_FOR_KEY)?;
            match message {
                Some(m) => Ok(hash.digest(&[m])),
                None if digest.len() == hash.output_len() => Ok(HashOutput::from_slice(digest)),
                None => Err(DIGEST_NOT_FOR_SCHEME),
            }
        };
        match self {
            PublicKey::P256(key) => {
                let digest = ecdsa_digest()?;
                let (r, s) = ecdsa_scalars::<32>(signature)?;
                let sig = p256::ecdsa::Signature::from_scalars(r, s).map_err(|_| BAD_SIGNATURE)?;
                key.verify_prehash(digest.as_ref(), &sig).map_err(|_| BAD_SIGNATURE)
            }
            #[cfg(feature = "p384")]
            PublicKey::P384(key) => {
                let digest = ecdsa_digest()?;
                let (r, s) = ecdsa_scalars::<48>(signature)?;
                let sig = p384::ecdsa::Signature::from_scalars(r, s).map_err(|_| BAD_SIGNATURE)?;
                key.verify_prehash(digest.as_ref(), &sig).map_err(|_| BAD_SIGNATURE)
            }
            #[cfg(feature = "rsa")]
            PublicKey::Rsa(key) => key.verify(scheme, message, digest, signature),
        }
    }
}

/// The `r` and `s` of a DER ECDSA signature, each right-aligned in the
/// curve's `N` scalar bytes. `Err(DecryptError)` if it is not DER or either
/// is wider than the curve's order; the curve checks the range.
fn ecdsa_scalars<const N: usize>(signature: &[u8]) -> Result<([u8; N], [u8; N]), Error> {
    const NOT_DER: Error = Error::DecryptError.because("ECDSA signature is not valid DER");
    let (r, s) = der_reader::ecdsa_signature(signature).map_err(|_| NOT_DER)?;
    Ok((der_reader::left_pad(r).ok_or(NOT_DER)?, der_reader::left_pad(s).ok_or(NOT_DER)?))
}

/// The full encoding of `tbsCertificate.subjectPublicKeyInfo` (RFC 5280 §4.1).
pub(crate) fn certificate_spki(cert: &[u8]) -> Result<&[u8], Malformed> {
    Ok(certificate_fields(cert)?.spki)
}

/// The fields of a certificate this crate reads, each as its whole encoding
/// (tag, length, contents).
pub(crate) struct CertFields<'a> {
    pub issuer: &'a [u8],
    pub subject: &'a [u8],
    pub spki: &'a [u8],
}

/// Walks `Certificate` / `tbsCertificate` (RFC 5280 §4.1): the elements
/// must be there, with their tags, and nothing may follow the certificate;
/// what is inside them is not checked here.
pub(crate) fn certificate_fields(cert: &[u8]) -> Result<CertFields<'_>, Malformed> {
    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
    // signatureValue BIT STRING }
    let mut certificate = DerReader::new(der_reader::single(cert, tag::SEQUENCE)?);
    let mut tbs = DerReader::new(certificate.contents(tag::SEQUENCE)?);
    certificate.tagged(tag::SEQUENCE)?;
    certificate.tagged(tag::BIT_STRING)?;
    certificate.finish()?;

    tbs.optional(tag::CONTEXT_0)?; // version [0] EXPLICIT, DEFAULT v1
    tbs.tagged(tag::INTEGER)?; // serialNumber
    tbs.tagged(tag::SEQUENCE)?; // signature (AlgorithmIdentifier)
    let issuer = tbs.tagged(tag::SEQUENCE)?.encoding;
    tbs.tagged(tag::SEQUENCE)?; // validity
    let subject = tbs.tagged(tag::SEQUENCE)?.encoding;
    let spki = tbs.tagged(tag::SEQUENCE)?.encoding;
    // issuerUniqueID [1], subjectUniqueID [2], extensions [3]: well formed.
    while !tbs.is_empty() {
        tbs.element()?;
    }
    Ok(CertFields { issuer, subject, spki })
}

/// The subject DistinguishedName of a certificate, DER (the form a
/// CertificateRequest lists, RFC 5246 §7.4.4). `Err(BadCertificate)` if the
/// certificate does not parse.
pub fn certificate_subject(cert: &[u8]) -> Result<&[u8], Error> {
    certificate_fields(cert).map(|f| f.subject).map_err(|_| CERT_DOES_NOT_PARSE)
}

/// The issuer DistinguishedName of a certificate, DER.
pub fn certificate_issuer(cert: &[u8]) -> Result<&[u8], Error> {
    certificate_fields(cert).map(|f| f.issuer).map_err(|_| CERT_DOES_NOT_PARSE)
}

/// A signature that does not verify (whatever step of its check failed).
pub(super) const BAD_SIGNATURE: Error = Error::DecryptError.because("signature does not verify");
/// A signature scheme of another key type, or one this crate does not know.
pub(super) const SCHEME_NOT_FOR_KEY: Error =
    Error::IllegalParameter.because("signature scheme does not fit the key type");
/// A prehashed digest whose length is not the scheme's hash length.
pub(super) const DIGEST_NOT_FOR_SCHEME: Error =
    Error::IllegalParameter.because("digest length does not fit the signature scheme");
/// A certificate this crate cannot walk to its fields.
const CERT_DOES_NOT_PARSE: Error = Error::BadCertificate.because("certificate does not parse");

// The unit tests mix RSA and ECDSA keys.

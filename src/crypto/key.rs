//! What signing and verification share: key families, the OIDs of the keys
//! and curves this crate reads, and the one table of signature schemes.

use super::hash::{DigestAlg, HashAlg};
use crate::codec::SignatureScheme;

/// The family of a key, which decides the cipher suites it can serve
/// (ECDHE_ECDSA or ECDHE_RSA).
///
/// ```
/// use sansio_tls::crypto::{KeyKind, PublicKey, SigningKey};
/// let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// assert_eq!(key.kind(), KeyKind::Ecdsa);
/// let rsa_ca = PublicKey::from_certificate_der(include_bytes!("../../vectors/pki/rsa-ca.der"))?;
/// assert_eq!(rsa_ca.kind(), KeyKind::Rsa);
/// # Ok::<(), sansio_tls::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// ECDSA.
    Ecdsa,
    /// RSA.
    Rsa,
}

// The OBJECT IDENTIFIERs this crate compares, as the contents octets of
// their DER encoding (X.690 §8.19), which is how they are compared.

/// rsaEncryption, 1.2.840.113549.1.1.1 (RFC 8017 appendix C): recognised
/// in every build, so that an RSA key without the `rsa` feature is refused
/// as unsupported rather than as garbage.
pub(crate) const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// id-ecPublicKey, 1.2.840.10045.2.1 (RFC 5480).
pub(crate) const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// secp256r1 / prime256v1, 1.2.840.10045.3.1.7 (RFC 5480).
pub(crate) const OID_SECP256R1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// secp384r1, 1.3.132.0.34 (RFC 5480).
#[cfg(feature = "p384")]
pub(crate) const OID_SECP384R1: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];

/// How a signature scheme signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SchemeAlg {
    /// ECDSA: in TLS 1.2 the scheme names the hash only, the curve is the
    /// key's (RFC 5246 §7.4.1.4.1).
    Ecdsa,
    /// RSASSA-PKCS1-v1_5 (feature `rsa`).
    #[cfg(feature = "rsa")]
    RsaPkcs1,
    /// RSASSA-PSS, MGF1 with the same hash, salt as long as the hash
    /// (feature `rsa`).
    #[cfg(feature = "rsa")]
    RsaPss,
}

/// The crate's one table of signature schemes: the algorithm and the hash
/// of every scheme it signs or verifies with, in this build (the RSA ones
/// with the `rsa` feature, those hashing with SHA-384 or SHA-512 with
/// `sha384`). A scheme not here is refused wherever it is met.
pub(crate) fn scheme_parts(scheme: SignatureScheme) -> Option<(SchemeAlg, DigestAlg)> {
    use SignatureScheme as S;
    Some(match scheme {
        S::ECDSA_NISTP256_SHA256 => (SchemeAlg::Ecdsa, DigestAlg::Sha256),
        #[cfg(feature = "sha384")]
        S::ECDSA_NISTP384_SHA384 => (SchemeAlg::Ecdsa, DigestAlg::Sha384),
        #[cfg(feature = "sha384")]
        S::ECDSA_NISTP521_SHA512 => (SchemeAlg::Ecdsa, DigestAlg::Sha512),
        #[cfg(feature = "rsa")]
        S::RSA_PKCS1_SHA256 => (SchemeAlg::RsaPkcs1, DigestAlg::Sha256),
        #[cfg(feature = "rsa")]
        S::RSA_PKCS1_SHA384 => (SchemeAlg::RsaPkcs1, DigestAlg::Sha384),
        #[cfg(feature = "rsa")]
        S::RSA_PKCS1_SHA512 => (SchemeAlg::RsaPkcs1, DigestAlg::Sha512),
        #[cfg(feature = "rsa")]
        S::RSA_PSS_SHA256 => (SchemeAlg::RsaPss, DigestAlg::Sha256),
        #[cfg(feature = "rsa")]
        S::RSA_PSS_SHA384 => (SchemeAlg::RsaPss, DigestAlg::Sha384),
        #[cfg(feature = "rsa")]
        S::RSA_PSS_SHA512 => (SchemeAlg::RsaPss, DigestAlg::Sha512),
        _ => return None,
    })
}

/// The hash a TLS 1.2 CertificateVerify with `scheme` is made over, if the
/// running transcript keeps it (SHA-256, and SHA-384 with the `aes256`
/// feature; never SHA-512).
pub(crate) fn scheme_transcript_hash(scheme: SignatureScheme) -> Option<HashAlg> {
    match scheme_parts(scheme)? {
        (_, DigestAlg::Sha256) => Some(HashAlg::Sha256),
        #[cfg(feature = "aes256")]
        (_, DigestAlg::Sha384) => Some(HashAlg::Sha384),
        #[cfg(feature = "sha384")]
        _ => None,
    }
}

/// How many leading entries of `schemes` have a hash the transcript keeps
/// ([`scheme_transcript_hash`]); evaluated at compile time over the default
/// list, whose SHA-256 schemes come first, then SHA-384, then SHA-512.
#[cfg(feature = "server")]
pub(crate) const fn transcript_scheme_prefix(schemes: &[SignatureScheme]) -> usize {
    use SignatureScheme as S;
    let mut n = 0;
    while n < schemes.len() {
        let sha256 = matches!(schemes[n], S::ECDSA_NISTP256_SHA256 | S::RSA_PKCS1_SHA256 | S::RSA_PSS_SHA256);
        let sha384 = matches!(schemes[n], S::ECDSA_NISTP384_SHA384 | S::RSA_PKCS1_SHA384 | S::RSA_PSS_SHA384);
        let kept = sha256 || (sha384 && cfg!(feature = "aes256"));
        if !kept {
            break;
        }
        n += 1;
    }
    n
}

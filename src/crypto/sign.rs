//! Our own signing key (ServerKeyExchange, CertificateVerify).
//!
//! Today only ECDSA P-256; RSA signing needs a heap (the `rsa` crate) and will
//! come as another [`SigningKey`] variant under the `alloc` feature.

use der::Tagged;
use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::pkcs8::{DecodePrivateKey, PrivateKeyInfoRef};
use spki::ObjectIdentifier;

use super::hash::SigHash;
use super::verify::PublicKey;
use crate::Error;
use crate::codec::SignatureScheme;

/// id-ecPublicKey (RFC 5480).
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// secp256r1 / prime256v1 (RFC 5480).
const OID_SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

/// The longest signature [`SigningKey::sign`] can produce, for any key type
/// this crate may support (RSA-4096: 512 bytes; DER ECDSA P-256: 72 bytes).
pub const MAX_SIGNATURE_LEN: usize = 512;

/// The family of a key, which decides the cipher suites it can serve
/// (ECDHE_ECDSA or ECDHE_RSA).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// ECDSA.
    Ecdsa,
    /// RSA.
    Rsa,
}

/// A private key we sign handshake messages with.
#[non_exhaustive]
pub enum SigningKey {
    /// An ECDSA key on NIST P-256.
    EcdsaP256(p256::ecdsa::SigningKey),
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SigningKey::EcdsaP256(_) => f.write_str("SigningKey::EcdsaP256(..)"),
        }
    }
}

/// The schemes an ECDSA P-256 key can sign with in TLS 1.2 (the hash is
/// independent of the curve there).
const P256_SCHEMES: &[SignatureScheme] =
    &[SignatureScheme::ECDSA_NISTP256_SHA256, SignatureScheme::ECDSA_NISTP384_SHA384];

impl SigningKey {
    /// Loads a DER PKCS#8 `PrivateKeyInfo` (RFC 5208).
    ///
    /// `Err(Error::UnsupportedCertificate)` for any key but EC P-256;
    /// `Err(Error::Decode)` if it does not parse.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, Error> {
        let info = PrivateKeyInfoRef::try_from(der).map_err(|_| Error::Decode)?;
        let curve = info.algorithm.parameters.filter(|p| p.tag() == der::Tag::ObjectIdentifier).map(|p| p.value());
        if info.algorithm.oid != OID_EC_PUBLIC_KEY || curve != Some(OID_SECP256R1.as_bytes()) {
            return Err(Error::UnsupportedCertificate);
        }
        let secret = p256::SecretKey::from_pkcs8_der(der).map_err(|_| Error::Decode)?;
        Ok(SigningKey::EcdsaP256(secret.into()))
    }

    /// Loads a DER SEC1 `ECPrivateKey` (RFC 5915).
    ///
    /// `Err(Error::UnsupportedCertificate)` for a curve other than P-256;
    /// `Err(Error::Decode)` if it does not parse.
    pub fn from_sec1_der(der: &[u8]) -> Result<Self, Error> {
        let key = sec1::EcPrivateKey::try_from(der).map_err(|_| Error::Decode)?;
        if let Some(params) = key.parameters
            && params.named_curve() != Some(OID_SECP256R1)
        {
            return Err(Error::UnsupportedCertificate);
        }
        let secret = p256::SecretKey::from_sec1_der(der).map_err(|_| Error::Decode)?;
        Ok(SigningKey::EcdsaP256(secret.into()))
    }

    /// Loads a DER private key: PKCS#8 first, then SEC1.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        match Self::from_pkcs8_der(der) {
            Err(Error::Decode) => Self::from_sec1_der(der),
            other => other,
        }
    }

    /// Whether this is an ECDSA or an RSA key.
    pub fn kind(&self) -> KeyKind {
        match self {
            SigningKey::EcdsaP256(_) => KeyKind::Ecdsa,
        }
    }

    /// The signature schemes this key can sign with, in preference order.
    pub fn schemes(&self) -> &'static [SignatureScheme] {
        match self {
            SigningKey::EcdsaP256(_) => P256_SCHEMES,
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        match self {
            SigningKey::EcdsaP256(k) => PublicKey::P256(*k.verifying_key()),
        }
    }

    /// Signs `message`, hashed with the scheme's hash, and writes the
    /// signature (DER `ECDSA-Sig-Value` for ECDSA) into `out`; returns its
    /// length. ECDSA signatures are deterministic (RFC 6979).
    ///
    /// `Err(Error::HandshakeFailure)` if the scheme does not fit the key,
    /// `Err(Error::BufferTooSmall)` if `out` is too short
    /// ([`MAX_SIGNATURE_LEN`] always suffices).
    pub fn sign(&self, scheme: SignatureScheme, message: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        match self {
            SigningKey::EcdsaP256(key) => {
                let hash = match scheme {
                    SignatureScheme::ECDSA_NISTP256_SHA256 => SigHash::Sha256,
                    SignatureScheme::ECDSA_NISTP384_SHA384 => SigHash::Sha384,
                    _ => return Err(Error::HandshakeFailure),
                };
                let digest = hash.digest(&[message]);
                let sig: p256::ecdsa::Signature = key.sign_prehash(digest.as_ref()).map_err(|_| Error::Internal)?;
                let der = sig.to_der();
                let bytes = der.as_bytes();
                out.get_mut(..bytes.len()).ok_or(Error::BufferTooSmall)?.copy_from_slice(bytes);
                Ok(bytes.len())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::verify::PublicKey;

    const PKCS8: &[u8] = include_bytes!("../../vectors/crypto/p256.pkcs8.der");
    const SEC1: &[u8] = include_bytes!("../../vectors/crypto/p256.sec1.der");
    const SPKI: &[u8] = include_bytes!("../../vectors/crypto/p256.spki.der");
    const RSA_SPKI: &[u8] = include_bytes!("../../vectors/crypto/rsa2048.spki.der");

    #[test]
    fn load_formats() {
        let expected = PublicKey::from_spki_der(SPKI).unwrap();
        for key in [
            SigningKey::from_pkcs8_der(PKCS8).unwrap(),
            SigningKey::from_sec1_der(SEC1).unwrap(),
            SigningKey::from_der(PKCS8).unwrap(),
            SigningKey::from_der(SEC1).unwrap(),
        ] {
            assert_eq!(key.kind(), KeyKind::Ecdsa);
            assert_eq!(key.public_key(), expected);
            assert_eq!(
                key.schemes(),
                &[SignatureScheme::ECDSA_NISTP256_SHA256, SignatureScheme::ECDSA_NISTP384_SHA384]
            );
        }
        assert_eq!(SigningKey::from_pkcs8_der(SEC1).unwrap_err(), Error::Decode);
        assert_eq!(SigningKey::from_sec1_der(PKCS8).unwrap_err(), Error::Decode);
        assert_eq!(SigningKey::from_der(b"garbage").unwrap_err(), Error::Decode);
        assert_eq!(SigningKey::from_der(&PKCS8[..40]).unwrap_err(), Error::Decode);
    }

    #[test]
    fn non_p256_keys_are_unsupported() {
        // A PKCS#8 wrapper with the rsaEncryption OID (content irrelevant: the
        // algorithm is checked first).
        let mut rsa_pkcs8 = [0u8; 26];
        rsa_pkcs8.copy_from_slice(&[
            0x30, 0x18, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
            0x05, 0x00, 0x04, 0x04, 0x30, 0x02, 0x05, 0x00,
        ]);
        assert_eq!(SigningKey::from_pkcs8_der(&rsa_pkcs8).unwrap_err(), Error::UnsupportedCertificate);
        assert_eq!(SigningKey::from_der(&rsa_pkcs8).unwrap_err(), Error::UnsupportedCertificate);
        // The P-256 PKCS#8 with the curve OID's last arc changed.
        let mut other = [0u8; 138];
        other.copy_from_slice(PKCS8);
        let pos = other.windows(8).position(|w| w == [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]).unwrap();
        other[pos + 7] = 0x08;
        assert_eq!(SigningKey::from_pkcs8_der(&other).unwrap_err(), Error::UnsupportedCertificate);
        // Same for SEC1.
        let mut other = [0u8; 121];
        other.copy_from_slice(SEC1);
        let pos = other.windows(8).position(|w| w == [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]).unwrap();
        other[pos + 7] = 0x08;
        assert_eq!(SigningKey::from_sec1_der(&other).unwrap_err(), Error::UnsupportedCertificate);
        // An SPKI is not a private key.
        assert_eq!(SigningKey::from_der(RSA_SPKI).unwrap_err(), Error::Decode);
    }

    #[test]
    fn sign_and_verify_both_hashes() {
        let key = SigningKey::from_der(PKCS8).unwrap();
        let public = key.public_key();
        let msg = b"server key exchange params";
        for scheme in [SignatureScheme::ECDSA_NISTP256_SHA256, SignatureScheme::ECDSA_NISTP384_SHA384] {
            let mut sig = [0u8; MAX_SIGNATURE_LEN];
            let n = key.sign(scheme, msg, &mut sig).unwrap();
            assert!((8..=72).contains(&n));
            assert_eq!(sig[0], 0x30);
            public.verify(scheme, msg, &sig[..n]).unwrap();
            // Wrong message.
            assert_eq!(public.verify(scheme, b"other", &sig[..n]), Err(Error::DecryptError));
            // Corrupted signature: flip a bit in the last byte of s.
            let mut bad = sig;
            bad[n - 1] ^= 0x01;
            assert_eq!(public.verify(scheme, msg, &bad[..n]), Err(Error::DecryptError));
            // Other hash.
            let other = if scheme == SignatureScheme::ECDSA_NISTP256_SHA256 {
                SignatureScheme::ECDSA_NISTP384_SHA384
            } else {
                SignatureScheme::ECDSA_NISTP256_SHA256
            };
            assert_eq!(public.verify(other, msg, &sig[..n]), Err(Error::DecryptError));
            // Too small an output buffer.
            assert_eq!(key.sign(scheme, msg, &mut sig[..n - 1]), Err(Error::BufferTooSmall));
        }
        let mut sig = [0u8; MAX_SIGNATURE_LEN];
        for scheme in [
            SignatureScheme::RSA_PKCS1_SHA256,
            SignatureScheme::RSA_PSS_SHA256,
            SignatureScheme::ED25519,
            SignatureScheme::Unknown(0x0203),
        ] {
            assert_eq!(key.sign(scheme, msg, &mut sig), Err(Error::HandshakeFailure));
        }
    }

    #[test]
    fn signature_verifies_with_p256_crate_directly() {
        // Cross-check the prehash construction with the p256 crate's own
        // message-signing API (SHA-256 is P-256's default digest).
        use p256::ecdsa::signature::Verifier;
        let key = SigningKey::from_der(PKCS8).unwrap();
        let SigningKey::EcdsaP256(inner) = &key;
        let mut sig = [0u8; MAX_SIGNATURE_LEN];
        let n = key.sign(SignatureScheme::ECDSA_NISTP256_SHA256, b"abc", &mut sig).unwrap();
        let parsed = p256::ecdsa::Signature::from_der(&sig[..n]).unwrap();
        inner.verifying_key().verify(b"abc", &parsed).unwrap();
    }
}

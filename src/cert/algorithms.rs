//! The certificate signature algorithms webpki verifies with, on this
//! crate's own ECDSA and RSA verification.

use pki_types::{AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm, alg_id};

use crate::codec::SignatureScheme;
use crate::crypto::PublicKey;
#[cfg(feature = "rsa")]
use crate::crypto::RsaPublicKey;

/// The NIST curves certificates may be signed on.
#[derive(Clone, Copy)]
enum Curve {
    P256,
    #[cfg(feature = "p384")]
    P384,
}

/// ECDSA for webpki: the key is the SEC1 point from the SPKI, on `curve`;
/// `scheme` names the hash (any hash with any curve, as X.509 allows).
struct EcdsaAlg {
    /// What `Debug` shows: "ECDSA P-256 SHA-256".
    name: &'static str,
    curve: Curve,
    scheme: SignatureScheme,
    sig_alg: AlgorithmIdentifier,
}

/// Webpki's algorithm trait asks for `Debug`, and a trait object's vtable
/// keeps it linked even where nothing prints: the name alone, without the
/// derive's struct formatting (~1 KB of `core::fmt` in a minimal client).
impl core::fmt::Debug for EcdsaAlg {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name)
    }
}

impl SignatureVerificationAlgorithm for EcdsaAlg {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let key = match self.curve {
            Curve::P256 => PublicKey::from_p256_point(public_key),
            #[cfg(feature = "p384")]
            Curve::P384 => PublicKey::from_p384_point(public_key),
        };
        key.and_then(|k| k.verify(self.scheme, message, signature)).map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        match self.curve {
            Curve::P256 => alg_id::ECDSA_P256,
            #[cfg(feature = "p384")]
            Curve::P384 => alg_id::ECDSA_P384,
        }
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.sig_alg
    }
}

/// RSA (PKCS#1 v1.5 or PSS) for webpki: the key is the DER `RSAPublicKey`
/// from an rsaEncryption SPKI.
#[cfg(feature = "rsa")]
struct RsaAlg {
    /// What `Debug` shows: "RSA PKCS#1 SHA-256".
    name: &'static str,
    scheme: SignatureScheme,
    sig_alg: AlgorithmIdentifier,
}

#[cfg(feature = "rsa")]
impl core::fmt::Debug for RsaAlg {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name)
    }
}

#[cfg(feature = "rsa")]
impl SignatureVerificationAlgorithm for RsaAlg {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        let key = RsaPublicKey::from_pkcs1_der(public_key).map_err(|_| InvalidSignature)?;
        PublicKey::Rsa(key).verify(self.scheme, message, signature).map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.sig_alg
    }
}

static ECDSA_P256_SHA256: EcdsaAlg = EcdsaAlg {
    name: "ECDSA P-256 SHA-256",
    curve: Curve::P256,
    scheme: SignatureScheme::ECDSA_NISTP256_SHA256,
    sig_alg: alg_id::ECDSA_SHA256,
};
#[cfg(feature = "sha384")]
static ECDSA_P256_SHA384: EcdsaAlg = EcdsaAlg {
    name: "ECDSA P-256 SHA-384",
    curve: Curve::P256,
    scheme: SignatureScheme::ECDSA_NISTP384_SHA384,
    sig_alg: alg_id::ECDSA_SHA384,
};
#[cfg(feature = "p384")]
static ECDSA_P384_SHA256: EcdsaAlg = EcdsaAlg {
    name: "ECDSA P-384 SHA-256",
    curve: Curve::P384,
    scheme: SignatureScheme::ECDSA_NISTP256_SHA256,
    sig_alg: alg_id::ECDSA_SHA256,
};
#[cfg(feature = "p384")]
static ECDSA_P384_SHA384: EcdsaAlg = EcdsaAlg {
    name: "ECDSA P-384 SHA-384",
    curve: Curve::P384,
    scheme: SignatureScheme::ECDSA_NISTP384_SHA384,
    sig_alg: alg_id::ECDSA_SHA384,
};
#[cfg(feature = "rsa")]
static RSA_PKCS1_SHA256: RsaAlg =
    RsaAlg { name: "RSA PKCS#1 SHA-256", scheme: SignatureScheme::RSA_PKCS1_SHA256, sig_alg: alg_id::RSA_PKCS1_SHA256 };
#[cfg(feature = "rsa")]
static RSA_PKCS1_SHA384: RsaAlg =
    RsaAlg { name: "RSA PKCS#1 SHA-384", scheme: SignatureScheme::RSA_PKCS1_SHA384, sig_alg: alg_id::RSA_PKCS1_SHA384 };
#[cfg(feature = "rsa")]
static RSA_PKCS1_SHA512: RsaAlg =
    RsaAlg { name: "RSA PKCS#1 SHA-512", scheme: SignatureScheme::RSA_PKCS1_SHA512, sig_alg: alg_id::RSA_PKCS1_SHA512 };
#[cfg(feature = "rsa")]
static RSA_PSS_SHA256: RsaAlg =
    RsaAlg { name: "RSA PSS SHA-256", scheme: SignatureScheme::RSA_PSS_SHA256, sig_alg: alg_id::RSA_PSS_SHA256 };
#[cfg(feature = "rsa")]
static RSA_PSS_SHA384: RsaAlg =
    RsaAlg { name: "RSA PSS SHA-384", scheme: SignatureScheme::RSA_PSS_SHA384, sig_alg: alg_id::RSA_PSS_SHA384 };
#[cfg(feature = "rsa")]
static RSA_PSS_SHA512: RsaAlg =
    RsaAlg { name: "RSA PSS SHA-512", scheme: SignatureScheme::RSA_PSS_SHA512, sig_alg: alg_id::RSA_PSS_SHA512 };

/// The certificate signature algorithms we verify, plugged into webpki:
/// ECDSA P-256 and (feature `p384`) P-384 keys with SHA-256 and SHA-384
/// (a P-384 CA such as Let's Encrypt's ECDSA intermediates signs P-256
/// leaves with SHA-384; SHA-384 needs the `sha384` feature), and (feature
/// `rsa`) RSA PKCS#1 v1.5 with
/// SHA-256/384/512 and RSA-PSS with SHA-256/384/512 (MGF1 with the same hash,
/// salt length = hash length). RSA keys must be 2048 to 4096 bits.
pub static SUPPORTED_SIG_ALGS: &[&dyn SignatureVerificationAlgorithm] = &[
    &ECDSA_P256_SHA256,
    #[cfg(feature = "sha384")]
    &ECDSA_P256_SHA384,
    #[cfg(feature = "p384")]
    &ECDSA_P384_SHA384,
    #[cfg(feature = "p384")]
    &ECDSA_P384_SHA256,
    #[cfg(feature = "rsa")]
    &RSA_PSS_SHA256,
    #[cfg(feature = "rsa")]
    &RSA_PSS_SHA384,
    #[cfg(feature = "rsa")]
    &RSA_PSS_SHA512,
    #[cfg(feature = "rsa")]
    &RSA_PKCS1_SHA256,
    #[cfg(feature = "rsa")]
    &RSA_PKCS1_SHA384,
    #[cfg(feature = "rsa")]
    &RSA_PKCS1_SHA512,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "rsa")]
    fn algorithms_reject_bad_keys_and_signatures() {
        let msg = include_bytes!("../../vectors/crypto/msg.bin");
        let rsa_sig = include_bytes!("../../vectors/crypto/rsa2048.pss-sha256.sig");
        let spki = PublicKey::from_spki_der(include_bytes!("../../vectors/crypto/rsa2048.spki.der")).unwrap();
        let PublicKey::Rsa(_) = spki else { panic!() };
        // The raw RSAPublicKey is the BIT STRING content: take it from the SPKI.
        let spki_der = include_bytes!("../../vectors/crypto/rsa2048.spki.der");
        let rsa_pub = &spki_der[24..];
        RSA_PSS_SHA256.verify_signature(rsa_pub, msg, rsa_sig).unwrap();
        assert!(RSA_PSS_SHA384.verify_signature(rsa_pub, msg, rsa_sig).is_err());
        assert!(RSA_PKCS1_SHA256.verify_signature(rsa_pub, msg, rsa_sig).is_err());
        assert!(RSA_PSS_SHA256.verify_signature(&rsa_pub[1..], msg, rsa_sig).is_err());
        assert!(ECDSA_P256_SHA256.verify_signature(rsa_pub, msg, rsa_sig).is_err());
        assert_eq!(SUPPORTED_SIG_ALGS.len(), if cfg!(feature = "p384") { 10 } else { 8 });
    }
}

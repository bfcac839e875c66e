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

/// RSA on *ring*'s webpki algorithm (`webpki::ring`, 2048 to 8192 bits),
/// held to this crate's key sizes, 2048 to 4096 bits (the key is parsed as
/// an [`RsaPublicKey`] first), so that the policy does not change with the
/// provider.
#[cfg(all(feature = "ring", feature = "rsa"))]
struct RingRsaAlg(&'static dyn SignatureVerificationAlgorithm);

#[cfg(all(feature = "ring", feature = "rsa"))]
impl core::fmt::Debug for RingRsaAlg {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?}, 2048 to 4096 bits", self.0)
    }
}

#[cfg(all(feature = "ring", feature = "rsa"))]
impl SignatureVerificationAlgorithm for RingRsaAlg {
    fn verify_signature(&self, public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), InvalidSignature> {
        RsaPublicKey::from_pkcs1_der(public_key).map_err(|_| InvalidSignature)?;
        self.0.verify_signature(public_key, message, signature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.0.public_key_alg_id()
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.0.signature_alg_id()
    }
}

#[cfg(all(feature = "ring", feature = "rsa"))]
static RING_RSA_PSS_SHA256: RingRsaAlg = RingRsaAlg(webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY);
#[cfg(all(feature = "ring", feature = "rsa"))]
static RING_RSA_PSS_SHA384: RingRsaAlg = RingRsaAlg(webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY);
#[cfg(all(feature = "ring", feature = "rsa"))]
static RING_RSA_PSS_SHA512: RingRsaAlg = RingRsaAlg(webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY);
#[cfg(all(feature = "ring", feature = "rsa"))]
static RING_RSA_PKCS1_SHA256: RingRsaAlg = RingRsaAlg(webpki::ring::RSA_PKCS1_2048_8192_SHA256);
#[cfg(all(feature = "ring", feature = "rsa"))]
static RING_RSA_PKCS1_SHA384: RingRsaAlg = RingRsaAlg(webpki::ring::RSA_PKCS1_2048_8192_SHA384);
#[cfg(all(feature = "ring", feature = "rsa"))]
static RING_RSA_PKCS1_SHA512: RingRsaAlg = RingRsaAlg(webpki::ring::RSA_PKCS1_2048_8192_SHA512);

/// *ring*'s certificate signature algorithms for webpki (feature `ring`;
/// also [`Ring::WEBPKI_ALGORITHMS`](crate::crypto::Ring::WEBPKI_ALGORITHMS)):
/// the algorithms of [`SUPPORTED_SIG_ALGS`], in the same order, on
/// `webpki::ring` (ECDSA P-256 and P-384 with SHA-256 and SHA-384; RSA
/// PKCS#1 v1.5 and PSS with SHA-256/384/512). RSA keys must be 2048 to 4096
/// bits, as there (webpki's *ring* RSA algorithms alone take up to 8192).
/// *ring* has all of them, so nothing falls back to RustCrypto. The
/// verifiers' default with `--cfg sansio_tls_ring_default`.
#[cfg(feature = "ring")]
pub static RING_SIG_ALGS: &[&dyn SignatureVerificationAlgorithm] = &[
    webpki::ring::ECDSA_P256_SHA256,
    #[cfg(feature = "sha384")]
    webpki::ring::ECDSA_P256_SHA384,
    #[cfg(feature = "p384")]
    webpki::ring::ECDSA_P384_SHA384,
    #[cfg(feature = "p384")]
    webpki::ring::ECDSA_P384_SHA256,
    #[cfg(feature = "rsa")]
    &RING_RSA_PSS_SHA256,
    #[cfg(feature = "rsa")]
    &RING_RSA_PSS_SHA384,
    #[cfg(feature = "rsa")]
    &RING_RSA_PSS_SHA512,
    #[cfg(feature = "rsa")]
    &RING_RSA_PKCS1_SHA256,
    #[cfg(feature = "rsa")]
    &RING_RSA_PKCS1_SHA384,
    #[cfg(feature = "rsa")]
    &RING_RSA_PKCS1_SHA512,
];

/// The algorithms of a verifier made with `new` or `from_roots`:
/// [`SUPPORTED_SIG_ALGS`], or with the `ring` feature and `--cfg
/// sansio_tls_ring_default`, [`RING_SIG_ALGS`].
#[cfg(not(all(feature = "ring", sansio_tls_ring_default)))]
pub(crate) static DEFAULT_SIG_ALGS: &[&dyn SignatureVerificationAlgorithm] = SUPPORTED_SIG_ALGS;
/// The algorithms of a verifier made with `new` or `from_roots`:
/// [`SUPPORTED_SIG_ALGS`], or with the `ring` feature and `--cfg
/// sansio_tls_ring_default`, [`RING_SIG_ALGS`].
#[cfg(all(feature = "ring", sansio_tls_ring_default))]
pub(crate) static DEFAULT_SIG_ALGS: &[&dyn SignatureVerificationAlgorithm] = RING_SIG_ALGS;

/// Whether `a` and `b` name the same algorithms, in the same order (by
/// their signature and public-key algorithm identifiers).
pub(crate) fn same_algorithms(
    a: &[&dyn SignatureVerificationAlgorithm],
    b: &[&dyn SignatureVerificationAlgorithm],
) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.signature_alg_id().as_ref() == y.signature_alg_id().as_ref()
                && x.public_key_alg_id().as_ref() == y.public_key_alg_id().as_ref()
        })
}

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

#[cfg(all(test, feature = "ring"))]
mod ring_tests {
    extern crate std;

    use super::*;

    type SignatureAlgs = &'static [&'static dyn SignatureVerificationAlgorithm];

    #[test]
    fn ring_algorithms_are_ours_on_ring() {
        assert!(same_algorithms(RING_SIG_ALGS, SUPPORTED_SIG_ALGS));
        assert!(!same_algorithms(&RING_SIG_ALGS[1..], SUPPORTED_SIG_ALGS));
        assert!(!same_algorithms(&SUPPORTED_SIG_ALGS[..1], &SUPPORTED_SIG_ALGS[1..2]));
        // The same implementations (a const or static may copy the objects,
        // so they are told apart by what `Debug` shows).
        let same_objects = |a: SignatureAlgs, b: SignatureAlgs| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| std::format!("{x:?}") == std::format!("{y:?}"))
        };
        assert!(same_objects(crate::crypto::Ring::WEBPKI_ALGORITHMS, RING_SIG_ALGS));
        assert!(!same_objects(RING_SIG_ALGS, SUPPORTED_SIG_ALGS));
        #[cfg(all(feature = "ring", sansio_tls_ring_default))]
        assert!(same_objects(DEFAULT_SIG_ALGS, RING_SIG_ALGS));
        #[cfg(not(all(feature = "ring", sansio_tls_ring_default)))]
        assert!(same_objects(DEFAULT_SIG_ALGS, SUPPORTED_SIG_ALGS));
    }

    #[test]
    fn ring_ecdsa_algorithms_verify_and_refuse() {
        let msg = include_bytes!("../../vectors/crypto/msg.bin");
        let spki = include_bytes!("../../vectors/crypto/p256.spki.der");
        // The point is the end of the SPKI (65 bytes, uncompressed).
        let point = &spki[spki.len() - 65..];
        let sig = include_bytes!("../../vectors/crypto/p256.sha256.sig");
        for algs in [RING_SIG_ALGS, SUPPORTED_SIG_ALGS] {
            algs[0].verify_signature(point, msg, sig).unwrap();
            assert!(algs[0].verify_signature(point, b"another message", sig).is_err());
            assert!(algs[1].verify_signature(point, msg, sig).is_err());
        }
    }

    #[test]
    #[cfg(feature = "rsa")]
    fn ring_rsa_algorithms_keep_our_key_sizes() {
        let msg = include_bytes!("../../vectors/crypto/msg.bin");
        // The raw RSAPublicKey: the BIT STRING content after the
        // AlgorithmIdentifier (DER headers of 2 to 4 bytes).
        fn rsa_pub(spki: &'static [u8]) -> &'static [u8] {
            let header = |b: &[u8]| if b[1] & 0x80 == 0 { 2 } else { 2 + usize::from(b[1] & 0x7f) };
            let fields = &spki[header(spki)..];
            let bit_string = &fields[2 + usize::from(fields[1])..];
            &bit_string[header(bit_string) + 1..]
        }
        let k2048 = rsa_pub(include_bytes!("../../vectors/crypto/rsa2048.spki.der"));
        let pss = include_bytes!("../../vectors/crypto/rsa2048.pss-sha256.sig");
        RING_RSA_PSS_SHA256.verify_signature(k2048, msg, pss).unwrap();
        assert!(RING_RSA_PSS_SHA384.verify_signature(k2048, msg, pss).is_err());
        assert!(RING_RSA_PKCS1_SHA256.verify_signature(k2048, msg, pss).is_err());
        let pkcs1 = include_bytes!("../../vectors/crypto/rsa2048.pkcs1-sha512.sig");
        RING_RSA_PKCS1_SHA512.verify_signature(k2048, msg, pkcs1).unwrap();

        // A 5120-bit key and its valid signature: webpki's ring algorithm
        // takes it (2048 to 8192 bits), ours and the wrapped one do not.
        let k5120 = rsa_pub(include_bytes!("../../vectors/crypto/rsa5120.spki.der"));
        assert_eq!(k5120.len(), 654);
        let sig = include_bytes!("../../vectors/crypto/rsa5120.pkcs1-sha256.sig");
        webpki::ring::RSA_PKCS1_2048_8192_SHA256.verify_signature(k5120, msg, sig).unwrap();
        assert!(RING_RSA_PKCS1_SHA256.verify_signature(k5120, msg, sig).is_err());
        assert!(RSA_PKCS1_SHA256.verify_signature(k5120, msg, sig).is_err());
        // 1024 bits: refused by all (the key parses: it is the size).
        let k1024 = rsa_pub(include_bytes!("../../vectors/crypto/rsa1024.spki.der"));
        assert_eq!(k1024[0], 0x30);
        assert!(RING_RSA_PKCS1_SHA256.verify_signature(k1024, msg, sig).is_err());
        assert!(webpki::ring::RSA_PKCS1_2048_8192_SHA256.verify_signature(k1024, msg, sig).is_err());
    }
}

//! Our own signing key (ServerKeyExchange, CertificateVerify).
//!
//! ECDSA P-256 always, P-384 with the `p384` feature; RSA (2048 to 4096
//! bits, PKCS#1 v1.5 and PSS) with the
//! `rsa` and `alloc` features, since the `rsa` crate needs a heap. Without
//! them an RSA key is recognised but refused with
//! [`ErrorKind::UnsupportedCertificate`].

#[cfg(all(feature = "alloc", feature = "rsa"))]
extern crate alloc;

use der::asn1::UintRef;
use der::{Decode, Reader, SliceReader, Tagged};
use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::pkcs8::{DecodePrivateKey, PrivateKeyInfoRef};

use super::hash::DigestAlg;
#[cfg(feature = "p384")]
use super::key::OID_SECP384R1;
use super::key::{KeyKind, OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION, OID_SECP256R1, SchemeAlg, scheme_parts};
#[cfg(all(feature = "alloc", feature = "rsa"))]
use super::rsa_verify::RsaPublicKey;
use super::verify::PublicKey;
use crate::codec::SignatureScheme;
use crate::error::{Error, ErrorKind};

/// A key of no format `from_der` knows.
const NOT_A_KEY: Error = Error::Decode.because("private key is not PKCS#8, SEC1 or PKCS#1 DER");
/// Not a PKCS#1 `RSAPrivateKey`.
const NOT_PKCS1: Error = Error::Decode.because("private key is not PKCS#1 DER");
/// An RSA private key in a build without `alloc`.
#[cfg_attr(all(feature = "alloc", feature = "rsa"), allow(dead_code))]
const RSA_NEEDS_ALLOC: Error =
    Error::UnsupportedCertificate.because("RSA private keys need the rsa and alloc features");
/// A scheme this key cannot sign with.
pub(super) const CANNOT_SIGN: Error = Error::HandshakeFailure.because("key cannot sign with this signature scheme");

/// The longest signature [`SigningKey::sign`] can produce or a peer's
/// signature this build can verify, for the key types of this build:
/// RSA-4096, 512 bytes (feature `rsa`); else a DER ECDSA P-384 signature,
/// 104 bytes (feature `p384`); else a DER ECDSA P-256 one, 72 bytes.
#[cfg(feature = "rsa")]
pub const MAX_SIGNATURE_LEN: usize = 512;
/// The longest signature [`SigningKey::sign`] can produce or a peer's
/// signature this build can verify, for the key types of this build:
/// RSA-4096, 512 bytes (feature `rsa`); else a DER ECDSA P-384 signature,
/// 104 bytes (feature `p384`); else a DER ECDSA P-256 one, 72 bytes.
#[cfg(all(not(feature = "rsa"), feature = "p384"))]
pub const MAX_SIGNATURE_LEN: usize = 104;
/// The longest signature [`SigningKey::sign`] can produce or a peer's
/// signature this build can verify, for the key types of this build:
/// RSA-4096, 512 bytes (feature `rsa`); else a DER ECDSA P-384 signature,
/// 104 bytes (feature `p384`); else a DER ECDSA P-256 one, 72 bytes.
#[cfg(not(any(feature = "rsa", feature = "p384")))]
pub const MAX_SIGNATURE_LEN: usize = 72;

/// A private key we sign handshake messages with.
///
/// Load it from DER ([`from_der`](Self::from_der) tries PKCS#8, SEC1 and
/// PKCS#1), or from PEM with the `pem` module (feature `std`).
///
/// ```
/// use sansio_tls::crypto::{KeyKind, SigningKey};
/// use sansio_tls::{ServerConfig, SignatureScheme};
///
/// let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// assert_eq!(key.kind(), KeyKind::Ecdsa);
/// assert_eq!(key.schemes()[0], SignatureScheme::ECDSA_NISTP256_SHA256);
/// // The key of this certificate, and not of another one.
/// let cert: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.der");
/// key.matches_certificate(cert)?;
/// assert!(key.matches_certificate(include_bytes!("../../vectors/pki/ecdsa-client.der")).is_err());
///
/// let chain = [cert];
/// let config = ServerConfig::try_new(&chain, &key)?;
/// # let _ = config;
/// # Ok::<(), sansio_tls::Error>(())
/// ```
#[non_exhaustive]
pub enum SigningKey {
    /// An ECDSA key on NIST P-256.
    EcdsaP256(p256::ecdsa::SigningKey),
    /// An ECDSA key on NIST P-384 (feature `p384`).
    #[cfg(feature = "p384")]
    EcdsaP384(p384::ecdsa::SigningKey),
    /// An RSA key of 2048 to 4096 bits (needs the `alloc` feature).
    #[cfg(all(feature = "alloc", feature = "rsa"))]
    Rsa(RsaSigningKey),
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SigningKey::EcdsaP256(_) => f.write_str("SigningKey::EcdsaP256(..)"),
            #[cfg(feature = "p384")]
            SigningKey::EcdsaP384(_) => f.write_str("SigningKey::EcdsaP384(..)"),
            #[cfg(all(feature = "alloc", feature = "rsa"))]
            SigningKey::Rsa(k) => write!(f, "SigningKey::Rsa({} bits)", k.bits()),
        }
    }
}

/// The schemes an ECDSA P-256 key can sign with in TLS 1.2 (the hash is
/// independent of the curve there): SHA-256 first, SHA-512 only for a peer
/// that offers nothing else (both need the `sha384` feature).
const P256_SCHEMES: &[SignatureScheme] = &[
    SignatureScheme::ECDSA_NISTP256_SHA256,
    #[cfg(feature = "sha384")]
    SignatureScheme::ECDSA_NISTP384_SHA384,
    #[cfg(feature = "sha384")]
    SignatureScheme::ECDSA_NISTP521_SHA512,
];

/// The schemes an ECDSA P-384 key signs with: SHA-384 first.
#[cfg(feature = "p384")]
const P384_SCHEMES: &[SignatureScheme] = &[
    SignatureScheme::ECDSA_NISTP384_SHA384,
    SignatureScheme::ECDSA_NISTP256_SHA256,
    SignatureScheme::ECDSA_NISTP521_SHA512,
];

/// The schemes an RSA key signs with, PSS first (the server takes the first
/// of these that the peer offers).
#[cfg(all(feature = "alloc", feature = "rsa"))]
pub(super) const RSA_SCHEMES: &[SignatureScheme] = &[
    SignatureScheme::RSA_PSS_SHA256,
    SignatureScheme::RSA_PSS_SHA384,
    SignatureScheme::RSA_PSS_SHA512,
    SignatureScheme::RSA_PKCS1_SHA256,
    SignatureScheme::RSA_PKCS1_SHA384,
    SignatureScheme::RSA_PKCS1_SHA512,
];

impl SigningKey {
    /// Loads a DER PKCS#8 `PrivateKeyInfo` (RFC 5208): an EC P-256 key, or an
    /// rsaEncryption key of 2048 to 4096 bits.
    ///
    /// `Err(Error::UnsupportedCertificate)` for any other key type or size,
    /// and for every RSA key without the `alloc` feature (RSA keys need the
    /// `alloc` feature); `Err(Error::Decode)` if it does not parse or is not a
    /// consistent key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, Error> {
        let info =
            PrivateKeyInfoRef::try_from(der).map_err(|_| Error::Decode.because("private key is not PKCS#8 DER"))?;
        if info.algorithm.oid.as_bytes() == OID_RSA_ENCRYPTION {
            // Parameters must be NULL (RFC 8017 appendix C); tolerate absent.
            if info.algorithm.parameters.is_some_and(|p| !p.is_null()) {
                return Err(Error::Decode.because("RSA key algorithm parameters are not NULL"));
            }
            return Self::from_rsa_pkcs8(info.private_key.as_bytes());
        }
        let curve = info.algorithm.parameters.filter(|p| p.tag() == der::Tag::ObjectIdentifier).map(|p| p.value());
        if info.algorithm.oid.as_bytes() != OID_EC_PUBLIC_KEY {
            return Err(Error::UnsupportedCertificate.because("private key type not supported (only ECDSA and RSA)"));
        }
        match curve {
            Some(c) if c == OID_SECP256R1 => {
                let secret = p256::SecretKey::from_pkcs8_der(der)
                    .map_err(|_| Error::Decode.because("EC private key does not parse or is not on its curve"))?;
                Ok(SigningKey::EcdsaP256(secret.into()))
            }
            #[cfg(feature = "p384")]
            Some(c) if c == OID_SECP384R1 => {
                let secret = p384::SecretKey::from_pkcs8_der(der)
                    .map_err(|_| Error::Decode.because("EC private key does not parse or is not on its curve"))?;
                Ok(SigningKey::EcdsaP384(secret.into()))
            }
            _ => Err(Error::UnsupportedCertificate.because("EC private key on an unsupported curve")),
        }
    }

    /// The `RSAPrivateKey` inside an rsaEncryption PKCS#8 key.
    #[cfg(all(feature = "alloc", feature = "rsa"))]
    fn from_rsa_pkcs8(pkcs1: &[u8]) -> Result<Self, Error> {
        Self::from_pkcs1_der(pkcs1)
    }

    /// Without `alloc`, an rsaEncryption PKCS#8 key is refused as
    /// unsupported whatever its content: RSA keys need the `alloc` feature.
    #[cfg(not(all(feature = "alloc", feature = "rsa")))]
    fn from_rsa_pkcs8(_pkcs1: &[u8]) -> Result<Self, Error> {
        Err(RSA_NEEDS_ALLOC)
    }

    /// Loads a DER SEC1 `ECPrivateKey` (RFC 5915).
    ///
    /// `Err(Error::UnsupportedCertificate)` for a curve other than P-256 (and
    /// P-384 with the `p384` feature); `Err(Error::Decode)` if it does not
    /// parse. Without curve parameters the key's length tells the curve.
    pub fn from_sec1_der(der: &[u8]) -> Result<Self, Error> {
        let key =
            sec1::EcPrivateKey::try_from(der).map_err(|_| Error::Decode.because("private key is not SEC1 DER"))?;
        let curve = key.parameters.and_then(|p| p.named_curve());
        let p256 = || p256::SecretKey::from_sec1_der(der).map(|s| SigningKey::EcdsaP256(s.into()));
        #[cfg(feature = "p384")]
        let p384 = || p384::SecretKey::from_sec1_der(der).map(|s| SigningKey::EcdsaP384(s.into()));
        match (curve, key.parameters.is_some()) {
            (Some(c), _) if c.as_bytes() == OID_SECP256R1 => {
                p256().map_err(|_| Error::Decode.because("EC private key does not parse or is not on its curve"))
            }
            #[cfg(feature = "p384")]
            (Some(c), _) if c.as_bytes() == OID_SECP384R1 => {
                p384().map_err(|_| Error::Decode.because("EC private key does not parse or is not on its curve"))
            }
            #[cfg(feature = "p384")]
            (None, false) if key.private_key.len() == 48 => {
                p384().map_err(|_| Error::Decode.because("EC private key does not parse or is not on its curve"))
            }
            (None, false) => {
                p256().map_err(|_| Error::Decode.because("EC private key does not parse or is not on its curve"))
            }
            _ => Err(Error::UnsupportedCertificate.because("EC private key on an unsupported curve")),
        }
    }

    /// Loads a DER PKCS#1 `RSAPrivateKey` (RFC 8017 §A.1.2; PEM label
    /// `RSA PRIVATE KEY`) of 2048 to 4096 bits.
    ///
    /// RSA keys need the `alloc` feature: without it, any well-formed PKCS#1
    /// key gives `Err(Error::UnsupportedCertificate)`. With it,
    /// `Err(Error::UnsupportedCertificate)` for a modulus outside 2048..=4096
    /// bits, a public exponent wider than 32 bits or a multi-prime key.
    /// `Err(Error::Decode)` if it does not parse or is not a consistent key.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, Error> {
        let parts = RsaKeyParts::parse(der)?;
        #[cfg(all(feature = "alloc", feature = "rsa"))]
        {
            RsaSigningKey::from_parts(&parts).map(SigningKey::Rsa)
        }
        #[cfg(not(all(feature = "alloc", feature = "rsa")))]
        {
            let _ = parts;
            Err(RSA_NEEDS_ALLOC)
        }
    }

    /// Loads a DER private key: PKCS#8 first, then SEC1, then PKCS#1.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        match Self::from_pkcs8_der(der) {
            Err(e) if e == ErrorKind::Decode => match Self::from_sec1_der(der) {
                // Not PKCS#1 either: say it is none of the three.
                Err(e) if e == ErrorKind::Decode => {
                    Self::from_pkcs1_der(der).map_err(|e| if e.reason() == NOT_PKCS1.reason() { NOT_A_KEY } else { e })
                }
                other => other,
            },
            other => other,
        }
    }

    /// Whether this is an ECDSA or an RSA key.
    pub fn kind(&self) -> KeyKind {
        match self {
            SigningKey::EcdsaP256(_) => KeyKind::Ecdsa,
            #[cfg(feature = "p384")]
            SigningKey::EcdsaP384(_) => KeyKind::Ecdsa,
            #[cfg(all(feature = "alloc", feature = "rsa"))]
            SigningKey::Rsa(_) => KeyKind::Rsa,
        }
    }

    /// The signature schemes this key can sign with, in preference order.
    ///
    /// ECDSA P-256: ECDSA with SHA-256, SHA-384, then SHA-512; P-384: with
    /// SHA-384, SHA-256, then SHA-512. RSA: PSS with SHA-256, SHA-384,
    /// SHA-512, then PKCS#1 v1.5 with the same three hashes.
    pub fn schemes(&self) -> &'static [SignatureScheme] {
        match self {
            SigningKey::EcdsaP256(_) => P256_SCHEMES,
            #[cfg(feature = "p384")]
            SigningKey::EcdsaP384(_) => P384_SCHEMES,
            #[cfg(all(feature = "alloc", feature = "rsa"))]
            SigningKey::Rsa(_) => RSA_SCHEMES,
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        match self {
            SigningKey::EcdsaP256(k) => PublicKey::P256(*k.verifying_key()),
            #[cfg(feature = "p384")]
            SigningKey::EcdsaP384(k) => PublicKey::P384(*k.verifying_key()),
            #[cfg(all(feature = "alloc", feature = "rsa"))]
            SigningKey::Rsa(k) => PublicKey::Rsa(k.0.public.clone()),
        }
    }

    /// Checks that `cert_der`, a DER X.509 certificate, carries this key's
    /// public key, e.g. before putting both in a `ServerConfig`. Nothing else
    /// about the certificate is checked.
    ///
    /// `Err(Error::BadCertificate)` if the certificate's key is another key;
    /// otherwise the errors of [`PublicKey::from_certificate_der`]
    /// (`BadCertificate` if it does not parse, `UnsupportedCertificate` for a
    /// key type we do not support).
    pub fn matches_certificate(&self, cert_der: &[u8]) -> Result<(), Error> {
        let cert_key = PublicKey::from_certificate_der(cert_der)?;
        if self.public_key() == cert_key {
            Ok(())
        } else {
            Err(Error::BadCertificate.because("private key is not the key of the certificate"))
        }
    }

    /// Signs `message`, hashed with the scheme's hash, and writes the
    /// signature into `out`; returns its length.
    ///
    /// ECDSA: a DER `ECDSA-Sig-Value`, deterministic (RFC 6979; `rng` is not
    /// used). RSA: as long as the modulus; RSASSA-PSS (MGF1 with the same
    /// hash, salt as long as the hash) or RSASSA-PKCS1-v1_5 (RFC 8017); `rng`
    /// gives the PSS salt and blinds the private-key operation.
    ///
    /// `Err(Error::HandshakeFailure)` if the scheme does not fit the key,
    /// `Err(Error::BufferTooSmall)` if `out` is too short
    /// ([`MAX_SIGNATURE_LEN`] always suffices).
    pub fn sign<R: rand_core::CryptoRng + ?Sized>(
        &self,
        scheme: SignatureScheme,
        message: &[u8],
        rng: &mut R,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let hash = self.scheme_hash(scheme)?;
        let digest = hash.digest(&[message]);
        self.sign_digest(scheme, digest.as_ref(), rng, out)
    }

    /// As [`SigningKey::sign`], over a `digest` already computed with the
    /// scheme's hash (TLS 1.2 CertificateVerify signs the running handshake
    /// hash). `Err(Error::Internal)` if `digest` is not as long as that
    /// hash's output.
    pub fn sign_prehashed<R: rand_core::CryptoRng + ?Sized>(
        &self,
        scheme: SignatureScheme,
        digest: &[u8],
        rng: &mut R,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        if digest.len() != self.scheme_hash(scheme)?.output_len() {
            return Err(Error::Internal);
        }
        self.sign_digest(scheme, digest, rng, out)
    }

    /// The hash of `scheme` if this key can sign with it, else
    /// `Err(Error::HandshakeFailure)`.
    fn scheme_hash(&self, scheme: SignatureScheme) -> Result<DigestAlg, Error> {
        match (self.kind(), scheme_parts(scheme)) {
            (KeyKind::Ecdsa, Some((SchemeAlg::Ecdsa, hash))) => Ok(hash),
            #[cfg(feature = "rsa")]
            (KeyKind::Rsa, Some((SchemeAlg::RsaPkcs1 | SchemeAlg::RsaPss, hash))) => Ok(hash),
            _ => Err(CANNOT_SIGN),
        }
    }

    /// Signs `digest`, whose length [`SigningKey::scheme_hash`] has checked.
    fn sign_digest<R: rand_core::CryptoRng + ?Sized>(
        &self,
        scheme: SignatureScheme,
        digest: &[u8],
        rng: &mut R,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        match self {
            SigningKey::EcdsaP256(key) => {
                let _ = (scheme, rng);
                let sig: p256::ecdsa::Signature = key.sign_prehash(digest).map_err(|_| Error::Internal)?;
                write_signature(sig.to_der().as_bytes(), out)
            }
            #[cfg(feature = "p384")]
            SigningKey::EcdsaP384(key) => {
                let _ = (scheme, rng);
                let sig: p384::ecdsa::Signature = key.sign_prehash(digest).map_err(|_| Error::Internal)?;
                write_signature(sig.to_der().as_bytes(), out)
            }
            #[cfg(all(feature = "alloc", feature = "rsa"))]
            SigningKey::Rsa(key) => key.sign_digest(scheme, digest, rng, out),
        }
    }
}

/// Copies a finished signature into the caller's `out`; returns its length.
pub(super) fn write_signature(sig: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    out.get_mut(..sig.len()).ok_or(Error::BufferTooSmall.because("signature buffer too small"))?.copy_from_slice(sig);
    Ok(sig.len())
}

/// The integers of a two-prime PKCS#1 `RSAPrivateKey` we use, big-endian
/// without leading zeros, borrowed from the DER. Without `alloc` only the
/// syntax is checked (to tell an RSA key from garbage).
#[cfg_attr(not(all(feature = "alloc", feature = "rsa")), allow(dead_code))]
struct RsaKeyParts<'a> {
    n: &'a [u8],
    e: &'a [u8],
    d: &'a [u8],
    p: &'a [u8],
    q: &'a [u8],
}

impl<'a> RsaKeyParts<'a> {
    /// Parses `RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dP, dQ,
    /// qInv, otherPrimeInfos OPTIONAL }` (RFC 8017 §A.1.2).
    ///
    /// `Err(Error::Decode)` if it does not parse;
    /// `Err(Error::UnsupportedCertificate)` for a multi-prime key (version 1).
    fn parse(der: &'a [u8]) -> Result<Self, Error> {
        let parse = || -> der::Result<(u8, [&'a [u8]; 5])> {
            let mut reader = SliceReader::new(der)?;
            let parsed = reader.sequence(|r| {
                let version = u8::decode(r)?;
                let mut ints = [&[][..]; 8];
                for int in &mut ints {
                    *int = UintRef::decode(r)?.as_bytes();
                }
                // otherPrimeInfos (version 1 only).
                if version == 1 && !r.is_finished() {
                    r.tlv_bytes()?;
                }
                let [n, e, d, p, q, _dp, _dq, _qinv] = ints;
                Ok::<_, der::Error>((version, [n, e, d, p, q]))
            })?;
            reader.finish()?;
            Ok(parsed)
        };
        let (version, [n, e, d, p, q]) = parse().map_err(|_| NOT_PKCS1)?;
        match version {
            0 => Ok(RsaKeyParts { n, e, d, p, q }),
            1 => Err(Error::UnsupportedCertificate.because("multi-prime RSA keys not supported")),
            _ => Err(Error::Decode.because("unknown PKCS#1 RSA key version")),
        }
    }
}

/// An RSA private key of 2048 to 4096 bits, for [`SigningKey::Rsa`]; needs
/// the `alloc` feature. Lives on the heap (one allocation; [`SigningKey`]
/// only holds a pointer to it); the `rsa` crate wipes it on drop.
///
/// ```
/// use sansio_tls::crypto::SigningKey;
/// let key = SigningKey::from_der(include_bytes!("../../vectors/pki/rsa-server.key.der"))?;
/// let SigningKey::Rsa(rsa) = &key else { unreachable!() };
/// assert_eq!(rsa.bits(), 2048);
/// # Ok::<(), sansio_tls::Error>(())
/// ```
#[cfg(all(feature = "alloc", feature = "rsa"))]
pub struct RsaSigningKey(alloc::boxed::Box<RsaKeyPair>);

#[cfg(all(feature = "alloc", feature = "rsa"))]
struct RsaKeyPair {
    key: rsa::PrivateKey,
    /// Kept to answer [`SigningKey::public_key`] without the heap-returning
    /// accessors of the `rsa` crate.
    public: RsaPublicKey,
}

#[cfg(all(feature = "alloc", feature = "rsa"))]
impl core::fmt::Debug for RsaSigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RsaSigningKey").field("bits", &self.bits()).finish_non_exhaustive()
    }
}

#[cfg(all(feature = "alloc", feature = "rsa"))]
impl RsaSigningKey {
    /// Size checks first (cheap), then the `rsa` crate's consistency checks.
    fn from_parts(parts: &RsaKeyParts<'_>) -> Result<Self, Error> {
        use rsa::BoxedUint;

        if parts.e.len() > 4 {
            return Err(Error::UnsupportedCertificate.because("RSA public exponent longer than 32 bits"));
        }
        let exponent = parts.e.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        // Refuses moduli outside 2048..=4096 bits (UnsupportedCertificate);
        // an even modulus or exponent is not a key at all.
        let public = RsaPublicKey::new(parts.n, exponent).map_err(|e| {
            if e == Error::UnsupportedCertificate {
                e
            } else {
                Error::Decode.because("RSA key has an even modulus or an invalid exponent")
            }
        })?;
        let bits = |b: &[u8]| {
            u32::try_from(b.len() * 8).map_err(|_| Error::Decode.because("RSA private key component too long"))
        };
        let n_bits = bits(parts.n)?;
        let uint = |b: &[u8], precision: u32| {
            BoxedUint::from_be_slice(b, precision)
                .map_err(|_| Error::Decode.because("RSA private key component too long"))
        };
        let key = rsa::PrivateKey::from_components(
            uint(parts.n, n_bits)?,
            uint(parts.e, bits(parts.e)?)?,
            uint(parts.d, n_bits)?,
            alloc::vec![uint(parts.p, n_bits)?, uint(parts.q, n_bits)?],
        )
        .map_err(|_| Error::Decode.because("RSA private key components are inconsistent"))?;
        Ok(RsaSigningKey(alloc::boxed::Box::new(RsaKeyPair { key, public })))
    }

    /// The modulus length in bits.
    pub fn bits(&self) -> usize {
        self.0.public.bits()
    }

    /// Signs a digest of the scheme's hash (length already checked).
    fn sign_digest<R: rand_core::CryptoRng + ?Sized>(
        &self,
        scheme: SignatureScheme,
        h: &[u8],
        rng: &mut R,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        use sha2::{Sha256, Sha384, Sha512};

        let k = self.0.public.modulus().len();
        let out = out.get_mut(..k).ok_or(Error::BufferTooSmall.because("signature buffer too small"))?;
        // PSS: salt length = hash length, MGF1 with the same hash. Both
        // paddings blind with `rng`, and the `rsa` crate checks the result
        // with the public key (against CRT fault attacks).
        let key = &self.0.key;
        let sig = match scheme {
            SignatureScheme::RSA_PSS_SHA256 => key.pss_sign_prehash_with_rng::<Sha256, R>(rng, h),
            SignatureScheme::RSA_PSS_SHA384 => key.pss_sign_prehash_with_rng::<Sha384, R>(rng, h),
            SignatureScheme::RSA_PSS_SHA512 => key.pss_sign_prehash_with_rng::<Sha512, R>(rng, h),
            SignatureScheme::RSA_PKCS1_SHA256 => key.pkcs1v15_sign_prehash_with_rng::<Sha256, R>(rng, h),
            SignatureScheme::RSA_PKCS1_SHA384 => key.pkcs1v15_sign_prehash_with_rng::<Sha384, R>(rng, h),
            SignatureScheme::RSA_PKCS1_SHA512 => key.pkcs1v15_sign_prehash_with_rng::<Sha512, R>(rng, h),
            _ => return Err(CANNOT_SIGN),
        }
        .map_err(|_| Error::Internal)?;
        if sig.len() != k {
            return Err(Error::Internal);
        }
        out.copy_from_slice(&sig);
        Ok(k)
    }
}

/// A private key the handshake signs with: a [`SigningKey`] held in
/// memory, or one held elsewhere (a secure element, an HSM, a TPM) through
/// an implementation of this trait. Configurations hold `&dyn SignatureKey`.
///
/// A key in a secure element implements it by sending the digest to the
/// chip. Here a stand-in signs in memory and counts the signatures:
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use sansio_tls::crypto::{KeyKind, PublicKey, SignatureKey, SigningKey};
/// use sansio_tls::rand_core::CryptoRng;
/// use sansio_tls::{Error, ServerConfig, SignatureScheme};
///
/// struct SecureElement {
///     key: SigningKey, // on a real chip: a key slot number
///     signatures: AtomicUsize,
/// }
///
/// impl SignatureKey for SecureElement {
///     fn kind(&self) -> KeyKind {
///         KeyKind::Ecdsa
///     }
///     fn schemes(&self) -> &[SignatureScheme] {
///         &[SignatureScheme::ECDSA_NISTP256_SHA256]
///     }
///     fn public_key(&self) -> PublicKey {
///         self.key.public_key() // a real chip reports it once, at start-up
///     }
///     fn sign_digest(&self, scheme: SignatureScheme, digest: &[u8], rng: &mut dyn CryptoRng, out: &mut [u8]) -> Result<usize, Error> {
///         self.signatures.fetch_add(1, Ordering::Relaxed);
///         self.key.sign_prehashed(scheme, digest, rng, out)
///     }
/// }
///
/// let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// let element = SecureElement { key, signatures: AtomicUsize::new(0) };
/// let chain: [&[u8]; 1] = [include_bytes!("../../vectors/pki/ecdsa-server.der")];
/// // `try_new` checks the element's public key against the certificate.
/// let config = ServerConfig::try_new(&chain, &element)?;
/// # let _ = config;
/// # Ok::<(), sansio_tls::Error>(())
/// ```
pub trait SignatureKey: Send + Sync {
    /// ECDSA or RSA: which cipher suites the key can authenticate.
    fn kind(&self) -> KeyKind;
    /// The schemes the key signs with, in preference order.
    fn schemes(&self) -> &[SignatureScheme];
    /// The public key, checked against the certificate.
    fn public_key(&self) -> PublicKey;
    /// Signs `digest`, computed with `scheme`'s hash, into `out` (ECDSA: a
    /// DER `ECDSA-Sig-Value`; RSA: as long as the modulus); returns the
    /// length. `Err(HandshakeFailure)` if the scheme does not fit the key.
    fn sign_digest(
        &self,
        scheme: SignatureScheme,
        digest: &[u8],
        rng: &mut dyn rand_core::CryptoRng,
        out: &mut [u8],
    ) -> Result<usize, Error>;

    /// Signs `message` (the signed parameters of a ServerKeyExchange) with
    /// `scheme`. The default hashes it with the scheme's hash and calls
    /// [`sign_digest`](Self::sign_digest); a key whose library signs whole
    /// messages only (ring's) signs here, and keeps `sign_digest` for the
    /// CertificateVerify of client authentication, which signs the running
    /// transcript hash.
    fn sign_message(
        &self,
        scheme: SignatureScheme,
        message: &[u8],
        rng: &mut dyn rand_core::CryptoRng,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let (_, hash) = scheme_parts(scheme).ok_or(CANNOT_SIGN)?;
        let digest = hash.digest(&[message]);
        self.sign_digest(scheme, digest.as_ref(), rng, out)
    }
}

impl SignatureKey for SigningKey {
    fn kind(&self) -> KeyKind {
        SigningKey::kind(self)
    }

    fn schemes(&self) -> &[SignatureScheme] {
        SigningKey::schemes(self)
    }

    fn public_key(&self) -> PublicKey {
        SigningKey::public_key(self)
    }

    fn sign_digest(
        &self,
        scheme: SignatureScheme,
        digest: &[u8],
        rng: &mut dyn rand_core::CryptoRng,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.sign_prehashed(scheme, digest, rng, out)
    }
}

/// Signs `message` with any [`SignatureKey`], hashing it with the scheme's
/// hash first (ServerKeyExchange signs the randoms and the ECDH parameters).
#[cfg(feature = "server")]
pub fn sign_message(
    key: &dyn SignatureKey,
    scheme: SignatureScheme,
    message: &[u8],
    rng: &mut dyn rand_core::CryptoRng,
    out: &mut [u8],
) -> Result<usize, Error> {
    key.sign_message(scheme, message, rng, out)
}

#[cfg(test)]
mod tests;

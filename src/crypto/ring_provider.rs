//! The *ring* provider (feature `ring`): [`Ring`] and [`RingSigningKey`].

use ring::signature as rsig;
use ring::{aead, agreement, digest, hmac, rand::SystemRandom};
use zeroize::Zeroize;

use super::aead::AeadAlg;
use super::hash::{DigestAlg, HashAlg, HashOutput};
use super::key::{KeyKind, SchemeAlg, scheme_parts};
use super::kx::{BAD_SHARE, PublicShare, SharedSecret};
use super::provider::{AeadKey, HashState, KeyShare, Provider};
use super::sign::{CANNOT_SIGN, SignatureKey, SigningKey, write_signature};
use super::verify::PublicKey;
use crate::codec::{NamedGroup, SignatureScheme};
use crate::error::Error;

/// The *ring* provider (feature `ring`): hashes, HMAC, AEAD, ECDHE and
/// signature verification on *ring* 0.17; and [`RingSigningKey`], a signing
/// key that signs with *ring*.
///
/// # What runs on ring
///
/// | primitive | on *ring* | falls back to [`RustCrypto`](super::RustCrypto) |
/// |---|---|---|
/// | SHA-256 / SHA-384 / SHA-512 | `ring::digest::Context` | — |
/// | HMAC-SHA-256 / -384 (the PRF) | `ring::hmac::Context` | — |
/// | AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 | `ring::aead::LessSafeKey`, in place (`seal_in_place_separate_tag`, `open_in_place_separate_tag`) | — |
/// | ECDHE X25519, P-256, P-384 | `ring::agreement` | — |
/// | ECDSA verification, P-256 and P-384 keys with SHA-256 or SHA-384 | `ring::signature::ECDSA_P*_SHA*_ASN1` | ECDSA with SHA-512 (*ring* has no such algorithm) |
/// | RSA PKCS#1 v1.5 and PSS verification, SHA-256/384/512 | `ring::signature::RsaPublicKeyComponents` | — |
/// | verification over a digest ([`Provider::verify_prehashed`], client CertificateVerify) | — | always: *ring* verifies whole messages only |
///
/// Which algorithms exist follows the crate's features as for RustCrypto:
/// without `x25519` there is no X25519 here either, without `aes256` no
/// AES-256-GCM, and so on. Errors are the ones RustCrypto gives, so that the
/// alerts a peer sees do not depend on the provider: a signature that does
/// not verify is `Err(Error::DecryptError)`, a scheme that does not fit the
/// key `Err(Error::IllegalParameter)` (from RustCrypto itself, which every
/// combination *ring* does not do is handed to), a bad ECDHE share
/// `Err(Error::IllegalParameter)` with the reasons of the RustCrypto key
/// share, a record that does not authenticate `Err(Error::BadRecordMac)`.
///
/// Certificate chains are verified by webpki with the algorithms of the
/// verifier: [`RING_SIG_ALGS`](crate::cert::RING_SIG_ALGS) (also
/// [`Ring::WEBPKI_ALGORITHMS`]) are *ring*'s, with the same set of
/// algorithms and RSA key sizes as [`SUPPORTED_SIG_ALGS`](crate::cert::SUPPORTED_SIG_ALGS);
/// see [`WebPkiServerVerifier::with_algorithms`](crate::cert::WebPkiServerVerifier::with_algorithms).
///
/// # Randomness
///
/// *ring*'s `SecureRandom` trait is sealed: *ring* draws from the operating
/// system only (`ring::rand::SystemRandom`), and cannot take the
/// connection's RNG. So [`Ring::key_share`] **ignores the `rng` it is
/// given**: ECDHE keys come from the OS RNG, and a connection on *ring* is
/// not reproducible from its RNG seed (a test that replays a recorded
/// handshake needs a provider that makes its key shares with the caller's
/// RNG: one that delegates [`Provider::key_share`] to RustCrypto). The same
/// holds for [`RingSigningKey::sign_message`] (ECDSA nonces, which *ring*
/// also mixes with the key and message; RSA-PSS salts and blinding).
///
/// # States
///
/// Every state is `Send + Sync + Unpin` (checked by a test), and `Clone`
/// where the traits ask for it (hashes and HMACs). None of them is on the
/// heap (a [`RingSigningKey`]'s RSA key is: *ring* allocates it).
///
/// **Key erasure**: *ring* does not erase its key material when it is
/// dropped. Its AEAD key schedules, its HMAC states (which hold the keyed
/// inner and outer hash states, so the master secret's PRF keys), and its
/// ECDHE private keys are left in memory until overwritten (*ring* says of
/// its ECDH code that it "doesn't meet the NSA requirement to zeroize").
/// This crate forbids `unsafe` and cannot wipe *ring*'s private fields. What
/// the engine holds itself is still erased as with RustCrypto: the shared
/// secret ([`SharedSecret`]), the master secret, the key block and the
/// record IVs. A deployment that needs every copy of a key erased uses
/// [`RustCrypto`](super::RustCrypto), whose states zeroize on drop.
///
/// # Examples
///
/// ```
/// use sansio_tls::crypto::{DigestAlg, HashState, Provider, Ring};
/// let mut h = Ring.hash(DigestAlg::Sha256);
/// h.update(b"abc");
/// assert_eq!(h.finish().as_ref()[..4], [0xba, 0x78, 0x16, 0xbf]);
/// ```
///
/// A server on *ring*, signing with *ring*:
///
/// ```
/// use sansio_tls::crypto::{Ring, RingSigningKey};
/// use sansio_tls::ServerConfig;
///
/// let key = RingSigningKey::from_pkcs8_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// let chain: [&[u8]; 1] = [include_bytes!("../../vectors/pki/ecdsa-server.der")];
/// let config = ServerConfig::try_new(&chain, &key)?.with_provider(Ring);
/// # let _ = config;
/// # Ok::<(), sansio_tls::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ring;

impl Ring {
    /// *ring*'s certificate signature algorithms for webpki:
    /// [`RING_SIG_ALGS`](crate::cert::RING_SIG_ALGS), for
    /// [`WebPkiServerVerifier::with_algorithms`](crate::cert::WebPkiServerVerifier::with_algorithms)
    /// and [`WebPkiClientVerifier::with_algorithms`](crate::cert::WebPkiClientVerifier::with_algorithms).
    pub const WEBPKI_ALGORITHMS: &'static [&'static dyn pki_types::SignatureVerificationAlgorithm] =
        crate::cert::RING_SIG_ALGS;
}

/// A *ring* hash state (`ring::digest::Context`).
#[derive(Clone)]
pub struct RingHash(digest::Context);

impl HashState for RingHash {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    fn finish(self) -> HashOutput {
        HashOutput::from_slice(self.0.finish().as_ref())
    }
}

/// A *ring* HMAC state (`ring::hmac::Context`). *ring* does not erase it
/// when dropped.
#[derive(Clone)]
pub struct RingHmac(hmac::Context);

impl HashState for RingHmac {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    fn finish(self) -> HashOutput {
        HashOutput::from_slice(self.0.sign().as_ref())
    }
}

/// A *ring* AEAD key (`ring::aead::LessSafeKey`: the engine makes a fresh
/// nonce for every record). *ring* does not erase it when dropped.
#[derive(Debug)]
pub struct RingAead(aead::LessSafeKey);

impl AeadKey for RingAead {
    fn seal_in_place(&self, nonce: &[u8; 12], aad: &[u8], data: &mut [u8]) -> Result<[u8; 16], Error> {
        let tag = self
            .0
            .seal_in_place_separate_tag(aead::Nonce::assume_unique_for_key(*nonce), aead::Aad::from(aad), data)
            .map_err(|_| Error::Internal)?;
        tag.as_ref().try_into().map_err(|_| Error::Internal)
    }

    fn open_in_place(&self, nonce: &[u8; 12], aad: &[u8], data: &mut [u8], tag: &[u8; 16]) -> Result<(), Error> {
        let tag = aead::Tag::try_from(&tag[..]).map_err(|_| Error::Internal)?;
        // In place: the ciphertext starts at 0 of `data` and the plaintext
        // is written over it; the tag comes separately.
        self.0
            .open_in_place_separate_tag(
                aead::Nonce::assume_unique_for_key(*nonce),
                aead::Aad::from(aad),
                tag,
                data,
                0..,
            )
            .map(|_| ())
            .map_err(|_| Error::BadRecordMac)
    }
}

/// An ephemeral ECDHE private key of the [`Ring`] provider
/// (`ring::agreement::EphemeralPrivateKey`), made from the OS RNG and used
/// once. *ring* does not erase it when dropped.
pub struct RingKeyShare {
    key: agreement::EphemeralPrivateKey,
    group: NamedGroup,
}

impl core::fmt::Debug for RingKeyShare {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "RingKeyShare({:?})", self.group)
    }
}

/// *ring*'s agreement algorithm for `group`, if this build has the group.
fn agreement_alg(group: NamedGroup) -> Option<&'static agreement::Algorithm> {
    match group {
        #[cfg(feature = "x25519")]
        NamedGroup::X25519 => Some(&agreement::X25519),
        NamedGroup::Secp256r1 => Some(&agreement::ECDH_P256),
        #[cfg(feature = "p384")]
        NamedGroup::Secp384r1 => Some(&agreement::ECDH_P384),
        _ => None,
    }
}

/// A peer X25519 share that is not 32 bytes.
#[cfg(feature = "x25519")]
const X25519_LEN: Error = Error::IllegalParameter.because("peer X25519 share is not 32 bytes");
/// A peer X25519 share of small order: an all-zero shared secret.
#[cfg(feature = "x25519")]
const X25519_SMALL_ORDER: Error = Error::IllegalParameter.because("peer X25519 share is a small-order point");

impl KeyShare for RingKeyShare {
    fn group(&self) -> NamedGroup {
        self.group
    }

    /// `Err(Error::IllegalParameter)` for a share of the wrong length, a
    /// point not on the curve or not in uncompressed form, or an all-zero
    /// X25519 result (RFC 7748 §6.1), with the reasons of
    /// [`EphemeralSecret`](super::EphemeralSecret).
    fn agree(self, peer: &[u8]) -> Result<SharedSecret, Error> {
        let alg = self.key.algorithm();
        // The checks *ring* makes too, first, to tell why in the error.
        let refused = match self.group {
            #[cfg(feature = "x25519")]
            NamedGroup::X25519 => {
                if peer.len() != 32 {
                    return Err(X25519_LEN);
                }
                X25519_SMALL_ORDER
            }
            NamedGroup::Secp256r1 | NamedGroup::Secp384r1 => {
                let len = if self.group == NamedGroup::Secp256r1 { 65 } else { 97 };
                if peer.len() != len || peer.first() != Some(&0x04) {
                    return Err(BAD_SHARE);
                }
                BAD_SHARE
            }
            _ => return Err(Error::Internal),
        };
        let secret = agreement::agree_ephemeral(self.key, &agreement::UnparsedPublicKey::new(alg, peer), |s| {
            // *ring* refuses an all-zero X25519 result itself; so do we.
            if s.iter().all(|&b| b == 0) { Err(refused) } else { SharedSecret::from_slice(s) }
        })
        .map_err(|_| refused)??;
        Ok(secret)
    }
}

impl Provider for Ring {
    type Hash = RingHash;
    type Hmac = RingHmac;
    type Aead = RingAead;
    type KeyShare = RingKeyShare;

    fn hash(&self, alg: DigestAlg) -> RingHash {
        RingHash(digest::Context::new(match alg {
            DigestAlg::Sha256 => &digest::SHA256,
            #[cfg(feature = "sha384")]
            DigestAlg::Sha384 => &digest::SHA384,
            #[cfg(feature = "sha384")]
            DigestAlg::Sha512 => &digest::SHA512,
        }))
    }

    fn hmac(&self, alg: HashAlg, key: &[u8]) -> RingHmac {
        let alg = match alg {
            HashAlg::Sha256 => hmac::HMAC_SHA256,
            #[cfg(feature = "aes256")]
            HashAlg::Sha384 => hmac::HMAC_SHA384,
        };
        // Any key length (RFC 2104: *ring* hashes long keys).
        RingHmac(hmac::Context::with_key(&hmac::Key::new(alg, key)))
    }

    fn aead(&self, alg: AeadAlg, key: &[u8]) -> Result<RingAead, Error> {
        if key.len() != alg.key_len() {
            return Err(Error::Internal);
        }
        let ring_alg = match alg {
            AeadAlg::Aes128Gcm => &aead::AES_128_GCM,
            #[cfg(feature = "aes256")]
            AeadAlg::Aes256Gcm => &aead::AES_256_GCM,
            #[cfg(feature = "chacha20")]
            AeadAlg::ChaCha20Poly1305 => &aead::CHACHA20_POLY1305,
        };
        let key = aead::UnboundKey::new(ring_alg, key).map_err(|_| Error::Internal)?;
        Ok(RingAead(aead::LessSafeKey::new(key)))
    }

    /// A key pair from *ring*'s OS RNG: **`rng` is not used** (*ring*'s
    /// `SecureRandom` is sealed). `Err(Error::HandshakeFailure)` for a group
    /// this build does not have, `Err(Error::Internal)` if the OS RNG fails.
    fn key_share<R: rand_core::CryptoRng + ?Sized>(
        &self,
        group: NamedGroup,
        _rng: &mut R,
    ) -> Result<(RingKeyShare, PublicShare), Error> {
        let alg = agreement_alg(group).ok_or(Error::HandshakeFailure.because("ECDHE group not supported"))?;
        const RNG_FAILED: Error = Error::Internal.because("ring: the OS RNG failed");
        let key = agreement::EphemeralPrivateKey::generate(alg, &SystemRandom::new()).map_err(|_| RNG_FAILED)?;
        let public = key.compute_public_key().map_err(|_| Error::Internal)?;
        let share = PublicShare::from_slice(public.as_ref())?;
        Ok((RingKeyShare { key, group }, share))
    }

    /// On *ring* where it has the algorithm (see [`Ring`]),
    /// else [`PublicKey::verify`].
    fn verify(&self, key: &PublicKey, scheme: SignatureScheme, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        let Some((alg, hash)) = scheme_parts(scheme) else {
            return key.verify(scheme, message, signature);
        };
        match (key, alg) {
            (PublicKey::P256(k), SchemeAlg::Ecdsa) => {
                let ring_alg: &rsig::EcdsaVerificationAlgorithm = match hash {
                    DigestAlg::Sha256 => &rsig::ECDSA_P256_SHA256_ASN1,
                    #[cfg(feature = "sha384")]
                    DigestAlg::Sha384 => &rsig::ECDSA_P256_SHA384_ASN1,
                    #[cfg(feature = "sha384")]
                    DigestAlg::Sha512 => return key.verify(scheme, message, signature),
                };
                ring_verify(ring_alg, k.to_sec1_point(false).as_bytes(), message, signature)
            }
            #[cfg(feature = "p384")]
            (PublicKey::P384(k), SchemeAlg::Ecdsa) => {
                let ring_alg: &rsig::EcdsaVerificationAlgorithm = match hash {
                    DigestAlg::Sha256 => &rsig::ECDSA_P384_SHA256_ASN1,
                    DigestAlg::Sha384 => &rsig::ECDSA_P384_SHA384_ASN1,
                    DigestAlg::Sha512 => return key.verify(scheme, message, signature),
                };
                ring_verify(ring_alg, k.to_sec1_point(false).as_bytes(), message, signature)
            }
            #[cfg(feature = "rsa")]
            (PublicKey::Rsa(k), SchemeAlg::RsaPkcs1 | SchemeAlg::RsaPss) => {
                let params = match (alg, hash) {
                    (SchemeAlg::RsaPkcs1, DigestAlg::Sha256) => &rsig::RSA_PKCS1_2048_8192_SHA256,
                    (SchemeAlg::RsaPkcs1, DigestAlg::Sha384) => &rsig::RSA_PKCS1_2048_8192_SHA384,
                    (SchemeAlg::RsaPkcs1, DigestAlg::Sha512) => &rsig::RSA_PKCS1_2048_8192_SHA512,
                    (_, DigestAlg::Sha256) => &rsig::RSA_PSS_2048_8192_SHA256,
                    (_, DigestAlg::Sha384) => &rsig::RSA_PSS_2048_8192_SHA384,
                    (_, DigestAlg::Sha512) => &rsig::RSA_PSS_2048_8192_SHA512,
                };
                let e = k.exponent().to_be_bytes();
                let e = &e[e.iter().position(|&b| b != 0).unwrap_or(e.len())..];
                // Our key is 2048 to 4096 bits already; *ring* allows up to
                // 8192 and checks the signature's length and range.
                rsig::RsaPublicKeyComponents { n: k.modulus(), e }
                    .verify(params, message, signature)
                    .map_err(|_| super::verify::BAD_SIGNATURE)
            }
            // A scheme of another key type: RustCrypto says so. (A build
            // with P-256 keys only has no other pairing.)
            #[allow(unreachable_patterns)]
            _ => key.verify(scheme, message, signature),
        }
    }
}

/// An ECDSA verification on *ring*, with the error of a bad signature.
fn ring_verify(
    alg: &'static rsig::EcdsaVerificationAlgorithm,
    point: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    rsig::UnparsedPublicKey::new(alg, point).verify(message, signature).map_err(|_| super::verify::BAD_SIGNATURE)
}

/// The only ECDSA scheme *ring* signs with on a P-256 key.
const RING_P256_SCHEMES: &[SignatureScheme] = &[SignatureScheme::ECDSA_NISTP256_SHA256];
/// The only ECDSA scheme *ring* signs with on a P-384 key.
#[cfg(feature = "p384")]
const RING_P384_SCHEMES: &[SignatureScheme] = &[SignatureScheme::ECDSA_NISTP384_SHA384];

/// The *ring* half of a [`RingSigningKey`].
enum RingKeyPair {
    Ecdsa(rsig::EcdsaKeyPair),
    #[cfg(feature = "rsa")]
    Rsa(rsig::RsaKeyPair),
}

/// A private key that signs with *ring* (feature `ring`): ECDSA P-256,
/// P-384 (feature `p384`) and RSA of 2048 to 4096 bits (feature `rsa`).
///
/// It holds two copies of the key: *ring*'s, which signs whole messages
/// ([`SignatureKey::sign_message`]: the ServerKeyExchange), and a
/// [`SigningKey`] parsed from the same DER for what *ring* cannot do, signing
/// a digest ([`SignatureKey::sign_digest`]: the CertificateVerify of client
/// authentication, made over the running transcript hash), and for the
/// public key.
///
/// [`schemes`](SignatureKey::schemes) lists what *ring* signs with: ECDSA
/// with SHA-256 for a P-256 key and with SHA-384 for a P-384 key (*ring* has
/// no other pairing), RSA-PSS and PKCS#1 v1.5 with SHA-256, SHA-384 and
/// SHA-512 for RSA. A handshake whose peer offers none of them fails as for
/// any key (`handshake_failure`); [`SigningKey`] signs ECDSA with every hash.
///
/// Randomness comes from *ring*'s OS RNG (the `rng` argument is not used;
/// see [`Ring`]); *ring*'s ECDSA signatures are therefore not
/// deterministic, unlike [`SigningKey`]'s RFC 6979 ones.
///
/// ```
/// use sansio_tls::crypto::{MAX_SIGNATURE_LEN, Provider, Ring, RingSigningKey, SignatureKey};
/// use sansio_tls::rand_core::UnwrapErr;
/// use sansio_tls::SignatureScheme;
///
/// let key = RingSigningKey::from_pkcs8_der(include_bytes!("../../vectors/pki/rsa-server.key.der"))?;
/// let scheme = SignatureScheme::RSA_PSS_SHA256;
/// let mut sig = [0u8; MAX_SIGNATURE_LEN];
/// let n = key.sign_message(scheme, b"message", &mut UnwrapErr(getrandom::SysRng), &mut sig)?;
/// key.public_key().verify(scheme, b"message", &sig[..n])?;
/// Ring.verify(&key.public_key(), scheme, b"message", &sig[..n])?;
/// # Ok::<(), sansio_tls::Error>(())
/// ```
pub struct RingSigningKey {
    ring: RingKeyPair,
    key: SigningKey,
    schemes: &'static [SignatureScheme],
}

impl core::fmt::Debug for RingSigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RingSigningKey").field("key", &self.key).field("schemes", &self.schemes).finish()
    }
}

/// *ring* refused a key that RustCrypto took.
const RING_REFUSED: Error = Error::Decode.because("ring refuses the private key");

impl RingSigningKey {
    /// Loads a DER PKCS#8 `PrivateKeyInfo` (RFC 5208): EC P-256, P-384
    /// (feature `p384`) or rsaEncryption (feature `rsa`, 2048 to 4096 bits).
    /// Errors as [`SigningKey::from_pkcs8_der`], and `Err(Error::Decode)` if
    /// *ring* refuses a key RustCrypto took.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, Error> {
        Self::build(SigningKey::from_pkcs8_der(der)?, der)
    }

    /// Loads a DER private key: PKCS#8, SEC1 `ECPrivateKey` or PKCS#1
    /// `RSAPrivateKey`, as [`SigningKey::from_der`].
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        Self::build(SigningKey::from_der(der)?, der)
    }

    /// *ring*'s copy of `key`, which was parsed from `der`. ECDSA keys go to
    /// *ring* as their scalar and public point (*ring*'s PKCS#8 parser wants
    /// the public key inside the PKCS#8, and takes no SEC1), which *ring*
    /// checks against each other; RSA keys as the PKCS#8 or PKCS#1 DER.
    fn build(key: SigningKey, der: &[u8]) -> Result<Self, Error> {
        let rng = SystemRandom::new();
        let (ring, schemes) = match &key {
            SigningKey::EcdsaP256(k) => {
                let mut scalar = k.to_bytes();
                let point = k.verifying_key().to_sec1_point(false);
                let pair = rsig::EcdsaKeyPair::from_private_key_and_public_key(
                    &rsig::ECDSA_P256_SHA256_ASN1_SIGNING,
                    &scalar,
                    point.as_bytes(),
                    &rng,
                );
                scalar.as_mut_slice().zeroize();
                (RingKeyPair::Ecdsa(pair.map_err(|_| RING_REFUSED)?), RING_P256_SCHEMES)
            }
            #[cfg(feature = "p384")]
            SigningKey::EcdsaP384(k) => {
                let mut scalar = k.to_bytes();
                let point = k.verifying_key().to_sec1_point(false);
                let pair = rsig::EcdsaKeyPair::from_private_key_and_public_key(
                    &rsig::ECDSA_P384_SHA384_ASN1_SIGNING,
                    &scalar,
                    point.as_bytes(),
                    &rng,
                );
                scalar.as_mut_slice().zeroize();
                (RingKeyPair::Ecdsa(pair.map_err(|_| RING_REFUSED)?), RING_P384_SCHEMES)
            }
            #[cfg(feature = "rsa")]
            SigningKey::Rsa(_) => {
                let pair = rsig::RsaKeyPair::from_pkcs8(der)
                    .or_else(|_| rsig::RsaKeyPair::from_der(der))
                    .map_err(|_| RING_REFUSED)?;
                // The same key, whichever parser read it.
                let public = super::RsaPublicKey::from_pkcs1_der(pair.public().as_ref()).map_err(|_| RING_REFUSED)?;
                if PublicKey::Rsa(public) != key.public_key() {
                    return Err(RING_REFUSED);
                }
                (RingKeyPair::Rsa(pair), super::sign::RSA_SCHEMES)
            }
        };
        let _ = der;
        Ok(RingSigningKey { ring, key, schemes })
    }

    /// The RustCrypto copy of the key.
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// `Err(HandshakeFailure)` for a scheme *ring* does not sign with for
    /// this key.
    fn check(&self, scheme: SignatureScheme) -> Result<(), Error> {
        if self.schemes.contains(&scheme) { Ok(()) } else { Err(CANNOT_SIGN) }
    }
}

impl SignatureKey for RingSigningKey {
    fn kind(&self) -> KeyKind {
        self.key.kind()
    }

    fn schemes(&self) -> &[SignatureScheme] {
        self.schemes
    }

    fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    /// Signs the digest with the RustCrypto copy of the key (*ring* signs
    /// whole messages only), for the schemes of [`schemes`](Self::schemes).
    fn sign_digest(
        &self,
        scheme: SignatureScheme,
        digest: &[u8],
        rng: &mut dyn rand_core::CryptoRng,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.check(scheme)?;
        self.key.sign_prehashed(scheme, digest, rng, out)
    }

    /// Signs `message` with *ring*; `rng` is not used (*ring* draws from
    /// the OS).
    fn sign_message(
        &self,
        scheme: SignatureScheme,
        message: &[u8],
        _rng: &mut dyn rand_core::CryptoRng,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.check(scheme)?;
        let rng = SystemRandom::new();
        match &self.ring {
            RingKeyPair::Ecdsa(pair) => {
                let sig = pair.sign(&rng, message).map_err(|_| Error::Internal)?;
                write_signature(sig.as_ref(), out)
            }
            #[cfg(feature = "rsa")]
            RingKeyPair::Rsa(pair) => {
                let padding: &'static dyn rsig::RsaEncoding = match scheme {
                    SignatureScheme::RSA_PSS_SHA256 => &rsig::RSA_PSS_SHA256,
                    SignatureScheme::RSA_PSS_SHA384 => &rsig::RSA_PSS_SHA384,
                    SignatureScheme::RSA_PSS_SHA512 => &rsig::RSA_PSS_SHA512,
                    SignatureScheme::RSA_PKCS1_SHA256 => &rsig::RSA_PKCS1_SHA256,
                    SignatureScheme::RSA_PKCS1_SHA384 => &rsig::RSA_PKCS1_SHA384,
                    SignatureScheme::RSA_PKCS1_SHA512 => &rsig::RSA_PKCS1_SHA512,
                    _ => return Err(CANNOT_SIGN),
                };
                let k = pair.public().modulus_len();
                let out = out.get_mut(..k).ok_or(Error::BufferTooSmall.because("signature buffer too small"))?;
                pair.sign(padding, &rng, message, out).map_err(|_| Error::Internal)?;
                Ok(k)
            }
        }
    }
}

#[cfg(test)]
mod tests;

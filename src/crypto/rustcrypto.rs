//! The default provider: the RustCrypto crates (sha2, hmac, aes-gcm,
//! chacha20poly1305, x25519-dalek, p256, p384, and crypto-bigint for RSA).
//! no_std, no heap, and everything draws randomness from the connection's
//! RNG.

use aes_gcm::Aes128Gcm;
#[cfg(feature = "aes256")]
use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{AeadInOut, KeyInit};
#[cfg(feature = "chacha20")]
use chacha20poly1305::ChaCha20Poly1305;
use hmac::{Hmac, Mac};
use sha2::Sha256;
#[cfg(feature = "sha384")]
use sha2::{Sha384, Sha512};

use super::aead::AeadAlg;
use super::hash::{DigestAlg, HashAlg, HashOutput, finish, update};
use super::kx::{EphemeralSecret, PublicShare};
use super::provider::{AeadKey, HashState, Provider};
use super::verify::PublicKey;
use crate::codec::{NamedGroup, SignatureScheme};
use crate::error::Error;

/// The RustCrypto provider, the default of every config.
///
/// ```
/// use sansio_tls::crypto::{Provider, RustCrypto, DigestAlg, HashState};
/// let mut h = RustCrypto.hash(DigestAlg::Sha256);
/// h.update(b"abc");
/// assert_eq!(h.finish().as_ref()[..4], [0xba, 0x78, 0x16, 0xbf]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RustCrypto;

/// A RustCrypto hash state.
#[derive(Clone)]
pub enum RustCryptoHash {
    /// SHA-256.
    Sha256(Sha256),
    /// SHA-384.
    #[cfg(feature = "sha384")]
    Sha384(Sha384),
    /// SHA-512.
    #[cfg(feature = "sha384")]
    Sha512(Sha512),
}

impl HashState for RustCryptoHash {
    fn update(&mut self, data: &[u8]) {
        match self {
            RustCryptoHash::Sha256(h) => update(h, data),
            #[cfg(feature = "sha384")]
            RustCryptoHash::Sha384(h) => update(h, data),
            #[cfg(feature = "sha384")]
            RustCryptoHash::Sha512(h) => update(h, data),
        }
    }

    fn finish(self) -> HashOutput {
        match self {
            RustCryptoHash::Sha256(h) => finish(h),
            #[cfg(feature = "sha384")]
            RustCryptoHash::Sha384(h) => finish(h),
            #[cfg(feature = "sha384")]
            RustCryptoHash::Sha512(h) => finish(h),
        }
    }
}

/// A RustCrypto HMAC state; the key schedule is erased when dropped.
#[derive(Clone)]
pub enum RustCryptoHmac {
    /// HMAC-SHA-256.
    Sha256(Hmac<Sha256>),
    /// HMAC-SHA-384.
    #[cfg(feature = "aes256")]
    Sha384(Hmac<Sha384>),
}

/// Feeds an HMAC; out of line, so that the HMAC code is linked once.
#[inline(never)]
fn mac_update<M: Mac>(m: &mut M, data: &[u8]) {
    m.update(data);
}

/// The tag of an HMAC; out of line likewise.
#[inline(never)]
fn mac_finish<M: Mac>(m: M) -> HashOutput {
    HashOutput::from_slice(&m.finalize().into_bytes())
}

impl HashState for RustCryptoHmac {
    fn update(&mut self, data: &[u8]) {
        match self {
            RustCryptoHmac::Sha256(m) => mac_update(m, data),
            #[cfg(feature = "aes256")]
            RustCryptoHmac::Sha384(m) => mac_update(m, data),
        }
    }

    fn finish(self) -> HashOutput {
        match self {
            RustCryptoHmac::Sha256(m) => mac_finish(m),
            #[cfg(feature = "aes256")]
            RustCryptoHmac::Sha384(m) => mac_finish(m),
        }
    }
}

/// A RustCrypto AEAD key schedule (the crates erase it when dropped).
// No heap to box the key schedules into.
#[allow(clippy::large_enum_variant)]
pub enum RustCryptoAead {
    /// AES-128-GCM.
    Aes128Gcm(Aes128Gcm),
    /// AES-256-GCM.
    #[cfg(feature = "aes256")]
    Aes256Gcm(Aes256Gcm),
    /// ChaCha20-Poly1305.
    #[cfg(feature = "chacha20")]
    ChaCha20Poly1305(ChaCha20Poly1305),
}

impl AeadKey for RustCryptoAead {
    fn seal_in_place(&self, nonce: &[u8; 12], aad: &[u8], data: &mut [u8]) -> Result<[u8; 16], Error> {
        let tag = match self {
            RustCryptoAead::Aes128Gcm(c) => c.encrypt_inout_detached(nonce.into(), aad, data.into()),
            #[cfg(feature = "aes256")]
            RustCryptoAead::Aes256Gcm(c) => c.encrypt_inout_detached(nonce.into(), aad, data.into()),
            #[cfg(feature = "chacha20")]
            RustCryptoAead::ChaCha20Poly1305(c) => c.encrypt_inout_detached(nonce.into(), aad, data.into()),
        }
        .map_err(|_| Error::Internal)?;
        Ok(tag.into())
    }

    fn open_in_place(&self, nonce: &[u8; 12], aad: &[u8], data: &mut [u8], tag: &[u8; 16]) -> Result<(), Error> {
        match self {
            RustCryptoAead::Aes128Gcm(c) => c.decrypt_inout_detached(nonce.into(), aad, data.into(), tag.into()),
            #[cfg(feature = "aes256")]
            RustCryptoAead::Aes256Gcm(c) => c.decrypt_inout_detached(nonce.into(), aad, data.into(), tag.into()),
            #[cfg(feature = "chacha20")]
            RustCryptoAead::ChaCha20Poly1305(c) => c.decrypt_inout_detached(nonce.into(), aad, data.into(), tag.into()),
        }
        .map_err(|_| Error::BadRecordMac)
    }
}

impl Provider for RustCrypto {
    type Hash = RustCryptoHash;
    type Hmac = RustCryptoHmac;
    type Aead = RustCryptoAead;
    type KeyShare = EphemeralSecret;

    fn hash(&self, alg: DigestAlg) -> RustCryptoHash {
        use sha2::Digest as _;
        match alg {
            DigestAlg::Sha256 => RustCryptoHash::Sha256(Sha256::new()),
            #[cfg(feature = "sha384")]
            DigestAlg::Sha384 => RustCryptoHash::Sha384(Sha384::new()),
            #[cfg(feature = "sha384")]
            DigestAlg::Sha512 => RustCryptoHash::Sha512(Sha512::new()),
        }
    }

    fn hmac(&self, alg: HashAlg, key: &[u8]) -> RustCryptoHmac {
        // HMAC takes keys of any length (RFC 2104 hashes long ones), so
        // `new_from_slice` cannot fail; an empty key stands in regardless.
        fn keyed<M: Mac + KeyInit>(key: &[u8]) -> M {
            <M as KeyInit>::new_from_slice(key).unwrap_or_else(|_| <M as KeyInit>::new(&Default::default()))
        }
        match alg {
            HashAlg::Sha256 => RustCryptoHmac::Sha256(keyed(key)),
            #[cfg(feature = "aes256")]
            HashAlg::Sha384 => RustCryptoHmac::Sha384(keyed(key)),
        }
    }

    fn aead(&self, alg: AeadAlg, key: &[u8]) -> Result<RustCryptoAead, Error> {
        let bad = |_| Error::Internal;
        Ok(match alg {
            AeadAlg::Aes128Gcm => RustCryptoAead::Aes128Gcm(Aes128Gcm::new_from_slice(key).map_err(bad)?),
            #[cfg(feature = "aes256")]
            AeadAlg::Aes256Gcm => RustCryptoAead::Aes256Gcm(Aes256Gcm::new_from_slice(key).map_err(bad)?),
            #[cfg(feature = "chacha20")]
            AeadAlg::ChaCha20Poly1305 => {
                RustCryptoAead::ChaCha20Poly1305(ChaCha20Poly1305::new_from_slice(key).map_err(bad)?)
            }
        })
    }

    fn key_share<R: rand_core::CryptoRng + ?Sized>(
        &self,
        group: NamedGroup,
        rng: &mut R,
    ) -> Result<(EphemeralSecret, PublicShare), Error> {
        EphemeralSecret::generate(group, rng)
    }

    fn verify(&self, key: &PublicKey, scheme: SignatureScheme, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        key.verify(scheme, message, signature)
    }
}

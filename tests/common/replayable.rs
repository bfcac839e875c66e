//! The provider of the tests that replay what seeded RNGs made (recorded
//! transcripts, one script run twice, case tables built from an honest
//! run): ECDHE keys must come from the connection's RNG, which *ring*
//! cannot take (its `SecureRandom` is sealed).
//!
//! [`Replayable`] is the default provider, except that with
//! `--cfg sansio_tls_ring_default` it is [`SeededKeyShares`] over it: *ring*
//! for every primitive but the key shares, which RustCrypto makes from the
//! caller's RNG. That is the composition a hardware provider is, too (the
//! parts it has, and RustCrypto for the rest).

#![allow(dead_code)]

use sansio_tls::crypto::{AeadAlg, DigestAlg, EphemeralSecret, HashAlg, Provider, PublicKey, PublicShare};
use sansio_tls::{Error, NamedGroup, SignatureScheme};

/// `P` for everything but [`Provider::key_share`], which is RustCrypto's
/// ([`EphemeralSecret`], drawn from the connection's RNG).
#[derive(Clone, Copy, Debug, Default)]
pub struct SeededKeyShares<P>(pub P);

impl<P: Provider> Provider for SeededKeyShares<P> {
    type Hash = P::Hash;
    type Hmac = P::Hmac;
    type Aead = P::Aead;
    type KeyShare = EphemeralSecret;

    fn hash(&self, alg: DigestAlg) -> P::Hash {
        self.0.hash(alg)
    }

    fn hmac(&self, alg: HashAlg, key: &[u8]) -> P::Hmac {
        self.0.hmac(alg, key)
    }

    fn aead(&self, alg: AeadAlg, key: &[u8]) -> Result<P::Aead, Error> {
        self.0.aead(alg, key)
    }

    fn key_share<R: rand_core::CryptoRng + ?Sized>(
        &self,
        group: NamedGroup,
        rng: &mut R,
    ) -> Result<(EphemeralSecret, PublicShare), Error> {
        EphemeralSecret::generate(group, rng)
    }

    fn verify(&self, key: &PublicKey, scheme: SignatureScheme, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        self.0.verify(key, scheme, message, signature)
    }

    fn verify_prehashed(
        &self,
        key: &PublicKey,
        scheme: SignatureScheme,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        self.0.verify_prehashed(key, scheme, digest, signature)
    }
}

/// The default provider, with key shares from the connection's RNG.
#[cfg(all(feature = "ring", sansio_tls_ring_default))]
pub type Replayable = SeededKeyShares<sansio_tls::config::DefaultProvider>;
/// The default provider (RustCrypto: its key shares come from the
/// connection's RNG already).
#[cfg(not(all(feature = "ring", sansio_tls_ring_default)))]
pub type Replayable = sansio_tls::config::DefaultProvider;

/// The value of [`Replayable`].
pub fn replayable() -> Replayable {
    Replayable::default()
}

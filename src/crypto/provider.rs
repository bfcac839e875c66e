//! The crypto provider traits.

use super::aead::AeadAlg;
use super::hash::{DigestAlg, HashAlg, HashOutput};
use super::kx::{PublicShare, SharedSecret};
use super::verify::PublicKey;
use crate::codec::{NamedGroup, SignatureScheme};
use crate::error::Error;

/// The crypto primitives of a connection, chosen per config.
///
/// The protocol code (the transcript, the PRF, nonce and additional-data
/// construction, key derivation, every length and encoding check) is the
/// engine's and does not change with the provider. A provider supplies only
/// the primitives under it:
///
/// | primitive | trait item | used for |
/// |---|---|---|
/// | SHA-256 / SHA-384 / SHA-512 | [`Provider::hash`] → [`HashState`] | the transcript, signature digests |
/// | HMAC-SHA-256 / -384 | [`Provider::hmac`] → [`HashState`] | the PRF (master secret, key block, Finished) |
/// | AES-GCM, ChaCha20-Poly1305 | [`Provider::aead`] → [`AeadKey`] | record protection, in place |
/// | ECDHE (X25519, P-256, P-384) | [`Provider::key_share`] → [`KeyShare`] | ServerKeyExchange / ClientKeyExchange |
/// | signature verification | [`Provider::verify`], [`Provider::verify_prehashed`] | ServerKeyExchange, CertificateVerify |
///
/// Signing stays with the key object ([`SignatureKey`](super::SignatureKey)),
/// which is where a hardware key or another library's key plugs in.
///
/// The states are associated types, so the record layer calls the
/// provider's AEAD directly: no dynamic dispatch per record, no heap. A
/// connection takes its provider from its config ([`ServerConfig::provider`](crate::ServerConfig::provider),
/// [`ClientConfig::provider`](crate::ClientConfig::provider), set with
/// `with_provider`); the default is [`RustCrypto`](super::RustCrypto).
///
/// A provider for a hardware engine implements the traits for the parts it
/// accelerates and delegates the rest to [`RustCrypto`](super::RustCrypto)
/// (see `examples/counting_provider.rs`, a provider that wraps RustCrypto
/// and counts every call).
///
/// A provider is a small `Copy` value (usually a unit struct; a handle to a
/// hardware engine at most): each connection keeps a copy. Implementations
/// must be `Send + Sync + Unpin` (one config serves connections on many threads),
/// and so must their states (a connection moves between threads). States
/// that hold key material must erase it when dropped (the `Ring` provider
/// of the `ring` feature cannot: *ring* does not erase its own states, as
/// its docs say).
pub trait Provider: Copy + Send + Sync + Unpin + 'static {
    /// A running hash.
    type Hash: HashState;
    /// A running HMAC, keyed.
    type Hmac: HashState;
    /// One direction's AEAD key schedule.
    type Aead: AeadKey;
    /// An ephemeral ECDHE private key.
    type KeyShare: KeyShare;

    /// A fresh hash of `alg`.
    fn hash(&self, alg: DigestAlg) -> Self::Hash;

    /// An HMAC of `alg` keyed with `key` (any length, RFC 2104).
    fn hmac(&self, alg: HashAlg, key: &[u8]) -> Self::Hmac;

    /// The key schedule of `alg` for `key` (`alg.key_len()` bytes; anything
    /// else is `Err(Error::Internal)`).
    fn aead(&self, alg: AeadAlg, key: &[u8]) -> Result<Self::Aead, Error>;

    /// A new ephemeral key pair on `group`, and its public share as it goes
    /// on the wire (32 bytes for X25519, an uncompressed point for the NIST
    /// curves). `rng` is the connection's: a provider that can only draw
    /// from its own source (ring's is sealed) says so in its docs.
    /// `Err(Error::HandshakeFailure)` for a group it does not do.
    fn key_share<R: rand_core::CryptoRng + ?Sized>(
        &self,
        group: NamedGroup,
        rng: &mut R,
    ) -> Result<(Self::KeyShare, PublicShare), Error>;

    /// Verifies `signature` over `message` with `key`, hashing with the
    /// scheme's hash. `Err(Error::DecryptError)` for a bad signature,
    /// `Err(Error::IllegalParameter)` for a scheme that does not fit the key.
    fn verify(&self, key: &PublicKey, scheme: SignatureScheme, message: &[u8], signature: &[u8]) -> Result<(), Error>;

    /// Verifies `signature` over a `digest` already made with the scheme's
    /// hash (a TLS 1.2 CertificateVerify covers the handshake messages, of
    /// which the connection keeps only the running hash). The default
    /// verifies with [`RustCrypto`](super::RustCrypto), for providers whose
    /// library only verifies whole messages.
    fn verify_prehashed(
        &self,
        key: &PublicKey,
        scheme: SignatureScheme,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        key.verify_prehashed(scheme, digest, signature)
    }
}

/// A running hash (or HMAC): fed in pieces, finished once. `Clone` takes a
/// snapshot (the transcript hash at a Finished message keeps running).
pub trait HashState: Clone + Send + Sync + Unpin {
    /// Feeds `data`.
    fn update(&mut self, data: &[u8]);
    /// The digest (or MAC) of everything fed.
    fn finish(self) -> HashOutput;
}

/// One direction's AEAD key: seals and opens in place with a 12-byte nonce
/// and a 16-byte tag. The engine builds the nonce and additional data of
/// each record (RFC 5288, RFC 7905); the key only runs the cipher.
pub trait AeadKey: Send + Sync + Unpin {
    /// Encrypts `data` in place under `nonce`, authenticating `aad` too;
    /// returns the tag.
    fn seal_in_place(&self, nonce: &[u8; 12], aad: &[u8], data: &mut [u8]) -> Result<[u8; 16], Error>;

    /// Checks `tag` over `aad` and the ciphertext `data`, and decrypts
    /// `data` in place. `Err` (any error; the engine reports
    /// `bad_record_mac`) if authentication fails; `data` is then
    /// unspecified.
    fn open_in_place(&self, nonce: &[u8; 12], aad: &[u8], data: &mut [u8], tag: &[u8; 16]) -> Result<(), Error>;
}

/// An ephemeral ECDHE private key, used once.
pub trait KeyShare: Send + Sync + Unpin {
    /// Its group.
    fn group(&self) -> NamedGroup;

    /// The shared secret with the peer's public share (as on the wire),
    /// consuming the key. `Err(Error::IllegalParameter)` for a share of the
    /// wrong length or not on the curve, and for an all-zero X25519 result
    /// (RFC 7748 §6.1).
    fn agree(self, peer: &[u8]) -> Result<SharedSecret, Error>;
}

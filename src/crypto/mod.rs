//! The crypto provider and keys: the [`Provider`] traits a connection's
//! primitives run on ([`RustCrypto`] by default, `Ring` with the `ring`
//! feature, or the application's own), the private keys the handshake signs
//! with (in memory, or behind the [`SignatureKey`] trait), the public keys
//! of certificates, hashes for fingerprints and session contexts, and the
//! names in a certificate. No heap.
//!
//! The engine's protocol code over the primitives (the transcript, the PRF
//! and key derivation, record nonces and additional data, ticket sealing)
//! is internal.

mod aead;
mod der_reader;
mod hash;
mod key;
mod kx;
mod prf;
mod provider;
#[cfg(feature = "ring")]
mod ring_provider;
#[cfg(feature = "rsa")]
mod rsa_verify;
mod rustcrypto;
mod sign;
mod ticket;
mod verify;

pub use aead::AeadAlg;
pub use hash::{DigestAlg, HashAlg, HashOutput, context_digest, hash};
pub use key::KeyKind;
pub use kx::{EphemeralSecret, PublicShare, SharedSecret};
pub use provider::{AeadKey, HashState, KeyShare, Provider};
#[cfg(feature = "ring")]
pub use ring_provider::{Ring, RingAead, RingHash, RingHmac, RingKeyShare, RingSigningKey};
#[cfg(feature = "rsa")]
pub use rsa_verify::RsaPublicKey;
pub use rustcrypto::{RustCrypto, RustCryptoAead, RustCryptoHash, RustCryptoHmac};
#[cfg(all(feature = "alloc", feature = "rsa"))]
pub use sign::RsaSigningKey;
pub use sign::{MAX_SIGNATURE_LEN, SignatureKey, SigningKey};
pub use verify::{PublicKey, RSA_MAX_BITS, RSA_MIN_BITS, certificate_issuer, certificate_subject};

/// Builds the P-256 base-point tables of the `precomputed-tables` feature
/// now. They are otherwise built lazily by the first P-256 key generation
/// or ECDSA signature, inside a handshake: a one-off spike of about 55 KB
/// of stack, after which the tables hold about 25 KB of RAM for good. A
/// firmware calls this at boot, where that stack is free, so the spike
/// never lands in a handshake. Later calls do nothing; without the feature
/// there are no tables and this does nothing.
///
/// ```
/// // At boot, before the first connection:
/// sansio_tls::crypto::precompute_tables();
/// ```
pub fn precompute_tables() {
    #[cfg(feature = "precomputed-tables")]
    {
        use p256::elliptic_curve::group::Group;
        let _ = p256::ProjectivePoint::mul_by_generator(&p256::Scalar::ONE);
    }
}

pub(crate) use key::scheme_transcript_hash;
#[cfg(feature = "server")]
pub(crate) use key::transcript_scheme_prefix;
internal! { use aead::{RecordCipher, TAG_LEN}; }
internal! { use hash::{Transcript, sha256}; }
internal! { use kx::SUPPORTED_GROUPS; }
internal! { use prf::{extended_master_secret, key_block, master_secret, verify_data}; }
#[cfg(feature = "server")]
internal! { use sign::sign_message; }
internal! { use ticket::{TICKET_NONCE_LEN, ticket_open, ticket_seal}; }

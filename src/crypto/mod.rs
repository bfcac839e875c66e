//! Cryptography for the TLS 1.2 engine, all on RustCrypto crates and without
//! a heap: hashes and the transcript, the PRF and key derivation, AEAD record
//! protection, ECDHE, and signing and verifying handshake signatures.

mod aead;
mod hash;
mod key;
mod kx;
mod prf;
mod sign;
mod ticket;
mod verify;

pub use aead::{AeadAlg, RecordCipher, TAG_LEN};
pub use hash::{HashAlg, HashOutput, Transcript, context_digest, hash, sha256};
pub use key::KeyKind;
pub(crate) use key::scheme_transcript_hash;
pub use kx::{EphemeralSecret, PublicShare, SUPPORTED_GROUPS, SharedSecret};
pub use prf::{extended_master_secret, key_block, master_secret, prf, verify_data};
#[cfg(feature = "alloc")]
pub use sign::RsaSigningKey;
pub use sign::{MAX_SIGNATURE_LEN, SignatureKey, SigningKey, sign_message};
pub use ticket::{TICKET_NONCE_LEN, ticket_open, ticket_seal};
pub use verify::{
    PublicKey, RSA_MAX_BITS, RSA_MAX_MODULUS_LEN, RSA_MIN_BITS, RsaPublicKey, certificate_issuer, certificate_subject,
};

//! Session-ticket protection (RFC 5077 §4's recommended construction, with
//! an AEAD instead of CBC + HMAC): AES-256-GCM under a key the application
//! owns and rotates.

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{AeadInOut, KeyInit};

use crate::error::Error;

/// Nonce length for ticket protection.
pub const TICKET_NONCE_LEN: usize = 12;

/// Encrypts `inout` in place with AES-256-GCM under `key`, binding `aad`;
/// returns the tag. `nonce` must never repeat under one key: draw it from the
/// connection's RNG.
pub fn ticket_seal(
    key: &[u8; 32],
    nonce: &[u8; TICKET_NONCE_LEN],
    aad: &[u8],
    inout: &mut [u8],
) -> Result<[u8; 16], Error> {
    let cipher = Aes256Gcm::new(key.into());
    let tag = cipher.encrypt_inout_detached(nonce.into(), aad, inout.into()).map_err(|_| Error::Internal)?;
    Ok(tag.into())
}

/// Decrypts `inout` in place; `Err(DecryptError)` if it was not sealed by
/// `key` with this nonce and aad.
pub fn ticket_open(
    key: &[u8; 32],
    nonce: &[u8; TICKET_NONCE_LEN],
    aad: &[u8],
    inout: &mut [u8],
    tag: &[u8; 16],
) -> Result<(), Error> {
    let cipher = Aes256Gcm::new(key.into());
    cipher
        .decrypt_inout_detached(nonce.into(), aad, inout.into(), tag.into())
        .map_err(|_| Error::DecryptError.because("session ticket not sealed by these ticket keys"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_and_tamper() {
        let key = [5u8; 32];
        let nonce = [1u8; 12];
        let mut data = *b"session state";
        let tag = ticket_seal(&key, &nonce, b"name", &mut data).unwrap();
        assert_ne!(&data, b"session state");
        let mut copy = data;
        ticket_open(&key, &nonce, b"name", &mut copy, &tag).unwrap();
        assert_eq!(&copy, b"session state");
        let mut copy = data;
        assert_eq!(ticket_open(&key, &nonce, b"other", &mut copy, &tag), Err(Error::DecryptError));
        let mut copy = data;
        assert_eq!(ticket_open(&[6; 32], &nonce, b"name", &mut copy, &tag), Err(Error::DecryptError));
        let mut copy = data;
        copy[0] ^= 1;
        assert_eq!(ticket_open(&key, &nonce, b"name", &mut copy, &tag), Err(Error::DecryptError));
    }
}

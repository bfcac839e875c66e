//! Record protection with AEAD ciphers: AES-GCM as in RFC 5288 (4-byte salt
//! from the key block, 8-byte explicit nonce on the wire) and
//! ChaCha20-Poly1305 as in RFC 7905 (12-byte IV XORed with the sequence
//! number, no explicit nonce). AES-256-GCM needs the `aes256` feature,
//! ChaCha20-Poly1305 the `chacha20` feature.

use zeroize::Zeroize;

use super::provider::{AeadKey, Provider};
use crate::error::Error;

/// The AEAD algorithm of a cipher suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AeadAlg {
    /// AES-128-GCM (RFC 5288).
    Aes128Gcm,
    /// AES-256-GCM (RFC 5288; feature `aes256`).
    #[cfg(feature = "aes256")]
    Aes256Gcm,
    /// ChaCha20-Poly1305 (RFC 7905; feature `chacha20`).
    #[cfg(feature = "chacha20")]
    ChaCha20Poly1305,
}

impl AeadAlg {
    /// Key length in bytes (`enc_key_length`).
    pub fn key_len(self) -> usize {
        match self {
            AeadAlg::Aes128Gcm => 16,
            #[cfg(feature = "aes256")]
            AeadAlg::Aes256Gcm => 32,
            #[cfg(feature = "chacha20")]
            AeadAlg::ChaCha20Poly1305 => 32,
        }
    }

    /// Length of the implicit IV taken from the key block (`fixed_iv_length`):
    /// 4 for GCM (the salt), 12 for ChaCha20-Poly1305.
    pub fn fixed_iv_len(self) -> usize {
        match self {
            AeadAlg::Aes128Gcm => 4,
            #[cfg(feature = "aes256")]
            AeadAlg::Aes256Gcm => 4,
            #[cfg(feature = "chacha20")]
            AeadAlg::ChaCha20Poly1305 => 12,
        }
    }

    /// Length of the explicit nonce that precedes the ciphertext in each
    /// record: 8 for GCM, 0 for ChaCha20-Poly1305.
    pub fn explicit_nonce_len(self) -> usize {
        match self {
            AeadAlg::Aes128Gcm => 8,
            #[cfg(feature = "aes256")]
            AeadAlg::Aes256Gcm => 8,
            #[cfg(feature = "chacha20")]
            AeadAlg::ChaCha20Poly1305 => 0,
        }
    }
}

/// Length of the authentication tag of every supported AEAD.
pub const TAG_LEN: usize = 16;

/// The record protection state of one direction: the provider's AEAD key
/// schedule and the implicit IV. The sequence number is kept by the caller.
///
/// Key material is erased when the value is dropped (the IV here, the key
/// schedule by the provider).
pub struct RecordCipher<A> {
    key: A,
    alg: AeadAlg,
    /// GCM: the 4-byte salt in `iv[..4]`; ChaCha20-Poly1305: the 12-byte IV.
    iv: [u8; 12],
}

impl<A> Drop for RecordCipher<A> {
    fn drop(&mut self) {
        self.iv.zeroize();
    }
}

impl<A> core::fmt::Debug for RecordCipher<A> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RecordCipher").field("alg", &self.alg).finish_non_exhaustive()
    }
}

/// `seq_num(8) || content_type(1) || version(2) || length(2)`.
fn aad(seq: u64, content_type: u8, len: usize) -> Option<[u8; 13]> {
    let len = u16::try_from(len).ok()?;
    let mut aad = [0u8; 13];
    aad[..8].copy_from_slice(&seq.to_be_bytes());
    aad[8] = content_type;
    aad[9] = 3;
    aad[10] = 3;
    aad[11..].copy_from_slice(&len.to_be_bytes());
    Some(aad)
}

/// A record that fails authentication: tampered, truncated, or under other
/// keys (the AEAD cannot tell which).
const BAD_RECORD: Error = Error::BadRecordMac.because("record authentication failed");

impl<A: AeadKey> RecordCipher<A> {
    /// Sets up one direction from the `write_key` and `write_IV` cut from the
    /// key block, with `provider`'s AEAD. `Err(Error::Internal)` if a length
    /// does not fit `alg`.
    pub fn new<P: Provider<Aead = A>>(provider: &P, alg: AeadAlg, key: &[u8], fixed_iv: &[u8]) -> Result<Self, Error> {
        if key.len() != alg.key_len() || fixed_iv.len() != alg.fixed_iv_len() {
            return Err(Error::Internal);
        }
        let key = provider.aead(alg, key)?;
        let mut iv = [0u8; 12];
        iv[..fixed_iv.len()].copy_from_slice(fixed_iv);
        Ok(RecordCipher { key, alg, iv })
    }

    /// The algorithm of this cipher.
    pub fn alg(&self) -> AeadAlg {
        self.alg
    }

    /// The 12-byte AEAD nonce for a record.
    ///
    /// GCM: `salt(4) || explicit_nonce(8)`; ChaCha20-Poly1305:
    /// `iv XOR (0u32 || seq BE)`.
    fn nonce(&self, seq: u64, explicit_nonce: &[u8]) -> Option<[u8; 12]> {
        let mut nonce = self.iv;
        #[cfg(feature = "chacha20")]
        if self.alg == AeadAlg::ChaCha20Poly1305 {
            if !explicit_nonce.is_empty() {
                return None;
            }
            for (n, s) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
                *n ^= s;
            }
            return Some(nonce);
        }
        // AES-GCM, either key size: the sequence number is in the explicit
        // nonce.
        let _ = seq;
        let explicit: &[u8; 8] = explicit_nonce.try_into().ok()?;
        nonce[4..].copy_from_slice(explicit);
        Some(nonce)
    }

    /// Protects one record.
    ///
    /// The additional data is `seq_num(8) || content_type(1) || 0x03 0x03 ||
    /// plaintext length(2)`. Encrypts `payload` in place, writes the explicit
    /// nonce (the sequence number big-endian for GCM; `explicit_nonce` must be
    /// empty for ChaCha20-Poly1305), and returns the tag.
    ///
    /// `Err(Error::Internal)` if `explicit_nonce` has the wrong length or the
    /// payload is longer than 65535 bytes.
    pub fn seal(
        &self,
        seq: u64,
        content_type: u8,
        explicit_nonce: &mut [u8],
        payload: &mut [u8],
    ) -> Result<[u8; TAG_LEN], Error> {
        if explicit_nonce.len() != self.alg().explicit_nonce_len() {
            return Err(Error::Internal);
        }
        // RFC 5288 §3: the explicit nonce may be the sequence number.
        explicit_nonce.copy_from_slice(&seq.to_be_bytes()[..explicit_nonce.len()]);
        let nonce = self.nonce(seq, explicit_nonce).ok_or(Error::Internal)?;
        let aad = aad(seq, content_type, payload.len()).ok_or(Error::Internal)?;
        self.key.seal_in_place(&nonce, &aad, payload).map_err(|_| Error::Internal)
    }

    /// Checks and decrypts one record in place.
    ///
    /// `explicit_nonce` is the 8 bytes before the ciphertext (GCM) or empty
    /// (ChaCha20-Poly1305); `tag` is the 16 bytes after it.
    /// `Err(Error::BadRecordMac)` if authentication fails or a length is wrong;
    /// the content of `payload` is then unspecified.
    pub fn open(
        &self,
        seq: u64,
        content_type: u8,
        explicit_nonce: &[u8],
        payload: &mut [u8],
        tag: &[u8],
    ) -> Result<(), Error> {
        let nonce = self.nonce(seq, explicit_nonce).ok_or(BAD_RECORD)?;
        let aad = aad(seq, content_type, payload.len()).ok_or(BAD_RECORD)?;
        let tag: &[u8; TAG_LEN] = tag.try_into().map_err(|_| BAD_RECORD)?;
        self.key.open_in_place(&nonce, &aad, payload, tag).map_err(|_| BAD_RECORD)
    }
}

// The unit tests cover every AEAD, so they need them all.
#[cfg(all(test, feature = "aes256", feature = "chacha20"))]
mod tests {
    use super::*;
    use crate::crypto::RustCrypto;
    use aes_gcm::aead::{AeadInOut, KeyInit};
    use aes_gcm::{Aes128Gcm, Aes256Gcm};
    use chacha20poly1305::ChaCha20Poly1305;

    type RecordCipher = super::RecordCipher<crate::crypto::RustCryptoAead>;

    const ALGS: [AeadAlg; 3] = [AeadAlg::Aes128Gcm, AeadAlg::Aes256Gcm, AeadAlg::ChaCha20Poly1305];

    fn cipher(alg: AeadAlg) -> RecordCipher {
        let key = [0x42u8; 32];
        let iv = [0x17u8; 12];
        RecordCipher::new(&RustCrypto, alg, &key[..alg.key_len()], &iv[..alg.fixed_iv_len()]).unwrap()
    }

    #[test]
    fn lengths() {
        assert_eq!(AeadAlg::Aes128Gcm.key_len(), 16);
        assert_eq!(AeadAlg::Aes256Gcm.key_len(), 32);
        assert_eq!(AeadAlg::ChaCha20Poly1305.key_len(), 32);
        assert_eq!(AeadAlg::Aes128Gcm.fixed_iv_len(), 4);
        assert_eq!(AeadAlg::ChaCha20Poly1305.fixed_iv_len(), 12);
        assert_eq!(AeadAlg::Aes256Gcm.explicit_nonce_len(), 8);
        assert_eq!(AeadAlg::ChaCha20Poly1305.explicit_nonce_len(), 0);
        for alg in ALGS {
            assert_eq!(
                RecordCipher::new(&RustCrypto, alg, &[0; 31], &[0; 12][..alg.fixed_iv_len()]).unwrap_err(),
                Error::Internal
            );
            assert_eq!(
                RecordCipher::new(&RustCrypto, alg, &[0; 32][..alg.key_len()], &[0; 5]).unwrap_err(),
                Error::Internal
            );
            assert_eq!(cipher(alg).alg(), alg);
        }
    }

    #[test]
    fn round_trip_and_tamper() {
        for alg in ALGS {
            let c = cipher(alg);
            let n = alg.explicit_nonce_len();
            let plain = *b"hello, record layer";
            let mut explicit = [0u8; 8];
            let mut buf = plain;
            let seq = 0x0102_0304_0506_0708;
            let tag = c.seal(seq, 23, &mut explicit[..n], &mut buf).unwrap();
            assert_ne!(buf, plain);
            if n == 8 {
                assert_eq!(explicit, seq.to_be_bytes());
            }

            let mut good = buf;
            c.open(seq, 23, &explicit[..n], &mut good, &tag).unwrap();
            assert_eq!(good, plain);

            // Flipped ciphertext bit.
            let mut bad = buf;
            bad[3] ^= 0x01;
            assert_eq!(c.open(seq, 23, &explicit[..n], &mut bad, &tag), Err(Error::BadRecordMac));
            // Flipped tag bit.
            let mut bad_tag = tag;
            bad_tag[15] ^= 0x80;
            let mut b = buf;
            assert_eq!(c.open(seq, 23, &explicit[..n], &mut b, &bad_tag), Err(Error::BadRecordMac));
            // Different sequence number (AAD and, for ChaCha, nonce).
            let mut b = buf;
            assert_eq!(c.open(seq + 1, 23, &explicit[..n], &mut b, &tag), Err(Error::BadRecordMac));
            // Different content type (AAD).
            let mut b = buf;
            assert_eq!(c.open(seq, 22, &explicit[..n], &mut b, &tag), Err(Error::BadRecordMac));
            // Wrong tag length.
            let mut b = buf;
            assert_eq!(c.open(seq, 23, &explicit[..n], &mut b, &tag[..15]), Err(Error::BadRecordMac));
            // Truncated payload changes the AAD length.
            let mut b = buf;
            assert_eq!(c.open(seq, 23, &explicit[..n], &mut b[..18], &tag), Err(Error::BadRecordMac));
            // Other key.
            let other = RecordCipher::new(
                &RustCrypto,
                alg,
                &[0x43u8; 32][..alg.key_len()],
                &[0x17u8; 12][..alg.fixed_iv_len()],
            )
            .unwrap();
            let mut b = buf;
            assert_eq!(other.open(seq, 23, &explicit[..n], &mut b, &tag), Err(Error::BadRecordMac));
            // Wrong explicit nonce length.
            let mut b = buf;
            assert_eq!(c.open(seq, 23, &[0u8; 4], &mut b, &tag), Err(Error::BadRecordMac));
            let mut short = [0u8; 4];
            let mut b = plain;
            assert_eq!(c.seal(seq, 23, &mut short, &mut b), Err(Error::Internal));
        }
    }

    #[test]
    fn gcm_explicit_nonce_is_used() {
        // For GCM the receiver takes the nonce from the record, not from its
        // own sequence number: a changed explicit nonce must fail.
        for alg in [AeadAlg::Aes128Gcm, AeadAlg::Aes256Gcm] {
            let c = cipher(alg);
            let mut explicit = [0u8; 8];
            let mut buf = *b"data";
            let tag = c.seal(5, 23, &mut explicit, &mut buf).unwrap();
            explicit[7] ^= 1;
            assert_eq!(c.open(5, 23, &explicit, &mut buf, &tag), Err(Error::BadRecordMac));
        }
    }

    #[test]
    fn empty_payload() {
        for alg in ALGS {
            let c = cipher(alg);
            let n = alg.explicit_nonce_len();
            let mut explicit = [0u8; 8];
            let tag = c.seal(0, 21, &mut explicit[..n], &mut []).unwrap();
            c.open(0, 21, &explicit[..n], &mut [], &tag).unwrap();
        }
    }

    /// Known answer against the plain crate APIs with the nonce and AAD the
    /// RFCs prescribe, computed here independently of `RecordCipher`.
    #[test]
    fn nonce_and_aad_construction() {
        let key = [0x42u8; 32];
        let seq: u64 = 0x1122_3344_5566_7788;
        let plain = *b"0123456789abcdef0123";
        let mut expected_aad = [0u8; 13];
        expected_aad[..8].copy_from_slice(&[0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]);
        expected_aad[8] = 23;
        expected_aad[9..11].copy_from_slice(&[3, 3]);
        expected_aad[11..].copy_from_slice(&[0, 20]);

        // AES-128-GCM: nonce = salt || seq.
        let salt = [0xa1, 0xa2, 0xa3, 0xa4];
        let rc = RecordCipher::new(&RustCrypto, AeadAlg::Aes128Gcm, &key[..16], &salt).unwrap();
        let mut explicit = [0u8; 8];
        let mut ours = plain;
        let our_tag = rc.seal(seq, 23, &mut explicit, &mut ours).unwrap();
        let mut nonce = [0u8; 12];
        nonce[..4].copy_from_slice(&salt);
        nonce[4..].copy_from_slice(&[0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]);
        let plain_api = Aes128Gcm::new_from_slice(&key[..16]).unwrap();
        let mut theirs = plain;
        let their_tag =
            plain_api.encrypt_inout_detached(&nonce.into(), &expected_aad, theirs.as_mut_slice().into()).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(our_tag[..], their_tag[..]);

        // AES-256-GCM likewise.
        let rc = RecordCipher::new(&RustCrypto, AeadAlg::Aes256Gcm, &key, &salt).unwrap();
        let mut ours = plain;
        let our_tag = rc.seal(seq, 23, &mut explicit, &mut ours).unwrap();
        let plain_api = Aes256Gcm::new_from_slice(&key).unwrap();
        let mut theirs = plain;
        let their_tag =
            plain_api.encrypt_inout_detached(&nonce.into(), &expected_aad, theirs.as_mut_slice().into()).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(our_tag[..], their_tag[..]);

        // ChaCha20-Poly1305: nonce = iv XOR (0u32 || seq).
        let iv = [0x0fu8, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4];
        let rc = RecordCipher::new(&RustCrypto, AeadAlg::ChaCha20Poly1305, &key, &iv).unwrap();
        let mut ours = plain;
        let our_tag = rc.seal(seq, 23, &mut [], &mut ours).unwrap();
        let nonce = [
            0x0f,
            0x1e,
            0x2d,
            0x3c,
            0x4b ^ 0x11,
            0x5a ^ 0x22,
            0x69 ^ 0x33,
            0x78 ^ 0x44,
            0x87 ^ 0x55,
            0x96 ^ 0x66,
            0xa5 ^ 0x77,
            0xb4 ^ 0x88,
        ];
        let plain_api = ChaCha20Poly1305::new_from_slice(&key).unwrap();
        let mut theirs = plain;
        let their_tag =
            plain_api.encrypt_inout_detached(&nonce.into(), &expected_aad, theirs.as_mut_slice().into()).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(our_tag[..], their_tag[..]);
    }

    /// RFC 7905 does not ship a TLS-record vector, but RFC 8439 §2.8.2 is the
    /// underlying AEAD: check the crate agrees with it so the known answer above
    /// stands on a tested primitive.
    #[test]
    fn chacha20poly1305_rfc8439_vector() {
        use crate::crypto::hash::tests::unhex;
        let key = unhex::<32>("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        let nonce = unhex::<12>("070000004041424344454647");
        let aad = unhex::<12>("50515253c0c1c2c3c4c5c6c7");
        let mut msg = *b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
        let c = ChaCha20Poly1305::new_from_slice(&key).unwrap();
        let tag = c.encrypt_inout_detached(&nonce.into(), &aad, msg.as_mut_slice().into()).unwrap();
        assert_eq!(tag[..], unhex::<16>("1ae10b594f09e26a7e902ecbd0600691"));
        assert_eq!(msg[..8], unhex::<8>("d31a8d34648e60db"));
    }
}

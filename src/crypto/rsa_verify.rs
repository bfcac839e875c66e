//! RSA signature verification (feature `rsa`): PKCS#1 v1.5 and PSS over
//! crypto-bigint modular exponentiation, for keys of 2048 to 4096 bits.

use core::cmp::Ordering;

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U64, U2048, U3072, U4096, Uint};
use subtle::ConstantTimeEq;

use super::der_reader::{self, DerReader, Malformed, tag};
use super::hash::{DigestAlg, HashOutput};
use super::key::{SchemeAlg, scheme_parts};
use super::verify::{BAD_SIGNATURE, DIGEST_NOT_FOR_SCHEME, RSA_MAX_BITS, RSA_MIN_BITS, SCHEME_NOT_FOR_KEY};
use crate::codec::SignatureScheme;
use crate::error::Error;

/// Largest RSA modulus we accept, in bytes (4096 bits).
pub const RSA_MAX_MODULUS_LEN: usize = 512;

/// An RSA public key of 2048 to 4096 bits, stored inline.
///
/// ```
/// use sansio_tls::crypto::PublicKey;
/// let cert: &[u8] = include_bytes!("../../vectors/pki/rsa-server.der");
/// let PublicKey::Rsa(key) = PublicKey::from_certificate_der(cert)? else { unreachable!() };
/// assert_eq!(key.bits(), 2048);
/// assert_eq!(key.exponent(), 65537);
/// assert_eq!(key.modulus().len(), 256);
/// # Ok::<(), sansio_tls::Error>(())
/// ```
#[derive(Clone)]
pub struct RsaPublicKey {
    /// Big-endian modulus without leading zeros in `modulus[..len]`.
    modulus: [u8; RSA_MAX_MODULUS_LEN],
    len: usize,
    exponent: u32,
}

impl core::fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RsaPublicKey")
            .field("bits", &self.bits())
            .field("exponent", &self.exponent)
            .finish_non_exhaustive()
    }
}

impl PartialEq for RsaPublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.modulus() == other.modulus() && self.exponent == other.exponent
    }
}

impl Eq for RsaPublicKey {}

impl RsaPublicKey {
    /// A key from its big-endian modulus (leading zero bytes allowed) and
    /// public exponent.
    ///
    /// `Err(Error::UnsupportedCertificate)` if the modulus is not 2048 to 4096
    /// bits; `Err(Error::BadCertificate)` if the modulus is even or the
    /// exponent is even or below 3.
    pub fn new(modulus: &[u8], exponent: u32) -> Result<Self, Error> {
        let start = modulus.iter().position(|&b| b != 0).unwrap_or(modulus.len());
        let modulus = modulus.get(start..).unwrap_or(&[]);
        let len = modulus.len();
        let bits = match modulus.first() {
            Some(&top) => len * 8 - top.leading_zeros() as usize,
            None => 0,
        };
        if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
            return Err(Error::UnsupportedCertificate.because("RSA key outside 2048 to 4096 bits"));
        }
        if modulus.last().is_none_or(|b| b & 1 == 0) || exponent < 3 || exponent & 1 == 0 {
            return Err(Error::BadCertificate.because("RSA key has an even modulus or an invalid exponent"));
        }
        let mut key = RsaPublicKey { modulus: [0u8; RSA_MAX_MODULUS_LEN], len, exponent };
        key.modulus
            .get_mut(..len)
            .ok_or(Error::UnsupportedCertificate.because("RSA key outside 2048 to 4096 bits"))?
            .copy_from_slice(modulus);
        Ok(key)
    }

    /// Parses a DER `RSAPublicKey` (RFC 8017 §A.1.1), the content of the
    /// subjectPublicKey BIT STRING of an rsaEncryption SPKI.
    ///
    /// `Err(Error::BadCertificate)` if it does not parse or the exponent does
    /// not fit in 32 bits, otherwise as [`RsaPublicKey::new`].
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, Error> {
        let parse = || -> Result<(&[u8], &[u8]), Malformed> {
            let mut key = DerReader::new(der_reader::single(der, tag::SEQUENCE)?);
            let n = der_reader::unsigned_integer(key.contents(tag::INTEGER)?)?;
            let e = der_reader::unsigned_integer(key.contents(tag::INTEGER)?)?;
            key.finish()?;
            Ok((n, e))
        };
        let (n, e) = parse().map_err(|_| Error::BadCertificate.because("RSA public key does not parse"))?;
        if e.len() > 4 {
            return Err(Error::BadCertificate.because("RSA public exponent longer than 32 bits"));
        }
        let exponent = e.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        Self::new(n, exponent)
    }

    /// The big-endian modulus, without leading zeros.
    pub fn modulus(&self) -> &[u8] {
        &self.modulus[..self.len]
    }

    /// The public exponent.
    pub fn exponent(&self) -> u32 {
        self.exponent
    }

    /// The modulus length in bits.
    pub fn bits(&self) -> usize {
        match self.modulus().first() {
            Some(&top) => self.len * 8 - top.leading_zeros() as usize,
            None => 0,
        }
    }

    /// Computes `signature^e mod n` into `out[..k]` (k = modulus length),
    /// checking `signature < n`. `Err(Error::DecryptError)` for a signature
    /// of the wrong length or out of range.
    fn public_op<'o>(&self, signature: &[u8], out: &'o mut [u8; RSA_MAX_MODULUS_LEN]) -> Result<&'o [u8], Error> {
        let k = self.len;
        if signature.len() != k {
            return Err(Error::DecryptError.because("RSA signature length differs from the modulus length"));
        }
        let em = out.get_mut(..k).ok_or(Error::Internal)?;
        if k <= U2048::BYTES {
            modexp::<{ U2048::LIMBS }>(self.modulus(), self.exponent, signature, em)?;
        } else if k <= U3072::BYTES {
            modexp::<{ U3072::LIMBS }>(self.modulus(), self.exponent, signature, em)?;
        } else {
            modexp::<{ U4096::LIMBS }>(self.modulus(), self.exponent, signature, em)?;
        }
        Ok(em)
    }

    /// Verifies an RSASSA-PKCS1-v1_5 or RSASSA-PSS signature over
    /// `message`, or over `digest` when `message` is `None`.
    pub(super) fn verify(
        &self,
        scheme: SignatureScheme,
        message: Option<&[u8]>,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        let (padding, hash) = rsa_scheme(scheme).ok_or(SCHEME_NOT_FOR_KEY)?;
        let mut buf = [0u8; RSA_MAX_MODULUS_LEN];
        let em = self.public_op(signature, &mut buf)?;
        let m_hash = match message {
            Some(m) => hash.digest(&[m]),
            None if digest.len() == hash.output_len() => HashOutput::from_slice(digest),
            None => return Err(DIGEST_NOT_FOR_SCHEME),
        };
        match padding {
            RsaPadding::Pkcs1 => emsa_pkcs1_v15_verify(em, hash, &m_hash),
            RsaPadding::Pss => emsa_pss_verify(em, self.bits().saturating_sub(1), hash, &m_hash),
        }
    }
}

/// `out = s^e mod n`, all big-endian, `n.len() == s.len() == out.len()`,
/// at most `Uint::<LIMBS>::BYTES` long.
fn modexp<const LIMBS: usize>(n: &[u8], e: u32, s: &[u8], out: &mut [u8]) -> Result<(), Error> {
    let width = Uint::<LIMBS>::BYTES;
    let pad = width.checked_sub(n.len()).ok_or(Error::Internal)?;
    if s.len() != n.len() || out.len() != n.len() {
        return Err(Error::Internal);
    }
    let mut buf = [0u8; RSA_MAX_MODULUS_LEN];
    let wide = buf.get_mut(..width).ok_or(Error::Internal)?;

    // `wide` is exactly `Uint::<LIMBS>::BYTES` long, as `from_be_slice` needs.
    wide.get_mut(pad..).ok_or(Error::Internal)?.copy_from_slice(n);
    let n = Uint::<LIMBS>::from_be_slice(wide);
    wide.get_mut(pad..).ok_or(Error::Internal)?.copy_from_slice(s);
    let s = Uint::<LIMBS>::from_be_slice(wide);

    if s.cmp_vartime(&n) != Ordering::Less {
        return Err(Error::DecryptError.because("RSA signature not smaller than the modulus"));
    }
    let n = Odd::new(n).into_option().ok_or(BAD_SIGNATURE)?;
    // Public values only: variable time is fine.
    let params = FixedMontyParams::new_vartime(n);
    let m = FixedMontyForm::new(&s, &params).pow_vartime(&U64::from_u32(e)).retrieve();
    let encoded = m.to_be_bytes();
    let bytes: &[u8] = encoded.as_ref();
    out.copy_from_slice(bytes.get(pad..).ok_or(Error::Internal)?);
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RsaPadding {
    Pkcs1,
    Pss,
}

/// The padding and hash of an RSA scheme.
fn rsa_scheme(scheme: SignatureScheme) -> Option<(RsaPadding, DigestAlg)> {
    match scheme_parts(scheme)? {
        (SchemeAlg::RsaPkcs1, hash) => Some((RsaPadding::Pkcs1, hash)),
        (SchemeAlg::RsaPss, hash) => Some((RsaPadding::Pss, hash)),
        (SchemeAlg::Ecdsa, _) => None,
    }
}

/// DER of `DigestInfo` up to the digest (RFC 8017 §9.2 note 1).
fn digest_info_prefix(hash: DigestAlg) -> &'static [u8] {
    match hash {
        DigestAlg::Sha256 => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
            0x20,
        ],
        DigestAlg::Sha384 => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04,
            0x30,
        ],
        DigestAlg::Sha512 => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04,
            0x40,
        ],
    }
}

/// EMSA-PKCS1-v1_5 (RFC 8017 §9.2) by re-encoding and comparing:
/// `EM = 0x00 || 0x01 || PS (0xff...) || 0x00 || DigestInfo`.
fn emsa_pkcs1_v15_verify(em: &[u8], hash: DigestAlg, m_hash: &HashOutput) -> Result<(), Error> {
    let prefix = digest_info_prefix(hash);
    let t_len = prefix.len() + m_hash.as_ref().len();
    // Step 3 of §9.2: at least 8 bytes of padding.
    let ps_len = em.len().checked_sub(t_len + 3).filter(|&n| n >= 8).ok_or(BAD_SIGNATURE)?;
    // The expected encoding has exactly em.len() bytes by construction.
    let expected = [0x00u8, 0x01]
        .iter()
        .chain(core::iter::repeat_n(&0xffu8, ps_len))
        .chain(&[0x00u8])
        .chain(prefix)
        .chain(m_hash.as_ref());
    let mut diff = 0u8;
    let mut compared = 0usize;
    for (e, m) in expected.zip(em) {
        diff |= e ^ m;
        compared += 1;
    }
    if diff == 0 && compared == em.len() { Ok(()) } else { Err(BAD_SIGNATURE) }
}

/// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with MGF1 over the same hash and a salt
/// as long as the hash (TLS rsa_pss_rsae_*; RFC 8446 §4.2.3).
///
/// `em_k` is the k-byte big-endian result of the RSA operation; the encoded
/// message is its last `emLen = ceil(em_bits / 8)` bytes, `em_bits = modBits - 1`.
fn emsa_pss_verify(em_k: &[u8], em_bits: usize, hash: DigestAlg, m_hash: &HashOutput) -> Result<(), Error> {
    let bad = Err(BAD_SIGNATURE);
    let em_len = em_bits.div_ceil(8);
    let Some(lead_len) = em_k.len().checked_sub(em_len) else {
        return bad;
    };
    let (lead, em) = em_k.split_at(lead_len);
    // The integer must fit in em_bits; whole leading bytes must be zero.
    if lead.iter().any(|&b| b != 0) {
        return bad;
    }
    let h_len = hash.output_len();
    let s_len = h_len;
    // Step 3.
    if em_len < h_len + s_len + 2 {
        return bad;
    }
    // Step 4: trailer.
    if em.last() != Some(&0xbc) {
        return bad;
    }
    // Step 5.
    let db_len = em_len - h_len - 1;
    let (masked_db, rest) = em.split_at(db_len);
    let h = rest.get(..h_len).ok_or(BAD_SIGNATURE)?;
    // Step 6: the leftmost 8*emLen - emBits bits of maskedDB must be zero.
    let unused_bits = 8 * em_len - em_bits; // 0..=7
    let top_mask: u8 = 0xff >> unused_bits;
    if masked_db.first().is_none_or(|&b| b & !top_mask != 0) {
        return bad;
    }
    // Steps 7, 8: DB = maskedDB XOR MGF1(H, db_len).
    let mut db_buf = [0u8; RSA_MAX_MODULUS_LEN];
    let db = db_buf.get_mut(..db_len).ok_or(Error::Internal)?;
    db.copy_from_slice(masked_db);
    mgf1_xor(hash, h, db);
    // Step 9.
    if let Some(first) = db.first_mut() {
        *first &= top_mask;
    }
    // Step 10: DB = PS (zeros) || 0x01 || salt.
    let ps_len = em_len - h_len - s_len - 2;
    let (ps, rest) = db.split_at(ps_len.min(db_len));
    if ps.iter().any(|&b| b != 0) || rest.first() != Some(&0x01) {
        return bad;
    }
    // Step 11.
    let salt = db.get(db_len - s_len..).ok_or(BAD_SIGNATURE)?;
    // Steps 12, 13: H' = Hash(0x00 * 8 || mHash || salt).
    let h2 = hash.digest(&[&[0u8; 8], m_hash.as_ref(), salt]);
    // Step 14.
    if bool::from(h2.as_ref().ct_eq(h)) { Ok(()) } else { bad }
}

/// XORs MGF1(seed, out.len()) (RFC 8017 §B.2.1) into `out`.
fn mgf1_xor(hash: DigestAlg, seed: &[u8], out: &mut [u8]) {
    for (counter, chunk) in (0u32..).zip(out.chunks_mut(hash.output_len())) {
        let t = hash.digest(&[seed, &counter.to_be_bytes()]);
        for (o, m) in chunk.iter_mut().zip(t.as_ref()) {
            *o ^= m;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::verify::*;
    use super::*;
    use crate::crypto::KeyKind;

    const MSG: &[u8] = include_bytes!("../../vectors/crypto/msg.bin");
    const RSA2048: &[u8] = include_bytes!("../../vectors/crypto/rsa2048.spki.der");
    const RSA4096: &[u8] = include_bytes!("../../vectors/crypto/rsa4096.spki.der");
    const RSA1024: &[u8] = include_bytes!("../../vectors/crypto/rsa1024.spki.der");
    const P256_SPKI: &[u8] = include_bytes!("../../vectors/crypto/p256.spki.der");

    const RSA2048_SIGS: [(SignatureScheme, &[u8]); 6] = [
        (SignatureScheme::RSA_PKCS1_SHA256, include_bytes!("../../vectors/crypto/rsa2048.pkcs1-sha256.sig")),
        (SignatureScheme::RSA_PKCS1_SHA384, include_bytes!("../../vectors/crypto/rsa2048.pkcs1-sha384.sig")),
        (SignatureScheme::RSA_PKCS1_SHA512, include_bytes!("../../vectors/crypto/rsa2048.pkcs1-sha512.sig")),
        (SignatureScheme::RSA_PSS_SHA256, include_bytes!("../../vectors/crypto/rsa2048.pss-sha256.sig")),
        (SignatureScheme::RSA_PSS_SHA384, include_bytes!("../../vectors/crypto/rsa2048.pss-sha384.sig")),
        (SignatureScheme::RSA_PSS_SHA512, include_bytes!("../../vectors/crypto/rsa2048.pss-sha512.sig")),
    ];

    #[test]
    fn rsa_key_parsing() {
        let key = PublicKey::from_spki_der(RSA2048).unwrap();
        assert_eq!(key.kind(), KeyKind::Rsa);
        let PublicKey::Rsa(rsa) = &key else { panic!() };
        assert_eq!(rsa.bits(), 2048);
        assert_eq!(rsa.exponent(), 65537);
        assert_eq!(rsa.modulus().len(), 256);

        let PublicKey::Rsa(rsa) = PublicKey::from_spki_der(RSA4096).unwrap() else { panic!() };
        assert_eq!(rsa.bits(), 4096);

        assert_eq!(PublicKey::from_spki_der(RSA1024), Err(Error::UnsupportedCertificate));
        assert_eq!(PublicKey::from_spki_der(&RSA2048[..100]), Err(Error::BadCertificate));
        assert_eq!(PublicKey::from_spki_der(b""), Err(Error::BadCertificate));

        // Direct constructor checks.
        let mut n = [0xffu8; 256];
        assert!(RsaPublicKey::new(&n, 65537).is_ok());
        assert_eq!(RsaPublicKey::new(&n, 65536).unwrap_err(), Error::BadCertificate);
        assert_eq!(RsaPublicKey::new(&n, 1).unwrap_err(), Error::BadCertificate);
        n[255] = 0xfe;
        assert_eq!(RsaPublicKey::new(&n, 65537).unwrap_err(), Error::BadCertificate);
        assert_eq!(RsaPublicKey::new(&[0xff; 513], 3).unwrap_err(), Error::UnsupportedCertificate);
        assert_eq!(RsaPublicKey::new(&[0xff; 255], 3).unwrap_err(), Error::UnsupportedCertificate);
        // Leading zeros are not counted.
        let mut padded = [0xffu8; 257];
        padded[0] = 0;
        assert_eq!(RsaPublicKey::new(&padded, 3).unwrap().bits(), 2048);
    }

    #[test]
    fn rsa_openssl_signatures_verify() {
        let key = PublicKey::from_spki_der(RSA2048).unwrap();
        for (scheme, sig) in RSA2048_SIGS {
            assert_eq!(sig.len(), 256);
            key.verify(scheme, MSG, sig).unwrap_or_else(|e| panic!("{scheme:?}: {e:?}"));
            // The same over a digest computed beforehand.
            let (_, hash) = rsa_scheme(scheme).unwrap();
            let digest = hash.digest(&[MSG]);
            key.verify_prehashed(scheme, digest.as_ref(), sig).unwrap();
            let mut wrong = [0u8; 64];
            wrong[..digest.as_ref().len()].copy_from_slice(digest.as_ref());
            wrong[0] ^= 1;
            assert_eq!(key.verify_prehashed(scheme, &wrong[..digest.as_ref().len()], sig), Err(Error::DecryptError));
            assert_eq!(key.verify_prehashed(scheme, &digest.as_ref()[1..], sig), Err(Error::IllegalParameter));
        }
        let key = PublicKey::from_spki_der(RSA4096).unwrap();
        key.verify(
            SignatureScheme::RSA_PKCS1_SHA256,
            MSG,
            include_bytes!("../../vectors/crypto/rsa4096.pkcs1-sha256.sig"),
        )
        .unwrap();
        key.verify(SignatureScheme::RSA_PSS_SHA512, MSG, include_bytes!("../../vectors/crypto/rsa4096.pss-sha512.sig"))
            .unwrap();
    }

    #[test]
    fn rsa_negative_cases() {
        let key = PublicKey::from_spki_der(RSA2048).unwrap();
        for (scheme, sig) in RSA2048_SIGS {
            // Wrong message.
            assert_eq!(key.verify(scheme, b"another message", sig), Err(Error::DecryptError));
            // Corrupted signature (every position class: first, middle, last byte).
            for pos in [0, 128, 255] {
                let mut bad = [0u8; 256];
                bad.copy_from_slice(sig);
                bad[pos] ^= 0x01;
                assert_eq!(key.verify(scheme, MSG, &bad), Err(Error::DecryptError), "{scheme:?}");
            }
            // Wrong length.
            assert_eq!(key.verify(scheme, MSG, &sig[..255]), Err(Error::DecryptError));
            // Signature >= modulus.
            assert_eq!(key.verify(scheme, MSG, &[0xff; 256]), Err(Error::DecryptError));
            // EC schemes do not fit an RSA key.
            assert_eq!(key.verify(SignatureScheme::ECDSA_NISTP256_SHA256, MSG, sig), Err(Error::IllegalParameter));
            assert_eq!(key.verify(SignatureScheme::ED25519, MSG, sig), Err(Error::IllegalParameter));
        }
        // Wrong scheme: a valid signature under another padding or hash fails.
        let [pkcs1_256, pkcs1_384, _, pss_256, pss_384, _] = RSA2048_SIGS;
        assert_eq!(key.verify(SignatureScheme::RSA_PSS_SHA256, MSG, pkcs1_256.1), Err(Error::DecryptError));
        assert_eq!(key.verify(SignatureScheme::RSA_PKCS1_SHA256, MSG, pss_256.1), Err(Error::DecryptError));
        assert_eq!(key.verify(SignatureScheme::RSA_PKCS1_SHA256, MSG, pkcs1_384.1), Err(Error::DecryptError));
        assert_eq!(key.verify(SignatureScheme::RSA_PSS_SHA256, MSG, pss_384.1), Err(Error::DecryptError));
    }

    #[test]
    fn ecdsa_openssl_signatures_verify() {
        let key = PublicKey::from_spki_der(P256_SPKI).unwrap();
        assert_eq!(key.kind(), KeyKind::Ecdsa);
        let sig256 = include_bytes!("../../vectors/crypto/p256.sha256.sig");
        let sig384 = include_bytes!("../../vectors/crypto/p256.sha384.sig");
        key.verify(SignatureScheme::ECDSA_NISTP256_SHA256, MSG, sig256).unwrap();
        key.verify(SignatureScheme::ECDSA_NISTP384_SHA384, MSG, sig384).unwrap();
        // Cross-hash fails.
        assert_eq!(key.verify(SignatureScheme::ECDSA_NISTP384_SHA384, MSG, sig256), Err(Error::DecryptError));
        assert_eq!(key.verify(SignatureScheme::ECDSA_NISTP256_SHA256, b"other", sig256), Err(Error::DecryptError));
        // RSA schemes do not fit an EC key.
        assert_eq!(key.verify(SignatureScheme::RSA_PKCS1_SHA256, MSG, sig256), Err(Error::IllegalParameter));
        assert_eq!(key.verify(SignatureScheme::RSA_PSS_SHA256, MSG, sig256), Err(Error::IllegalParameter));
        // Garbage DER.
        assert_eq!(key.verify(SignatureScheme::ECDSA_NISTP256_SHA256, MSG, &sig256[..10]), Err(Error::DecryptError));
    }

    #[test]
    fn certificate_key_extraction() {
        let ec_leaf = include_bytes!("../../vectors/crypto/ec-leaf.der");
        let rsa_leaf = include_bytes!("../../vectors/crypto/rsa-leaf.der");
        let ec_key = include_bytes!("../../vectors/crypto/ec-leaf.key.der");
        let pk = PublicKey::from_certificate_der(ec_leaf).unwrap();
        assert_eq!(pk.kind(), KeyKind::Ecdsa);
        let sk = crate::crypto::SigningKey::from_der(ec_key).unwrap();
        assert_eq!(sk.public_key(), pk);
        assert_eq!(PublicKey::from_certificate_der(rsa_leaf).unwrap().kind(), KeyKind::Rsa);
        assert_eq!(PublicKey::from_certificate_der(&ec_leaf[..ec_leaf.len() - 1]), Err(Error::BadCertificate));
        assert_eq!(PublicKey::from_certificate_der(b"\x30\x00"), Err(Error::BadCertificate));
        // An SPKI is not a certificate.
        assert_eq!(PublicKey::from_certificate_der(P256_SPKI), Err(Error::BadCertificate));
    }

    #[test]
    fn unsupported_key_types() {
        // An Ed25519 SPKI (RFC 8410 example).
        let ed25519: [u8; 44] = [
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, 0x19, 0xbf, 0x44, 0x09, 0x69, 0x84,
            0xcd, 0xfe, 0x85, 0x41, 0xba, 0xc1, 0x67, 0xdc, 0x3b, 0x96, 0xc8, 0x50, 0x86, 0xaa, 0x30, 0xb6, 0xb6, 0xcb,
            0x0c, 0x5c, 0x38, 0xad, 0x70, 0x31, 0x66, 0xe1,
        ];
        assert_eq!(PublicKey::from_spki_der(&ed25519), Err(Error::UnsupportedCertificate));
        // The P-256 SPKI with another curve OID (1.2.840.10045.3.1.8) is
        // rejected as unsupported.
        let mut other_curve = [0u8; 91];
        other_curve.copy_from_slice(P256_SPKI);
        // The P-256 OID bytes 2a 86 48 ce 3d 03 01 07 sit at offset 15..23.
        assert_eq!(&other_curve[15..23], &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
        other_curve[22] = 0x08;
        assert_eq!(PublicKey::from_spki_der(&other_curve), Err(Error::UnsupportedCertificate));
    }

    /// The PSS decoder against hand-built encodings, to check the bit-level
    /// edge cases (emBits not a multiple of 8, leading byte) independently of
    /// openssl.
    #[test]
    fn pss_encoding_edge_cases() {
        let hash = DigestAlg::Sha256;
        let m_hash = hash.digest(&[b"msg"]);
        // Builds EM for `em_bits` right-aligned in `k` bytes, salt = 32 x 0x5a.
        let build = |em_bits: usize, k: usize| -> [u8; 256] {
            let em_len = em_bits.div_ceil(8);
            let salt = [0x5au8; 32];
            let h = hash.digest(&[&[0u8; 8], m_hash.as_ref(), &salt]);
            let db_len = em_len - 33;
            let mut db = [0u8; 256];
            db[db_len - 33] = 0x01;
            db[db_len - 32..db_len].copy_from_slice(&salt);
            mgf1_xor(hash, h.as_ref(), &mut db[..db_len]);
            db[0] &= 0xff >> (8 * em_len - em_bits);
            let mut out = [0u8; 256];
            let off = k - em_len;
            out[off..off + db_len].copy_from_slice(&db[..db_len]);
            out[off + db_len..off + db_len + 32].copy_from_slice(h.as_ref());
            out[k - 1] = 0xbc;
            out
        };
        let em = build(2047, 256);
        emsa_pss_verify(&em, 2047, hash, &m_hash).unwrap();
        // A set top bit (beyond emBits) is rejected.
        let mut bad = em;
        bad[0] |= 0x80;
        assert!(emsa_pss_verify(&bad, 2047, hash, &m_hash).is_err());
        // Bad trailer.
        let mut bad = em;
        bad[255] = 0xbd;
        assert!(emsa_pss_verify(&bad, 2047, hash, &m_hash).is_err());
        // Other message.
        assert!(emsa_pss_verify(&em, 2047, hash, &hash.digest(&[b"other"])).is_err());

        // When modBits - 1 is a multiple of 8 (here modBits = 2041, emBits =
        // 2040), emLen = k - 1 and the k-byte result has a leading zero byte.
        let em = build(2040, 256);
        assert_eq!(em[0], 0);
        emsa_pss_verify(&em, 2040, hash, &m_hash).unwrap();
        let mut bad = em;
        bad[0] = 1;
        assert!(emsa_pss_verify(&bad, 2040, hash, &m_hash).is_err());
    }

    #[test]
    fn pkcs1_encoding_rejects_variants() {
        let hash = DigestAlg::Sha256;
        let m_hash = hash.digest(&[b"msg"]);
        let mut em = [0xffu8; 256];
        em[0] = 0;
        em[1] = 1;
        let prefix = digest_info_prefix(hash);
        let t = prefix.len() + 32;
        em[256 - t - 1] = 0;
        em[256 - t..256 - 32].copy_from_slice(prefix);
        em[256 - 32..].copy_from_slice(m_hash.as_ref());
        emsa_pkcs1_v15_verify(&em, hash, &m_hash).unwrap();
        // Block type 2, a short PS with garbage, a DigestInfo without NULL: all fail.
        let mut bad = em;
        bad[1] = 2;
        assert!(emsa_pkcs1_v15_verify(&bad, hash, &m_hash).is_err());
        let mut bad = em;
        bad[5] = 0x00;
        assert!(emsa_pkcs1_v15_verify(&bad, hash, &m_hash).is_err());
        assert!(emsa_pkcs1_v15_verify(&em, DigestAlg::Sha384, &m_hash).is_err());
    }
}

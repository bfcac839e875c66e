//! The *ring* provider cross-checked against RustCrypto: the same digests
//! and MACs, records sealed by one and opened by the other, key shares that
//! agree across the two, and signatures made by either verified by both.

extern crate std;

use std::vec::Vec;

use super::*;
use crate::crypto::kx::SUPPORTED_GROUPS;
use crate::crypto::{EphemeralSecret, MAX_SIGNATURE_LEN, RustCrypto};
use crate::error::ErrorKind;
use crate::testing::TestRng;

const P256_PKCS8: &[u8] = include_bytes!("../../../vectors/pki/ecdsa-server.key.der");
const P256_SEC1: &[u8] = include_bytes!("../../../vectors/pki/ecdsa-server.key.sec1.der");
#[cfg(feature = "p384")]
const P384_PKCS8: &[u8] = include_bytes!("../../../vectors/pki/p384-server.key.der");
#[cfg(feature = "p384")]
const P384_SEC1: &[u8] = include_bytes!("../../../vectors/pki/p384-server.key.sec1.der");
#[cfg(feature = "rsa")]
const RSA_PKCS8: &[u8] = include_bytes!("../../../vectors/pki/rsa-server.key.der");
#[cfg(feature = "rsa")]
const RSA_PKCS1: &[u8] = include_bytes!("../../../vectors/pki/rsa-server.key.pkcs1.der");

/// Every digest this build has.
const DIGESTS: &[DigestAlg] = &[
    DigestAlg::Sha256,
    #[cfg(feature = "sha384")]
    DigestAlg::Sha384,
    #[cfg(feature = "sha384")]
    DigestAlg::Sha512,
];

/// Every PRF hash this build has.
const HMACS: &[HashAlg] = &[
    HashAlg::Sha256,
    #[cfg(feature = "aes256")]
    HashAlg::Sha384,
];

/// Every AEAD this build has.
const AEADS: &[AeadAlg] = &[
    AeadAlg::Aes128Gcm,
    #[cfg(feature = "aes256")]
    AeadAlg::Aes256Gcm,
    #[cfg(feature = "chacha20")]
    AeadAlg::ChaCha20Poly1305,
];

fn bytes(seed: u8, len: usize) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

#[test]
fn digests_match_rustcrypto() {
    for &alg in DIGESTS {
        for len in [0, 1, 55, 56, 64, 111, 112, 128, 1000] {
            let data = bytes(len as u8, len);
            let (mut r, mut c) = (Ring.hash(alg), RustCrypto.hash(alg));
            // Fed in two pieces, with a snapshot in the middle.
            let (a, b) = data.split_at(len / 3);
            r.update(a);
            c.update(a);
            let (r_mid, c_mid) = (r.clone(), c.clone());
            r.update(b);
            c.update(b);
            let out = r.finish();
            assert_eq!(out.as_ref().len(), alg.output_len(), "{alg:?}");
            assert_eq!(out.as_ref(), c.finish().as_ref(), "{alg:?} {len}");
            assert_eq!(r_mid.finish().as_ref(), c_mid.finish().as_ref(), "{alg:?} {len} snapshot");
        }
    }
    // A known answer: SHA-256("abc").
    let mut h = Ring.hash(DigestAlg::Sha256);
    h.update(b"abc");
    assert_eq!(h.finish().as_ref()[..4], [0xba, 0x78, 0x16, 0xbf]);
}

#[test]
fn hmacs_match_rustcrypto() {
    for &alg in HMACS {
        for key_len in [0, 16, 32, 48, 64, 129, 200] {
            let key = bytes(7, key_len);
            for len in [0, 13, 200] {
                let data = bytes(3, len);
                let (mut r, mut c) = (Ring.hmac(alg, &key), RustCrypto.hmac(alg, &key));
                r.update(&data);
                c.update(&data);
                let snapshot = r.clone();
                let out = r.finish();
                assert_eq!(out.as_ref().len(), alg.output_len());
                assert_eq!(out.as_ref(), c.finish().as_ref(), "{alg:?} key {key_len} data {len}");
                assert_eq!(snapshot.finish().as_ref(), out.as_ref());
            }
        }
    }
}

#[test]
fn aead_seals_and_opens_across_providers() {
    for &alg in AEADS {
        let key = bytes(alg.key_len() as u8, alg.key_len());
        let ring = Ring.aead(alg, &key).unwrap();
        let rc = RustCrypto.aead(alg, &key).unwrap();
        let nonce: [u8; 12] = core::array::from_fn(|i| i as u8 ^ 0x5a);
        let aad = *b"\x00\x00\x00\x00\x00\x00\x00\x01\x17\x03\x03\x00\x20";
        for len in [0, 1, 16, 17, 100, 16384] {
            let plain = bytes(9, len);
            // Sealed by ring, opened by RustCrypto, and the same tag.
            let mut by_ring = plain.clone();
            let ring_tag = ring.seal_in_place(&nonce, &aad, &mut by_ring).unwrap();
            let mut by_rc = plain.clone();
            let rc_tag = rc.seal_in_place(&nonce, &aad, &mut by_rc).unwrap();
            assert_eq!(by_ring, by_rc, "{alg:?} {len}");
            assert_eq!(ring_tag, rc_tag, "{alg:?} {len}");
            if len > 0 {
                assert_ne!(by_ring, plain);
            }
            let mut opened = by_ring.clone();
            rc.open_in_place(&nonce, &aad, &mut opened, &ring_tag).unwrap();
            assert_eq!(opened, plain);
            // And the other way round.
            let mut opened = by_rc.clone();
            ring.open_in_place(&nonce, &aad, &mut opened, &rc_tag).unwrap();
            assert_eq!(opened, plain);

            // Tampering: the ciphertext, the tag, the additional data, the nonce.
            let mut bad_tag = ring_tag;
            bad_tag[15] ^= 1;
            let mut bad_aad = aad;
            bad_aad[7] ^= 1;
            let mut bad_nonce = nonce;
            bad_nonce[11] ^= 1;
            let mut cases = Vec::new();
            if len > 0 {
                let mut c = by_ring.clone();
                c[len / 2] ^= 0x80;
                cases.push((c, ring_tag, aad, nonce));
            }
            cases.push((by_ring.clone(), bad_tag, aad, nonce));
            cases.push((by_ring.clone(), ring_tag, bad_aad, nonce));
            cases.push((by_ring.clone(), ring_tag, aad, bad_nonce));
            for (mut data, tag, aad, nonce) in cases {
                let mut copy = data.clone();
                assert_eq!(ring.open_in_place(&nonce, &aad, &mut data, &tag).unwrap_err(), ErrorKind::BadRecordMac);
                assert!(rc.open_in_place(&nonce, &aad, &mut copy, &tag).is_err());
            }
        }
        // A key of the wrong length.
        assert_eq!(Ring.aead(alg, &key[1..]).err(), Some(Error::Internal));
    }
}

#[test]
fn key_shares_agree_across_providers() {
    let mut rng = TestRng::new(11);
    for &group in SUPPORTED_GROUPS {
        let (share_len, secret_len) = match group {
            NamedGroup::X25519 => (32, 32),
            NamedGroup::Secp256r1 => (65, 32),
            _ => (97, 48),
        };
        // ring with ring.
        let (a, a_pub) = Ring.key_share(group, &mut rng).unwrap();
        let (b, b_pub) = Ring.key_share(group, &mut rng).unwrap();
        assert_eq!(a.group(), group);
        assert_eq!(a_pub.as_ref().len(), share_len);
        assert_ne!(a_pub.as_ref(), b_pub.as_ref());
        let s1 = a.agree(b_pub.as_ref()).unwrap();
        let s2 = b.agree(a_pub.as_ref()).unwrap();
        assert_eq!(s1.as_ref(), s2.as_ref());
        assert_eq!(s1.as_ref().len(), secret_len);
        // ring with RustCrypto, both ways.
        let (r, r_pub) = Ring.key_share(group, &mut rng).unwrap();
        let (c, c_pub) = EphemeralSecret::generate(group, &mut rng).unwrap();
        let s1 = r.agree(c_pub.as_ref()).unwrap();
        let s2 = crate::crypto::KeyShare::agree(c, r_pub.as_ref()).unwrap();
        assert_eq!(s1.as_ref(), s2.as_ref(), "{group:?}");
        assert!(s1.as_ref().iter().any(|&b| b != 0));
    }
    // The same RNG seed gives different ring shares: ring draws from the OS.
    let (_, x) = Ring.key_share(NamedGroup::Secp256r1, &mut TestRng::new(1)).unwrap();
    let (_, y) = Ring.key_share(NamedGroup::Secp256r1, &mut TestRng::new(1)).unwrap();
    assert_ne!(x.as_ref(), y.as_ref());
    assert_eq!(Ring.key_share(NamedGroup::Unknown(25), &mut rng).unwrap_err(), Error::HandshakeFailure);
    assert_eq!(Ring.key_share(NamedGroup::Unknown(0x1234), &mut rng).unwrap_err(), Error::HandshakeFailure);
}

#[test]
#[cfg(feature = "x25519")]
fn x25519_refuses_small_order_points_and_bad_lengths() {
    let mut rng = TestRng::new(12);
    let share = || Ring.key_share(NamedGroup::X25519, &mut TestRng::new(0)).unwrap().0;
    for bad in [&[0u8; 31][..], &[0u8; 33][..], &[][..]] {
        let err = share().agree(bad).unwrap_err();
        assert_eq!(err, Error::IllegalParameter);
        assert_eq!(err.reason(), X25519_LEN.reason());
    }
    // Points of small order (u = 0, u = 1, and one of order 8 from
    // RFC 7748's list): the shared secret would be all zeros.
    let mut one = [0u8; 32];
    one[0] = 1;
    let order8 =
        crate::crypto::hash::tests::unhex::<32>("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");
    for bad in [[0u8; 32], one, order8] {
        let err = share().agree(&bad).unwrap_err();
        assert_eq!(err, Error::IllegalParameter);
        assert_eq!(err.reason(), X25519_SMALL_ORDER.reason());
        // RustCrypto refuses them the same way.
        let (c, _) = EphemeralSecret::generate(NamedGroup::X25519, &mut rng).unwrap();
        assert_eq!(crate::crypto::KeyShare::agree(c, &bad).unwrap_err(), Error::IllegalParameter);
    }
}

#[test]
fn nist_curves_refuse_bad_shares() {
    let mut rng = TestRng::new(13);
    for group in SUPPORTED_GROUPS.iter().copied().filter(|g| *g != NamedGroup::X25519) {
        let (_, share) = Ring.key_share(group, &mut rng).unwrap();
        let good = share.as_ref().to_vec();
        let n = good.len();
        let coord = (n - 1) / 2;
        let mut off_curve = good.clone();
        off_curve[n - 1] ^= 1;
        let mut compressed = good[..1 + coord].to_vec();
        compressed[0] = 2 + (good[n - 1] & 1);
        let mut wrong_prefix = good.clone();
        wrong_prefix[0] = 0x05;
        let mut zero_point = std::vec![0u8; n];
        zero_point[0] = 4;
        for bad in [
            &off_curve[..],
            &compressed[..],
            &wrong_prefix[..],
            &good[..n - 1],
            &[0u8][..],
            &[][..],
            &std::vec![0u8; n][..],
            &zero_point[..],
        ] {
            let (a, _) = Ring.key_share(group, &mut rng).unwrap();
            let err = a.agree(bad).unwrap_err();
            assert_eq!(err, Error::IllegalParameter, "{group:?}");
            assert_eq!(err.reason(), BAD_SHARE.reason());
            let (c, _) = EphemeralSecret::generate(group, &mut rng).unwrap();
            assert_eq!(crate::crypto::KeyShare::agree(c, bad).unwrap_err(), Error::IllegalParameter);
        }
        let (a, _) = Ring.key_share(group, &mut rng).unwrap();
        a.agree(&good).unwrap();
    }
}

/// The RustCrypto keys of the tests, each with every scheme it signs with.
fn rustcrypto_keys() -> Vec<SigningKey> {
    #[allow(unused_mut)] // P-256 only without `p384` and `rsa`
    let mut keys = std::vec![SigningKey::from_der(P256_PKCS8).unwrap()];
    #[cfg(feature = "p384")]
    keys.push(SigningKey::from_der(P384_PKCS8).unwrap());
    #[cfg(feature = "rsa")]
    keys.push(SigningKey::from_der(RSA_PKCS8).unwrap());
    keys
}

/// Every scheme this build knows, to try each key with the others' too.
const ALL_SCHEMES: &[SignatureScheme] = &[
    SignatureScheme::ECDSA_NISTP256_SHA256,
    SignatureScheme::ECDSA_NISTP384_SHA384,
    SignatureScheme::ECDSA_NISTP521_SHA512,
    SignatureScheme::RSA_PKCS1_SHA256,
    SignatureScheme::RSA_PKCS1_SHA384,
    SignatureScheme::RSA_PKCS1_SHA512,
    SignatureScheme::RSA_PSS_SHA256,
    SignatureScheme::RSA_PSS_SHA384,
    SignatureScheme::RSA_PSS_SHA512,
    SignatureScheme::ED25519,
];

/// Verifies with ring and RustCrypto: both accept `sig`, and both refuse
/// it with one bit flipped (in the signature, in the message) with the same
/// error.
fn check_both_verify(public: &PublicKey, scheme: SignatureScheme, msg: &[u8], sig: &[u8]) {
    Ring.verify(public, scheme, msg, sig).unwrap_or_else(|e| panic!("ring: {scheme:?} {public:?}: {e:?}"));
    public.verify(scheme, msg, sig).unwrap_or_else(|e| panic!("RustCrypto: {scheme:?}: {e:?}"));
    for i in [0, sig.len() / 2, sig.len() - 1] {
        let mut bad = sig.to_vec();
        bad[i] ^= 1;
        let err = Ring.verify(public, scheme, msg, &bad).unwrap_err();
        assert_eq!(err, ErrorKind::DecryptError, "{scheme:?} flipped byte {i}");
        assert_eq!(public.verify(scheme, msg, &bad).unwrap_err(), err);
    }
    let mut bad_msg = msg.to_vec();
    bad_msg[0] ^= 1;
    let err = Ring.verify(public, scheme, &bad_msg, sig).unwrap_err();
    assert_eq!(err, ErrorKind::DecryptError);
    assert_eq!(err.reason(), crate::crypto::verify::BAD_SIGNATURE.reason());
    assert_eq!(Ring.verify(public, scheme, msg, &sig[..sig.len() - 1]).unwrap_err(), ErrorKind::DecryptError);
    assert_eq!(Ring.verify(public, scheme, msg, &[]).unwrap_err(), ErrorKind::DecryptError);
}

#[test]
fn verify_accepts_good_and_refuses_bad_signatures_for_every_scheme() {
    let mut rng = TestRng::new(14);
    let msg = b"the signed parameters of a ServerKeyExchange";
    let mut tried = 0;
    let keys = rustcrypto_keys();
    for key in &keys {
        let public = key.public_key();
        for &scheme in ALL_SCHEMES {
            let mut sig = [0u8; MAX_SIGNATURE_LEN];
            match key.sign(scheme, msg, &mut rng, &mut sig) {
                Ok(n) => {
                    // Every scheme the key signs with, the SHA-512 ECDSA
                    // ones (RustCrypto fallback) included.
                    check_both_verify(&public, scheme, msg, &sig[..n]);
                    tried += 1;
                }
                Err(_) => {
                    // A scheme of another key type: the same error as
                    // RustCrypto's (IllegalParameter), whatever the bytes.
                    let sig = [0x30u8, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01];
                    let err = Ring.verify(&public, scheme, msg, &sig).unwrap_err();
                    assert_eq!(err, ErrorKind::IllegalParameter, "{scheme:?} {public:?}");
                    assert_eq!(err.reason(), public.verify(scheme, msg, &sig).unwrap_err().reason());
                }
            }
        }
    }
    assert_eq!(tried, keys.iter().map(|k| k.schemes().len()).sum::<usize>());
}

#[test]
#[cfg(feature = "rsa")]
fn verify_openssl_rsa_vectors() {
    // Signatures made by OpenSSL (vectors/crypto/gen.sh), 2048 and 4096 bits.
    let msg = include_bytes!("../../../vectors/crypto/msg.bin");
    let k2048 = PublicKey::from_spki_der(include_bytes!("../../../vectors/crypto/rsa2048.spki.der")).unwrap();
    let k4096 = PublicKey::from_spki_der(include_bytes!("../../../vectors/crypto/rsa4096.spki.der")).unwrap();
    let cases: [(&PublicKey, SignatureScheme, &[u8]); 8] = [
        (&k2048, SignatureScheme::RSA_PKCS1_SHA256, include_bytes!("../../../vectors/crypto/rsa2048.pkcs1-sha256.sig")),
        (&k2048, SignatureScheme::RSA_PKCS1_SHA384, include_bytes!("../../../vectors/crypto/rsa2048.pkcs1-sha384.sig")),
        (&k2048, SignatureScheme::RSA_PKCS1_SHA512, include_bytes!("../../../vectors/crypto/rsa2048.pkcs1-sha512.sig")),
        (&k2048, SignatureScheme::RSA_PSS_SHA256, include_bytes!("../../../vectors/crypto/rsa2048.pss-sha256.sig")),
        (&k2048, SignatureScheme::RSA_PSS_SHA384, include_bytes!("../../../vectors/crypto/rsa2048.pss-sha384.sig")),
        (&k2048, SignatureScheme::RSA_PSS_SHA512, include_bytes!("../../../vectors/crypto/rsa2048.pss-sha512.sig")),
        (&k4096, SignatureScheme::RSA_PKCS1_SHA256, include_bytes!("../../../vectors/crypto/rsa4096.pkcs1-sha256.sig")),
        (&k4096, SignatureScheme::RSA_PSS_SHA512, include_bytes!("../../../vectors/crypto/rsa4096.pss-sha512.sig")),
    ];
    for (key, scheme, sig) in cases {
        check_both_verify(key, scheme, msg, sig);
        // The same signature under another padding or hash does not verify.
        let other = if scheme == SignatureScheme::RSA_PSS_SHA256 {
            SignatureScheme::RSA_PKCS1_SHA256
        } else {
            SignatureScheme::RSA_PSS_SHA256
        };
        assert_eq!(Ring.verify(key, other, msg, sig).unwrap_err(), ErrorKind::DecryptError);
    }
}

#[test]
fn verify_openssl_ecdsa_vectors() {
    let msg = include_bytes!("../../../vectors/crypto/msg.bin");
    let key = PublicKey::from_spki_der(include_bytes!("../../../vectors/crypto/p256.spki.der")).unwrap();
    check_both_verify(
        &key,
        SignatureScheme::ECDSA_NISTP256_SHA256,
        msg,
        include_bytes!("../../../vectors/crypto/p256.sha256.sig"),
    );
    #[cfg(feature = "sha384")]
    check_both_verify(
        &key,
        SignatureScheme::ECDSA_NISTP384_SHA384,
        msg,
        include_bytes!("../../../vectors/crypto/p256.sha384.sig"),
    );
}

/// The *ring* signing keys of the tests, from every format `from_der` takes.
fn ring_keys() -> Vec<(RingSigningKey, &'static [SignatureScheme])> {
    let p256: &'static [SignatureScheme] = &[SignatureScheme::ECDSA_NISTP256_SHA256];
    #[allow(unused_mut)] // P-256 only without `p384` and `rsa`
    let mut keys = std::vec![
        (RingSigningKey::from_pkcs8_der(P256_PKCS8).unwrap(), p256),
        (RingSigningKey::from_der(P256_SEC1).unwrap(), p256),
    ];
    #[cfg(feature = "p384")]
    {
        let p384: &'static [SignatureScheme] = &[SignatureScheme::ECDSA_NISTP384_SHA384];
        keys.push((RingSigningKey::from_pkcs8_der(P384_PKCS8).unwrap(), p384));
        keys.push((RingSigningKey::from_der(P384_SEC1).unwrap(), p384));
    }
    #[cfg(feature = "rsa")]
    {
        keys.push((RingSigningKey::from_pkcs8_der(RSA_PKCS8).unwrap(), crate::crypto::sign::RSA_SCHEMES));
        keys.push((RingSigningKey::from_der(RSA_PKCS1).unwrap(), crate::crypto::sign::RSA_SCHEMES));
    }
    keys
}

#[test]
fn ring_signing_key_signs_what_both_providers_verify() {
    let mut rng = TestRng::new(15);
    let msg = b"client random, server random, ECDH parameters";
    for (key, schemes) in ring_keys() {
        assert_eq!(key.schemes(), schemes);
        let public = key.public_key();
        assert_eq!(public, key.signing_key().public_key());
        assert_eq!(key.kind(), public.kind());
        for &scheme in ALL_SCHEMES {
            let mut sig = [0u8; MAX_SIGNATURE_LEN];
            let (_, hash) = scheme_parts(scheme).unwrap_or((SchemeAlg::Ecdsa, DigestAlg::Sha256));
            let digest = hash.digest(&[msg]);
            if !schemes.contains(&scheme) {
                assert_eq!(key.sign_message(scheme, msg, &mut rng, &mut sig).unwrap_err(), ErrorKind::HandshakeFailure);
                let err = key.sign_digest(scheme, digest.as_ref(), &mut rng, &mut sig).unwrap_err();
                assert_eq!(err, ErrorKind::HandshakeFailure);
                continue;
            }
            // By ring, over the message.
            let n = key.sign_message(scheme, msg, &mut rng, &mut sig).unwrap();
            check_both_verify(&public, scheme, msg, &sig[..n]);
            // By the RustCrypto copy, over the digest.
            let mut sig2 = [0u8; MAX_SIGNATURE_LEN];
            let m = key.sign_digest(scheme, digest.as_ref(), &mut rng, &mut sig2).unwrap();
            public.verify_prehashed(scheme, digest.as_ref(), &sig2[..m]).unwrap();
            Ring.verify_prehashed(&public, scheme, digest.as_ref(), &sig2[..m]).unwrap();
            check_both_verify(&public, scheme, msg, &sig2[..m]);
            // A buffer too small.
            let err = key.sign_message(scheme, msg, &mut rng, &mut sig[..8]).unwrap_err();
            assert_eq!(err, ErrorKind::BufferTooSmall);
        }
    }
}

#[test]
fn ring_ecdsa_signatures_are_randomised() {
    // ring draws its ECDSA nonces from the OS, not from the RNG passed in
    // (the RustCrypto key is deterministic, RFC 6979).
    let key = RingSigningKey::from_pkcs8_der(P256_PKCS8).unwrap();
    let scheme = SignatureScheme::ECDSA_NISTP256_SHA256;
    let (mut a, mut b) = ([0u8; MAX_SIGNATURE_LEN], [0u8; MAX_SIGNATURE_LEN]);
    let n = key.sign_message(scheme, b"m", &mut TestRng::new(1), &mut a).unwrap();
    let m = key.sign_message(scheme, b"m", &mut TestRng::new(1), &mut b).unwrap();
    assert_ne!(a[..n], b[..m]);
}

#[test]
fn ring_signing_key_refuses_what_signing_key_refuses() {
    assert_eq!(RingSigningKey::from_der(b"garbage").unwrap_err(), ErrorKind::Decode);
    assert_eq!(RingSigningKey::from_pkcs8_der(P256_SEC1).unwrap_err(), ErrorKind::Decode);
    assert_eq!(RingSigningKey::from_pkcs8_der(&P256_PKCS8[..40]).unwrap_err(), ErrorKind::Decode);
    let key = RingSigningKey::from_der(P256_PKCS8).unwrap();
    std::format!("{key:?}").contains("EcdsaP256").then_some(()).unwrap();
}

#[test]
fn states_are_send_sync_unpin() {
    fn check<T: Send + Sync + Unpin>() {}
    check::<RingHash>();
    check::<RingHmac>();
    check::<RingAead>();
    check::<RingKeyShare>();
    check::<RingSigningKey>();
    check::<Ring>();
}

use super::*;
use crate::crypto::verify::PublicKey;
use crate::testing::TestRng;

const PKCS8: &[u8] = include_bytes!("../../../vectors/crypto/p256.pkcs8.der");
const SEC1: &[u8] = include_bytes!("../../../vectors/crypto/p256.sec1.der");
const SPKI: &[u8] = include_bytes!("../../../vectors/crypto/p256.spki.der");
const RSA_SPKI: &[u8] = include_bytes!("../../../vectors/crypto/rsa2048.spki.der");

#[test]
fn load_formats() {
    let expected = PublicKey::from_spki_der(SPKI).unwrap();
    for key in [
        SigningKey::from_pkcs8_der(PKCS8).unwrap(),
        SigningKey::from_sec1_der(SEC1).unwrap(),
        SigningKey::from_der(PKCS8).unwrap(),
        SigningKey::from_der(SEC1).unwrap(),
    ] {
        assert_eq!(key.kind(), KeyKind::Ecdsa);
        assert_eq!(key.public_key(), expected);
        assert_eq!(
            key.schemes(),
            &[
                SignatureScheme::ECDSA_NISTP256_SHA256,
                SignatureScheme::ECDSA_NISTP384_SHA384,
                SignatureScheme::ECDSA_NISTP521_SHA512
            ]
        );
    }
    assert_eq!(SigningKey::from_pkcs8_der(SEC1).unwrap_err(), Error::Decode);
    assert_eq!(SigningKey::from_sec1_der(PKCS8).unwrap_err(), Error::Decode);
    assert_eq!(SigningKey::from_der(b"garbage").unwrap_err(), Error::Decode);
    assert_eq!(SigningKey::from_der(&PKCS8[..40]).unwrap_err(), Error::Decode);
}

#[test]
fn non_p256_keys_are_unsupported() {
    // A PKCS#8 wrapper with the rsaEncryption OID (content irrelevant: the
    // algorithm is checked first).
    let mut rsa_pkcs8 = [0u8; 26];
    rsa_pkcs8.copy_from_slice(&[
        0x30, 0x18, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
        0x05, 0x00, 0x04, 0x04, 0x30, 0x02, 0x05, 0x00,
    ]);
    // Without `alloc` any rsaEncryption key is unsupported; with it, this
    // one's content does not parse.
    let expected = if cfg!(feature = "alloc") { Error::Decode } else { Error::UnsupportedCertificate };
    assert_eq!(SigningKey::from_pkcs8_der(&rsa_pkcs8).unwrap_err(), expected);
    assert_eq!(SigningKey::from_der(&rsa_pkcs8).unwrap_err(), expected);
    // The P-256 PKCS#8 with the curve OID's last arc changed.
    let mut other = [0u8; 138];
    other.copy_from_slice(PKCS8);
    let pos = other.windows(8).position(|w| w == [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]).unwrap();
    other[pos + 7] = 0x08;
    assert_eq!(SigningKey::from_pkcs8_der(&other).unwrap_err(), Error::UnsupportedCertificate);
    // Same for SEC1.
    let mut other = [0u8; 121];
    other.copy_from_slice(SEC1);
    let pos = other.windows(8).position(|w| w == [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]).unwrap();
    other[pos + 7] = 0x08;
    assert_eq!(SigningKey::from_sec1_der(&other).unwrap_err(), Error::UnsupportedCertificate);
    // An SPKI is not a private key.
    assert_eq!(SigningKey::from_der(RSA_SPKI).unwrap_err(), Error::Decode);
}

#[test]
fn sign_and_verify_both_hashes() {
    let mut rng = TestRng::new(1);
    let key = SigningKey::from_der(PKCS8).unwrap();
    let public = key.public_key();
    let msg = b"server key exchange params";
    for scheme in [SignatureScheme::ECDSA_NISTP256_SHA256, SignatureScheme::ECDSA_NISTP384_SHA384] {
        let mut sig = [0u8; MAX_SIGNATURE_LEN];
        let n = key.sign(scheme, msg, &mut rng, &mut sig).unwrap();
        assert!((8..=72).contains(&n));
        assert_eq!(sig[0], 0x30);
        public.verify(scheme, msg, &sig[..n]).unwrap();
        // Wrong message.
        assert_eq!(public.verify(scheme, b"other", &sig[..n]), Err(Error::DecryptError));
        // Corrupted signature: flip a bit in the last byte of s.
        let mut bad = sig;
        bad[n - 1] ^= 0x01;
        assert_eq!(public.verify(scheme, msg, &bad[..n]), Err(Error::DecryptError));
        // Other hash.
        let other = if scheme == SignatureScheme::ECDSA_NISTP256_SHA256 {
            SignatureScheme::ECDSA_NISTP384_SHA384
        } else {
            SignatureScheme::ECDSA_NISTP256_SHA256
        };
        assert_eq!(public.verify(other, msg, &sig[..n]), Err(Error::DecryptError));
        // Too small an output buffer.
        assert_eq!(key.sign(scheme, msg, &mut rng, &mut sig[..n - 1]), Err(Error::BufferTooSmall));
    }
    let mut sig = [0u8; MAX_SIGNATURE_LEN];
    for scheme in [
        SignatureScheme::RSA_PKCS1_SHA256,
        SignatureScheme::RSA_PSS_SHA256,
        SignatureScheme::ED25519,
        SignatureScheme::Unknown(0x0203),
    ] {
        assert_eq!(key.sign(scheme, msg, &mut rng, &mut sig), Err(Error::HandshakeFailure));
    }
}

#[test]
#[allow(irrefutable_let_patterns)] // without `alloc`, P-256 is the only variant
fn signature_verifies_with_p256_crate_directly() {
    // Cross-check the prehash construction with the p256 crate's own
    // message-signing API (SHA-256 is P-256's default digest).
    use p256::ecdsa::signature::Verifier;
    let key = SigningKey::from_der(PKCS8).unwrap();
    let SigningKey::EcdsaP256(inner) = &key else { panic!("not an ECDSA key") };
    let mut sig = [0u8; MAX_SIGNATURE_LEN];
    let n = key.sign(SignatureScheme::ECDSA_NISTP256_SHA256, b"abc", &mut TestRng::new(1), &mut sig).unwrap();
    let parsed = p256::ecdsa::Signature::from_der(&sig[..n]).unwrap();
    inner.verifying_key().verify(b"abc", &parsed).unwrap();
}

const RSA_KEY_PKCS8: &[u8] = include_bytes!("../../../vectors/pki/rsa-server.key.der");
const RSA_KEY_PKCS1: &[u8] = include_bytes!("../../../vectors/pki/rsa-server.key.pkcs1.der");
const RSA_CERT: &[u8] = include_bytes!("../../../vectors/pki/rsa-server.der");
#[cfg(feature = "alloc")]
const RSA_CLIENT_CERT: &[u8] = include_bytes!("../../../vectors/pki/rsa-client.der");
const ECDSA_KEY: &[u8] = include_bytes!("../../../vectors/pki/ecdsa-server.key.der");
const ECDSA_CERT: &[u8] = include_bytes!("../../../vectors/pki/ecdsa-server.der");

#[cfg(feature = "alloc")]
const RSA_ALL: [SignatureScheme; 6] = [
    SignatureScheme::RSA_PSS_SHA256,
    SignatureScheme::RSA_PSS_SHA384,
    SignatureScheme::RSA_PSS_SHA512,
    SignatureScheme::RSA_PKCS1_SHA256,
    SignatureScheme::RSA_PKCS1_SHA384,
    SignatureScheme::RSA_PKCS1_SHA512,
];

/// DER-encodes `tag len content` (content shorter than 64 KiB).
fn tlv(tag: u8, content: &[u8], out: &mut [u8]) -> usize {
    let len = content.len();
    out[0] = tag;
    let head = if len < 0x80 {
        out[1] = len as u8;
        2
    } else if len < 0x100 {
        out[1] = 0x81;
        out[2] = len as u8;
        3
    } else {
        out[1] = 0x82;
        out[2] = (len >> 8) as u8;
        out[3] = len as u8;
        4
    };
    out[head..head + len].copy_from_slice(content);
    head + len
}

/// A syntactically valid PKCS#1 `RSAPrivateKey` with the given version
/// and modulus; the other integers are small dummies.
fn fake_pkcs1(version: u8, modulus: &[u8], out: &mut [u8; 1200]) -> usize {
    let mut body = [0u8; 1100];
    let mut n = tlv(0x02, &[version], &mut body);
    n += tlv(0x02, modulus, &mut body[n..]);
    n += tlv(0x02, &[0x01, 0x00, 0x01], &mut body[n..]);
    for _ in 0..6 {
        n += tlv(0x02, &[0x05], &mut body[n..]);
    }
    tlv(0x30, &body[..n], out)
}

#[test]
fn pkcs1_syntax() {
    let mut der = [0u8; 1200];
    // A leading 0x00 keeps the 2048-bit modulus positive.
    let mut modulus = [0xffu8; 257];
    modulus[0] = 0;
    // Multi-prime keys (version 1) are unsupported, other versions invalid.
    let n = fake_pkcs1(1, &modulus, &mut der);
    assert_eq!(SigningKey::from_pkcs1_der(&der[..n]).unwrap_err(), Error::UnsupportedCertificate);
    let n = fake_pkcs1(2, &modulus, &mut der);
    assert_eq!(SigningKey::from_pkcs1_der(&der[..n]).unwrap_err(), Error::Decode);
    // Truncated, trailing bytes, garbage, an EC key, a public key.
    let n = fake_pkcs1(0, &modulus, &mut der);
    assert_eq!(SigningKey::from_pkcs1_der(&der[..n - 1]).unwrap_err(), Error::Decode);
    assert_eq!(SigningKey::from_pkcs1_der(&der[..n + 1]).unwrap_err(), Error::Decode);
    assert_eq!(SigningKey::from_pkcs1_der(b"garbage").unwrap_err(), Error::Decode);
    assert_eq!(SigningKey::from_pkcs1_der(SEC1).unwrap_err(), Error::Decode);
    assert_eq!(SigningKey::from_pkcs1_der(PKCS8).unwrap_err(), Error::Decode);
    assert_eq!(SigningKey::from_pkcs1_der(RSA_SPKI).unwrap_err(), Error::Decode);
}

#[test]
fn ecdsa_key_certificate_consistency() {
    let key = SigningKey::from_der(ECDSA_KEY).unwrap();
    key.matches_certificate(ECDSA_CERT).unwrap();
    assert_eq!(key.matches_certificate(RSA_CERT), Err(Error::BadCertificate));
    let other = SigningKey::from_der(PKCS8).unwrap();
    assert_eq!(other.matches_certificate(ECDSA_CERT), Err(Error::BadCertificate));
    // Certificate parse errors stay as they are.
    assert_eq!(key.matches_certificate(&ECDSA_CERT[..100]), Err(Error::BadCertificate));
    assert_eq!(key.matches_certificate(RSA_SPKI), Err(Error::BadCertificate));
}

/// `sign_prehashed` over `Hash(message)` gives a signature over `message`.
fn check_sign_prehashed(key: &SigningKey, cert: &[u8]) {
    let mut rng = TestRng::new(5);
    let msg = b"handshake messages";
    let public = PublicKey::from_certificate_der(cert).unwrap();
    let mut sig = [0u8; MAX_SIGNATURE_LEN];
    for &scheme in key.schemes() {
        let digest = key.scheme_hash(scheme).unwrap().digest(&[msg]);
        let n = key.sign_prehashed(scheme, digest.as_ref(), &mut rng, &mut sig).unwrap();
        public.verify(scheme, msg, &sig[..n]).unwrap_or_else(|e| panic!("{scheme:?}: {e:?}"));
        // A digest of the wrong length is our own bug.
        let short = &digest.as_ref()[1..];
        assert_eq!(key.sign_prehashed(scheme, short, &mut rng, &mut sig), Err(Error::Internal));
        let too_small = &mut sig[..n - 1];
        assert_eq!(key.sign_prehashed(scheme, digest.as_ref(), &mut rng, too_small), Err(Error::BufferTooSmall));
    }
    let other = match key.kind() {
        KeyKind::Rsa => SignatureScheme::ECDSA_NISTP256_SHA256,
        KeyKind::Ecdsa => SignatureScheme::RSA_PSS_SHA256,
    };
    assert_eq!(key.sign_prehashed(other, &[0; 32], &mut rng, &mut sig), Err(Error::HandshakeFailure));
}

#[test]
fn sign_prehashed_matches_sign() {
    check_sign_prehashed(&SigningKey::from_der(ECDSA_KEY).unwrap(), ECDSA_CERT);
    #[cfg(feature = "alloc")]
    check_sign_prehashed(&SigningKey::from_der(RSA_KEY_PKCS8).unwrap(), RSA_CERT);
}

/// Without `alloc`, RSA keys are recognised and refused.
#[cfg(not(feature = "alloc"))]
#[test]
fn rsa_keys_need_alloc() {
    assert_eq!(SigningKey::from_pkcs8_der(RSA_KEY_PKCS8).unwrap_err(), Error::UnsupportedCertificate);
    assert_eq!(SigningKey::from_pkcs1_der(RSA_KEY_PKCS1).unwrap_err(), Error::UnsupportedCertificate);
    assert_eq!(SigningKey::from_der(RSA_KEY_PKCS8).unwrap_err(), Error::UnsupportedCertificate);
    assert_eq!(SigningKey::from_der(RSA_KEY_PKCS1).unwrap_err(), Error::UnsupportedCertificate);
}

#[cfg(feature = "alloc")]
#[test]
fn rsa_load_formats() {
    let expected = PublicKey::from_certificate_der(RSA_CERT).unwrap();
    for key in [
        SigningKey::from_pkcs8_der(RSA_KEY_PKCS8).unwrap(),
        SigningKey::from_pkcs1_der(RSA_KEY_PKCS1).unwrap(),
        SigningKey::from_der(RSA_KEY_PKCS8).unwrap(),
        SigningKey::from_der(RSA_KEY_PKCS1).unwrap(),
    ] {
        assert_eq!(key.kind(), KeyKind::Rsa);
        assert_eq!(key.schemes(), &RSA_ALL);
        assert_eq!(key.public_key(), expected);
        let SigningKey::Rsa(rsa) = &key else { panic!("not an RSA key") };
        assert_eq!(rsa.bits(), 2048);
        extern crate std;
        assert_eq!(std::format!("{key:?}"), "SigningKey::Rsa(2048 bits)");
    }
    // A PKCS#1 key is not PKCS#8 and vice versa.
    assert_eq!(SigningKey::from_pkcs8_der(RSA_KEY_PKCS1).unwrap_err(), Error::Decode);
    assert_eq!(SigningKey::from_pkcs1_der(RSA_KEY_PKCS8).unwrap_err(), Error::Decode);
    assert_eq!(SigningKey::from_sec1_der(RSA_KEY_PKCS1).unwrap_err(), Error::Decode);
}

#[cfg(feature = "alloc")]
#[test]
fn rsa_key_sizes_and_consistency() {
    let mut der = [0u8; 1200];
    // 1024 and 2040 bits: too small. 4104 bits: too large (caught before
    // any big-integer work, so the dummy other integers do not matter).
    for len in [128usize, 255] {
        let mut modulus = [0u8; 514];
        modulus[1..=len].fill(0xff);
        let n = fake_pkcs1(0, &modulus[..=len], &mut der);
        assert_eq!(SigningKey::from_pkcs1_der(&der[..n]).unwrap_err(), Error::UnsupportedCertificate, "{len}");
    }
    let mut modulus = [0xffu8; 514];
    modulus[0] = 0;
    let n = fake_pkcs1(0, &modulus, &mut der);
    assert_eq!(SigningKey::from_pkcs1_der(&der[..n]).unwrap_err(), Error::UnsupportedCertificate);
    // 2048 bits with nonsense primes: not a consistent key.
    let n = fake_pkcs1(0, &modulus[..257], &mut der);
    assert_eq!(SigningKey::from_pkcs1_der(&der[..n]).unwrap_err(), Error::Decode);
    // The real key with its public exponent changed (65537 -> 65539).
    let mut bad = [0u8; 2048];
    let bad = &mut bad[..RSA_KEY_PKCS1.len()];
    bad.copy_from_slice(RSA_KEY_PKCS1);
    let pos = bad.windows(5).position(|w| w == [0x02, 0x03, 0x01, 0x00, 0x01]).unwrap();
    bad[pos + 4] = 0x03;
    assert_eq!(SigningKey::from_pkcs1_der(bad).unwrap_err(), Error::Decode);
}

#[cfg(feature = "alloc")]
#[test]
fn rsa_key_certificate_consistency() {
    let key = SigningKey::from_der(RSA_KEY_PKCS8).unwrap();
    key.matches_certificate(RSA_CERT).unwrap();
    SigningKey::from_der(RSA_KEY_PKCS1).unwrap().matches_certificate(RSA_CERT).unwrap();
    // Another RSA key, an ECDSA key.
    assert_eq!(key.matches_certificate(RSA_CLIENT_CERT), Err(Error::BadCertificate));
    assert_eq!(key.matches_certificate(ECDSA_CERT), Err(Error::BadCertificate));
    let ec = SigningKey::from_der(ECDSA_KEY).unwrap();
    assert_eq!(ec.matches_certificate(RSA_CERT), Err(Error::BadCertificate));
    assert_eq!(key.matches_certificate(b"\x30\x00"), Err(Error::BadCertificate));
}

#[cfg(feature = "alloc")]
#[test]
fn rsa_sign_and_verify_all_schemes() {
    let mut rng = TestRng::new(7);
    let key = SigningKey::from_der(RSA_KEY_PKCS8).unwrap();
    let public = PublicKey::from_certificate_der(RSA_CERT).unwrap();
    let msg = b"server key exchange params";
    for scheme in RSA_ALL {
        let mut sig = [0u8; MAX_SIGNATURE_LEN];
        let n = key.sign(scheme, msg, &mut rng, &mut sig).unwrap();
        assert_eq!(n, 256);
        public.verify(scheme, msg, &sig[..n]).unwrap_or_else(|e| panic!("{scheme:?}: {e:?}"));
        assert_eq!(public.verify(scheme, b"other", &sig[..n]), Err(Error::DecryptError));
        // Every other RSA scheme rejects it.
        for other in RSA_ALL.into_iter().filter(|&o| o != scheme) {
            assert_eq!(public.verify(other, msg, &sig[..n]), Err(Error::DecryptError), "{scheme:?} as {other:?}");
        }
        // PSS is randomised, PKCS#1 v1.5 deterministic.
        let mut again = [0u8; MAX_SIGNATURE_LEN];
        key.sign(scheme, msg, &mut rng, &mut again).unwrap();
        let is_pss = matches!(
            scheme,
            SignatureScheme::RSA_PSS_SHA256 | SignatureScheme::RSA_PSS_SHA384 | SignatureScheme::RSA_PSS_SHA512
        );
        assert_eq!(sig[..n] != again[..n], is_pss, "{scheme:?}");
        // Output buffer one byte short.
        assert_eq!(key.sign(scheme, msg, &mut rng, &mut sig[..n - 1]), Err(Error::BufferTooSmall));
    }
    let mut sig = [0u8; MAX_SIGNATURE_LEN];
    for scheme in [
        SignatureScheme::ECDSA_NISTP256_SHA256,
        SignatureScheme::ECDSA_NISTP384_SHA384,
        SignatureScheme::ED25519,
        SignatureScheme::Unknown(0x0201),
    ] {
        assert_eq!(key.sign(scheme, msg, &mut rng, &mut sig), Err(Error::HandshakeFailure));
    }
}

/// Our RSA signatures verified by `openssl dgst` (skipped, loudly, when
/// no `openssl` binary is on the PATH).
#[cfg(feature = "alloc")]
#[test]
fn rsa_signatures_verify_with_openssl() {
    extern crate std;
    use std::process::Command;
    use std::{eprintln, format, fs};

    if Command::new("openssl").arg("version").output().is_err() {
        eprintln!("!!!!!! SKIPPED rsa_signatures_verify_with_openssl: no `openssl` binary on the PATH !!!!!!");
        return;
    }
    let dir = std::env::temp_dir().join(format!("sansio-tls-rsa-sign-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let cert = dir.join("cert.der");
    let public = dir.join("pub.pem");
    let msg_path = dir.join("msg");
    let sig_path = dir.join("sig");
    fs::write(&cert, RSA_CERT).unwrap();
    let out = Command::new("openssl")
        .args(["x509", "-inform", "DER", "-noout", "-pubkey", "-in"])
        .arg(&cert)
        .output()
        .unwrap();
    assert!(out.status.success(), "openssl x509: {}", std::string::String::from_utf8_lossy(&out.stderr));
    fs::write(&public, &out.stdout).unwrap();

    let key = SigningKey::from_der(RSA_KEY_PKCS1).unwrap();
    let mut rng = TestRng::new(3);
    let msg = b"client_random || server_random || ServerECDHParams";
    fs::write(&msg_path, msg).unwrap();
    for scheme in RSA_ALL {
        let (digest, pss) = match scheme {
            SignatureScheme::RSA_PSS_SHA256 => ("-sha256", true),
            SignatureScheme::RSA_PSS_SHA384 => ("-sha384", true),
            SignatureScheme::RSA_PSS_SHA512 => ("-sha512", true),
            SignatureScheme::RSA_PKCS1_SHA256 => ("-sha256", false),
            SignatureScheme::RSA_PKCS1_SHA384 => ("-sha384", false),
            _ => ("-sha512", false),
        };
        let mut sig = [0u8; MAX_SIGNATURE_LEN];
        let n = key.sign(scheme, msg, &mut rng, &mut sig).unwrap();
        fs::write(&sig_path, &sig[..n]).unwrap();
        let mut cmd = Command::new("openssl");
        cmd.args(["dgst", digest]);
        if pss {
            // Salt length -1: exactly the digest length.
            cmd.args(["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"]);
        }
        let out = cmd.arg("-verify").arg(&public).arg("-signature").arg(&sig_path).arg(&msg_path).output().unwrap();
        assert!(
            out.status.success(),
            "{scheme:?}: openssl says {} {}",
            std::string::String::from_utf8_lossy(&out.stdout),
            std::string::String::from_utf8_lossy(&out.stderr)
        );
        // And openssl rejects a corrupted one.
        sig[100] ^= 1;
        fs::write(&sig_path, &sig[..n]).unwrap();
        let mut cmd = Command::new("openssl");
        cmd.args(["dgst", digest]);
        if pss {
            cmd.args(["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"]);
        }
        let out = cmd.arg("-verify").arg(&public).arg("-signature").arg(&sig_path).arg(&msg_path).output().unwrap();
        assert!(!out.status.success(), "{scheme:?}: openssl accepted a corrupted signature");
    }
    fs::remove_dir_all(&dir).ok();
}

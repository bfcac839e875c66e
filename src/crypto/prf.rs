//! The TLS 1.2 PRF (RFC 5246 §5) and the secrets derived with it
//! (RFC 5246 §8.1, §6.3, §7.4.9; RFC 7627 §4).

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha256, Sha384};
use zeroize::{Zeroize, Zeroizing};

use super::hash::HashAlg;

/// `PRF(secret, label, seed)` = `P_hash(secret, label || seed)`, written to
/// `out` (any length). `seed` parts are concatenated.
pub fn prf(alg: HashAlg, secret: &[u8], label: &[u8], seed: &[&[u8]], out: &mut [u8]) {
    match alg {
        HashAlg::Sha256 => p_hash::<Hmac<Sha256>>(secret, label, seed, out),
        HashAlg::Sha384 => p_hash::<Hmac<Sha384>>(secret, label, seed, out),
    }
}

/// `P_hash` of RFC 5246 §5:
/// `A(0) = seed`, `A(i) = HMAC(secret, A(i-1))`,
/// output = `HMAC(secret, A(1) || seed) || HMAC(secret, A(2) || seed) || ...`.
fn p_hash<M: Mac + KeyInit + Clone>(secret: &[u8], label: &[u8], seed: &[&[u8]], out: &mut [u8]) {
    // HMAC accepts keys of any length, so this cannot fail.
    let keyed = match <M as KeyInit>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => return out.fill(0),
    };
    // A(1) = HMAC(secret, label || seed)
    let mut a = [0u8; 64];
    let mut mac = keyed.clone();
    mac.update(label);
    for s in seed {
        mac.update(s);
    }
    let a1 = mac.finalize().into_bytes();
    let hlen = a1.len();
    a[..hlen].copy_from_slice(&a1);

    for chunk in out.chunks_mut(hlen) {
        let mut mac = keyed.clone();
        mac.update(&a[..hlen]);
        mac.update(label);
        for s in seed {
            mac.update(s);
        }
        let block = mac.finalize().into_bytes();
        chunk.copy_from_slice(&block[..chunk.len()]);

        let mut mac = keyed.clone();
        mac.update(&a[..hlen]);
        a[..hlen].copy_from_slice(&mac.finalize().into_bytes());
    }
    a.zeroize();
}

/// The master secret of RFC 5246 §8.1:
/// `PRF(pre_master_secret, "master secret", client_random || server_random)[0..48]`.
pub fn master_secret(
    alg: HashAlg,
    pms: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> Zeroizing<[u8; 48]> {
    let mut ms = Zeroizing::new([0u8; 48]);
    prf(alg, pms, b"master secret", &[client_random, server_random], ms.as_mut());
    ms
}

/// The extended master secret of RFC 7627 §4:
/// `PRF(pre_master_secret, "extended master secret", session_hash)[0..48]`.
pub fn extended_master_secret(alg: HashAlg, pms: &[u8], session_hash: &[u8]) -> Zeroizing<[u8; 48]> {
    let mut ms = Zeroizing::new([0u8; 48]);
    prf(alg, pms, b"extended master secret", &[session_hash], ms.as_mut());
    ms
}

/// The key block of RFC 5246 §6.3:
/// `PRF(master_secret, "key expansion", server_random || client_random)`,
/// as many bytes as `out` holds.
pub fn key_block(
    alg: HashAlg,
    master_secret: &[u8; 48],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
    out: &mut [u8],
) {
    prf(alg, master_secret, b"key expansion", &[server_random, client_random], out);
}

/// Finished `verify_data` of RFC 5246 §7.4.9:
/// `PRF(master_secret, finished_label, handshake_hash)[0..12]`, with the label
/// "client finished" or "server finished".
pub fn verify_data(alg: HashAlg, master_secret: &[u8; 48], from_client: bool, handshake_hash: &[u8]) -> [u8; 12] {
    let label: &[u8] = if from_client { b"client finished" } else { b"server finished" };
    let mut out = [0u8; 12];
    prf(alg, master_secret, label, &[handshake_hash], &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::hash::tests::unhex;

    // The widely used TLS 1.2 PRF test vectors (posted to the IETF TLS list,
    // used by e.g. the Go and mbed TLS test suites).
    const SHA256_OUT: &str = "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a\
        6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab\
        4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701\
        87347b66";
    const SHA384_OUT: &str = "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd\
        e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd\
        8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425\
        9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6\
        91c8f3a26854308d5eaa3be85e0990703d73e56f";

    #[test]
    fn prf_sha256_vector() {
        let secret = unhex::<16>("9bbe436ba940f017b17652849a71db35");
        let seed = unhex::<16>("a0ba9f936cda311827a6f796ffd5198c");
        let mut out = [0u8; 100];
        prf(HashAlg::Sha256, &secret, b"test label", &[&seed], &mut out);
        assert_eq!(out, unhex::<100>(SHA256_OUT));
        // Split seeds are concatenated.
        let mut out2 = [0u8; 100];
        prf(HashAlg::Sha256, &secret, b"test label", &[&seed[..5], &seed[5..]], &mut out2);
        assert_eq!(out, out2);
        // A shorter output is a prefix of the longer one.
        let mut short = [0u8; 33];
        prf(HashAlg::Sha256, &secret, b"test label", &[&seed], &mut short);
        assert_eq!(short[..], out[..33]);
    }

    #[test]
    fn prf_sha384_vector() {
        let secret = unhex::<16>("b80b733d6ceefcdc71566ea48e5567df");
        let seed = unhex::<16>("cd665cf6a8447dd6ff8b27555edb7465");
        let mut out = [0u8; 148];
        prf(HashAlg::Sha384, &secret, b"test label", &[&seed], &mut out);
        assert_eq!(out, unhex::<148>(SHA384_OUT));
    }

    #[test]
    fn derived_secrets_use_the_right_labels_and_seeds() {
        let pms = [7u8; 32];
        let cr = [1u8; 32];
        let sr = [2u8; 32];
        for alg in [HashAlg::Sha256, HashAlg::Sha384] {
            let ms = master_secret(alg, &pms, &cr, &sr);
            let mut expect = [0u8; 48];
            prf(alg, &pms, b"master secret", &[&cr, &sr], &mut expect);
            assert_eq!(*ms, expect);

            let ems = extended_master_secret(alg, &pms, b"session hash");
            prf(alg, &pms, b"extended master secret", &[b"session hash"], &mut expect);
            assert_eq!(*ems, expect);
            assert_ne!(*ems, *ms);

            let mut kb = [0u8; 72];
            key_block(alg, &ms, &cr, &sr, &mut kb);
            let mut expect_kb = [0u8; 72];
            prf(alg, &*ms, b"key expansion", &[&sr, &cr], &mut expect_kb);
            assert_eq!(kb, expect_kb);

            let c = verify_data(alg, &ms, true, b"hh");
            let s = verify_data(alg, &ms, false, b"hh");
            let mut e = [0u8; 12];
            prf(alg, &*ms, b"client finished", &[b"hh"], &mut e);
            assert_eq!(c, e);
            prf(alg, &*ms, b"server finished", &[b"hh"], &mut e);
            assert_eq!(s, e);
        }
    }

    #[test]
    fn master_secret_known_answer() {
        // Independent check of the "master secret" derivation: computed with
        // Python's hmac module (P_SHA256 written out by hand).
        let pms = [0x11u8; 48];
        let cr = [0x22u8; 32];
        let sr = [0x33u8; 32];
        let ms = master_secret(HashAlg::Sha256, &pms, &cr, &sr);
        assert_eq!(*ms, unhex::<48>(MS_KAT));
    }

    const MS_KAT: &str =
        "6d2d60ca3e5f0374ed941798626ba2ac56b02af55f3a1e19074d242d25d8f66ab69d9c014fe47b7112f3034aafee052f";
}

//! The TLS 1.2 PRF (RFC 5246 §5) and the secrets derived with it
//! (RFC 5246 §8.1, §6.3, §7.4.9; RFC 7627 §4).

use zeroize::{Zeroize, Zeroizing};

use super::hash::{HashAlg, MAX_HASH_LEN};
use super::provider::{HashState, Provider};

/// `PRF(secret, label, seed)` = `P_hash(secret, label || seed)`, written to
/// `out` (any length), on `provider`'s HMAC. `seed` parts are concatenated.
///
/// `P_hash` of RFC 5246 §5:
/// `A(0) = seed`, `A(i) = HMAC(secret, A(i-1))`,
/// output = `HMAC(secret, A(1) || seed) || HMAC(secret, A(2) || seed) || ...`.
pub fn prf<P: Provider>(provider: &P, alg: HashAlg, secret: &[u8], label: &[u8], seed: &[&[u8]], out: &mut [u8]) {
    let keyed = provider.hmac(alg, secret);
    // A(1) = HMAC(secret, label || seed)
    let mut a = [0u8; MAX_HASH_LEN];
    let hlen = mac(&keyed, &[], label, seed, &mut a);
    let mut block = [0u8; MAX_HASH_LEN];
    for chunk in out.chunks_mut(hlen.max(1)) {
        // HMAC(secret, A(i) || label || seed), then A(i + 1) = HMAC(secret, A(i)).
        mac(&keyed, &a[..hlen], label, seed, &mut block);
        chunk.copy_from_slice(&block[..chunk.len()]);
        mac(&keyed, &a[..hlen], &[], &[], &mut block);
        a[..hlen].copy_from_slice(&block[..hlen]);
    }
    block.zeroize();
    a.zeroize();
}

/// HMAC(`keyed`'s key, `a` || `label` || `seed`) into the front of `out`;
/// its length. Out of line: one copy of the HMAC code for every use of the
/// PRF (~1 KB of Cortex-M `.text` per inlined copy).
#[inline(never)]
fn mac<M: HashState>(keyed: &M, a: &[u8], label: &[u8], seed: &[&[u8]], out: &mut [u8; MAX_HASH_LEN]) -> usize {
    let mut mac = keyed.clone();
    mac.update(a);
    mac.update(label);
    for s in seed {
        mac.update(s);
    }
    let mut tag = mac.finish();
    let n = tag.as_ref().len().min(MAX_HASH_LEN);
    if let (Some(dst), Some(src)) = (out.get_mut(..n), tag.as_ref().get(..n)) {
        dst.copy_from_slice(src);
    }
    tag.zeroize();
    n
}

/// The master secret of RFC 5246 §8.1:
/// `PRF(pre_master_secret, "master secret", client_random || server_random)[0..48]`.
pub fn master_secret<P: Provider>(
    provider: &P,
    alg: HashAlg,
    pms: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> Zeroizing<[u8; 48]> {
    let mut ms = Zeroizing::new([0u8; 48]);
    prf(provider, alg, pms, b"master secret", &[client_random, server_random], ms.as_mut());
    ms
}

/// The extended master secret of RFC 7627 §4:
/// `PRF(pre_master_secret, "extended master secret", session_hash)[0..48]`.
pub fn extended_master_secret<P: Provider>(
    provider: &P,
    alg: HashAlg,
    pms: &[u8],
    session_hash: &[u8],
) -> Zeroizing<[u8; 48]> {
    let mut ms = Zeroizing::new([0u8; 48]);
    prf(provider, alg, pms, b"extended master secret", &[session_hash], ms.as_mut());
    ms
}

/// The key block of RFC 5246 §6.3:
/// `PRF(master_secret, "key expansion", server_random || client_random)`,
/// as many bytes as `out` holds.
pub fn key_block<P: Provider>(
    provider: &P,
    alg: HashAlg,
    master_secret: &[u8; 48],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
    out: &mut [u8],
) {
    prf(provider, alg, master_secret, b"key expansion", &[server_random, client_random], out);
}

/// Finished `verify_data` of RFC 5246 §7.4.9:
/// `PRF(master_secret, finished_label, handshake_hash)[0..12]`, with the label
/// "client finished" or "server finished".
pub fn verify_data<P: Provider>(
    provider: &P,
    alg: HashAlg,
    master_secret: &[u8; 48],
    from_client: bool,
    handshake_hash: &[u8],
) -> [u8; 12] {
    let label: &[u8] = if from_client { b"client finished" } else { b"server finished" };
    let mut out = [0u8; 12];
    prf(provider, alg, master_secret, label, &[handshake_hash], &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::RustCrypto;
    use crate::crypto::hash::tests::unhex;

    // The widely used TLS 1.2 PRF test vectors posted to the IETF TLS
    // mailing list (100 bytes of P_SHA256, 148 of P_SHA384, label "test
    // label"); the Python `prf` below reproduces both.
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
        prf(&RustCrypto, HashAlg::Sha256, &secret, b"test label", &[&seed], &mut out);
        assert_eq!(out, unhex::<100>(SHA256_OUT));
        // Split seeds are concatenated.
        let mut out2 = [0u8; 100];
        prf(&RustCrypto, HashAlg::Sha256, &secret, b"test label", &[&seed[..5], &seed[5..]], &mut out2);
        assert_eq!(out, out2);
        // A shorter output is a prefix of the longer one.
        let mut short = [0u8; 33];
        prf(&RustCrypto, HashAlg::Sha256, &secret, b"test label", &[&seed], &mut short);
        assert_eq!(short[..], out[..33]);
    }

    #[test]
    #[cfg(feature = "aes256")]
    fn prf_sha384_vector() {
        let secret = unhex::<16>("b80b733d6ceefcdc71566ea48e5567df");
        let seed = unhex::<16>("cd665cf6a8447dd6ff8b27555edb7465");
        let mut out = [0u8; 148];
        prf(&RustCrypto, HashAlg::Sha384, &secret, b"test label", &[&seed], &mut out);
        assert_eq!(out, unhex::<148>(SHA384_OUT));
    }

    // Known answers for the derived secrets, computed independently of this
    // crate with Python's hmac and hashlib, P_hash written from RFC 5246 §5:
    //
    //   import hmac, hashlib
    //   def prf(h, secret, label, seed, n):
    //       a, out = label + seed, b""
    //       while len(out) < n:
    //           a = hmac.new(secret, a, h).digest()
    //           out += hmac.new(secret, a + label + seed, h).digest()
    //       return out[:n]
    //
    // with pre_master_secret = 0x11 * 48, client_random = 0x22 * 32,
    // server_random = 0x33 * 32, and as the session hash (RFC 7627) and
    // the Finished handshake hash h(b"handshake messages").digest():
    //   ms   = prf(h, pms, b"master secret", cr + sr, 48)
    //   ems  = prf(h, pms, b"extended master secret", hh, 48)
    //   kb   = prf(h, ms, b"key expansion", sr + cr, 72)
    //   fin  = prf(h, ms, b"client finished" / b"server finished", hh, 12)
    // for h = hashlib.sha256 and hashlib.sha384.
    const PMS: [u8; 48] = [0x11; 48];
    const CR: [u8; 32] = [0x22; 32];
    const SR: [u8; 32] = [0x33; 32];

    struct Kat {
        alg: HashAlg,
        /// `h(b"handshake messages")`.
        hh: &'static str,
        ms: &'static str,
        ems: &'static str,
        kb: &'static str,
        client_fin: &'static str,
        server_fin: &'static str,
    }

    const KATS: &[Kat] = &[
        Kat {
            alg: HashAlg::Sha256,
            hh: "6e1b983f2338a681fec9331551f24072641b2c011c693e3410cd95da2d6b5458",
            ms: "6d2d60ca3e5f0374ed941798626ba2ac56b02af55f3a1e19074d242d25d8f66ab69d9c014fe47b7112f3034aafee052f",
            ems: "cadef4aa955898d23c2fdf5b23600ae49aa2dd622aaf31bb45f6dc5d42b083b3294f9616e0fb6d0c891cddd6c1ad1251",
            kb: "618a6fb338f15ac035f3dd8ac120cb898e909fb9e8a51e33fa6043b28940dde88a35f46bca719c7b\
                 48cca67c1ed064a472010388ee5911a4f2edc493110bbeec551c881a70e4bc78",
            client_fin: "13d45b99bdfdfdaeccfcfefe",
            server_fin: "2f57b8139d054d74c7239d32",
        },
        #[cfg(feature = "aes256")]
        Kat {
            alg: HashAlg::Sha384,
            hh: "75d2bed15f60516af18942cf6b2fd3b2aed381c6128041a9af684c0ee8e7f9c5271068648aee3439e348c52332a37f0a",
            ms: "8558aad3c3c8ff509b244ed03b10cd4e8719db043c2d2e1b6593326324ca6940e5bd599fc9518b902c7c104849dc9def",
            ems: "d7e9afbe65d28a12e6e77720be43b5721bd36402efd61e7e269a3939cfdd02fefd76777cf533c259b2279d51e244128d",
            kb: "25c4c8ee485fbcdf61bb8bfe6537e587360e54f0e4f7ac881447499125ab29f4ccd2311c8f71901c2ea1\
                 4744c2ddbe5adaa90add99771aa9ed3057f69699805af44b6caae79520ae",
            client_fin: "cd0d590a3c238ae0952db985",
            server_fin: "773c07a772ba23983d8f19ee",
        },
    ];

    /// `kat.hh` decoded, in a buffer of the longest hash.
    fn handshake_hash(kat: &Kat) -> ([u8; 48], usize) {
        let mut out = [0u8; 48];
        match kat.alg {
            HashAlg::Sha256 => out[..32].copy_from_slice(&unhex::<32>(kat.hh)),
            #[cfg(feature = "aes256")]
            HashAlg::Sha384 => out.copy_from_slice(&unhex::<48>(kat.hh)),
        }
        (out, kat.alg.output_len())
    }

    #[test]
    fn master_secret_known_answers() {
        for kat in KATS {
            let ms = master_secret(&RustCrypto, kat.alg, &PMS, &CR, &SR);
            assert_eq!(*ms, unhex::<48>(kat.ms), "{:?}", kat.alg);
        }
    }

    #[test]
    fn extended_master_secret_known_answers() {
        for kat in KATS {
            let (hh, len) = handshake_hash(kat);
            let ems = extended_master_secret(&RustCrypto, kat.alg, &PMS, &hh[..len]);
            assert_eq!(*ems, unhex::<48>(kat.ems), "{:?}", kat.alg);
        }
    }

    #[test]
    fn key_block_known_answers() {
        for kat in KATS {
            let ms = unhex::<48>(kat.ms);
            let mut kb = [0u8; 72];
            key_block(&RustCrypto, kat.alg, &ms, &CR, &SR, &mut kb);
            assert_eq!(kb, unhex::<72>(kat.kb), "{:?}", kat.alg);
        }
    }

    #[test]
    fn verify_data_known_answers() {
        for kat in KATS {
            let ms = unhex::<48>(kat.ms);
            let (hh, len) = handshake_hash(kat);
            let hh = &hh[..len];
            assert_eq!(verify_data(&RustCrypto, kat.alg, &ms, true, hh), unhex::<12>(kat.client_fin), "{:?}", kat.alg);
            assert_eq!(verify_data(&RustCrypto, kat.alg, &ms, false, hh), unhex::<12>(kat.server_fin), "{:?}", kat.alg);
        }
    }
}

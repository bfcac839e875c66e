//! Ephemeral ECDHE key exchange (RFC 8422) over X25519 and secp256r1.

use p256::elliptic_curve::Generate;
use p256::elliptic_curve::sec1::ToSec1Point;
use zeroize::Zeroizing;

use crate::Error;
use crate::codec::NamedGroup;

/// Groups we can do ECDHE with, in our order of preference.
pub const SUPPORTED_GROUPS: &[NamedGroup] = &[NamedGroup::X25519, NamedGroup::Secp256r1];

/// Our public key share as it goes on the wire: 32 bytes for X25519, a
/// 65-byte uncompressed point for secp256r1.
#[derive(Clone)]
pub struct PublicShare {
    buf: [u8; 65],
    len: usize,
}

impl AsRef<[u8]> for PublicShare {
    fn as_ref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl core::fmt::Debug for PublicShare {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("PublicShare(")?;
        for b in self.as_ref() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// An ephemeral private key, used once; erased when dropped.
#[non_exhaustive]
pub enum EphemeralSecret {
    /// X25519 (RFC 7748).
    X25519(x25519_dalek::EphemeralSecret),
    /// secp256r1 / NIST P-256.
    P256(p256::ecdh::EphemeralSecret),
}

impl core::fmt::Debug for EphemeralSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "EphemeralSecret({:?})", self.group())
    }
}

impl EphemeralSecret {
    /// Makes a key pair for `group`. `Err(Error::HandshakeFailure)` if the
    /// group is not supported.
    pub fn generate<R: rand_core::CryptoRng + ?Sized>(
        group: NamedGroup,
        rng: &mut R,
    ) -> Result<(Self, PublicShare), Error> {
        let mut share = PublicShare { buf: [0u8; 65], len: 0 };
        match group {
            NamedGroup::X25519 => {
                let secret = x25519_dalek::EphemeralSecret::random_from_rng(rng);
                let public = x25519_dalek::PublicKey::from(&secret);
                share.buf[..32].copy_from_slice(public.as_bytes());
                share.len = 32;
                Ok((EphemeralSecret::X25519(secret), share))
            }
            NamedGroup::Secp256r1 => {
                let secret = p256::ecdh::EphemeralSecret::generate_from_rng(rng);
                let point = secret.public_key().to_sec1_point(false);
                let bytes = point.as_bytes();
                if bytes.len() != 65 {
                    return Err(Error::Internal);
                }
                share.buf.copy_from_slice(bytes);
                share.len = 65;
                Ok((EphemeralSecret::P256(secret), share))
            }
            _ => Err(Error::HandshakeFailure),
        }
    }

    /// The group of this key.
    pub fn group(&self) -> NamedGroup {
        match self {
            EphemeralSecret::X25519(_) => NamedGroup::X25519,
            EphemeralSecret::P256(_) => NamedGroup::Secp256r1,
        }
    }

    /// Computes the shared secret with the peer's share, consuming the key.
    ///
    /// `Err(Error::IllegalParameter)` for a share of the wrong length, a point
    /// not on the curve or not in uncompressed form (P-256), or an all-zero
    /// X25519 result (RFC 7748 §6.1: a small-order peer point).
    pub fn agree(self, peer_public: &[u8]) -> Result<Zeroizing<[u8; 32]>, Error> {
        let mut out = Zeroizing::new([0u8; 32]);
        match self {
            EphemeralSecret::X25519(secret) => {
                let peer: [u8; 32] = peer_public.try_into().map_err(|_| Error::IllegalParameter)?;
                let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(peer));
                if !shared.was_contributory() {
                    return Err(Error::IllegalParameter);
                }
                out.copy_from_slice(shared.as_bytes());
            }
            EphemeralSecret::P256(secret) => {
                if peer_public.len() != 65 || peer_public.first() != Some(&0x04) {
                    return Err(Error::IllegalParameter);
                }
                let peer = p256::PublicKey::from_sec1_bytes(peer_public).map_err(|_| Error::IllegalParameter)?;
                let shared = secret.diffie_hellman(&peer);
                let raw = shared.raw_secret_bytes();
                if raw.len() != 32 {
                    return Err(Error::Internal);
                }
                out.copy_from_slice(raw);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::test_rng::TestRng;

    #[test]
    fn both_groups_agree() {
        let mut rng = TestRng::new(1);
        for &group in SUPPORTED_GROUPS {
            let (a, a_pub) = EphemeralSecret::generate(group, &mut rng).unwrap();
            let (b, b_pub) = EphemeralSecret::generate(group, &mut rng).unwrap();
            assert_eq!(a.group(), group);
            let expected_len = if group == NamedGroup::X25519 { 32 } else { 65 };
            assert_eq!(a_pub.as_ref().len(), expected_len);
            assert_ne!(a_pub.as_ref(), b_pub.as_ref());
            let s1 = a.agree(b_pub.as_ref()).unwrap();
            let s2 = b.agree(a_pub.as_ref()).unwrap();
            assert_eq!(*s1, *s2);
            assert_ne!(*s1, [0u8; 32]);
        }
    }

    #[test]
    fn x25519_rfc7748_vector() {
        use crate::crypto::hash::tests::unhex;
        // RFC 7748 §6.1, through the same crate types our code uses.
        let alice = x25519_dalek::StaticSecret::from(unhex::<32>(
            "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
        ));
        let bob_pub = unhex::<32>("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        let shared = alice.diffie_hellman(&x25519_dalek::PublicKey::from(bob_pub));
        assert_eq!(*shared.as_bytes(), unhex::<32>("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"));
    }

    #[test]
    fn unsupported_group() {
        let mut rng = TestRng::new(2);
        assert_eq!(EphemeralSecret::generate(NamedGroup::Secp384r1, &mut rng).unwrap_err(), Error::HandshakeFailure);
        assert_eq!(
            EphemeralSecret::generate(NamedGroup::Unknown(0x1234), &mut rng).unwrap_err(),
            Error::HandshakeFailure
        );
    }

    #[test]
    fn x25519_rejects_bad_shares() {
        let mut rng = TestRng::new(3);
        for bad in [&[0u8; 31][..], &[0u8; 33][..], &[][..]] {
            let (a, _) = EphemeralSecret::generate(NamedGroup::X25519, &mut rng).unwrap();
            assert_eq!(a.agree(bad).unwrap_err(), Error::IllegalParameter);
        }
        // All-zero point and other small-order points give an all-zero result.
        let mut one = [0u8; 32];
        one[0] = 1;
        for bad in [[0u8; 32], one] {
            let (a, _) = EphemeralSecret::generate(NamedGroup::X25519, &mut rng).unwrap();
            assert_eq!(a.agree(&bad).unwrap_err(), Error::IllegalParameter);
        }
    }

    #[test]
    fn p256_rejects_bad_shares() {
        let mut rng = TestRng::new(4);
        let (_, good) = EphemeralSecret::generate(NamedGroup::Secp256r1, &mut rng).unwrap();
        let good = good.as_ref();

        let mut off_curve = [0u8; 65];
        off_curve.copy_from_slice(good);
        off_curve[64] ^= 1;

        // Compressed form of a valid point.
        let mut compressed = [0u8; 33];
        compressed[0] = 2 + (good[64] & 1);
        compressed[1..].copy_from_slice(&good[1..33]);

        let mut wrong_prefix = [0u8; 65];
        wrong_prefix.copy_from_slice(good);
        wrong_prefix[0] = 0x05;

        let zero = [0u8; 65];
        let mut zero_point = [0u8; 65];
        zero_point[0] = 4;

        for bad in [
            &off_curve[..],
            &compressed[..],
            &wrong_prefix[..],
            &good[..64],
            &[0u8][..],
            &[][..],
            &zero[..],
            &zero_point[..],
        ] {
            let (a, _) = EphemeralSecret::generate(NamedGroup::Secp256r1, &mut rng).unwrap();
            assert_eq!(a.agree(bad).unwrap_err(), Error::IllegalParameter);
        }
        // The good point still works.
        let (a, _) = EphemeralSecret::generate(NamedGroup::Secp256r1, &mut rng).unwrap();
        a.agree(good).unwrap();
    }
}

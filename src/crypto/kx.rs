//! Ephemeral ECDHE key exchange (RFC 8422) over secp256r1, and with their
//! features X25519 (`x25519`) and secp384r1 (`p384`).

use p256::elliptic_curve::Generate;
use p256::elliptic_curve::sec1::ToSec1Point;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::codec::NamedGroup;
use crate::error::Error;

/// Groups we can do ECDHE with in this build, in our order of preference.
pub const SUPPORTED_GROUPS: &[NamedGroup] = &[
    #[cfg(feature = "x25519")]
    NamedGroup::X25519,
    NamedGroup::Secp256r1,
    #[cfg(feature = "p384")]
    NamedGroup::Secp384r1,
];

/// The longest public share: an uncompressed P-384 point.
#[cfg(feature = "p384")]
const MAX_SHARE_LEN: usize = 97;
/// The longest public share: an uncompressed P-256 point.
#[cfg(not(feature = "p384"))]
const MAX_SHARE_LEN: usize = 65;

/// The longest shared secret: 48 bytes on secp384r1.
#[cfg(feature = "p384")]
const MAX_SECRET_LEN: usize = 48;
/// The longest shared secret: 32 bytes (X25519 and secp256r1).
#[cfg(not(feature = "p384"))]
const MAX_SECRET_LEN: usize = 32;

/// Our public key share as it goes on the wire: 32 bytes for X25519, an
/// uncompressed point for the NIST curves (65 bytes for secp256r1, 97 for
/// secp384r1).
#[derive(Clone)]
pub struct PublicShare {
    buf: [u8; MAX_SHARE_LEN],
    len: usize,
}

/// An ECDHE shared secret, the premaster secret of the handshake: 32 bytes
/// for X25519 and secp256r1, 48 for secp384r1. Erased when dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SharedSecret {
    buf: [u8; MAX_SECRET_LEN],
    len: usize,
}

impl Default for SharedSecret {
    fn default() -> Self {
        SharedSecret { buf: [0; MAX_SECRET_LEN], len: 0 }
    }
}

impl SharedSecret {
    /// A provider's ECDHE result (at most 48 bytes with `p384`, 32
    /// without); `Err(Error::Internal)` if longer.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
        let mut s = SharedSecret::default();
        s.buf.get_mut(..bytes.len()).ok_or(Error::Internal)?.copy_from_slice(bytes);
        s.len = bytes.len();
        Ok(s)
    }
}

impl AsRef<[u8]> for SharedSecret {
    fn as_ref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl core::fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "SharedSecret({} bytes)", self.len)
    }
}

impl PublicShare {
    /// A provider's public share (at most 97 bytes with `p384`, 65
    /// without); `Err(Error::Internal)` if longer.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
        let mut share = PublicShare { buf: [0; MAX_SHARE_LEN], len: bytes.len() };
        share.buf.get_mut(..bytes.len()).ok_or(Error::Internal)?.copy_from_slice(bytes);
        Ok(share)
    }
}

/// A peer ECDHE share of the wrong length or form, or not on the curve.
pub(super) const BAD_SHARE: Error =
    Error::IllegalParameter.because("peer ECDHE share is not an uncompressed point on the group's curve");

/// A NIST-curve peer share: an uncompressed point of `len` bytes (RFC 8422
/// §5.4: the only format we announce), checked on the curve by `parse`.
fn nist_point<P>(peer: &[u8], len: usize, parse: impl FnOnce(&[u8]) -> Option<P>) -> Result<P, Error> {
    if peer.len() != len || peer.first() != Some(&0x04) {
        return Err(BAD_SHARE);
    }
    parse(peer).ok_or(BAD_SHARE)
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

/// An ephemeral private key of the [`RustCrypto`](super::RustCrypto)
/// provider, used once; erased when dropped.
#[non_exhaustive]
pub enum EphemeralSecret {
    /// X25519 (RFC 7748; feature `x25519`).
    #[cfg(feature = "x25519")]
    X25519(x25519_dalek::EphemeralSecret),
    /// secp256r1 / NIST P-256.
    P256(p256::ecdh::EphemeralSecret),
    /// secp384r1 / NIST P-384.
    #[cfg(feature = "p384")]
    P384(p384::ecdh::EphemeralSecret),
}

impl core::fmt::Debug for EphemeralSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "EphemeralSecret({:?})", super::provider::KeyShare::group(self))
    }
}

impl EphemeralSecret {
    /// Makes a key pair for `group`. `Err(Error::HandshakeFailure)` if the
    /// group is not supported.
    pub fn generate<R: rand_core::CryptoRng + ?Sized>(
        group: NamedGroup,
        rng: &mut R,
    ) -> Result<(Self, PublicShare), Error> {
        match group {
            #[cfg(feature = "x25519")]
            NamedGroup::X25519 => {
                let secret = x25519_dalek::EphemeralSecret::random_from_rng(rng);
                let public = x25519_dalek::PublicKey::from(&secret);
                Ok((EphemeralSecret::X25519(secret), PublicShare::from_slice(public.as_bytes())?))
            }
            NamedGroup::Secp256r1 => {
                let secret = p256::ecdh::EphemeralSecret::generate_from_rng(rng);
                let share = PublicShare::from_slice(secret.public_key().to_sec1_point(false).as_bytes())?;
                Ok((EphemeralSecret::P256(secret), share))
            }
            #[cfg(feature = "p384")]
            NamedGroup::Secp384r1 => {
                let secret = p384::ecdh::EphemeralSecret::generate_from_rng(rng);
                let share = PublicShare::from_slice(secret.public_key().to_sec1_point(false).as_bytes())?;
                Ok((EphemeralSecret::P384(secret), share))
            }
            _ => Err(Error::HandshakeFailure.because("ECDHE group not supported")),
        }
    }
}

impl super::provider::KeyShare for EphemeralSecret {
    fn group(&self) -> NamedGroup {
        match self {
            #[cfg(feature = "x25519")]
            EphemeralSecret::X25519(_) => NamedGroup::X25519,
            EphemeralSecret::P256(_) => NamedGroup::Secp256r1,
            #[cfg(feature = "p384")]
            EphemeralSecret::P384(_) => NamedGroup::Secp384r1,
        }
    }

    /// `Err(Error::IllegalParameter)` for a share of the wrong length, a point
    /// not on the curve or not in uncompressed form (P-256), or an all-zero
    /// X25519 result (RFC 7748 §6.1: a small-order peer point).
    fn agree(self, peer_public: &[u8]) -> Result<SharedSecret, Error> {
        match self {
            #[cfg(feature = "x25519")]
            EphemeralSecret::X25519(secret) => {
                let peer: [u8; 32] = peer_public
                    .try_into()
                    .map_err(|_| Error::IllegalParameter.because("peer X25519 share is not 32 bytes"))?;
                let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(peer));
                if !shared.was_contributory() {
                    return Err(Error::IllegalParameter.because("peer X25519 share is a small-order point"));
                }
                SharedSecret::from_slice(shared.as_bytes())
            }
            EphemeralSecret::P256(secret) => {
                let peer = nist_point(peer_public, 65, |b| p256::PublicKey::from_sec1_bytes(b).ok())?;
                SharedSecret::from_slice(secret.diffie_hellman(&peer).raw_secret_bytes())
            }
            #[cfg(feature = "p384")]
            EphemeralSecret::P384(secret) => {
                let peer = nist_point(peer_public, 97, |b| p384::PublicKey::from_sec1_bytes(b).ok())?;
                SharedSecret::from_slice(secret.diffie_hellman(&peer).raw_secret_bytes())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::provider::KeyShare as _;
    use crate::testing::TestRng;

    #[test]
    fn both_groups_agree() {
        let mut rng = TestRng::new(1);
        for &group in SUPPORTED_GROUPS {
            let (a, a_pub) = EphemeralSecret::generate(group, &mut rng).unwrap();
            let (b, b_pub) = EphemeralSecret::generate(group, &mut rng).unwrap();
            assert_eq!(a.group(), group);
            let (share_len, secret_len) = match group {
                NamedGroup::X25519 => (32, 32),
                NamedGroup::Secp256r1 => (65, 32),
                _ => (97, 48),
            };
            assert_eq!(a_pub.as_ref().len(), share_len);
            assert_ne!(a_pub.as_ref(), b_pub.as_ref());
            let s1 = a.agree(b_pub.as_ref()).unwrap();
            let s2 = b.agree(a_pub.as_ref()).unwrap();
            assert_eq!(s1.as_ref(), s2.as_ref());
            assert_eq!(s1.as_ref().len(), secret_len);
            assert!(s1.as_ref().iter().any(|&b| b != 0));
        }
    }

    #[test]
    #[cfg(feature = "x25519")]
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
        assert_eq!(EphemeralSecret::generate(NamedGroup::Unknown(25), &mut rng).unwrap_err(), Error::HandshakeFailure);
        assert_eq!(
            EphemeralSecret::generate(NamedGroup::Unknown(0x1234), &mut rng).unwrap_err(),
            Error::HandshakeFailure
        );
    }

    #[test]
    #[cfg(feature = "x25519")]
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
    fn nist_curves_reject_bad_shares() {
        let mut rng = TestRng::new(4);
        for group in SUPPORTED_GROUPS.iter().copied().filter(|g| *g != NamedGroup::X25519) {
            let (_, share) = EphemeralSecret::generate(group, &mut rng).unwrap();
            let n = share.as_ref().len();
            let coord = (n - 1) / 2;
            let mut buf = [[0u8; MAX_SHARE_LEN]; 5];
            let [good, off_curve, compressed, wrong_prefix, zero_point] = &mut buf;
            good[..n].copy_from_slice(share.as_ref());
            off_curve[..n].copy_from_slice(&good[..n]);
            off_curve[n - 1] ^= 1;
            // Compressed form of a valid point.
            compressed[0] = 2 + (good[n - 1] & 1);
            compressed[1..1 + coord].copy_from_slice(&good[1..1 + coord]);
            wrong_prefix[..n].copy_from_slice(&good[..n]);
            wrong_prefix[0] = 0x05;
            zero_point[0] = 4;
            let zero = [0u8; MAX_SHARE_LEN];
            for bad in [
                &off_curve[..n],
                &compressed[..1 + coord],
                &wrong_prefix[..n],
                &good[..n - 1],
                &[0u8][..],
                &[][..],
                &zero[..n],
                &zero_point[..n],
            ] {
                let (a, _) = EphemeralSecret::generate(group, &mut rng).unwrap();
                assert_eq!(a.agree(bad).unwrap_err(), Error::IllegalParameter, "{group:?}");
            }
            // The good point still works.
            let (a, _) = EphemeralSecret::generate(group, &mut rng).unwrap();
            a.agree(&good[..n]).unwrap();
        }
    }
}

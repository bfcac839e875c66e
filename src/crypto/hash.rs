//! Hashes of the TLS 1.2 suites (SHA-256, and SHA-384 with the `aes256`
//! feature) and the running handshake transcript. SHA-384 and SHA-512 are
//! linked only with the `sha384` feature (which `aes256`, `p384` and `rsa`
//! turn on): they share one large compression function.

use sha2::{Digest, Sha256};

use super::provider::{HashState, Provider};
use crate::error::Error;
#[cfg(feature = "sha384")]
use sha2::{Sha384, Sha512};

/// A hash function used as PRF hash, transcript hash or signature hash.
///
/// ```
/// use sansio_tls::crypto::{HashAlg, hash};
/// assert_eq!(HashAlg::Sha256.output_len(), 32);
/// assert_eq!(hash(HashAlg::Sha256, b"").as_ref().len(), HashAlg::Sha256.output_len());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HashAlg {
    /// SHA-256 (32-byte output).
    Sha256,
    /// SHA-384 (48-byte output; feature `aes256`).
    #[cfg(feature = "aes256")]
    Sha384,
}

impl HashAlg {
    /// Output length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            HashAlg::Sha256 => 32,
            #[cfg(feature = "aes256")]
            HashAlg::Sha384 => 48,
        }
    }
}

/// The largest digest this module produces: SHA-512 (used by signature
/// schemes) with the `sha384` feature, SHA-256 without.
#[cfg(feature = "sha384")]
pub(crate) const MAX_HASH_LEN: usize = 64;
/// The largest digest this module produces: SHA-512 (used by signature
/// schemes) with the `sha384` feature, SHA-256 without.
#[cfg(not(feature = "sha384"))]
pub(crate) const MAX_HASH_LEN: usize = 32;

/// A digest of at most 64 bytes, kept inline. Read it with `as_ref()`;
/// `Debug` shows it in hex.
///
/// ```
/// use sansio_tls::crypto::{HashAlg, HashOutput, hash};
/// // A certificate's SHA-256 fingerprint, as `openssl x509 -fingerprint -sha256` shows it.
/// let cert: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.der");
/// let digest: HashOutput = hash(HashAlg::Sha256, cert);
/// let fingerprint: Vec<String> = digest.as_ref().iter().map(|b| format!("{b:02X}")).collect();
/// assert_eq!(fingerprint.len(), 32);
/// let abc = hash(HashAlg::Sha256, b"abc");
/// assert!(format!("{abc:?}").starts_with("HashOutput(ba7816bf"));
/// ```
#[derive(Clone, zeroize::Zeroize)]
pub struct HashOutput {
    buf: [u8; MAX_HASH_LEN],
    len: usize,
}

impl HashOutput {
    /// Copies `bytes` into a new output: a provider's digest or MAC. At
    /// most 64 bytes are kept with the `sha384` feature, 32 without (the
    /// longest hash the build has).
    pub fn from_slice(bytes: &[u8]) -> Self {
        let mut buf = [0u8; MAX_HASH_LEN];
        let len = bytes.len().min(MAX_HASH_LEN);
        buf[..len].copy_from_slice(&bytes[..len]);
        HashOutput { buf, len }
    }
}

impl AsRef<[u8]> for HashOutput {
    fn as_ref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl core::fmt::Debug for HashOutput {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("HashOutput(")?;
        for b in self.as_ref() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

// sha2's update and finalize are generic code that inlines into every
// caller (buffering, padding, the length block): ~400 bytes of Cortex-M
// `.text` each time. Every hash in this module goes through the three
// functions below, kept out of line, so that each hash's code is linked
// once.

/// Feeds `data` to `d`.
#[inline(never)]
pub(super) fn update<D: Digest>(d: &mut D, data: &[u8]) {
    d.update(data);
}

/// The digest of everything fed to `d`.
#[inline(never)]
pub(super) fn finish<D: Digest>(d: D) -> HashOutput {
    HashOutput::from_slice(&d.finalize())
}

/// `D` over the concatenation of `parts`.
fn digest_parts<D: Digest>(parts: &[&[u8]]) -> HashOutput {
    let mut d = D::new();
    for p in parts {
        update(&mut d, p);
    }
    finish(d)
}

/// The first 32 bytes of `digest` (all of a SHA-256 one).
fn first_32(digest: &HashOutput) -> [u8; 32] {
    let mut out = [0u8; 32];
    if let Some(bytes) = digest.as_ref().get(..32) {
        out.copy_from_slice(bytes);
    }
    out
}

/// Hashes `data` in one go.
pub fn hash(alg: HashAlg, data: &[u8]) -> HashOutput {
    match alg {
        HashAlg::Sha256 => digest_parts::<Sha256>(&[data]),
        #[cfg(feature = "aes256")]
        HashAlg::Sha384 => digest_parts::<Sha384>(&[data]),
    }
}

/// SHA-256 of `data`, fixed size: how the crate fingerprints certificates,
/// server names and cache keys.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    first_32(&digest_parts::<Sha256>(&[data]))
}

/// SHA-256 over `parts`, each prefixed by its length, so that no two
/// different lists of parts hash alike. Session contexts and verifier
/// identities ([`ServerCertVerifier::session_context`](crate::cert::ServerCertVerifier::session_context))
/// are made with it.
///
/// ```
/// use sansio_tls::crypto::context_digest;
/// assert_ne!(context_digest([&b"ab"[..], b"c"]), context_digest([&b"a"[..], b"bc"]));
/// ```
pub fn context_digest<'x>(parts: impl IntoIterator<Item = &'x [u8]>) -> [u8; 32] {
    let mut d = Sha256::new();
    for p in parts {
        update(&mut d, &(p.len() as u64).to_be_bytes());
        update(&mut d, p);
    }
    first_32(&finish(d))
}

/// The hashes a [`Provider`](super::Provider) computes: those of the
/// signature schemes, a superset of [`HashAlg`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestAlg {
    /// SHA-256.
    Sha256,
    /// SHA-384 (feature `sha384`).
    #[cfg(feature = "sha384")]
    Sha384,
    /// SHA-512 (feature `sha384`).
    #[cfg(feature = "sha384")]
    Sha512,
}

impl From<HashAlg> for DigestAlg {
    fn from(alg: HashAlg) -> Self {
        match alg {
            HashAlg::Sha256 => DigestAlg::Sha256,
            #[cfg(feature = "aes256")]
            HashAlg::Sha384 => DigestAlg::Sha384,
        }
    }
}

impl DigestAlg {
    /// Output length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            DigestAlg::Sha256 => 32,
            #[cfg(feature = "sha384")]
            DigestAlg::Sha384 => 48,
            #[cfg(feature = "sha384")]
            DigestAlg::Sha512 => 64,
        }
    }

    /// Hashes the concatenation of `parts`.
    pub(crate) fn digest(self, parts: &[&[u8]]) -> HashOutput {
        match self {
            DigestAlg::Sha256 => digest_parts::<Sha256>(parts),
            #[cfg(feature = "sha384")]
            DigestAlg::Sha384 => digest_parts::<Sha384>(parts),
            #[cfg(feature = "sha384")]
            DigestAlg::Sha512 => digest_parts::<Sha512>(parts),
        }
    }
}

/// The running hash of all handshake messages, on the provider's hash.
///
/// With the `aes256` feature both SHA-256 and SHA-384 start, because the
/// PRF hash is only known once the server has chosen a suite, after the
/// ClientHello was hashed; [`keep_only`](Self::keep_only) then drops the
/// one no message will need. Without the feature only SHA-256 runs.
#[derive(Clone)]
pub struct Transcript<H> {
    // Without `aes256` SHA-256 is the only hash and is never dropped.
    #[cfg(feature = "aes256")]
    sha256: Option<H>,
    #[cfg(not(feature = "aes256"))]
    sha256: H,
    #[cfg(feature = "aes256")]
    sha384: Option<H>,
}

impl<H: HashState> Transcript<H> {
    /// An empty transcript on `provider`'s hashes.
    pub fn new<P: Provider<Hash = H>>(provider: &P) -> Self {
        Transcript {
            #[cfg(feature = "aes256")]
            sha256: Some(provider.hash(DigestAlg::Sha256)),
            #[cfg(not(feature = "aes256"))]
            sha256: provider.hash(DigestAlg::Sha256),
            #[cfg(feature = "aes256")]
            sha384: Some(provider.hash(DigestAlg::Sha384)),
        }
    }

    /// Appends handshake message bytes.
    pub fn update(&mut self, data: &[u8]) {
        #[cfg(not(feature = "aes256"))]
        self.sha256.update(data);
        #[cfg(feature = "aes256")]
        for h in [&mut self.sha256, &mut self.sha384].into_iter().flatten() {
            h.update(data);
        }
    }

    /// Stops every hash but `alg`'s: once the suite is known and no
    /// CertificateVerify can need another (a SHA-256 suite then stops
    /// paying for SHA-384, and the other way round).
    pub fn keep_only(&mut self, alg: HashAlg) {
        match alg {
            HashAlg::Sha256 => {
                #[cfg(feature = "aes256")]
                {
                    self.sha384 = None;
                }
            }
            #[cfg(feature = "aes256")]
            HashAlg::Sha384 => self.sha256 = None,
        }
    }

    /// The hash of everything fed so far; the transcript keeps running.
    /// `Err(Error::Internal)` if [`keep_only`](Self::keep_only) dropped it.
    pub fn current(&self, alg: HashAlg) -> Result<HashOutput, Error> {
        #[cfg(not(feature = "aes256"))]
        {
            let HashAlg::Sha256 = alg;
            Ok(self.sha256.clone().finish())
        }
        #[cfg(feature = "aes256")]
        let h = match alg {
            HashAlg::Sha256 => &self.sha256,
            #[cfg(feature = "aes256")]
            HashAlg::Sha384 => &self.sha384,
        };
        #[cfg(feature = "aes256")]
        h.clone().map(HashState::finish).ok_or(Error::Internal.because("transcript hash no longer kept"))
    }
}

impl<H> core::fmt::Debug for Transcript<H> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Transcript { .. }")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Decodes a hex string (test helper).
    pub(crate) fn unhex<const N: usize>(s: &str) -> [u8; N] {
        let s = s.as_bytes();
        assert_eq!(s.len(), 2 * N, "hex length");
        let mut out = [0u8; N];
        for (i, o) in out.iter_mut().enumerate() {
            let d = |c: u8| match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => panic!("bad hex"),
            };
            *o = d(s[2 * i]) << 4 | d(s[2 * i + 1]);
        }
        out
    }

    #[test]
    #[cfg(feature = "aes256")]
    fn known_digests() {
        let h = hash(HashAlg::Sha256, b"abc");
        assert_eq!(h.as_ref(), unhex::<32>("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        let h = hash(HashAlg::Sha384, b"abc");
        assert_eq!(
            h.as_ref(),
            unhex::<48>(
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
                 8086072ba1e7cc2358baeca134c825a7"
            )
        );
        assert_eq!(HashAlg::Sha256.output_len(), 32);
        assert_eq!(HashAlg::Sha384.output_len(), 48);
        assert_eq!(DigestAlg::Sha512.digest(&[b"a", b"bc"]).as_ref().len(), 64);
    }

    #[test]
    #[cfg(feature = "aes256")]
    fn transcript_keeps_running() {
        let mut t = Transcript::new(&crate::crypto::RustCrypto);
        t.update(b"a");
        let mid = t.current(HashAlg::Sha256).unwrap();
        assert_eq!(mid.as_ref(), hash(HashAlg::Sha256, b"a").as_ref());
        t.update(b"bc");
        assert_eq!(t.current(HashAlg::Sha256).unwrap().as_ref(), hash(HashAlg::Sha256, b"abc").as_ref());
        assert_eq!(t.current(HashAlg::Sha384).unwrap().as_ref(), hash(HashAlg::Sha384, b"abc").as_ref());
        // Asking twice gives the same answer.
        assert_eq!(t.current(HashAlg::Sha384).unwrap().as_ref(), t.current(HashAlg::Sha384).unwrap().as_ref());
        // keep_only drops the other hash and keeps its own running.
        let mut only384 = t.clone();
        only384.keep_only(HashAlg::Sha384);
        only384.update(b"d");
        assert_eq!(only384.current(HashAlg::Sha384).unwrap().as_ref(), hash(HashAlg::Sha384, b"abcd").as_ref());
        assert_eq!(only384.current(HashAlg::Sha256).err(), Some(Error::Internal));
        t.keep_only(HashAlg::Sha256);
        t.update(b"d");
        assert_eq!(t.current(HashAlg::Sha256).unwrap().as_ref(), hash(HashAlg::Sha256, b"abcd").as_ref());
        assert_eq!(t.current(HashAlg::Sha384).err(), Some(Error::Internal));
    }
}

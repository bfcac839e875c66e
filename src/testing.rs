//! Helpers for tests, fuzzing, recorded vectors and examples (feature
//! `testing`).
//!
//! [`TestRng`] is ChaCha20 keyed from a 64-bit seed: reproducible, which is
//! what tests and recorded transcripts need, and exactly why it must never
//! key a real connection. Real deployments pass an RNG seeded from hardware
//! or operating-system entropy.

use rand_core::SeedableRng;

/// A deterministic RNG for tests: ChaCha20 seeded from a `u64`.
///
/// Use it where a test needs the same bytes on every run (a recorded
/// transcript, a fuzz target, a vector); everywhere else, and always
/// outside tests, use the operating system's or the hardware's RNG (see
/// [the guide](crate::guide#randomness)).
///
/// ```
/// use sansio_tls::rand_core::Rng;
/// use sansio_tls::testing::TestRng;
/// let (mut a, mut b) = (TestRng::new(7), TestRng::new(7));
/// assert_eq!(a.next_u64(), b.next_u64()); // the same seed, the same stream
/// assert_ne!(TestRng::new(8).next_u64(), TestRng::new(7).next_u64());
/// ```
pub struct TestRng(chacha20::ChaCha20Rng);

impl TestRng {
    /// The RNG for `seed`: the same seed gives the same stream.
    pub fn new(seed: u64) -> Self {
        TestRng(chacha20::ChaCha20Rng::seed_from_u64(seed))
    }
}

impl rand_core::TryRng for TestRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        self.0.try_next_u32()
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0.try_next_u64()
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.0.try_fill_bytes(dst)
    }
}

impl rand_core::TryCryptoRng for TestRng {}

//! Caller-supplied time. The engine has no clock: every call that needs the
//! time takes an [`Instant`]. See [the guide](crate::guide#time) for what
//! the time is used for.

/// A point in time: milliseconds since the Unix epoch, as the caller's clock
/// says. The same value serves timeouts and certificate validity; a device
/// without a real-time clock can pass any monotonic count for timeouts and
/// use a certificate verifier that does not check validity dates.
///
/// It is wall-clock time, like [`std::time::SystemTime`], and unlike
/// [`std::time::Instant`], which is monotonic but has no calendar date: a
/// certificate is valid between two dates, so the engine needs one.
/// `Instant::now()` (feature `std`) reads the system clock.
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use sansio_tls::Instant;
///
/// // With `std`: the system clock, as a SystemTime gives it.
/// let now = Instant::now();
/// let system = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
/// assert!(system.as_millis() as u64 >= now.as_millis());
///
/// // Without: from a real-time clock counting seconds since 1970.
/// let boot = Instant::from_secs(1_800_000_000);
/// let later = boot.add_millis(1_500);
/// assert_eq!(later.as_millis() - boot.as_millis(), 1_500);
/// assert_eq!(later.as_secs(), 1_800_000_001);
///
/// // And back to std, e.g. to print a session's creation time.
/// let as_system_time = UNIX_EPOCH + Duration::from_millis(later.as_millis());
/// assert_eq!(as_system_time.duration_since(UNIX_EPOCH).unwrap().as_secs(), 1_800_000_001);
/// ```
///
/// [`std::time::SystemTime`]: https://doc.rust-lang.org/std/time/struct.SystemTime.html
/// [`std::time::Instant`]: https://doc.rust-lang.org/std/time/struct.Instant.html
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(u64);

impl Instant {
    /// From milliseconds since the Unix epoch.
    pub const fn from_millis(ms: u64) -> Self {
        Instant(ms)
    }

    /// From seconds since the Unix epoch.
    pub const fn from_secs(s: u64) -> Self {
        Instant(s.saturating_mul(1000))
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Whole seconds since the Unix epoch.
    pub const fn as_secs(self) -> u64 {
        self.0 / 1000
    }

    /// This instant plus `ms` milliseconds, saturating.
    pub const fn add_millis(self, ms: u64) -> Self {
        Instant(self.0.saturating_add(ms))
    }

    /// The current time from the system clock (feature `std`):
    /// `SystemTime::now()` since the Unix epoch. A clock before 1970 gives
    /// 0.
    #[cfg(feature = "std")]
    pub fn now() -> Self {
        extern crate std;
        let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Instant(d.as_millis() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(Instant::from_secs(3).as_millis(), 3000);
        assert_eq!(Instant::from_millis(2999).as_secs(), 2);
        assert_eq!(Instant::from_millis(u64::MAX).add_millis(5), Instant::from_millis(u64::MAX));
        assert!(Instant::from_millis(1) < Instant::from_millis(2));
    }
}

//! Caller-supplied time. The engine has no clock: every call that needs the
//! time takes an [`Instant`].

/// A point in time: milliseconds since the Unix epoch, as the caller's clock
/// says. The same value serves timeouts and certificate validity; a device
/// without a real-time clock can pass any monotonic count for timeouts and
/// use a certificate verifier that does not check validity dates.
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

    /// The current time from the system clock (feature `std`).
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

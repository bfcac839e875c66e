//! Logging, behind the `log` or the `defmt` feature: the handshake's
//! milestones, every alert sent and received, and every fatal error's
//! reason. Nothing is logged without one of the features, and no secret is
//! ever logged (no key, no master secret, no plaintext: only message
//! types, names, sizes and reasons). With both features on, `log` is used.
//!
//! Arguments are kept to what both backends format the same way (`&str`,
//! integers, `bool`), so one message serves both.

/// Logs a debug message: a milestone, or an alert.
macro_rules! log_debug {
    ($fmt:literal $(, $arg:expr)* $(,)?) => {{
        #[cfg(feature = "log")]
        ::log::debug!(target: "sansio_tls", $fmt $(, $arg)*);
        #[cfg(all(feature = "defmt", not(feature = "log")))]
        ::defmt::debug!($fmt $(, $arg)*);
        #[cfg(not(any(feature = "log", feature = "defmt")))]
        {
            $(let _ = &$arg;)*
        }
    }};
}

/// Logs a warning: a fatal error.
macro_rules! log_warn {
    ($fmt:literal $(, $arg:expr)* $(,)?) => {{
        #[cfg(feature = "log")]
        ::log::warn!(target: "sansio_tls", $fmt $(, $arg)*);
        #[cfg(all(feature = "defmt", not(feature = "log")))]
        ::defmt::warn!($fmt $(, $arg)*);
        #[cfg(not(any(feature = "log", feature = "defmt")))]
        {
            $(let _ = &$arg;)*
        }
    }};
}

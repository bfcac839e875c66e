#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc = include_str!("../README.md")]

#[cfg(not(any(feature = "client", feature = "server")))]
compile_error!("sansio-tls needs the `client` or the `server` feature (or both)");

/// Declares an internal item that the fuzz targets and the integration
/// tests reach: `pub` and `#[doc(hidden)]` with the `fuzzing` feature (not
/// part of the API, no semver promise), `pub(crate)` without it. Takes one
/// `use` (a re-export from a private submodule) or one associated `fn` (an
/// internal method of a public type).
macro_rules! internal {
    ($(#[$attr:meta])* use $($rest:tt)*) => {
        #[cfg(feature = "fuzzing")]
        #[doc(hidden)]
        $(#[$attr])*
        pub use $($rest)*
        #[cfg(not(feature = "fuzzing"))]
        $(#[$attr])*
        pub(crate) use $($rest)*
    };
    ($(#[$attr:meta])* fn $($rest:tt)*) => {
        #[cfg(feature = "fuzzing")]
        #[doc(hidden)]
        $(#[$attr])*
        pub fn $($rest)*
        #[cfg(not(feature = "fuzzing"))]
        $(#[$attr])*
        pub(crate) fn $($rest)*
    };
}

// The wire format is internal; its enums and the message views that events
// and configs hand out are re-exported below.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod codec;
#[cfg(not(feature = "fuzzing"))]
mod codec;

#[macro_use]
mod logging;
pub mod cert;
pub mod config;
pub mod conn;
pub mod crypto;
#[cfg(feature = "embedded-io")]
pub mod eio;
pub mod error;
pub mod event;
pub mod guide;
mod handshake;
#[cfg(feature = "std")]
pub mod io;
pub mod keylog;
#[cfg(feature = "std")]
pub mod pem;
pub mod record;
pub mod session;
pub mod suites;
#[cfg(feature = "testing")]
pub mod testing;
pub mod time;
#[cfg(feature = "tokio")]
pub mod tokio;

pub use codec::{
    AlertDescription, AlertLevel, CertificateMsg, CertificateRequest, CipherSuite, MaxFragmentLength, NamedGroup,
    SignatureScheme,
};
pub use config::{ClientConfig, ServerConfig};
#[cfg(feature = "server")]
pub use conn::ServerConnection;
pub use conn::{Buffer, Connection, Side};
#[cfg(feature = "client")]
pub use conn::{ClientConnection, ClientParams};
pub use error::{Error, ErrorKind};
pub use event::{CloseReason, Event, HandshakeInfo};
pub use time::Instant;

/// The `rand_core` (0.10) whose [`CryptoRng`] every
/// connection's RNG implements, re-exported so that an application names
/// the same version: `sansio_tls::rand_core::UnwrapErr(getrandom::SysRng)`
/// is the operating system's RNG (getrandom 0.4, feature `sys_rng`). See
/// [the guide](guide#randomness) for firmware and tests.
///
/// [`CryptoRng`]: https://docs.rs/rand_core/0.10/rand_core/trait.CryptoRng.html
pub use rand_core;

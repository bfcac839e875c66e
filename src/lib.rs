#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc = include_str!("../README.md")]

#[cfg(not(any(feature = "client", feature = "server")))]
compile_error!("sansio-tls needs the `client` or the `server` feature (or both)");

pub mod cert;
pub mod codec;
pub mod config;
pub mod conn;
pub mod crypto;
#[cfg(feature = "embedded-io")]
pub mod eio;
pub mod error;
pub mod event;
mod handshake;
#[cfg(feature = "std")]
pub mod io;
#[cfg(feature = "std")]
pub mod pem;
pub mod record;
pub mod session;
pub mod suites;
#[cfg(feature = "testing")]
pub mod testing;
pub mod time;

pub use codec::{AlertDescription, AlertLevel, CipherSuite, MaxFragmentLength, NamedGroup, SignatureScheme};
pub use config::{ClientConfig, ServerConfig};
#[cfg(feature = "server")]
pub use conn::ServerConnection;
pub use conn::{Buffer, Connection, Side};
#[cfg(feature = "client")]
pub use conn::{ClientConnection, ClientParams};
pub use error::{Error, ErrorKind};
pub use event::{CloseReason, Event, HandshakeInfo};
pub use time::Instant;

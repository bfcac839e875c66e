#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc = include_str!("../README.md")]

pub mod cert;
pub mod codec;
pub mod config;
pub mod connection;
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
pub use connection::{ClientParams, Connection};
pub use error::{Error, ErrorKind};
pub use event::{CloseReason, Event, HandshakeInfo};
pub use time::Instant;

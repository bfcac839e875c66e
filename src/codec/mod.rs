//! The wire format: enums with an unknown arm, a reader that cannot over-read,
//! a writer into caller slices, and zero-copy views of every TLS 1.2
//! handshake message. Knows nothing of state, crypto or the connection.

mod enums;
mod reader;

pub use enums::*;
pub use reader::{Reader, Writer};

mod handshake;
pub use handshake::*;
mod hello;
pub use hello::*;
mod strings;
pub use strings::ByteStrings;

#[cfg(test)]
mod tests;

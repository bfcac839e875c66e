//! Support code shared by the integration tests (`mod common;`).

pub mod hello;
pub mod memory;
pub mod parity;
pub mod peers;
pub mod replayable;
pub mod serve;

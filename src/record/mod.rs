//! Record sizes (RFC 5246 §6.2), for sizing a connection's buffers
//! ([the guide](crate::guide#sizing-the-buffers) has the numbers).
//!
//! The record layer itself is internal: framing, size limits, sequence
//! numbers and AEAD protection in place, knowing nothing of what a
//! handshake message means. The `deframer` owns the receive buffer and
//! reassembles handshake messages across records in it; the transmit side
//! queues records for the network.

use crate::crypto::TAG_LEN;

pub(crate) mod deframer;
mod layer;

internal! { use layer::{DirectionKeys, RecordHeader, RecordLayer, RecordWriter}; }

/// Record header: type(1) || version(2) || length(2).
pub const HEADER_LEN: usize = 5;

/// The plaintext limit of TLS: 2^14 bytes (RFC 5246 §6.2.1).
pub const MAX_PLAINTEXT: usize = 1 << 14;

/// The largest ciphertext fragment accepted: 2^14 + 256. RFC 5246 allows
/// 2^14 + 2048, but AEAD suites add at most 24 bytes, so anything bigger is
/// a record no conforming peer sends.
pub const MAX_CIPHERTEXT: usize = MAX_PLAINTEXT + 256;

/// The largest whole record this crate reads: header plus
/// [`MAX_CIPHERTEXT`]. A receive buffer this big interoperates with every
/// peer; with max_fragment_length it can be much smaller.
pub const MAX_RECORD: usize = HEADER_LEN + MAX_CIPHERTEXT;

/// The most bytes protection adds to a record: explicit nonce (8) plus tag.
pub const MAX_OVERHEAD: usize = 8 + TAG_LEN;

/// The smallest record_size_limit (RFC 8449 §4): a smaller value from a
/// peer is `illegal_parameter`.
pub const MIN_RECORD_SIZE_LIMIT: usize = 64;

//! A client connection fed arbitrary bytes as if they came from a server.
//!
//! Input: `[flags, split_hi, split_lo, stream...]`. `(flags & 0x3f) % 7`
//! picks the client variant (configuration, and for 5 and 6 a session to
//! resume: see `sansio_tls_fuzz::fixture`); flag 0x40 makes the client
//! renegotiate after its first application data. The stream is fed once
//! whole and once in two chunks split at `split`, and both runs must behave
//! the same. The seed corpus (`cargo run --release --example gen_corpus`)
//! holds real servers' side of whole sessions for each variant, valid because
//! everything is deterministic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sansio_tls_fuzz::{CLIENT_VARIANTS, flags, run_both, run_client};

fuzz_target!(|data: &[u8]| {
    let [first, hi, lo, stream @ ..] = data else { return };
    let (variant, renegotiate) = flags(*first, CLIENT_VARIANTS);
    run_both(stream, u16::from_be_bytes([*hi, *lo]), |chunks| run_client(variant, renegotiate, chunks));
});

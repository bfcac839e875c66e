//! A client connection fed arbitrary bytes as if they came from a server.
//!
//! Input: `[variant, split_hi, split_lo, stream...]`. `variant % 4` picks the
//! client configuration (see `sansio_tls_fuzz::fixture`); the stream is fed
//! once whole and once in two chunks split at `split`, and both runs must
//! behave the same. The seed corpus (`cargo run --release --example
//! gen_corpus`) holds real server flights for each variant, valid because
//! the client's RNG seed is fixed.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sansio_tls_fuzz::{VARIANTS, run_both, run_client};

fuzz_target!(|data: &[u8]| {
    let [variant, hi, lo, stream @ ..] = data else { return };
    let variant = variant % VARIANTS;
    run_both(stream, u16::from_be_bytes([*hi, *lo]), |chunks| run_client(variant, chunks));
});

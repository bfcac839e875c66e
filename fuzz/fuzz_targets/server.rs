//! A server connection fed arbitrary bytes as if they came from a client.
//!
//! Input: `[flags, split_hi, split_lo, stream...]`. `flags % 4` picks the
//! server configuration; if bit 7 of `flags` is set, a genuine ClientHello
//! record (from a default client with the fixed seed) goes in front of the
//! stream, so the fuzzer spends its effort on the messages after it. The
//! stream is fed once whole and once in two chunks split at `split`, and
//! both runs must behave the same. The seed corpus (`cargo run --release
//! --example gen_corpus`) holds a real client's whole side of a session for
//! each variant, valid because both RNG seeds are fixed.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sansio_tls_fuzz::{VARIANTS, real_client_hello, run_both, run_server};

fuzz_target!(|data: &[u8]| {
    let [flags, hi, lo, stream @ ..] = data else { return };
    let variant = flags % VARIANTS;
    let at = u16::from_be_bytes([*hi, *lo]);
    if flags & 0x80 != 0 {
        let mut full = real_client_hello().to_vec();
        full.extend_from_slice(stream);
        run_both(&full, at, |chunks| run_server(variant, chunks));
    } else {
        run_both(stream, at, |chunks| run_server(variant, chunks));
    }
});

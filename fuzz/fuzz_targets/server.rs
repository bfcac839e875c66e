//! A server connection fed arbitrary bytes as if they came from a client.
//!
//! Input: `[flags, split_hi, split_lo, stream...]`. `(flags & 0x3f) % 6`
//! picks the server configuration (see `sansio_tls_fuzz::fixture`); flag
//! 0x40 makes the server ask for renegotiation after its first application
//! data; with flag 0x80 a genuine ClientHello record (from a default client
//! with the fixed seed) goes in front of the stream, so the fuzzer spends its
//! effort on the messages after it. The stream is fed once whole and once in
//! two chunks split at `split`, and both runs must behave the same. The seed
//! corpus (`cargo run --release --example gen_corpus`) holds real clients'
//! side of whole sessions for each variant.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sansio_tls_fuzz::{FLAG_PREFIX_HELLO, SERVER_VARIANTS, flags, real_client_hello, run_both, run_server};

fuzz_target!(|data: &[u8]| {
    let [first, hi, lo, stream @ ..] = data else { return };
    let (variant, renegotiate) = flags(*first, SERVER_VARIANTS);
    let at = u16::from_be_bytes([*hi, *lo]);
    if first & FLAG_PREFIX_HELLO != 0 {
        let mut full = real_client_hello().to_vec();
        full.extend_from_slice(stream);
        run_both(&full, at, |chunks| run_server(variant, renegotiate, chunks));
    } else {
        run_both(stream, at, |chunks| run_server(variant, renegotiate, chunks));
    }
});

//! Prints the size of a connection (caller buffers excluded) so it can be
//! tracked; asserts a generous ceiling so a regression is noticed.

use sansio_tls::Connection;
use sansio_tls::testing::TestRng;

#[test]
fn connection_size_stays_small() {
    let size = core::mem::size_of::<Connection<'static, &mut TestRng>>();
    println!("size_of::<Connection<&mut TestRng>>() = {size} bytes");
    // BearSSL's client context is 3-4 KiB; stay in that league.
    assert!(size <= 4096, "Connection grew to {size} bytes");
}

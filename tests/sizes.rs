//! Prints the size of a connection (caller buffers excluded) so it can be
//! tracked; asserts a generous ceiling so a regression is noticed.

use sansio_tls::Connection;
use sansio_tls::testing::TestRng;

#[test]
fn connection_size_stays_small() {
    let size = core::mem::size_of::<Connection<'static, &mut TestRng>>();
    println!("size_of::<Connection<&mut TestRng>>() = {size} bytes");
    let cipher = core::mem::size_of::<sansio_tls::crypto::RecordCipher>();
    println!("of which two record ciphers (expanded AEAD key schedules): {} bytes", 2 * cipher);
    // BearSSL's context is 3-4 KiB. On x86-64 the aes crate keeps both an
    // AES-NI and a bitsliced key schedule per cipher, which alone is over
    // 2 KiB; everything else must stay within 2.5 KiB.
    assert!(size - 2 * cipher <= 2560, "Connection state grew to {} bytes besides the ciphers", size - 2 * cipher);
}

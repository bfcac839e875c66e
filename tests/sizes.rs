//! Prints the size of client and server connections (caller buffers
//! excluded) so it can be tracked; asserts a generous ceiling so a
//! regression is noticed.

use sansio_tls::testing::TestRng;
use sansio_tls::{ClientConnection, ServerConnection};

#[test]
fn connection_size_stays_small() {
    let client = core::mem::size_of::<ClientConnection<'static, &mut TestRng, &mut [u8]>>();
    let server = core::mem::size_of::<ServerConnection<'static, &mut TestRng, &mut [u8]>>();
    println!("size_of::<ClientConnection<&mut TestRng, &mut [u8]>>() = {client} bytes");
    println!("size_of::<ServerConnection<&mut TestRng, &mut [u8]>>() = {server} bytes");
    let cipher = core::mem::size_of::<sansio_tls::crypto::RecordCipher<sansio_tls::crypto::RustCryptoAead>>();
    println!("of which two record ciphers (expanded AEAD key schedules): {} bytes", 2 * cipher);
    // BearSSL's context is 3-4 KiB. On x86-64 the aes crate keeps both an
    // AES-NI and a bitsliced key schedule per cipher, which alone is over
    // 2 KiB; everything else must stay within 2.75 KiB (each side keeps a
    // server name of up to 253 bytes: the client the one it connects to,
    // the server the client's SNI, for the application to read).
    for (side, size) in [("client", client), ("server", server)] {
        assert!(size - 2 * cipher <= 2816, "{side} connection grew to {} bytes besides the ciphers", size - 2 * cipher);
    }
}

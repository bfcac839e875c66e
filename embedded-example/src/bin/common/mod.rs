//! What the one-role firmwares share: the time they run at, how they end
//! (semihosting exit status), the panic handler, and output without
//! `core::fmt` (so that a firmware's measured `.text` is the engine's, not
//! the formatting machinery's).

use cortex_m_semihosting::{debug, hio};
use sansio_tls::Instant;

/// Inside the test certificates' validity.
pub const NOW: Instant = Instant::from_secs(1_800_000_000);

/// Prints `OK` or `FAILED` and exits QEMU with the matching status.
pub fn finish(ok: bool) -> ! {
    print(if ok { "OK\n" } else { "FAILED\n" });
    debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    debug::exit(debug::EXIT_FAILURE);
    loop {}
}

/// Writes `text` to the host's stdout over semihosting, as it is: no
/// formatting, no newline added. Output is best effort (a host without
/// semihosting stdout gets nothing).
// Not every firmware uses every function here.
#[allow(dead_code)]
pub fn print(text: &str) {
    write(text.as_bytes());
}

fn write(bytes: &[u8]) {
    if let Ok(mut out) = hio::hstdout() {
        let _ = out.write_all(bytes);
    }
}

/// Writes `n` in decimal (no separators).
#[allow(dead_code)]
pub fn print_decimal(mut n: usize) {
    // usize::MAX has at most 20 digits.
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    write(&digits[start..]);
}

/// Writes one `label: n` line.
#[allow(dead_code)]
pub fn print_figure(label: &str, n: usize) {
    print(label);
    print(": ");
    print_decimal(n);
    print("\n");
}

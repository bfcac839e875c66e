//! What the one-role firmwares share: the time they run at, how they end
//! (semihosting exit status), and the panic handler.

use cortex_m_semihosting::{debug, hprintln};
use sansio_tls::Instant;

/// Inside the test certificates' validity.
pub const NOW: Instant = Instant::from_secs(1_800_000_000);

/// Prints `OK` or `FAILED` and exits QEMU with the matching status.
pub fn finish(ok: bool) -> ! {
    hprintln!("{}", if ok { "OK" } else { "FAILED" });
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

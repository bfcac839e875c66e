//! A client-only firmware (sansio-tls with only the `client` feature):
//! opens a client connection and checks the ClientHello it queues. CI checks
//! with `arm-none-eabi-nm` that no server handshake code is linked.

#![no_std]
#![no_main]

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::testing::TestRng;
use sansio_tls::{ClientConfig, ClientConnection, Instant};

static CA_DER: &[u8] = include_bytes!("../../../vectors/pki/ecdsa-ca.der");
const NOW: Instant = Instant::from_secs(1_800_000_000);

#[entry]
fn main() -> ! {
    let ok = run();
    hprintln!("{}", if ok { "OK" } else { "FAILED" });
    debug::exit(if ok { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}

fn run() -> bool {
    let Ok(anchor) = trust_anchor_from_der(CA_DER) else { return false };
    let anchors = [anchor];
    let verifier = WebPkiServerVerifier::new(&anchors);
    let config = ClientConfig::new(&verifier);
    let (mut rx, mut tx) = ([0u8; 2048], [0u8; 2048]);
    let mut rng = TestRng::new(1);
    let Ok(client) = ClientConnection::new(&config, "localhost", &mut rx, &mut tx, &mut rng, NOW) else { return false };
    let hello = client.transmit_pending();
    hprintln!("client-only: ClientHello record of {} bytes", hello.len());
    // A handshake record (22) carrying a ClientHello (1).
    hello.len() > 9 && hello[0] == 22 && hello[5] == 1
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    debug::exit(debug::EXIT_FAILURE);
    loop {}
}

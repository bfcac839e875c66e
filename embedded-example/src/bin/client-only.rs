//! A client-only firmware (sansio-tls with only the `client` feature):
//! opens a client connection and checks the ClientHello it queues. CI checks
//! with `arm-none-eabi-nm` that no server handshake code is linked.

#![no_std]
#![no_main]

mod common;

use common::NOW;
use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::testing::TestRng;
use sansio_tls::{ClientConfig, ClientConnection};

static CA_DER: &[u8] = include_bytes!("../../../vectors/pki/ecdsa-ca.der");

#[entry]
fn main() -> ! {
    common::finish(run())
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

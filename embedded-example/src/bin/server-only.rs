//! A server-only firmware (sansio-tls with only the `server` feature):
//! answers a recorded ClientHello and checks the server's first flight. CI
//! checks with `arm-none-eabi-nm` that no client handshake code is linked.

#![no_std]
#![no_main]

mod common;

use common::NOW;
use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use sansio_tls::crypto::SigningKey;
use sansio_tls::testing::TestRng;
use sansio_tls::{ServerConfig, ServerConnection};

static SERVER_CERT_DER: &[u8] = include_bytes!("../../../vectors/pki/ecdsa-server.der");
static SERVER_KEY_DER: &[u8] = include_bytes!("../../../vectors/pki/ecdsa-server.key.der");
/// A ClientHello recorded from our client (written by build.rs).
static CLIENT_HELLO: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/client_hello.bin"));

#[entry]
fn main() -> ! {
    common::finish(run())
}

fn run() -> bool {
    let Ok(key) = SigningKey::from_der(SERVER_KEY_DER) else { return false };
    let chain: [&[u8]; 1] = [SERVER_CERT_DER];
    let config = ServerConfig::new(&chain, &key);
    let (mut rx, mut tx) = ([0u8; 4096], [0u8; 4096]);
    let mut rng = TestRng::new(2);
    let Ok(mut server) = ServerConnection::new(&config, &mut rx, &mut tx, &mut rng, NOW) else { return false };
    if server.feed(CLIENT_HELLO) != CLIENT_HELLO.len() {
        return false;
    }
    // The whole ClientHello is handled: no event yet, the flight is queued.
    if !matches!(server.poll_event(NOW), Ok(None)) {
        return false;
    }
    let flight = server.transmit_pending();
    hprintln!("server-only: first flight of {} bytes", flight.len());
    // A handshake record (22) starting with a ServerHello (2).
    flight.len() > 9 && flight[0] == 22 && flight[5] == 2 && server.server_name() == Some("localhost")
}

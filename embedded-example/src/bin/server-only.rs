//! A server-only firmware (sansio-tls with only the `server` feature):
//! answers a recorded ClientHello and checks the server's first flight
//! (ECDHE key generation and the ECDSA signature of ServerKeyExchange: the
//! server's deepest work). CI checks with `arm-none-eabi-nm` that no client
//! handshake code is linked, and, built with `server` alone (no P-256
//! tables), holds the printed `stack peak: N` to a budget. It also prints
//! `text: N` and `connection: N` (size_of the connection). Buffers, config and
//! connection live in statics, so the stack figure is the engine's alone.

#![no_std]
#![no_main]

mod common;
#[path = "common/stack.rs"]
mod stack;

use common::{NOW, print_figure};
use cortex_m_rt::entry;
use sansio_tls::crypto::SigningKey;
use sansio_tls::testing::TestRng;
use sansio_tls::{ServerConfig, ServerConnection};

type Server = ServerConnection<'static, &'static mut TestRng, &'static mut [u8]>;

static SERVER_CERT_DER: &[u8] = include_bytes!("../../../vectors/pki/ecdsa-server.der");
static SERVER_KEY_DER: &[u8] = include_bytes!("../../../vectors/pki/ecdsa-server.key.der");
/// A ClientHello recorded from our client (written by build.rs).
static CLIENT_HELLO: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/client_hello.bin"));

#[entry]
fn main() -> ! {
    stack::paint();
    common::finish(run())
}

fn run() -> bool {
    let Some(server) = accept() else { return false };
    let ok = first_flight(server);
    print_figure("text", stack::text_size());
    print_figure("stack peak", stack::high_water());
    print_figure("connection", core::mem::size_of::<Server>());
    ok
}

/// The key, config, RNG, buffers and connection, all in `.bss`.
#[inline(never)]
fn accept() -> Option<&'static mut Server> {
    let key = cortex_m::singleton!(: SigningKey = SigningKey::from_der(SERVER_KEY_DER).ok()?)?;
    let chain = cortex_m::singleton!(: [&'static [u8]; 1] = [SERVER_CERT_DER])?;
    let config = cortex_m::singleton!(: ServerConfig<'static> = ServerConfig::new(&*chain, &*key))?;
    let rng = cortex_m::singleton!(: TestRng = TestRng::new(2))?;
    let rx = cortex_m::singleton!(: [u8; 4096] = [0; 4096])?;
    let tx = cortex_m::singleton!(: [u8; 4096] = [0; 4096])?;
    let server = ServerConnection::new(&*config, &mut rx[..], &mut tx[..], rng, NOW).ok()?;
    cortex_m::singleton!(: Server = server)
}

/// Handles the recorded ClientHello; true if the first flight is queued.
#[inline(never)]
fn first_flight(server: &mut Server) -> bool {
    if server.feed(CLIENT_HELLO) != CLIENT_HELLO.len() {
        return false;
    }
    // The whole ClientHello is handled: no event yet, the flight is queued.
    if !matches!(server.poll_event(NOW), Ok(None)) {
        return false;
    }
    let flight = server.transmit_pending();
    print_figure("first flight", flight.len());
    // A handshake record (22) starting with a ServerHello (2).
    flight.len() > 9 && flight[0] == 22 && flight[5] == 2 && server.server_name() == Some("localhost")
}

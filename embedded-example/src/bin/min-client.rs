//! The minimal client firmware: sansio-tls built with
//! `default-features = false, features = ["client"]` (ECDHE-ECDSA on P-256,
//! AES-128-GCM, SHA-256; no P-256 tables). No server code is linked: the
//! server is a recorded flight in flash (build.rs turns
//! `vectors/transcripts/min-client-*.txt` into `min_client_flights.bin`).
//!
//! The client runs the whole recorded session: it must send exactly the
//! recorded client bytes (same RNG seed, same time, its default suites,
//! groups and schemes), finish the handshake (`HandshakeDone`), send "ping",
//! receive "pong" and close. Then it prints, one line each, the figures
//! `.ci/run` holds to budgets:
//!
//! ```text
//! text: N          .text size, from the linker's __stext / __etext
//! stack peak: N    deepest stack use (painted at boot, measured at the end)
//! connection: N    size_of the ClientConnection
//! ram: N           buffers + connection + stack peak
//! ```
//!
//! The buffers and the connection live in statics (`cortex_m::singleton!`,
//! in `.bss`), so the stack figure is the engine's call depth alone and the
//! sum counts nothing twice.

#![no_std]
#![no_main]

mod common;
#[path = "common/stack.rs"]
mod stack;

use common::{NOW, print, print_decimal, print_figure};
use cortex_m_rt::entry;
use sansio_tls::cert::{TrustAnchor, WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::testing::TestRng;
use sansio_tls::{ClientConfig, ClientConnection, Event, MaxFragmentLength};

static CA_DER: &[u8] = include_bytes!("../../../vectors/pki/ecdsa-ca.der");
/// The recorded session: `b'C'` or `b'S'`, a big-endian u16 length, bytes.
static FLIGHTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/min_client_flights.bin"));

/// The recording's client seed (tests/vectors.rs: `(0xc11e, 0x5e7e)`).
const CLIENT_SEED: u64 = 0xc11e;
/// Receive buffer: one 512-byte record (+ 29 bytes of header, nonce and
/// tag) and the largest handshake message reassembled beside it (the
/// server's Certificate, 2 certificates: ~1 KiB).
const RX_LEN: usize = 2048;
/// Transmit buffer: the largest client flight (ClientKeyExchange,
/// ChangeCipherSpec and Finished: ~130 bytes; the ClientHello ~110).
const TX_LEN: usize = 512;

type Client = ClientConnection<'static, &'static mut TestRng, &'static mut [u8]>;

#[entry]
fn main() -> ! {
    stack::paint();
    let ok = run();
    common::finish(ok)
}

fn run() -> bool {
    let Some(client) = connect() else {
        print("min-client: setup failed\n");
        return false;
    };
    let replayed = replay(client);
    let peak = stack::high_water();
    let text = stack::text_size();
    let connection = core::mem::size_of::<Client>();
    print_figure("text", text);
    print_figure("stack peak", peak);
    print_figure("connection", connection);
    print_figure("ram", RX_LEN + TX_LEN + connection + peak);
    replayed
}

/// The config, RNG, buffers and the connection, all in `.bss`.
#[inline(never)]
fn connect() -> Option<&'static mut Client> {
    let anchor = trust_anchor_from_der(CA_DER).ok()?;
    let anchors: &'static [TrustAnchor<'static>] = cortex_m::singleton!(: [TrustAnchor<'static>; 1] = [anchor])?;
    let verifier = cortex_m::singleton!(: WebPkiServerVerifier<'static> = WebPkiServerVerifier::new(anchors))?;
    let mut config = ClientConfig::new(&*verifier);
    config.max_fragment_length = Some(MaxFragmentLength::Bytes512);
    let config: &'static ClientConfig<'static> = cortex_m::singleton!(: ClientConfig<'static> = config)?;
    let rng = cortex_m::singleton!(: TestRng = TestRng::new(CLIENT_SEED))?;
    let rx = cortex_m::singleton!(: [u8; RX_LEN] = [0; RX_LEN])?;
    let tx = cortex_m::singleton!(: [u8; TX_LEN] = [0; TX_LEN])?;
    let client = ClientConnection::new(config, "localhost", &mut rx[..], &mut tx[..], rng, NOW).ok()?;
    cortex_m::singleton!(: Client = client)
}

/// Plays the recorded session; true if every client flight matched, the
/// handshake finished, "pong" arrived and the server's close_notify too.
#[inline(never)]
fn replay(client: &mut Client) -> bool {
    let mut rest = FLIGHTS;
    let (mut done, mut pong, mut closed) = (false, false, false);
    let mut step = 0;
    while let [dir, hi, lo, tail @ ..] = rest {
        let len = usize::from(u16::from_be_bytes([*hi, *lo]));
        let Some((flight, tail)) = tail.split_at_checked(len) else { return false };
        rest = tail;
        step += 1;
        if *dir == b'C' {
            // The script of tests/vectors.rs: "ping" once the handshake is
            // done, then close.
            if done && step == 5 && client.send(b"ping") != Ok(4) {
                return false;
            }
            if done && step == 6 && client.close().is_err() {
                return false;
            }
            let out = client.transmit_pending();
            if out != flight {
                print("min-client: flight ");
                print_decimal(step);
                print(" differs from the recording (");
                print_decimal(out.len());
                print(" vs ");
                print_decimal(len);
                print(" bytes)\n");
                return false;
            }
            client.transmit_done(len);
        } else {
            if client.feed(flight) != len {
                print("min-client: receive buffer too small for flight ");
                print_decimal(step);
                print("\n");
                return false;
            }
            loop {
                match client.poll_event(NOW) {
                    Ok(None) => break,
                    Ok(Some(Event::HandshakeDone(_))) => done = true,
                    Ok(Some(Event::Data(d))) => pong |= d == b"pong",
                    Ok(Some(Event::Closed(_))) => closed = true,
                    Ok(Some(_)) => {}
                    Err(e) => {
                        // The reason alone: `Display` would link core::fmt.
                        print("min-client: ");
                        print(e.reason());
                        print("\n");
                        return false;
                    }
                }
            }
        }
    }
    print("min-client: handshake done ");
    print(if done { "true" } else { "false" });
    print(", pong ");
    print(if pong { "true" } else { "false" });
    print(", closed ");
    print(if closed { "true" } else { "false" });
    print("\n");
    done && pong && closed && client.transmit_pending().is_empty()
}

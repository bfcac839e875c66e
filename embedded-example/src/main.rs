//! sansio-tls on a bare-metal Cortex-M4 with no heap.
//!
//! A TLS 1.2 client and server run against each other in memory: full
//! ECDHE-ECDSA handshake with certificate verification against the test CA,
//! "ping" one way and "pong" the other, then close_notify both ways. Progress
//! goes out over semihosting, and so does the exit status, so under QEMU this
//! program is a test: `cargo run --release` exits 0 only if every step worked.
//!
//! There is no `#[global_allocator]` anywhere: that this binary links at all
//! is the proof that the engine needs no heap.
//!
//! All buffers are locals of `run` (on the stack); the program paints the
//! free stack and reports the peak use of each phase and overall, so the RAM
//! a device needs is `.data + .bss + peak stack`. With the `precomputed-tables`
//! feature the first P-256 base-point multiplication builds the ~25 KB table
//! on the stack before moving it into its static, a one-off transient of
//! about twice that; it dominates the peak, so the firmware builds it first
//! thing, with `sansio_tls::crypto::precompute_tables()`, when the stack is
//! shallow, and no handshake ever pays for it.

#![no_std]
#![no_main]

#[path = "bin/common/stack.rs"]
mod stack;

use core::mem::size_of_val;
use core::sync::atomic::{AtomicUsize, Ordering};

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::testing::TestRng;
use sansio_tls::{
    Buffer, ClientConfig, ClientConnection, CloseReason, Connection, Error, Event, HandshakeInfo, Instant,
    MaxFragmentLength, ServerConfig, ServerConnection, Side,
};

/// The test PKI of the main crate (test-only keys: public on purpose).
static CA_DER: &[u8] = include_bytes!("../../vectors/pki/ecdsa-ca.der");
static SERVER_CERT_DER: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.der");
static SERVER_KEY_DER: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.key.der");

/// Inside the test certificates' validity (2026-01-15).
const NOW: Instant = Instant::from_secs(1_800_000_000);

/// The client asks for 1 KiB records (RFC 6066), so no record either way is
/// bigger than 1 KiB + 5 header + 8 nonce + 16 tag, and 16 KiB buffers are
/// not needed.
const MAX_FRAGMENT: MaxFragmentLength = MaxFragmentLength::Bytes1024;

/// Receive buffers: one whole record plus the largest handshake message being
/// reassembled (the server's Certificate, ~0.5 KiB with this PKI).
const RX_LEN: usize = 3 * 1024;
/// Transmit buffers: one whole flight (the server's first flight carries its
/// certificate, ~1 KiB of handshake messages in 1 KiB records).
const TX_LEN: usize = 3 * 1024;

/// Rounds of "move bytes both ways" before giving up: a full handshake
/// takes 2 round trips.
const MAX_ROUNDS: usize = 8;

/// Why the demo failed.
enum Failure {
    /// A TLS call failed.
    Tls(&'static str, Error),
    /// Something did not happen as it should.
    Check(&'static str),
}

impl From<&'static str> for Failure {
    fn from(what: &'static str) -> Self {
        Failure::Check(what)
    }
}

fn tls<T>(what: &'static str, r: Result<T, Error>) -> Result<T, Failure> {
    r.map_err(|e| Failure::Tls(what, e))
}

/// What one side has seen from `poll_event`.
#[derive(Default)]
struct Seen {
    handshake: Option<HandshakeInfo>,
    data: [u8; 16],
    data_len: usize,
    closed: Option<CloseReason>,
}

impl Seen {
    fn data(&self) -> &[u8] {
        &self.data[..self.data_len]
    }
}

#[entry]
fn main() -> ! {
    stack::paint();
    hprintln!("sansio-tls on Cortex-M4 (no allocator)");
    // The P-256 tables (feature `precomputed-tables`) now, at boot.
    sansio_tls::crypto::precompute_tables();
    stack_phase("boot: P-256 tables");
    let result = run();
    PEAK_STACK.fetch_max(stack::high_water(), Ordering::Relaxed);
    hprintln!("peak stack use: {} bytes", PEAK_STACK.load(Ordering::Relaxed));
    hprintln!(".text: {} bytes", stack::text_size());
    match result {
        Ok(()) => {
            hprintln!("OK");
            debug::exit(debug::EXIT_SUCCESS);
        }
        Err(Failure::Tls(what, e)) => {
            hprintln!("FAILED: {}: {}", what, e);
            debug::exit(debug::EXIT_FAILURE);
        }
        Err(Failure::Check(what)) => {
            hprintln!("FAILED: {}", what);
            debug::exit(debug::EXIT_FAILURE);
        }
    }
    loop {
        cortex_m::asm::wfi();
    }
}

/// The whole demo; every buffer lives in this frame.
#[inline(never)]
fn run() -> Result<(), Failure> {
    // --- configuration: built once, borrowed by the connections ---------
    let anchors = [tls("parse CA certificate", trust_anchor_from_der(CA_DER))?];
    let verifier = WebPkiServerVerifier::new(&anchors);
    let mut client_cfg = ClientConfig::new(&verifier);
    client_cfg.max_fragment_length = Some(MAX_FRAGMENT);

    let key = tls("load server key", SigningKey::from_der(SERVER_KEY_DER))?;
    let chain: [&[u8]; 1] = [SERVER_CERT_DER];
    let server_cfg = ServerConfig::new(&chain, &key);
    stack_phase("config setup");

    // --- connections over caller-owned buffers -------------------------
    let (mut crx, mut ctx) = ([0u8; RX_LEN], [0u8; TX_LEN]);
    let (mut srx, mut stx) = ([0u8; RX_LEN], [0u8; TX_LEN]);
    let mut client_rng = TestRng::new(1);
    let mut server_rng = TestRng::new(2);

    let mut client =
        tls("client start", ClientConnection::new(&client_cfg, "localhost", &mut crx, &mut ctx, &mut client_rng, NOW))?;
    let mut server = tls("server start", ServerConnection::new(&server_cfg, &mut srx, &mut stx, &mut server_rng, NOW))?;
    hprintln!("size_of client Connection: {} bytes", size_of_val(&client));
    hprintln!("size_of server Connection: {} bytes", size_of_val(&server));
    hprintln!("buffers: rx {} + tx {} bytes per side", RX_LEN, TX_LEN);

    let (mut cseen, mut sseen) = (Seen::default(), Seen::default());

    // --- handshake --------------------------------------------------------
    stack_phase("connections created");
    hprintln!("handshake...");
    let mut rounds = 0;
    while cseen.handshake.is_none() || sseen.handshake.is_none() {
        rounds += 1;
        if rounds > MAX_ROUNDS {
            return Err("handshake did not finish".into());
        }
        exchange(&mut client, &mut server, &mut cseen, &mut sseen)?;
    }
    let info = cseen.handshake.ok_or("client handshake info")?;
    hprintln!("handshake done after {} rounds", rounds);
    stack_phase("handshake");
    hprintln!("  suite {:?}, group {:?}", info.suite, info.group);
    hprintln!(
        "  EMS {}, secure renegotiation {}, max_fragment_length {:?}",
        info.extended_master_secret,
        info.secure_renegotiation,
        info.max_fragment_length
    );
    if sseen.handshake != Some(info) {
        // Both sides must agree on everything but the peer certificate
        // (the client saw the server's; the server saw none).
        let s = sseen.handshake.ok_or("server handshake info")?;
        if (s.suite, s.group, s.extended_master_secret, s.max_fragment_length)
            != (info.suite, info.group, info.extended_master_secret, info.max_fragment_length)
        {
            return Err("client and server disagree on the handshake".into());
        }
    }
    if info.max_fragment_length != Some(MAX_FRAGMENT) {
        return Err("max_fragment_length was not negotiated".into());
    }
    if info.peer_cert_sha256.is_none() {
        return Err("client saw no server certificate".into());
    }

    // --- application data -------------------------------------------------
    let n = tls("client send", client.send(b"ping"))?;
    if n != 4 {
        return Err("client send was short".into());
    }
    exchange(&mut client, &mut server, &mut cseen, &mut sseen)?;
    if sseen.data() != b"ping" {
        return Err("server did not receive \"ping\"".into());
    }
    hprintln!("server received \"ping\"");

    let n = tls("server send", server.send(b"pong"))?;
    if n != 4 {
        return Err("server send was short".into());
    }
    exchange(&mut client, &mut server, &mut cseen, &mut sseen)?;
    if cseen.data() != b"pong" {
        return Err("client did not receive \"pong\"".into());
    }
    hprintln!("client received \"pong\"");

    // --- close_notify both ways -----------------------------------------
    tls("client close", client.close())?;
    // The server answers the client's close_notify with its own.
    for _ in 0..2 {
        exchange(&mut client, &mut server, &mut cseen, &mut sseen)?;
    }
    if sseen.closed != Some(CloseReason::CloseNotify) {
        return Err("server did not see close_notify".into());
    }
    if cseen.closed != Some(CloseReason::CloseNotify) {
        return Err("client did not see close_notify".into());
    }
    if !client.is_closed() || !server.is_closed() || client.error().is_some() || server.error().is_some() {
        return Err("connections not cleanly closed".into());
    }
    if !client.transmit_pending().is_empty() || !server.transmit_pending().is_empty() {
        return Err("bytes left unsent after close".into());
    }
    hprintln!("closed with close_notify both ways");
    stack_phase("data and close");
    Ok(())
}

/// One round on the in-memory "network": client -> server, server events,
/// server -> client, client events.
fn exchange(
    client: &mut Connection<impl Side, &mut TestRng, impl Buffer>,
    server: &mut Connection<impl Side, &mut TestRng, impl Buffer>,
    cseen: &mut Seen,
    sseen: &mut Seen,
) -> Result<(), Failure> {
    transfer(client, server);
    drain("server", server, sseen)?;
    transfer(server, client);
    drain("client", client, cseen)?;
    Ok(())
}

/// Moves as many pending bytes from `from` to `to` as `to` takes.
fn transfer(
    from: &mut Connection<impl Side, &mut TestRng, impl Buffer>,
    to: &mut Connection<impl Side, &mut TestRng, impl Buffer>,
) {
    let n = to.feed(from.transmit_pending());
    from.transmit_done(n);
}

/// Polls `conn` until it has nothing more to say, recording what it said.
fn drain(
    name: &'static str,
    conn: &mut Connection<impl Side, &mut TestRng, impl Buffer>,
    seen: &mut Seen,
) -> Result<(), Failure> {
    loop {
        match conn.poll_event(NOW) {
            Ok(None) => return Ok(()),
            Ok(Some(Event::HandshakeDone(info))) => seen.handshake = Some(info),
            Ok(Some(Event::Data(d))) => {
                let end = seen.data_len + d.len();
                let dst = seen.data.get_mut(seen.data_len..end).ok_or("too much application data")?;
                dst.copy_from_slice(d);
                seen.data_len = end;
            }
            Ok(Some(Event::Closed(reason))) => seen.closed = Some(reason),
            Ok(Some(Event::NewSession(_))) => hprintln!("{}: resumable session established", name),
            // The verified peer chain, shown while it is in the buffer.
            Ok(Some(Event::PeerCertificates(chain))) => {
                hprintln!("{}: peer chain of {} certificate(s)", name, chain.len());
            }
            Ok(Some(other)) => {
                hprintln!("{}: unexpected event {:?}", name, other);
                return Err("unexpected event".into());
            }
            Err(e) => return Err(Failure::Tls(name, e)),
        }
    }
}

// --- stack high-water mark ----------------------------------------------

/// The highest stack high-water mark of all phases.
static PEAK_STACK: AtomicUsize = AtomicUsize::new(0);

/// Prints the stack high-water mark since the last phase, then repaints.
fn stack_phase(label: &str) {
    let used = stack::high_water();
    PEAK_STACK.fetch_max(used, Ordering::Relaxed);
    hprintln!("  [stack peak during {}: {} bytes]", label, used);
    stack::paint();
}


/// Panics print their message over semihosting and fail the run, so QEMU
/// exits instead of hanging.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("PANIC: {}", info);
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}

//! A TLS 1.2 client and server in one process, talking through memory: no
//! sockets, no threads. Shows what the sans-IO engine does at each step: the
//! records moved each way, the events, some application data, and the
//! close_notify exchange.
//!
//! ```sh
//! cargo run --example demo
//! ```

use getrandom::SysRng;
use rand_core::UnwrapErr;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::{
    ClientConfig, ClientConnection, Connection, Event, Instant, ServerConfig, ServerConnection, Side, suites,
};

const CA: &[u8] = include_bytes!("../vectors/pki/ecdsa-ca.der");
const SERVER_CERT: &[u8] = include_bytes!("../vectors/pki/ecdsa-server.der");
const SERVER_KEY: &[u8] = include_bytes!("../vectors/pki/ecdsa-server.key.der");

/// An RNG seeded by the operating system, as a real program must use.
type Rng = UnwrapErr<SysRng>;

/// The caller's clock: the engine has none.
fn now() -> Instant {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock before 1970");
    Instant::from_millis(since_epoch.as_millis() as u64)
}

/// One side of the conversation: `S` is the client or the server.
struct Peer<S: Side> {
    name: &'static str,
    /// The connection owns its buffers (`Vec`s here; arrays or borrowed
    /// slices work too).
    conn: Connection<S, Rng, Vec<u8>>,
    /// Whether this side's outgoing records are encrypted yet (after its
    /// ChangeCipherSpec).
    encrypting: bool,
}

/// Names the records in `bytes` (whole records, as one flight moved).
fn describe(mut bytes: &[u8], encrypting: &mut bool) -> String {
    let mut parts = Vec::new();
    while bytes.len() >= 5 {
        let len = 5 + u16::from_be_bytes([bytes[3], bytes[4]]) as usize;
        let (record, rest) = bytes.split_at(len.min(bytes.len()));
        bytes = rest;
        let part = match record[0] {
            20 => {
                *encrypting = true;
                "ChangeCipherSpec".to_owned()
            }
            21 if *encrypting => "Alert (encrypted)".to_owned(),
            21 => "Alert".to_owned(),
            22 if *encrypting => "Finished (encrypted)".to_owned(),
            22 => format!("Handshake[{}]", handshake_messages(&record[5..])),
            23 => "ApplicationData".to_owned(),
            other => format!("record type {other}"),
        };
        parts.push(part);
    }
    parts.join(", ")
}

/// The names of the plaintext handshake messages in one record.
fn handshake_messages(mut body: &[u8]) -> String {
    let mut names = Vec::new();
    while body.len() >= 4 {
        let len = 4 + (usize::from(body[1]) << 16 | usize::from(body[2]) << 8 | usize::from(body[3]));
        names.push(match body[0] {
            1 => "ClientHello",
            2 => "ServerHello",
            11 => "Certificate",
            12 => "ServerKeyExchange",
            13 => "CertificateRequest",
            14 => "ServerHelloDone",
            16 => "ClientKeyExchange",
            _ => "?",
        });
        body = &body[len.min(body.len())..];
    }
    names.join(", ")
}

/// Moves every pending byte from `from` to `to`, says what moved, then
/// handles the events `to` reports. Returns the application data received.
fn deliver<A: Side, B: Side>(from: &mut Peer<A>, to: &mut Peer<B>) -> Result<Vec<u8>, sansio_tls::Error> {
    let pending = from.conn.transmit_pending();
    if !pending.is_empty() {
        let what = describe(pending, &mut from.encrypting);
        let n = to.conn.feed(pending);
        assert_eq!(n, pending.len(), "receive buffer too small for the demo");
        from.conn.transmit_done(n);
        println!("{:>6} -> {:<6} {n:>5} bytes: {what}", from.name, to.name);
    }
    let mut data = Vec::new();
    while let Some(event) = to.conn.poll_event(now())? {
        match event {
            Event::HandshakeDone(info) => println!(
                "{:>6}: handshake done: {}, group {}, extended master secret {}, secure renegotiation {}",
                to.name,
                suites::suite_name(info.suite).unwrap_or("?"),
                info.group.map_or("none".to_owned(), |g| format!("{g:?}")),
                yes(info.extended_master_secret),
                yes(info.secure_renegotiation),
            ),
            Event::Data(d) => {
                println!("{:>6}: received {:?}", to.name, String::from_utf8_lossy(d));
                data.extend_from_slice(d);
            }
            Event::Closed(reason) => println!("{:>6}: closed ({reason:?})", to.name),
            other => println!("{:>6}: {other:?}", to.name),
        }
    }
    Ok(data)
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Configuration: built once, borrowed by connections.
    let roots = [trust_anchor_from_der(CA)?];
    let verifier = WebPkiServerVerifier::new(&roots);
    let client_config = ClientConfig::new(&verifier);
    let key = SigningKey::from_der(SERVER_KEY)?;
    let chain: [&[u8]; 2] = [SERVER_CERT, CA];
    let server_config = ServerConfig::new(&chain, &key);

    // Every byte of state lives in these caller-provided buffers (receive,
    // transmit), which each connection owns until `into_parts`.
    let (crx, ctx) = (vec![0; 20_000], vec![0; 20_000]);
    let (srx, stx) = (vec![0; 20_000], vec![0; 20_000]);
    let conn = ClientConnection::new(&client_config, "localhost", crx, ctx, UnwrapErr(SysRng), now())?;
    let mut client = Peer { name: "client", conn, encrypting: false };
    let conn = ServerConnection::new(&server_config, srx, stx, UnwrapErr(SysRng), now())?;
    let mut server = Peer { name: "server", conn, encrypting: false };

    println!("sansio-tls demo: a TLS 1.2 client and server in one process, over memory\n");

    // The handshake: flights go back and forth until both sides are done.
    while !(client.conn.is_established() && server.conn.is_established()) {
        deliver(&mut client, &mut server)?;
        deliver(&mut server, &mut client)?;
    }

    // Application data, one message each way.
    println!();
    let request = b"hello from the client";
    client.conn.send(request)?;
    let got = deliver(&mut client, &mut server)?;
    assert_eq!(got, request);
    server.conn.send(b"and hello from the server")?;
    deliver(&mut server, &mut client)?;

    // Closing: the client sends close_notify, the server answers with its own.
    println!("\nclient: close()");
    client.conn.close()?;
    deliver(&mut client, &mut server)?;
    deliver(&mut server, &mut client)?;
    assert!(client.conn.is_closed() && server.conn.is_closed());
    Ok(())
}

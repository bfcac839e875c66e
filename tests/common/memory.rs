//! In-memory client/server pairs: move bytes between two connections and
//! collect their events as owned values.

#![allow(dead_code)]

use sansio_tls::testing::TestRng;
use sansio_tls::{
    AlertDescription, AlertLevel, Buffer, ClientConnection, CloseReason, Connection, Error, Event, HandshakeInfo,
    Instant, ServerConnection, Side,
};

/// A time inside the test PKI's validity (2027-01-15).
pub const NOW: Instant = Instant::from_secs(1_800_000_000);

pub const ECDSA_CA: &[u8] = include_bytes!("../../vectors/pki/ecdsa-ca.der");
pub const ECDSA_SERVER: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.der");
pub const ECDSA_SERVER_KEY: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.key.der");
pub const ECDSA_EXPIRED: &[u8] = include_bytes!("../../vectors/pki/ecdsa-expired.der");
pub const ECDSA_EXPIRED_KEY: &[u8] = include_bytes!("../../vectors/pki/ecdsa-expired.key.der");
pub const ECDSA_UNTRUSTED: &[u8] = include_bytes!("../../vectors/pki/ecdsa-untrusted.der");
pub const ECDSA_UNTRUSTED_KEY: &[u8] = include_bytes!("../../vectors/pki/ecdsa-untrusted.key.der");
pub const RSA_CA: &[u8] = include_bytes!("../../vectors/pki/rsa-ca.der");

/// An event, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ev {
    Done(HandshakeInfo),
    Data(Vec<u8>),
    Alert(AlertLevel, AlertDescription),
    RenegotiationRequested,
    RenegotiationRefused,
    Closed(CloseReason),
    NewSession,
    StoreSession,
}

/// Drains every event `conn` has now; data is appended to `data` instead
/// of being listed (to keep big transfers cheap).
pub fn drain<R: rand_core::CryptoRng>(
    conn: &mut Connection<impl Side, R, impl Buffer>,
    data: &mut Vec<u8>,
) -> Result<Vec<Ev>, Error> {
    drain_at(conn, data, NOW)
}

/// [`drain`] at a given time.
pub fn drain_at<R: rand_core::CryptoRng>(
    conn: &mut Connection<impl Side, R, impl Buffer>,
    data: &mut Vec<u8>,
    now: Instant,
) -> Result<Vec<Ev>, Error> {
    let mut evs = Vec::new();
    while let Some(ev) = conn.poll_event(now)? {
        match ev {
            Event::HandshakeDone(i) => evs.push(Ev::Done(i)),
            Event::Data(d) => data.extend_from_slice(d),
            Event::Alert { level, description } => evs.push(Ev::Alert(level, description)),
            Event::RenegotiationRequested => evs.push(Ev::RenegotiationRequested),
            Event::RenegotiationRefused => evs.push(Ev::RenegotiationRefused),
            Event::Closed(r) => evs.push(Ev::Closed(r)),
            Event::NewSession(_) => evs.push(Ev::NewSession),
            Event::StoreSession(_) => evs.push(Ev::StoreSession),
            // Shown while in the buffer; tests that care read it themselves.
            Event::PeerCertificates(_) => {}
            other => panic!("unexpected event {other:?}"),
        }
    }
    Ok(evs)
}

/// Moves as many pending bytes from `from` to `to` as `to` takes. Returns
/// how many moved.
pub fn transfer<R1: rand_core::CryptoRng, R2: rand_core::CryptoRng>(
    from: &mut Connection<impl Side, R1, impl Buffer>,
    to: &mut Connection<impl Side, R2, impl Buffer>,
) -> usize {
    let n = to.feed(from.transmit_pending());
    from.transmit_done(n);
    n
}

/// Both sides' results.
#[derive(Debug, Default)]
pub struct Outcome {
    pub client_events: Vec<Ev>,
    pub server_events: Vec<Ev>,
    pub client_data: Vec<u8>,
    pub server_data: Vec<u8>,
    pub client_error: Option<Error>,
    pub server_error: Option<Error>,
}

/// Runs both sides until no bytes move, or one fails. Errors are recorded,
/// not returned.
pub fn run(
    client: &mut Connection<impl Side, &mut TestRng, impl Buffer>,
    server: &mut Connection<impl Side, &mut TestRng, impl Buffer>,
    out: &mut Outcome,
) {
    run_at(client, server, out, NOW)
}

/// [`run`] at a given time.
pub fn run_at(
    client: &mut Connection<impl Side, &mut TestRng, impl Buffer>,
    server: &mut Connection<impl Side, &mut TestRng, impl Buffer>,
    out: &mut Outcome,
    now: Instant,
) {
    for _ in 0..10_000 {
        let mut moved = transfer(client, server);
        if out.server_error.is_none() {
            match drain_at(server, &mut out.server_data, now) {
                Ok(e) => out.server_events.extend(e),
                Err(e) => out.server_error = Some(e),
            }
        }
        moved += transfer(server, client);
        if out.client_error.is_none() {
            match drain_at(client, &mut out.client_data, now) {
                Ok(e) => out.client_events.extend(e),
                Err(e) => out.client_error = Some(e),
            }
        }
        moved += transfer(client, server);
        if moved == 0 && client.transmit_pending().is_empty() && server.transmit_pending().is_empty() {
            return;
        }
    }
    panic!("connections did not settle");
}

/// The server asks for a renegotiation (HelloRequest), the client sees the
/// request and renegotiates; returns what both sides did until it settled.
pub fn renegotiate_on_request(
    client: &mut ClientConnection<'_, &mut TestRng, impl Buffer>,
    server: &mut ServerConnection<'_, &mut TestRng, impl Buffer>,
) -> Outcome {
    server.request_renegotiation(NOW, None).unwrap();
    let mut sink = Vec::new();
    transfer(server, client);
    assert_eq!(drain(client, &mut sink).unwrap(), vec![Ev::RenegotiationRequested]);
    client.renegotiate(NOW).unwrap();
    let mut out = Outcome::default();
    run(client, server, &mut out);
    out
}

/// The first HandshakeDone in `evs`.
pub fn done(evs: &[Ev]) -> Option<HandshakeInfo> {
    evs.iter().find_map(|e| match e {
        Ev::Done(i) => Some(*i),
        _ => None,
    })
}

/// Splits a flight of records into whole records.
pub fn records(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while bytes.len() >= 5 {
        let len = 5 + u16::from_be_bytes([bytes[3], bytes[4]]) as usize;
        out.push(bytes[..len].to_vec());
        bytes = &bytes[len..];
    }
    assert!(bytes.is_empty(), "trailing partial record");
    out
}

/// A plaintext record.
pub fn record(content_type: u8, payload: &[u8]) -> Vec<u8> {
    let mut r = vec![content_type, 3, 3];
    r.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    r.extend_from_slice(payload);
    r
}

/// Declares a client and a server connection over fresh `BUF`-sized buffers
/// and RNGs seeded with `seeds`:
/// `pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);`
#[macro_export]
macro_rules! pair {
    ($client:ident, $server:ident, $ccfg:expr, $params:expr, $scfg:expr, $seeds:expr, $now:expr) => {
        let (mut crx, mut ctx, mut srx, mut stx) = (vec![0; BUF], vec![0; BUF], vec![0; BUF], vec![0; BUF]);
        let (mut r1, mut r2) = (TestRng::new($seeds.0), TestRng::new($seeds.1));
        let mut $client = ClientConnection::with_params($ccfg, $params, &mut crx, &mut ctx, &mut r1, $now).unwrap();
        let mut $server = ServerConnection::new($scfg, &mut srx, &mut stx, &mut r2, $now).unwrap();
    };
}

//! Runs one case: builds our `Connection` (server or client) and the peer
//! from the case's scenario, plays the peer's flights through the case's
//! mutation, and checks the exact outcome.

use crate::cases::{Case, DATA, Expect, Flow};
use crate::memory::{ECDSA_CA, ECDSA_SERVER, ECDSA_SERVER_KEY, NOW};
use crate::mutate::Mutation;
use crate::peer::{Peer, PeerSession, Side};
use crate::replayable::replayable;
use crate::wire::Item;
use sansio_tls::cert::{WebPkiClientVerifier, WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::config::ClientAuth;
use sansio_tls::crypto::{Provider, SigningKey};
use sansio_tls::session::{ClientSession, LruSessionStore, ServerSessions, SessionSlot, TicketKey, TicketKeys};
use sansio_tls::testing::TestRng;
use sansio_tls::{
    AlertLevel, Buffer, ClientConfig, ClientConnection, ClientParams, Connection, Error, ErrorKind, Event,
    HandshakeInfo, ServerConfig, ServerConnection,
};

/// The default buffer size: the largest record plus room for a handshake
/// message.
pub const BUF: usize = sansio_tls::record::MAX_RECORD + 4096;

/// A peer flight as the honest peer made it, before the mutation.
#[derive(Debug, Clone)]
pub struct Flight {
    /// Which handshake it belongs to: 0 initial, 1 the renegotiation.
    pub generation: usize,
    pub items: Vec<Item>,
}

/// What one run did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The error `poll_event` returned, if any.
    pub error: Option<Error>,
    /// Every `Event::HandshakeDone`.
    pub infos: Vec<HandshakeInfo>,
    /// Every `Event::Data`, concatenated.
    pub data: Vec<u8>,
    /// Other events, for failure messages.
    pub events: Vec<String>,
    /// The alerts the peer read from our connection.
    pub alerts: Vec<(u8, u8)>,
    /// Handshakes the peer completed.
    pub peer_done: usize,
    /// The peer's flights, honest.
    pub flights: Vec<Flight>,
    /// Something the harness itself ran into.
    pub trouble: Option<String>,
}

/// Moves the peer's bytes into our connection, polling it between feeds,
/// until all are in or it fails.
fn deliver<R: rand_core::CryptoRng>(
    conn: &mut Connection<impl sansio_tls::Side, R, impl Buffer>,
    mut bytes: &[u8],
    out: &mut Outcome,
) {
    loop {
        let n = conn.feed(bytes);
        bytes = &bytes[n..];
        if let Err(e) = poll(conn, out) {
            out.error = Some(e);
            return;
        }
        if bytes.is_empty() {
            return;
        }
        if n == 0 {
            out.trouble = Some(format!("our connection takes no more bytes ({} left)", bytes.len()));
            return;
        }
    }
}

/// Takes every event our connection has now.
fn poll<R: rand_core::CryptoRng>(
    conn: &mut Connection<impl sansio_tls::Side, R, impl Buffer>,
    out: &mut Outcome,
) -> Result<(), Error> {
    while let Some(ev) = conn.poll_event(NOW)? {
        match ev {
            Event::HandshakeDone(i) => out.infos.push(i),
            Event::Data(d) => out.data.extend_from_slice(d),
            Event::PeerCertificates(_) | Event::NewSession(_) | Event::StoreSession(_) => {}
            other => out.events.push(format!("{other:?}")),
        }
    }
    Ok(())
}

/// How `drive` starts a renegotiation from our side: only a client can
/// (the server's HelloRequest is a message the peer side plays).
pub trait Renegotiate {
    fn start_renegotiation(&mut self) -> Result<(), Error>;
}

impl<'a, R: rand_core::CryptoRng, B: Buffer, P: Provider> Renegotiate
    for ClientConnection<'a, R, B, &'a ClientConfig<'a, P>>
{
    fn start_renegotiation(&mut self) -> Result<(), Error> {
        self.renegotiate(NOW)
    }
}

impl<'a, R: rand_core::CryptoRng, B: Buffer, P: Provider> Renegotiate
    for ServerConnection<'a, R, B, &'a ServerConfig<'a, P>>
{
    fn start_renegotiation(&mut self) -> Result<(), Error> {
        Err(ErrorKind::InvalidState.into())
    }
}

/// Plays the peer against `conn`: our connection's output goes to the peer,
/// the peer's next flight (edited by `mutation`) to our connection, until
/// one fails or neither has anything more to say. With `reneg`, once both
/// finished the first handshake the client side starts a renegotiation.
pub fn drive<S: sansio_tls::Side, R: rand_core::CryptoRng, B: Buffer>(
    conn: &mut Connection<S, R, B>,
    peer: &mut Peer,
    mutation: &Mutation,
    reneg: bool,
) -> Outcome
where
    Connection<S, R, B>: Renegotiate,
{
    let mut out = Outcome::default();
    let mut renegotiating = false;
    for _ in 0..64 {
        let pending = conn.transmit_pending().to_vec();
        conn.transmit_done(pending.len());
        if let Err(e) = peer.absorb(&pending) {
            out.trouble = Some(e);
            break;
        }
        if out.error.is_some() {
            break;
        }
        if reneg && !renegotiating && out.infos.len() == 1 && peer.done == 1 {
            renegotiating = true;
            match peer.side {
                Side::Client => peer.begin_renegotiation(),
                Side::Server => {
                    if let Err(e) = conn.start_renegotiation() {
                        out.trouble = Some(format!("renegotiate() failed: {e:?}"));
                        break;
                    }
                }
            }
            continue;
        }
        let items = peer.next_flight();
        if items.is_empty() {
            break;
        }
        out.flights.push(Flight { generation: peer.generation, items: items.clone() });
        let items = mutation.edit(out.flights.len() - 1, items);
        let bytes = peer.frame(&items, mutation.chunk());
        deliver(conn, &bytes, &mut out);
    }
    out.alerts = peer.alerts.clone();
    out.peer_done = peer.done;
    out
}

/// A setup run that must succeed: the session it made, or why not.
fn made(out: &Outcome, peer: &Peer) -> Result<PeerSession, String> {
    match (&out.error, &out.trouble, &peer.made) {
        (None, None, Some(s)) if out.infos.len() == 1 => Ok(s.clone()),
        _ => Err(format!("setup handshake failed: {out:?}")),
    }
}

/// Runs a case against our server (the peer is the client).
fn against_server(case: &Case) -> Outcome {
    let sc = &case.scenario;
    let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let chain = [ECDSA_SERVER, ECDSA_CA];
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let client_verifier = WebPkiClientVerifier::new(&roots);
    let mut slots = [SessionSlot::EMPTY; 4];
    let store = LruSessionStore::new(&mut slots);
    let ticket_key = TicketKey { name: [7; 16], key: [9; 32] };
    let mut cfg = ServerConfig::new(&chain, &key);
    if let Some(r) = sc.env.require_ems {
        cfg.require_extended_master_secret = r;
    }
    match sc.flow {
        Flow::ResumeId => cfg.sessions = ServerSessions::Store(&store),
        Flow::ResumeTicket => {
            cfg.ticket_keys = Some(TicketKeys { current: &ticket_key, previous: &[], lifetime_secs: 3600 });
        }
        Flow::Full | Flow::Reneg => {}
    }
    cfg.client_auth = sc.env.client_auth;
    if sc.env.client_auth != ClientAuth::None {
        cfg.client_verifier = Some(&client_verifier);
    }
    if !sc.env.renegotiation {
        cfg.renegotiation = None;
    }
    cfg.allow_legacy_resumption = sc.env.legacy_resumption;
    // The cases are made from an honest run: the same keys every time.
    let cfg = cfg.with_provider(replayable());

    let mut offer = None;
    if matches!(sc.flow, Flow::ResumeId | Flow::ResumeTicket) {
        let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
        let mut conn = ServerConnection::new(&cfg, &mut rx, &mut tx, TestRng::new(12), NOW).unwrap();
        let mut peer = Peer::new(Side::Client, sc.setup.clone(), 11);
        let out = drive(&mut conn, &mut peer, &Mutation::Honest, false);
        match made(&out, &peer) {
            Ok(s) => offer = Some(s),
            Err(e) => return Outcome { trouble: Some(e), ..Outcome::default() },
        }
    }
    let (mut rx, mut tx) = (vec![0; sc.env.rx], vec![0; BUF]);
    let mut conn = ServerConnection::new(&cfg, &mut rx, &mut tx, TestRng::new(2), NOW).unwrap();
    let mut peer = Peer::new(Side::Client, sc.knobs.clone(), 1);
    peer.offer = offer;
    drive(&mut conn, &mut peer, &case.mutation, sc.flow == Flow::Reneg)
}

/// Runs a case against our client (the peer is the server).
fn against_client(case: &Case) -> Outcome {
    let sc = &case.scenario;
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut cfg = ClientConfig::new(&verifier);
    if let Some(r) = sc.env.require_ems {
        cfg.require_extended_master_secret = r;
    }
    cfg.allow_legacy_resumption = sc.env.legacy_resumption;
    // The cases are made from an honest run: the same keys every time.
    let cfg = cfg.with_provider(replayable());

    let mut offer = None;
    let mut session: Option<ClientSession> = None;
    if matches!(sc.flow, Flow::ResumeId | Flow::ResumeTicket) {
        let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
        let mut conn = ClientConnection::new(&cfg, "localhost", &mut rx, &mut tx, TestRng::new(13), NOW).unwrap();
        let mut peer = Peer::new(Side::Server, sc.setup.clone(), 14);
        let out = drive(&mut conn, &mut peer, &Mutation::Honest, false);
        match (made(&out, &peer), conn.client_session()) {
            (Ok(s), Some(cs)) => {
                offer = Some(s);
                session = Some(cs.clone());
            }
            (e, _) => return Outcome { trouble: Some(format!("{e:?}: no client session")), ..Outcome::default() },
        }
    }
    let params = ClientParams { server_name: "localhost", port: 0, session: session.as_ref() };
    let (mut rx, mut tx) = (vec![0; sc.env.rx], vec![0; BUF]);
    let mut conn = ClientConnection::with_params(&cfg, params, &mut rx, &mut tx, TestRng::new(1), NOW).unwrap();
    let mut peer = Peer::new(Side::Server, sc.knobs.clone(), 3);
    peer.offer = offer;
    drive(&mut conn, &mut peer, &case.mutation, sc.flow == Flow::Reneg)
}

/// Runs `case` and records what happened.
pub fn run(case: &Case) -> Outcome {
    match case.peer {
        Side::Client => against_server(case),
        Side::Server => against_client(case),
    }
}

/// Checks an outcome against what the case expects; `Err` says how it
/// differs.
pub fn check(case: &Case, out: &Outcome) -> Result<(), String> {
    if let Some(t) = &out.trouble {
        return Err(format!("harness: {t}; error {:?}, alerts {:?}", out.error, out.alerts));
    }
    let fatal = AlertLevel::Fatal.to_wire();
    match case.expect {
        Expect::Fatal(err, desc) => {
            let Some(got) = out.error else {
                return Err(format!(
                    "expected Err({err:?}) and a fatal {desc:?} alert, but the connection did not fail \
                     (handshakes {}, events {:?}, alerts {:?})",
                    out.infos.len(),
                    out.events,
                    out.alerts
                ));
            };
            if got != err {
                return Err(format!("expected Err({err:?}), got Err({got:?}); alerts on the wire {:?}", out.alerts));
            }
            if out.alerts != [(fatal, desc.to_wire())] {
                return Err(format!("expected one fatal {desc:?} alert on the wire, the peer read {:?}", out.alerts));
            }
        }
        Expect::AnyFatal => match (out.error, out.alerts.as_slice()) {
            (Some(_), [(level, _)]) if *level == fatal => {}
            (error, alerts) => {
                return Err(format!("expected some fatal alert and an Err, got {error:?}, alerts {alerts:?}"));
            }
        },
        Expect::Refused => {
            let want = [(AlertLevel::Warning.to_wire(), sansio_tls::AlertDescription::NoRenegotiation.to_wire())];
            if out.error.is_some() || out.alerts != want || !out.events.iter().any(|e| e == "RenegotiationRefused") {
                return Err(format!(
                    "expected a no_renegotiation warning, got error {:?}, alerts {:?}, events {:?}",
                    out.error, out.alerts, out.events
                ));
            }
        }
        Expect::Done { resumed, ems, secure, data } => {
            if let Some(e) = out.error {
                return Err(format!("expected HandshakeDone, got Err({e:?}); alerts on the wire {:?}", out.alerts));
            }
            let want = case.scenario.handshakes();
            if out.infos.len() != want || out.peer_done != want {
                return Err(format!(
                    "expected {want} completed handshake(s), our connection reported {} and the peer finished {} \
                     (events {:?}, alerts {:?})",
                    out.infos.len(),
                    out.peer_done,
                    out.events,
                    out.alerts
                ));
            }
            let info = out.infos[want - 1];
            if info.resumed != resumed || info.extended_master_secret != ems {
                return Err(format!("expected resumed={resumed} extended_master_secret={ems}, got {info:?}"));
            }
            if secure.is_some_and(|s| s != info.secure_renegotiation) {
                return Err(format!("expected secure_renegotiation={secure:?}, got {info:?}"));
            }
            let want_data: &[u8] = if data { DATA } else { b"" };
            if out.data != want_data {
                return Err(format!("expected data {want_data:?}, got {:?}", out.data));
            }
            if !out.alerts.is_empty() {
                return Err(format!("expected no alert, the peer read {:?}", out.alerts));
            }
        }
    }
    Ok(())
}

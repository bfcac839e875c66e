//! The public sans-IO facade: caller buffers in and out, events, send,
//! close and timeouts. [`ClientConnection`] and [`ServerConnection`] are one
//! [`Connection`] core over the handshake of their side; calls that belong
//! to one side exist only there. The core routes what the
//! [`Deframer`](crate::record) yields to the handshake, owns the connection
//! policy, and turns every error into its alert exactly once.
//!
//! [The guide](crate::guide#a-client-and-a-server-in-memory) walks through
//! a client and a server talking in memory.

#[cfg(feature = "client")]
mod client;
mod common;
mod events;

use events::Pending;

pub use common::{Buffer, LARGE_HANDSHAKE_MESSAGE, MIN_BUFFER, RECOMMENDED_RECEIVE_BUFFER, Side};
#[cfg(feature = "server")]
mod server;

#[cfg(feature = "client")]
pub use client::{ClientConnection, ClientParams};
#[cfg(feature = "server")]
pub use server::ServerConnection;

use crate::codec::{self, AlertDescription, AlertLevel};
use crate::error::{Error, ErrorKind};
use crate::event::{CloseReason, Event, HandshakeInfo};
use crate::handshake::{Ctx, Progress, Renegotiation, SideEvent};
use crate::record::RecordLayer;
use crate::record::deframer::{Deframer, Inbound, Transmit};
use crate::time::Instant;
use core::ops::Range;

/// The record protection state of side `S`'s provider.
type AeadOf<S> = <<S as crate::handshake::HandshakeSide>::Provider as crate::crypto::Provider>::Aead;

/// The most warning alerts accepted in a row without other traffic between.
const MAX_WARNING_ALERTS: u8 = 8;

/// The most events queued between two [`Connection::poll_event`] calls; one
/// message or record yields at most two, and the end of the transport one.
const EVENT_QUEUE: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Handshaking,
    Open,
    /// Closed for reading (close_notify received or transport ended).
    Closed,
    Failed(Error),
}

/// What one processing step produced.
enum Step {
    /// Nothing more can be done with the bytes received so far.
    Idle,
    /// Progress was made; look again.
    Again,
    /// Application data at this range of the receive buffer.
    Data(Range<usize>),
}

#[doc = include_str!("connection.md")]
pub struct Connection<S: Side, R, B> {
    rx: Deframer<B>,
    tx: Transmit<B>,
    record: RecordLayer<AeadOf<S>>,
    side: S,
    state: State,
    sent_close: bool,
    rng: R,
    now: Instant,
    deadline: Option<Instant>,
    events: heapless::Deque<Pending, EVENT_QUEUE>,
    info: Option<HandshakeInfo>,
    /// A new handshake runs on the established connection.
    renegotiating: bool,
    /// Server: when a client must have answered our HelloRequest.
    hello_request_deadline: Option<Instant>,
}

impl<S: Side, R: rand_core::CryptoRng, B: Buffer> Connection<S, R, B> {
    fn with_side(side: S, rx: B, tx: B, rng: R, now: Instant) -> Result<Self, Error> {
        if rx.as_ref().len() < MIN_BUFFER || tx.as_ref().len() < MIN_BUFFER {
            let have = rx.as_ref().len().min(tx.as_ref().len());
            return Err(Error::BufferTooSmall
                .because("connection buffer smaller than MIN_BUFFER")
                .with_sizes(have, MIN_BUFFER));
        }
        let deadline = side.handshake_timeout_ms().map(|t| now.add_millis(t));
        let mut record = RecordLayer::new();
        // The record_size_limit we offer or answer with (RFC 8449): the
        // plaintext of the largest protected record the receive buffer
        // holds, or less if the config says so.
        let fits = rx.as_ref().len().saturating_sub(crate::record::HEADER_LEN + crate::record::MAX_OVERHEAD);
        record.set_own_record_size_limit(side.record_size_limit().map_or(fits, |l| fits.min(l.into())));
        Ok(Connection {
            rx: Deframer::new(rx),
            tx: Transmit::new(tx),
            record,
            side,
            state: State::Handshaking,
            sent_close: false,
            rng,
            now,
            deadline,
            events: heapless::Deque::new(),
            info: None,
            renegotiating: false,
            hello_request_deadline: None,
        })
    }

    /// Takes the connection apart: the receive and transmit buffers (both
    /// zeroed: they held plaintext and keys' output) and the RNG, e.g. to
    /// pool them for the next connection.
    pub fn into_parts(self) -> (B, B, R) {
        (self.rx.into_buffer(), self.tx.into_buffer(), self.rng)
    }

    /// A renegotiation may start: built in, established, secure (RFC 5746),
    /// none running, not closing.
    fn check_can_renegotiate(&mut self, now: Instant) -> Result<(), Error> {
        self.check_open()?;
        self.now = now;
        let why = if !cfg!(feature = "renegotiation") {
            "sansio-tls was built without the `renegotiation` feature"
        } else if self.renegotiating {
            "a renegotiation is already running"
        } else if !self.side.common().secure_renegotiation {
            "the peer lacks secure renegotiation (RFC 5746)"
        } else if self.sent_close {
            "close_notify already sent"
        } else {
            return Ok(());
        };
        Err(Error::NoRenegotiation.because(why))
    }

    /// The connection is open for application data (and renegotiation).
    fn check_open(&self) -> Result<(), Error> {
        match self.state {
            State::Failed(e) => Err(e),
            State::Open => Ok(()),
            State::Closed => Err(Error::Closed),
            State::Handshaking => Err(Error::InvalidState.because("the handshake has not finished yet")),
        }
    }

    fn start_renegotiation(&mut self) {
        log_debug!("{}: renegotiation starts", S::ROLE);
        self.renegotiating = true;
        self.hello_request_deadline = None;
        self.deadline = self.side.handshake_timeout_ms().map(|t| self.now.add_millis(t));
    }

    /// RFC 5746 §4.2 / RFC 5246 §7.2.2: a renegotiation is refused with a
    /// warning.
    fn send_no_renegotiation(&mut self) -> Result<(), Error> {
        log_debug!("{}: refusing a renegotiation (no_renegotiation warning)", S::ROLE);
        self.tx.writer(&mut self.record).alert(AlertLevel::Warning, AlertDescription::NoRenegotiation)
    }

    // ----- processing ----------------------------------------------------

    /// Processes received bytes until something happens. Returns the next
    /// event, or `None` when more input is needed. After a fatal error every
    /// call returns that error; the alert it sends is in
    /// [`transmit_pending`](Self::transmit_pending).
    pub fn poll_event(&mut self, now: Instant) -> Result<Option<Event<'_>>, Error> {
        if let State::Failed(e) = self.state {
            return Err(e);
        }
        self.now = now;
        let data = loop {
            if !self.events.is_empty() {
                break None;
            }
            if self.state == State::Closed {
                return Ok(None);
            }
            match self.step() {
                Ok(Step::Idle) => return Ok(None),
                Ok(Step::Again) => {}
                Ok(Step::Data(r)) => break Some(r),
                Err(e) => return Err(self.fail(e)),
            }
        };
        if let Some(r) = data {
            return Ok(Some(Event::Data(self.rx.data(r))));
        }
        let Some(pending) = self.events.pop_front() else { return Ok(None) };
        // Whatever can fail is checked before the event borrows the
        // connection, so a failure goes through `fail` like any other.
        if let Err(e) = self.check_event(pending) {
            return Err(self.fail(e));
        }
        Ok(self.event(pending))
    }

    /// Ends the connection with `e`: queues its alert (once), wipes keys,
    /// secrets and the whole receive buffer, and forgets queued events.
    fn fail(&mut self, e: Error) -> Error {
        if !e.is_fatal() {
            return e;
        }
        if let State::Failed(first) = self.state {
            return first;
        }
        match e.kind() {
            ErrorKind::AlertReceived(d) => {
                log_warn!("{}: the peer sent fatal alert {}", S::ROLE, d.name().unwrap_or("(unknown)"))
            }
            _ => log_warn!("{}: fatal error: {}", S::ROLE, e.reason()),
        }
        if let Some(desc) = e.alert() {
            log_debug!("{}: sending fatal alert {}", S::ROLE, desc.name().unwrap_or("(unknown)"));
            // With the transmit buffer full the alert cannot be sent; the
            // connection fails all the same.
            let _unsent = self.tx.writer(&mut self.record).alert(AlertLevel::Fatal, desc);
        }
        self.record.wipe();
        self.side.invalidate_session();
        self.side.wipe();
        self.rx.wipe();
        self.events.clear();
        self.state = State::Failed(e);
        e
    }

    fn step(&mut self) -> Result<Step, Error> {
        if self.side.waits_for_application() {
            return Ok(Step::Idle);
        }
        let Some(item) = self.rx.next(&mut self.record)? else { return Ok(Step::Idle) };
        match item {
            Inbound::Handshake(len) => self.handle_message(len)?,
            Inbound::ChangeCipherSpec => {
                if !self.side.expects_ccs() || !self.record.has_pending_read() {
                    return Err(Error::UnexpectedMessage.because("ChangeCipherSpec not expected now"));
                }
                self.record.activate_read(&self.side.provider())?;
                self.side.got_ccs();
                log_debug!("{}: received ChangeCipherSpec", S::ROLE);
            }
            Inbound::Alert(level, description) => {
                // Not from a client before its ClientHello: OpenSSL and
                // GnuTLS answer that with unexpected_message.
                if self.state == State::Handshaking && self.side.refuses_alerts() {
                    return Err(Error::UnexpectedMessage.because("alert before the ClientHello"));
                }
                self.handle_alert(level, description)?;
            }
            Inbound::ApplicationData(range) => {
                // RFC 5246 §7.4.9: the peer's Finished comes right after its
                // ChangeCipherSpec; nothing else may come between.
                if self.state != State::Open || !self.record.is_read_protected() {
                    return Err(Error::UnexpectedMessage.because("application data before the handshake finished"));
                }
                if self.side.expects_finished() {
                    return Err(
                        Error::UnexpectedMessage.because("application data between ChangeCipherSpec and Finished")
                    );
                }
                if !range.is_empty() {
                    return Ok(Step::Data(range));
                }
            }
        }
        Ok(Step::Again)
    }

    fn handle_alert(&mut self, level: AlertLevel, description: AlertDescription) -> Result<(), Error> {
        if level == AlertLevel::Warning {
            log_debug!("{}: received warning alert {}", S::ROLE, description.name().unwrap_or("(unknown)"));
        }
        match (level, description) {
            (AlertLevel::Unknown(_), _) => Err(Error::IllegalParameter.because("alert of unknown level")),
            (_, AlertDescription::CloseNotify) => {
                // RFC 5246 §7.2.1: answer close_notify with close_notify.
                self.close()?;
                self.state = State::Closed;
                self.queue(Pending::Closed(CloseReason::CloseNotify))
            }
            (AlertLevel::Fatal, d) => Err(Error::alert_received(d)),
            (AlertLevel::Warning, d) => {
                // The server refused our renegotiation (RFC 5746 §4.2): the
                // connection goes on with the current keys.
                if d == AlertDescription::NoRenegotiation && self.renegotiating && self.side.abandon_renegotiation() {
                    self.renegotiating = false;
                    self.deadline = None;
                }
                if self.rx.alerts_in_a_row() > MAX_WARNING_ALERTS {
                    return Err(Error::UnexpectedMessage.because("too many warning alerts in a row"));
                }
                self.queue(Pending::Alert(AlertLevel::Warning, d))
            }
        }
    }

    /// Hands the buffered handshake message of `len` bytes to the handshake.
    fn dispatch(&mut self, len: usize) -> Result<Progress, Error> {
        let msg = self.rx.message(len);
        let (typ, body, _) = codec::split_handshake(msg).ok_or(Error::Decode)?;
        log_debug!("{}: handshake message of type {}, {} bytes", S::ROLE, typ.to_wire(), msg.len());
        let provider = self.side.provider();
        let mut ctx = Ctx { out: self.tx.writer(&mut self.record), rng: &mut self.rng, now: self.now, provider };
        self.side.handle(&mut ctx, typ, msg, body)
    }

    fn handle_message(&mut self, len: usize) -> Result<(), Error> {
        let mut progress = self.dispatch(len)?;
        if progress == Progress::RenegotiationRequested {
            match self.side.renegotiation_requested(self.now, self.renegotiating)? {
                Renegotiation::Started => {
                    self.start_renegotiation();
                    progress = self.dispatch(len)?;
                }
                Renegotiation::Refused => {
                    self.send_no_renegotiation()?;
                    self.queue(Pending::RenegotiationRefused)?;
                    progress = Progress::Continue;
                }
                Renegotiation::AskApplication => {}
            }
        }
        if progress == Progress::SessionLookup {
            // The ClientHello stays buffered until the application answers.
            return self.queue(Pending::Side(SideEvent::SessionLookup));
        }
        // A verified, non-empty peer chain is shown to the application while
        // it is still in the receive buffer: consumed at the next call.
        let message = self.rx.message(len);
        let peer_chain = message.first() == Some(&codec::HandshakeType::Certificate.to_wire())
            && len > codec::HANDSHAKE_HEADER_LEN + 3;
        if peer_chain {
            self.rx.keep(len);
            self.queue(Pending::PeerCertificates)?;
        } else {
            self.rx.consume(len);
        }
        match progress {
            Progress::Continue | Progress::SessionLookup => Ok(()),
            Progress::Done(info) => {
                log_debug!(
                    "{}: handshake done: {}, resumed {}, extended master secret {}, secure renegotiation {}",
                    S::ROLE,
                    crate::suites::suite_name(info.suite).unwrap_or("(unknown suite)"),
                    info.resumed,
                    info.extended_master_secret,
                    info.secure_renegotiation
                );
                self.info = Some(info);
                self.state = State::Open;
                self.renegotiating = false;
                self.deadline = None;
                self.queue(Pending::HandshakeDone(info))?;
                match self.side.completion_event() {
                    Some(e) => self.queue(Pending::Side(e)),
                    None => Ok(()),
                }
            }
            // A HelloRequest to an established client: the application
            // decides (renegotiate, refuse, or ignore).
            Progress::RenegotiationRequested if !self.renegotiating => self.queue(Pending::RenegotiationRequested),
            Progress::RenegotiationRequested => Ok(()),
        }
    }
}

impl<S: Side, R, B> core::fmt::Debug for Connection<S, R, B> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Connection")
            .field("state", &self.state)
            .field("renegotiating", &self.renegotiating)
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

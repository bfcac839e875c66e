//! The sans-IO driver both streams share: each public call is a [`Goal`],
//! and [`Driver::next`] says which transport operation comes next ([`Io`]);
//! the blocking and the async stream only perform it.

use super::{EioError, Hooks};
use crate::conn::{Buffer, Side};
use crate::{CloseReason, Connection, Error, Event, HandshakeInfo};
use embedded_io::ErrorKind;

/// What one round of event polling produced.
#[derive(Clone, Copy)]
pub(super) enum Polled {
    /// Nothing more to do with the buffered input.
    Idle,
    /// A record's plaintext: this many bytes went to the caller's buffer,
    /// the rest to the carry.
    Data(usize),
    /// The server waits for a session lookup answer.
    Lookup,
}

/// The I/O-free half shared by both streams: connection, hooks, carry.
pub(super) struct Core<C, H, const CARRY: usize> {
    pub(super) conn: C,
    pub(super) hooks: H,
    pub(super) carry: [u8; CARRY],
    /// Plaintext waiting in `carry[carry_start..carry_end]`.
    pub(super) carry_start: usize,
    pub(super) carry_end: usize,
    /// How the peer closed, once it did.
    pub(super) closed: Option<CloseReason>,
    /// A record did not fit the carry: its plaintext is lost, the stream
    /// is over.
    pub(super) broken: Option<Error>,
}

impl<D: Side, R: rand_core::CryptoRng, B: Buffer, H: Hooks, const CARRY: usize> Core<Connection<D, R, B>, H, CARRY> {
    pub(super) fn new(conn: Connection<D, R, B>, hooks: H) -> Self {
        Core { conn, hooks, carry: [0; CARRY], carry_start: 0, carry_end: 0, closed: None, broken: None }
    }

    /// Moves carried plaintext into `buf`.
    pub(super) fn take_carry(&mut self, buf: &mut [u8]) -> usize {
        let avail = &self.carry[self.carry_start..self.carry_end];
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.carry_start += n;
        if self.carry_start == self.carry_end {
            self.carry_start = 0;
            self.carry_end = 0;
        }
        n
    }

    /// Polls events until the buffered input is used up, a record's
    /// plaintext arrived (copied into `out`, the rest to the carry) or a
    /// session lookup must be answered. Only called with an empty carry.
    pub(super) fn poll(&mut self, out: &mut [u8]) -> Result<Polled, Error> {
        if let Some(e) = self.broken {
            return Err(e);
        }
        loop {
            let now = self.hooks.now();
            let Some(ev) = self.conn.poll_event(now)? else { return Ok(Polled::Idle) };
            match ev {
                Event::Data(d) => {
                    let n = d.len().min(out.len());
                    out[..n].copy_from_slice(&d[..n]);
                    let rest = &d[n..];
                    if rest.len() > CARRY - self.carry_end {
                        self.broken = Some(Error::BufferTooSmall);
                        return Err(Error::BufferTooSmall);
                    }
                    self.carry[self.carry_end..self.carry_end + rest.len()].copy_from_slice(rest);
                    self.carry_end += rest.len();
                    return Ok(Polled::Data(n));
                }
                Event::SessionLookup(_) => {
                    self.hooks.event(&ev);
                    return Ok(Polled::Lookup);
                }
                Event::Closed(reason) => {
                    self.closed = Some(reason);
                    self.hooks.event(&ev);
                }
                _ => self.hooks.event(&ev),
            }
        }
    }

    /// Checks the handshake timeout before a transport read.
    pub(super) fn check_timeout(&mut self) -> Result<(), Error> {
        let now = self.hooks.now();
        self.conn.handle_timeout(now)
    }

    /// Records what a transport read returned.
    pub(super) fn commit(&mut self, n: usize) {
        if n == 0 {
            self.conn.receive_eof();
        } else {
            self.conn.receive_commit(n);
        }
    }

    /// Why a finished handshake gave no [`HandshakeInfo`].
    pub(super) fn handshake_result<E>(&self) -> Result<HandshakeInfo, EioError<E>> {
        if let Some(e) = self.conn.error() {
            return Err(e.into());
        }
        match (self.conn.handshake_info(), self.closed) {
            (Some(info), _) => Ok(info),
            (None, Some(CloseReason::Truncated)) => Err(EioError::Truncated),
            (None, _) => Err(EioError::Closed),
        }
    }

    /// What `read` returns once the peer closed and the carry is empty.
    pub(super) fn end_of_stream<E>(&self) -> Option<Result<usize, EioError<E>>> {
        match self.closed? {
            CloseReason::CloseNotify => Some(Ok(0)),
            CloseReason::Truncated => Some(Err(EioError::Truncated)),
        }
    }
}

/// Whether a transport error while flushing can be ignored: the peer
/// closed and went away before our close_notify answer got out.
pub(super) fn peer_gone<E: embedded_io::Error>(e: &E) -> bool {
    matches!(e.kind(), ErrorKind::BrokenPipe | ErrorKind::ConnectionReset)
}

// ----- the driver --------------------------------------------------------

/// A public call on a stream, for its [`Driver`].
pub(super) enum Goal<'b> {
    /// `handshake`.
    Handshake,
    /// `read` into this buffer.
    Read(&'b mut [u8]),
    /// `write` of this plaintext.
    Write(&'b [u8]),
    /// `flush` and `flush_transmit`.
    Flush,
    /// `close`.
    Close,
}

/// The loop a call is in.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Phase {
    /// The handshake's: poll, send what that queued, read the transport,
    /// until the handshake is over.
    Handshake,
    /// `read`'s: the carry, then the same, until there is plaintext or the
    /// stream ended.
    Data,
}

/// What the outcome of a flush (transmit bytes written, transport flushed)
/// decides.
#[derive(Clone, Copy)]
pub(super) enum Then {
    /// A TLS error: the flush only tried to send its alert; the call fails
    /// with the error whatever it did.
    Fail(Error),
    /// The loop goes on with what the poll produced.
    Polled(Phase, Polled),
    /// `write`: the transmit buffer was full; encrypt again.
    Resend,
    /// `write`: this many plaintext bytes were encrypted (0: none fitted).
    Sent(usize),
    /// The call is the flush (`flush`, `close`).
    Finish,
}

/// Where a call stands.
pub(super) enum Stage<E> {
    /// Not started.
    Start,
    /// At the top of a loop.
    Loop(Phase),
    /// `write`: encrypt what the transmit buffer takes; `retried` once it
    /// was emptied because it was full.
    Send { retried: bool },
    /// Writing the transmit bytes ([`Io::Write`]); once none are left,
    /// flushing.
    Transmit(Then),
    /// The transport flush is asked for ([`Io::Flush`]).
    Flush(Then),
    /// The flush is over, with this outcome.
    Flushed(Then, Result<(), EioError<E>>),
    /// The transport read is asked for ([`Io::Read`]); then the loop goes
    /// on.
    Receive(Phase),
    /// The call is over.
    Done(Result<usize, EioError<E>>),
}

/// What a stream does next on its transport for a call.
pub(super) enum Io<E> {
    /// Write [`Driver::pending`], then report to [`Driver::wrote`].
    Write,
    /// Flush, then report to [`Driver::flushed`].
    Flush,
    /// Read into [`Driver::window`], then report to [`Driver::received`].
    Read,
    /// The call is over: its result (for `handshake`, `flush` and `close`
    /// `Ok(0)` when it succeeded).
    Done(Result<usize, EioError<E>>),
}

/// The logic of every stream call, once for both streams: a sans-IO state
/// machine over the [`Core`]. A stream asks [`next`](Self::next) what to
/// do, does it on its transport (blocking or async), reports the result,
/// and asks again until [`Io::Done`]. `E` is the transport's error.
pub(super) struct Driver<'c, 'b, C, H, const CARRY: usize, E> {
    pub(super) core: &'c mut Core<C, H, CARRY>,
    pub(super) goal: Goal<'b>,
    pub(super) stage: Stage<E>,
}

/// A TLS error: send the alert it queued (if the transport still takes
/// it), then fail.
pub(super) fn fail<E>(e: Error) -> Stage<E> {
    Stage::Transmit(Then::Fail(e))
}

impl<'c, 'b, D, R, B, H, const CARRY: usize, E> Driver<'c, 'b, Connection<D, R, B>, H, CARRY, E>
where
    D: Side,
    R: rand_core::CryptoRng,
    B: Buffer,
    H: Hooks,
    E: embedded_io::Error,
{
    /// The call `goal` on `core`, not started.
    pub(super) fn new(core: &'c mut Core<Connection<D, R, B>, H, CARRY>, goal: Goal<'b>) -> Self {
        Driver { core, goal, stage: Stage::Start }
    }

    /// The bytes to write for [`Io::Write`].
    pub(super) fn pending(&self) -> &[u8] {
        self.core.conn.transmit_pending()
    }

    /// Where to read for [`Io::Read`].
    pub(super) fn window(&mut self) -> &mut [u8] {
        self.core.conn.receive_window()
    }

    /// What the transport's `write` returned; taking nothing closes.
    pub(super) fn wrote(&mut self, r: Result<usize, E>) {
        if let Stage::Transmit(then) = self.stage {
            match r {
                Ok(0) => self.stage = Stage::Flushed(then, Err(EioError::Closed)),
                Ok(n) => self.core.conn.transmit_done(n),
                Err(e) => self.stage = Stage::Flushed(then, Err(EioError::Transport(e))),
            }
        }
    }

    /// What the transport's `flush` returned.
    pub(super) fn flushed(&mut self, r: Result<(), E>) {
        if let Stage::Flush(then) = self.stage {
            self.stage = Stage::Flushed(then, r.map_err(EioError::Transport));
        }
    }

    /// What the transport's `read` returned (0: end of stream).
    pub(super) fn received(&mut self, r: Result<usize, E>) {
        if let Stage::Receive(phase) = self.stage {
            self.stage = match r {
                Ok(n) => {
                    self.core.commit(n);
                    Stage::Loop(phase)
                }
                Err(e) => Stage::Done(Err(EioError::Transport(e))),
            };
        }
    }

    /// Runs the call up to its next transport operation, or to its end
    /// (then the driver is spent).
    pub(super) fn next(&mut self) -> Io<E> {
        loop {
            self.stage = match core::mem::replace(&mut self.stage, Stage::Start) {
                Stage::Start => self.start(),
                Stage::Loop(phase) => self.turn(phase),
                Stage::Send { retried } => self.send(retried),
                Stage::Transmit(then) if self.pending().is_empty() => Stage::Flush(then),
                Stage::Flushed(then, outcome) => self.then(then, outcome),
                Stage::Done(r) => return Io::Done(r),
                waiting => {
                    let io = match waiting {
                        Stage::Transmit(_) => Io::Write,
                        Stage::Flush(_) => Io::Flush,
                        _ => Io::Read,
                    };
                    self.stage = waiting;
                    return io;
                }
            };
        }
    }

    /// A call's first step: `read` and `write` of nothing return `Ok(0)`
    /// at once; otherwise they and `handshake` run the handshake first if
    /// it has not finished, and `handshake` reports how it ended if it has.
    pub(super) fn start(&mut self) -> Stage<E> {
        match &self.goal {
            Goal::Read([]) | Goal::Write([]) => Stage::Done(Ok(0)),
            Goal::Flush => Stage::Transmit(Then::Finish),
            Goal::Close => match self.core.conn.close() {
                Ok(()) => Stage::Transmit(Then::Finish),
                Err(e) => fail(e),
            },
            _ if self.core.conn.is_handshaking() => Stage::Loop(Phase::Handshake),
            Goal::Handshake => self.handshaken(),
            _ => self.resume(),
        }
    }

    /// The handshake is over: its failure, or the call's own work.
    pub(super) fn handshaken(&mut self) -> Stage<E> {
        match self.core.handshake_result() {
            Ok(_) => self.resume(),
            Err(e) => Stage::Done(Err(e)),
        }
    }

    /// The call's own work after the handshake.
    pub(super) fn resume(&self) -> Stage<E> {
        match self.goal {
            Goal::Read(_) => Stage::Loop(Phase::Data),
            Goal::Write(_) => Stage::Send { retried: false },
            Goal::Handshake | Goal::Flush | Goal::Close => Stage::Done(Ok(0)),
        }
    }

    /// One turn of a loop: `read` takes carried plaintext first; then the
    /// events are polled (plaintext into the read buffer and the carry) and
    /// what they queued (answers, alerts) is sent.
    pub(super) fn turn(&mut self, phase: Phase) -> Stage<E> {
        let out: &mut [u8] = match (&mut self.goal, phase) {
            (Goal::Read(buf), Phase::Data) => buf,
            _ => &mut [],
        };
        if phase == Phase::Data {
            let n = self.core.take_carry(out);
            if n > 0 {
                return Stage::Done(Ok(n));
            }
        }
        match self.core.poll(out) {
            Err(e) => fail(e),
            Ok(polled) if self.pending().is_empty() => self.polled(phase, polled),
            Ok(polled) => Stage::Transmit(Then::Polled(phase, polled)),
        }
    }

    /// What a loop does with what the poll produced.
    pub(super) fn polled(&mut self, phase: Phase, polled: Polled) -> Stage<E> {
        match (phase, polled) {
            (_, Polled::Lookup) => Stage::Done(Err(EioError::SessionLookup)),
            (Phase::Data, Polled::Data(0)) => Stage::Loop(Phase::Data),
            (Phase::Data, Polled::Data(n)) => Stage::Done(Ok(n)),
            (Phase::Data, Polled::Idle) => match self.core.end_of_stream() {
                Some(end) => Stage::Done(end),
                None => self.read_transport(phase),
            },
            (Phase::Handshake, _) if !self.core.conn.is_handshaking() => self.handshaken(),
            (Phase::Handshake, _) if self.core.conn.waits_for_application() => {
                Stage::Done(Err(EioError::SessionLookup))
            }
            (Phase::Handshake, _) => self.read_transport(phase),
        }
    }

    /// Before a transport read: the handshake timeout, and room to read
    /// into.
    pub(super) fn read_transport(&mut self, phase: Phase) -> Stage<E> {
        if let Err(e) = self.core.check_timeout() {
            return fail(e);
        }
        if self.window().is_empty() {
            // Cannot happen for a connection still open: a record that
            // could never fit fails it with record_overflow first.
            return Stage::Done(Err(EioError::Tls(Error::BufferTooSmall)));
        }
        Stage::Receive(phase)
    }

    /// `write`: encrypts as much of the plaintext as the transmit buffer
    /// takes.
    pub(super) fn send(&mut self, retried: bool) -> Stage<E> {
        // Only `write` gets here.
        let data = match self.goal {
            Goal::Write(data) => data,
            _ => &[],
        };
        match self.core.conn.send(data) {
            Err(e) => fail(e),
            // The transmit buffer is full: empty it and try again.
            Ok(0) if !retried => Stage::Transmit(Then::Resend),
            Ok(n) => Stage::Transmit(Then::Sent(n)),
        }
    }

    /// What the outcome of a flush means for the call.
    pub(super) fn then(&mut self, then: Then, outcome: Result<(), EioError<E>>) -> Stage<E> {
        match (then, outcome) {
            (Then::Fail(e), _) => Stage::Done(Err(e.into())),
            (Then::Polled(phase, polled), Ok(())) => self.polled(phase, polled),
            // Plaintext already handed out must not be lost: the error
            // comes back at the next call.
            (Then::Polled(phase, polled @ Polled::Data(1..)), Err(_)) => self.polled(phase, polled),
            // The peer closed and went away before our close_notify answer
            // got out.
            (Then::Polled(phase, polled), Err(EioError::Transport(e)))
                if self.core.conn.is_closed() && peer_gone(&e) =>
            {
                self.polled(phase, polled)
            }
            (Then::Resend, Ok(())) => Stage::Send { retried: true },
            (Then::Sent(0), Ok(())) => Stage::Done(Err(EioError::Tls(Error::BufferTooSmall))),
            (Then::Sent(n), Ok(())) => Stage::Done(Ok(n)),
            (Then::Finish, Ok(())) => Stage::Done(Ok(0)),
            (_, Err(e)) => Stage::Done(Err(e)),
        }
    }
}

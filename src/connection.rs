//! The public sans-IO facade: caller buffers in and out, events, send,
//! close and timeouts. Every error becomes the right alert exactly once.

use crate::codec::{self, AlertDescription, AlertLevel, ContentType};
use crate::config::{ClientAuth, ClientConfig, ServerConfig};
use crate::error::Error;
use crate::event::{CloseReason, Event, HandshakeInfo};
use crate::handshake::renegotiation::RenegotiationBudget;
use crate::handshake::{Ctx, Handshake, Progress, client::ClientHandshake, server::ServerHandshake};
use crate::record::{HEADER_LEN, RecordHeader, RecordLayer, RecordWriter};
use crate::session::{ClientSession, Session};
use crate::time::Instant;
use core::ops::Range;

/// What a client connection is opened with besides its config.
#[derive(Debug, Clone, Copy)]
pub struct ClientParams<'a> {
    /// The server's DNS name or IP address literal.
    pub server_name: &'a str,
    /// The server's port: part of the session cache key (0 if unknown).
    pub port: u16,
    /// A session to offer for resumption, e.g. one imported with
    /// [`ClientSession::import`]; when `None` the config's cache is asked.
    pub session: Option<&'a ClientSession>,
}

impl<'a> ClientParams<'a> {
    /// Parameters for `server_name`, port 0, no explicit session.
    pub fn new(server_name: &'a str) -> Self {
        ClientParams { server_name, port: 0, session: None }
    }
}

/// The most empty application-data records accepted in a row: they carry
/// nothing, so a stream of them is only a way to spin the receiver.
const MAX_EMPTY_RECORDS: u8 = 32;

/// The most warning alerts accepted in a row without other traffic between.
const MAX_WARNING_ALERTS: u8 = 8;

/// The largest handshake message a [`RECOMMENDED_RECEIVE_BUFFER`]
/// reassembles: 64 KiB of body and its header. RFC 5246 allows 2^24, but
/// real peers stay far below: the biggest ClientHellos seen (thousands of
/// signature schemes, many extensions, padding) are 32-65 KiB, certificate
/// chains a few KiB.
pub const LARGE_HANDSHAKE_MESSAGE: usize = (1 << 16) + codec::HANDSHAKE_HEADER_LEN;

/// A receive buffer that takes any record and, besides it, a handshake
/// message up to [`LARGE_HANDSHAKE_MESSAGE`] being reassembled: what a
/// server facing unknown clients should use (about 80 KiB; the std adapter's
/// users and the example server do). A smaller buffer works with every peer
/// whose messages fit; a message that can never fit fails the connection with
/// [`Error::HandshakeMessageTooLarge`].
pub const RECOMMENDED_RECEIVE_BUFFER: usize = LARGE_HANDSHAKE_MESSAGE + crate::record::MAX_RECORD;

/// The smallest receive or transmit buffer a connection accepts: below this
/// not even a ClientHello or an alert record fits.
pub const MIN_BUFFER: usize = 128;

/// The most events queued between two [`Connection::poll_event`] calls; one
/// message or record yields at most two.
const EVENT_QUEUE: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Handshaking,
    Open,
    /// Closed for reading (close_notify received or transport ended).
    Closed,
    Failed(Error),
}

#[derive(Debug, Clone, Copy)]
enum Pending {
    HandshakeDone(HandshakeInfo),
    Alert(AlertLevel, AlertDescription),
    RenegotiationRequested,
    RenegotiationRefused,
    Closed(CloseReason),
    SessionLookup,
    StoreSession,
    NewSession,
    PeerCertificates,
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

/// A TLS 1.2 connection, client or server, over caller-owned buffers.
///
/// The connection owns no socket, clock or heap. The caller moves bytes:
/// network input into [`receive_window`](Self::receive_window) (or
/// [`feed`](Self::feed)), network output from
/// [`transmit_pending`](Self::transmit_pending); calls
/// [`poll_event`](Self::poll_event) until it returns `None`; and calls
/// [`handle_timeout`](Self::handle_timeout) when
/// [`poll_timeout`](Self::poll_timeout) says.
///
/// Buffer sizes: the receive buffer must hold the largest record the peer
/// sends ([`MAX_RECORD`](crate::record::MAX_RECORD), 16 KiB + 261, unless a
/// smaller max_fragment_length was negotiated) plus the largest handshake
/// message being reassembled (the server's Certificate, usually 1-3 KiB). The
/// transmit buffer must hold one whole flight (the server's first flight
/// includes its certificate chain).
///
/// ```
/// # use sansio_tls::{*, cert::*, crypto::SigningKey};
/// # let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der")).unwrap();
/// # let chain: [&[u8]; 1] = [include_bytes!("../vectors/pki/ecdsa-server.der")];
/// # let ca = trust_anchor_from_der(include_bytes!("../vectors/pki/ecdsa-ca.der")).unwrap();
/// # let roots = [ca];
/// # let verifier = WebPkiServerVerifier::new(&roots);
/// # let (client_cfg, server_cfg) = (ClientConfig::new(&verifier), ServerConfig::new(&chain, &key));
/// # let now = Instant::from_secs(1_800_000_000);
/// # let mut rng = sansio_tls::testing::TestRng::new(1);
/// # let mut rng2 = sansio_tls::testing::TestRng::new(2);
/// let (mut crx, mut ctx, mut srx, mut stx) = ([0; 20000], [0; 20000], [0; 20000], [0; 20000]);
/// let mut client = Connection::client(&client_cfg, "localhost", &mut crx, &mut ctx, &mut rng, now).unwrap();
/// let mut server = Connection::server(&server_cfg, &mut srx, &mut stx, &mut rng2, now).unwrap();
/// let mut got = None;
/// for _ in 0..10 {
///     // "network": move bytes both ways, then handle events.
///     let n = server.feed(client.transmit_pending());
///     client.transmit_done(n);
///     while let Some(ev) = server.poll_event(now).unwrap() {
///         if let Event::Data(d) = ev { got = Some(d.to_vec()); }
///     }
///     let n = client.feed(server.transmit_pending());
///     server.transmit_done(n);
///     while let Some(ev) = client.poll_event(now).unwrap() {
///         if let Event::HandshakeDone(_) = ev { client.send(b"hello").unwrap(); break; }
///     }
/// }
/// assert_eq!(got.as_deref(), Some(&b"hello"[..]));
/// ```
pub struct Connection<'a, R> {
    rx: &'a mut [u8],
    /// Reassembled handshake plaintext waiting to be handled: `rx[..hs_len]`.
    hs_len: usize,
    /// Received records not processed yet: `rx[rx_start..rx_end]`.
    rx_start: usize,
    rx_end: usize,
    tx: &'a mut [u8],
    /// Bytes to send: `tx[tx_start..tx_end]`.
    tx_start: usize,
    tx_end: usize,
    record: RecordLayer,
    hs: Handshake<'a>,
    state: State,
    sent_close: bool,
    rng: R,
    now: Instant,
    deadline: Option<Instant>,
    events: heapless::Deque<Pending, EVENT_QUEUE>,
    empty_records: u8,
    warning_alerts: u8,
    info: Option<HandshakeInfo>,
    handshake_timeout: Option<u64>,
    /// A new handshake runs on the established connection.
    renegotiating: bool,
    /// Server: what the client's renegotiations used of the limits.
    reneg_budget: RenegotiationBudget,
    /// Server: when a client must have answered our HelloRequest.
    hello_request_deadline: Option<Instant>,
    /// A handled handshake message kept in the receive buffer for an event
    /// (the peer's certificate chain), dropped at the next call.
    deferred_consume: Option<usize>,
    /// Server: client authentication for the next handshake.
    client_auth: Option<ClientAuth>,
}

impl<'a, R: rand_core::CryptoRng> Connection<'a, R> {
    fn new(hs: Handshake<'a>, timeout: Option<u64>, rx: &'a mut [u8], tx: &'a mut [u8], rng: R, now: Instant) -> Self {
        Connection {
            rx,
            hs_len: 0,
            rx_start: 0,
            rx_end: 0,
            tx,
            tx_start: 0,
            tx_end: 0,
            record: RecordLayer::new(),
            hs,
            state: State::Handshaking,
            sent_close: false,
            rng,
            now,
            deadline: timeout.map(|t| now.add_millis(t)),
            events: heapless::Deque::new(),
            empty_records: 0,
            warning_alerts: 0,
            info: None,
            handshake_timeout: timeout,
            renegotiating: false,
            reneg_budget: RenegotiationBudget::new(now),
            hello_request_deadline: None,
            deferred_consume: None,
            client_auth: None,
        }
    }

    /// A client connection to `server_name` (a DNS name, sent as SNI and
    /// checked against the certificate, or an IP address literal, checked
    /// against the certificate only). The ClientHello is queued at once; a
    /// session cached for this name in the config's cache is offered.
    pub fn client(
        config: &'a ClientConfig<'a>,
        server_name: &'a str,
        rx: &'a mut [u8],
        tx: &'a mut [u8],
        rng: R,
        now: Instant,
    ) -> Result<Self, Error> {
        Self::client_with(config, ClientParams::new(server_name), rx, tx, rng, now)
    }

    /// A client connection with [`ClientParams`]: the port for the session
    /// cache key, or an explicit session to resume.
    pub fn client_with(
        config: &'a ClientConfig<'a>,
        params: ClientParams<'a>,
        rx: &'a mut [u8],
        tx: &'a mut [u8],
        rng: R,
        now: Instant,
    ) -> Result<Self, Error> {
        if rx.len() < MIN_BUFFER || tx.len() < MIN_BUFFER {
            return Err(Error::BufferTooSmall);
        }
        let hs = Handshake::Client(ClientHandshake::new(config, params.server_name, params.port));
        let mut c = Self::new(hs, config.handshake_timeout_ms, rx, tx, rng, now);
        let mut ctx = Ctx { out: RecordWriter::new(c.tx, &mut c.tx_end, &mut c.record), rng: &mut c.rng, now };
        match &mut c.hs {
            Handshake::Client(h) => h.start(&mut ctx, params.session)?,
            Handshake::Server(_) => return Err(Error::Internal),
        }
        Ok(c)
    }

    /// A server connection; it waits for a ClientHello.
    pub fn server(
        config: &'a ServerConfig<'a>,
        rx: &'a mut [u8],
        tx: &'a mut [u8],
        rng: R,
        now: Instant,
    ) -> Result<Self, Error> {
        if config.cert_chain.is_empty() {
            return Err(Error::InvalidState);
        }
        if rx.len() < MIN_BUFFER || tx.len() < MIN_BUFFER {
            return Err(Error::BufferTooSmall);
        }
        let hs = Handshake::Server(ServerHandshake::new(config));
        Ok(Self::new(hs, config.handshake_timeout_ms, rx, tx, rng, now))
    }

    // ----- inbound -------------------------------------------------------

    /// Free space at the end of the receive buffer: read network bytes
    /// straight into it, then call [`receive_commit`](Self::receive_commit).
    /// Empty once the connection has failed or closed.
    pub fn receive_window(&mut self) -> &mut [u8] {
        if matches!(self.state, State::Failed(_) | State::Closed) {
            return &mut [];
        }
        self.apply_deferred();
        if self.rx_start > self.hs_len {
            self.rx.copy_within(self.rx_start..self.rx_end, self.hs_len);
            self.rx_end -= self.rx_start - self.hs_len;
            self.rx_start = self.hs_len;
        }
        &mut self.rx[self.rx_end..]
    }

    /// Records that `n` bytes were written into the
    /// [`receive_window`](Self::receive_window).
    pub fn receive_commit(&mut self, n: usize) {
        // Clamped: a caller's wrong count must not overflow or point past
        // the buffer.
        self.rx_end = self.rx_end.saturating_add(n).min(self.rx.len());
    }

    /// Copies as much of `data` as fits into the receive buffer; returns how
    /// many bytes were taken. Call [`poll_event`](Self::poll_event) to make
    /// room, then feed the rest.
    pub fn feed(&mut self, data: &[u8]) -> usize {
        let window = self.receive_window();
        let n = window.len().min(data.len());
        window[..n].copy_from_slice(&data[..n]);
        self.receive_commit(n);
        n
    }

    /// The transport reached end of stream. Without a close_notify first,
    /// this is a truncation ([`CloseReason::Truncated`]).
    pub fn receive_eof(&mut self) {
        if matches!(self.state, State::Handshaking | State::Open) {
            self.state = State::Closed;
            let _ = self.events.push_back(Pending::Closed(CloseReason::Truncated));
        }
    }

    // ----- outbound ------------------------------------------------------

    /// Bytes waiting to go to the network.
    pub fn transmit_pending(&self) -> &[u8] {
        &self.tx[self.tx_start..self.tx_end]
    }

    /// Records that the first `n` bytes of
    /// [`transmit_pending`](Self::transmit_pending) were sent.
    pub fn transmit_done(&mut self, n: usize) {
        self.tx_start = self.tx_start.saturating_add(n).min(self.tx_end);
        if self.tx_start == self.tx_end {
            self.tx_start = 0;
            self.tx_end = 0;
        }
    }

    fn tx_compact(&mut self) {
        if self.tx_start > 0 {
            self.tx.copy_within(self.tx_start..self.tx_end, 0);
            self.tx_end -= self.tx_start;
            self.tx_start = 0;
        }
    }

    /// Encrypts application data into the transmit buffer, in records of at
    /// most the fragment limit. Returns how many bytes were taken: fewer than
    /// `data.len()` when the transmit buffer is full (send it, then call
    /// again).
    pub fn send(&mut self, data: &[u8]) -> Result<usize, Error> {
        match self.state {
            State::Failed(e) => return Err(e),
            State::Handshaking => return Err(Error::InvalidState),
            State::Open | State::Closed if self.sent_close => return Err(Error::Closed),
            State::Open | State::Closed => {}
        }
        self.tx_compact();
        let mut sent = 0;
        while sent < data.len() {
            let overhead = self.record.overhead();
            let free = self.tx.len() - self.tx_end;
            if free <= overhead {
                break;
            }
            let chunk = (data.len() - sent).min(self.record.max_fragment_out()).min(free - overhead);
            let part = &data[sent..sent + chunk];
            let mut out = RecordWriter::new(self.tx, &mut self.tx_end, &mut self.record);
            if let Err(e) = out.write(ContentType::ApplicationData, |w| w.bytes(part), |_| {}) {
                return Err(self.fail(e));
            }
            sent += chunk;
        }
        Ok(sent)
    }

    /// Sends close_notify: nothing more will be sent. Keep polling to read
    /// what the peer still sends until its close_notify
    /// ([`CloseReason::CloseNotify`]).
    pub fn close(&mut self) -> Result<(), Error> {
        if let State::Failed(e) = self.state {
            return Err(e);
        }
        if self.sent_close {
            return Ok(());
        }
        self.tx_compact();
        let mut out = RecordWriter::new(self.tx, &mut self.tx_end, &mut self.record);
        out.alert(AlertLevel::Warning, AlertDescription::CloseNotify)?;
        self.sent_close = true;
        Ok(())
    }

    // ----- time ----------------------------------------------------------

    /// When [`handle_timeout`](Self::handle_timeout) must be called next, if
    /// ever: the handshake deadline while a handshake (or renegotiation)
    /// runs, or the deadline of a server's renegotiation request.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let handshake = match self.state {
            State::Handshaking => self.deadline,
            State::Open if self.renegotiating => self.deadline,
            State::Open => None,
            _ => return None,
        };
        match (handshake, self.hello_request_deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Checks timeouts against `now`: a handshake (or renegotiation, or a
    /// server's renegotiation request) past its deadline fails with
    /// [`Error::Timeout`] (a `user_canceled` alert is queued).
    pub fn handle_timeout(&mut self, now: Instant) -> Result<(), Error> {
        self.now = now;
        if let State::Failed(e) = self.state {
            return Err(e);
        }
        match self.poll_timeout() {
            Some(d) if now >= d => Err(self.fail(Error::Timeout)),
            _ => Ok(()),
        }
    }

    // ----- state ---------------------------------------------------------

    /// Whether the (first) handshake is still running.
    pub fn is_handshaking(&self) -> bool {
        self.state == State::Handshaking
    }

    /// Whether the connection is open for application data.
    pub fn is_established(&self) -> bool {
        self.state == State::Open
    }

    /// Whether the connection is over: closed for reading, or failed.
    pub fn is_closed(&self) -> bool {
        matches!(self.state, State::Closed | State::Failed(_))
    }

    /// The error that ended the connection, if one did.
    pub fn error(&self) -> Option<Error> {
        match self.state {
            State::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// What the last completed handshake negotiated.
    pub fn handshake_info(&self) -> Option<HandshakeInfo> {
        self.info
    }

    /// The application protocol agreed with ALPN (RFC 7301), one of the
    /// config's `alpn_protocols`.
    pub fn alpn_protocol(&self) -> Option<&'a [u8]> {
        self.hs.alpn()
    }

    /// Whether secure renegotiation (RFC 5746) is in use: the counterpart of
    /// `gnutls_safe_renegotiation_status`.
    pub fn secure_renegotiation(&self) -> bool {
        self.hs.common().secure_renegotiation
    }

    // ----- renegotiation -------------------------------------------------

    /// Whether a renegotiation is running on the established connection.
    pub fn is_renegotiating(&self) -> bool {
        self.renegotiating
    }

    /// Client: starts a renegotiation (a new handshake under the current
    /// keys, RFC 5746 secure renegotiation only). Application data keeps
    /// flowing both ways meanwhile; a new [`Event::HandshakeDone`] follows.
    /// [`Error::NoRenegotiation`] (not fatal) if the server lacks RFC 5746
    /// or a renegotiation already runs. `now` starts its handshake timeout.
    pub fn renegotiate(&mut self, now: Instant) -> Result<(), Error> {
        self.check_open()?;
        self.now = now;
        if self.renegotiating || !self.hs.common().secure_renegotiation || self.sent_close {
            return Err(Error::NoRenegotiation);
        }
        let Handshake::Client(old) = &self.hs else { return Err(Error::InvalidState) };
        self.hs = Handshake::Client(ClientHandshake::renegotiation_of(old));
        self.start_renegotiation();
        self.tx_compact();
        let mut ctx = Ctx {
            out: RecordWriter::new(self.tx, &mut self.tx_end, &mut self.record),
            rng: &mut self.rng,
            now: self.now,
        };
        let started = match &mut self.hs {
            Handshake::Client(h) => h.start(&mut ctx, None),
            Handshake::Server(_) => Err(Error::Internal),
        };
        started.map_err(|e| self.fail(e))
    }

    /// Client: refuses a server's renegotiation request
    /// ([`Event::RenegotiationRequested`]) with a `no_renegotiation` warning,
    /// as GnuTLS recommends. The server decides whether to go on.
    pub fn refuse_renegotiation(&mut self) -> Result<(), Error> {
        self.check_open()?;
        self.refuse_renegotiation_now().map_err(|e| self.fail(e))
    }

    /// Server: asks the client to renegotiate (sends HelloRequest,
    /// RFC 5246 §7.4.1.1). With a `deadline`, a client that has not started
    /// by then fails the connection with [`Error::Timeout`] (see
    /// [`poll_timeout`](Self::poll_timeout)); a refusal arrives as an
    /// [`Event::Alert`] with `no_renegotiation`.
    pub fn request_renegotiation(&mut self, now: Instant, deadline: Option<Instant>) -> Result<(), Error> {
        self.check_open()?;
        self.now = now;
        if self.renegotiating || !self.hs.common().secure_renegotiation || self.sent_close {
            return Err(Error::NoRenegotiation);
        }
        if !matches!(self.hs, Handshake::Server(_)) {
            return Err(Error::InvalidState);
        }
        self.tx_compact();
        let mut out = RecordWriter::new(self.tx, &mut self.tx_end, &mut self.record);
        // Not part of any transcript (RFC 5246 §7.4.1.1).
        let sent = out.write(
            ContentType::Handshake,
            |w| codec::write_handshake(w, codec::HandshakeType::HelloRequest, |_| Ok(())),
            |_| {},
        );
        sent.map_err(|e| self.fail(e))?;
        self.hello_request_deadline = deadline;
        Ok(())
    }

    /// Server: sets client authentication for the handshakes still to come
    /// on this connection (the first one if its ClientHello has not been
    /// handled yet, and renegotiations): e.g. ask for a client certificate
    /// only in a renegotiation, then [`request_renegotiation`](Self::request_renegotiation).
    pub fn set_client_auth(&mut self, auth: ClientAuth) -> Result<(), Error> {
        let Handshake::Server(h) = &mut self.hs else { return Err(Error::InvalidState) };
        if self.state == State::Handshaking {
            h.set_client_auth(auth);
        }
        self.client_auth = Some(auth);
        Ok(())
    }

    fn check_open(&self) -> Result<(), Error> {
        match self.state {
            State::Failed(e) => Err(e),
            State::Open => Ok(()),
            State::Closed => Err(Error::Closed),
            State::Handshaking => Err(Error::InvalidState),
        }
    }

    // ----- sessions ------------------------------------------------------

    /// Whether the server waits for
    /// [`answer_session_lookup`](Self::answer_session_lookup).
    pub fn is_waiting_for_session_lookup(&self) -> bool {
        self.lookup_pending()
    }

    fn lookup_pending(&self) -> bool {
        matches!(&self.hs, Handshake::Server(h) if h.lookup_pending())
    }

    /// Answers an [`Event::SessionLookup`]: the stored session for that ID,
    /// or `None` (the handshake then is a full one). Processing resumes at
    /// the next [`poll_event`](Self::poll_event).
    pub fn answer_session_lookup(&mut self, session: Option<Session>) -> Result<(), Error> {
        match &mut self.hs {
            Handshake::Server(h) => h.answer_lookup(session),
            Handshake::Client(_) => Err(Error::InvalidState),
        }
    }

    /// The session a client connection established or resumed, to export
    /// or cache (secret material).
    pub fn client_session(&self) -> Option<&ClientSession> {
        match &self.hs {
            Handshake::Client(h) => h.session(),
            Handshake::Server(_) => None,
        }
    }

    /// Removes this connection's session from the store or cache so it is
    /// never resumed (the counterpart of NSS's `SSL_InvalidateSession`). In
    /// [`ServerSessions::Events`](crate::session::ServerSessions::Events)
    /// mode the application removes it itself.
    pub fn invalidate_session(&mut self) {
        self.hs.invalidate_session();
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
        self.apply_deferred();
        loop {
            if let Some(p) = self.events.pop_front() {
                return Ok(Some(match p {
                    Pending::HandshakeDone(i) => Event::HandshakeDone(i),
                    Pending::Alert(level, description) => Event::Alert { level, description },
                    Pending::RenegotiationRequested => Event::RenegotiationRequested,
                    Pending::RenegotiationRefused => Event::RenegotiationRefused,
                    Pending::Closed(r) => Event::Closed(r),
                    Pending::SessionLookup => match &self.hs {
                        Handshake::Server(h) => Event::SessionLookup(h.lookup_id()),
                        Handshake::Client(_) => return Err(Error::Internal),
                    },
                    Pending::StoreSession => match &self.hs {
                        Handshake::Server(h) => Event::StoreSession(h.session_to_store().ok_or(Error::Internal)?),
                        Handshake::Client(_) => return Err(Error::Internal),
                    },
                    Pending::PeerCertificates => {
                        let len = self.deferred_consume.ok_or(Error::Internal)?;
                        let body = self.rx.get(codec::HANDSHAKE_HEADER_LEN..len).ok_or(Error::Internal)?;
                        Event::PeerCertificates(codec::CertificateMsg::parse(body)?)
                    }
                    Pending::NewSession => match &self.hs {
                        Handshake::Client(h) => Event::NewSession(h.session().ok_or(Error::Internal)?),
                        Handshake::Server(_) => return Err(Error::Internal),
                    },
                }));
            }
            if self.state == State::Closed {
                return Ok(None);
            }
            match self.step() {
                Ok(Step::Idle) => return Ok(None),
                Ok(Step::Again) => {}
                Ok(Step::Data(r)) => return Ok(Some(Event::Data(&self.rx[r]))),
                Err(e) => return Err(self.fail(e)),
            }
        }
    }

    /// Ends the connection with `e`: queues its alert (once), wipes keys
    /// and drops buffered input.
    fn fail(&mut self, e: Error) -> Error {
        if !e.is_fatal() {
            return e;
        }
        if let State::Failed(first) = self.state {
            return first;
        }
        if let Some(desc) = e.alert() {
            self.tx_compact();
            let mut out = RecordWriter::new(self.tx, &mut self.tx_end, &mut self.record);
            // If the buffer is full the alert is lost; the connection still
            // fails.
            let _ = out.alert(AlertLevel::Fatal, desc);
        }
        self.record.wipe();
        self.hs.invalidate_session();
        self.hs.wipe();
        // The whole buffer: decrypted plaintext may lie past `rx_end`
        // after a compaction.
        self.rx.fill(0);
        self.hs_len = 0;
        self.rx_start = 0;
        self.rx_end = 0;
        self.deferred_consume = None;
        self.events.clear();
        self.state = State::Failed(e);
        e
    }

    fn step(&mut self) -> Result<Step, Error> {
        self.apply_deferred();
        if self.lookup_pending() {
            return Ok(Step::Idle);
        }
        // A whole handshake message first.
        if self.hs_len >= codec::HANDSHAKE_HEADER_LEN {
            let total = codec::handshake_message_len(&self.rx[..self.hs_len]).ok_or(Error::Internal)?;
            if total > self.rx.len().saturating_sub(HEADER_LEN) {
                // It could never be reassembled in this buffer.
                return Err(Error::HandshakeMessageTooLarge);
            }
            if total <= self.hs_len {
                self.handle_message(total)?;
                return Ok(Step::Again);
            }
        }
        // Then the next whole record.
        let raw = &self.rx[self.rx_start..self.rx_end];
        let Some(hdr) = RecordHeader::parse(raw)? else { return Ok(Step::Idle) };
        let rec_len = HEADER_LEN + hdr.len;
        if self.hs_len + rec_len > self.rx.len() {
            // Beside a message being reassembled, the record carrying more
            // of it does not fit: the message is too big for this buffer.
            // Alone, the record is bigger than the buffer.
            return Err(if self.hs_len > 0 { Error::HandshakeMessageTooLarge } else { Error::RecordOverflow });
        }
        if raw.len() < rec_len {
            return Ok(Step::Idle);
        }
        let start = self.rx_start;
        let (ct, range) = self.record.open(&mut self.rx[start..start + rec_len])?;
        let plain = start + range.start..start + range.end;
        self.rx_start = start + rec_len;
        if ct != ContentType::ApplicationData {
            self.empty_records = 0;
        }
        if ct != ContentType::Alert {
            self.warning_alerts = 0;
        }
        match ct {
            ContentType::Handshake => {
                // RFC 5246 §6.2.1: no zero-length handshake fragments.
                if plain.is_empty() {
                    return Err(Error::UnexpectedMessage);
                }
                let n = plain.len();
                self.rx.copy_within(plain, self.hs_len);
                self.hs_len += n;
                Ok(Step::Again)
            }
            ContentType::ChangeCipherSpec => {
                // A CCS between fragments of a handshake message, or when the
                // handshake does not expect one, is refused.
                if self.hs_len != 0 || !self.hs.expects_ccs() || !self.record.has_pending_read() {
                    return Err(Error::UnexpectedMessage);
                }
                // RFC 5246 §7.1: the body is the single byte 1; OpenSSL and
                // GnuTLS answer anything else with unexpected_message.
                if self.rx[plain] != [1] {
                    return Err(Error::UnexpectedMessage);
                }
                self.record.activate_read()?;
                self.hs.got_ccs();
                Ok(Step::Again)
            }
            ContentType::Alert => {
                // Not between fragments of a handshake message; not from a
                // client before its ClientHello; and whole (two bytes): what
                // OpenSSL and GnuTLS send for each is unexpected_message.
                let before_client_hello = self.state == State::Handshaking
                    && matches!(&self.hs, Handshake::Server(h) if h.awaits_client_hello());
                if self.hs_len != 0 || before_client_hello {
                    return Err(Error::UnexpectedMessage);
                }
                let &[level, desc] = &self.rx[plain] else { return Err(Error::UnexpectedMessage) };
                self.handle_alert(AlertLevel::from(level), AlertDescription::from(desc))?;
                Ok(Step::Again)
            }
            ContentType::ApplicationData => {
                // During a renegotiation data keeps flowing, even between the
                // fragments of a handshake message.
                // RFC 5246 §7.4.9: the peer's Finished comes right after its
                // ChangeCipherSpec; nothing else may come between.
                if self.state != State::Open || !self.record.is_read_protected() || self.hs.expects_finished() {
                    return Err(Error::UnexpectedMessage);
                }
                if plain.is_empty() {
                    self.empty_records += 1;
                    if self.empty_records > MAX_EMPTY_RECORDS {
                        return Err(Error::UnexpectedMessage);
                    }
                    return Ok(Step::Again);
                }
                self.empty_records = 0;
                Ok(Step::Data(plain))
            }
            ContentType::Unknown(_) => Err(Error::UnexpectedMessage),
        }
    }

    fn handle_alert(&mut self, level: AlertLevel, desc: AlertDescription) -> Result<(), Error> {
        match (level, desc) {
            (AlertLevel::Unknown(_), _) => Err(Error::IllegalParameter),
            (_, AlertDescription::CloseNotify) => {
                // RFC 5246 §7.2.1: answer close_notify with close_notify.
                if !self.sent_close {
                    self.close()?;
                }
                self.state = State::Closed;
                let _ = self.events.push_back(Pending::Closed(CloseReason::CloseNotify));
                Ok(())
            }
            (AlertLevel::Fatal, d) => Err(Error::AlertReceived(d)),
            (AlertLevel::Warning, d) => {
                // The server refused our renegotiation (RFC 5746 §4.2): the
                // connection goes on with the current keys.
                if d == AlertDescription::NoRenegotiation && self.renegotiating {
                    if let Handshake::Client(h) = &mut self.hs {
                        if h.abandon_renegotiation() {
                            self.renegotiating = false;
                            self.deadline = None;
                        }
                    }
                }
                self.warning_alerts += 1;
                if self.warning_alerts > MAX_WARNING_ALERTS {
                    return Err(Error::UnexpectedMessage);
                }
                let _ = self.events.push_back(Pending::Alert(AlertLevel::Warning, d));
                Ok(())
            }
        }
    }

    /// Drops the handled handshake message `rx[..len]`.
    fn consume_message(&mut self, len: usize) {
        self.rx.copy_within(len..self.hs_len, 0);
        self.hs_len -= len;
    }

    /// Drops a message kept for an event.
    fn apply_deferred(&mut self) {
        if let Some(len) = self.deferred_consume.take() {
            self.consume_message(len);
        }
    }

    /// Hands the buffered handshake message `rx[..len]` to the handshake.
    fn dispatch(&mut self, len: usize) -> Result<Progress, Error> {
        let (typ, body, _) = codec::split_handshake(&self.rx[..len]).ok_or(Error::Internal)?;
        let mut ctx = Ctx {
            out: RecordWriter::new(self.tx, &mut self.tx_end, &mut self.record),
            rng: &mut self.rng,
            now: self.now,
        };
        self.hs.handle(&mut ctx, typ, &self.rx[..len], body)
    }

    fn handle_message(&mut self, len: usize) -> Result<(), Error> {
        self.tx_compact();
        let mut progress = self.dispatch(len)?;
        if progress == Progress::RenegotiationRequested && matches!(self.hs, Handshake::Server(_)) {
            if self.accept_renegotiation()? {
                // A fresh handshake takes the buffered ClientHello.
                if let Handshake::Server(old) = &self.hs {
                    let mut new = ServerHandshake::renegotiation_of(old);
                    if let Some(auth) = self.client_auth {
                        new.set_client_auth(auth);
                    }
                    self.hs = Handshake::Server(new);
                }
                self.start_renegotiation();
                progress = self.dispatch(len)?;
            } else {
                self.refuse_renegotiation_now()?;
                progress = Progress::Continue;
                let _ = self.events.push_back(Pending::RenegotiationRefused);
            }
        }
        if progress == Progress::SessionLookup {
            // The ClientHello stays buffered until the application answers.
            let _ = self.events.push_back(Pending::SessionLookup);
            return Ok(());
        }
        // A verified, non-empty peer chain is shown to the application while
        // it is still in the receive buffer: consumed at the next call.
        let peer_chain = self.rx.first() == Some(&codec::HandshakeType::Certificate.to_wire())
            && len > codec::HANDSHAKE_HEADER_LEN + 3;
        if peer_chain {
            self.deferred_consume = Some(len);
            let _ = self.events.push_back(Pending::PeerCertificates);
        } else {
            self.consume_message(len);
        }
        match progress {
            Progress::Continue | Progress::SessionLookup => {}
            Progress::Done => {
                let info = self.hs.common().info()?;
                self.info = Some(info);
                self.state = State::Open;
                self.renegotiating = false;
                self.deadline = None;
                let _ = self.events.push_back(Pending::HandshakeDone(info));
                match &self.hs {
                    Handshake::Server(h) if h.session_to_store().is_some() => {
                        let _ = self.events.push_back(Pending::StoreSession);
                    }
                    Handshake::Client(h) if h.session().is_some() => {
                        let _ = self.events.push_back(Pending::NewSession);
                    }
                    _ => {}
                }
            }
            Progress::RenegotiationRequested => {
                // A HelloRequest to an established client: the application
                // decides (renegotiate, refuse, or ignore).
                if !self.renegotiating {
                    let _ = self.events.push_back(Pending::RenegotiationRequested);
                }
            }
        }
        Ok(())
    }

    /// The server's policy for a client's renegotiation attempt
    /// ([`RenegotiationBudget::admit`]).
    fn accept_renegotiation(&mut self) -> Result<bool, Error> {
        let Handshake::Server(h) = &self.hs else { return Ok(false) };
        let (limits, secure) = (h.config().renegotiation, h.common.secure_renegotiation);
        self.reneg_budget.admit(limits, secure, self.renegotiating, self.now)
    }

    fn start_renegotiation(&mut self) {
        self.renegotiating = true;
        self.hello_request_deadline = None;
        self.deadline = self.handshake_timeout.map(|t| self.now.add_millis(t));
    }

    fn refuse_renegotiation_now(&mut self) -> Result<(), Error> {
        // RFC 5746 §4.2 / RFC 5246 §7.2.2: refuse with a warning.
        self.tx_compact();
        let mut out = RecordWriter::new(self.tx, &mut self.tx_end, &mut self.record);
        out.alert(AlertLevel::Warning, AlertDescription::NoRenegotiation)
    }
}

impl<R> core::fmt::Debug for Connection<'_, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Connection")
            .field("state", &self.state)
            .field("rx_buffered", &(self.rx_end - self.rx_start + self.hs_len))
            .field("tx_pending", &(self.tx_end - self.tx_start))
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

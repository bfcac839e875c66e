//! What both sides offer: moving bytes in and out, sending, closing,
//! timeouts, and the connection's state.

use super::{Connection, Pending, State};
use crate::codec;
use crate::codec::{AlertDescription, AlertLevel, ContentType};
use crate::error::Error;
use crate::event::{CloseReason, HandshakeInfo};
use crate::time::Instant;

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
/// [`ErrorKind::HandshakeMessageTooLarge`](crate::ErrorKind::HandshakeMessageTooLarge).
pub const RECOMMENDED_RECEIVE_BUFFER: usize = LARGE_HANDSHAKE_MESSAGE + crate::record::MAX_RECORD;

/// The smallest receive or transmit buffer a connection accepts: below this
/// not even a ClientHello or an alert record fits.
pub const MIN_BUFFER: usize = 128;

/// A buffer a connection can work in: `&mut [u8]`, `[u8; N]`, `Vec<u8>`,
/// `Box<[u8]>`, or anything else that is a mutable byte slice. Owned
/// buffers make a connection `'static` (to keep in a map, or move across
/// tasks); [`Connection::into_parts`] gives them back.
///
/// ```
/// use sansio_tls::rand_core::UnwrapErr;
/// use sansio_tls::{ClientConfig, ClientConnection, Instant};
/// # let verifier = sansio_tls::cert::WebPkiServerVerifier::new(&[]);
/// let config = ClientConfig::new(&verifier);
/// let now = Instant::now();
///
/// // Arrays (of one size: both buffers are of one type `B`): the whole
/// // connection in one value.
/// let c = ClientConnection::new(&config, "example.com", [0u8; 20_000], [0u8; 20_000], UnwrapErr(getrandom::SysRng), now)?;
/// // Boxed slices from a pool, given back (wiped) when the connection ends.
/// let (rx, tx): (Box<[u8]>, Box<[u8]>) = (vec![0; 20_000].into(), vec![0; 4096].into());
/// let c = ClientConnection::new(&config, "example.com", rx, tx, UnwrapErr(getrandom::SysRng), now)?;
/// let (rx, tx, _rng) = c.into_parts();
/// assert!(rx.iter().chain(tx.iter()).all(|&b| b == 0));
/// // Borrowed slices of a bigger arena.
/// let mut arena = vec![0u8; 24_096];
/// let (rx, tx) = arena.split_at_mut(20_000);
/// let c = ClientConnection::new(&config, "example.com", rx, tx, UnwrapErr(getrandom::SysRng), now)?;
/// # let _ = c;
/// # Ok::<(), sansio_tls::Error>(())
/// ```
pub trait Buffer: AsRef<[u8]> + AsMut<[u8]> {}

impl<T: AsRef<[u8]> + AsMut<[u8]> + ?Sized> Buffer for T {}

/// Which side a [`Connection`] is: the client or server handshake. Sealed;
/// name it in code generic over both (`fn pump<S: Side, R, B>(c: &mut
/// Connection<S, R, B>)`).
///
/// ```
/// use sansio_tls::conn::{Buffer, Connection, Side};
/// use sansio_tls::rand_core::{CryptoRng, UnwrapErr};
/// use sansio_tls::{ClientConfig, ClientConnection, Instant};
///
/// /// Works for a client and a server alike.
/// fn state<S: Side, R: CryptoRng, B: Buffer>(conn: &Connection<S, R, B>) -> &'static str {
///     if conn.is_closed() { "closed" } else if conn.is_handshaking() { "handshaking" } else { "open" }
/// }
///
/// # let verifier = sansio_tls::cert::WebPkiServerVerifier::new(&[]);
/// let config = ClientConfig::new(&verifier);
/// let (rx, tx) = (vec![0; 20_000], vec![0; 4096]);
/// let client = ClientConnection::new(&config, "example.com", rx, tx, UnwrapErr(getrandom::SysRng), Instant::now())?;
/// assert_eq!(state(&client), "handshaking");
/// # Ok::<(), sansio_tls::Error>(())
/// ```
pub trait Side: crate::handshake::HandshakeSide {}

impl<S: Side, R: rand_core::CryptoRng, B: Buffer> Connection<S, R, B> {
    // ----- inbound -------------------------------------------------------

    /// Free space at the end of the receive buffer: read network bytes
    /// straight into it, then call [`receive_commit`](Self::receive_commit).
    /// Empty once the connection has failed or closed.
    pub fn receive_window(&mut self) -> &mut [u8] {
        if matches!(self.state, State::Failed(_) | State::Closed) {
            return &mut [];
        }
        self.rx.window()
    }

    /// Records that `n` bytes were written into the
    /// [`receive_window`](Self::receive_window) (clamped to the buffer).
    pub fn receive_commit(&mut self, n: usize) {
        self.rx.commit(n);
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
            if let Err(e) = self.queue(Pending::Closed(CloseReason::Truncated)) {
                self.fail(e);
            }
        }
    }

    // ----- outbound ------------------------------------------------------

    /// Bytes waiting to go to the network.
    pub fn transmit_pending(&self) -> &[u8] {
        self.tx.pending()
    }

    /// Records that the first `n` bytes of
    /// [`transmit_pending`](Self::transmit_pending) were sent (clamped).
    pub fn transmit_done(&mut self, n: usize) {
        self.tx.done(n);
    }

    /// Encrypts application data into the transmit buffer, in records of at
    /// most the fragment limit. Returns how many bytes were taken: fewer than
    /// `data.len()` when the transmit buffer is full (send it, then call
    /// again).
    pub fn send(&mut self, data: &[u8]) -> Result<usize, Error> {
        match self.state {
            State::Failed(e) => return Err(e),
            State::Handshaking => return Err(Error::InvalidState.because("the handshake has not finished yet")),
            State::Open | State::Closed if self.sent_close => {
                return Err(Error::Closed.because("close_notify already sent"));
            }
            State::Open | State::Closed => {}
        }
        let mut sent = 0;
        while sent < data.len() {
            let overhead = self.record.overhead();
            let free = self.tx.free();
            if free <= overhead {
                break;
            }
            let chunk = (data.len() - sent).min(self.record.max_fragment_out()).min(free - overhead);
            let part = &data[sent..sent + chunk];
            let written =
                self.tx.writer(&mut self.record).write(ContentType::ApplicationData, |w| w.bytes(part), |_| {});
            written.map_err(|e| self.fail(e))?;
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
        if !self.sent_close {
            log_debug!("{}: sending close_notify", S::ROLE);
            let sent = self.tx.writer(&mut self.record).alert(AlertLevel::Warning, AlertDescription::CloseNotify);
            sent.map_err(|e| self.fail(e))?;
            self.sent_close = true;
        }
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
    /// [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) (a `user_canceled` alert is queued).
    pub fn handle_timeout(&mut self, now: Instant) -> Result<(), Error> {
        self.now = now;
        if let State::Failed(e) = self.state {
            return Err(e);
        }
        match self.poll_timeout() {
            Some(d) if now >= d => {
                let why = match self.hello_request_deadline {
                    Some(h) if h == d => "the client did not renegotiate before the deadline",
                    _ => "the handshake did not finish in time",
                };
                Err(self.fail(Error::Timeout.because(why)))
            }
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
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.side.alpn()
    }

    /// Whether secure renegotiation (RFC 5746) is in use: the counterpart of
    /// `gnutls_safe_renegotiation_status`.
    pub fn secure_renegotiation(&self) -> bool {
        self.side.common().secure_renegotiation
    }

    /// Whether a renegotiation is running on the established connection.
    pub fn is_renegotiating(&self) -> bool {
        self.renegotiating
    }

    /// Whether the handshake waits for the application (a server's session
    /// lookup): buffered input is not touched until it answers.
    #[cfg(any(feature = "std", feature = "embedded-io"))]
    pub(crate) fn waits_for_application(&self) -> bool {
        self.side.waits_for_application()
    }

    /// Removes this connection's session from the store or cache so it is
    /// never resumed (the counterpart of NSS's `SSL_InvalidateSession`). In
    /// [`ServerSessions::Events`](crate::session::ServerSessions::Events)
    /// mode the application removes it itself.
    pub fn invalidate_session(&mut self) {
        self.side.invalidate_session();
    }
}

//! The embedded-io adapters (`eio`): a blocking client and server on two
//! threads over an in-memory duplex pipe, and an async pair joined on one
//! thread by a tiny executor (as on embassy). Handshake, 40 KiB both ways
//! read in small chunks, close_notify, truncation, a carry buffer too
//! small, an untrusted CA, and a server answering session lookups. Then one
//! recorded conversation played back through both streams, with transport
//! faults and a running clock: both must make the same transport and hook
//! calls and return the same results.

#![cfg(feature = "embedded-io")]

#[path = "common/replayable.rs"]
mod replayable;

use embedded_io::{Error as _, ErrorKind, Read, Write};
use replayable::{Replayable, replayable};
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::eio::{AsyncTlsStream, EioError, FULL_CARRY, Hooks, TlsStream};
use sansio_tls::session::{ClientSession, ServerSessions, Session};
use sansio_tls::testing::TestRng;
use sansio_tls::*;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};

const BUF: usize = record::MAX_RECORD + 4096;
/// A time inside the test PKI's validity (2027-01-15).
const NOW: Instant = Instant::from_secs(1_800_000_000);

const ECDSA_CA: &[u8] = include_bytes!("../vectors/pki/ecdsa-ca.der");
const ECDSA_SERVER: &[u8] = include_bytes!("../vectors/pki/ecdsa-server.der");
const ECDSA_SERVER_KEY: &[u8] = include_bytes!("../vectors/pki/ecdsa-server.key.der");
const ECDSA_UNTRUSTED: &[u8] = include_bytes!("../vectors/pki/ecdsa-untrusted.der");
const ECDSA_UNTRUSTED_KEY: &[u8] = include_bytes!("../vectors/pki/ecdsa-untrusted.key.der");

fn clock() -> Instant {
    NOW
}

/// A deterministic payload of `len` bytes.
fn payload(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

// ----- an in-memory duplex pipe ----------------------------------------------

/// One direction of the pipe.
#[derive(Default)]
struct Chan {
    bytes: VecDeque<u8>,
    writer_gone: bool,
    reader_gone: bool,
    /// An async reader waiting for bytes.
    waker: Option<Waker>,
}

#[derive(Default)]
struct Shared {
    chan: Mutex<Chan>,
    ready: Condvar,
}

/// One end of a duplex byte pipe; reads return at most `max_read` bytes
/// (TLS records arrive in pieces). Dropping an end is end of stream for
/// the other; writing to a dropped end is `BrokenPipe`.
struct PipeEnd {
    rx: Arc<Shared>,
    tx: Arc<Shared>,
    max_read: usize,
}

fn pipe(max_read: usize) -> (PipeEnd, PipeEnd) {
    let (a, b) = (Arc::new(Shared::default()), Arc::new(Shared::default()));
    (PipeEnd { rx: a.clone(), tx: b.clone(), max_read }, PipeEnd { rx: b, tx: a, max_read })
}

impl Drop for PipeEnd {
    fn drop(&mut self) {
        let mut out = self.tx.chan.lock().unwrap();
        out.writer_gone = true;
        if let Some(w) = out.waker.take() {
            w.wake();
        }
        self.tx.ready.notify_all();
        self.rx.chan.lock().unwrap().reader_gone = true;
    }
}

impl PipeEnd {
    /// Takes what is there: `None` if the reader must wait.
    fn try_read(&self, buf: &mut [u8], waker: Option<&Waker>) -> Option<usize> {
        let mut c = self.rx.chan.lock().unwrap();
        if c.bytes.is_empty() {
            if c.writer_gone || buf.is_empty() {
                return Some(0);
            }
            c.waker = waker.cloned();
            return None;
        }
        let n = c.bytes.len().min(buf.len()).min(self.max_read);
        for (dst, src) in buf.iter_mut().zip(c.bytes.drain(..n)) {
            *dst = src;
        }
        Some(n)
    }

    fn push(&self, buf: &[u8]) -> Result<usize, ErrorKind> {
        let mut c = self.tx.chan.lock().unwrap();
        if c.reader_gone {
            return Err(ErrorKind::BrokenPipe);
        }
        c.bytes.extend(buf);
        if let Some(w) = c.waker.take() {
            w.wake();
        }
        self.tx.ready.notify_all();
        Ok(buf.len())
    }
}

impl embedded_io::ErrorType for PipeEnd {
    type Error = ErrorKind;
}

impl embedded_io::Read for PipeEnd {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        loop {
            if let Some(n) = self.try_read(buf, None) {
                return Ok(n);
            }
            let c = self.rx.chan.lock().unwrap();
            if c.bytes.is_empty() && !c.writer_gone {
                drop(self.rx.ready.wait(c).unwrap());
            }
        }
    }
}

impl embedded_io::Write for PipeEnd {
    fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        self.push(buf)
    }

    fn flush(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
}

impl embedded_io_async::Read for PipeEnd {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        std::future::poll_fn(|cx| match self.try_read(buf, Some(cx.waker())) {
            Some(n) => Poll::Ready(Ok(n)),
            None => Poll::Pending,
        })
        .await
    }
}

impl embedded_io_async::Write for PipeEnd {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        self.push(buf)
    }

    async fn flush(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
}

// ----- a tiny single-threaded executor ---------------------------------------

struct ThreadWaker(std::thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs two futures to completion on this thread, polling each when woken
/// (like two embassy tasks on one executor).
fn run_both<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut ra, mut rb) = (None, None);
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(&mut cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(&mut cx) {
                rb = Some(v);
            }
        }
        if let (Some(_), Some(_)) = (&ra, &rb) {
            return (ra.take().unwrap(), rb.take().unwrap());
        }
        std::thread::park_timeout(std::time::Duration::from_millis(50));
    }
}

// ----- hooks that record events ----------------------------------------------

/// Hooks that keep what they were shown.
#[derive(Default)]
struct Recorder {
    handshakes: usize,
    peer_chain_len: Option<usize>,
    closed: Option<CloseReason>,
    lookups: usize,
    stored: Option<Session>,
}

impl Hooks for Recorder {
    fn now(&mut self) -> Instant {
        NOW
    }

    fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::HandshakeDone(_) => self.handshakes += 1,
            Event::PeerCertificates(chain) => self.peer_chain_len = Some(chain.iter().count()),
            Event::Closed(r) => self.closed = Some(*r),
            Event::SessionLookup(_) => self.lookups += 1,
            Event::StoreSession(s) => self.stored = Some((*s).clone()),
            _ => {}
        }
    }
}

// ----- blocking --------------------------------------------------------------

/// Reads until `Ok(0)` in chunks of `chunk` bytes.
fn read_to_end<S: Read>(s: &mut S, chunk: usize) -> Result<Vec<u8>, S::Error> {
    let mut got = Vec::new();
    let mut buf = vec![0; chunk];
    loop {
        match s.read(&mut buf)? {
            0 => return Ok(got),
            n => got.extend_from_slice(&buf[..n]),
        }
    }
}

#[test]
fn blocking_handshake_data_both_ways_and_close() {
    const LEN: usize = 40 * 1024;
    let (a, b) = pipe(1000);
    let server = std::thread::spawn(move || {
        let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
        let chain: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];
        let scfg = ServerConfig::new(&chain, &key);
        let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
        let conn = ServerConnection::new(&scfg, &mut rx, &mut tx, TestRng::new(2), NOW).unwrap();
        let mut tls: TlsStream<_, _, _, FULL_CARRY> = TlsStream::new(conn, b, clock);
        let info = tls.handshake().unwrap();
        assert!(!info.resumed);
        // 40 KiB in reads of 1..=13 bytes: most of each record waits in the
        // carry.
        let mut got = Vec::new();
        let mut buf = [0u8; 13];
        let mut size = 1;
        while got.len() < LEN {
            let n = tls.read(&mut buf[..size]).unwrap();
            assert!(n > 0 && n <= size);
            got.extend_from_slice(&buf[..n]);
            size = size % 13 + 1;
        }
        assert_eq!(got, payload(LEN, 1));
        tls.write_all(&payload(LEN, 2)).unwrap();
        tls.flush().unwrap();
        tls.close().unwrap();
        // The client answers with its close_notify.
        let mut one = [0u8; 1];
        assert_eq!(tls.read(&mut one).unwrap(), 0);
        assert_eq!(tls.close_reason(), Some(CloseReason::CloseNotify));
    });

    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
    let conn = ClientConnection::new(&ccfg, "localhost", &mut rx, &mut tx, TestRng::new(1), NOW).unwrap();
    let mut tls: TlsStream<_, _, _, FULL_CARRY> = TlsStream::new(conn, a, Recorder::default());
    let info = tls.handshake().unwrap();
    assert_eq!(tls.connection().handshake_info(), Some(info));
    assert_eq!(tls.hooks().handshakes, 1);
    assert_eq!(tls.hooks().peer_chain_len, Some(2));
    // A second call returns the same result without I/O.
    assert_eq!(tls.handshake().unwrap(), info);
    tls.write_all(&payload(LEN, 1)).unwrap();
    let echo = read_to_end(&mut tls, 100).unwrap();
    assert_eq!(echo.len(), LEN);
    assert_eq!(echo, payload(LEN, 2));
    assert_eq!(tls.close_reason(), Some(CloseReason::CloseNotify));
    assert_eq!(tls.hooks().closed, Some(CloseReason::CloseNotify));
    // Reading after the end stays at the end; writing is refused.
    assert_eq!(tls.read(&mut [0u8; 8]).unwrap(), 0);
    assert_eq!(tls.write(b"late"), Err(EioError::Closed));
    assert_eq!(tls.write(b"late").unwrap_err().kind(), ErrorKind::NotConnected);
    server.join().unwrap();
}

#[test]
fn blocking_write_runs_the_handshake_and_truncation_is_an_error() {
    let (a, b) = pipe(usize::MAX);
    let server = std::thread::spawn(move || {
        let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
        let chain: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];
        let scfg = ServerConfig::new(&chain, &key);
        let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
        let conn = ServerConnection::new(&scfg, &mut rx, &mut tx, TestRng::new(4), NOW).unwrap();
        // A small carry is enough when every read takes a whole record.
        let mut tls: TlsStream<_, _, _, 0> = TlsStream::new(conn, b, clock);
        let mut buf = [0u8; 64];
        let n = tls.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"ping");
        tls.write_all(b"pong").unwrap();
        // Then the transport goes away without close_notify.
    });
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
    let conn = ClientConnection::new(&ccfg, "localhost", &mut rx, &mut tx, TestRng::new(3), NOW).unwrap();
    let mut tls: TlsStream<_, _, _, 0> = TlsStream::new(conn, a, clock);
    tls.write_all(b"ping").unwrap();
    assert!(tls.connection().is_established());
    let mut buf = [0u8; 64];
    let n = tls.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"pong");
    server.join().unwrap();
    let err = tls.read(&mut buf).unwrap_err();
    assert_eq!(err, EioError::Truncated);
    assert_eq!(err.kind(), ErrorKind::ConnectionAborted);
    assert_eq!(tls.close_reason(), Some(CloseReason::Truncated));
    assert_eq!(tls.read(&mut buf), Err(EioError::Truncated));
}

#[test]
fn transport_ending_during_the_handshake_is_truncation() {
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    // Blocking: the "server" reads the ClientHello and hangs up.
    let (a, mut b) = pipe(usize::MAX);
    let server = std::thread::spawn(move || {
        let mut buf = [0u8; 16];
        assert!(b.read(&mut buf).unwrap() > 0);
    });
    let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
    let conn = ClientConnection::new(&ccfg, "localhost", &mut rx, &mut tx, TestRng::new(41), NOW).unwrap();
    let mut tls: TlsStream<_, _, _, FULL_CARRY> = TlsStream::new(conn, a, clock);
    assert_eq!(tls.handshake(), Err(EioError::Truncated));
    assert_eq!(tls.close_reason(), Some(CloseReason::Truncated));
    assert_eq!(tls.handshake(), Err(EioError::Truncated));
    assert_eq!(tls.read(&mut [0u8; 4]), Err(EioError::Truncated));
    server.join().unwrap();

    // Async: the same, the server end dropped after the ClientHello.
    let (a, b) = pipe(usize::MAX);
    let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
    let conn = ClientConnection::new(&ccfg, "localhost", &mut rx, &mut tx, TestRng::new(42), NOW).unwrap();
    let client = async move {
        let mut tls: AsyncTlsStream<_, _, _, FULL_CARRY> = AsyncTlsStream::new(conn, a, clock);
        tls.handshake().await
    };
    let server = async move {
        let mut b = b;
        let mut buf = [0u8; 16];
        assert!(embedded_io_async::Read::read(&mut b, &mut buf).await.unwrap() > 0);
    };
    assert_eq!(run_both(client, server).0, Err(EioError::Truncated));
}

#[test]
fn blocking_carry_too_small_for_a_record() {
    let (a, b) = pipe(usize::MAX);
    let server = std::thread::spawn(move || {
        let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
        let chain: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];
        let scfg = ServerConfig::new(&chain, &key);
        let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
        let conn = ServerConnection::new(&scfg, &mut rx, &mut tx, TestRng::new(6), NOW).unwrap();
        let mut tls: TlsStream<_, _, _, 64> = TlsStream::new(conn, b, clock);
        tls.handshake().unwrap();
        // Wait for the client's go, so no data rides with the handshake's
        // last flight (a 64-byte carry cannot hold it).
        let mut go = [0u8; 1];
        tls.read_exact(&mut go).unwrap();
        // Two records of 1000 bytes.
        tls.write_all(&payload(1000, 5)).unwrap();
        tls.write_all(&payload(1000, 6)).unwrap();
        let mut one = [0u8; 1];
        // The client goes away.
        let _ = tls.read(&mut one);
    });
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
    let conn = ClientConnection::new(&ccfg, "localhost", &mut rx, &mut tx, TestRng::new(5), NOW).unwrap();
    let mut tls: TlsStream<_, _, _, 64> = TlsStream::new(conn, a, clock);
    tls.handshake().unwrap();
    tls.write_all(b"g").unwrap();
    // 1000 bytes read into 960 + 40 in the carry: fine.
    let mut big = [0u8; 960];
    assert_eq!(tls.read(&mut big).unwrap(), 960);
    let mut rest = [0u8; 100];
    assert_eq!(tls.read(&mut rest).unwrap(), 40);
    let mut first = big.to_vec();
    first.extend_from_slice(&rest[..40]);
    assert_eq!(first, payload(1000, 5));
    // 1000 bytes into 16 + 984 for a 64-byte carry: the stream is over.
    let mut small = [0u8; 16];
    let err = tls.read(&mut small).unwrap_err();
    assert_eq!(err, EioError::Tls(sansio_tls::ErrorKind::BufferTooSmall.into()));
    assert_eq!(tls.read(&mut big), Err(EioError::Tls(sansio_tls::ErrorKind::BufferTooSmall.into())));
    drop(tls);
    server.join().unwrap();
}

#[test]
fn blocking_untrusted_ca_fails_the_handshake() {
    let (a, b) = pipe(usize::MAX);
    let server = std::thread::spawn(move || {
        let key = SigningKey::from_der(ECDSA_UNTRUSTED_KEY).unwrap();
        let chain: [&[u8]; 1] = [ECDSA_UNTRUSTED];
        let scfg = ServerConfig::new(&chain, &key);
        let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
        let conn = ServerConnection::new(&scfg, &mut rx, &mut tx, TestRng::new(8), NOW).unwrap();
        let mut tls: TlsStream<_, _, _, FULL_CARRY> = TlsStream::new(conn, b, clock);
        tls.handshake().unwrap_err()
    });
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
    let conn = ClientConnection::new(&ccfg, "localhost", &mut rx, &mut tx, TestRng::new(7), NOW).unwrap();
    let mut tls: TlsStream<_, _, _, FULL_CARRY> = TlsStream::new(conn, a, clock);
    let err = tls.handshake().unwrap_err();
    assert_eq!(err, EioError::Tls(sansio_tls::ErrorKind::UnknownCa.into()));
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    // The failure sticks, for the handshake and for data.
    assert_eq!(tls.handshake(), Err(EioError::Tls(sansio_tls::ErrorKind::UnknownCa.into())));
    assert_eq!(tls.write(b"x"), Err(EioError::Tls(sansio_tls::ErrorKind::UnknownCa.into())));
    let server_err = server.join().unwrap();
    assert_eq!(server_err, EioError::Tls(sansio_tls::ErrorKind::AlertReceived(AlertDescription::UnknownCa).into()));
    assert_eq!(server_err.kind(), ErrorKind::ConnectionAborted);
}

#[test]
fn blocking_server_answers_session_lookups() {
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.session_tickets = false;
    let mut known: Option<Session> = None;
    let mut client_session = None;
    for round in 0..2u64 {
        let (a, b) = pipe(usize::MAX);
        let offer = known.clone();
        let server = std::thread::spawn(move || {
            let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
            let chain: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];
            let mut scfg = ServerConfig::new(&chain, &key);
            scfg.sessions = ServerSessions::Events;
            let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
            let conn = ServerConnection::new(&scfg, &mut rx, &mut tx, TestRng::new(10 + round), NOW).unwrap();
            let mut tls: TlsStream<_, _, _, FULL_CARRY> = TlsStream::new(conn, b, Recorder::default());
            let info = loop {
                match tls.handshake() {
                    Ok(info) => break info,
                    Err(EioError::SessionLookup) => {
                        assert_eq!(tls.hooks().lookups, 1);
                        tls.connection().answer_session_lookup(offer.clone()).unwrap();
                    }
                    Err(e) => panic!("server handshake: {e:?}"),
                }
            };
            let mut buf = [0u8; 5];
            tls.read_exact(&mut buf).unwrap();
            assert_eq!(&buf, b"hello");
            tls.close().unwrap();
            (tls.hooks().stored.take(), info.resumed)
        });
        let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
        let params = ClientParams { session: client_session.as_ref(), ..ClientParams::new("localhost") };
        let conn = ClientConnection::with_params(&ccfg, params, &mut rx, &mut tx, TestRng::new(round), NOW).unwrap();
        let mut tls: TlsStream<_, _, _, FULL_CARRY> = TlsStream::new(conn, a, clock);
        let info = tls.handshake().unwrap();
        tls.write_all(b"hello").unwrap();
        assert_eq!(read_to_end(&mut tls, 64).unwrap(), b"");
        let new_session = tls.connection().client_session().cloned();
        let (stored, server_resumed) = server.join().unwrap();
        assert_eq!(info.resumed, round == 1);
        assert_eq!(server_resumed, round == 1);
        if round == 0 {
            known = Some(stored.expect("StoreSession after a full handshake"));
            client_session = new_session;
        }
    }
}

// ----- async -----------------------------------------------------------------

#[test]
fn async_pair_on_one_executor() {
    use embedded_io_async::{Read as _, Write as _};
    const LEN: usize = 40 * 1024;
    let (a, b) = pipe(777);

    let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let chain: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];
    let scfg = ServerConfig::new(&chain, &key);
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let (mut crx, mut ctx, mut srx, mut stx) = (vec![0; BUF], vec![0; BUF], vec![0; BUF], vec![0; BUF]);
    let cconn = ClientConnection::new(&ccfg, "localhost", &mut crx, &mut ctx, TestRng::new(21), NOW).unwrap();
    let sconn = ServerConnection::new(&scfg, &mut srx, &mut stx, TestRng::new(22), NOW).unwrap();

    let client = async move {
        let mut tls: AsyncTlsStream<_, _, _, FULL_CARRY> = AsyncTlsStream::new(cconn, a, Recorder::default());
        let info = tls.handshake().await.unwrap();
        tls.write_all(&payload(LEN, 3)).await.unwrap();
        tls.flush().await.unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 11];
        loop {
            match tls.read(&mut buf).await.unwrap() {
                0 => break,
                n => got.extend_from_slice(&buf[..n]),
            }
        }
        assert_eq!(got, payload(LEN, 4));
        assert_eq!(tls.close_reason(), Some(CloseReason::CloseNotify));
        assert_eq!(tls.write(b"late").await, Err(EioError::Closed));
        (info, tls.hooks().handshakes)
    };
    let server = async move {
        let mut tls: AsyncTlsStream<_, _, _, FULL_CARRY> = AsyncTlsStream::new(sconn, b, clock);
        // `read` runs the handshake first.
        let mut got = vec![0u8; LEN];
        tls.read_exact(&mut got).await.unwrap();
        assert_eq!(got, payload(LEN, 3));
        tls.write_all(&payload(LEN, 4)).await.unwrap();
        tls.close().await.unwrap();
        let mut one = [0u8; 1];
        assert_eq!(tls.read(&mut one).await.unwrap(), 0);
        tls.connection().handshake_info().unwrap()
    };
    let ((cinfo, handshakes), sinfo) = run_both(client, server);
    assert_eq!(cinfo.suite, sinfo.suite);
    assert_eq!(handshakes, 1);
}

#[test]
fn async_untrusted_ca_fails_the_handshake() {
    let (a, b) = pipe(usize::MAX);
    let key = SigningKey::from_der(ECDSA_UNTRUSTED_KEY).unwrap();
    let chain: [&[u8]; 1] = [ECDSA_UNTRUSTED];
    let scfg = ServerConfig::new(&chain, &key);
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let ccfg = ClientConfig::new(&verifier);
    let (mut crx, mut ctx, mut srx, mut stx) = (vec![0; BUF], vec![0; BUF], vec![0; BUF], vec![0; BUF]);
    let cconn = ClientConnection::new(&ccfg, "localhost", &mut crx, &mut ctx, TestRng::new(31), NOW).unwrap();
    let sconn = ServerConnection::new(&scfg, &mut srx, &mut stx, TestRng::new(32), NOW).unwrap();
    let client = async move {
        let mut tls: AsyncTlsStream<_, _, _, FULL_CARRY> = AsyncTlsStream::new(cconn, a, clock);
        tls.handshake().await
    };
    let server = async move {
        let mut tls: AsyncTlsStream<_, _, _, FULL_CARRY> = AsyncTlsStream::new(sconn, b, clock);
        tls.handshake().await
    };
    let (c, s) = run_both(client, server);
    assert_eq!(c, Err(EioError::Tls(sansio_tls::ErrorKind::UnknownCa.into())));
    assert_eq!(s, Err(EioError::Tls(sansio_tls::ErrorKind::AlertReceived(AlertDescription::UnknownCa).into())));
}

// ----- one script through both streams -----------------------------------------

/// A call a scenario makes on a stream.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Call {
    Handshake,
    /// `read` into a buffer of this many bytes (at most 64).
    Read(usize),
    Write(&'static str),
    Flush,
    Close,
    /// The application's turn on the connection (see [`play`]).
    App,
}

/// What a call returned, as text (a read's bytes as a string).
type Outcome = Result<String, EioError<ErrorKind>>;

/// Everything a scripted run did, in order: transport calls, hook calls,
/// call results.
type Log = Rc<RefCell<Vec<String>>>;

/// The calls of a scenario, made the same way on a blocking and an async
/// stream.
trait Calls {
    type Conn;
    fn conn(&mut self) -> &mut Self::Conn;
    fn call(&mut self, call: Call) -> Outcome;
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl<D, R, B, S, H, const N: usize> Calls for TlsStream<Connection<D, R, B>, S, H, N>
where
    D: Side,
    R: rand_core::CryptoRng,
    B: Buffer,
    S: Read + Write<Error = ErrorKind>,
    H: Hooks,
{
    type Conn = Connection<D, R, B>;

    fn conn(&mut self) -> &mut Self::Conn {
        self.connection()
    }

    fn call(&mut self, call: Call) -> Outcome {
        let mut buf = [0u8; 64];
        match call {
            Call::Handshake => self.handshake().map(|info| format!("{info:?}")),
            Call::Read(n) => self.read(&mut buf[..n]).map(|k| text(&buf[..k])),
            Call::Write(data) => self.write(data.as_bytes()).map(|n| n.to_string()),
            Call::Flush => self.flush().map(|()| String::new()),
            Call::Close => self.close().map(|()| String::new()),
            Call::App => unreachable!("play handles it"),
        }
    }
}

/// Polls a future that never waits (its transport is a [`Script`]).
fn now_or_never<F: Future>(fut: F) -> F::Output {
    match pin!(fut).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("a scripted transport never waits"),
    }
}

impl<D, R, B, S, H, const N: usize> Calls for AsyncTlsStream<Connection<D, R, B>, S, H, N>
where
    D: Side,
    R: rand_core::CryptoRng,
    B: Buffer,
    S: embedded_io_async::Read + embedded_io_async::Write<Error = ErrorKind>,
    H: Hooks,
{
    type Conn = Connection<D, R, B>;

    fn conn(&mut self) -> &mut Self::Conn {
        self.connection()
    }

    fn call(&mut self, call: Call) -> Outcome {
        use embedded_io_async::{Read as _, Write as _};
        now_or_never(async {
            let mut buf = [0u8; 64];
            match call {
                Call::Handshake => self.handshake().await.map(|info| format!("{info:?}")),
                Call::Read(n) => self.read(&mut buf[..n]).await.map(|k| text(&buf[..k])),
                Call::Write(data) => self.write(data.as_bytes()).await.map(|n| n.to_string()),
                Call::Flush => self.flush().await.map(|()| String::new()),
                Call::Close => self.close().await.map(|()| String::new()),
                Call::App => unreachable!("play handles it"),
            }
        })
    }
}

/// Makes `calls` on `s` and returns (and logs) each result. At
/// [`Call::App`], and after [`EioError::SessionLookup`] (then the call is
/// made again), `app` gets the connection.
fn play<T: Calls>(s: &mut T, calls: &[Call], log: &Log, mut app: impl FnMut(&mut T::Conn)) -> Vec<String> {
    let mut results = Vec::new();
    for &call in calls {
        if call == Call::App {
            app(s.conn());
            continue;
        }
        loop {
            let r = s.call(call);
            let line = format!("{call:?} -> {r:?}");
            log.borrow_mut().push(line.clone());
            results.push(line);
            if r != Err(EioError::SessionLookup) {
                break;
            }
            app(s.conn());
        }
    }
    results
}

/// A pipe end that keeps a copy of each write (what the peer will read, in
/// the pieces it was sent in).
struct Tap {
    end: PipeEnd,
    writes: Vec<Vec<u8>>,
}

impl embedded_io::ErrorType for Tap {
    type Error = ErrorKind;
}

impl Read for Tap {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        self.end.read(buf)
    }
}

impl Write for Tap {
    fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        let n = self.end.write(buf)?;
        self.writes.push(buf.to_vec());
        Ok(n)
    }

    fn flush(&mut self) -> Result<(), ErrorKind> {
        self.end.flush()
    }
}

/// A transport that plays back what a peer sent: a read returns at most
/// `chunk` bytes and never crosses the end of one of the peer's writes.
/// Writes take at most `chunk` bytes; the ones numbered in `faults` (from
/// 0) fail with that kind, or take nothing (`None`). Every call is logged.
struct Script {
    input: VecDeque<Vec<u8>>,
    chunk: usize,
    faults: Vec<(usize, Option<ErrorKind>)>,
    writes: usize,
    written: Vec<u8>,
    log: Log,
}

impl Script {
    fn take(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        let n = match self.input.front_mut() {
            Some(piece) => {
                let n = piece.len().min(buf.len()).min(self.chunk);
                buf[..n].copy_from_slice(&piece[..n]);
                piece.drain(..n);
                if piece.is_empty() {
                    self.input.pop_front();
                }
                n
            }
            None => 0,
        };
        self.log.borrow_mut().push(format!("transport read {} -> {n}", buf.len()));
        Ok(n)
    }

    fn put(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        let fault = self.faults.iter().find(|(i, _)| *i == self.writes).map(|&(_, f)| f);
        self.writes += 1;
        let r = match fault {
            Some(Some(kind)) => Err(kind),
            Some(None) => Ok(0),
            None => {
                let n = buf.len().min(self.chunk);
                self.written.extend_from_slice(&buf[..n]);
                Ok(n)
            }
        };
        self.log.borrow_mut().push(format!("transport write {} -> {r:?}", buf.len()));
        r
    }

    fn flushed(&mut self) -> Result<(), ErrorKind> {
        self.log.borrow_mut().push("transport flush".into());
        Ok(())
    }
}

impl embedded_io::ErrorType for Script {
    type Error = ErrorKind;
}

impl Read for Script {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        self.take(buf)
    }
}

impl Write for Script {
    fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        self.put(buf)
    }

    fn flush(&mut self) -> Result<(), ErrorKind> {
        self.flushed()
    }
}

impl embedded_io_async::Read for Script {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        self.take(buf)
    }
}

impl embedded_io_async::Write for Script {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        self.put(buf)
    }

    async fn flush(&mut self) -> Result<(), ErrorKind> {
        self.flushed()
    }
}

/// Hooks that log every call; the clock moves `step_ms` at each reading.
struct LogHooks {
    log: Log,
    now: Instant,
    step_ms: u64,
}

impl Hooks for LogHooks {
    fn now(&mut self) -> Instant {
        let t = self.now;
        self.now = t.add_millis(self.step_ms);
        self.log.borrow_mut().push(format!("now {}", t.as_millis()));
        t
    }

    fn event(&mut self, event: &Event<'_>) {
        self.log.borrow_mut().push(format!("event {event:?}"));
    }
}

fn leak<T>(v: T) -> &'static T {
    Box::leak(Box::new(v))
}

/// The scenario's client config: the test CA, no tickets. The scenario is
/// played live, then replayed from what the server wrote: the ECDHE keys
/// must come from the seeded RNGs (`Replayable`).
fn script_client_config() -> &'static ClientConfig<'static, Replayable> {
    let roots = leak([trust_anchor_from_der(ECDSA_CA).unwrap()]);
    let mut ccfg = ClientConfig::new(leak(WebPkiServerVerifier::new(roots)));
    ccfg.session_tickets = false;
    leak(ccfg.with_provider(replayable()))
}

/// The scenario's server config: sessions looked up by the application, no
/// renegotiation (a client's attempt gets a no_renegotiation warning).
fn script_server_config() -> &'static ServerConfig<'static, Replayable> {
    let key = leak(SigningKey::from_der(ECDSA_SERVER_KEY).unwrap());
    let chain: &'static [&'static [u8]] = leak([ECDSA_SERVER, ECDSA_CA]);
    let mut scfg = ServerConfig::new(chain, key);
    scfg.sessions = ServerSessions::Events;
    scfg.renegotiation = None;
    leak(scfg.with_provider(replayable()))
}

type ScriptClient = ClientConnection<'static, TestRng, Vec<u8>, &'static ClientConfig<'static, Replayable>>;
type ScriptServer = ServerConnection<'static, TestRng, Vec<u8>, &'static ServerConfig<'static, Replayable>>;

/// The scenario's client, offering `session` (the server looks it up).
fn script_client(session: Option<&ClientSession>) -> ScriptClient {
    let params = ClientParams { session, ..ClientParams::new("localhost") };
    ClientConnection::with_params(script_client_config(), params, vec![0; BUF], vec![0; BUF], TestRng::new(51), NOW)
        .unwrap()
}

/// The scenario's server; `seed` for its RNG (another one for each run,
/// or it picks the same session ID again).
fn script_server(seed: u64) -> ScriptServer {
    ServerConnection::new(script_server_config(), vec![0; BUF], vec![0; BUF], TestRng::new(seed), NOW).unwrap()
}

/// The client's calls: empty reads and writes (no I/O), the handshake
/// twice, a renegotiation attempt the server refuses, "ping", reads to the
/// end, a late write, close and flush.
const CLIENT_CALLS: &[Call] = &[
    Call::Read(0),
    Call::Write(""),
    Call::Handshake,
    Call::Handshake,
    Call::App,
    Call::Write("ping"),
    Call::Read(3),
    Call::Read(64),
    Call::Read(64),
    Call::Read(64),
    Call::Write("late"),
    Call::Close,
    Call::Flush,
];

/// The server's calls: a read that runs the handshake (with a session
/// lookup), "pong", close, and a read to the client's close_notify.
const SERVER_CALLS: &[Call] = &[Call::Read(64), Call::Write("pong"), Call::Close, Call::Read(1), Call::Read(1)];

/// The client's turn: a renegotiation (refused by a connection that failed).
fn renegotiate(c: &mut ScriptClient) {
    let _ = c.renegotiate(NOW);
}

fn answer_lookup(c: &mut ScriptServer) {
    c.answer_session_lookup(None).unwrap();
}

/// What each side of a live run wrote, write by write (client, server),
/// and the client's session.
type LiveRun = (Vec<Vec<u8>>, Vec<Vec<u8>>, Option<ClientSession>);

/// A live run of the scenario over the duplex pipe, the client offering
/// `session`, the server's RNG seeded with `seed`.
fn live_run(session: Option<&ClientSession>, seed: u64) -> LiveRun {
    let (a, b) = pipe(usize::MAX);
    let server = std::thread::spawn(move || {
        let mut tls: TlsStream<_, _, _, FULL_CARRY> =
            TlsStream::new(script_server(seed), Tap { end: b, writes: Vec::new() }, clock);
        let results = play(&mut tls, SERVER_CALLS, &Log::default(), answer_lookup);
        assert_eq!(results.iter().filter(|r| r.ends_with("Ok(\"ping\")")).count(), 1, "{results:?}");
        tls.into_parts().1.writes
    });
    let mut tls: TlsStream<_, _, _, FULL_CARRY> =
        TlsStream::new(script_client(session), Tap { end: a, writes: Vec::new() }, clock);
    // The session, as the handshake left it (before the renegotiation).
    let mut client_session = None;
    let results = play(&mut tls, CLIENT_CALLS, &Log::default(), |c| {
        client_session = c.client_session().cloned();
        renegotiate(c);
    });
    assert_eq!(results[4], "Write(\"ping\") -> Ok(\"4\")");
    let client = tls.into_parts().1.writes;
    (client, server.join().unwrap(), client_session)
}

/// One scripted run: the log, and the bytes written.
type Run = (Vec<String>, Vec<u8>);

/// Runs `calls` on a blocking and on an async stream over the same script
/// (`input`, `chunk`, `faults`, a clock moving `step_ms` a reading) and
/// checks that both did exactly the same; returns the results of the calls.
fn both_streams<C: Side>(
    new_conn: impl Fn() -> Connection<C, TestRng, Vec<u8>>,
    input: &[Vec<u8>],
    chunk: usize,
    faults: &[(usize, Option<ErrorKind>)],
    step_ms: u64,
    calls: &[Call],
    app: impl Fn(&mut Connection<C, TestRng, Vec<u8>>),
) -> Vec<String> {
    let setup = || {
        let log = Log::default();
        let script = Script {
            input: input.iter().cloned().collect(),
            chunk,
            faults: faults.to_vec(),
            writes: 0,
            written: Vec::new(),
            log: log.clone(),
        };
        let hooks = LogHooks { log: log.clone(), now: NOW, step_ms };
        (log, script, hooks)
    };
    let finish = |log: Log, script: Script| -> Run { (log.take(), script.written) };

    let (log, script, hooks) = setup();
    let mut tls: TlsStream<_, _, _, FULL_CARRY> = TlsStream::new(new_conn(), script, hooks);
    let results = play(&mut tls, calls, &log, &app);
    let blocking = finish(log, tls.into_parts().1);

    let (log, script, hooks) = setup();
    let mut tls: AsyncTlsStream<_, _, _, FULL_CARRY> = AsyncTlsStream::new(new_conn(), script, hooks);
    let async_results = play(&mut tls, calls, &log, &app);
    let asynchronous = finish(log, tls.into_parts().1);

    assert_eq!(results, async_results);
    assert_eq!(blocking.0.len(), asynchronous.0.len());
    for (i, (b, a)) in blocking.0.iter().zip(&asynchronous.0).enumerate() {
        assert_eq!(b, a, "log line {i}");
    }
    assert_eq!(blocking.1, asynchronous.1, "bytes written");
    results
}

#[test]
fn one_script_same_results_on_both_streams() {
    // A first run gives the client a session to offer in the second: the
    // server, in Events mode, looks it up.
    let session = live_run(None, 50).2.expect("a session");
    let (client_writes, server_writes, _) = live_run(Some(&session), 52);
    let script_client = || script_client(Some(&session));
    let script_server = || script_server(52);
    let ok = |s: &str| s.ends_with("Ok(\"\")");

    // The client, in pieces of 1, 7 and 100 bytes and whole.
    for chunk in [1, 7, 100, usize::MAX] {
        let r = both_streams(script_client, &server_writes, chunk, &[], 0, CLIENT_CALLS, renegotiate);
        assert_eq!(r[0], "Read(0) -> Ok(\"\")");
        assert_eq!(r[1], "Write(\"\") -> Ok(\"0\")");
        assert!(r[2].starts_with("Handshake -> Ok(\"HandshakeInfo {"), "{}", r[2]);
        assert_eq!(r[2], r[3]);
        assert_eq!(r[4], "Write(\"ping\") -> Ok(\"4\")");
        assert_eq!(r[5], "Read(3) -> Ok(\"pon\")");
        assert_eq!(r[6], "Read(64) -> Ok(\"g\")");
        assert!(ok(&r[7]) && ok(&r[8]), "{r:?}");
        assert_eq!(r[9], "Write(\"late\") -> Err(Closed)");
    }
    // Whole pieces, with these write faults and this clock step.
    let client = |faults: &[(usize, Option<ErrorKind>)], step_ms| {
        both_streams(script_client, &server_writes, usize::MAX, faults, step_ms, CLIENT_CALLS, renegotiate)
    };
    // The client's close_notify answer finds the server gone: tolerated
    // after the peer's close_notify; another transport error is not.
    let answer = 3;
    let r = client(&[(answer, Some(ErrorKind::BrokenPipe))], 0);
    assert!(ok(&r[7]), "{r:?}");
    let r = client(&[(answer, Some(ErrorKind::Other))], 0);
    assert_eq!(r[7], "Read(64) -> Err(Transport(Other))");
    // A transport write that takes nothing: the connection is closed.
    let r = client(&[(2, None)], 0);
    assert_eq!(r[4], "Write(\"ping\") -> Err(Closed)");
    // A clock that runs 10 s a reading: the handshake times out before a
    // transport read (its alert is sent), and stays failed.
    let r = client(&[], 10_000);
    assert_eq!(
        r[2],
        "Handshake -> Err(Tls(Error { kind: Timeout, reason: \"the handshake did not finish in time\" }))"
    );
    assert_eq!(
        r[9],
        "Write(\"late\") -> Err(Tls(Error { kind: Timeout, reason: \"the handshake did not finish in time\" }))"
    );

    // The server: a read runs the handshake and stops for the session
    // lookup; the renegotiation attempt is refused with a warning.
    for chunk in [1, 7, 100, usize::MAX] {
        let r = both_streams(script_server, &client_writes, chunk, &[], 0, SERVER_CALLS, answer_lookup);
        assert_eq!(r[0], "Read(64) -> Err(SessionLookup)");
        assert_eq!(r[1], "Read(64) -> Ok(\"ping\")");
        assert_eq!(r[2], "Write(\"pong\") -> Ok(\"4\")");
        assert_eq!(r[3], "Close -> Ok(\"\")");
        assert_eq!(r[4], "Read(1) -> Ok(\"\")");
        assert_eq!(r[5], "Read(1) -> Ok(\"\")");
    }
    // Sending the warning fails after "ping" was decrypted: the read still
    // returns it, the error comes with the next call.
    let warning = 2;
    let faults = [(warning, Some(ErrorKind::Other)), (warning + 1, Some(ErrorKind::Other))];
    let r = both_streams(script_server, &client_writes, usize::MAX, &faults, 0, SERVER_CALLS, answer_lookup);
    assert_eq!(r[1], "Read(64) -> Ok(\"ping\")");
    assert_eq!(r[2], "Write(\"pong\") -> Err(Transport(Other))");
}

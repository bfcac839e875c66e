//! A TLS 1.2 client over TCP: sends stdin line by line, prints what the
//! server sends on stdout and one line per event on stderr. At the end of
//! stdin it sends close_notify and waits (a few seconds at most) for the
//! server's.
//!
//! ```sh
//! openssl s_server -accept 127.0.0.1:8443 -tls1_2 -rev \
//!     -cert vectors/pki/ecdsa-server.pem -key vectors/pki/ecdsa-server.key.pem &
//! echo hello | cargo run --features std --example client -- --connect 127.0.0.1:8443 \
//!     --servername localhost --ca vectors/pki/ecdsa-ca.pem
//! ```
//!
//! Options: `--suites LIST` (comma-separated OpenSSL or IANA names),
//! `--max-fragment-length 512|1024|2048|4096` (ask the server for small
//! records). Exits 0 after a clean close (close_notify both ways), 1 on any
//! error, including a connection cut without close_notify.

use getrandom::SysRng;
use rand_core::UnwrapErr;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::io::{StreamEvent, TlsStream};
use sansio_tls::{
    CipherSuite, ClientConfig, CloseReason, Connection, HandshakeInfo, Instant, MaxFragmentLength, pem, suites,
};
use std::io::{self, BufRead, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::{self, TryRecvError};
use std::time::Duration;

/// Receive and transmit buffer size: the largest record plus the largest
/// handshake message being reassembled (the server's certificate chain).
const BUF: usize = sansio_tls::record::MAX_RECORD + 8192;

/// Socket reads wait at most this long, so that stdin lines are sent soon
/// even while the server is quiet.
const POLL: Duration = Duration::from_millis(20);

/// How long to wait for the server's close_notify after sending ours.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

const USAGE: &str = "usage: client --connect ADDR --servername NAME --ca CA.pem \
                     [--suites LIST] [--max-fragment-length 512|1024|2048|4096]";

/// Writes one line to stderr in a single write, so that lines stay whole
/// when stdout is interleaved with them.
macro_rules! log {
    ($($arg:tt)*) => {{
        let line = format!("{}\n", format_args!($($arg)*));
        let _ = io::stderr().write_all(line.as_bytes());
    }};
}

struct Args {
    connect: String,
    servername: String,
    ca: PathBuf,
    suites: Option<Vec<CipherSuite>>,
    max_fragment_length: Option<MaxFragmentLength>,
}

fn parse_suites(list: &str) -> Result<Vec<CipherSuite>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|name| suites::from_name(name).ok_or_else(|| format!("unknown cipher suite {name:?}")))
        .collect()
}

fn parse_mfl(v: &str) -> Result<MaxFragmentLength, String> {
    Ok(match v {
        "512" => MaxFragmentLength::Bytes512,
        "1024" => MaxFragmentLength::Bytes1024,
        "2048" => MaxFragmentLength::Bytes2048,
        "4096" => MaxFragmentLength::Bytes4096,
        _ => return Err(format!("--max-fragment-length must be 512, 1024, 2048 or 4096, not {v:?}")),
    })
}

fn parse_args() -> Result<Args, String> {
    let (mut connect, mut servername, mut ca, mut suites, mut mfl) = (None, None, None, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--connect" => connect = Some(value()?),
            "--servername" => servername = Some(value()?),
            "--ca" => ca = Some(PathBuf::from(value()?)),
            "--suites" => suites = Some(parse_suites(&value()?)?),
            "--max-fragment-length" => mfl = Some(parse_mfl(&value()?)?),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(Args {
        connect: connect.ok_or(USAGE)?,
        servername: servername.ok_or(USAGE)?,
        ca: ca.ok_or(USAGE)?,
        suites,
        max_fragment_length: mfl,
    })
}

/// One line describing a finished handshake.
fn describe_handshake(info: &HandshakeInfo) -> String {
    let suite = suites::suite_name(info.suite).map_or_else(|| format!("{:?}", info.suite), str::to_owned);
    let group = info.group.map_or_else(|| "none".to_owned(), |g| format!("{g:?}"));
    let mut line = format!(
        "handshake done suite={suite} group={group} ems={} secure_reneg={} resumed={}",
        info.extended_master_secret, info.secure_renegotiation, info.resumed
    );
    if let Some(mfl) = info.max_fragment_length.and_then(|m| m.bytes()) {
        line.push_str(&format!(" max_fragment_length={mfl}"));
    }
    line
}

/// Prints the events the stream collected; returns how the peer closed, if it did.
fn report_events<R: rand_core::CryptoRng>(tls: &mut TlsStream<'_, R, TcpStream>) -> Option<CloseReason> {
    let mut closed = None;
    for ev in tls.take_events() {
        match ev {
            StreamEvent::HandshakeDone(info) => log!("event: {}", describe_handshake(&info)),
            StreamEvent::Alert(level, desc) => log!("event: alert {level:?} {desc:?}"),
            StreamEvent::RenegotiationRefused => log!("event: renegotiation refused"),
            StreamEvent::NewSession(_) => log!("event: new resumable session"),
            StreamEvent::StoreSession(_) => log!("event: session to store"),
            StreamEvent::SessionLookup(_) => log!("event: session lookup"),
            StreamEvent::RenegotiationRequested => log!("event: renegotiation requested"),
            StreamEvent::PeerCertificates(chain) => log!("event: peer certificates ({} in chain)", chain.len()),
            StreamEvent::Closed(reason) => {
                let how = match reason {
                    CloseReason::CloseNotify => "close_notify",
                    CloseReason::Truncated => "truncated",
                };
                log!("event: closed {how}");
                closed = Some(reason);
            }
            other => log!("event: {other:?}"),
        }
    }
    closed
}

/// A read that gave up after [`POLL`] without data.
fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            log!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let ca_der = pem::read_certs(&args.ca)?;
    let roots = ca_der
        .iter()
        .map(|der| trust_anchor_from_der(der))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", args.ca.display()))?;
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut config = ClientConfig::new(&verifier);
    if let Some(s) = &args.suites {
        config.cipher_suites = s;
    }
    config.max_fragment_length = args.max_fragment_length;

    let sock = TcpStream::connect(&args.connect)?;
    sock.set_nodelay(true)?;
    sock.set_read_timeout(Some(POLL))?;
    log!("event: connected to {}", sock.peer_addr()?);
    let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
    let conn = Connection::client(&config, &args.servername, &mut rx, &mut tx, UnwrapErr(SysRng), Instant::now())?;
    let mut tls = TlsStream::new(conn, sock);

    // The handshake. `pump` also checks the handshake timeout (30 s).
    tls.flush_transmit()?;
    while tls.connection().is_handshaking() {
        let more = match tls.pump() {
            Ok(more) => more,
            Err(e) if is_timeout(&e) => true,
            Err(e) => {
                report_events(&mut tls);
                return Err(e.into());
            }
        };
        if report_events(&mut tls).is_some() || !more {
            return Err("connection closed during the handshake".into());
        }
    }

    // stdin is read on its own thread; lines arrive through a channel.
    let (lines_tx, lines) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut stdin = io::stdin().lock();
        loop {
            let mut line = Vec::new();
            match stdin.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if lines_tx.send(line).is_err() {
                        break;
                    }
                }
            }
        }
    });

    let mut close_deadline = None;
    let mut buf = vec![0; 16 * 1024];
    let mut stdout = io::stdout();
    loop {
        while close_deadline.is_none() {
            match lines.try_recv() {
                Ok(line) => tls.write_all(&line)?,
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    tls.close()?;
                    log!("event: sent close_notify");
                    close_deadline = Some(std::time::Instant::now() + CLOSE_WAIT);
                }
            }
        }
        let n = match tls.read(&mut buf) {
            Ok(n) => n,
            Err(e) if is_timeout(&e) => {
                if close_deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                    return Err("timed out waiting for the server's close_notify".into());
                }
                continue;
            }
            Err(e) => {
                report_events(&mut tls);
                return Err(e.into());
            }
        };
        if n > 0 {
            stdout.write_all(&buf[..n])?;
            stdout.flush()?;
            log!("event: data {n} bytes");
        }
        match report_events(&mut tls) {
            Some(CloseReason::CloseNotify) => return Ok(()),
            Some(CloseReason::Truncated) => return Err("connection closed without close_notify".into()),
            None if n == 0 => return Err("connection closed".into()),
            None => {}
        }
    }
}

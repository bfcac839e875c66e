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
//! Options:
//! - `--suites LIST` (comma-separated OpenSSL or IANA names);
//! - `--max-fragment-length 512|1024|2048|4096` (ask the server for small
//!   records);
//! - `--reconnect N`: after the first connection has closed cleanly, connect
//!   N more times, each time resuming the session (from a session cache keyed
//!   by server name and port), handshaking and closing, like
//!   `s_client -reconnect`. Every handshake prints `resumed=true|false`;
//! - `--sess-out FILE`: write the session to FILE after each handshake
//!   (this crate's binary export format, not OpenSSL's). It holds the master
//!   secret: the file is created readable by its owner only;
//! - `--sess-in FILE`: offer the session from FILE (written by `--sess-out`)
//!   in the first handshake;
//! - `--no-tickets`: neither ask for nor accept session tickets (RFC 5077),
//!   resume by session ID only;
//! - `--cert CHAIN.pem --key KEY.pem`: a client certificate, sent when the
//!   server asks for one;
//! - `--refuse-renegotiation`: answer a server's renegotiation request
//!   (HelloRequest) with a `no_renegotiation` warning instead of
//!   renegotiating;
//! - `--alpn LIST`: offer these application protocols (comma-separated,
//!   e.g. `h2,http/1.1`); the one agreed is logged;
//! - `--showcerts`: print the server's certificate chain as PEM on stdout,
//!   like `s_client -showcerts`;
//! - `--insecure`: do not verify the server's certificate (then `--ca` is
//!   not needed). **For testing only**: anyone can impersonate the server;
//!   a warning says so on every connection;
//! - `--keylogfile FILE`: append each handshake's master secret to FILE in
//!   the NSS key log format (`tshark -o tls.keylog_file:FILE` decrypts a
//!   capture with it); without it, the file `SSLKEYLOGFILE` names, as curl
//!   does. Anyone with the file can read the traffic: debugging only.
//!
//! A stdin line that is exactly `R` starts a renegotiation instead of being
//! sent (as with `s_client`); the lines after it are sent once it is done.
//! Exits 0 after a clean close (close_notify both
//! ways), 1 on any error, including a connection cut without close_notify.

#[macro_use]
mod common;

use common::*;
use getrandom::SysRng;
use rand_core::UnwrapErr;
use sansio_tls::cert::{ServerCertVerifier, WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::config::CertifiedKey;
use sansio_tls::crypto::SigningKey;
use sansio_tls::io::{StreamEvent, TlsStream};
use sansio_tls::session::{CLIENT_SESSION_MAX_ENCODED_LEN, ClientCacheSlot, ClientSession, LruClientCache};
use sansio_tls::{
    CipherSuite, ClientConfig, ClientConnection, ClientParams, CloseReason, ErrorKind, Instant, MaxFragmentLength, pem,
};
use std::io::{self, BufRead, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Duration;

/// Receive and transmit buffer size: the largest record plus the largest
/// handshake message being reassembled (the server's certificate chain).
const BUF: usize = sansio_tls::record::MAX_RECORD + 8192;

/// Socket reads wait at most this long, so that stdin lines are sent soon
/// even while the server is quiet.
const POLL: Duration = Duration::from_millis(20);

/// How long to wait for the server's close_notify after sending ours.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

const USAGE: &str = "usage: client --connect ADDR --servername NAME (--ca CA.pem | --insecure) \
                     [--suites LIST] [--max-fragment-length 512|1024|2048|4096] [--reconnect N] \
                     [--sess-out FILE] [--sess-in FILE] [--no-tickets] [--cert CHAIN.pem --key KEY.pem] \
                     [--refuse-renegotiation] [--keylogfile FILE] [--alpn LIST] [--showcerts]";

struct Args {
    connect: String,
    servername: String,
    ca: Option<PathBuf>,
    insecure: bool,
    alpn: Vec<Vec<u8>>,
    showcerts: bool,
    suites: Option<Vec<CipherSuite>>,
    max_fragment_length: Option<MaxFragmentLength>,
    reconnect: u32,
    sess_out: Option<PathBuf>,
    sess_in: Option<PathBuf>,
    no_tickets: bool,
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
    refuse_renegotiation: bool,
    keylogfile: Option<PathBuf>,
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
    let (mut reconnect, mut sess_out, mut sess_in, mut no_tickets) = (0, None, None, false);
    let (mut cert, mut key, mut refuse_renegotiation, mut keylogfile) = (None, None, false, None);
    let (mut insecure, mut alpn, mut showcerts) = (false, Vec::new(), false);
    for_each_option(USAGE, |arg, value| {
        match arg {
            "--connect" => connect = Some(value()?),
            "--servername" => servername = Some(value()?),
            "--ca" => ca = Some(PathBuf::from(value()?)),
            "--suites" => suites = Some(parse_suites(&value()?)?),
            "--max-fragment-length" => mfl = Some(parse_mfl(&value()?)?),
            "--reconnect" => reconnect = value()?.parse().map_err(|e| format!("--reconnect: {e}"))?,
            "--sess-out" => sess_out = Some(PathBuf::from(value()?)),
            "--sess-in" => sess_in = Some(PathBuf::from(value()?)),
            "--no-tickets" => no_tickets = true,
            "--cert" => cert = Some(PathBuf::from(value()?)),
            "--key" => key = Some(PathBuf::from(value()?)),
            "--refuse-renegotiation" => refuse_renegotiation = true,
            "--keylogfile" => keylogfile = Some(PathBuf::from(value()?)),
            "--insecure" => insecure = true,
            "--alpn" => alpn = parse_alpn(&value()?)?,
            "--showcerts" => showcerts = true,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    if ca.is_none() && !insecure {
        return Err(format!("give --ca CA.pem (or --insecure, for testing only)\n{USAGE}"));
    }
    if cert.is_some() != key.is_some() {
        return Err(format!("--cert and --key go together\n{USAGE}"));
    }
    Ok(Args {
        connect: connect.ok_or(USAGE)?,
        servername: servername.ok_or(USAGE)?,
        ca,
        insecure,
        alpn,
        showcerts,
        suites,
        max_fragment_length: mfl,
        reconnect,
        sess_out,
        sess_in,
        no_tickets,
        cert,
        key,
        refuse_renegotiation,
        keylogfile,
    })
}

/// Writes `session` to `path`, readable by the owner only: it holds the
/// master secret.
fn save_session(path: &Path, session: &ClientSession) -> Result<(), Box<dyn std::error::Error>> {
    let mut buf = [0u8; CLIENT_SESSION_MAX_ENCODED_LEN];
    let n = session.export(&mut buf)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(&buf[..n])?;
    Ok(())
}

/// Starts a renegotiation, saying what happened.
fn start_renegotiation(tls: &mut Stream<'_>) -> io::Result<()> {
    match tls.connection().renegotiate(Instant::now()) {
        Ok(()) => {
            log!("event: renegotiating");
            tls.flush_transmit()
        }
        // Not fatal: the server lacks secure renegotiation, or one runs.
        Err(e) if e.kind() == ErrorKind::NoRenegotiation => {
            log!("event: renegotiation not possible (no secure renegotiation, or one is running)");
            Ok(())
        }
        Err(e) => {
            let _ = tls.flush_transmit();
            Err(io::Error::other(e))
        }
    }
}

/// A client connection over TCP, owning its buffers.
type Stream<'a> = TlsStream<ClientConnection<'a, UnwrapErr<SysRng>, Vec<u8>>, TcpStream>;

/// Prints the events the stream collected and acts on them; returns how the
/// peer closed, if it did.
fn report_events(tls: &mut Stream<'_>, args: &Args) -> io::Result<Option<CloseReason>> {
    let mut closed = None;
    for ev in tls.take_events() {
        match ev {
            StreamEvent::HandshakeDone(info) => {
                log!("event: {}", describe_handshake(&info));
                if let Some(p) = tls.connection().alpn_protocol() {
                    log!("event: ALPN protocol {}", String::from_utf8_lossy(p));
                }
            }
            StreamEvent::Alert(level, desc) => log!("event: alert {level:?} {desc:?}"),
            StreamEvent::RenegotiationRefused => log!("event: renegotiation refused"),
            StreamEvent::NewSession(session) => {
                log!("event: new resumable session");
                if let Some(path) = &args.sess_out {
                    match save_session(path, &session) {
                        Ok(()) => log!("event: session saved to {}", path.display()),
                        Err(e) => log!("error: saving the session to {}: {e}", path.display()),
                    }
                }
            }
            StreamEvent::StoreSession(_) => log!("event: session to store"),
            StreamEvent::SessionLookup(_) => log!("event: session lookup"),
            StreamEvent::RenegotiationRequested => {
                log!("event: renegotiation requested");
                if args.refuse_renegotiation {
                    tls.connection().refuse_renegotiation().map_err(io::Error::other)?;
                    tls.flush_transmit()?;
                    log!("event: refused renegotiation (sent no_renegotiation)");
                } else {
                    start_renegotiation(tls)?;
                }
            }
            StreamEvent::PeerCertificates(chain) => {
                log!("event: peer certificates ({} in chain)", chain.len());
                if args.showcerts {
                    print_chain(&chain);
                }
            }
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
    Ok(closed)
}

/// Whether a stdin line is the renegotiation command: exactly `R`.
fn is_renegotiate_command(line: &[u8]) -> bool {
    matches!(line, b"R\n" | b"R\r\n" | b"R")
}

fn main() -> ExitCode {
    common::main_with(parse_args, run)
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let ca_der = match &args.ca {
        Some(ca) => pem::read_certs(ca)?,
        None => Vec::new(),
    };
    let roots = ca_der
        .iter()
        .map(|der| trust_anchor_from_der(der))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", args.ca.as_deref().unwrap_or(Path::new("")).display()))?;
    let webpki = WebPkiServerVerifier::new(&roots);
    let verifier: &dyn ServerCertVerifier = if args.insecure {
        log!("WARNING: --insecure: server certificates are NOT verified; anyone can impersonate the server");
        &AcceptAnyServerCert
    } else {
        &webpki
    };
    let mut config = ClientConfig::new(verifier);
    let alpn: Vec<&[u8]> = args.alpn.iter().map(Vec::as_slice).collect();
    config.alpn_protocols = (&alpn).into();
    if let Some(s) = &args.suites {
        config.cipher_suites = s;
    }
    config.max_fragment_length = args.max_fragment_length;
    config.session_tickets = !args.no_tickets;
    let key_log = key_log(args.keylogfile.as_deref())?;
    if let Some(log) = &key_log {
        log!("event: logging keys (anyone with the file can decrypt this traffic)");
        config.key_log = Some(log);
    }

    // For `--reconnect`, sessions are cached by server name and port. Only
    // then: a renegotiation also offers the cached session, and GnuTLS 3.7
    // servers fail a renegotiation that resumes a ticket (internal_error).
    let mut slots = [ClientCacheSlot::EMPTY; 4];
    let cache = LruClientCache::new(&mut slots);
    if args.reconnect > 0 {
        config.session_cache = Some(&cache);
    }

    // The client certificate.
    let (mut cert_der, mut key) = (Vec::new(), None);
    if let (Some(cert), Some(key_path)) = (&args.cert, &args.key) {
        cert_der = pem::read_certs(cert)?;
        let (_, der) = pem::read_private_key(key_path)?;
        key = Some(SigningKey::from_der(&der).map_err(|e| format!("{}: {e}", key_path.display()))?);
    }
    let chain: Vec<&[u8]> = cert_der.iter().map(Vec::as_slice).collect();
    let creds = match &key {
        Some(key) => vec![CertifiedKey::new(&chain, key).map_err(|e| format!("--cert/--key: {e}"))?],
        None => Vec::new(),
    };
    config.client_certs = (&creds).into();

    let imported = match &args.sess_in {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Some(ClientSession::import(&bytes).map_err(|e| format!("{}: not a session: {e}", path.display()))?)
        }
        None => None,
    };

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

    connect(&config, args, imported.as_ref(), Some(&lines))?;
    for _ in 0..args.reconnect {
        connect(&config, args, None, None)?;
    }
    Ok(())
}

/// One connection: the handshake, then stdin lines until their end (when
/// `lines` is given) or nothing, then a clean close.
fn connect(
    config: &ClientConfig<'_>,
    args: &Args,
    session: Option<&ClientSession>,
    lines: Option<&Receiver<Vec<u8>>>,
) -> Result<(), Box<dyn std::error::Error>> {
    let sock = TcpStream::connect(&args.connect)?;
    sock.set_nodelay(true)?;
    sock.set_read_timeout(Some(POLL))?;
    let peer = sock.peer_addr()?;
    log!("event: connected to {peer}");
    let (rx, tx) = (vec![0; BUF], vec![0; BUF]);
    let params = ClientParams { server_name: &args.servername, port: peer.port(), session };
    let conn = ClientConnection::with_params(config, params, rx, tx, UnwrapErr(SysRng), Instant::now())?;
    let mut tls = TlsStream::new(conn, sock);

    // The handshake. `pump` also checks the handshake timeout (30 s).
    tls.flush_transmit()?;
    while tls.connection().is_handshaking() {
        let more = match tls.pump() {
            Ok(more) => more,
            Err(e) if is_timeout(&e) => true,
            Err(e) => {
                report_events(&mut tls, args)?;
                return Err(e.into());
            }
        };
        let closed = report_events(&mut tls, args)?;
        if tls.connection().handshake_info().is_none() && (closed.is_some() || !more) {
            return Err("connection closed during the handshake".into());
        }
        match closed {
            Some(CloseReason::CloseNotify) => return Ok(()),
            Some(CloseReason::Truncated) => return Err("connection closed without close_notify".into()),
            None => {}
        }
    }

    let mut close_deadline = None;
    if lines.is_none() {
        tls.close()?;
        log!("event: sent close_notify");
        close_deadline = Some(std::time::Instant::now() + CLOSE_WAIT);
    }
    let mut buf = vec![0; 16 * 1024];
    let mut stdout = io::stdout();
    loop {
        // Lines wait while a renegotiation runs: OpenSSL and GnuTLS refuse
        // application data in the middle of a handshake (after the hellos).
        while let (None, Some(lines), false) = (close_deadline, lines, tls.connection().is_renegotiating()) {
            match lines.try_recv() {
                Ok(line) if is_renegotiate_command(&line) => start_renegotiation(&mut tls)?,
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
                match report_events(&mut tls, args)? {
                    Some(CloseReason::CloseNotify) => return Ok(()),
                    Some(CloseReason::Truncated) => return Err("connection closed without close_notify".into()),
                    None => {}
                }
                if close_deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                    return Err("timed out waiting for the server's close_notify".into());
                }
                continue;
            }
            Err(e) => {
                report_events(&mut tls, args)?;
                return Err(e.into());
            }
        };
        if n > 0 {
            stdout.write_all(&buf[..n])?;
            stdout.flush()?;
            log!("event: data {n} bytes");
        }
        match report_events(&mut tls, args)? {
            Some(CloseReason::CloseNotify) => return Ok(()),
            Some(CloseReason::Truncated) => return Err("connection closed without close_notify".into()),
            None if n == 0 => return Err("connection closed".into()),
            None => {}
        }
    }
}

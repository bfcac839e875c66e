//! A TLS 1.2 server over TCP: an echo server by default, or a tiny HTTP
//! server. Connections are served one after another.
//!
//! ```sh
//! cargo run --features std --example server -- --listen 127.0.0.1:8443 \
//!     --cert vectors/pki/ecdsa-server-chain.pem --key vectors/pki/ecdsa-server.key.pem
//! openssl s_client -connect 127.0.0.1:8443 -CAfile vectors/pki/ecdsa-ca.pem
//! ```
//!
//! Options: `--suites LIST` (comma-separated OpenSSL or IANA names), `--http`
//! (answer each request with a small page, then close), `--max-conns N` (exit
//! after N connections). Events go to stderr, one line each.

use getrandom::SysRng;
use rand_core::UnwrapErr;
use sansio_tls::crypto::SigningKey;
use sansio_tls::io::{StreamEvent, TlsStream};
use sansio_tls::{CipherSuite, CloseReason, Connection, HandshakeInfo, Instant, ServerConfig, pem, suites};
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Receive and transmit buffer size: the largest record plus a handshake
/// message being reassembled (the client's messages are small).
const BUF: usize = sansio_tls::record::MAX_RECORD + 4096;

/// How long a quiet client is waited for before the connection is dropped.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

const USAGE: &str = "usage: server --listen ADDR --cert CHAIN.pem --key KEY.pem \
                     [--suites LIST] [--http] [--max-conns N]";

/// Writes one line to stderr in a single write, so that lines stay whole
/// when stdout is interleaved with them.
macro_rules! log {
    ($($arg:tt)*) => {{
        let line = format!("{}\n", format_args!($($arg)*));
        let _ = io::stderr().write_all(line.as_bytes());
    }};
}

struct Args {
    listen: String,
    cert: PathBuf,
    key: PathBuf,
    suites: Option<Vec<CipherSuite>>,
    http: bool,
    max_conns: Option<u64>,
}

fn parse_suites(list: &str) -> Result<Vec<CipherSuite>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|name| suites::from_name(name).ok_or_else(|| format!("unknown cipher suite {name:?}")))
        .collect()
}

fn parse_args() -> Result<Args, String> {
    let (mut listen, mut cert, mut key, mut suites, mut http, mut max_conns) = (None, None, None, None, false, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--listen" => listen = Some(value()?),
            "--cert" => cert = Some(PathBuf::from(value()?)),
            "--key" => key = Some(PathBuf::from(value()?)),
            "--suites" => suites = Some(parse_suites(&value()?)?),
            "--http" => http = true,
            "--max-conns" => max_conns = Some(value()?.parse().map_err(|e| format!("--max-conns: {e}"))?),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(Args { listen: listen.ok_or(USAGE)?, cert: cert.ok_or(USAGE)?, key: key.ok_or(USAGE)?, suites, http, max_conns })
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

/// Whether `buf` holds a whole HTTP request head (up to the blank line).
fn request_complete(buf: &[u8]) -> bool {
    buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.windows(2).any(|w| w == b"\n\n")
}

/// Serves one connection to its end.
fn serve(config: &ServerConfig<'_>, sock: TcpStream, http: bool) -> io::Result<()> {
    sock.set_read_timeout(Some(IDLE_TIMEOUT))?;
    let (mut rx, mut tx) = (vec![0; BUF], vec![0; BUF]);
    let conn =
        Connection::server(config, &mut rx, &mut tx, UnwrapErr(SysRng), Instant::now()).map_err(io::Error::other)?;
    let mut tls = TlsStream::new(conn, sock);
    let result = tls.handshake();
    report_events(&mut tls);
    result?;

    let mut request = Vec::new();
    let mut buf = vec![0; 16 * 1024];
    loop {
        let n = tls.read(&mut buf)?;
        let closed = report_events(&mut tls);
        if n == 0 {
            if closed.is_none() {
                log!("event: closed truncated");
            }
            return Ok(());
        }
        log!("event: data {n} bytes");
        if !http {
            tls.write_all(&buf[..n])?;
            continue;
        }
        request.extend_from_slice(&buf[..n]);
        if request_complete(&request) {
            let body = "Hello from sansio-tls.\n";
            let response = format!(
                "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            tls.write_all(response.as_bytes())?;
            log!("event: sent HTTP response, closing");
            tls.close()?;
            // Give the client a moment to answer with its close_notify.
            tls.transport().set_read_timeout(Some(Duration::from_secs(2)))?;
            while tls.read(&mut buf).map(|n| n > 0).unwrap_or(false) {}
            report_events(&mut tls);
            return Ok(());
        }
    }
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
    let chain_der = pem::read_certs(&args.cert)?;
    let chain: Vec<&[u8]> = chain_der.iter().map(Vec::as_slice).collect();
    let (_, key_der) = pem::read_private_key(&args.key)?;
    let key = SigningKey::from_der(&key_der).map_err(|e| format!("{}: {e}", args.key.display()))?;
    let mut config = ServerConfig::new(&chain, &key);
    if let Some(s) = &args.suites {
        config.cipher_suites = s;
    }

    let listener = TcpListener::bind(&args.listen)?;
    log!("listening on {}", listener.local_addr()?);
    let mut served = 0;
    while args.max_conns.is_none_or(|max| served < max) {
        let (sock, peer) = listener.accept()?;
        served += 1;
        log!("event: connection from {peer}");
        // One bad connection does not stop the server.
        if let Err(e) = serve(&config, sock, args.http) {
            log!("error: {e}");
        }
    }
    Ok(())
}

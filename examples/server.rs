//! A TLS 1.2 server over TCP: an echo server by default, or a tiny HTTP
//! server. Connections are served concurrently, one thread each.
//!
//! ```sh
//! cargo run --features std --example server -- --listen 127.0.0.1:8443 \
//!     --cert vectors/pki/ecdsa-server-chain.pem --key vectors/pki/ecdsa-server.key.pem
//! openssl s_client -connect 127.0.0.1:8443 -CAfile vectors/pki/ecdsa-ca.pem
//! ```
//!
//! Options:
//! - `--cert CHAIN.pem --key KEY.pem`, repeatable: the first pair is the
//!   default credential, the others are offered when they fit the client
//!   better (its server_name, or the key types its suites allow: e.g. an
//!   ECDSA and an RSA certificate side by side);
//! - `--suites LIST` (comma-separated OpenSSL or IANA names);
//! - `--require-ems`: refuse clients without extended master secret
//!   (RFC 7627); by default they get a full handshake, and their sessions
//!   are never resumed;
//! - `--http`: answer each request with a small page, then close;
//! - `--max-conns N`: exit after N connections;
//! - sessions: resumption by session ID from an in-memory store and by
//!   session tickets (a random key made at start, lifetime 2 hours) are both
//!   on; `--no-cache` turns the store off, `--no-tickets` the tickets;
//! - `--ca CA.pem --client-auth none|request|require`: ask clients for a
//!   certificate issued by CA (`request`: a client without one goes on;
//!   `require`: it is refused). The subject of a client's certificate is
//!   logged;
//! - `--alpn LIST`: the application protocols to agree to, in preference
//!   order (comma-separated, e.g. `h2,http/1.1`); a client that offers ALPN
//!   but none of them is refused (`no_application_protocol`);
//! - `--showcerts`: print a client's certificate chain as PEM on stdout;
//! - `--keylogfile FILE`: append each handshake's master secret to FILE in
//!   the NSS key log format (for Wireshark); without it, the file
//!   `SSLKEYLOGFILE` names. Anyone with the file can read the traffic:
//!   debugging only.
//!
//! The echo server answers a line `**REHANDSHAKE**` from the client with a
//! renegotiation request (HelloRequest) instead of echoing it, like
//! `gnutls-serv --echo`. A stdin line that is exactly `R` sends a
//! HelloRequest to the current client; other stdin lines are sent to it (as
//! with `s_server`). When started in the background from a shell, give it
//! `< /dev/null` so that reading stdin does not stop it. Events go to stderr,
//! one line each.

#[macro_use]
mod common;

use common::*;
use getrandom::SysRng;
use rand_core::{Rng, UnwrapErr};
use sansio_tls::cert::{WebPkiClientVerifier, trust_anchor_from_der};
use sansio_tls::config::{CertifiedKey, ClientAuth};
use sansio_tls::crypto::{HashAlg, SigningKey, certificate_subject, hash};
use sansio_tls::io::{StreamEvent, TlsStream};
use sansio_tls::session::{LruSessionStore, ServerSessions, SessionSlot, TicketKey, TicketKeys};
use sansio_tls::{CipherSuite, CloseReason, Instant, ServerConfig, ServerConnection, pem};
use std::io::{self, BufRead, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Receive buffer size: the largest record plus a handshake message of up
/// to 64 KiB being reassembled (the biggest ClientHellos seen, or a long
/// client certificate chain).
const RX_BUF: usize = sansio_tls::conn::RECOMMENDED_RECEIVE_BUFFER;

/// Transmit buffer size: one flight (our certificate chain) or records of
/// application data.
const TX_BUF: usize = sansio_tls::record::MAX_RECORD + 8192;

/// Socket reads wait at most this long, so that stdin commands are acted on
/// soon even while the client is quiet.
const POLL: Duration = Duration::from_millis(20);

/// How long a quiet client is waited for before the connection is dropped.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How many sessions the store keeps.
const STORE_SLOTS: usize = 256;

/// How long a session ticket may be used, seconds.
const TICKET_LIFETIME_SECS: u32 = 7200;

/// The line that makes the echo server ask for a renegotiation.
const REHANDSHAKE: &[u8] = b"**REHANDSHAKE**";

const USAGE: &str = "usage: server --listen ADDR --cert CHAIN.pem --key KEY.pem [--cert CHAIN.pem --key KEY.pem ...] \
                     [--suites LIST] [--require-ems] [--http] [--max-conns N] [--no-tickets] [--no-cache] \
                     [--ca CA.pem --client-auth none|request|require] [--keylogfile FILE] [--alpn LIST] [--showcerts]";

struct Args {
    listen: String,
    certs: Vec<PathBuf>,
    keys: Vec<PathBuf>,
    suites: Option<Vec<CipherSuite>>,
    require_ems: bool,
    http: bool,
    max_conns: Option<u64>,
    no_tickets: bool,
    no_cache: bool,
    ca: Option<PathBuf>,
    client_auth: ClientAuth,
    keylogfile: Option<PathBuf>,
    alpn: Vec<Vec<u8>>,
    showcerts: bool,
}

fn parse_client_auth(v: &str) -> Result<ClientAuth, String> {
    Ok(match v {
        "none" => ClientAuth::None,
        "request" => ClientAuth::Request,
        "require" => ClientAuth::Require,
        _ => return Err(format!("--client-auth must be none, request or require, not {v:?}")),
    })
}

fn parse_args() -> Result<Args, String> {
    let (mut listen, mut certs, mut keys, mut suites, mut http, mut max_conns) =
        (None, Vec::new(), Vec::new(), None, false, None);
    let (mut no_tickets, mut no_cache, mut ca, mut client_auth) = (false, false, None, ClientAuth::None);
    let (mut require_ems, mut keylogfile, mut alpn, mut showcerts) = (false, None, Vec::new(), false);
    for_each_option(USAGE, |arg, value| {
        match arg {
            "--listen" => listen = Some(value()?),
            "--cert" => certs.push(PathBuf::from(value()?)),
            "--key" => keys.push(PathBuf::from(value()?)),
            "--suites" => suites = Some(parse_suites(&value()?)?),
            "--http" => http = true,
            "--require-ems" => require_ems = true,
            "--max-conns" => max_conns = Some(value()?.parse().map_err(|e| format!("--max-conns: {e}"))?),
            "--no-tickets" => no_tickets = true,
            "--no-cache" => no_cache = true,
            "--ca" => ca = Some(PathBuf::from(value()?)),
            "--client-auth" => client_auth = parse_client_auth(&value()?)?,
            "--keylogfile" => keylogfile = Some(PathBuf::from(value()?)),
            "--alpn" => alpn = parse_alpn(&value()?)?,
            "--showcerts" => showcerts = true,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    if certs.is_empty() || certs.len() != keys.len() {
        return Err(format!("give --cert and --key in pairs, at least one\n{USAGE}"));
    }
    if client_auth != ClientAuth::None && ca.is_none() {
        return Err(format!("--client-auth request|require needs --ca\n{USAGE}"));
    }
    Ok(Args {
        listen: listen.ok_or(USAGE)?,
        certs,
        keys,
        suites,
        require_ems,
        http,
        max_conns,
        no_tickets,
        no_cache,
        ca,
        client_auth,
        keylogfile,
        alpn,
        showcerts,
    })
}

/// One DER item: (tag, contents, rest). Definite lengths up to 4 bytes.
fn der_item(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        rest = &rest[n..];
        len
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// A DER DistinguishedName as text, e.g. `O=sansio-tls test, CN=test client`.
fn dn_to_string(name: &[u8]) -> Option<String> {
    let (0x30, mut rdns, _) = der_item(name)? else { return None };
    let mut parts = Vec::new();
    while !rdns.is_empty() {
        let (0x31, mut set, rest) = der_item(rdns)? else { return None };
        rdns = rest;
        while !set.is_empty() {
            let (0x30, atv, rest) = der_item(set)? else { return None };
            set = rest;
            let (0x06, oid, value) = der_item(atv)? else { return None };
            let (_, value, _) = der_item(value)?;
            let key = match oid {
                [0x55, 0x04, 0x03] => "CN".to_owned(),
                [0x55, 0x04, 0x06] => "C".to_owned(),
                [0x55, 0x04, 0x07] => "L".to_owned(),
                [0x55, 0x04, 0x08] => "ST".to_owned(),
                [0x55, 0x04, 0x0a] => "O".to_owned(),
                [0x55, 0x04, 0x0b] => "OU".to_owned(),
                other => format!("OID#{}", hex(other)),
            };
            parts.push(format!("{key}={}", String::from_utf8_lossy(value)));
        }
    }
    Some(parts.join(", "))
}

/// Names a client's certificate: its subject and SHA-256.
fn describe_peer(chain: &[Vec<u8>]) -> String {
    let Some(ee) = chain.first() else { return "no certificate".to_owned() };
    let subject = certificate_subject(ee).ok().and_then(dn_to_string).unwrap_or_else(|| "(unreadable)".to_owned());
    format!("subject=\"{subject}\" sha256={} ({} in chain)", hex(hash(HashAlg::Sha256, ee).as_ref()), chain.len())
}

/// `--showcerts`, for every connection's thread.
static SHOW_CERTS: AtomicBool = AtomicBool::new(false);

/// A server connection over TCP, owning its buffers.
type Stream<'a> = TlsStream<ServerConnection<'a, UnwrapErr<SysRng>, Vec<u8>>, TcpStream>;

/// Prints the events the stream collected; returns how the peer closed, if it did.
fn report_events(tls: &mut Stream<'_>) -> Option<CloseReason> {
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
            StreamEvent::NewSession(_) => log!("event: new resumable session"),
            StreamEvent::StoreSession(_) => log!("event: session to store"),
            StreamEvent::SessionLookup(_) => log!("event: session lookup"),
            StreamEvent::RenegotiationRequested => log!("event: renegotiation requested"),
            StreamEvent::PeerCertificates(chain) => {
                log!("event: client certificate {}", describe_peer(&chain));
                if SHOW_CERTS.load(Ordering::Relaxed) {
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
    closed
}

/// Whether `buf` holds a whole HTTP request head (up to the blank line).
fn request_complete(buf: &[u8]) -> bool {
    buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.windows(2).any(|w| w == b"\n\n")
}

/// Strips a line ending.
fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Splits the echoed stream into what to echo and `**REHANDSHAKE**` lines.
/// Bytes are echoed as they come, except the start of a line that may still
/// become `**REHANDSHAKE**`, which is held until it cannot.
#[derive(Default)]
struct EchoFilter {
    held: Vec<u8>,
    mid_line: bool,
}

impl EchoFilter {
    /// Returns the bytes to echo and how many rehandshake lines arrived.
    fn feed(&mut self, data: &[u8]) -> (Vec<u8>, usize) {
        let (mut echo, mut rehandshakes) = (Vec::new(), 0);
        for &b in data {
            if self.mid_line {
                echo.push(b);
                self.mid_line = b != b'\n';
                continue;
            }
            self.held.push(b);
            if b == b'\n' {
                if trim_eol(&self.held) == REHANDSHAKE {
                    rehandshakes += 1;
                } else {
                    echo.extend_from_slice(&self.held);
                }
                self.held.clear();
            } else if !(REHANDSHAKE.starts_with(&self.held) || self.held.strip_suffix(b"\r") == Some(REHANDSHAKE)) {
                echo.append(&mut self.held);
                self.mid_line = true;
            }
        }
        (echo, rehandshakes)
    }
}

/// Sends a HelloRequest, saying what happened.
fn request_renegotiation(tls: &mut Stream<'_>) -> io::Result<()> {
    match tls.connection().request_renegotiation(Instant::now(), None) {
        Ok(()) => {
            log!("event: sent HelloRequest");
            tls.flush_transmit()
        }
        Err(e) => {
            log!("event: cannot request renegotiation: {e}");
            Ok(())
        }
    }
}

/// Serves one connection to its end.
fn serve(config: &ServerConfig<'_>, sock: TcpStream, http: bool, commands: &Receiver<Vec<u8>>) -> io::Result<()> {
    sock.set_read_timeout(Some(POLL))?;
    let (rx, tx) = (vec![0; RX_BUF], vec![0; TX_BUF]);
    let conn = ServerConnection::new(config, rx, tx, UnwrapErr(SysRng), Instant::now()).map_err(io::Error::other)?;
    let mut tls = TlsStream::new(conn, sock);

    // The handshake. `pump` also checks the handshake timeout (30 s).
    while tls.connection().is_handshaking() {
        let more = match tls.pump() {
            Ok(more) => more,
            Err(e) if is_timeout(&e) => true,
            Err(e) => {
                report_events(&mut tls);
                return Err(e);
            }
        };
        let closed = report_events(&mut tls);
        if tls.connection().handshake_info().is_none() && (closed.is_some() || !more) {
            return Err(io::Error::other("connection closed during the handshake"));
        }
        if closed.is_some() {
            // The client closed right after the handshake (e.g. `s_client
            // -reconnect`).
            return Ok(());
        }
    }

    let mut request = Vec::new();
    let mut filter = EchoFilter::default();
    let mut buf = vec![0; 16 * 1024];
    let mut last_activity = std::time::Instant::now();
    loop {
        for line in commands.try_iter() {
            if trim_eol(&line) == b"R" {
                request_renegotiation(&mut tls)?;
            } else {
                tls.write_all(&line)?;
            }
        }
        let n = match tls.read(&mut buf) {
            Ok(n) => n,
            Err(e) if is_timeout(&e) => {
                if report_events(&mut tls).is_some() {
                    return Ok(());
                }
                if last_activity.elapsed() >= IDLE_TIMEOUT {
                    return Err(io::Error::other("client idle for too long"));
                }
                continue;
            }
            Err(e) => {
                report_events(&mut tls);
                return Err(e);
            }
        };
        last_activity = std::time::Instant::now();
        if n > 0 {
            log!("event: data {n} bytes");
        }
        let closed = report_events(&mut tls);
        if n == 0 {
            if closed.is_none() {
                log!("event: closed truncated");
            }
            return Ok(());
        }
        if closed.is_some() {
            // The client's close_notify came with its data and ours has
            // answered it: nothing more can be sent.
            return Ok(());
        }
        if !http {
            let (echo, rehandshakes) = filter.feed(&buf[..n]);
            tls.write_all(&echo)?;
            for _ in 0..rehandshakes {
                log!("event: client asks for a rehandshake");
                request_renegotiation(&mut tls)?;
            }
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
            let deadline = std::time::Instant::now() + Duration::from_secs(2);
            while std::time::Instant::now() < deadline {
                match tls.read(&mut buf) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) if is_timeout(&e) => {}
                    Err(_) => break,
                }
            }
            report_events(&mut tls);
            return Ok(());
        }
    }
}

fn main() -> ExitCode {
    common::main_with(parse_args, run)
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    // The credentials: the first is the default, the others go to
    // `more_certs`.
    let mut chains_der = Vec::new();
    let mut keys = Vec::new();
    for (cert, key) in args.certs.iter().zip(&args.keys) {
        chains_der.push(pem::read_certs(cert).map_err(|e| format!("{}: {e}", cert.display()))?);
        let (_, key_der) = pem::read_private_key(key).map_err(|e| format!("{}: {e}", key.display()))?;
        keys.push(SigningKey::from_der(&key_der).map_err(|e| format!("{}: {e}", key.display()))?);
    }
    let chains: Vec<Vec<&[u8]>> = chains_der.iter().map(|c| c.iter().map(Vec::as_slice).collect()).collect();
    let creds = chains
        .iter()
        .zip(&keys)
        .zip(&args.certs)
        .map(|((chain, key), path)| {
            CertifiedKey::new(chain, key).map_err(|e| format!("{}: does not go with its key: {e}", path.display()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut config = ServerConfig::new(&chains[0], &keys[0]);
    config.more_certs = (&creds[1..]).into();
    config.require_extended_master_secret = args.require_ems;
    let key_log = key_log(args.keylogfile.as_deref())?;
    if let Some(log) = &key_log {
        log!("event: logging keys (anyone with the file can decrypt this traffic)");
        config.key_log = Some(log);
    }
    if let Some(s) = &args.suites {
        config.cipher_suites = s;
    }

    // Sessions: a store for resumption by ID, and tickets sealed with a key
    // made now (so they do not outlive this process).
    let mut slots = vec![SessionSlot::EMPTY; STORE_SLOTS];
    let store = LruSessionStore::new(&mut slots);
    if !args.no_cache {
        config.sessions = ServerSessions::Store(&store);
    }
    let mut ticket_key = TicketKey { name: [0; 16], key: [0; 32] };
    UnwrapErr(SysRng).fill_bytes(&mut ticket_key.name);
    UnwrapErr(SysRng).fill_bytes(&mut ticket_key.key);
    if !args.no_tickets {
        config.ticket_keys =
            Some(TicketKeys { current: &ticket_key, previous: &[], lifetime_secs: TICKET_LIFETIME_SECS });
    }

    // Client authentication.
    let ca_der = match &args.ca {
        Some(path) => pem::read_certs(path).map_err(|e| format!("{}: {e}", path.display()))?,
        None => Vec::new(),
    };
    let roots = ca_der.iter().map(|der| trust_anchor_from_der(der)).collect::<Result<Vec<_>, _>>()?;
    let client_verifier = WebPkiClientVerifier::new(&roots);
    let ca_names = ca_der.iter().map(|der| certificate_subject(der)).collect::<Result<Vec<_>, _>>()?;
    if args.ca.is_some() {
        config.client_auth = args.client_auth;
        config.client_verifier = Some(&client_verifier);
        config.client_auth_cas = (&ca_names).into();
    }

    SHOW_CERTS.store(args.showcerts, Ordering::Relaxed);
    let alpn: Vec<&[u8]> = args.alpn.iter().map(Vec::as_slice).collect();
    config.alpn_protocols = (&alpn).into();

    // stdin is read on its own thread; each line goes to the newest
    // connection (commands typed while none is open are dropped).
    let newest: Arc<Mutex<Option<mpsc::Sender<Vec<u8>>>>> = Arc::default();
    let stdin_target = Arc::clone(&newest);
    std::thread::spawn(move || {
        let mut stdin = io::stdin().lock();
        loop {
            let mut line = Vec::new();
            match stdin.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if let Some(tx) = stdin_target.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
                        let _ = tx.send(line);
                    }
                }
            }
        }
    });

    let listener = TcpListener::bind(&args.listen)?;
    log!("listening on {}", listener.local_addr()?);
    // One thread per connection: an idle client does not hold up the others.
    std::thread::scope(|threads| {
        let mut served = 0;
        while args.max_conns.is_none_or(|max| served < max) {
            let (sock, peer) = listener.accept()?;
            served += 1;
            log!("event: connection from {peer}");
            let (tx, commands) = mpsc::channel::<Vec<u8>>();
            *newest.lock().unwrap_or_else(|e| e.into_inner()) = Some(tx);
            let config = &config;
            threads.spawn(move || {
                // One bad connection does not stop the server.
                if let Err(e) = serve(config, sock, args.http, &commands) {
                    log!("error: {e}");
                }
            });
        }
        Ok(())
    })
}

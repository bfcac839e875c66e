//! An echo server on a mio poll loop: the pattern for any event loop.
//!
//! ```sh
//! cargo run --features std --example mio_server -- --listen 127.0.0.1:8443 \
//!     --cert vectors/pki/ecdsa-server-chain.pem --key vectors/pki/ecdsa-server.key.pem
//! openssl s_client -connect 127.0.0.1:8443 -CAfile vectors/pki/ecdsa-ca.pem
//! ```
//!
//! The pattern, for mio or any other readiness-based loop (epoll, kqueue, a
//! game loop, an RTOS's socket select):
//!
//! 1. Keep each connection in a map by its token, as a plain value: a
//!    [`ServerConnection`] over owned buffers (`Vec<u8>` here) borrowing one
//!    config. No `unsafe`, no self-referential crate: the connection owns
//!    its buffers, the config outlives the map.
//! 2. When a socket is readable, read into the connection's
//!    [`receive_window`](sansio_tls::Connection::receive_window) until the
//!    socket would block, committing each read, then drain
//!    [`poll_event`](sansio_tls::Connection::poll_event) (here: echo the data
//!    back with `send`).
//! 3. Then write [`transmit_pending`](sansio_tls::Connection::transmit_pending)
//!    until the socket would block; if bytes remain, ask for writable
//!    readiness and finish on the next event.
//! 4. Sleep in `poll` no longer than the earliest
//!    [`poll_timeout`](sansio_tls::Connection::poll_timeout) of all
//!    connections, then call `handle_timeout`: the handshake timeout needs
//!    no timer thread.
//! 5. A connection that failed or closed (and has sent everything) is
//!    removed from the map; its buffers could go to a pool
//!    ([`into_parts`](sansio_tls::Connection::into_parts)).
//!
//! Options: `--listen ADDR --cert CHAIN.pem --key KEY.pem [--max-conns N]`
//! (exit once N connections have ended).

#[macro_use]
mod common;

use common::for_each_option;
use getrandom::SysRng;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use rand_core::UnwrapErr;
use sansio_tls::crypto::SigningKey;
use sansio_tls::{Event, Instant, ServerConfig, ServerConnection, pem};
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: mio_server --listen ADDR --cert CHAIN.pem --key KEY.pem [--max-conns N]";

/// The listening socket's token; connections get the ones after it.
const LISTENER: Token = Token(0);

struct Args {
    listen: String,
    cert: PathBuf,
    key: PathBuf,
    max_conns: Option<u64>,
}

fn parse_args() -> Result<Args, String> {
    let (mut listen, mut cert, mut key, mut max_conns) = (None, None, None, None);
    for_each_option(USAGE, |arg, value| {
        match arg {
            "--listen" => listen = Some(value()?),
            "--cert" => cert = Some(PathBuf::from(value()?)),
            "--key" => key = Some(PathBuf::from(value()?)),
            "--max-conns" => max_conns = Some(value()?.parse().map_err(|e| format!("--max-conns: {e}"))?),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(Args { listen: listen.ok_or(USAGE)?, cert: cert.ok_or(USAGE)?, key: key.ok_or(USAGE)?, max_conns })
}

/// One client: its socket and its TLS connection, owning its buffers.
struct Client<'c> {
    sock: TcpStream,
    tls: ServerConnection<'c, UnwrapErr<SysRng>, Vec<u8>>,
    /// Writable readiness was asked for (bytes are waiting to go out).
    wants_write: bool,
}

impl Client<'_> {
    /// Reads what the socket has, handles the events, writes what is
    /// pending. Returns false when the connection is over.
    fn ready(&mut self, token: Token, registry: &mio::Registry) -> io::Result<bool> {
        let mut eof = false;
        loop {
            let window = self.tls.receive_window();
            if window.is_empty() {
                break;
            }
            match self.sock.read(window) {
                Ok(0) => {
                    eof = true;
                    self.tls.receive_eof();
                    break;
                }
                Ok(n) => {
                    self.tls.receive_commit(n);
                    self.handle_events()?;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.handle_events()?;
        self.flush(token, registry)?;
        let done = (eof || self.tls.is_closed()) && self.tls.transmit_pending().is_empty();
        Ok(!done)
    }

    /// Echoes data back; logs the rest. A fatal error has queued its alert.
    fn handle_events(&mut self) -> io::Result<()> {
        loop {
            let mut echo = Vec::new();
            match self.tls.poll_event(Instant::now()) {
                Ok(None) => return Ok(()),
                Ok(Some(Event::Data(d))) => echo.extend_from_slice(d),
                Ok(Some(Event::HandshakeDone(info))) => log!("event: handshake done suite={:?}", info.suite),
                Ok(Some(Event::Closed(reason))) => log!("event: closed {reason:?}"),
                Ok(Some(_)) => {}
                Err(e) => {
                    log!("error: {e}");
                    return Ok(());
                }
            }
            if !echo.is_empty() {
                let mut rest = &echo[..];
                while !rest.is_empty() {
                    let n = self.tls.send(rest).map_err(io::Error::other)?;
                    rest = &rest[n..];
                    if n == 0 {
                        // The transmit buffer is full: the socket must take
                        // some first. (A real server would stop reading.)
                        break;
                    }
                }
            }
        }
    }

    /// Writes pending bytes until the socket would block; asks for
    /// writable readiness while some remain.
    fn flush(&mut self, token: Token, registry: &mio::Registry) -> io::Result<()> {
        while !self.tls.transmit_pending().is_empty() {
            match self.sock.write(self.tls.transmit_pending()) {
                Ok(n) => self.tls.transmit_done(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let wants_write = !self.tls.transmit_pending().is_empty();
        if wants_write != self.wants_write {
            let interest = if wants_write { Interest::READABLE | Interest::WRITABLE } else { Interest::READABLE };
            registry.reregister(&mut self.sock, token, interest)?;
            self.wants_write = wants_write;
        }
        Ok(())
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let chain_der = pem::read_certs(&args.cert)?;
    let (_, key_der) = pem::read_private_key(&args.key)?;
    let key = SigningKey::from_der(&key_der).map_err(|e| format!("{}: {e}", args.key.display()))?;
    let chain: Vec<&[u8]> = chain_der.iter().map(Vec::as_slice).collect();
    // Built once; every connection in the map borrows it.
    let config = ServerConfig::new(&chain, &key);

    let mut poll = Poll::new()?;
    let mut listener = TcpListener::bind(args.listen.parse()?)?;
    poll.registry().register(&mut listener, LISTENER, Interest::READABLE)?;
    log!("listening on {}", listener.local_addr()?);
    let mut clients: HashMap<Token, Client<'_>> = HashMap::new();
    let (mut next_token, mut ended) = (1, 0u64);
    let mut events = Events::with_capacity(256);
    while args.max_conns.is_none_or(|max| ended < max) {
        // Sleep until a socket is ready or the earliest handshake deadline.
        let now = Instant::now();
        let deadline = clients.values().filter_map(|c| c.tls.poll_timeout()).min();
        let timeout = deadline.map(|d| Duration::from_millis(d.as_millis().saturating_sub(now.as_millis())));
        poll.poll(&mut events, timeout)?;
        let mut over = Vec::new();
        for event in &events {
            if event.token() == LISTENER {
                loop {
                    match listener.accept() {
                        Ok((mut sock, peer)) => {
                            let token = Token(next_token);
                            next_token += 1;
                            poll.registry().register(&mut sock, token, Interest::READABLE)?;
                            let (rx, tx) = (vec![0; sansio_tls::conn::RECOMMENDED_RECEIVE_BUFFER], vec![0; 32 * 1024]);
                            let tls = ServerConnection::new(&config, rx, tx, UnwrapErr(SysRng), Instant::now())?;
                            clients.insert(token, Client { sock, tls, wants_write: false });
                            log!("event: connection from {peer} (token {})", token.0);
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) => return Err(e.into()),
                    }
                }
                continue;
            }
            let token = event.token();
            let Some(client) = clients.get_mut(&token) else { continue };
            match client.ready(token, poll.registry()) {
                Ok(true) => {}
                Ok(false) => over.push(token),
                Err(e) => {
                    log!("error: {e}");
                    over.push(token);
                }
            }
        }
        // Handshake deadlines: a timed-out connection sends its alert.
        let now = Instant::now();
        for (token, client) in &mut clients {
            if client.tls.poll_timeout().is_some_and(|d| now >= d) {
                if let Err(e) = client.tls.handle_timeout(now) {
                    log!("error: {e}");
                }
                let _ = client.flush(*token, poll.registry());
                over.push(*token);
            }
        }
        for token in over {
            if let Some(mut client) = clients.remove(&token) {
                let _ = poll.registry().deregister(&mut client.sock);
                ended += 1;
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    common::main_with(parse_args, run)
}

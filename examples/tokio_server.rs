//! A TLS 1.2 server on tokio: one task per connection, any number at once.
//! An echo server by default; `--http` answers each request with a small
//! page. One line per connection on stderr (peer, suite, SNI, ALPN,
//! resumed).
//!
//! ```sh
//! cargo run --features tokio --example tokio_server -- --listen 127.0.0.1:8443 \
//!     --cert vectors/pki/ecdsa-server-chain.pem --key vectors/pki/ecdsa-server.key.pem [--http] [--alpn h2,http/1.1]
//! # then, from another shell:
//! cargo run --features tokio --example tokio_client -- --connect 127.0.0.1:8443 --servername localhost
//! openssl s_client -connect 127.0.0.1:8443 -CAfile vectors/pki/ecdsa-ca.pem -servername localhost
//! curl --cacert vectors/pki/ecdsa-ca.pem --resolve localhost:8443:127.0.0.1 https://localhost:8443/   # --http
//! ```
//!
//! The tokio part is three lines: `TlsAcceptor::from(config)`, then per
//! connection `acceptor.accept(tcp).await` and plain `AsyncRead` /
//! `AsyncWrite` on the stream. Sessions are resumed from an in-memory store.

#[macro_use]
mod common;

use common::for_each_option;
use sansio_tls::config::{OwnedCertifiedKey, OwnedServerConfig, OwnedServerSessions};
use sansio_tls::session::LruSessionStore;
use sansio_tls::suites;
use sansio_tls::tokio::TlsAcceptor;
use std::error::Error;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const USAGE: &str = "usage: tokio_server --listen ADDR --cert CHAIN.pem --key KEY.pem [--http] [--alpn LIST]";

/// How many sessions the store keeps.
const STORE_SLOTS: usize = 1024;

struct Args {
    listen: String,
    cert: PathBuf,
    key: PathBuf,
    http: bool,
    alpn: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let (mut listen, mut cert, mut key, mut http, mut alpn) = (None, None, None, false, Vec::new());
    for_each_option(USAGE, |arg, value| {
        match arg {
            "--listen" => listen = Some(value()?),
            "--cert" => cert = Some(PathBuf::from(value()?)),
            "--key" => key = Some(PathBuf::from(value()?)),
            "--http" => http = true,
            "--alpn" => alpn = value()?.split(',').map(str::to_owned).collect(),
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    match (listen, cert, key) {
        (Some(listen), Some(cert), Some(key)) => Ok(Args { listen, cert, key, http, alpn }),
        _ => Err(USAGE.to_owned()),
    }
}

/// The config, built once at run time: it owns its chain, key, ALPN list
/// and session store (no `'static` data, nothing leaked; a server that
/// reloads its certificate builds a new one and a new acceptor).
fn load_config(args: &Args) -> Result<Arc<OwnedServerConfig>, Box<dyn Error>> {
    let mut config = OwnedServerConfig::new(OwnedCertifiedKey::from_pem_files(&args.cert, &args.key)?);
    config.alpn_protocols = args.alpn.iter().map(|p| p.clone().into_bytes()).collect();
    config.sessions = OwnedServerSessions::Store(Arc::new(LruSessionStore::with_capacity(STORE_SLOTS)));
    Ok(Arc::new(config))
}

/// Serves one connection: echo until the client's close_notify, or one
/// page for one request.
async fn serve(acceptor: TlsAcceptor, tcp: TcpStream, peer: SocketAddr, http: bool) -> std::io::Result<()> {
    let mut tls = acceptor.accept(tcp).await?;
    let info = tls.handshake_info().expect("a finished handshake");
    log!(
        "{peer}: suite={} sni={} alpn={} resumed={}",
        suites::suite_name(info.suite).unwrap_or("?"),
        tls.server_name().unwrap_or("-"),
        tls.alpn_protocol().map_or("-".into(), String::from_utf8_lossy),
        info.resumed
    );
    if !http {
        let (mut from_client, mut to_client) = tokio::io::split(tls);
        tokio::io::copy(&mut from_client, &mut to_client).await?;
        return to_client.shutdown().await;
    }
    let mut request = Vec::new();
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let mut buf = [0; 4096];
        let n = tls.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        request.extend_from_slice(&buf[..n]);
    }
    let body = "Hello from sansio-tls on tokio.\n";
    let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    tls.write_all(format!("{head}{body}").as_bytes()).await?;
    tls.shutdown().await
}

async fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let acceptor = TlsAcceptor::from(load_config(args)?);
    let listener = TcpListener::bind(&args.listen).await?;
    log!("listening on {}", listener.local_addr()?);
    loop {
        let (tcp, peer) = listener.accept().await?;
        let acceptor = acceptor.clone();
        let http = args.http;
        tokio::spawn(async move {
            if let Err(e) = serve(acceptor, tcp, peer, http).await {
                log!("{peer}: {e}");
            }
        });
    }
}

fn main() -> ExitCode {
    common::main_with(parse_args, |args| tokio::runtime::Runtime::new()?.block_on(run(args)))
}

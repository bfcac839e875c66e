//! A TLS 1.2 client on tokio: connects, sends a line (a minimal HTTP/1.0
//! request, which an echo server sends back) or, with `--stdin`, all of
//! stdin, sends close_notify and prints what comes back until the server
//! closes.
//!
//! ```sh
//! cargo run --features tokio --example tokio_server -- --listen 127.0.0.1:8443 \
//!     --cert vectors/pki/ecdsa-server-chain.pem --key vectors/pki/ecdsa-server.key.pem
//! cargo run --features tokio --example tokio_client -- --connect 127.0.0.1:8443 --servername localhost \
//!     --cafile vectors/pki/ecdsa-ca.pem [--alpn h2,http/1.1] [--stdin]
//! # or against OpenSSL:
//! openssl s_server -accept 127.0.0.1:8443 -www -cert vectors/pki/ecdsa-server-chain.pem \
//!     -key vectors/pki/ecdsa-server.key.pem
//! ```
//!
//! `--cafile` defaults to the test CA (`vectors/pki/ecdsa-ca.pem`),
//! `--servername` to the host of `--connect`. The tokio part is three
//! lines: `TlsConnector::from(config)`, `connector.connect(name, tcp)`,
//! then plain `AsyncRead` / `AsyncWrite`.

#[macro_use]
mod common;

use common::for_each_option;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::config::OwnedClientConfig;
use sansio_tls::pem;
use sansio_tls::tokio::TlsConnector;
use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const USAGE: &str =
    "usage: tokio_client --connect HOST:PORT [--servername NAME] [--cafile CA.pem] [--alpn LIST] [--stdin]";

struct Args {
    connect: String,
    servername: String,
    cafile: PathBuf,
    alpn: Vec<String>,
    stdin: bool,
}

fn parse_args() -> Result<Args, String> {
    let (mut connect, mut servername, mut cafile, mut alpn, mut stdin) = (None, None, None, Vec::new(), false);
    for_each_option(USAGE, |arg, value| {
        match arg {
            "--connect" => connect = Some(value()?),
            "--servername" => servername = Some(value()?),
            "--cafile" => cafile = Some(PathBuf::from(value()?)),
            "--alpn" => alpn = value()?.split(',').map(str::to_owned).collect(),
            "--stdin" => stdin = true,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    let connect: String = connect.ok_or(USAGE)?;
    let host = connect.rsplit_once(':').map_or(&connect[..], |(host, _)| host);
    Ok(Args {
        servername: servername.unwrap_or_else(|| host.trim_matches(['[', ']']).to_owned()),
        cafile: cafile.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors/pki/ecdsa-ca.pem")),
        connect,
        alpn,
        stdin,
    })
}

/// The config, built once at run time: it owns its trust anchors, its
/// verifier and its ALPN list (no `'static` data, nothing leaked).
fn load_config(args: &Args) -> Result<Arc<OwnedClientConfig>, Box<dyn Error>> {
    let roots = pem::read_certs(&args.cafile)?
        .iter()
        .map(|der| trust_anchor_from_der(der).map(|anchor| anchor.to_owned()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut config = OwnedClientConfig::new(Arc::new(WebPkiServerVerifier::from_roots(roots)));
    config.alpn_protocols = args.alpn.iter().map(|p| p.clone().into_bytes()).collect();
    Ok(Arc::new(config))
}

async fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let connector = TlsConnector::from(load_config(args)?);
    let tcp = tokio::net::TcpStream::connect(&args.connect).await?;
    let tls = connector.connect(&args.servername, tcp).await?;
    let info = tls.handshake_info().expect("a finished handshake");
    let alpn = tls.alpn_protocol().map_or("-".into(), String::from_utf8_lossy);
    log!("connected: {} alpn={alpn}", common::describe_handshake(&info));

    let (mut from_server, mut to_server) = tokio::io::split(tls);
    let request = format!("GET / HTTP/1.0\r\nHost: {}\r\n\r\n", args.servername);
    let stdin = args.stdin;
    let send = tokio::spawn(async move {
        if stdin {
            tokio::io::copy(&mut tokio::io::stdin(), &mut to_server).await?;
        } else {
            to_server.write_all(request.as_bytes()).await?;
        }
        // close_notify: the server answers with its own after its reply.
        to_server.shutdown().await
    });
    let mut reply = Vec::new();
    from_server.read_to_end(&mut reply).await?;
    tokio::io::stdout().write_all(&reply).await?;
    send.abort();
    Ok(())
}

fn main() -> ExitCode {
    common::main_with(parse_args, |args| tokio::runtime::Runtime::new()?.block_on(run(args)))
}

//! The tokio adapter (feature `tokio`), over TCP on 127.0.0.1: our tokio
//! client against our tokio server (handshake, echo both ways, ALPN, SNI,
//! certificates, close_notify, `tokio::spawn`); 200 `openssl s_client` and
//! `curl` peers against one tokio server, at least 100 of them connected at
//! once; a slow client that does not stall the others and gets its
//! handshake timeout; the client's handshake timeout, a truncation, a fatal
//! alert, renegotiation requests refused and accepted, and session lookups
//! answered through the acceptor.
//!
//! Every wait is bounded (`tokio::time::timeout`), every peer process is
//! killed by PID (`Child::kill`, and `kill_on_drop` when a test panics).

mod common;

use common::memory::{ECDSA_CA, ECDSA_SERVER, ECDSA_SERVER_KEY, record};
use common::peers::{pki, require_peer};
use sansio_tls::cert::{TrustAnchor, WebPkiClientVerifier, WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::config::{ClientAuth, OwnedCertifiedKey, OwnedClientConfig, OwnedServerConfig, OwnedServerSessions};
use sansio_tls::crypto::{HashAlg, SigningKey, hash};
use sansio_tls::session::Session;
use sansio_tls::tokio::{Accept, Connect, TlsAcceptor, TlsConnector, client, server};
use sansio_tls::{AlertDescription, ClientConfig, ClientParams, Error, ErrorKind};
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::Command;
use tokio::task::JoinSet;
use tokio::time::timeout;

const ECDSA_CLIENT: &[u8] = include_bytes!("../vectors/pki/ecdsa-client.der");
const ECDSA_CLIENT_KEY: &[u8] = include_bytes!("../vectors/pki/ecdsa-client.key.der");

/// The bound on one wait in these tests.
const WAIT: Duration = Duration::from_secs(30);

/// The ALPN protocols our server speaks.
const ALPN: &[&[u8]] = &[b"echo/1", b"http/1.1"];

/// A fatal `user_canceled` alert record in the clear: what the handshake
/// timeout sends.
const USER_CANCELED: [u8; 7] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x5a];

/// The tests that load the machine (200 peer processes) or measure time
/// (the slow client) run one at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Our server, an owned config: the ECDSA test certificate, [`ALPN`], then
/// `adjust`.
fn server_config(adjust: impl FnOnce(&mut OwnedServerConfig)) -> Arc<OwnedServerConfig> {
    let key = Arc::new(SigningKey::from_der(ECDSA_SERVER_KEY).unwrap());
    let mut config = OwnedServerConfig::new(OwnedCertifiedKey::new(vec![ECDSA_SERVER.to_vec()], key).unwrap());
    config.alpn_protocols = ALPN.iter().map(|p| p.to_vec()).collect();
    adjust(&mut config);
    Arc::new(config)
}

/// Owned trust anchors of one CA.
fn roots(ca: &[u8]) -> Vec<TrustAnchor<'static>> {
    vec![trust_anchor_from_der(ca).unwrap().to_owned()]
}

/// Our client, an owned config: trusts the ECDSA test CA, then `adjust`.
fn client_config(adjust: impl FnOnce(&mut OwnedClientConfig)) -> Arc<OwnedClientConfig> {
    let mut config = OwnedClientConfig::new(Arc::new(WebPkiServerVerifier::from_roots(roots(ECDSA_CA))));
    adjust(&mut config);
    Arc::new(config)
}

async fn listen() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    (listener, addr)
}

/// Waits for `f` at most [`WAIT`].
async fn bounded<F: Future>(what: &str, f: F) -> F::Output {
    timeout(WAIT, f).await.unwrap_or_else(|_| panic!("{what}: no result within {WAIT:?}"))
}

/// The TLS error inside an `io::Error` from the adapter.
fn tls_error(e: &io::Error) -> Error {
    *e.get_ref().and_then(|inner| inner.downcast_ref::<Error>()).unwrap_or_else(|| panic!("no TLS error in {e:?}"))
}

/// Echoes until the peer's close_notify, then closes; returns the bytes.
async fn echo<T: AsyncRead + AsyncWrite + Unpin>(tls: &mut T) -> io::Result<usize> {
    let (mut buf, mut total) = (vec![0; 8192], 0);
    loop {
        let n = tls.read(&mut buf).await?;
        if n == 0 {
            tls.shutdown().await?;
            return Ok(total);
        }
        tls.write_all(&buf[..n]).await?;
        total += n;
    }
}

/// One echo round over a client stream: `line` out, the same back.
async fn round_trip<T: AsyncRead + AsyncWrite + Unpin>(tls: &mut T, line: &[u8]) {
    tls.write_all(line).await.unwrap();
    let mut back = vec![0; line.len()];
    tls.read_exact(&mut back).await.unwrap();
    assert_eq!(back, line);
}

// ----- Send, Unpin -------------------------------------------------------

fn is_stream<S: AsyncRead + AsyncWrite + Send + Unpin + 'static>() {}

fn is_send_future<F: Future + Send + Unpin + 'static>() {}

fn is_shared<T: Clone + Send + Sync + 'static>() {}

#[test]
fn streams_futures_connector_and_acceptor_are_send() {
    is_stream::<client::TlsStream<TcpStream>>();
    is_stream::<server::TlsStream<TcpStream>>();
    is_stream::<server::TlsStream<tokio::io::DuplexStream>>();
    is_send_future::<Connect<TcpStream>>();
    is_send_future::<Accept<TcpStream>>();
    is_shared::<TlsConnector>();
    is_shared::<TlsAcceptor>();
}

// ----- our client, our server --------------------------------------------

/// Handshake with client authentication, ALPN and SNI; 1 MiB each way
/// with the client's halves on two tasks; close_notify both ways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_and_server_echo_over_tcp() {
    let acceptor = TlsAcceptor::from(server_config(|c| {
        c.client_auth = ClientAuth::Require;
        c.client_verifier = Some(Arc::new(WebPkiClientVerifier::from_roots(roots(ECDSA_CA))));
    }));
    let client_key = Arc::new(SigningKey::from_der(ECDSA_CLIENT_KEY).unwrap());
    let cred = OwnedCertifiedKey::new(vec![ECDSA_CLIENT.to_vec()], client_key).unwrap();
    let connector = TlsConnector::from(client_config(|c| {
        c.alpn_protocols = vec![b"echo/1".to_vec()];
        c.client_certs = vec![cred];
    }));
    let (listener, addr) = listen().await;

    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut tls = acceptor.accept(tcp).await.unwrap();
        assert_eq!(tls.server_name(), Some("localhost"));
        assert_eq!(tls.alpn_protocol(), Some(&b"echo/1"[..]));
        assert_eq!(tls.peer_certificates().expect("the client's chain"), [ECDSA_CLIENT.to_vec()]);
        let info = tls.handshake_info().expect("handshake done");
        // The stream moves to another task.
        let echoed = tokio::spawn(async move { (echo(&mut tls).await.unwrap(), tls) }).await.unwrap();
        (info, echoed)
    });

    let tcp = TcpStream::connect(addr).await.unwrap();
    let tls = bounded("connect", connector.connect("localhost", tcp)).await.unwrap();
    let info = tls.handshake_info().expect("handshake done");
    assert_eq!(info.version, 0x0303);
    assert_eq!(info.suite, sansio_tls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
    assert!(info.extended_master_secret && info.secure_renegotiation && !info.resumed);
    assert_eq!(tls.alpn_protocol(), Some(&b"echo/1"[..]));
    assert_eq!(tls.peer_certificates().expect("the server's chain"), [ECDSA_SERVER.to_vec()]);
    assert_eq!(tls.handshakes(), 1);

    // Both halves of the client on their own tasks: the writer sends 1 MiB
    // and close_notify while the reader takes the echo to its end.
    let data: Vec<u8> = (0..1u32 << 20).map(|i| (i % 251) as u8).collect();
    let (mut rd, mut wr) = tokio::io::split(tls);
    let sent = data.clone();
    let writer = tokio::spawn(async move {
        wr.write_all(&sent).await.unwrap();
        wr.shutdown().await.unwrap();
        wr
    });
    let reader = tokio::spawn(async move {
        let mut got = Vec::new();
        rd.read_to_end(&mut got).await.unwrap();
        (got, rd)
    });
    let (got, rd) = bounded("echo", reader).await.unwrap();
    let wr = bounded("writer", writer).await.unwrap();
    assert!(got == data, "echo differs: {} bytes back of {}", got.len(), data.len());
    let mut tls = rd.unsplit(wr);
    // After the server's close_notify: end of stream, again and again.
    assert_eq!(tls.read(&mut [0; 16]).await.unwrap(), 0);
    assert!(tls.connection().is_closed() && tls.connection().error().is_none());

    let (server_info, (echoed, server_tls)) = bounded("server", server).await.unwrap();
    assert_eq!(echoed, data.len());
    assert_eq!(server_info.suite, info.suite);
    let client_sha256 = hash(HashAlg::Sha256, ECDSA_CLIENT);
    assert_eq!(server_info.peer_cert_sha256.as_ref().map(|h| &h[..]), Some(client_sha256.as_ref()));
    assert!(server_tls.connection().is_closed() && server_tls.connection().error().is_none());
}

/// How much each side sends in the full-duplex test.
const DUPLEX_BYTES: usize = 2 << 20;

/// Sends [`DUPLEX_BYTES`] (a pattern from `seed`) from one task while
/// another reads as much; returns what was read.
async fn send_and_receive<S: AsyncRead + AsyncWrite + Send + 'static>(tls: S, seed: u8) -> Vec<u8> {
    let (mut rd, mut wr) = tokio::io::split(tls);
    let writer = tokio::spawn(async move {
        wr.write_all(&pattern(seed)).await.unwrap();
        wr.flush().await.unwrap();
    });
    let mut got = vec![0; DUPLEX_BYTES];
    rd.read_exact(&mut got).await.unwrap();
    writer.await.unwrap();
    got
}

fn pattern(seed: u8) -> Vec<u8> {
    (0..DUPLEX_BYTES).map(|i| (i % 253) as u8 ^ seed).collect()
}

/// Both sides send 2 MiB at once, each reading on another task, over an
/// in-memory pipe of 4 KiB (any tokio transport works): reading does not
/// wait for the transport to take our writes, so neither side stalls the
/// other even when both directions are full.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_duplex_over_a_small_pipe_does_not_stall() {
    let (near, far) = tokio::io::duplex(4096);
    let acceptor = TlsAcceptor::from(server_config(|_| {}));
    let connector = TlsConnector::from(client_config(|_| {}));
    let (server, client) = tokio::join!(acceptor.accept(far), connector.connect("localhost", near));
    let (server, client) = (server.unwrap(), client.unwrap());
    let (at_server, at_client) =
        bounded("full duplex", async { tokio::join!(send_and_receive(server, 1), send_and_receive(client, 2)) }).await;
    assert!(at_server == pattern(2), "the server read other bytes");
    assert!(at_client == pattern(1), "the client read other bytes");
}

// ----- 200 peers ---------------------------------------------------------

/// What the peers' server saw.
#[derive(Default)]
struct Stats {
    /// Connections whose first answer (echo or page) was written.
    served: AtomicUsize,
    /// Connections past the handshake and not finished yet.
    established: AtomicUsize,
    /// The most of them at once.
    most_established: AtomicUsize,
    failures: Mutex<Vec<String>>,
}

/// One connection: an HTTP answer to a request starting `GET `, an echo
/// otherwise.
async fn serve_peer(acceptor: TlsAcceptor, tcp: TcpStream, stats: &Stats) -> io::Result<()> {
    let mut tls = acceptor.accept(tcp).await?;
    let now = stats.established.fetch_add(1, Ordering::SeqCst) + 1;
    stats.most_established.fetch_max(now, Ordering::SeqCst);
    let result = async {
        let mut buf = vec![0; 4096];
        let mut n = tls.read(&mut buf).await?;
        if buf[..n].starts_with(b"GET ") {
            while !buf[..n].windows(4).any(|w| w == b"\r\n\r\n") {
                let more = tls.read(&mut buf[n..]).await?;
                if more == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                n += more;
            }
            let path = String::from_utf8_lossy(&buf[4..n]).split(' ').next().unwrap_or("").to_owned();
            let body = format!("served {path}\n");
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            tls.write_all(format!("{head}{body}").as_bytes()).await?;
            stats.served.fetch_add(1, Ordering::SeqCst);
            return tls.shutdown().await;
        }
        tls.write_all(&buf[..n]).await?;
        tls.flush().await?;
        stats.served.fetch_add(1, Ordering::SeqCst);
        echo(&mut tls).await.map(drop)
    }
    .await;
    stats.established.fetch_sub(1, Ordering::SeqCst);
    result
}

/// Accepts forever, a task per connection.
async fn serve_peers(listener: TcpListener, acceptor: TlsAcceptor, stats: Arc<Stats>) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else { continue };
        let (acceptor, stats) = (acceptor.clone(), Arc::clone(&stats));
        tokio::spawn(async move {
            if let Err(e) = serve_peer(acceptor, tcp, &stats).await {
                stats.failures.lock().unwrap().push(e.to_string());
            }
        });
    }
}

/// Starting a peer process.
trait SpawnPiped {
    /// Spawns with piped stdin, stdout and stderr; killed (by PID) if the
    /// child is dropped.
    fn spawn_piped(&mut self) -> Result<tokio::process::Child, String>;
}

impl SpawnPiped for Command {
    fn spawn_piped(&mut self) -> Result<tokio::process::Child, String> {
        let piped = self.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        piped.kill_on_drop(true).spawn().map_err(|e| format!("{:?}: {e}", self.as_std().get_program()))
    }
}

/// A running `openssl s_client`, connected: its echo arrived.
struct SClient {
    child: tokio::process::Child,
    /// Held open: `s_client -quiet` stays connected until killed.
    _stdin: tokio::process::ChildStdin,
}

impl SClient {
    /// Kills the process by PID and reaps it.
    async fn kill(mut self) {
        self.child.kill().await.expect("kill s_client");
    }
}

/// Starts `openssl s_client` (TLS 1.2, verifying the server as
/// localhost), sends `ping N`, and waits for the echo.
async fn s_client(port: u16, n: usize) -> Result<SClient, String> {
    let mut child = Command::new("openssl")
        .arg("s_client")
        .args(["-connect", &format!("127.0.0.1:{port}")])
        .args(["-CAfile", pki("ecdsa-ca.pem").to_str().unwrap()])
        .args(["-servername", "localhost", "-verify_hostname", "localhost", "-verify_return_error"])
        .args(["-tls1_2", "-quiet"])
        .spawn_piped()?;
    let line = format!("ping {n}\n");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    stdin.write_all(line.as_bytes()).await.map_err(|e| format!("s_client {n} stdin: {e}"))?;
    let mut got = Vec::new();
    let echoed = timeout(WAIT, async {
        let mut chunk = [0; 256];
        while !got.ends_with(line.as_bytes()) {
            match stdout.read(&mut chunk).await {
                Ok(0) | Err(_) => return false,
                Ok(k) => got.extend_from_slice(&chunk[..k]),
            }
        }
        true
    })
    .await;
    if echoed != Ok(true) {
        let _ = child.kill().await;
        let mut err = String::new();
        let _ = child.stderr.take().unwrap().read_to_string(&mut err).await;
        return Err(format!("s_client {n}: no echo; stdout {:?}; stderr {err}", String::from_utf8_lossy(&got)));
    }
    Ok(SClient { child, _stdin: stdin })
}

/// Fetches `https://localhost:PORT/N` with curl (verifying the server)
/// and checks the page.
async fn curl(port: u16, n: usize) -> Result<(), String> {
    let mut child = Command::new("curl")
        .args(["-sS", "--max-time", "30", "--tlsv1.2", "--tls-max", "1.2"])
        .args(["--cacert", pki("ecdsa-ca.pem").to_str().unwrap()])
        .args(["--resolve", &format!("localhost:{port}:127.0.0.1")])
        .arg(format!("https://localhost:{port}/{n}"))
        .spawn_piped()?;
    drop(child.stdin.take());
    let (mut out, mut err) = (String::new(), String::new());
    let (mut stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let done = timeout(WAIT, async {
        let _ = tokio::join!(stdout.read_to_string(&mut out), stderr.read_to_string(&mut err));
        child.wait().await
    })
    .await;
    // Gone already, or killed now: by its PID either way.
    let _ = child.kill().await;
    match done {
        Ok(Ok(status)) if status.success() && out == format!("served /{n}\n") => Ok(()),
        other => Err(format!("curl {n}: {other:?}; stdout {out:?}; stderr {err}")),
    }
}

/// 200 peers against one tokio server on 127.0.0.1: first 100 `s_client`s
/// that all stay connected (the server holds 100 established connections
/// at once), then 50 more `s_client`s and 50 `curl`s at once. Every one
/// must get its echo or page, and the server must count 200 served. (About
/// 6 s on 2 cores, most of it the peers' start-up; each wait is bounded by
/// [`WAIT`].)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_openssl_and_curl_peers_are_all_served() {
    if !require_peer("openssl") || !require_peer("curl") {
        return;
    }
    let _alone = ONE_AT_A_TIME.lock().await;
    let start = Instant::now();
    let (listener, addr) = listen().await;
    let stats = Arc::new(Stats::default());
    let server = tokio::spawn(serve_peers(listener, TlsAcceptor::from(server_config(|_| {})), Arc::clone(&stats)));
    let port = addr.port();

    // Batch 1: 100 s_clients, all connected at once.
    let mut batch = JoinSet::new();
    for n in 0..100 {
        batch.spawn(s_client(port, n));
    }
    let mut connected = Vec::new();
    let mut failures = Vec::new();
    while let Some(r) = batch.join_next().await {
        match r.unwrap() {
            Ok(c) => connected.push(c),
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{} of 100 s_clients failed: {failures:#?}", failures.len());
    let at_once = stats.established.load(Ordering::SeqCst);
    assert!(at_once >= 100, "only {at_once} connections established at once");
    for c in connected {
        c.kill().await;
    }

    // Batch 2: 50 s_clients and 50 curls at once.
    let mut batch = JoinSet::new();
    for n in 100..150 {
        batch.spawn(async move {
            let connected = s_client(port, n).await?;
            connected.kill().await;
            Ok(())
        });
    }
    for n in 150..200 {
        batch.spawn(async move { curl(port, n).await });
    }
    while let Some(r) = batch.join_next().await {
        failures.extend(r.unwrap().err());
    }
    assert!(failures.is_empty(), "{} of 100 peers failed: {failures:#?}", failures.len());

    // The server side agrees: 200 served, at least 100 at once.
    let served = || stats.served.load(Ordering::SeqCst);
    assert_eq!(served(), 200, "server failures: {:?}", stats.failures.lock().unwrap());
    assert!(stats.most_established.load(Ordering::SeqCst) >= 100);
    server.abort();
    eprintln!("200 peers served in {:?}", start.elapsed());
}

// ----- slowness and time -------------------------------------------------

/// The slow clients' handshake timeout.
const SLOW_TIMEOUT: Duration = Duration::from_secs(4);

/// Two clients stall their handshakes (one sends nothing, one half a
/// ClientHello) while 20 others connect, echo and close: all 20 finish
/// before the stalled ones time out, and then each stalled one gets a
/// `user_canceled` alert and the end of the stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_does_not_stall_the_others() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let timeout_ms = SLOW_TIMEOUT.as_millis() as u64;
    let acceptor = TlsAcceptor::from(server_config(|c| c.handshake_timeout_ms = Some(timeout_ms)));
    let (listener, addr) = listen().await;
    let errors = Arc::new(Mutex::new(Vec::new()));
    let server_errors = Arc::clone(&errors);
    let server = tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            let (acceptor, errors) = (acceptor.clone(), Arc::clone(&server_errors));
            tokio::spawn(async move {
                let result = match acceptor.accept(tcp).await {
                    Ok(mut tls) => echo(&mut tls).await.map(drop),
                    Err(e) => Err(e),
                };
                if let Err(e) = result {
                    errors.lock().unwrap().push(e);
                }
            });
        }
    });

    let start = Instant::now();
    let silent = TcpStream::connect(addr).await.unwrap();
    let mut half = TcpStream::connect(addr).await.unwrap();
    let hello = record(0x16, &common::hello::client_hello(4, 0, 0));
    half.write_all(&hello[..hello.len() / 2]).await.unwrap();

    let connector = TlsConnector::from(client_config(|_| {}));
    let mut others = JoinSet::new();
    for n in 0..20 {
        let connector = connector.clone();
        others.spawn(async move {
            let tcp = TcpStream::connect(addr).await.unwrap();
            let mut tls = connector.connect("localhost", tcp).await.unwrap();
            round_trip(&mut tls, format!("client {n}\n").as_bytes()).await;
            tls.shutdown().await.unwrap();
            assert_eq!(tls.read(&mut [0; 8]).await.unwrap(), 0);
        });
    }
    while let Some(r) = bounded("the 20 clients", others.join_next()).await {
        r.unwrap();
    }
    let others_done = start.elapsed();
    assert!(others_done < SLOW_TIMEOUT, "the 20 clients took {others_done:?}");
    // The stalled ones have heard nothing yet.
    let mut probe = [0; 8];
    for slow in [&silent, &half] {
        assert_eq!(slow.try_read(&mut probe).map_err(|e| e.kind()), Err(io::ErrorKind::WouldBlock));
    }

    let mut silent_and_half = [("silent", silent), ("half a ClientHello", half)];
    for (name, slow) in &mut silent_and_half {
        let name = *name;
        let mut got = Vec::new();
        bounded(name, slow.read_to_end(&mut got)).await.unwrap();
        assert_eq!(got, USER_CANCELED, "{name}: not the user_canceled alert");
    }
    assert!(start.elapsed() >= SLOW_TIMEOUT, "timed out early: {:?}", start.elapsed());
    // The server's accept futures failed with the timeout (once their
    // drain is over).
    drop(silent_and_half);
    let both = || errors.lock().unwrap().len() == 2;
    bounded("the server's errors", async {
        while !both() {
            tokio::time::sleep(Duration::from_millis(20)).await
        }
    })
    .await;
    let errors = errors.lock().unwrap();
    let kinds: Vec<_> = errors.iter().map(|e| (e.kind(), tls_error(e).kind())).collect();
    assert_eq!(kinds, [(io::ErrorKind::TimedOut, ErrorKind::Timeout); 2]);
    server.abort();
}

/// A server that never answers: the client's handshake times out, the
/// server reads the ClientHello, the `user_canceled` alert and the end of
/// the stream (the client shut its write half down).
#[tokio::test]
async fn the_client_handshake_times_out_with_user_canceled() {
    let (listener, addr) = listen().await;
    let mute = tokio::spawn(async move {
        let (mut tcp, _) = listener.accept().await.unwrap();
        let mut got = Vec::new();
        tcp.read_to_end(&mut got).await.unwrap();
        got
    });
    let connector = TlsConnector::from(client_config(|c| c.handshake_timeout_ms = Some(300)));
    let start = Instant::now();
    let tcp = TcpStream::connect(addr).await.unwrap();
    let err = bounded("connect", connector.connect("localhost", tcp)).await.unwrap_err();
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(err.kind(), io::ErrorKind::TimedOut, "{err}");
    assert_eq!(tls_error(&err).kind(), ErrorKind::Timeout);
    let got = bounded("mute server", mute).await.unwrap();
    assert_eq!(got[0], 0x16, "a ClientHello first");
    assert!(got.ends_with(&USER_CANCELED), "then user_canceled: {got:02x?}");
}

/// The server's transport ends after its data, without close_notify: the
/// client reads the data, then `UnexpectedEof`.
#[tokio::test]
async fn a_transport_end_without_close_notify_is_unexpected_eof() {
    let acceptor = TlsAcceptor::from(server_config(|_| {}));
    let (listener, addr) = listen().await;
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut tls = acceptor.accept(tcp).await.unwrap();
        tls.write_all(b"last words").await.unwrap();
        tls.flush().await.unwrap();
        let (mut tcp, _) = tls.into_inner();
        tcp.shutdown().await.unwrap();
    });
    let connector = TlsConnector::from(client_config(|_| {}));
    let mut tls = connector.connect("localhost", TcpStream::connect(addr).await.unwrap()).await.unwrap();
    let mut got = [0; 10];
    tls.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"last words");
    let err = bounded("read", tls.read(&mut [0; 8])).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{err}");
    assert!(!tls.connection().is_established());
    server.await.unwrap();
}

/// A client that does not trust the server: its connect fails with
/// `unknown_ca` (`InvalidData`), and the server's accept with that alert
/// received (`ConnectionAborted`): the alert was sent and flushed.
#[tokio::test]
async fn a_fatal_error_sends_its_alert() {
    let acceptor = TlsAcceptor::from(server_config(|_| {}));
    let (listener, addr) = listen().await;
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        acceptor.accept(tcp).await.map(drop)
    });
    // A config over `'static` data works as well as an owned one.
    static OTHER_CA: std::sync::LazyLock<[TrustAnchor<'static>; 1]> =
        std::sync::LazyLock::new(|| [trust_anchor_from_der(include_bytes!("../vectors/pki/rsa-ca.der")).unwrap()]);
    static VERIFIER: std::sync::LazyLock<WebPkiServerVerifier<'static>> =
        std::sync::LazyLock::new(|| WebPkiServerVerifier::new(&*OTHER_CA));
    let connector = TlsConnector::from(Arc::new(ClientConfig::new(&*VERIFIER)));
    let err = connector.connect("localhost", TcpStream::connect(addr).await.unwrap()).await.unwrap_err();
    assert_eq!((err.kind(), tls_error(&err).kind()), (io::ErrorKind::InvalidData, ErrorKind::UnknownCa), "{err}");
    let err = bounded("server", server).await.unwrap().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionAborted, "{err}");
    assert_eq!(tls_error(&err).kind(), ErrorKind::AlertReceived(AlertDescription::UnknownCa));
}

// ----- renegotiation -----------------------------------------------------

/// The server asks for a renegotiation; then they talk in turns (`ping`,
/// `pong`, `mid`, `after`, `end`), which carries a renegotiation to its end
/// if the client starts one when it reads `ping`; both close. Returns both
/// streams at the end.
async fn renegotiation_requested(renegotiate: bool) -> (server::TlsStream<TcpStream>, client::TlsStream<TcpStream>) {
    async fn say<T: AsyncRead + AsyncWrite + Unpin>(tls: &mut T, line: &[u8]) {
        tls.write_all(line).await.unwrap();
        tls.flush().await.unwrap();
    }
    async fn hear<T: AsyncRead + AsyncWrite + Unpin>(tls: &mut T, line: &[u8]) {
        let mut got = vec![0; line.len()];
        bounded("hear", tls.read_exact(&mut got)).await.unwrap();
        assert_eq!(got, line);
    }
    let acceptor = TlsAcceptor::from(server_config(|_| {}));
    let (listener, addr) = listen().await;
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut tls = acceptor.accept(tcp).await.unwrap();
        tls.request_renegotiation(Some(Duration::from_secs(10))).unwrap();
        say(&mut tls, b"ping").await;
        hear(&mut tls, b"pong").await;
        say(&mut tls, b"mid").await;
        hear(&mut tls, b"after").await;
        say(&mut tls, b"end").await;
        assert_eq!(echo(&mut tls).await.unwrap(), 0);
        tls
    });
    let connector = TlsConnector::from(client_config(|_| {})).renegotiate_on_request(renegotiate);
    let mut tls = connector.connect("localhost", TcpStream::connect(addr).await.unwrap()).await.unwrap();
    hear(&mut tls, b"ping").await;
    say(&mut tls, b"pong").await;
    hear(&mut tls, b"mid").await;
    say(&mut tls, b"after").await;
    hear(&mut tls, b"end").await;
    tls.shutdown().await.unwrap();
    assert_eq!(bounded("client end", tls.read(&mut [0; 8])).await.unwrap(), 0);
    (bounded("server", server).await.unwrap(), tls)
}

/// By default the client refuses a HelloRequest with a `no_renegotiation`
/// warning; the connection goes on with its first handshake.
#[tokio::test]
async fn the_client_refuses_a_hello_request_by_default() {
    let (server, client) = renegotiation_requested(false).await;
    assert_eq!(server.last_alert(), Some(AlertDescription::NoRenegotiation));
    assert_eq!((server.handshakes(), client.handshakes()), (1, 1));
    assert_eq!(server.connection().error(), None);
}

/// With `renegotiate_on_request(true)` the client renegotiates; both
/// sides count two handshakes.
#[tokio::test]
async fn the_client_renegotiates_on_request_when_configured() {
    let (server, client) = renegotiation_requested(true).await;
    assert_eq!(server.last_alert(), None);
    assert_eq!((server.handshakes(), client.handshakes()), (2, 2));
    assert!(client.handshake_info().unwrap().secure_renegotiation);
    assert_eq!(client.connection().error(), None);
}

// ----- sessions ----------------------------------------------------------

/// `ServerSessions::Events`: the acceptor's store keeps the session of the
/// first connection, its lookup finds it for the second, which resumes.
#[tokio::test]
async fn session_lookups_are_answered_through_the_acceptor() {
    let sessions: Arc<Mutex<HashMap<Vec<u8>, Session>>> = Arc::default();
    let (stored, found) = (Arc::clone(&sessions), Arc::clone(&sessions));
    let lookups = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&lookups);
    let acceptor = TlsAcceptor::from(server_config(|c| c.sessions = OwnedServerSessions::Events))
        .with_session_store(move |s| {
            stored.lock().unwrap().insert(s.id().to_vec(), s.clone());
        })
        .with_session_lookup(move |id| {
            counted.fetch_add(1, Ordering::SeqCst);
            found.lock().unwrap().get(id).cloned()
        });
    let (listener, addr) = listen().await;
    let server = tokio::spawn(async move {
        let mut resumed = Vec::new();
        for _ in 0..2 {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut tls = acceptor.accept(tcp).await.unwrap();
            resumed.push(tls.handshake_info().unwrap().resumed);
            echo(&mut tls).await.unwrap();
        }
        resumed
    });
    let connector = TlsConnector::from(client_config(|c| c.session_tickets = false));
    let mut first = connector.connect("localhost", TcpStream::connect(addr).await.unwrap()).await.unwrap();
    round_trip(&mut first, b"first").await;
    first.shutdown().await.unwrap();
    assert_eq!(first.read(&mut [0; 8]).await.unwrap(), 0);
    let session = first.connection().client_session().expect("a resumable session").clone();
    assert_eq!(sessions.lock().unwrap().len(), 1);

    let params = ClientParams { session: Some(&session), ..ClientParams::new("localhost") };
    let mut second = connector.connect_with(params, TcpStream::connect(addr).await.unwrap()).await.unwrap();
    assert!(second.handshake_info().unwrap().resumed);
    round_trip(&mut second, b"second").await;
    second.shutdown().await.unwrap();
    assert_eq!(second.read(&mut [0; 8]).await.unwrap(), 0);
    assert_eq!(bounded("server", server).await.unwrap(), [false, true]);
    assert_eq!(lookups.load(Ordering::SeqCst), 1);
    assert_eq!(second.connection().error(), None);
}

/// The acceptor, the connector and their streams share owned configs; once
/// all of them are gone (the streams on tasks of their own), the configs
/// are freed: a server can swap configs without leaking the old one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owned_configs_go_with_the_last_stream() {
    let (server_config, client_config) = (server_config(|_| {}), client_config(|_| {}));
    let (ws, wc) = (Arc::downgrade(&server_config), Arc::downgrade(&client_config));
    let (acceptor, connector) = (TlsAcceptor::from(server_config), TlsConnector::from(client_config));
    let (near, far) = tokio::io::duplex(64 * 1024);
    let (server, client) = tokio::join!(acceptor.accept(far), connector.connect("localhost", near));
    let (mut server, mut client) = (server.unwrap(), client.unwrap());
    drop((acceptor, connector));
    assert!(ws.upgrade().is_some() && wc.upgrade().is_some(), "the streams hold the configs");
    let echo = tokio::spawn(async move {
        let mut word = [0; 4];
        server.read_exact(&mut word).await.unwrap();
        server.write_all(&word).await.unwrap();
        server.shutdown().await.unwrap();
    });
    client.write_all(b"ping").await.unwrap();
    let mut back = Vec::new();
    bounded("echo", client.read_to_end(&mut back)).await.unwrap();
    assert_eq!(back, b"ping");
    bounded("server task", echo).await.unwrap();
    assert!(ws.upgrade().is_none(), "the server config went with the server stream");
    drop(client);
    assert!(wc.upgrade().is_none(), "the client config went with the client stream");
}

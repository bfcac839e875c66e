//! The key log (issue 11): a loopback session captured with `tcpdump` is
//! decrypted by `tshark` with the NSS key log our side wrote, and the
//! application data shows; without the log it does not. Two connections: a
//! full handshake whose server logs, and a resumed one whose client logs.

mod common;

use common::memory::{ECDSA_CA, ECDSA_SERVER, ECDSA_SERVER_KEY};
use common::peers::{Peer, free_port, require_peer};
use getrandom::SysRng;
use rand_core::UnwrapErr;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::io::TlsStream;
use sansio_tls::keylog::KeyLogFile;
use sansio_tls::session::{ClientCacheSlot, LruClientCache, LruSessionStore, ServerSessions, SessionSlot};
use sansio_tls::{ClientConfig, ClientConnection, ClientParams, Instant, ServerConfig, ServerConnection};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::Command;
use std::time::Duration;

const BUF: usize = sansio_tls::record::MAX_RECORD + 8192;
const MESSAGES: [&str; 2] = ["first secret: the eagle lands at dawn", "second secret: bring the blue folder"];

/// Runs `tshark` over the capture, TLS on `port`, with the key log if given;
/// returns the decrypted application data it shows, as text.
fn decrypted(pcap: &std::path::Path, port: u16, keylog: Option<&std::path::Path>) -> String {
    let mut cmd = Command::new("tshark");
    cmd.arg("-r").arg(pcap).args(["-d", &format!("tcp.port=={port},tls"), "-T", "fields", "-e", "data.data"]);
    if let Some(log) = keylog {
        cmd.arg("-o").arg(format!("tls.keylog_file:{}", log.display()));
    }
    let out = cmd.output().expect("run tshark");
    assert!(out.status.success(), "tshark failed: {}", String::from_utf8_lossy(&out.stderr));
    // One hex field per decrypted record (comma-separated when a frame
    // carries several).
    let hex: String = String::from_utf8_lossy(&out.stdout).chars().filter(char::is_ascii_hexdigit).collect();
    let bytes: Vec<u8> = (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn tshark_decrypts_a_capture_with_our_key_log() {
    if !require_peer("tcpdump") || !require_peer("tshark") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("sansio-keylog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (pcap, server_log, client_log) = (dir.join("capture.pcap"), dir.join("server.keys"), dir.join("client.keys"));
    let port = free_port();
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).unwrap();

    let mut tcpdump = Command::new("tcpdump");
    // --immediate-mode: without it, some kernels (this project's CI VMs)
    // hand packets to tcpdump only when a whole ring block fills.
    tcpdump.args(["-i", "lo", "--immediate-mode", "-U", "-n", "-w"]).arg(&pcap).arg(format!("tcp port {port}"));
    let mut tcpdump = Peer::spawn(tcpdump);
    assert!(tcpdump.wait_for_output("listening on", Duration::from_secs(10)), "tcpdump: {}", tcpdump.output());

    // The server logs its keys; the client only in the second connection.
    let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let chain: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];
    let mut slots = vec![SessionSlot::EMPTY; 4];
    let store = LruSessionStore::new(&mut slots);
    let server_keys = KeyLogFile::open(&server_log).unwrap();
    let mut scfg = ServerConfig::new(&chain, &key);
    scfg.sessions = ServerSessions::Store(&store);
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut cslots = [ClientCacheSlot::EMPTY; 2];
    let cache = LruClientCache::new(&mut cslots);
    let client_keys = KeyLogFile::open(&client_log).unwrap();
    let ccfg = ClientConfig { session_tickets: false, session_cache: Some(&cache), ..ClientConfig::new(&verifier) };

    let resumed: Vec<bool> = std::thread::scope(|s| {
        let scfg_first = ServerConfig { key_log: Some(&server_keys), ..scfg };
        let scfg_second = scfg;
        let server = s.spawn(move || {
            for cfg in [&scfg_first, &scfg_second] {
                let (sock, _) = listener.accept().unwrap();
                sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let conn =
                    ServerConnection::new(cfg, vec![0; BUF], vec![0; BUF], UnwrapErr(SysRng), Instant::now()).unwrap();
                let mut tls = TlsStream::new(conn, sock);
                tls.handshake().unwrap();
                let mut buf = [0u8; 256];
                let n = tls.read(&mut buf).unwrap();
                tls.write_all(&buf[..n]).unwrap();
                tls.close().unwrap();
            }
        });
        let with_log = ClientConfig { key_log: Some(&client_keys), ..ccfg };
        let results = [&ccfg, &with_log]
            .into_iter()
            .zip(MESSAGES)
            .map(|(cfg, message)| {
                let sock = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
                sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let params = ClientParams { port, ..ClientParams::new("localhost") };
                let conn = ClientConnection::with_params(
                    cfg,
                    params,
                    vec![0; BUF],
                    vec![0; BUF],
                    UnwrapErr(SysRng),
                    Instant::now(),
                )
                .unwrap();
                let mut tls = TlsStream::new(conn, sock);
                let info = tls.handshake().unwrap();
                tls.write_all(message.as_bytes()).unwrap();
                let mut echo = vec![0u8; message.len()];
                tls.read_exact(&mut echo).unwrap();
                assert_eq!(echo, message.as_bytes());
                tls.close().unwrap();
                info.resumed
            })
            .collect();
        server.join().unwrap();
        results
    });
    assert_eq!(resumed, [false, true], "a full handshake, then a resumed one");
    // Let tcpdump write the last packets, then stop it.
    std::thread::sleep(Duration::from_millis(500));
    drop(tcpdump);

    let server_lines = std::fs::read_to_string(&server_log).unwrap();
    let client_lines = std::fs::read_to_string(&client_log).unwrap();
    for lines in [&server_lines, &client_lines] {
        assert_eq!(lines.lines().count(), 1, "{lines}");
        assert!(lines.starts_with("CLIENT_RANDOM ") && lines.len() == 176, "{lines}");
    }
    // Without keys, nothing decrypts; with both logs, both messages show
    // (each in both directions: the echo too). The client's log alone
    // decrypts only its (second) connection; the server's alone decrypts
    // the first (and tshark then follows the resumption to the second).
    let plain = decrypted(&pcap, port, None);
    assert!(!MESSAGES.iter().any(|m| plain.contains(m)), "decrypted without keys: {plain:?}");
    let both = dir.join("both.keys");
    std::fs::write(&both, [server_lines.as_str(), client_lines.as_str()].concat()).unwrap();
    let text = decrypted(&pcap, port, Some(&both));
    for m in MESSAGES {
        assert_eq!(text.matches(m).count(), 2, "{m:?} in {text:?}");
    }
    let text = decrypted(&pcap, port, Some(&client_log));
    assert!(text.matches(MESSAGES[1]).count() == 2 && !text.contains(MESSAGES[0]), "{text:?}");
    let text = decrypted(&pcap, port, Some(&server_log));
    assert_eq!(text.matches(MESSAGES[0]).count(), 2, "{text:?}");
    std::fs::remove_dir_all(&dir).ok();
}

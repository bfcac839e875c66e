//! Interoperability with OpenSSL (`openssl s_server` / `s_client`, TLS 1.2
//! only), over TCP on 127.0.0.1:
//!
//! - our client against `s_server -rev` (which answers each line reversed)
//!   for every suite and both groups, with the ECDSA or RSA certificate as
//!   the suite needs; also with max_fragment_length and small buffers;
//! - `s_client` against our server (on a thread of the test) for the three
//!   ECDSA suites and both groups.
//!
//! Every test skips loudly when `openssl` is missing, and fails instead when
//! `SANSIO_TLS_REQUIRE_PEERS` is set (as in CI).

mod common;
#[path = "common/interop.rs"]
mod interop;

use common::peers::*;
use interop::*;
use sansio_tls::io::StreamEvent;
use sansio_tls::{CipherSuite, MaxFragmentLength, NamedGroup};

/// OpenSSL's name for a group.
fn group_name(group: NamedGroup) -> &'static str {
    match group {
        NamedGroup::X25519 => "X25519",
        NamedGroup::Secp256r1 => "P-256",
        NamedGroup::Secp384r1 => "P-384",
        other => panic!("no test for {other:?}"),
    }
}

/// `s_server -rev` with the certificate the suite needs, restricted to the
/// suite and the group.
fn s_server_rev(suite: CipherSuite, group: NamedGroup, extra: &[&str]) -> (Peer, u16, &'static [u8]) {
    let (cert, key, ca) = if is_ecdsa(suite) {
        ("ecdsa-server.pem", "ecdsa-server.key.pem", ECDSA_CA_DER)
    } else {
        ("rsa-server.pem", "rsa-server.key.pem", RSA_CA_DER)
    };
    let mut args = vec!["-rev", "-cipher", openssl_name(suite), "-groups", group_name(group)];
    args.extend_from_slice(extra);
    let (peer, port) = on_free_port(|port| openssl_s_server(port, &pki(cert), &pki(key), &args));
    (peer, port, ca)
}

/// Our client sends a line to `s_server -rev` and gets it back reversed.
fn client_vs_s_server(opts: ClientOpts, line_len: usize, extra: &[&str]) {
    if !require_peer("openssl") {
        return;
    }
    let (mut server, port, ca) = s_server_rev(opts.suite, opts.group, extra);
    let line: Vec<u8> = (0..line_len).map(|i| b"abcdefghijklmnopqrstuvwxyz0123456789"[i % 36]).collect();
    let mut expect: Vec<u8> = line.iter().rev().copied().collect();
    let mut send = line;
    send.push(b'\n');
    expect.push(b'\n');
    let out = match run_client(port, ca, opts, &send, &expect) {
        Ok(out) => out,
        Err(e) => panic!("{opts:?}: our client failed: {e}\n{}", server.describe()),
    };
    let info = out.info.expect("handshake info");
    assert_eq!(info.suite, opts.suite, "{}", server.describe());
    assert_eq!(info.group, Some(opts.group), "{}", server.describe());
    assert!(info.extended_master_secret && info.secure_renegotiation, "{info:?}");
    assert_eq!(info.max_fragment_length, opts.max_fragment_length, "{info:?}");
    assert!(out.events.iter().any(|e| matches!(e, StreamEvent::HandshakeDone(_))), "{:?}", out.events);
}

macro_rules! client_tests {
    ($($name:ident: $suite:ident, $group:ident;)*) => {$(
        #[test]
        fn $name() {
            client_vs_s_server(ClientOpts::new(CipherSuite::$suite, NamedGroup::$group), 40, &[]);
        }
    )*};
}

client_tests! {
    client_ecdsa_aes128_x25519: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, X25519;
    client_ecdsa_aes128_p256: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, Secp256r1;
    client_ecdsa_aes256_x25519: TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, X25519;
    client_ecdsa_aes256_p256: TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, Secp256r1;
    client_ecdsa_chacha_x25519: TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, X25519;
    client_ecdsa_chacha_p256: TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, Secp256r1;
    client_rsa_aes128_x25519: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, X25519;
    client_rsa_aes128_p256: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, Secp256r1;
    client_rsa_aes256_x25519: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, X25519;
    client_rsa_aes256_p256: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, Secp256r1;
    client_rsa_chacha_x25519: TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, X25519;
    client_rsa_chacha_p256: TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, Secp256r1;
}

/// Small buffers that interoperate with `s_server` (which sends the leaf
/// certificate only), measured by bisection against OpenSSL 3.0:
///
/// - receive: at least the largest handshake message plus a record header,
///   i.e. the server's Certificate message (529-byte ECDSA leaf: 539 bytes,
///   so 544; 923-byte RSA leaf: 938), and at least the largest record the
///   server sends: 512 + 29 with max_fragment_length 512, up to
///   [`sansio_tls::record::MAX_RECORD`] without;
/// - transmit: the ClientHello, 117 bytes with these options (122 with
///   max_fragment_length); application data is cut into records that fit.
///
/// The constants keep a little headroom over those minimums.
const MFL_RX_ECDSA: usize = 600;
const MFL_RX_RSA: usize = 1000;
const SMALL_TX: usize = 160;

/// max_fragment_length 512 with small buffers, and a line longer than one
/// record each way (so that the server must honour the limit).
#[test]
fn small_buffers_mfl512_ecdsa() {
    let mut opts = ClientOpts::new(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, NamedGroup::X25519);
    opts.max_fragment_length = Some(MaxFragmentLength::Bytes512);
    opts.rx = MFL_RX_ECDSA;
    opts.tx = SMALL_TX;
    client_vs_s_server(opts, 1500, &[]);
}

#[test]
fn small_buffers_mfl512_rsa() {
    let mut opts = ClientOpts::new(CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, NamedGroup::Secp256r1);
    opts.max_fragment_length = Some(MaxFragmentLength::Bytes512);
    opts.rx = MFL_RX_RSA;
    opts.tx = SMALL_TX;
    client_vs_s_server(opts, 1500, &[]);
}

/// Without max_fragment_length the server may send records of 16 KiB, so
/// the receive buffer must hold one ([`sansio_tls::record::MAX_RECORD`]);
/// only the transmit buffer can stay small. `s_server -rev` answers a line
/// of up to 16382 bytes in one record.
#[test]
fn small_transmit_buffer_without_mfl() {
    let mut opts = ClientOpts::new(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, NamedGroup::X25519);
    opts.rx = sansio_tls::record::MAX_RECORD;
    opts.tx = SMALL_TX;
    client_vs_s_server(opts, 16_000, &[]);
}

/// `s_client` against our echo server.
fn s_client_vs_server(suite: CipherSuite, group: NamedGroup) {
    if !require_peer("openssl") {
        return;
    }
    let (port, done) = spawn_echo_server(suite, group);
    let name = openssl_name(suite);
    // Our server accepts only `group`; s_client must also list P-256, the
    // curve of the server's ECDSA certificate (see `offered_groups`).
    let groups =
        offered_groups(suite, group, NamedGroup::Secp256r1).into_iter().map(group_name).collect::<Vec<_>>().join(":");
    let mut client =
        openssl_s_client(port, &pki("ecdsa-ca.pem"), "localhost", &["-tls1_2", "-cipher", name, "-groups", &groups]);
    let cipher_line = format!("Cipher is {name}");
    if !client.wait_for_output(&cipher_line, HANDSHAKE_TIMEOUT) {
        panic!("no {cipher_line:?}; our server: {:?}\n{}", server_outcome(&done), client.describe());
    }
    echo_and_check(&mut client, &done, suite, group);
}

macro_rules! server_tests {
    ($($name:ident: $suite:ident, $group:ident;)*) => {$(
        #[test]
        fn $name() {
            s_client_vs_server(CipherSuite::$suite, NamedGroup::$group);
        }
    )*};
}

server_tests! {
    server_ecdsa_aes128_x25519: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, X25519;
    server_ecdsa_aes128_p256: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, Secp256r1;
    server_ecdsa_aes256_x25519: TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, X25519;
    server_ecdsa_aes256_p256: TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, Secp256r1;
    server_ecdsa_chacha_x25519: TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, X25519;
    server_ecdsa_chacha_p256: TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, Secp256r1;
}

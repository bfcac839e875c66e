//! Interoperability with GnuTLS (`gnutls-serv` / `gnutls-cli`, TLS 1.2
//! only), over TCP on 127.0.0.1:
//!
//! - our client against `gnutls-serv --echo` for every suite and both
//!   groups, with the ECDSA or RSA certificate as the suite needs. The server
//!   asks for a client certificate (its default): our client answers with an
//!   empty Certificate. Also with max_fragment_length and small buffers;
//! - `gnutls-cli` against our server (on a thread of the test) for the three
//!   ECDSA suites and both groups.
//!
//! Every test skips loudly when a GnuTLS tool is missing, and fails instead
//! when `SANSIO_TLS_REQUIRE_PEERS` is set (as in CI).

mod common;
#[path = "common/interop.rs"]
mod interop;

use common::peers::*;
use interop::*;
use sansio_tls::{CipherSuite, MaxFragmentLength, NamedGroup};

/// GnuTLS's names for a suite's key exchange and cipher.
fn gnutls_names(suite: CipherSuite) -> (&'static str, &'static str) {
    let kx = if is_ecdsa(suite) { "ECDHE-ECDSA" } else { "ECDHE-RSA" };
    let cipher =
        match suite {
            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
            | CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => "AES-128-GCM",
            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
            | CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => "AES-256-GCM",
            _ => "CHACHA20-POLY1305",
        };
    (kx, cipher)
}

/// GnuTLS's name for a group.
fn group_name(group: NamedGroup) -> &'static str {
    match group {
        NamedGroup::X25519 => "X25519",
        NamedGroup::Secp256r1 => "SECP256R1",
        NamedGroup::Secp384r1 => "SECP384R1",
        other => panic!("no test for {other:?}"),
    }
}

/// A priority string for TLS 1.2 with exactly this suite and these groups.
fn priority(suite: CipherSuite, groups: &[NamedGroup]) -> String {
    let (kx, cipher) = gnutls_names(suite);
    let groups: String = groups.iter().map(|g| format!(":+GROUP-{}", group_name(*g))).collect();
    format!("{GNUTLS_TLS12}:-CIPHER-ALL:+{cipher}:-MAC-ALL:+AEAD:-KX-ALL:+{kx}:-GROUP-ALL{groups}")
}

/// Our client sends a line to `gnutls-serv --echo` and gets it back.
fn client_vs_gnutls_serv(opts: ClientOpts, line_len: usize) {
    if !require_peer("gnutls-serv") {
        return;
    }
    let (cert, key, ca) = if is_ecdsa(opts.suite) {
        ("ecdsa-server.pem", "ecdsa-server.key.pem", ECDSA_CA_DER)
    } else {
        ("rsa-server.pem", "rsa-server.key.pem", RSA_CA_DER)
    };
    let prio = priority(opts.suite, &[opts.group]);
    let (mut server, port) = on_free_port(|port| gnutls_serv(port, &pki(cert), &pki(key), &prio, &["--echo"]));
    let mut line: Vec<u8> = (0..line_len).map(|i| b"abcdefghijklmnopqrstuvwxyz0123456789"[i % 36]).collect();
    line.push(b'\n');
    let out = match run_client(port, ca, opts, &line, &line) {
        Ok(out) => out,
        Err(e) => panic!("{opts:?}: our client failed: {e}\n{}", server.describe()),
    };
    let info = out.info.expect("handshake info");
    assert_eq!(info.suite, opts.suite, "{}", server.describe());
    assert_eq!(info.group, Some(opts.group), "{}", server.describe());
    assert!(info.extended_master_secret && info.secure_renegotiation, "{info:?}");
    assert_eq!(info.max_fragment_length, opts.max_fragment_length, "{info:?}");
}

macro_rules! client_tests {
    ($($name:ident: $suite:ident, $group:ident;)*) => {$(
        #[test]
        fn $name() {
            client_vs_gnutls_serv(ClientOpts::new(CipherSuite::$suite, NamedGroup::$group), 40);
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

/// max_fragment_length 512 with small buffers (the same sizes as against
/// OpenSSL, see `interop_openssl.rs`): the server's Certificate arrives in
/// two records.
///
/// The line is shorter than 512 bytes because gnutls-serv 3.7.9 accepts
/// max_fragment_length and fragments its handshake messages accordingly,
/// but then sends application data in records of up to 16 KiB anyway: a
/// 1500-byte echo comes back as one 1525-byte record, which our client
/// refuses with `record_overflow` (RFC 6066 §4), as does
/// `openssl s_client -maxfraglen 512` ("data length too long").
#[test]
fn small_buffers_mfl512_ecdsa() {
    let mut opts = ClientOpts::new(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, NamedGroup::Secp256r1);
    opts.max_fragment_length = Some(MaxFragmentLength::Bytes512);
    opts.rx = 600;
    opts.tx = 160;
    client_vs_gnutls_serv(opts, 400);
}

#[test]
fn small_buffers_mfl512_rsa() {
    let mut opts = ClientOpts::new(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, NamedGroup::X25519);
    opts.max_fragment_length = Some(MaxFragmentLength::Bytes512);
    opts.rx = 1000;
    opts.tx = 160;
    client_vs_gnutls_serv(opts, 400);
}

/// record_size_limit (RFC 8449), which GnuTLS speaks: our client's
/// receive buffer (6000 bytes, no max_fragment_length) cannot hold a full
/// record, so it offers 5971; gnutls-serv must then send the 20 KB echo in
/// records that fit (a 2^14 record would fail our client with
/// record_overflow / BufferTooSmall).
#[test]
fn small_receive_buffer_gets_records_within_record_size_limit() {
    let mut opts = ClientOpts::new(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, NamedGroup::Secp256r1);
    opts.rx = 6000;
    client_vs_gnutls_serv(opts, 20_000);
}

/// record_size_limit the other way: our server's receive buffer is 3000
/// bytes, so it answers gnutls-cli's record_size_limit with 2971. gnutls-cli
/// sends each line read from stdin with one `gnutls_record_send`: GnuTLS
/// cuts a 2991-byte line to one record of 2971 bytes (the limit we sent),
/// and gnutls-cli 3.7.9 does not send the rest of a partial write. So our
/// server gets exactly the first 2971 bytes, without error; had GnuTLS
/// ignored our limit, the 2991-byte record would have failed our server
/// (its buffer holds 3000 bytes of record).
#[test]
fn gnutls_cli_sends_records_within_our_record_size_limit() {
    if !require_peer("gnutls-cli") {
        return;
    }
    let suite = CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256;
    let (port, done) = spawn_echo_server_sized(suite, NamedGroup::Secp256r1, 3000);
    let prio = priority(suite, &[NamedGroup::Secp256r1]);
    let mut client = gnutls_cli(port, &pki("ecdsa-ca.pem"), &["--priority", &prio]);
    if !client.wait_for_output("- Handshake was completed", HANDSHAKE_TIMEOUT) {
        panic!("no handshake; our server: {:?}\n{}", server_outcome(&done), client.describe());
    }
    let mut line: Vec<u8> = (0..2990).map(|i| b"abcdefghijklmnopqrstuvwxyz0123456789"[i % 36]).collect();
    line.push(b'\n');
    client.send(&line).unwrap();
    // The echo of the record's start shows that it arrived.
    if !wait_for_stdout(&client, std::str::from_utf8(&line[2900..2971]).unwrap()) {
        panic!("no echo; our server: {:?}\n{}", server_outcome(&done), client.describe());
    }
    client.close_stdin();
    let out = server_outcome(&done).unwrap_or_else(|e| panic!("our server failed: {e}\n{}", client.describe()));
    assert_eq!(out.received, line[..2971], "one record of exactly our limit");
}

/// `gnutls-cli` against our echo server.
fn gnutls_cli_vs_server(suite: CipherSuite, group: NamedGroup) {
    if !require_peer("gnutls-cli") {
        return;
    }
    let (port, done) = spawn_echo_server(suite, group);
    // Our server accepts only `group`; the client also lists P-256, the
    // curve of the server's ECDSA certificate (see `offered_groups`).
    let prio = priority(suite, &offered_groups(suite, group, NamedGroup::Secp256r1));
    let mut client = gnutls_cli(port, &pki("ecdsa-ca.pem"), &["--priority", &prio]);
    if !client.wait_for_output("- Handshake was completed", HANDSHAKE_TIMEOUT) {
        panic!("no handshake; our server: {:?}\n{}", server_outcome(&done), client.describe());
    }
    // "- Description: (TLS1.2-X.509)-(ECDHE-X25519)-(ECDSA-SHA256)-(AES-128-GCM)"
    // (GnuTLS 3.7; older versions print "(TLS1.2)-(ECDHE-SECP256R1)-...").
    let output = client.output();
    let description = output.lines().find(|l| l.starts_with("- Description:")).unwrap_or("");
    let (_, cipher) = gnutls_names(suite);
    for part in ["(TLS1.2", &format!("(ECDHE-{})", group_name(group)), &format!("({cipher})")] {
        assert!(description.contains(part), "{part:?} not in {description:?}\n{}", client.describe());
    }
    echo_and_check(&mut client, &done, suite, group);
}

macro_rules! server_tests {
    ($($name:ident: $suite:ident, $group:ident;)*) => {$(
        #[test]
        fn $name() {
            gnutls_cli_vs_server(CipherSuite::$suite, NamedGroup::$group);
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

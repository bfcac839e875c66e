//! P-384 against OpenSSL and GnuTLS, over TCP on 127.0.0.1: our client
//! verifying a P-384 leaf and a P-256 leaf under a P-384 CA (how Let's
//! Encrypt's ECDSA chains look) from `s_server` and `gnutls-serv`, with
//! x25519 and secp384r1 ECDHE; and `s_client` and `gnutls-cli` against our
//! server with a P-384 key, over secp384r1.
//!
//! Every test skips loudly when its peer is missing, and fails instead when
//! `SANSIO_TLS_REQUIRE_PEERS` is set (as in CI).

#![cfg(feature = "p384")]

mod common;
#[path = "common/interop.rs"]
mod interop;

use common::peers::*;
use interop::*;
use sansio_tls::crypto::SigningKey;
use sansio_tls::{CipherSuite, NamedGroup};

const P384_CA: &[u8] = include_bytes!("../vectors/pki/p384-ca.der");
const P384_SERVER: &[u8] = include_bytes!("../vectors/pki/p384-server.der");
const P384_SERVER_KEY: &[u8] = include_bytes!("../vectors/pki/p384-server.key.der");

const SUITE: CipherSuite = CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384;

/// The two server chains under the P-384 CA: (certificate file, key file,
/// the leaf's curve).
const CHAINS: [(&str, &str, NamedGroup); 2] = [
    ("p384-server-chain.pem", "p384-server.key.pem", NamedGroup::Secp384r1),
    ("p256-p384ca-server-chain.pem", "p256-p384ca-server.key.pem", NamedGroup::Secp256r1),
];

/// Our client sends a line and expects `expect(line)` back; asserts the
/// suite and group it negotiated.
fn our_client(port: u16, group: NamedGroup, leaf_curve: NamedGroup, server: &mut Peer, expect: fn(&[u8]) -> Vec<u8>) {
    let line = b"p384-interop-line\n".to_vec();
    let mut opts = ClientOpts::new(SUITE, group);
    opts.leaf_curve = leaf_curve;
    let out = run_client(port, P384_CA, opts, &line, &expect(&line))
        .unwrap_or_else(|e| panic!("{group:?}/{leaf_curve:?}: our client failed: {e}\n{}", server.describe()));
    let info = out.info.expect("handshake info");
    assert_eq!((info.suite, info.group), (SUITE, Some(group)), "{}", server.describe());
}

fn reversed(line: &[u8]) -> Vec<u8> {
    let mut r: Vec<u8> = line[..line.len() - 1].iter().rev().copied().collect();
    r.push(b'\n');
    r
}

#[test]
fn our_client_verifies_p384_chains_from_s_server() {
    if !require_peer("openssl") {
        return;
    }
    for (cert, key, curve) in CHAINS {
        for (group, name) in [(NamedGroup::X25519, "X25519"), (NamedGroup::Secp384r1, "P-384")] {
            let args = ["-rev", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384", "-groups", name];
            let (mut server, port) = on_free_port(|port| openssl_s_server(port, &pki(cert), &pki(key), &args));
            our_client(port, group, curve, &mut server, reversed);
        }
    }
}

#[test]
fn our_client_verifies_p384_chains_from_gnutls_serv() {
    if !require_peer("gnutls-serv") {
        return;
    }
    for (cert, key, curve) in CHAINS {
        for (group, name) in [(NamedGroup::X25519, "X25519"), (NamedGroup::Secp384r1, "SECP384R1")] {
            let prio = format!("NORMAL:-VERS-ALL:+VERS-TLS1.2:-GROUP-ALL:+GROUP-{name}");
            let (mut server, port) = on_free_port(|port| {
                gnutls_serv(port, &pki(cert), &pki(key), &prio, &["--echo", "--disable-client-cert"])
            });
            our_client(port, group, curve, &mut server, <[u8]>::to_vec);
        }
    }
}

fn p384_identity() -> ServerIdentity {
    ServerIdentity { chain: vec![P384_SERVER, P384_CA], key: SigningKey::from_der(P384_SERVER_KEY).unwrap() }
}

#[test]
fn s_client_against_our_p384_server() {
    if !require_peer("openssl") {
        return;
    }
    let (port, done) = spawn_echo_server_as(p384_identity(), SUITE, NamedGroup::Secp384r1);
    let args = ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384", "-groups", "P-384", "-sigalgs", "ECDSA+SHA384"];
    let mut client = openssl_s_client(port, &pki("p384-ca.pem"), "localhost", &args);
    if !client.wait_for_output("Cipher is ECDHE-ECDSA-AES256-GCM-SHA384", HANDSHAKE_TIMEOUT) {
        panic!("no handshake; our server: {:?}\n{}", server_outcome(&done), client.describe());
    }
    echo_and_check(&mut client, &done, SUITE, NamedGroup::Secp384r1);
}

#[test]
fn gnutls_cli_against_our_p384_server() {
    if !require_peer("gnutls-cli") {
        return;
    }
    let (port, done) = spawn_echo_server_as(p384_identity(), SUITE, NamedGroup::Secp384r1);
    let prio = "NORMAL:-VERS-ALL:+VERS-TLS1.2:-GROUP-ALL:+GROUP-SECP384R1";
    let mut client = gnutls_cli(port, &pki("p384-ca.pem"), &["--priority", prio]);
    if !client.wait_for_output("- Handshake was completed", HANDSHAKE_TIMEOUT) {
        panic!("no handshake; our server: {:?}\n{}", server_outcome(&done), client.describe());
    }
    let output = client.output();
    assert!(output.contains("(ECDHE-SECP384R1)-(ECDSA-SHA384)"), "{output}");
    assert!(output.contains("EC/ECDSA key 384 bits"), "{output}");
    echo_and_check(&mut client, &done, SUITE, NamedGroup::Secp384r1);
}

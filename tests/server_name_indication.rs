//! A client sends server_name (RFC 6066 §3) for a DNS name only: "Literal
//! IPv4 and IPv6 addresses are not permitted in HostName", so a client
//! connecting to an address literal offers no SNI.

use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::testing::TestRng;
use sansio_tls::{ClientConfig, ClientConnection, Instant};

const NOW: Instant = Instant::from_secs(1_800_000_000);
const CA: &[u8] = include_bytes!("../vectors/pki/ecdsa-ca.der");

/// The host_name of the server_name extension of the ClientHello a client
/// for `name` queues, if it has one (the test's own reader).
fn offered_sni(name: &str) -> Option<Vec<u8>> {
    let roots = [trust_anchor_from_der(CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let config = ClientConfig::new(&verifier);
    let (mut rx, mut tx) = ([0u8; 4096], [0u8; 4096]);
    let mut rng = TestRng::new(1);
    let client = ClientConnection::new(&config, name, &mut rx[..], &mut tx[..], &mut rng, NOW).unwrap();
    let record = client.transmit_pending();
    assert_eq!((record[0], record[5]), (22, 1), "a ClientHello record");
    let body = &record[9..];
    let be16 = |at: usize| usize::from(u16::from_be_bytes([body[at], body[at + 1]]));
    let mut at = 2 + 32;
    at += 1 + usize::from(body[at]); // session_id
    at += 2 + be16(at); // cipher_suites
    at += 1 + usize::from(body[at]); // compression_methods
    let end = at + 2 + be16(at);
    at += 2;
    while at < end {
        let (typ, len) = (be16(at), be16(at + 2));
        let ext = &body[at + 4..at + 4 + len];
        if typ == 0 {
            // ServerNameList: length, then name_type 0 (host_name), length, name.
            assert_eq!(usize::from(u16::from_be_bytes([ext[0], ext[1]])), ext.len() - 2);
            assert_eq!(ext[2], 0, "host_name");
            let n = usize::from(u16::from_be_bytes([ext[3], ext[4]]));
            assert_eq!(5 + n, ext.len());
            return Some(ext[5..].to_vec());
        }
        at += 4 + len;
    }
    assert_eq!(at, end);
    None
}

#[test]
fn dns_names_are_sent() {
    assert_eq!(offered_sni("localhost").as_deref(), Some(&b"localhost"[..]));
    assert_eq!(offered_sni("example.com").as_deref(), Some(&b"example.com"[..]));
    // Not an address: four labels, one of them not a number.
    assert_eq!(offered_sni("1.2.3.x").as_deref(), Some(&b"1.2.3.x"[..]));
}

#[test]
fn address_literals_are_not() {
    for literal in ["127.0.0.1", "192.0.2.1", "::1", "2001:db8::1", "::ffff:192.0.2.1"] {
        assert_eq!(offered_sni(literal), None, "{literal}");
    }
}

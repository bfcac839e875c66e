//! record_size_limit (RFC 8449) in memory: a client whose receive buffer
//! cannot hold a full record offers its limit and gets records that fit;
//! explicit limits hold both ways; with max_fragment_length as well the
//! server answers record_size_limit only (§5); a client that asks for
//! max_fragment_length alone does not offer it; and every value or
//! combination the RFC forbids is refused with its alert.

mod common;

use common::memory::*;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::codec::{ClientHelloRepr, ServerHelloRepr, Writer};
use sansio_tls::crypto::SigningKey;
use sansio_tls::testing::TestRng;
use sansio_tls::*;

/// Full-size buffers: any record and a flight beside it.
const BUF: usize = record::MAX_RECORD + 4096;

/// The record_size_limit extension type.
const RSL: u16 = 28;
/// The max_fragment_length extension type.
const MFL: u16 = 1;

/// Extension types and bodies of the hello message in a plaintext
/// handshake record (the test's own reader).
fn hello_extensions(record: &[u8]) -> Extensions {
    assert_eq!(record[0], 22, "a handshake record");
    let body = &record[9..];
    let mut at = 2 + 32;
    at += 1 + body[at] as usize; // session_id
    if record[5] == 1 {
        at += 2 + u16::from_be_bytes([body[at], body[at + 1]]) as usize; // cipher_suites
        at += 1 + body[at] as usize; // compression_methods
    } else {
        at += 2 + 1; // cipher_suite, compression_method
    }
    let end = at + 2 + u16::from_be_bytes([body[at], body[at + 1]]) as usize;
    at += 2;
    let mut out = Vec::new();
    while at < end {
        let typ = u16::from_be_bytes([body[at], body[at + 1]]);
        let len = u16::from_be_bytes([body[at + 2], body[at + 3]]) as usize;
        out.push((typ, body[at + 4..at + 4 + len].to_vec()));
        at += 4 + len;
    }
    out
}

/// A hello's extensions: type and body.
type Extensions = Vec<(u16, Vec<u8>)>;

/// The record lengths each side sent and both hellos' extensions.
type Exchanged = (Vec<usize>, Vec<usize>, Extensions, Extensions);

fn limit_in(exts: &[(u16, Vec<u8>)]) -> Option<u16> {
    exts.iter().find(|(t, _)| *t == RSL).map(|(_, b)| u16::from_be_bytes([b[0], b[1]]))
}

/// The lengths of the whole records in `bytes` (a flight in flight).
fn record_lengths(mut bytes: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    while bytes.len() >= 5 {
        let n = 5 + u16::from_be_bytes([bytes[3], bytes[4]]) as usize;
        out.push(n);
        bytes = &bytes[n.min(bytes.len())..];
    }
    out
}

/// The records of a byte stream, measured as their bytes go by (in pieces
/// of any size).
#[derive(Default)]
struct Meter {
    partial: Vec<u8>,
    lengths: Vec<usize>,
}

impl Meter {
    fn push(&mut self, bytes: &[u8]) {
        self.partial.extend_from_slice(bytes);
        while self.partial.len() >= 5 {
            let n = 5 + u16::from_be_bytes([self.partial[3], self.partial[4]]) as usize;
            if self.partial.len() < n {
                break;
            }
            self.lengths.push(n);
            self.partial.drain(..n);
        }
    }
}

/// Runs a pair to the end of the handshake and then `data` each way,
/// recording the length of every record each side sent; returns (client's
/// records, server's records) with the hellos first in each.
fn exchange(ccfg: &ClientConfig<'_>, scfg: &ServerConfig<'_>, (crx, srx): (usize, usize), data: usize) -> Exchanged {
    let (mut cr, mut ct, mut sr, mut st) = (vec![0; crx], vec![0; BUF], vec![0; srx], vec![0; BUF]);
    let (mut r1, mut r2) = (TestRng::new(1), TestRng::new(2));
    let mut client = ClientConnection::new(ccfg, "localhost", &mut cr[..], &mut ct[..], &mut r1, NOW).unwrap();
    let mut server = ServerConnection::new(scfg, &mut sr[..], &mut st[..], &mut r2, NOW).unwrap();
    let ch = hello_extensions(client.transmit_pending());
    let (mut from_client, mut from_server, mut sh) = (Meter::default(), Meter::default(), None);
    let (mut got_c, mut got_s) = (Vec::new(), Vec::new());
    let (mut sent_c, mut sent_s) = (0, 0);
    let payload: Vec<u8> = (0..data).map(|i| i as u8).collect();
    for _ in 0..10_000 {
        if client.is_established() && sent_c < data {
            sent_c += client.send(&payload[sent_c..]).unwrap();
        }
        if server.is_established() && sent_s < data {
            sent_s += server.send(&payload[sent_s..]).unwrap();
        }
        let pending = client.transmit_pending();
        let n = server.feed(pending);
        from_client.push(&pending[..n]);
        client.transmit_done(n);
        let evs = drain(&mut server, &mut got_s).unwrap_or_else(|e| panic!("server: {e}"));
        assert!(!evs.iter().any(|e| matches!(e, Ev::Alert(..))), "{evs:?}");
        let pending = server.transmit_pending();
        if sh.is_none() && !pending.is_empty() {
            sh = Some(hello_extensions(pending));
        }
        let n = client.feed(pending);
        from_server.push(&pending[..n]);
        server.transmit_done(n);
        drain(&mut client, &mut got_c).unwrap_or_else(|e| panic!("client: {e}"));
        if got_c.len() == data && got_s.len() == data && client.transmit_pending().is_empty() {
            assert_eq!((got_c, got_s), (payload.clone(), payload));
            return (from_client.lengths, from_server.lengths, ch, sh.unwrap());
        }
    }
    panic!("did not finish: client got {} of {data}, server {}", got_c.len(), got_s.len());
}

/// Server and client configs over the ECDSA test PKI.
macro_rules! configs {
    ($ccfg:ident, $scfg:ident) => {
        let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
        let chain: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];
        let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
        let verifier = WebPkiServerVerifier::new(&roots);
        #[allow(unused_mut)]
        let mut $ccfg = ClientConfig::new(&verifier);
        #[allow(unused_mut)]
        let mut $scfg = ServerConfig::new(&chain, &key);
    };
}

/// 29 bytes a protected AES-GCM record adds: header, explicit nonce, tag.
const OVERHEAD: usize = 5 + 8 + 16;

#[test]
fn a_client_with_a_small_receive_buffer_offers_its_limit_and_gets_records_that_fit() {
    configs!(ccfg, scfg);
    let crx = 6000;
    let (from_client, from_server, ch, sh) = exchange(&ccfg, &scfg, (crx, BUF), 40_000);
    let limit = (crx - OVERHEAD) as u16;
    assert_eq!(limit_in(&ch), Some(limit), "offered: the plaintext of the largest record the buffer holds");
    assert_eq!(limit_in(&sh), Some(1 << 14), "the server answers with its own (a full-size buffer)");
    // Every server record, handshake flight included, fits the client.
    assert!(from_server.iter().all(|n| *n <= crx), "{from_server:?}");
    assert!(from_server.iter().any(|n| *n == usize::from(limit) + OVERHEAD), "full-size records of the limit");
    assert!(from_client.iter().any(|n| *n > crx), "the client sends full 2^14 records: {from_client:?}");
}

#[test]
fn explicit_limits_hold_both_ways() {
    configs!(ccfg, scfg);
    ccfg.record_size_limit = Some(1000);
    scfg.record_size_limit = Some(2000);
    let (from_client, from_server, ch, sh) = exchange(&ccfg, &scfg, (BUF, BUF), 20_000);
    assert_eq!((limit_in(&ch), limit_in(&sh)), (Some(1000), Some(2000)));
    assert_eq!(from_server.iter().max(), Some(&(1000 + OVERHEAD)), "{from_server:?}");
    assert_eq!(from_client.iter().max(), Some(&(2000 + OVERHEAD)), "{from_client:?}");
}

#[test]
fn with_both_extensions_the_server_answers_record_size_limit_only() {
    configs!(ccfg, scfg);
    ccfg.max_fragment_length = Some(MaxFragmentLength::Bytes512);
    ccfg.record_size_limit = Some(4000);
    let (_, from_server, ch, sh) = exchange(&ccfg, &scfg, (BUF, BUF), 20_000);
    assert!(ch.iter().any(|(t, _)| *t == MFL) && limit_in(&ch) == Some(4000));
    assert!(!sh.iter().any(|(t, _)| *t == MFL), "max_fragment_length is ignored (RFC 8449 §5): {sh:?}");
    assert_eq!(limit_in(&sh), Some(1 << 14));
    assert_eq!(from_server.iter().max(), Some(&(4000 + OVERHEAD)), "records follow record_size_limit, not 512");
}

#[test]
fn a_client_asking_for_max_fragment_length_alone_offers_no_record_size_limit() {
    configs!(ccfg, scfg);
    ccfg.max_fragment_length = Some(MaxFragmentLength::Bytes2048);
    let (_, from_server, ch, sh) = exchange(&ccfg, &scfg, (4096, BUF), 10_000);
    assert_eq!(limit_in(&ch), None);
    assert_eq!(limit_in(&sh), None);
    assert!(sh.iter().any(|(t, _)| *t == MFL));
    assert_eq!(from_server.iter().max(), Some(&(2048 + OVERHEAD)));
    // And a client with a full-size buffer offers none either.
    let (_, _, ch, _) = exchange(&ClientConfig { max_fragment_length: None, ..ccfg }, &scfg, (BUF, BUF), 10);
    assert_eq!(limit_in(&ch), None, "the ClientHello of a full-size client is unchanged");
}

/// Encodes a hello with the crate's codec.
fn encode(f: impl FnOnce(&mut Writer<'_>) -> Result<(), Error>) -> Vec<u8> {
    let mut buf = vec![0u8; 4096];
    let mut w = Writer::new(&mut buf);
    f(&mut w).unwrap();
    let n = w.len();
    buf.truncate(n);
    buf
}

/// A fatal alert record with `description`, as the peer receives it.
fn fatal(description: AlertDescription) -> Vec<u8> {
    record(21, &[2, description.to_wire()])
}

#[test]
fn a_client_limit_below_64_is_illegal_parameter() {
    configs!(ccfg, scfg);
    let _ = ccfg;
    for (limit, refused) in [(63u16, true), (64, false)] {
        let hello = ClientHelloRepr {
            random: [1; 32],
            cipher_suites: &[CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256],
            groups: &[NamedGroup::Secp256r1],
            signature_schemes: &[SignatureScheme::ECDSA_NISTP256_SHA256],
            extended_master_secret: true,
            renegotiation_info: Some(&[]),
            record_size_limit: Some(limit),
            ..Default::default()
        };
        let (mut rx, mut tx, mut rng) = (vec![0; BUF], vec![0; BUF], TestRng::new(3));
        let mut server = ServerConnection::new(&scfg, &mut rx[..], &mut tx[..], &mut rng, NOW).unwrap();
        server.feed(&record(22, &encode(|w| hello.encode(w))));
        let res = server.poll_event(NOW).map(|_| ());
        if refused {
            assert_eq!(res.unwrap_err().kind(), ErrorKind::IllegalParameter);
            assert_eq!(server.transmit_pending(), fatal(AlertDescription::IllegalParameter));
        } else {
            res.unwrap();
            let sh = hello_extensions(server.transmit_pending());
            assert_eq!(limit_in(&sh), Some(1 << 14), "64 is allowed, and answered");
            // The server's records now carry at most 64 bytes.
            assert!(record_lengths(server.transmit_pending()).iter().all(|n| *n <= 5 + 64));
        }
    }
}

#[test]
fn server_answers_the_client_refuses() {
    configs!(ccfg, scfg);
    let _ = scfg;
    let small = ClientConfig { record_size_limit: Some(3000), ..ccfg };
    let mfl = ClientConfig { max_fragment_length: Some(MaxFragmentLength::Bytes1024), record_size_limit: None, ..ccfg };
    let both = ClientConfig { max_fragment_length: Some(MaxFragmentLength::Bytes1024), ..small };
    type Case<'c> = (&'static str, &'c ClientConfig<'c>, Option<u16>, Option<MaxFragmentLength>, AlertDescription);
    let cases: [Case<'_>; 4] = [
        ("not offered", &mfl, Some(4000), None, AlertDescription::UnsupportedExtension),
        ("below 64", &small, Some(63), None, AlertDescription::IllegalParameter),
        ("both answered", &both, Some(4000), Some(MaxFragmentLength::Bytes1024), AlertDescription::IllegalParameter),
        ("not offered, full-size client", &ccfg, Some(4000), None, AlertDescription::UnsupportedExtension),
    ];
    for (name, cfg, limit, mfl, alert) in cases {
        let (mut rx, mut tx, mut rng) = (vec![0; BUF], vec![0; BUF], TestRng::new(4));
        let mut client = ClientConnection::new(cfg, "localhost", &mut rx[..], &mut tx[..], &mut rng, NOW).unwrap();
        let n = client.transmit_pending().len();
        client.transmit_done(n);
        let hello = ServerHelloRepr {
            random: [2; 32],
            cipher_suite: CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256.to_wire(),
            ec_point_formats: true,
            extended_master_secret: true,
            renegotiation_info: Some(&[]),
            max_fragment_length: mfl,
            record_size_limit: limit,
            ..Default::default()
        };
        client.feed(&record(22, &encode(|w| hello.encode(w))));
        let err = client.poll_event(NOW).map(|_| ()).unwrap_err();
        assert_eq!(err.kind().alert(), Some(alert), "{name}: {err}");
        assert_eq!(client.transmit_pending(), fatal(alert), "{name}: the alert on the wire");
    }
}

/// A server whose receive buffer holds one 2971-byte record answers with
/// that limit, and 40 KB arrive intact in records that fit.
#[test]
fn a_server_with_a_small_receive_buffer_gets_records_that_fit() {
    configs!(ccfg, scfg);
    ccfg.record_size_limit = Some(1 << 14);
    let (from_client, _, ch, sh) = exchange(&ccfg, &scfg, (BUF, 3000), 40_000);
    assert_eq!((limit_in(&ch), limit_in(&sh)), (Some(1 << 14), Some(3000 - OVERHEAD as u16)));
    assert_eq!(from_client.iter().max(), Some(&3000), "{from_client:?}");
}

/// The receive-buffer rule, checked at construction: a client asking for
/// max_fragment_length 2048 needs room for one such record (2048 + 29).
#[test]
fn a_receive_buffer_too_small_for_the_asked_fragment_is_refused_at_construction() {
    configs!(ccfg, scfg);
    let _ = scfg;
    ccfg.max_fragment_length = Some(MaxFragmentLength::Bytes2048);
    for (rx, ok) in [(2076, false), (2077, true)] {
        let (mut r, mut t, mut rng) = (vec![0; rx], vec![0; 4096], TestRng::new(5));
        let made = ClientConnection::new(&ccfg, "localhost", &mut r[..], &mut t[..], &mut rng, NOW);
        match made {
            Ok(_) => assert!(ok, "{rx}"),
            Err(e) => {
                assert!(!ok, "{rx}: {e}");
                assert_eq!(e.kind(), ErrorKind::BufferTooSmall);
                assert_eq!(e.sizes(), Some((2076, 2077)), "{e}");
            }
        }
    }
}

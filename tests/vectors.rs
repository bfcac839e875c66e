//! Recorded handshakes replayed byte for byte.
//!
//! Each file in `vectors/transcripts/` is a full handshake plus one
//! application-data exchange and close, recorded between our client and
//! server with fixed RNG seeds and a fixed time: `C> hex` lines are what
//! the client sent, `S> hex` what the server sent, one line per flight.
//! Replay feeds one side's recorded input to a fresh connection with the same
//! seed and checks that it sends exactly the recorded output. Any change to
//! the wire format, the key schedule or the record protection shows up here.
//!
//! To re-record after a deliberate wire change:
//! `SANSIO_TLS_RECORD=1 cargo test --test vectors`.

mod common;

use common::memory::*;
use common::replayable::replayable;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::testing::TestRng;
use sansio_tls::*;
use std::fmt::Write as _;

const BUF: usize = record::MAX_RECORD + 4096;

struct Case {
    file: &'static str,
    suite: CipherSuite,
    group: NamedGroup,
    /// The client has the defaults of the minimal build (`default-features
    /// = false, features = ["client"]`) and asks for 512-byte records:
    /// embedded-example's min-client firmware replays this recording.
    minimal_client: bool,
}

const CASES: &[Case] = &[
    Case {
        file: "ecdhe-ecdsa-aes128gcm-x25519.txt",
        suite: CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        group: NamedGroup::X25519,
        minimal_client: false,
    },
    Case {
        file: "ecdhe-ecdsa-aes256gcm-p256.txt",
        suite: CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        group: NamedGroup::Secp256r1,
        minimal_client: false,
    },
    Case {
        file: "min-client-ecdhe-ecdsa-aes128gcm-p256-mfl512.txt",
        suite: CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        group: NamedGroup::Secp256r1,
        minimal_client: true,
    },
    Case {
        file: "ecdhe-ecdsa-chacha20-x25519.txt",
        suite: CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        group: NamedGroup::X25519,
        minimal_client: false,
    },
];

fn path(file: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/transcripts").join(file)
}

fn hex(b: &[u8]) -> String {
    b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// Plays one scripted session; `client_in`/`server_in`, when given, replace
/// what the peer would have sent. Returns the flights as (from_client, bytes).
fn session(case: &Case, replay: Option<&[(bool, Vec<u8>)]>, side_under_test: bool) -> Vec<(bool, Vec<u8>)> {
    let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let chain: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let suites = [case.suite];
    let groups = [case.group];
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.cipher_suites = &suites;
    if case.minimal_client {
        // What DEFAULT_GROUPS and DEFAULT_SIGNATURE_SCHEMES are in the
        // minimal build (tests/features.rs checks that they are).
        ccfg.groups = &[NamedGroup::Secp256r1];
        ccfg.signature_schemes = &[SignatureScheme::ECDSA_NISTP256_SHA256];
        ccfg.max_fragment_length = Some(MaxFragmentLength::Bytes512);
        // The minimal build has no `tickets` feature: no SessionTicket offer.
        ccfg.session_tickets = false;
    }
    let mut scfg = ServerConfig::new(&chain, &key);
    scfg.groups = &groups;
    // Byte for byte: the ECDHE keys must come from the seeded RNGs.
    let (ccfg, scfg) = (ccfg.with_provider(replayable()), scfg.with_provider(replayable()));
    pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (0xc11e, 0x5e7e), NOW);
    let mut flights = Vec::new();
    let mut sink = Vec::new();
    let mut replay_iter = replay.map(|r| r.iter());
    // A fixed script: handshake, "ping" / "pong", client close.
    for step in 0..6 {
        if step == 3 {
            client.send(b"ping").unwrap();
        }
        if step == 4 {
            server.send(b"pong").unwrap();
            client.close().unwrap();
        }
        for from_client in [true, false] {
            let (from, to): (&mut dyn Peer, &mut dyn Peer) =
                if from_client { (&mut client, &mut server) } else { (&mut server, &mut client) };
            let bytes = from.take_tx();
            if bytes.is_empty() {
                continue;
            }
            // When replaying, the side not under test is replaced by the
            // recording.
            let delivered = match &mut replay_iter {
                Some(it) if from_client != side_under_test => {
                    let (f, rec) = it.find(|(f, _)| *f == from_client).expect("recording too short");
                    assert_eq!(*f, from_client);
                    rec.clone()
                }
                _ => bytes.clone(),
            };
            flights.push((from_client, bytes));
            to.give(&delivered);
            to.drain(&mut sink);
        }
    }
    assert!(client.is_closed() && server.is_closed(), "script did not finish: {client:?} {server:?}");
    flights
}

trait Peer {
    fn take_tx(&mut self) -> Vec<u8>;
    fn give(&mut self, b: &[u8]);
    fn drain(&mut self, sink: &mut Vec<u8>);
}

impl<S: Side, B: Buffer> Peer for Connection<S, &mut TestRng, B> {
    fn take_tx(&mut self) -> Vec<u8> {
        let v = self.transmit_pending().to_vec();
        self.transmit_done(v.len());
        v
    }
    fn give(&mut self, b: &[u8]) {
        assert_eq!(self.feed(b), b.len());
    }
    fn drain(&mut self, sink: &mut Vec<u8>) {
        drain(self, sink).unwrap();
    }
}

fn render(flights: &[(bool, Vec<u8>)]) -> String {
    flights.iter().map(|(c, b)| format!("{} {}\n", if *c { "C>" } else { "S>" }, hex(b))).collect()
}

fn parse(text: &str) -> Vec<(bool, Vec<u8>)> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (dir, h) = l.split_once(' ').unwrap();
            (dir == "C>", unhex(h.trim()))
        })
        .collect()
}

#[test]
fn recorded_transcripts_replay_byte_for_byte() {
    for case in CASES {
        let fresh = session(case, None, true);
        if std::env::var_os("SANSIO_TLS_RECORD").is_some() {
            std::fs::write(path(case.file), render(&fresh)).unwrap();
        }
        let text = std::fs::read_to_string(path(case.file))
            .unwrap_or_else(|e| panic!("{}: {e} (record with SANSIO_TLS_RECORD=1)", case.file));
        let recorded = parse(&text);
        assert!(recorded.len() >= 5, "{}: too few flights", case.file);
        // The first client flight is a ClientHello, the first server flight
        // starts with a ServerHello.
        assert_eq!(&recorded[0].1[..1], &[22]);
        assert_eq!(recorded[0].1[5], 1);
        assert_eq!(recorded[1].1[5], 2);
        // The client, fed the recorded server bytes, sends exactly the
        // recorded client bytes; likewise the server.
        let client_side = session(case, Some(&recorded), true);
        let server_side = session(case, Some(&recorded), false);
        let want_c: Vec<_> = recorded.iter().filter(|f| f.0).collect();
        let want_s: Vec<_> = recorded.iter().filter(|f| !f.0).collect();
        let got_c: Vec<_> = client_side.iter().filter(|f| f.0).collect();
        let got_s: Vec<_> = server_side.iter().filter(|f| !f.0).collect();
        assert_eq!(got_c, want_c, "{}: client output differs from the recording", case.file);
        assert_eq!(got_s, want_s, "{}: server output differs from the recording", case.file);
    }
}

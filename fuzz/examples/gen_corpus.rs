//! Writes seed corpora for the fuzz targets from real sessions:
//!
//! - `corpus/client/`: for each scenario, the bytes the server sent, framed
//!   for the client variant of that scenario (valid for the fuzzed client:
//!   same config, same seed, same reactions);
//! - `corpus/server/`: the bytes the client sent, framed for the server
//!   variant; for default clients also without the ClientHello under the
//!   "prefix a real ClientHello" flag;
//! - `corpus/record/` and `corpus/codec/`: the records and plaintext
//!   handshake messages of those sessions, in each target's input format.
//!
//! Every recording is replayed against a fresh connection before it is
//! written, to check it reaches application data.
//!
//! Run from the `fuzz` directory: `cargo run --release --example gen_corpus`.

use std::fs;
use std::path::Path;

use sansio_tls_fuzz::{
    FLAG_PREFIX_HELLO, FLAG_RENEGOTIATE, Outcome, Scenario, Seen, first_record_len, record_session, run_client,
    run_server,
};

fn write(dir: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new("corpus").join(dir);
    fs::create_dir_all(&dir).expect("create corpus dir");
    fs::write(dir.join(name), bytes).expect("write seed");
}

/// `[flags, split_hi, split_lo]` then `stream`.
fn framed(flags: u8, split: u16, stream: &[u8]) -> Vec<u8> {
    let mut v = vec![flags];
    v.extend_from_slice(&split.to_be_bytes());
    v.extend_from_slice(stream);
    v
}

/// Splits a byte stream into its records.
fn records(mut stream: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !stream.is_empty() {
        let n = first_record_len(stream);
        out.push(&stream[..n]);
        stream = &stream[n..];
    }
    out
}

/// Whether a replay reached as many handshakes as the recording, and
/// application data: the premise of the seeds (determinism) holds.
fn check(what: &str, o: &Outcome, handshakes: usize) -> bool {
    let done = o.events.iter().filter(|e| matches!(e, Seen::HandshakeDone(_))).count();
    let data = o.events.iter().any(|e| matches!(e, Seen::Data(_)));
    let errors: Vec<_> = o.events.iter().filter(|e| matches!(e, Seen::Error(_))).collect();
    if done >= handshakes && data && errors.is_empty() {
        println!("{what}: replay OK ({done} handshake(s), data)");
        true
    } else {
        eprintln!("{what}: replay did NOT complete: {:#?}", o.events);
        false
    }
}

fn main() {
    let scenarios = [
        // (name, scenario)
        ("full-c0-s0", Scenario { client: 0, server: 0, ..Default::default() }),
        ("full-c1-s0", Scenario { client: 1, server: 0, ..Default::default() }),
        ("full-c0-s1", Scenario { client: 0, server: 1, ..Default::default() }),
        ("full-c2-s2", Scenario { client: 2, server: 2, ..Default::default() }),
        ("tickets-c0-s2", Scenario { client: 0, server: 2, ..Default::default() }),
        ("full-c3-s3", Scenario { client: 3, server: 3, ..Default::default() }),
        ("events-c0-s3", Scenario { client: 0, server: 3, ..Default::default() }),
        ("certauth-c4-s4", Scenario { client: 4, server: 4, ..Default::default() }),
        ("certauth-c4-s5", Scenario { client: 4, server: 5, ..Default::default() }),
        ("nocert-c0-s5", Scenario { client: 0, server: 5, ..Default::default() }),
        ("resume-id-c5-s3", Scenario { client: 5, server: 3, ..Default::default() }),
        ("resume-ticket-c6-s2", Scenario { client: 6, server: 2, ..Default::default() }),
        ("reneg-client-c0-s0", Scenario { client: 0, server: 0, client_renegotiates: true, ..Default::default() }),
        ("reneg-server-c0-s0", Scenario { client: 0, server: 0, server_renegotiates: true, ..Default::default() }),
        ("reneg-client-c4-s5", Scenario { client: 4, server: 5, client_renegotiates: true, ..Default::default() }),
        ("reneg-refused-c0-s1", Scenario { client: 0, server: 1, client_renegotiates: true, ..Default::default() }),
    ];
    let mut count = 0;
    let mut failures = 0;
    let mut all_records: Vec<Vec<u8>> = Vec::new();
    for (name, s) in scenarios {
        let rec = match record_session(&s) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{name}: session failed: {e:?}");
                failures += 1;
                continue;
            }
        };
        let handshakes = rec.client_events.iter().filter(|e| matches!(e, Seen::HandshakeDone(_))).count();
        let cflags = s.client | if s.client_renegotiates { FLAG_RENEGOTIATE } else { 0 };
        let sflags = s.server | if s.server_renegotiates { FLAG_RENEGOTIATE } else { 0 };

        // Client target: the server's bytes.
        let ok_c = check(
            &format!("{name} client replay"),
            &run_client(s.client, s.client_renegotiates, &[&rec.server_sent]),
            handshakes,
        );
        // Server target: the client's bytes.
        let ok_s = check(
            &format!("{name} server replay"),
            &run_server(s.server, s.server_renegotiates, &[&rec.client_sent]),
            handshakes,
        );
        if !(ok_c && ok_s) {
            failures += 1;
        }
        let mid_s = (rec.server_sent.len() / 2) as u16;
        write("client", name, &framed(cflags, mid_s, &rec.server_sent));
        let first = first_record_len(&rec.server_sent);
        write("client", &format!("{name}-first-record"), &framed(cflags, 0, &rec.server_sent[..first]));
        let mid_c = (rec.client_sent.len() / 2) as u16;
        write("server", name, &framed(sflags, mid_c, &rec.client_sent));
        count += 3;
        if s.client == 0 {
            let ch = first_record_len(&rec.client_sent);
            write(
                "server",
                &format!("{name}-after-hello"),
                &framed(sflags | FLAG_PREFIX_HELLO, 0, &rec.client_sent[ch..]),
            );
            count += 1;
        }
        all_records.extend(records(&rec.client_sent).into_iter().map(<[u8]>::to_vec));
        all_records.extend(records(&rec.server_sent).into_iter().map(<[u8]>::to_vec));
    }
    all_records.sort();
    all_records.dedup();

    // Record target: every record in the clear (mode 0) and under
    // AES-128-GCM (mode 1; encrypted ones will not authenticate under the
    // fixed key, but they exercise framing and the AEAD path).
    for (i, rec) in all_records.iter().enumerate() {
        for mode in [0u8, 1] {
            let mut v = vec![mode, i as u8];
            v.extend_from_slice(rec);
            write("record", &format!("rec-{i:03}-m{mode}"), &v);
            count += 1;
        }
        // Handshake records that hold whole plaintext messages: codec seeds.
        if rec.first() == Some(&22) && rec.len() > 9 {
            let mut body = &rec[5..];
            while let Some((typ, msg, used)) = sansio_tls::codec::split_handshake(body) {
                let typ = u8::from(typ);
                let selector = match typ {
                    1 => 0,
                    2 => 1,
                    11 => 2,
                    12 => 3,
                    13 => 4,
                    15 => 5,
                    4 => 6,
                    16 => 8,
                    20 => 9,
                    14 | 0 => 10,
                    _ => 7,
                };
                let mut s = vec![selector];
                s.extend_from_slice(msg);
                write("codec", &format!("msg-{i:03}-{typ}"), &s);
                let mut whole = vec![7];
                whole.extend_from_slice(&body[..used]);
                write("codec", &format!("split-{i:03}-{typ}"), &whole);
                count += 2;
                body = &body[used..];
            }
        }
    }
    println!("wrote {count} seeds under corpus/");
    if failures > 0 {
        eprintln!("{failures} scenario(s) did not record or replay cleanly");
        std::process::exit(1);
    }
}

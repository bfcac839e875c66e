//! Writes seed corpora for the connection targets from real sessions:
//!
//! - `corpus/client/`: for each client variant, the byte stream a default
//!   server sent to it (valid for the fuzzed client: same config, same seed);
//! - `corpus/server/`: for each server variant, what a default client sent,
//!   once whole and once without its ClientHello under the "prefix a real
//!   ClientHello" flag;
//! - `corpus/record/` and `corpus/codec/`: the records and handshake messages
//!   of those sessions, in each target's input format.
//!
//! Run from the `fuzz` directory: `cargo run --release --example gen_corpus`.

use std::fs;
use std::path::Path;

use sansio_tls_fuzz::{Outcome, Seen, VARIANTS, first_record_len, record_session, run_client, run_server};

/// Whether a replay reached application data: the premise of the seeds
/// (both sides deterministic) holds.
fn check(what: &str, o: &Outcome) {
    let done = o.events.iter().any(|e| matches!(e, Seen::HandshakeDone(_)));
    let data = o.events.iter().any(|e| matches!(e, Seen::Data(_)));
    if done && data {
        println!("{what}: replay reaches the handshake and application data");
    } else {
        eprintln!("{what}: replay did NOT complete: {:?}", o.events);
    }
}

fn write(dir: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new("corpus").join(dir);
    fs::create_dir_all(&dir).expect("create corpus dir");
    fs::write(dir.join(name), bytes).expect("write seed");
}

/// `[selector, split_hi, split_lo]` then `stream`.
fn framed(selector: u8, split: u16, stream: &[u8]) -> Vec<u8> {
    let mut v = vec![selector];
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

fn main() {
    let mut count = 0;
    let mut all_records: Vec<Vec<u8>> = Vec::new();
    for v in 0..VARIANTS {
        // Client variant v against the default server.
        match record_session(v, 0) {
            Ok((c_sent, s_sent)) => {
                let mid = (s_sent.len() / 2) as u16;
                write("client", &format!("session-v{v}"), &framed(v, mid, &s_sent));
                check(&format!("client variant {v}"), &run_client(v, &[&s_sent]));
                // Just the first flight, and the stream cut short.
                let first = first_record_len(&s_sent);
                write("client", &format!("first-record-v{v}"), &framed(v, 0, &s_sent[..first]));
                all_records.extend(records(&c_sent).into_iter().map(<[u8]>::to_vec));
                all_records.extend(records(&s_sent).into_iter().map(<[u8]>::to_vec));
                count += 2;
            }
            Err(e) => eprintln!("client variant {v}: session failed: {e:?}"),
        }
        // Default client against server variant v.
        match record_session(0, v) {
            Ok((c_sent, _)) => {
                let mid = (c_sent.len() / 2) as u16;
                write("server", &format!("session-v{v}"), &framed(v, mid, &c_sent));
                check(&format!("server variant {v}"), &run_server(v, &[&c_sent]));
                let ch = first_record_len(&c_sent);
                write("server", &format!("after-hello-v{v}"), &framed(0x80 | v, 0, &c_sent[ch..]));
                count += 2;
            }
            Err(e) => eprintln!("server variant {v}: session failed: {e:?}"),
        }
    }
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
        // Plaintext handshake records hold whole messages: codec seeds.
        if rec.first() == Some(&22) && rec.len() > 9 {
            let mut body = &rec[5..];
            while let Some((typ, msg, used)) = sansio_tls::codec::split_handshake(body) {
                let selector = match u8::from(typ) {
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
                write("codec", &format!("msg-{i:03}-{}", u8::from(typ)), &s);
                let mut whole = vec![7];
                whole.extend_from_slice(&body[..used]);
                write("codec", &format!("split-{i:03}-{}", u8::from(typ)), &whole);
                count += 2;
                body = &body[used..];
            }
        }
    }
    println!("wrote {count} seeds under corpus/");
}

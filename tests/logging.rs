//! Logging through the `log` crate (feature `log`): a handshake's
//! milestones, the alerts both ways and a fatal error's reason are logged,
//! with the side that logged them; no secret is.

#![cfg(feature = "log")]

mod common;

use common::memory::*;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::keylog::KeyLog;
use sansio_tls::testing::TestRng;
use sansio_tls::*;
use std::sync::Mutex;

const BUF: usize = sansio_tls::record::MAX_RECORD + 4096;

/// Every record logged, as "LEVEL target: message".
struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {}: {}", record.level(), record.target(), record.args());
        self.0.lock().unwrap().push(line);
    }
    fn flush(&self) {}
}

static LOGGER: Capture = Capture(Mutex::new(Vec::new()));

/// The secrets of a handshake, as hex, to look for in the log.
struct Secrets(Mutex<Vec<String>>);

impl KeyLog for Secrets {
    fn log(&self, _: &str, client_random: &[u8; 32], secret: &[u8]) {
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        self.0.lock().unwrap().extend([hex(client_random), hex(secret)]);
    }
}

fn take_log() -> Vec<String> {
    std::mem::take(&mut *LOGGER.0.lock().unwrap())
}

#[test]
fn milestones_alerts_and_reasons_are_logged_and_secrets_are_not() {
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let chain: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let secrets = Secrets(Mutex::new(Vec::new()));
    let ccfg = ClientConfig { key_log: Some(&secrets), ..ClientConfig::new(&verifier) };
    let scfg = ServerConfig::new(&chain, &key);

    // A handshake, data, and close_notify both ways.
    pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (1, 2), NOW);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    assert!(done(&out.client_events).is_some() && done(&out.server_events).is_some(), "{out:?}");
    client.send(b"the plaintext nobody may log").unwrap();
    client.close().unwrap();
    run(&mut client, &mut server, &mut out);
    assert_eq!(out.server_data, b"the plaintext nobody may log");
    let lines = take_log();
    let has = |needle: &str| lines.iter().any(|l| l.contains(needle));
    for needle in [
        "DEBUG sansio_tls: client: handshake message of type 2,",
        "DEBUG sansio_tls: server: handshake message of type 1,",
        "DEBUG sansio_tls: client: received ChangeCipherSpec",
        "DEBUG sansio_tls: client: handshake done: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, resumed false, \
         extended master secret true, secure renegotiation true",
        "DEBUG sansio_tls: server: handshake done:",
        "DEBUG sansio_tls: client: sending close_notify",
        "DEBUG sansio_tls: server: sending close_notify",
    ] {
        assert!(has(needle), "no {needle:?} in {lines:#?}");
    }
    let secrets = secrets.0.lock().unwrap().clone();
    assert_eq!(secrets.len(), 2, "client random and master secret");
    for line in &lines {
        assert!(!line.contains("plaintext"), "plaintext logged: {line}");
        for secret in &secrets {
            assert!(!line.contains(secret.as_str()), "secret logged: {line}");
        }
    }

    // A fatal error: its reason on one side, the alert on the other.
    let other = [trust_anchor_from_der(ECDSA_UNTRUSTED).unwrap()];
    let wrong = WebPkiServerVerifier::new(&other);
    let ccfg = ClientConfig::new(&wrong);
    pair!(client, server, &ccfg, ClientParams::new("localhost"), &scfg, (3, 4), NOW);
    let mut out = Outcome::default();
    run(&mut client, &mut server, &mut out);
    let e = out.client_error.expect("the client must refuse the chain");
    assert_eq!(e.kind(), ErrorKind::UnknownCa);
    let lines = take_log();
    let has = |needle: &str| lines.iter().any(|l| l.contains(needle));
    let reason = format!("WARN sansio_tls: client: fatal error: {}", e.reason());
    for needle in [
        reason.as_str(),
        "DEBUG sansio_tls: client: sending fatal alert unknown_ca",
        "WARN sansio_tls: server: the peer sent fatal alert unknown_ca",
    ] {
        assert!(has(needle), "no {needle:?} in {lines:#?}");
    }
}

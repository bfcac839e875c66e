//! Puts memory.x where the linker (cortex-m-rt's link.x) finds it.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap());
    fs::write(out.join("memory.x"), include_bytes!("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rerun-if-changed=build.rs");
    // The recorded ClientHello the server-only firmware answers: the first
    // client flight of a recorded transcript, hex-decoded.
    let transcript = "../vectors/transcripts/ecdhe-ecdsa-aes128gcm-x25519.txt";
    println!("cargo:rerun-if-changed={transcript}");
    let text = fs::read_to_string(transcript).unwrap();
    let hex = text.lines().find_map(|l| l.strip_prefix("C> ")).unwrap();
    let bytes: Vec<u8> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
    fs::write(out.join("client_hello.bin"), bytes).unwrap();

    // The whole recorded handshake the min-client firmware replays, as
    // flights of `direction (1 byte: b'C' or b'S') || length (2 bytes, big
    // endian) || bytes`.
    let transcript = "../vectors/transcripts/min-client-ecdhe-ecdsa-aes128gcm-p256-mfl512.txt";
    println!("cargo:rerun-if-changed={transcript}");
    let mut flights = Vec::new();
    for line in fs::read_to_string(transcript).unwrap().lines().filter(|l| !l.trim().is_empty()) {
        let (dir, hex) = line.split_once("> ").unwrap();
        let bytes = unhex(hex.trim());
        flights.push(dir.as_bytes()[0]);
        flights.extend_from_slice(&u16::try_from(bytes.len()).unwrap().to_be_bytes());
        flights.extend_from_slice(&bytes);
    }
    fs::write(out.join("min_client_flights.bin"), flights).unwrap();
}

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

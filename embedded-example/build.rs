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
}

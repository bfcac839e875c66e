//! Crafted ClientHellos, as big as real ones get: thousands of signature
//! schemes, many (and repeated) unknown extensions, padding.

#![allow(dead_code)]

/// Appends `body` with a big-endian length prefix of `len_bytes` bytes.
fn push_vec(out: &mut Vec<u8>, len_bytes: usize, body: &[u8]) {
    out.extend_from_slice(&(body.len() as u32).to_be_bytes()[4 - len_bytes..]);
    out.extend_from_slice(body);
}

fn push_ext(out: &mut Vec<u8>, typ: u16, body: &[u8]) {
    out.extend_from_slice(&typ.to_be_bytes());
    push_vec(out, 2, body);
}

/// A ClientHello handshake message (header included) that a default
/// server can answer: ECDHE-ECDSA-AES128-GCM-SHA256, x25519, ecdsa_secp256r1_sha256
/// after `schemes` unknown (and repeated) signature schemes,
/// extended_master_secret, renegotiation_info, `unknown` empty extensions of
/// 500 types that repeat, and a padding extension (RFC 7685) of `padding`
/// bytes.
pub fn client_hello(schemes: usize, unknown: usize, padding: usize) -> Vec<u8> {
    let mut body = vec![3, 3];
    body.extend_from_slice(&[0x42; 32]);
    push_vec(&mut body, 1, &[]);
    push_vec(&mut body, 2, &[0xc0, 0x2b]);
    push_vec(&mut body, 1, &[0]);
    let mut exts = Vec::new();
    push_ext(&mut exts, 10, &[0, 4, 0, 29, 0, 23]);
    push_ext(&mut exts, 11, &[1, 0]);
    let mut list = Vec::new();
    for i in 0..schemes {
        list.extend_from_slice(&(0x0a00 + (i % 300) as u16).to_be_bytes());
    }
    list.extend_from_slice(&[4, 3]);
    let mut sig = Vec::new();
    push_vec(&mut sig, 2, &list);
    push_ext(&mut exts, 13, &sig);
    push_ext(&mut exts, 23, &[]);
    push_ext(&mut exts, 0xff01, &[0]);
    for i in 0..unknown {
        push_ext(&mut exts, 0x7a00 + (i % 500) as u16, &[]);
    }
    push_ext(&mut exts, 21, &vec![0; padding]);
    push_vec(&mut body, 2, &exts);
    let mut msg = vec![1];
    push_vec(&mut msg, 3, &body);
    msg
}

/// `msg` as plaintext handshake records of at most 2^14 bytes each.
pub fn handshake_records(msg: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in msg.chunks(1 << 14) {
        out.extend_from_slice(&[22, 3, 1]);
        push_vec(&mut out, 2, chunk);
    }
    out
}

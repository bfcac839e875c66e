//! The record layer on arbitrary bytes.
//!
//! Input: `[mode, flip, records...]`. `mode & 3` picks the read protection
//! (none, AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305, all under a fixed
//! key), `(mode >> 2) & 3` a max_fragment_length. Then:
//! - `RecordHeader::parse` on every prefix of the input;
//! - the input is split into records by their headers and each is opened in
//!   place (sequence numbers advance as in a connection);
//! - round trip: each record's body is sealed by a sending layer with the
//!   same keys and opened by a receiving one, which must give back the same
//!   type and bytes; with protection on, flipping the byte at `flip` in the
//!   sealed record must make opening fail.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sansio_tls::codec::ContentType;
use sansio_tls::crypto::{AeadAlg, RustCrypto, RustCryptoAead};
use sansio_tls::record::{DirectionKeys, HEADER_LEN, MAX_RECORD, RecordHeader};

/// The record layer on the default provider's AEAD (the fuzzed code is the
/// framing and the checks around it, the same on every provider).
type RecordLayer = sansio_tls::record::RecordLayer<RustCryptoAead>;

const KEY: [u8; 32] = [0x42; 32];
const IV: [u8; 12] = [0x24; 12];

fn keys(alg: AeadAlg) -> DirectionKeys {
    DirectionKeys::new(alg, &KEY[..alg.key_len()], &IV[..alg.fixed_iv_len()]).expect("key sizes")
}

/// A record layer reading and writing under `alg` (or in the clear).
fn layer(alg: Option<AeadAlg>, max_fragment: Option<usize>) -> RecordLayer {
    let mut l = RecordLayer::new();
    if let Some(alg) = alg {
        l.set_pending(keys(alg), keys(alg));
        l.activate_read(&RustCrypto).expect("pending read keys");
        l.activate_write(&RustCrypto).expect("pending write keys");
    }
    if let Some(m) = max_fragment {
        l.set_max_fragment(m);
    }
    l
}

fuzz_target!(|data: &[u8]| {
    let [mode, flip, input @ ..] = data else { return };
    let alg = match mode & 3 {
        0 => None,
        1 => Some(AeadAlg::Aes128Gcm),
        2 => Some(AeadAlg::Aes256Gcm),
        _ => Some(AeadAlg::ChaCha20Poly1305),
    };
    let max_fragment = [None, Some(512), Some(1024), Some(4096)][((mode >> 2) & 3) as usize];

    // Header parsing on every prefix: never more than it was given.
    for end in 0..=input.len().min(HEADER_LEN + 1) {
        if let Ok(Some(h)) = RecordHeader::parse(&input[..end]) {
            assert!(end >= HEADER_LEN);
            assert!(h.len <= MAX_RECORD - HEADER_LEN);
            assert_eq!(h.version >> 8, 3);
        }
    }

    let mut reader = layer(alg, max_fragment);
    let mut sender = layer(alg, max_fragment);
    let mut receiver = layer(alg, max_fragment);
    let mut rest = input;
    let mut buf = vec![0u8; MAX_RECORD + 64];
    while !rest.is_empty() {
        let hdr = match RecordHeader::parse(rest) {
            Ok(Some(h)) => h,
            Ok(None) | Err(_) => {
                // Whatever is left, opened as it is: an error, not a panic.
                let mut tail = rest.to_vec();
                assert!(reader.open(&mut tail).is_err());
                break;
            }
        };
        let rec_len = (HEADER_LEN + hdr.len).min(rest.len());
        let original = &rest[..rec_len];
        rest = &rest[rec_len..];

        let mut record = original.to_vec();
        if let Ok((ct, range)) = reader.open(&mut record) {
            assert_eq!(ct, hdr.content_type);
            assert!(range.start >= HEADER_LEN && range.end <= record.len());
            assert!(range.len() <= max_fragment.unwrap_or(1 << 14));
        }

        // Round trip of this record's body (cut to the fragment limit).
        let body = &original[HEADER_LEN..];
        let body = &body[..body.len().min(sender.max_fragment_out())];
        let Some(sealed) = seal(&mut sender, hdr.content_type, body, &mut buf) else { continue };
        let mut copy = buf[..sealed].to_vec();
        let (ct, range) = receiver.open(&mut copy).expect("a sealed record opens");
        assert_eq!(ct, hdr.content_type);
        assert_eq!(&copy[range], body);

        if alg.is_some() {
            // Tampering with a fresh pair (sequence number 0 on both sides):
            // a changed byte must not authenticate. The version bytes (1..3)
            // are not covered: see README ("record version").
            let mut fresh_sender = layer(alg, max_fragment);
            let Some(sealed) = seal(&mut fresh_sender, hdr.content_type, body, &mut buf) else { continue };
            let i = *flip as usize % sealed;
            if !(1..3).contains(&i) {
                let mut tampered = buf[..sealed].to_vec();
                tampered[i] ^= 0x01;
                let mut fresh_receiver = layer(alg, max_fragment);
                assert!(fresh_receiver.open(&mut tampered).is_err(), "tampered byte {i} of {sealed} authenticated");
            }
        }
    }
});

/// Seals `body` as a `ct` record into `buf`; returns its length.
fn seal(layer: &mut RecordLayer, ct: ContentType, body: &[u8], buf: &mut [u8]) -> Option<usize> {
    let off = layer.payload_offset();
    buf.get_mut(off..off + body.len())?.copy_from_slice(body);
    let n = layer.seal(ct, buf, body.len()).expect("seal within the fragment limit");
    assert_eq!(n, layer.overhead() + body.len());
    Some(n)
}

use super::*;
use crate::crypto::{AeadAlg, RustCrypto, RustCryptoAead};

type RecordLayer = super::RecordLayer<RustCryptoAead>;

fn pair(alg: AeadAlg) -> (RecordLayer, RecordLayer) {
    let key = [7u8; 32];
    let iv = [9u8; 12];
    let k = DirectionKeys::new(alg, &key[..alg.key_len()], &iv[..alg.fixed_iv_len()]).unwrap();
    let mut a = RecordLayer::new();
    let mut b = RecordLayer::new();
    a.set_pending(k.clone(), k.clone());
    b.set_pending(k.clone(), k);
    a.activate_write(&RustCrypto).unwrap();
    b.activate_read(&RustCrypto).unwrap();
    (a, b)
}

#[test]
fn header_parse_limits() {
    assert_eq!(RecordHeader::parse(&[22, 3, 3, 0]).unwrap(), None);
    let h = RecordHeader::parse(&[22, 3, 1, 0x40, 0x00]).unwrap().unwrap();
    assert_eq!((h.content_type, h.version, h.len), (ContentType::Handshake, 0x0301, 16384));
    assert_eq!(RecordHeader::parse(&[99, 3, 3, 0, 1]), Err(Error::UnexpectedMessage));
    assert_eq!(RecordHeader::parse(&[23, 2, 0, 0, 1]), Err(Error::ProtocolVersion));
    // 2^14 + 256 is the largest accepted ciphertext, one more overflows.
    assert!(RecordHeader::parse(&[23, 3, 3, 0x41, 0x00]).unwrap().is_some());
    assert_eq!(RecordHeader::parse(&[23, 3, 3, 0x41, 0x01]), Err(Error::RecordOverflow));
    let mut out = [0u8; 5];
    RecordHeader::write(&mut out, ContentType::Alert, 2).unwrap();
    assert_eq!(out, [21, 3, 3, 0, 2]);
}

#[test]
fn plaintext_record_round_trip() {
    let mut w = RecordLayer::new();
    let mut r = RecordLayer::new();
    let mut buf = [0u8; 32];
    buf[5..8].copy_from_slice(b"abc");
    let n = w.seal(ContentType::Handshake, &mut buf, 3).unwrap();
    assert_eq!(&buf[..n], &[22, 3, 3, 0, 3, b'a', b'b', b'c']);
    let (ct, range) = r.open(&mut buf[..n]).unwrap();
    assert_eq!((ct, &buf[range]), (ContentType::Handshake, &b"abc"[..]));
}

#[test]
fn protected_round_trip_every_aead() {
    for alg in [AeadAlg::Aes128Gcm, AeadAlg::Aes256Gcm, AeadAlg::ChaCha20Poly1305] {
        let (mut w, mut r) = pair(alg);
        for i in 0..3u8 {
            let mut buf = [0u8; 64];
            let off = w.payload_offset();
            buf[off..off + 4].copy_from_slice(&[i; 4]);
            let n = w.seal(ContentType::ApplicationData, &mut buf, 4).unwrap();
            assert_eq!(n, off + 4 + TAG_LEN);
            // Header carries the ciphertext length; GCM's explicit nonce is
            // the sequence number (RFC 5288 §3).
            assert_eq!(&buf[..5], &[23, 3, 3, 0, (n - 5) as u8]);
            if alg.explicit_nonce_len() == 8 {
                assert_eq!(&buf[5..13], &u64::from(i).to_be_bytes());
            }
            assert_ne!(&buf[off..off + 4], &[i; 4]);
            let (ct, range) = r.open(&mut buf[..n]).unwrap();
            assert_eq!(ct, ContentType::ApplicationData);
            assert_eq!(&buf[range], &[i; 4]);
        }
    }
}

#[test]
fn tampering_and_replay_fail() {
    let (mut w, mut r) = pair(AeadAlg::Aes128Gcm);
    let mut buf = [0u8; 64];
    let n = w.seal(ContentType::ApplicationData, &mut buf, 5).unwrap();
    let mut bad = buf;
    bad[15] ^= 1;
    assert_eq!(r.open(&mut bad[..n]), Err(Error::BadRecordMac));
    // The failed record consumed sequence number 0, so the genuine one no
    // longer opens either: a receiver never goes back.
    let mut copy = buf;
    assert_eq!(r.open(&mut copy[..n]), Err(Error::BadRecordMac));
    // A protected record claiming another version.
    let (mut w, mut r) = pair(AeadAlg::Aes128Gcm);
    let mut buf = [0u8; 64];
    let n = w.seal(ContentType::ApplicationData, &mut buf, 5).unwrap();
    buf[2] = 1;
    assert_eq!(r.open(&mut buf[..n]), Err(Error::ProtocolVersion));
    // Too short to hold nonce and tag.
    let mut tiny = [23u8, 3, 3, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(r.open(&mut tiny), Err(Error::BadRecordMac));
}

#[test]
fn fragment_limit_enforced_both_ways() {
    let mut w = RecordLayer::new();
    w.set_max_fragment(512);
    let mut buf = [0u8; 600];
    assert_eq!(w.seal(ContentType::ApplicationData, &mut buf, 513), Err(Error::Internal));
    let mut r = RecordLayer::new();
    r.set_max_fragment(512);
    let mut rec = [0u8; 5 + 513];
    RecordHeader::write(&mut rec, ContentType::Handshake, 513).unwrap();
    assert_eq!(r.open(&mut rec), Err(Error::RecordOverflow));
}

#[test]
fn writer_fragments_large_messages() {
    let mut layer = RecordLayer::new();
    layer.set_max_fragment(512);
    let mut tx = [0u8; 2000];
    let mut end = 0;
    let msg: [u8; 1200] = core::array::from_fn(|i| i as u8);
    let mut seen = 0;
    RecordWriter::new(&mut tx, &mut end, &mut layer)
        .write(ContentType::Handshake, |w| w.bytes(&msg), |m| seen = m.len())
        .unwrap();
    assert_eq!(seen, 1200);
    assert_eq!(end, 1200 + 3 * 5);
    // Three records: 512, 512, 176, reassembling to the message.
    let mut r = RecordLayer::new();
    let mut pos = 0;
    let mut out = [0u8; 1200];
    let mut got = 0;
    for want in [512, 512, 176] {
        let len = 5 + u16::from_be_bytes([tx[pos + 3], tx[pos + 4]]) as usize;
        let (ct, range) = r.open(&mut tx[pos..pos + len]).unwrap();
        assert_eq!((ct, range.len()), (ContentType::Handshake, want));
        out[got..got + want].copy_from_slice(&tx[pos + range.start..pos + range.end]);
        got += want;
        pos += len;
    }
    assert_eq!(out, msg);
    // Does not fit: nothing is queued.
    let mut small = [0u8; 100];
    let mut end = 0;
    let e =
        RecordWriter::new(&mut small, &mut end, &mut layer).write(ContentType::Handshake, |w| w.bytes(&msg), |_| {});
    assert_eq!(e, Err(Error::BufferTooSmall));
    assert_eq!(end, 0);
}

#[test]
fn ccs_switches_keys_and_sequence_never_wraps() {
    let mut a = RecordLayer::new();
    assert_eq!(a.activate_read(&RustCrypto), Err(Error::UnexpectedMessage));
    let mut seq = u64::MAX - 1;
    assert_eq!(next_seq(&mut seq), Ok(u64::MAX - 1));
    assert_eq!(next_seq(&mut seq), Err(Error::Internal));
    assert_eq!(seq, u64::MAX);
    let (w, _) = pair(AeadAlg::ChaCha20Poly1305);
    assert!(w.is_write_protected());
    assert_eq!(w.overhead(), 5 + 16);
}

/// record_size_limit (RFC 8449): the own limit is clamped to 64 ..= 2^14;
/// once agreed, what we send follows the peer's limit (2^14 at most), and
/// a protected record over our own limit is record_overflow while a
/// plaintext one of any size up to 2^14 still passes (unprotected records
/// are not subject to it, §4).
#[test]
fn record_size_limit_applies_to_protected_records_only() {
    let mut l = RecordLayer::new();
    assert_eq!(l.own_record_size_limit(), 1 << 14);
    l.set_own_record_size_limit(10);
    assert_eq!(l.own_record_size_limit(), 64);
    l.set_own_record_size_limit(1 << 20);
    assert_eq!(l.own_record_size_limit(), 1 << 14);

    // Sending: the peer's limit, at most 2^14.
    let mut w = RecordLayer::new();
    w.agree_record_size_limit(65535);
    assert_eq!(w.max_fragment_out(), 1 << 14);
    w.agree_record_size_limit(1000);
    assert_eq!(w.max_fragment_out(), 1000);
    let mut buf = [0u8; 1100];
    assert_eq!(w.seal(ContentType::ApplicationData, &mut buf, 1001), Err(Error::Internal));

    // Receiving: our limit, on protected records.
    let (mut a, mut b) = pair(AeadAlg::Aes128Gcm);
    b.set_own_record_size_limit(100);
    b.agree_record_size_limit(1 << 14);
    for (len, ok) in [(100, true), (101, false)] {
        let mut buf = [0u8; 5 + 8 + 101 + 16];
        let n = a.seal(ContentType::ApplicationData, &mut buf, len).unwrap();
        let got = b.open(&mut buf[..n]).map(|(_, r)| r.len());
        if ok {
            assert_eq!(got, Ok(100));
        } else {
            assert_eq!(got.unwrap_err().kind(), crate::ErrorKind::RecordOverflow);
        }
    }
    let mut plain = RecordLayer::new();
    plain.set_own_record_size_limit(100);
    plain.agree_record_size_limit(1 << 14);
    let mut rec = [0u8; 5 + 4000];
    RecordHeader::write(&mut rec, ContentType::Handshake, 4000).unwrap();
    assert_eq!(plain.open(&mut rec).map(|(_, r)| r.len()), Ok(4000));
}

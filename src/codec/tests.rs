//! Byte-exact wire-format tests for the handshake codec.
//!
//! Every expected byte vector below is written out by hand from the RFC
//! layouts (the comment above each one names the section), never produced by
//! the encoder under test. Each encoder is checked byte for byte, then fed
//! back through its parser; each parser is also fed every truncation of its
//! input and the malformed variants the RFCs forbid.

extern crate std;

use std::format;
use std::string::String;
use std::vec;
use std::vec::Vec;

use super::*;
use crate::error::Error;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Decodes a hex string; whitespace is ignored so vectors can be laid out
/// field by field.
fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len() % 2 == 0, "odd number of hex digits");
    digits
        .chunks(2)
        .map(|p| {
            let s = core::str::from_utf8(p).unwrap();
            u8::from_str_radix(s, 16).unwrap()
        })
        .collect()
}

/// Lower-case hex, so a mismatch shows up as a readable diff.
fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Checks that `encode` writes exactly `expected`, and that into every
/// shorter buffer it fails with `BufferTooSmall` instead of writing a
/// truncated message.
fn assert_encodes<F>(expected: &[u8], encode: F)
where
    F: Fn(&mut Writer<'_>) -> Result<(), Error>,
{
    let mut buf = [0u8; 2048];
    let mut w = Writer::new(&mut buf);
    encode(&mut w).unwrap();
    assert_eq!(to_hex(w.written()), to_hex(expected));
    for n in 0..expected.len() {
        let mut small = vec![0u8; n];
        let mut w = Writer::new(&mut small);
        assert_eq!(encode(&mut w), Err(Error::BufferTooSmall), "buffer of {n} bytes");
    }
}

/// Splits a whole handshake message, checks its type and that it is exactly
/// one message, and returns the body.
fn body_of(msg: &[u8], typ: HandshakeType) -> &[u8] {
    let (t, body, used) = split_handshake(msg).expect("whole message");
    assert_eq!(t, typ);
    assert_eq!(used, msg.len());
    assert_eq!(body, &msg[HANDSHAKE_HEADER_LEN..]);
    body
}

/// Checks that every strict prefix of `body` fails to parse with `Decode`,
/// except the lengths in `valid` (where the message legitimately ends early,
/// e.g. a hello without its optional extensions block).
fn assert_prefixes_fail(body: &[u8], valid: &[usize], parse: impl Fn(&[u8]) -> Result<(), Error>) {
    for n in 0..body.len() {
        let r = parse(&body[..n]);
        if valid.contains(&n) {
            assert_eq!(r, Ok(()), "prefix of {n} bytes should parse");
        } else {
            assert_eq!(r, Err(Error::Decode), "prefix of {n} bytes");
        }
    }
}

/// Drops a parse result's value, so parsers returning borrowed views can be
/// passed to [`assert_prefixes_fail`].
fn ok<T>(r: Result<T, Error>) -> Result<(), Error> {
    r.map(|_| ())
}

/// Appends a u16-length-prefixed block.
fn push_vec16(out: &mut Vec<u8>, content: &[u8]) {
    out.extend_from_slice(&(content.len() as u16).to_be_bytes());
    out.extend_from_slice(content);
}

/// A ClientHello body (RFC 5246 §7.4.1.2) with a zero random, the given
/// session_id, cipher_suites and compression_methods (raw vector contents),
/// and `exts` as the extensions block contents (`None`: no block at all).
fn ch_body_with(session_id: &[u8], suites: &[u8], compression: &[u8], exts: Option<&[u8]>) -> Vec<u8> {
    let mut b = hex("0303");
    b.extend_from_slice(&[0u8; 32]);
    b.push(session_id.len() as u8);
    b.extend_from_slice(session_id);
    push_vec16(&mut b, suites);
    b.push(compression.len() as u8);
    b.extend_from_slice(compression);
    if let Some(e) = exts {
        push_vec16(&mut b, e);
    }
    b
}

/// A ClientHello body offering TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, null
/// compression, and the given extensions block contents.
fn ch_body(exts_hex: &str) -> Vec<u8> {
    ch_body_with(&[], &hex("c02f"), &[0], Some(&hex(exts_hex)))
}

/// A ServerHello body (RFC 5246 §7.4.1.3) choosing c02f with null
/// compression and the given extensions block contents.
fn sh_body(exts_hex: &str) -> Vec<u8> {
    let mut b = hex("0303");
    b.extend_from_slice(&[0u8; 32]);
    b.extend_from_slice(&hex("00 c02f 00"));
    push_vec16(&mut b, &hex(exts_hex));
    b
}

fn u16s(l: U16List<'_>) -> Vec<u16> {
    l.iter().collect()
}

// ---------------------------------------------------------------------------
// Handshake framing (RFC 5246 §7.4: msg_type(1) || uint24 length || body)
// ---------------------------------------------------------------------------

#[test]
fn split_handshake_needs_the_whole_message() {
    // A Finished (20) with 12 bytes of verify_data, then the first two bytes
    // of the next message.
    let msg = hex("14 00000c 0102030405060708090a0b0c");
    for n in 0..msg.len() {
        assert_eq!(split_handshake(&msg[..n]), None, "prefix of {n} bytes");
    }
    let (t, body, used) = split_handshake(&msg).unwrap();
    assert_eq!(t, HandshakeType::Finished);
    assert_eq!(body, &msg[4..]);
    assert_eq!(used, 16);

    let mut two = msg.clone();
    two.extend_from_slice(&hex("0e 00"));
    let (t, body, used) = split_handshake(&two).unwrap();
    assert_eq!((t, body.len(), used), (HandshakeType::Finished, 12, 16));
    // What is left is the start of the next message, not yet whole.
    assert_eq!(split_handshake(&two[used..]), None);
}

#[test]
fn split_handshake_empty_body_and_unknown_type() {
    // ServerHelloDone (14): a header and nothing else (RFC 5246 §7.4.5).
    assert_eq!(split_handshake(&hex("0e 000000")), Some((HandshakeType::ServerHelloDone, &[][..], 4)));
    // HelloRequest (0).
    assert_eq!(split_handshake(&hex("00 000000 ff")), Some((HandshakeType::HelloRequest, &[][..], 4)));
    // An unassigned type (3 was hello_verify_request, DTLS only) is passed
    // through for the state machine to refuse.
    assert_eq!(split_handshake(&hex("03 000001 aa")), Some((HandshakeType::Unknown(3), &[0xaa][..], 5)));
}

#[test]
fn handshake_message_len_from_header_only() {
    let hdr = hex("0b 012345");
    for n in 0..4 {
        assert_eq!(handshake_message_len(&hdr[..n]), None, "prefix of {n} bytes");
    }
    assert_eq!(handshake_message_len(&hdr), Some(0x012345 + 4));
    assert_eq!(handshake_message_len(&hex("0e 000000")), Some(4));
    assert_eq!(handshake_message_len(&hex("01 ffffff 00")), Some(0xff_ffff + 4));
    // The body need not be there yet.
    assert_eq!(split_handshake(&hdr), None);
}

#[test]
fn write_handshake_header() {
    assert_encodes(&hex("0e 000000"), |w| write_handshake(w, HandshakeType::ServerHelloDone, |_| Ok(())));
    assert_encodes(&hex("10 000003 02 abcd"), |w| {
        write_handshake(w, HandshakeType::ClientKeyExchange, |w| w.vec8(&[0xab, 0xcd]))
    });
}

// ---------------------------------------------------------------------------
// U16List (cipher_suites, named_group_list, supported_signature_algorithms)
// ---------------------------------------------------------------------------

#[test]
fn u16_list_lengths() {
    let raw = hex("c02b 001d ffff");
    let l = U16List::parse(&raw, true).unwrap();
    assert_eq!(u16s(l), [0xc02b, 0x001d, 0xffff]);
    assert!(l.contains(0x001d));
    assert!(!l.contains(0x1d00));
    assert_eq!(l.raw(), &raw[..]);
    assert_eq!(U16List::parse(&raw[..5], false), Err(Error::Decode));
    assert_eq!(U16List::parse(&[], true), Err(Error::Decode));
    assert_eq!(U16List::parse(&[], false).map(|l| l.iter().count()), Ok(0));
}

// ---------------------------------------------------------------------------
// ClientHello encoding: RFC 5246 §7.4.1.2 (body), §7.4.1.4 (extension
// framing), §7.4.1.4.1 (signature_algorithms); RFC 6066 §3 (server_name),
// §4 (max_fragment_length); RFC 8422 §5.1.1-5.1.2 (supported_groups,
// ec_point_formats); RFC 7301 §3.1 (ALPN); RFC 7627 §5.1
// (extended_master_secret); RFC 5077 §3.2 (session_ticket); RFC 5746 §3.2
// (renegotiation_info).
// ---------------------------------------------------------------------------

/// A ClientHello with every extension the encoder can write.
fn full_client_hello() -> Vec<u8> {
    hex(concat!(
        "01 00008b", // msg_type client_hello(1), uint24 length 139
        "0303",      // client_version {3, 3}
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", // random
        "08 5a5a5a5a5a5a5a5a", // session_id<0..32>
        "0006 c02b cca9 00ff", // cipher_suites<2..2^16-2>, incl. the RI SCSV
        "01 00",     // compression_methods<1..2^8-1>: null
        "0054",      // extensions<0..2^16-1>: 84 bytes
        // server_name(0): ServerNameList<1..2^16-1> { host_name(0), HostName<1..2^16-1> }
        "0000 0010 000e 00 000b 6578616d706c652e636f6d",
        // max_fragment_length(1): 2^11
        "0001 0001 03",
        // supported_groups(10): NamedCurveList<2..2^16-1> { x25519, secp256r1 }
        "000a 0006 0004 001d 0017",
        // ec_point_formats(11): ECPointFormatList<1..2^8-1> { uncompressed }
        "000b 0002 01 00",
        // signature_algorithms(13): { ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256 }
        "000d 0008 0006 0403 0804 0401",
        // application_layer_protocol_negotiation(16): { "h2", "http/1.1" }
        "0010 000e 000c 02 6832 08 687474702f312e31",
        // extended_master_secret(23): empty
        "0017 0000",
        // session_ticket(35): empty (no ticket yet, RFC 5077 §3.2)
        "0023 0000",
        // renegotiation_info(0xff01): renegotiated_connection<0..255>, empty
        "ff01 0001 00",
    ))
}

const SUITES: &[CipherSuite] = &[
    CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
];
const GROUPS: &[NamedGroup] = &[NamedGroup::X25519, NamedGroup::Secp256r1];
const SCHEMES: &[SignatureScheme] =
    &[SignatureScheme::ECDSA_NISTP256_SHA256, SignatureScheme::RSA_PSS_SHA256, SignatureScheme::RSA_PKCS1_SHA256];
const ALPN: &[&[u8]] = &[b"h2", b"http/1.1"];

#[test]
fn client_hello_encode_every_extension() {
    let random: [u8; 32] = core::array::from_fn(|i| i as u8);
    let repr = ClientHelloRepr {
        random,
        session_id: &[0x5a; 8],
        cipher_suites: SUITES,
        server_name: Some(b"example.com"),
        max_fragment_length: Some(MaxFragmentLength::Bytes2048),
        groups: GROUPS,
        signature_schemes: SCHEMES,
        alpn: ByteStrings::new(ALPN),
        extended_master_secret: true,
        renegotiation_info: Some(&[]),
        session_ticket: Some(&[]),
        // Its own test below (RFC 8449).
        record_size_limit: None,
    };
    let expected = full_client_hello();
    assert_eq!(expected.len(), 4 + 139);
    assert_encodes(&expected, |w| repr.encode(w));
}

#[test]
fn client_hello_parse_every_extension() {
    let msg = full_client_hello();
    let ch = ClientHello::parse(body_of(&msg, HandshakeType::ClientHello)).unwrap();
    assert_eq!(ch.version, 0x0303);
    assert_eq!(ch.random, core::array::from_fn::<u8, 32, _>(|i| i as u8));
    assert_eq!(ch.session_id, &[0x5a; 8]);
    assert_eq!(u16s(ch.cipher_suites), [0xc02b, 0xcca9, 0x00ff]);
    assert!(ch.offers_suite(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256));
    assert!(ch.offers_suite(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV));
    assert!(!ch.offers_suite(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256));
    assert_eq!(ch.compression_methods, &[0]);
    assert_eq!(ch.server_name, Some(&b"example.com"[..]));
    assert_eq!(ch.max_fragment_length, Some(MaxFragmentLength::Bytes2048));
    assert_eq!(ch.supported_groups.map(u16s), Some(vec![29, 23]));
    assert_eq!(ch.ec_point_formats, Some(&[0u8][..]));
    assert_eq!(ch.signature_algorithms.map(u16s), Some(vec![0x0403, 0x0804, 0x0401]));
    assert_eq!(ch.alpn, Some(&hex("02 6832 08 687474702f312e31")[..]));
    assert_eq!(alpn_names(ch.alpn.unwrap()).collect::<Vec<_>>(), ALPN);
    assert!(ch.extended_master_secret);
    assert_eq!(ch.session_ticket, Some(&[][..]));
    assert_eq!(ch.renegotiation_info, Some(&[][..]));
    assert_eq!(ch.record_size_limit, None);
    assert!(!ch.encrypt_then_mac);
}

#[test]
fn client_hello_every_truncation_is_refused() {
    let msg = full_client_hello();
    let body = body_of(&msg, HandshakeType::ClientHello);
    // 2 + 32 + 9 + 8 + 2 = 53: the hello up to compression_methods is a
    // valid ClientHello with no extensions block (RFC 5246 §7.4.1.2).
    assert_prefixes_fail(body, &[53], |b| ok(ClientHello::parse(b)));
}

/// A resumption ClientHello: 32-byte session_id, a ticket, no groups (so no
/// ec_point_formats either), SCSV instead of renegotiation_info.
#[test]
fn client_hello_encode_resumption() {
    let expected = hex(concat!(
        "01 000059", // client_hello, length 89
        "0303",
        "a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5", // random
        "20 3333333333333333333333333333333333333333333333333333333333333333", // session_id, 32 bytes
        "0004 c02f 00ff",                                                   // cipher_suites
        "01 00",                                                            // compression_methods
        "000c",                                                             // extensions: 12 bytes
        "0017 0000",                                                        // extended_master_secret
        "0023 0004 deadbeef", // session_ticket(35) carrying the ticket (RFC 5077 §3.2)
    ));
    let repr = ClientHelloRepr {
        random: [0xa5; 32],
        session_id: &[0x33; 32],
        cipher_suites: &[
            CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
        ],
        extended_master_secret: true,
        session_ticket: Some(&[0xde, 0xad, 0xbe, 0xef]),
        ..Default::default()
    };
    assert_encodes(&expected, |w| repr.encode(w));

    let ch = ClientHello::parse(body_of(&expected, HandshakeType::ClientHello)).unwrap();
    assert_eq!(ch.random, [0xa5; 32]);
    assert_eq!(ch.session_id, &[0x33; 32]);
    assert_eq!(u16s(ch.cipher_suites), [0xc02f, 0x00ff]);
    assert_eq!(ch.session_ticket, Some(&[0xde, 0xad, 0xbe, 0xef][..]));
    assert!(ch.extended_master_secret);
    assert_eq!(ch.renegotiation_info, None);
    assert_eq!(ch.supported_groups, None);
    assert_eq!(ch.ec_point_formats, None);
    assert_eq!(ch.signature_algorithms, None);
    assert_eq!(ch.server_name, None);
    assert_eq!(ch.alpn, None);
}

/// A renegotiating ClientHello carries client_verify_data (12 bytes) in
/// renegotiation_info (RFC 5746 §3.5); no other extension, no session.
#[test]
fn client_hello_encode_renegotiation_info_with_verify_data() {
    let expected = hex(concat!(
        "01 00003c", // client_hello, length 60
        "0303",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "00",                                    // session_id: empty
        "0002 c02b",                             // cipher_suites
        "01 00",                                 // compression_methods
        "0011",                                  // extensions: 17 bytes
        "ff01 000d 0c 0102030405060708090a0b0c", // renegotiation_info
    ));
    let verify_data = hex("0102030405060708090a0b0c");
    let repr = ClientHelloRepr {
        cipher_suites: &[CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256],
        renegotiation_info: Some(&verify_data),
        ..Default::default()
    };
    assert_encodes(&expected, |w| repr.encode(w));
    let ch = ClientHello::parse(body_of(&expected, HandshakeType::ClientHello)).unwrap();
    assert_eq!(ch.renegotiation_info, Some(&verify_data[..]));
    assert!(!ch.extended_master_secret);
}

/// With nothing to say, the encoder still writes an (empty) extensions block.
#[test]
fn client_hello_encode_no_extensions() {
    let expected = hex(concat!(
        "01 00002b", // client_hello, length 43
        "0303",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "00",        // session_id
        "0002 cca8", // cipher_suites
        "01 00",     // compression_methods
        "0000",      // extensions: empty
    ));
    let repr = ClientHelloRepr {
        random: [0xff; 32],
        cipher_suites: &[CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256],
        ..Default::default()
    };
    assert_encodes(&expected, |w| repr.encode(w));
    let ch = ClientHello::parse(body_of(&expected, HandshakeType::ClientHello)).unwrap();
    assert_eq!(ch.random, [0xff; 32]);
    assert_eq!(u16s(ch.cipher_suites), [0xcca8]);
    assert_eq!(ch.server_name, None);
    assert_eq!(ch.renegotiation_info, None);
    assert!(!ch.extended_master_secret);
}

// ---------------------------------------------------------------------------
// ClientHello parsing: real ClientHellos from other stacks. These are public
// test data, captured from a listener that recorded the first record.
// ---------------------------------------------------------------------------

/// `openssl s_client -tls1_2 -servername example.com -alpn h2,http/1.1`
/// (OpenSSL 3.0), whole TLSPlaintext record (RFC 5246 §6.2.1).
const OPENSSL_CLIENT_HELLO: &str = concat!(
    "16030100dd010000d903034c8c3e21099320e50c5b9fbda1b67330f912ee2c96264d966657c2879815dfc3000038c0",
    "2cc030009fcca9cca8ccaac02bc02f009ec024c028006bc023c0270067c00ac0140039c009c0130033009d009c003d",
    "003c0035002f00ff0100007800000010000e00000b6578616d706c652e636f6d000b000403000102000a000c000a00",
    "1d0017001e00190018002300000010000e000c02683208687474702f312e310016000000170000000d002a00280403",
    "05030603080708080809080a080b080408050806040105010601030303010302040205020602",
);

/// `gnutls-cli --priority NORMAL:-VERS-ALL:+VERS-TLS1.2 --sni-hostname
/// example.com` (GnuTLS 3.7.9), whole record.
const GNUTLS_CLIENT_HELLO: &str = concat!(
    "16030300d9010000d503033179e777f0069a0dee0b7faa320f37453df3e8ed474ac548ecdc42a93cb9064a000032c0",
    "2ccca9c0adc00ac02bc0acc009c030cca8c014c02fc013009dc09d0035009cc09c002f009fccaac09f0039009ec09e",
    "00330100007a000500050100000000000a00160014001700180019001d001e01000101010201030104000b00020100",
    "000d00220020040108090804040308070501080a0805050308080601080b0806060302010203001600000017000000",
    "230000ff0100010000000010000e00000b6578616d706c652e636f6d001c00024000",
);

/// Strips the 5-byte record header, checking it says handshake(22).
fn record_payload(rec: &[u8]) -> &[u8] {
    assert_eq!(ContentType::from(rec[0]), ContentType::Handshake);
    assert_eq!(usize::from(u16::from_be_bytes([rec[3], rec[4]])), rec.len() - 5);
    &rec[5..]
}

#[test]
fn client_hello_parse_openssl() {
    let rec = hex(OPENSSL_CLIENT_HELLO);
    let ch = ClientHello::parse(body_of(record_payload(&rec), HandshakeType::ClientHello)).unwrap();
    assert_eq!(ch.version, TLS12);
    assert_eq!(to_hex(&ch.random), "4c8c3e21099320e50c5b9fbda1b67330f912ee2c96264d966657c2879815dfc3");
    assert!(ch.session_id.is_empty());
    assert_eq!(ch.cipher_suites.iter().count(), 28);
    assert_eq!(ch.cipher_suites.iter().next(), Some(0xc02c));
    assert!(ch.offers_suite(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256));
    assert!(ch.offers_suite(CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256));
    // OpenSSL signals secure renegotiation with the SCSV, last.
    assert_eq!(ch.cipher_suites.iter().last(), Some(0x00ff));
    assert_eq!(ch.renegotiation_info, None);
    assert_eq!(ch.compression_methods, &[0]);
    assert_eq!(ch.server_name, Some(&b"example.com"[..]));
    assert_eq!(ch.ec_point_formats, Some(&[0u8, 1, 2][..]));
    assert_eq!(ch.supported_groups.map(u16s), Some(vec![0x001d, 0x0017, 0x001e, 0x0019, 0x0018]));
    let sigs = u16s(ch.signature_algorithms.unwrap());
    assert_eq!(sigs.len(), 20);
    assert_eq!(&sigs[..3], [0x0403, 0x0503, 0x0603]);
    assert!(sigs.contains(&0x0804) && sigs.contains(&0x0401));
    assert_eq!(alpn_names(ch.alpn.unwrap()).collect::<Vec<_>>(), [&b"h2"[..], &b"http/1.1"[..]]);
    assert!(ch.extended_master_secret);
    assert!(ch.encrypt_then_mac);
    assert_eq!(ch.session_ticket, Some(&[][..]));
    assert_eq!(ch.max_fragment_length, None);
    assert_eq!(ch.record_size_limit, None);
}

#[test]
fn client_hello_parse_gnutls() {
    let rec = hex(GNUTLS_CLIENT_HELLO);
    let ch = ClientHello::parse(body_of(record_payload(&rec), HandshakeType::ClientHello)).unwrap();
    assert_eq!(ch.version, TLS12);
    assert_eq!(to_hex(&ch.random), "3179e777f0069a0dee0b7faa320f37453df3e8ed474ac548ecdc42a93cb9064a");
    assert!(ch.session_id.is_empty());
    assert_eq!(ch.cipher_suites.iter().count(), 25);
    assert!(ch.offers_suite(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384));
    assert!(ch.offers_suite(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256));
    // GnuTLS uses the extension rather than the SCSV.
    assert!(!ch.offers_suite(CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV));
    assert_eq!(ch.renegotiation_info, Some(&[][..]));
    assert_eq!(ch.server_name, Some(&b"example.com"[..]));
    // secp256r1, secp384r1, secp521r1, x25519, x448, ffdhe2048..8192.
    assert_eq!(
        ch.supported_groups.map(u16s),
        Some(vec![0x17, 0x18, 0x19, 0x1d, 0x1e, 0x100, 0x101, 0x102, 0x103, 0x104])
    );
    assert_eq!(ch.ec_point_formats, Some(&[0u8][..]));
    let sigs = u16s(ch.signature_algorithms.unwrap());
    assert_eq!(sigs.len(), 16);
    assert_eq!(sigs[0], 0x0401);
    assert!(sigs.contains(&0x0403) && sigs.contains(&0x0807));
    assert_eq!(ch.record_size_limit, Some(0x4000));
    assert!(ch.extended_master_secret);
    assert!(ch.encrypt_then_mac);
    assert_eq!(ch.session_ticket, Some(&[][..]));
    // status_request(5) is present and ignored.
    assert_eq!(ch.alpn, None);
    assert_eq!(ch.max_fragment_length, None);
}

// ---------------------------------------------------------------------------
// ClientHello parsing: what the RFCs forbid is refused.
// ---------------------------------------------------------------------------

#[test]
fn client_hello_helpers_build_a_valid_hello() {
    // The negative tests below change one thing in these; check the
    // unchanged forms parse, so each refusal is due to that one thing.
    let raw = ch_body("0017 0000");
    let ch = ClientHello::parse(&raw).unwrap();
    assert!(ch.extended_master_secret);
    assert_eq!(u16s(ch.cipher_suites), [0xc02f]);
    assert!(ClientHello::parse(&ch_body_with(&[7; 32], &hex("c02f"), &[0], None)).is_ok());
}

#[test]
fn client_hello_without_extensions_block_has_defaults() {
    // RFC 5246 §7.4.1.2: the extensions field may be absent entirely.
    let body = ch_body_with(&[1, 2, 3], &hex("c02b c02f"), &[1, 0], None);
    let ch = ClientHello::parse(&body).unwrap();
    assert_eq!(ch.version, 0x0303);
    assert_eq!(ch.session_id, &[1, 2, 3]);
    assert_eq!(u16s(ch.cipher_suites), [0xc02b, 0xc02f]);
    assert_eq!(ch.compression_methods, &[1, 0]);
    assert_eq!(ch.server_name, None);
    assert_eq!(ch.max_fragment_length, None);
    assert_eq!(ch.supported_groups, None);
    assert_eq!(ch.ec_point_formats, None);
    assert_eq!(ch.signature_algorithms, None);
    assert_eq!(ch.alpn, None);
    assert!(!ch.extended_master_secret);
    assert_eq!(ch.renegotiation_info, None);
    assert_eq!(ch.session_ticket, None);
    assert_eq!(ch.record_size_limit, None);
    assert!(!ch.encrypt_then_mac);

    // A present but empty block is the same.
    let raw = ch_body("");
    let ch = ClientHello::parse(&raw).unwrap();
    assert!(ch.server_name.is_none() && !ch.extended_master_secret);
}

#[test]
fn client_hello_session_id_longer_than_32_is_decode_error() {
    // RFC 5246 §7.4.1.2: SessionID<0..32>; a longer vector is malformed
    // (decode_error, what OpenSSL and GnuTLS send).
    assert!(ClientHello::parse(&ch_body_with(&[9; 32], &hex("c02f"), &[0], None)).is_ok());
    assert_eq!(ClientHello::parse(&ch_body_with(&[9; 33], &hex("c02f"), &[0], None)).err(), Some(Error::Decode));
}

#[test]
fn client_hello_cipher_suites_odd_or_empty() {
    // CipherSuite cipher_suites<2..2^16-2>.
    assert_eq!(ClientHello::parse(&ch_body_with(&[], &hex("c02f 00"), &[0], None)).err(), Some(Error::Decode));
    assert_eq!(ClientHello::parse(&ch_body_with(&[], &[], &[0], None)).err(), Some(Error::Decode));
}

#[test]
fn client_hello_compression_methods_empty() {
    // CompressionMethod compression_methods<1..2^8-1>.
    assert_eq!(ClientHello::parse(&ch_body_with(&[], &hex("c02f"), &[], None)).err(), Some(Error::Decode));
}

#[test]
fn client_hello_short_random() {
    assert_eq!(ClientHello::parse(&hex("0303 0000")).err(), Some(Error::Decode));
}

#[test]
fn client_hello_duplicate_extensions() {
    // RFC 5246 §7.4.1.4: "There MUST NOT be more than one extension of the
    // same type." Known type, even when not adjacent: illegal_parameter, as
    // OpenSSL sends.
    assert_eq!(ClientHello::parse(&ch_body("0017 0000 0016 0000 0017 0000")).err(), Some(Error::IllegalParameter));
    // A repeated unknown type is ignored, like every unknown type: only
    // the types this crate reads are checked (no per-type table).
    assert!(ClientHello::parse(&ch_body("1234 0000 0017 0000 1234 0001 00")).unwrap().extended_master_secret);
    // Distinct unknown types are fine and ignored.
    let raw = ch_body("1234 0000 1235 0002 abcd 0017 0000");
    let ch = ClientHello::parse(&raw).unwrap();
    assert!(ch.extended_master_secret);
    // The same for a pair that only differs in the high byte.
    assert!(ClientHello::parse(&ch_body("0a0a 0000 1a0a 0000")).is_ok());
}

#[test]
fn client_hello_thousands_of_unknown_extensions_and_schemes() {
    // 3000 unknown extensions (every type repeated three times) and 2000
    // signature schemes with repeats: all within one message, all parsed.
    let mut exts = String::new();
    for i in 0..3000u16 {
        exts.push_str(&format!("{:04x} 0000 ", 0x7000 + i % 1000));
    }
    let mut schemes = String::new();
    for i in 0..2000u16 {
        schemes.push_str(&format!("{:04x}", 0x0900 + i % 700));
    }
    schemes.push_str("0403");
    exts.push_str(&format!("000d {:04x} {:04x} {schemes}", 2 + 2 * 2001, 2 * 2001));
    let raw = ch_body(&exts);
    assert!(raw.len() > 16_000);
    let ch = ClientHello::parse(&raw).unwrap();
    let algs = ch.signature_algorithms.unwrap();
    assert_eq!(algs.iter().count(), 2001);
    assert!(algs.contains(0x0403));
}

#[test]
fn client_hello_extension_framing() {
    // Extension length runs past the block.
    assert_eq!(ClientHello::parse(&ch_body("0017 0001")).err(), Some(Error::Decode));
    // A lone byte of an extension header.
    assert_eq!(ClientHello::parse(&ch_body("00")).err(), Some(Error::Decode));
    // Block length runs past the body.
    let mut body = ch_body_with(&[], &hex("c02f"), &[0], None);
    body.extend_from_slice(&hex("0005 0017 0000"));
    assert_eq!(ClientHello::parse(&body).err(), Some(Error::Decode));
    // A single byte where the extensions block would start.
    let mut body = ch_body_with(&[], &hex("c02f"), &[0], None);
    body.push(0);
    assert_eq!(ClientHello::parse(&body).err(), Some(Error::Decode));
    // Trailing bytes after the extensions block.
    let mut body = ch_body("0017 0000");
    body.push(0);
    assert_eq!(ClientHello::parse(&body).err(), Some(Error::Decode));
}

#[test]
fn client_hello_server_name() {
    // RFC 6066 §3: ServerNameList<1..2^16-1>, HostName<1..2^16-1>.
    let raw = ch_body("0000 0008 0006 00 0003 613a62");
    let ch = ClientHello::parse(&raw).unwrap();
    assert_eq!(ch.server_name, Some(&b"a:b"[..]));
    // "MUST NOT contain more than one name of the same name_type":
    // decode_error, as OpenSSL sends.
    assert_eq!(ClientHello::parse(&ch_body("0000 000a 0008 00 0001 61 00 0001 62")).err(), Some(Error::Decode));
    // An unknown name_type beside a host_name is skipped.
    let raw = ch_body("0000 000a 0008 07 0001 78 00 0001 62");
    let ch = ClientHello::parse(&raw).unwrap();
    assert_eq!(ch.server_name, Some(&b"b"[..]));
    // Empty list.
    assert_eq!(ClientHello::parse(&ch_body("0000 0002 0000")).err(), Some(Error::Decode));
    // Empty host_name: decode_error, as GnuTLS sends.
    assert_eq!(ClientHello::parse(&ch_body("0000 0005 0003 00 0000")).err(), Some(Error::Decode));
    // Name length past the list.
    assert_eq!(ClientHello::parse(&ch_body("0000 0006 0004 00 0002 61")).err(), Some(Error::Decode));
    // Bytes after the list inside the extension.
    assert_eq!(ClientHello::parse(&ch_body("0000 0007 0004 00 0001 61 ff")).err(), Some(Error::Decode));
    // An empty extension body (that is the server's echo, not a request).
    assert_eq!(ClientHello::parse(&ch_body("0000 0000")).err(), Some(Error::Decode));
}

#[test]
fn client_hello_max_fragment_length() {
    // RFC 6066 §4: a single byte.
    for (code, v) in [(1, MaxFragmentLength::Bytes512), (4, MaxFragmentLength::Bytes4096)] {
        let raw = ch_body(&format!("0001 0001 {code:02x}"));
        let ch = ClientHello::parse(&raw).unwrap();
        assert_eq!(ch.max_fragment_length, Some(v));
    }
    // An unknown value parses; the connection refuses it.
    let raw = ch_body("0001 0001 05");
    let ch = ClientHello::parse(&raw).unwrap();
    assert_eq!(ch.max_fragment_length, Some(MaxFragmentLength::Unknown(5)));
    assert_eq!(ClientHello::parse(&ch_body("0001 0000")).err(), Some(Error::Decode));
    assert_eq!(ClientHello::parse(&ch_body("0001 0002 0102")).err(), Some(Error::Decode));
}

#[test]
fn client_hello_supported_groups() {
    // RFC 8422 §5.1.1: NamedCurve named_curve_list<2..2^16-1>.
    let raw = ch_body("000a 0004 0002 0017");
    let ch = ClientHello::parse(&raw).unwrap();
    assert_eq!(ch.supported_groups.map(u16s), Some(vec![23]));
    assert_eq!(ClientHello::parse(&ch_body("000a 0005 0003 0017 00")).err(), Some(Error::Decode));
    assert_eq!(ClientHello::parse(&ch_body("000a 0002 0000")).err(), Some(Error::Decode));
    assert_eq!(ClientHello::parse(&ch_body("000a 0005 0002 0017 00")).err(), Some(Error::Decode));
}

#[test]
fn client_hello_ec_point_formats() {
    // RFC 8422 §5.1.2: ECPointFormat ec_point_format_list<1..2^8-1>.
    let raw = ch_body("000b 0003 02 0100");
    let ch = ClientHello::parse(&raw).unwrap();
    assert_eq!(ch.ec_point_formats, Some(&[1u8, 0][..]));
    assert_eq!(ClientHello::parse(&ch_body("000b 0001 00")).err(), Some(Error::Decode));
    assert_eq!(ClientHello::parse(&ch_body("000b 0003 01 00 00")).err(), Some(Error::Decode));
}

#[test]
fn client_hello_signature_algorithms() {
    // RFC 5246 §7.4.1.4.1: supported_signature_algorithms<2..2^16-2>.
    let raw = ch_body("000d 0004 0002 0807");
    let ch = ClientHello::parse(&raw).unwrap();
    assert_eq!(ch.signature_algorithms.map(u16s), Some(vec![0x0807]));
    assert_eq!(ClientHello::parse(&ch_body("000d 0005 0003 0807 01")).err(), Some(Error::Decode));
    assert_eq!(ClientHello::parse(&ch_body("000d 0002 0000")).err(), Some(Error::Decode));
}

#[test]
fn client_hello_alpn() {
    // RFC 7301 §3.1: ProtocolName<1..2^8-1>, protocol_name_list<2..2^16-1>.
    let raw = ch_body("0010 0005 0003 02 6832");
    let ch = ClientHello::parse(&raw).unwrap();
    assert_eq!(alpn_names(ch.alpn.unwrap()).collect::<Vec<_>>(), [&b"h2"[..]]);
    // An empty name, alone or after a good one.
    assert_eq!(ClientHello::parse(&ch_body("0010 0003 0001 00")).err(), Some(Error::Decode));
    assert_eq!(ClientHello::parse(&ch_body("0010 0006 0004 02 6832 00")).err(), Some(Error::Decode));
    // An empty list.
    assert_eq!(ClientHello::parse(&ch_body("0010 0002 0000")).err(), Some(Error::Decode));
    // A name running past the list.
    assert_eq!(ClientHello::parse(&ch_body("0010 0005 0003 03 6832")).err(), Some(Error::Decode));
    // Bytes after the list.
    assert_eq!(ClientHello::parse(&ch_body("0010 0006 0003 02 6832 00")).err(), Some(Error::Decode));
}

#[test]
fn client_hello_empty_extensions_must_be_empty() {
    // extended_master_secret (RFC 7627 §5.1) and encrypt_then_mac
    // (RFC 7366 §2) have an empty extension_data.
    assert_eq!(ClientHello::parse(&ch_body("0017 0001 00")).err(), Some(Error::Decode));
    assert_eq!(ClientHello::parse(&ch_body("0016 0001 00")).err(), Some(Error::Decode));
    let raw = ch_body("0016 0000");
    let ch = ClientHello::parse(&raw).unwrap();
    assert!(ch.encrypt_then_mac && !ch.extended_master_secret);
}

#[test]
fn client_hello_renegotiation_info() {
    // RFC 5746 §3.2: opaque renegotiated_connection<0..255>.
    let raw = ch_body("ff01 0003 02 abcd");
    let ch = ClientHello::parse(&raw).unwrap();
    assert_eq!(ch.renegotiation_info, Some(&[0xab, 0xcd][..]));
    assert_eq!(ClientHello::parse(&ch_body("ff01 0000")).err(), Some(Error::Decode));
    // Bytes after the vector are ignored, as OpenSSL and GnuTLS do.
    let raw = ch_body("ff01 0002 00 00");
    assert_eq!(ClientHello::parse(&raw).unwrap().renegotiation_info, Some(&[][..]));
    assert_eq!(ClientHello::parse(&ch_body("ff01 0002 02 ab")).err(), Some(Error::Decode));
}

#[test]
fn client_hello_record_size_limit_and_ignored_extensions() {
    // RFC 8449 §4: uint16 RecordSizeLimit.
    let raw = ch_body("001c 0002 0200");
    let ch = ClientHello::parse(&raw).unwrap();
    assert_eq!(ch.record_size_limit, Some(512));
    assert_eq!(ClientHello::parse(&ch_body("001c 0001 02")).err(), Some(Error::Decode));
    assert_eq!(ClientHello::parse(&ch_body("001c 0003 020000")).err(), Some(Error::Decode));
    // status_request(5) and supported_versions(43) are skipped whatever
    // their contents.
    let raw = ch_body("0005 0001 ff 002b 0003 02 0304 0017 0000");
    let ch = ClientHello::parse(&raw).unwrap();
    assert!(ch.extended_master_secret);
}

// ---------------------------------------------------------------------------
// ServerHello: RFC 5246 §7.4.1.3 (body), §7.4.1.4 (extensions); RFC 6066 §3
// (empty server_name echo), §4; RFC 8422 §5.2; RFC 7301 §3.1 (exactly one
// name); RFC 7627 §5.1; RFC 5077 §3.2 (empty session_ticket); RFC 5746 §3.6.
// ---------------------------------------------------------------------------

fn full_server_hello() -> Vec<u8> {
    hex(concat!(
        "02 00006d",                                                           // msg_type server_hello(2), length 109
        "0303",                                                                // server_version
        "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",    // random
        "20 1111111111111111111111111111111111111111111111111111111111111111", // session_id, 32 bytes
        "c02b",                                                                // cipher_suite
        "00",                                                                  // compression_method: null
        "0025",                                                                // extensions: 37 bytes
        "0000 0000",                                                           // server_name: empty acknowledgement
        "0001 0001 01",                                                        // max_fragment_length: 2^9
        "000b 0002 01 00",                                                     // ec_point_formats: uncompressed
        "0010 0005 0003 02 6832",                                              // ALPN: the single selected name "h2"
        "0017 0000",                                                           // extended_master_secret
        "0023 0000",    // session_ticket: empty (a NewSessionTicket will follow)
        "ff01 0001 00", // renegotiation_info: empty on an initial handshake
    ))
}

#[test]
fn server_hello_encode_every_extension() {
    let repr = ServerHelloRepr {
        random: core::array::from_fn(|i| 0x20 + i as u8),
        session_id: &[0x11; 32],
        cipher_suite: 0xc02b,
        server_name_ack: true,
        max_fragment_length: Some(MaxFragmentLength::Bytes512),
        ec_point_formats: true,
        alpn: Some(b"h2"),
        extended_master_secret: true,
        renegotiation_info: Some(&[]),
        session_ticket_ack: true,
        // Its own test below (RFC 8449).
        record_size_limit: None,
    };
    let expected = full_server_hello();
    assert_eq!(expected.len(), 4 + 109);
    assert_encodes(&expected, |w| repr.encode(w));
}

#[test]
fn server_hello_parse_every_extension() {
    let msg = full_server_hello();
    let sh = ServerHello::parse(body_of(&msg, HandshakeType::ServerHello)).unwrap();
    assert_eq!(sh.version, 0x0303);
    assert_eq!(sh.random, core::array::from_fn::<u8, 32, _>(|i| 0x20 + i as u8));
    assert_eq!(sh.session_id, &[0x11; 32]);
    assert_eq!(sh.cipher_suite, 0xc02b);
    assert_eq!(sh.compression_method, 0);
    assert!(sh.server_name_ack);
    assert_eq!(sh.max_fragment_length, Some(MaxFragmentLength::Bytes512));
    assert_eq!(sh.ec_point_formats, Some(&[0u8][..]));
    assert_eq!(sh.alpn, Some(&b"h2"[..]));
    assert!(sh.extended_master_secret);
    assert!(sh.session_ticket_ack);
    assert_eq!(sh.renegotiation_info, Some(&[][..]));
    assert_eq!(sh.unsolicited, None);
}

#[test]
fn server_hello_every_truncation_is_refused() {
    let msg = full_server_hello();
    // 2 + 32 + 33 + 2 + 1 = 70: a ServerHello without an extensions block.
    assert_prefixes_fail(body_of(&msg, HandshakeType::ServerHello), &[70], |b| ok(ServerHello::parse(b)));
}

#[test]
fn server_hello_encode_minimal() {
    let expected = hex(concat!(
        "02 000028", // server_hello, length 40
        "0303",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "00",   // session_id: empty (no resumption)
        "cca8", // cipher_suite
        "00",   // compression_method
        "0000", // extensions: empty
    ));
    let repr = ServerHelloRepr { cipher_suite: 0xcca8, ..Default::default() };
    assert_encodes(&expected, |w| repr.encode(w));
    let sh = ServerHello::parse(body_of(&expected, HandshakeType::ServerHello)).unwrap();
    assert_eq!(sh.cipher_suite, 0xcca8);
    assert!(sh.session_id.is_empty());
    assert!(!sh.server_name_ack && !sh.extended_master_secret && !sh.session_ticket_ack);
    assert_eq!(sh.max_fragment_length, None);
    assert_eq!(sh.ec_point_formats, None);
    assert_eq!(sh.alpn, None);
    assert_eq!(sh.renegotiation_info, None);
    assert_eq!(sh.unsolicited, None);
}

/// record_size_limit (RFC 8449 §4, type 28): a uint16, after
/// extended_master_secret in a ClientHello, after session_ticket in a
/// ServerHello; parsed back; a body that is not exactly two bytes is
/// decode_error; a second one is illegal_parameter.
#[test]
fn record_size_limit_encodes_and_parses_both_ways() {
    let ch_bytes = hex(concat!(
        "01 000035", // client_hello, length 53
        "0303",
        "a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5", // random
        "00",                                                               // session_id: empty
        "0002 c02b",                                                        // cipher_suites
        "01 00",                                                            // compression_methods
        "000a",                                                             // extensions: 10 bytes
        "0017 0000",                                                        // extended_master_secret
        "001c 0002 0800",                                                   // record_size_limit: 2048
    ));
    let repr = ClientHelloRepr {
        random: [0xa5; 32],
        cipher_suites: &[CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256],
        extended_master_secret: true,
        record_size_limit: Some(2048),
        ..Default::default()
    };
    assert_encodes(&ch_bytes, |w| repr.encode(w));
    let ch = ClientHello::parse(body_of(&ch_bytes, HandshakeType::ClientHello)).unwrap();
    assert_eq!(ch.record_size_limit, Some(2048));

    let sh_bytes = hex(concat!(
        "02 000032", // server_hello, length 50
        "0303",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "00",             // session_id: empty
        "c02b",           // cipher_suite
        "00",             // compression_method
        "000a",           // extensions: 10 bytes
        "0023 0000",      // session_ticket acknowledged
        "001c 0002 4000", // record_size_limit: 2^14
    ));
    let repr = ServerHelloRepr {
        cipher_suite: 0xc02b,
        session_ticket_ack: true,
        record_size_limit: Some(0x4000),
        ..Default::default()
    };
    assert_encodes(&sh_bytes, |w| repr.encode(w));
    let sh = ServerHello::parse(body_of(&sh_bytes, HandshakeType::ServerHello)).unwrap();
    assert_eq!(sh.record_size_limit, Some(0x4000));
    assert_eq!(sh.unsolicited, None, "a known extension, checked against the offer by the client");

    // One byte, or three: decode_error, in both messages.
    let short =
        hex("0303 0000000000000000000000000000000000000000000000000000000000000000 00 c02b 00 0005 001c 0001 40");
    assert_eq!(ServerHello::parse(&short).unwrap_err(), Error::Decode);
    let long =
        hex("0303 0000000000000000000000000000000000000000000000000000000000000000 00 c02b 00 0007 001c 0003 400000");
    assert_eq!(ServerHello::parse(&long).unwrap_err(), Error::Decode);
    // Twice: illegal_parameter, like any known extension repeated.
    let twice = hex(concat!(
        "0303 0000000000000000000000000000000000000000000000000000000000000000 00 c02b 00",
        "000c 001c 0002 4000 001c 0002 0800"
    ));
    assert_eq!(ServerHello::parse(&twice).unwrap_err(), Error::IllegalParameter);
}

/// On renegotiation the server sends client_verify_data || server_verify_data
/// (RFC 5746 §3.6).
#[test]
fn server_hello_encode_renegotiation_info_with_verify_data() {
    let vd = hex("0102030405060708090a0b0c f1f2f3f4f5f6f7f8f9fafbfc");
    let expected = hex(concat!(
        "02 000045", // server_hello, length 69
        "0303",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "00",
        "c02f",
        "00",
        "001d", // extensions: 29 bytes
        "ff01 0019 18 0102030405060708090a0b0c f1f2f3f4f5f6f7f8f9fafbfc",
    ));
    let repr = ServerHelloRepr { cipher_suite: 0xc02f, renegotiation_info: Some(&vd), ..Default::default() };
    assert_encodes(&expected, |w| repr.encode(w));
    let sh = ServerHello::parse(body_of(&expected, HandshakeType::ServerHello)).unwrap();
    assert_eq!(sh.renegotiation_info, Some(&vd[..]));
}

#[test]
fn server_hello_without_extensions_block() {
    let mut body = sh_body("");
    body.truncate(body.len() - 2);
    let sh = ServerHello::parse(&body).unwrap();
    assert_eq!(sh.cipher_suite, 0xc02f);
    assert!(!sh.extended_master_secret);
    assert_eq!(sh.renegotiation_info, None);
    assert_eq!(sh.unsolicited, None);
}

#[test]
fn server_hello_reports_unsolicited_extensions() {
    // RFC 5246 §7.4.1.4: the client must refuse extensions it did not
    // offer; the parser reports the first one it has no field for.
    let raw = sh_body("0017 0000 4a4a 0002 abcd");
    let sh = ServerHello::parse(&raw).unwrap();
    assert_eq!(sh.unsolicited, Some(ExtensionType::Unknown(0x4a4a)));
    assert!(sh.extended_master_secret);
    let raw = sh_body("0005 0000 4a4a 0000");
    let sh = ServerHello::parse(&raw).unwrap();
    assert_eq!(sh.unsolicited, Some(ExtensionType::StatusRequest));
    // Client-only extensions in a ServerHello are unsolicited too.
    for (t, body, want) in [
        ("000a", "0004 0002 0017", ExtensionType::SupportedGroups),
        ("000d", "0004 0002 0403", ExtensionType::SignatureAlgorithms),
        ("0016", "0000", ExtensionType::EncryptThenMac),
        ("002b", "0002 0303", ExtensionType::SupportedVersions),
    ] {
        let raw = sh_body(&format!("{t} {body}"));
        let sh = ServerHello::parse(&raw).unwrap();
        assert_eq!(sh.unsolicited, Some(want), "type {t}");
    }
    // record_size_limit (RFC 8449) is parsed: the client checks it against
    // its offer (unsupported_extension if it made none).
    let raw = sh_body("001c 0002 4000");
    let sh = ServerHello::parse(&raw).unwrap();
    assert_eq!((sh.unsolicited, sh.record_size_limit), (None, Some(0x4000)));
}

#[test]
fn server_hello_alpn_exactly_one_name() {
    // RFC 7301 §3.1: "the "ProtocolNameList" MUST contain exactly one
    // "ProtocolName"".
    let raw = sh_body("0010 000b 0009 08 687474702f312e31");
    let sh = ServerHello::parse(&raw).unwrap();
    assert_eq!(sh.alpn, Some(&b"http/1.1"[..]));
    assert_eq!(ServerHello::parse(&sh_body("0010 0008 0006 02 6832 02 6833")).err(), Some(Error::Decode));
    assert_eq!(ServerHello::parse(&sh_body("0010 0002 0000")).err(), Some(Error::Decode));
    assert_eq!(ServerHello::parse(&sh_body("0010 0003 0001 00")).err(), Some(Error::Decode));
}

#[test]
fn server_hello_malformed() {
    // SessionID<0..32>.
    let mut body = hex("0303");
    body.extend_from_slice(&[0; 32]);
    body.push(33);
    body.extend_from_slice(&[0; 33]);
    body.extend_from_slice(&hex("c02f 00"));
    assert_eq!(ServerHello::parse(&body).err(), Some(Error::IllegalParameter));
    // Duplicate extension: illegal_parameter, as OpenSSL.
    assert_eq!(ServerHello::parse(&sh_body("0017 0000 0017 0000")).err(), Some(Error::IllegalParameter));
    // A repeated unknown one parses; the client refuses it as unsolicited.
    assert!(ServerHello::parse(&sh_body("4a4a 0000 4a4a 0000")).unwrap().unsolicited.is_some());
    // server_name, extended_master_secret and session_ticket acks are empty.
    assert_eq!(ServerHello::parse(&sh_body("0000 0001 00")).err(), Some(Error::Decode));
    assert_eq!(ServerHello::parse(&sh_body("0017 0001 00")).err(), Some(Error::Decode));
    assert_eq!(ServerHello::parse(&sh_body("0023 0001 00")).err(), Some(Error::Decode));
    // max_fragment_length is one byte.
    assert_eq!(ServerHello::parse(&sh_body("0001 0000")).err(), Some(Error::Decode));
    assert_eq!(ServerHello::parse(&sh_body("0001 0002 0101")).err(), Some(Error::Decode));
    // ec_point_formats non-empty, no trailing bytes.
    assert_eq!(ServerHello::parse(&sh_body("000b 0001 00")).err(), Some(Error::Decode));
    assert_eq!(ServerHello::parse(&sh_body("000b 0003 01 00 00")).err(), Some(Error::Decode));
    // renegotiation_info framing.
    assert_eq!(ServerHello::parse(&sh_body("ff01 0000")).err(), Some(Error::Decode));
    assert_eq!(ServerHello::parse(&sh_body("ff01 0002 00 00")).err(), Some(Error::Decode));
    // Extension past the block; trailing bytes after the block.
    assert_eq!(ServerHello::parse(&sh_body("0017 0001")).err(), Some(Error::Decode));
    let mut body = sh_body("0017 0000");
    body.push(0);
    assert_eq!(ServerHello::parse(&body).err(), Some(Error::Decode));
}

// ---------------------------------------------------------------------------
// Certificate: RFC 5246 §7.4.2.
//   opaque ASN.1Cert<1..2^24-1>;
//   struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;
// ---------------------------------------------------------------------------

#[test]
fn certificate_encode_two() {
    let expected = hex(concat!(
        "0b 000010",       // msg_type certificate(11), length 16
        "00000d",          // certificate_list: 13 bytes
        "000003 3001aa",   // end-entity
        "000004 3002bbcc"  // issuer
    ));
    let chain: [&[u8]; 2] = [&hex("3001aa"), &hex("3002bbcc")];
    assert_encodes(&expected, |w| CertificateMsg::encode(w, &chain));

    let body = body_of(&expected, HandshakeType::Certificate);
    let c = CertificateMsg::parse(body).unwrap();
    assert_eq!(c.len(), 2);
    assert!(!c.is_empty());
    assert_eq!(c.iter().collect::<Vec<_>>(), chain);
    assert_prefixes_fail(body, &[], |b| ok(CertificateMsg::parse(b)));
}

#[test]
fn certificate_encode_empty() {
    // A client with no certificate sends an empty list (RFC 5246 §7.4.6).
    let expected = hex("0b 000003 000000");
    assert_encodes(&expected, |w| CertificateMsg::encode(w, &[]));
    let c = CertificateMsg::parse(body_of(&expected, HandshakeType::Certificate)).unwrap();
    assert_eq!(c.len(), 0);
    assert!(c.is_empty());
    assert_eq!(c.iter().count(), 0);
}

#[test]
fn certificate_malformed() {
    // An empty ASN.1Cert, alone and after a good one.
    assert_eq!(CertificateMsg::parse(&hex("000003 000000")).err(), Some(Error::Decode));
    assert_eq!(CertificateMsg::parse(&hex("000007 000001 aa 000000")).err(), Some(Error::Decode));
    // Trailing bytes after the list.
    assert_eq!(CertificateMsg::parse(&hex("000004 000001 aa 00")).err(), Some(Error::Decode));
    // Trailing bytes inside the list.
    assert_eq!(CertificateMsg::parse(&hex("000005 000001 aa 00")).err(), Some(Error::Decode));
    // Entry length past the list.
    assert_eq!(CertificateMsg::parse(&hex("000004 000002 aa")).err(), Some(Error::Decode));
    // Empty body.
    assert_eq!(CertificateMsg::parse(&[]).err(), Some(Error::Decode));
}

#[test]
fn certificate_chain_length_bound() {
    fn chain_of(n: usize) -> Vec<u8> {
        let mut list = Vec::new();
        for i in 0..n {
            list.extend_from_slice(&[0, 0, 1, i as u8]);
        }
        let mut body = (list.len() as u32).to_be_bytes()[1..].to_vec();
        body.extend_from_slice(&list);
        body
    }
    let body = chain_of(MAX_CHAIN_LEN);
    let c = CertificateMsg::parse(&body).unwrap();
    assert_eq!(c.len(), MAX_CHAIN_LEN);
    assert_eq!(c.iter().last(), Some(&[MAX_CHAIN_LEN as u8 - 1][..]));
    assert_eq!(CertificateMsg::parse(&chain_of(MAX_CHAIN_LEN + 1)).err(), Some(Error::BadCertificate));
}

// ---------------------------------------------------------------------------
// ServerKeyExchange for ECDHE: RFC 8422 §5.4.
//   struct { ECCurveType curve_type; NamedCurve namedcurve; } ECParameters;
//   struct { ECParameters curve_params; ECPoint public; } ServerECDHParams;
//   struct { opaque point <1..2^8-1>; } ECPoint;
//   ServerECDHParams params; digitally-signed signed_params (RFC 5246 §4.7).
// ---------------------------------------------------------------------------

const X25519_PUB: &str = "0909090909090909090909090909090909090909090909090909090909090909";

fn ske_x25519() -> Vec<u8> {
    hex(&format!(
        "03 001d 20 {X25519_PUB} \
         0403 0004 a1a2a3a4"
    ))
}

#[test]
fn server_key_exchange_named_curve() {
    let body = ske_x25519();
    let ske = ServerKeyExchange::parse(&body).unwrap();
    assert_eq!(ske.group, NamedGroup::X25519);
    assert_eq!(ske.public, &hex(X25519_PUB)[..]);
    // The signed params are curve_type || namedcurve || ECPoint, exactly.
    assert_eq!(to_hex(ske.params), format!("03001d20{X25519_PUB}"));
    assert_eq!(ske.params.as_ptr(), body.as_ptr());
    assert_eq!(ske.scheme, SignatureScheme::ECDSA_NISTP256_SHA256);
    assert_eq!(ske.signature, &[0xa1, 0xa2, 0xa3, 0xa4]);
    assert_prefixes_fail(&body, &[], |b| ok(ServerKeyExchange::parse(b)));
}

#[test]
fn server_key_exchange_unknown_group_and_scheme_are_passed_up() {
    let raw = hex("03 0100 01 ff 0201 0001 00");
    let ske = ServerKeyExchange::parse(&raw).unwrap();
    assert_eq!(ske.group, NamedGroup::Unknown(0x0100));
    assert_eq!(ske.scheme, SignatureScheme::Unknown(0x0201));
    assert_eq!(ske.params, &hex("03 0100 01 ff")[..]);
}

#[test]
fn server_key_exchange_refused() {
    // explicit_prime(1) and explicit_char2(2) curves are not allowed
    // (RFC 8422 §5.4: deprecated), nor anything else but named_curve(3).
    for t in [0u8, 1, 2, 4, 255] {
        let mut body = ske_x25519();
        body[0] = t;
        assert_eq!(ServerKeyExchange::parse(&body).err(), Some(Error::IllegalParameter), "curve_type {t}");
    }
    // Empty ECPoint: illegal_parameter, as OpenSSL.
    assert_eq!(ServerKeyExchange::parse(&hex("03 001d 00 0403 0001 aa")).err(), Some(Error::IllegalParameter));
    // Signature shorter than its length.
    let mut body = ske_x25519();
    body.pop();
    assert_eq!(ServerKeyExchange::parse(&body).err(), Some(Error::Decode));
    // Trailing byte after the signature.
    let mut body = ske_x25519();
    body.push(0);
    assert_eq!(ServerKeyExchange::parse(&body).err(), Some(Error::Decode));
    // Params without any signature.
    assert_eq!(ServerKeyExchange::parse(&hex(&format!("03 001d 20 {X25519_PUB}"))).err(), Some(Error::Decode));
}

#[test]
fn server_key_exchange_encode_params() {
    // secp256r1 (23) with an uncompressed point: 0x04 || X || Y (RFC 8422 §5.4.1).
    let point = hex(concat!(
        "04",
        "0101010101010101010101010101010101010101010101010101010101010101",
        "0202020202020202020202020202020202020202020202020202020202020202",
    ));
    let expected = hex(concat!(
        "03",   // curve_type named_curve
        "0017", // secp256r1
        "41",   // point length 65
        "04",
        "0101010101010101010101010101010101010101010101010101010101010101",
        "0202020202020202020202020202020202020202020202020202020202020202",
    ));
    assert_encodes(&expected, |w| ServerKeyExchange::encode_params(w, NamedGroup::Secp256r1, &point));

    // What the server writes, the client parses back with the same params.
    let mut body = expected.clone();
    body.extend_from_slice(&hex("0403 0002 3000"));
    let ske = ServerKeyExchange::parse(&body).unwrap();
    assert_eq!(ske.params, &expected[..]);
    assert_eq!(ske.group, NamedGroup::Secp256r1);
    assert_eq!(ske.public, &point[..]);
    assert_eq!(ske.signature, &[0x30, 0x00]);

    assert_encodes(&hex(&format!("03 001d 20 {X25519_PUB}")), |w| {
        ServerKeyExchange::encode_params(w, NamedGroup::X25519, &hex(X25519_PUB))
    });
}

// ---------------------------------------------------------------------------
// CertificateRequest: RFC 5246 §7.4.4.
//   ClientCertificateType certificate_types<1..2^8-1>;
//   SignatureAndHashAlgorithm supported_signature_algorithms<2^16-1>;
//   DistinguishedName certificate_authorities<0..2^16-1>;
//   opaque DistinguishedName<1..2^16-1>;
// ---------------------------------------------------------------------------

#[test]
fn certificate_request_encode() {
    let expected = hex(concat!(
        "0d 000014",      // msg_type certificate_request(13), length 20
        "02 01 40",       // certificate_types: rsa_sign(1), ecdsa_sign(64)
        "0004 0403 0804", // supported_signature_algorithms
        "0009",           // certificate_authorities: 9 bytes
        "0003 300100",    // DN 1
        "0002 3000",      // DN 2
    ));
    let dns: [&[u8]; 2] = [&hex("300100"), &hex("3000")];
    assert_encodes(&expected, |w| {
        CertificateRequest::encode(
            w,
            &[1, 64],
            &[SignatureScheme::ECDSA_NISTP256_SHA256, SignatureScheme::RSA_PSS_SHA256],
            &dns,
        )
    });

    let body = body_of(&expected, HandshakeType::CertificateRequest);
    let cr = CertificateRequest::parse(body).unwrap();
    assert_eq!(cr.certificate_types, &[1, 64]);
    assert_eq!(u16s(cr.signature_algorithms), [0x0403, 0x0804]);
    assert_eq!(cr.certificate_authorities, &hex("0003 300100 0002 3000")[..]);
    assert_eq!(cr.authorities().collect::<Vec<_>>(), dns);
    // What a ResolveClientCert sees.
    assert_eq!(cr.certificate_types(), &[1, 64]);
    assert_eq!(
        cr.signature_schemes().collect::<Vec<_>>(),
        [SignatureScheme::ECDSA_NISTP256_SHA256, SignatureScheme::RSA_PSS_SHA256]
    );
    assert_prefixes_fail(body, &[], |b| ok(CertificateRequest::parse(b)));
}

#[test]
fn certificate_request_no_authorities() {
    let expected = hex("0d 000008 01 40 0002 0403 0000");
    assert_encodes(&expected, |w| CertificateRequest::encode(w, &[64], &[SignatureScheme::ECDSA_NISTP256_SHA256], &[]));
    let cr = CertificateRequest::parse(body_of(&expected, HandshakeType::CertificateRequest)).unwrap();
    assert_eq!(cr.certificate_types, &[64]);
    assert_eq!(cr.authorities().count(), 0);
}

#[test]
fn certificate_request_malformed() {
    // Empty certificate_types.
    assert_eq!(CertificateRequest::parse(&hex("00 0002 0403 0000")).err(), Some(Error::Decode));
    // Empty and odd supported_signature_algorithms.
    assert_eq!(CertificateRequest::parse(&hex("01 40 0000 0000")).err(), Some(Error::Decode));
    assert_eq!(CertificateRequest::parse(&hex("01 40 0003 040308 0000")).err(), Some(Error::Decode));
    // An empty DistinguishedName.
    assert_eq!(CertificateRequest::parse(&hex("01 40 0002 0403 0002 0000")).err(), Some(Error::Decode));
    // A DN running past the list.
    assert_eq!(CertificateRequest::parse(&hex("01 40 0002 0403 0003 0002 30")).err(), Some(Error::Decode));
    // Trailing byte.
    assert_eq!(CertificateRequest::parse(&hex("01 40 0002 0403 0000 00")).err(), Some(Error::Decode));
}

// ---------------------------------------------------------------------------
// CertificateVerify (digitally-signed, RFC 5246 §4.7, §7.4.8),
// ClientKeyExchange (RFC 8422 §5.7), Finished (RFC 5246 §7.4.9),
// ServerHelloDone / HelloRequest (RFC 5246 §7.4.5, §7.4.1.1).
// ---------------------------------------------------------------------------

#[test]
fn digitally_signed() {
    let raw = hex("0804 0003 aabbcc");
    let ds = DigitallySigned::parse(&raw).unwrap();
    assert_eq!(ds.scheme, SignatureScheme::RSA_PSS_SHA256);
    assert_eq!(ds.signature, &[0xaa, 0xbb, 0xcc]);
    // rsa_pkcs1_sha1 is not one of ours; it parses as unknown.
    assert_eq!(DigitallySigned::parse(&hex("0201 0001 00")).unwrap().scheme, SignatureScheme::Unknown(0x0201));
    assert_prefixes_fail(&hex("0804 0003 aabbcc"), &[], |b| ok(DigitallySigned::parse(b)));
    assert_eq!(DigitallySigned::parse(&hex("0804 0003 aabbcc dd")).err(), Some(Error::Decode));
    assert_eq!(DigitallySigned::parse(&hex("0804 0000")).err(), Some(Error::Decode));
}

#[test]
fn client_key_exchange() {
    let body = hex(&format!("20 {X25519_PUB}"));
    assert_eq!(parse_client_key_exchange(&body), Ok(&hex(X25519_PUB)[..]));
    assert_prefixes_fail(&body, &[], |b| ok(parse_client_key_exchange(b)));
    // ECPoint point<1..2^8-1>: empty is refused.
    assert_eq!(parse_client_key_exchange(&hex("00")), Err(Error::Decode));
    let mut long = body.clone();
    long.push(0);
    assert_eq!(parse_client_key_exchange(&long), Err(Error::Decode));
}

#[test]
fn finished_is_exactly_twelve_bytes() {
    let vd = hex("0102030405060708090a0b0c");
    assert_eq!(parse_finished(&vd), Ok(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    assert_eq!(parse_finished(&vd[..11]), Err(Error::Decode));
    assert_eq!(parse_finished(&hex("0102030405060708090a0b0c0d")), Err(Error::Decode));
    assert_eq!(parse_finished(&[]), Err(Error::Decode));
}

#[test]
fn empty_bodies() {
    assert_eq!(parse_empty_body(&[]), Ok(()));
    assert_eq!(parse_empty_body(&[0]), Err(Error::Decode));
    let msg = hex("0e 000000");
    assert_eq!(parse_empty_body(body_of(&msg, HandshakeType::ServerHelloDone)), Ok(()));
    // A ServerHelloDone claiming a body.
    let msg = hex("0e 000001 00");
    assert_eq!(parse_empty_body(body_of(&msg, HandshakeType::ServerHelloDone)), Err(Error::Decode));
}

// ---------------------------------------------------------------------------
// NewSessionTicket: RFC 5077 §3.3.
//   struct { uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>; }
// ---------------------------------------------------------------------------

#[test]
fn new_session_ticket() {
    let expected = hex(concat!(
        "04 00000b", // msg_type new_session_ticket(4), length 11
        "00001c20",  // ticket_lifetime_hint: 7200 s
        "0005 0102030405",
    ));
    let t = [1, 2, 3, 4, 5];
    assert_encodes(&expected, |w| NewSessionTicket { lifetime_hint: 7200, ticket: &t }.encode(w));
    let body = body_of(&expected, HandshakeType::NewSessionTicket);
    let nst = NewSessionTicket::parse(body).unwrap();
    assert_eq!(nst.lifetime_hint, 7200);
    assert_eq!(nst.ticket, &t);
    assert_prefixes_fail(body, &[], |b| ok(NewSessionTicket::parse(b)));
    let mut long = body.to_vec();
    long.push(0);
    assert_eq!(NewSessionTicket::parse(&long).err(), Some(Error::Decode));
}

#[test]
fn new_session_ticket_empty() {
    // "If the server determines that it does not want to include a ticket
    // ..., it SHOULD send a zero-length ticket" (RFC 5077 §3.3).
    let expected = hex("04 000006 ffffffff 0000");
    assert_encodes(&expected, |w| NewSessionTicket { lifetime_hint: u32::MAX, ticket: &[] }.encode(w));
    let nst = NewSessionTicket::parse(body_of(&expected, HandshakeType::NewSessionTicket)).unwrap();
    assert_eq!(nst.lifetime_hint, u32::MAX);
    assert!(nst.ticket.is_empty());
}

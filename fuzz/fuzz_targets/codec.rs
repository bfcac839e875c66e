//! Every parser in `sansio_tls::codec` on arbitrary bytes; the first input
//! byte picks the parser. Parsed views are walked completely (iterators,
//! borrowed slices) so lazy decoding is exercised too.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sansio_tls::codec::{
    self, CertificateMsg, CertificateRequest, ClientHello, DigitallySigned, NewSessionTicket, Reader, ServerHello,
    ServerKeyExchange, U16List,
};

fuzz_target!(|data: &[u8]| {
    let [selector, body @ ..] = data else { return };
    match selector % 14 {
        0 => {
            if let Ok(ch) = ClientHello::parse(body) {
                let _ = ch.cipher_suites.iter().count();
                let _ = ch.supported_groups.map(|g| g.iter().count());
                let _ = ch.signature_algorithms.map(|s| s.iter().count());
                let _ = ch.alpn.map(|a| codec::alpn_names(a).count());
                let _ = ch.max_fragment_length.map(|m| m.bytes());
                let _ = ch.offers_suite(sansio_tls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
                assert!(ch.session_id.len() <= 32);
                assert!(!ch.compression_methods.is_empty());
            }
        }
        1 => {
            if let Ok(sh) = ServerHello::parse(body) {
                assert!(sh.session_id.len() <= 32);
                let _ = sh.max_fragment_length.map(|m| m.bytes());
            }
        }
        2 => {
            if let Ok(c) = CertificateMsg::parse(body) {
                // The count the parser reports is what the iterator yields.
                assert_eq!(c.iter().count(), c.len());
                #[allow(clippy::len_zero)] // checking `is_empty` against `len`
                let empty = c.len() == 0;
                assert_eq!(c.is_empty(), empty);
                assert!(c.iter().all(|cert| !cert.is_empty()));
            }
        }
        3 => {
            if let Ok(ske) = ServerKeyExchange::parse(body) {
                assert!(!ske.public.is_empty());
                // The signed params are a prefix of the body ending with the
                // public key.
                assert!(body.starts_with(ske.params));
                assert!(ske.params.ends_with(ske.public));
            }
        }
        4 => {
            if let Ok(cr) = CertificateRequest::parse(body) {
                assert!(!cr.certificate_types().is_empty());
                let _ = cr.signature_schemes().count();
                assert!(cr.authorities().all(|a| !a.is_empty()));
            }
        }
        5 => {
            if let Ok(ds) = DigitallySigned::parse(body) {
                assert!(!ds.signature.is_empty());
            }
        }
        6 => {
            let _ = NewSessionTicket::parse(body);
        }
        7 => {
            // Messages one after another, as the connection splits them.
            let mut rest = body;
            while let Some((_typ, msg_body, used)) = codec::split_handshake(rest) {
                assert!(used >= codec::HANDSHAKE_HEADER_LEN && used <= rest.len());
                assert_eq!(used, codec::HANDSHAKE_HEADER_LEN + msg_body.len());
                assert_eq!(codec::handshake_message_len(rest), Some(used));
                rest = &rest[used..];
            }
        }
        8 => {
            let _ = codec::parse_client_key_exchange(body);
        }
        9 => {
            let _ = codec::parse_finished(body);
        }
        10 => {
            let _ = codec::parse_empty_body(body);
        }
        11 => {
            if let Ok(l) = U16List::parse(body, true) {
                assert_eq!(l.iter().count() * 2, l.raw().len());
            }
        }
        12 => {
            let _ = codec::alpn_names(body).count();
            let _ = codec::handshake_message_len(body);
        }
        _ => {
            // The reader itself: arbitrary reads driven by the input.
            let mut r = Reader::new(body);
            let mut ops = body.iter().copied();
            while let Some(op) = ops.next() {
                let before = r.remaining();
                let ok = match op % 8 {
                    0 => r.u8().is_ok(),
                    1 => r.u16().is_ok(),
                    2 => r.u24().is_ok(),
                    3 => r.u32().is_ok(),
                    4 => r.vec8().is_ok(),
                    5 => r.vec16().is_ok(),
                    6 => r.vec24().is_ok(),
                    _ => r.take(ops.next().unwrap_or(0) as usize).is_ok(),
                };
                assert!(r.remaining() <= before);
                if !ok {
                    break;
                }
            }
        }
    }
});

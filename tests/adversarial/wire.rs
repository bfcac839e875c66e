//! Wire helpers for the scripted peer: what a flight is made of, and the
//! byte-level edits the mutations make to handshake messages (truncation,
//! declared lengths, length prefixes that run past their container, extra
//! extensions).

use sansio_tls::Error;
use sansio_tls::codec::{HANDSHAKE_HEADER_LEN, HandshakeType, Writer};

/// One thing a peer flight carries, before it is put into records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A whole handshake message, header included (or a piece of one).
    Hs(Vec<u8>),
    /// A ChangeCipherSpec record with this body (honest: `[1]`).
    Ccs(Vec<u8>),
    /// An application-data record.
    Data(Vec<u8>),
}

impl Item {
    /// A short name for case names and failure messages.
    pub fn name(&self) -> String {
        match self {
            Item::Hs(m) => m.first().map_or("empty handshake".into(), |t| format!("{:?}", HandshakeType::from(*t))),
            Item::Ccs(_) => "ChangeCipherSpec".into(),
            Item::Data(_) => "ApplicationData".into(),
        }
    }

    /// The handshake message, if this is one.
    pub fn hs(&self) -> Option<&[u8]> {
        match self {
            Item::Hs(m) => Some(m),
            _ => None,
        }
    }

    /// Whether this is a Finished message.
    pub fn is_finished(&self) -> bool {
        self.hs().is_some_and(|m| m.first() == Some(&HandshakeType::Finished.to_wire()))
    }

    /// Whether this is a ChangeCipherSpec.
    pub fn is_ccs(&self) -> bool {
        matches!(self, Item::Ccs(_))
    }
}

/// Runs an encoder of the crate's codec into a fresh buffer and returns
/// what it wrote.
pub fn encode(f: impl FnOnce(&mut Writer<'_>) -> Result<(), Error>) -> Vec<u8> {
    let mut buf = vec![0u8; 1 << 17];
    let mut w = Writer::new(&mut buf);
    f(&mut w).expect("encoding a peer message");
    let n = w.len();
    buf.truncate(n);
    buf
}

/// Reads a big-endian integer of `bytes.len()` bytes.
fn read_be(bytes: &[u8]) -> usize {
    bytes.iter().fold(0, |acc, b| acc << 8 | usize::from(*b))
}

/// Writes `v` big-endian into `width` bytes at `at`.
fn write_be(msg: &mut [u8], at: usize, width: usize, v: usize) {
    assert!(v < 1 << (8 * width), "{v} does not fit {width} bytes");
    for i in 0..width {
        msg[at + i] = (v >> (8 * (width - 1 - i))) as u8;
    }
}

/// Sets the length in a handshake header.
fn set_declared(msg: &mut [u8], len: usize) {
    write_be(msg, 1, 3, len);
}

/// `msg` with its body cut to `len` bytes and the header saying so.
pub fn truncated(msg: &[u8], len: usize) -> Vec<u8> {
    let mut m = msg[..HANDSHAKE_HEADER_LEN + len].to_vec();
    set_declared(&mut m, len);
    m
}

/// `msg` unchanged except that its header declares a body of `len` bytes.
pub fn declared(msg: &[u8], len: usize) -> Vec<u8> {
    let mut m = msg.to_vec();
    set_declared(&mut m, len);
    m
}

/// A length prefix inside a handshake message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LenField {
    /// Offset of the prefix in the message (header included).
    pub at: usize,
    /// Width of the prefix: 1, 2 or 3 bytes.
    pub width: usize,
    /// Bytes between the end of the prefix and the end of the vector (or
    /// message) that holds it.
    pub room: usize,
    /// What the vector is, for case names.
    pub what: &'static str,
}

impl LenField {
    /// `msg` with this prefix one more than the room it has, so the vector
    /// runs past the end of its container; `None` if that value does not
    /// fit the prefix.
    pub fn past_end(&self, msg: &[u8]) -> Option<Vec<u8>> {
        let v = self.room + 1;
        if v >= 1 << (8 * self.width) {
            return None;
        }
        let mut m = msg.to_vec();
        write_be(&mut m, self.at, self.width, v);
        Some(m)
    }
}

/// A cursor over a handshake message that records every length prefix it
/// steps over.
struct Walk<'m> {
    m: &'m [u8],
    pos: usize,
    fields: Vec<LenField>,
}

impl Walk<'_> {
    /// Steps over `n` bytes without a length prefix.
    fn skip(&mut self, n: usize) {
        self.pos += n;
    }

    /// A vector with a `width`-byte prefix in a container ending at `end`:
    /// records the prefix, steps into the vector and returns its end.
    fn open(&mut self, width: usize, end: usize, what: &'static str) -> usize {
        let at = self.pos;
        let len = read_be(&self.m[at..at + width]);
        self.pos += width;
        self.fields.push(LenField { at, width, room: end - self.pos, what });
        self.pos + len
    }

    /// A vector whose contents are not walked.
    fn over(&mut self, width: usize, end: usize, what: &'static str) {
        self.pos = self.open(width, end, what);
    }

    /// An extension block and the vectors inside the extensions this crate
    /// parses.
    fn extensions(&mut self, end: usize) {
        let block_end = self.open(2, end, "extensions");
        while self.pos < block_end {
            let typ = read_be(&self.m[self.pos..self.pos + 2]);
            self.skip(2);
            let body_end = self.open(2, block_end, "extension");
            match typ {
                0 if body_end > self.pos => {
                    let list_end = self.open(2, body_end, "server_name_list");
                    while self.pos < list_end {
                        self.skip(1);
                        self.over(2, list_end, "host_name");
                    }
                }
                10 => self.over(2, body_end, "named_group_list"),
                13 => self.over(2, body_end, "supported_signature_algorithms"),
                11 => self.over(1, body_end, "ec_point_format_list"),
                0xff01 => self.over(1, body_end, "renegotiated_connection"),
                _ => {}
            }
            self.pos = body_end;
        }
    }
}

/// Every length prefix of a handshake message this harness sends.
pub fn length_fields(msg: &[u8]) -> Vec<LenField> {
    let end = msg.len();
    let mut w = Walk { m: msg, pos: HANDSHAKE_HEADER_LEN, fields: Vec::new() };
    match HandshakeType::from(msg[0]) {
        HandshakeType::ClientHello => {
            w.skip(2 + 32);
            w.over(1, end, "session_id");
            w.over(2, end, "cipher_suites");
            w.over(1, end, "compression_methods");
            if w.pos < end {
                w.extensions(end);
            }
        }
        HandshakeType::ServerHello => {
            w.skip(2 + 32);
            w.over(1, end, "session_id");
            w.skip(3);
            if w.pos < end {
                w.extensions(end);
            }
        }
        HandshakeType::Certificate => {
            let list_end = w.open(3, end, "certificate_list");
            while w.pos < list_end {
                w.over(3, list_end, "ASN.1Cert");
            }
        }
        HandshakeType::ServerKeyExchange => {
            w.skip(3);
            w.over(1, end, "ECPoint");
            w.skip(2);
            w.over(2, end, "signature");
        }
        HandshakeType::ClientKeyExchange => w.over(1, end, "ECPoint"),
        HandshakeType::CertificateVerify => {
            w.skip(2);
            w.over(2, end, "signature");
        }
        HandshakeType::NewSessionTicket => {
            w.skip(4);
            w.over(2, end, "ticket");
        }
        // Finished, ServerHelloDone, HelloRequest: no length prefixes.
        _ => w.pos = end,
    }
    assert_eq!(w.pos, end, "walked past or short of the message");
    w.fields
}

/// Where the extension block of a ClientHello or ServerHello starts, as a
/// body length: truncating the body there leaves a valid hello without
/// extensions.
pub fn extensions_offset(msg: &[u8]) -> Option<usize> {
    length_fields(msg).iter().find(|f| f.what == "extensions").map(|f| f.at - HANDSHAKE_HEADER_LEN)
}

/// One extension: type, length, body.
pub fn ext(typ: u16, body: &[u8]) -> Vec<u8> {
    let mut e = typ.to_be_bytes().to_vec();
    e.extend_from_slice(&(body.len() as u16).to_be_bytes());
    e.extend_from_slice(body);
    e
}

/// Appends raw extension bytes to a ClientHello or ServerHello, fixing the
/// extension block's length and the handshake header.
pub fn append_extensions(msg: &mut Vec<u8>, raw: &[u8]) {
    if raw.is_empty() {
        return;
    }
    let block = length_fields(msg).into_iter().find(|f| f.what == "extensions");
    let at = match block {
        Some(f) => f.at,
        None => {
            msg.extend_from_slice(&[0, 0]);
            msg.len() - 2
        }
    };
    let len = read_be(&msg[at..at + 2]) + raw.len();
    write_be(msg, at, 2, len);
    msg.extend_from_slice(raw);
    let body = msg.len() - HANDSHAKE_HEADER_LEN;
    set_declared(msg, body);
}

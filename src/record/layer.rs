//! Record protection and framing: the keys of each direction, sequence
//! numbers, the header, sealing and opening in place, and the writer that
//! splits messages into records.

use super::{HEADER_LEN, MAX_CIPHERTEXT, MAX_PLAINTEXT, MIN_RECORD_SIZE_LIMIT};
use crate::codec::{ContentType, TLS12};
use crate::crypto::{AeadAlg, AeadKey, Provider, RecordCipher, TAG_LEN};
use crate::error::{Error, ErrorKind};
use core::ops::Range;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Our transmit buffer cannot take the next record or message.
const TX_FULL: &str = "transmit buffer too small for the message";

/// Key material for one direction, kept raw until the ChangeCipherSpec that
/// activates it (cheaper to hold than an expanded key schedule).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DirectionKeys {
    #[zeroize(skip)]
    alg: AeadAlg,
    key: [u8; 32],
    iv: [u8; 12],
}

impl DirectionKeys {
    /// Keys for `alg` from the key block slices.
    pub fn new(alg: AeadAlg, key: &[u8], iv: &[u8]) -> Result<Self, Error> {
        if key.len() != alg.key_len() || iv.len() != alg.fixed_iv_len() {
            return Err(Error::Internal);
        }
        let mut k = DirectionKeys { alg, key: [0; 32], iv: [0; 12] };
        k.key[..key.len()].copy_from_slice(key);
        k.iv[..iv.len()].copy_from_slice(iv);
        Ok(k)
    }

    fn cipher<P: Provider>(&self, provider: &P) -> Result<RecordCipher<P::Aead>, Error> {
        RecordCipher::new(provider, self.alg, &self.key[..self.alg.key_len()], &self.iv[..self.alg.fixed_iv_len()])
    }
}

/// One direction's protection state.
struct Direction<A> {
    cipher: Option<RecordCipher<A>>,
    seq: u64,
}

impl<A> Default for Direction<A> {
    fn default() -> Self {
        Direction { cipher: None, seq: 0 }
    }
}

impl<A: AeadKey> Direction<A> {
    fn activate<P: Provider<Aead = A>>(&mut self, provider: &P, keys: &DirectionKeys) -> Result<(), Error> {
        self.cipher = Some(keys.cipher(provider)?);
        self.seq = 0;
        Ok(())
    }
}

/// Takes the next sequence number from `seq`; refuses to wrap (RFC 5246
/// §6.1: a connection must be renegotiated or closed before).
fn next_seq(seq: &mut u64) -> Result<u64, Error> {
    let s = *seq;
    *seq = s.checked_add(1).ok_or(Error::Internal)?;
    Ok(s)
}

/// A parsed record header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordHeader {
    /// Content type.
    pub content_type: ContentType,
    /// Protocol version field.
    pub version: u16,
    /// Fragment length.
    pub len: usize,
}

impl RecordHeader {
    /// Parses the header at the front of `buf`, if 5 bytes are there.
    ///
    /// Rejects unknown content types (`unexpected_message`), versions other
    /// than {3, x} (`protocol_version`) and fragments above
    /// [`MAX_CIPHERTEXT`] (`record_overflow`).
    pub fn parse(buf: &[u8]) -> Result<Option<Self>, Error> {
        let Some(h) = buf.get(..HEADER_LEN) else { return Ok(None) };
        let content_type = ContentType::from(h[0]);
        if let ContentType::Unknown(_) = content_type {
            return Err(Error::UnexpectedMessage.because("record of unknown content type"));
        }
        let version = u16::from_be_bytes([h[1], h[2]]);
        // A ClientHello record may carry {3,1} for compatibility
        // (RFC 5246 Appendix E.1); only the major version is checked here,
        // the handshake checks the negotiated one.
        if version >> 8 != 3 {
            return Err(Error::ProtocolVersion.because("record protocol major version is not 3"));
        }
        let len = u16::from_be_bytes([h[3], h[4]]) as usize;
        if len > MAX_CIPHERTEXT {
            return Err(Error::RecordOverflow.because("record longer than 2^14 + 256 bytes"));
        }
        Ok(Some(RecordHeader { content_type, version, len }))
    }

    /// Writes a header.
    pub fn write(out: &mut [u8], content_type: ContentType, len: usize) -> Result<(), Error> {
        let h =
            out.get_mut(..HEADER_LEN).ok_or(Error::BufferTooSmall.because("buffer too small for a record header"))?;
        let len = u16::try_from(len).map_err(|_| Error::Internal)?;
        h[0] = content_type.to_wire();
        h[1..3].copy_from_slice(&TLS12.to_be_bytes());
        h[3..5].copy_from_slice(&len.to_be_bytes());
        Ok(())
    }
}

/// Record protection for both directions on the provider's AEAD `A`, plus
/// the keys waiting for their ChangeCipherSpec.
pub struct RecordLayer<A> {
    read: Direction<A>,
    write: Direction<A>,
    pending_read: Option<DirectionKeys>,
    pending_write: Option<DirectionKeys>,
    /// Largest plaintext we put in one record (2^14, or the negotiated
    /// max_fragment_length).
    max_fragment_out: usize,
    /// Largest plaintext we accept in one record.
    max_fragment_in: usize,
    /// The record_size_limit we offer (RFC 8449): the largest protected
    /// plaintext our receive buffer takes.
    own_limit: u16,
    /// Largest plaintext we accept in a protected record: `own_limit` once
    /// the peer agreed to record_size_limit, 2^14 before.
    protected_in: usize,
}

impl<A> Default for RecordLayer<A> {
    fn default() -> Self {
        RecordLayer {
            read: Direction::default(),
            write: Direction::default(),
            pending_read: None,
            pending_write: None,
            max_fragment_out: 0,
            max_fragment_in: 0,
            own_limit: 0,
            protected_in: 0,
        }
    }
}

impl<A: AeadKey> RecordLayer<A> {
    /// A record layer with null protection.
    pub fn new() -> Self {
        RecordLayer {
            max_fragment_out: MAX_PLAINTEXT,
            max_fragment_in: MAX_PLAINTEXT,
            own_limit: MAX_PLAINTEXT as u16,
            protected_in: MAX_PLAINTEXT,
            ..Default::default()
        }
    }

    /// Sets the record_size_limit this endpoint offers (clamped to 64 ..=
    /// 2^14, RFC 8449 §4).
    pub fn set_own_record_size_limit(&mut self, limit: usize) {
        self.own_limit = limit.clamp(MIN_RECORD_SIZE_LIMIT, MAX_PLAINTEXT) as u16;
    }

    /// The record_size_limit this endpoint offers.
    pub fn own_record_size_limit(&self) -> u16 {
        self.own_limit
    }

    /// Both sides agreed to record_size_limit (RFC 8449): records we send
    /// carry at most `peer` bytes of plaintext (at most 2^14 in TLS 1.2,
    /// whatever the peer allows), and protected records we receive at most
    /// our own limit (`record_overflow` beyond). `peer` must be at least 64
    /// (checked by the handshake: `illegal_parameter`).
    pub fn agree_record_size_limit(&mut self, peer: u16) {
        self.max_fragment_out = usize::from(peer).min(MAX_PLAINTEXT);
        self.protected_in = usize::from(self.own_limit);
    }

    /// Sets the plaintext limit in both directions (max_fragment_length,
    /// RFC 6066 §4).
    pub fn set_max_fragment(&mut self, n: usize) {
        self.max_fragment_out = n.min(MAX_PLAINTEXT);
        self.max_fragment_in = n.min(MAX_PLAINTEXT);
    }

    /// The plaintext limit for records we send.
    pub fn max_fragment_out(&self) -> usize {
        self.max_fragment_out
    }

    /// Whether records we send are protected.
    pub fn is_write_protected(&self) -> bool {
        self.write.cipher.is_some()
    }

    /// Whether records we receive are protected.
    pub fn is_read_protected(&self) -> bool {
        self.read.cipher.is_some()
    }

    /// Installs the keys the next ChangeCipherSpec in each direction switches
    /// to.
    pub fn set_pending(&mut self, read: DirectionKeys, write: DirectionKeys) {
        self.pending_read = Some(read);
        self.pending_write = Some(write);
    }

    /// Whether keys are waiting for the peer's ChangeCipherSpec.
    pub fn has_pending_read(&self) -> bool {
        self.pending_read.is_some()
    }

    /// The peer's ChangeCipherSpec: switch reading to the pending keys.
    pub fn activate_read<P: Provider<Aead = A>>(&mut self, provider: &P) -> Result<(), Error> {
        let keys = self
            .pending_read
            .take()
            .ok_or(Error::UnexpectedMessage.because("ChangeCipherSpec with no new keys to switch to"))?;
        self.read.activate(provider, &keys)
    }

    /// Our ChangeCipherSpec was written: switch writing to the pending keys.
    pub fn activate_write<P: Provider<Aead = A>>(&mut self, provider: &P) -> Result<(), Error> {
        let keys = self.pending_write.take().ok_or(Error::Internal)?;
        self.write.activate(provider, &keys)
    }

    /// Bytes before the payload in a record we write: header plus explicit
    /// nonce.
    pub fn payload_offset(&self) -> usize {
        HEADER_LEN + self.write.cipher.as_ref().map_or(0, |c| c.alg().explicit_nonce_len())
    }

    /// Bytes a record we write adds around its payload.
    pub fn overhead(&self) -> usize {
        self.payload_offset() + self.write.cipher.as_ref().map_or(0, |_| TAG_LEN)
    }

    /// Protects a record laid out in `out`: the payload of `payload_len`
    /// bytes must already sit at `out[payload_offset()..]`. Writes the header,
    /// explicit nonce and tag; returns the record's total length.
    pub fn seal(&mut self, content_type: ContentType, out: &mut [u8], payload_len: usize) -> Result<usize, Error> {
        if payload_len > self.max_fragment_out {
            return Err(Error::Internal);
        }
        let off = self.payload_offset();
        let total = off + payload_len + if self.write.cipher.is_some() { TAG_LEN } else { 0 };
        let rec =
            out.get_mut(..total).ok_or(Error::BufferTooSmall.because("transmit buffer too small for the record"))?;
        RecordHeader::write(rec, content_type, total - HEADER_LEN)?;
        if let Direction { cipher: Some(cipher), seq } = &mut self.write {
            let seq = next_seq(seq)?;
            let (head, body) = rec.split_at_mut(off);
            let (payload, tag_out) = body.split_at_mut(payload_len);
            let tag = cipher.seal(seq, content_type.to_wire(), &mut head[HEADER_LEN..], payload)?;
            tag_out.copy_from_slice(&tag);
        }
        Ok(total)
    }

    /// Opens the whole record in `record` (header included) in place.
    /// Returns its content type and the range of the plaintext within
    /// `record`.
    pub fn open(&mut self, record: &mut [u8]) -> Result<(ContentType, Range<usize>), Error> {
        let hdr = RecordHeader::parse(record)?.ok_or(Error::Internal)?;
        if record.len() != HEADER_LEN + hdr.len {
            return Err(Error::Internal);
        }
        let range = match &mut self.read {
            Direction { cipher: None, .. } => HEADER_LEN..record.len(),
            Direction { cipher: Some(cipher), seq } => {
                // The version is part of the authenticated data (RFC 5246
                // §6.2.3.3) and the AAD carries TLS 1.2: a protected record
                // with another version is refused outright.
                if hdr.version != TLS12 {
                    return Err(Error::ProtocolVersion.because("protected record version is not TLS 1.2"));
                }
                let nonce_len = cipher.alg().explicit_nonce_len();
                if hdr.len < nonce_len + TAG_LEN {
                    return Err(Error::BadRecordMac.because("protected record shorter than its nonce and tag"));
                }
                // RFC 8449 §4: a protected record over the limit we
                // announced is record_overflow (checked before decrypting).
                if hdr.len - nonce_len - TAG_LEN > self.protected_in {
                    return Err(Error::RecordOverflow.because("protected record longer than our record_size_limit"));
                }
                let seq = next_seq(seq)?;
                let (head, body) = record.split_at_mut(HEADER_LEN + nonce_len);
                let plain_len = body.len() - TAG_LEN;
                let (payload, tag) = body.split_at_mut(plain_len);
                cipher.open(seq, hdr.content_type.to_wire(), &head[HEADER_LEN..], payload, tag)?;
                HEADER_LEN + nonce_len..HEADER_LEN + nonce_len + plain_len
            }
        };
        if range.len() > self.max_fragment_in {
            return Err(Error::RecordOverflow.because("record plaintext longer than the maximum fragment length"));
        }
        Ok((hdr.content_type, range))
    }

    /// Drops all keys (after a fatal error or close).
    pub fn wipe(&mut self) {
        *self = RecordLayer {
            max_fragment_out: self.max_fragment_out,
            max_fragment_in: self.max_fragment_in,
            own_limit: self.own_limit,
            protected_in: self.protected_in,
            ..Default::default()
        };
    }
}

/// Writes records into the free tail of a transmit buffer: encodes a
/// message once, splits it into as many records as the fragment limit
/// needs, and protects each in place. Used for every content type, so there
/// is one writer for handshake messages, alerts, ChangeCipherSpec and
/// application data.
pub struct RecordWriter<'b, A> {
    /// The whole transmit buffer.
    buf: &'b mut [u8],
    /// End of the bytes already queued in `buf`.
    end: &'b mut usize,
    /// The protection state.
    layer: &'b mut RecordLayer<A>,
}

impl<'b, A: AeadKey> RecordWriter<'b, A> {
    /// A writer appending to `buf` after `*end`.
    pub fn new(buf: &'b mut [u8], end: &'b mut usize, layer: &'b mut RecordLayer<A>) -> Self {
        RecordWriter { buf, end, layer }
    }

    /// The record layer (to activate keys after a ChangeCipherSpec).
    pub fn layer(&mut self) -> &mut RecordLayer<A> {
        self.layer
    }

    /// Free bytes left in the transmit buffer.
    pub fn free(&self) -> usize {
        self.buf.len().saturating_sub(*self.end)
    }

    /// Encodes one message of `content_type` with `encode`, shows the
    /// plaintext to `observe` (the transcript), then fragments and protects
    /// it. On error nothing is queued.
    pub fn write<E, O>(&mut self, content_type: ContentType, encode: E, observe: O) -> Result<(), Error>
    where
        E: FnOnce(&mut crate::codec::Writer<'_>) -> Result<(), Error>,
        O: FnOnce(&[u8]),
    {
        let off = self.layer.payload_offset();
        let overhead = self.layer.overhead();
        let free = self.buf.get_mut(*self.end..).ok_or(Error::Internal)?;
        let cap = free
            .len()
            .checked_sub(overhead)
            .ok_or_else(|| Error::BufferTooSmall.because(TX_FULL).with_sizes(free.len(), overhead + 1))?;
        let mut w = crate::codec::Writer::new(&mut free[off..off + cap]);
        // The writer's own "buffer too small" is this buffer's.
        encode(&mut w)
            .map_err(|e| if e == ErrorKind::BufferTooSmall { Error::BufferTooSmall.because(TX_FULL) } else { e })?;
        let n = w.len();
        observe(&free[off..off + n]);
        let max = self.layer.max_fragment_out();
        let count = n.div_ceil(max).max(1);
        let total = n + count * overhead;
        if total > free.len() {
            return Err(Error::BufferTooSmall.because(TX_FULL).with_sizes(free.len(), total));
        }
        // Spread the fragments out, last first so no source is overwritten
        // before it moved, leaving room for each record's header and tag.
        for i in (1..count).rev() {
            let src = off + i * max;
            let len = max.min(n - i * max);
            free.copy_within(src..src + len, i * (max + overhead) + off);
        }
        let mut pos = 0;
        for i in 0..count {
            let len = max.min(n - i * max);
            pos += self.layer.seal(content_type, &mut free[pos..], len)?;
        }
        *self.end += pos;
        Ok(())
    }

    /// Writes a ChangeCipherSpec and switches writing to the pending keys.
    pub fn change_cipher_spec<P: Provider<Aead = A>>(&mut self, provider: &P) -> Result<(), Error> {
        self.write(ContentType::ChangeCipherSpec, |w| w.u8(1), |_| {})?;
        self.layer.activate_write(provider)
    }

    /// Writes an alert.
    pub fn alert(
        &mut self,
        level: crate::codec::AlertLevel,
        description: crate::codec::AlertDescription,
    ) -> Result<(), Error> {
        self.write(
            ContentType::Alert,
            |w| {
                w.u8(level.to_wire())?;
                w.u8(description.to_wire())
            },
            |_| {},
        )
    }
}

#[cfg(test)]
mod tests;

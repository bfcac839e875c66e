//! The receive side of the record layer: the caller's receive buffer, the
//! records waiting in it, and the handshake messages reassembled from them
//! (RFC 5246 §6.2.1). It yields typed inbound items and knows nothing of
//! what a handshake message means or which one a state allows.
//!
//! Layout of the buffer: `[reassembled handshake bytes | gap | unprocessed
//! records | free]`. Records are opened in place; a handshake fragment's
//! plaintext moves down to the end of the reassembled bytes, so a message
//! split over many records ends up whole at the front of the buffer.

use super::{HEADER_LEN, RecordHeader, RecordLayer};
use crate::codec::{self, AlertDescription, AlertLevel, ContentType};
use crate::crypto::AeadKey;
use crate::error::Error;
use core::ops::Range;

/// The most empty application-data records accepted in a row: they carry
/// nothing, so a stream of them is only a way to spin the receiver.
const MAX_EMPTY_RECORDS: u8 = 32;

/// One thing the peer sent, as the record layer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inbound {
    /// A whole handshake message (header included) at the front of the
    /// buffer, this many bytes long: read it with
    /// [`Deframer::message`], then [`Deframer::consume`] or
    /// [`Deframer::keep`] it.
    Handshake(usize),
    /// A ChangeCipherSpec (its body was the single byte 1).
    ChangeCipherSpec,
    /// A whole (two-byte) alert.
    Alert(AlertLevel, AlertDescription),
    /// Application data, decrypted in place at this range of the buffer
    /// (possibly empty).
    ApplicationData(Range<usize>),
}

/// The caller's receive buffer and what is in it.
pub(crate) struct Deframer<B> {
    buf: B,
    /// Reassembled handshake plaintext: `buf[..message_len]`.
    message_len: usize,
    /// Received records not opened yet: `buf[start..end]`.
    start: usize,
    end: usize,
    /// A handled message kept at the front for an event (the peer's
    /// certificate chain), dropped at the next call.
    kept: usize,
    /// Records of each kind in a row, for the limits on empty records and
    /// warning alerts.
    empty_records: u8,
    alerts_in_a_row: u8,
}

impl<B: AsMut<[u8]> + AsRef<[u8]>> Deframer<B> {
    pub fn new(buf: B) -> Self {
        Deframer { buf, message_len: 0, start: 0, end: 0, kept: 0, empty_records: 0, alerts_in_a_row: 0 }
    }

    pub fn capacity(&self) -> usize {
        self.buf.as_ref().len()
    }

    /// Free space after the buffered bytes, made as large as possible.
    pub fn window(&mut self) -> &mut [u8] {
        self.release_kept();
        if self.start > self.message_len {
            let (from, to) = (self.start..self.end, self.message_len);
            self.buf.as_mut().copy_within(from, to);
            self.end -= self.start - self.message_len;
            self.start = self.message_len;
        }
        let end = self.end;
        &mut self.buf.as_mut()[end..]
    }

    /// `n` bytes were written into the [`window`](Self::window); clamped,
    /// so a caller's wrong count cannot point past the buffer.
    pub fn commit(&mut self, n: usize) {
        self.end = self.end.saturating_add(n).min(self.capacity());
    }

    /// The next inbound item, opening the records in the buffer with
    /// `layer`; `None` until more bytes arrive. A whole handshake message
    /// comes before the records after it.
    pub fn next<A: AeadKey>(&mut self, layer: &mut RecordLayer<A>) -> Result<Option<Inbound>, Error> {
        self.release_kept();
        loop {
            if let Some(total) = codec::handshake_message_len(&self.buf.as_ref()[..self.message_len]) {
                let room = self.capacity().saturating_sub(HEADER_LEN);
                if total > room {
                    // It could never be reassembled in this buffer.
                    return Err(Error::handshake_message_too_large(room, total));
                }
                if total <= self.message_len {
                    return Ok(Some(Inbound::Handshake(total)));
                }
            }
            let Some((content_type, plain)) = self.open_record(layer)? else { return Ok(None) };
            if content_type != ContentType::ApplicationData {
                self.empty_records = 0;
            }
            if content_type != ContentType::Alert {
                self.alerts_in_a_row = 0;
            }
            let body = &self.buf.as_ref()[plain.clone()];
            return Ok(Some(match content_type {
                ContentType::Handshake => {
                    // RFC 5246 §6.2.1: no zero-length handshake fragments.
                    if body.is_empty() {
                        return Err(Error::UnexpectedMessage.because("empty handshake record"));
                    }
                    let n = plain.len();
                    let to = self.message_len;
                    self.buf.as_mut().copy_within(plain, to);
                    self.message_len += n;
                    continue;
                }
                // Neither may come between the fragments of a handshake
                // message. RFC 5246 §7.1: a ChangeCipherSpec is the single
                // byte 1; an alert is two bytes. OpenSSL and GnuTLS answer
                // anything else with unexpected_message.
                ContentType::ChangeCipherSpec if self.message_len == 0 && body == [1] => Inbound::ChangeCipherSpec,
                ContentType::Alert if self.message_len == 0 => {
                    let &[level, description] = body else {
                        return Err(Error::UnexpectedMessage.because("alert record is not two bytes"));
                    };
                    self.alerts_in_a_row = self.alerts_in_a_row.saturating_add(1);
                    Inbound::Alert(AlertLevel::from(level), AlertDescription::from(description))
                }
                ContentType::ChangeCipherSpec if self.message_len == 0 => {
                    return Err(Error::UnexpectedMessage.because("ChangeCipherSpec body is not the single byte 1"));
                }
                ContentType::ChangeCipherSpec | ContentType::Alert => {
                    return Err(Error::UnexpectedMessage.because("record between the fragments of a handshake message"));
                }
                // During a renegotiation data keeps flowing, even between
                // the fragments of a handshake message.
                ContentType::ApplicationData => {
                    if plain.is_empty() {
                        self.empty_records += 1;
                        if self.empty_records > MAX_EMPTY_RECORDS {
                            return Err(Error::UnexpectedMessage.because("too many empty application data records"));
                        }
                    } else {
                        self.empty_records = 0;
                    }
                    Inbound::ApplicationData(plain)
                }
                ContentType::Unknown(_) => {
                    return Err(Error::UnexpectedMessage.because("record of unknown content type"));
                }
            }));
        }
    }

    /// Opens the next whole record in place: its content type and the
    /// range of its plaintext.
    fn open_record<A: AeadKey>(
        &mut self,
        layer: &mut RecordLayer<A>,
    ) -> Result<Option<(ContentType, Range<usize>)>, Error> {
        let raw = &self.buf.as_ref()[self.start..self.end];
        let Some(header) = RecordHeader::parse(raw)? else { return Ok(None) };
        let record_len = HEADER_LEN + header.len;
        if self.message_len + record_len > self.capacity() {
            // Beside a message being reassembled, the record carrying more
            // of it does not fit: the message is too big for this buffer.
            // Alone, the record is bigger than the buffer.
            let (have, need) = (self.capacity(), self.message_len + record_len);
            return Err(if self.message_len > 0 {
                Error::handshake_message_too_large(have, need)
            } else {
                Error::record_too_large(have, need)
            });
        }
        if raw.len() < record_len {
            return Ok(None);
        }
        let start = self.start;
        let (content_type, range) = layer.open(&mut self.buf.as_mut()[start..start + record_len])?;
        self.start = start + record_len;
        Ok(Some((content_type, start + range.start..start + range.end)))
    }

    /// Warning alerts received in a row, the current one included.
    pub fn alerts_in_a_row(&self) -> u8 {
        self.alerts_in_a_row
    }

    /// The whole handshake message `buf[..len]` of an
    /// [`Inbound::Handshake`].
    pub fn message(&self, len: usize) -> &[u8] {
        &self.buf.as_ref()[..len.min(self.message_len)]
    }

    /// Plaintext of an [`Inbound::ApplicationData`].
    pub fn data(&self, range: Range<usize>) -> &[u8] {
        self.buf.as_ref().get(range).unwrap_or(&[])
    }

    /// Drops the handled message `buf[..len]`.
    pub fn consume(&mut self, len: usize) {
        let len = len.min(self.message_len);
        let rest = len..self.message_len;
        self.buf.as_mut().copy_within(rest, 0);
        self.message_len -= len;
    }

    /// Keeps the handled message `buf[..len]` in place until the next call
    /// ([`kept`](Self::kept) shows it meanwhile).
    pub fn keep(&mut self, len: usize) {
        self.kept = len.min(self.message_len);
    }

    /// The message kept by [`keep`](Self::keep), empty if none.
    pub fn kept(&self) -> &[u8] {
        &self.buf.as_ref()[..self.kept]
    }

    fn release_kept(&mut self) {
        let kept = core::mem::take(&mut self.kept);
        if kept > 0 {
            self.consume(kept);
        }
    }

    /// Forgets everything received and zeroes the whole buffer: decrypted
    /// plaintext may lie anywhere in it after a compaction.
    pub fn wipe(&mut self) {
        self.buf.as_mut().fill(0);
        self.message_len = 0;
        self.start = 0;
        self.end = 0;
        self.kept = 0;
    }

    /// The buffer back, zeroed.
    pub fn into_buffer(mut self) -> B {
        self.wipe();
        self.buf
    }
}

/// The transmit side: the caller's transmit buffer and the records queued
/// in it, `buf[start..end]`.
pub(crate) struct Transmit<B> {
    buf: B,
    start: usize,
    end: usize,
}

impl<B: AsMut<[u8]> + AsRef<[u8]>> Transmit<B> {
    pub fn new(buf: B) -> Self {
        Transmit { buf, start: 0, end: 0 }
    }

    /// Bytes waiting to go to the network.
    pub fn pending(&self) -> &[u8] {
        &self.buf.as_ref()[self.start..self.end]
    }

    /// The first `n` pending bytes were sent (clamped).
    pub fn done(&mut self, n: usize) {
        self.start = self.start.saturating_add(n).min(self.end);
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Free bytes after the pending ones once compacted.
    pub fn free(&self) -> usize {
        self.buf.as_ref().len() - (self.end - self.start)
    }

    /// A writer appending records after the pending bytes (moved to the
    /// front first, so the whole free space is usable).
    pub fn writer<'x, A: AeadKey>(&'x mut self, layer: &'x mut RecordLayer<A>) -> super::RecordWriter<'x, A> {
        if self.start > 0 {
            let (from, buf) = (self.start..self.end, self.buf.as_mut());
            buf.copy_within(from, 0);
            self.end -= self.start;
            self.start = 0;
        }
        super::RecordWriter::new(self.buf.as_mut(), &mut self.end, layer)
    }

    /// The buffer back, zeroed.
    pub fn into_buffer(mut self) -> B {
        self.buf.as_mut().fill(0);
        self.buf
    }
}

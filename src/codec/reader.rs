//! A reader that cannot over-read, and a writer into a caller slice that
//! cannot over-write. Every parse in the crate goes through [`Reader`], every
//! encode through [`Writer`].

use crate::error::Error;

/// A cursor over borrowed bytes. Every getter checks the length first and
/// returns [`ErrorKind::Decode`](crate::ErrorKind::Decode) when the input is
/// short.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `buf`, at its start.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Number of bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    /// Whether every byte was read.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// Fails with [`ErrorKind::Decode`](crate::ErrorKind::Decode) unless
    /// every byte was read (TLS forbids trailing bytes in a message or a
    /// vector).
    pub fn expect_end(&self) -> Result<(), Error> {
        if self.is_empty() { Ok(()) } else { Err(Error::Decode.because("trailing bytes after a message or vector")) }
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.pos.checked_add(n).ok_or(Error::Decode.because("message or vector truncated"))?;
        let out = self.buf.get(self.pos..end).ok_or(Error::Decode.because("message or vector truncated"))?;
        self.pos = end;
        Ok(out)
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let s = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(s);
        Ok(out)
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.array::<1>()?[0])
    }

    /// A big-endian u16.
    pub fn u16(&mut self) -> Result<u16, Error> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    /// A big-endian u24.
    pub fn u24(&mut self) -> Result<u32, Error> {
        let [a, b, c] = self.array()?;
        Ok(u32::from_be_bytes([0, a, b, c]))
    }

    /// A big-endian u32.
    pub fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    /// A vector with a one-byte length prefix.
    pub fn vec8(&mut self) -> Result<&'a [u8], Error> {
        let n = self.u8()? as usize;
        self.take(n)
    }

    /// A vector with a two-byte length prefix.
    pub fn vec16(&mut self) -> Result<&'a [u8], Error> {
        let n = self.u16()? as usize;
        self.take(n)
    }

    /// A vector with a three-byte length prefix.
    pub fn vec24(&mut self) -> Result<&'a [u8], Error> {
        let n = self.u24()? as usize;
        self.take(n)
    }

    /// A sub-reader over a vector with a two-byte length prefix.
    pub fn sub16(&mut self) -> Result<Reader<'a>, Error> {
        self.vec16().map(Reader::new)
    }
}

/// A cursor writing into a caller slice. Writes past the end fail with
/// [`ErrorKind::BufferTooSmall`](crate::ErrorKind::BufferTooSmall) and leave
/// the slice's tail untouched.
#[derive(Debug)]
pub struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> Writer<'a> {
    /// A writer at the start of `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        Writer { buf, pos: 0 }
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.pos
    }

    /// Whether nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.pos == 0
    }

    /// The bytes written so far.
    pub fn written(&self) -> &[u8] {
        &self.buf[..self.pos]
    }

    /// Reserves `n` bytes and returns them for the caller to fill.
    pub fn reserve(&mut self, n: usize) -> Result<&mut [u8], Error> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(Error::BufferTooSmall.because("buffer too small for the message being written"))?;
        if end > self.buf.len() {
            return Err(Error::BufferTooSmall.because("buffer too small for the message being written"));
        }
        let start = self.pos;
        self.pos = end;
        Ok(&mut self.buf[start..end])
    }

    /// Appends bytes.
    pub fn bytes(&mut self, b: &[u8]) -> Result<(), Error> {
        self.reserve(b.len())?.copy_from_slice(b);
        Ok(())
    }

    /// Appends one byte.
    pub fn u8(&mut self, v: u8) -> Result<(), Error> {
        self.bytes(&[v])
    }

    /// Appends a big-endian u16.
    pub fn u16(&mut self, v: u16) -> Result<(), Error> {
        self.bytes(&v.to_be_bytes())
    }

    /// Appends a big-endian u24; fails if `v` does not fit.
    pub fn u24(&mut self, v: usize) -> Result<(), Error> {
        if v > 0xff_ffff {
            return Err(Error::Internal.because("value does not fit its 24-bit length field"));
        }
        self.bytes(&(v as u32).to_be_bytes()[1..])
    }

    /// Appends a big-endian u32.
    pub fn u32(&mut self, v: u32) -> Result<(), Error> {
        self.bytes(&v.to_be_bytes())
    }

    /// Writes a vector whose length prefix is `len_bytes` (1, 2 or 3) wide:
    /// `body` writes the content, the prefix is filled in afterwards.
    pub fn vec<F>(&mut self, len_bytes: usize, body: F) -> Result<(), Error>
    where
        F: FnOnce(&mut Writer<'_>) -> Result<(), Error>,
    {
        let start = self.pos;
        self.reserve(len_bytes)?;
        let body_start = self.pos;
        {
            let mut inner = Writer { buf: &mut self.buf[body_start..], pos: 0 };
            body(&mut inner)?;
            self.pos = body_start + inner.pos;
        }
        let n = self.pos - body_start;
        let max = (1usize << (8 * len_bytes)) - 1;
        if n > max {
            return Err(Error::Internal.because("vector longer than its length prefix allows"));
        }
        let be = (n as u32).to_be_bytes();
        self.buf[start..body_start].copy_from_slice(&be[4 - len_bytes..]);
        Ok(())
    }

    /// Writes a vector with a one-byte length prefix.
    pub fn vec8(&mut self, b: &[u8]) -> Result<(), Error> {
        self.vec(1, |w| w.bytes(b))
    }

    /// Writes a vector with a two-byte length prefix.
    pub fn vec16(&mut self, b: &[u8]) -> Result<(), Error> {
        self.vec(2, |w| w.bytes(b))
    }

    /// Writes a vector with a three-byte length prefix.
    pub fn vec24(&mut self, b: &[u8]) -> Result<(), Error> {
        self.vec(3, |w| w.bytes(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_never_over_reads() {
        let data = [1u8, 2, 0, 3, 9, 9, 9];
        let mut r = Reader::new(&data);
        assert_eq!(r.u8().unwrap(), 1);
        assert_eq!(r.u8().unwrap(), 2);
        assert_eq!(r.vec16().unwrap(), &[9, 9, 9]);
        assert!(r.is_empty());
        assert_eq!(r.u8(), Err(Error::Decode));
        let mut r = Reader::new(&[0, 5, 1]);
        assert_eq!(r.vec16(), Err(Error::Decode));
        let mut r = Reader::new(&[0xff, 0xff, 0xff]);
        assert_eq!(r.u24().unwrap(), 0xff_ffff);
        assert_eq!(Reader::new(&[1]).expect_end(), Err(Error::Decode));
        assert_eq!(r.take(usize::MAX), Err(Error::Decode));
    }

    #[test]
    fn writer_prefixes_and_bounds() {
        let mut buf = [0u8; 8];
        let mut w = Writer::new(&mut buf);
        w.vec(2, |w| w.vec8(&[7, 7])).unwrap();
        assert_eq!(w.written(), &[0, 3, 2, 7, 7]);
        w.u24(0x010203).unwrap();
        assert_eq!(w.u8(1), Err(Error::BufferTooSmall));
        assert_eq!(w.len(), 8);
        let mut small = [0u8; 2];
        let mut w = Writer::new(&mut small);
        assert_eq!(w.vec16(&[1]), Err(Error::BufferTooSmall));
        let mut big = [0u8; 300];
        let mut w = Writer::new(&mut big);
        assert_eq!(w.vec8(&[0u8; 256]), Err(Error::Internal));
    }
}

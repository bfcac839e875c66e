//! A small reader of DER (ITU-T X.690 §8 and §10, the distinguished
//! encoding) for the few structures the verifier side reads itself: a
//! certificate's outer fields (RFC 5280 §4.1), a SubjectPublicKeyInfo, an
//! RSA public key (RFC 8017 §A.1.1) and an ECDSA signature (RFC 5480 §2.2,
//! RFC 3279 §2.2.3).
//!
//! It borrows from the input and never copies, allocates or panics: each
//! read checks its bounds and returns [`Malformed`] for anything that is not
//! DER: a truncated element, an indefinite or non-minimal length, a tag of
//! the high-tag-number form, an unexpected tag, trailing bytes. The callers
//! turn that into the [`Error`](crate::Error) (kind, reason, alert) that fits
//! what they were reading. Its own code, instead of the `der` crate's
//! generic decoders, keeps a minimal client's link small.

/// Not DER, or not the element expected there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Malformed;

/// The universal tags this crate reads (X.690 §8.1.2, X.680 §8.4).
pub(crate) mod tag {
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const BIT_STRING: u8 = 0x03;
    pub(crate) const NULL: u8 = 0x05;
    pub(crate) const OBJECT_IDENTIFIER: u8 = 0x06;
    /// SEQUENCE and SEQUENCE OF, constructed.
    pub(crate) const SEQUENCE: u8 = 0x30;
    /// `[0]` EXPLICIT, constructed (a certificate's version).
    pub(crate) const CONTEXT_0: u8 = 0xa0;
}

/// The low five bits of an identifier octet that announce a multi-byte
/// (high-tag-number) tag (X.690 §8.1.2.4); nothing read here uses one.
const HIGH_TAG_NUMBER: u8 = 0x1f;

/// The longest length field accepted: 0x83 and three octets, a content of
/// up to 16 MiB - 1. Certificates are a few KiB; TLS carries at most
/// 2^24 - 1 bytes of them in one message (RFC 5246 §7.4.2).
const MAX_LENGTH_OCTETS: usize = 3;

/// One element: its tag, its contents, and the whole encoding (tag, length
/// and contents).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Element<'a> {
    pub tag: u8,
    pub contents: &'a [u8],
    pub encoding: &'a [u8],
}

/// Reads consecutive elements from a slice, front to back.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DerReader<'a> {
    rest: &'a [u8],
}

impl<'a> DerReader<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        DerReader { rest: input }
    }

    /// Whether every byte has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The tag of the next element, without reading it.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Reads the next element, whatever its tag.
    pub(crate) fn element(&mut self) -> Result<Element<'a>, Malformed> {
        let input = self.rest;
        let (&tag, after_tag) = input.split_first().ok_or(Malformed)?;
        if tag & HIGH_TAG_NUMBER == HIGH_TAG_NUMBER {
            return Err(Malformed);
        }
        let (&first, mut after_length) = after_tag.split_first().ok_or(Malformed)?;
        let length = if first < 0x80 {
            // Short form (X.690 §8.1.3.4).
            usize::from(first)
        } else {
            // Long form: 0x80 | number of length octets. 0x80 itself is the
            // indefinite form, which DER forbids (X.690 §10.1).
            let count = usize::from(first & 0x7f);
            if count == 0 || count > MAX_LENGTH_OCTETS {
                return Err(Malformed);
            }
            let (octets, rest) = after_length.split_at_checked(count).ok_or(Malformed)?;
            after_length = rest;
            let length = octets.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            // DER: the fewest octets (X.690 §10.1), so the long form only
            // for 128 and up, and no leading zero octet.
            if length < 0x80 || octets.first() == Some(&0) {
                return Err(Malformed);
            }
            length
        };
        let (contents, rest) = after_length.split_at_checked(length).ok_or(Malformed)?;
        let encoding = input.get(..input.len() - rest.len()).ok_or(Malformed)?;
        self.rest = rest;
        Ok(Element { tag, contents, encoding })
    }

    /// Reads the next element, which must have `tag`; its contents.
    pub(crate) fn contents(&mut self, tag: u8) -> Result<&'a [u8], Malformed> {
        self.tagged(tag).map(|e| e.contents)
    }

    /// Reads the next element, which must have `tag`.
    pub(crate) fn tagged(&mut self, tag: u8) -> Result<Element<'a>, Malformed> {
        let element = self.element()?;
        if element.tag != tag {
            return Err(Malformed);
        }
        Ok(element)
    }

    /// Reads the next element if it has `tag`; `None` (reading nothing) if
    /// the input is finished or the next tag is another.
    pub(crate) fn optional(&mut self, tag: u8) -> Result<Option<Element<'a>>, Malformed> {
        if self.peek_tag() == Some(tag) { self.element().map(Some) } else { Ok(None) }
    }

    /// Succeeds only if every byte has been read.
    pub(crate) fn finish(&self) -> Result<(), Malformed> {
        if self.is_empty() { Ok(()) } else { Err(Malformed) }
    }
}

/// The contents of the one element of `tag` that makes up all of `input`.
pub(crate) fn single(input: &[u8], tag: u8) -> Result<&[u8], Malformed> {
    let mut reader = DerReader::new(input);
    let contents = reader.contents(tag)?;
    reader.finish()?;
    Ok(contents)
}

/// The magnitude of a non-negative INTEGER from its contents, big-endian
/// without the sign octet: empty contents, a negative value and a
/// non-minimal encoding (a leading 0x00 not needed for the sign, a leading
/// 0xff) are refused (X.690 §8.3.2). Zero is `[0]`.
pub(crate) fn unsigned_integer(contents: &[u8]) -> Result<&[u8], Malformed> {
    match contents {
        [] => Err(Malformed),
        [first, ..] if first & 0x80 != 0 => Err(Malformed),
        // A sign octet only where the next octet's top bit is set.
        [0, next, ..] if next & 0x80 == 0 => Err(Malformed),
        [0, magnitude @ ..] if !magnitude.is_empty() => Ok(magnitude),
        _ => Ok(contents),
    }
}

/// The contents of a BIT STRING with no unused bits: `None` if the string
/// has unused bits, `Err` if its contents are not a BIT STRING's
/// (X.690 §8.6.2: an initial octet counting the unused bits, 0 to 7, and
/// 0 when there are no bits).
pub(crate) fn bit_string_bytes(contents: &[u8]) -> Result<Option<&[u8]>, Malformed> {
    match contents.split_first() {
        Some((0, bytes)) => Ok(Some(bytes)),
        Some((&unused, bytes)) if unused <= 7 && !bytes.is_empty() => Ok(None),
        _ => Err(Malformed),
    }
}

/// An `AlgorithmIdentifier` (RFC 5280 §4.1.1.2): the algorithm's OBJECT
/// IDENTIFIER contents and its parameters, if present, as an element.
pub(crate) fn algorithm_identifier(contents: &[u8]) -> Result<(&[u8], Option<Element<'_>>), Malformed> {
    let mut reader = DerReader::new(contents);
    let oid = reader.contents(tag::OBJECT_IDENTIFIER)?;
    let parameters = if reader.is_empty() { None } else { Some(reader.element()?) };
    reader.finish()?;
    Ok((oid, parameters))
}

/// The `r` and `s` of a DER `ECDSA-Sig-Value` (SEQUENCE of two INTEGERs,
/// RFC 3279 §2.2.3), big-endian without sign octets; that they are in
/// range for the curve is the caller's check.
pub(crate) fn ecdsa_signature(der: &[u8]) -> Result<(&[u8], &[u8]), Malformed> {
    let mut reader = DerReader::new(single(der, tag::SEQUENCE)?);
    let r = unsigned_integer(reader.contents(tag::INTEGER)?)?;
    let s = unsigned_integer(reader.contents(tag::INTEGER)?)?;
    reader.finish()?;
    Ok((r, s))
}

/// `value` (big-endian, any length) right-aligned in `N` bytes; `None` if
/// it does not fit (leading zero bytes are dropped first).
pub(crate) fn left_pad<const N: usize>(value: &[u8]) -> Option<[u8; N]> {
    let start = value.iter().position(|&b| b != 0).unwrap_or(value.len());
    let significant = value.get(start..)?;
    let mut out = [0u8; N];
    let offset = N.checked_sub(significant.len())?;
    out.get_mut(offset..)?.copy_from_slice(significant);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_lengths() {
        let mut r = DerReader::new(&[0x04, 0x02, 0xaa, 0xbb, 0x05, 0x00]);
        assert_eq!(
            r.element(),
            Ok(Element { tag: 0x04, contents: &[0xaa, 0xbb], encoding: &[0x04, 0x02, 0xaa, 0xbb] })
        );
        assert_eq!(r.peek_tag(), Some(tag::NULL));
        assert_eq!(r.contents(tag::NULL), Ok(&[][..]));
        assert!(r.is_empty());
        assert_eq!(r.finish(), Ok(()));

        // 0x81: one length octet, 128 and up.
        let mut long = [0u8; 3 + 200];
        long[..3].copy_from_slice(&[0x04, 0x81, 200]);
        let e = DerReader::new(&long).element().unwrap();
        assert_eq!((e.contents.len(), e.encoding.len()), (200, 203));
        // 0x82: two octets.
        let mut longer = [0u8; 4 + 300];
        longer[..4].copy_from_slice(&[0x30, 0x82, 0x01, 0x2c]);
        assert_eq!(single(&longer, tag::SEQUENCE).map(<[u8]>::len), Ok(300));
        // 0x83: three octets, all present.
        let mut longest = [0u8; 5 + 0x1_0000];
        longest[..5].copy_from_slice(&[0x04, 0x83, 0x01, 0x00, 0x00]);
        assert_eq!(single(&longest, 0x04).map(<[u8]>::len), Ok(0x1_0000));
    }

    #[test]
    fn malformed_lengths() {
        for bad in [
            &[][..],                            // nothing
            &[0x04],                            // tag without length
            &[0x04, 0x03, 1, 2],                // contents truncated
            &[0x04, 0x80, 1, 0, 0],             // indefinite length
            &[0x04, 0x81],                      // length octets missing
            &[0x04, 0x81, 0x05, 1, 2, 3, 4, 5], // long form for < 128
            &[0x04, 0x82, 0x00, 0x80],          // leading zero length octet
            &[0x04, 0x84, 0, 0, 1, 0],          // more length octets than accepted
            &[0x04, 0xff, 0, 0],                // reserved 0xff
            &[0x04, 0x82, 0x01, 0x00, 0, 0],    // 256 announced, 2 there
            &[0x1f, 0x81, 0x01, 0x00],          // high-tag-number form
        ] {
            assert_eq!(DerReader::new(bad).element(), Err(Malformed), "{bad:02x?}");
        }
    }

    #[test]
    fn wrong_tags_and_trailing_bytes() {
        assert_eq!(DerReader::new(&[0x02, 0x01, 0x05]).contents(tag::SEQUENCE), Err(Malformed));
        assert_eq!(DerReader::new(&[0x02, 0x01, 0x05]).tagged(tag::INTEGER).map(|e| e.contents), Ok(&[5][..]));
        assert_eq!(single(&[0x30, 0x00, 0x00], tag::SEQUENCE), Err(Malformed));
        assert_eq!(single(&[0x30, 0x00], tag::SEQUENCE), Ok(&[][..]));
        assert_eq!(single(&[0x30, 0x00], tag::INTEGER), Err(Malformed));
        let mut r = DerReader::new(&[0x02, 0x01, 0x05]);
        assert_eq!(r.optional(tag::CONTEXT_0), Ok(None));
        assert_eq!(r.optional(tag::INTEGER).map(|e| e.map(|e| e.contents)), Ok(Some(&[5][..])));
        assert_eq!(r.optional(tag::INTEGER), Ok(None));
        assert_eq!(DerReader::new(&[0x02, 0x01, 0x05, 0xff]).finish(), Err(Malformed));
    }

    #[test]
    fn integers() {
        assert_eq!(unsigned_integer(&[0]), Ok(&[0][..]));
        assert_eq!(unsigned_integer(&[0x7f]), Ok(&[0x7f][..]));
        assert_eq!(unsigned_integer(&[0x00, 0x80]), Ok(&[0x80][..]));
        assert_eq!(unsigned_integer(&[0x01, 0x00]), Ok(&[0x01, 0x00][..]));
        assert_eq!(unsigned_integer(&[]), Err(Malformed));
        assert_eq!(unsigned_integer(&[0x80]), Err(Malformed)); // negative
        assert_eq!(unsigned_integer(&[0xff, 0x80]), Err(Malformed)); // negative
        assert_eq!(unsigned_integer(&[0x00, 0x7f]), Err(Malformed)); // non-minimal
        assert_eq!(unsigned_integer(&[0x00, 0x00]), Err(Malformed)); // non-minimal
    }

    #[test]
    fn bit_strings_and_algorithms() {
        assert_eq!(bit_string_bytes(&[0, 1, 2]), Ok(Some(&[1, 2][..])));
        assert_eq!(bit_string_bytes(&[0]), Ok(Some(&[][..])));
        assert_eq!(bit_string_bytes(&[3, 0xf8]), Ok(None));
        assert_eq!(bit_string_bytes(&[]), Err(Malformed));
        assert_eq!(bit_string_bytes(&[8, 0]), Err(Malformed));
        assert_eq!(bit_string_bytes(&[1]), Err(Malformed));

        let oid_only = [0x06, 0x02, 0x2a, 0x03];
        assert_eq!(algorithm_identifier(&oid_only), Ok((&[0x2a, 0x03][..], None)));
        let with_null = [0x06, 0x01, 0x2a, 0x05, 0x00];
        let (oid, params) = algorithm_identifier(&with_null).unwrap();
        assert_eq!((oid, params.map(|p| p.tag)), (&[0x2a][..], Some(tag::NULL)));
        assert_eq!(algorithm_identifier(&[0x05, 0x00]), Err(Malformed));
        assert_eq!(algorithm_identifier(&[0x06, 0x01, 0x2a, 0x05, 0x00, 0x05, 0x00]), Err(Malformed));
    }

    #[test]
    fn ecdsa_signatures() {
        let sig = [0x30, 0x07, 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x01];
        assert_eq!(ecdsa_signature(&sig), Ok((&[0x80][..], &[0x01][..])));
        // Trailing bytes after the SEQUENCE, inside it, a third INTEGER, one
        // missing, a negative s, a wrong outer tag, a truncated one.
        assert_eq!(ecdsa_signature(&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00]), Err(Malformed));
        assert_eq!(ecdsa_signature(&[0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00]), Err(Malformed));
        assert_eq!(
            ecdsa_signature(&[0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]),
            Err(Malformed)
        );
        assert_eq!(ecdsa_signature(&[0x30, 0x03, 0x02, 0x01, 0x01]), Err(Malformed));
        assert_eq!(ecdsa_signature(&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x81]), Err(Malformed));
        assert_eq!(ecdsa_signature(&[0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]), Err(Malformed));
        assert_eq!(ecdsa_signature(&sig[..8]), Err(Malformed));
    }

    #[test]
    fn padding() {
        assert_eq!(left_pad::<4>(&[1, 2]), Some([0, 0, 1, 2]));
        assert_eq!(left_pad::<2>(&[0, 0, 1, 2]), Some([1, 2]));
        assert_eq!(left_pad::<2>(&[1, 2, 3]), None);
        assert_eq!(left_pad::<2>(&[]), Some([0, 0]));
    }

    /// Every prefix and every one-byte change of a real certificate either
    /// reads or is `Malformed`; none panics.
    #[test]
    fn no_panic_on_mangled_input() {
        let cert: &[u8] = include_bytes!("../../vectors/pki/ecdsa-server.der");
        let walk = |input: &[u8]| {
            let mut r = DerReader::new(input);
            while let Ok(e) = r.element() {
                let mut inner = DerReader::new(e.contents);
                while inner.element().is_ok() {}
                let _ = unsigned_integer(e.contents);
                let _ = bit_string_bytes(e.contents);
                let _ = algorithm_identifier(e.contents);
            }
            let _ = ecdsa_signature(input);
        };
        for n in 0..cert.len() {
            walk(&cert[..n]);
        }
        let mut copy = [0u8; 1024];
        let copy = &mut copy[..cert.len()];
        for i in 0..cert.len().min(64) {
            for v in [0x00, 0x7f, 0x80, 0x81, 0x84, 0xff] {
                copy.copy_from_slice(cert);
                copy[i] = v;
                walk(copy);
            }
        }
    }
}

//! A list of byte strings, as TLS vectors carry them: a certificate chain,
//! ALPN protocol names, CA distinguished names.

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "alloc")]
use alloc::vec::Vec;

/// A list of byte strings a config names: certificates (DER), ALPN
/// protocol names, CA distinguished names. It borrows them, from an array
/// or a slice of slices (firmware: everything in flash), or with the
/// `alloc` feature from a slice of `Vec<u8>` (what an `OwnedServerConfig`
/// keeps).
///
/// It is `Copy`, and converts from what holds the strings:
///
/// ```
/// use sansio_tls::config::ByteStrings;
///
/// let protocols = [b"h2".as_slice(), b"http/1.1"];
/// let names = ByteStrings::from(&protocols);
/// assert_eq!(names.len(), 2);
/// assert_eq!(names.get(1), Some(&b"http/1.1"[..]));
/// assert!(names.iter().any(|p| p == b"h2"));
///
/// const ALPN: ByteStrings<'static> = ByteStrings::new(&[b"echo/1"]);
/// assert_eq!(ALPN.first(), Some(&b"echo/1"[..]));
/// assert!(ByteStrings::EMPTY.is_empty());
/// # #[cfg(feature = "alloc")] {
/// let owned: Vec<Vec<u8>> = vec![b"h2".to_vec()];
/// assert_eq!(ByteStrings::from(&owned).first(), Some(&b"h2"[..]));
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct ByteStrings<'a>(Repr<'a>);

#[derive(Clone, Copy)]
enum Repr<'a> {
    Slices(&'a [&'a [u8]]),
    #[cfg(feature = "alloc")]
    Vecs(&'a [Vec<u8>]),
}

impl<'a> ByteStrings<'a> {
    /// No strings.
    pub const EMPTY: ByteStrings<'static> = ByteStrings(Repr::Slices(&[]));

    /// The strings of `list` (usable in a `const`).
    pub const fn new(list: &'a [&'a [u8]]) -> Self {
        ByteStrings(Repr::Slices(list))
    }

    /// How many strings there are.
    pub fn len(&self) -> usize {
        match self.0 {
            Repr::Slices(l) => l.len(),
            #[cfg(feature = "alloc")]
            Repr::Vecs(l) => l.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The string at `index`.
    pub fn get(&self, index: usize) -> Option<&'a [u8]> {
        match self.0 {
            Repr::Slices(l) => l.get(index).copied(),
            #[cfg(feature = "alloc")]
            Repr::Vecs(l) => l.get(index).map(Vec::as_slice),
        }
    }

    /// The first string (the end-entity certificate of a chain).
    pub fn first(&self) -> Option<&'a [u8]> {
        self.get(0)
    }

    /// The strings, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + Clone + 'a {
        let list = *self;
        (0..list.len()).filter_map(move |i| list.get(i))
    }

    /// The index of the first string equal to `s`.
    pub fn position(&self, s: &[u8]) -> Option<usize> {
        self.iter().position(|x| x == s)
    }
}

impl Default for ByteStrings<'_> {
    fn default() -> Self {
        ByteStrings::EMPTY
    }
}

impl core::fmt::Debug for ByteStrings<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter().map(|s| s.len())).finish()
    }
}

impl<'a> From<&'a [&'a [u8]]> for ByteStrings<'a> {
    fn from(list: &'a [&'a [u8]]) -> Self {
        ByteStrings::new(list)
    }
}

impl<'a, const N: usize> From<&'a [&'a [u8]; N]> for ByteStrings<'a> {
    fn from(list: &'a [&'a [u8]; N]) -> Self {
        ByteStrings::new(list)
    }
}

#[cfg(feature = "alloc")]
impl<'a> From<&'a [Vec<u8>]> for ByteStrings<'a> {
    fn from(list: &'a [Vec<u8>]) -> Self {
        ByteStrings(Repr::Vecs(list))
    }
}

#[cfg(feature = "alloc")]
impl<'a> From<&'a Vec<Vec<u8>>> for ByteStrings<'a> {
    fn from(list: &'a Vec<Vec<u8>>) -> Self {
        ByteStrings(Repr::Vecs(list))
    }
}

#[cfg(feature = "alloc")]
impl<'a> From<&'a Vec<&'a [u8]>> for ByteStrings<'a> {
    fn from(list: &'a Vec<&'a [u8]>) -> Self {
        ByteStrings::new(list)
    }
}

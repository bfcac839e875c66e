//! Key logging for traffic analysis: the NSS key log format that
//! `SSLKEYLOGFILE` means to OpenSSL, curl, browsers and Wireshark
//! (`tshark -o tls.keylog_file:FILE` decrypts a capture with it).
//!
//! A config's `key_log` is told each master secret with the client random
//! of its handshake (full or resumed): one `CLIENT_RANDOM` line in the NSS
//! format. **Anyone with the log reads the traffic**: log only while
//! debugging, never in production. [`KeyLogFile`] (feature `std`) appends
//! the lines to the file `SSLKEYLOGFILE` names.
//!
//! ```
//! use sansio_tls::keylog::KeyLog;
//! /// Counts the handshakes whose keys would be logged.
//! struct Count(core::sync::atomic::AtomicUsize);
//! impl KeyLog for Count {
//!     fn log(&self, label: &str, _client_random: &[u8; 32], _secret: &[u8]) {
//!         assert_eq!(label, "CLIENT_RANDOM");
//!         self.0.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
//!     }
//! }
//! ```
#![cfg_attr(feature = "std", doc = "\n[`KeyLogFile`]: KeyLogFile")]
#![cfg_attr(not(feature = "std"), doc = "\n[`KeyLogFile`]: crate#features")]

/// Receives the secrets of each handshake, for a key log.
///
/// A key log that keeps the lines in memory, e.g. to print them on a
/// debug console:
///
/// ```
/// use std::sync::Mutex;
/// use sansio_tls::keylog::{KeyLog, format_line};
///
/// #[derive(Default)]
/// struct InMemory(Mutex<Vec<String>>);
///
/// impl KeyLog for InMemory {
///     fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]) {
///         let mut line = [0u8; 256];
///         if let Some(n) = format_line(label, client_random, secret, &mut line) {
///             self.0.lock().unwrap().push(String::from_utf8_lossy(&line[..n]).into_owned());
///         }
///     }
/// }
///
/// let log = InMemory::default();
/// # let verifier = sansio_tls::cert::WebPkiServerVerifier::new(&[]);
/// let mut config = sansio_tls::ClientConfig::new(&verifier);
/// config.key_log = Some(&log); // debugging only
/// log.log("CLIENT_RANDOM", &[0xab; 32], &[0x01; 48]);
/// assert!(log.0.lock().unwrap()[0].starts_with("CLIENT_RANDOM abab"));
/// ```
pub trait KeyLog: Send + Sync {
    /// One NSS key log entry: `label` (`CLIENT_RANDOM` for a TLS 1.2
    /// master secret), the handshake's client random, and the secret.
    fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]);
}

/// Formats one NSS key log line: `LABEL <client random hex> <secret hex>`
/// and a newline, into `out`; returns the bytes written (`None` if `out` is
/// too small: a TLS 1.2 line takes 13 + 1 + 64 + 1 + 96 + 1 = 176 bytes).
pub fn format_line(label: &str, client_random: &[u8; 32], secret: &[u8], out: &mut [u8]) -> Option<usize> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let len = label.len() + 1 + 2 * client_random.len() + 1 + 2 * secret.len() + 1;
    let out = out.get_mut(..len)?;
    let mut at = 0;
    let mut put = |b: u8| {
        out[at] = b;
        at += 1;
    };
    label.bytes().for_each(&mut put);
    put(b' ');
    for b in client_random.iter() {
        put(HEX[usize::from(b >> 4)]);
        put(HEX[usize::from(b & 15)]);
    }
    put(b' ');
    for b in secret {
        put(HEX[usize::from(b >> 4)]);
        put(HEX[usize::from(b & 15)]);
    }
    put(b'\n');
    Some(len)
}

#[cfg(feature = "std")]
pub use file::KeyLogFile;

#[cfg(feature = "std")]
mod file {
    extern crate std;
    use super::{KeyLog, format_line};
    use std::fs::{File, OpenOptions};
    use std::io::Write;
    use std::path::Path;
    use std::sync::Mutex;

    /// A key log appending to a file (feature `std`), shared by every
    /// connection of a config. Write errors are ignored: a key log must
    /// never fail a connection.
    ///
    /// ```
    /// use sansio_tls::keylog::{KeyLog, KeyLogFile};
    /// # let verifier = sansio_tls::cert::WebPkiServerVerifier::new(&[]);
    /// let mut config = sansio_tls::ClientConfig::new(&verifier);
    /// // Log only when SSLKEYLOGFILE is set, as curl and browsers do.
    /// let key_log = KeyLogFile::from_env();
    /// config.key_log = key_log.as_ref().map(|file| file as &dyn KeyLog);
    /// ```
    ///
    /// Then `tshark -r capture.pcap -o tls.keylog_file:$SSLKEYLOGFILE`
    /// shows the decrypted records.
    #[derive(Debug)]
    pub struct KeyLogFile(Mutex<File>);

    impl KeyLogFile {
        /// Appends to the file `SSLKEYLOGFILE` names, as OpenSSL and curl
        /// do; `None` if the variable is unset or empty, or the file cannot
        /// be opened.
        pub fn from_env() -> Option<Self> {
            let path = std::env::var_os("SSLKEYLOGFILE").filter(|p| !p.is_empty())?;
            KeyLogFile::open(Path::new(&path)).ok()
        }

        /// Appends to `path` (created if missing).
        pub fn open(path: &Path) -> std::io::Result<Self> {
            let file = OpenOptions::new().create(true).append(true).open(path)?;
            Ok(KeyLogFile(Mutex::new(file)))
        }
    }

    impl KeyLog for KeyLogFile {
        fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]) {
            let mut line = [0u8; 256];
            let Some(n) = format_line(label, client_random, secret, &mut line) else { return };
            if let Ok(mut file) = self.0.lock() {
                // One write per line, so lines of concurrent handshakes do
                // not interleave.
                let _ignored = file.write_all(&line[..n]).and_then(|()| file.flush());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::format_line;

    #[test]
    fn a_line_in_the_nss_format() {
        let mut out = [0u8; 200];
        let n = format_line("CLIENT_RANDOM", &[0xab; 32], &[0x01; 48], &mut out).unwrap();
        let line = core::str::from_utf8(&out[..n]).unwrap();
        let want = ["CLIENT_RANDOM ", &"ab".repeat(32), " ", &"01".repeat(48), "\n"].concat();
        assert_eq!(line, want);
        assert_eq!(n, 176);
        assert_eq!(format_line("CLIENT_RANDOM", &[0; 32], &[0; 48], &mut out[..175]), None);
    }
}

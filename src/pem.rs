//! Loading certificates and private keys from PEM files (feature `std`).
//!
//! The engine itself only ever sees DER; these helpers turn the PEM files that
//! tools such as OpenSSL write into the DER byte strings the rest of the crate
//! takes. Decoding is done by `rustls-pki-types`' PEM parser.

extern crate std;

use std::fmt;
use std::io;
use std::path::Path;
use std::vec::Vec;

use pki_types::pem::{PemObject, SectionKind};

/// The encoding of a private key found in a PEM file.
///
/// ```
/// use sansio_tls::crypto::SigningKey;
/// use sansio_tls::pem::{KeyFormat, private_key_from_pem};
///
/// let pem = include_bytes!("../vectors/pki/ecdsa-server.key.sec1.pem");
/// let (format, der) = private_key_from_pem(pem)?;
/// assert_eq!(format, KeyFormat::Sec1); // -----BEGIN EC PRIVATE KEY-----
/// let key = match format {
///     KeyFormat::Sec1 => SigningKey::from_sec1_der(&der)?,
///     KeyFormat::Pkcs8 => SigningKey::from_pkcs8_der(&der)?,
///     KeyFormat::Pkcs1 => SigningKey::from_pkcs1_der(&der)?,
/// };
/// // `SigningKey::from_der` finds the format by itself.
/// assert_eq!(SigningKey::from_der(&der)?.public_key(), key.public_key());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyFormat {
    /// PKCS#8 `PrivateKeyInfo` (`-----BEGIN PRIVATE KEY-----`), any algorithm.
    Pkcs8,
    /// SEC1 `ECPrivateKey` (`-----BEGIN EC PRIVATE KEY-----`).
    Sec1,
    /// PKCS#1 `RSAPrivateKey` (`-----BEGIN RSA PRIVATE KEY-----`).
    Pkcs1,
}

/// Why PEM input could not be turned into DER.
///
/// ```
/// use sansio_tls::pem::{PemError, certs_from_pem, private_key_from_pem};
/// // A key file given where the chain was expected.
/// let key_pem = include_bytes!("../vectors/pki/ecdsa-server.key.pem");
/// assert_eq!(certs_from_pem(key_pem), Err(PemError::NoItems));
/// assert_eq!(private_key_from_pem(b"-----BEGIN PRIVATE KEY-----\nnot base64\n").unwrap_err(), PemError::Malformed);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PemError {
    /// The input holds no item of the requested kind.
    NoItems,
    /// The input is not well-formed PEM: a bad `BEGIN` line, a missing `END`
    /// line, invalid base64, or a body that is empty or not a DER `SEQUENCE`.
    Malformed,
}

impl fmt::Display for PemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PemError::NoItems => f.write_str("no PEM item of the requested kind found"),
            PemError::Malformed => f.write_str("malformed PEM data"),
        }
    }
}

impl std::error::Error for PemError {}

/// Every recognised section of `pem`, in order. Sections with labels that
/// `rustls-pki-types` does not know are skipped; text outside sections is
/// ignored.
fn sections(pem: &[u8]) -> impl Iterator<Item = Result<(SectionKind, Vec<u8>), PemError>> + '_ {
    <(SectionKind, Vec<u8>)>::pem_slice_iter(pem).map(|item| {
        let (kind, der) = item.map_err(|_| PemError::Malformed)?;
        // Certificates and all three key encodings are DER SEQUENCEs.
        if der.first() != Some(&0x30) {
            return Err(PemError::Malformed);
        }
        Ok((kind, der))
    })
}

/// All `CERTIFICATE` blocks of a PEM file, as DER, in order.
///
/// Other sections (keys, CRLs, ...) are skipped, but any malformed section
/// fails the whole file. Returns [`PemError::NoItems`] when there is no
/// certificate at all.
pub fn certs_from_pem(pem: &[u8]) -> Result<Vec<Vec<u8>>, PemError> {
    let mut certs = Vec::new();
    for section in sections(pem) {
        let (kind, der) = section?;
        if kind == SectionKind::Certificate {
            certs.push(der);
        }
    }
    if certs.is_empty() {
        return Err(PemError::NoItems);
    }
    Ok(certs)
}

/// The first private key of a PEM file, as DER, with its encoding:
/// `PRIVATE KEY` is PKCS#8, `EC PRIVATE KEY` is SEC1 and `RSA PRIVATE KEY` is
/// PKCS#1.
///
/// Sections before the key that are not keys are skipped; a malformed one
/// fails the call. Encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`) is not
/// supported and counts as no key.
pub fn private_key_from_pem(pem: &[u8]) -> Result<(KeyFormat, Vec<u8>), PemError> {
    for section in sections(pem) {
        let (kind, der) = section?;
        let format = match kind {
            SectionKind::PrivateKey => KeyFormat::Pkcs8,
            SectionKind::EcPrivateKey => KeyFormat::Sec1,
            SectionKind::RsaPrivateKey => KeyFormat::Pkcs1,
            _ => continue,
        };
        return Ok((format, der));
    }
    Err(PemError::NoItems)
}

/// A DER certificate as PEM (`-----BEGIN CERTIFICATE-----`, base64 in lines
/// of 64), as `openssl s_client -showcerts` prints it.
///
/// ```
/// let pem = sansio_tls::pem::certificate_to_pem(&[0x30, 0x03, 0x02, 0x01, 0x01]);
/// assert_eq!(pem, "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n");
/// assert_eq!(sansio_tls::pem::certs_from_pem(pem.as_bytes()).unwrap(), [vec![0x30, 0x03, 0x02, 0x01, 0x01]]);
/// ```
pub fn certificate_to_pem(der: &[u8]) -> std::string::String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut body = std::string::String::new();
    for chunk in der.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            let c = if i <= chunk.len() { B64[(n >> (18 - 6 * i) & 63) as usize] } else { b'=' };
            body.push(char::from(c));
        }
    }
    let mut pem = std::string::String::from("-----BEGIN CERTIFICATE-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(core::str::from_utf8(line).unwrap_or_default());
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}

fn invalid_data(path: &Path, err: PemError) -> io::Error {
    let msg = std::format!("{}: {err}", path.display());
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// Reads `path`; an I/O error keeps its kind and names the path.
fn read_file(path: &Path) -> io::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| io::Error::new(e.kind(), std::format!("{}: {e}", path.display())))
}

/// Reads a PEM file and returns its certificates as DER, in order.
///
/// I/O errors keep their kind and name the path; PEM problems become
/// [`io::ErrorKind::InvalidData`].
pub fn read_certs(path: &Path) -> io::Result<Vec<Vec<u8>>> {
    let pem = read_file(path)?;
    certs_from_pem(&pem).map_err(|e| invalid_data(path, e))
}

/// Reads a PEM file and returns its first private key as DER, with its
/// encoding.
///
/// I/O errors keep their kind and name the path; PEM problems become
/// [`io::ErrorKind::InvalidData`].
pub fn read_private_key(path: &Path) -> io::Result<(KeyFormat, Vec<u8>)> {
    let pem = read_file(path)?;
    private_key_from_pem(&pem).map_err(|e| invalid_data(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::string::{String, ToString};
    use std::vec;

    macro_rules! pki {
        ($name:literal) => {
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/pki/", $name))
        };
    }

    fn pki_path(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/pki").join(name)
    }

    #[test]
    fn certificates_to_pem_as_openssl_writes_them() {
        // Byte for byte what OpenSSL wrote for the same certificate.
        for name in ["ecdsa-server", "rsa-ca"] {
            let pem = std::fs::read_to_string(pki_path(&std::format!("{name}.pem"))).unwrap();
            let der = std::fs::read(pki_path(&std::format!("{name}.der"))).unwrap();
            assert_eq!(certificate_to_pem(&der), pem, "{name}");
        }
    }

    #[test]
    fn a_missing_file_names_its_path() {
        let e = read_certs(Path::new("/nonexistent/ca.pem")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert!(e.to_string().starts_with("/nonexistent/ca.pem: "), "{e}");
    }

    #[test]
    fn single_certificate() {
        let certs = certs_from_pem(pki!("ecdsa-server.pem")).unwrap();
        assert_eq!(certs, vec![pki!("ecdsa-server.der").to_vec()]);
        let certs = certs_from_pem(pki!("rsa-ca.pem")).unwrap();
        assert_eq!(certs, vec![pki!("rsa-ca.der").to_vec()]);
    }

    #[test]
    fn chain_in_order() {
        let certs = certs_from_pem(pki!("ecdsa-server-chain.pem")).unwrap();
        assert_eq!(certs, vec![pki!("ecdsa-server.der").to_vec(), pki!("ecdsa-ca.der").to_vec()]);
        let certs = certs_from_pem(pki!("rsa-client-chain.pem")).unwrap();
        assert_eq!(certs, vec![pki!("rsa-client.der").to_vec(), pki!("rsa-ca.der").to_vec()]);
    }

    #[test]
    fn pkcs8_keys() {
        assert_eq!(
            private_key_from_pem(pki!("ecdsa-server.key.pem")).unwrap(),
            (KeyFormat::Pkcs8, pki!("ecdsa-server.key.der").to_vec())
        );
        assert_eq!(
            private_key_from_pem(pki!("rsa-server.key.pem")).unwrap(),
            (KeyFormat::Pkcs8, pki!("rsa-server.key.der").to_vec())
        );
    }

    #[test]
    fn sec1_and_pkcs1_keys() {
        assert_eq!(
            private_key_from_pem(pki!("ecdsa-server.key.sec1.pem")).unwrap(),
            (KeyFormat::Sec1, pki!("ecdsa-server.key.sec1.der").to_vec())
        );
        assert_eq!(
            private_key_from_pem(pki!("rsa-server.key.pkcs1.pem")).unwrap(),
            (KeyFormat::Pkcs1, pki!("rsa-server.key.pkcs1.der").to_vec())
        );
    }

    #[test]
    fn mixed_file() {
        // key, then two certificates: each function picks out its own items.
        let mut pem = Vec::new();
        pem.extend_from_slice(b"junk before the first section\n");
        pem.extend_from_slice(pki!("ecdsa-server.key.pem"));
        pem.extend_from_slice(pki!("ecdsa-server-chain.pem"));
        let certs = certs_from_pem(&pem).unwrap();
        assert_eq!(certs.len(), 2);
        assert_eq!(certs[0], pki!("ecdsa-server.der"));
        let (format, der) = private_key_from_pem(&pem).unwrap();
        assert_eq!(format, KeyFormat::Pkcs8);
        assert_eq!(der, pki!("ecdsa-server.key.der"));
    }

    #[test]
    fn first_key_wins() {
        let mut pem = Vec::new();
        pem.extend_from_slice(pki!("rsa-server.key.pkcs1.pem"));
        pem.extend_from_slice(pki!("ecdsa-server.key.pem"));
        let (format, der) = private_key_from_pem(&pem).unwrap();
        assert_eq!(format, KeyFormat::Pkcs1);
        assert_eq!(der, pki!("rsa-server.key.pkcs1.der"));
    }

    #[test]
    fn crlf_line_endings() {
        let text = core::str::from_utf8(pki!("ecdsa-server-chain.pem")).unwrap();
        let crlf = text.replace('\n', "\r\n");
        let certs = certs_from_pem(crlf.as_bytes()).unwrap();
        assert_eq!(certs[1], pki!("ecdsa-ca.der"));
    }

    #[test]
    fn unknown_sections_are_skipped() {
        let mut pem = String::from("-----BEGIN SOMETHING ELSE-----\nAAAA\n-----END SOMETHING ELSE-----\n");
        pem.push_str(core::str::from_utf8(pki!("ecdsa-ca.pem")).unwrap());
        assert_eq!(certs_from_pem(pem.as_bytes()).unwrap(), vec![pki!("ecdsa-ca.der").to_vec()]);
    }

    #[test]
    fn no_items() {
        assert_eq!(certs_from_pem(b""), Err(PemError::NoItems));
        assert_eq!(certs_from_pem(b"hello, world\n"), Err(PemError::NoItems));
        assert_eq!(private_key_from_pem(b""), Err(PemError::NoItems));
        // DER is not PEM.
        assert_eq!(certs_from_pem(pki!("ecdsa-ca.der")), Err(PemError::NoItems));
        // The right file format, the wrong kind of item.
        assert_eq!(certs_from_pem(pki!("ecdsa-server.key.pem")), Err(PemError::NoItems));
        assert_eq!(private_key_from_pem(pki!("ecdsa-server-chain.pem")), Err(PemError::NoItems));
    }

    fn ca_pem() -> String {
        String::from_utf8(pki!("ecdsa-ca.pem").to_vec()).unwrap()
    }

    #[test]
    fn malformed() {
        let good = ca_pem();
        let cases: Vec<(&str, String)> = vec![
            ("missing END line", good.replace("-----END CERTIFICATE-----", "")),
            ("truncated", good[..good.len() / 2].to_string()),
            ("bad BEGIN line", good.replace("-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE----")),
            ("invalid base64 character", good.replacen("MII", "MI*", 1)),
            ("empty body", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n".to_string()),
            (
                "body is not a DER SEQUENCE",
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_string(),
            ),
        ];
        for (what, pem) in &cases {
            assert_eq!(certs_from_pem(pem.as_bytes()), Err(PemError::Malformed), "{what}");
        }

        // A malformed section anywhere fails the certificate list, even after
        // good certificates.
        let mut two = good.clone();
        two.push_str("-----BEGIN CERTIFICATE-----\nMIIB\n");
        assert_eq!(certs_from_pem(two.as_bytes()), Err(PemError::Malformed));

        // Keys: same rules.
        let key = String::from_utf8(pki!("ecdsa-server.key.pem").to_vec()).unwrap();
        let broken = key.replace("-----END PRIVATE KEY-----", "");
        assert_eq!(private_key_from_pem(broken.as_bytes()), Err(PemError::Malformed));
        let empty = "-----BEGIN EC PRIVATE KEY-----\n-----END EC PRIVATE KEY-----\n";
        assert_eq!(private_key_from_pem(empty.as_bytes()), Err(PemError::Malformed));
    }

    #[test]
    fn errors_display() {
        assert!(!PemError::NoItems.to_string().is_empty());
        assert!(!PemError::Malformed.to_string().is_empty());
        let _: &dyn std::error::Error = &PemError::Malformed;
    }

    #[test]
    fn read_files() {
        let certs = read_certs(&pki_path("rsa-server-chain.pem")).unwrap();
        assert_eq!(certs.len(), 2);
        assert_eq!(certs[0], pki!("rsa-server.der"));
        let (format, der) = read_private_key(&pki_path("ecdsa-client.key.pem")).unwrap();
        assert_eq!(format, KeyFormat::Pkcs8);
        assert_eq!(der, pki!("ecdsa-client.key.der"));
    }

    #[test]
    fn read_file_errors() {
        let err = read_certs(&pki_path("does-not-exist.pem")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        let err = read_certs(&pki_path("ecdsa-server.key.pem")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("ecdsa-server.key.pem"), "{err}");
        let err = read_private_key(&pki_path("ecdsa-ca.der")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}

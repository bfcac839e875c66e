//! The cipher suites this crate implements: the default list, and their
//! OpenSSL and IANA names.

use crate::codec::CipherSuite;

use CipherSuite as S;

internal! { use table::{SuiteInfo, lookup}; }

/// The default suite list: every suite this build implements, as code
/// points, in preference order (ECDSA before RSA; AES-128-GCM,
/// ChaCha20-Poly1305, then AES-256-GCM). The RSA suites need the `rsa`
/// feature, the ChaCha20-Poly1305 ones `chacha20`, the AES-256-GCM (SHA-384)
/// ones `aes256`; with none of them the list is
/// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 alone.
pub const DEFAULT_SUITES: &[CipherSuite] = &[
    S::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    #[cfg(feature = "chacha20")]
    S::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    #[cfg(feature = "aes256")]
    S::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    #[cfg(feature = "rsa")]
    S::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    #[cfg(all(feature = "rsa", feature = "chacha20"))]
    S::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    #[cfg(all(feature = "rsa", feature = "aes256"))]
    S::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
];

/// Parses an OpenSSL-style or IANA suite name (e.g.
/// `ECDHE-ECDSA-AES128-GCM-SHA256` or `TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256`).
pub fn from_name(name: &str) -> Option<CipherSuite> {
    const NAMES: &[(&str, CipherSuite)] = &[
        ("ECDHE-ECDSA-AES128-GCM-SHA256", S::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
        ("ECDHE-ECDSA-AES256-GCM-SHA384", S::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
        ("ECDHE-ECDSA-CHACHA20-POLY1305", S::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256),
        ("ECDHE-RSA-AES128-GCM-SHA256", S::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
        ("ECDHE-RSA-AES256-GCM-SHA384", S::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384),
        ("ECDHE-RSA-CHACHA20-POLY1305", S::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256),
    ];
    NAMES.iter().find(|(n, s)| *n == name || suite_name(*s) == Some(name)).map(|(_, s)| *s)
}

/// The IANA name of a suite this crate implements.
pub fn suite_name(suite: CipherSuite) -> Option<&'static str> {
    Some(match suite {
        S::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        S::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        S::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        S::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        S::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        S::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        _ => return None,
    })
}

/// What each suite is made of: the engine's table.
mod table {
    use super::S;
    use crate::codec::CipherSuite;
    use crate::crypto::{AeadAlg, HashAlg, KeyKind};

    /// What a cipher suite is made of: key exchange is always ECDHE here.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct SuiteInfo {
        /// The suite's code point.
        pub suite: CipherSuite,
        /// Record protection.
        pub aead: AeadAlg,
        /// The PRF hash (and transcript hash).
        pub hash: HashAlg,
        /// The server key type that authenticates the key exchange.
        pub auth: KeyKind,
    }

    /// Every suite this build implements, in the default preference order:
    /// ECDSA before RSA, AES-128-GCM, ChaCha20-Poly1305, then AES-256-GCM.
    /// A suite not here is never offered nor accepted.
    pub const ALL_SUITES: &[SuiteInfo] = &[
        SuiteInfo {
            suite: S::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            aead: AeadAlg::Aes128Gcm,
            hash: HashAlg::Sha256,
            auth: KeyKind::Ecdsa,
        },
        #[cfg(feature = "chacha20")]
        SuiteInfo {
            suite: S::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            aead: AeadAlg::ChaCha20Poly1305,
            hash: HashAlg::Sha256,
            auth: KeyKind::Ecdsa,
        },
        #[cfg(feature = "aes256")]
        SuiteInfo {
            suite: S::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            aead: AeadAlg::Aes256Gcm,
            hash: HashAlg::Sha384,
            auth: KeyKind::Ecdsa,
        },
        #[cfg(feature = "rsa")]
        SuiteInfo {
            suite: S::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            aead: AeadAlg::Aes128Gcm,
            hash: HashAlg::Sha256,
            auth: KeyKind::Rsa,
        },
        #[cfg(all(feature = "rsa", feature = "chacha20"))]
        SuiteInfo {
            suite: S::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
            aead: AeadAlg::ChaCha20Poly1305,
            hash: HashAlg::Sha256,
            auth: KeyKind::Rsa,
        },
        #[cfg(all(feature = "rsa", feature = "aes256"))]
        SuiteInfo {
            suite: S::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            aead: AeadAlg::Aes256Gcm,
            hash: HashAlg::Sha384,
            auth: KeyKind::Rsa,
        },
    ];

    /// What `suite` is made of, if this crate implements it.
    pub fn lookup(suite: CipherSuite) -> Option<&'static SuiteInfo> {
        ALL_SUITES.iter().find(|s| s.suite == suite)
    }
}

#[cfg(test)]
mod tests {
    use super::table::ALL_SUITES;
    use super::*;

    #[test]
    fn names_and_table_agree() {
        for s in ALL_SUITES {
            let name = suite_name(s.suite).unwrap();
            assert_eq!(from_name(name), Some(s.suite));
            assert_eq!(lookup(s.suite), Some(s));
        }
        assert_eq!(from_name("ECDHE-RSA-AES256-GCM-SHA384"), Some(S::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384));
        assert_eq!(from_name("RC4-MD5"), None);
        assert_eq!(DEFAULT_SUITES.len(), ALL_SUITES.len());
    }
}

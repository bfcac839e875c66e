//! Wire enums. Every one keeps the values it does not know in an `Unknown`
//! arm, so parsing never fails on an unknown code point and encoding
//! round-trips.

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident: $repr:ty {
            $( $(#[$vmeta:meta])* $variant:ident = $value:expr, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #[allow(non_camel_case_types)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A code point this crate does not know.
            Unknown($repr),
        }

        impl From<$repr> for $name {
            fn from(v: $repr) -> Self {
                match v {
                    $( $value => $name::$variant, )*
                    other => $name::Unknown(other),
                }
            }
        }

        impl From<$name> for $repr {
            fn from(v: $name) -> $repr {
                match v {
                    $( $name::$variant => $value, )*
                    $name::Unknown(other) => other,
                }
            }
        }

        impl $name {
            /// The value on the wire.
            pub fn to_wire(self) -> $repr {
                self.into()
            }
        }
    };
}

wire_enum! {
    /// Record content type (RFC 5246 §6.2.1).
    ContentType: u8 {
        /// change_cipher_spec(20)
        ChangeCipherSpec = 20,
        /// alert(21)
        Alert = 21,
        /// handshake(22)
        Handshake = 22,
        /// application_data(23)
        ApplicationData = 23,
    }
}

wire_enum! {
    /// Handshake message type (RFC 5246 §7.4, RFC 5077 §3.3).
    HandshakeType: u8 {
        /// hello_request(0)
        HelloRequest = 0,
        /// client_hello(1)
        ClientHello = 1,
        /// server_hello(2)
        ServerHello = 2,
        /// new_session_ticket(4)
        NewSessionTicket = 4,
        /// certificate(11)
        Certificate = 11,
        /// server_key_exchange(12)
        ServerKeyExchange = 12,
        /// certificate_request(13)
        CertificateRequest = 13,
        /// server_hello_done(14)
        ServerHelloDone = 14,
        /// certificate_verify(15)
        CertificateVerify = 15,
        /// client_key_exchange(16)
        ClientKeyExchange = 16,
        /// finished(20)
        Finished = 20,
    }
}

wire_enum! {
    /// Alert level (RFC 5246 §7.2). Events only carry warnings: a fatal
    /// alert from the peer ends the connection with
    /// [`ErrorKind::AlertReceived`](crate::ErrorKind::AlertReceived).
    ///
    /// ```
    /// use sansio_tls::{AlertDescription, AlertLevel, Event};
    ///
    /// fn warning(event: &Event<'_>) -> Option<AlertDescription> {
    ///     match event {
    ///         Event::Alert { level: AlertLevel::Warning, description } => Some(*description),
    ///         _ => None,
    ///     }
    /// }
    /// let event = Event::Alert { level: AlertLevel::Warning, description: AlertDescription::NoRenegotiation };
    /// assert_eq!(warning(&event), Some(AlertDescription::NoRenegotiation));
    /// assert_eq!(AlertLevel::from(2), AlertLevel::Fatal);
    /// ```
    AlertLevel: u8 {
        /// warning(1)
        Warning = 1,
        /// fatal(2)
        Fatal = 2,
    }
}

wire_enum! {
    /// Alert description (RFC 5246 §7.2, RFC 6066, RFC 7301). `Display`
    /// shows the RFC name.
    ///
    /// ```
    /// use sansio_tls::{AlertDescription, ErrorKind};
    /// assert_eq!(AlertDescription::UnknownCa.to_string(), "unknown_ca");
    /// assert_eq!(AlertDescription::from(48), AlertDescription::UnknownCa);
    /// assert_eq!(AlertDescription::UnknownCa.to_wire(), 48);
    /// assert_eq!(AlertDescription::from(200).to_string(), "unknown(200)");
    /// // The alert an error sends:
    /// assert_eq!(ErrorKind::CertificateExpired.alert(), Some(AlertDescription::CertificateExpired));
    /// ```
    AlertDescription: u8 {
        /// close_notify(0)
        CloseNotify = 0,
        /// unexpected_message(10)
        UnexpectedMessage = 10,
        /// bad_record_mac(20)
        BadRecordMac = 20,
        /// record_overflow(22)
        RecordOverflow = 22,
        /// handshake_failure(40)
        HandshakeFailure = 40,
        /// bad_certificate(42)
        BadCertificate = 42,
        /// unsupported_certificate(43)
        UnsupportedCertificate = 43,
        /// certificate_revoked(44)
        CertificateRevoked = 44,
        /// certificate_expired(45)
        CertificateExpired = 45,
        /// certificate_unknown(46)
        CertificateUnknown = 46,
        /// illegal_parameter(47)
        IllegalParameter = 47,
        /// unknown_ca(48)
        UnknownCa = 48,
        /// access_denied(49)
        AccessDenied = 49,
        /// decode_error(50)
        DecodeError = 50,
        /// decrypt_error(51)
        DecryptError = 51,
        /// protocol_version(70)
        ProtocolVersion = 70,
        /// insufficient_security(71)
        InsufficientSecurity = 71,
        /// internal_error(80)
        InternalError = 80,
        /// inappropriate_fallback(86)
        InappropriateFallback = 86,
        /// user_canceled(90)
        UserCanceled = 90,
        /// no_renegotiation(100)
        NoRenegotiation = 100,
        /// unsupported_extension(110)
        UnsupportedExtension = 110,
        /// unrecognized_name(112)
        UnrecognizedName = 112,
        /// no_application_protocol(120)
        NoApplicationProtocol = 120,
    }
}

impl AlertDescription {
    /// The alert's name in the RFCs (`unknown_ca`); `None` for a code point
    /// this crate does not know.
    pub fn name(self) -> Option<&'static str> {
        use AlertDescription as A;
        Some(match self {
            A::CloseNotify => "close_notify",
            A::UnexpectedMessage => "unexpected_message",
            A::BadRecordMac => "bad_record_mac",
            A::RecordOverflow => "record_overflow",
            A::HandshakeFailure => "handshake_failure",
            A::BadCertificate => "bad_certificate",
            A::UnsupportedCertificate => "unsupported_certificate",
            A::CertificateRevoked => "certificate_revoked",
            A::CertificateExpired => "certificate_expired",
            A::CertificateUnknown => "certificate_unknown",
            A::IllegalParameter => "illegal_parameter",
            A::UnknownCa => "unknown_ca",
            A::AccessDenied => "access_denied",
            A::DecodeError => "decode_error",
            A::DecryptError => "decrypt_error",
            A::ProtocolVersion => "protocol_version",
            A::InsufficientSecurity => "insufficient_security",
            A::InternalError => "internal_error",
            A::InappropriateFallback => "inappropriate_fallback",
            A::UserCanceled => "user_canceled",
            A::NoRenegotiation => "no_renegotiation",
            A::UnsupportedExtension => "unsupported_extension",
            A::UnrecognizedName => "unrecognized_name",
            A::NoApplicationProtocol => "no_application_protocol",
            A::Unknown(_) => return None,
        })
    }
}

impl core::fmt::Display for AlertDescription {
    /// The RFC name (`unknown_ca`), or `unknown(N)` for an unknown code.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "unknown({})", u8::from(*self)),
        }
    }
}

wire_enum! {
    /// Cipher suites this crate implements, by IANA value.
    ///
    /// ```
    /// use sansio_tls::{CipherSuite, ClientConfig, suites};
    /// let suite = CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256;
    /// assert_eq!(suite.to_wire(), 0xcca9);
    /// assert_eq!(suites::from_name("ECDHE-ECDSA-CHACHA20-POLY1305"), Some(suite));
    /// assert_eq!(suites::suite_name(suite), Some("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));
    ///
    /// // A client that offers only AES-256-GCM suites, in this order.
    /// # let verifier = sansio_tls::cert::WebPkiServerVerifier::new(&[]);
    /// let mut config = ClientConfig::new(&verifier);
    /// config.cipher_suites = &[
    ///     CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    ///     CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    /// ];
    /// ```
    CipherSuite: u16 {
        /// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (RFC 5289)
        TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xc02b,
        /// TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (RFC 5289)
        TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 0xc02c,
        /// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (RFC 5289)
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xc02f,
        /// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (RFC 5289)
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xc030,
        /// TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 (RFC 7905)
        TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca9,
        /// TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 (RFC 7905)
        TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca8,
        /// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3): a signal, not a suite.
        TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff,
        /// TLS_FALLBACK_SCSV (RFC 7507): a signal, not a suite.
        TLS_FALLBACK_SCSV = 0x5600,
    }
}

wire_enum! {
    /// Named groups for ECDHE (RFC 8422 §5.1.1, RFC 7919).
    ///
    /// ```
    /// use sansio_tls::{ClientConfig, NamedGroup};
    /// # let verifier = sansio_tls::cert::WebPkiServerVerifier::new(&[]);
    /// let mut config = ClientConfig::new(&verifier);
    /// // P-256 first (e.g. for a FIPS-minded server), then x25519. Keep
    /// // Secp256r1 in the list to talk to servers with P-256 certificates.
    /// config.groups = &[NamedGroup::Secp256r1, NamedGroup::X25519];
    /// assert_eq!(NamedGroup::X25519.to_wire(), 29);
    /// ```
    NamedGroup: u16 {
        /// secp256r1(23)
        Secp256r1 = 23,
        /// secp384r1(24)
        Secp384r1 = 24,
        /// x25519(29)
        X25519 = 29,
    }
}

wire_enum! {
    /// TLS 1.2 signature schemes: hash(1) || signature(1) (RFC 5246 §7.4.1.4.1,
    /// RFC 8446 §4.2.3 code points for PSS).
    ///
    /// ```
    /// use sansio_tls::crypto::SigningKey;
    /// use sansio_tls::{ClientConfig, SignatureScheme};
    /// // What a key can sign with, in its order of preference.
    /// let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
    /// assert_eq!(key.schemes()[0], SignatureScheme::ECDSA_NISTP256_SHA256);
    /// assert_eq!(SignatureScheme::ECDSA_NISTP256_SHA256.to_wire(), 0x0403);
    ///
    /// // A client that accepts only ECDSA signatures in ServerKeyExchange.
    /// # let verifier = sansio_tls::cert::WebPkiServerVerifier::new(&[]);
    /// let mut config = ClientConfig::new(&verifier);
    /// config.signature_schemes = &[SignatureScheme::ECDSA_NISTP256_SHA256, SignatureScheme::ECDSA_NISTP384_SHA384];
    /// # Ok::<(), sansio_tls::Error>(())
    /// ```
    SignatureScheme: u16 {
        /// rsa_pkcs1_sha256
        RSA_PKCS1_SHA256 = 0x0401,
        /// rsa_pkcs1_sha384
        RSA_PKCS1_SHA384 = 0x0501,
        /// rsa_pkcs1_sha512
        RSA_PKCS1_SHA512 = 0x0601,
        /// ecdsa_secp256r1_sha256
        ECDSA_NISTP256_SHA256 = 0x0403,
        /// ecdsa_secp384r1_sha384 (also "ECDSA with SHA-384" in TLS 1.2)
        ECDSA_NISTP384_SHA384 = 0x0503,
        /// ecdsa_secp521r1_sha512 ("ECDSA with SHA-512" in TLS 1.2, with any
        /// curve)
        ECDSA_NISTP521_SHA512 = 0x0603,
        /// rsa_pss_rsae_sha256
        RSA_PSS_SHA256 = 0x0804,
        /// rsa_pss_rsae_sha384
        RSA_PSS_SHA384 = 0x0805,
        /// rsa_pss_rsae_sha512
        RSA_PSS_SHA512 = 0x0806,
        /// ed25519
        ED25519 = 0x0807,
    }
}

wire_enum! {
    /// Extension types (IANA TLS ExtensionType registry).
    ExtensionType: u16 {
        /// server_name (RFC 6066)
        ServerName = 0,
        /// max_fragment_length (RFC 6066)
        MaxFragmentLength = 1,
        /// status_request (RFC 6066)
        StatusRequest = 5,
        /// supported_groups (RFC 8422)
        SupportedGroups = 10,
        /// ec_point_formats (RFC 8422)
        EcPointFormats = 11,
        /// signature_algorithms (RFC 5246)
        SignatureAlgorithms = 13,
        /// application_layer_protocol_negotiation (RFC 7301)
        Alpn = 16,
        /// encrypt_then_mac (RFC 7366)
        EncryptThenMac = 22,
        /// extended_master_secret (RFC 7627)
        ExtendedMasterSecret = 23,
        /// record_size_limit (RFC 8449)
        RecordSizeLimit = 28,
        /// session_ticket (RFC 5077)
        SessionTicket = 35,
        /// supported_versions (RFC 8446)
        SupportedVersions = 43,
        /// renegotiation_info (RFC 5746)
        RenegotiationInfo = 0xff01,
    }
}

wire_enum! {
    /// max_fragment_length values (RFC 6066 §4): a client asks the server
    /// for records of at most this much plaintext, to run in small buffers
    /// (see [the guide](crate::guide#sizing-the-buffers)).
    ///
    /// ```
    /// use sansio_tls::{ClientConfig, MaxFragmentLength};
    /// # let verifier = sansio_tls::cert::WebPkiServerVerifier::new(&[]);
    /// let mut config = ClientConfig::new(&verifier);
    /// config.max_fragment_length = Some(MaxFragmentLength::Bytes1024);
    /// assert_eq!(MaxFragmentLength::Bytes1024.bytes(), Some(1024));
    /// assert_eq!(MaxFragmentLength::from(9).bytes(), None);
    /// ```
    MaxFragmentLength: u8 {
        /// 2^9 = 512 bytes
        Bytes512 = 1,
        /// 2^10 = 1024 bytes
        Bytes1024 = 2,
        /// 2^11 = 2048 bytes
        Bytes2048 = 3,
        /// 2^12 = 4096 bytes
        Bytes4096 = 4,
    }
}

impl MaxFragmentLength {
    /// The plaintext limit this value sets, or `None` for an unknown value.
    pub fn bytes(self) -> Option<usize> {
        match self {
            MaxFragmentLength::Bytes512 => Some(512),
            MaxFragmentLength::Bytes1024 => Some(1024),
            MaxFragmentLength::Bytes2048 => Some(2048),
            MaxFragmentLength::Bytes4096 => Some(4096),
            MaxFragmentLength::Unknown(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_known_and_unknown() {
        for v in 0..=255u8 {
            assert_eq!(u8::from(HandshakeType::from(v)), v);
            assert_eq!(u8::from(AlertDescription::from(v)), v);
            assert_eq!(u8::from(ContentType::from(v)), v);
        }
        for v in [0u16, 23, 29, 0xc02b, 0xcca8, 0xff01, 0xffff] {
            assert_eq!(u16::from(CipherSuite::from(v)), v);
            assert_eq!(u16::from(ExtensionType::from(v)), v);
            assert_eq!(u16::from(NamedGroup::from(v)), v);
            assert_eq!(u16::from(SignatureScheme::from(v)), v);
        }
        assert_eq!(CipherSuite::from(0xc02f), CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
        assert_eq!(HandshakeType::from(3), HandshakeType::Unknown(3));
        assert_eq!(MaxFragmentLength::from(2).bytes(), Some(1024));
        assert_eq!(MaxFragmentLength::from(5).bytes(), None);
    }

    #[test]
    fn alert_names_are_the_rfc_ones() {
        // Every known code has a snake_case name; unknown ones have none.
        for v in 0..=255u8 {
            let d = AlertDescription::from(v);
            if let Some(name) = d.name() {
                assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{name}");
            }
        }
        assert_eq!(AlertDescription::UnknownCa.name(), Some("unknown_ca"));
        assert_eq!(AlertDescription::from(255).name(), None);
    }
}

//! Pieces the example programs share: one-line logging, argument helpers
//! and the description of a finished handshake.

#![allow(dead_code)]

use sansio_tls::{CipherSuite, HandshakeInfo, suites};
use std::io;
use std::process::ExitCode;

/// Writes one line to stderr in a single write, so that lines stay whole
/// when stdout is interleaved with them.
macro_rules! log {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let line = format!("{}\n", format_args!($($arg)*));
        let _ = std::io::stderr().write_all(line.as_bytes());
    }};
}

/// A comma-separated list of OpenSSL or IANA suite names.
pub fn parse_suites(list: &str) -> Result<Vec<CipherSuite>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|name| suites::from_name(name).ok_or_else(|| format!("unknown cipher suite {name:?}")))
        .collect()
}

/// One line describing a finished handshake.
pub fn describe_handshake(info: &HandshakeInfo) -> String {
    let suite = suites::suite_name(info.suite).map_or_else(|| format!("{:?}", info.suite), str::to_owned);
    let group = info.group.map_or_else(|| "none".to_owned(), |g| format!("{g:?}"));
    let mut line = format!(
        "handshake done suite={suite} group={group} ems={} secure_reneg={} resumed={}",
        info.extended_master_secret, info.secure_renegotiation, info.resumed
    );
    if let Some(mfl) = info.max_fragment_length.and_then(|m| m.bytes()) {
        line.push_str(&format!(" max_fragment_length={mfl}"));
    }
    line
}

/// A socket read that gave up after its timeout without data.
pub fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses the arguments and runs: exit 2 on bad arguments, 1 on errors.
pub fn main_with<A>(
    parse: impl FnOnce() -> Result<A, String>,
    run: impl FnOnce(&A) -> Result<(), Box<dyn std::error::Error>>,
) -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            log!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The key log for `--keylogfile PATH`, or else the file `SSLKEYLOGFILE`
/// names (as curl does); `None` when neither is given.
pub fn key_log(path: Option<&std::path::Path>) -> Result<Option<sansio_tls::keylog::KeyLogFile>, String> {
    match path {
        Some(path) => sansio_tls::keylog::KeyLogFile::open(path)
            .map(Some)
            .map_err(|e| format!("--keylogfile {}: {e}", path.display())),
        None => Ok(sansio_tls::keylog::KeyLogFile::from_env()),
    }
}

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

/// Walks the command line. `option(arg, value)` handles one option, taking
/// its value with `value()` if it has one, and returns whether it knew it;
/// `-h`/`--help` and unknown options end the walk with `usage`.
pub fn for_each_option(
    usage: &str,
    mut option: impl FnMut(&str, &mut dyn FnMut() -> Result<String, String>) -> Result<bool, String>,
) -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Err(usage.to_owned());
        }
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        if !option(&arg, &mut value)? {
            return Err(format!("unknown argument {arg:?}\n{usage}"));
        }
    }
    Ok(())
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

/// A comma-separated ALPN protocol list (`h2,http/1.1`).
pub fn parse_alpn(list: &str) -> Result<Vec<Vec<u8>>, String> {
    let protocols: Vec<Vec<u8>> = list.split(',').map(|p| p.trim().as_bytes().to_vec()).collect();
    if protocols.iter().any(|p| p.is_empty() || p.len() > 255) {
        return Err(format!("--alpn {list:?}: protocol names are 1 to 255 bytes"));
    }
    Ok(protocols)
}

/// The certificates of a chain as PEM, as `openssl s_client -showcerts`
/// prints them.
pub fn print_chain(chain: &[Vec<u8>]) {
    use std::io::Write as _;
    let text: String = chain.iter().map(|c| sansio_tls::pem::certificate_to_pem(c)).collect();
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// `--insecure`: accepts every server certificate. For testing only: with it
/// anyone can impersonate the server.
pub struct AcceptAnyServerCert;

impl sansio_tls::cert::ServerCertVerifier for AcceptAnyServerCert {
    fn verify_server_cert(
        &self,
        _chain: &[sansio_tls::cert::CertificateDer<'_>],
        server_name: &str,
        _now_unix_secs: u64,
    ) -> Result<(), sansio_tls::Error> {
        log!("WARNING: --insecure: the certificate of {server_name:?} was NOT verified");
        Ok(())
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

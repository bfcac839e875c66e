//! Running real TLS peers (OpenSSL, GnuTLS command-line tools) from tests.
//!
//! Every peer is a child process with piped stdin/stdout/stderr. Reader
//! threads copy its output into shared buffers, so [`Peer::output`] shows all
//! of it seen so far; dropping the [`Peer`] kills the process by PID and reaps
//! it, also when the test panics. Every wait is bounded by a timeout.
//!
//! Servers listen on 127.0.0.1 only, except `gnutls-serv`, which has no option
//! to choose its address and always listens on the wildcard addresses
//! (0.0.0.0 and ::) of the given port.
//!
//! A test that needs a peer starts with `if !require_peer("openssl") { return; }`:
//! with `SANSIO_TLS_REQUIRE_PEERS` set (CI), a missing binary fails the test
//! instead of skipping it.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long a server gets to start listening.
pub const START_TIMEOUT: Duration = Duration::from_secs(10);
/// A generous bound for one handshake between local processes.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(15);

/// The environment variable that turns a missing peer binary into a failure.
pub const REQUIRE_PEERS_VAR: &str = "SANSIO_TLS_REQUIRE_PEERS";

/// The GnuTLS priority string for "TLS 1.2 only, otherwise GnuTLS defaults".
pub const GNUTLS_TLS12: &str = "NORMAL:-VERS-ALL:+VERS-TLS1.2";

/// A file of the test PKI in `vectors/pki` (see its README.md).
pub fn pki(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors").join("pki").join(name);
    assert!(path.is_file(), "test PKI file {} not found", path.display());
    path
}

/// A TCP port on 127.0.0.1 that was free a moment ago: bind port 0, read the
/// port the kernel chose, close the socket.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local_addr").port()
}

/// Polls `cond` every 10 ms until it returns true (then `true`) or `timeout`
/// has passed (then `false`). `cond` is always called at least once.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Waits until a TCP connection to 127.0.0.1:`port` succeeds. Each probe is a
/// real connection that is closed at once: a server started with a limited
/// number of accepts (`-naccept`) counts it.
pub fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    wait_until(timeout, || TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok())
}

/// Whether `cmd` is an executable file on `PATH`.
fn on_path(cmd: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        let file = dir.join(cmd);
        std::fs::metadata(&file).map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false)
    })
}

/// True when peers must be present: `SANSIO_TLS_REQUIRE_PEERS` is set to
/// anything but the empty string or `0`.
pub fn peers_required() -> bool {
    std::env::var_os(REQUIRE_PEERS_VAR).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Returns true if the program `cmd` is installed. If it is not: panics when
/// `SANSIO_TLS_REQUIRE_PEERS` is set, otherwise prints a loud SKIPPED line to
/// stderr and returns false, and the caller should return early.
pub fn require_peer(cmd: &str) -> bool {
    if on_path(cmd) {
        return true;
    }
    if peers_required() {
        panic!(
            "{cmd} is not installed (not found on PATH) but {REQUIRE_PEERS_VAR} is set: \
             interop tests must not be skipped. Install it (Debian: openssl, gnutls-bin, redis-server)."
        );
    }
    // Written to the real stderr, not with eprintln!: the test harness
    // captures eprintln! output of passing tests, which would hide the skip.
    let msg = format!(
        "\n********************************************************************\n\
         SKIPPED: {cmd} not installed (not on PATH); this interop test did NOT run.\n\
         Install it, or set {REQUIRE_PEERS_VAR}=1 to turn this into a failure.\n\
         ********************************************************************\n"
    );
    let _ = std::io::stderr().lock().write_all(msg.as_bytes());
    false
}

type Buffer = Arc<Mutex<Vec<u8>>>;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

fn lock(buf: &Buffer) -> std::sync::MutexGuard<'_, Vec<u8>> {
    // A reader thread cannot panic while holding the lock, but stay usable anyway.
    buf.lock().unwrap_or_else(|e| e.into_inner())
}

/// Copies everything from `src` into `own` and `all` until EOF or an error,
/// then counts itself in `done`.
fn spawn_reader(mut src: impl Read + Send + 'static, own: Buffer, all: Buffer, done: Arc<AtomicUsize>) {
    // Detached on purpose: the thread ends when the pipe closes, and nothing
    // ever waits for it, so a stuck pipe cannot block a test.
    thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        loop {
            match src.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    lock(&own).extend_from_slice(&chunk[..n]);
                    lock(&all).extend_from_slice(&chunk[..n]);
                }
            }
        }
        done.fetch_add(1, Ordering::SeqCst);
    });
}

/// A running peer process. Killed (by PID) and reaped on drop.
pub struct Peer {
    child: Child,
    /// Program and arguments, for messages.
    command_line: String,
    stdin: Option<ChildStdin>,
    stdout: Buffer,
    stderr: Buffer,
    /// stdout and stderr interleaved in the order the reader threads saw them.
    combined: Buffer,
    /// How many of the two reader threads reached the end of their pipe.
    readers_done: Arc<AtomicUsize>,
}

impl Peer {
    /// Spawns `cmd` with piped stdin, stdout and stderr.
    pub fn spawn(mut cmd: Command) -> Peer {
        let command_line = format!("{cmd:?}");
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("failed to start {command_line}: {e}"));
        let (stdout, stderr, combined) = Default::default();
        let readers_done = Arc::new(AtomicUsize::new(0));
        let out = child.stdout.take().expect("piped stdout");
        spawn_reader(out, Arc::clone(&stdout), Arc::clone(&combined), Arc::clone(&readers_done));
        let err = child.stderr.take().expect("piped stderr");
        spawn_reader(err, Arc::clone(&stderr), Arc::clone(&combined), Arc::clone(&readers_done));
        let stdin = child.stdin.take();
        Peer { child, command_line, stdin, stdout, stderr, combined, readers_done }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The command line this peer was started with.
    pub fn command_line(&self) -> &str {
        &self.command_line
    }

    /// All of stdout and stderr seen so far, interleaved, lossily as UTF-8.
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&lock(&self.combined)).into_owned()
    }

    /// stdout seen so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&lock(&self.stdout)).into_owned()
    }

    /// stderr seen so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&lock(&self.stderr)).into_owned()
    }

    /// Waits until `needle` appears in stdout or stderr. Returns false on
    /// timeout, or once the process has exited and its output (after a short
    /// grace period for the reader threads) still lacks `needle`.
    pub fn wait_for_output(&mut self, needle: &str, timeout: Duration) -> bool {
        let mut exited_at: Option<Instant> = None;
        // Stops early (true) when the needle shows up, or when the process has
        // been gone for long enough that its pipes must have drained.
        wait_until(timeout, || {
            if contains(&lock(&self.combined), needle.as_bytes()) {
                return true;
            }
            if exited_at.is_none() && matches!(self.child.try_wait(), Ok(Some(_))) {
                exited_at = Some(Instant::now());
            }
            exited_at.is_some_and(|t| t.elapsed() > Duration::from_millis(500))
        });
        contains(&lock(&self.combined), needle.as_bytes())
    }

    /// Writes `data` to the peer's stdin (e.g. application data for
    /// `s_client`/`gnutls-cli`). Keep it small: a peer that does not read
    /// could otherwise block the write once the pipe buffer is full.
    pub fn send(&mut self, data: &[u8]) -> std::io::Result<()> {
        let stdin = self.stdin.as_mut().ok_or_else(|| std::io::Error::other("stdin already closed"))?;
        stdin.write_all(data)?;
        stdin.flush()
    }

    /// Closes the peer's stdin (EOF). `s_client` and `gnutls-cli` then close
    /// the connection and exit.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The exit status, if the process has exited.
    pub fn try_exit(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Waits up to `timeout` for the process to exit.
    /// Once it has, waits (up to 2 s more) for its output to be read to the
    /// end, so `output()` then has all of it.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let mut status = None;
        wait_until(timeout, || {
            status = self.try_exit();
            status.is_some()
        });
        if status.is_some() {
            // A grandchild holding the pipes open keeps this from ending:
            // bounded.
            wait_until(Duration::from_secs(2), || self.readers_done.load(Ordering::SeqCst) == 2);
        }
        status
    }

    /// A multi-line description (command line, exit status, output) for
    /// assertion messages.
    pub fn describe(&mut self) -> String {
        let status = match self.try_exit() {
            Some(s) => format!("exited: {s}"),
            None => "still running".to_owned(),
        };
        format!("--- peer: {} ({status})\n{}\n--- end of peer output", self.command_line, self.output())
    }

    /// Waits for `marker` in the output of a freshly started server; panics
    /// with the output if it exits or the marker does not show in time.
    fn await_listening(mut self, marker: &str) -> Peer {
        if !self.wait_for_output(marker, START_TIMEOUT) {
            panic!("server did not start listening within {START_TIMEOUT:?}\n{}", self.describe());
        }
        self
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stdin = None;
        // Kills exactly this PID (SIGKILL); an already exited child is fine.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("PKI paths are UTF-8")
}

/// `openssl s_server -accept 127.0.0.1:PORT -cert CERT -key KEY -tls1_2 EXTRA...`,
/// returned once it listens. `cert` may be a chain file (leaf first).
///
/// The server handles one connection at a time and keeps accepting; pass
/// `-naccept N` in `extra_args` to make it exit after N connections, and
/// `-www` / `-rev` for canned responses.
pub fn openssl_s_server(port: u16, cert: &Path, key: &Path, extra_args: &[&str]) -> Peer {
    let mut cmd = Command::new("openssl");
    cmd.arg("s_server")
        .arg("-accept")
        .arg(format!("127.0.0.1:{port}"))
        .args(["-cert", path_arg(cert), "-key", path_arg(key), "-tls1_2"])
        .args(extra_args);
    // Printed (and flushed) right after listen().
    Peer::spawn(cmd).await_listening("ACCEPT")
}

/// `gnutls-serv --port PORT --x509certfile CERT --x509keyfile KEY
/// --priority PRIORITY EXTRA...`, returned once it listens.
///
/// Notes on gnutls-serv 3.7: it has no option to choose the listening address
/// and binds 0.0.0.0 and :: (tests connect to 127.0.0.1); its default mode is
/// a small HTTP server (`--echo` for an echo server); it asks for a client
/// certificate by default but does not require one (`--disable-client-cert`
/// not to ask, `--require-client-cert --x509cafile CA` to require one).
pub fn gnutls_serv(port: u16, cert: &Path, key: &Path, priority: &str, extra_args: &[&str]) -> Peer {
    let mut cmd = Command::new("gnutls-serv");
    cmd.arg("--port")
        .arg(port.to_string())
        .args(["--x509certfile", path_arg(cert)])
        .args(["--x509keyfile", path_arg(key)])
        .args(["--priority", priority])
        .args(extra_args);
    // "HTTP Server listening on IPv4 0.0.0.0 port N...done" (or "Echo Server").
    Peer::spawn(cmd).await_listening(&format!("IPv4 0.0.0.0 port {port}...done"))
}

/// `openssl s_client -connect 127.0.0.1:PORT -CAfile CA -servername NAME
/// -verify_hostname NAME -verify_return_error EXTRA...`.
///
/// It offers TLS 1.3 as well unless `extra` has `-tls1_2`. It stays connected
/// until stdin is closed or the server closes.
///
/// Reading its output (OpenSSL 3.0): only a completed handshake prints a
/// cipher on the `New, TLSv1.2, Cipher is ECDHE-...` line; a failed one prints
/// `New, (NONE), Cipher is (NONE)`. Do not rely on `Verify return code: 0 (ok)`,
/// `Verification: OK` or `Protocol  : TLSv1.2` alone: all three also show up
/// after failed handshakes, even after a rejected certificate. A rejected
/// certificate prints `verify error:num=N:...` and the process exits non-zero.
pub fn openssl_s_client(port: u16, ca: &Path, servername: &str, extra: &[&str]) -> Peer {
    let mut cmd = Command::new("openssl");
    cmd.arg("s_client")
        .arg("-connect")
        .arg(format!("127.0.0.1:{port}"))
        .args(["-CAfile", path_arg(ca)])
        .args(["-servername", servername])
        .args(["-verify_hostname", servername])
        .arg("-verify_return_error")
        .args(extra);
    Peer::spawn(cmd)
}

/// `gnutls-cli 127.0.0.1 -p PORT --x509cafile CA --sni-hostname localhost
/// --verify-hostname localhost EXTRA...`.
///
/// Pass your own `--sni-hostname`/`--verify-hostname` (or `--disable-sni`) in
/// `extra` to replace the defaults. On success it prints
/// `- Status: The certificate is trusted.` and `- Handshake was completed`;
/// it stays connected until stdin is closed or the server closes.
pub fn gnutls_cli(port: u16, ca: &Path, extra: &[&str]) -> Peer {
    let has = |opt: &str| extra.iter().any(|a| a.starts_with(opt));
    let mut cmd = Command::new("gnutls-cli");
    cmd.arg("127.0.0.1").arg("-p").arg(port.to_string()).args(["--x509cafile", path_arg(ca)]);
    if !has("--sni-hostname") && !has("--disable-sni") {
        cmd.args(["--sni-hostname", "localhost"]);
    }
    if !has("--verify-hostname") {
        cmd.args(["--verify-hostname", "localhost"]);
    }
    cmd.args(extra);
    Peer::spawn(cmd)
}

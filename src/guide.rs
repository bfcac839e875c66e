//! A guide to the crate: how to run a connection, in memory and over real
//! transports, how big its buffers must be, and where its randomness, its
//! time and its trust roots come from. This module holds no code; every
//! example below compiles, and those that can run in memory run as tests.
//!
//! 1. [A client and a server in memory](#a-client-and-a-server-in-memory):
//!    the engine itself, no I/O.
//! 2. [A blocking client over `std::net`](#a-blocking-client-over-stdnet)
//!    (feature `std`).
//! 3. [A tokio server](#a-tokio-server) (feature `tokio`).
//! 4. [A no_std client over embedded-io-async](#a-no_std-client-over-embedded-io-async)
//!    (feature `embedded-io`).
//! 5. [Sizing the buffers](#sizing-the-buffers).
//! 6. [Randomness](#randomness).
//! 7. [Time](#time).
//! 8. [Trust roots](#trust-roots): webpki-roots, the operating system's
//!    store, your own CA.
//! 9. [Crypto providers](#crypto-providers): RustCrypto, *ring*, or your
//!    own (hardware engines).
//!
//! Where things are: [`config`](crate::config) and [`cert`](crate::cert)
//! configure, [`conn`](crate::conn) runs a connection and
//! [`event`](crate::event) says what it reports; `io`, `eio` and `tokio`
//! are the adapters; [`session`](crate::session) resumes,
//! [`keylog`](crate::keylog) helps debugging, [`error`](crate::error)
//! explains failures.
//!
//! # A client and a server in memory
//!
//! A connection is a value. It owns no socket, no clock and no heap: bytes
//! from the network go in, bytes for the network come out, and events say
//! what happened. The caller gives it its buffers, an RNG and the time.
//! Here a client and a server talk through memory: what one side has to
//! send is fed straight to the other.
//!
//! ```
//! use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
//! use sansio_tls::crypto::SigningKey;
//! use sansio_tls::rand_core::UnwrapErr;
//! use sansio_tls::{ClientConfig, ClientConnection, CloseReason, Connection, Event, Instant};
//! use sansio_tls::{ServerConfig, ServerConnection, Side, suites};
//!
//! /// Both connections draw from the operating system's RNG.
//! type Rng = UnwrapErr<getrandom::SysRng>;
//!
//! /// The network: moves what `from` has to send into `to`.
//! fn transfer<A: Side, B: Side>(from: &mut Connection<A, Rng, Vec<u8>>, to: &mut Connection<B, Rng, Vec<u8>>) {
//!     let n = to.feed(from.transmit_pending());
//!     from.transmit_done(n);
//! }
//!
//! // The test PKI of this repository: never trust it outside tests.
//! let ca = include_bytes!("../vectors/pki/ecdsa-ca.der");
//! let cert = include_bytes!("../vectors/pki/ecdsa-server.der");
//! let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der"))?;
//!
//! // Configs are built once and borrowed by every connection.
//! let roots = [trust_anchor_from_der(ca)?];
//! let verifier = WebPkiServerVerifier::new(&roots);
//! let client_config = ClientConfig::new(&verifier);
//! let chain: [&[u8]; 2] = [cert, ca];
//! let server_config = ServerConfig::try_new(&chain, &key)?;
//!
//! // Each connection gets a receive buffer, a transmit buffer, an RNG and
//! // the time. The client names the server it expects (SNI, and the name
//! // its certificate must carry).
//! let now = Instant::now();
//! let (rx, tx) = (vec![0; 20_000], vec![0; 20_000]);
//! let mut client = ClientConnection::new(&client_config, "localhost", rx, tx, UnwrapErr(getrandom::SysRng), now)?;
//! let (rx, tx) = (vec![0; 20_000], vec![0; 20_000]);
//! let mut server = ServerConnection::new(&server_config, rx, tx, UnwrapErr(getrandom::SysRng), now)?;
//!
//! // The handshake: the client's flight, the server's, and so on. After
//! // each delivery the receiver is polled until it has nothing more to say.
//! for _flight in 0..4 {
//!     transfer(&mut client, &mut server);
//!     while let Some(event) = server.poll_event(now)? {
//!         if let Event::HandshakeDone(info) = event {
//!             assert!(info.extended_master_secret);
//!         }
//!     }
//!     transfer(&mut server, &mut client);
//!     while let Some(event) = client.poll_event(now)? {
//!         if let Event::HandshakeDone(info) = event {
//!             println!("client: {}", suites::suite_name(info.suite).unwrap_or("?"));
//!         }
//!     }
//! }
//! assert!(client.is_established() && server.is_established());
//!
//! // Application data: `send` encrypts into the transmit buffer; the
//! // receiver decrypts in place and lends the plaintext out.
//! client.send(b"hello")?;
//! transfer(&mut client, &mut server);
//! let mut received = Vec::new();
//! while let Some(event) = server.poll_event(now)? {
//!     if let Event::Data(data) = event {
//!         received.extend_from_slice(data);
//!     }
//! }
//! assert_eq!(received, b"hello");
//!
//! // Closing: the client sends close_notify, the server answers with its own.
//! client.close()?;
//! transfer(&mut client, &mut server);
//! let mut server_saw_close = false;
//! while let Some(event) = server.poll_event(now)? {
//!     server_saw_close |= event == Event::Closed(CloseReason::CloseNotify);
//! }
//! transfer(&mut server, &mut client);
//! while client.poll_event(now)?.is_some() {}
//! assert!(server_saw_close && client.is_closed() && server.is_closed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What to take from it:
//!
//! - Input goes in with [`feed`](crate::Connection::feed) (a copy), or
//!   straight from a socket read into
//!   [`receive_window`](crate::Connection::receive_window) followed by
//!   [`receive_commit`](crate::Connection::receive_commit).
//! - Output is [`transmit_pending`](crate::Connection::transmit_pending);
//!   say how much went out with
//!   [`transmit_done`](crate::Connection::transmit_done). Send it after
//!   every call, including after an error: a fatal error leaves its alert
//!   there.
//! - [`poll_event`](crate::Connection::poll_event) processes the buffered
//!   input. Call it until it returns `None`. [`Event::Data`](crate::Event::Data)
//!   borrows the receive buffer: copy the data out or use it before the next
//!   call.
//! - A handshake has a deadline (30 s by default): ask
//!   [`poll_timeout`](crate::Connection::poll_timeout) when to call
//!   [`handle_timeout`](crate::Connection::handle_timeout). See [Time](#time).
//! - After a fatal error every call returns the same
//!   [`Error`](crate::Error); its `Display` says what went wrong and which
//!   alert was sent.
//!
//! `examples/demo.rs` (`cargo run --example demo`) runs the same exchange
//! and prints every record.
//!
//! # A blocking client over `std::net`
//!
//! With the `std` feature, [`io::TlsStream`] drives a connection over a
//! blocking transport and offers `std::io::Read` and `Write` for the
//! plaintext. Here it fetches a page, trusting the roots of
//! [webpki-roots](#trust-roots):
//!
#![cfg_attr(feature = "std", doc = "```no_run")]
#![cfg_attr(not(feature = "std"), doc = "```ignore")]
//! use std::io::{Read, Write};
//! use std::net::TcpStream;
//! use std::time::Duration;
//! use sansio_tls::cert::WebPkiServerVerifier;
//! use sansio_tls::io::TlsStream;
//! use sansio_tls::rand_core::UnwrapErr;
//! use sansio_tls::{ClientConfig, ClientConnection, Instant, record};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let verifier = WebPkiServerVerifier::new(webpki_roots::TLS_SERVER_ROOTS);
//!     let config = ClientConfig::new(&verifier);
//!
//!     // One record and a 16 KiB certificate chain fit in the receive buffer.
//!     let (rx, tx) = (vec![0; record::MAX_RECORD + 16 * 1024], vec![0; record::MAX_RECORD]);
//!     let conn = ClientConnection::new(&config, "example.com", rx, tx, UnwrapErr(getrandom::SysRng), Instant::now())?;
//!
//!     let tcp = TcpStream::connect("example.com:443")?;
//!     // A read never blocks longer than this; the handshake timeout (30 s)
//!     // is checked between reads.
//!     tcp.set_read_timeout(Some(Duration::from_secs(30)))?;
//!     let mut tls = TlsStream::new(conn, tcp);
//!
//!     let info = tls.handshake()?;
//!     println!("suite {:?}, resumed {}", info.suite, info.resumed);
//!     tls.write_all(b"GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")?;
//!     let mut page = Vec::new();
//!     tls.read_to_end(&mut page)?; // ends at the server's close_notify
//!     tls.close()?;
//!     println!("{}", String::from_utf8_lossy(&page));
//!     Ok(())
//! }
//! ```
//!
//! `read` returns 0 at the server's close_notify and also when the
//! transport ends without one; [`take_events`][take_events]
//! tells the two apart ([`CloseReason::Truncated`](crate::CloseReason::Truncated)).
//! A server is the same with a [`ServerConnection`](crate::ServerConnection)
//! and an accepted `TcpStream`. `examples/client.rs` and
//! `examples/server.rs` are complete programs in the spirit of
//! `openssl s_client` and `s_server`.
//!
//! # A tokio server
//!
//! With the `tokio` feature, [`tokio::TlsAcceptor`] accepts connections over
//! any `AsyncRead + AsyncWrite` transport. The config is shared by all
//! connection tasks in an `Arc`: an
//! [`OwnedServerConfig`] owns its chain,
//! key, store and verifier, loaded at run time; it goes when the acceptor
//! and the last connection made with it are gone (a server that reloads
//! its certificate makes a new config and a new acceptor).
//!
#![cfg_attr(feature = "tokio", doc = "```no_run")]
#![cfg_attr(not(feature = "tokio"), doc = "```ignore")]
//! use std::sync::Arc;
//! use sansio_tls::config::{OwnedCertifiedKey, OwnedServerConfig};
//! use sansio_tls::tokio::TlsAcceptor;
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let cred = OwnedCertifiedKey::from_pem_files("server-chain.pem", "server.key.pem")?;
//!     let acceptor = TlsAcceptor::from(Arc::new(OwnedServerConfig::new(cred)));
//!     let listener = tokio::net::TcpListener::bind("0.0.0.0:8443").await?;
//!     loop {
//!         let (tcp, peer) = listener.accept().await?;
//!         let acceptor = acceptor.clone();
//!         tokio::spawn(async move {
//!             // The handshake runs here, on the connection's own task.
//!             let mut tls = match acceptor.accept(tcp).await {
//!                 Ok(tls) => tls,
//!                 Err(e) => return eprintln!("{peer}: {e}"),
//!             };
//!             let mut buf = [0; 4096];
//!             while let Ok(n @ 1..) = tls.read(&mut buf).await {
//!                 if tls.write_all(&buf[..n]).await.is_err() {
//!                     return;
//!                 }
//!             }
//!             let _ = tls.shutdown().await; // close_notify
//!         });
//!     }
//! }
//! ```
//!
//! The acceptor draws each connection's randomness from the operating
//! system, takes the time from `Instant::now()` and
//! enforces the handshake timeout on a tokio timer. Errors are
//! `io::Error`s with the TLS [`Error`](crate::Error) inside. The client
//! side is [`tokio::TlsConnector`]. `examples/tokio_server.rs` and
//! `examples/tokio_client.rs` are complete programs.
//!
//! # A no_std client over embedded-io-async
//!
//! With the `embedded-io` feature, [`eio::AsyncTlsStream`] drives a
//! connection over any [`embedded_io_async`] transport, such as an
//! embassy-net `TcpSocket`; [`eio::TlsStream`] is its blocking twin. No
//! std, no allocator: the buffers are arrays (in a firmware, usually
//! statics), the RNG is the chip's (see [Randomness](#randomness)), and the
//! clock is any `fn() -> Instant`.
//!
//! [`embedded_io_async`]: https://docs.rs/embedded-io-async/0.7
//!
#![cfg_attr(feature = "embedded-io", doc = "```no_run")]
#![cfg_attr(not(feature = "embedded-io"), doc = "```ignore")]
//! use embedded_io_async::{Read, Write};
//! use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
//! use sansio_tls::eio::{AsyncTlsStream, EioError};
//! use sansio_tls::rand_core::CryptoRng;
//! use sansio_tls::{ClientConfig, ClientConnection, Instant, MaxFragmentLength};
//!
//! /// The CA that signed the server's certificate, built into the firmware.
//! const CA_DER: &[u8] = include_bytes!("../vectors/pki/ecdsa-ca.der");
//!
//! /// Reads the server's status over `tcp`, a connected socket; `now` is the
//! /// device's real-time clock.
//! async fn status<T: Read + Write>(tcp: T, rng: impl CryptoRng, now: fn() -> Instant) -> Result<usize, EioError<T::Error>> {
//!     let roots = [trust_anchor_from_der(CA_DER)?];
//!     let verifier = WebPkiServerVerifier::new(&roots);
//!     let mut config = ClientConfig::new(&verifier);
//!     // Records of at most 4 KiB each way, if the server agrees (RFC 6066).
//!     config.max_fragment_length = Some(MaxFragmentLength::Bytes4096);
//!
//!     // Receive: one 4 KiB record plus the server's certificate chain.
//!     // Transmit: the client's flights and one record.
//!     let (mut rx, mut tx) = ([0u8; 12 * 1024], [0u8; 4608]);
//!     let conn = ClientConnection::new(&config, "device-api.example", &mut rx[..], &mut tx[..], rng, now())?;
//!     // The carry holds the rest of a record that a read did not take:
//!     // with max_fragment_length 4096, 4096 bytes are enough.
//!     let mut tls: AsyncTlsStream<_, _, _, 4096> = AsyncTlsStream::new(conn, tcp, now);
//!
//!     tls.handshake().await?;
//!     tls.write_all(b"GET /status HTTP/1.0\r\n\r\n").await?;
//!     tls.flush().await?;
//!     let mut answer = [0u8; 512];
//!     let n = tls.read(&mut answer).await?;
//!     tls.close().await?;
//!     Ok(n)
//! }
//! ```
//!
//! If the server refuses max_fragment_length, its records can be 16 KiB:
//! then the receive buffer needs [`MAX_RECORD`](crate::record::MAX_RECORD)
//! plus the chain, and the carry [`eio::FULL_CARRY`]. A read blocks as
//! long as the transport lets it: race the future with a timer to bound a
//! handshake in real time. `embedded-example/` in the repository is a
//! Cortex-M4 firmware that runs a handshake under QEMU.
//!
//! # Sizing the buffers
//!
//! A connection works only in the buffers it is given, and never
//! allocates. Two rules decide their sizes:
//!
//! - The **receive buffer** holds the largest record the peer sends plus
//!   the handshake message being reassembled (a Certificate message spans
//!   several records). A record is at most
//!   [`MAX_RECORD`](crate::record::MAX_RECORD) = 5 + 16,384 + 256 = 16,645
//!   bytes. The server's Certificate message is its chain plus 3 bytes per
//!   certificate and 7 more: usually 1-5 KiB. So a client takes
//!   `MAX_RECORD` + the chain; 16,645 + 16,384 = 33,029 bytes
//!   (`tokio::client::DEFAULT_CLIENT_RECEIVE_BUFFER`) fits any ordinary
//!   chain. A server facing unknown clients takes
//!   [`RECOMMENDED_RECEIVE_BUFFER`](crate::conn::RECOMMENDED_RECEIVE_BUFFER)
//!   = 82,185 bytes: a record and a 64 KiB ClientHello
//!   ([`LARGE_HANDSHAKE_MESSAGE`](crate::conn::LARGE_HANDSHAKE_MESSAGE)).
//!   A message that can never fit fails with
//!   [`ErrorKind::HandshakeMessageTooLarge`](crate::ErrorKind::HandshakeMessageTooLarge)
//!   (the peer gets `illegal_parameter`).
//! - The **transmit buffer** holds one whole flight: the handshake writes a
//!   flight at once. The server's first flight is ServerHello, Certificate
//!   (its chain), ServerKeyExchange, CertificateRequest (with the CA names,
//!   if it asks for client certificates) and ServerHelloDone: the chain
//!   plus about 250 bytes with a P-256 key (more with RSA: the signature
//!   is as long as the modulus). A client's flights are small (a
//!   ClientHello is about 150 bytes) unless it sends a certificate. A flight that does not fit fails with
//!   [`ErrorKind::BufferTooSmall`](crate::ErrorKind::BufferTooSmall).
//!   Application data does not need a big transmit buffer:
//!   [`send`](crate::Connection::send) takes what fits and says how much.
//!   One full record takes `MAX_RECORD` bytes.
//!
//! [max_fragment_length](crate::config::ClientConfig::max_fragment_length)
//! (RFC 6066) lets a client ask for smaller records: 512, 1024, 2048 or
//! 4096 bytes of plaintext, each with at most 29 bytes of header and
//! protection. With 512 a client runs in 2 KiB each way. Not every server
//! agrees to it: a server that ignores the request sends records of up to
//! 16 KiB, and the handshake goes on (see
//! [`HandshakeInfo::max_fragment_length`](crate::HandshakeInfo::max_fragment_length)).
//! A client whose receive buffer cannot hold one record of the length it
//! asks for is refused at construction
//! ([`ErrorKind::BufferTooSmall`](crate::ErrorKind::BufferTooSmall), with
//! both sizes).
//!
//! [record_size_limit](crate::config::ClientConfig::record_size_limit)
//! (RFC 8449, which GnuTLS and NSS speak) is finer-grained: any limit from
//! 64 to 16,384 bytes, in both directions. Each side announces the largest
//! protected record its receive buffer holds (the buffer minus 29 bytes,
//! unless the config asks for less), and the peer keeps its records within
//! it; a protected record over the announced limit is `record_overflow`.
//! A client offers it by itself when its receive buffer cannot hold a full
//! record and it asks for no max_fragment_length; a server answers every
//! client that offers it (and then ignores max_fragment_length, RFC 8449
//! §5). Unlike max_fragment_length it does not bind the unprotected
//! handshake records of a peer that does not speak it, so a small-buffer
//! client that must talk to any server still asks for max_fragment_length.
//!
//! No buffer
//! may be smaller than [`MIN_BUFFER`](crate::conn::MIN_BUFFER) = 128 bytes.
//! `eio` streams also need a carry buffer of one record's plaintext
//! (`eio::FULL_CARRY` = 16,384 bytes, or the max_fragment_length).
//!
//! ```
//! use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
//! use sansio_tls::crypto::SigningKey;
//! use sansio_tls::rand_core::UnwrapErr;
//! use sansio_tls::{ClientConfig, ClientConnection, ErrorKind, Event, Instant, MaxFragmentLength};
//! use sansio_tls::{ServerConfig, ServerConnection, conn, record};
//!
//! assert_eq!(record::MAX_RECORD, 16_645);
//! assert_eq!(conn::RECOMMENDED_RECEIVE_BUFFER, 82_185);
//! assert_eq!(conn::MIN_BUFFER, 128);
//!
//! # let ca = include_bytes!("../vectors/pki/ecdsa-ca.der");
//! # let cert = include_bytes!("../vectors/pki/ecdsa-server.der");
//! # let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der"))?;
//! # let roots = [trust_anchor_from_der(ca)?];
//! # let verifier = WebPkiServerVerifier::new(&roots);
//! // The server's chain: 1,011 bytes of certificates.
//! let chain: [&[u8]; 2] = [cert, ca];
//! let server_config = ServerConfig::try_new(&chain, &key)?;
//! let mut client_config = ClientConfig::new(&verifier);
//! client_config.max_fragment_length = Some(MaxFragmentLength::Bytes512);
//! let now = Instant::now();
//!
//! // A client in 2 KiB each way, arrays on the stack.
//! let (mut crx, mut ctx) = ([0u8; 2048], [0u8; 2048]);
//! let mut client = ClientConnection::new(&client_config, "localhost", &mut crx[..], &mut ctx[..], UnwrapErr(getrandom::SysRng), now)?;
//! let (srx, stx) = (vec![0; 2048], vec![0; 2048]);
//! let mut server = ServerConnection::new(&server_config, srx, stx, UnwrapErr(getrandom::SysRng), now)?;
//! let mut mfl = None;
//! for _flight in 0..4 {
//!     let n = server.feed(client.transmit_pending());
//!     client.transmit_done(n);
//!     while server.poll_event(now)?.is_some() {}
//!     let n = client.feed(server.transmit_pending());
//!     server.transmit_done(n);
//!     while let Some(event) = client.poll_event(now)? {
//!         if let Event::HandshakeDone(info) = event {
//!             mfl = info.max_fragment_length;
//!         }
//!     }
//! }
//! assert_eq!(mfl, Some(MaxFragmentLength::Bytes512));
//! // 1,500 bytes of data go out as three records of at most 512 bytes.
//! assert_eq!(server.send(&[7; 1500])?, 1500);
//! assert!(server.transmit_pending().len() <= 3 * (512 + 29));
//!
//! // A transmit buffer smaller than the server's first flight fails.
//! let (srx, stx) = (vec![0; 20_000], vec![0; 1024]);
//! let mut small = ServerConnection::new(&server_config, srx, stx, UnwrapErr(getrandom::SysRng), now)?;
//! let (crx, ctx) = (vec![0; 20_000], vec![0; 20_000]);
//! let mut client = ClientConnection::new(&client_config, "localhost", crx, ctx, UnwrapErr(getrandom::SysRng), now)?;
//! small.feed(client.transmit_pending());
//! let error = small.poll_event(now).unwrap_err();
//! assert_eq!(error.kind(), ErrorKind::BufferTooSmall);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The buffers are plain byte slices ([`Buffer`](crate::conn::Buffer)):
//! borrowed (`&mut [u8]`), arrays, `Vec<u8>` or `Box<[u8]>`.
//! [`into_parts`](crate::Connection::into_parts) gives them back, wiped,
//! for the next connection.
//!
//! # Randomness
//!
//! A connection needs a cryptographically secure RNG: it makes the
//! ECDHE keys, the randoms of the hellos, session IDs and ticket nonces.
//! Anyone who can predict it can decrypt the traffic. The RNG is any
//! [`CryptoRng`] of `rand_core` 0.10, which this crate
//! re-exports as `sansio_tls::rand_core` so that the
//! versions match.
//!
//! **With an operating system**, take its RNG through `getrandom` 0.4
//! (with its `sys_rng` feature): `UnwrapErr(SysRng)` turns its fallible
//! interface into an infallible one (it panics if the OS ever fails to
//! give randomness, which does not happen on supported systems once they
//! have booted).
//!
//! ```toml
//! [dependencies]
//! getrandom = { version = "0.4", features = ["sys_rng"] }
//! ```
//!
//! ```
//! use sansio_tls::rand_core::{CryptoRng, UnwrapErr};
//!
//! fn is_crypto_rng(_: &impl CryptoRng) {}
//! let rng = UnwrapErr(getrandom::SysRng);
//! is_crypto_rng(&rng);
//! // A `&mut` to an RNG is an RNG too: connections can share one.
//! let mut shared = UnwrapErr(getrandom::SysRng);
//! is_crypto_rng(&&mut shared);
//! ```
//!
//! **On a microcontroller**, use the chip's true RNG, through a HAL that
//! implements `rand_core` 0.10 or a small wrapper like this one (a HAL on
//! an older `rand_core` needs one too). A CSPRNG seeded once from the
//! hardware, such as ChaCha20, is as good.
//!
//! ```
//! use sansio_tls::rand_core::{CryptoRng, Infallible, TryCryptoRng, TryRng};
//!
//! /// The chip's true random number generator.
//! struct Trng;
//!
//! impl Trng {
//!     fn next_word(&mut self) -> u32 {
//!         todo!("wait for the TRNG's ready flag, read its data register")
//!     }
//! }
//!
//! impl TryRng for Trng {
//!     type Error = Infallible;
//!     fn try_next_u32(&mut self) -> Result<u32, Infallible> {
//!         Ok(self.next_word())
//!     }
//!     fn try_next_u64(&mut self) -> Result<u64, Infallible> {
//!         Ok(u64::from(self.next_word()) << 32 | u64::from(self.next_word()))
//!     }
//!     fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
//!         for chunk in dst.chunks_mut(4) {
//!             chunk.copy_from_slice(&self.next_word().to_le_bytes()[..chunk.len()]);
//!         }
//!         Ok(())
//!     }
//! }
//!
//! /// Only for a generator whose output cannot be predicted.
//! impl TryCryptoRng for Trng {}
//!
//! fn is_crypto_rng(_: &impl CryptoRng) {}
//! is_crypto_rng(&Trng);
//! ```
//!
//! **In tests**, the `testing` feature has a deterministic RNG,
//! `testing::TestRng`: ChaCha20 seeded from a `u64`. The same seed gives
//! the same handshake bytes, which is what recorded transcripts and fuzzing
//! need. Its seed is easy to guess, so it must never key a real
//! connection. The examples in these docs use the OS RNG.
//!
//! # Time
//!
//! The engine has no clock. Every call that needs the time takes an
//! [`Instant`](crate::Instant): milliseconds since the Unix epoch, as the
//! caller's clock says. It is wall-clock time, like
//! [`std::time::SystemTime`], not a monotonic count like
//! [`std::time::Instant`]: a certificate's validity is given in calendar
//! dates, so the same value must serve both.
//!
//! [`std::time::SystemTime`]: https://doc.rust-lang.org/std/time/struct.SystemTime.html
//! [`std::time::Instant`]: https://doc.rust-lang.org/std/time/struct.Instant.html
//!
//! ```
//! use std::time::{Duration, SystemTime, UNIX_EPOCH};
//! use sansio_tls::Instant;
//!
//! // With `std`: the system clock.
//! let now = Instant::now();
//! // The same, by hand (what `now` does).
//! let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH)?;
//! let by_hand = Instant::from_millis(since_epoch.as_millis() as u64);
//! assert!(by_hand.as_millis().abs_diff(now.as_millis()) < 60_000);
//!
//! // On a device: from a real-time clock that counts seconds since 1970.
//! let rtc_seconds = 1_800_000_000; // 2027-01-15
//! let now = Instant::from_secs(rtc_seconds);
//! // A deadline 30 s on, and back to `std` types.
//! let deadline = now.add_millis(30_000);
//! assert_eq!(Duration::from_millis(deadline.as_millis() - now.as_millis()), Duration::from_secs(30));
//! let system_time = UNIX_EPOCH + Duration::from_millis(deadline.as_millis());
//! assert!(system_time > UNIX_EPOCH);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What the time is used for:
//!
//! - **Certificate validity.** The verifiers check the peer's chain at the
//!   time given (`now_unix_secs`). A device whose clock starts at 1970
//!   after a reset fails every handshake with
//!   [`ErrorKind::CertificateExpired`](crate::ErrorKind::CertificateExpired)
//!   (“not yet valid”): set the clock first (from NTP, a GNSS fix or a
//!   battery-backed RTC).
//! - **Timeouts.** A handshake (and a renegotiation) must finish within the
//!   config's `handshake_timeout_ms` (30 s by default) of its start.
//!   [`poll_timeout`](crate::Connection::poll_timeout) says when;
//!   [`handle_timeout`](crate::Connection::handle_timeout) fails the
//!   handshake with [`ErrorKind::Timeout`](crate::ErrorKind::Timeout) and
//!   queues a `user_canceled` alert. A server's renegotiation request can
//!   have a deadline too.
//! - **Sessions.** A server resumes a session for
//!   `session_lifetime_secs` (two hours by default); tickets carry their
//!   own lifetime. The renegotiation limits count attempts per window of
//!   time.
//!
//! A device without a real-time clock can pass a monotonic millisecond
//! count for the timeouts, with a custom
//! [`ServerCertVerifier`](crate::cert::ServerCertVerifier) that does not
//! check validity dates (and pins the server's key instead, for example).
//!
//! ```
//! # use sansio_tls::cert::WebPkiServerVerifier;
//! # use sansio_tls::rand_core::UnwrapErr;
//! use sansio_tls::{ClientConfig, ClientConnection, ErrorKind, Instant};
//! # let verifier = WebPkiServerVerifier::new(&[]);
//! let config = ClientConfig::new(&verifier);
//! let start = Instant::from_secs(1_800_000_000);
//! let (rx, tx) = (vec![0; 20_000], vec![0; 4096]);
//! let mut client = ClientConnection::new(&config, "example.com", rx, tx, UnwrapErr(getrandom::SysRng), start)?;
//!
//! // No answer from the server: the deadline passes.
//! let deadline = client.poll_timeout().expect("a handshake deadline");
//! assert_eq!(deadline, start.add_millis(30_000));
//! client.handle_timeout(start.add_millis(29_999))?; // not yet
//! let error = client.handle_timeout(deadline).unwrap_err();
//! assert_eq!(error.kind(), ErrorKind::Timeout);
//! # Ok::<(), sansio_tls::Error>(())
//! ```
//!
//! # Trust roots
//!
//! A client verifies the server's chain against trust anchors: the
//! subject, key and name constraints of each root CA
//! ([`TrustAnchor`](crate::cert::TrustAnchor), from `rustls-pki-types`).
//! [`WebPkiServerVerifier::new`](crate::cert::WebPkiServerVerifier::new)
//! borrows a slice of them; the verifier, and the config that holds it,
//! cannot outlive that slice.
//!
//! **Mozilla's roots, compiled in**: the `webpki-roots` crate (1.x) has them
//! as `&'static [TrustAnchor<'static>]`. Nothing to load, nothing to keep
//! alive; the roots change only when you update the crate.
//!
//! ```
//! use sansio_tls::ClientConfig;
//! use sansio_tls::cert::WebPkiServerVerifier;
//!
//! let verifier = WebPkiServerVerifier::new(webpki_roots::TLS_SERVER_ROOTS);
//! let config = ClientConfig::new(&verifier);
//! # let _ = config;
//! assert!(webpki_roots::TLS_SERVER_ROOTS.len() > 100);
//! ```
//!
//! **The operating system's store**: `rustls-native-certs` (0.8) reads it
//! (`/etc/ssl/certs` and the like, the macOS keychain, the Windows store)
//! and gives DER certificates. [`trust_anchor_from_der`](crate::cert::trust_anchor_from_der)
//! turns each into an anchor that borrows the DER, so keep the
//! certificates alive as long as the verifier.
//!
//! ```
//! use sansio_tls::cert::{TrustAnchor, WebPkiServerVerifier, trust_anchor_from_der};
//! use sansio_tls::ClientConfig;
//!
//! let found = rustls_native_certs::load_native_certs();
//! for error in &found.errors {
//!     eprintln!("skipped part of the store: {error}");
//! }
//! // The anchors borrow `found.certs`: it must outlive the verifier.
//! let roots: Vec<TrustAnchor<'_>> = found.certs.iter().filter_map(|der| trust_anchor_from_der(der).ok()).collect();
//! let verifier = WebPkiServerVerifier::new(&roots);
//! let config = ClientConfig::new(&verifier);
//! # let _ = config;
//! ```
//!
//! **Your own CA**, for a private deployment: the DER of its certificate,
//! built in with `include_bytes!` (as in the examples above) or read from a
//! PEM file with [`pem::read_certs`] (feature `std`). A server verifies
//! client certificates the same way, with
//! [`WebPkiClientVerifier`](crate::cert::WebPkiClientVerifier).
//!
//! For a config shared by tasks (the tokio adapters), an
//! [`OwnedClientConfig`] owns the
//! anchors and the verifier (feature `alloc`):
//!
//! ```
//! use std::sync::Arc;
//! use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
//! use sansio_tls::config::OwnedClientConfig;
//!
//! let roots = rustls_native_certs::load_native_certs()
//!     .certs
//!     .iter()
//!     .filter_map(|der| trust_anchor_from_der(der).ok().map(|a| a.to_owned()))
//!     .collect();
//! let verifier = WebPkiServerVerifier::from_roots(roots);
//! let config = Arc::new(OwnedClientConfig::new(Arc::new(verifier)));
//! # let _ = config;
//! ```
//!
//! A verifier binds each session it verifies to what it trusts (its
//! [`session_context`](crate::cert::ServerCertVerifier::session_context)):
//! a session verified under one set of roots is never resumed under
//! another.
//!
//! [`CryptoRng`]: https://docs.rs/rand_core/0.10/rand_core/trait.CryptoRng.html
#![cfg_attr(feature = "alloc", doc = "[`OwnedServerConfig`]: crate::config::OwnedServerConfig")]
#![cfg_attr(feature = "alloc", doc = "[`OwnedClientConfig`]: crate::config::OwnedClientConfig")]
#![cfg_attr(not(feature = "alloc"), doc = "[`OwnedServerConfig`]: crate#features")]
#![cfg_attr(not(feature = "alloc"), doc = "[`OwnedClientConfig`]: crate#features")]
#![cfg_attr(feature = "std", doc = "[`io::TlsStream`]: crate::io::TlsStream")]
#![cfg_attr(feature = "std", doc = "[take_events]: crate::io::TlsStream::take_events")]
#![cfg_attr(feature = "std", doc = "[`pem::read_certs`]: crate::pem::read_certs")]
#![cfg_attr(not(feature = "std"), doc = "[`io::TlsStream`]: crate#features")]
#![cfg_attr(not(feature = "std"), doc = "[take_events]: crate#features")]
#![cfg_attr(not(feature = "std"), doc = "[`pem::read_certs`]: crate#features")]
#![cfg_attr(feature = "tokio", doc = "[`tokio::TlsAcceptor`]: crate::tokio::TlsAcceptor")]
#![cfg_attr(feature = "tokio", doc = "[`tokio::TlsConnector`]: crate::tokio::TlsConnector")]
#![cfg_attr(not(feature = "tokio"), doc = "[`tokio::TlsAcceptor`]: crate#tokio")]
#![cfg_attr(not(feature = "tokio"), doc = "[`tokio::TlsConnector`]: crate#tokio")]
#![cfg_attr(feature = "embedded-io", doc = "[`eio::AsyncTlsStream`]: crate::eio::AsyncTlsStream")]
#![cfg_attr(feature = "embedded-io", doc = "[`eio::TlsStream`]: crate::eio::TlsStream")]
#![cfg_attr(feature = "embedded-io", doc = "[`eio::FULL_CARRY`]: crate::eio::FULL_CARRY")]
#![cfg_attr(not(feature = "embedded-io"), doc = "[`eio::AsyncTlsStream`]: crate#features")]
#![cfg_attr(not(feature = "embedded-io"), doc = "[`eio::TlsStream`]: crate#features")]
#![cfg_attr(not(feature = "embedded-io"), doc = "[`eio::FULL_CARRY`]: crate#features")]
//!
//! # Crypto providers
//!
//! The primitives under the protocol (hashes, HMAC, the record AEADs,
//! ECDHE and signature checks) come from the config's
//! [`Provider`](crate::crypto::Provider); everything above them (the
//! transcript, the PRF, record nonces, every check on the wire) is the
//! engine's and the same whichever provider runs.
//!
//! - [`RustCrypto`](crate::crypto::RustCrypto), the default: no_std, no
//!   heap, randomness from the connection's RNG. What firmware uses.
//! - `crypto::Ring` (feature `ring`, std targets): *ring*'s assembly, 2.4 to
//!   3.5 times the full handshakes and 2 to 2.7 times the bulk throughput
//!   of RustCrypto on x86-64 (`benches/vs_rustls.rs`). Give the
//!   server a `crypto::RingSigningKey` and the client's verifier *ring*'s
//!   webpki algorithms (`WebPkiServerVerifier::with_algorithms(Ring::WEBPKI_ALGORITHMS)`)
//!   so that signing and chain checks run on *ring* too. *ring* draws its
//!   ECDHE keys and ECDSA nonces from the operating system, not from the
//!   connection's RNG.
//! - Your own: implement the traits, usually by wrapping RustCrypto and
//!   sending the calls a hardware engine accelerates (AES-GCM, SHA-256,
//!   P-256) to it. `examples/counting_provider.rs` is the template: a
//!   provider that wraps another and counts every call.
//!
//! A provider is a small `Copy` value chosen per config; its states are
//! associated types, so the record layer calls the AEAD directly, with no
//! dynamic dispatch per record and no heap.
//!
//! ```
//! # use sansio_tls::{cert::*, crypto::*, *};
//! /// The same server and client on ring (feature `ring`).
//! #[cfg(feature = "ring")]
//! fn on_ring(key_der: &[u8], chain: &[&[u8]], roots: &[TrustAnchor<'_>]) -> Result<(), Error> {
//!     let key = RingSigningKey::from_der(key_der)?;
//!     let server = ServerConfig::new(chain, &key).with_provider(Ring);
//!     let verifier = WebPkiServerVerifier::new(roots).with_algorithms(Ring::WEBPKI_ALGORITHMS);
//!     let client = ClientConfig::new(&verifier).with_provider(Ring);
//!     # let _ = (server, client);
//!     Ok(())
//! }
//! # #[cfg(feature = "ring")]
//! # on_ring(include_bytes!("../vectors/pki/ecdsa-server.key.der"), &[include_bytes!("../vectors/pki/ecdsa-server.der")], &[])?;
//!
//! // Any provider, e.g. a hardware one, the same way (here RustCrypto by name).
//! # let roots = [];
//! let verifier = WebPkiServerVerifier::new(&roots);
//! let client: ClientConfig<'_, RustCrypto> = ClientConfig::new(&verifier).with_provider(RustCrypto);
//! # let _ = client;
//! # Ok::<(), Error>(())
//! ```

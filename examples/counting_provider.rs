//! A crypto provider of your own: the template for a hardware port.
//!
//! `Counting<P>` wraps another provider (here RustCrypto) and counts every
//! call the engine makes into it: hashes, HMACs, AEAD keys and records,
//! ECDHE key shares and agreements, signature checks. A firmware with an
//! AES, SHA or public-key engine writes the same wrapper and, instead of
//! counting, sends the calls it can accelerate to the hardware, delegating
//! the rest to RustCrypto.
//!
//! The provider is a small `Copy` value (here a reference to static
//! counters; on a microcontroller, a handle to the peripheral), chosen in
//! the config with `with_provider`. Its states are associated types, so the
//! record layer calls `seal_in_place` / `open_in_place` directly: no
//! dynamic dispatch per record and no heap.
//!
//! Runs one handshake and a ping/pong in memory, prints the counts, and
//! checks the ones the protocol fixes.
//!
//! ```text
//! cargo run --example counting_provider
//! ```

use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use getrandom::SysRng;
use rand_core::UnwrapErr;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::codec::{NamedGroup, SignatureScheme};
use sansio_tls::crypto::{
    AeadAlg, AeadKey, DigestAlg, HashAlg, HashOutput, HashState, KeyShare, Provider, PublicKey, PublicShare,
    RustCrypto, SharedSecret, SigningKey,
};
use sansio_tls::{ClientConfig, ClientConnection, Error, Event, Instant, ServerConfig, ServerConnection};

/// What the engine asked of the provider.
struct Counts {
    hashes: AtomicUsize,
    hashed_bytes: AtomicUsize,
    hmacs: AtomicUsize,
    aead_keys: AtomicUsize,
    sealed: AtomicUsize,
    opened: AtomicUsize,
    key_shares: AtomicUsize,
    agreements: AtomicUsize,
    verifies: AtomicUsize,
}

impl Counts {
    const fn new() -> Self {
        Counts {
            hashes: AtomicUsize::new(0),
            hashed_bytes: AtomicUsize::new(0),
            hmacs: AtomicUsize::new(0),
            aead_keys: AtomicUsize::new(0),
            sealed: AtomicUsize::new(0),
            opened: AtomicUsize::new(0),
            key_shares: AtomicUsize::new(0),
            agreements: AtomicUsize::new(0),
            verifies: AtomicUsize::new(0),
        }
    }
}

/// A provider that counts, then hands the work to `P`.
#[derive(Clone, Copy)]
struct Counting<P> {
    inner: P,
    counts: &'static Counts,
}

/// A running hash or HMAC of `P`, counting the bytes fed.
#[derive(Clone)]
struct CountingHash<H> {
    inner: H,
    counts: &'static Counts,
}

impl<H: HashState> HashState for CountingHash<H> {
    fn update(&mut self, data: &[u8]) {
        self.counts.hashed_bytes.fetch_add(data.len(), Relaxed);
        self.inner.update(data);
    }

    fn finish(self) -> HashOutput {
        self.inner.finish()
    }
}

/// One direction's AEAD key: where a hardware AES-GCM engine goes.
struct CountingAead<A> {
    inner: A,
    counts: &'static Counts,
}

impl<A: AeadKey> AeadKey for CountingAead<A> {
    fn seal_in_place(&self, nonce: &[u8; 12], aad: &[u8], data: &mut [u8]) -> Result<[u8; 16], Error> {
        self.counts.sealed.fetch_add(1, Relaxed);
        self.inner.seal_in_place(nonce, aad, data)
    }

    fn open_in_place(&self, nonce: &[u8; 12], aad: &[u8], data: &mut [u8], tag: &[u8; 16]) -> Result<(), Error> {
        self.counts.opened.fetch_add(1, Relaxed);
        self.inner.open_in_place(nonce, aad, data, tag)
    }
}

/// An ephemeral ECDHE key: where a public-key accelerator goes.
struct CountingShare<K> {
    inner: K,
    counts: &'static Counts,
}

impl<K: KeyShare> KeyShare for CountingShare<K> {
    fn group(&self) -> NamedGroup {
        self.inner.group()
    }

    fn agree(self, peer: &[u8]) -> Result<SharedSecret, Error> {
        self.counts.agreements.fetch_add(1, Relaxed);
        self.inner.agree(peer)
    }
}

impl<P: Provider> Provider for Counting<P> {
    type Hash = CountingHash<P::Hash>;
    type Hmac = CountingHash<P::Hmac>;
    type Aead = CountingAead<P::Aead>;
    type KeyShare = CountingShare<P::KeyShare>;

    fn hash(&self, alg: DigestAlg) -> Self::Hash {
        self.counts.hashes.fetch_add(1, Relaxed);
        CountingHash { inner: self.inner.hash(alg), counts: self.counts }
    }

    fn hmac(&self, alg: HashAlg, key: &[u8]) -> Self::Hmac {
        self.counts.hmacs.fetch_add(1, Relaxed);
        CountingHash { inner: self.inner.hmac(alg, key), counts: self.counts }
    }

    fn aead(&self, alg: AeadAlg, key: &[u8]) -> Result<Self::Aead, Error> {
        self.counts.aead_keys.fetch_add(1, Relaxed);
        Ok(CountingAead { inner: self.inner.aead(alg, key)?, counts: self.counts })
    }

    fn key_share<R: rand_core::CryptoRng + ?Sized>(
        &self,
        group: NamedGroup,
        rng: &mut R,
    ) -> Result<(Self::KeyShare, PublicShare), Error> {
        self.counts.key_shares.fetch_add(1, Relaxed);
        let (inner, share) = self.inner.key_share(group, rng)?;
        Ok((CountingShare { inner, counts: self.counts }, share))
    }

    fn verify(&self, key: &PublicKey, scheme: SignatureScheme, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        self.counts.verifies.fetch_add(1, Relaxed);
        self.inner.verify(key, scheme, message, signature)
    }
}

const CA: &[u8] = include_bytes!("../vectors/pki/ecdsa-ca.der");
const SERVER_CERT: &[u8] = include_bytes!("../vectors/pki/ecdsa-server.der");
const SERVER_KEY: &[u8] = include_bytes!("../vectors/pki/ecdsa-server.key.der");

static CLIENT_COUNTS: Counts = Counts::new();

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let roots = [trust_anchor_from_der(CA)?];
    let verifier = WebPkiServerVerifier::new(&roots);
    let provider = Counting { inner: RustCrypto, counts: &CLIENT_COUNTS };
    let client_config = ClientConfig::new(&verifier).with_provider(provider);
    let key = SigningKey::from_der(SERVER_KEY)?;
    let chain: [&[u8]; 2] = [SERVER_CERT, CA];
    let server_config = ServerConfig::new(&chain, &key);

    let now = Instant::now();
    let mut client =
        ClientConnection::new(&client_config, "localhost", vec![0; 20_000], vec![0; 20_000], UnwrapErr(SysRng), now)?;
    let mut server = ServerConnection::new(&server_config, vec![0; 20_000], vec![0; 20_000], UnwrapErr(SysRng), now)?;

    let mut pong = Vec::new();
    let mut closed = false;
    for _round in 0..8 {
        let n = server.feed(client.transmit_pending());
        client.transmit_done(n);
        while let Some(event) = server.poll_event(now)? {
            match event {
                Event::HandshakeDone(_) => {}
                Event::Data(d) if d == b"ping" => {
                    server.send(b"pong")?;
                }
                Event::Closed(_) => closed = true,
                _ => {}
            }
        }
        let n = client.feed(server.transmit_pending());
        server.transmit_done(n);
        while let Some(event) = client.poll_event(now)? {
            match event {
                Event::HandshakeDone(_) => {
                    client.send(b"ping")?;
                }
                Event::Data(d) => {
                    pong.extend_from_slice(d);
                    client.close()?;
                }
                _ => {}
            }
        }
    }
    assert_eq!(pong, b"pong", "the ping/pong did not complete");
    assert!(closed, "the server did not see the client's close_notify");

    let c = &CLIENT_COUNTS;
    let get = |a: &AtomicUsize| a.load(Relaxed);
    println!("client provider calls, one full handshake and a ping/pong:");
    println!("  hashes started   {:>6}", get(&c.hashes));
    println!("  bytes hashed     {:>6}", get(&c.hashed_bytes));
    println!("  HMACs keyed      {:>6}", get(&c.hmacs));
    println!("  AEAD keys        {:>6}", get(&c.aead_keys));
    println!("  records sealed   {:>6}", get(&c.sealed));
    println!("  records opened   {:>6}", get(&c.opened));
    println!("  ECDHE key shares {:>6}", get(&c.key_shares));
    println!("  ECDHE agreements {:>6}", get(&c.agreements));
    println!("  signatures checked {:>4}", get(&c.verifies));

    // What the protocol fixes for a client's full ECDHE handshake: one key
    // share and one agreement, one ServerKeyExchange signature (the chain
    // is checked by the verifier's own algorithms), one key per direction,
    // sealed Finished + "ping" + close_notify, opened Finished + "pong" +
    // the server's close_notify.
    assert_eq!(get(&c.key_shares), 1);
    assert_eq!(get(&c.agreements), 1);
    assert_eq!(get(&c.verifies), 1);
    assert_eq!(get(&c.aead_keys), 2);
    assert_eq!(get(&c.sealed), 3);
    assert_eq!(get(&c.opened), 3);
    // The PRF keys an HMAC per derivation: master secret, key block, and the
    // two Finished messages.
    assert_eq!(get(&c.hmacs), 4);
    assert!(get(&c.hashes) >= 1 && get(&c.hashed_bytes) > 0);
    println!("ok");
    Ok(())
}

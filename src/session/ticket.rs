//! Session tickets (RFC 5077): the application's rotating keys, and a
//! session sealed under them.

use super::{SESSION_ENCODED_LEN, Session};
use crate::crypto::{self, TICKET_NONCE_LEN};
use crate::error::Error;
use crate::time::Instant;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// One ticket protection key, named so a server knows which key sealed a
/// ticket. Make both parts with a real RNG.
///
/// ```
/// use sansio_tls::rand_core::{Rng, UnwrapErr};
/// use sansio_tls::session::TicketKey;
///
/// fn new_ticket_key(rng: &mut impl Rng) -> TicketKey {
///     let mut key = TicketKey { name: [0; 16], key: [0; 32] };
///     rng.fill_bytes(&mut key.name);
///     rng.fill_bytes(&mut key.key);
///     key
/// }
/// let key = new_ticket_key(&mut UnwrapErr(getrandom::SysRng));
/// assert_ne!(key.key, [0; 32]);
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct TicketKey {
    /// A public 16-byte name (RFC 5077 §4 key_name).
    pub name: [u8; 16],
    /// The AES-256-GCM key: secret, random, rotated by the application.
    pub key: [u8; 32],
}

/// The keys a server seals and opens tickets with: `current` seals, every
/// key in `current` and `previous` opens (so rotation does not break
/// outstanding tickets).
///
/// A server that resumes by ticket, and so needs no store; its keys were
/// rotated once:
///
/// ```
/// # use sansio_tls::{cert::*, crypto::SigningKey, rand_core::UnwrapErr, *};
/// # let ca = include_bytes!("../../vectors/pki/ecdsa-ca.der");
/// # let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// # let chain: [&[u8]; 2] = [include_bytes!("../../vectors/pki/ecdsa-server.der"), ca];
/// # let roots = [trust_anchor_from_der(ca)?];
/// # let verifier = WebPkiServerVerifier::new(&roots);
/// # let now = Instant::now();
/// # let rng = || UnwrapErr(getrandom::SysRng);
/// # let buffers = || (vec![0u8; 20_000], vec![0u8; 20_000]);
/// # use sansio_tls::conn::{Buffer, Side};
/// # use sansio_tls::rand_core::CryptoRng;
/// # /// Runs the handshake between `c` and `s`, in memory.
/// # fn run<A: Side, B: Side, R1: CryptoRng, R2: CryptoRng, X: Buffer, Y: Buffer>(c: &mut Connection<A, R1, X>, s: &mut Connection<B, R2, Y>, now: Instant) -> Result<(), Error> {
/// #     for _ in 0..4 {
/// #         let n = s.feed(c.transmit_pending());
/// #         c.transmit_done(n);
/// #         while s.poll_event(now)?.is_some() {}
/// #         let n = c.feed(s.transmit_pending());
/// #         s.transmit_done(n);
/// #         while c.poll_event(now)?.is_some() {}
/// #     }
/// #     Ok(())
/// # }
/// use sansio_tls::rand_core::Rng;
/// use sansio_tls::session::{TicketKey, TicketKeys};
///
/// let mut random_key = || {
///     let mut key = TicketKey { name: [0; 16], key: [0; 32] };
///     rng().fill_bytes(&mut key.name);
///     rng().fill_bytes(&mut key.key);
///     key
/// };
/// let (old, new) = (random_key(), random_key());
/// let previous = [old];
/// let mut server_config = ServerConfig::new(&chain, &key);
/// server_config.ticket_keys = Some(TicketKeys { current: &new, previous: &previous, lifetime_secs: 3600 });
/// let client_config = ClientConfig::new(&verifier);
///
/// let ((crx, ctx), (srx, stx)) = (buffers(), buffers());
/// let mut client = ClientConnection::new(&client_config, "localhost", crx, ctx, rng(), now)?;
/// let mut server = ServerConnection::new(&server_config, srx, stx, rng(), now)?;
/// run(&mut client, &mut server, now)?; // in memory
/// let session = client.client_session().expect("a session");
/// assert_eq!(session.ticket().map(<[u8]>::len), Some(sansio_tls::session::TICKET_LEN));
/// assert_eq!(session.ticket_lifetime_hint, 3600);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct TicketKeys<'a> {
    /// The key new tickets are sealed with.
    pub current: &'a TicketKey,
    /// Older keys still accepted.
    pub previous: &'a [TicketKey],
    /// Ticket lifetime, seconds: sent as the hint, and enforced.
    pub lifetime_secs: u32,
}

/// Overhead of a ticket around the encoded session: name, nonce, tag.
pub const TICKET_OVERHEAD: usize = 16 + TICKET_NONCE_LEN + 16;

/// The length of tickets this crate issues.
pub const TICKET_LEN: usize = SESSION_ENCODED_LEN + TICKET_OVERHEAD;

impl TicketKeys<'_> {
    /// Seals `session` into a ticket: name || nonce || ciphertext || tag.
    pub fn seal<R: rand_core::CryptoRng + ?Sized>(
        &self,
        session: &Session,
        rng: &mut R,
    ) -> Result<[u8; TICKET_LEN], Error> {
        let mut out = [0u8; TICKET_LEN];
        let mut nonce = [0u8; TICKET_NONCE_LEN];
        rng.fill_bytes(&mut nonce);
        out[..16].copy_from_slice(&self.current.name);
        out[16..28].copy_from_slice(&nonce);
        let body = &mut out[28..28 + SESSION_ENCODED_LEN];
        body.copy_from_slice(&session.encode());
        let tag = crypto::ticket_seal(&self.current.key, &nonce, &self.current.name, body)?;
        out[28 + SESSION_ENCODED_LEN..].copy_from_slice(&tag);
        Ok(out)
    }

    /// Opens a ticket sealed by any of the keys. `None` for anything that
    /// does not open, or an expired session: the handshake then is a full
    /// one (RFC 5077 §3.4), never an error.
    pub fn open(&self, ticket: &[u8], now: Instant) -> Option<Session> {
        if ticket.len() != TICKET_LEN {
            return None;
        }
        let name = &ticket[..16];
        let key =
            core::iter::once(self.current).chain(self.previous.iter()).find(|k| bool::from(k.name.ct_eq(name)))?;
        let nonce: [u8; TICKET_NONCE_LEN] = ticket[16..28].try_into().ok()?;
        let tag: [u8; 16] = ticket[28 + SESSION_ENCODED_LEN..].try_into().ok()?;
        let mut body = [0u8; SESSION_ENCODED_LEN];
        body.copy_from_slice(&ticket[28..28 + SESSION_ENCODED_LEN]);
        let opened = crypto::ticket_open(&key.key, &nonce, &key.name, &mut body, &tag);
        let session = opened.ok().and_then(|_| Session::decode(&body).ok());
        body.zeroize();
        session.filter(|s| !s.is_expired(now, u64::from(self.lifetime_secs)))
    }
}

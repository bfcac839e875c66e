//! Sessions for resumption (RFC 5246 §7.3 abbreviated handshake, RFC 5077
//! tickets): the session state, its versioned fixed-size encoding, the
//! server-side store interface with a fixed-capacity LRU store over caller
//! memory, the client-side cache, and ticket keys.
//!
//! A session holds a master secret: its encoding is secret material. Keep
//! exported sessions, stores and ticket keys where an attacker cannot read
//! them; anyone who has them can decrypt traffic of connections that used
//! them.
//!
//! A server resumes by session ID from a [`SessionStore`] (such as
//! [`LruSessionStore`]) or from the application
//! ([`ServerSessions::Events`]), and by ticket with [`TicketKeys`]. A
//! client resumes from a [`ClientSessionCache`] (such as
//! [`LruClientCache`]) or from a [`ClientSession`] it kept itself.

use crate::codec::{CipherSuite, Reader, Writer};
use crate::crypto::{self, HashAlg};
use crate::error::Error;
use crate::time::Instant;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

mod store;
mod ticket;

pub use store::{
    ClientCacheSlot, ClientSessionCache, LruClientCache, LruSessionStore, LruSlot, ServerSessions, SessionSlot,
    SessionStore,
};
pub use ticket::{TICKET_LEN, TICKET_OVERHEAD, TicketKey, TicketKeys};

/// Length of the session IDs a server generates (RFC 5246 §7.4.1.2 allows
/// up to 32).
pub const SESSION_ID_LEN: usize = 32;

/// A session ID as a handshake keeps it (empty: none).
pub(crate) type SessionId = heapless::Vec<u8, SESSION_ID_LEN>;

/// The format version of [`Session::encode`] (2: sessions carry their
/// context).
pub const SESSION_FORMAT_VERSION: u8 = 2;

/// Length of an encoded [`Session`]: version(1) id_len(1) id(32)
/// master_secret(48) suite(2) flags(1) sni_hash(32) peer_cert(32)
/// context(32) created(8) check(8).
pub const SESSION_ENCODED_LEN: usize = 1 + 1 + 32 + 48 + 2 + 1 + 32 + 32 + 32 + 8 + 8;

/// Where the checksum starts in an encoded session.
const CHECK_AT: usize = SESSION_ENCODED_LEN - 8;

/// The largest session ticket a client keeps (RFC 5077 allows 65535; real
/// servers send 100-300 bytes). A larger ticket is not kept: that session
/// resumes by ID only. 0 without the `tickets` feature (no ticket slot).
pub const MAX_TICKET_LEN: usize = if cfg!(feature = "tickets") { 512 } else { 0 };

/// Length of an encoded [`ClientSession`] at most.
pub const CLIENT_SESSION_MAX_ENCODED_LEN: usize = SESSION_ENCODED_LEN + 4 + 2 + MAX_TICKET_LEN;

const FLAG_EMS: u8 = 1;
const FLAG_PEER_CERT: u8 = 2;
const FLAG_SNI: u8 = 4;

/// The state a resumed handshake needs: the master secret and what was
/// negotiated with it, and the context it was made in.
///
/// The context binds a session to the policy that authenticated its peer:
/// on a server the client-auth policy, the client verifier and
/// [`ServerConfig::session_context`](crate::ServerConfig::session_context)
/// (like OpenSSL's sid_ctx); on a client the server verifier and
/// [`ClientConfig::session_context`](crate::ClientConfig::session_context).
/// A session is only resumed in the context it was made in, so configs
/// that share a store, ticket keys or a client cache never resume each
/// other's sessions unless they verify alike.
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
/// use sansio_tls::session::{LruSessionStore, ServerSessions, Session, SessionSlot};
///
/// let mut slots = [SessionSlot::EMPTY; 4];
/// let store = LruSessionStore::new(&mut slots);
/// let mut server_config = ServerConfig::new(&chain, &key);
/// server_config.sessions = ServerSessions::Store(&store);
/// let client_config = ClientConfig::new(&verifier);
/// let ((crx, ctx), (srx, stx)) = (buffers(), buffers());
/// let mut client = ClientConnection::new(&client_config, "localhost", crx, ctx, rng(), now)?;
/// let mut server = ServerConnection::new(&server_config, srx, stx, rng(), now)?;
/// run(&mut client, &mut server, now)?; // a full handshake, in memory
///
/// let session: &Session = &client.client_session().expect("a resumable session").session;
/// assert_eq!(session.id().len(), 32);
/// assert_eq!(session.suite(), client.handshake_info().unwrap().suite);
/// assert!(session.extended_master_secret());
/// assert!(!session.is_expired(now, server_config.session_lifetime_secs));
/// // The encoding holds the master secret: store it like a key.
/// let bytes = session.encode();
/// assert_eq!(&Session::decode(&bytes)?, session);
/// assert!(Session::decode(&bytes[1..]).is_err());
/// // The server stored the same session.
/// assert_eq!(store.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Session {
    id: [u8; SESSION_ID_LEN],
    id_len: u8,
    master_secret: [u8; 48],
    suite: u16,
    ems: bool,
    sni_hash: Option<[u8; 32]>,
    peer_cert_sha256: Option<[u8; 32]>,
    context: [u8; 32],
    created: u64,
}

impl core::fmt::Debug for Session {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Session")
            .field("id_len", &self.id_len)
            .field("suite", &self.suite())
            .field("ems", &self.ems)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session as a handshake establishes it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        id: &[u8],
        master_secret: &[u8; 48],
        suite: CipherSuite,
        ems: bool,
        sni_hash: Option<[u8; 32]>,
        peer_cert_sha256: Option<[u8; 32]>,
        context: [u8; 32],
        created: Instant,
    ) -> Result<Self, Error> {
        let mut s = Session {
            id: [0; SESSION_ID_LEN],
            id_len: 0,
            master_secret: *master_secret,
            suite: suite.to_wire(),
            ems,
            sni_hash,
            peer_cert_sha256,
            context,
            created: created.as_secs(),
        };
        s.set_id(id)?;
        Ok(s)
    }

    pub(crate) fn set_id(&mut self, id: &[u8]) -> Result<(), Error> {
        if id.len() > SESSION_ID_LEN {
            return Err(Error::IllegalParameter.because("session ID longer than 32 bytes"));
        }
        self.id = [0; SESSION_ID_LEN];
        self.id[..id.len()].copy_from_slice(id);
        self.id_len = id.len() as u8;
        Ok(())
    }

    /// The session ID (empty for a ticket-only session).
    pub fn id(&self) -> &[u8] {
        &self.id[..self.id_len as usize]
    }

    /// The cipher suite the session was made with; a resumption keeps it.
    pub fn suite(&self) -> CipherSuite {
        CipherSuite::from(self.suite)
    }

    /// Whether the session's master secret is an extended one (RFC 7627).
    pub fn extended_master_secret(&self) -> bool {
        self.ems
    }

    /// When the full handshake that made the session ran.
    pub fn created(&self) -> Instant {
        Instant::from_secs(self.created)
    }

    /// SHA-256 of the peer's end-entity certificate, if it sent one.
    pub fn peer_cert_sha256(&self) -> Option<[u8; 32]> {
        self.peer_cert_sha256
    }

    /// The context the session was made in (see the type's docs).
    pub fn context(&self) -> &[u8; 32] {
        &self.context
    }

    pub(crate) fn master_secret(&self) -> &[u8; 48] {
        &self.master_secret
    }

    /// Whether the session was made for this server name.
    pub(crate) fn matches_sni(&self, sni: Option<&[u8]>) -> bool {
        match (self.sni_hash, sni) {
            (None, None) => true,
            (Some(h), Some(n)) => bool::from(h.ct_eq(&crypto::sha256(n))),
            _ => false,
        }
    }

    /// Whether the session is older than `lifetime_secs` at `now`.
    pub fn is_expired(&self, now: Instant, lifetime_secs: u64) -> bool {
        now.as_secs() < self.created || now.as_secs() - self.created > lifetime_secs
    }

    fn check(body: &[u8]) -> [u8; 8] {
        let mut c = [0u8; 8];
        c.copy_from_slice(&crypto::hash(HashAlg::Sha256, body).as_ref()[..8]);
        c
    }

    /// The versioned fixed-size encoding. It holds the master secret: treat
    /// it as a key.
    pub fn encode(&self) -> [u8; SESSION_ENCODED_LEN] {
        let mut out = [0u8; SESSION_ENCODED_LEN];
        let mut flags = 0;
        if self.ems {
            flags |= FLAG_EMS;
        }
        if self.peer_cert_sha256.is_some() {
            flags |= FLAG_PEER_CERT;
        }
        if self.sni_hash.is_some() {
            flags |= FLAG_SNI;
        }
        out[0] = SESSION_FORMAT_VERSION;
        out[1] = self.id_len;
        out[2..34].copy_from_slice(&self.id);
        out[34..82].copy_from_slice(&self.master_secret);
        out[82..84].copy_from_slice(&self.suite.to_be_bytes());
        out[84] = flags;
        out[85..117].copy_from_slice(&self.sni_hash.unwrap_or_default());
        out[117..149].copy_from_slice(&self.peer_cert_sha256.unwrap_or_default());
        out[149..181].copy_from_slice(&self.context);
        out[181..CHECK_AT].copy_from_slice(&self.created.to_be_bytes());
        let check = Self::check(&out[..CHECK_AT]);
        out[CHECK_AT..].copy_from_slice(&check);
        out
    }

    /// Parses [`encode`](Self::encode)'s output. A wrong version, length,
    /// flag or checksum is [`ErrorKind::Decode`](crate::ErrorKind::Decode):
    /// a damaged blob never yields a session with wrong keys.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() != SESSION_ENCODED_LEN || bytes[0] != SESSION_FORMAT_VERSION {
            return Err(Error::Decode.because("session blob has the wrong length or format version"));
        }
        if !bool::from(Self::check(&bytes[..CHECK_AT]).ct_eq(&bytes[CHECK_AT..])) {
            return Err(Error::Decode.because("session blob checksum mismatch"));
        }
        let mut r = Reader::new(&bytes[1..CHECK_AT]);
        let id_len = r.u8()?;
        let id: [u8; 32] = r.array()?;
        let master_secret: [u8; 48] = r.array()?;
        let suite = r.u16()?;
        let flags = r.u8()?;
        let sni: [u8; 32] = r.array()?;
        let peer: [u8; 32] = r.array()?;
        let context: [u8; 32] = r.array()?;
        let created = u64::from_be_bytes(r.array()?);
        if id_len as usize > SESSION_ID_LEN || flags & !(FLAG_EMS | FLAG_PEER_CERT | FLAG_SNI) != 0 {
            return Err(Error::Decode.because("session blob has an invalid ID length or flags"));
        }
        if crate::suites::lookup(CipherSuite::from(suite)).is_none() {
            return Err(Error::Decode.because("session blob names an unknown cipher suite"));
        }
        Ok(Session {
            id,
            id_len,
            master_secret,
            suite,
            ems: flags & FLAG_EMS != 0,
            sni_hash: (flags & FLAG_SNI != 0).then_some(sni),
            peer_cert_sha256: (flags & FLAG_PEER_CERT != 0).then_some(peer),
            context,
            created,
        })
    }
}

/// A session as a client keeps it: the session, plus the ticket the server
/// gave for it, if any (RFC 5077).
///
/// A device keeps its session across reboots: export it to flash after a
/// handshake, import it before the next one.
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
/// use sansio_tls::conn::ClientParams;
/// use sansio_tls::session::{CLIENT_SESSION_MAX_ENCODED_LEN, ClientSession, LruSessionStore, ServerSessions, SessionSlot};
///
/// let mut slots = [SessionSlot::EMPTY; 4];
/// let store = LruSessionStore::new(&mut slots);
/// let mut server_config = ServerConfig::new(&chain, &key);
/// server_config.sessions = ServerSessions::Store(&store);
/// let client_config = ClientConfig::new(&verifier);
///
/// // The first connection: a full handshake, in memory.
/// let ((crx, ctx), (srx, stx)) = (buffers(), buffers());
/// let mut client = ClientConnection::new(&client_config, "localhost", crx, ctx, rng(), now)?;
/// let mut server = ServerConnection::new(&server_config, srx, stx, rng(), now)?;
/// run(&mut client, &mut server, now)?;
/// let mut flash = [0u8; CLIENT_SESSION_MAX_ENCODED_LEN];
/// let len = client.client_session().expect("a session").export(&mut flash)?;
///
/// // After a reboot.
/// let saved = ClientSession::import(&flash[..len])?;
/// let params = ClientParams { session: Some(&saved), ..ClientParams::new("localhost") };
/// let ((crx, ctx), (srx, stx)) = (buffers(), buffers());
/// let mut client = ClientConnection::with_params(&client_config, params, crx, ctx, rng(), now)?;
/// let mut server = ServerConnection::new(&server_config, srx, stx, rng(), now)?;
/// run(&mut client, &mut server, now)?;
/// assert!(client.handshake_info().unwrap().resumed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSession {
    /// The session.
    pub session: Session,
    ticket: heapless::Vec<u8, MAX_TICKET_LEN>,
    /// The server's ticket_lifetime_hint, seconds (0: none given).
    pub ticket_lifetime_hint: u32,
}

impl core::fmt::Debug for ClientSession {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientSession").field("session", &self.session).field("ticket_len", &self.ticket.len()).finish()
    }
}

impl Drop for ClientSession {
    fn drop(&mut self) {
        self.ticket.as_mut_slice().zeroize();
    }
}

impl ClientSession {
    /// A session with an optional ticket (dropped if over
    /// [`MAX_TICKET_LEN`]).
    pub fn new(session: Session, ticket: Option<&[u8]>, ticket_lifetime_hint: u32) -> Self {
        let ticket = ticket.and_then(|t| heapless::Vec::from_slice(t).ok()).unwrap_or_default();
        ClientSession { session, ticket, ticket_lifetime_hint }
    }

    /// Replaces the ticket (a resumed handshake may issue a new one).
    #[cfg(feature = "client")]
    pub(crate) fn set_ticket(&mut self, ticket: Option<&[u8]>, lifetime_hint: u32) {
        self.ticket.as_mut_slice().zeroize();
        self.ticket = ticket.and_then(|t| heapless::Vec::from_slice(t).ok()).unwrap_or_default();
        self.ticket_lifetime_hint = lifetime_hint;
    }

    /// The ticket, if the server issued one.
    pub fn ticket(&self) -> Option<&[u8]> {
        (!self.ticket.is_empty()).then_some(&self.ticket[..])
    }

    /// Writes the session (secret material!) into `out` for keeping in
    /// flash or RAM across connections; returns the length used (at most
    /// [`CLIENT_SESSION_MAX_ENCODED_LEN`]).
    pub fn export(&self, out: &mut [u8]) -> Result<usize, Error> {
        let mut w = Writer::new(out);
        w.bytes(&self.session.encode())?;
        w.u32(self.ticket_lifetime_hint)?;
        w.vec16(&self.ticket)?;
        Ok(w.len())
    }

    /// Reads what [`export`](Self::export) wrote. A damaged blob is
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode).
    pub fn import(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes);
        let session = Session::decode(r.take(SESSION_ENCODED_LEN)?)?;
        let ticket_lifetime_hint = r.u32()?;
        let ticket = r.vec16()?;
        r.expect_end()?;
        let ticket = heapless::Vec::from_slice(ticket)
            .map_err(|_| Error::Decode.because("session ticket longer than this crate keeps"))?;
        Ok(ClientSession { session, ticket, ticket_lifetime_hint })
    }
}

#[cfg(test)]
mod tests;

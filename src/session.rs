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

use core::cell::RefCell;

use crate::codec::{CipherSuite, Reader, Writer};
use crate::crypto::{self, HashAlg, TICKET_NONCE_LEN};
use crate::error::Error;
use crate::time::Instant;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

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
/// resumes by ID only.
pub const MAX_TICKET_LEN: usize = 512;

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
/// # let ca = include_bytes!("../vectors/pki/ecdsa-ca.der");
/// # let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der"))?;
/// # let chain: [&[u8]; 2] = [include_bytes!("../vectors/pki/ecdsa-server.der"), ca];
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

/// A server's session store: store / retrieve / remove by session ID, like
/// a database back-end.
///
/// Methods take `&self` because a store is shared by many connections
/// through the read-only [`ServerConfig`](crate::ServerConfig); an
/// implementation uses interior mutability behind a lock (it must be
/// `Sync`: configs are shared by threads). A store that cannot answer at once (a remote
/// database) should use [`ServerSessions::Events`] instead.
///
/// A store in a `HashMap` behind a mutex (an [`LruSessionStore`] needs no
/// heap, but has a fixed capacity):
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::Mutex;
/// use sansio_tls::session::{ServerSessions, Session, SessionStore};
///
/// #[derive(Default)]
/// struct MapStore(Mutex<HashMap<Vec<u8>, Session>>);
///
/// impl SessionStore for MapStore {
///     fn store(&self, session: &Session) {
///         self.0.lock().unwrap().insert(session.id().to_vec(), session.clone());
///     }
///     fn retrieve(&self, id: &[u8]) -> Option<Session> {
///         self.0.lock().unwrap().get(id).cloned()
///     }
///     fn remove(&self, id: &[u8]) {
///         self.0.lock().unwrap().remove(id);
///     }
/// }
///
/// # use sansio_tls::{cert::*, crypto::SigningKey, rand_core::UnwrapErr, *};
/// # let ca = include_bytes!("../vectors/pki/ecdsa-ca.der");
/// # let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der"))?;
/// # let chain: [&[u8]; 2] = [include_bytes!("../vectors/pki/ecdsa-server.der"), ca];
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
/// let store = MapStore::default();
/// let mut server_config = ServerConfig::new(&chain, &key);
/// server_config.sessions = ServerSessions::Store(&store);
/// let client_config = ClientConfig::new(&verifier);
/// let ((crx, ctx), (srx, stx)) = (buffers(), buffers());
/// let mut client = ClientConnection::new(&client_config, "localhost", crx, ctx, rng(), now)?;
/// let mut server = ServerConnection::new(&server_config, srx, stx, rng(), now)?;
/// run(&mut client, &mut server, now)?; // a full handshake, in memory
/// assert_eq!(store.0.lock().unwrap().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait SessionStore: Send + Sync {
    /// Keeps `session` under its ID, replacing any older one.
    fn store(&self, session: &Session);
    /// The session stored under `id`, if any.
    fn retrieve(&self, id: &[u8]) -> Option<Session>;
    /// Forgets the session under `id` (after a fatal error on a connection
    /// that used it, or on request).
    fn remove(&self, id: &[u8]);
}

/// How a server finds sessions to resume.
///
/// `Store` is the simple case (see [`SessionStore`]). With `Events` the
/// application keeps the sessions where it likes, e.g. in a database shared
/// by several servers, and answers each lookup when it has the answer;
/// here the database is a `HashMap`, and the client resumes from its
/// cache:
///
/// ```
/// use std::collections::HashMap;
/// use sansio_tls::session::{ClientCacheSlot, LruClientCache, ServerSessions, Session};
/// # use sansio_tls::{cert::*, crypto::SigningKey, rand_core::UnwrapErr, *};
/// # let ca = include_bytes!("../vectors/pki/ecdsa-ca.der");
/// # let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der"))?;
/// # let chain: [&[u8]; 2] = [include_bytes!("../vectors/pki/ecdsa-server.der"), ca];
/// # let roots = [trust_anchor_from_der(ca)?];
/// # let verifier = WebPkiServerVerifier::new(&roots);
/// # let now = Instant::now();
/// # let rng = || UnwrapErr(getrandom::SysRng);
/// # let buffers = || (vec![0u8; 20_000], vec![0u8; 20_000]);
/// # use sansio_tls::rand_core::CryptoRng;
/// # use sansio_tls::conn::Buffer;
///
/// /// Polls the server, keeping and finding sessions in `db`.
/// fn serve<R: CryptoRng, B: Buffer>(server: &mut ServerConnection<'_, R, B>, db: &mut HashMap<Vec<u8>, Session>, now: Instant) -> Result<(), Error> {
///     loop {
///         let mut lookup = None;
///         while let Some(event) = server.poll_event(now)? {
///             match event {
///                 Event::StoreSession(session) => {
///                     db.insert(session.id().to_vec(), session.clone());
///                 }
///                 Event::SessionLookup(id) => lookup = Some(id.to_vec()),
///                 _ => {}
///             }
///         }
///         // The handshake waits for the answer (it could come much later).
///         match lookup {
///             Some(id) => server.answer_session_lookup(db.get(&id).cloned())?,
///             None => return Ok(()),
///         }
///     }
/// }
///
/// let mut server_config = ServerConfig::new(&chain, &key);
/// server_config.sessions = ServerSessions::Events;
/// let mut slots = [ClientCacheSlot::EMPTY; 4];
/// let cache = LruClientCache::new(&mut slots);
/// let mut client_config = ClientConfig::new(&verifier);
/// client_config.session_cache = Some(&cache);
///
/// let mut db = HashMap::new();
/// for resumed in [false, true] {
///     let ((crx, ctx), (srx, stx)) = (buffers(), buffers());
///     let mut client = ClientConnection::new(&client_config, "localhost", crx, ctx, rng(), now)?;
///     let mut server = ServerConnection::new(&server_config, srx, stx, rng(), now)?;
///     for _flight in 0..4 {
///         let n = server.feed(client.transmit_pending());
///         client.transmit_done(n);
///         serve(&mut server, &mut db, now)?;
///         let n = client.feed(server.transmit_pending());
///         server.transmit_done(n);
///         while client.poll_event(now)?.is_some() {}
///     }
///     assert_eq!(client.handshake_info().unwrap().resumed, resumed);
/// }
/// assert_eq!(db.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Default)]
pub enum ServerSessions<'a> {
    /// No resumption by session ID: every handshake is a full one (tickets
    /// may still be on).
    #[default]
    None,
    /// A store the connection calls directly.
    Store(&'a dyn SessionStore),
    /// The application answers: the connection emits
    /// [`Event::SessionLookup`](crate::Event::SessionLookup) and waits for
    /// [`ServerConnection::answer_session_lookup`](crate::Connection::answer_session_lookup);
    /// after each full handshake it emits
    /// [`Event::StoreSession`](crate::Event::StoreSession) for the
    /// application to store. The store can then be a remote database queried without
    /// blocking the event loop.
    Events,
}

/// A slot key: up to 32 bytes (a session ID, or a digest of a client cache
/// key) with its length, compared exactly.
#[derive(Clone, Copy, PartialEq, Eq)]
struct SlotKey([u8; 33]);

impl SlotKey {
    const NONE: SlotKey = SlotKey([0; 33]);

    /// The key for `bytes`; `None` if longer than 32 bytes.
    fn new(bytes: &[u8]) -> Option<Self> {
        let mut k = [0u8; 33];
        k.get_mut(1..1 + bytes.len())?.copy_from_slice(bytes);
        k[0] = bytes.len() as u8;
        Some(SlotKey(k))
    }
}

/// One slot of a fixed-capacity LRU over caller memory
/// ([`LruSessionStore`], [`LruClientCache`]): a key, a value and when it was
/// last used. Build the caller's array from [`LruSlot::EMPTY`].
///
/// ```
/// use sansio_tls::session::{LruClientCache, LruSessionStore, LruSlot, Session};
/// // In a firmware: a static array, no heap.
/// let mut slots: [LruSlot<Session>; 8] = [LruSlot::EMPTY; 8];
/// let store = LruSessionStore::new(&mut slots);
/// assert_eq!(store.capacity(), 8);
/// // With a heap: any number, leaked for a `'static` config.
/// let slots = vec![LruSlot::EMPTY; 10_000].leak();
/// let cache: LruClientCache<'static> = LruClientCache::new(slots);
/// # let _ = cache;
/// ```
#[derive(Clone)]
pub struct LruSlot<V> {
    key: SlotKey,
    value: Option<V>,
    last_used: u64,
}

impl<V> LruSlot<V> {
    /// An empty slot.
    pub const EMPTY: Self = LruSlot { key: SlotKey::NONE, value: None, last_used: 0 };
}

impl<V> Default for LruSlot<V> {
    fn default() -> Self {
        Self::EMPTY
    }
}

/// One slot of an [`LruSessionStore`]: a session (about 200 bytes) and its
/// key.
///
/// ```
/// use sansio_tls::session::{LruSessionStore, SessionSlot};
/// let mut slots = [SessionSlot::EMPTY; 64];
/// let store = LruSessionStore::new(&mut slots);
/// assert!(store.is_empty());
/// ```
pub type SessionSlot = LruSlot<Session>;

/// One slot of an [`LruClientCache`]: a session with room for a ticket
/// (up to [`MAX_TICKET_LEN`] bytes).
///
/// ```
/// use sansio_tls::session::{ClientCacheSlot, LruClientCache};
/// let mut slots = [ClientCacheSlot::EMPTY; 4];
/// let cache = LruClientCache::new(&mut slots);
/// # let _ = cache;
/// ```
pub type ClientCacheSlot = LruSlot<ClientSession>;

/// The slots and the use counter of an LRU.
struct LruState<'m, V> {
    slots: &'m mut [LruSlot<V>],
    clock: u64,
}

/// The one fixed-capacity LRU of the crate: keyed slots in caller memory
/// behind a `critical-section` mutex, so it is `Sync` and can sit in a
/// config shared by threads (each operation is a short critical section:
/// a scan of the slots and one clone).
struct Lru<'m, V> {
    state: critical_section::Mutex<RefCell<LruState<'m, V>>>,
}

impl<'m, V: Clone> Lru<'m, V> {
    fn new(slots: &'m mut [LruSlot<V>]) -> Self {
        Lru { state: critical_section::Mutex::new(RefCell::new(LruState { slots, clock: 0 })) }
    }

    fn with<T>(&self, f: impl FnOnce(&mut LruState<'m, V>) -> T) -> T {
        critical_section::with(|cs| f(&mut self.state.borrow_ref_mut(cs)))
    }

    /// Keeps `value` under `key`: in its slot, an empty one, or the least
    /// recently used.
    fn put(&self, key: SlotKey, value: &V) {
        self.with(|st| {
            st.clock += 1;
            let now = st.clock;
            let slots = &mut *st.slots;
            let pos = slots
                .iter()
                .position(|s| s.value.is_some() && s.key == key)
                .or_else(|| slots.iter().position(|s| s.value.is_none()))
                .or_else(|| slots.iter().enumerate().min_by_key(|(_, s)| s.last_used).map(|(i, _)| i));
            if let Some(slot) = pos.and_then(|i| slots.get_mut(i)) {
                *slot = LruSlot { key, value: Some(value.clone()), last_used: now };
            }
        })
    }

    fn get(&self, key: SlotKey) -> Option<V> {
        self.with(|st| {
            st.clock += 1;
            let now = st.clock;
            let slot = st.slots.iter_mut().find(|s| s.value.is_some() && s.key == key)?;
            slot.last_used = now;
            slot.value.clone()
        })
    }

    fn remove(&self, key: SlotKey) {
        self.with(|st| st.slots.iter_mut().filter(|s| s.key == key).for_each(|s| s.value = None))
    }

    fn capacity(&self) -> usize {
        self.with(|st| st.slots.len())
    }

    fn len(&self) -> usize {
        self.with(|st| st.slots.iter().filter(|s| s.value.is_some()).count())
    }
}

/// A fixed-capacity least-recently-used session store over caller memory.
///
/// `Sync`: one store can serve connections on many threads (the slots sit
/// behind a `critical-section` mutex; `std` provides the implementation,
/// firmware its own).
///
/// ```
/// use sansio_tls::session::{LruSessionStore, SessionSlot, SessionStore};
/// let mut slots = [SessionSlot::EMPTY; 16];
/// let store = LruSessionStore::new(&mut slots);
/// assert!(store.retrieve(&[1; 32]).is_none());
/// assert_eq!(store.capacity(), 16);
/// ```
pub struct LruSessionStore<'m>(Lru<'m, Session>);

impl<'m> LruSessionStore<'m> {
    /// A store over `slots`; its capacity is `slots.len()`.
    pub fn new(slots: &'m mut [SessionSlot]) -> Self {
        LruSessionStore(Lru::new(slots))
    }

    /// How many sessions fit.
    pub fn capacity(&self) -> usize {
        self.0.capacity()
    }

    /// How many sessions are stored.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no session is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SessionStore for LruSessionStore<'_> {
    fn store(&self, session: &Session) {
        if let (false, Some(key)) = (session.id().is_empty(), SlotKey::new(session.id())) {
            self.0.put(key, session);
        }
    }

    fn retrieve(&self, id: &[u8]) -> Option<Session> {
        self.0.get(SlotKey::new(id)?)
    }

    fn remove(&self, id: &[u8]) {
        if let Some(key) = SlotKey::new(id) {
            self.0.remove(key);
        }
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
/// # let ca = include_bytes!("../vectors/pki/ecdsa-ca.der");
/// # let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der"))?;
/// # let chain: [&[u8]; 2] = [include_bytes!("../vectors/pki/ecdsa-server.der"), ca];
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

/// A client's session cache, keyed by server name and port.
///
/// [`LruClientCache`] needs no heap. With one, a map does:
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::Mutex;
/// use sansio_tls::session::{ClientSession, ClientSessionCache};
///
/// #[derive(Default)]
/// struct MapCache(Mutex<HashMap<Vec<u8>, ClientSession>>);
///
/// impl ClientSessionCache for MapCache {
///     fn put(&self, key: &[u8], session: &ClientSession) {
///         self.0.lock().unwrap().insert(key.to_vec(), session.clone());
///     }
///     fn get(&self, key: &[u8]) -> Option<ClientSession> {
///         self.0.lock().unwrap().get(key).cloned()
///     }
///     fn remove(&self, key: &[u8]) {
///         self.0.lock().unwrap().remove(key);
///     }
/// }
///
/// let cache = MapCache::default();
/// # let verifier = sansio_tls::cert::WebPkiServerVerifier::new(&[]);
/// let mut config = sansio_tls::ClientConfig::new(&verifier);
/// config.session_cache = Some(&cache);
/// ```
pub trait ClientSessionCache: Send + Sync {
    /// Keeps `session` for `key`, replacing the old one.
    fn put(&self, key: &[u8], session: &ClientSession);
    /// The session for `key`, if any.
    fn get(&self, key: &[u8]) -> Option<ClientSession>;
    /// Forgets the session for `key`.
    fn remove(&self, key: &[u8]);
}

/// A fixed-capacity LRU client session cache over caller memory (keys are
/// hashed to 32 bytes). `Sync`, like [`LruSessionStore`].
///
/// ```
/// use sansio_tls::session::{ClientCacheSlot, LruClientCache};
/// # let verifier = sansio_tls::cert::WebPkiServerVerifier::new(&[]);
/// let mut slots = [ClientCacheSlot::EMPTY; 16];
/// let cache = LruClientCache::new(&mut slots);
/// let mut config = sansio_tls::ClientConfig::new(&verifier);
/// // Connections made with this config offer the session they find under
/// // their server name and port, and keep the new one.
/// config.session_cache = Some(&cache);
/// ```
pub struct LruClientCache<'m>(Lru<'m, ClientSession>);

impl<'m> LruClientCache<'m> {
    /// A cache over `slots`.
    pub fn new(slots: &'m mut [ClientCacheSlot]) -> Self {
        LruClientCache(Lru::new(slots))
    }

    /// The slot key for a cache key: its SHA-256, fixed size.
    fn key(key: &[u8]) -> SlotKey {
        SlotKey::new(&crypto::sha256(key)).unwrap_or(SlotKey::NONE)
    }
}

impl ClientSessionCache for LruClientCache<'_> {
    fn put(&self, key: &[u8], session: &ClientSession) {
        self.0.put(Self::key(key), session);
    }

    fn get(&self, key: &[u8]) -> Option<ClientSession> {
        self.0.get(Self::key(key))
    }

    fn remove(&self, key: &[u8]) {
        self.0.remove(Self::key(key));
    }
}

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
/// # let ca = include_bytes!("../vectors/pki/ecdsa-ca.der");
/// # let key = SigningKey::from_der(include_bytes!("../vectors/pki/ecdsa-server.key.der"))?;
/// # let chain: [&[u8]; 2] = [include_bytes!("../vectors/pki/ecdsa-server.der"), ca];
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

#[cfg(test)]
mod tests;

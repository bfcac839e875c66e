//! Where sessions are kept: the server's store interface and events mode,
//! the client's cache interface, and one fixed-capacity LRU over caller
//! memory serving both.

use super::{ClientSession, Session};
use crate::crypto;
use core::cell::RefCell;

#[cfg(feature = "alloc")]
extern crate alloc;

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
/// # let ca = include_bytes!("../../vectors/pki/ecdsa-ca.der");
/// # let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// # let chain: [&[u8]; 2] = [include_bytes!("../../vectors/pki/ecdsa-server.der"), ca];
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
/// // With a heap (feature `alloc`): any number, owned by the store.
/// let cache: LruClientCache<'static> = LruClientCache::with_capacity(10_000);
/// assert_eq!(cache.capacity(), 10_000);
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
/// (up to [`MAX_TICKET_LEN`](super::MAX_TICKET_LEN) bytes).
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
    slots: Slots<'m, V>,
    clock: u64,
}

/// An LRU's slots: the caller's memory, or with `alloc` its own.
enum Slots<'m, V> {
    Borrowed(&'m mut [LruSlot<V>]),
    #[cfg(feature = "alloc")]
    Owned(alloc::boxed::Box<[LruSlot<V>]>),
}

impl<V> core::ops::Deref for Slots<'_, V> {
    type Target = [LruSlot<V>];
    fn deref(&self) -> &[LruSlot<V>] {
        match self {
            Slots::Borrowed(s) => s,
            #[cfg(feature = "alloc")]
            Slots::Owned(s) => s,
        }
    }
}

impl<V> core::ops::DerefMut for Slots<'_, V> {
    fn deref_mut(&mut self) -> &mut [LruSlot<V>] {
        match self {
            Slots::Borrowed(s) => s,
            #[cfg(feature = "alloc")]
            Slots::Owned(s) => s,
        }
    }
}

/// The one fixed-capacity LRU of the crate: keyed slots in caller memory
/// behind a `critical-section` mutex, so it is `Sync` and can sit in a
/// config shared by threads (each operation is a short critical section:
/// a scan of the slots and one clone).
struct Lru<'m, V> {
    state: critical_section::Mutex<RefCell<LruState<'m, V>>>,
}

impl<'m, V: Clone> Lru<'m, V> {
    fn new(slots: Slots<'m, V>) -> Self {
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
        LruSessionStore(Lru::new(Slots::Borrowed(slots)))
    }

    /// A store with `capacity` slots of its own, on the heap (feature
    /// `alloc`), for an [`OwnedServerConfig`](crate::config::OwnedServerConfig).
    #[cfg(feature = "alloc")]
    pub fn with_capacity(capacity: usize) -> LruSessionStore<'static> {
        LruSessionStore(Lru::new(Slots::Owned((0..capacity).map(|_| LruSlot::EMPTY).collect())))
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
        LruClientCache(Lru::new(Slots::Borrowed(slots)))
    }

    /// A cache with `capacity` slots of its own, on the heap (feature
    /// `alloc`), for an [`OwnedClientConfig`](crate::config::OwnedClientConfig).
    #[cfg(feature = "alloc")]
    pub fn with_capacity(capacity: usize) -> LruClientCache<'static> {
        LruClientCache(Lru::new(Slots::Owned((0..capacity).map(|_| LruSlot::EMPTY).collect())))
    }

    /// How many sessions fit.
    pub fn capacity(&self) -> usize {
        self.0.capacity()
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

//! Configs, stores and caches are `Send + Sync`, and connections are `Send`
//! (and `Sync`) when their RNG is: checked at compile time, and by running
//! handshakes on several threads over one shared config, store and cache.

mod common;

use common::memory::*;
use sansio_tls::cert::{WebPkiServerVerifier, trust_anchor_from_der};
use sansio_tls::crypto::SigningKey;
use sansio_tls::session::{
    ClientCacheSlot, LruClientCache, LruSessionStore, ServerSessions, SessionSlot, TicketKey, TicketKeys,
};
use sansio_tls::testing::TestRng;
use sansio_tls::*;

const BUF: usize = record::MAX_RECORD + 4096;

fn send_sync<T: Send + Sync>() {}

#[test]
fn configs_stores_and_connections_are_send_and_sync() {
    send_sync::<ClientConfig<'static>>();
    send_sync::<ServerConfig<'static>>();
    send_sync::<LruSessionStore<'static>>();
    send_sync::<LruClientCache<'static>>();
    send_sync::<TicketKeys<'static>>();
    send_sync::<Connection<'static, TestRng>>();
    send_sync::<Connection<'static, &'static mut TestRng>>();
    send_sync::<Event<'static>>();
    send_sync::<Error>();
}

/// Four threads at once, each connecting twice through one client config
/// (with one shared cache) to one server config (with one shared store):
/// every second connection resumes the session its first one made.
#[test]
fn one_config_store_and_cache_serve_many_threads() {
    let key = SigningKey::from_der(ECDSA_SERVER_KEY).unwrap();
    let chain: [&[u8]; 2] = [ECDSA_SERVER, ECDSA_CA];
    let roots = [trust_anchor_from_der(ECDSA_CA).unwrap()];
    let verifier = WebPkiServerVerifier::new(&roots);
    let mut sslots = vec![SessionSlot::EMPTY; 16];
    let store = LruSessionStore::new(&mut sslots);
    let mut cslots = vec![ClientCacheSlot::EMPTY; 16];
    let cache = LruClientCache::new(&mut cslots);
    let tkey = TicketKey { name: [1; 16], key: [2; 32] };
    let mut scfg = ServerConfig::new(&chain, &key);
    scfg.sessions = ServerSessions::Store(&store);
    let mut ccfg = ClientConfig::new(&verifier);
    ccfg.session_cache = Some(&cache);
    ccfg.session_tickets = false;
    let with_tickets =
        ServerConfig { ticket_keys: Some(TicketKeys { current: &tkey, previous: &[], lifetime_secs: 600 }), ..scfg };
    let resumed: Vec<Vec<bool>> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..4u64)
            .map(|t| {
                let (ccfg, scfg) = (&ccfg, if t % 2 == 0 { &scfg } else { &with_tickets });
                s.spawn(move || {
                    // Each thread its own server name, so its own cache entry.
                    let name = ["localhost", "server.test", "127.0.0.1", "localhost"][t as usize];
                    let port = t as u16;
                    (0..2)
                        .map(|round| {
                            let params = ClientParams { port, ..ClientParams::new(name) };
                            pair!(client, server, ccfg, params, scfg, (10 * t + round, 100 + 10 * t + round), NOW);
                            let mut out = Outcome::default();
                            run(&mut client, &mut server, &mut out);
                            let c = done(&out.client_events).unwrap_or_else(|| panic!("thread {t}: {out:?}"));
                            assert_eq!(done(&out.server_events).map(|i| i.resumed), Some(c.resumed));
                            c.resumed
                        })
                        .collect()
                })
            })
            .collect();
        threads.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(resumed, vec![vec![false, true]; 4]);
    assert_eq!(store.len(), 4);
}

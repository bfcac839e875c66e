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
use std::sync::Arc;

const BUF: usize = record::MAX_RECORD + 4096;

fn send_sync<T: Send + Sync>() {}

fn is_static<T: 'static>() {}

#[test]
fn configs_stores_and_connections_are_send_and_sync() {
    send_sync::<ClientConfig<'static>>();
    send_sync::<ServerConfig<'static>>();
    send_sync::<LruSessionStore<'static>>();
    send_sync::<LruClientCache<'static>>();
    send_sync::<TicketKeys<'static>>();
    // Borrowed buffers and config, owned RNG or a borrowed one.
    send_sync::<ClientConnection<'static, TestRng, &'static mut [u8]>>();
    send_sync::<ServerConnection<'static, &'static mut TestRng, &'static mut [u8]>>();
    // Owned buffers of every kind and an `Arc`'d config: `'static` too.
    send_sync::<ClientConnection<'static, TestRng, Vec<u8>, Arc<ClientConfig<'static>>>>();
    send_sync::<ServerConnection<'static, TestRng, Box<[u8]>, Arc<ServerConfig<'static>>>>();
    send_sync::<ClientConnection<'static, TestRng, [u8; 4096]>>();
    is_static::<ServerConnection<'static, TestRng, Vec<u8>, Arc<ServerConfig<'static>>>>();
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

/// A config built once for the whole program: `'static` data and an `Arc`.
fn static_configs() -> (Arc<ClientConfig<'static>>, Arc<ServerConfig<'static>>) {
    const CHAIN: &[&[u8]] = &[ECDSA_SERVER, ECDSA_CA];
    let key: &'static SigningKey = Box::leak(Box::new(SigningKey::from_der(ECDSA_SERVER_KEY).unwrap()));
    let roots: &'static [_] = Box::leak(Box::new([trust_anchor_from_der(ECDSA_CA).unwrap()]));
    let verifier: &'static WebPkiServerVerifier = Box::leak(Box::new(WebPkiServerVerifier::new(roots)));
    (Arc::new(ClientConfig::new(verifier)), Arc::new(ServerConfig::new(CHAIN, key)))
}

type OwnedServer = ServerConnection<'static, TestRng, Vec<u8>, Arc<ServerConfig<'static>>>;
type OwnedClient = ClientConnection<'static, TestRng, Box<[u8]>, Arc<ClientConfig<'static>>>;

/// What an event loop does: 100 server connections with owned buffers over
/// one `Arc`'d config live in a `HashMap`, each driven by its own client
/// (round-robin, a few bytes at a time) through a handshake and an echo;
/// then they are taken apart and their (zeroed) buffers reused.
#[test]
fn a_hundred_server_connections_live_in_a_map() {
    let (ccfg, scfg) = static_configs();
    let mut servers: std::collections::HashMap<u32, OwnedServer> = std::collections::HashMap::new();
    let mut clients: Vec<(u32, OwnedClient)> = Vec::new();
    for id in 0..100u32 {
        let (rx, tx) = (vec![0u8; BUF], vec![0u8; BUF]);
        let server = ServerConnection::new(scfg.clone(), rx, tx, TestRng::new(1000 + u64::from(id)), NOW).unwrap();
        servers.insert(id, server);
        let (rx, tx) = (vec![0u8; BUF].into_boxed_slice(), vec![0u8; BUF].into_boxed_slice());
        let client =
            ClientConnection::new(ccfg.clone(), "localhost", rx, tx, TestRng::new(u64::from(id)), NOW).unwrap();
        clients.push((id, client));
    }
    let mut echoed: std::collections::HashMap<u32, Vec<u8>> = std::collections::HashMap::new();
    let mut done = std::collections::HashSet::new();
    for _round in 0..64 {
        for (id, client) in &mut clients {
            let server = servers.get_mut(id).unwrap();
            // At most 700 bytes per step: flights arrive in pieces, and the
            // connections interleave.
            let chunk = client.transmit_pending().len().min(700);
            let n = server.feed(&client.transmit_pending()[..chunk]);
            client.transmit_done(n);
            let mut data = Vec::new();
            for ev in drain(server, &mut data).unwrap() {
                if let Ev::Done(_) = ev {
                    assert!(done.insert(*id), "connection {id} finished twice");
                }
            }
            if !data.is_empty() {
                server.send(&data).unwrap();
            }
            let chunk = server.transmit_pending().len().min(700);
            let n = client.feed(&server.transmit_pending()[..chunk]);
            server.transmit_done(n);
            let mut got = Vec::new();
            for ev in drain(client, &mut got).unwrap() {
                if let Ev::Done(_) = ev {
                    client.send(format!("hello from {id}").as_bytes()).unwrap();
                }
            }
            echoed.entry(*id).or_default().extend(got);
        }
    }
    assert_eq!(done.len(), 100, "every server finished its handshake");
    for id in 0..100u32 {
        assert_eq!(echoed[&id], format!("hello from {id}").into_bytes(), "connection {id}");
    }
    // Taken apart, the buffers come back zeroed and serve the next one.
    let (rx, tx, rng) = servers.remove(&7).unwrap().into_parts();
    assert!(rx.iter().chain(&tx).all(|b| *b == 0), "buffers are wiped");
    let reused: OwnedServer = ServerConnection::new(scfg, rx, tx, rng, NOW).unwrap();
    // Moved to another thread: the connection is `Send` and `'static`.
    let handle = std::thread::spawn(move || reused.is_handshaking());
    assert!(handle.join().unwrap());
}

use super::*;
use crate::testing::TestRng;

fn session(id: u8) -> Session {
    Session::new(
        &[id; 32],
        &[id; 48],
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        true,
        Some(crate::crypto::sha256(b"localhost")),
        Some([9; 32]),
        [id ^ 0x55; 32],
        Instant::from_secs(1000),
    )
    .unwrap()
}

#[test]
fn encoding_round_trips_and_is_fixed_size() {
    let s = session(1);
    let enc = s.encode();
    assert_eq!(enc.len(), SESSION_ENCODED_LEN);
    assert_eq!(enc[0], SESSION_FORMAT_VERSION);
    assert_eq!(enc[1], 32);
    assert_eq!(&enc[34..82], &[1u8; 48]);
    assert_eq!(&enc[82..84], &[0xc0, 0x2b]);
    assert_eq!(enc[84], FLAG_EMS | FLAG_PEER_CERT | FLAG_SNI);
    assert_eq!(&enc[117..149], &[9u8; 32]);
    assert_eq!(&enc[149..181], &[1 ^ 0x55u8; 32]);
    assert_eq!(&enc[181..189], &1000u64.to_be_bytes());
    let back = Session::decode(&enc).unwrap();
    assert!(back == s);
    assert_eq!(back.context(), &[1 ^ 0x55; 32]);
    assert_eq!(back.id(), &[1; 32]);
    assert!(back.matches_sni(Some(b"localhost")));
    assert!(!back.matches_sni(Some(b"other")));
    assert!(!back.matches_sni(None));
    assert_eq!(back.created(), Instant::from_secs(1000));
}

#[test]
fn damaged_blobs_are_refused() {
    let enc = session(2).encode();
    for i in 0..enc.len() {
        let mut bad = enc;
        bad[i] ^= 0x01;
        assert_eq!(Session::decode(&bad), Err(Error::Decode), "flip at byte {i}");
    }
    assert_eq!(Session::decode(&enc[..SESSION_ENCODED_LEN - 1]), Err(Error::Decode));
    assert!(
        Session::new(
            &[0; 33],
            &[0; 48],
            CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            true,
            None,
            None,
            [0; 32],
            Instant::from_secs(0)
        )
        .is_err()
    );
}

#[test]
fn expiry() {
    let s = session(3);
    assert!(!s.is_expired(Instant::from_secs(1000 + 60), 60));
    assert!(s.is_expired(Instant::from_secs(1000 + 61), 60));
    // A session from the future (clock went back) is not trusted either.
    assert!(s.is_expired(Instant::from_secs(999), 60));
}

#[test]
fn lru_store_evicts_least_recently_used() {
    let mut slots = [SessionSlot::EMPTY, SessionSlot::EMPTY];
    let store = LruSessionStore::new(&mut slots);
    store.store(&session(1));
    store.store(&session(2));
    assert_eq!(store.len(), 2);
    // Touch 1, so 2 is the least recently used.
    assert!(store.retrieve(&[1; 32]).is_some());
    store.store(&session(3));
    assert!(store.retrieve(&[2; 32]).is_none());
    assert!(store.retrieve(&[1; 32]).is_some());
    assert!(store.retrieve(&[3; 32]).is_some());
    store.remove(&[1; 32]);
    assert!(store.retrieve(&[1; 32]).is_none());
    assert_eq!(store.len(), 1);
    // Storing the same ID again replaces, never duplicates.
    store.store(&session(3));
    assert_eq!(store.len(), 1);
}

#[test]
fn client_session_export_import() {
    let cs = ClientSession::new(session(4), Some(&[7; 100]), 300);
    let mut buf = [0u8; CLIENT_SESSION_MAX_ENCODED_LEN];
    let n = cs.export(&mut buf).unwrap();
    assert_eq!(n, SESSION_ENCODED_LEN + 4 + 2 + 100);
    let back = ClientSession::import(&buf[..n]).unwrap();
    assert_eq!(back, cs);
    assert_eq!(back.ticket(), Some(&[7u8; 100][..]));
    assert_eq!(back.ticket_lifetime_hint, 300);
    assert_eq!(ClientSession::import(&buf[..n - 1]), Err(Error::Decode));
    let mut bad = buf;
    bad[40] ^= 0x80;
    assert_eq!(ClientSession::import(&bad[..n]), Err(Error::Decode));
    // A ticket too large to keep is dropped, not truncated.
    let big = ClientSession::new(session(4), Some(&[1; MAX_TICKET_LEN + 1]), 0);
    assert_eq!(big.ticket(), None);
}

#[test]
fn client_cache_keys_by_name_and_port() {
    let mut slots = [ClientCacheSlot::EMPTY, ClientCacheSlot::EMPTY];
    let cache = LruClientCache::new(&mut slots);
    let cs = ClientSession::new(session(5), None, 0);
    cache.put(b"a:443", &cs);
    assert!(cache.get(b"a:443").is_some());
    assert!(cache.get(b"a:444").is_none());
    cache.remove(b"a:443");
    assert!(cache.get(b"a:443").is_none());
}

#[test]
fn tickets_seal_open_rotate_and_expire() {
    let k1 = TicketKey { name: [1; 16], key: [11; 32] };
    let k2 = TicketKey { name: [2; 16], key: [22; 32] };
    let mut rng = TestRng::new(1);
    let old = TicketKeys { current: &k1, previous: &[], lifetime_secs: 100 };
    let s = session(6);
    let t = old.seal(&s, &mut rng).unwrap();
    assert_eq!(t.len(), TICKET_LEN);
    assert_eq!(&t[..16], &[1; 16]);
    // The session is not readable in the ticket.
    assert!(!t.windows(48).any(|w| w == [6u8; 48]));
    assert!(old.open(&t, Instant::from_secs(1050)) == Some(s.clone()));
    // Rotated: k2 current, k1 previous still opens.
    let prev = [k1.clone()];
    let rotated = TicketKeys { current: &k2, previous: &prev, lifetime_secs: 100 };
    assert!(rotated.open(&t, Instant::from_secs(1050)).is_some());
    // Dropped k1: no longer opens.
    let dropped = TicketKeys { current: &k2, previous: &[], lifetime_secs: 100 };
    assert!(dropped.open(&t, Instant::from_secs(1050)).is_none());
    // Expired, tampered, truncated: none.
    assert!(old.open(&t, Instant::from_secs(1101)).is_none());
    let mut bad = t;
    bad[50] ^= 1;
    assert!(old.open(&bad, Instant::from_secs(1050)).is_none());
    assert!(old.open(&t[..TICKET_LEN - 1], Instant::from_secs(1050)).is_none());
}

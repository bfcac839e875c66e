//! The mutations: how one case deviates from the honest script. A
//! mutation either edits one peer flight (by index, in the order the peer
//! sends them) or changes how every flight is cut into records.

use crate::cases::DATA;
use crate::wire::{self, Item};
use sansio_tls::codec::HandshakeType;

/// An edit of the items of one flight. Indices are item positions in the
/// honest flight (ChangeCipherSpec counts as an item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Leave item `i` out.
    Skip(usize),
    /// Send item `i` twice in a row.
    Dup(usize),
    /// Send items `i` and `i + 1` the other way round.
    Swap(usize),
    /// Cut the body of message `i` to this many bytes, header adjusted.
    Truncate(usize, usize),
    /// Make length prefix number `k` of message `i` run one byte past its
    /// container.
    PastEnd(usize, usize),
    /// Make the header of message `i` declare this body length (the body
    /// is sent as it is).
    Declare(usize, usize),
    /// Insert an extra record before item `p` (`p == len`: at the end).
    Insert(usize, Extra),
    /// Replace the body of the flight's ChangeCipherSpec.
    CcsBody(&'static [u8]),
    /// Split message `i` into two records with an extra record between.
    Inside(usize, Extra),
}

/// A record the peer slips into a flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    /// A ChangeCipherSpec `[1]`.
    Ccs,
    /// Application data.
    Data,
    /// A HelloRequest message.
    HelloRequest,
    /// A handshake record with no bytes (RFC 5246 §6.2.1 forbids them).
    EmptyHandshake,
}

impl Extra {
    /// Every kind.
    pub const ALL: [Extra; 4] = [Extra::Ccs, Extra::Data, Extra::HelloRequest, Extra::EmptyHandshake];

    /// The record as a flight item.
    fn item(self) -> Item {
        match self {
            Extra::Ccs => Item::Ccs(vec![1]),
            Extra::Data => Item::Data(DATA.to_vec()),
            Extra::HelloRequest => Item::Hs(wire::encode(|w| {
                sansio_tls::codec::write_handshake(w, HandshakeType::HelloRequest, |_| Ok(()))
            })),
            Extra::EmptyHandshake => Item::Hs(Vec::new()),
        }
    }

    /// For case names.
    pub fn name(self) -> &'static str {
        match self {
            Extra::Ccs => "extra CCS",
            Extra::Data => "data",
            Extra::HelloRequest => "HelloRequest",
            Extra::EmptyHandshake => "empty handshake record",
        }
    }
}

/// One case's deviation from the honest script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// None: the honest handshake.
    Honest,
    /// An edit of peer flight number `.0`.
    At(usize, Edit),
    /// Every run of handshake messages in every flight cut into records of
    /// this many bytes.
    Fragment(usize),
    /// Every run of handshake messages in every flight in one record.
    Coalesce,
}

/// Message `i` of a flight.
fn message(items: &[Item], i: usize) -> &[u8] {
    items[i].hs().expect("the edit targets a handshake message")
}

/// Splits message `i` in the middle and puts `between` between the halves.
fn split_around(items: &mut Vec<Item>, i: usize, between: Item) {
    let msg = message(items, i).to_vec();
    let (a, b) = msg.split_at(msg.len() / 2);
    items.splice(i..=i, [Item::Hs(a.to_vec()), between, Item::Hs(b.to_vec())]);
}

impl Edit {
    /// Edits a flight in place.
    fn apply(&self, items: &mut Vec<Item>) {
        match *self {
            Edit::Skip(i) => {
                items.remove(i);
            }
            Edit::Dup(i) => items.insert(i + 1, items[i].clone()),
            Edit::Swap(i) => items.swap(i, i + 1),
            Edit::Truncate(i, len) => items[i] = Item::Hs(wire::truncated(message(items, i), len)),
            Edit::PastEnd(i, k) => {
                let msg = message(items, i);
                let field = wire::length_fields(msg)[k];
                items[i] = Item::Hs(field.past_end(msg).expect("a prefix with room"));
            }
            Edit::Declare(i, len) => items[i] = Item::Hs(wire::declared(message(items, i), len)),
            Edit::Insert(p, extra) => items.insert(p, extra.item()),
            Edit::CcsBody(body) => {
                for item in items.iter_mut().filter(|i| i.is_ccs()) {
                    *item = Item::Ccs(body.to_vec());
                }
            }
            Edit::Inside(i, extra) => split_around(items, i, extra.item()),
        }
    }
}

impl Mutation {
    /// Flight number `flight` as sent.
    pub fn edit(&self, flight: usize, mut items: Vec<Item>) -> Vec<Item> {
        if let Mutation::At(f, edit) = self {
            if *f == flight {
                edit.apply(&mut items);
            }
        }
        items
    }

    /// How runs of handshake messages are cut into records (`None`: one
    /// record per item).
    pub fn chunk(&self) -> Option<usize> {
        match self {
            Mutation::Fragment(n) => Some(*n),
            Mutation::Coalesce => Some(sansio_tls::record::MAX_PLAINTEXT),
            _ => None,
        }
    }
}

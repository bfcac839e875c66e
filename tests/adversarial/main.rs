//! A scripted adversarial TLS 1.2 peer against a real `Connection`, in both
//! roles.
//!
//! The peer ([`peer`]) is an honest client or server built only from the
//! crate's public codec, record and crypto modules; its flights are edited
//! by one [`mutate::Mutation`] per case (order, omissions, duplicates,
//! truncation, lengths, ChangeCipherSpec and application data in every
//! place, fragmentation), or its knobs are turned (extensions, versions,
//! renegotiation_info, extended master secret, resumption). Every case in
//! [`cases`] names the exact outcome: the error `poll_event` returns and
//! the fatal alert our connection put on the wire (decrypted by the peer
//! when protected), or the `HandshakeDone` it must reach.
//!
//! `cargo test --test adversarial -- --nocapture` prints the case counts;
//! `ADVERSARIAL_FILTER=text` runs only the cases whose name contains it.

#[path = "../common/memory.rs"]
mod memory;
#[path = "../common/replayable.rs"]
mod replayable;

mod cases;
mod mutate;
mod peer;
mod run;
mod wire;

use peer::Side;

/// The fewest cases a role may have: the tables must not silently shrink.
const MIN_CASES_PER_ROLE: usize = 150;

/// Runs every case of one role and reports all failures at once.
fn run_role(peer: Side) {
    let role = if peer == Side::Client { "server" } else { "client" };
    let all = cases::cases(peer);
    let total = all.len();
    let mut names = std::collections::HashSet::new();
    for case in &all {
        assert!(names.insert(case.name.as_str()), "two cases named {:?}", case.name);
    }
    let filter = std::env::var("ADVERSARIAL_FILTER").ok();
    let selected: Vec<_> =
        all.into_iter().filter(|c| filter.as_ref().is_none_or(|f| c.name.contains(f.as_str()))).collect();
    let mut failures = Vec::new();
    for case in &selected {
        let out = run::run(case);
        if let Err(why) = run::check(case, &out) {
            failures.push(format!("{}: {why}", case.name));
        }
    }
    println!("adversarial, our {role}: {total} cases, {} run, {} failed", selected.len(), failures.len());
    for f in &failures {
        println!("FAILED {f}");
    }
    assert!(total >= MIN_CASES_PER_ROLE, "only {total} cases against our {role}");
    assert!(
        failures.is_empty(),
        "{} of {} cases against our {role} failed:\n{}",
        failures.len(),
        selected.len(),
        failures.join("\n")
    );
}

#[test]
fn our_server_against_a_scripted_client() {
    run_role(Side::Client);
}

#[test]
fn our_client_against_a_scripted_server() {
    run_role(Side::Server);
}

//! The report of an alert-parity table (tests/alert_parity.rs,
//! tests/server_hello_parity.rs): each case's outcome at OpenSSL, GnuTLS and
//! ours, against what the table expects.

#![allow(dead_code)]

use std::fmt::Debug;

/// One case: what the table expects and what happened, for OpenSSL,
/// GnuTLS and ours in that order.
pub struct Row<O> {
    pub name: String,
    pub expected: [O; 3],
    pub got: [O; 3],
    /// A known divergence of ours from both peers.
    pub divergence: bool,
    /// Our side's error, for the report.
    pub detail: String,
}

/// Prints the table ("!!": differs from the expectation; "~~": a known
/// divergence) and fails if any row differs.
pub fn assert_table<O: PartialEq + Debug>(rows: &[Row<O>]) {
    let width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let cell = |o: &O| format!("{o:?}");
    let mut report = String::new();
    let mut failures = 0;
    for r in rows {
        let ok = r.got == r.expected;
        failures += usize::from(!ok);
        let mark = match (ok, r.divergence) {
            (false, _) => "!!",
            (true, true) => "~~",
            (true, false) => "  ",
        };
        let [o, g, u] = &r.got;
        report += &format!(
            "{mark} {:<width$} openssl {:<22} gnutls {:<22} ours {:<22} ({})\n",
            r.name,
            cell(o),
            cell(g),
            cell(u),
            r.detail
        );
        if !ok {
            let [o, g, u] = &r.expected;
            report += &format!("   {:<width$} expected {:<21} gnutls {:<22} ours {}\n", "", cell(o), cell(g), cell(u));
        }
    }
    println!("{report}");
    assert_eq!(failures, 0, "{failures} of {} cases differ from the table:\n{report}", rows.len());
}

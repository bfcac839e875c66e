//! The server's admission policy for client-initiated renegotiation
//! (RFC 5746 secure renegotiation only): the configured limits per
//! connection and per time window, and the end of a connection whose
//! client keeps trying after refusals (renegotiation DoS).

use crate::config::RenegotiationLimits;
use crate::error::Error;
use crate::time::Instant;

/// The most renegotiation attempts a server refuses in a row before it
/// ends the connection: a client that keeps trying is attacking.
const MAX_REFUSED_RENEGOTIATIONS: u8 = 4;

/// What a server connection counts of its client's renegotiations.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RenegotiationBudget {
    accepted: u32,
    in_window: u32,
    window_start: Instant,
    refused_in_a_row: u8,
}

impl RenegotiationBudget {
    /// A budget whose first window starts at `now`.
    pub fn new(now: Instant) -> Self {
        RenegotiationBudget { accepted: 0, in_window: 0, window_start: now, refused_in_a_row: 0 }
    }

    /// Decides a renegotiating ClientHello at `now`: `Ok(true)` to accept it,
    /// `Ok(false)` to refuse it with a `no_renegotiation` warning. Only
    /// secure renegotiation, none while one runs, and within `limits`
    /// (`None`: never). Too many refusals in a row are
    /// `Err(UnexpectedMessage)`.
    pub fn admit(
        &mut self,
        limits: Option<RenegotiationLimits>,
        secure: bool,
        running: bool,
        now: Instant,
    ) -> Result<bool, Error> {
        let ok = match limits {
            Some(l) if secure && !running => {
                if now.as_millis().saturating_sub(self.window_start.as_millis()) >= l.window_ms {
                    self.window_start = now;
                    self.in_window = 0;
                }
                self.accepted < l.max_per_connection && self.in_window < l.max_per_window
            }
            _ => false,
        };
        if ok {
            self.accepted += 1;
            self.in_window += 1;
            self.refused_in_a_row = 0;
        } else {
            self.refused_in_a_row += 1;
            if self.refused_in_a_row > MAX_REFUSED_RENEGOTIATIONS {
                return Err(Error::UnexpectedMessage.because("peer kept asking for renegotiation after refusals"));
            }
        }
        Ok(ok)
    }
}

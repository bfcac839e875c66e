//! Events queued by the connection until the application polls, and how
//! each becomes the [`Event`] the application sees.

use super::{Buffer, Connection, Side};
use crate::codec::{self, AlertDescription, AlertLevel};
use crate::error::Error;
use crate::event::{CloseReason, Event, HandshakeInfo};
use crate::handshake::SideEvent;

/// An event waiting in the queue (what it borrows is still in the
/// connection).
#[derive(Debug, Clone, Copy)]
pub(super) enum Pending {
    HandshakeDone(HandshakeInfo),
    Alert(AlertLevel, AlertDescription),
    RenegotiationRequested,
    RenegotiationRefused,
    Closed(CloseReason),
    PeerCertificates,
    Side(SideEvent),
}

impl<S: Side, R: rand_core::CryptoRng, B: Buffer> Connection<S, R, B> {
    pub(super) fn check_event(&self, pending: Pending) -> Result<(), Error> {
        match pending {
            Pending::PeerCertificates => codec::CertificateMsg::parse(self.kept_body()).map(drop),
            Pending::Side(e) => self.side.event(e).map(drop).ok_or(Error::Internal.because("event without its data")),
            _ => Ok(()),
        }
    }

    /// The event `pending` stands for ([`check_event`](Self::check_event)
    /// passed).
    pub(super) fn event(&self, pending: Pending) -> Option<Event<'_>> {
        Some(match pending {
            Pending::HandshakeDone(i) => Event::HandshakeDone(i),
            Pending::Alert(level, description) => Event::Alert { level, description },
            Pending::RenegotiationRequested => Event::RenegotiationRequested,
            Pending::RenegotiationRefused => Event::RenegotiationRefused,
            Pending::Closed(r) => Event::Closed(r),
            Pending::PeerCertificates => Event::PeerCertificates(codec::CertificateMsg::parse(self.kept_body()).ok()?),
            Pending::Side(e) => self.side.event(e)?,
        })
    }

    /// The body of the handshake message kept for an event.
    fn kept_body(&self) -> &[u8] {
        self.rx.kept().get(codec::HANDSHAKE_HEADER_LEN..).unwrap_or(&[])
    }

    pub(super) fn queue(&mut self, pending: Pending) -> Result<(), Error> {
        self.events.push_back(pending).map_err(|_| Error::Internal.because("event queue full"))
    }
}

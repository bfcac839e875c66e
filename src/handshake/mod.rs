//! The handshake state machines (RFC 5246 §7.3): client and server as enums
//! of states, the message order each allows, and the key schedule. Messages
//! come in whole (reassembled by the connection); messages go out through a
//! [`RecordWriter`].

#[cfg(feature = "client")]
pub(crate) mod client;
#[cfg(feature = "server")]
pub(crate) mod renegotiation;
#[cfg(feature = "server")]
pub(crate) mod server;

use crate::codec::{CipherSuite, HandshakeType, MaxFragmentLength, NamedGroup};
use crate::crypto::{self, HashAlg, Provider, Transcript};
use crate::error::Error;
use crate::record::{DirectionKeys, RecordWriter};
use crate::suites::SuiteInfo;
use crate::time::Instant;
use zeroize::Zeroizing;

/// What a finished handshake negotiated. Reported by
/// [`Event::HandshakeDone`](crate::Event::HandshakeDone) and
/// [`Connection::handshake_info`](crate::Connection::handshake_info).
///
/// ```
/// # use sansio_tls::{cert::*, crypto::SigningKey, rand_core::UnwrapErr, *};
/// # let ca = include_bytes!("../../vectors/pki/ecdsa-ca.der");
/// # let key = SigningKey::from_der(include_bytes!("../../vectors/pki/ecdsa-server.key.der"))?;
/// # let chain: [&[u8]; 2] = [include_bytes!("../../vectors/pki/ecdsa-server.der"), ca];
/// # let roots = [trust_anchor_from_der(ca)?];
/// # let verifier = WebPkiServerVerifier::new(&roots);
/// # let (client_config, server_config) = (ClientConfig::new(&verifier), ServerConfig::new(&chain, &key));
/// # let now = Instant::now();
/// # let mut client = ClientConnection::new(&client_config, "localhost", vec![0; 20_000], vec![0; 20_000], UnwrapErr(getrandom::SysRng), now)?;
/// # let mut server = ServerConnection::new(&server_config, vec![0; 20_000], vec![0; 20_000], UnwrapErr(getrandom::SysRng), now)?;
/// # for _flight in 0..4 {
/// #     let n = server.feed(client.transmit_pending());
/// #     client.transmit_done(n);
/// #     while server.poll_event(now)?.is_some() {}
/// #     let n = client.feed(server.transmit_pending());
/// #     server.transmit_done(n);
/// #     while client.poll_event(now)?.is_some() {}
/// # }
/// // `client` and `server`: an established pair in memory (see the guide).
/// use sansio_tls::crypto::{HashAlg, hash};
///
/// let info = client.handshake_info().expect("the handshake is done");
/// assert_eq!(info.version, 0x0303); // TLS 1.2
/// assert_eq!(suites::suite_name(info.suite), Some("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
/// assert_eq!(info.group, Some(NamedGroup::X25519));
/// assert!(info.extended_master_secret && info.secure_renegotiation && !info.resumed);
/// // The server's certificate, by fingerprint.
/// let leaf = hash(HashAlg::Sha256, include_bytes!("../../vectors/pki/ecdsa-server.der"));
/// assert_eq!(info.peer_cert_sha256.as_ref().map(|h| &h[..]), Some(leaf.as_ref()));
/// // The server sees the same parameters, and no client certificate.
/// let theirs = server.handshake_info().unwrap();
/// assert_eq!((theirs.suite, theirs.peer_cert_sha256), (info.suite, None));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandshakeInfo {
    /// The cipher suite.
    pub suite: CipherSuite,
    /// The protocol version (always TLS 1.2, 0x0303).
    pub version: u16,
    /// The ECDHE group (`None` for a resumed session).
    pub group: Option<NamedGroup>,
    /// Whether this was an abbreviated (resumed) handshake.
    pub resumed: bool,
    /// Whether both sides speak secure renegotiation (RFC 5746).
    pub secure_renegotiation: bool,
    /// Whether extended master secret is in use (RFC 7627).
    pub extended_master_secret: bool,
    /// The negotiated max_fragment_length, if any.
    pub max_fragment_length: Option<MaxFragmentLength>,
    /// SHA-256 of the peer's end-entity certificate, if it sent one.
    pub peer_cert_sha256: Option<[u8; 32]>,
}

/// What handling a message led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Keep going.
    Continue,
    /// The handshake is complete: what it negotiated.
    Done(HandshakeInfo),
    /// A renegotiation request on an established connection: HelloRequest
    /// to a client, ClientHello to a server. The connection decides.
    RenegotiationRequested,
    /// The server must ask the application for a session; the ClientHello
    /// stays buffered until it answers.
    SessionLookup,
}

/// Everything a handler may use besides its own state.
pub struct Ctx<'x, R, P: Provider> {
    pub out: RecordWriter<'x, P::Aead>,
    pub rng: &'x mut R,
    pub now: Instant,
    /// The config's provider (a copy).
    pub provider: P,
}

/// What a renegotiation carries over from the handshake before it
/// (RFC 5746 §3.1: the last verify_data of each side; and the peer's
/// identity, which must not change unless allowed).
#[derive(Clone, Copy)]
pub struct Previous {
    pub client_verify_data: [u8; 12],
    pub server_verify_data: [u8; 12],
    pub peer_cert_sha256: Option<[u8; 32]>,
    /// Whether the handshake before used extended master secret: a
    /// renegotiation from one that did not never resumes a session (the
    /// triple-handshake attack, RFC 7627 §1).
    pub ems: bool,
}

impl Previous {
    /// renegotiation_info a server sends in a renegotiation:
    /// client_verify_data || server_verify_data.
    pub fn both(&self) -> [u8; 24] {
        let mut b = [0u8; 24];
        b[..12].copy_from_slice(&self.client_verify_data);
        b[12..].copy_from_slice(&self.server_verify_data);
        b
    }

    /// Whether a renegotiation may resume `session`: only from an
    /// extended-master-secret handshake into an extended-master-secret
    /// session (the triple-handshake attack, RFC 7627 §1), and only with the
    /// same peer identity (unless a change is allowed).
    pub fn may_resume(&self, session: &crate::session::Session, allow_identity_change: bool) -> bool {
        self.ems
            && session.extended_master_secret()
            && self.check_identity(session.peer_cert_sha256(), allow_identity_change).is_ok()
    }

    /// Checks a new peer certificate digest against the previous one.
    pub fn check_identity(&self, new: Option<[u8; 32]>, allow_change: bool) -> Result<(), Error> {
        match self.peer_cert_sha256 {
            Some(old) if !allow_change && Some(old) != new => Err(Error::PeerIdentityChanged),
            _ => Ok(()),
        }
    }
}

/// State shared by client and server handshakes.
pub struct Common<P: Provider> {
    /// Set in a renegotiation.
    pub prev: Option<Previous>,
    pub transcript: Transcript<P::Hash>,
    pub client_random: [u8; 32],
    pub server_random: [u8; 32],
    pub master_secret: Zeroizing<[u8; 48]>,
    pub ems: bool,
    pub secure_renegotiation: bool,
    /// verify_data of the last Finished each side sent (RFC 5746 §3.1).
    pub client_verify_data: [u8; 12],
    pub server_verify_data: [u8; 12],
    pub max_fragment_length: Option<MaxFragmentLength>,
    pub peer_cert_sha256: Option<[u8; 32]>,
}

impl<P: Provider> Common<P> {
    pub fn new(provider: &P) -> Self {
        Common {
            prev: None,
            transcript: Transcript::new(provider),
            client_random: [0; 32],
            server_random: [0; 32],
            master_secret: Zeroizing::new([0; 48]),
            ems: false,
            secure_renegotiation: false,
            client_verify_data: [0; 12],
            server_verify_data: [0; 12],
            max_fragment_length: None,
            peer_cert_sha256: None,
        }
    }

    /// A fresh state for a renegotiation after the handshake `before`.
    pub fn renegotiation_of(provider: &P, before: &Common<P>) -> Self {
        let mut c = Common::new(provider);
        c.prev = Some(Previous {
            client_verify_data: before.client_verify_data,
            server_verify_data: before.server_verify_data,
            peer_cert_sha256: before.peer_cert_sha256,
            ems: before.ems,
        });
        c.max_fragment_length = before.max_fragment_length;
        c
    }

    /// Derives the master secret from the premaster secret: extended
    /// (RFC 7627 §4, over the transcript so far) or classic (RFC 5246 §8.1).
    pub fn derive_master_secret(&mut self, provider: &P, hash: HashAlg, pms: &[u8]) -> Result<(), Error> {
        self.master_secret = if self.ems {
            let session_hash = self.transcript.current(hash)?;
            crypto::extended_master_secret(provider, hash, pms, session_hash.as_ref())
        } else {
            crypto::master_secret(provider, hash, pms, &self.client_random, &self.server_random)
        };
        Ok(())
    }

    /// Tells the key log the master secret of this handshake (full or
    /// resumed), in the NSS format's `CLIENT_RANDOM` entry.
    pub fn log_master_secret(&self, key_log: Option<&dyn crate::keylog::KeyLog>) {
        if let Some(log) = key_log {
            log.log("CLIENT_RANDOM", &self.client_random, &self.master_secret[..]);
        }
    }

    /// Expands the key block (RFC 5246 §6.3) and installs the keys the next
    /// ChangeCipherSpec in each direction activates.
    pub fn install_keys<R>(&self, ctx: &mut Ctx<'_, R, P>, suite: &SuiteInfo, is_client: bool) -> Result<(), Error> {
        let (klen, ivlen) = (suite.aead.key_len(), suite.aead.fixed_iv_len());
        let mut block = Zeroizing::new([0u8; 2 * (32 + 12)]);
        let block = &mut block[..2 * (klen + ivlen)];
        crypto::key_block(
            &ctx.provider,
            suite.hash,
            &self.master_secret,
            &self.client_random,
            &self.server_random,
            block,
        );
        let (ck, rest) = block.split_at(klen);
        let (sk, rest) = rest.split_at(klen);
        let (civ, siv) = rest.split_at(ivlen);
        let client = DirectionKeys::new(suite.aead, ck, civ)?;
        let server = DirectionKeys::new(suite.aead, sk, siv)?;
        let layer = ctx.out.layer();
        if is_client {
            layer.set_pending(server, client);
        } else {
            layer.set_pending(client, server);
        }
        Ok(())
    }

    /// verify_data for the Finished `from_client` sends, over the transcript
    /// so far (RFC 5246 §7.4.9).
    pub fn verify_data(&self, provider: &P, hash: HashAlg, from_client: bool) -> Result<[u8; 12], Error> {
        let h = self.transcript.current(hash)?;
        Ok(crypto::verify_data(provider, hash, &self.master_secret, from_client, h.as_ref()))
    }

    /// Sends our Finished and remembers its verify_data.
    pub fn send_finished<R>(&mut self, ctx: &mut Ctx<'_, R, P>, hash: HashAlg, is_client: bool) -> Result<(), Error> {
        let vd = self.verify_data(&ctx.provider, hash, is_client)?;
        if is_client {
            self.client_verify_data = vd;
        } else {
            self.server_verify_data = vd;
        }
        let transcript = &mut self.transcript;
        ctx.out.write(
            crate::codec::ContentType::Handshake,
            |w| crate::codec::write_handshake(w, HandshakeType::Finished, |w| w.bytes(&vd)),
            |m| transcript.update(m),
        )
    }

    /// Checks the peer's Finished (constant time) and adds it to the
    /// transcript.
    pub fn check_finished(
        &mut self,
        provider: &P,
        msg: &[u8],
        body: &[u8],
        hash: HashAlg,
        from_client: bool,
    ) -> Result<(), Error> {
        use subtle::ConstantTimeEq;
        let got = crate::codec::parse_finished(body)?;
        let want = self.verify_data(provider, hash, from_client)?;
        if !bool::from(got.ct_eq(&want)) {
            return Err(Error::DecryptError.because("Finished verify_data mismatch"));
        }
        if from_client {
            self.client_verify_data = want;
        } else {
            self.server_verify_data = want;
        }
        self.transcript.update(msg);
        Ok(())
    }

    /// What a handshake over `suite` (ECDHE over `group`, or resumed
    /// without one) negotiated.
    pub fn info(&self, suite: &SuiteInfo, group: Option<NamedGroup>) -> HandshakeInfo {
        HandshakeInfo {
            suite: suite.suite,
            version: crate::codec::TLS12,
            group,
            resumed: group.is_none(),
            secure_renegotiation: self.secure_renegotiation,
            extended_master_secret: self.ems,
            max_fragment_length: self.max_fragment_length,
            peer_cert_sha256: self.peer_cert_sha256,
        }
    }
}

/// What the connection needs from the handshake of its side. Sealed: the
/// trait sits in a private module, so only the client and server
/// handshakes implement it, and the connection calls them without dynamic
/// dispatch.
pub trait HandshakeSide {
    /// "client" or "server", for log lines.
    const ROLE: &'static str;

    /// The config's crypto provider.
    type Provider: Provider;

    /// A copy of the config's provider.
    fn provider(&self) -> Self::Provider;

    /// Handles one whole handshake message.
    fn handle<R: rand_core::CryptoRng>(
        &mut self,
        ctx: &mut Ctx<'_, R, Self::Provider>,
        typ: HandshakeType,
        msg: &[u8],
        body: &[u8],
    ) -> Result<Progress, Error>;

    /// State shared by both sides.
    fn common(&self) -> &Common<Self::Provider>;

    /// Where the handshake stands around the peer's ChangeCipherSpec.
    fn phase(&self) -> Phase;

    /// Whether a ChangeCipherSpec from the peer is allowed now.
    fn expects_ccs(&self) -> bool {
        self.phase() == Phase::ExpectCcs
    }

    /// Whether the peer's ChangeCipherSpec arrived and its Finished is due:
    /// no other record may come between them (RFC 5246 §7.4.9).
    fn expects_finished(&self) -> bool {
        self.phase() == Phase::ExpectFinished
    }

    /// The peer's ChangeCipherSpec arrived (and was allowed).
    fn got_ccs(&mut self);

    /// The ALPN protocol the handshake agreed on.
    fn alpn(&self) -> Option<&[u8]>;

    /// Removes the session this connection used or made from the store or
    /// cache (after a fatal error, RFC 5246 §7.2.2, or on request).
    fn invalidate_session(&mut self);

    /// Forgets every secret (after a fatal error).
    fn wipe(&mut self);

    /// Whether the peer has sent nothing yet that may be answered with an
    /// alert-free refusal: a server before the first ClientHello refuses
    /// alerts (what OpenSSL and GnuTLS do).
    fn refuses_alerts(&self) -> bool {
        false
    }

    /// Whether the handshake waits for the application (a session lookup):
    /// buffered input stays untouched until it answers.
    fn waits_for_application(&self) -> bool {
        false
    }

    /// The side's event a completed handshake reports besides
    /// `HandshakeDone` (a session to store, or a new client session).
    fn completion_event(&self) -> Option<SideEvent>;

    /// The event `e` as the application sees it, borrowing the handshake.
    fn event(&self, e: SideEvent) -> Option<crate::event::Event<'_>>;

    /// A renegotiation request arrived on the established connection
    /// (`running`: one already runs): what the connection should do.
    fn renegotiation_requested(&mut self, now: Instant, running: bool) -> Result<Renegotiation, Error>;

    /// The peer refused our renegotiation before answering it: go back to
    /// the established state if nothing was negotiated yet.
    fn abandon_renegotiation(&mut self) -> bool {
        false
    }

    /// The handshake timeout of the config, in milliseconds.
    fn handshake_timeout_ms(&self) -> Option<u64>;

    /// The config's record_size_limit (RFC 8449), if it sets one.
    fn record_size_limit(&self) -> Option<u16>;
}

/// The end of either side's handshake: the keys are installed, the peer's
/// ChangeCipherSpec and then its Finished are due (RFC 5246 §7.4.9). `K` is
/// what the side keeps until the Finished.
pub struct Finishing<K> {
    pub keys: K,
    /// The peer's ChangeCipherSpec arrived.
    pub ccs_received: bool,
}

impl<K> Finishing<K> {
    /// Waiting for the peer's ChangeCipherSpec.
    pub fn new(keys: K) -> Self {
        Finishing { keys, ccs_received: false }
    }

    pub fn phase(&self) -> Phase {
        if self.ccs_received { Phase::ExpectFinished } else { Phase::ExpectCcs }
    }
}

/// Where a handshake stands around the peer's ChangeCipherSpec: the
/// record-level rules the connection enforces depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The peer's ChangeCipherSpec is due.
    ExpectCcs,
    /// The peer's ChangeCipherSpec arrived; its Finished is due.
    ExpectFinished,
    /// Anything else.
    Other,
}

/// An event only one side produces, queued until the application polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideEvent {
    /// Server: the client offers a session ID to look up.
    SessionLookup,
    /// Server: store the session a full handshake made.
    StoreSession,
    /// Client: a resumable session was established.
    NewSession,
}

/// What a side decides about a renegotiation request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renegotiation {
    /// Server: accepted; the handshake restarted and takes the buffered
    /// ClientHello again.
    Started,
    /// Server: refused with a `no_renegotiation` warning.
    Refused,
    /// Client: the application decides (an event).
    AskApplication,
}

impl<P: Provider> Common<P> {
    pub fn wipe(&mut self) {
        self.master_secret = Zeroizing::new([0; 48]);
    }
}

#[cfg(test)]
mod tests;

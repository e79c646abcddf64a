//! Verifying a consent-log chain: signatures (batched), links, rules, proofs, and the anchor to
//! the head the client saw before (rollback and fork detection).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::rules::{self, RuleViolation};
use super::{LogHead, SignedEntry, Signer, DOMAIN_ENTRY, GENESIS_PREV};
use crate::identity::{verify_all, PublicKeys, SignatureCheck, Verifier};
use crate::ids::{Digest, Nonce, PartyId, VaultId};
use crate::log::Actor;

/// A chain of entries was refused. `seq` always names the first entry found at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyLogError {
    /// The vault or server key given to the verifier is not a usable Ed25519 key.
    #[error("the {signer:?} key given to the verifier is not a valid Ed25519 key")]
    InvalidKey {
        /// Which key.
        signer: Signer,
    },
    /// The entries start after entry 0 and there is no earlier head to connect them to.
    #[error("entries start at {first} but no earlier head is known to check them against")]
    Unanchored {
        /// Sequence number of the first entry given.
        first: u64,
    },
    /// One or more entries are missing.
    #[error("entry {expected} is missing: the next entry has sequence number {found}")]
    Gap {
        /// The sequence number that should have come next.
        expected: u64,
        /// The one that came instead.
        found: u64,
    },
    /// Entries are repeated or out of order.
    #[error("entry {expected} expected but entry {found} came: entries repeated or out of order")]
    OutOfOrder {
        /// The sequence number that should have come next.
        expected: u64,
        /// The one that came instead.
        found: u64,
    },
    /// An entry follows the last possible sequence number.
    #[error("an entry follows the last possible sequence number")]
    SeqOverflow,
    /// An entry belongs to another vault's log.
    #[error("entry {seq} belongs to another vault")]
    WrongVault {
        /// The entry.
        seq: u64,
    },
    /// An entry does not name the hash of the entry before it.
    #[error("entry {seq} does not link to the entry before it")]
    WrongPrev {
        /// The entry.
        seq: u64,
    },
    /// An entry breaks a rule of the log.
    #[error("entry {seq}: {violation}")]
    Rule {
        /// The entry.
        seq: u64,
        /// The rule.
        violation: RuleViolation,
    },
    /// An entry's signature does not verify: it was changed or signed by someone else.
    #[error("entry {seq} has an invalid signature")]
    BadSignature {
        /// The entry.
        seq: u64,
    },
    /// A deferred (unsigned) server entry is not followed, within the run, by a server-signed
    /// entry that covers it: the run ends on it, or a vault-signed entry comes first.
    #[error("entry {seq} is unsigned and no later server-signed entry covers it")]
    Unsealed {
        /// The first entry left uncovered.
        seq: u64,
    },
    /// An entry's proof names an actor whose keys are not known.
    #[error("entry {seq} names an actor whose keys are unknown")]
    UnknownActor {
        /// The entry.
        seq: u64,
    },
    /// An entry's proof (the actor's signed request) does not verify.
    #[error("entry {seq} carries a proof whose signature does not verify")]
    BadProofSignature {
        /// The entry.
        seq: u64,
    },
    /// An entry's proof was already used by an earlier entry: one request cannot account for
    /// two events.
    #[error("entry {seq} reuses the proof of an earlier entry")]
    ProofReused {
        /// The entry.
        seq: u64,
    },
    /// The chain ends before the head already seen: the server rolled the log back.
    #[error("rollback: the log ends at entry {received} but entry {seen} was seen before")]
    Rollback {
        /// Sequence number of the head seen before.
        seen: u64,
        /// Sequence number of the last entry received.
        received: u64,
    },
    /// The entry at the seen head's position differs from it: the log was rewritten.
    #[error("fork: entry {seq} differs from the one seen before")]
    Fork {
        /// The sequence number of the head seen before.
        seq: u64,
    },
    /// Batch verification failed although every signature verifies on its own (a bug).
    #[error("internal error: batch signature verification disagrees with single verification")]
    Internal,
}

impl VerifyLogError {
    /// Stable code, for APIs, logs and test vectors.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::InvalidKey { .. } => "invalid-key",
            Self::Unanchored { .. } => "unanchored",
            Self::Gap { .. } => "gap",
            Self::OutOfOrder { .. } => "out-of-order",
            Self::SeqOverflow => "seq-overflow",
            Self::WrongVault { .. } => "wrong-vault",
            Self::WrongPrev { .. } => "wrong-prev",
            Self::Rule { .. } => "rule-violation",
            Self::BadSignature { .. } => "bad-signature",
            Self::Unsealed { .. } => "unsealed",
            Self::UnknownActor { .. } => "unknown-actor",
            Self::BadProofSignature { .. } => "bad-proof-signature",
            Self::ProofReused { .. } => "proof-reused",
            Self::Rollback { .. } => "rollback",
            Self::Fork { .. } => "fork",
            Self::Internal => "internal",
        }
    }

    /// The sequence number the error is about, if it concerns one entry (for a gap or disorder:
    /// the expected one; for a rollback: the last one received).
    #[must_use]
    pub const fn seq(&self) -> Option<u64> {
        match *self {
            Self::Unanchored { first: seq }
            | Self::Gap { expected: seq, .. }
            | Self::OutOfOrder { expected: seq, .. }
            | Self::WrongVault { seq }
            | Self::WrongPrev { seq }
            | Self::Rule { seq, .. }
            | Self::BadSignature { seq }
            | Self::Unsealed { seq }
            | Self::UnknownActor { seq }
            | Self::BadProofSignature { seq }
            | Self::ProofReused { seq }
            | Self::Rollback { received: seq, .. }
            | Self::Fork { seq } => Some(seq),
            Self::InvalidKey { .. } | Self::SeqOverflow | Self::Internal => None,
        }
    }
}

/// A head received from elsewhere contradicts the head a client saw before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeadError {
    /// The received head is older than the one seen.
    #[error("rollback: head {received} received but head {seen} was seen before")]
    Rollback {
        /// Sequence number of the head seen before.
        seen: u64,
        /// Sequence number of the head received.
        received: u64,
    },
    /// Both heads have the same sequence number and different hashes.
    #[error("fork: two different entries {seq}")]
    Fork {
        /// The sequence number.
        seq: u64,
    },
}

impl From<HeadError> for VerifyLogError {
    fn from(err: HeadError) -> Self {
        match err {
            HeadError::Rollback { seen, received } => Self::Rollback { seen, received },
            HeadError::Fork { seq } => Self::Fork { seq },
        }
    }
}

impl LogHead {
    /// Compares a head `received` (from the server, another device, a grantee) with this one,
    /// the last head the client accepted: an older head is a rollback, a different hash at the
    /// same position a fork. A newer head is fine here; its entries must still be fetched and
    /// verified with [`LogVerifier::verify`] to know it extends this one.
    pub fn check_received(&self, received: &Self) -> Result<(), HeadError> {
        if received.seq < self.seq {
            return Err(HeadError::Rollback {
                seen: self.seq,
                received: received.seq,
            });
        }
        if received.seq == self.seq && received.hash != self.hash {
            return Err(HeadError::Fork { seq: self.seq });
        }
        Ok(())
    }
}

/// Checks consent-log chains of one vault.
pub struct LogVerifier<F> {
    vault: PublicKeys,
    server: PublicKeys,
    actor_keys: F,
}

impl<F> fmt::Debug for LogVerifier<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogVerifier")
            .field("vault", &self.vault)
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

/// How the first entry given connects to what is known.
#[derive(Clone, Copy)]
enum Anchor {
    /// It is entry 0: `prev` must be [`GENESIS_PREV`].
    Genesis,
    /// It directly follows the seen head: `prev` must be the seen hash, or the log forked.
    AfterSeen(LogHead),
    /// It lies at or before the seen head: the entry at the seen position must hash to it
    /// (and entry 0, if included, must still have the genesis `prev`).
    Overlaps(LogHead),
}

/// Where a signature in the batch comes from.
#[derive(Clone, Copy)]
enum Origin {
    Entry(u64),
    Proof(u64),
}

/// Signatures collected for one batch verification, with where each comes from.
struct Batch {
    checks: Vec<SignatureCheck>,
    origins: Vec<Origin>,
}

impl Batch {
    fn with_capacity(n: usize) -> Self {
        Self {
            checks: Vec::with_capacity(n),
            origins: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, check: SignatureCheck, origin: Origin) {
        self.checks.push(check);
        self.origins.push(origin);
    }

    /// One batch verification; when it fails, the first signature that fails names the culprit.
    fn verify(&self) -> Result<(), VerifyLogError> {
        let holds = verify_all(&self.checks);
        let Some(culprit) = holds.iter().position(|ok| !ok) else {
            return Ok(());
        };
        match self.origins.get(culprit) {
            Some(Origin::Entry(seq)) => Err(VerifyLogError::BadSignature { seq: *seq }),
            Some(Origin::Proof(seq)) => Err(VerifyLogError::BadProofSignature { seq: *seq }),
            None => Err(VerifyLogError::Internal),
        }
    }
}

/// State carried along the chain while checking entries one by one.
struct Walk<'v, F> {
    verifier: &'v LogVerifier<F>,
    vault_id: VaultId,
    vault_party: PartyId,
    vault_key: Verifier,
    server_key: Verifier,
    actor_cache: BTreeMap<PartyId, Option<Verifier>>,
    proof_nonces: BTreeSet<(PartyId, Nonce)>,
    batch: Batch,
    /// The first deferred entry not yet covered by a server-signed one.
    unsealed: Option<u64>,
}

impl<F: Fn(PartyId) -> Option<PublicKeys>> LogVerifier<F> {
    /// A verifier for the vault with keys `vault`, whose server signs with `server`;
    /// `actor_keys` looks up the keys of a party named as actor (for checking proofs).
    pub const fn new(vault: PublicKeys, server: PublicKeys, actor_keys: F) -> Self {
        Self {
            vault,
            server,
            actor_keys,
        }
    }

    /// Verifies `entries`, a contiguous run of the log, against `seen`, the last head this
    /// client accepted (`None` if it never saw this log). Returns the head to remember next.
    ///
    /// The run may start at entry 0, right after `seen`, or anywhere up to `seen` (it is then
    /// tied to `seen` through the hash chain). Every signature is checked in one batch, then
    /// links, rules and proofs; finally the run must reach `seen` (else: rollback) and contain
    /// exactly the seen entry at its position (else: fork). An empty run changes nothing.
    pub fn verify(
        &self,
        seen: Option<&LogHead>,
        entries: &[SignedEntry],
    ) -> Result<Option<LogHead>, VerifyLogError> {
        let Some(first) = entries.first() else {
            return Ok(seen.copied());
        };
        let anchor = anchor(seen, first.entry.seq)?;
        let mut walk = Walk {
            verifier: self,
            vault_id: self.vault.vault_id(),
            vault_party: self.vault.party_id(),
            vault_key: self
                .vault
                .verifier()
                .map_err(|_| VerifyLogError::InvalidKey {
                    signer: Signer::Vault,
                })?,
            server_key: self
                .server
                .verifier()
                .map_err(|_| VerifyLogError::InvalidKey {
                    signer: Signer::Server,
                })?,
            actor_cache: BTreeMap::new(),
            proof_nonces: BTreeSet::new(),
            batch: Batch::with_capacity(entries.len()),
            unsealed: None,
        };
        let walked = walk.entries(anchor, entries);
        // A bad signature on an entry is reported before the broken link it causes further on.
        walk.batch.verify()?;
        let (last, seen_hash) = walked?;
        if let Anchor::Overlaps(seen) = anchor {
            seen.check_received(&last)?;
            if seen_hash != Some(seen.hash) {
                return Err(VerifyLogError::Fork { seq: seen.seq });
            }
        }
        Ok(Some(last))
    }
}

/// Decides how the run starting at `first` connects to `seen`.
fn anchor(seen: Option<&LogHead>, first: u64) -> Result<Anchor, VerifyLogError> {
    match seen {
        None if first == 0 => Ok(Anchor::Genesis),
        None => Err(VerifyLogError::Unanchored { first }),
        Some(seen) if first <= seen.seq => Ok(Anchor::Overlaps(*seen)),
        Some(seen) => match seen.seq.checked_add(1) {
            Some(next) if next == first => Ok(Anchor::AfterSeen(*seen)),
            Some(next) => Err(VerifyLogError::Gap {
                expected: next,
                found: first,
            }),
            None => Err(VerifyLogError::SeqOverflow),
        },
    }
}

impl<F: Fn(PartyId) -> Option<PublicKeys>> Walk<'_, F> {
    /// Checks every entry's position, link, rules and proof, collecting signatures into the
    /// batch (up to and including the first faulty entry). Returns the last head and, if the
    /// anchor overlaps, the hash found at the seen position.
    fn entries(
        &mut self,
        anchor: Anchor,
        entries: &[SignedEntry],
    ) -> Result<(LogHead, Option<Digest>), VerifyLogError> {
        let start = entries.first().map_or(0, |e| e.entry.seq);
        let (mut expected_prev, seen) = match anchor {
            Anchor::Genesis => (Some(GENESIS_PREV), None),
            Anchor::AfterSeen(seen) => (Some(seen.hash), None),
            Anchor::Overlaps(seen) => ((start == 0).then_some(GENESIS_PREV), Some(seen)),
        };
        let mut seen_hash = None;
        let mut last = None;
        for (offset, signed) in (0u64..).zip(entries) {
            let expected_seq = start
                .checked_add(offset)
                .ok_or(VerifyLogError::SeqOverflow)?;
            let fork_at = match anchor {
                Anchor::AfterSeen(seen) if offset == 0 => Some(seen.seq),
                _ => None,
            };
            self.entry(signed, expected_seq, expected_prev, fork_at)?;
            let head = signed.head();
            if seen.is_some_and(|s| s.seq == head.seq) {
                seen_hash = Some(head.hash);
            }
            expected_prev = Some(head.hash);
            last = Some(head);
        }
        if let Some(seq) = self.unsealed {
            return Err(VerifyLogError::Unsealed { seq });
        }
        last.map(|head| (head, seen_hash))
            .ok_or(VerifyLogError::Internal)
    }

    /// Checks one entry. `expected_prev` is `None` only for the first entry of an overlapping
    /// run that starts after entry 0; `fork_at` is the seen head's seq when a wrong `prev`
    /// means a fork.
    fn entry(
        &mut self,
        signed: &SignedEntry,
        expected_seq: u64,
        expected_prev: Option<Digest>,
        fork_at: Option<u64>,
    ) -> Result<(), VerifyLogError> {
        let entry = &signed.entry;
        let seq = entry.seq;
        self.signature(signed)?;
        if seq > expected_seq {
            return Err(VerifyLogError::Gap {
                expected: expected_seq,
                found: seq,
            });
        }
        if seq < expected_seq {
            return Err(VerifyLogError::OutOfOrder {
                expected: expected_seq,
                found: seq,
            });
        }
        if entry.vault != self.vault_id {
            return Err(VerifyLogError::WrongVault { seq });
        }
        if expected_prev.is_some_and(|prev| prev != entry.prev) {
            return Err(match fork_at {
                Some(seen) => VerifyLogError::Fork { seq: seen },
                None => VerifyLogError::WrongPrev { seq },
            });
        }
        rules::check(entry, self.vault_party)
            .map_err(|violation| VerifyLogError::Rule { seq, violation })?;
        self.proof(signed)
    }

    /// Queues the entry's signature, or notes a deferred one until a server-signed entry
    /// covers it (a server signature commits, through `prev`, to every entry before it).
    fn signature(&mut self, signed: &SignedEntry) -> Result<(), VerifyLogError> {
        let entry = &signed.entry;
        if signed.is_deferred() {
            self.unsealed.get_or_insert(entry.seq);
            return Ok(());
        }
        let key = match entry.signer {
            Signer::Vault => {
                if let Some(seq) = self.unsealed {
                    return Err(VerifyLogError::Unsealed { seq });
                }
                self.vault_key
            }
            Signer::Server => {
                self.unsealed = None;
                self.server_key
            }
        };
        self.batch.push(
            key.check(DOMAIN_ENTRY, entry, &signed.signature),
            Origin::Entry(entry.seq),
        );
        Ok(())
    }

    /// Queues the proof's signature (by the actor's own key) and checks it was not used before.
    fn proof(&mut self, signed: &SignedEntry) -> Result<(), VerifyLogError> {
        let seq = signed.entry.seq;
        let (Some(proof), Actor::Party { id, .. }) =
            (&signed.entry.event.proof, signed.entry.event.actor)
        else {
            return Ok(());
        };
        let key = self
            .actor_key(id)
            .ok_or(VerifyLogError::UnknownActor { seq })?;
        let Some(key) = key else {
            return Err(VerifyLogError::BadProofSignature { seq });
        };
        let check = proof
            .signature_check(&key)
            .map_err(|_| VerifyLogError::BadProofSignature { seq })?;
        self.batch.push(check, Origin::Proof(seq));
        if !self.proof_nonces.insert((id, proof.claims.nonce)) {
            return Err(VerifyLogError::ProofReused { seq });
        }
        Ok(())
    }

    /// The actor's verifying key: `None` when unknown, `Some(None)` when not a usable key.
    fn actor_key(&mut self, id: PartyId) -> Option<Option<Verifier>> {
        if let Some(cached) = self.actor_cache.get(&id) {
            return Some(*cached);
        }
        let keys = (self.verifier.actor_keys)(id)?;
        let key = keys.verifier().ok().filter(|_| keys.party_id() == id);
        self.actor_cache.insert(id, key);
        Some(key)
    }
}

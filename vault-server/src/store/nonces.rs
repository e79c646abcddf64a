//! The sled store's in-memory index of claimed request nonces.
//!
//! Every signed request claims a nonce, so a claim must not cost a sled look-up and a sled key
//! of its own: measured on the load benchmark, those were about a quarter of a logged fetch's
//! server CPU, whatever the key order. Claims are therefore written a flush at a time, one sled
//! value per expiry second (see `spec/parts/server.md`, tree `request_nonces`), and looked up
//! here: exactly among the claims not yet written, and through a Bloom filter per minute of
//! expiry among those written. Only when a filter says "maybe" (a replay, or a false positive
//! at about 0.25 % at 10,000 claims a second) does the store read that second's values.

use std::collections::{BTreeMap, HashSet};

use crypto::encoding::UnixTime;
use crypto::Nonce;
use fastbloom::BloomFilter;
use rand_core::{OsRng, RngCore as _};

/// Seconds of expiry one filter covers; a claim is kept 600 s, so about eleven filters live.
const FILTER_SECONDS: i64 = 60;
/// Bits per filter (1 MiB): about 0.25 % false positives at 600,000 claims a filter.
const FILTER_BITS: usize = 1 << 23;
/// Claims per filter the hash count is chosen for.
const FILTER_ITEMS: usize = 600_000;

/// One request-nonce claim: the nonce and when it may be forgotten. The expiry is part of the
/// identity (it derives from the signed request's time, which a replay repeats), so claims can
/// be stored by expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct Claim {
    pub expires_at: UnixTime,
    pub nonce: Nonce,
}

/// What the index knows about a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Known {
    /// Claimed and not yet written: certainly a replay.
    Pending,
    /// Possibly written: the store must look.
    Maybe,
    /// Never claimed.
    No,
}

/// Claims not yet written, and filters over those written.
pub(super) struct NonceIndex {
    pending: HashSet<Claim>,
    /// By expiry minute (`expires_at.div_euclid(FILTER_SECONDS)`).
    filters: BTreeMap<i64, BloomFilter>,
    /// One random seed for all filters, so that nobody can choose nonces that collide.
    seed: u128,
}

impl Default for NonceIndex {
    fn default() -> Self {
        let mut seed = [0u8; 16];
        OsRng.fill_bytes(&mut seed);
        Self {
            pending: HashSet::new(),
            filters: BTreeMap::new(),
            seed: u128::from_le_bytes(seed),
        }
    }
}

impl std::fmt::Debug for NonceIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NonceIndex")
            .field("pending", &self.pending.len())
            .field("filters", &self.filters.len())
            .finish_non_exhaustive()
    }
}

impl NonceIndex {
    pub fn lookup(&self, claim: &Claim) -> Known {
        if self.pending.contains(claim) {
            Known::Pending
        } else if self
            .filters
            .get(&minute(claim.expires_at))
            .is_some_and(|f| f.contains(claim))
        {
            Known::Maybe
        } else {
            Known::No
        }
    }

    /// Records a new claim, to be written by the next flush.
    pub fn claim(&mut self, claim: Claim) {
        self.remember_written(claim);
        self.pending.insert(claim);
    }

    /// Records a claim that is in the tree already (when the store opens).
    pub fn remember_written(&mut self, claim: Claim) {
        let seed = self.seed;
        self.filters
            .entry(minute(claim.expires_at))
            .or_insert_with(|| {
                BloomFilter::with_num_bits(FILTER_BITS)
                    .seed(&seed)
                    .expected_items(FILTER_ITEMS)
            })
            .insert(&claim);
    }

    /// The pending claims as the tree stores them: nonces concatenated per expiry second.
    pub fn pending_by_expiry(&self) -> BTreeMap<UnixTime, Vec<u8>> {
        let mut by_expiry = BTreeMap::<UnixTime, Vec<u8>>::new();
        for claim in &self.pending {
            by_expiry
                .entry(claim.expires_at)
                .or_default()
                .extend_from_slice(claim.nonce.as_bytes());
        }
        by_expiry
    }

    /// Forgets the pending claims once they are written.
    pub fn written(&mut self) {
        self.pending.clear();
    }

    /// Drops the filters whose every claim expired by `now`.
    pub fn forget_expired(&mut self, now: UnixTime) {
        let first_live = minute(now.saturating_add(1));
        self.filters = self.filters.split_off(&first_live);
    }
}

fn minute(t: UnixTime) -> i64 {
    t.div_euclid(FILTER_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(expires_at: UnixTime) -> Claim {
        Claim {
            expires_at,
            nonce: Nonce::random(&mut OsRng),
        }
    }

    #[test]
    fn a_claim_is_pending_until_written_then_maybe() {
        let mut index = NonceIndex::default();
        let c = claim(1_000);
        assert_eq!(index.lookup(&c), Known::No);
        index.claim(c);
        assert_eq!(index.lookup(&c), Known::Pending);
        assert_eq!(index.pending_by_expiry()[&1_000], c.nonce.as_bytes());
        index.written();
        assert_eq!(index.lookup(&c), Known::Maybe);
        assert!(index.pending_by_expiry().is_empty());
    }

    #[test]
    fn the_same_nonce_with_another_expiry_is_another_claim() {
        let mut index = NonceIndex::default();
        let c = claim(1_000);
        index.claim(c);
        let later = Claim {
            expires_at: 1_001,
            ..c
        };
        assert_ne!(index.lookup(&later), Known::Pending);
    }

    #[test]
    fn pending_claims_are_grouped_by_expiry_second() {
        let mut index = NonceIndex::default();
        let (a, b, c) = (claim(7), claim(7), claim(9));
        for x in [a, b, c] {
            index.claim(x);
        }
        let grouped = index.pending_by_expiry();
        assert_eq!(grouped.len(), 2);
        assert_eq!(grouped[&7].len(), 32);
        assert!(grouped[&7].chunks(16).any(|n| n == a.nonce.as_bytes()));
        assert!(grouped[&7].chunks(16).any(|n| n == b.nonce.as_bytes()));
        assert_eq!(grouped[&9], c.nonce.as_bytes());
    }

    #[test]
    fn at_the_design_load_few_fresh_claims_look_possibly_written() {
        let mut index = NonceIndex::default();
        for _ in 0..FILTER_ITEMS {
            index.remember_written(claim(1_000));
        }
        let false_positives = (0..100_000)
            .filter(|_| index.lookup(&claim(1_000)) == Known::Maybe)
            .count();
        assert!(
            false_positives < 500,
            "{false_positives} of 100,000 fresh claims looked written"
        );
    }

    #[test]
    fn filters_go_once_their_whole_minute_expired() {
        let mut index = NonceIndex::default();
        let (early, late) = (claim(60), claim(119));
        index.remember_written(early);
        index.remember_written(late);
        index.forget_expired(118);
        assert_eq!(index.lookup(&late), Known::Maybe, "119 has not expired");
        index.forget_expired(119);
        assert_eq!(index.lookup(&early), Known::No);
        assert_eq!(index.lookup(&late), Known::No);
    }
}

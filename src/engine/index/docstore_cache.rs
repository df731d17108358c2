//! The process-wide cache of decompressed stored-text blocks (Manticore's
//! `docstore_cache_size`): a document's texts read again, by a later query or
//! another connection, reuse the block decompressed (and, for disk chunks, read
//! from the chunk file) the first time.
//!
//! Blocks are keyed by the identity of the segment's texts ([`next_id`], never
//! reused) and the block number, spread over up to [`MAX_SHARDS`] shards each
//! holding its share of the byte bound. A shard's lock is held only to look a
//! block up or put one in; blocks are decompressed outside it, and shared as
//! [`Arc`]s, so a hit copies nothing. Eviction is a clock (second chance): a
//! block read since the hand last passed it stays for another round.
//!
//! When texts are dropped (their segment merged away, their table dropped) after
//! putting blocks here, their blocks are removed at once (see
//! [`DocstoreCache::forget`]), so they stop counting against the bound.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// `docstore_cache_size` when the config has none.
pub const DEFAULT_BYTES: usize = 16 << 20;
/// Most shards a cache is split into.
const MAX_SHARDS: usize = 16;
/// Least bytes a shard holds when there are several (smaller caches have one).
const MIN_SHARD_BYTES: usize = 1 << 20;
/// What an entry costs besides its text (key, slot, map entry, allocation), so
/// that many tiny blocks cannot make the map grow without bound.
const ENTRY_OVERHEAD: usize = 64;

/// A new identity for stored texts built or opened: unique for the life of the
/// process, so a cached block can never be found for other texts.
pub fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The cache the daemon's queries use, [`DEFAULT_BYTES`] unless [`configure`]d.
pub fn global() -> &'static DocstoreCache {
    GLOBAL.get_or_init(|| DocstoreCache::new(DEFAULT_BYTES))
}

static GLOBAL: OnceLock<DocstoreCache> = OnceLock::new();

/// Sizes the [`global`] cache (`docstore_cache_size`, 0 = off); `false` when it
/// was already in use (or sized), and keeps its size.
pub fn configure(bytes: usize) -> bool {
    GLOBAL.set(DocstoreCache::new(bytes)).is_ok()
}

/// A decompressed block of stored text.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// Where the block starts in its texts' uncompressed text.
    pub base: u64,
    /// The block's text.
    pub text: Arc<[u8]>,
}

impl Block {
    /// Bytes the block counts for in a cache.
    fn cost(&self) -> usize {
        self.text.len() + ENTRY_OVERHEAD
    }
}

/// Decompressed blocks of stored text, bounded in bytes.
#[derive(Debug)]
pub struct DocstoreCache {
    shards: Box<[Mutex<Shard>]>,
    /// The bytes each shard may hold.
    shard_bytes: usize,
}

/// A block's key: the texts' identity and the block number.
type Key = (u64, usize);

#[derive(Debug, Default)]
struct Shard {
    /// Where each key's slot is.
    map: HashMap<Key, usize>,
    slots: Vec<Slot>,
    /// The clock hand: the slot looked at first for eviction.
    hand: usize,
    /// The cost of the blocks held.
    bytes: usize,
}

#[derive(Debug)]
struct Slot {
    key: Key,
    block: Block,
    /// Read since the hand last passed.
    used: bool,
}

impl DocstoreCache {
    /// A cache of at most `bytes` (text plus a small cost per block); 0 holds
    /// nothing.
    pub fn new(bytes: usize) -> DocstoreCache {
        let count = if bytes == 0 {
            0
        } else {
            (bytes / MIN_SHARD_BYTES).clamp(1, MAX_SHARDS)
        };
        DocstoreCache {
            shards: (0..count).map(|_| Mutex::default()).collect(),
            shard_bytes: bytes.checked_div(count).unwrap_or(0),
        }
    }

    /// True when the cache can hold anything.
    pub fn enabled(&self) -> bool {
        !self.shards.is_empty()
    }

    /// The bound, in bytes.
    pub fn capacity(&self) -> usize {
        self.shard_bytes * self.shards.len()
    }

    /// Bytes held (see [`DocstoreCache::new`]).
    pub fn bytes(&self) -> usize {
        self.shards.iter().map(|s| lock(s).bytes).sum()
    }

    /// Blocks held.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).slots.len()).sum()
    }

    /// True when no block is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn shard(&self, key: Key) -> Option<&Mutex<Shard>> {
        let mixed = (key.0 ^ (key.1 as u64).rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let n = self.shards.len() as u64;
        self.shards.get(((mixed >> 32) % n.max(1)) as usize)
    }

    /// Block `b` of texts `id`, when held.
    pub fn get(&self, id: u64, b: usize) -> Option<Block> {
        let mut shard = lock(self.shard((id, b))?);
        let at = *shard.map.get(&(id, b))?;
        let slot = &mut shard.slots[at];
        slot.used = true;
        Some(slot.block.clone())
    }

    /// Puts block `b` of texts `id` in, evicting others as needed; `false` when
    /// it is not kept (the cache is off, or the block is bigger than a shard).
    pub fn insert(&self, id: u64, b: usize, block: Block) -> bool {
        let cost = block.cost();
        let Some(shard) = self.shard((id, b)) else {
            return false;
        };
        if cost > self.shard_bytes {
            return false;
        }
        let mut evicted = Vec::new();
        let mut shard = lock(shard);
        if shard.map.contains_key(&(id, b)) {
            return true;
        }
        while shard.bytes + cost > self.shard_bytes && !shard.slots.is_empty() {
            let at = shard.hand % shard.slots.len();
            if std::mem::take(&mut shard.slots[at].used) {
                shard.hand = at + 1;
                continue;
            }
            let gone = shard.remove(at);
            shard.hand = at;
            evicted.push(gone);
        }
        shard.bytes += cost;
        let at = shard.slots.len();
        shard.map.insert((id, b), at);
        shard.slots.push(Slot {
            key: (id, b),
            block,
            used: false,
        });
        drop(shard);
        // The evicted blocks are freed outside the lock.
        drop(evicted);
        true
    }

    /// Removes every block of texts `id` (texts being dropped).
    pub fn forget(&self, id: u64) {
        for shard in self.shards.iter() {
            let mut evicted = Vec::new();
            let mut shard = lock(shard);
            let mut at = 0;
            while at < shard.slots.len() {
                if shard.slots[at].key.0 == id {
                    evicted.push(shard.remove(at));
                } else {
                    at += 1;
                }
            }
            drop(shard);
            drop(evicted);
        }
    }

    /// Blocks of texts `id` held.
    #[cfg(test)]
    pub fn blocks_of(&self, id: u64) -> usize {
        self.shards
            .iter()
            .map(|s| lock(s).slots.iter().filter(|x| x.key.0 == id).count())
            .sum()
    }
}

impl Shard {
    /// Takes slot `at` out (the last slot moves into its place).
    fn remove(&mut self, at: usize) -> Block {
        let gone = self.slots.swap_remove(at);
        self.map.remove(&gone.key);
        if let Some(moved) = self.slots.get(at) {
            self.map.insert(moved.key, at);
        }
        self.bytes -= gone.block.cost();
        gone.block
    }
}

/// A shard's lock; a panic while it was held left it consistent (every change
/// is made whole before anything can panic), so poisoning is ignored.
fn lock(shard: &Mutex<Shard>) -> std::sync::MutexGuard<'_, Shard> {
    shard.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(base: u64, len: usize, fill: u8) -> Block {
        Block {
            base,
            text: std::iter::repeat_n(fill, len).collect(),
        }
    }

    #[test]
    fn holds_blocks_by_texts_and_number() {
        let c = DocstoreCache::new(1 << 20);
        assert!(c.enabled());
        assert!(c.get(1, 0).is_none());
        assert!(c.insert(1, 0, block(0, 100, b'a')));
        assert!(c.insert(1, 1, block(100, 50, b'b')));
        assert!(c.insert(2, 0, block(0, 10, b'c')));
        let hit = c.get(1, 1).unwrap();
        assert_eq!((hit.base, &hit.text[..]), (100, &[b'b'; 50][..]));
        assert_eq!(&c.get(2, 0).unwrap().text[..], &[b'c'; 10]);
        assert!(c.get(2, 1).is_none() && c.get(3, 0).is_none());
        assert_eq!(c.bytes(), 160 + 3 * ENTRY_OVERHEAD);
        c.forget(1);
        assert!(c.get(1, 0).is_none() && c.get(1, 1).is_none());
        assert_eq!((c.len(), c.bytes()), (1, 10 + ENTRY_OVERHEAD));
        assert!(c.get(2, 0).is_some());
    }

    #[test]
    fn stays_within_its_bound_and_keeps_blocks_in_use() {
        for bytes in [100_000, 5 << 20] {
            let c = DocstoreCache::new(bytes);
            assert!(c.capacity() <= bytes);
            for b in 0..5000 {
                c.insert(7, b, block(0, 1000 + b % 3000, 0));
                // Block 0 is read between every insert: it is never evicted.
                assert!(c.get(7, 0).is_some(), "{bytes} {b}");
                assert!(c.bytes() <= bytes, "{bytes} {b}");
            }
            assert!(c.bytes() > bytes / 2, "{bytes}: {}", c.bytes());
            // A block bigger than a shard is not kept.
            assert!(!c.insert(8, 0, block(0, bytes, 0)));
            assert!(c.get(8, 0).is_none());
        }
    }

    #[test]
    fn zero_bytes_holds_nothing() {
        let c = DocstoreCache::new(0);
        assert!(!c.enabled());
        assert!(!c.insert(1, 0, block(0, 1, 0)));
        assert!(c.get(1, 0).is_none());
        assert_eq!((c.len(), c.bytes(), c.capacity()), (0, 0, 0));
        c.forget(1);
    }

    #[test]
    fn identities_are_never_reused() {
        let a = next_id();
        let b = next_id();
        assert!(b > a);
    }
}

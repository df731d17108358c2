//! Stored field texts of a segment, LZ4-compressed in blocks of whole documents
//! (about `BLOCK_BYTES` of text each): reading a document decompresses one
//! block (kept in the process-wide [`DocstoreCache`] for the next reads), and
//! merging copies the blocks of documents that all survive as they are (without
//! going through the cache).

/// Text gathered before a block is compressed.
const BLOCK_BYTES: usize = 16 * 1024;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::blob::Blob;
use super::docstore_cache::{self, Block, DocstoreCache};

/// The stored texts of a segment's documents.
#[derive(Debug)]
pub struct StoredText {
    index: StoredIndex,
    /// The compressed blocks (in memory, or in a disk chunk file).
    data: Blob,
    /// The texts' identity in the docstore cache, new for every texts built or
    /// opened (see [`docstore_cache::next_id`]).
    id: u64,
    /// Whether a block went into the global cache: dropping the texts then
    /// removes their blocks from it.
    cached: AtomicBool,
}

impl Default for StoredText {
    fn default() -> StoredText {
        StoredText::from_parts(StoredIndex::default(), Blob::default())
    }
}

impl Drop for StoredText {
    fn drop(&mut self) {
        if *self.cached.get_mut() {
            docstore_cache::global().forget(self.id);
        }
    }
}

/// Where the texts are: what a segment keeps in memory even when its
/// compressed blocks stay on disk.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredIndex {
    /// Offsets of every field of every document in the uncompressed text
    /// (`documents * fields + 1`); none at all when no document has any text
    /// (tables whose fields are all `indexed` only).
    pub(super) offs: Vec<u64>,
    /// Where each block starts in the uncompressed text.
    pub(super) block_start: Vec<u64>,
    /// Where each block starts in `data`, and the end of `data`.
    pub(super) block_at: Vec<u64>,
}

impl std::ops::Deref for StoredText {
    type Target = StoredIndex;
    fn deref(&self) -> &StoredIndex {
        &self.index
    }
}

impl StoredText {
    /// Texts from their index and compressed blocks (a disk chunk read back).
    pub fn from_parts(index: StoredIndex, data: Blob) -> StoredText {
        StoredText {
            index,
            data,
            id: docstore_cache::next_id(),
            cached: AtomicBool::new(false),
        }
    }

    /// The index and the compressed blocks.
    pub fn parts(&self) -> (&StoredIndex, &Blob) {
        (&self.index, &self.data)
    }

    /// Checks offsets read back from disk (`docs` documents of `nfields`).
    pub fn validate(&self, docs: usize, nfields: usize) -> bool {
        let total = self.offs.last().copied().unwrap_or(0);
        (self.offs.len() == docs * nfields + 1
            || (self.offs.is_empty() && self.block_start.is_empty()))
            && self.offs.windows(2).all(|w| w[0] <= w[1])
            && self.block_at.len() == self.block_start.len() + 1
            && self.block_at.windows(2).all(|w| w[0] <= w[1])
            && self.block_at.last().copied() == Some(self.data.len() as u64)
            && self.block_start.windows(2).all(|w| w[0] < w[1])
            && self.block_start.first().is_none_or(|&s| s == 0)
            && self.block_start.last().is_none_or(|&s| s <= total)
    }

    /// The texts of document `local` (of `nfields` fields); empty ones when the
    /// document is unknown or its block does not decompress.
    pub fn fields(&self, local: u32, nfields: usize) -> Vec<String> {
        self.fields_with(local, nfields, &mut TextCache::default())
    }

    /// Like [`StoredText::fields`], reusing the block `cache` holds when the
    /// document is in it (and leaving the document's block there), else the
    /// block the [global](docstore_cache::global) docstore cache holds.
    pub fn fields_with(&self, local: u32, nfields: usize, cache: &mut TextCache) -> Vec<String> {
        self.fields_through(local, nfields, cache, docstore_cache::global())
    }

    /// Like [`StoredText::fields_with`], through the docstore cache `shared`:
    /// a block it does not hold is decompressed and put in it.
    pub fn fields_through(
        &self,
        local: u32,
        nfields: usize,
        cache: &mut TextCache,
        shared: &DocstoreCache,
    ) -> Vec<String> {
        let start = local as usize * nfields;
        let first = self.offs.get(start).copied().unwrap_or(0);
        let last = self.offs.get(start + nfields).copied().unwrap_or(0);
        if first >= last {
            return vec![String::new(); nfields];
        }
        let Some(b) = self
            .block_start
            .partition_point(|&s| s <= first)
            .checked_sub(1)
        else {
            return vec![String::new(); nfields];
        };
        let key = (self.id, b);
        if cache.key != Some(key) {
            cache.key = None;
            let Some(block) = self.shared_block(b, shared) else {
                return vec![String::new(); nfields];
            };
            *cache = TextCache {
                key: Some(key),
                block,
            };
        }
        self.slice_fields(&cache.block.text, cache.block.base, local, nfields)
    }

    /// Block `b` from `shared`, or decompressed and put there.
    fn shared_block(&self, b: usize, shared: &DocstoreCache) -> Option<Block> {
        if !shared.enabled() {
            return self.block(b);
        }
        if let Some(hit) = shared.get(self.id, b) {
            return Some(hit);
        }
        let block = self.block(b)?;
        self.cached.store(true, Ordering::Relaxed);
        shared.insert(self.id, b, block.clone());
        Some(block)
    }

    /// The texts of document `local` out of its decompressed block.
    fn slice_fields(&self, block: &[u8], base: u64, local: u32, nfields: usize) -> Vec<String> {
        let start = local as usize * nfields;
        let Some(offs) = self.offs.get(start..=start + nfields) else {
            return vec![String::new(); nfields];
        };
        offs.windows(2)
            .map(|w| {
                let (a, z) = (w[0].saturating_sub(base), w[1].saturating_sub(base));
                block
                    .get(a as usize..z as usize)
                    .map(text)
                    .unwrap_or_default()
            })
            .collect()
    }

    /// Uncompressed length of block `b`.
    fn block_len(&self, b: usize) -> Option<u64> {
        let start = *self.block_start.get(b)?;
        let stop = self
            .block_start
            .get(b + 1)
            .copied()
            .or(self.offs.last().copied())?;
        stop.checked_sub(start)
    }

    /// Block `b` decompressed; `None` when it is unknown or damaged.
    fn block(&self, b: usize) -> Option<Block> {
        let (at, end) = (*self.block_at.get(b)?, *self.block_at.get(b + 1)?);
        let len = usize::try_from(self.block_len(b)?).ok()?;
        let bytes = self.data.get(at as usize..end as usize)?;
        // Decompressed in place into the shared buffer (one allocation).
        let mut text: Arc<[u8]> = std::iter::repeat_n(0, len).collect();
        let out = Arc::get_mut(&mut text)?;
        let n = lz4_flex::block::decompress_into(&bytes, out).ok()?;
        (n == len).then_some(Block {
            base: self.block_start[b],
            text,
        })
    }

    /// Heap bytes (offsets, block tables, compressed data).
    pub fn heap_bytes(&self) -> usize {
        8 * (self.offs.len() + self.block_start.len() + self.block_at.len())
            + self.data.heap_bytes()
    }
}

/// The last block of stored text read, for reading several documents of one
/// block (rows of one result set) without even looking in the docstore cache.
#[derive(Debug, Default)]
pub struct TextCache {
    /// The texts (by identity) and block number it holds.
    key: Option<(u64, usize)>,
    block: Block,
}

/// Stored bytes as text: checked in one pass (whole words at a time when ASCII),
/// and only a text that is not UTF-8 (which writes never store) goes through the
/// lossy path.
fn text(bytes: &[u8]) -> String {
    std::str::from_utf8(bytes).map_or_else(
        |_| String::from_utf8_lossy(bytes).into_owned(),
        str::to_owned,
    )
}

/// Builds a [`StoredText`] document by document.
pub struct StoredWriter {
    text: StoredIndex,
    data: Vec<u8>,
    nfields: usize,
    pending: Vec<u8>,
    /// Uncompressed length of the flushed blocks.
    flushed: u64,
}

impl StoredWriter {
    /// A writer for documents of `nfields` fields.
    pub fn new(nfields: usize) -> StoredWriter {
        StoredWriter {
            text: StoredIndex {
                offs: vec![0],
                block_at: vec![0],
                ..StoredIndex::default()
            },
            data: Vec::new(),
            nfields,
            pending: Vec::new(),
            flushed: 0,
        }
    }

    /// Makes room for the texts of `like` (merges), so the buffers do not grow
    /// step by step.
    pub fn reserve_like(&mut self, like: &[&StoredText]) {
        let sum = |f: fn(&StoredText) -> usize| like.iter().map(|t| f(t)).sum::<usize>();
        self.text.offs.reserve(sum(|t| t.offs.len()));
        self.text.block_start.reserve(sum(|t| t.block_start.len()));
        self.text.block_at.reserve(sum(|t| t.block_at.len()));
        self.data.reserve(sum(|t| t.data.heap_bytes()));
    }

    /// Adds a document's texts, one per field (missing ones empty).
    pub fn push<'s>(&mut self, texts: impl Iterator<Item = &'s str>) {
        let mut texts = texts;
        for _ in 0..self.nfields {
            self.pending
                .extend_from_slice(texts.next().unwrap_or("").as_bytes());
            self.text
                .offs
                .push(self.flushed + self.pending.len() as u64);
        }
        if self.pending.len() >= BLOCK_BYTES {
            self.flush();
        }
    }

    /// Adds the documents of `src` whose texts are wholly in its block `b`
    /// (`docs` of them, in order), copying the compressed block.
    fn copy_block(&mut self, src: &StoredText, b: usize, first_doc: usize, docs: usize) {
        self.flush();
        let (Some(&at), Some(&end)) = (src.block_at.get(b), src.block_at.get(b + 1)) else {
            return;
        };
        let base = src.block_start.get(b).copied().unwrap_or(0);
        let len = src.block_len(b).unwrap_or(0);
        self.text.block_start.push(self.flushed);
        if let Some(bytes) = src.data.get(at as usize..end as usize) {
            self.data.extend_from_slice(&bytes);
        }
        self.text.block_at.push(self.data.len() as u64);
        let from = first_doc * self.nfields + 1;
        let offs = src
            .offs
            .get(from..from + docs * self.nfields)
            .unwrap_or(&[]);
        for &o in offs {
            self.text
                .offs
                .push(self.flushed + o.saturating_sub(base).min(len));
        }
        self.flushed += len;
    }

    /// Compresses the gathered text into a block.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        self.text.block_start.push(self.flushed);
        let compressed = lz4_flex::block::compress(&self.pending);
        self.data.extend_from_slice(&compressed);
        self.text.block_at.push(self.data.len() as u64);
        self.flushed += self.pending.len() as u64;
        self.pending.clear();
    }

    /// The finished texts.
    pub fn finish(mut self) -> StoredText {
        self.flush();
        let mut index = self.text;
        if self.flushed == 0 {
            // No text at all: every field of every document is empty.
            index.offs = Vec::new();
        }
        index.offs.shrink_to_fit();
        index.block_start.shrink_to_fit();
        index.block_at.shrink_to_fit();
        let mut data = self.data;
        data.shrink_to_fit();
        StoredText::from_parts(index, Blob::Mem(data))
    }
}

/// Copies the stored texts of the live documents of `src` (`live(local)`, in
/// local order) to `out`: whole blocks when all their documents live, text by
/// text otherwise.
pub fn copy_live(
    src: &StoredText,
    docs: usize,
    nfields: usize,
    live: impl Fn(u32) -> bool,
    out: &mut StoredWriter,
) {
    if src.offs.is_empty() {
        // No text: the live documents get empty fields.
        for _ in (0..docs as u32).filter(|&l| live(l)) {
            out.push(std::iter::empty());
        }
        return;
    }
    let doc_start = |d: usize| src.offs.get(d * nfields).copied().unwrap_or(0);
    let mut d = 0;
    for b in 0..src.block_start.len() {
        let end = src.block_start.get(b + 1).copied().unwrap_or(u64::MAX);
        let first = d;
        while d < docs && doc_start(d) < end {
            d += 1;
        }
        if (first..d).all(|l| live(l as u32)) {
            out.copy_block(src, b, first, d - first);
            continue;
        }
        let block = src.block(b);
        for l in (first..d).filter(|&l| live(l as u32)) {
            let texts = match &block {
                Some(block) => src.slice_fields(&block.text, block.base, l as u32, nfields),
                None => vec![String::new(); nfields],
            };
            out.push(texts.iter().map(String::as_str));
        }
    }
    // Documents after the last block have no text.
    for _ in (d..docs).filter(|&l| live(l as u32)) {
        out.push(std::iter::empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bytes_as_text_lossily_only_when_not_utf8() {
        assert_eq!(text(b"plain"), "plain");
        assert_eq!(text("é漢🎉".as_bytes()), "é漢🎉");
        // A character cut in two, as only a damaged block could hold.
        assert_eq!(text(&"aé".as_bytes()[..2]), "a\u{fffd}");
        assert_eq!(text(b"a\xffb"), "a\u{fffd}b");
    }

    fn build(docs: &[[&str; 2]]) -> StoredText {
        let mut w = StoredWriter::new(2);
        for d in docs {
            w.push(d.iter().copied());
        }
        w.finish()
    }

    fn long(i: usize) -> String {
        format!("{i} ").repeat(3000)
    }

    #[test]
    fn texts_round_trip_across_blocks() {
        let texts: Vec<String> = (0..10).map(long).collect();
        let docs: Vec<[&str; 2]> = texts.iter().map(|t| [t.as_str(), "b"]).collect();
        let mut with_empty = docs.clone();
        with_empty.insert(3, ["", ""]);
        let s = build(&with_empty);
        assert!(s.block_start.len() > 2);
        assert!(s.validate(11, 2));
        assert_eq!(s.fields(0, 2), [long(0), "b".into()]);
        assert_eq!(s.fields(3, 2), ["", ""]);
        assert_eq!(s.fields(10, 2), [long(9), "b".into()]);
        assert_eq!(s.fields(11, 2), ["", ""]);
        // Through one cache, in any order, across blocks and two texts.
        let other = build(&[["x", "y"], ["z", ""]]);
        let mut cache = TextCache::default();
        for (t, local) in [
            (&s, 1),
            (&s, 0),
            (&s, 10),
            (&other, 1),
            (&s, 3),
            (&s, 2),
            (&s, 9),
        ] {
            assert_eq!(
                t.fields_with(local, 2, &mut cache),
                t.fields(local, 2),
                "{local}"
            );
        }
    }

    /// `texts` of two fields each (the second `"b"`), built in memory, and the
    /// same texts with their blocks in a file.
    fn in_memory_and_on_disk(texts: &[String]) -> (StoredText, StoredText, tempfile::TempDir) {
        let docs: Vec<[&str; 2]> = texts.iter().map(|t| [t.as_str(), "b"]).collect();
        let mem = build(&docs);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stored");
        let mut bytes = b"head".to_vec();
        bytes.extend_from_slice(&mem.data.all().unwrap());
        std::fs::write(&path, &bytes).unwrap();
        let file = Blob::File {
            file: Arc::new(std::fs::File::open(&path).unwrap()),
            at: 4,
            len: mem.data.len() as u64,
        };
        let disk = StoredText::from_parts(mem.index.clone(), file);
        assert!(disk.validate(texts.len(), 2));
        (mem, disk, dir)
    }

    fn want(texts: &[String], local: usize) -> Vec<String> {
        vec![texts[local].clone(), "b".into()]
    }

    #[test]
    fn shared_blocks_give_the_same_texts_to_every_result_set() {
        let texts: Vec<String> = (0..40).map(long).collect();
        let (mem, disk, _dir) = in_memory_and_on_disk(&texts);
        assert!(mem.block_start.len() > 5);
        let order: Vec<u32> = (0..40).map(|i| (i * 17) % 40).collect();
        for s in [&mem, &disk] {
            let shared = DocstoreCache::new(1 << 20);
            let (mut first, mut second) = (TextCache::default(), TextCache::default());
            for &local in &order {
                let got = s.fields_through(local, 2, &mut first, &shared);
                assert_eq!(got, want(&texts, local as usize), "{local}");
            }
            let held = shared.len();
            assert_eq!(held, s.block_start.len());
            // A second result set finds every block there, the very same bytes.
            for &local in order.iter().rev() {
                let got = s.fields_through(local, 2, &mut second, &shared);
                assert_eq!(got, want(&texts, local as usize), "{local}");
                let fresh = s.fields_through(local, 2, &mut TextCache::default(), &shared);
                assert_eq!(fresh, got);
            }
            assert_eq!(shared.len(), held);
            first.key = None;
            s.fields_through(order[0], 2, &mut first, &shared);
            assert!(Arc::ptr_eq(&first.block.text, &second.block.text));
            // Through the global cache too.
            assert_eq!(s.fields(39, 2), want(&texts, 39));
        }
    }

    #[test]
    fn shared_cache_keeps_its_bound_or_nothing() {
        let texts: Vec<String> = (0..30).map(long).collect();
        let (mem, disk, _dir) = in_memory_and_on_disk(&texts);
        for s in [&mem, &disk] {
            let small = DocstoreCache::new(40_000);
            let off = DocstoreCache::new(0);
            for round in 0..3 {
                for local in 0..30u32 {
                    for shared in [&small, &off] {
                        let got = s.fields_through(local, 2, &mut TextCache::default(), shared);
                        assert_eq!(got, want(&texts, local as usize), "{round} {local}");
                    }
                    assert!(small.bytes() <= 40_000, "{}", small.bytes());
                    assert!(!small.is_empty());
                    assert!(off.is_empty());
                }
            }
        }
    }

    #[test]
    fn dropped_texts_leave_nothing_for_new_ones() {
        let mut s = build(&[["old", "x"], ["older", "y"]]);
        let old = s.id;
        let mut rows = TextCache::default();
        assert_eq!(s.fields_with(1, 2, &mut rows), ["older", "y"]);
        assert_eq!(docstore_cache::global().blocks_of(old), 1);
        // New texts in the very place of the old ones.
        s = build(&[["new", "z"], ["newer", "w"]]);
        assert_ne!(s.id, old);
        assert_eq!(docstore_cache::global().blocks_of(old), 0);
        assert_eq!(s.fields_with(1, 2, &mut rows), ["newer", "w"]);
        assert_eq!(s.fields(0, 2), ["new", "z"]);
        // Merging reads blocks without putting them in the cache.
        let mut w = StoredWriter::new(2);
        let fresh = build(&[["a", "b"], ["c", "d"]]);
        copy_live(&fresh, 2, 2, |l| l == 1, &mut w);
        assert_eq!(w.finish().fields(0, 2), ["c", "d"]);
        assert_eq!(docstore_cache::global().blocks_of(fresh.id), 0);
    }

    #[test]
    fn damaged_blocks_read_as_empty_texts_and_are_not_kept() {
        let texts: Vec<String> = (0..10).map(long).collect();
        let (mut mem, disk, dir) = in_memory_and_on_disk(&texts);
        let (at, end) = (mem.block_at[1] as usize, mem.block_at[2] as usize);
        let Blob::Mem(bytes) = &mut mem.data else {
            unreachable!()
        };
        bytes[at..end].fill(0xff);
        // The file loses its last block.
        let path = dir.path().join("stored");
        let keep = 4 + disk.block_at[disk.block_at.len() - 2];
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(keep)
            .unwrap();
        let last = (disk.block_start.len() - 1) as u64;
        let in_block = |s: &StoredText, local: usize, b: u64| {
            let first = s.offs[local * 2];
            s.block_start.partition_point(|&x| x <= first) as u64 - 1 == b
        };
        for (s, bad) in [(&mem, 1), (&disk, last)] {
            let shared = DocstoreCache::new(1 << 20);
            for local in 0..10 {
                let got = s.fields_through(local as u32, 2, &mut TextCache::default(), &shared);
                if in_block(s, local, bad) {
                    assert_eq!(got, ["", ""], "{local}");
                } else {
                    assert_eq!(got, want(&texts, local), "{local}");
                }
            }
            assert_eq!(shared.len(), s.block_start.len() - 1);
            assert!(shared.get(s.id, bad as usize).is_none());
        }
    }

    #[test]
    fn copying_keeps_whole_blocks_and_drops_dead_documents() {
        let texts: Vec<String> = (0..12).map(long).collect();
        let docs: Vec<[&str; 2]> = texts.iter().map(|t| [t.as_str(), "x"]).collect();
        let src = build(&docs);
        let mut w = StoredWriter::new(2);
        w.push(["first", ""].into_iter());
        copy_live(&src, 12, 2, |l| l != 5, &mut w);
        copy_live(&src, 12, 2, |_| true, &mut w);
        let out = w.finish();
        assert!(out.validate(1 + 11 + 12, 2));
        assert_eq!(out.fields(0, 2), ["first", ""]);
        assert_eq!(out.fields(5, 2), [long(4), "x".into()]);
        assert_eq!(out.fields(6, 2), [long(6), "x".into()]);
        assert_eq!(out.fields(23, 2), [long(11), "x".into()]);
    }

    #[test]
    fn documents_without_text_keep_no_offsets_and_merge_with_texts() {
        let empty = build(&[["", ""], ["", ""], ["", ""]]);
        assert_eq!(empty.heap_bytes(), 8, "only the end of the (empty) data");
        assert!(empty.validate(3, 2));
        assert_eq!(empty.fields(1, 2), ["", ""]);
        let texts = build(&[["a", "b"]]);
        let mut w = StoredWriter::new(2);
        copy_live(&empty, 3, 2, |l| l != 1, &mut w);
        copy_live(&texts, 1, 2, |_| true, &mut w);
        copy_live(&empty, 3, 2, |_| true, &mut w);
        let out = w.finish();
        assert!(out.validate(6, 2));
        assert_eq!(out.fields(1, 2), ["", ""]);
        assert_eq!(out.fields(2, 2), ["a", "b"]);
        assert_eq!(out.fields(5, 2), ["", ""]);
        let mut w = StoredWriter::new(2);
        copy_live(&empty, 3, 2, |_| true, &mut w);
        assert!(w.finish().validate(3, 2));
        // Offsets missing while texts exist: damaged.
        let mut damaged = texts;
        damaged.index.offs.clear();
        assert!(!damaged.validate(1, 2));
    }
}

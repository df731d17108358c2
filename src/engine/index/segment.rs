//! An immutable segment: documents, their stored fields and field statistics, and
//! an inverted index (sorted term dictionary -> doc ids -> hit positions).
//!
//! Layout is flat (a handful of buffers per segment rather than one per term or
//! per document) to keep the memory small: the dictionary is one string with
//! offsets, term `t` owns `post[term_post[t]..term_post[t + 1]]` (compressed, see
//! `postings`), and the stored fields of all documents are one string with
//! offsets. A hit packs the field number (high 8 bits) and the 1-based word
//! position (low 24 bits), so hits in document order are also in (field,
//! position) order.

use super::super::tokenizer::{FieldStats, Tokenizer};
use super::blob::Blob;
use super::field_stats::FieldStatsVec;
use super::head::SegmentHead;
use super::postings::{Postings, PostingsWriter};
use super::stored::{copy_live, StoredText, StoredWriter};
use crate::engine::types::StoredFields;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// Bits of a hit that hold the position.
pub const POS_BITS: u32 = 24;
const POS_MASK: u32 = (1 << POS_BITS) - 1;

/// Packs a field number and a position into a hit.
#[inline]
pub fn pack_hit(field: usize, pos: u32) -> u32 {
    ((field as u32) << POS_BITS) | pos.min(POS_MASK)
}

/// The field of a hit.
#[inline]
pub fn hit_field(hit: u32) -> usize {
    (hit >> POS_BITS) as usize
}

/// The position of a hit within its field.
#[inline]
pub fn hit_pos(hit: u32) -> u32 {
    hit & POS_MASK
}

/// A set of local document numbers (deleted documents of a segment).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Bits(Vec<u64>);

impl Bits {
    /// An empty set able to hold `n` bits.
    pub fn with_len(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    #[inline]
    pub fn get(&self, i: u32) -> bool {
        let i = i as usize;
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    pub fn set(&mut self, i: u32) {
        let i = i as usize;
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
}

/// An immutable segment.
#[derive(Debug, Default)]
pub struct Segment {
    nfields: usize,
    ids: Vec<u64>,
    /// `(id, local)` pairs in id order when `ids` do not ascend, built on first
    /// use (a chunk opened at start-up answers queries before it is needed).
    by_id: OnceLock<Vec<(u64, u32)>>,
    /// `ids` ascending.
    ids_ascending: bool,
    stored: StoredText,
    field_stats: FieldStatsVec,
    term_text: String,
    term_off: Vec<u32>,
    term_post: Vec<u64>,
    /// The postings of all terms (in memory, or in a disk chunk file).
    post: Blob,
}

impl Segment {
    /// The in-memory part of the segment (copied), its postings bytes and its
    /// compressed stored texts, for writing a disk chunk.
    pub fn parts(&self) -> (SegmentHead, &Blob, &Blob) {
        let (index, data) = self.stored.parts();
        let head = SegmentHead {
            nfields: self.nfields,
            ids: self.ids.clone(),
            field_stats: self.field_stats.clone(),
            stored: index.clone(),
            term_text: self.term_text.clone(),
            term_off: self.term_off.clone(),
            term_post: self.term_post.clone(),
        };
        (head, &self.post, data)
    }

    /// A segment from its parts (a disk chunk read back); inconsistent offsets
    /// are an error. Postings in a file are checked when read (cursors stop at
    /// damaged bytes), in memory now.
    pub fn from_parts(head: SegmentHead, post: Blob, stored: Blob) -> Result<Segment, String> {
        let mut seg = Segment {
            nfields: head.nfields,
            ids: head.ids,
            by_id: OnceLock::new(),
            ids_ascending: false,
            stored: StoredText::from_parts(head.stored, stored),
            field_stats: head.field_stats,
            term_text: head.term_text,
            term_off: head.term_off,
            term_post: head.term_post,
            post,
        };
        // Lookups by id sort their pairs on first use (or in the start-up
        // warm-up): a chunk just opened answers searches before.
        seg.ids_ascending = ascending(&seg.ids);
        if seg.nfields > crate::engine::MAX_FIELDS
            || Some(seg.field_stats.len()) != seg.ids.len().checked_mul(seg.nfields)
        {
            return Err("field lengths do not match the documents".into());
        }
        seg.validate()?;
        Ok(seg)
    }

    /// True when the postings stay in a file (a disk chunk).
    pub fn on_disk(&self) -> bool {
        self.post.is_file()
    }

    /// Checks the offsets of a segment read back from disk, so that a damaged file
    /// is an error rather than a panic later.
    pub fn validate(&self) -> Result<(), String> {
        let n = self.ids.len();
        let ok = self.ids_ascending == ascending(&self.ids)
            && self.term_off.windows(2).all(|w| w[0] <= w[1])
            && self
                .term_off
                .last()
                .is_none_or(|&e| e as usize <= self.term_text.len())
            && self
                .term_off
                .iter()
                .all(|&o| self.term_text.is_char_boundary(o as usize))
            && self.term_post.len() == self.term_off.len()
            && self.term_post.windows(2).all(|w| w[0] <= w[1])
            && self
                .term_post
                .last()
                .is_none_or(|&e| e as usize <= self.post.len())
            && (self.post.is_file()
                || (0..self.term_count()).all(|t| self.postings(t).validate(n)))
            && self.stored.validate(n, self.nfields);
        if ok {
            Ok(())
        } else {
            Err("inconsistent segment".into())
        }
    }

    /// Number of documents (live or not).
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
    /// The id of a local document.
    pub fn id(&self, local: u32) -> u64 {
        self.ids[local as usize]
    }
    /// True when ids grow with local numbers (as in segments of bulk loads), so
    /// that local order is id order.
    pub fn ids_ascending(&self) -> bool {
        self.ids_ascending
    }
    /// The local number of an id.
    pub fn local_of(&self, id: u64) -> Option<u32> {
        if self.ids_ascending {
            return self.ids.binary_search(&id).ok().map(|l| l as u32);
        }
        let by_id = self.by_id_index();
        by_id
            .binary_search_by_key(&id, |&(i, _)| i)
            .ok()
            .map(|k| by_id[k].1)
    }
    /// The `k`-th `(id, local)` pair in id order.
    pub fn by_id(&self, k: usize) -> Option<(u64, u32)> {
        if self.ids_ascending {
            return self.ids.get(k).map(|&id| (id, k as u32));
        }
        self.by_id_index().get(k).copied()
    }
    /// Builds what lookups by id need now rather than on first use.
    pub fn warm(&self) {
        self.warm_ids();
        self.field_stats.as_slice();
    }
    fn warm_ids(&self) {
        if !self.ids_ascending {
            self.by_id_index();
        }
    }
    /// `(id, local)` pairs sorted by id (for ids that do not ascend).
    fn by_id_index(&self) -> &[(u64, u32)] {
        self.by_id.get_or_init(|| {
            let mut by_id: Vec<(u64, u32)> = self
                .ids
                .iter()
                .enumerate()
                .map(|(i, &id)| (id, i as u32))
                .collect();
            // A merge of batches leaves ascending runs: the (run-detecting)
            // stable sort merges them rather than sorting from scratch.
            by_id.sort();
            by_id
        })
    }
    /// Stored fields of a local document (empty strings for unstored fields).
    pub fn stored(&self, local: u32) -> StoredFields<'_> {
        StoredFields::new(&self.stored, local, self.nfields)
    }
    /// Length and last position of a field of a local document.
    #[inline]
    pub fn field_stats(&self, local: u32, field: usize) -> FieldStats {
        self.field_stats
            .get(local as usize * self.nfields + field)
            .unwrap_or_default()
    }
    /// Number of terms in the dictionary.
    pub fn term_count(&self) -> usize {
        self.term_off.len().saturating_sub(1)
    }
    /// The `t`-th term of the sorted dictionary.
    pub fn term(&self, t: usize) -> &str {
        &self.term_text[self.term_off[t] as usize..self.term_off[t + 1] as usize]
    }
    /// The dictionary index of a term.
    pub fn find(&self, term: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.term_count());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.term(mid).cmp(term) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }
    /// Dictionary indexes of the terms starting with `prefix`.
    pub fn prefix_range(&self, prefix: &str) -> Range<usize> {
        let n = self.term_count();
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.term(mid) < prefix {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let mut end = lo;
        while end < n && self.term(end).starts_with(prefix) {
            end += 1;
        }
        lo..end
    }
    /// Dictionary indexes of the terms (stems and original forms) containing `infix`.
    pub fn infix_terms(&self, infix: &str) -> Vec<usize> {
        (0..self.term_count())
            .filter(|&t| self.term(t).contains(infix))
            .collect()
    }
    /// The postings of the `t`-th term.
    pub fn postings(&self, t: usize) -> Postings<'_> {
        let range = match (self.term_post.get(t), self.term_post.get(t + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        };
        match &self.post {
            Blob::Mem(bytes) => Postings::new(bytes.get(range).unwrap_or_default()),
            file => match file.get(range) {
                Some(bytes) => Postings::shared(Arc::new(bytes.into_owned())),
                None => Postings::new(&[]),
            },
        }
    }
    /// Heap bytes held by each part of the segment (for memory reports).
    pub fn heap_bytes(&self) -> Vec<(&'static str, usize)> {
        use std::mem::size_of_val;
        vec![
            ("ids", size_of_val(self.ids.as_slice())),
            (
                "by_id",
                self.by_id.get().map_or(0, |b| size_of_val(b.as_slice())),
            ),
            ("stored", self.stored.heap_bytes()),
            ("field_stats", self.field_stats.heap_bytes()),
            ("term_text", self.term_text.len()),
            ("term_off", size_of_val(self.term_off.as_slice())),
            ("term_post", size_of_val(self.term_post.as_slice())),
            ("post", self.post.heap_bytes()),
        ]
    }
    /// Gives the documents their ids (in local order); for a segment built
    /// before its ids were known.
    pub fn set_ids(&mut self, ids: Vec<u64>) {
        debug_assert_eq!(ids.len(), self.ids.len());
        self.ids = ids;
        self.index_ids();
    }
    /// Notes whether ids ascend; when they do not, sorts `(id, local)` pairs
    /// for lookups by id now (segments built in memory: merges do it in the
    /// background, not in the next write that looks an id up).
    fn index_ids(&mut self) {
        self.ids_ascending = ascending(&self.ids);
        self.by_id = OnceLock::new();
        self.warm_ids();
    }
    /// Number of fields per document.
    pub fn nfields(&self) -> usize {
        self.nfields
    }
}

fn ascending(ids: &[u64]) -> bool {
    ids.windows(2).all(|w| w[0] < w[1])
}

/// Collects documents into a new segment.
pub struct SegmentBuilder {
    seg: Segment,
    post: Vec<u8>,
    stored: StoredWriter,
    /// The number of each distinct term of the documents added, in order of
    /// first appearance.
    terms: HashMap<String, u32, BuildHasherDefault<WordHasher>>,
    /// Every `(term number, local document, hit)` in the order added (one flat
    /// list rather than one per term: fewer allocations and no growth copies).
    hits: Vec<(u32, u32, u32)>,
}

/// A fast hasher for the words of a batch being indexed (FNV-1a over 8-byte
/// words; the keys are our own tokens, so no flooding defence is needed).
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        const PRIME: u64 = 0x0000_0100_0000_01b3;
        let mut h = self.0 ^ 0xcbf2_9ce4_8422_2325;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h ^ u64::from_le_bytes(w)).wrapping_mul(PRIME);
            h ^= h >> 29;
        }
        for &b in chunks.remainder() {
            h = (h ^ u64::from(b)).wrapping_mul(PRIME);
        }
        self.0 = h ^ (h >> 32);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl SegmentBuilder {
    /// A builder for documents with `nfields` full-text fields.
    pub fn new(nfields: usize) -> SegmentBuilder {
        SegmentBuilder {
            seg: Segment {
                nfields,
                term_off: vec![0],
                term_post: vec![0],
                ..Segment::default()
            },
            stored: StoredWriter::new(nfields),
            post: Vec::new(),
            terms: HashMap::default(),
            hits: Vec::new(),
        }
    }

    /// Adds a document: `indexed[f]` tells whether field `f` is indexed, `stored`
    /// holds what is kept for display (one text per field).
    pub fn add(
        &mut self,
        tok: &Tokenizer,
        id: u64,
        texts: &[String],
        indexed: &[bool],
        stored: &[&str],
    ) {
        let local = self.seg.ids.len() as u32;
        self.seg.ids.push(id);
        self.stored.push(stored.iter().copied());
        for f in 0..self.seg.nfields {
            let text = texts.get(f).map(String::as_str).unwrap_or("");
            let stats = if indexed.get(f).copied().unwrap_or(true) {
                let (terms, hits) = (&mut self.terms, &mut self.hits);
                tok.index_field(text, |term, pos| {
                    let next = terms.len() as u32;
                    let t = match terms.get(term) {
                        Some(&t) => t,
                        None => {
                            terms.insert(term.to_string(), next);
                            next
                        }
                    };
                    hits.push((t, local, pack_hit(f, pos)));
                })
            } else {
                FieldStats::default()
            };
            self.seg.field_stats.vec_mut().push(stats);
        }
    }

    /// Adds a document already indexed elsewhere (used by merging); its stored
    /// texts come with `copy_stored`.
    pub fn push_doc(&mut self, id: u64, stats: &[FieldStats]) -> u32 {
        let local = self.seg.ids.len() as u32;
        self.seg.ids.push(id);
        self.seg.field_stats.vec_mut().extend_from_slice(stats);
        local
    }

    /// Makes room for the contents of `inputs` (merges), so the buffers do not
    /// grow step by step (and leave freed copies behind).
    pub fn reserve_like(&mut self, inputs: &[&Segment]) {
        let sum = |f: fn(&Segment) -> usize| inputs.iter().map(|s| f(s)).sum::<usize>();
        let seg = &mut self.seg;
        seg.ids.reserve(sum(|s| s.ids.len()));
        seg.field_stats
            .vec_mut()
            .reserve(sum(|s| s.field_stats.len()));
        seg.term_text.reserve(sum(|s| s.term_text.len()));
        seg.term_off.reserve(sum(|s| s.term_off.len()));
        seg.term_post.reserve(sum(|s| s.term_post.len()));
        self.post.reserve(sum(|s| s.post.heap_bytes()));
        let stored: Vec<&StoredText> = inputs.iter().map(|s| &s.stored).collect();
        self.stored.reserve_like(&stored);
    }

    /// Appends the stored texts of the documents of `seg` for which `live`
    /// holds (those given to `push_doc`, in the same order).
    pub fn copy_stored(&mut self, seg: &Segment, live: impl Fn(u32) -> bool) {
        copy_live(
            &seg.stored,
            seg.len(),
            self.seg.nfields,
            live,
            &mut self.stored,
        );
    }

    /// Appends one term's postings (emptying `postings`); terms must come in
    /// ascending order.
    pub fn push_term(&mut self, term: &str, postings: &mut PostingsWriter) {
        let seg = &mut self.seg;
        seg.term_text.push_str(term);
        seg.term_off.push(seg.term_text.len() as u32);
        postings.finish(&mut self.post);
        seg.term_post.push(self.post.len() as u64);
    }

    /// Finishes the segment.
    pub fn build(mut self) -> Segment {
        let lists = group_hits(self.terms.len(), &std::mem::take(&mut self.hits));
        let mut terms: Vec<(u64, String, u32)> = self
            .terms
            .drain()
            .map(|(term, t)| (sort_prefix(&term), term, t))
            .collect();
        // Most comparisons end on the first eight bytes, compared as one number.
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        let mut writer = PostingsWriter::default();
        let mut hits: Vec<u32> = Vec::new();
        for (_, term, t) in &terms {
            let list = lists.of(*t as usize);
            for (k, &(doc, hit)) in list.iter().enumerate() {
                hits.push(hit);
                if list.get(k + 1).is_none_or(|n| n.0 != doc) {
                    writer.push(doc, &hits);
                    hits.clear();
                }
            }
            self.push_term(term, &mut writer);
        }
        self.finish()
    }

    /// Finishes a segment whose terms were pushed with `push_term`.
    pub fn finish(self) -> Segment {
        let mut seg = self.seg;
        seg.stored = self.stored.finish();
        seg.index_ids();
        seg.ids.shrink_to_fit();
        seg.field_stats.vec_mut().shrink_to_fit();
        seg.term_text.shrink_to_fit();
        seg.term_off.shrink_to_fit();
        seg.term_post.shrink_to_fit();
        let mut post = self.post;
        post.shrink_to_fit();
        seg.post = Blob::Mem(post);
        seg
    }
}

/// The first eight bytes of `term` as a big-endian number (zero-padded): ordering
/// two terms by it agrees with their byte order whenever the numbers differ.
fn sort_prefix(term: &str) -> u64 {
    let mut b = [0u8; 8];
    let n = term.len().min(8);
    b[..n].copy_from_slice(&term.as_bytes()[..n]);
    u64::from_be_bytes(b)
}

/// The `(local document, hit)` pairs of every term, grouped by term number.
struct HitLists {
    start: Vec<usize>,
    pairs: Vec<(u32, u32)>,
}

impl HitLists {
    fn of(&self, t: usize) -> &[(u32, u32)] {
        &self.pairs[self.start[t]..self.start[t + 1]]
    }
}

/// Groups `(term, local, hit)` triples by term (a counting sort, so each term's
/// pairs keep the order they were added in: documents, then positions).
fn group_hits(nterms: usize, hits: &[(u32, u32, u32)]) -> HitLists {
    let mut start = vec![0usize; nterms + 1];
    for &(t, _, _) in hits {
        start[t as usize + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut next = start.clone();
    let mut pairs = vec![(0u32, 0u32); hits.len()];
    for &(t, doc, hit) in hits {
        let slot = &mut next[t as usize];
        pairs[*slot] = (doc, hit);
        *slot += 1;
    }
    HitLists { start, pairs }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::types::TableSettings;

    /// A one-field segment of `(id, text)` documents (shared by the index tests).
    pub(crate) fn build(docs: &[(u64, &str)]) -> Segment {
        let tok = Tokenizer::new(&TableSettings::default()).unwrap();
        let mut b = SegmentBuilder::new(1);
        for (id, text) in docs {
            b.add(&tok, *id, &[text.to_string()], &[true], &[text]);
        }
        b.build()
    }

    #[test]
    fn postings_and_dictionary() {
        let seg = build(&[(10, "a b a"), (5, "b c")]);
        assert_eq!(seg.len(), 2);
        assert_eq!(seg.local_of(5), Some(1));
        assert_eq!(seg.local_of(7), None);
        let t = seg.find("a").unwrap();
        assert_eq!(
            docs_and_hits(&seg, t),
            [(0, vec![pack_hit(0, 1), pack_hit(0, 3)])]
        );
        let b = docs_and_hits(&seg, seg.find("b").unwrap());
        assert_eq!(b, [(0, vec![pack_hit(0, 2)]), (1, vec![pack_hit(0, 1)])]);
        assert_eq!(seg.prefix_range("b"), 1..2);
        assert_eq!(seg.infix_terms("c"), vec![2]);
        assert_eq!(seg.field_stats(0, 0), FieldStats { len: 3, end: 3 });
        assert_eq!(seg.stored(1).to_vec(), ["b c"]);
        assert!(seg.validate().is_ok());
    }

    #[test]
    fn dictionary_is_in_byte_order_past_eight_bytes() {
        let text = "abcdefghij abcdefgh zz abcdefghi abcdefgha a abcdefgh\u{e9} abcdefg b";
        let seg = build(&[(1, text), (2, "abcdefghi a")]);
        let terms: Vec<&str> = (0..seg.term_count()).map(|t| seg.term(t)).collect();
        let mut sorted = terms.clone();
        sorted.sort_unstable();
        assert_eq!(terms, sorted);
        assert_eq!(terms.len(), 9);
        let t = seg.find("abcdefghi").unwrap();
        assert_eq!(
            docs_and_hits(&seg, t),
            [(0, vec![pack_hit(0, 4)]), (1, vec![pack_hit(0, 1)])]
        );
    }

    /// The documents of a term with their hits.
    pub(crate) fn docs_and_hits(seg: &Segment, t: usize) -> Vec<(u32, Vec<u32>)> {
        let mut cur = seg.postings(t).cursor();
        let mut out = Vec::new();
        while let Some((doc, _)) = cur.next_doc() {
            let mut hits = Vec::new();
            cur.read_hits(&mut hits);
            out.push((doc, hits));
        }
        out
    }

    #[test]
    fn bits() {
        let mut bits = Bits::with_len(100);
        bits.set(70);
        assert!(bits.get(70));
        assert!(!bits.get(69));
        assert!(!bits.get(1000));
    }
}

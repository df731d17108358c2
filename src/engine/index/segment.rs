//! An immutable segment: documents, their stored fields and field statistics, and
//! an inverted index (sorted term dictionary -> doc ids -> hit positions).
//!
//! Layout is flat (a handful of vectors per segment rather than one per term) to
//! keep the memory small: term `t` owns `docs[term_docs[t]..term_docs[t + 1]]`, and
//! the `i`-th entry of `docs` owns `hits[hit_off[i]..hit_off[i + 1]]`. A hit packs
//! the field number (high 8 bits) and the 1-based word position (low 24 bits), so
//! hits in document order are also in (field, position) order.

use super::super::tokenizer::{FieldStats, Tokenizer};
use std::collections::HashMap;
use std::ops::Range;

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

/// The postings of one term in one segment.
#[derive(Debug, Clone, Copy)]
pub struct Postings<'a> {
    /// Local document numbers, ascending.
    pub docs: &'a [u32],
    hit_off: &'a [u32],
    all_hits: &'a [u32],
}

impl<'a> Postings<'a> {
    /// The hits of the `i`-th document of this list.
    /// Number of hits in all documents of this list.
    pub fn hit_count(&self) -> usize {
        (self.hit_off[self.docs.len()] - self.hit_off[0]) as usize
    }
    #[inline]
    pub fn hits(&self, i: usize) -> &'a [u32] {
        &self.all_hits[self.hit_off[i] as usize..self.hit_off[i + 1] as usize]
    }
}

/// An immutable segment.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Segment {
    nfields: usize,
    ids: Vec<u64>,
    by_id: Vec<(u64, u32)>,
    stored: Vec<Vec<String>>,
    field_stats: Vec<FieldStats>,
    term_text: String,
    term_off: Vec<u32>,
    term_docs: Vec<u32>,
    docs: Vec<u32>,
    hit_off: Vec<u32>,
    hits: Vec<u32>,
}

impl Segment {
    /// Checks the offsets of a segment read back from disk, so that a damaged file
    /// is an error rather than a panic later.
    pub fn validate(&self) -> Result<(), String> {
        let n = self.ids.len();
        let ok = self.by_id.len() == n
            && self.by_id.iter().all(|&(_, l)| (l as usize) < n)
            && self.term_off.windows(2).all(|w| w[0] <= w[1])
            && self
                .term_off
                .last()
                .is_none_or(|&e| e as usize <= self.term_text.len())
            && self.term_docs.len() == self.term_off.len()
            && self.term_docs.windows(2).all(|w| w[0] <= w[1])
            && self
                .term_docs
                .last()
                .is_none_or(|&e| e as usize <= self.docs.len())
            && self.docs.iter().all(|&d| (d as usize) < n)
            && (self.hit_off.len() == self.docs.len() + 1
                || (self.hit_off.is_empty() && self.docs.is_empty()))
            && self.hit_off.windows(2).all(|w| w[0] <= w[1])
            && self
                .hit_off
                .last()
                .is_none_or(|&e| e as usize <= self.hits.len())
            && self
                .term_off
                .iter()
                .all(|&o| self.term_text.is_char_boundary(o as usize));
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
    /// The local number of an id.
    pub fn local_of(&self, id: u64) -> Option<u32> {
        self.by_id
            .binary_search_by_key(&id, |&(i, _)| i)
            .ok()
            .map(|k| self.by_id[k].1)
    }
    /// `(id, local)` pairs in id order.
    pub fn by_id(&self) -> &[(u64, u32)] {
        &self.by_id
    }
    /// Stored fields of a local document (empty strings for unstored fields).
    pub fn stored(&self, local: u32) -> &[String] {
        &self.stored[local as usize]
    }
    /// Length and last position of a field of a local document.
    #[inline]
    pub fn field_stats(&self, local: u32, field: usize) -> FieldStats {
        self.field_stats
            .get(local as usize * self.nfields + field)
            .copied()
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
        let (a, b) = (self.term_docs[t] as usize, self.term_docs[t + 1] as usize);
        Postings {
            docs: &self.docs[a..b],
            hit_off: &self.hit_off[a..=b],
            all_hits: &self.hits,
        }
    }
    /// Number of fields per document.
    pub fn nfields(&self) -> usize {
        self.nfields
    }
}

/// Collects documents into a new segment.
pub struct SegmentBuilder {
    seg: Segment,
    terms: HashMap<String, Vec<(u32, u32)>>,
}

impl SegmentBuilder {
    /// A builder for documents with `nfields` full-text fields.
    pub fn new(nfields: usize) -> SegmentBuilder {
        SegmentBuilder {
            seg: Segment {
                nfields,
                ..Segment::default()
            },
            terms: HashMap::new(),
        }
    }

    /// Adds a document: `indexed[f]` tells whether field `f` is indexed, `stored`
    /// holds what is kept for display.
    pub fn add(
        &mut self,
        tok: &Tokenizer,
        id: u64,
        texts: &[String],
        indexed: &[bool],
        stored: Vec<String>,
    ) {
        let local = self.seg.ids.len() as u32;
        self.seg.ids.push(id);
        self.seg.stored.push(stored);
        for f in 0..self.seg.nfields {
            let text = texts.get(f).map(String::as_str).unwrap_or("");
            let stats = if indexed.get(f).copied().unwrap_or(true) {
                let terms = &mut self.terms;
                tok.index_field(text, |term, pos| {
                    let hit = (local, pack_hit(f, pos));
                    match terms.get_mut(term) {
                        Some(list) => list.push(hit),
                        None => {
                            terms.insert(term.to_string(), vec![hit]);
                        }
                    }
                })
            } else {
                FieldStats::default()
            };
            self.seg.field_stats.push(stats);
        }
    }

    /// Adds a document already indexed elsewhere (used by merging).
    pub fn push_doc(&mut self, id: u64, stored: Vec<String>, stats: &[FieldStats]) -> u32 {
        let local = self.seg.ids.len() as u32;
        self.seg.ids.push(id);
        self.seg.stored.push(stored);
        self.seg.field_stats.extend_from_slice(stats);
        local
    }

    /// Appends one term's postings; terms must come in ascending order.
    pub fn push_term(&mut self, term: &str, docs: &[(u32, &[u32])]) {
        let seg = &mut self.seg;
        if seg.term_off.is_empty() {
            seg.term_off.push(0);
            seg.term_docs.push(0);
            seg.hit_off.push(0);
        }
        seg.term_text.push_str(term);
        seg.term_off.push(seg.term_text.len() as u32);
        for (doc, hits) in docs {
            seg.docs.push(*doc);
            seg.hits.extend_from_slice(hits);
            seg.hit_off.push(seg.hits.len() as u32);
        }
        seg.term_docs.push(seg.docs.len() as u32);
    }

    /// Finishes the segment.
    pub fn build(mut self) -> Segment {
        let mut terms: Vec<(String, Vec<(u32, u32)>)> = self.terms.drain().collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut hits_buf: Vec<u32> = Vec::new();
        let mut bounds: Vec<(u32, usize, usize)> = Vec::new();
        for (term, list) in &terms {
            hits_buf.clear();
            bounds.clear();
            for &(doc, hit) in list {
                match bounds.last_mut() {
                    Some(last) if last.0 == doc => last.2 += 1,
                    _ => bounds.push((doc, hits_buf.len(), hits_buf.len() + 1)),
                }
                hits_buf.push(hit);
            }
            let grouped: Vec<(u32, &[u32])> = bounds
                .iter()
                .map(|&(d, a, b)| (d, &hits_buf[a..b]))
                .collect();
            self.push_term(term, &grouped);
        }
        self.finish()
    }

    /// Finishes a segment whose terms were pushed with `push_term`.
    pub fn finish(mut self) -> Segment {
        let seg = &mut self.seg;
        if seg.term_off.is_empty() {
            seg.term_off.push(0);
            seg.term_docs.push(0);
            seg.hit_off.push(0);
        }
        seg.by_id = seg
            .ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i as u32))
            .collect();
        seg.by_id.sort_unstable();
        std::mem::take(&mut self.seg)
    }
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
            b.add(
                &tok,
                *id,
                &[text.to_string()],
                &[true],
                vec![text.to_string()],
            );
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
        let p = seg.postings(t);
        assert_eq!(p.docs, &[0]);
        assert_eq!(p.hits(0), &[pack_hit(0, 1), pack_hit(0, 3)]);
        let b = seg.postings(seg.find("b").unwrap());
        assert_eq!(b.docs, &[0, 1]);
        assert_eq!(b.hits(1), &[pack_hit(0, 1)]);
        assert_eq!(seg.prefix_range("b"), 1..2);
        assert_eq!(seg.infix_terms("c"), vec![2]);
        assert_eq!(seg.field_stats(0, 0), FieldStats { len: 3, end: 3 });
        assert_eq!(seg.stored(1), &["b c".to_string()]);
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

//! Compressed postings. A term's postings are one byte string: its document
//! count and hit count, then per document the delta from the previous document
//! number (shifted left, the low bit set when the document has one hit), the
//! document's hit count (when not one) and its hits, every number a LEB128
//! varint.
//! A hit is `pos_delta << 1` within the field of the previous hit (field 0 at
//! first), or `pos << 1 | 1` followed by the field's delta when the field
//! changes. Readers walk them with a [`DocCursor`].
//!
//! A term in more than [`SKIP_BLOCK`] documents gets a skip table ahead of its
//! documents, so that [`DocCursor::seek`] can jump over whole blocks: the header
//! is then a zero (no list starts so: an empty one is `0 0`), the document and
//! hit counts, the number of entries and the table's byte length. The entry of
//! block `k` (counted from one) holds the document before the block (the
//! `k * SKIP_BLOCK`-th) and where the block starts in the document bytes, both
//! as deltas from the entry before.
//!
//! Decoding never panics: damaged bytes end the list early (and `validate` of a
//! segment read from disk refuses them first).

use super::segment::POS_BITS;
use std::sync::Arc;

const POS_MASK: u32 = (1 << POS_BITS) - 1;

/// Documents per skip block.
pub const SKIP_BLOCK: u32 = 64;

/// Appends `v` as a LEB128 varint (7 bits a byte, low bits first).
#[inline]
pub fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads the varint at `*pos` and moves past it; `None` when the bytes end first
/// or it runs longer than five bytes.
#[inline]
pub fn get_varint(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    let mut v = 0u32;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
        shift += 7;
        if shift > 28 {
            return None;
        }
    }
}

/// Encodes the postings of one term, document by document (ascending).
#[derive(Default)]
pub struct PostingsWriter {
    body: Vec<u8>,
    docs: u32,
    hits: u32,
    prev: u32,
    /// Per block after the first: (document before it, its offset in `body`).
    skips: Vec<(u32, u32)>,
}

impl PostingsWriter {
    /// Adds a document (greater than the previous one) and its hits (ascending).
    pub fn push(&mut self, doc: u32, hits: &[u32]) {
        if self.docs > 0 && self.docs.is_multiple_of(SKIP_BLOCK) {
            self.skips.push((self.prev, self.body.len() as u32));
        }
        let step = doc.wrapping_sub(self.prev) << 1;
        self.prev = doc;
        if hits.len() == 1 {
            put_varint(&mut self.body, step | 1);
        } else {
            put_varint(&mut self.body, step);
            put_varint(&mut self.body, hits.len() as u32);
        }
        let (mut field, mut pos) = (0u32, 0u32);
        for &h in hits {
            let (f, p) = (h >> POS_BITS, h & POS_MASK);
            if f == field {
                put_varint(&mut self.body, p.wrapping_sub(pos) << 1);
            } else {
                put_varint(&mut self.body, p << 1 | 1);
                put_varint(&mut self.body, f.wrapping_sub(field));
                field = f;
            }
            pos = p;
        }
        self.docs += 1;
        self.hits = self.hits.saturating_add(hits.len() as u32);
    }

    /// True when no document was added since the last `finish`.
    pub fn is_empty(&self) -> bool {
        self.docs == 0
    }

    /// Appends the encoded postings to `out` and starts over.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if !self.skips.is_empty() {
            let mut table = Vec::with_capacity(self.skips.len() * 4);
            let (mut doc, mut off) = (0u32, 0u32);
            for &(d, o) in &self.skips {
                put_varint(&mut table, d.wrapping_sub(doc));
                put_varint(&mut table, o.wrapping_sub(off));
                (doc, off) = (d, o);
            }
            put_varint(out, 0);
            put_varint(out, self.docs);
            put_varint(out, self.hits);
            put_varint(out, self.skips.len() as u32);
            put_varint(out, table.len() as u32);
            out.extend_from_slice(&table);
            self.skips.clear();
        } else {
            put_varint(out, self.docs);
            put_varint(out, self.hits);
        }
        out.extend_from_slice(&self.body);
        self.body.clear();
        self.docs = 0;
        self.hits = 0;
        self.prev = 0;
    }
}

/// Encoded postings: borrowed from a segment in memory, or read from a disk
/// chunk into a buffer that the postings and their cursors share.
#[derive(Debug, Clone)]
enum Bytes<'a> {
    Borrowed(&'a [u8]),
    Shared(Arc<Vec<u8>>),
}

impl Bytes<'_> {
    #[inline]
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Borrowed(b) => b,
            Bytes::Shared(b) => b,
        }
    }
}

/// The postings of one term in one segment.
#[derive(Debug, Clone)]
pub struct Postings<'a> {
    bytes: Bytes<'a>,
    docs: u32,
    hits: u32,
    body: usize,
    /// Where the skip table's bytes are (empty without one) and its entry count.
    skips: std::ops::Range<usize>,
    nskips: u32,
}

impl<'a> Postings<'a> {
    /// Postings over the encoded bytes of one term.
    pub fn new(bytes: &'a [u8]) -> Postings<'a> {
        Postings::build(Bytes::Borrowed(bytes))
    }

    /// Postings over bytes read from a file (owned by the postings).
    pub fn shared(bytes: Arc<Vec<u8>>) -> Postings<'static> {
        Postings::build(Bytes::Shared(bytes))
    }

    fn build(bytes: Bytes<'a>) -> Postings<'a> {
        let parsed = Self::parse(bytes.as_slice());
        let Some((docs, hits, body, skips, nskips)) = parsed else {
            return Postings {
                // A damaged header: no documents (and `validate` fails, the bytes
                // not being used up).
                bytes,
                docs: 0,
                hits: 0,
                body: 0,
                skips: 0..0,
                nskips: 0,
            };
        };
        Postings {
            bytes,
            docs,
            hits,
            body,
            skips,
            nskips,
        }
    }

    /// The header: documents, hits, where the documents start, the skip table's
    /// range and entry count; `None` when damaged.
    fn parse(bytes: &[u8]) -> Option<(u32, u32, usize, std::ops::Range<usize>, u32)> {
        let mut pos = 0;
        let first = get_varint(bytes, &mut pos)?;
        let second = get_varint(bytes, &mut pos)?;
        if first == 0 && second > 0 {
            let hits = get_varint(bytes, &mut pos)?;
            let nskips = get_varint(bytes, &mut pos)?;
            let len = get_varint(bytes, &mut pos)? as usize;
            let end = pos.checked_add(len).filter(|&e| e <= bytes.len())?;
            return Some((second, hits, end, pos..end, nskips));
        }
        Some((first, second, pos, 0..0, 0))
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs as usize
    }

    /// True when the term is in no document.
    pub fn is_empty(&self) -> bool {
        self.docs == 0
    }

    /// Number of hits in all documents.
    pub fn hit_count(&self) -> usize {
        self.hits as usize
    }

    /// A cursor at the first document.
    pub fn cursor(&self) -> DocCursor<'a> {
        DocCursor {
            bytes: self.bytes.clone(),
            pos: self.body,
            doc: 0,
            left: self.docs,
            pending: 0,
            skip: SkipReader {
                end: self.skips.end,
                pos: self.skips.start,
                left: self.nskips,
                block: 0,
                doc: 0,
                off: 0,
                ahead: None,
            },
            body: self.body,
            docs: self.docs,
        }
    }

    /// Checks that the bytes decode to what the header says, documents ascending
    /// and below `ndocs`.
    pub fn validate(&self, ndocs: usize) -> bool {
        let mut cur = self.cursor();
        let mut skip = cur.skip.clone();
        let (mut docs, mut hits, mut prev) = (0u32, 0u32, None);
        // Lists written before skip tables existed have none.
        if self.nskips != 0 && self.nskips != self.docs.saturating_sub(1) / SKIP_BLOCK {
            return false;
        }
        loop {
            if self.nskips > 0 && docs > 0 && docs < self.docs && docs % SKIP_BLOCK == 0 {
                let here = (cur.pos - self.body) as u64;
                if !skip.advance(cur.bytes.as_slice())
                    || (skip.doc, u64::from(skip.off)) != (cur.doc, here)
                {
                    return false;
                }
            }
            let Some((doc, n)) = cur.next_doc() else {
                break;
            };
            if doc as usize >= ndocs || prev.is_some_and(|p| p >= doc) || !cur.skip_hits() {
                return false;
            }
            prev = Some(doc);
            docs += 1;
            hits = hits.saturating_add(n);
        }
        docs == self.docs
            && hits == self.hits
            && cur.pos == self.bytes.as_slice().len()
            && skip.left == 0
            && skip.pos == self.skips.end
    }
}

/// Reads a skip table entry by entry.
#[derive(Clone)]
struct SkipReader {
    /// Where the table ends in the postings' bytes, and the next entry's place.
    end: usize,
    pos: usize,
    /// Entries not read yet.
    left: u32,
    /// The last entry read: its block number (0 before any), the document
    /// before the block and the block's offset in the document bytes.
    block: u32,
    doc: u32,
    off: u32,
    /// The next entry, once peeked: (document, offset, table position after it).
    ahead: Option<(u32, u32, usize)>,
}

impl SkipReader {
    /// Decodes the entry after the last one read.
    fn decode_next(&self, bytes: &[u8]) -> Option<(u32, u32, usize)> {
        if self.left == 0 {
            return None;
        }
        let table = bytes.get(..self.end)?;
        let mut pos = self.pos;
        let d = get_varint(table, &mut pos)?;
        let o = get_varint(table, &mut pos)?;
        Some((self.doc.wrapping_add(d), self.off.wrapping_add(o), pos))
    }

    /// Reads the next entry; false at the end or on damaged bytes.
    fn advance(&mut self, bytes: &[u8]) -> bool {
        match self.ahead.take().or_else(|| self.decode_next(bytes)) {
            Some((doc, off, pos)) => {
                (self.doc, self.off, self.pos) = (doc, off, pos);
                self.left -= 1;
                self.block += 1;
                true
            }
            None => {
                self.left = 0;
                false
            }
        }
    }

    /// The next entry without reading it: (block, document before it).
    #[inline]
    fn peek(&mut self, bytes: &[u8]) -> Option<(u32, u32)> {
        if self.ahead.is_none() {
            self.ahead = self.decode_next(bytes);
        }
        self.ahead.map(|(doc, _, _)| (self.block + 1, doc))
    }
}

/// Walks the documents of a term's postings; the hits of each document can be
/// read or skipped.
pub struct DocCursor<'a> {
    bytes: Bytes<'a>,
    pos: usize,
    doc: u32,
    left: u32,
    pending: u32,
    skip: SkipReader,
    /// Where the documents start, and how many there are.
    body: usize,
    docs: u32,
}

impl DocCursor<'_> {
    /// Moves past the current document to the first one at or after `target`
    /// and returns it with its hit count, like [`DocCursor::next_doc`] (`None`
    /// when the list ends first). Whole blocks below `target` are jumped over
    /// with the skip table.
    pub fn seek(&mut self, target: u32) -> Option<(u32, u32)> {
        let read = self.docs - self.left;
        // The last block that starts at or after the next document to read and
        // whose preceding document is below `target`.
        let mut jump = None;
        while let Some((block, before)) = self.skip.peek(self.bytes.as_slice()) {
            let first = u64::from(block) * u64::from(SKIP_BLOCK);
            if first >= u64::from(read) && before >= target {
                break;
            }
            self.skip.advance(self.bytes.as_slice());
            if first >= u64::from(read) && first < u64::from(self.docs) {
                jump = Some((first as u32, self.skip.doc, self.skip.off));
            }
        }
        if let Some((first, doc, off)) = jump {
            self.pos = self.body.saturating_add(off as usize);
            self.doc = doc;
            self.left = self.docs - first;
            self.pending = 0;
        }
        loop {
            let (doc, n) = self.next_doc()?;
            if doc >= target {
                return Some((doc, n));
            }
        }
    }

    /// The next document and its hit count (skipping the unread hits of the
    /// previous one).
    #[inline]
    pub fn next_doc(&mut self) -> Option<(u32, u32)> {
        if self.pending > 0 && !self.skip_hits() {
            self.left = 0;
        }
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let step = get_varint(self.bytes.as_slice(), &mut self.pos);
        let n = match step {
            Some(s) if s & 1 == 1 => Some(1),
            Some(_) => get_varint(self.bytes.as_slice(), &mut self.pos),
            None => None,
        };
        let (Some(step), Some(n)) = (step, n) else {
            self.left = 0;
            return None;
        };
        self.doc = self.doc.wrapping_add(step >> 1);
        self.pending = n;
        Some((self.doc, n))
    }

    /// The hits of the current document, into `out` (cleared first).
    #[inline]
    pub fn read_hits(&mut self, out: &mut Vec<u32>) {
        out.clear();
        let (mut field, mut pos) = (0u32, 0u32);
        while self.pending > 0 {
            self.pending -= 1;
            let Some(v) = get_varint(self.bytes.as_slice(), &mut self.pos) else {
                return self.damaged();
            };
            if v & 1 == 0 {
                pos = pos.wrapping_add(v >> 1);
            } else {
                let Some(d) = get_varint(self.bytes.as_slice(), &mut self.pos) else {
                    return self.damaged();
                };
                field = field.wrapping_add(d);
                pos = v >> 1;
            }
            out.push(field << POS_BITS | (pos & POS_MASK));
        }
    }

    /// Ends the list early (damaged bytes).
    fn damaged(&mut self) {
        self.left = 0;
        self.pending = 0;
    }

    /// Moves past the hits of the current document; false on damaged bytes.
    #[inline]
    fn skip_hits(&mut self) -> bool {
        while self.pending > 0 {
            self.pending -= 1;
            match get_varint(self.bytes.as_slice(), &mut self.pos) {
                Some(v) if v & 1 == 0 => {}
                Some(_) if get_varint(self.bytes.as_slice(), &mut self.pos).is_some() => {}
                _ => {
                    self.pending = 0;
                    return false;
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(docs: &[(u32, &[u32])]) -> Vec<u8> {
        let mut w = PostingsWriter::default();
        for (d, h) in docs {
            w.push(*d, h);
        }
        let mut out = Vec::new();
        w.finish(&mut out);
        out
    }

    #[test]
    fn varints_round_trip() {
        for v in [0, 1, 127, 128, 300, 1 << 21, u32::MAX] {
            let mut b = Vec::new();
            put_varint(&mut b, v);
            let mut pos = 0;
            assert_eq!(get_varint(&b, &mut pos), Some(v));
            assert_eq!(pos, b.len());
        }
        assert_eq!(get_varint(&[0x80, 0x80], &mut 0), None);
        assert_eq!(get_varint(&[0xff; 6], &mut 0), None);
    }

    #[test]
    fn documents_and_hits_round_trip() {
        let two_fields = [3, 1 << 24, (1 << 24) + 2, (3 << 24) + 1];
        let bytes = encode(&[(0, &[5, 9]), (3, &two_fields), (400, &[7])]);
        let p = Postings::new(&bytes);
        assert_eq!((p.len(), p.hit_count()), (3, 7));
        assert!(p.validate(401));
        assert!(!p.validate(400));
        let mut cur = p.cursor();
        let mut hits = Vec::new();
        assert_eq!(cur.next_doc(), Some((0, 2)));
        // The hits of document 0 are skipped unread.
        assert_eq!(cur.next_doc(), Some((3, 4)));
        cur.read_hits(&mut hits);
        assert_eq!(hits, two_fields);
        assert_eq!(cur.next_doc(), Some((400, 1)));
        cur.read_hits(&mut hits);
        assert_eq!(hits, [7]);
        assert_eq!(cur.next_doc(), None);
    }

    #[test]
    fn damaged_bytes_end_the_list() {
        let mut bytes = encode(&[(1, &[1, 2, 3]), (2, &[4])]);
        bytes.truncate(bytes.len() - 2);
        let p = Postings::new(&bytes);
        assert!(!p.validate(10));
        let mut cur = p.cursor();
        let mut n = 0;
        while cur.next_doc().is_some() {
            n += 1;
        }
        assert!(n <= 2);
        assert!(!Postings::new(&[0xff; 8]).validate(10));
    }

    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u32 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 16) as u32
        }
        fn below(&mut self, n: u32) -> u32 {
            self.next() % n.max(1)
        }
    }

    /// Random postings: `n` documents with gaps up to `gap`, 1-4 hits each.
    fn random_docs(rng: &mut Rng, n: usize, gap: u32) -> Vec<(u32, Vec<u32>)> {
        let mut doc = rng.below(gap);
        (0..n)
            .map(|i| {
                if i > 0 {
                    doc += 1 + rng.below(gap);
                }
                let mut hits: Vec<u32> = (0..1 + rng.below(4))
                    .map(|_| rng.below(2) << POS_BITS | rng.below(50))
                    .collect();
                hits.sort_unstable();
                hits.dedup();
                (doc, hits)
            })
            .collect()
    }

    fn encode_owned(docs: &[(u32, Vec<u32>)]) -> Vec<u8> {
        let refs: Vec<(u32, &[u32])> = docs.iter().map(|(d, h)| (*d, h.as_slice())).collect();
        encode(&refs)
    }

    /// The plain answer to `seek(target)` after position `i` (the next unread
    /// document): its index.
    fn plain_seek(docs: &[(u32, Vec<u32>)], i: usize, target: u32) -> Option<usize> {
        (i..docs.len()).find(|&k| docs[k].0 >= target)
    }

    #[test]
    fn seek_agrees_with_walking_on_random_postings() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..200 {
            let n = [0, 1, 5, 63, 64, 65, 128, 129, 1000, 5000][round % 10];
            let gap = [1, 3, 40][round % 3];
            let docs = random_docs(&mut rng, n, gap);
            let bytes = encode_owned(&docs);
            let p = Postings::new(&bytes);
            assert_eq!(p.len(), n);
            let end = docs.last().map_or(1, |d| d.0 + 1);
            assert!(p.validate(end as usize), "round {round} n {n} gap {gap}");
            let mut cur = p.cursor();
            let (mut next, mut hits) = (0usize, Vec::new());
            let mut target = 0;
            loop {
                // Mix seeks (short and long) with plain steps and hit reads.
                if rng.below(4) == 0 {
                    let got = cur.next_doc();
                    assert_eq!(got, docs.get(next).map(|d| (d.0, d.1.len() as u32)));
                    if got.is_none() {
                        break;
                    }
                    target = docs[next].0 + 1;
                    next += 1;
                } else {
                    let span = if rng.below(2) == 0 {
                        4 * gap
                    } else {
                        600 * gap
                    };
                    target += rng.below(span);
                    let want = plain_seek(&docs, next, target);
                    let got = cur.seek(target);
                    assert_eq!(got, want.map(|k| (docs[k].0, docs[k].1.len() as u32)));
                    let Some(k) = want else { break };
                    next = k + 1;
                    target = docs[k].0 + 1;
                }
                if rng.below(2) == 0 {
                    cur.read_hits(&mut hits);
                    assert_eq!(hits, docs[next - 1].1);
                }
            }
        }
    }

    #[test]
    fn long_lists_carry_a_skip_table_and_short_ones_do_not() {
        let mut rng = Rng(7);
        let short = encode_owned(&random_docs(&mut rng, SKIP_BLOCK as usize, 5));
        assert_ne!(short[0], 0);
        let docs = random_docs(&mut rng, 4 * SKIP_BLOCK as usize + 44, 5);
        let long = encode_owned(&docs);
        assert_eq!(long[0], 0, "the skip table marker");
        let p = Postings::new(&long);
        assert_eq!((p.len(), p.nskips), (docs.len(), 4));
        // Lists without a table (as written before tables existed) still read,
        // validate and seek.
        let mut plain = Vec::new();
        put_varint(&mut plain, p.docs);
        put_varint(&mut plain, p.hits);
        plain.extend_from_slice(&long[p.body..]);
        let q = Postings::new(&plain);
        assert!(q.validate(10_000));
        assert_eq!(
            q.cursor().seek(docs[250].0),
            Some((docs[250].0, docs[250].1.len() as u32))
        );
        // A table whose entry disagrees with the documents is refused.
        let mut bad = long.clone();
        let first_entry = p.body - p.skips.len();
        bad[first_entry] ^= 1;
        assert!(!Postings::new(&bad).validate(10_000));
        assert!(p.validate(10_000));
    }

    #[test]
    fn damaged_bytes_never_panic_a_seek() {
        let mut rng = Rng(42);
        let docs = random_docs(&mut rng, 700, 6);
        let bytes = encode_owned(&docs);
        for round in 0..3000 {
            let mut bad = bytes.clone();
            if round % 3 == 0 {
                bad.truncate(rng.below(bytes.len() as u32) as usize);
            }
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(bad.len() as u32) as usize;
                if let Some(b) = bad.get_mut(i) {
                    *b = rng.next() as u8;
                }
            }
            let p = Postings::new(&bad);
            let _ = p.validate(5000);
            let mut cur = p.cursor();
            let (mut target, mut hits, mut steps) = (0u32, Vec::new(), 0);
            while steps < 2000 {
                steps += 1;
                target = target.saturating_add(rng.below(300));
                match cur.seek(target) {
                    Some((d, _)) => {
                        cur.read_hits(&mut hits);
                        target = d.saturating_add(1);
                    }
                    None => break,
                }
            }
        }
    }
}

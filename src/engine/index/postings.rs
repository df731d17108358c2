//! Compressed postings. A term's postings are one byte string: its document
//! count and hit count, then per document the delta from the previous document
//! number (shifted left, the low bit set when the document has one hit), the
//! document's hit count (when not one) and its hits, every number a LEB128
//! varint.
//! A hit is `pos_delta << 1` within the field of the previous hit (field 0 at
//! first), or `pos << 1 | 1` followed by the field's delta when the field
//! changes. Readers walk them with a [`DocCursor`].
//!
//! Decoding never panics: damaged bytes end the list early (and `validate` of a
//! segment read from disk refuses them first).

use super::segment::POS_BITS;
use std::sync::Arc;

const POS_MASK: u32 = (1 << POS_BITS) - 1;

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
}

impl PostingsWriter {
    /// Adds a document (greater than the previous one) and its hits (ascending).
    pub fn push(&mut self, doc: u32, hits: &[u32]) {
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
        put_varint(out, self.docs);
        put_varint(out, self.hits);
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
}

impl<'a> Postings<'a> {
    /// Postings over the encoded bytes of one term.
    pub fn new(bytes: &'a [u8]) -> Postings<'a> {
        Postings::parse(Bytes::Borrowed(bytes))
    }

    /// Postings over bytes read from a file (owned by the postings).
    pub fn shared(bytes: Arc<Vec<u8>>) -> Postings<'static> {
        Postings::parse(Bytes::Shared(bytes))
    }

    fn parse(bytes: Bytes<'a>) -> Postings<'a> {
        let mut pos = 0;
        let (docs, hits) = {
            let b = bytes.as_slice();
            (get_varint(b, &mut pos), get_varint(b, &mut pos))
        };
        match (docs, hits) {
            (Some(docs), Some(hits)) => Postings {
                bytes,
                docs,
                hits,
                body: pos,
            },
            // A damaged header: no documents (and `validate` fails, the bytes
            // not being used up).
            _ => Postings {
                bytes,
                docs: 0,
                hits: 0,
                body: 0,
            },
        }
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
        }
    }

    /// Checks that the bytes decode to what the header says, documents ascending
    /// and below `ndocs`.
    pub fn validate(&self, ndocs: usize) -> bool {
        let mut cur = self.cursor();
        let (mut docs, mut hits, mut prev) = (0u32, 0u32, None);
        while let Some((doc, n)) = cur.next_doc() {
            if doc as usize >= ndocs || prev.is_some_and(|p| p >= doc) || !cur.skip_hits() {
                return false;
            }
            prev = Some(doc);
            docs += 1;
            hits = hits.saturating_add(n);
        }
        docs == self.docs && hits == self.hits && cur.pos == self.bytes.as_slice().len()
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
}

impl DocCursor<'_> {
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
}

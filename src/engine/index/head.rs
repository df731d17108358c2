//! The part of a segment kept in memory whatever backs its postings and stored
//! texts (a disk chunk's head), and a decoder of its postcard bytes written for
//! start-up: it reads the arrays (ids, field lengths, term offsets: millions of
//! varints for a large chunk) in tight loops rather than element by element
//! through serde, which took most of the time of opening a chunk.

use super::field_stats::{end_of_varints, FieldStatsVec};
use super::stored::StoredIndex;
use std::sync::Arc;

/// The dictionary, ids, field lengths and the stored-text index of a segment.
#[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SegmentHead {
    pub(super) nfields: usize,
    pub(super) ids: Vec<u64>,
    pub(super) field_stats: FieldStatsVec,
    pub(super) stored: StoredIndex,
    pub(super) term_text: String,
    pub(super) term_off: Vec<u32>,
    pub(super) term_post: Vec<u64>,
}

impl SegmentHead {
    /// Decodes what `postcard::to_extend` wrote for a head; every byte must
    /// belong to it. Damaged bytes are an error, never a panic. The field
    /// lengths are only found now, and decoded from `bytes` on first use.
    pub fn from_postcard(bytes: Vec<u8>) -> Result<SegmentHead, String> {
        let bytes = Arc::new(bytes);
        let mut r = Reader {
            buf: &bytes[..],
            pos: 0,
        };
        let nfields = usize::try_from(r.varint(u64::MAX)?).map_err(|_| r.bad())?;
        // The ids are found now and decoded on a second thread while this one
        // decodes the rest (each is mostly the kernel handing out fresh pages).
        let n = r.len()?;
        let ids_at = r.pos;
        r.pos += end_of_varints(&r.buf[ids_at..], n).ok_or_else(|| r.bad())?;
        let ids_bytes = &r.buf[ids_at..r.pos];
        let n_stats = r.len()?;
        let start = r.pos;
        let size = end_of_varints(&r.buf[start..], 2 * n_stats).ok_or_else(|| r.bad())?;
        r.pos += size;
        let field_stats = FieldStatsVec::encoded(Arc::clone(&bytes), start..r.pos, n_stats);
        let (ids, rest) = std::thread::scope(|scope| {
            let ids = scope.spawn(move || {
                let mut ids = Reader {
                    buf: ids_bytes,
                    pos: 0,
                };
                let mut out = Vec::with_capacity(n);
                for _ in 0..n {
                    out.push(ids.varint(u64::MAX)?);
                }
                Ok::<_, String>(out)
            });
            let rest = r.rest();
            let ids = ids
                .join()
                .unwrap_or_else(|_| Err("segment ids: decoder panicked".into()));
            (ids, rest)
        });
        let (stored, term_text, term_off, term_post) = rest?;
        let ids = ids.map_err(|e| format!("{e} (in the ids)"))?;
        Ok(SegmentHead {
            nfields,
            ids,
            field_stats,
            stored,
            term_text,
            term_off,
            term_post,
        })
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

/// A head's parts after the field lengths: the stored-text index and the
/// dictionary.
type Rest = (StoredIndex, String, Vec<u32>, Vec<u64>);

impl Reader<'_> {
    /// Decodes the parts after the field lengths, to the last byte.
    fn rest(&mut self) -> Result<Rest, String> {
        let stored = StoredIndex {
            offs: self.u64s()?,
            block_start: self.u64s()?,
            block_at: self.u64s()?,
        };
        let n = self.len()?;
        let text = self.take(n)?.to_vec();
        let term_text = String::from_utf8(text).map_err(|_| "term text is not UTF-8")?;
        let n = self.len()?;
        let mut term_off = Vec::with_capacity(n);
        for _ in 0..n {
            term_off.push(self.varint(u32::MAX.into())? as u32);
        }
        let term_post = self.u64s()?;
        if self.pos != self.buf.len() {
            return Err(format!(
                "{} bytes after the segment head",
                self.buf.len() - self.pos
            ));
        }
        Ok((stored, term_text, term_off, term_post))
    }

    fn bad(&self) -> String {
        format!("segment head damaged at byte {}", self.pos)
    }

    /// A LEB128 varint no larger than `max` (postcard's integers and lengths).
    #[inline(always)]
    fn varint(&mut self, max: u64) -> Result<u64, String> {
        if let Some(&b) = self.buf.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(b.into());
            }
        }
        // Up to 8 bytes (values below 2^56) from one load: the first byte
        // without the continuation bit ends it, then the 7-bit groups are
        // packed together.
        if let Some(word) = self.buf.get(self.pos..self.pos + 8) {
            let mut le = [0u8; 8];
            le.copy_from_slice(word);
            let x = u64::from_le_bytes(le);
            let stops = !x & 0x8080_8080_8080_8080;
            if stops != 0 {
                let bytes = (stops.trailing_zeros() / 8 + 1) as usize;
                let x = x & (u64::MAX >> (64 - 8 * bytes));
                let mut v = 0;
                for group in 0..8 {
                    v |= ((x >> (8 * group)) & 0x7f) << (7 * group);
                }
                if v > max {
                    return Err(self.bad());
                }
                self.pos += bytes;
                return Ok(v);
            }
        }
        self.varint_long(max)
    }

    #[inline(never)]
    fn varint_long(&mut self, max: u64) -> Result<u64, String> {
        let mut v: u64 = 0;
        for shift in (0..70).step_by(7) {
            let b = *self.buf.get(self.pos).ok_or_else(|| self.bad())?;
            self.pos += 1;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return Err(self.bad());
            }
            v |= part << shift;
            if b < 0x80 {
                return if v <= max { Ok(v) } else { Err(self.bad()) };
            }
        }
        Err(self.bad())
    }

    /// A sequence length: at most the bytes left (every element takes one).
    fn len(&mut self) -> Result<usize, String> {
        let n = self.varint(u64::MAX)?;
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= self.buf.len() - self.pos)
            .ok_or_else(|| self.bad())
    }

    fn u64s(&mut self) -> Result<Vec<u64>, String> {
        let n = self.len()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.varint(u64::MAX)?);
        }
        Ok(out)
    }

    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.pos.checked_add(n).ok_or_else(|| self.bad())?;
        let part = self.buf.get(self.pos..end).ok_or_else(|| self.bad())?;
        self.pos = end;
        Ok(part)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tokenizer::FieldStats;

    fn sample() -> SegmentHead {
        SegmentHead {
            nfields: 2,
            ids: vec![1, 127, 128, 300, 1 << 35, u64::MAX],
            field_stats: FieldStatsVec::from_vec(
                (0..12)
                    .map(|i| FieldStats {
                        len: i * 40,
                        end: if i == 5 { u32::MAX } else { i * 41 },
                    })
                    .collect(),
            ),
            stored: StoredIndex {
                offs: vec![0, 5, 200, 70_000],
                block_start: vec![0],
                block_at: vec![0, 99],
            },
            term_text: "abcédé\u{2}x".into(),
            term_off: vec![0, 3, 8, 10],
            term_post: vec![0, 130, 20_000, 1 << 40],
        }
    }

    #[test]
    fn reads_what_postcard_wrote() {
        let head = sample();
        let bytes = postcard::to_stdvec(&head).unwrap();
        assert_eq!(SegmentHead::from_postcard(bytes.clone()).unwrap(), head);
        let empty = postcard::to_stdvec(&SegmentHead::default()).unwrap();
        assert_eq!(
            SegmentHead::from_postcard(empty.clone()).unwrap(),
            SegmentHead::default()
        );
    }

    #[test]
    fn varints_of_every_length_read_back() {
        let ids: Vec<u64> = (0..64)
            .flat_map(|b| [1u64 << b, (1u64 << b) - 1, (1u64 << b) + 1])
            .chain([u64::MAX, 0])
            .collect();
        let head = SegmentHead {
            ids,
            ..SegmentHead::default()
        };
        let bytes = postcard::to_stdvec(&head).unwrap();
        assert_eq!(SegmentHead::from_postcard(bytes.clone()).unwrap(), head);
        // At the very end of the bytes too (fewer than 8 left).
        let last = SegmentHead {
            term_post: vec![300, 1 << 20, 1 << 50],
            ..SegmentHead::default()
        };
        let bytes = postcard::to_stdvec(&last).unwrap();
        assert_eq!(SegmentHead::from_postcard(bytes.clone()).unwrap(), last);
    }

    #[test]
    fn damaged_bytes_are_errors_like_postcards() {
        let head = sample();
        let bytes = postcard::to_stdvec(&head).unwrap();
        // Where the field lengths are (decoded on first use: a value there past
        // 32 bits is cut rather than an error).
        let stats = head.field_stats.as_slice();
        let start = postcard::to_stdvec(&(head.nfields, &head.ids, stats.len()))
            .unwrap()
            .len();
        let lazy = start..start + postcard::to_stdvec(stats).unwrap().len() - 1;
        // Every truncation, and every single-byte change, is either an error
        // for both decoders or the same head for both (but for the above).
        for cut in 0..bytes.len() {
            assert!(
                SegmentHead::from_postcard(bytes[..cut].to_vec()).is_err(),
                "cut {cut}"
            );
        }
        for at in 0..bytes.len() {
            for v in [0u8, 0x7f, 0x80, 0xff] {
                let mut b = bytes.clone();
                b[at] = v;
                let ours = SegmentHead::from_postcard(b.clone()).ok();
                let theirs = postcard::take_from_bytes::<SegmentHead>(&b)
                    .ok()
                    .filter(|(_, rest)| rest.is_empty())
                    .map(|(h, _)| h);
                if theirs.is_some() || !lazy.contains(&at) {
                    assert_eq!(ours, theirs, "byte {at} = {v:#x}");
                }
            }
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(SegmentHead::from_postcard(longer.clone()).is_err());
    }
}

//! The field lengths of a segment's documents (`documents * fields` of them):
//! decoded, or still the varints of a disk chunk's head, decoded on first use.
//! Only the `SPH04` ranker and the `end$` anchor read them, so a daemon opening a
//! large chunk answers other searches without waiting for millions of them.

use super::postings::get_varint;
use crate::engine::tokenizer::FieldStats;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// Head bytes and where in them the stats are.
type Pending = (Arc<Vec<u8>>, Range<usize>);

#[derive(Default)]
pub struct FieldStatsVec {
    len: usize,
    cell: OnceLock<Vec<FieldStats>>,
    /// The head bytes holding them and where (pairs of LEB128 varints).
    pending: Mutex<Option<Pending>>,
}

impl FieldStatsVec {
    pub fn from_vec(stats: Vec<FieldStats>) -> FieldStatsVec {
        FieldStatsVec {
            len: stats.len(),
            cell: OnceLock::from(stats),
            pending: Mutex::new(None),
        }
    }

    /// `len` field stats encoded in `bytes[range]` (exactly `2 * len` varints:
    /// see `end_of_varints`), decoded on first use.
    pub fn encoded(bytes: Arc<Vec<u8>>, range: Range<usize>, len: usize) -> FieldStatsVec {
        FieldStatsVec {
            len,
            cell: OnceLock::new(),
            pending: Mutex::new(Some((bytes, range))),
        }
    }

    pub fn len(&self) -> usize {
        self.cell.get().map_or(self.len, Vec::len)
    }

    /// The stats, decoded now if they were not yet (other threads wait).
    pub fn as_slice(&self) -> &[FieldStats] {
        self.cell.get_or_init(|| {
            let taken = self
                .pending
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            match taken {
                Some((bytes, range)) => decode(bytes.get(range).unwrap_or_default(), self.len),
                None => Vec::new(),
            }
        })
    }

    pub fn get(&self, i: usize) -> Option<FieldStats> {
        self.as_slice().get(i).copied()
    }

    /// The vector, for a segment being built.
    pub fn vec_mut(&mut self) -> &mut Vec<FieldStats> {
        self.as_slice();
        self.cell.get_mut().expect("initialized just above")
    }

    /// Heap bytes held (what is decoded; the head bytes are counted by no one
    /// until then, and freed after).
    pub fn heap_bytes(&self) -> usize {
        self.cell
            .get()
            .map_or(0, |v| std::mem::size_of_val(v.as_slice()))
    }
}

impl std::fmt::Debug for FieldStatsVec {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self.cell.get() {
            Some(v) => f.debug_list().entries(v).finish(),
            None => write!(f, "{} field stats not decoded yet", self.len),
        }
    }
}

impl Clone for FieldStatsVec {
    fn clone(&self) -> FieldStatsVec {
        FieldStatsVec::from_vec(self.as_slice().to_vec())
    }
}

impl PartialEq for FieldStatsVec {
    fn eq(&self, other: &FieldStatsVec) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl serde::Serialize for FieldStatsVec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for FieldStatsVec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<FieldStatsVec, D::Error> {
        Vec::deserialize(d).map(FieldStatsVec::from_vec)
    }
}

/// Where the `count`-th varint starting at `bytes[0]` ends (the index after
/// its last byte); `None` when the bytes hold fewer. Counts the bytes without
/// the continuation bit eight at a time (one word, a popcount).
pub fn end_of_varints(bytes: &[u8], count: usize) -> Option<usize> {
    if count == 0 {
        return Some(0);
    }
    let mut seen = 0;
    let mut at = 0;
    let mut words = bytes.chunks_exact(8);
    for word in words.by_ref() {
        let mut le = [0u8; 8];
        le.copy_from_slice(word);
        let ends = (!u64::from_le_bytes(le) & 0x8080_8080_8080_8080).count_ones() as usize;
        if seen + ends >= count {
            break;
        }
        seen += ends;
        at += 8;
    }
    for (i, &b) in bytes[at..].iter().enumerate() {
        if b < 0x80 {
            seen += 1;
            if seen == count {
                return Some(at + i + 1);
            }
        }
    }
    None
}

/// Decodes `len` pairs of varints; a value past `u32` (a head written wrong:
/// its checksum was right) reads as `u32::MAX`, never a panic.
fn decode(bytes: &[u8], len: usize) -> Vec<FieldStats> {
    let mut out = Vec::with_capacity(len);
    let mut at = 0;
    let mut next = || {
        get_varint(bytes, &mut at).unwrap_or_else(|| {
            // Past the rest of the too long varint.
            while bytes.get(at).is_some_and(|&b| b >= 0x80) {
                at += 1;
            }
            at += 1;
            u32::MAX
        })
    };
    for _ in 0..len {
        let len = next();
        let end = next();
        out.push(FieldStats { len, end });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_of_varints_are_found_across_blocks() {
        let mut bytes = Vec::new();
        for v in 0u32..200 {
            bytes.extend(postcard::to_stdvec(&(v * 97)).unwrap());
        }
        let mut at = 0;
        for n in 1..=200 {
            let one = postcard::to_stdvec(&((n as u32 - 1) * 97)).unwrap().len();
            at += one;
            assert_eq!(end_of_varints(&bytes, n), Some(at), "varint {n}");
        }
        assert_eq!(end_of_varints(&bytes, 201), None);
        assert_eq!(end_of_varints(&bytes, 0), Some(0));
    }

    #[test]
    fn decoded_on_first_use_as_written() {
        let stats: Vec<FieldStats> = (0..300)
            .map(|i| FieldStats {
                len: i * 1000,
                end: if i == 7 { u32::MAX } else { i },
            })
            .collect();
        let mut bytes = vec![0xAA; 3];
        let body = postcard::to_stdvec(&stats).unwrap();
        // The sequence's length, then the pairs.
        let skip = postcard::to_stdvec(&300usize).unwrap().len();
        bytes.extend_from_slice(&body[skip..]);
        let end = 3 + end_of_varints(&bytes[3..], 600).unwrap();
        assert_eq!(end, bytes.len());
        let lazy = FieldStatsVec::encoded(Arc::new(bytes), 3..end, 300);
        assert_eq!(lazy.heap_bytes(), 0);
        assert_eq!(lazy.len(), 300);
        assert_eq!(lazy.get(7), Some(stats[7]));
        assert_eq!(lazy.as_slice(), &stats[..]);
        let mut copy = lazy.clone();
        copy.vec_mut().push(FieldStats::default());
        assert_eq!((lazy.as_slice().len(), copy.as_slice().len()), (300, 301));
        // Values past 32 bits (a head written wrong) read as the largest, not a panic.
        let wide = postcard::to_stdvec(&[u64::MAX, 5]).unwrap();
        let lazy = FieldStatsVec::encoded(Arc::new(wide.clone()), 1..wide.len(), 1);
        assert_eq!(
            lazy.get(0),
            Some(FieldStats {
                len: u32::MAX,
                end: 5
            })
        );
    }
}

//! Attribute rows of a segment, kept in chunks copied on write; a disk chunk's
//! rows are kept as read from the file until first use (or the start-up warm-up)
//! decodes them, so that a daemon answers full-text queries before its largest
//! chunks' attributes are ready.

use crate::engine::index::get_varint;
use crate::engine::types::AttrValue;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// Rows per attribute chunk (the unit copied when one value changes).
const CHUNK_ROWS: usize = 256;

/// Attribute rows of a segment, by local document number: chunks of
/// `CHUNK_ROWS` rows of `width` values each, stored flat.
#[derive(Debug, Default)]
pub struct AttrStore {
    width: usize,
    len: usize,
    chunks: OnceLock<Vec<Arc<Vec<AttrValue>>>>,
    /// The rows as a disk chunk holds them, until `chunks` is first needed.
    encoded: Mutex<Option<Encoded>>,
}

/// Rows in the format `&[&[AttrValue]]` is written in (postcard).
struct Encoded(Vec<u8>);

impl std::fmt::Debug for Encoded {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{} encoded bytes", self.0.len())
    }
}

impl Clone for AttrStore {
    /// A copy shares the chunks (each copied when one of its values changes);
    /// encoded rows are decoded first.
    fn clone(&self) -> AttrStore {
        AttrStore {
            width: self.width,
            len: self.len,
            chunks: OnceLock::from(self.chunks().to_vec()),
            encoded: Mutex::new(None),
        }
    }
}

impl AttrStore {
    /// A store holding these rows (all as long as the first).
    pub fn from_rows(rows: Vec<Vec<AttrValue>>) -> AttrStore {
        let width = rows.first().map_or(0, Vec::len);
        let len = rows.len();
        let mut flat = Vec::with_capacity(len * width);
        for mut row in rows {
            row.resize(width, AttrValue::Int(0));
            flat.extend(row);
        }
        AttrStore::from_flat(flat, width, len)
    }
    /// A store of `len` rows of `width` values laid end to end.
    pub fn from_flat(values: Vec<AttrValue>, width: usize, len: usize) -> AttrStore {
        let per_chunk = (CHUNK_ROWS * width).max(1);
        let mut chunks = Vec::with_capacity(values.len().div_ceil(per_chunk));
        let mut iter = values.into_iter().peekable();
        while iter.peek().is_some() {
            chunks.push(Arc::new(iter.by_ref().take(per_chunk).collect()));
        }
        AttrStore::ready(width, len, chunks)
    }
    fn ready(width: usize, len: usize, chunks: Vec<Arc<Vec<AttrValue>>>) -> AttrStore {
        AttrStore {
            width,
            len,
            chunks: OnceLock::from(chunks),
            encoded: Mutex::new(None),
        }
    }
    /// Rows as a disk chunk holds them (what `&[&[AttrValue]]` is written as),
    /// decoded on first use. Only the row count and the first row's length are
    /// read now; rows that then fail to decode (the file's checksum was right,
    /// so they were written wrong) are logged and read as empty.
    pub fn encoded(bytes: Vec<u8>) -> Result<AttrStore, String> {
        // Row numbers are u32 (local document numbers), so are row lengths.
        let mut at = 0;
        let mut varint = || get_varint(&bytes, &mut at).map(|v| v as usize);
        let bad = || "attribute rows: bad row count".to_string();
        let len = varint().ok_or_else(bad)?;
        let width = if len > 0 {
            varint().ok_or_else(bad)?
        } else {
            0
        };
        Ok(AttrStore {
            width,
            len,
            chunks: OnceLock::new(),
            encoded: Mutex::new(Some(Encoded(bytes))),
        })
    }
    /// The chunks, decoded now if they were not yet (other threads asking
    /// meanwhile wait for them).
    fn chunks(&self) -> &[Arc<Vec<AttrValue>>] {
        self.chunks.get_or_init(|| {
            let taken = self
                .encoded
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            let Some(Encoded(bytes)) = taken else {
                return Vec::new();
            };
            match postcard::from_bytes::<AttrStore>(&bytes) {
                Ok(store) if (store.len, store.width) == (self.len, self.width) => {
                    store.chunks.into_inner().unwrap_or_default()
                }
                Ok(_) => {
                    tracing::error!("attribute rows of a disk chunk do not match its head; they read as empty");
                    Vec::new()
                }
                Err(e) => {
                    tracing::error!("attribute rows of a disk chunk cannot be decoded ({e}); they read as empty");
                    Vec::new()
                }
            }
        })
    }
    /// Decodes the rows now if they are still encoded.
    pub fn warm(&self) {
        self.chunks();
    }
    /// Rows held.
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether no row is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Values per row.
    pub fn width(&self) -> usize {
        self.width
    }
    /// The row of a local document.
    #[inline]
    pub fn row(&self, local: u32) -> &[AttrValue] {
        let l = local as usize;
        let start = (l % CHUNK_ROWS) * self.width;
        self.chunks()
            .get(l / CHUNK_ROWS)
            .and_then(|c| c.get(start..start + self.width))
            .unwrap_or_default()
    }
    /// Heap bytes of the rows (values and their strings).
    pub fn heap_bytes(&self) -> usize {
        let value = |v: &AttrValue| match v {
            AttrValue::Str(s) => s.capacity(),
            AttrValue::Mva(m) => m.capacity() * 8,
            _ => 0,
        };
        let Some(chunks) = self.chunks.get() else {
            let encoded = self.encoded.lock().unwrap_or_else(PoisonError::into_inner);
            return encoded.as_ref().map_or(0, |e| e.0.len());
        };
        chunks
            .iter()
            .map(|c| {
                c.capacity() * std::mem::size_of::<AttrValue>() + c.iter().map(value).sum::<usize>()
            })
            .sum()
    }
    /// Sets one value, copying only its chunk.
    pub fn set(&mut self, local: u32, attr: usize, value: AttrValue) {
        let l = local as usize;
        if attr >= self.width {
            return;
        }
        self.warm();
        let Some(chunks) = self.chunks.get_mut() else {
            return;
        };
        if let Some(chunk) = chunks.get_mut(l / CHUNK_ROWS) {
            if let Some(slot) = Arc::make_mut(chunk).get_mut((l % CHUNK_ROWS) * self.width + attr) {
                *slot = value;
            }
        }
    }
    /// A store with every row rewritten by `f` (which may change its length, the
    /// same way for every row).
    pub fn map_rows(&self, mut f: impl FnMut(&mut Vec<AttrValue>)) -> AttrStore {
        let rows: Vec<Vec<AttrValue>> = (0..self.len as u32)
            .map(|l| {
                let mut row = self.row(l).to_vec();
                f(&mut row);
                row
            })
            .collect();
        AttrStore::from_rows(rows)
    }
}

/// Reads the rows format written for `&[&[AttrValue]]` (a sequence of rows, each a
/// sequence of values) straight into chunks: no row is allocated on its own and
/// nothing is copied afterwards (what made reading a large chunk slow). Rows of
/// different lengths are an error.
impl<'de> serde::Deserialize<'de> for AttrStore {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<AttrStore, D::Error> {
        d.deserialize_seq(RowsVisitor)
    }
}

struct RowsVisitor;

impl<'de> serde::de::Visitor<'de> for RowsVisitor {
    type Value = AttrStore;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a sequence of attribute rows")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<AttrStore, A::Error> {
        let mut chunks = Vec::new();
        let mut len = 0;
        let mut chunk: Vec<AttrValue> = Vec::new();
        let mut width = None;
        loop {
            let row = RowSeed {
                out: &mut chunk,
                width,
            };
            let Some(n) = seq.next_element_seed(row)? else {
                break;
            };
            width = Some(n);
            len += 1;
            if len % CHUNK_ROWS == 0 && n > 0 {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_ROWS * n));
                chunks.push(Arc::new(full));
            }
        }
        if !chunk.is_empty() {
            chunk.shrink_to_fit();
            chunks.push(Arc::new(chunk));
        }
        Ok(AttrStore::ready(width.unwrap_or(0), len, chunks))
    }
}

/// One row, appended to the current chunk; its length must be `width` when that
/// is known (the first row's).
struct RowSeed<'a> {
    out: &'a mut Vec<AttrValue>,
    width: Option<usize>,
}

impl<'de> serde::de::DeserializeSeed<'de> for RowSeed<'_> {
    type Value = usize;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for RowSeed<'_> {
    type Value = usize;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a row of attribute values")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        if self.out.capacity() == 0 {
            let hint = self.width.or(seq.size_hint()).unwrap_or(0);
            self.out.reserve_exact(CHUNK_ROWS * hint.min(1024));
        }
        let mut n = 0;
        while let Some(v) = seq.next_element::<AttrValue>()? {
            self.out.push(v);
            n += 1;
        }
        match self.width {
            Some(w) if w != n => Err(serde::de::Error::custom(format!(
                "attribute rows of {w} and {n} values"
            ))),
            _ => Ok(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` rows of an int and a string, and how a disk chunk holds them.
    fn rows_and_bytes(n: i64) -> (Vec<Vec<AttrValue>>, Vec<u8>) {
        let rows: Vec<Vec<AttrValue>> = (0..n)
            .map(|i| vec![AttrValue::Int(i), AttrValue::Str(format!("c{i}"))])
            .collect();
        let refs: Vec<&[AttrValue]> = rows.iter().map(Vec::as_slice).collect();
        let bytes = postcard::to_stdvec(&refs).unwrap();
        (rows, bytes)
    }

    #[test]
    fn rows_read_back_into_chunks_as_written() {
        let (rows, bytes) = rows_and_bytes(600);
        let store: AttrStore = postcard::from_bytes(&bytes).unwrap();
        assert_eq!((store.len(), store.width()), (600, 2));
        assert_eq!(store.chunks().len(), 3);
        for (l, row) in rows.iter().enumerate() {
            assert_eq!(store.row(l as u32), &row[..]);
        }
        // Rows without values (a table with no attributes), and no rows.
        let empty: Vec<&[AttrValue]> = vec![&[]; 300];
        let store: AttrStore = postcard::from_bytes(&postcard::to_stdvec(&empty).unwrap()).unwrap();
        assert_eq!(
            (store.len(), store.width(), store.chunks().len()),
            (300, 0, 0)
        );
        assert_eq!(store.row(299), &[] as &[AttrValue]);
        let none: Vec<&[AttrValue]> = Vec::new();
        let store: AttrStore = postcard::from_bytes(&postcard::to_stdvec(&none).unwrap()).unwrap();
        assert!(store.is_empty());
    }

    #[test]
    fn rows_of_different_lengths_are_an_error() {
        let (a, b) = ([AttrValue::Int(1)], [AttrValue::Int(2), AttrValue::Int(3)]);
        let refs: Vec<&[AttrValue]> = vec![&a, &b];
        let err = postcard::from_bytes::<AttrStore>(&postcard::to_stdvec(&refs).unwrap())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(!err.is_empty());
    }

    #[test]
    fn encoded_rows_are_decoded_on_first_use() {
        let (rows, bytes) = rows_and_bytes(300);
        let store = AttrStore::encoded(bytes.clone()).unwrap();
        assert_eq!((store.len(), store.width()), (300, 2));
        assert!(store.chunks.get().is_none());
        assert_eq!(store.heap_bytes(), bytes.len());
        assert_eq!(store.row(299), &rows[299][..]);
        // A copy made before the first use, and a change to it.
        let store = AttrStore::encoded(bytes.clone()).unwrap();
        let mut copy = store.clone();
        copy.set(7, 1, AttrValue::Str("x".into()));
        assert_eq!(store.row(7), &rows[7][..]);
        assert_eq!(copy.row(7)[1], AttrValue::Str("x".into()));
        let mut changed = AttrStore::encoded(bytes.clone()).unwrap();
        changed.set(0, 0, AttrValue::Int(-1));
        assert_eq!(changed.row(0)[0], AttrValue::Int(-1));
        assert_eq!(changed.row(1), &rows[1][..]);
        // Rows that do not decode read as empty rather than as garbage.
        let mut cut = bytes.clone();
        cut.truncate(bytes.len() / 2);
        let damaged = AttrStore::encoded(cut).unwrap();
        assert_eq!(damaged.len(), 300);
        assert_eq!(damaged.row(0), &[] as &[AttrValue]);
        assert!(AttrStore::encoded(vec![0x80]).is_err());
        assert!(
            AttrStore::encoded(postcard::to_stdvec(&Vec::<&[AttrValue]>::new()).unwrap())
                .unwrap()
                .is_empty()
        );
    }
}

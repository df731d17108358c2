//! A table's state at one moment: the schema and a list of immutable segments,
//! each with its attribute values (copied on write, in chunks) and its deleted
//! documents (the kill-list, copied on write). Writers build a new snapshot and
//! publish it whole; readers keep the one they took.
//!
//! Merge policy (tiered): whenever `MERGE_FACTOR` neighbouring segments are of one
//! size class (powers of `MERGE_FACTOR`), they become one; small merges run inside
//! the write, larger ones in the background merger. This keeps the segment count
//! logarithmic and copies each document a logarithmic number of times.

use super::image::ChunkTag;
use crate::engine::index::{merge, Bits, MergeInput, Segment};
use crate::engine::types::{AttrValue, Schema};
use std::ops::Range;
use std::sync::Arc;

/// Rows per attribute chunk (the unit copied when one value changes).
const CHUNK_ROWS: usize = 256;
/// Segments of one size class merged at once.
const MERGE_FACTOR: usize = 4;
/// More segments than this are merged whatever their sizes.
const MAX_SEGMENTS: usize = 32;
/// Merges of at most this many documents run inside the write (under the
/// writer lock, so small); larger ones in the background, where they do not
/// hold up concurrent writers.
const SYNC_MERGE_DOCS: usize = 1024;

/// Attribute rows of a segment, by local document number: chunks of
/// `CHUNK_ROWS` rows of `width` values each, stored flat.
#[derive(Debug, Clone, Default)]
pub struct AttrStore {
    width: usize,
    len: usize,
    chunks: Vec<Arc<Vec<AttrValue>>>,
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
        AttrStore { width, len, chunks }
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
        self.chunks
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
        self.chunks
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
        if let Some(chunk) = self.chunks.get_mut(l / CHUNK_ROWS) {
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
        let mut store = AttrStore::default();
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
            store.len += 1;
            if store.len % CHUNK_ROWS == 0 && n > 0 {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_ROWS * n));
                store.chunks.push(Arc::new(full));
            }
        }
        if !chunk.is_empty() {
            chunk.shrink_to_fit();
            store.chunks.push(Arc::new(chunk));
        }
        store.width = width.unwrap_or(0);
        Ok(store)
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

/// A segment as one snapshot sees it.
#[derive(Debug, Clone)]
pub struct SegView {
    pub seg: Arc<Segment>,
    pub attrs: Arc<AttrStore>,
    pub dead: Arc<Bits>,
    pub live: usize,
    /// The disk chunk holding the segment (`None` for segments in RAM).
    pub chunk: Option<Arc<ChunkTag>>,
}

impl SegView {
    /// A view of a new segment with no deletions.
    pub fn new(seg: Segment, attrs: AttrStore) -> SegView {
        let live = seg.len();
        SegView {
            dead: Arc::new(Bits::with_len(live)),
            seg: Arc::new(seg),
            attrs: Arc::new(attrs),
            live,
            chunk: None,
        }
    }

    /// True for a segment in RAM (not yet in a disk chunk).
    pub fn in_ram(&self) -> bool {
        self.chunk.is_none()
    }
}

/// A consistent table state.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub schema: Arc<Schema>,
    pub segs: Vec<SegView>,
    /// Live documents in all segments.
    pub live: usize,
}

impl Snapshot {
    /// An empty snapshot with this schema.
    pub fn empty(schema: Arc<Schema>) -> Snapshot {
        Snapshot {
            schema,
            segs: Vec::new(),
            live: 0,
        }
    }

    /// The segment and local number of a live document.
    pub fn locate(&self, id: u64) -> Option<(usize, u32)> {
        self.segs.iter().enumerate().rev().find_map(|(s, v)| {
            v.seg
                .local_of(id)
                .filter(|&l| !v.dead.get(l))
                .map(|l| (s, l))
        })
    }

    /// Marks a document deleted; false when it was not live.
    pub fn kill(&mut self, id: u64) -> bool {
        let Some((s, local)) = self.locate(id) else {
            return false;
        };
        let view = &mut self.segs[s];
        Arc::make_mut(&mut view.dead).set(local);
        view.live -= 1;
        self.live -= 1;
        true
    }

    /// Adds a new segment and, when `merge`, runs the small merges the policy
    /// calls for (not while a flush moves the RAM segments to disk). Returns true
    /// when a larger merge is due (for the background merger).
    pub fn push(&mut self, view: SegView, merge: bool) -> bool {
        self.live += view.live;
        self.segs.push(view);
        self.segs.retain(|v| v.live > 0);
        if !merge {
            return false;
        }
        loop {
            let n = self.segs.len();
            if n < MERGE_FACTOR {
                return false;
            }
            let tail = n - MERGE_FACTOR..n;
            if !self.same_class(tail.clone()) {
                return self.plan_background().is_some();
            }
            if self.window_live(tail.clone()) > SYNC_MERGE_DOCS {
                return true;
            }
            let views: Vec<SegView> = self.segs.drain(tail).collect();
            let (seg, remaps) = merge_views(&views);
            let attrs = gather_attrs(&views, &remaps, seg.len());
            if !seg.is_empty() {
                self.segs.push(SegView::new(seg, attrs));
            }
        }
    }

    /// True when the segments of `window` are all in RAM and of one size class
    /// (background merges never mix RAM segments and disk chunks).
    fn same_class(&self, window: Range<usize>) -> bool {
        let class = size_class(self.segs[window.start].live);
        self.segs[window]
            .iter()
            .all(|v| v.in_ram() && size_class(v.live) == class)
    }

    fn window_live(&self, window: Range<usize>) -> usize {
        self.segs[window].iter().map(|v| v.live).sum()
    }

    /// The segments a background merge should combine: `MERGE_FACTOR` neighbours
    /// of one size class too big to merge inside a write, or the oldest ones when
    /// there are too many segments.
    pub fn plan_background(&self) -> Option<Range<usize>> {
        let n = self.segs.len();
        if n < MERGE_FACTOR {
            return None;
        }
        let found = (0..=n - MERGE_FACTOR)
            .map(|start| start..start + MERGE_FACTOR)
            .find(|w| self.same_class(w.clone()) && self.window_live(w.clone()) > SYNC_MERGE_DOCS);
        let ram = self.segs.iter().filter(|v| v.in_ram()).count();
        let tail = n - MERGE_FACTOR..n;
        match found {
            Some(w) => Some(w),
            None if ram > MAX_SEGMENTS && self.segs[tail.clone()].iter().all(SegView::in_ram) => {
                Some(tail)
            }
            None => None,
        }
    }

    /// Puts the result of a background merge of `planned` in place. Deletions and
    /// attribute updates made since the merge started are carried over. False
    /// when a planned segment is gone (truncated, or emptied), the merge is dropped.
    /// `chunk` names the disk chunk of the result (`None`: it stays in RAM).
    pub fn apply_merge(
        &mut self,
        planned: &[SegView],
        seg: Segment,
        remaps: &[Vec<u32>],
        chunk: Option<Arc<ChunkTag>>,
    ) -> bool {
        let mut at = Vec::with_capacity(planned.len());
        for p in planned {
            match self.segs.iter().position(|v| Arc::ptr_eq(&v.seg, &p.seg)) {
                Some(i) => at.push(i),
                None => return false,
            }
        }
        let current: Vec<SegView> = at.iter().map(|&i| self.segs[i].clone()).collect();
        let mut dead = Bits::with_len(seg.len());
        let mut live = seg.len();
        for (view, remap) in current.iter().zip(remaps) {
            for (local, &new) in remap.iter().enumerate() {
                if new != u32::MAX && view.dead.get(local as u32) {
                    dead.set(new);
                    live -= 1;
                }
            }
        }
        let attrs = gather_attrs(&current, remaps, seg.len());
        let first = at.iter().copied().min().unwrap_or(0);
        let merged = SegView {
            seg: Arc::new(seg),
            attrs: Arc::new(attrs),
            dead: Arc::new(dead),
            live,
            chunk,
        };
        let mut next = Vec::with_capacity(self.segs.len() + 1 - at.len());
        for (i, v) in self.segs.drain(..).enumerate() {
            if i == first && live > 0 {
                next.push(merged.clone());
            }
            if !at.contains(&i) {
                next.push(v);
            }
        }
        self.segs = next;
        true
    }
}

/// Merges the segments of some views, dropping their deleted documents.
pub fn merge_views(views: &[SegView]) -> (Segment, Vec<Vec<u32>>) {
    let inputs: Vec<MergeInput<'_>> = views
        .iter()
        .map(|v| MergeInput {
            seg: &v.seg,
            dead: &v.dead,
        })
        .collect();
    merge(&inputs)
}

/// The attribute rows of a merged segment, taken from the views it was made of
/// (the merge numbers the kept documents in view order, then local order).
pub(super) fn gather_attrs(views: &[SegView], remaps: &[Vec<u32>], len: usize) -> AttrStore {
    let width = views.first().map_or(0, |v| v.attrs.width);
    let mut flat = Vec::with_capacity(len * width);
    for (v, remap) in views.iter().zip(remaps) {
        for (local, &new) in remap.iter().enumerate() {
            if new != u32::MAX {
                flat.extend_from_slice(v.attrs.row(local as u32));
            }
        }
    }
    AttrStore::from_flat(flat, width, len)
}

fn size_class(docs: usize) -> u32 {
    let mut class = 0;
    let mut n = docs.max(1);
    while n >= MERGE_FACTOR {
        n /= MERGE_FACTOR;
        class += 1;
    }
    class
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::index::SegmentBuilder;
    use crate::engine::tokenizer::Tokenizer;
    use crate::engine::types::TableSettings;

    fn view(ids: &[u64]) -> SegView {
        let tok = Tokenizer::new(&TableSettings::default()).unwrap();
        let mut b = SegmentBuilder::new(1);
        for &id in ids {
            b.add(&tok, id, &[format!("w{id}")], &[true], &[""]);
        }
        let rows = ids
            .iter()
            .map(|&id| vec![AttrValue::Int(id as i64)])
            .collect();
        SegView::new(b.build(), AttrStore::from_rows(rows))
    }

    #[test]
    fn apply_merge_carries_later_deletes_and_updates() {
        let mut snap = Snapshot::empty(Arc::new(Schema::default()));
        snap.segs = vec![view(&[1, 2]), view(&[3]), view(&[4, 5])];
        snap.live = 5;
        snap.kill(2);
        let planned = snap.segs.clone();
        let (seg, remaps) = merge_views(&planned);
        // Meanwhile: a delete, an update and a new segment.
        snap.kill(4);
        let (s, l) = snap.locate(5).unwrap();
        Arc::make_mut(&mut snap.segs[s].attrs).set(l, 0, AttrValue::Int(50));
        snap.segs.push(view(&[6]));
        snap.live += 1;
        assert!(snap.apply_merge(&planned, seg, &remaps, None));
        assert_eq!(snap.segs.len(), 2);
        assert_eq!(snap.live, 4);
        let live: Vec<u64> = [1, 2, 3, 4, 5, 6]
            .into_iter()
            .filter(|&id| snap.locate(id).is_some())
            .collect();
        assert_eq!(live, vec![1, 3, 5, 6]);
        let (s, l) = snap.locate(5).unwrap();
        assert_eq!(snap.segs[s].attrs.row(l), &[AttrValue::Int(50)]);
        assert_eq!(snap.segs[s].live, 3);
        let mut truncated = Snapshot::empty(Arc::new(Schema::default()));
        let (seg, remaps) = merge_views(&planned);
        assert!(!truncated.apply_merge(&planned, seg, &remaps, None));
    }

    #[test]
    fn rows_read_back_into_chunks_as_written() {
        let rows: Vec<Vec<AttrValue>> = (0..600)
            .map(|i| vec![AttrValue::Int(i), AttrValue::Str(format!("c{i}"))])
            .collect();
        let refs: Vec<&[AttrValue]> = rows.iter().map(Vec::as_slice).collect();
        let bytes = postcard::to_stdvec(&refs).unwrap();
        let store: AttrStore = postcard::from_bytes(&bytes).unwrap();
        assert_eq!((store.len(), store.width()), (600, 2));
        assert_eq!(store.chunks.len(), 3);
        for (l, row) in rows.iter().enumerate() {
            assert_eq!(store.row(l as u32), &row[..]);
        }
        // Rows without values (a table with no attributes), and no rows.
        let empty: Vec<&[AttrValue]> = vec![&[]; 300];
        let store: AttrStore = postcard::from_bytes(&postcard::to_stdvec(&empty).unwrap()).unwrap();
        assert_eq!(
            (store.len(), store.width(), store.chunks.len()),
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
}

//! A table's state at one moment: the schema and a list of immutable segments,
//! each with its attribute values (copied on write, in chunks) and its deleted
//! documents (the kill-list, copied on write). Writers build a new snapshot and
//! publish it whole; readers keep the one they took.
//!
//! Merge policy (tiered): whenever `MERGE_FACTOR` neighbouring segments are of one
//! size class (powers of `MERGE_FACTOR`), they become one; small merges run inside
//! the write, larger ones in the background merger. This keeps the segment count
//! logarithmic and copies each document a logarithmic number of times.

pub use super::attrs::AttrStore;
use super::image::ChunkTag;
use crate::engine::index::{merge, Bits, MergeInput, Segment};
use crate::engine::types::Schema;
use std::ops::Range;
use std::sync::Arc;

/// Segments of one size class merged at once.
const MERGE_FACTOR: usize = 4;
/// More segments than this are merged whatever their sizes.
const MAX_SEGMENTS: usize = 32;
/// Merges of at most this many documents run inside the write (under the
/// writer lock, so small); larger ones in the background, where they do not
/// hold up concurrent writers.
const SYNC_MERGE_DOCS: usize = 1024;

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
    let width = views.first().map_or(0, |v| v.attrs.width());
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
    use crate::engine::types::AttrValue;
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
}

//! A table's state at one moment: the schema and a list of immutable segments,
//! each with its attribute values (copied on write, in chunks) and its deleted
//! documents (the kill-list, copied on write). Writers build a new snapshot and
//! publish it whole; readers keep the one they took.

use crate::engine::index::{merge, Bits, MergeInput, Segment};
use crate::engine::types::{AttrValue, Schema};
use std::sync::Arc;

/// Rows per attribute chunk (the unit copied when one value changes).
const CHUNK_ROWS: usize = 256;
/// Segments of one size class merged at once.
const MERGE_FACTOR: usize = 4;
/// More segments than this are merged whatever their sizes.
const MAX_SEGMENTS: usize = 32;

/// Attribute rows of a segment, by local document number.
#[derive(Debug, Clone, Default)]
pub struct AttrStore {
    chunks: Vec<Arc<Vec<Vec<AttrValue>>>>,
}

impl AttrStore {
    /// A store holding these rows.
    pub fn from_rows(rows: Vec<Vec<AttrValue>>) -> AttrStore {
        let mut chunks = Vec::with_capacity(rows.len().div_ceil(CHUNK_ROWS));
        let mut iter = rows.into_iter().peekable();
        while iter.peek().is_some() {
            chunks.push(Arc::new(iter.by_ref().take(CHUNK_ROWS).collect()));
        }
        AttrStore { chunks }
    }
    /// The row of a local document.
    #[inline]
    pub fn row(&self, local: u32) -> &[AttrValue] {
        let l = local as usize;
        &self.chunks[l / CHUNK_ROWS][l % CHUNK_ROWS]
    }
    /// Sets one value, copying only its chunk.
    pub fn set(&mut self, local: u32, attr: usize, value: AttrValue) {
        let l = local as usize;
        if let Some(chunk) = self.chunks.get_mut(l / CHUNK_ROWS) {
            if let Some(slot) = Arc::make_mut(chunk)
                .get_mut(l % CHUNK_ROWS)
                .and_then(|row| row.get_mut(attr))
            {
                *slot = value;
            }
        }
    }
    /// A store with every row rewritten by `f`.
    pub fn map_rows(&self, mut f: impl FnMut(&mut Vec<AttrValue>)) -> AttrStore {
        let chunks = self
            .chunks
            .iter()
            .map(|c| {
                let mut rows = (**c).clone();
                rows.iter_mut().for_each(&mut f);
                Arc::new(rows)
            })
            .collect();
        AttrStore { chunks }
    }
}

/// A segment as one snapshot sees it.
#[derive(Debug, Clone)]
pub struct SegView {
    pub seg: Arc<Segment>,
    pub attrs: Arc<AttrStore>,
    pub dead: Arc<Bits>,
    pub live: usize,
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
        }
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

    /// Adds a new segment and merges segments as the policy says.
    pub fn push(&mut self, view: SegView) {
        self.live += view.live;
        self.segs.push(view);
        self.segs.retain(|v| v.live > 0);
        self.compact();
    }

    /// Tiered merging: whenever the last `MERGE_FACTOR` segments are of one size
    /// class (powers of `MERGE_FACTOR`), they become one. This keeps the segment
    /// count logarithmic and copies each document a logarithmic number of times.
    fn compact(&mut self) {
        loop {
            let n = self.segs.len();
            if n < MERGE_FACTOR {
                return;
            }
            let tail = &self.segs[n - MERGE_FACTOR..];
            let class = |v: &SegView| size_class(v.live);
            let same = tail.iter().all(|v| class(v) == class(&tail[0]));
            if !same && n <= MAX_SEGMENTS {
                return;
            }
            self.merge_tail(MERGE_FACTOR);
        }
    }

    fn merge_tail(&mut self, count: usize) {
        let start = self.segs.len() - count;
        let tail: Vec<SegView> = self.segs.drain(start..).collect();
        let inputs: Vec<MergeInput<'_>> = tail
            .iter()
            .map(|v| MergeInput {
                seg: &v.seg,
                dead: &v.dead,
            })
            .collect();
        let (seg, remaps) = merge(&inputs);
        let mut rows = Vec::with_capacity(seg.len());
        for (v, remap) in tail.iter().zip(&remaps) {
            for (local, &new) in remap.iter().enumerate() {
                if new != u32::MAX {
                    rows.push(v.attrs.row(local as u32).to_vec());
                }
            }
        }
        if !seg.is_empty() {
            self.segs
                .push(SegView::new(seg, AttrStore::from_rows(rows)));
        }
    }
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

//! A table's side of its disk chunks: which segments are in which chunk file,
//! what a flush writes (the RAM segments merged into one new chunk, and the
//! kill-lists and attribute rows of existing chunks changed since they were last
//! saved), putting a written chunk in place of the segments it holds, and the
//! chunks read back at start-up.

use super::snapshot::{gather_attrs, merge_views, AttrStore, SegView, Snapshot};
use super::Table;
use crate::engine::index::{Bits, Segment};
use crate::engine::types::{AttrValue, EngineError, Schema};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex, Weak};

/// The files of one disk chunk, as the catalog lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkFiles {
    /// The chunk file (segment and attribute rows as written).
    pub file: String,
    /// The kill-list side file (deleted documents), when any were deleted.
    #[serde(default)]
    pub kill: Option<String>,
    /// The attribute side file (all rows), when attributes changed since.
    #[serde(default)]
    pub attrs: Option<String>,
}

/// A disk chunk as a table holds it: its files, and which kill-list and
/// attribute rows they reflect (to save only what changed).
#[derive(Debug)]
pub struct ChunkTag {
    saved: Mutex<Saved>,
}

#[derive(Debug, Clone)]
struct Saved {
    files: ChunkFiles,
    dead: Weak<Bits>,
    attrs: Weak<AttrStore>,
}

impl ChunkTag {
    fn new(files: ChunkFiles) -> Arc<ChunkTag> {
        Arc::new(ChunkTag {
            saved: Mutex::new(Saved {
                files,
                dead: Weak::new(),
                attrs: Weak::new(),
            }),
        })
    }

    fn saved(&self) -> std::sync::MutexGuard<'_, Saved> {
        self.saved.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The files that hold the chunk now.
    pub fn files(&self) -> ChunkFiles {
        self.saved().files.clone()
    }

    fn mark(&self, dead: Option<&Arc<Bits>>, attrs: Option<&Arc<AttrStore>>) {
        let mut s = self.saved();
        if let Some(d) = dead {
            s.dead = Arc::downgrade(d);
        }
        if let Some(a) = attrs {
            s.attrs = Arc::downgrade(a);
        }
    }
}

/// One disk chunk in a flush image or after a switch: its kill-list and
/// attribute rows, and whether they differ from what its side files hold.
pub struct ChunkState {
    tag: Arc<ChunkTag>,
    dead: Arc<Bits>,
    attrs: Arc<AttrStore>,
    len: usize,
}

impl ChunkState {
    fn of(view: &SegView) -> Option<ChunkState> {
        Some(ChunkState {
            tag: view.chunk.clone()?,
            dead: view.dead.clone(),
            attrs: view.attrs.clone(),
            len: view.seg.len(),
        })
    }

    /// The files that hold the chunk as last saved.
    pub fn files(&self) -> ChunkFiles {
        self.tag.files()
    }

    /// True when documents were deleted since the kill-list was saved.
    pub fn kill_changed(&self) -> bool {
        !std::ptr::eq(self.tag.saved().dead.as_ptr(), Arc::as_ptr(&self.dead))
    }

    /// True when attribute values changed since they were saved.
    pub fn attrs_changed(&self) -> bool {
        !std::ptr::eq(self.tag.saved().attrs.as_ptr(), Arc::as_ptr(&self.attrs))
    }

    /// The deleted documents.
    pub fn kill_list(&self) -> &Bits {
        &self.dead
    }

    /// The attribute rows, by local document.
    pub fn rows(&self) -> Vec<&[AttrValue]> {
        (0..self.len as u32).map(|l| self.attrs.row(l)).collect()
    }

    /// Records that the side files now hold this state (`files` saved).
    pub fn saved(&self, files: ChunkFiles) {
        self.tag.saved().files = files;
        self.tag.mark(Some(&self.dead), Some(&self.attrs));
    }
}

/// Segments merged into one for a new disk chunk (a flush's RAM segments, or an
/// `OPTIMIZE` of disk chunks), with the attribute rows of the result.
pub struct Merged {
    planned: Vec<SegView>,
    schema: Arc<Schema>,
    seg: Segment,
    remaps: Vec<Vec<u32>>,
    attrs: AttrStore,
}

impl Merged {
    fn of(planned: Vec<SegView>, schema: Arc<Schema>) -> Merged {
        let (seg, remaps) = merge_views(&planned);
        let attrs = gather_attrs(&planned, &remaps, seg.len());
        Merged {
            planned,
            schema,
            seg,
            remaps,
            attrs,
        }
    }

    /// The merged segment (in memory).
    pub fn segment(&self) -> &Segment {
        &self.seg
    }

    /// Its attribute rows, by local document.
    pub fn rows(&self) -> Vec<&[AttrValue]> {
        (0..self.seg.len() as u32)
            .map(|l| self.attrs.row(l))
            .collect()
    }

    /// The disk chunks merged (none for a flush's RAM segments).
    pub fn chunks(&self) -> Vec<ChunkFiles> {
        self.planned
            .iter()
            .filter_map(|v| v.chunk.as_ref().map(|c| c.files()))
            .collect()
    }
}

/// What a flush saves: the table as of one log position.
pub struct FlushImage {
    snap: Arc<Snapshot>,
    next_id: u64,
}

impl FlushImage {
    /// The schema.
    pub fn schema(&self) -> &Schema {
        &self.snap.schema
    }

    /// The next id to assign.
    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// The disk chunks, in order.
    pub fn disk_chunks(&self) -> Vec<ChunkState> {
        self.snap.segs.iter().filter_map(ChunkState::of).collect()
    }

    /// The RAM segments merged into one (deleted documents dropped); `None`
    /// when no RAM document is live.
    pub fn merge_ram(&self) -> Option<Merged> {
        let ram: Vec<SegView> = self
            .snap
            .segs
            .iter()
            .filter(|v| v.in_ram() && v.live > 0)
            .cloned()
            .collect();
        (!ram.is_empty()).then(|| Merged::of(ram, self.snap.schema.clone()))
    }
}

/// A disk chunk read back at start-up.
pub struct DiskChunk {
    view: SegView,
}

impl DiskChunk {
    /// A chunk from its segment (postings and texts left in the file), its
    /// attribute rows and its kill-list; inconsistent sizes are an error.
    pub fn new(
        files: ChunkFiles,
        seg: Segment,
        attrs: AttrStore,
        dead: Option<Bits>,
        nattrs: usize,
    ) -> Result<DiskChunk, EngineError> {
        let n = seg.len();
        if attrs.len() != n || (n > 0 && attrs.width() != nattrs) {
            return Err(EngineError(
                "attribute rows do not match the documents or the schema".into(),
            ));
        }
        let dead = dead.unwrap_or_else(|| Bits::with_len(n));
        let live = (0..n as u32).filter(|&l| !dead.get(l)).count();
        let view = SegView {
            seg: Arc::new(seg),
            attrs: Arc::new(attrs),
            dead: Arc::new(dead),
            live,
            chunk: Some(ChunkTag::new(files)),
        };
        if let Some(tag) = &view.chunk {
            tag.mark(Some(&view.dead), Some(&view.attrs));
        }
        Ok(DiskChunk { view })
    }
}

impl Table {
    /// The table's content now (for a flush), and `at()` evaluated while no write
    /// can slip in between (the log position the image reflects).
    pub fn flush_image<R>(&self, at: impl FnOnce() -> R) -> (FlushImage, R) {
        let w = self.lock_writer();
        let image = FlushImage {
            snap: self.snapshot(),
            next_id: w.next_id,
        };
        (image, at())
    }

    /// Keeps background merges of RAM segments from running while `f` runs (a
    /// flush moving them to disk).
    pub fn without_merges<R>(&self, f: impl FnOnce() -> R) -> R {
        let _hold = self.shared.hold_for_flush();
        f()
    }

    /// The disk chunks to merge for `OPTIMIZE` so that at most `cutoff` remain
    /// (at least 1): the smallest neighbours, as many as needed; with `cutoff` 1
    /// and a single chunk holding deleted documents, that chunk (to drop them).
    /// `None` when there is nothing to merge.
    pub fn plan_optimize(&self, cutoff: usize) -> Option<Merged> {
        let snap = self.snapshot();
        let disk: Vec<SegView> = snap.segs.iter().filter(|v| !v.in_ram()).cloned().collect();
        let cutoff = cutoff.max(1);
        if disk.len() <= cutoff {
            let purge = cutoff == 1 && disk.len() == 1 && disk[0].live < disk[0].seg.len();
            return purge.then(|| Merged::of(disk, snap.schema.clone()));
        }
        // Merging `k` neighbours leaves `len - k + 1` chunks.
        let k = disk.len() - cutoff + 1;
        let start = (0..=disk.len() - k)
            .min_by_key(|&s| disk[s..s + k].iter().map(|v| v.live).sum::<usize>())
            .unwrap_or(0);
        let window = disk[start..start + k].to_vec();
        Some(Merged::of(window, snap.schema.clone()))
    }

    /// Puts a written chunk (`seg`, read back from `files`) in place of the
    /// segments it was merged from, carrying over deletions and updates made
    /// meanwhile. `persist` runs first, under the writer lock, with the chunk's
    /// state (to save its side files and the catalog); an error leaves the table
    /// as it was. `Ok(false)` when the segments are gone (truncated, emptied) or
    /// the schema changed.
    pub fn install_chunk<E>(
        &self,
        merged: Merged,
        seg: Segment,
        files: ChunkFiles,
        persist: impl FnOnce(&ChunkState) -> Result<(), E>,
    ) -> Result<bool, E> {
        let _w = self.lock_writer();
        let mut next = (*self.snapshot()).clone();
        if !Arc::ptr_eq(&next.schema, &merged.schema) || seg.len() != merged.seg.len() {
            return Ok(false);
        }
        let tag = ChunkTag::new(files);
        let unchanged_attrs = merged.planned.iter().all(|p| {
            next.segs
                .iter()
                .any(|v| Arc::ptr_eq(&v.seg, &p.seg) && Arc::ptr_eq(&v.attrs, &p.attrs))
        });
        if !next.apply_merge(&merged.planned, seg, &merged.remaps, Some(tag.clone())) {
            return Ok(false);
        }
        let Some(view) = next
            .segs
            .iter()
            .find(|v| v.chunk.as_ref().is_some_and(|c| Arc::ptr_eq(c, &tag)))
        else {
            // Every document was deleted meanwhile: the old segments stay until
            // a later flush drops them.
            return Ok(false);
        };
        tag.mark(
            (view.live == view.seg.len()).then_some(&view.dead),
            unchanged_attrs.then_some(&view.attrs),
        );
        if let Some(state) = ChunkState::of(view) {
            persist(&state)?;
        }
        self.publish(next);
        Ok(true)
    }

    /// Replaces the table's content with disk chunks read back (start-up, before
    /// replaying the log).
    pub fn restore_chunks(&self, chunks: Vec<DiskChunk>, next_id: u64) {
        let mut w = self.lock_writer();
        w.next_id = w.next_id.max(next_id);
        let mut snap = Snapshot::empty(self.snapshot().schema.clone());
        for c in chunks {
            snap.live += c.view.live;
            snap.segs.push(c.view);
        }
        snap.segs.retain(|v| v.live > 0);
        self.publish(snap);
    }

    /// Number of disk chunks and of segments in RAM.
    pub fn chunk_counts(&self) -> (usize, usize) {
        let snap = self.snapshot();
        let disk = snap.segs.iter().filter(|v| !v.in_ram()).count();
        (disk, snap.segs.len() - disk)
    }

    /// Merges the table's disk chunks down to `cutoff` (`OPTIMIZE TABLE`; every
    /// segment into one for a table kept in memory) on a background thread;
    /// reads and writes go on meanwhile. Returns at once.
    pub fn optimize(self: &Arc<Self>, cutoff: usize) {
        let table = self.clone();
        self.shared.spawn_optimize(move || {
            if !table.storage.optimize(&table, cutoff) {
                super::merger::merge_all(&table.shared);
            }
        });
    }

    /// Saves the table's documents to disk and lets the log be shortened
    /// (`FLUSH RAMCHUNK`); a no-op for tables kept in memory only.
    pub fn flush(&self) -> Result<(), EngineError> {
        self.storage.flush(self)
    }
}

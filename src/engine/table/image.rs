//! A table's whole content as one immutable image (a disk chunk): taken under the
//! writer lock together with the log position it reflects, encoded for a file, and
//! restored into an empty table at start-up.

use super::snapshot::{AttrStore, SegView, Snapshot};
use super::Table;
use crate::engine::index::{Bits, Segment};
use crate::engine::types::{AttrValue, EngineError, Schema};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A consistent copy of a table's documents (cheap: segments are shared).
pub struct TableImage {
    snap: Arc<Snapshot>,
    next_id: u64,
}

#[derive(Serialize)]
struct SegOut<'a> {
    seg: &'a Segment,
    rows: Vec<&'a [AttrValue]>,
    dead: &'a Bits,
    live: usize,
}

#[derive(Serialize)]
struct ImageOut<'a> {
    schema: &'a Schema,
    next_id: u64,
    segs: Vec<SegOut<'a>>,
}

#[derive(Deserialize)]
struct SegIn {
    seg: Segment,
    rows: Vec<Vec<AttrValue>>,
    dead: Bits,
    live: usize,
}

#[derive(Deserialize)]
struct ImageIn {
    schema: Schema,
    next_id: u64,
    segs: Vec<SegIn>,
}

impl TableImage {
    /// Live documents in the image.
    pub fn len(&self) -> usize {
        self.snap.live
    }

    /// True when the image holds no document.
    pub fn is_empty(&self) -> bool {
        self.snap.live == 0
    }

    /// The image as bytes.
    pub fn encode(&self) -> Vec<u8> {
        let segs = self
            .snap
            .segs
            .iter()
            .map(|v| SegOut {
                seg: &v.seg,
                rows: (0..v.seg.len() as u32).map(|l| v.attrs.row(l)).collect(),
                dead: &v.dead,
                live: v.live,
            })
            .collect();
        let out = ImageOut {
            schema: &self.snap.schema,
            next_id: self.next_id,
            segs,
        };
        postcard::to_stdvec(&out).unwrap_or_default()
    }

    /// An image read back; damaged bytes are an error, never a panic later.
    pub fn decode(bytes: &[u8]) -> Result<TableImage, EngineError> {
        let bad = |why: String| EngineError(format!("damaged table image: {why}"));
        let img: ImageIn = postcard::from_bytes(bytes).map_err(|e| bad(e.to_string()))?;
        let nattrs = img.schema.attrs.len();
        let mut segs = Vec::with_capacity(img.segs.len());
        let mut live = 0;
        for s in img.segs {
            s.seg.validate().map_err(bad)?;
            let n = s.seg.len();
            if s.rows.len() != n || s.rows.iter().any(|r| r.len() != nattrs) || s.live > n {
                return Err(bad("attribute rows do not match the documents".into()));
            }
            live += s.live;
            segs.push(SegView {
                seg: Arc::new(s.seg),
                attrs: Arc::new(AttrStore::from_rows(s.rows)),
                dead: Arc::new(s.dead),
                live: s.live,
            });
        }
        let snap = Snapshot {
            schema: Arc::new(img.schema),
            segs,
            live,
        };
        Ok(TableImage {
            snap: Arc::new(snap),
            next_id: img.next_id,
        })
    }
}

impl Table {
    /// The table's content now, and `at()` evaluated while no write can slip in
    /// between (the log position the image reflects).
    pub fn image<R>(&self, at: impl FnOnce() -> R) -> (TableImage, R) {
        let w = self.lock_writer();
        let image = TableImage {
            snap: self.snapshot(),
            next_id: w.next_id,
        };
        (image, at())
    }

    /// Replaces the table's content with an image (start-up, before replaying the
    /// log). The image's schema replaces the table's.
    pub fn restore(&self, image: TableImage) {
        let mut w = self.lock_writer();
        w.next_id = w.next_id.max(image.next_id);
        self.publish((*image.snap).clone());
    }

    /// Merges every segment into one (`OPTIMIZE TABLE`) on a background thread;
    /// reads and writes go on meanwhile. Returns at once.
    pub fn optimize(&self) {
        let shared = self.shared.clone();
        let _ = std::thread::Builder::new()
            .name("rt-optimize".into())
            .spawn(move || super::merger::merge_all(&shared));
    }

    /// Saves the table's documents to disk and lets the log be shortened
    /// (`FLUSH RAMCHUNK`); a no-op for tables kept in memory only.
    pub fn flush(&self) -> Result<(), EngineError> {
        self.storage.flush(self)
    }
}

//! A table: the writer side (one writer at a time) publishing snapshots that
//! readers take without waiting for writes.

mod attrs;
mod compiled;
mod image;
mod merger;
mod reader;
mod snapshot;

pub use image::{ChunkFiles, ChunkState, DiskChunk, FlushImage, Merged};
pub use reader::Reader;

use super::index::{Segment, SegmentBuilder};
use super::storage::{LogOp, NoStorage, Storage};
use super::tokenizer::Tokenizer;
use super::types::{
    Attr, AttrValue, Document, EngineError, Field, KeywordForm, Schema, TableSettings, WriteMode,
};
use merger::{Shared, WriterState};
pub use snapshot::AttrStore;
use snapshot::{SegView, Snapshot};
use std::collections::HashSet;
use std::sync::{Arc, MutexGuard};

/// Documents in a write from which its indexing is split over two threads.
const PARALLEL_BATCH: usize = 256;

/// Most full-text fields a table may have (hits keep the field in 8 bits).
pub const MAX_FIELDS: usize = 256;

/// One table.
pub struct Table {
    name: String,
    settings: Arc<TableSettings>,
    tok: Arc<Tokenizer>,
    compiled: Arc<compiled::CompileCache>,
    shared: Arc<Shared>,
    storage: Arc<dyn Storage>,
}

impl Table {
    /// A new empty table kept in memory only; fails when the settings are invalid.
    pub fn new(name: &str, schema: Schema, settings: TableSettings) -> Result<Table, EngineError> {
        Table::with_storage(name, schema, settings, Arc::new(NoStorage))
    }

    /// A new empty table logging its changes to `storage`.
    pub fn with_storage(
        name: &str,
        schema: Schema,
        settings: TableSettings,
        storage: Arc<dyn Storage>,
    ) -> Result<Table, EngineError> {
        if schema.fields.len() > MAX_FIELDS {
            return Err(EngineError(format!(
                "too many full-text fields ({}, max {MAX_FIELDS})",
                schema.fields.len()
            )));
        }
        let tok = Tokenizer::new(&settings)?;
        Ok(Table {
            name: name.to_string(),
            settings: Arc::new(settings),
            tok: Arc::new(tok),
            compiled: Arc::default(),
            shared: Arc::new(Shared::new(Snapshot::empty(Arc::new(schema)))),
            storage,
        })
    }

    /// The table's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The current schema (changes only through `add_attr`/`drop_attr`).
    pub fn schema(&self) -> Arc<Schema> {
        self.snapshot().schema.clone()
    }

    /// The table's text settings.
    pub fn settings(&self) -> &TableSettings {
        &self.settings
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        self.shared.snapshot()
    }

    fn publish(&self, snap: Snapshot) {
        self.shared.publish(snap)
    }

    fn lock_writer(&self) -> MutexGuard<'_, WriterState> {
        self.shared.lock_writer()
    }

    /// Waits until no background merge runs (for tests and orderly shutdown).
    pub fn wait_merges(&self) {
        while self.shared.is_merging() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    /// Inserts or replaces documents, all or none. `Insert` of an id that exists fails
    /// with `duplicate id 'N'`; id 0 means "assign the next id" (returned ids are in
    /// input order). Visible to every reader taken after the call returns.
    pub fn write(&self, docs: Vec<Document>, mode: WriteMode) -> Result<Vec<u64>, EngineError> {
        // Tokenizing and building the segment is most of the work: it is done
        // before taking the writer lock (full-text fields never change), so
        // concurrent writers use every core. Ids are assigned under the lock.
        let fields = self.snapshot().schema.fields.clone();
        let guess = kept_docs(docs.iter().map(|d| d.id));
        let mut parts = self.build_segments(&fields, &docs, &guess);
        let mut w = self.lock_writer();
        let mut snap = (*self.snapshot()).clone();
        let ids = assign_ids(&docs, mode, &snap, &mut w)?;
        let kept = kept_docs(ids.iter().copied());
        if kept != guess {
            // Assigned ids collided with given ones in a REPLACE batch.
            parts = self.build_segments(&fields, &docs, &kept);
        }
        for (seg, part) in &mut parts {
            seg.set_ids(part.iter().map(|&i| ids[i]).collect());
        }
        let mut docs = docs;
        for (doc, &id) in docs.iter_mut().zip(&ids) {
            doc.id = id;
        }
        let op = LogOp::Write { docs, mode };
        self.storage.append(&self.name, &op)?;
        let docs = match op {
            LogOp::Write { docs, .. } => docs,
            _ => Vec::new(),
        };
        if mode == WriteMode::Replace {
            for &i in &kept {
                snap.kill(ids[i]);
            }
        }
        let schema = snap.schema.clone();
        let mut docs: Vec<Option<Document>> = docs.into_iter().map(Some).collect();
        let mut merge_due = false;
        for (seg, part) in parts {
            let rows = part
                .iter()
                .map(|&i| {
                    let attrs = docs[i].take().map(|d| d.attrs).unwrap_or_default();
                    fit_row(attrs, &schema.attrs)
                })
                .collect();
            let view = SegView::new(seg, AttrStore::from_rows(rows));
            merge_due |= snap.push(view, !self.shared.is_flushing());
        }
        self.publish(snap);
        drop(w);
        if merge_due {
            merger::spawn(&self.shared);
        }
        Ok(ids)
    }

    /// Segments of the documents `kept` (indexes into `docs`), each with the
    /// documents it holds, ids left to set. A large batch is split in two halves
    /// indexed on two threads, so that one bulk loader uses two cores.
    fn build_segments(
        &self,
        fields: &[Field],
        docs: &[Document],
        kept: &[usize],
    ) -> Vec<(Segment, Vec<usize>)> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        if kept.len() < PARALLEL_BATCH || cores < 2 {
            return vec![(self.build_segment(fields, docs, kept), kept.to_vec())];
        }
        let (a, b) = kept.split_at(kept.len() / 2);
        let (seg_a, seg_b) = std::thread::scope(|s| {
            let other = s.spawn(|| self.build_segment(fields, docs, b));
            let seg_a = self.build_segment(fields, docs, a);
            let seg_b = other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (seg_a, seg_b)
        });
        vec![(seg_a, a.to_vec()), (seg_b, b.to_vec())]
    }

    /// A segment of the documents `kept` (indexes into `docs`), ids left to set.
    fn build_segment(&self, fields: &[Field], docs: &[Document], kept: &[usize]) -> Segment {
        let indexed: Vec<bool> = fields.iter().map(|f| f.indexed).collect();
        let mut builder = SegmentBuilder::new(fields.len());
        for &i in kept {
            let doc = &docs[i];
            let stored: Vec<&str> = fields
                .iter()
                .enumerate()
                .map(|(f, field)| match (field.stored, doc.fields.get(f)) {
                    (true, Some(text)) => text.as_str(),
                    _ => "",
                })
                .collect();
            builder.add(&self.tok, 0, &doc.fields, &indexed, &stored);
        }
        builder.build()
    }

    /// Deletes documents by id; returns how many existed.
    pub fn delete(&self, ids: &[u64]) -> usize {
        let _w = self.lock_writer();
        let mut snap = (*self.snapshot()).clone();
        let killed = ids.iter().filter(|&&id| snap.kill(id)).count();
        if killed > 0 {
            if self
                .storage
                .append(&self.name, &LogOp::Delete(ids.to_vec()))
                .is_err()
            {
                return 0;
            }
            snap.segs.retain(|v| v.live > 0);
            self.publish(snap);
        }
        killed
    }

    /// Sets attribute values (by attribute index in the schema) of one document;
    /// `Ok(false)` when the id does not exist. Full-text fields cannot be updated.
    pub fn update(&self, id: u64, values: &[(usize, AttrValue)]) -> Result<bool, EngineError> {
        let _w = self.lock_writer();
        let mut snap = (*self.snapshot()).clone();
        let nattrs = snap.schema.attrs.len();
        if let Some((idx, _)) = values.iter().find(|(i, _)| *i >= nattrs) {
            return Err(EngineError(format!("attribute index {idx} out of range")));
        }
        let Some((s, local)) = snap.locate(id) else {
            return Ok(false);
        };
        let op = LogOp::Update {
            id,
            values: values.to_vec(),
        };
        self.storage.append(&self.name, &op)?;
        let attrs = Arc::make_mut(&mut snap.segs[s].attrs);
        for (idx, value) in values {
            attrs.set(local, *idx, value.clone());
        }
        self.publish(snap);
        Ok(true)
    }

    /// Removes every document.
    pub fn truncate(&self) {
        let _w = self.lock_writer();
        let schema = self.snapshot().schema.clone();
        if self.storage.append(&self.name, &LogOp::Truncate).is_ok() {
            self.publish(Snapshot::empty(schema));
        }
    }

    /// Adds an attribute (existing documents get its default value).
    pub fn add_attr(&self, attr: Attr) -> Result<(), EngineError> {
        let _w = self.lock_writer();
        let snap = self.snapshot();
        let mut schema = (*snap.schema).clone();
        if schema.attr_index(&attr.name).is_some() || schema.field_index(&attr.name).is_some() {
            return Err(EngineError(format!(
                "'{}' attribute already in schema",
                attr.name
            )));
        }
        self.storage
            .append(&self.name, &LogOp::AddAttr(attr.clone()))?;
        let default = AttrValue::default_for(attr.ty);
        schema.attrs.push(attr);
        self.rewrite_attrs(&snap, schema, |row| row.push(default.clone()));
        Ok(())
    }

    /// Drops an attribute.
    pub fn drop_attr(&self, name: &str) -> Result<(), EngineError> {
        let _w = self.lock_writer();
        let snap = self.snapshot();
        let mut schema = (*snap.schema).clone();
        let Some(idx) = schema.attr_index(name) else {
            return Err(EngineError(format!("attribute '{name}' does not exist")));
        };
        self.storage
            .append(&self.name, &LogOp::DropAttr(name.to_string()))?;
        schema.attrs.remove(idx);
        self.rewrite_attrs(&snap, schema, |row| {
            if idx < row.len() {
                row.remove(idx);
            }
        });
        Ok(())
    }

    fn rewrite_attrs(
        &self,
        snap: &Snapshot,
        schema: Schema,
        f: impl FnMut(&mut Vec<AttrValue>) + Copy,
    ) {
        let mut next = snap.clone();
        next.schema = Arc::new(schema);
        for view in &mut next.segs {
            view.attrs = Arc::new(view.attrs.map_rows(f));
        }
        self.publish(next);
    }

    /// Applies a logged change again (replay of the binary log at start-up).
    pub fn apply(&self, op: LogOp) -> Result<(), EngineError> {
        match op {
            LogOp::Write { docs, mode } => self.write(docs, mode).map(|_| ()),
            LogOp::Delete(ids) => {
                self.delete(&ids);
                Ok(())
            }
            LogOp::Update { id, values } => self.update(id, &values).map(|_| ()),
            LogOp::Truncate => {
                self.truncate();
                Ok(())
            }
            LogOp::AddAttr(attr) => self.add_attr(attr),
            LogOp::DropAttr(name) => self.drop_attr(&name),
        }
    }

    /// How the table's tokenizer splits and normalizes a text (`CALL KEYWORDS`):
    /// stopwords and words shorter than `min_word_len` are left out.
    pub fn keywords(&self, text: &str) -> Vec<KeywordForm> {
        let mut out = Vec::new();
        self.tok.split(text, |word, pos| {
            if let Some(normalized) = self.tok.normalize(word) {
                out.push(KeywordForm {
                    qpos: pos,
                    tokenized: word.to_string(),
                    normalized,
                });
            }
        });
        out
    }

    /// Heap bytes of the current snapshot by structure, summed over segments
    /// (`attrs` estimates the attribute rows), for memory reports.
    pub fn memory_report(&self) -> Vec<(&'static str, usize)> {
        let snap = self.snapshot();
        let mut out: Vec<(&'static str, usize)> = Vec::new();
        for view in &snap.segs {
            for (part, bytes) in view.seg.heap_bytes() {
                match out.iter_mut().find(|(p, _)| *p == part) {
                    Some(slot) => slot.1 += bytes,
                    None => out.push((part, bytes)),
                }
            }
        }
        let attrs = snap.segs.iter().map(|v| v.attrs.heap_bytes()).sum();
        out.push(("attrs", attrs));
        out.push(("segments", snap.segs.len()));
        out
    }

    /// Decodes what the segments left for first use (see `Catalog::warm`).
    pub fn warm(&self) {
        for view in &self.snapshot().segs {
            view.seg.warm();
            view.attrs.warm();
        }
    }

    /// A consistent read view: later writes do not change it.
    pub fn reader(&self) -> Reader {
        Reader::new(
            self.snapshot(),
            self.tok.clone(),
            self.settings.clone(),
            self.compiled.clone(),
        )
    }
}

/// The ids of a batch: given ones checked, zeros assigned.
fn assign_ids(
    docs: &[Document],
    mode: WriteMode,
    snap: &Snapshot,
    w: &mut WriterState,
) -> Result<Vec<u64>, EngineError> {
    let mut seen = HashSet::with_capacity(docs.len());
    let mut ids = Vec::with_capacity(docs.len());
    for doc in docs {
        let id = if doc.id == 0 {
            loop {
                let id = w.next_id;
                w.next_id += 1;
                if snap.locate(id).is_none() && !seen.contains(&id) {
                    break id;
                }
            }
        } else {
            doc.id
        };
        let duplicate = !seen.insert(id) || snap.locate(id).is_some();
        if duplicate && mode == WriteMode::Insert {
            return Err(EngineError(format!("duplicate id '{id}'")));
        }
        ids.push(id);
    }
    for &id in &ids {
        w.next_id = w.next_id.max(id.saturating_add(1));
    }
    Ok(ids)
}

/// The positions of a batch that are written: the last copy of each id (0, an id
/// still to assign, is never a copy).
fn kept_docs(ids: impl Iterator<Item = u64>) -> Vec<usize> {
    let ids: Vec<u64> = ids.collect();
    let mut last_of = std::collections::HashMap::with_capacity(ids.len());
    for (i, &id) in ids.iter().enumerate() {
        if id != 0 {
            last_of.insert(id, i);
        }
    }
    (0..ids.len())
        .filter(|&i| ids[i] == 0 || last_of.get(&ids[i]) == Some(&i))
        .collect()
}

/// An attribute row with exactly one value per schema attribute.
fn fit_row(mut values: Vec<AttrValue>, attrs: &[Attr]) -> Vec<AttrValue> {
    values.truncate(attrs.len());
    for attr in &attrs[values.len()..] {
        values.push(AttrValue::default_for(attr.ty));
    }
    values
}

//! The real-time full-text engine: tables of documents with full-text fields and
//! typed attributes, searchable the moment a write is acknowledged.
//!
//! CONTRACT (the SQL layer and later the HTTP and binary API front ends rely on these
//! names):
//! - [`Catalog`]: the set of tables (create, drop, get, list).
//! - [`Table`]: writes (insert/replace, delete, update, truncate, alter) and
//!   [`Table::reader`], a consistent read view.
//! - [`Reader`]: full scans, lookups by id, and full-text [`Reader::search`] with
//!   Manticore's query syntax and rankers, returning weighted matches and per-keyword
//!   statistics for `SHOW META`.
//!
//! The engine knows nothing of SQL: filters on attributes, expressions, sorting,
//! grouping and facets are the SQL layer's, applied to what a `Reader` yields.
//!
//! Layout, in the order data flows: `tokenizer` (charset table, HTML stripping,
//! stopwords, morphology) -> `index` (immutable segments: dictionary, postings with
//! positions, stored fields; merging) -> `table` (snapshots of segments plus
//! kill-lists and copy-on-write attributes; one writer, many readers) -> `query`
//! (parse, bind, evaluate over one segment) -> `rank` (integer weights).
//!
//! Every write builds a small immutable segment and publishes a new snapshot (an
//! `Arc` swap), so it is visible to the next reader at once; segments of one size
//! class are merged (tiered, logarithmic): small merges inside the write, large
//! ones on a background thread that swaps its result in under the writer lock.

mod index;
mod query;
mod rank;
mod storage;
mod table;
mod tokenizer;
mod types;

#[cfg(test)]
mod bench;
#[cfg(test)]
mod tests;

pub use index::{docstore_cache, Bits, Blob, Segment, SegmentHead, TextCache};
pub use storage::{LogOp, MemoryStorage, NoStorage, Storage};
pub use table::{
    AttrStore, ChunkFiles, ChunkState, DiskChunk, FlushImage, Merged, Reader, Table, MAX_FIELDS,
};
pub use tokenizer::entity as html_entity;
pub use types::*;

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

/// The tables of a daemon.
pub struct Catalog {
    tables: RwLock<BTreeMap<String, Arc<Table>>>,
    storage: Arc<dyn Storage>,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog::with_storage(Arc::new(NoStorage))
    }
}

impl Catalog {
    /// An empty catalog kept in memory.
    pub fn new() -> Catalog {
        Catalog::default()
    }

    /// An empty catalog whose tables log their changes to `storage`.
    pub fn with_storage(storage: Arc<dyn Storage>) -> Catalog {
        Catalog {
            tables: RwLock::new(BTreeMap::new()),
            storage,
        }
    }

    /// Creates a table. With `if_not_exists`, an existing table is left alone and
    /// `Ok(false)` returned; without it, `EngineError` `table 'x' already exists`.
    pub fn create(
        &self,
        name: &str,
        schema: Schema,
        settings: TableSettings,
        if_not_exists: bool,
    ) -> Result<bool, EngineError> {
        let key = name.to_lowercase();
        let mut tables = self.tables.write().unwrap_or_else(|p| p.into_inner());
        if tables.contains_key(&key) {
            if if_not_exists {
                return Ok(false);
            }
            return Err(EngineError(format!("table '{key}' already exists")));
        }
        self.storage.create_table(&key, &schema, &settings)?;
        let table = Table::with_storage(&key, schema, settings, self.storage.clone())?;
        tables.insert(key, Arc::new(table));
        Ok(true)
    }

    /// Drops a table (`Ok(false)` when absent and `if_exists`).
    pub fn drop_table(&self, name: &str, if_exists: bool) -> Result<bool, EngineError> {
        let key = name.to_lowercase();
        let mut tables = self.tables.write().unwrap_or_else(|p| p.into_inner());
        if tables.contains_key(&key) {
            self.storage.drop_table(&key)?;
        }
        match tables.remove(&key) {
            Some(_) => Ok(true),
            None if if_exists => Ok(false),
            None => Err(EngineError(format!(
                "unknown table '{key}' in drop request"
            ))),
        }
    }

    /// A table by name (case-insensitive, as upstream).
    pub fn get(&self, name: &str) -> Option<Arc<Table>> {
        let tables = self.tables.read().unwrap_or_else(|p| p.into_inner());
        tables.get(&name.to_lowercase()).cloned()
    }

    /// Runs `f` over every table while no table can be created or dropped.
    pub fn with_tables<R>(&self, f: impl FnOnce(&[Arc<Table>]) -> R) -> R {
        let tables = self.tables.read().unwrap_or_else(|p| p.into_inner());
        let list: Vec<Arc<Table>> = tables.values().cloned().collect();
        f(&list)
    }

    /// Decodes now what the tables' disk chunks left for first use (attribute
    /// rows, indexes by id): run once after start-up, off the serving threads.
    pub fn warm(&self) {
        for table in self.with_tables(<[Arc<Table>]>::to_vec) {
            table.warm();
        }
    }

    /// Table names, sorted.
    pub fn names(&self) -> Vec<String> {
        let tables = self.tables.read().unwrap_or_else(|p| p.into_inner());
        tables.keys().cloned().collect()
    }
}

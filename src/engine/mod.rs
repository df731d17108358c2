//! The real-time full-text engine: tables of documents with full-text fields and
//! typed attributes, searchable the moment a write is acknowledged.
//!
//! CONTRACT (the SQL layer and later the HTTP and binary API front ends rely on these
//! names; the bodies here are placeholders until the engine lands):
//! - [`Catalog`]: the set of tables (create, drop, get, list).
//! - [`Table`]: writes (insert/replace, delete, update, truncate, alter) and
//!   [`Table::reader`], a consistent read view.
//! - [`Reader`]: full scans, lookups by id, and full-text [`Reader::search`] with
//!   Manticore's query syntax and rankers, returning weighted matches and per-keyword
//!   statistics for `SHOW META`.
//!
//! The engine knows nothing of SQL: filters on attributes, expressions, sorting,
//! grouping and facets are the SQL layer's, applied to what a `Reader` yields.

mod types;

pub use types::*;

use std::sync::Arc;

/// The tables of a daemon.
#[derive(Default)]
pub struct Catalog {
    _private: (),
}

impl Catalog {
    /// An empty catalog kept in memory.
    pub fn new() -> Catalog {
        Catalog::default()
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
        let _ = (name, schema, settings, if_not_exists);
        Err(EngineError::new("engine not built yet"))
    }

    /// Drops a table (`Ok(false)` when absent and `if_exists`).
    pub fn drop_table(&self, name: &str, if_exists: bool) -> Result<bool, EngineError> {
        let _ = (name, if_exists);
        Err(EngineError::new("engine not built yet"))
    }

    /// A table by name (case-insensitive, as upstream).
    pub fn get(&self, name: &str) -> Option<Arc<Table>> {
        let _ = name;
        None
    }

    /// Table names, sorted.
    pub fn names(&self) -> Vec<String> {
        Vec::new()
    }
}

/// One table.
pub struct Table {
    _private: (),
}

impl Table {
    pub fn name(&self) -> &str {
        ""
    }

    /// The current schema (changes only through `add_attr`/`drop_attr`).
    pub fn schema(&self) -> Arc<Schema> {
        Arc::new(Schema::default())
    }

    pub fn settings(&self) -> &TableSettings {
        unreachable!("placeholder")
    }

    /// Inserts or replaces documents, all or none. `Insert` of an id that exists fails
    /// with `duplicate id 'N'`; id 0 means "assign the next id" (returned ids are in
    /// input order). Visible to every reader taken after the call returns.
    pub fn write(&self, docs: Vec<Document>, mode: WriteMode) -> Result<Vec<u64>, EngineError> {
        let _ = (docs, mode);
        Err(EngineError::new("engine not built yet"))
    }

    /// Deletes documents by id; returns how many existed.
    pub fn delete(&self, ids: &[u64]) -> usize {
        let _ = ids;
        0
    }

    /// Sets attribute values (by attribute index in the schema) of one document;
    /// `Ok(false)` when the id does not exist. Full-text fields cannot be updated.
    pub fn update(&self, id: u64, values: &[(usize, AttrValue)]) -> Result<bool, EngineError> {
        let _ = (id, values);
        Err(EngineError::new("engine not built yet"))
    }

    /// Removes every document.
    pub fn truncate(&self) {}

    /// Adds an attribute (existing documents get its default value).
    pub fn add_attr(&self, attr: Attr) -> Result<(), EngineError> {
        let _ = attr;
        Err(EngineError::new("engine not built yet"))
    }

    /// Drops an attribute.
    pub fn drop_attr(&self, name: &str) -> Result<(), EngineError> {
        let _ = name;
        Err(EngineError::new("engine not built yet"))
    }

    /// A consistent read view: later writes do not change it.
    pub fn reader(&self) -> Reader {
        Reader { _private: () }
    }
}

/// A read view of a table.
pub struct Reader {
    _private: (),
}

impl Reader {
    pub fn schema(&self) -> &Schema {
        unreachable!("placeholder")
    }

    /// Number of live documents.
    pub fn len(&self) -> usize {
        0
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every live document, in id order.
    pub fn docs(&self) -> Box<dyn Iterator<Item = DocRef<'_>> + '_> {
        Box::new(std::iter::empty())
    }

    /// A document by id.
    pub fn get(&self, id: u64) -> Option<DocRef<'_>> {
        let _ = id;
        None
    }

    /// Runs a full-text query (Manticore's extended syntax, see [`MatchOptions`]).
    /// Syntax errors come back in upstream's wording.
    pub fn search(&self, query: &str, opts: &MatchOptions) -> Result<Matches<'_>, EngineError> {
        let _ = (query, opts);
        Err(EngineError::new("engine not built yet"))
    }
}

//! A table's last compiled full-text query, reused while the query text and the
//! schema, tokenizer and settings it was compiled with are the same objects (a
//! schema change, e.g. `ALTER TABLE`, publishes a new schema object). Only the
//! compilation is kept: every search still runs over the current snapshot.

use std::sync::{Arc, Mutex};

use crate::engine::query::{self, Compiled};
use crate::engine::tokenizer::Tokenizer;
use crate::engine::types::{EngineError, Schema, TableSettings};

/// The last compilation of one table.
#[derive(Default)]
pub(crate) struct CompileCache {
    last: Mutex<Option<Arc<Entry>>>,
}

/// A compiled query and what it was compiled with (held, so that the pointers
/// compared stay those of live objects).
pub(crate) struct Entry {
    query: String,
    schema: Arc<Schema>,
    tok: Arc<Tokenizer>,
    settings: Arc<TableSettings>,
    pub compiled: Compiled,
}

impl Entry {
    fn fits(
        &self,
        query: &str,
        tok: &Arc<Tokenizer>,
        st: &Arc<TableSettings>,
        sc: &Arc<Schema>,
    ) -> bool {
        self.query == query
            && Arc::ptr_eq(&self.schema, sc)
            && Arc::ptr_eq(&self.tok, tok)
            && Arc::ptr_eq(&self.settings, st)
    }
}

impl CompileCache {
    /// `query` compiled for this schema, tokenizer and settings: the last
    /// compilation when it fits, else a new one (which becomes the last; errors
    /// are not kept).
    pub(crate) fn compile(
        &self,
        query: &str,
        tok: &Arc<Tokenizer>,
        settings: &Arc<TableSettings>,
        schema: &Arc<Schema>,
    ) -> Result<Arc<Entry>, EngineError> {
        let last = self.last.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(e) = last.filter(|e| e.fits(query, tok, settings, schema)) {
            return Ok(e);
        }
        let entry = Arc::new(Entry {
            query: query.to_string(),
            schema: schema.clone(),
            tok: tok.clone(),
            settings: settings.clone(),
            compiled: query::compile(query, tok, settings, schema)?,
        });
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(entry.clone());
        Ok(entry)
    }
}

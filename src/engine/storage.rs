//! Where acknowledged changes go before they become visible: the seam for the
//! binary log (durability is a later task). A table logs every change through a
//! [`Storage`] and publishes it only when the log accepted it; replaying the log
//! into empty tables rebuilds them. [`MemoryStorage`] keeps the log in RAM for
//! tests; [`NoStorage`] (the default) keeps nothing.

use super::types::{Attr, AttrValue, Document, EngineError, Schema, TableSettings, WriteMode};
use std::sync::Mutex;

/// One change to a table, with ids already assigned.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum LogOp {
    Write {
        docs: Vec<Document>,
        mode: WriteMode,
    },
    Delete(Vec<u64>),
    Update {
        id: u64,
        values: Vec<(usize, AttrValue)>,
    },
    Truncate,
    AddAttr(Attr),
    DropAttr(String),
}

/// Accepts the changes of tables, in order.
pub trait Storage: Send + Sync {
    /// Records a change of `table`; an error aborts the change.
    fn append(&self, table: &str, op: &LogOp) -> Result<(), EngineError>;

    /// Records the creation of a table; an error aborts the creation.
    fn create_table(
        &self,
        _table: &str,
        _schema: &Schema,
        _settings: &TableSettings,
    ) -> Result<(), EngineError> {
        Ok(())
    }

    /// Records that a table was dropped; an error aborts the drop.
    fn drop_table(&self, _table: &str) -> Result<(), EngineError> {
        Ok(())
    }

    /// Saves a table's content so the log before it can go (`FLUSH RAMCHUNK`).
    fn flush(&self, _table: &super::Table) -> Result<(), EngineError> {
        Ok(())
    }

    /// Merges a table's disk chunks into one (`OPTIMIZE`, on a background
    /// thread); false when the storage keeps no disk chunks (the table then
    /// merges its segments in memory).
    /// `cutoff` is the most chunks to keep.
    fn optimize(&self, _table: &super::Table, _cutoff: usize) -> bool {
        false
    }
}

/// Keeps nothing: tables live in memory only.
#[derive(Debug, Default)]
pub struct NoStorage;

impl Storage for NoStorage {
    fn append(&self, _table: &str, _op: &LogOp) -> Result<(), EngineError> {
        Ok(())
    }
}

/// Keeps the log in memory.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    log: Mutex<Vec<(String, LogOp)>>,
}

impl MemoryStorage {
    /// Everything logged so far, oldest first.
    pub fn entries(&self) -> Vec<(String, LogOp)> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Storage for MemoryStorage {
    fn append(&self, table: &str, op: &LogOp) -> Result<(), EngineError> {
        self.log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((table.to_string(), op.clone()));
        Ok(())
    }
}

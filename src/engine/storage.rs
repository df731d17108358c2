//! Where acknowledged changes go before they become visible: the seam for the
//! binary log (durability is a later task). A table logs every change through a
//! [`Storage`] and publishes it only when the log accepted it; replaying the log
//! into empty tables rebuilds them. [`MemoryStorage`] keeps the log in RAM for
//! tests; [`NoStorage`] (the default) keeps nothing.

use super::types::{Attr, AttrValue, Document, EngineError, WriteMode};
use std::sync::Mutex;

/// One change to a table, with ids already assigned.
#[derive(Debug, Clone, PartialEq)]
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

//! [`Durable`]: the engine's [`Storage`] for a daemon with a `data_dir`: every change
//! goes to the binary log before it is visible, and `CREATE`/`DROP TABLE` also
//! rewrite the catalog file.

use super::binlog::Binlog;
use super::catalog_file::{CatalogFile, TableMeta};
use super::record::Change;
use crate::engine::{EngineError, LogOp, Schema, Storage, TableSettings};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// Logs changes to the binary log and keeps the catalog file of `data_dir`.
pub struct Durable {
    /// `None` in plain mode (tables come from the config, the catalog is fixed).
    data_dir: Option<PathBuf>,
    binlog: Option<Binlog>,
    meta: Mutex<CatalogFile>,
    /// Sequence numbers when there is no binary log.
    seq: AtomicU64,
    /// Set while start-up replays the log into the tables (nothing is logged then).
    replaying: AtomicBool,
}

impl Durable {
    pub(super) fn new(
        data_dir: Option<&Path>,
        binlog: Option<Binlog>,
        meta: CatalogFile,
        replaying: bool,
    ) -> Durable {
        Durable {
            data_dir: data_dir.map(Path::to_path_buf),
            binlog,
            seq: AtomicU64::new(meta.seq + 1),
            meta: Mutex::new(meta),
            replaying: AtomicBool::new(replaying),
        }
    }

    /// Ends the replay: the catalog as rebuilt is saved and changes are logged again.
    pub(super) fn end_replay(&self, seq: u64) -> Result<(), EngineError> {
        let mut meta = self.meta.lock().unwrap_or_else(|p| p.into_inner());
        meta.seq = meta.seq.max(seq);
        self.save(&meta)?;
        self.replaying.store(false, Ordering::SeqCst);
        Ok(())
    }

    /// Runs `f` on the catalog kept in memory (the replay updates it).
    pub(super) fn with_meta<R>(&self, f: impl FnOnce(&mut CatalogFile) -> R) -> R {
        f(&mut self.meta.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn replaying(&self) -> bool {
        self.replaying.load(Ordering::SeqCst)
    }

    /// Logs a change, returning its sequence number.
    fn log(&self, change: Change) -> Result<u64, EngineError> {
        match &self.binlog {
            Some(b) => b
                .append(change)
                .map_err(|e| EngineError(format!("binlog write failed: {e}"))),
            None => Ok(self.seq.fetch_add(1, Ordering::SeqCst)),
        }
    }

    /// The binary log's flush mode (`None` without a binary log).
    pub fn flush_mode(&self) -> Option<super::FlushMode> {
        self.binlog.as_ref().map(Binlog::flush_mode)
    }

    /// Makes everything logged durable (the once-a-second timer and shutdown).
    pub fn sync(&self) -> std::io::Result<()> {
        match &self.binlog {
            Some(b) => b.sync(),
            None => Ok(()),
        }
    }

    /// Syncs the binary log once a second while `this` lives (flush modes 0 and 2).
    pub fn start_sync_timer(this: &Arc<Durable>) {
        let weak: Weak<Durable> = Arc::downgrade(this);
        let spawned = std::thread::Builder::new()
            .name("binlog-sync".into())
            .spawn(move || loop {
                std::thread::sleep(Duration::from_secs(1));
                let Some(d) = weak.upgrade() else { return };
                if let Err(e) = d.sync() {
                    tracing::error!("binlog sync failed: {e}");
                }
            });
        if let Err(e) = spawned {
            tracing::error!("failed to start the binlog sync thread: {e}");
        }
    }

    fn table_dir(&self, table: &str) -> Result<PathBuf, EngineError> {
        let Some(data_dir) = &self.data_dir else {
            return Err(EngineError(
                "CREATE TABLE and DROP TABLE need RT mode: tables are declared in the config file (plain mode)".into(),
            ));
        };
        if table.is_empty()
            || !table
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(EngineError(format!("invalid table name '{table}'")));
        }
        Ok(data_dir.join(table))
    }

    fn save(&self, meta: &CatalogFile) -> Result<(), EngineError> {
        let Some(dir) = &self.data_dir else {
            return Ok(());
        };
        meta.save(dir)
            .map_err(|e| EngineError(format!("failed to save the catalog: {e}")))
    }
}

impl Storage for Durable {
    fn append(&self, table: &str, op: &LogOp) -> Result<(), EngineError> {
        if self.replaying() || self.binlog.is_none() {
            return Ok(());
        }
        self.log(Change::Op {
            table: table.to_string(),
            op: op.clone(),
        })
        .map(|_| ())
    }

    fn create_table(
        &self,
        table: &str,
        schema: &Schema,
        settings: &TableSettings,
    ) -> Result<(), EngineError> {
        if self.replaying() {
            return Ok(());
        }
        let dir = self.table_dir(table)?;
        std::fs::create_dir_all(&dir).map_err(|e| {
            EngineError(format!(
                "failed to create table folder '{}': {e}",
                dir.display()
            ))
        })?;
        let mut meta = self.meta.lock().unwrap_or_else(|p| p.into_inner());
        let seq = self.log(Change::Create {
            table: table.to_string(),
            schema: schema.clone(),
            settings: settings.clone(),
        })?;
        let entry = TableMeta {
            schema: schema.clone(),
            settings: settings.clone(),
            since: seq,
        };
        meta.tables.insert(table.to_string(), entry);
        meta.seq = seq;
        self.save(&meta)
    }

    fn drop_table(&self, table: &str) -> Result<(), EngineError> {
        if self.replaying() {
            return Ok(());
        }
        let dir = self.table_dir(table)?;
        let mut meta = self.meta.lock().unwrap_or_else(|p| p.into_inner());
        let seq = self.log(Change::Drop {
            table: table.to_string(),
        })?;
        meta.tables.remove(table);
        meta.seq = seq;
        self.save(&meta)?;
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    }
}

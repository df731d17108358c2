//! [`Durable`]: the engine's [`Storage`] for a daemon with a `data_dir`: every change
//! goes to the binary log before it is visible, and `CREATE`/`DROP TABLE` also
//! rewrite the catalog file.

use super::binlog::Binlog;
use super::catalog_file::{CatalogFile, TableMeta};
use super::record::Change;
use crate::engine::{Catalog, EngineError, LogOp, Schema, Storage, Table, TableSettings};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

/// Manticore's default `rt_mem_limit`: 128 MiB.
pub const DEFAULT_FLUSH_LIMIT: u64 = 128 * 1024 * 1024;

/// Logs changes to the binary log and keeps the catalog file of `data_dir`.
pub struct Durable {
    /// `None` in plain mode (tables come from the config, the catalog is fixed).
    data_dir: Option<PathBuf>,
    binlog: Option<Binlog>,
    meta: Mutex<CatalogFile>,
    /// The sequence number of the last change of each table changed since start-up
    /// (replayed or new); a table absent here has not changed.
    last_op: Mutex<BTreeMap<String, u64>>,
    /// Plain mode: the `path` of each declared table.
    plain_paths: BTreeMap<String, PathBuf>,
    /// Sequence numbers when there is no binary log.
    seq: AtomicU64,
    /// The catalog whose tables a flush saves (set once recovery is done).
    catalog: OnceLock<Weak<Catalog>>,
    /// Log bytes after which the tables are flushed (the `rt_mem_limit` role).
    flush_limit: AtomicU64,
    /// Log total at the start of the last flush.
    flushed_mark: AtomicU64,
    /// This storage itself (for the background flush thread).
    me: OnceLock<Weak<Durable>>,
    /// A background flush is running.
    flushing: Arc<AtomicBool>,
    /// Set while start-up replays the log into the tables (nothing is logged then).
    replaying: AtomicBool,
    /// The next number for a chunk or side file name.
    file_number: AtomicU64,
    /// Without a binary log: the estimated bytes of the changes since start-up.
    estimated: AtomicU64,
}

impl Durable {
    pub(super) fn new(
        data_dir: Option<&Path>,
        binlog: Option<Binlog>,
        meta: CatalogFile,
        replaying: bool,
        plain_paths: BTreeMap<String, PathBuf>,
    ) -> Durable {
        Durable {
            data_dir: data_dir.map(Path::to_path_buf),
            plain_paths,
            last_op: Mutex::new(BTreeMap::new()),
            binlog,
            seq: AtomicU64::new(meta.seq + 1),
            file_number: AtomicU64::new(meta.next_file_number()),
            estimated: AtomicU64::new(0),
            meta: Mutex::new(meta),
            replaying: AtomicBool::new(replaying),
            catalog: OnceLock::new(),
            me: OnceLock::new(),
            flush_limit: AtomicU64::new(DEFAULT_FLUSH_LIMIT),
            flushed_mark: AtomicU64::new(0),
            flushing: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Ends the replay: the catalog as rebuilt is saved (unless it is still
    /// `on_disk`, the file as read) and changes are logged again.
    pub(super) fn end_replay(
        &self,
        seq: u64,
        on_disk: Option<&CatalogFile>,
    ) -> Result<(), EngineError> {
        let mut meta = self.meta.lock().unwrap_or_else(|p| p.into_inner());
        meta.seq = meta.seq.max(seq);
        if on_disk != Some(&*meta) {
            self.save(&meta)?;
        }
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

    /// Sets the catalog that automatic flushes save, and after how many bytes of
    /// log they run (0 = the default).
    pub fn set_auto_flush(this: &Arc<Durable>, catalog: &Arc<Catalog>, limit: u64) {
        let _ = this.catalog.set(Arc::downgrade(catalog));
        let _ = this.me.set(Arc::downgrade(this));
        let limit = if limit == 0 {
            DEFAULT_FLUSH_LIMIT
        } else {
            limit
        };
        this.flush_limit.store(limit, Ordering::Relaxed);
    }

    /// True while a background flush runs.
    pub fn flushing(&self) -> bool {
        self.flushing.load(Ordering::Acquire)
    }

    /// Bytes logged since start-up: the binary log's, or without one an estimate
    /// of the changes' size (so that RAM stays bounded by the limit either way).
    fn logged_total(&self) -> u64 {
        match &self.binlog {
            Some(b) => b.total(),
            None => self.estimated.load(Ordering::Relaxed),
        }
    }

    /// Starts a background flush when the log grew past the limit since the last.
    fn maybe_auto_flush(&self) {
        let total = self.logged_total();
        let grown = total.saturating_sub(self.flushed_mark.load(Ordering::Relaxed));
        if grown < self.flush_limit.load(Ordering::Relaxed)
            || self.flushing.swap(true, Ordering::AcqRel)
        {
            return;
        }
        let catalog = self.catalog.get().and_then(Weak::upgrade);
        let me = self.me.get().and_then(Weak::upgrade);
        let (Some(catalog), Some(me)) = (catalog, me) else {
            self.flushing.store(false, Ordering::Release);
            return;
        };
        self.flushed_mark.store(total, Ordering::Relaxed);
        let flushing = self.flushing.clone();
        let spawned = std::thread::Builder::new()
            .name("rt-autoflush".into())
            .spawn(move || {
                if let Err(e) = me.flush_all(&catalog) {
                    tracing::error!("flush after {grown} bytes of binlog failed: {e}");
                }
                flushing.store(false, Ordering::Release);
            });
        if spawned.is_err() {
            self.flushing.store(false, Ordering::Release);
        }
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

    /// The path prefix of a table's files: `data_dir/t/t` in RT mode, the
    /// declared `path` in plain mode.
    pub(super) fn table_home(&self, table: &str) -> PathBuf {
        match (&self.data_dir, self.plain_paths.get(table)) {
            (Some(d), _) => d.join(table).join(table),
            (None, Some(p)) => p.clone(),
            (None, None) => PathBuf::from(table),
        }
    }

    pub(super) fn last_seq(&self) -> u64 {
        match &self.binlog {
            Some(b) => b.last_seq(),
            None => self.seq.load(Ordering::SeqCst).saturating_sub(1),
        }
    }

    /// Notes that a table changed with record `seq`.
    pub(super) fn touched(&self, table: &str, seq: u64) {
        let mut last = self.last_op.lock().unwrap_or_else(|p| p.into_inner());
        last.insert(table.to_string(), seq);
    }

    pub(super) fn unchanged_since(&self, table: &str, since: u64) -> bool {
        let last = self.last_op.lock().unwrap_or_else(|p| p.into_inner());
        last.get(table).is_none_or(|&s| s <= since)
    }

    /// Saves every table as a disk chunk, then removes the binary log files they
    /// make unnecessary (`rt_flush_period`, clean shutdown).
    pub fn flush_all(&self, catalog: &Catalog) -> Result<(), EngineError> {
        let io = |e: std::io::Error| EngineError(format!("binlog: {e}"));
        let closed = match &self.binlog {
            Some(b) => Some(b.rotate().map_err(io)?),
            None => None,
        };
        catalog.with_tables(|tables| tables.iter().try_for_each(|t| self.flush_table(t)))?;
        if let (Some(b), Some(n)) = (&self.binlog, closed) {
            b.remove_upto(n).map_err(io)?;
        }
        Ok(())
    }

    /// Runs [`Durable::flush_all`] every `period` while `this` lives.
    pub fn start_flush_timer(this: &Arc<Durable>, catalog: &Arc<Catalog>, period: Duration) {
        let weak: Weak<Durable> = Arc::downgrade(this);
        let catalog = Arc::downgrade(catalog);
        let spawned = std::thread::Builder::new()
            .name("rt-flush".into())
            .spawn(move || loop {
                std::thread::sleep(period);
                let (Some(d), Some(c)) = (weak.upgrade(), catalog.upgrade()) else {
                    return;
                };
                if let Err(e) = d.flush_all(&c) {
                    tracing::error!("periodic flush failed: {e}");
                }
            });
        if let Err(e) = spawned {
            tracing::error!("failed to start the flush thread: {e}");
        }
    }

    /// The catalog kept in memory, locked (flushes and `OPTIMIZE` switch chunks
    /// under it; take it before a table's writer lock).
    pub(super) fn lock_meta(&self) -> std::sync::MutexGuard<'_, CatalogFile> {
        self.meta.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A number for a new chunk or side file name, never used before.
    pub(super) fn next_file_number(&self) -> u64 {
        self.file_number.fetch_add(1, Ordering::SeqCst)
    }

    pub(super) fn save(&self, meta: &CatalogFile) -> Result<(), EngineError> {
        let Some(dir) = &self.data_dir else {
            return super::plain::save_all(&self.plain_paths, meta).map_err(EngineError);
        };
        meta.save(dir)
            .map_err(|e| EngineError(format!("failed to save the catalog: {e}")))
    }
}

impl Storage for Durable {
    fn flush(&self, table: &Table) -> Result<(), EngineError> {
        self.flush_table(table)
    }

    fn optimize(&self, table: &Table, cutoff: usize) -> bool {
        super::flush::optimize(self, table, cutoff);
        true
    }

    fn append(&self, table: &str, op: &LogOp) -> Result<(), EngineError> {
        if self.replaying() {
            return Ok(());
        }
        let seq = self.log(Change::Op {
            table: table.to_string(),
            op: op.clone(),
        })?;
        self.touched(table, seq);
        if self.binlog.is_none() {
            self.estimated.fetch_add(estimate(op), Ordering::Relaxed);
        }
        self.maybe_auto_flush();
        Ok(())
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
        let entry = TableMeta::new(schema.clone(), settings.clone(), seq);
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

/// About the bytes a change adds to a table in RAM (its texts and values).
fn estimate(op: &LogOp) -> u64 {
    match op {
        LogOp::Write { docs, .. } => docs
            .iter()
            .map(|d| {
                let text: usize = d.fields.iter().map(String::len).sum();
                (text + 16 * d.attrs.len() + 32) as u64
            })
            .sum(),
        _ => 64,
    }
}

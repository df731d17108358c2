//! Durability: the binary log of every acknowledged change, the catalog of tables
//! in `data_dir` (one folder per table), each table's disk chunks, and the
//! recovery that rebuilds the tables at start-up.
//!
//! Files, all written crash-safely (synced, and renamed into place; a file is
//! never rewritten in place):
//! - `data_dir/searchd.json` (RT mode): the tables, their schema and settings, and
//!   for each the binary log sequence number it already reflects (`since`), the
//!   next id, and its disk chunks in order, each with its current side files; in
//!   plain mode the same per table in `<path>.meta`;
//! - `data_dir/<table>/<table>.<N>.chunk` (plain mode `<path>.<N>.chunk`): one
//!   immutable segment with its attribute rows as written (see `chunk.rs`: a
//!   header, the part kept in memory, then postings and stored texts that stay
//!   in the file and are read on demand);
//! - `<table>.<N>.<K>.kill` and `<table>.<N>.<K>.attrs`: a chunk's deleted
//!   documents and, after `UPDATE`/`ALTER`, its attribute rows, each saved under a
//!   new name at a flush when it changed (see `side.rs`);
//! - `binlog_path/binlog.NNNN` (default `data_dir/binlog`, plain mode the folder of
//!   the first table): checksummed records of `CREATE`, `DROP` and every write,
//!   numbered daemon-wide. Each start opens a new file; a torn last record is cut
//!   off with a warning and never replayed.
//!
//! Recovery: each table is loaded from its chunks (only their in-memory parts are
//! read; a damaged chunk or side file is skipped with a warning naming it), then
//! every record newer than its `since` is replayed. A flush (clean shutdown,
//! `rt_flush_period`, the log growing by `rt_mem_limit`,
//! [`crate::engine::Table::flush`]) starts a new log file, writes for each changed
//! table its RAM segments as one new chunk and the side files that changed, saves
//! the catalog, and only then removes the older log files and the files the
//! catalog no longer names, so a crash at any point leaves a recoverable state.
//! `OPTIMIZE TABLE` merges the chunks in the background and switches the catalog
//! to the result (`flush.rs`); files a crash left unnamed are removed at start.

mod binlog;
mod catalog_file;
mod chunk;
mod durable;
mod flush;
mod fsutil;
mod plain;
mod record;
mod replay;
mod side;

pub use binlog::FlushMode;
pub use durable::Durable;
pub use record::{crc32, Change, Record};

use crate::config::{Searchd, Section};
use crate::engine::Catalog;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How the storage of an RT-mode daemon is set up.
#[derive(Debug, Clone)]
pub struct Options {
    /// `data_dir`.
    pub data_dir: PathBuf,
    /// The binary log folder; `None` disables the binary log.
    pub binlog_dir: Option<PathBuf>,
    /// `binlog_flush`.
    pub flush: FlushMode,
    /// `binlog_max_log_size` (0 = no limit).
    pub max_log_size: u64,
}

impl Options {
    /// The options of `searchd` settings with `data_dir` set.
    pub fn from_settings(s: &Searchd, data_dir: &Path) -> Options {
        let binlog_dir = match &s.binlog_path {
            None => Some(data_dir.join("binlog")),
            Some(p) if p.as_os_str().is_empty() => None,
            Some(p) => Some(p.clone()),
        };
        Options {
            data_dir: data_dir.to_path_buf(),
            binlog_dir,
            flush: FlushMode::from_config(s.binlog_flush),
            max_log_size: s.binlog_max_log_size,
        }
    }
}

/// A recovered catalog and the storage its tables log to.
pub struct Opened {
    pub catalog: Arc<Catalog>,
    pub durable: Arc<Durable>,
    /// Problems found and worked around (torn or corrupt log records...).
    pub warnings: Vec<String>,
}

/// Plain mode: opens the RT tables declared in the config (creating their files on
/// first start) and replays the binary log into them. `binlog_dir` defaults to the
/// folder of the first table.
pub fn open_plain(s: &Searchd, sections: &[Section]) -> Result<Opened, String> {
    let (tables, mut warnings) = plain::declared(sections)?;
    let mut meta = catalog_file::CatalogFile::default();
    for t in &tables {
        let stored = plain::materialize(t, &mut warnings)?;
        if meta.tables.insert(t.name.clone(), stored).is_some() {
            return Err(format!("table '{}' is declared twice", t.name));
        }
    }
    let base = tables
        .first()
        .and_then(|t| t.path.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let opts = Options::from_settings(s, base);
    let opts = Options {
        binlog_dir: match &s.binlog_path {
            None => Some(base.to_path_buf()),
            Some(_) => opts.binlog_dir,
        },
        ..opts
    };
    let paths = tables
        .iter()
        .map(|t| (t.name.clone(), t.path.clone()))
        .collect();
    let mut opened = replay::recover(&opts, meta, None, paths, None)?;
    let limit = tables.iter().map(|t| t.mem_limit).filter(|&m| m > 0).min();
    Durable::set_auto_flush(&opened.durable, &opened.catalog, limit.unwrap_or(0));
    warnings.append(&mut opened.warnings);
    opened.warnings = warnings;
    Ok(opened)
}

/// Opens `data_dir`: reads the catalog, replays the binary log into the tables, and
/// starts a new log file. An error is fatal (the daemon must not start).
pub fn open(opts: &Options) -> Result<Opened, String> {
    let opened = replay::open(opts)?;
    Durable::set_auto_flush(&opened.durable, &opened.catalog, 0);
    Ok(opened)
}

#[cfg(test)]
mod tests;

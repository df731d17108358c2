//! Start-up recovery: the catalog file, then every binary log record newer than
//! what the catalog reflects, applied in order.

use super::binlog::{self, Binlog};
use super::catalog_file::{CatalogFile, TableMeta};
use super::durable::Durable;
use super::record::{Change, Record};
use super::{Opened, Options};
use crate::engine::Catalog;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// RT mode: the catalog of `data_dir`, then the binary log.
pub(super) fn open(opts: &Options) -> Result<Opened, String> {
    let meta = CatalogFile::load(&opts.data_dir)?;
    recover(opts, meta, Some(&opts.data_dir), BTreeMap::new())
}

/// Rebuilds the tables of `meta` and replays the log into them; `data_dir` is
/// `None` in plain mode.
pub(super) fn recover(
    opts: &Options,
    meta: CatalogFile,
    data_dir: Option<&Path>,
    plain_paths: BTreeMap<String, PathBuf>,
) -> Result<Opened, String> {
    let mut warnings = Vec::new();
    let mut records = Vec::new();
    let mut binlog = None;
    if let Some(dir) = &opts.binlog_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("failed to create binlog_path '{}': {e}", dir.display()))?;
        let read = binlog::read_all(dir)
            .map_err(|e| format!("failed to read the binary log in '{}': {e}", dir.display()))?;
        warnings.extend(read.warnings);
        let last_seq = read.records.iter().map(|r| r.seq).max().unwrap_or(0);
        let since = meta.tables.values().map(|t| t.since).max().unwrap_or(0);
        let next_seq = last_seq.max(meta.seq).max(since) + 1;
        let log = Binlog::create(
            dir,
            read.last_number + 1,
            next_seq,
            opts.flush,
            opts.max_log_size,
        )
        .map_err(|e| format!("failed to start the binary log in '{}': {e}", dir.display()))?;
        binlog = Some(log);
        records = read.records;
    }
    let mut meta = meta;
    meta.seq = meta
        .tables
        .values()
        .map(|t| t.since)
        .fold(meta.seq, u64::max);
    let durable = Arc::new(Durable::new(
        data_dir,
        binlog,
        meta.clone(),
        true,
        plain_paths,
    ));
    let catalog = Arc::new(Catalog::with_storage(durable.clone()));
    for (name, t) in &meta.tables {
        catalog
            .create(name, t.schema.clone(), t.settings.clone(), false)
            .map_err(|e| format!("table '{name}': {e}"))?;
        remove_orphan_chunks(&durable.table_home(name), t.chunk.as_deref());
        if let (Some(file), Some(table)) = (&t.chunk, catalog.get(name)) {
            let path = durable.table_home(name).with_file_name(file);
            match super::chunk::read(&path) {
                Ok(image) => table.restore(image),
                Err(e) => warnings.push(format!(
                    "table '{name}': {e}; the table is served without it"
                )),
            }
        }
    }
    let mut last = meta.seq;
    for rec in records {
        last = last.max(rec.seq);
        apply(&catalog, &durable, rec, &mut warnings);
    }
    durable.end_replay(last).map_err(|e| e.to_string())?;
    Ok(Opened {
        catalog,
        durable,
        warnings,
    })
}

/// Applies one record unless the catalog already reflects it.
fn apply(catalog: &Catalog, durable: &Durable, rec: Record, warnings: &mut Vec<String>) {
    let seq = rec.seq;
    let since = |table: &str| durable.with_meta(|m| m.tables.get(table).map(|t| t.since));
    match rec.change {
        Change::Create {
            table,
            schema,
            settings,
        } => {
            if since(&table).is_some_and(|s| s >= seq) {
                return;
            }
            let _ = catalog.drop_table(&table, true);
            match catalog.create(&table, schema.clone(), settings.clone(), false) {
                Ok(_) => durable.with_meta(|m| {
                    let entry = TableMeta {
                        schema,
                        settings,
                        since: seq,
                        chunk: None,
                    };
                    m.tables.insert(table, entry);
                }),
                Err(e) => warnings.push(format!("binlog replay: create table '{table}': {e}")),
            }
        }
        Change::Drop { table } => {
            if since(&table).is_none_or(|s| s > seq) {
                return;
            }
            let _ = catalog.drop_table(&table, true);
            durable.with_meta(|m| m.tables.remove(&table));
        }
        Change::Op { table, op } => {
            if since(&table).is_none_or(|s| s >= seq) {
                return;
            }
            if let Some(t) = catalog.get(&table) {
                durable.touched(&table, seq);
                if let Err(e) = t.apply(op) {
                    warnings.push(format!("binlog replay: table '{table}': {e}"));
                }
            }
        }
    }
}

/// Removes chunk files of a table that the catalog does not name (left by a crash
/// between writing a chunk and saving the catalog).
fn remove_orphan_chunks(home: &Path, keep: Option<&str>) {
    let (Some(dir), Some(stem)) = (home.parent(), home.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!("{}.", stem.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let seq = name
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".chunk"));
        let ours = seq.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
        if ours && Some(name.as_str()) != keep {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

//! Start-up recovery: the catalog file, then every binary log record newer than
//! what the catalog reflects, applied in order.

use super::binlog::{self, Binlog};
use super::catalog_file::{CatalogFile, TableMeta};
use super::durable::Durable;
use super::record::{Change, Record};
use super::{Opened, Options};
use crate::engine::{Catalog, ChunkFiles, DiskChunk};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// RT mode: the catalog of `data_dir`, then the binary log.
pub(super) fn open(opts: &Options) -> Result<Opened, String> {
    let meta = CatalogFile::load(&opts.data_dir)?;
    let on_disk = CatalogFile::path(&opts.data_dir)
        .exists()
        .then(|| meta.clone());
    recover(opts, meta, Some(&opts.data_dir), BTreeMap::new(), on_disk)
}

/// Rebuilds the tables of `meta` and replays the log into them; `data_dir` is
/// `None` in plain mode.
pub(super) fn recover(
    opts: &Options,
    meta: CatalogFile,
    data_dir: Option<&Path>,
    plain_paths: BTreeMap<String, PathBuf>,
    on_disk: Option<CatalogFile>,
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
        let home = durable.table_home(name);
        remove_orphan_files(&home, &t.files());
        if let Some(file) = &t.chunk {
            warnings.push(format!(
                "table '{name}': disk chunk '{}' is written in an older format that this version does not read; the table is served without it",
                home.with_file_name(file).display()
            ));
        }
        if let Some(table) = catalog.get(name) {
            let chunks = t
                .chunks
                .iter()
                .filter_map(
                    |files| match load_chunk(&home, files, t.schema.attrs.len()) {
                        Ok(c) => Some(c),
                        Err(e) => {
                            warnings.push(format!(
                                "table '{name}': {e}; the table is served without it"
                            ));
                            None
                        }
                    },
                )
                .collect();
            table.restore_chunks(chunks, t.next_id);
        }
    }
    let mut last = meta.seq;
    for rec in records {
        last = last.max(rec.seq);
        apply(&catalog, &durable, rec, &mut warnings);
    }
    // A start that replays nothing and finds every chunk leaves the catalog
    // file as it is (no rewrite, no fsync).
    durable
        .end_replay(last, on_disk.as_ref())
        .map_err(|e| e.to_string())?;
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
                    let entry = TableMeta::new(schema, settings, seq);
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

/// Reads a disk chunk and its side files back.
fn load_chunk(home: &Path, files: &ChunkFiles, nattrs: usize) -> Result<DiskChunk, String> {
    let opened = super::chunk::open(&home.with_file_name(&files.file))?;
    let rows = match &files.attrs {
        Some(f) => super::side::read_attrs(&home.with_file_name(f))?,
        None => opened.rows,
    };
    let dead = match &files.kill {
        Some(f) => Some(super::side::read_kill(&home.with_file_name(f))?),
        None => None,
    };
    DiskChunk::new(files.clone(), opened.seg, rows, dead, nattrs).map_err(|e| {
        format!(
            "disk chunk '{}': {}",
            home.with_file_name(&files.file).display(),
            e.0
        )
    })
}

/// Removes chunk and side files of a table that the catalog does not name (left
/// by a crash between writing them and saving the catalog).
fn remove_orphan_files(home: &Path, keep: &[&str]) {
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
        let numbers = name.strip_prefix(&prefix).and_then(|r| {
            [".chunk", ".kill", ".attrs"]
                .iter()
                .find_map(|ext| r.strip_suffix(ext))
        });
        let ours = numbers.is_some_and(|d| {
            !d.is_empty()
                && d.split('.')
                    .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        });
        if ours && !keep.contains(&name.as_str()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

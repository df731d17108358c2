//! The catalog of an RT-mode `data_dir`: `searchd.json`, the tables with their
//! schema and settings, each with the sequence number of the binary log record it
//! reflects (`since`: records of that table up to it are already in).

use super::fsutil;
use crate::engine::{ChunkFiles, Schema, TableSettings};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The catalog file's name inside `data_dir`.
pub const FILE_NAME: &str = "searchd.json";

/// One table of the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableMeta {
    pub schema: Schema,
    pub settings: TableSettings,
    /// Binary log records of this table numbered up to this are reflected already.
    pub since: u64,
    /// The disk chunks (files in the table's folder), in order, holding the
    /// table as of `since`.
    #[serde(default)]
    pub chunks: Vec<ChunkFiles>,
    /// The next id to assign as of `since`.
    #[serde(default)]
    pub next_id: u64,
    /// A whole-table chunk of an older version (not read; kept on disk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunk: Option<String>,
}

impl TableMeta {
    /// A table with no disk chunk yet.
    pub fn new(schema: Schema, settings: TableSettings, since: u64) -> TableMeta {
        TableMeta {
            schema,
            settings,
            since,
            chunks: Vec::new(),
            next_id: 0,
            chunk: None,
        }
    }

    /// Every file of the table's disk chunks (chunk and side files).
    pub fn files(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for c in &self.chunks {
            out.push(c.file.as_str());
            out.extend(c.kill.as_deref());
            out.extend(c.attrs.as_deref());
        }
        out.extend(self.chunk.as_deref());
        out
    }
}

/// The whole catalog file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CatalogFile {
    pub version: u32,
    /// The highest sequence number used when the file was written.
    pub seq: u64,
    pub tables: BTreeMap<String, TableMeta>,
}

impl CatalogFile {
    /// The file's path in `data_dir`.
    pub fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(FILE_NAME)
    }

    /// Reads the catalog of `data_dir` (empty when there is none yet).
    pub fn load(data_dir: &Path) -> Result<CatalogFile, String> {
        let path = Self::path(data_dir);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| format!("catalog '{}' is damaged: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(CatalogFile {
                version: 1,
                ..CatalogFile::default()
            }),
            Err(e) => Err(format!("failed to read catalog '{}': {e}", path.display())),
        }
    }

    /// Writes the catalog of `data_dir` crash-safely.
    pub fn save(&self, data_dir: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        fsutil::write_atomic(&Self::path(data_dir), &bytes)
    }

    /// The number after the highest one in the names of the chunk files (new
    /// files are numbered from it, so names are never reused).
    pub fn next_file_number(&self) -> u64 {
        let numbers = self.tables.values().flat_map(|t| t.files()).flat_map(|f| {
            f.split('.')
                .filter_map(|p| p.parse::<u64>().ok())
                .collect::<Vec<_>>()
        });
        numbers.max().map_or(1, |n| n + 1)
    }
}

//! The catalog of an RT-mode `data_dir`: `searchd.json`, the tables with their
//! schema and settings, each with the sequence number of the binary log record it
//! reflects (`since`: records of that table up to it are already in).

use super::fsutil;
use crate::engine::{Schema, TableSettings};
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
    /// The disk chunk file (in the table's folder) holding the table as of `since`.
    #[serde(default)]
    pub chunk: Option<String>,
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
}

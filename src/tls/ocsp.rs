//! `ssl_ocsp_response`: a DER OCSP response read from a file and kept in memory; the
//! file is read again when its size or modification time changes, so an external job
//! (e.g. `openssl ocsp ... -respout FILE`) can refresh it without a reload.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// The response file and its last reading.
#[derive(Debug)]
pub struct OcspFile {
    path: PathBuf,
    cache: Mutex<Option<Cached>>,
}

#[derive(Debug)]
struct Cached {
    modified: Option<SystemTime>,
    len: u64,
    der: Arc<Vec<u8>>,
}

impl OcspFile {
    /// Watches `path` (which need not exist yet).
    pub fn new(path: &Path) -> OcspFile {
        OcspFile {
            path: path.to_path_buf(),
            cache: Mutex::new(None),
        }
    }

    /// The current response: `None` when the file is missing, unreadable or empty.
    pub fn current(&self) -> Option<Arc<Vec<u8>>> {
        let meta = std::fs::metadata(&self.path).ok()?;
        let modified = meta.modified().ok();
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache.as_ref() {
            if c.modified == modified && c.len == meta.len() {
                return Some(c.der.clone());
            }
        }
        let der = std::fs::read(&self.path).ok().filter(|d| !d.is_empty())?;
        let der = Arc::new(der);
        *cache = Some(Cached {
            modified,
            len: meta.len(),
            der: der.clone(),
        });
        Some(der)
    }

    /// A warning when the file cannot be stapled right now.
    pub fn check(&self) -> Option<String> {
        match self.current() {
            Some(_) => None,
            None => Some(format!(
                "ssl_ocsp_response '{}' cannot be read or is empty: no OCSP response is \
                 stapled until it can",
                self.path.display()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rereads_the_file_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("resp.der");
        let f = OcspFile::new(&path);
        assert!(f.current().is_none());
        assert!(f.check().unwrap().contains("cannot be read"));
        std::fs::write(&path, b"first").unwrap();
        assert_eq!(f.current().unwrap().as_slice(), b"first");
        std::fs::write(&path, b"second!").unwrap();
        assert_eq!(f.current().unwrap().as_slice(), b"second!");
        assert!(f.check().is_none());
    }
}

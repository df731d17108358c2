//! The bytes of a segment that queries read piece by piece (postings, stored
//! text blocks): held in memory for segments built in RAM, or left in a disk
//! chunk file and read on demand with positioned reads (no mmap).

use std::borrow::Cow;
use std::fs::File;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

/// A byte string in memory or in a region of a shared file.
#[derive(Debug, Clone)]
pub enum Blob {
    /// Bytes in memory.
    Mem(Vec<u8>),
    /// `len` bytes of `file` from offset `at`.
    File { file: Arc<File>, at: u64, len: u64 },
}

impl Default for Blob {
    fn default() -> Blob {
        Blob::Mem(Vec::new())
    }
}

impl Blob {
    /// Length in bytes.
    pub fn len(&self) -> usize {
        match self {
            Blob::Mem(v) => v.len(),
            Blob::File { len, .. } => *len as usize,
        }
    }

    /// True when the blob holds no byte.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when the bytes stay in a file.
    pub fn is_file(&self) -> bool {
        matches!(self, Blob::File { .. })
    }

    /// Bytes `range`; `None` when the range is outside the blob or the file
    /// cannot be read (a damaged or truncated file: the caller sees no data).
    pub fn get(&self, range: Range<usize>) -> Option<Cow<'_, [u8]>> {
        match self {
            Blob::Mem(v) => v.get(range).map(Cow::Borrowed),
            Blob::File { file, at, len } => {
                if range.start > range.end || range.end as u64 > *len {
                    return None;
                }
                let mut buf = vec![0u8; range.end - range.start];
                file.read_exact_at(&mut buf, at + range.start as u64).ok()?;
                Some(Cow::Owned(buf))
            }
        }
    }

    /// All the bytes.
    pub fn all(&self) -> Option<Cow<'_, [u8]>> {
        self.get(0..self.len())
    }

    /// Heap bytes held (file regions hold none).
    pub fn heap_bytes(&self) -> usize {
        match self {
            Blob::Mem(v) => v.len(),
            Blob::File { .. } => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn file_regions_read_in_bounds_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blob");
        std::fs::File::create(&path)
            .unwrap()
            .write_all(b"0123456789")
            .unwrap();
        let file = Arc::new(File::open(&path).unwrap());
        let blob = Blob::File {
            file,
            at: 2,
            len: 6,
        };
        assert_eq!(blob.get(1..4).as_deref(), Some(&b"345"[..]));
        assert_eq!(blob.all().as_deref(), Some(&b"234567"[..]));
        assert!(blob.get(4..7).is_none());
        assert_eq!(blob.heap_bytes(), 0);
        let past_end = Blob::File {
            file: Arc::new(File::open(&path).unwrap()),
            at: 8,
            len: 6,
        };
        assert!(past_end.get(0..6).is_none());
    }
}

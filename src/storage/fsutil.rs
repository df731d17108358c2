//! Crash-safe file writing: write a temporary file, sync it, rename it into place,
//! sync the folder.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Replaces `path` with `data` so that a crash leaves either the old or the new file.
pub fn write_atomic(path: &Path, data: &[u8]) -> io::Result<()> {
    write_atomic_parts(path, &[data])
}

/// Like [`write_atomic`], the file being `parts` one after the other.
pub fn write_atomic_parts(path: &Path, parts: &[&[u8]]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".tmp");
    let tmp = dir.join(tmp_name);
    {
        let mut f = io::BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
        for part in parts {
            f.write_all(part)?;
        }
        f.into_inner()
            .map_err(io::IntoInnerError::into_error)?
            .sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    sync_dir(dir)
}

/// Makes the entries of a folder (new, renamed, removed files) durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

//! Disk chunk files: a table image framed by a magic, its length and a CRC-32,
//! written crash-safely; a truncated or damaged file is a clear error.

use super::fsutil;
use super::record::crc32;
use crate::engine::TableImage;
use std::path::Path;

const MAGIC: &[u8; 8] = b"SDCHUNK2";
const HEADER: usize = MAGIC.len() + 12;

/// Writes an image to `path` (synced, renamed into place).
pub fn write(path: &Path, image: &TableImage) -> std::io::Result<()> {
    let payload = image.encode();
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    fsutil::write_atomic(path, &out)
}

/// Reads an image back.
pub fn read(path: &Path) -> Result<TableImage, String> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("disk chunk '{shown}': {e}"))?;
    decode(&bytes).map_err(|why| format!("disk chunk '{shown}' is damaged ({why})"))
}

/// Checks the frame and decodes the image.
pub fn decode(bytes: &[u8]) -> Result<TableImage, String> {
    if bytes.starts_with(b"SDCHUNK") && !bytes.starts_with(MAGIC) {
        return Err("written in an older format that this version does not read".into());
    }
    if bytes.len() < HEADER || &bytes[..MAGIC.len()] != MAGIC {
        return Err("bad header".into());
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[8..16]);
    let len = u64::from_le_bytes(len);
    let mut crc = [0u8; 4];
    crc.copy_from_slice(&bytes[16..20]);
    let payload = &bytes[HEADER..];
    if payload.len() as u64 != len {
        return Err(format!("truncated: {} of {len} bytes", payload.len()));
    }
    if crc32(payload) != u32::from_le_bytes(crc) {
        return Err("checksum mismatch".into());
    }
    TableImage::decode(payload).map_err(|e| e.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_formats_and_garbage_are_clear_errors() {
        let mut old = b"SDCHUNK1".to_vec();
        old.extend_from_slice(&[0; 16]);
        let err = decode(&old).err().unwrap_or_default();
        assert!(err.contains("older format"), "{err}");
        let err = decode(b"not a chunk at all, just text")
            .err()
            .unwrap_or_default();
        assert_eq!(err, "bad header");
    }
}

//! A disk chunk's side files, saved at a flush when they changed: the kill-list
//! (`.kill`, its deleted documents) and the attribute rows (`.attrs`, after
//! `UPDATE` or `ALTER`). Each is a magic, the payload length and a CRC-32, then
//! the payload (postcard), written crash-safely under a new name each time.

use super::fsutil;
use super::record::crc32;
use crate::engine::{AttrStore, AttrValue, Bits};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::Path;

const KILL: &[u8; 8] = b"SDKILL01";
const ATTRS: &[u8; 8] = b"SDATTR01";
const HEADER: usize = 20;

/// Writes a kill-list.
pub fn write_kill(path: &Path, dead: &Bits) -> std::io::Result<()> {
    write(path, KILL, dead)
}

/// Writes attribute rows.
pub fn write_attrs(path: &Path, rows: &[&[AttrValue]]) -> std::io::Result<()> {
    write(path, ATTRS, &rows)
}

/// Reads a kill-list back.
pub fn read_kill(path: &Path) -> Result<Bits, String> {
    read(path, KILL, "kill-list")
}

/// Reads attribute rows back.
pub fn read_attrs(path: &Path) -> Result<AttrStore, String> {
    read(path, ATTRS, "attribute file")
}

fn write<T: Serialize + ?Sized>(path: &Path, magic: &[u8; 8], value: &T) -> std::io::Result<()> {
    let payload = postcard::to_stdvec(value).map_err(std::io::Error::other)?;
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(magic);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    fsutil::write_atomic(path, &out)
}

fn read<T: DeserializeOwned>(path: &Path, magic: &[u8; 8], what: &str) -> Result<T, String> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("{what} '{shown}': {e}"))?;
    decode(&bytes, magic).map_err(|why| format!("{what} '{shown}' is damaged ({why})"))
}

fn decode<T: DeserializeOwned>(bytes: &[u8], magic: &[u8; 8]) -> Result<T, String> {
    if bytes.len() < HEADER || &bytes[..8] != magic {
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
    postcard::from_bytes(payload).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_files_round_trip_and_refuse_damage() {
        let dir = tempfile::tempdir().unwrap();
        let kill = dir.path().join("t.1.2.kill");
        let mut dead = Bits::with_len(100);
        dead.set(3);
        dead.set(99);
        write_kill(&kill, &dead).unwrap();
        let back = read_kill(&kill).unwrap();
        assert!(back.get(3) && back.get(99) && !back.get(4));
        let attrs = dir.path().join("t.1.3.attrs");
        let rows: Vec<Vec<AttrValue>> = vec![vec![AttrValue::Int(7)], vec![AttrValue::Int(8)]];
        let refs: Vec<&[AttrValue]> = rows.iter().map(Vec::as_slice).collect();
        write_attrs(&attrs, &refs).unwrap();
        let back = read_attrs(&attrs).unwrap();
        assert_eq!((back.len(), back.width()), (2, 1));
        assert_eq!([back.row(0), back.row(1)], [&rows[0][..], &rows[1][..]]);
        let mut bytes = std::fs::read(&attrs).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&attrs, &bytes).unwrap();
        let err = read_attrs(&attrs).err().unwrap_or_default();
        assert!(
            err.contains("t.1.3.attrs") && err.contains("checksum"),
            "{err}"
        );
        // A kill-list is not an attribute file.
        let err = read_attrs(&kill).err().unwrap_or_default();
        assert!(err.contains("bad header"), "{err}");
    }
}

//! Disk chunk files. A chunk holds one immutable segment:
//!
//! ```text
//! header  magic "SDCHUNK4", head length, postings length, stored length (u64 LE),
//!         CRC-32 of the head, CRC-32 of the header bytes before it
//! head    what stays in memory: the length of the next part (u64 LE); dictionary,
//!         ids, field lengths, stored-text index (postcard); attribute rows (postcard).
//!         The first part is decoded when the chunk opens, the rows when first
//!         used. ("SDCHUNK3", still read, had the two parts without the length.)
//! blobs   the postings, then the compressed stored texts (read on demand)
//! ```
//!
//! Opening a chunk reads only the header and the head and checks the file length,
//! so a truncated file is a clear error at start-up. Written crash-safely.

use super::fsutil;
use super::record::crc32;
use crate::engine::{AttrStore, AttrValue, Blob, Segment, SegmentHead};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

const MAGIC: &[u8; 8] = b"SDCHUNK4";
/// The format before: the head without the length of its first part.
const MAGIC3: &[u8; 8] = b"SDCHUNK3";
const HEADER: usize = 40;

/// A chunk read back: the segment (its blobs left in the file) and its rows.
pub struct Opened {
    pub seg: Segment,
    pub rows: AttrStore,
}

/// Writes a segment and its attribute rows to `path` (synced, renamed into place).
pub fn write(path: &Path, seg: &Segment, rows: &[&[AttrValue]]) -> std::io::Result<()> {
    let (head, post, stored) = seg.parts();
    let head = encode_head(&head, rows).map_err(std::io::Error::other)?;
    let unreadable = || std::io::Error::other("segment bytes cannot be read");
    let post = post.all().ok_or_else(unreadable)?;
    let stored = stored.all().ok_or_else(unreadable)?;
    let header = header(MAGIC, &head, post.len(), stored.len());
    fsutil::write_atomic_parts(path, &[&header, &head, &post, &stored])
}

/// The header of a chunk with this head and blobs of these lengths.
fn header(magic: &[u8; 8], head: &[u8], post: usize, stored: usize) -> Vec<u8> {
    let mut header = Vec::with_capacity(HEADER);
    header.extend_from_slice(magic);
    for len in [head.len(), post, stored] {
        header.extend_from_slice(&(len as u64).to_le_bytes());
    }
    header.extend_from_slice(&crc32(head).to_le_bytes());
    let check = crc32(&header);
    header.extend_from_slice(&check.to_le_bytes());
    header
}

/// The head part of a chunk: the segment's part's length, that part, the rows.
fn encode_head(head: &SegmentHead, rows: &[&[AttrValue]]) -> postcard::Result<Vec<u8>> {
    let mut out = vec![0u8; 8];
    out = postcard::to_extend(head, out)?;
    let len = (out.len() - 8) as u64;
    out[..8].copy_from_slice(&len.to_le_bytes());
    postcard::to_extend(&rows, out)
}

/// Opens a chunk; a truncated or damaged file is an error naming it.
pub fn open(path: &Path) -> Result<Opened, String> {
    let shown = path.display();
    let file = File::open(path).map_err(|e| format!("disk chunk '{shown}': {e}"))?;
    let size = file
        .metadata()
        .map_err(|e| format!("disk chunk '{shown}': {e}"))?
        .len();
    let mut header = [0u8; HEADER];
    let read = (size as usize).min(HEADER);
    let read = if file.read_exact_at(&mut header[..read], 0).is_ok() {
        read
    } else {
        0
    };
    let opened = parse_header(&header[..read], size).and_then(|(head_len, post, stored)| {
        let file = Arc::new(file);
        let at = HEADER as u64 + head_len;
        let post = Blob::File {
            file: file.clone(),
            at,
            len: post,
        };
        let stored = Blob::File {
            file: file.clone(),
            at: at + post.len() as u64,
            len: stored,
        };
        if header.starts_with(MAGIC3) {
            let head = read_at(&file, head_len, HEADER as u64)?;
            check_head(&header, crc32(&head))?;
            let (head, rows): (SegmentHead, AttrStore) =
                postcard::from_bytes(&head).map_err(|e| e.to_string())?;
            return opened(Segment::from_parts(head, post, stored)?, rows);
        }
        // The segment's part is decoded while the rows are read.
        let (seg, rows) = read_head(&file, &header, head_len, |bytes| {
            SegmentHead::from_postcard(bytes).and_then(|h| Segment::from_parts(h, post, stored))
        })?;
        opened(seg, AttrStore::encoded(rows)?)
    });
    opened.map_err(|why| format!("disk chunk '{shown}' is damaged ({why})"))
}

/// Checks the header against the file size: the lengths of the head and blobs.
fn parse_header(header: &[u8], size: u64) -> Result<(u64, u64, u64), String> {
    if header.starts_with(b"SDCHUNK") && !header.starts_with(MAGIC) && !header.starts_with(MAGIC3) {
        return Err("written in an older format that this version does not read".into());
    }
    if header.len() < HEADER
        && !header.is_empty()
        && MAGIC.starts_with(&header[..header.len().min(8)])
    {
        return Err(format!("truncated: {size} bytes, shorter than the header"));
    }
    if header.len() < HEADER || (&header[..8] != MAGIC && &header[..8] != MAGIC3) {
        return Err("bad header".into());
    }
    let word = |i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&header[8 + 8 * i..16 + 8 * i]);
        u64::from_le_bytes(b)
    };
    let mut check = [0u8; 4];
    check.copy_from_slice(&header[36..40]);
    if crc32(&header[..36]) != u32::from_le_bytes(check) {
        return Err("header checksum mismatch".into());
    }
    let (head, post, stored) = (word(0), word(1), word(2));
    let want = [head, post, stored]
        .iter()
        .try_fold(HEADER as u64, |a, &b| a.checked_add(b))
        .ok_or("bad header")?;
    if size != want {
        return Err(format!("truncated: {size} of {want} bytes"));
    }
    Ok((head, post, stored))
}

/// Reads `len` bytes at `at`.
fn read_at(file: &File, len: u64, at: u64) -> Result<Vec<u8>, String> {
    let mut buf = vec![0u8; usize::try_from(len).map_err(|_| "bad head")?];
    file.read_exact_at(&mut buf, at)
        .map_err(|e| e.to_string())?;
    Ok(buf)
}

/// Checks the head's checksum (`hash`) against the one in the header.
fn check_head(header: &[u8], hash: u32) -> Result<(), String> {
    let mut crc = [0u8; 4];
    crc.copy_from_slice(&header[32..36]);
    if hash == u32::from_le_bytes(crc) {
        Ok(())
    } else {
        Err("checksum mismatch".to_string())
    }
}

/// Reads a format 4 head and checks it against its checksum; `seg` is given
/// the segment's part while the rows are read on a second thread.
fn read_head<T>(
    file: &Arc<File>,
    header: &[u8],
    head_len: u64,
    seg: impl FnOnce(Vec<u8>) -> Result<T, String>,
) -> Result<(T, Vec<u8>), String> {
    let checked = |hash: u32| check_head(header, hash);
    let first = read_at(file, 8.min(head_len), HEADER as u64)?;
    let Some(seg_len) = split_len(&first).filter(|&l| l <= head_len - 8) else {
        // Damaged bytes are reported as such before the layout they break.
        checked(crc32(&read_at(file, head_len, HEADER as u64)?))?;
        return Err("bad head".into());
    };
    let rows_at = HEADER as u64 + 8 + seg_len;
    let rows_len = head_len - 8 - seg_len;
    let rows_file = Arc::clone(file);
    let rows = std::thread::spawn(move || {
        let rows = read_at(&rows_file, rows_len, rows_at)?;
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&rows);
        Ok::<_, String>((rows, hasher))
    });
    let seg_bytes = read_at(file, seg_len, HEADER as u64 + 8)?;
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&first);
    hasher.update(&seg_bytes);
    let decoded = seg(seg_bytes);
    let (rows, rows_hash) = rows
        .join()
        .map_err(|_| "attribute rows: reader panicked".to_string())??;
    hasher.combine(&rows_hash);
    checked(hasher.finalize())?;
    Ok((decoded?, rows))
}

/// A chunk read back, if its rows are as many as its documents.
fn opened(seg: Segment, rows: AttrStore) -> Result<Opened, String> {
    if rows.len() != seg.len() {
        return Err("attribute rows do not match the documents".into());
    }
    Ok(Opened { seg, rows })
}

/// The length of the head's first part, from the head's first 8 bytes.
fn split_len(first: &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(first.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Document, Table, TableSettings};

    fn older(magic: &[u8]) -> String {
        let mut old = magic.to_vec();
        old.extend_from_slice(&[0; 40]);
        parse_header(&old[..HEADER], 80).err().unwrap_or_default()
    }

    #[test]
    fn older_formats_and_garbage_are_clear_errors() {
        assert!(older(b"SDCHUNK2").contains("older format"));
        assert!(older(b"SDCHUNK1").contains("older format"));
        let err = parse_header(b"not a chunk at all, just text", 29)
            .err()
            .unwrap_or_default();
        assert_eq!(err, "bad header");
    }

    /// A segment of three documents built through a table, written to a chunk.
    fn written(dir: &Path) -> std::path::PathBuf {
        written_with_ids(dir, [1, 2, 3])
    }

    /// The same with these ids (in this order).
    fn written_with_ids(dir: &Path, ids: [u64; 3]) -> std::path::PathBuf {
        let schema = crate::engine::Schema {
            fields: vec![crate::engine::Field {
                name: "title".into(),
                indexed: true,
                stored: true,
            }],
            attrs: vec![crate::engine::Attr {
                name: "n".into(),
                ty: crate::engine::AttrType::Uint,
            }],
        };
        let t = Table::new("t", schema, TableSettings::default()).unwrap();
        let docs = (1..=3)
            .map(|i| Document {
                id: ids[i as usize - 1],
                fields: vec![format!("word{i} common text")],
                attrs: vec![AttrValue::Int(i as i64 * 10)],
            })
            .collect();
        t.write(docs, crate::engine::WriteMode::Insert).unwrap();
        let (image, ()) = t.flush_image(|| ());
        let merged = image.merge_ram().unwrap();
        let path = dir.join("t.1.chunk");
        write(&path, merged.segment(), &merged.rows()).unwrap();
        path
    }

    /// The head of the chunk at `path`.
    fn head_of(path: &Path) -> Vec<u8> {
        let bytes = std::fs::read(path).unwrap();
        let (head_len, _, _) = parse_header(&bytes[..HEADER], bytes.len() as u64).unwrap();
        bytes[HEADER..HEADER + head_len as usize].to_vec()
    }

    /// Rewrites the chunk at `path` with `magic` and `head`, its blobs kept.
    fn rewrite(path: &Path, magic: &[u8; 8], head: &[u8]) {
        let bytes = std::fs::read(path).unwrap();
        let (head_len, post, stored) = parse_header(&bytes[..HEADER], bytes.len() as u64).unwrap();
        let mut out = header(magic, head, post as usize, stored as usize);
        out.extend_from_slice(head);
        out.extend_from_slice(&bytes[HEADER + head_len as usize..]);
        std::fs::write(path, &out).unwrap();
    }

    #[test]
    fn chunks_of_the_format_before_still_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = written(dir.path());
        // SDCHUNK3: the same head without the length of its first part.
        let head = head_of(&path);
        rewrite(&path, MAGIC3, &head[8..]);
        let opened = open(&path).unwrap();
        assert_eq!(opened.seg.len(), 3);
        assert_eq!(opened.rows.row(1), [AttrValue::Int(20)]);
        assert_eq!(opened.seg.stored(2).to_vec(), ["word3 common text"]);
    }

    #[test]
    fn ids_out_of_order_and_rows_are_found_after_opening() {
        let dir = tempfile::tempdir().unwrap();
        let path = written_with_ids(dir.path(), [30, 10, 20]);
        let opened = open(&path).unwrap();
        let seg = &opened.seg;
        assert!(!seg.ids_ascending());
        let order: Vec<(u64, u32)> = (0..3).filter_map(|k| seg.by_id(k)).collect();
        assert_eq!(order, [(10, 1), (20, 2), (30, 0)]);
        assert_eq!(seg.local_of(20), Some(2));
        assert_eq!(seg.local_of(25), None);
        assert_eq!(opened.rows.row(0), [AttrValue::Int(10)]);
        assert_eq!(opened.rows.row(2), [AttrValue::Int(30)]);
    }

    #[test]
    fn a_head_whose_first_part_overruns_it_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = written(dir.path());
        let mut head = head_of(&path);
        head[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        rewrite(&path, MAGIC, &head);
        let err = open(&path).err().unwrap_or_default();
        assert!(err.contains("is damaged (bad head)"), "{err}");
    }

    #[test]
    fn round_trip_keeps_postings_and_texts_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = written(dir.path());
        let opened = open(&path).unwrap();
        let seg = &opened.seg;
        assert!(seg.on_disk());
        assert_eq!(opened.rows.row(2), [AttrValue::Int(30)]);
        assert_eq!(seg.len(), 3);
        assert_eq!(seg.stored(1).to_vec(), ["word2 common text"]);
        // Field lengths, decoded on first use.
        let stats = seg.field_stats(1, 0);
        assert_eq!((stats.len, stats.end), (3, 3));
        let t = seg.find("common").unwrap();
        let mut cur = seg.postings(t).cursor();
        let mut docs = Vec::new();
        while let Some((d, _)) = cur.next_doc() {
            docs.push(d);
        }
        assert_eq!(docs, [0, 1, 2]);
        let post: usize = seg
            .heap_bytes()
            .iter()
            .filter(|(p, _)| *p == "post")
            .map(|(_, b)| b)
            .sum();
        assert_eq!(post, 0);
    }

    #[test]
    fn truncated_and_damaged_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = written(dir.path());
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
        let err = open(&path).err().unwrap_or_default();
        assert!(
            err.contains("t.1.chunk") && err.contains("truncated"),
            "{err}"
        );
        // A damaged byte in the length of the head's first part, in that
        // part, and in the rows (read on a second thread).
        let head_len = parse_header(&bytes[..HEADER], bytes.len() as u64)
            .unwrap()
            .0 as usize;
        for at in [HEADER + 3, HEADER + 12, HEADER + head_len - 2] {
            let mut bad = bytes.clone();
            bad[at] ^= 0x55;
            std::fs::write(&path, &bad).unwrap();
            let err = open(&path).err().unwrap_or_default();
            assert!(err.contains("checksum mismatch"), "byte {at}: {err}");
        }
        let mut bad = bytes;
        bad[9] ^= 1;
        std::fs::write(&path, &bad).unwrap();
        let err = open(&path).err().unwrap_or_default();
        assert!(err.contains("header checksum"), "{err}");
    }

    #[test]
    fn damaged_postings_in_the_file_give_no_documents_not_panics() {
        let dir = tempfile::tempdir().unwrap();
        let path = written(dir.path());
        let mut bytes = std::fs::read(&path).unwrap();
        let opened = open(&path).unwrap();
        let head_len = {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[8..16]);
            u64::from_le_bytes(b) as usize
        };
        drop(opened);
        for b in &mut bytes[HEADER + head_len..] {
            *b = 0xff;
        }
        std::fs::write(&path, &bytes).unwrap();
        let opened = open(&path).unwrap();
        let seg = &opened.seg;
        for t in 0..seg.term_count() {
            let mut cur = seg.postings(t).cursor();
            while cur.next_doc().is_some() {}
        }
        assert_eq!(seg.stored(0).to_vec(), [""]);
    }
}

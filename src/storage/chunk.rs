//! Disk chunk files. A chunk holds one immutable segment:
//!
//! ```text
//! header  magic "SDCHUNK4", head length, postings length, stored length (u64 LE),
//!         CRC-32 of the head, CRC-32 of the header bytes before it
//! head    what stays in memory: the length of the next part (u64 LE); dictionary,
//!         ids, field lengths, stored-text index (postcard); attribute rows (postcard).
//!         The two parts are decoded at once on two threads. ("SDCHUNK3", still
//!         read, had the two parts without the length.)
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
        let mut head = vec![0u8; head_len as usize];
        file.read_exact_at(&mut head, HEADER as u64)
            .map_err(|e| e.to_string())?;
        let file = Arc::new(file);
        let at = HEADER as u64 + head_len;
        let post = Blob::File {
            file: file.clone(),
            at,
            len: post,
        };
        let stored = Blob::File {
            file,
            at: at + post.len() as u64,
            len: stored,
        };
        decode(&head, &header, post, stored)
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

fn decode(head: &[u8], header: &[u8], post: Blob, stored: Blob) -> Result<Opened, String> {
    let mut crc = [0u8; 4];
    crc.copy_from_slice(&header[32..36]);
    if crc32(head) != u32::from_le_bytes(crc) {
        return Err("checksum mismatch".into());
    }
    let (seg, rows) = if header.starts_with(MAGIC3) {
        let (head, rows): (SegmentHead, AttrStore) =
            postcard::from_bytes(head).map_err(|e| e.to_string())?;
        (Segment::from_parts(head, post, stored)?, rows)
    } else {
        let (seg_part, rows_part) = split_head(head).ok_or("bad head")?;
        // The rows on a second thread while this one reads the segment's part
        // (about as long each for a large chunk).
        std::thread::scope(|scope| {
            let rows = scope.spawn(|| postcard::from_bytes::<AttrStore>(rows_part));
            let seg = postcard::from_bytes::<SegmentHead>(seg_part)
                .map_err(|e| e.to_string())
                .and_then(|head| Segment::from_parts(head, post, stored));
            let rows = rows
                .join()
                .map_err(|_| "attribute rows: decoder panicked".to_string())?
                .map_err(|e| e.to_string());
            Ok::<_, String>((seg?, rows?))
        })?
    };
    if rows.len() != seg.len() {
        return Err("attribute rows do not match the documents".into());
    }
    Ok(Opened { seg, rows })
}

/// The head's two parts (after the length of the first).
fn split_head(head: &[u8]) -> Option<(&[u8], &[u8])> {
    let len = u64::from_le_bytes(head.get(..8)?.try_into().ok()?);
    let rest = &head[8..];
    let len = usize::try_from(len).ok().filter(|&l| l <= rest.len())?;
    Some(rest.split_at(len))
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
                id: i,
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
        let mut bad = bytes.clone();
        bad[HEADER + 3] ^= 0x55;
        std::fs::write(&path, &bad).unwrap();
        let err = open(&path).err().unwrap_or_default();
        assert!(err.contains("checksum mismatch"), "{err}");
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

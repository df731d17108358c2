//! Compressed framing (CLIENT_COMPRESS): a 3-byte compressed length, a 1-byte
//! compressed sequence id and a 3-byte uncompressed length (0 = stored as is), then
//! zlib data carrying plain packets. Payloads under 50 bytes are sent uncompressed.

use std::io::{Read, Write};

use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;

use super::packet::MAX_CHUNK;
use super::wire::{WireError, WireResult};

/// Payloads shorter than this are stored, not compressed.
pub const MIN_COMPRESS: usize = 50;

/// One compressed frame taken off a byte buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The decompressed content (plain packets).
    pub data: Vec<u8>,
    /// The compressed sequence id.
    pub seq: u8,
    /// How many buffer bytes the frame used.
    pub consumed: usize,
}

/// Appends `data` (plain packets) as compressed frames starting at compressed
/// sequence `seq`; returns the next compressed sequence id.
pub fn encode(data: &[u8], mut seq: u8, out: &mut Vec<u8>) -> u8 {
    for chunk in data.chunks(MAX_CHUNK) {
        let packed = if chunk.len() >= MIN_COMPRESS {
            deflate(chunk).filter(|z| z.len() <= MAX_CHUNK)
        } else {
            None
        };
        match packed {
            Some(z) => put_frame(out, &z, seq, chunk.len()),
            None => put_frame(out, chunk, seq, 0),
        }
        seq = seq.wrapping_add(1);
    }
    seq
}

fn put_frame(out: &mut Vec<u8>, body: &[u8], seq: u8, raw_len: usize) {
    out.extend_from_slice(&(body.len() as u32).to_le_bytes()[..3]);
    out.push(seq);
    out.extend_from_slice(&(raw_len as u32).to_le_bytes()[..3]);
    out.extend_from_slice(body);
}

fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).ok()?;
    enc.finish().ok()
}

/// Takes one compressed frame off the front of `buf`. `Ok(None)` means more bytes are
/// needed. Frames whose (un)compressed size exceeds `max` plus framing are
/// [`WireError::TooBig`]; bad zlib data or a wrong uncompressed size is malformed.
pub fn decode(buf: &[u8], max: usize) -> WireResult<Option<Frame>> {
    let Some(h) = buf.get(..7) else {
        return Ok(None);
    };
    let body_len = u24(&h[0..3]);
    let raw_len = u24(&h[4..7]);
    let limit = max.saturating_add(64);
    if body_len > limit || raw_len > limit {
        return Err(WireError::TooBig);
    }
    let Some(body) = buf.get(7..7 + body_len) else {
        return Ok(None);
    };
    let data = if raw_len == 0 {
        body.to_vec()
    } else {
        inflate(body, raw_len)?
    };
    Ok(Some(Frame {
        data,
        seq: h[3],
        consumed: 7 + body_len,
    }))
}

fn u24(b: &[u8]) -> usize {
    usize::from(b[0]) | usize::from(b[1]) << 8 | usize::from(b[2]) << 16
}

/// Inflates exactly `raw_len` bytes, refusing to produce more.
fn inflate(body: &[u8], raw_len: usize) -> WireResult<Vec<u8>> {
    let mut out = Vec::with_capacity(raw_len);
    let mut dec = ZlibDecoder::new(body).take(raw_len as u64 + 1);
    dec.read_to_end(&mut out)
        .map_err(|_| WireError::Malformed("bad zlib data"))?;
    if out.len() != raw_len {
        return Err(WireError::Malformed("wrong uncompressed length"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_short_payload_is_stored() {
        // A COM_PING packet (plain header + 0x0e) inside a stored frame, seq 0.
        let mut out = Vec::new();
        let next = encode(&[0x01, 0x00, 0x00, 0x00, 0x0e], 0, &mut out);
        assert_eq!(next, 1);
        assert_eq!(
            out,
            [0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0e]
        );
        let f = decode(&out, 1024).unwrap().unwrap();
        assert_eq!(f.data, [0x01, 0x00, 0x00, 0x00, 0x0e]);
        assert_eq!((f.seq, f.consumed), (0, 12));
    }

    #[test]
    fn golden_compressed_frame_decodes() {
        // A zlib stream holding 60 'a' bytes in one stored deflate block, written by
        // hand: header 78 01, block header 01, LEN 003c, NLEN ffc3, data, adler32.
        let mut z = vec![0x78, 0x01, 0x01, 0x3c, 0x00, 0xc3, 0xff];
        z.extend_from_slice(&[b'a'; 60]);
        z.extend_from_slice(&[0xb5, 0xc0, 0x16, 0xbd]);
        let mut frame = vec![z.len() as u8, 0x00, 0x00, 0x07, 0x3c, 0x00, 0x00];
        frame.extend_from_slice(&z);
        let f = decode(&frame, 1024).unwrap().unwrap();
        assert_eq!(f.data, vec![b'a'; 60]);
        assert_eq!((f.seq, f.consumed), (7, 7 + 71));
    }

    #[test]
    fn long_payload_is_compressed_with_header() {
        let data = vec![b'x'; 200];
        let mut out = Vec::new();
        assert_eq!(encode(&data, 4, &mut out), 5);
        assert_eq!(&out[3..7], &[4, 200, 0, 0]);
        assert!(out.len() < 100);
        assert_eq!(decode(&out, 1024).unwrap().unwrap().data, data);
    }

    #[test]
    fn bad_frames_are_errors() {
        assert_eq!(decode(&[5, 0, 0, 0, 0], 1024), Ok(None));
        let bad = [3, 0, 0, 0, 10, 0, 0, 1, 2, 3];
        assert!(matches!(decode(&bad, 1024), Err(WireError::Malformed(_))));
        assert_eq!(
            decode(&[0, 0, 0x10, 0, 0, 0, 0], 1024),
            Err(WireError::TooBig)
        );
        // Declares 10 bytes but inflates to 60.
        let z = deflate(&[b'a'; 60]).unwrap();
        let mut lie = vec![z.len() as u8, 0, 0, 0, 10, 0, 0];
        lie.extend_from_slice(&z);
        assert!(decode(&lie, 1024).is_err());
    }
}

//! Plain packet framing: a 3-byte little-endian payload length, a 1-byte sequence id,
//! then the payload. Payloads of 16 MiB - 1 bytes or more are split into chunks of
//! exactly `0xFFFFFF` bytes followed by a shorter (possibly empty) last chunk.

use super::wire::{WireError, WireResult};

/// The largest payload one chunk carries.
pub const MAX_CHUNK: usize = 0xFF_FFFF;

/// One logical packet taken off a byte buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The joined payload.
    pub payload: Vec<u8>,
    /// The sequence id of the last chunk.
    pub seq: u8,
    /// How many buffer bytes the packet used.
    pub consumed: usize,
}

/// Appends `payload` as one logical packet starting at sequence `seq`; returns the
/// next sequence id.
pub fn encode(payload: &[u8], mut seq: u8, out: &mut Vec<u8>) -> u8 {
    let mut rest = payload;
    loop {
        let n = rest.len().min(MAX_CHUNK);
        out.extend_from_slice(&(n as u32).to_le_bytes()[..3]);
        out.push(seq);
        out.extend_from_slice(&rest[..n]);
        seq = seq.wrapping_add(1);
        rest = &rest[n..];
        if n < MAX_CHUNK {
            return seq;
        }
    }
}

/// Takes one logical packet off the front of `buf`. `Ok(None)` means more bytes are
/// needed. A payload longer than `max` is [`WireError::TooBig`] as soon as its
/// headers say so.
pub fn decode(buf: &[u8], max: usize) -> WireResult<Option<Decoded>> {
    let mut pos = 0;
    let mut total = 0usize;
    loop {
        let Some(header) = buf.get(pos..pos + 4) else {
            return Ok(None);
        };
        let len =
            usize::from(header[0]) | usize::from(header[1]) << 8 | usize::from(header[2]) << 16;
        total += len;
        if total > max {
            return Err(WireError::TooBig);
        }
        pos += 4 + len;
        if buf.len() < pos {
            return Ok(None);
        }
        if len < MAX_CHUNK {
            return Ok(Some(Decoded {
                payload: join(buf, pos, total),
                seq: header[3],
                consumed: pos,
            }));
        }
    }
}

/// Copies the payloads of the chunks in `buf[..end]` into one vector.
fn join(buf: &[u8], end: usize, total: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(total);
    let mut pos = 0;
    while pos < end {
        let len = usize::from(buf[pos])
            | usize::from(buf[pos + 1]) << 8
            | usize::from(buf[pos + 2]) << 16;
        out.extend_from_slice(&buf[pos + 4..pos + 4 + len]);
        pos += 4 + len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_small_packet() {
        let mut out = Vec::new();
        let next = encode(b"\x0e", 0, &mut out);
        assert_eq!(out, [0x01, 0x00, 0x00, 0x00, 0x0e]);
        assert_eq!(next, 1);
        let d = decode(&out, 1024).unwrap().unwrap();
        assert_eq!(d.payload, b"\x0e");
        assert_eq!((d.seq, d.consumed), (0, 5));
    }

    #[test]
    fn partial_input_needs_more() {
        assert_eq!(decode(&[0x03, 0x00], 100), Ok(None));
        assert_eq!(decode(&[0x03, 0x00, 0x00, 0x05, b'a'], 100), Ok(None));
    }

    #[test]
    fn large_payload_split_and_joined() {
        let payload = vec![7u8; MAX_CHUNK + 10];
        let mut out = Vec::new();
        let next = encode(&payload, 3, &mut out);
        assert_eq!(next, 5);
        assert_eq!(&out[..4], &[0xFF, 0xFF, 0xFF, 3]);
        assert_eq!(&out[4 + MAX_CHUNK..8 + MAX_CHUNK], &[10, 0, 0, 4]);
        let d = decode(&out, usize::MAX).unwrap().unwrap();
        assert_eq!(d.payload, payload);
        assert_eq!((d.seq, d.consumed), (4, out.len()));
    }

    #[test]
    fn exact_chunk_gets_empty_trailer() {
        let payload = vec![1u8; MAX_CHUNK];
        let mut out = Vec::new();
        assert_eq!(encode(&payload, 0, &mut out), 2);
        assert_eq!(&out[out.len() - 4..], &[0, 0, 0, 1]);
        let d = decode(&out, usize::MAX).unwrap().unwrap();
        assert_eq!(d.payload.len(), MAX_CHUNK);
    }

    #[test]
    fn too_big_is_reported_from_header() {
        assert_eq!(
            decode(&[0x00, 0x10, 0x00, 0x00], 100),
            Err(WireError::TooBig)
        );
    }
}

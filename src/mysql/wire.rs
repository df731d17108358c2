//! Primitive MySQL wire types: fixed-width little-endian integers, length-encoded
//! integers and strings, NUL-terminated strings. Reading never panics: running out of
//! bytes is a [`WireError`].

use std::fmt;

/// A malformed or oversized piece of peer input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// The bytes end before the field does, or a field is invalid.
    Malformed(&'static str),
    /// A packet is larger than `max_packet_size`.
    TooBig,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Malformed(what) => write!(f, "malformed packet: {what}"),
            WireError::TooBig => f.write_str("packet too big"),
        }
    }
}

impl std::error::Error for WireError {}

/// Shorthand for codec results.
pub type WireResult<T> = Result<T, WireError>;

/// A cursor over a received payload.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading at the first byte of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Takes `n` bytes.
    pub fn take(&mut self, n: usize) -> WireResult<&'a [u8]> {
        if self.remaining() < n {
            return Err(WireError::Malformed("truncated field"));
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    /// Takes everything that is left.
    pub fn rest(&mut self) -> &'a [u8] {
        let out = &self.buf[self.pos..];
        self.pos = self.buf.len();
        out
    }

    /// Reads one byte.
    pub fn u8(&mut self) -> WireResult<u8> {
        Ok(self.take(1)?[0])
    }

    /// Reads a little-endian integer of `n` (<= 8) bytes.
    pub fn uint(&mut self, n: usize) -> WireResult<u64> {
        let bytes = self.take(n)?;
        Ok(bytes
            .iter()
            .rev()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// Reads a little-endian `u16`.
    pub fn u16(&mut self) -> WireResult<u16> {
        Ok(self.uint(2)? as u16)
    }

    /// Reads a little-endian `u32`.
    pub fn u32(&mut self) -> WireResult<u32> {
        Ok(self.uint(4)? as u32)
    }

    /// Reads a length-encoded integer (`0xFB` NULL is reported as an error here).
    pub fn lenenc_int(&mut self) -> WireResult<u64> {
        match self.u8()? {
            b @ 0..=0xFA => Ok(u64::from(b)),
            0xFC => self.uint(2),
            0xFD => self.uint(3),
            0xFE => self.uint(8),
            _ => Err(WireError::Malformed("bad length-encoded integer")),
        }
    }

    /// Reads a length-encoded string.
    pub fn lenenc_bytes(&mut self) -> WireResult<&'a [u8]> {
        let len = self.lenenc_int()?;
        let len = usize::try_from(len).map_err(|_| WireError::Malformed("length"))?;
        self.take(len)
    }

    /// Reads a NUL-terminated string (the NUL is consumed, not returned).
    pub fn nul_bytes(&mut self) -> WireResult<&'a [u8]> {
        let rest = &self.buf[self.pos..];
        let end = rest
            .iter()
            .position(|b| *b == 0)
            .ok_or(WireError::Malformed("missing NUL terminator"))?;
        self.pos += end + 1;
        Ok(&rest[..end])
    }
}

/// Appends a length-encoded integer.
pub fn put_lenenc_int(out: &mut Vec<u8>, v: u64) {
    if v < 0xFB {
        out.push(v as u8);
    } else if v <= 0xFFFF {
        out.push(0xFC);
        out.extend_from_slice(&(v as u16).to_le_bytes());
    } else if v <= 0xFF_FFFF {
        out.push(0xFD);
        out.extend_from_slice(&(v as u32).to_le_bytes()[..3]);
    } else {
        out.push(0xFE);
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// Appends a length-encoded string.
pub fn put_lenenc_bytes(out: &mut Vec<u8>, s: &[u8]) {
    put_lenenc_int(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// Appends a NUL-terminated string.
pub fn put_nul_bytes(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(s);
    out.push(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenenc_int_golden() {
        let cases: [(u64, &[u8]); 5] = [
            (0, &[0x00]),
            (250, &[0xFA]),
            (251, &[0xFC, 0xFB, 0x00]),
            (0x1_0000, &[0xFD, 0x00, 0x00, 0x01]),
            (0x100_0000, &[0xFE, 0, 0, 0, 1, 0, 0, 0, 0]),
        ];
        for (v, bytes) in cases {
            let mut out = Vec::new();
            put_lenenc_int(&mut out, v);
            assert_eq!(out, bytes, "{v}");
            assert_eq!(Reader::new(bytes).lenenc_int(), Ok(v));
        }
    }

    #[test]
    fn truncated_input_is_an_error() {
        assert!(Reader::new(&[0xFC, 0x01]).lenenc_int().is_err());
        assert!(Reader::new(&[0xFF]).lenenc_int().is_err());
        assert!(Reader::new(&[0x05, b'a']).lenenc_bytes().is_err());
        assert!(Reader::new(b"abc").nul_bytes().is_err());
        assert!(Reader::new(&[]).u8().is_err());
    }

    #[test]
    fn strings_roundtrip() {
        let mut out = Vec::new();
        put_lenenc_bytes(&mut out, b"abc");
        put_nul_bytes(&mut out, b"xy");
        assert_eq!(out, b"\x03abcxy\x00");
        let mut r = Reader::new(&out);
        assert_eq!(r.lenenc_bytes(), Ok(&b"abc"[..]));
        assert_eq!(r.nul_bytes(), Ok(&b"xy"[..]));
        assert_eq!(r.remaining(), 0);
    }
}

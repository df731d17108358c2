//! SphinxAPI framing (pure): big-endian words, dwords and strings; request headers
//! and reply frames.

/// The protocol version both sides send after connecting.
pub const HELLO: [u8; 4] = [0, 0, 0, 1];

/// Reply status codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub enum Status {
    Ok = 0,
    Error = 1,
    Retry = 2,
    Warning = 3,
}

/// Command codes.
pub mod command {
    pub const SEARCH: u16 = 0;
    pub const EXCERPT: u16 = 1;
    pub const UPDATE: u16 = 2;
    pub const KEYWORDS: u16 = 3;
    pub const PERSIST: u16 = 4;
    pub const STATUS: u16 = 5;
    pub const FLUSHATTRS: u16 = 7;
    pub const SPHINXQL: u16 = 8;
    pub const PING: u16 = 9;
    pub const UVAR: u16 = 11;
    pub const JSON: u16 = 16;
    /// The highest command code upstream knows.
    pub const LAST: u16 = 21;
}

/// A request header: `word command, word version, dword length`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub command: u16,
    pub version: u16,
    pub length: u32,
}

impl Header {
    pub const LEN: usize = 8;

    pub fn parse(b: &[u8; Self::LEN]) -> Header {
        Header {
            command: u16::from_be_bytes([b[0], b[1]]),
            version: u16::from_be_bytes([b[2], b[3]]),
            length: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
        }
    }
}

/// Appends an API string (dword length + bytes).
pub fn put_string(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// A whole reply frame.
pub fn reply(status: Status, version: u16, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + body.len());
    out.extend_from_slice(&(status as u16).to_be_bytes());
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// An ERROR or RETRY reply carrying one message (error replies carry version 0).
pub fn message_reply(status: Status, message: &str) -> Vec<u8> {
    let mut body = Vec::with_capacity(4 + message.len());
    put_string(&mut body, message);
    reply(status, 0, &body)
}

/// Appends a big-endian dword.
pub fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Appends a big-endian u64.
pub fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// The message for a body that ends before its fields do.
pub const TRUNCATED: &str = "invalid or truncated request";

/// A cursor over a request body; every read fails cleanly past the end.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// The next `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let end = end.ok_or_else(|| TRUNCATED.to_string())?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8, String> {
        Ok(self.bytes(1)?[0])
    }

    /// A big-endian dword.
    pub fn u32(&mut self) -> Result<u32, String> {
        let b = self.bytes(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A big-endian u64.
    pub fn u64(&mut self) -> Result<u64, String> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_be_bytes(a))
    }

    /// A float sent as its IEEE-754 bits.
    pub fn f32(&mut self) -> Result<f32, String> {
        Ok(f32::from_bits(self.u32()?))
    }

    /// A string (dword length + bytes; invalid UTF-8 is replaced).
    pub fn string(&mut self) -> Result<String, String> {
        let n = self.u32()? as usize;
        Ok(String::from_utf8_lossy(self.bytes(n)?).into_owned())
    }

    /// A count bounded by what the rest of the body could hold (`min_size` bytes each).
    pub fn count(&mut self, min_size: usize) -> Result<usize, String> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_size.max(1)) > self.buf.len() - self.pos {
            return Err(TRUNCATED.to_string());
        }
        Ok(n)
    }
}

/// Checks a command version against the daemon's, with upstream's texts.
pub fn check_version(client: u16, daemon: u16) -> Result<(), String> {
    let (cmaj, cmin) = (client >> 8, client & 0xff);
    let (dmaj, dmin) = (daemon >> 8, daemon & 0xff);
    if cmaj != dmaj {
        return Err(format!(
            "major command version mismatch (expected v.{dmaj}.x, got v.{cmaj}.{cmin})"
        ));
    }
    if cmin > dmin {
        return Err(format!(
            "client version is higher than daemon version (client is v.{cmaj}.{cmin}, daemon is v.{dmaj}.{dmin})"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parses_big_endian() {
        let h = Header::parse(&[0, 9, 1, 0, 0, 0, 0, 4]);
        assert_eq!(
            h,
            Header {
                command: 9,
                version: 0x100,
                length: 4
            }
        );
    }

    #[test]
    fn error_reply_golden_bytes() {
        let got = message_reply(Status::Error, "bad");
        assert_eq!(got, [0, 1, 0, 0, 0, 0, 0, 7, 0, 0, 0, 3, b'b', b'a', b'd']);
    }

    #[test]
    fn ok_reply_golden_bytes() {
        let got = reply(Status::Ok, 0x100, &[0, 0, 0, 42]);
        assert_eq!(got, [0, 0, 1, 0, 0, 0, 0, 4, 0, 0, 0, 42]);
    }

    #[test]
    fn version_checks_use_upstream_texts() {
        assert_eq!(check_version(0x11d, 0x128), Ok(()));
        assert_eq!(
            check_version(0x200, 0x11f).unwrap_err(),
            "major command version mismatch (expected v.1.x, got v.2.0)"
        );
        assert_eq!(
            check_version(0x1ff, 0x11f).unwrap_err(),
            "client version is higher than daemon version (client is v.1.255, daemon is v.1.31)"
        );
    }

    #[test]
    fn reader_fails_cleanly_past_the_end() {
        let mut r = Reader::new(&[0, 0, 0, 5, b'a']);
        assert_eq!(r.string().unwrap_err(), TRUNCATED);
        let mut r = Reader::new(&[0, 0, 0, 2, b'h', b'i', 0, 0, 0, 7]);
        assert_eq!(r.string().unwrap(), "hi");
        assert_eq!(r.u32().unwrap(), 7);
        assert!(r.u8().is_err());
        let mut r = Reader::new(&[0xff, 0xff, 0xff, 0xff]);
        assert!(r.count(4).is_err());
    }
}

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
}

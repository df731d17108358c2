//! Telling protocols apart by the first bytes a client sends (pure functions).
//!
//! Multi-protocol, `http` and `https` listeners wait for the client's first bytes:
//! - the binary API starts with its 4-byte protocol version (`00 00 00 01`, masters
//!   send `00 00 00 02`, and some clients the byte-swapped `01 00 00 00`);
//! - TLS starts with a handshake record: `0x16 0x03`;
//! - HTTP starts with a method token followed by a space (`GET `, `OPTIONS `...).
//!
//! Anything else is refused. The bytes read while deciding are replayed into the
//! chosen protocol.

/// What the first bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// Not enough bytes yet to decide.
    NeedMore,
    /// The binary API (SphinxAPI).
    Api,
    /// A TLS ClientHello.
    Tls,
    /// Plain HTTP.
    Http,
    /// None of the above: close the connection.
    Unknown,
}

/// The longest method token we wait for before giving up on HTTP.
const MAX_METHOD_LEN: usize = 20;

/// Classifies the bytes received so far.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    let Some(&first) = bytes.first() else {
        return Sniffed::NeedMore;
    };
    match first {
        0x16 => match bytes.get(1) {
            None => Sniffed::NeedMore,
            Some(0x03) => Sniffed::Tls,
            Some(_) => Sniffed::Unknown,
        },
        0x00 | 0x01 => sniff_api(bytes),
        b'A'..=b'Z' => sniff_http(bytes),
        _ => Sniffed::Unknown,
    }
}

fn sniff_api(bytes: &[u8]) -> Sniffed {
    const HELLOS: [[u8; 4]; 3] = [[0, 0, 0, 1], [0, 0, 0, 2], [1, 0, 0, 0]];
    let n = bytes.len().min(4);
    let prefix_ok = HELLOS.iter().any(|h| h[..n] == bytes[..n]);
    match (prefix_ok, bytes.len() >= 4) {
        (false, _) => Sniffed::Unknown,
        (true, true) => Sniffed::Api,
        (true, false) => Sniffed::NeedMore,
    }
}

/// An HTTP method is a token (RFC 9110); in practice upper-case letters, `-` and `_`.
fn sniff_http(bytes: &[u8]) -> Sniffed {
    for (i, &b) in bytes.iter().enumerate().take(MAX_METHOD_LEN + 1) {
        match b {
            b' ' if i > 0 => return Sniffed::Http,
            b'A'..=b'Z' | b'-' | b'_' if i < MAX_METHOD_LEN => {}
            _ => return Sniffed::Unknown,
        }
    }
    Sniffed::NeedMore
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_first_bytes() {
        let cases: &[(&[u8], Sniffed)] = &[
            (b"", Sniffed::NeedMore),
            (&[0, 0, 0, 1], Sniffed::Api),
            (&[0, 0, 0, 2], Sniffed::Api),
            (&[1, 0, 0, 0], Sniffed::Api),
            (&[0, 0, 0, 1, 0, 9, 1, 0], Sniffed::Api),
            (&[0, 0], Sniffed::NeedMore),
            (&[0, 0, 0, 3], Sniffed::Unknown),
            (&[0, 1], Sniffed::Unknown),
            (&[0x16], Sniffed::NeedMore),
            (&[0x16, 0x03, 0x01, 0x02, 0x00], Sniffed::Tls),
            (&[0x16, 0x02], Sniffed::Unknown),
            (b"GET / HTTP/1.1\r\n", Sniffed::Http),
            (b"POST /sql HTTP/1.1\r\n", Sniffed::Http),
            (b"OPTIONS * HTTP/1.1\r\n", Sniffed::Http),
            (b"PATCH /x HTTP/1.1\r\n", Sniffed::Http),
            (b"DELETE /x HTTP/1.1\r\n", Sniffed::Http),
            (b"GE", Sniffed::NeedMore),
            (b"GET", Sniffed::NeedMore),
            (b"get / HTTP/1.1", Sniffed::Unknown),
            (b" GET", Sniffed::Unknown),
            (b"G\x00T", Sniffed::Unknown),
            (b"ABCDEFGHIJKLMNOPQRSTUVWXYZ ", Sniffed::Unknown),
            (b"\xff\xfe", Sniffed::Unknown),
            (b"hello", Sniffed::Unknown),
        ];
        for (bytes, want) in cases {
            assert_eq!(sniff(bytes), *want, "bytes {bytes:?}");
        }
    }
}

//! Every decoder fed with pseudo-random and truncated bytes must return, never panic.

use std::collections::HashMap;

use super::wire::Reader;
use super::{compress, handshake, packet, params, sqltext, stmt};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Bytes(u64);

impl Bytes {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn buf(&mut self) -> Vec<u8> {
        let len = (self.next() % 96) as usize;
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn feed(buf: &[u8]) {
    let _ = packet::decode(buf, 1 << 20);
    let _ = compress::decode(buf, 1 << 20);
    let _ = handshake::parse_response(buf);
    let _ = handshake::parse_ssl_request(buf);
    let n = buf.first().map_or(0, |b| usize::from(*b % 9));
    let _ = params::decode(&mut Reader::new(buf), n, &mut Vec::new(), &HashMap::new());
    let text = String::from_utf8_lossy(buf);
    let _ = sqltext::scan(&text);
    let mut stmts = stmt::Statements::default();
    let (id, _) = stmts.prepare("select ?, ?, ?");
    let mut body = id.to_le_bytes().to_vec();
    body.extend_from_slice(buf);
    let _ = stmts.bind(&body);
    let _ = stmts.long_data(buf);
}

#[test]
fn random_bytes_never_panic() {
    let mut g = Bytes(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let buf = g.buf();
        for cut in [buf.len(), buf.len() / 2] {
            feed(&buf[..cut]);
        }
    }
}

#[test]
fn valid_handshake_response_truncated_everywhere() {
    let mut p = (0x200u32 | 0x8 | 0x8_0000 | 0x10_0000 | 0x20_0000)
        .to_le_bytes()
        .to_vec();
    p.extend_from_slice(&[0, 0, 0, 1, 0x21]);
    p.extend_from_slice(&[0; 23]);
    p.extend_from_slice(b"user\0\x03abcManticore\0mysql_native_password\0\x04\x01a\x01b");
    for cut in 0..p.len() {
        feed(&p[..cut]);
    }
    assert!(handshake::parse_response(&p).is_ok());
}

//! SPHINXQL over the binary API: the statement's results as raw MySQL protocol
//! packets (text result sets, OK, ERR) inside one API reply (pure encoders).

use super::codec::{check_version, reply, Reader, Status};
use super::Runner;
use crate::service::{Column, ColumnType, Outcome, QueryError, Row};

/// The SPHINXQL version this daemon speaks.
pub const VERSION: u16 = 0x101;

const AUTOCOMMIT: u16 = 0x0002;
const MORE_RESULTS: u16 = 0x0008;

/// Serves SPHINXQL: runs the statements and answers with their MySQL packets.
pub fn sphinxql(run: &mut Runner<'_>, ver: u16, body: &[u8]) -> Result<Vec<u8>, String> {
    check_version(ver, VERSION)?;
    let sql = Reader::new(body).string()?;
    let results = run.query(&sql);
    Ok(reply(Status::Ok, VERSION, &packets(&results)))
}

/// The MySQL packets answering `results`, sequence numbers from 1.
pub fn packets(results: &[Result<Outcome, QueryError>]) -> Vec<u8> {
    let mut w = Packets {
        out: Vec::new(),
        seq: 1,
    };
    if results.is_empty() {
        w.push(&ok(0, 0, AUTOCOMMIT));
    }
    for (i, r) in results.iter().enumerate() {
        let status = AUTOCOMMIT
            | if i + 1 < results.len() {
                MORE_RESULTS
            } else {
                0
            };
        match r {
            Ok(Outcome::Rows { columns, rows }) => w.result_set(columns, rows, status),
            Ok(Outcome::Done {
                affected,
                last_insert_id,
                ..
            }) => w.push(&ok(*affected, *last_insert_id, status)),
            Err(e) => w.push(&err(e)),
        }
    }
    w.out
}

struct Packets {
    out: Vec<u8>,
    seq: u8,
}

impl Packets {
    fn push(&mut self, payload: &[u8]) {
        let n = payload.len() as u32;
        self.out.extend_from_slice(&n.to_le_bytes()[..3]);
        self.out.push(self.seq);
        self.seq = self.seq.wrapping_add(1);
        self.out.extend_from_slice(payload);
    }

    fn result_set(&mut self, columns: &[Column], rows: &[Row], status: u16) {
        let mut count = Vec::new();
        lenenc(&mut count, columns.len() as u64);
        self.push(&count);
        for c in columns {
            self.push(&column_definition(c));
        }
        self.push(&eof(AUTOCOMMIT));
        for row in rows {
            let mut p = Vec::new();
            for v in row {
                match v.to_text() {
                    Some(t) => lenenc_str(&mut p, t.as_bytes()),
                    None => p.push(0xfb),
                }
            }
            self.push(&p);
        }
        self.push(&eof(status));
    }
}

fn lenenc(out: &mut Vec<u8>, v: u64) {
    match v {
        0..=250 => out.push(v as u8),
        251..=0xffff => {
            out.push(0xfc);
            out.extend_from_slice(&(v as u16).to_le_bytes());
        }
        0x1_0000..=0xff_ffff => {
            out.push(0xfd);
            out.extend_from_slice(&(v as u32).to_le_bytes()[..3]);
        }
        _ => {
            out.push(0xfe);
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
}

fn lenenc_str(out: &mut Vec<u8>, s: &[u8]) {
    lenenc(out, s.len() as u64);
    out.extend_from_slice(s);
}

fn column_definition(c: &Column) -> Vec<u8> {
    let mut p = Vec::new();
    for s in ["def", "", "", ""] {
        lenenc_str(&mut p, s.as_bytes());
    }
    lenenc_str(&mut p, c.name.as_bytes());
    lenenc_str(&mut p, c.name.as_bytes());
    p.push(0x0c);
    p.extend_from_slice(&33u16.to_le_bytes());
    let (len, ty) = match c.ty {
        ColumnType::UInt => (10u32, 0x03u8),
        ColumnType::BigInt => (20, 0x08),
        ColumnType::Float => (20, 0x04),
        ColumnType::String => (255, 0xfd),
    };
    p.extend_from_slice(&len.to_le_bytes());
    p.push(ty);
    p.extend_from_slice(&[0, 0, 0, 0, 0]);
    p
}

fn eof(status: u16) -> Vec<u8> {
    let mut p = vec![0xfe, 0, 0];
    p.extend_from_slice(&status.to_le_bytes());
    p
}

fn ok(affected: u64, last_id: u64, status: u16) -> Vec<u8> {
    let mut p = vec![0];
    lenenc(&mut p, affected);
    lenenc(&mut p, last_id);
    p.extend_from_slice(&status.to_le_bytes());
    p.extend_from_slice(&[0, 0]);
    p
}

fn err(e: &QueryError) -> Vec<u8> {
    let mut p = vec![0xff];
    p.extend_from_slice(&e.code.to_le_bytes());
    p.push(b'#');
    p.extend_from_slice(e.sqlstate.as_bytes());
    p.extend_from_slice(e.message.as_bytes());
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::Value;

    #[test]
    fn ok_and_error_packets_golden() {
        let got = packets(&[Ok(Outcome::Done {
            affected: 2,
            last_insert_id: 0,
            warnings: 0,
        })]);
        assert_eq!(got, [7, 0, 0, 1, 0, 2, 0, 2, 0, 0, 0]);
        let got = packets(&[Err(QueryError::new("no"))]);
        let mut want = vec![11, 0, 0, 1, 0xff, 0x28, 0x04, b'#'];
        want.extend(b"42000no");
        assert_eq!(got, want);
    }

    #[test]
    fn result_set_golden() {
        let got = packets(&[Ok(Outcome::Rows {
            columns: vec![Column::new("a", ColumnType::String)],
            rows: vec![vec![Value::Str("x".into())], vec![Value::Null]],
        })]);
        let mut want = vec![1, 0, 0, 1, 1];
        want.extend([
            24, 0, 0, 2, 3, b'd', b'e', b'f', 0, 0, 0, 1, b'a', 1, b'a', 0x0c, 33, 0,
        ]);
        want.extend([255, 0, 0, 0, 0xfd, 0, 0, 0, 0, 0]);
        want.extend([5, 0, 0, 3, 0xfe, 0, 0, 2, 0]);
        want.extend([2, 0, 0, 4, 1, b'x']);
        want.extend([1, 0, 0, 5, 0xfb]);
        want.extend([5, 0, 0, 6, 0xfe, 0, 0, 2, 0]);
        assert_eq!(got, want);
    }
}

//! Binary log records and their on-disk frame: `len: u32 LE`, `crc32: u32 LE` of the
//! payload, then the payload (a [`Record`] in postcard's compact binary encoding). Decoding is a pure function over
//! bytes that never panics: a short or corrupt frame is reported, not trusted.

use crate::engine::{LogOp, Schema, TableSettings};
use serde::{Deserialize, Serialize};

/// The first bytes of every binary log file.
pub const FILE_MAGIC: &[u8; 8] = b"SDBLOG02";

/// Bytes before a record's payload.
pub const FRAME_HEADER: usize = 8;

/// Largest payload accepted when reading (a bigger length is corruption).
pub const MAX_PAYLOAD: usize = 1 << 30;

/// One logged change, numbered in the order it was accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Daemon-wide sequence number, increasing by one per record.
    pub seq: u64,
    /// What changed.
    pub change: Change,
}

/// A change of the catalog or of one table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// `CREATE TABLE`.
    Create {
        table: String,
        schema: Schema,
        settings: TableSettings,
    },
    /// `DROP TABLE`.
    Drop { table: String },
    /// A write to a table.
    Op { table: String, op: LogOp },
}

/// The frame of a record.
pub fn encode(record: &Record) -> Vec<u8> {
    let payload = postcard::to_stdvec(record).unwrap_or_default();
    let mut out = Vec::with_capacity(FRAME_HEADER + payload.len());
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&crc32(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

/// What is found at an offset of a log file.
#[derive(Debug, PartialEq)]
pub enum Decoded {
    /// A valid record and the length of its frame.
    Record(Record, usize),
    /// Clean end of the file.
    End,
    /// A frame cut short (a write interrupted by a crash).
    Torn,
    /// A frame whose checksum or content is wrong.
    Corrupt(String),
}

/// Decodes the frame at the start of `buf`.
pub fn decode(buf: &[u8]) -> Decoded {
    if buf.is_empty() {
        return Decoded::End;
    }
    let Some(header) = buf.get(..FRAME_HEADER) else {
        return Decoded::Torn;
    };
    let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]) as usize;
    let crc = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    if len > MAX_PAYLOAD {
        return Decoded::Corrupt(format!("record length {len} is out of range"));
    }
    let Some(payload) = buf.get(FRAME_HEADER..FRAME_HEADER + len) else {
        return Decoded::Torn;
    };
    if crc32(payload) != crc {
        return Decoded::Corrupt("checksum mismatch".into());
    }
    match postcard::from_bytes(payload) {
        Ok(record) => Decoded::Record(record, FRAME_HEADER + len),
        Err(e) => Decoded::Corrupt(format!("bad record: {e}")),
    }
}

/// CRC-32 (IEEE, reflected, as zlib computes it).
pub fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{AttrValue, Document, WriteMode};

    fn sample() -> Record {
        Record {
            seq: 7,
            change: Change::Op {
                table: "t".into(),
                op: LogOp::Write {
                    docs: vec![Document {
                        id: 3,
                        fields: vec!["hello".into()],
                        attrs: vec![
                            AttrValue::Float(0.1),
                            AttrValue::Mva(vec![-1, 5]),
                            AttrValue::Json(serde_json::json!({"a": [1, "x", null], "b": 2.5})),
                            AttrValue::Str("it's".into()),
                        ],
                    }],
                    mode: WriteMode::Replace,
                },
            },
        }
    }

    #[test]
    fn crc_matches_zlib() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn round_trip() {
        let bytes = encode(&sample());
        assert_eq!(decode(&bytes), Decoded::Record(sample(), bytes.len()));
    }

    #[test]
    fn payload_is_compact_binary() {
        // A JSON encoding of the sample takes well over 150 bytes.
        let bytes = encode(&sample());
        assert!(bytes.len() < 100, "{} bytes", bytes.len());
        assert!(!bytes.windows(6).any(|w| w == b"\"seq\":"));
    }

    #[test]
    fn every_cut_is_torn_never_a_record() {
        let bytes = encode(&sample());
        for cut in 1..bytes.len() {
            assert_eq!(decode(&bytes[..cut]), Decoded::Torn, "cut at {cut}");
        }
    }

    #[test]
    fn flipped_byte_is_corrupt() {
        let mut bytes = encode(&sample());
        let last = bytes.len() - 2;
        bytes[last] ^= 0x40;
        assert!(matches!(decode(&bytes), Decoded::Corrupt(_)));
    }
}

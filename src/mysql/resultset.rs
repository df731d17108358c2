//! Result sets: column definitions, text rows (COM_QUERY) and binary rows
//! (COM_STMT_EXECUTE).

use super::handshake::CHARSET;
use super::wire::{put_lenenc_bytes, put_lenenc_int};
use crate::service::{Column, ColumnType, Value};

/// MySQL column type codes used on the wire.
pub mod types {
    pub const LONG: u8 = 0x03;
    pub const FLOAT: u8 = 0x04;
    pub const LONGLONG: u8 = 0x08;
    pub const VAR_STRING: u8 = 0xFD;
}

const UNSIGNED_FLAG: u16 = 0x20;
const BINARY_CHARSET: u16 = 63;

/// The column count packet.
pub fn column_count(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    put_lenenc_int(&mut out, n as u64);
    out
}

/// Wire type, display length, flags and decimals of a column.
fn describe(ty: ColumnType) -> (u8, u32, u16, u8) {
    match ty {
        ColumnType::UInt => (types::LONG, 10, UNSIGNED_FLAG, 0),
        ColumnType::BigInt => (types::LONGLONG, 20, 0, 0),
        ColumnType::Float => (types::FLOAT, 12, 0, 31),
        ColumnType::String => (types::VAR_STRING, 255, 0, 0),
    }
}

/// Column names longer than this are cut (as MySQL cuts names generated from long
/// expressions), so that a huge literal never makes a huge column definition.
pub const MAX_COLUMN_NAME: usize = 256;

/// A column name as sent: at most [`MAX_COLUMN_NAME`] bytes, on a character boundary.
fn wire_name(name: &str) -> &str {
    let mut cut = name.len().min(MAX_COLUMN_NAME);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    &name[..cut]
}

/// A ColumnDefinition41 packet.
pub fn column_definition(col: &Column) -> Vec<u8> {
    let (ty, len, flags, decimals) = describe(col.ty);
    let charset = if ty == types::VAR_STRING {
        u16::from(CHARSET)
    } else {
        BINARY_CHARSET
    };
    let mut out = Vec::new();
    put_lenenc_bytes(&mut out, b"def");
    let name = wire_name(&col.name);
    for field in ["", "", "", name, name] {
        put_lenenc_bytes(&mut out, field.as_bytes());
    }
    out.push(0x0C);
    out.extend_from_slice(&charset.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.push(ty);
    out.extend_from_slice(&flags.to_le_bytes());
    out.push(decimals);
    out.extend_from_slice(&[0, 0]);
    out
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn long_names_are_cut_on_a_character_boundary() {
        assert_eq!(wire_name("short"), "short");
        let long = "é".repeat(200);
        let cut = wire_name(&long);
        assert_eq!(cut.len(), 256);
        assert!(long.starts_with(cut));
        let def = column_definition(&Column::new("x".repeat(1000), ColumnType::String));
        assert!(def.len() < 600, "{}", def.len());
    }
}

/// A text-protocol row: each cell a length-encoded string, NULL as 0xFB.
pub fn text_row(row: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    for v in row {
        match v.to_text() {
            Some(s) => put_lenenc_bytes(&mut out, s.as_bytes()),
            None => out.push(0xFB),
        }
    }
    out
}

/// A binary-protocol row: header 0x00, NULL bitmap (offset 2), then each non-NULL
/// cell encoded as its column's wire type says.
pub fn binary_row(columns: &[Column], row: &[Value]) -> Vec<u8> {
    let mut out = vec![0x00];
    let bitmap_at = out.len();
    out.resize(bitmap_at + (columns.len() + 7 + 2) / 8, 0);
    for (i, col) in columns.iter().enumerate() {
        let v = row.get(i).unwrap_or(&Value::Null);
        if matches!(v, Value::Null) {
            let bit = i + 2;
            out[bitmap_at + bit / 8] |= 1 << (bit % 8);
            continue;
        }
        put_binary_value(&mut out, col.ty, v);
    }
    out
}

fn put_binary_value(out: &mut Vec<u8>, ty: ColumnType, v: &Value) {
    match ty {
        ColumnType::UInt => out.extend_from_slice(&(as_i64(v) as u32).to_le_bytes()),
        ColumnType::BigInt => out.extend_from_slice(&as_i64(v).to_le_bytes()),
        ColumnType::Float => out.extend_from_slice(&(as_f64(v) as f32).to_le_bytes()),
        ColumnType::String => {
            put_lenenc_bytes(out, v.to_text().unwrap_or_default().as_bytes());
        }
    }
}

fn as_i64(v: &Value) -> i64 {
    match v {
        Value::Null => 0,
        Value::Int(i) => *i,
        Value::UInt(u) => *u as i64,
        Value::Float(f) => *f as i64,
        Value::Str(s) => s.trim().parse().unwrap_or(0),
    }
}

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Null => 0.0,
        Value::Int(i) => *i as f64,
        Value::UInt(u) => *u as f64,
        Value::Float(f) => *f,
        Value::Str(s) => s.trim().parse().unwrap_or(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_column_definition() {
        let got = column_definition(&Column::new("id", ColumnType::BigInt));
        let want = [
            0x03, b'd', b'e', b'f', 0x00, 0x00, 0x00, 0x02, b'i', b'd', 0x02, b'i', b'd', 0x0C,
            0x3F, 0x00, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn golden_text_row() {
        let row = [Value::Int(1), Value::Null, Value::Str("ab".into())];
        assert_eq!(text_row(&row), [0x01, b'1', 0xFB, 0x02, b'a', b'b']);
    }

    #[test]
    fn golden_binary_row() {
        let cols = [
            Column::new("a", ColumnType::UInt),
            Column::new("b", ColumnType::String),
            Column::new("c", ColumnType::BigInt),
            Column::new("d", ColumnType::Float),
        ];
        let row = [
            Value::UInt(5),
            Value::Null,
            Value::Int(-2),
            Value::Float(1.5),
        ];
        let want = [
            0x00, 0x08, // header, NULL bitmap: column 1 -> bit 3
            0x05, 0x00, 0x00, 0x00, // uint
            0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, // -2
            0x00, 0x00, 0xC0, 0x3F, // 1.5f32
        ];
        assert_eq!(binary_row(&cols, &row), want);
    }

    #[test]
    fn golden_column_count() {
        assert_eq!(column_count(3), [0x03]);
    }
}

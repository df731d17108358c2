//! What a statement returns, independent of any wire format.

/// A column's type, as the MySQL front end will describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// 32-bit unsigned integer (`uint`, `bool`, `timestamp`).
    UInt,
    /// 64-bit signed integer (`bigint`, document ids).
    BigInt,
    /// 32-bit float.
    Float,
    /// Text (`string`, `text`, `json` rendered as text, MVA lists).
    String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
}

impl Column {
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Self {
        Column {
            name: name.into(),
            ty,
        }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
}

impl Value {
    /// The text form used by text protocols (MySQL text rows, HTTP raw mode).
    pub fn to_text(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Int(v) => Some(v.to_string()),
            Value::UInt(v) => Some(v.to_string()),
            Value::Float(v) => Some(format_float(*v)),
            Value::Str(s) => Some(s.clone()),
        }
    }
}

/// Floats print as Manticore prints them: up to 6 significant decimals, no trailing
/// zeros.
fn format_float(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_string()
    }
}

pub type Row = Vec<Value>;

/// The result of one statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A result set.
    Rows { columns: Vec<Column>, rows: Vec<Row> },
    /// A statement that changes something (or nothing) and returns no rows.
    Done {
        affected: u64,
        last_insert_id: u64,
        warnings: u16,
    },
}

impl Outcome {
    pub fn ok() -> Self {
        Outcome::Done {
            affected: 0,
            last_insert_id: 0,
            warnings: 0,
        }
    }
}

/// A statement error, with the MySQL error code and SQLSTATE it maps to on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub code: u16,
    pub sqlstate: &'static str,
    pub message: String,
}

impl QueryError {
    /// A generic error, as Manticore reports most statement errors (1064, 42000).
    pub fn new(message: impl Into<String>) -> Self {
        QueryError {
            code: 1064,
            sqlstate: "42000",
            message: message.into(),
        }
    }
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QueryError {}

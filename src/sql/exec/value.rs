//! Values as queries over tables compute them: numbers, strings, MVA sets and JSON,
//! with SphinxQL's comparison, truth and text rules.

use std::cmp::Ordering;

use crate::engine::{AttrType, AttrValue};
use crate::service::{ColumnType, Value};

/// A computed value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// No value (a missing JSON key, an unset variable).
    Null,
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// An MVA set, sorted.
    Mva(Vec<i64>),
    /// A JSON value that is not a scalar.
    Json(serde_json::Value),
}

impl Val {
    /// A stored attribute value.
    pub fn from_attr(v: &AttrValue) -> Val {
        match v {
            AttrValue::Int(i) => Val::Int(*i),
            AttrValue::Float(f) => Val::Float(widen(*f)),
            AttrValue::Str(s) => Val::Str(s.clone()),
            AttrValue::Json(j) => Val::from_json(j),
            AttrValue::Mva(m) => Val::Mva(m.clone()),
        }
    }

    /// A JSON value: scalars become numbers and strings, the rest stays JSON.
    pub fn from_json(j: &serde_json::Value) -> Val {
        match j {
            serde_json::Value::Null => Val::Null,
            serde_json::Value::Bool(b) => Val::Int(i64::from(*b)),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Val::Int(i),
                None => Val::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => Val::Str(s.clone()),
            other => Val::Json(other.clone()),
        }
    }

    /// A value of the no-table evaluator.
    pub fn from_value(v: Value) -> Val {
        match v {
            Value::Null => Val::Null,
            Value::Int(i) => Val::Int(i),
            Value::UInt(u) => i64::try_from(u).map_or(Val::Float(u as f64), Val::Int),
            Value::Float(f) => Val::Float(f),
            Value::Str(s) => Val::Str(s),
        }
    }

    /// The number this value reads as, if any (strings read their leading number).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Val::Int(i) => Some(*i as f64),
            Val::Float(f) => Some(*f),
            Val::Str(s) => Some(leading_number(s)),
            _ => None,
        }
    }

    /// The integer this value reads as, if any.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            Val::Float(f) => Some(*f as i64),
            Val::Str(s) => Some(leading_number(s) as i64),
            _ => None,
        }
    }

    /// Truth as filters see it: non-zero numbers, non-empty strings and sets.
    pub fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Int(i) => *i != 0,
            Val::Float(f) => *f != 0.0,
            Val::Str(s) => leading_number(s) != 0.0,
            Val::Mva(m) => !m.is_empty(),
            Val::Json(_) => true,
        }
    }

    /// The text form upstream shows: MVA as `1,2,3`, JSON compact.
    pub fn text(&self) -> String {
        match self {
            Val::Null => String::new(),
            Val::Int(i) => i.to_string(),
            Val::Float(f) => Value::Float(*f).to_text().unwrap_or_default(),
            Val::Str(s) => s.clone(),
            Val::Mva(m) => mva_text(m),
            Val::Json(j) => json_text(j),
        }
    }

    /// The cell a result row carries for this value in a column of type `ty`.
    pub fn cell(&self, ty: ColumnType) -> Value {
        match (ty, self) {
            (_, Val::Null) => Value::Null,
            (ColumnType::UInt, v) => Value::UInt(v.as_i64().unwrap_or(0).max(0) as u64),
            (ColumnType::BigInt, v) => Value::Int(v.as_i64().unwrap_or(0)),
            (ColumnType::Float, v) => Value::Float(v.as_f64().unwrap_or(0.0)),
            (ColumnType::String, v) => Value::Str(v.text()),
        }
    }

    /// Like [`Val::cell`], moving a string instead of copying it.
    pub fn into_cell(self, ty: ColumnType) -> Value {
        match (ty, self) {
            (ColumnType::String, Val::Str(s)) => Value::Str(s),
            (ty, v) => v.cell(ty),
        }
    }

    /// The column type a computed value announces.
    pub fn column_type(&self) -> ColumnType {
        match self {
            Val::Int(_) => ColumnType::BigInt,
            Val::Float(_) => ColumnType::Float,
            _ => ColumnType::String,
        }
    }
}

/// `1,2,3`.
fn mva_text(m: &[i64]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(m.len() * 4);
    for (i, v) in m.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{v}");
    }
    out
}

/// Compact JSON text (what `Display` gives, written without the formatter).
fn json_text(j: &serde_json::Value) -> String {
    serde_json::to_string(j).unwrap_or_else(|_| j.to_string())
}

/// The cell a column reading attribute value `v` gives in a column of type `ty`
/// (no value reads as an empty string): [`Val::from_attr`] then
/// [`Val::into_cell`], without copying a string, a set or a JSON value twice.
pub fn attr_cell(v: Option<&AttrValue>, ty: ColumnType) -> Value {
    use serde_json::Value as Json;
    match (v, ty) {
        (Some(AttrValue::Int(i)), _) => Val::Int(*i).into_cell(ty),
        (Some(AttrValue::Float(f)), _) => Val::Float(widen(*f)).into_cell(ty),
        (Some(AttrValue::Str(s)), ColumnType::String) => Value::Str(s.clone()),
        (Some(AttrValue::Mva(m)), ColumnType::String) => Value::Str(mva_text(m)),
        (Some(AttrValue::Json(j @ (Json::Object(_) | Json::Array(_)))), ColumnType::String) => {
            Value::Str(json_text(j))
        }
        (v, _) => match v.map(Val::from_attr) {
            None | Some(Val::Null) => Val::Str(String::new()),
            Some(v) => v,
        }
        .into_cell(ty),
    }
}

/// The column type of an attribute.
pub fn attr_column_type(ty: AttrType) -> ColumnType {
    match ty {
        AttrType::Uint | AttrType::Bool | AttrType::Timestamp => ColumnType::UInt,
        AttrType::Bigint => ColumnType::BigInt,
        AttrType::Float => ColumnType::Float,
        AttrType::String | AttrType::Json | AttrType::Multi | AttrType::Multi64 => {
            ColumnType::String
        }
    }
}

/// MySQL reads a string's leading number (`'12abc'` is 12, `'abc'` is 0).
fn leading_number(s: &str) -> f64 {
    let t = s.trim_start();
    let end = t
        .char_indices()
        .take_while(|(i, c)| {
            c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '-' || *c == '+'))
        })
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    t[..end].parse::<f64>().unwrap_or(0.0)
}

/// Orders two values: NULL first, numbers numerically, strings case-insensitively.
pub fn order(a: &Val, b: &Val) -> Ordering {
    match (a, b) {
        (Val::Null, Val::Null) => Ordering::Equal,
        (Val::Null, _) => Ordering::Less,
        (_, Val::Null) => Ordering::Greater,
        (Val::Int(x), Val::Int(y)) => x.cmp(y),
        (Val::Str(x), Val::Str(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Val::Mva(x), Val::Mva(y)) => x.cmp(y),
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            _ => a.text().cmp(&b.text()),
        },
    }
}

/// Equality as `=` and `IN` see it (strings case-insensitively).
pub fn equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Null, _) | (_, Val::Null) => false,
        (Val::Str(x), Val::Str(y)) => x.to_lowercase() == y.to_lowercase(),
        (Val::Int(x), Val::Int(y)) => x == y,
        _ => order(a, b) == Ordering::Equal,
    }
}

/// A key that groups equal values together (`GROUP BY`, `COUNT(DISTINCT)`).
pub fn group_key(v: &Val) -> String {
    match v {
        Val::Str(s) => format!("s{}", s.to_lowercase()),
        Val::Float(f) => format!("f{f}"),
        other => format!("v{}", other.text()),
    }
}

/// An f32 attribute as the f64 with the same shortest decimal form (`19.85`, not
/// `19.850000381469727`), so that text and JSON renderings show what was stored.
pub fn widen(f: f32) -> f64 {
    if f.fract() == 0.0 && f.abs() < 16_777_216.0 {
        // Every integer up to 2^24 is an f32: its shortest form is itself.
        return f64::from(f);
    }
    let mut buf = StackText::default();
    if std::fmt::Write::write_fmt(&mut buf, format_args!("{f}")).is_err() {
        return f.to_string().parse().unwrap_or(f64::from(f));
    }
    buf.as_str().parse().unwrap_or(f64::from(f))
}

/// A short text written without allocating (room for any `f32`'s decimal form).
struct StackText {
    bytes: [u8; 64],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        StackText {
            bytes: [0; 64],
            len: 0,
        }
    }
}

impl StackText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let room = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        room.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod widen_tests {
    #[test]
    fn keeps_the_short_decimal_form() {
        assert_eq!(super::widen(19.85).to_string(), "19.85");
        assert_eq!(super::widen(4.8).to_string(), "4.8");
        assert_eq!(super::widen(-0.5), -0.5);
        // The short path agrees with the text round trip for every kind of f32.
        let mut x = 1.0e-45_f32;
        while x.is_finite() {
            for f in [x, -x, x * 1.1, 0.1 + x, x.round(), 16_777_216.0 - x.round()] {
                let slow: f64 = f.to_string().parse().unwrap();
                assert_eq!(super::widen(f).to_bits(), slow.to_bits(), "{f}");
            }
            x *= 3.7;
        }
    }
}

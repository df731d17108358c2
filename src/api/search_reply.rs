//! One query's part of a SEARCH reply, built from SphinxQL results (pure).

use super::codec::{put_string, put_u32, put_u64};
use super::search_sql::{ID_ALIAS, SORT_EXPR_ALIAS, TIME_SEGMENT_ALIAS, WEIGHT_ALIAS};
use crate::service::{Column, ColumnType, Row, Value};

/// Attribute type codes of the reply.
mod ty {
    pub const UINT: u32 = 1;
    pub const TIMESTAMP: u32 = 2;
    pub const BOOL: u32 = 4;
    pub const FLOAT: u32 = 5;
    pub const BIGINT: u32 = 6;
    pub const STRING: u32 = 7;
    pub const MVA: u32 = 0x4000_0001;
    pub const MVA64: u32 = 0x4000_0002;
}

/// What a query produced, as the SQL layer returned it.
pub struct QueryResult<'a> {
    pub columns: &'a [Column],
    pub rows: &'a [Row],
    /// `SHOW META` name/value pairs.
    pub meta: &'a [(String, String)],
    /// `DESCRIBE` rows: (name, type) in table order.
    pub schema: &'a [(String, String)],
    /// The query's `max_matches` (what `total` is capped at).
    pub max_matches: u32,
}

/// One output attribute: where it comes from and how it is sent.
struct Attr {
    name: String,
    col: usize,
    ty: u32,
}

/// The bytes of a failed query's part.
pub fn error_part(message: &str) -> Vec<u8> {
    let mut out = Vec::new();
    put_u32(&mut out, 1);
    put_string(&mut out, message);
    out
}

/// The bytes of a successful query's part (status OK, or WARNING if meta has one).
pub fn result_part(r: &QueryResult<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    let meta = Meta(r.meta);
    match meta.get("warning").filter(|w| !w.is_empty()) {
        Some(w) => {
            put_u32(&mut out, 3);
            put_string(&mut out, w);
        }
        None => put_u32(&mut out, 0),
    }
    let fields: Vec<&str> = r
        .schema
        .iter()
        .filter(|(_, t)| t == "text")
        .map(|(n, _)| n.as_str())
        .collect();
    put_u32(&mut out, fields.len() as u32);
    fields.iter().for_each(|f| put_string(&mut out, f));
    let attrs = output_attrs(r);
    put_u32(&mut out, attrs.len() as u32);
    for a in &attrs {
        put_string(&mut out, &a.name);
        put_u32(&mut out, a.ty);
    }
    put_matches(&mut out, r, &attrs);
    put_totals(&mut out, &meta, r.max_matches);
    out
}

fn output_attrs(r: &QueryResult<'_>) -> Vec<Attr> {
    let types = Meta(r.schema);
    r.columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            ![
                ID_ALIAS,
                WEIGHT_ALIAS,
                SORT_EXPR_ALIAS,
                TIME_SEGMENT_ALIAS,
                "id",
            ]
            .contains(&c.name.as_str())
        })
        .map(|(i, c)| {
            let name = match c.name.as_str() {
                "api_groupby__" => "@groupby".to_string(),
                "api_count__" => "@count".to_string(),
                "api_distinct__" => "@distinct".to_string(),
                other => other.to_string(),
            };
            let ty = attr_type(types.get(&c.name), c.ty);
            Attr { name, col: i, ty }
        })
        .collect()
}

fn attr_type(declared: Option<&str>, ty: ColumnType) -> u32 {
    match declared {
        Some("uint") => ty::UINT,
        Some("timestamp") => ty::TIMESTAMP,
        Some("bool") => ty::BOOL,
        Some("float") => ty::FLOAT,
        Some("bigint") => ty::BIGINT,
        Some("mva") => ty::MVA,
        Some("mva64") => ty::MVA64,
        Some(_) => ty::STRING,
        None => match ty {
            ColumnType::UInt => ty::UINT,
            ColumnType::BigInt => ty::BIGINT,
            ColumnType::Float => ty::FLOAT,
            ColumnType::String => ty::STRING,
        },
    }
}

fn put_matches(out: &mut Vec<u8>, r: &QueryResult<'_>, attrs: &[Attr]) {
    let col = |name: &str| r.columns.iter().position(|c| c.name == name);
    let (id_col, weight_col) = (col(ID_ALIAS), col(WEIGHT_ALIAS));
    put_u32(out, r.rows.len() as u32);
    put_u32(out, 1);
    for row in r.rows {
        let cell = |i: Option<usize>| i.and_then(|i| row.get(i)).unwrap_or(&Value::Null);
        put_u64(out, as_i64(cell(id_col)) as u64);
        put_u32(out, as_i64(cell(weight_col)) as u32);
        for a in attrs {
            put_value(out, cell(Some(a.col)), a.ty);
        }
    }
}

fn put_value(out: &mut Vec<u8>, v: &Value, ty: u32) {
    match ty {
        ty::FLOAT => put_u32(out, (as_f64(v) as f32).to_bits()),
        ty::BIGINT => put_u64(out, as_i64(v) as u64),
        ty::STRING => match v {
            Value::Str(text) => put_string(out, text),
            other => put_string(out, &other.to_text().unwrap_or_default()),
        },
        ty::MVA | ty::MVA64 => {
            let text = v.to_text().unwrap_or_default();
            let vals: Vec<u64> = text
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter_map(|s| s.parse().ok())
                .collect();
            if ty == ty::MVA {
                put_u32(out, vals.len() as u32);
                vals.iter().for_each(|x| put_u32(out, *x as u32));
            } else {
                put_u32(out, vals.len() as u32 * 2);
                vals.iter().for_each(|x| put_u64(out, *x));
            }
        }
        _ => put_u32(out, as_i64(v) as u32),
    }
}

fn as_i64(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        Value::UInt(u) => *u as i64,
        Value::Float(f) => *f as i64,
        Value::Str(s) => s.trim().parse().unwrap_or(0),
        Value::Null => 0,
    }
}

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::UInt(u) => *u as f64,
        Value::Float(f) => *f,
        Value::Str(s) => s.trim().parse().unwrap_or(0.0),
        Value::Null => 0.0,
    }
}

/// Name/value pairs looked up by name, the last of a name winning (a handful:
/// a scan beats building a map).
struct Meta<'a>(&'a [(String, String)]);

impl Meta<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn put_totals(out: &mut Vec<u8>, meta: &Meta<'_>, max_matches: u32) {
    let num = |k: &str| meta.get(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let found = num("total_found");
    let kept = if max_matches > 0 {
        found.min(u64::from(max_matches))
    } else {
        num("total")
    };
    put_u32(out, kept as u32);
    put_u32(out, found as u32);
    let secs: f64 = meta.get("time").and_then(|v| v.parse().ok()).unwrap_or(0.0);
    put_u32(out, (secs * 1000.0).round() as u32);
    let mut words = Vec::new();
    while let Some(w) = meta.get(format!("keyword[{}]", words.len()).as_str()) {
        let i = words.len();
        words.push((
            w.to_string(),
            num(&format!("docs[{i}]")),
            num(&format!("hits[{i}]")),
        ));
    }
    put_u32(out, words.len() as u32);
    for (w, docs, hits) in words {
        put_string(out, &w);
        put_u32(out, docs as u32);
        put_u32(out, hits as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> String {
        v.to_string()
    }

    #[test]
    fn golden_result_part() {
        let columns = vec![
            Column::new(ID_ALIAS, ColumnType::BigInt),
            Column::new(WEIGHT_ALIAS, ColumnType::BigInt),
            Column::new("id", ColumnType::BigInt),
            Column::new("gid", ColumnType::UInt),
        ];
        let rows = vec![vec![
            Value::Int(7),
            Value::Int(2),
            Value::Int(7),
            Value::UInt(3),
        ]];
        let meta = vec![
            (s("total"), s("1")),
            (s("total_found"), s("1")),
            (s("time"), s("0.002")),
            (s("keyword[0]"), s("hi")),
            (s("docs[0]"), s("1")),
            (s("hits[0]"), s("4")),
        ];
        let schema = vec![
            (s("id"), s("bigint")),
            (s("title"), s("text")),
            (s("gid"), s("uint")),
        ];
        let got = result_part(&QueryResult {
            columns: &columns,
            rows: &rows,
            meta: &meta,
            schema: &schema,
            max_matches: 1000,
        });
        let mut want: Vec<u8> = vec![0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 5];
        want.extend_from_slice(b"title");
        want.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 3, b'g', b'i', b'd', 0, 0, 0, 1]);
        want.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 2]);
        want.extend_from_slice(&[0, 0, 0, 3]);
        want.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1]);
        want.extend_from_slice(&[0, 0, 0, 2, b'h', b'i', 0, 0, 0, 1, 0, 0, 0, 4]);
        assert_eq!(got, want);
    }

    #[test]
    fn error_part_golden() {
        assert_eq!(error_part("x"), [0, 0, 0, 1, 0, 0, 0, 1, b'x']);
    }
}

//! Result cells as JSON values, typed by the table's schema when known (pure).

use serde_json::Value as Json;

use crate::service::{Outcome, Value};

/// `(column, type)` pairs from `DESCRIBE`.
pub type Schema = Vec<(String, String)>;

/// Reads `DESCRIBE t` rows (`Field`, `Type`, ...).
pub fn schema(outcome: &Outcome) -> Schema {
    match outcome {
        Outcome::Rows { rows, .. } => rows
            .iter()
            .filter_map(|r| match (r.first(), r.get(1)) {
                (Some(Value::Str(f)), Some(Value::Str(t))) => Some((f.clone(), t.clone())),
                _ => None,
            })
            .collect(),
        Outcome::Done { .. } => Vec::new(),
    }
}

/// The schema type of `name`, if known.
pub fn type_of<'a>(schema: &'a Schema, name: &str) -> Option<&'a str> {
    schema
        .iter()
        .find(|(f, _)| f.eq_ignore_ascii_case(name))
        .map(|(_, t)| t.as_str())
}

/// A cell as JSON: JSON attributes parsed, multi-value lists as arrays.
pub fn cell(v: Value, ty: Option<&str>) -> Json {
    match (v, ty) {
        (Value::Str(s), Some("json")) => serde_json::from_str(&s).unwrap_or(Json::String(s)),
        (Value::Str(s), Some("mva" | "mva64" | "multi" | "multi64")) => Json::Array(
            s.split(',')
                .filter(|p| !p.trim().is_empty())
                .map(|p| {
                    p.trim()
                        .parse::<i64>()
                        .map(Json::from)
                        .unwrap_or_else(|_| Json::String(p.to_string()))
                })
                .collect(),
        ),
        (v, _) => plain(v),
    }
}

/// A cell as JSON without schema knowledge.
pub fn plain(v: Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Int(i) => Json::from(i),
        Value::UInt(u) => Json::from(u),
        Value::Float(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        Value::Str(s) => Json::String(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::{Column, ColumnType};
    use serde_json::json;

    #[test]
    fn types_cells() {
        assert_eq!(
            cell(Value::Str(r#"{"a":1}"#.into()), Some("json")),
            json!({"a": 1})
        );
        assert_eq!(cell(Value::Str("bad".into()), Some("json")), json!("bad"));
        assert_eq!(cell(Value::Str("1,2".into()), Some("mva")), json!([1, 2]));
        assert_eq!(cell(Value::Str("".into()), Some("mva64")), json!([]));
        assert_eq!(cell(Value::Float(f64::NAN), None), Json::Null);
        assert_eq!(cell(Value::UInt(3), Some("uint")), json!(3));
    }

    #[test]
    fn reads_describe() {
        let out = Outcome::Rows {
            columns: vec![Column::new("Field", ColumnType::String)],
            rows: vec![vec![Value::Str("id".into()), Value::Str("bigint".into())]],
        };
        let s = schema(&out);
        assert_eq!(type_of(&s, "ID"), Some("bigint"));
        assert_eq!(type_of(&s, "x"), None);
    }
}

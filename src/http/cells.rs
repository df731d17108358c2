//! Result cells as JSON values, and the schema types that decide how a cell is
//! shown (pure).

use serde_json::Value as Json;

use crate::engine::Schema;
use crate::service::Value;

/// The type `DESCRIBE` gives column `name` of a table with `schema` (`id`, then the
/// full-text fields, then the attributes; names compare case-insensitively).
pub fn type_of(schema: &Schema, name: &str) -> Option<&'static str> {
    if name.eq_ignore_ascii_case("id") {
        return Some("bigint");
    }
    if schema
        .fields
        .iter()
        .any(|f| f.name.eq_ignore_ascii_case(name))
    {
        return Some("text");
    }
    schema
        .attrs
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))
        .map(|a| a.ty.describe_name())
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
    use crate::engine::{Attr, AttrType, Field};

    #[test]
    fn types_columns_as_describe_does() {
        let schema = Schema {
            fields: vec![Field {
                name: "Title".into(),
                indexed: true,
                stored: true,
            }],
            attrs: vec![
                Attr {
                    name: "tags".into(),
                    ty: AttrType::Multi,
                },
                Attr {
                    name: "meta".into(),
                    ty: AttrType::Json,
                },
            ],
        };
        assert_eq!(type_of(&schema, "ID"), Some("bigint"));
        assert_eq!(type_of(&schema, "title"), Some("text"));
        assert_eq!(type_of(&schema, "tags"), Some("mva"));
        assert_eq!(type_of(&schema, "meta"), Some("json"));
        assert_eq!(type_of(&schema, "x"), None);
        assert_eq!(plain(Value::Float(f64::NAN)), Json::Null);
        assert_eq!(plain(Value::UInt(3)), serde_json::json!(3));
    }
}

//! Pieces of SphinxQL text built from JSON (pure): quoted strings, checked
//! identifiers, literal values and escaped full-text query text.

use serde_json::Value as Json;

use super::errors::ApiError;

/// A single-quoted SphinxQL string literal with backslash escapes.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Characters that are operators in the full-text query syntax.
const FT_SPECIAL: &[char] = &[
    '!', '"', '$', '\'', '(', ')', '-', '/', '<', '@', '\\', '^', '|', '~', '=', '*', '?', '%',
];

/// Full-text text with every operator character escaped, so it matches as words.
pub fn escape_fulltext(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_fulltext_into(&mut out, s);
    out
}

/// [`escape_fulltext`], appended to `out`.
pub fn escape_fulltext_into(out: &mut String, s: &str) {
    for c in s.chars() {
        if FT_SPECIAL.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A table name: letters, digits and `_`, not starting with a digit (an optional
/// `cluster:` prefix is allowed).
pub fn table_name(v: Option<&Json>) -> Result<String, ApiError> {
    let Some(v) = v else {
        return Err(ApiError::illegal("table name is missing"));
    };
    let Some(name) = v.as_str() else {
        return Err(ApiError::illegal("table name must be a string"));
    };
    let plain = name.rsplit(':').next().unwrap_or(name);
    if is_ident(plain) && name.split(':').count() <= 2 {
        Ok(name.to_string())
    } else {
        Err(ApiError::illegal(format!("invalid table name '{name}'")))
    }
}

/// A column name, or a JSON path `attr.key.key` for filters.
pub fn column(name: &str) -> Result<String, ApiError> {
    if !name.is_empty() && name.split('.').all(is_ident) {
        Ok(name.to_string())
    } else {
        Err(ApiError::illegal(format!(
            "invalid attribute name '{name}'"
        )))
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// A scalar JSON value as a SphinxQL literal (numbers, strings, booleans as 1/0).
pub fn scalar(v: &Json) -> Result<String, ApiError> {
    match v {
        Json::Number(n) => Ok(n.to_string()),
        Json::String(s) => Ok(quote(s)),
        Json::Bool(b) => Ok(if *b { "1" } else { "0" }.to_string()),
        _ => Err(ApiError::illegal(format!(
            "unsupported value {v}: expected a number, a string or a boolean"
        ))),
    }
}

/// A document value for INSERT/REPLACE/UPDATE: scalars as literals, arrays of
/// numbers as multi-value lists `(1,2)`, objects as JSON text.
pub fn doc_value(v: &Json) -> Result<String, ApiError> {
    match v {
        Json::Array(items) => {
            let parts: Result<Vec<String>, ApiError> = items
                .iter()
                .map(|i| match i {
                    Json::Number(n) => Ok(n.to_string()),
                    _ => Err(ApiError::illegal(format!(
                        "multi-value attribute values must be numbers, got {i}"
                    ))),
                })
                .collect();
            Ok(format!("({})", parts?.join(",")))
        }
        Json::Object(_) => Ok(quote(&v.to_string())),
        Json::Null => Err(ApiError::illegal("null values are not supported")),
        other => scalar(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quotes_strings() {
        assert_eq!(quote("it's"), r"'it\'s'");
        assert_eq!(quote(r"a\b"), r"'a\\b'");
        assert_eq!(quote("x\ny"), r"'x\ny'");
        assert_eq!(quote("x'; DROP TABLE t; --"), r"'x\'; DROP TABLE t; --'");
    }

    #[test]
    fn escapes_fulltext_operators() {
        assert_eq!(escape_fulltext("a-b (c)"), r"a\-b \(c\)");
        assert_eq!(escape_fulltext("\"@title x\""), r#"\"\@title x\""#);
        assert_eq!(escape_fulltext("plain words"), "plain words");
    }

    #[test]
    fn checks_names() {
        assert_eq!(table_name(Some(&json!("t1"))).unwrap(), "t1");
        assert_eq!(table_name(Some(&json!("c:t1"))).unwrap(), "c:t1");
        assert!(table_name(Some(&json!("t; drop"))).is_err());
        assert!(table_name(Some(&json!(1))).is_err());
        assert!(table_name(None).is_err());
        assert_eq!(column("meta.a.b").unwrap(), "meta.a.b");
        assert!(column("a b").is_err());
        assert!(column("1a").is_err());
    }

    #[test]
    fn renders_values() {
        assert_eq!(scalar(&json!(5)).unwrap(), "5");
        assert_eq!(scalar(&json!(-1.5)).unwrap(), "-1.5");
        assert_eq!(scalar(&json!(true)).unwrap(), "1");
        assert_eq!(scalar(&json!("x")).unwrap(), "'x'");
        assert!(scalar(&json!([1])).is_err());
        assert_eq!(doc_value(&json!([1, 2])).unwrap(), "(1,2)");
        assert_eq!(doc_value(&json!({"a": "b'"})).unwrap(), r#"'{"a":"b\'"}'"#);
        assert!(doc_value(&json!(["x"])).is_err());
        assert!(doc_value(&json!(null)).is_err());
    }
}

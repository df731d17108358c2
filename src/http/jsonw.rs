//! JSON text written straight into a byte buffer (pure): the scalars and cells of
//! the search answers, with the same bytes [`super::ojson::J`] renders for them.

use serde_json::Value as Json;

use crate::service::Value;

/// Appends `text` as a JSON string.
pub fn string(out: &mut Vec<u8>, text: &str) {
    // Writing into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// Appends `"key":`.
pub fn key(out: &mut Vec<u8>, key: &str) {
    string(out, key);
    out.push(b':');
}

/// Appends an unsigned integer.
pub fn uint(out: &mut Vec<u8>, v: u64) {
    let _ = serde_json::to_writer(&mut *out, &v);
}

/// Appends a cell without schema knowledge (a non-finite float is `null`).
pub fn plain(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Int(i) => {
            let _ = serde_json::to_writer(&mut *out, i);
        }
        Value::UInt(u) => uint(out, *u),
        Value::Float(f) if f.is_finite() => {
            let _ = serde_json::to_writer(&mut *out, f);
        }
        Value::Float(_) => out.extend_from_slice(b"null"),
        Value::Str(s) => string(out, s),
    }
}

/// Appends a cell typed by its schema type: JSON attributes parsed (keys sorted, as
/// `serde_json` orders them), multi-value lists as arrays.
pub fn cell(out: &mut Vec<u8>, v: &Value, ty: Option<&str>) {
    match (v, ty) {
        (Value::Str(s), Some("json")) => {
            if super::jsoncanon::write(out, s) {
                return;
            }
            match serde_json::from_str::<Json>(s) {
                Ok(j) => {
                    let _ = serde_json::to_writer(&mut *out, &j);
                }
                Err(_) => string(out, s),
            }
        }
        (Value::Str(s), Some("mva" | "mva64" | "multi" | "multi64")) => mva(out, s),
        (v, _) => plain(out, v),
    }
}

/// `1,2,x` as `[1,2,"x"]` (empty items dropped).
fn mva(out: &mut Vec<u8>, list: &str) {
    if plain_integers(list) {
        // What multi-value attributes read as: already the array's inside.
        out.push(b'[');
        out.extend_from_slice(list.as_bytes());
        out.push(b']');
        return;
    }
    out.push(b'[');
    let mut first = true;
    for part in list.split(',').filter(|p| !p.trim().is_empty()) {
        if !first {
            out.push(b',');
        }
        first = false;
        match part.trim().parse::<i64>() {
            Ok(n) => {
                let _ = serde_json::to_writer(&mut *out, &n);
            }
            Err(_) => string(out, part),
        }
    }
    out.push(b']');
}

/// Whether `list` is integers as JSON writes them (`-?(0|[1-9][0-9]*)`, at most 18
/// digits, so every one fits an `i64`) joined by single commas, with nothing else.
fn plain_integers(list: &str) -> bool {
    !list.is_empty()
        && list.split(',').all(|item| {
            let digits = item.strip_prefix('-').unwrap_or(item).as_bytes();
            matches!(digits.len(), 1..=18)
                && digits.iter().all(u8::is_ascii_digit)
                && (digits[0] != b'0' || (digits.len() == 1 && item.len() == 1))
        })
}

#[cfg(test)]
mod tests {
    use super::super::cells;
    use super::*;

    /// How cells were shown before they were written straight to bytes: through a
    /// `serde_json` value.
    fn reference(v: Value, ty: Option<&str>) -> Json {
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
            (v, _) => cells::plain(v),
        }
    }

    fn text(f: impl Fn(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap()
    }

    /// The bytes are those of the `serde_json` values the other endpoints render.
    #[test]
    fn writes_what_the_value_tree_renders() {
        let cases = [
            (Value::Null, None),
            (Value::Int(-5), None),
            (Value::UInt(u64::MAX), Some("bigint")),
            (Value::Float(4.0), Some("float")),
            (Value::Float(19.85), None),
            (Value::Float(f64::NAN), None),
            (Value::Float(f64::INFINITY), None),
            (Value::Float(1e300), None),
            (Value::Str("a\"b\\c\n\u{1}é".into()), Some("text")),
            (
                Value::Str(r#"{"w":20,"h":[1,2.5],"a":null}"#.into()),
                Some("json"),
            ),
            (Value::Str("not json".into()), Some("json")),
            (Value::Str("1, 2,,x ,".into()), Some("mva")),
            (Value::Str(String::new()), Some("multi64")),
            (
                Value::Str("1,4,-7,0,123456789012345678".into()),
                Some("mva"),
            ),
            (
                Value::Str("007,-0,1234567890123456789".into()),
                Some("mva64"),
            ),
            (Value::Str("-,1,".into()), Some("multi")),
            (Value::Str("0".into()), Some("multi")),
        ];
        for (v, ty) in cases {
            let want = reference(v.clone(), ty).to_string();
            assert_eq!(text(|o| cell(o, &v, ty)), want, "{v:?} {ty:?}");
            let want = cells::plain(v.clone()).to_string();
            assert_eq!(text(|o| plain(o, &v)), want, "{v:?}");
        }
        assert_eq!(text(|o| key(o, "a\"b")), r#""a\"b":"#);
    }
}

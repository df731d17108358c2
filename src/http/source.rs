//! `_source` include/exclude lists with `*` wildcards (pure).

use serde_json::Value as Json;

use super::errors::ApiError;

/// Which attributes a hit's `_source` shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceFilter {
    /// `_source: false`: no `_source` at all.
    pub disabled: bool,
    /// Empty: everything.
    pub includes: Vec<String>,
    pub excludes: Vec<String>,
}

impl SourceFilter {
    /// Parses `_source`: `false`/`true`, `"pattern"`, `["a","b*"]` or
    /// `{"includes":[..],"excludes":[..]}`.
    pub fn parse(v: Option<&Json>) -> Result<SourceFilter, ApiError> {
        let mut f = SourceFilter::default();
        match v {
            None | Some(Json::Bool(true)) => {}
            Some(Json::Bool(false)) => f.disabled = true,
            Some(Json::String(_)) | Some(Json::Array(_)) => f.includes = patterns(v)?,
            Some(Json::Object(o)) => {
                f.includes = patterns(o.get("includes").or_else(|| o.get("include")))?;
                f.excludes = patterns(o.get("excludes").or_else(|| o.get("exclude")))?;
            }
            Some(other) => {
                return Err(ApiError::illegal(format!("invalid _source {other}")));
            }
        }
        Ok(f)
    }

    /// Whether attribute `name` is shown.
    pub fn allows(&self, name: &str) -> bool {
        if self.disabled {
            return false;
        }
        let included = self.includes.is_empty() || self.includes.iter().any(|p| glob(p, name));
        included && !self.excludes.iter().any(|p| glob(p, name))
    }
}

fn patterns(v: Option<&Json>) -> Result<Vec<String>, ApiError> {
    match v {
        None => Ok(Vec::new()),
        Some(Json::String(s)) => Ok(vec![s.clone()]),
        Some(Json::Array(a)) => a
            .iter()
            .map(|p| {
                p.as_str().map(str::to_string).ok_or_else(|| {
                    ApiError::illegal(format!("_source pattern must be a string, got {p}"))
                })
            })
            .collect(),
        Some(other) => Err(ApiError::illegal(format!("invalid _source list {other}"))),
    }
}

/// `*` matches any run of characters.
fn glob(pattern: &str, name: &str) -> bool {
    let Some((head, rest)) = pattern.split_once('*') else {
        return pattern == name;
    };
    let Some(mut tail) = name.strip_prefix(head) else {
        return false;
    };
    let pieces: Vec<&str> = rest.split('*').collect();
    let last = pieces.len() - 1;
    for (i, piece) in pieces.iter().enumerate() {
        if i == last {
            return tail.ends_with(piece);
        }
        match tail.find(piece) {
            Some(at) => tail = &tail[at + piece.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn includes_and_excludes() {
        let f = SourceFilter::parse(Some(&json!({"includes": ["a*", "id"], "excludes": ["ab"]})))
            .unwrap();
        assert!(f.allows("a"));
        assert!(f.allows("abc"));
        assert!(!f.allows("ab"));
        assert!(f.allows("id"));
        assert!(!f.allows("b"));
        let f = SourceFilter::parse(Some(&json!("t*e"))).unwrap();
        assert!(f.allows("title") && f.allows("te") && !f.allows("tx"));
        assert!(!SourceFilter::parse(Some(&json!(false)))
            .unwrap()
            .allows("a"));
        assert!(SourceFilter::parse(None).unwrap().allows("a"));
        assert!(SourceFilter::parse(Some(&json!([1]))).is_err());
        assert!(SourceFilter::parse(Some(&json!(5))).is_err());
    }

    #[test]
    fn glob_edges() {
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*b*c", "aXcYb"));
        assert!(glob("**", "x"));
    }
}

//! The JSON `query` tree translated into a full-text expression for `MATCH()` and
//! an attribute filter for `WHERE` (pure).

use serde_json::{Map, Value as Json};

use super::errors::ApiError;
use super::sqltext::{column, escape_fulltext_into, scalar};

/// Nesting deeper than this is refused (protects the stack).
const MAX_DEPTH: usize = 64;

/// What one query node contributes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cond {
    /// Full-text expression (empty: none).
    pub fulltext: String,
    /// SphinxQL filter expression (empty: none).
    pub filter: String,
    /// The words searched for, for highlighting.
    pub words: Vec<String>,
}

impl Cond {
    /// The `WHERE` clause body for this condition (empty when there is none).
    pub fn where_clause(&self) -> String {
        let mut parts = Vec::new();
        if !self.fulltext.is_empty() {
            parts.push(format!("MATCH({})", super::sqltext::quote(&self.fulltext)));
        }
        if !self.filter.is_empty() {
            parts.push(self.filter.clone());
        }
        parts.join(" AND ")
    }
}

/// Translates a `query` object.
pub fn translate(q: &Json) -> Result<Cond, ApiError> {
    node(q, 0)
}

fn node(q: &Json, depth: usize) -> Result<Cond, ApiError> {
    if depth > MAX_DEPTH {
        return Err(ApiError::illegal("query is nested too deeply"));
    }
    let Some(obj) = q.as_object() else {
        return Err(ApiError::illegal(format!(
            "query must be an object, got {q}"
        )));
    };
    let mut all = Vec::new();
    for (key, value) in obj {
        all.push(clause(key, value, depth)?);
    }
    Ok(and(all))
}

fn clause(key: &str, value: &Json, depth: usize) -> Result<Cond, ApiError> {
    match key {
        // `highlight` may ride inside `query` (the official clients put it there).
        "match_all" | "highlight" => Ok(Cond::default()),
        "match" => match_query(value, false),
        "match_phrase" => match_query(value, true),
        "query_string" => query_string(value),
        "bool" => bool_query(value, depth),
        "equals" => per_field(value, equals),
        "in" => per_field(value, in_list),
        "range" => per_field(value, range),
        "geo_distance" => Err(ApiError::illegal("geo_distance queries are not supported")),
        other => Err(ApiError::illegal(format!("unknown query type '{other}'"))),
    }
}

fn object<'a>(v: &'a Json, what: &str) -> Result<&'a Map<String, Json>, ApiError> {
    v.as_object()
        .ok_or_else(|| ApiError::illegal(format!("'{what}' must be an object, got {v}")))
}

/// `{"field": value, ...}`: one filter per field, ANDed.
fn per_field(v: &Json, f: fn(&str, &Json) -> Result<String, ApiError>) -> Result<Cond, ApiError> {
    let obj = object(v, "filter")?;
    if obj.is_empty() {
        return Err(ApiError::illegal("filter needs an attribute"));
    }
    let parts: Result<Vec<String>, ApiError> =
        obj.iter().map(|(k, val)| f(&column(k)?, val)).collect();
    Ok(Cond {
        filter: parts?.join(" AND "),
        ..Cond::default()
    })
}

fn equals(col: &str, v: &Json) -> Result<String, ApiError> {
    Ok(format!("{col}={}", scalar(v)?))
}

fn in_list(col: &str, v: &Json) -> Result<String, ApiError> {
    let Some(items) = v.as_array().filter(|a| !a.is_empty()) else {
        return Err(ApiError::illegal(format!(
            "'in' on '{col}' needs a non-empty array"
        )));
    };
    let vals: Result<Vec<String>, ApiError> = items.iter().map(scalar).collect();
    Ok(format!("{col} IN ({})", vals?.join(",")))
}

fn range(col: &str, v: &Json) -> Result<String, ApiError> {
    let obj = object(v, "range")?;
    let mut parts = Vec::new();
    for (op, val) in obj {
        let sym = match op.as_str() {
            "gt" => ">",
            "gte" => ">=",
            "lt" => "<",
            "lte" => "<=",
            other => {
                return Err(ApiError::illegal(format!(
                    "unknown range operator '{other}'"
                )))
            }
        };
        if !val.is_number() {
            return Err(ApiError::illegal(format!(
                "range value for '{col}' must be a number, got {val}"
            )));
        }
        parts.push(format!("{col}{sym}{val}"));
    }
    if parts.is_empty() {
        return Err(ApiError::illegal(format!("empty range on '{col}'")));
    }
    Ok(parts.join(" AND "))
}

/// `@field `, `@(a,b) ` or nothing (`"*"`/`"_all"`: every field), appended to `out`.
fn field_prefix(field: &str, out: &mut String) -> Result<(), ApiError> {
    let names = || field.split(',').map(str::trim);
    if names().any(|n| n == "*" || n == "_all") {
        return Ok(());
    }
    let several = field.contains(',');
    out.push_str(if several { "@(" } else { "@" });
    for (i, n) in names().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&column(n)?);
    }
    out.push_str(if several { ") " } else { " " });
    Ok(())
}

fn match_query(v: &Json, phrase: bool) -> Result<Cond, ApiError> {
    let obj = object(v, if phrase { "match_phrase" } else { "match" })?;
    let mut fulltext = String::new();
    let mut words = Vec::new();
    for (field, spec) in obj {
        let (text, and_op) = match spec {
            Json::String(s) => (s.as_str(), false),
            Json::Object(o) => {
                let text = o.get("query").and_then(Json::as_str).ok_or_else(|| {
                    ApiError::illegal(format!("match on '{field}' needs a 'query' string"))
                })?;
                let op = o.get("operator").and_then(Json::as_str).unwrap_or("or");
                (text, op.eq_ignore_ascii_case("and"))
            }
            other => {
                return Err(ApiError::illegal(format!(
                    "match on '{field}' must be a string or an object, got {other}"
                )))
            }
        };
        // Terms without a letter or digit hold no keyword; left in, they would
        // leave an empty group behind.
        let mut terms = text
            .split_whitespace()
            .filter(|t| t.chars().any(char::is_alphanumeric))
            .peekable();
        if terms.peek().is_none() {
            continue;
        }
        if !fulltext.is_empty() {
            fulltext.push(' ');
        }
        field_prefix(field, &mut fulltext)?;
        let (open, sep, close) = if phrase {
            ("\"", " ", "\"")
        } else if and_op {
            ("", " ", "")
        } else {
            ("(", " | ", ")")
        };
        fulltext.push_str(open);
        for (i, t) in terms.enumerate() {
            if i > 0 {
                fulltext.push_str(sep);
            }
            escape_fulltext_into(&mut fulltext, t);
            words.push(t.to_string());
        }
        fulltext.push_str(close);
    }
    Ok(Cond {
        fulltext,
        filter: String::new(),
        words,
    })
}

fn query_string(v: &Json) -> Result<Cond, ApiError> {
    let text = match v {
        Json::String(s) => s.as_str(),
        Json::Object(o) => o.get("query").and_then(Json::as_str).unwrap_or(""),
        other => {
            return Err(ApiError::illegal(format!(
                "query_string must be a string, got {other}"
            )))
        }
    };
    Ok(Cond {
        fulltext: text.trim().to_string(),
        filter: String::new(),
        words: keywords(text),
    })
}

/// The plain words of a full-text query (operators and field names dropped).
fn keywords(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip_field = false;
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '@' || c == '_')) {
        if let Some(rest) = word.strip_prefix('@') {
            skip_field = rest.is_empty();
            continue;
        }
        if skip_field {
            skip_field = false;
            continue;
        }
        if !word.is_empty()
            && !matches!(
                word,
                "MAYBE" | "NEAR" | "NOTNEAR" | "SENTENCE" | "PARAGRAPH"
            )
        {
            out.push(word.to_string());
        }
    }
    out
}

/// The items of `must`/`should`/...: one object or an array of them.
fn items(v: &Json, depth: usize) -> Result<Vec<Cond>, ApiError> {
    match v {
        Json::Array(a) => a.iter().map(|q| node(q, depth + 1)).collect(),
        Json::Object(_) => Ok(vec![node(v, depth + 1)?]),
        other => Err(ApiError::illegal(format!(
            "bool clauses take an object or an array, got {other}"
        ))),
    }
}

fn bool_query(v: &Json, depth: usize) -> Result<Cond, ApiError> {
    let obj = object(v, "bool")?;
    let mut must = Vec::new();
    let mut should = Vec::new();
    let mut must_not = Vec::new();
    for (key, val) in obj {
        match key.as_str() {
            "must" | "filter" => must.extend(items(val, depth)?),
            "should" => should.extend(items(val, depth)?),
            "must_not" => must_not.extend(items(val, depth)?),
            "minimum_should_match" | "boost" => {}
            other => return Err(ApiError::illegal(format!("unknown bool clause '{other}'"))),
        }
    }
    let mut all = must;
    if !should.is_empty() {
        all.push(or(should)?);
    }
    for n in must_not {
        all.push(not(n));
    }
    Ok(and(all))
}

fn and(conds: Vec<Cond>) -> Cond {
    let mut ft = Vec::new();
    let mut filt = Vec::new();
    let mut words = Vec::new();
    for c in conds {
        if !c.fulltext.is_empty() {
            ft.push(c.fulltext);
        }
        if !c.filter.is_empty() {
            filt.push(c.filter);
        }
        words.extend(c.words);
    }
    Cond {
        fulltext: join_fulltext(&ft),
        filter: join_wrapped(&filt, " AND "),
        words,
    }
}

fn or(conds: Vec<Cond>) -> Result<Cond, ApiError> {
    let ft_count = conds.iter().filter(|c| !c.fulltext.is_empty()).count();
    let filt_count = conds.iter().filter(|c| !c.filter.is_empty()).count();
    if (ft_count > 0 && filt_count > 0)
        || conds
            .iter()
            .any(|c| !c.fulltext.is_empty() && !c.filter.is_empty())
    {
        return Err(ApiError::illegal(
            "'should' cannot mix full-text and attribute filter conditions",
        ));
    }
    let words = conds.iter().flat_map(|c| c.words.clone()).collect();
    let ft: Vec<String> = conds
        .iter()
        .map(|c| c.fulltext.clone())
        .filter(|s| !s.is_empty())
        .collect();
    let filt: Vec<String> = conds
        .into_iter()
        .map(|c| c.filter)
        .filter(|s| !s.is_empty())
        .collect();
    Ok(Cond {
        fulltext: if ft.is_empty() {
            String::new()
        } else {
            format!("({})", ft.join(" | "))
        },
        filter: if filt.is_empty() {
            String::new()
        } else {
            format!("({})", filt.join(" OR "))
        },
        words,
    })
}

fn not(c: Cond) -> Cond {
    Cond {
        fulltext: if c.fulltext.is_empty() {
            String::new()
        } else {
            format!("-({})", c.fulltext)
        },
        filter: if c.filter.is_empty() {
            String::new()
        } else {
            format!("NOT ({})", c.filter)
        },
        words: Vec::new(),
    }
}

/// Full-text parts side by side (AND); a part is grouped unless it already is one, so
/// a field limit never leaks into the next part.
fn join_fulltext(parts: &[String]) -> String {
    if parts.len() == 1 {
        return parts[0].clone();
    }
    let wrapped: Vec<String> = parts
        .iter()
        .map(|p| {
            if p.starts_with('(') || p.starts_with('-') {
                p.clone()
            } else {
                format!("({p})")
            }
        })
        .collect();
    wrapped.join(" ")
}

fn join_wrapped(parts: &[String], sep: &str) -> String {
    if parts.len() == 1 {
        return parts[0].clone();
    }
    parts
        .iter()
        .map(|p| format!("({p})"))
        .collect::<Vec<_>>()
        .join(sep)
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;

//! A `/search` request translated into SphinxQL (pure).
//!
//! The main `SELECT` is followed by `SHOW META` (for `total`) and one `GROUP BY`
//! query per `terms` aggregation, all in one multi-statement text.

use serde_json::{Map, Value as Json};

use super::errors::ApiError;
use super::highlight::Highlight;
use super::query;
use super::source::SourceFilter;
use super::sqltext::{column, table_name};

/// Default number of hits, as upstream.
const DEFAULT_LIMIT: u64 = 20;

/// Everything needed to run a search and shape its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPlan {
    /// The table searched.
    pub table: String,
    /// `SELECT ...; SHOW META[; SELECT f, COUNT(*) ... GROUP BY f]*`.
    pub sql: String,
    /// `(aggregation name, field)`, in the order of the `GROUP BY` statements.
    pub aggs: Vec<(String, String)>,
    /// `highlight` options, when asked.
    pub highlight: Option<Highlight>,
    /// `_source` include/exclude rules.
    pub source: SourceFilter,
    /// Words of the full-text query, for highlighting.
    pub words: Vec<String>,
}

/// Translates a parsed `/search` body.
pub fn plan(body: &Json) -> Result<SearchPlan, ApiError> {
    let Some(obj) = body.as_object() else {
        return Err(ApiError::parse("request body must be a JSON object"));
    };
    let table = table_name(obj.get("table").or_else(|| obj.get("index")))?;
    let cond = match obj.get("query") {
        Some(q) => query::translate(q),
        None => Ok(query::Cond::default()),
    }
    .map_err(|e| e.with_table(&table))?;
    let where_clause = cond.where_clause();
    let mut sql = format!("SELECT *, WEIGHT() FROM {table}");
    if !where_clause.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&where_clause);
    }
    let order = sort(obj.get("sort"))?;
    if !order.is_empty() {
        sql.push_str(" ORDER BY ");
        sql.push_str(&order);
    }
    let (offset, limit) = paging(obj)?;
    sql.push_str(&format!(" LIMIT {offset},{limit}"));
    let opts = options(obj)?;
    if !opts.is_empty() {
        sql.push_str(" OPTION ");
        sql.push_str(&opts.join(", "));
    }
    sql.push_str("; SHOW META");
    let aggs = aggregations(obj.get("aggs").or_else(|| obj.get("aggregations")))?;
    for (_, field, size) in &aggs {
        sql.push_str(&format!("; SELECT {field}, COUNT(*) FROM {table}"));
        if !where_clause.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&where_clause);
        }
        sql.push_str(&format!(
            " GROUP BY {field} ORDER BY COUNT(*) DESC LIMIT {size}"
        ));
    }
    Ok(SearchPlan {
        table,
        sql,
        aggs: aggs.into_iter().map(|(n, f, _)| (n, f)).collect(),
        highlight: obj
            .get("highlight")
            .or_else(|| obj.get("query").and_then(|q| q.get("highlight")))
            .map(Highlight::parse)
            .transpose()?,
        source: SourceFilter::parse(obj.get("_source"))?,
        words: cond.words,
    })
}

fn uint(v: &Json, what: &str) -> Result<u64, ApiError> {
    v.as_u64().ok_or_else(|| {
        ApiError::illegal(format!("'{what}' must be a non-negative integer, got {v}"))
    })
}

fn paging(obj: &Map<String, Json>) -> Result<(u64, u64), ApiError> {
    let limit = match obj.get("limit").or_else(|| obj.get("size")) {
        Some(v) => uint(v, "limit")?,
        None => DEFAULT_LIMIT,
    };
    let offset = match obj.get("offset").or_else(|| obj.get("from")) {
        Some(v) => uint(v, "offset")?,
        None => 0,
    };
    Ok((offset, limit))
}

/// `sort`: a name, `{"name":"asc"}`, `{"name":{"order":"desc"}}`, or an array of these.
fn sort(v: Option<&Json>) -> Result<String, ApiError> {
    let items: Vec<&Json> = match v {
        None => return Ok(String::new()),
        Some(Json::Array(a)) => a.iter().collect(),
        Some(other) => vec![other],
    };
    let mut keys = Vec::new();
    for item in items {
        match item {
            Json::String(name) => keys.push(sort_key(name, None)?),
            Json::Object(o) => {
                for (name, dir) in o {
                    let dir = match dir {
                        Json::String(s) => s.as_str(),
                        Json::Object(d) => d.get("order").and_then(Json::as_str).unwrap_or(""),
                        _ => "",
                    };
                    keys.push(sort_key(name, Some(dir))?);
                }
            }
            other => return Err(ApiError::illegal(format!("invalid sort entry {other}"))),
        }
    }
    Ok(keys.join(", "))
}

fn sort_key(name: &str, dir: Option<&str>) -> Result<String, ApiError> {
    let score = name == "_score";
    let expr = match name {
        "_score" => "WEIGHT()".to_string(),
        "_id" => "id".to_string(),
        other => column(other)?,
    };
    let dir = match dir.map(str::to_ascii_lowercase).as_deref() {
        None | Some("") => {
            if score {
                "DESC"
            } else {
                "ASC"
            }
        }
        Some("asc") => "ASC",
        Some("desc") => "DESC",
        Some(other) => {
            return Err(ApiError::illegal(format!(
                "sort order must be 'asc' or 'desc', got '{other}'"
            )))
        }
    };
    Ok(format!("{expr} {dir}"))
}

/// `OPTION` items from `options` and a top-level `max_matches`.
fn options(obj: &Map<String, Json>) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    if let Some(v) = obj.get("max_matches") {
        out.push(format!("max_matches={}", uint(v, "max_matches")?));
    }
    let Some(opts) = obj.get("options") else {
        return Ok(out);
    };
    let Some(opts) = opts.as_object() else {
        return Err(ApiError::illegal("'options' must be an object"));
    };
    for (name, v) in opts {
        let name = column(name)?;
        let value = match (name.as_str(), v) {
            ("field_weights", Json::Object(w)) => weights(w)?,
            ("ranker", Json::String(r)) => ranker(r)?,
            (_, Json::Number(n)) => n.to_string(),
            (_, Json::Bool(b)) => u8::from(*b).to_string(),
            (_, Json::String(s)) => column(s)?,
            (_, other) => {
                return Err(ApiError::illegal(format!(
                    "invalid value {other} for option '{name}'"
                )))
            }
        };
        out.push(format!("{name}={value}"));
    }
    Ok(out)
}

fn weights(w: &Map<String, Json>) -> Result<String, ApiError> {
    let parts: Result<Vec<String>, ApiError> = w
        .iter()
        .map(|(f, v)| match v.as_i64() {
            Some(n) => Ok(format!("{}={n}", column(f)?)),
            None => Err(ApiError::illegal(format!(
                "field weight of '{f}' must be an integer"
            ))),
        })
        .collect();
    Ok(format!("({})", parts?.join(", ")))
}

/// A ranker name, or `expr('...')` / `expr(...)` with its expression quoted.
fn ranker(r: &str) -> Result<String, ApiError> {
    if let Some(inner) = r.strip_prefix("expr(").and_then(|s| s.strip_suffix(')')) {
        let inner = inner.trim().trim_matches('\'');
        return Ok(format!("expr({})", super::sqltext::quote(inner)));
    }
    column(r)
}

/// `aggs`: `{"name": {"terms": {"field": "f", "size": N}}}`.
fn aggregations(v: Option<&Json>) -> Result<Vec<(String, String, u64)>, ApiError> {
    let Some(v) = v else {
        return Ok(Vec::new());
    };
    let Some(obj) = v.as_object() else {
        return Err(ApiError::illegal("'aggs' must be an object"));
    };
    let mut out = Vec::new();
    for (name, agg) in obj {
        let Some(terms) = agg.get("terms").and_then(Json::as_object) else {
            return Err(ApiError::illegal(format!(
                "aggregation '{name}' must be a 'terms' aggregation"
            )));
        };
        let Some(field) = terms.get("field").and_then(Json::as_str) else {
            return Err(ApiError::illegal(format!(
                "aggregation '{name}' needs a 'field'"
            )));
        };
        let size = match terms.get("size") {
            Some(s) => uint(s, "size")?,
            None => DEFAULT_LIMIT,
        };
        out.push((name.clone(), column(field)?, size));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;

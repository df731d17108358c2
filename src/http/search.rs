//! A `/search` request translated into a `SELECT` (pure).
//!
//! The main `SELECT *, WEIGHT() ...` is planned both as text (what `SHOW THREADS` and
//! the query log show) and, through [`tree`], as the executor's syntax tree, so no
//! SQL is lexed or parsed per request. `total` comes from the search's own meta; each
//! `terms` aggregation is one `GROUP BY` query.

use serde_json::{Map, Value as Json};

use super::errors::ApiError;
use super::highlight::Highlight;
use super::query;
use super::search_tree::{self, SortKey};
use super::source::SourceFilter;
use super::sqltext::{column, table_name};
use crate::sql::ast::Select;

/// Default number of hits, as upstream.
const DEFAULT_LIMIT: u64 = 20;

/// Everything needed to run a search and shape its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPlan {
    /// The table searched.
    pub table: String,
    /// The main `SELECT *, WEIGHT() ...` as text.
    pub sql: String,
    /// The same statement as a tree (`None`: run `sql` as text).
    pub select: Option<Select>,
    /// `SELECT f, COUNT(*) ... GROUP BY f`, one per aggregation.
    pub agg_sql: Vec<String>,
    /// `(aggregation name, field)`, in the order of `agg_sql`.
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
    let keys = sort(obj.get("sort"))?;
    let (offset, limit) = paging(obj)?;
    let opts = options(obj)?;
    let sql = select_text(&table, &where_clause, &keys, (offset, limit), &opts);
    let select = if opts.is_empty() {
        search_tree::build(&table, &cond, &keys, (offset, limit), &sql)
    } else {
        search_tree::parsed(&sql)
    };
    let aggs = aggregations(obj.get("aggs").or_else(|| obj.get("aggregations")))?;
    let agg_sql = aggs
        .iter()
        .map(|(_, field, size)| agg_text(&table, &where_clause, field, *size))
        .collect();
    Ok(SearchPlan {
        table,
        sql,
        select,
        agg_sql,
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

/// `SELECT *, WEIGHT() FROM t [WHERE ..] [ORDER BY ..] LIMIT o,n [OPTION ..]`.
fn select_text(
    table: &str,
    where_clause: &str,
    keys: &[SortKey],
    (offset, limit): (u64, u64),
    opts: &[String],
) -> String {
    let mut sql = String::with_capacity(64 + where_clause.len());
    sql.push_str("SELECT *, WEIGHT() FROM ");
    sql.push_str(table);
    if !where_clause.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(where_clause);
    }
    for (i, k) in keys.iter().enumerate() {
        sql.push_str(if i == 0 { " ORDER BY " } else { ", " });
        sql.push_str(&k.expr);
        sql.push_str(if k.desc { " DESC" } else { " ASC" });
    }
    sql.push_str(&format!(" LIMIT {offset},{limit}"));
    if !opts.is_empty() {
        sql.push_str(" OPTION ");
        sql.push_str(&opts.join(", "));
    }
    sql
}

/// One `terms` aggregation as a `GROUP BY` query.
fn agg_text(table: &str, where_clause: &str, field: &str, size: u64) -> String {
    let mut sql = format!("SELECT {field}, COUNT(*) FROM {table}");
    if !where_clause.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(where_clause);
    }
    sql.push_str(&format!(
        " GROUP BY {field} ORDER BY COUNT(*) DESC LIMIT {size}"
    ));
    sql
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
fn sort(v: Option<&Json>) -> Result<Vec<SortKey>, ApiError> {
    let items: Vec<&Json> = match v {
        None => return Ok(Vec::new()),
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
    Ok(keys)
}

fn sort_key(name: &str, dir: Option<&str>) -> Result<SortKey, ApiError> {
    let score = name == "_score";
    let expr = match name {
        "_score" => "WEIGHT()".to_string(),
        "_id" => "id".to_string(),
        other => column(other)?,
    };
    let desc = match dir.map(str::to_ascii_lowercase).as_deref() {
        None | Some("") => score,
        Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(ApiError::illegal(format!(
                "sort order must be 'asc' or 'desc', got '{other}'"
            )))
        }
    };
    Ok(SortKey { expr, desc })
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

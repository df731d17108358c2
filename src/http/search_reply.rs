//! Shapes a search's results into upstream's `/search` answer (pure), written
//! straight into one buffer: no value tree, no per-hit allocation.

use super::cells;
use super::errors::ApiError;
use super::highlight::Highlight;
use super::jsonw;
use super::source::SourceFilter;
use crate::engine::Schema;
use crate::service::{Column, Meta, Outcome, QueryError, Row, Value};

/// How to present hits.
#[derive(Debug, Clone, Default)]
pub struct Presentation<'a> {
    /// The table's schema (types JSON and multi-value cells); `None` when unknown.
    pub schema: Option<&'a Schema>,
    pub source: SourceFilter,
    pub highlight: Option<&'a Highlight>,
    pub words: &'a [String],
    pub aggs: &'a [(String, String)],
}

/// The whole answer: `took`, `timed_out`, `hits`, and `aggregations` when asked.
/// `results` are the main `SELECT`, then one result per aggregation; `meta` is the
/// main search's `SHOW META` data (`total_found`, `total_relation`).
pub fn shape(
    results: Vec<Result<Outcome, QueryError>>,
    meta: &Meta,
    took_ms: u64,
    p: &Presentation<'_>,
) -> Result<Vec<u8>, ApiError> {
    let mut it = results.into_iter();
    let main = match it.next() {
        Some(Ok(o)) => o,
        Some(Err(e)) => return Err(ApiError::from_query(&e)),
        None => Outcome::ok(),
    };
    let mut buckets = Vec::with_capacity(p.aggs.len());
    for _ in p.aggs {
        match it.next() {
            Some(Ok(o)) => buckets.push(o),
            Some(Err(e)) => return Err(ApiError::from_query(&e)),
            None => buckets.push(Outcome::ok()),
        }
    }
    let (columns, rows): (&[Column], &[Row]) = match &main {
        Outcome::Rows { columns, rows } => (columns, rows),
        Outcome::Done { .. } => (&[], &[]),
    };
    let total = meta.total_found().unwrap_or(rows.len() as u64);
    let relation = meta.total_relation().unwrap_or("eq");
    let mut out = Vec::with_capacity(estimate(columns, rows));
    out.extend_from_slice(b"{\"took\":");
    jsonw::uint(&mut out, took_ms);
    out.extend_from_slice(b",\"timed_out\":false,\"hits\":{\"total\":");
    jsonw::uint(&mut out, total);
    out.extend_from_slice(b",\"total_relation\":");
    jsonw::string(&mut out, relation);
    out.extend_from_slice(b",\"hits\":[");
    let cols = roles(columns, p);
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        hit(&mut out, &cols, row, p);
    }
    out.extend_from_slice(b"]}");
    if !p.aggs.is_empty() {
        aggregations(&mut out, p.aggs, &buckets);
    }
    out.push(b'}');
    Ok(out)
}

/// Room for the answer: the text cells plus a little per cell.
fn estimate(columns: &[Column], rows: &[Row]) -> usize {
    let text: usize = rows
        .iter()
        .flatten()
        .map(|v| match v {
            Value::Str(s) => s.len(),
            _ => 0,
        })
        .sum();
    let names: usize = columns.iter().map(|c| c.name.len() + 8).sum();
    256 + text + rows.len() * (names + 64)
}

fn is_weight(name: &str) -> bool {
    name.eq_ignore_ascii_case("weight()") || name == "_score"
}

/// What a result column is in a hit.
enum Role {
    /// `_id`.
    Id,
    /// `_score`.
    Score,
    /// A `_source` attribute.
    Attr {
        /// `"name":`, rendered once per answer.
        key: Vec<u8>,
        /// Its schema type, if known.
        ty: Option<&'static str>,
        /// Shown in `_source`.
        shown: bool,
        /// Highlighted, when highlighting is asked and the cell is text.
        lit: bool,
    },
}

/// Each column's role, decided once per answer.
fn roles(columns: &[Column], p: &Presentation<'_>) -> Vec<Role> {
    columns
        .iter()
        .map(|c| {
            let name = c.name.as_str();
            if name == "id" {
                Role::Id
            } else if is_weight(name) {
                Role::Score
            } else {
                let ty = p.schema.and_then(|s| cells::type_of(s, name));
                let mut key = Vec::with_capacity(name.len() + 3);
                jsonw::key(&mut key, name);
                Role::Attr {
                    key,
                    ty,
                    shown: p.source.allows(name),
                    lit: p.highlight.is_some_and(|h| highlighted(h, name, ty, p)),
                }
            }
        })
        .collect()
}

/// Whether the highlight asks for text column `name`.
fn highlighted(h: &Highlight, name: &str, ty: Option<&str>, p: &Presentation<'_>) -> bool {
    if !matches!(ty, None | Some("text")) {
        return false;
    }
    if h.fields.is_empty() {
        p.schema.is_none() || ty == Some("text")
    } else {
        h.fields.iter().any(|f| f == name)
    }
}

/// One hit: `_id`, `_score`, `_source` and `highlight` when asked (a repeated `id`
/// or weight column: the last one counts).
fn hit(out: &mut Vec<u8>, cols: &[Role], row: &Row, p: &Presentation<'_>) {
    let cells = || cols.iter().zip(row);
    let last = |want: fn(&Role) -> bool| cells().rfind(|(r, _)| want(r));
    out.extend_from_slice(b"{\"_id\":");
    match last(|r| matches!(r, Role::Id)) {
        Some((_, v)) => jsonw::plain(out, v),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"_score\":");
    match last(|r| matches!(r, Role::Score)) {
        Some((_, v)) => jsonw::plain(out, v),
        None => out.push(b'1'),
    }
    if !p.source.disabled {
        out.extend_from_slice(b",\"_source\":{");
        let mut first = true;
        for (role, v) in cells() {
            if let Role::Attr {
                key,
                ty,
                shown: true,
                ..
            } = role
            {
                if !first {
                    out.push(b',');
                }
                first = false;
                out.extend_from_slice(key);
                jsonw::cell(out, v, *ty);
            }
        }
        out.push(b'}');
    }
    if let Some(h) = p.highlight {
        out.extend_from_slice(b",\"highlight\":{");
        let mut first = true;
        for (role, v) in cells() {
            let (Role::Attr { key, lit: true, .. }, Value::Str(text)) = (role, v) else {
                continue;
            };
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(key);
            out.push(b'[');
            for (i, frag) in h.fragments(text, p.words).iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                jsonw::string(out, frag);
            }
            out.push(b']');
        }
        out.push(b'}');
    }
    out.push(b'}');
}

/// `"aggregations":{"name":{"buckets":[{"key":k,"doc_count":n},..]},..}`.
fn aggregations(out: &mut Vec<u8>, aggs: &[(String, String)], results: &[Outcome]) {
    out.extend_from_slice(b",\"aggregations\":{");
    for (i, ((name, _), o)) in aggs.iter().zip(results).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        jsonw::key(out, name);
        out.extend_from_slice(b"{\"buckets\":[");
        let rows: &[Row] = match o {
            Outcome::Rows { rows, .. } => rows,
            Outcome::Done { .. } => &[],
        };
        for (j, r) in rows.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"key\":");
            match r.first() {
                Some(v) => jsonw::plain(out, v),
                None => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(b",\"doc_count\":");
            match r.get(1) {
                Some(v) => jsonw::plain(out, v),
                None => out.push(b'0'),
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"]}");
    }
    out.push(b'}');
}

#[cfg(test)]
#[path = "search_reply_tests.rs"]
mod tests;

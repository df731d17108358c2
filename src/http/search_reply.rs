//! Shapes statement results into upstream's `/search` answer (pure).

use serde_json::Value as Json;

use super::cells::{self, Schema};
use super::errors::ApiError;
use super::highlight::Highlight;
use super::ojson::J;
use super::source::SourceFilter;
use crate::service::{Column, Outcome, QueryError, Row, Value};

/// How to present hits.
#[derive(Debug, Clone, Default)]
pub struct Presentation<'a> {
    pub schema: Schema,
    pub source: SourceFilter,
    pub highlight: Option<&'a Highlight>,
    pub words: &'a [String],
    pub aggs: &'a [(String, String)],
}

/// The whole answer: `took`, `timed_out`, `hits`, and `aggregations` when asked.
/// `results` are: the SELECT, `SHOW META`, then one result per aggregation.
pub fn shape(
    results: Vec<Result<Outcome, QueryError>>,
    took_ms: u64,
    p: &Presentation<'_>,
) -> Result<J, ApiError> {
    let mut it = results.into_iter();
    let (columns, rows) = match it.next() {
        Some(Ok(Outcome::Rows { columns, rows })) => (columns, rows),
        Some(Ok(Outcome::Done { .. })) | None => (Vec::new(), Vec::new()),
        Some(Err(e)) => return Err(ApiError::from_query(&e)),
    };
    let meta = match it.next() {
        Some(Ok(m)) => meta_pairs(&m),
        Some(Err(e)) => return Err(ApiError::from_query(&e)),
        None => Vec::new(),
    };
    let total = meta_value(&meta, "total_found")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(rows.len() as u64);
    let relation = meta_value(&meta, "total_relation")
        .unwrap_or("eq")
        .to_string();
    let hits: Vec<J> = rows.into_iter().map(|r| hit(&columns, r, p)).collect();
    let mut out = J::obj()
        .with("took", took_ms)
        .with("timed_out", false)
        .with(
            "hits",
            J::obj()
                .with("total", total)
                .with("total_relation", relation)
                .with("hits", hits),
        );
    if !p.aggs.is_empty() {
        let mut aggs = J::obj();
        for (name, _) in p.aggs {
            let buckets = match it.next() {
                Some(Ok(o)) => buckets(o),
                Some(Err(e)) => return Err(ApiError::from_query(&e)),
                None => Vec::new(),
            };
            aggs.push(name, J::obj().with("buckets", buckets));
        }
        out.push("aggregations", aggs);
    }
    Ok(out)
}

/// `SHOW META` as `(name, value)` pairs.
fn meta_pairs(o: &Outcome) -> Vec<(String, String)> {
    match o {
        Outcome::Rows { rows, .. } => rows
            .iter()
            .filter_map(|r| Some((r.first()?.to_text()?, r.get(1)?.to_text()?)))
            .collect(),
        Outcome::Done { .. } => Vec::new(),
    }
}

fn meta_value<'a>(meta: &'a [(String, String)], name: &str) -> Option<&'a str> {
    meta.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn is_weight(name: &str) -> bool {
    name.eq_ignore_ascii_case("weight()") || name == "_score"
}

/// One hit: `_id`, `_score`, `_source` and `highlight` when asked.
pub fn hit(columns: &[Column], row: Row, p: &Presentation<'_>) -> J {
    let mut id = Json::Null;
    let mut score = Json::from(1);
    let mut source = J::obj();
    let mut texts: Vec<(String, String)> = Vec::new();
    for (c, v) in columns.iter().zip(row) {
        if c.name == "id" {
            id = cells::plain(v);
            continue;
        }
        if is_weight(&c.name) {
            score = cells::plain(v);
            continue;
        }
        let ty = cells::type_of(&p.schema, &c.name);
        if let Value::Str(s) = &v {
            if matches!(ty, None | Some("text")) {
                texts.push((c.name.clone(), s.clone()));
            }
        }
        if p.source.allows(&c.name) {
            source.push(&c.name, cells::cell(v, ty));
        }
    }
    let mut out = J::obj().with("_id", id).with("_score", score);
    if !p.source.disabled {
        out.push("_source", source);
    }
    if let Some(h) = p.highlight {
        out.push("highlight", highlight(h, &texts, p));
    }
    out
}

fn highlight(h: &Highlight, texts: &[(String, String)], p: &Presentation<'_>) -> J {
    let mut out = J::obj();
    for (name, text) in texts {
        let wanted = if h.fields.is_empty() {
            let ty = cells::type_of(&p.schema, name);
            p.schema.is_empty() || ty == Some("text")
        } else {
            h.fields.iter().any(|f| f == name)
        };
        if wanted {
            let frags: Vec<J> = h
                .fragments(text, p.words)
                .into_iter()
                .map(J::from)
                .collect();
            out.push(name, frags);
        }
    }
    out
}

fn buckets(o: Outcome) -> Vec<J> {
    match o {
        Outcome::Rows { rows, .. } => rows
            .into_iter()
            .map(|r| {
                let mut cells = r.into_iter();
                let key = cells.next().map_or(Json::Null, cells::plain);
                let count = cells.next().map_or(Json::from(0), cells::plain);
                J::obj().with("key", key).with("doc_count", count)
            })
            .collect(),
        Outcome::Done { .. } => Vec::new(),
    }
}

#[cfg(test)]
#[path = "search_reply_tests.rs"]
mod tests;

//! SEARCH: each query block runs as a SphinxQL `SELECT`, its totals and keyword
//! statistics taken from the session (what `SHOW META` lists), the column types
//! from the first table's schema (what `DESCRIBE` lists).

use super::codec::{check_version, reply, Status};
use super::search_reply::{error_part, result_part, QueryResult};
use super::search_req::{parse_search, SearchQuery};
use super::search_sql::{check_query, ranker_warning, search_sql};
use super::Runner;
use crate::service::{Outcome, QueryError};

/// The SEARCH version this daemon speaks.
pub const VERSION: u16 = 0x128;

/// Serves a SEARCH request: the whole reply frame, or a request-level error.
pub fn search(run: &mut Runner<'_>, version: u16, body: &[u8]) -> Result<Vec<u8>, String> {
    check_version(version, VERSION)?;
    let queries = parse_search(version, body)?;
    let mut out = Vec::new();
    for q in &queries {
        out.extend(run_query(run, q));
    }
    Ok(reply(Status::Ok, VERSION, &out))
}

/// The tables named by an index list (`*` = all), each once: a table named twice
/// is searched once, as in Sphinx.
fn tables(run: &mut Runner<'_>, list: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in list.split(|c: char| !(c.is_ascii_alphanumeric() || "_.-*".contains(c))) {
        if !name.is_empty() && !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name.to_string());
        }
    }
    if !names.iter().any(|n| n == "*") {
        return names;
    }
    match run.query("SHOW TABLES").into_iter().next() {
        Some(Ok(Outcome::Rows { rows, .. })) => rows
            .iter()
            .filter_map(|r| r.first().and_then(|v| v.to_text()))
            .collect(),
        _ => Vec::new(),
    }
}

fn run_query(run: &mut Runner<'_>, q: &SearchQuery) -> Vec<u8> {
    if let Err(e) = check_query(q) {
        return error_part(&e);
    }
    let tables = tables(run, &q.indexes);
    let Some(first) = tables.first() else {
        return error_part("no enabled local indexes to search");
    };
    let sql = search_sql(q, &tables.join(", "));
    let results = run.select(&sql);
    let (columns, rows) = match results.first() {
        Some(Ok(Outcome::Rows { columns, rows })) => (columns, rows),
        Some(Err(e)) => return error_part(&e.message),
        _ => return error_part("internal error: no result"),
    };
    let schema = run.describe(first);
    let mut meta = run.meta();
    if let Some(w) = ranker_warning(q) {
        let meta = meta.to_mut();
        meta.retain(|(k, v)| k != "warning" || v.is_empty());
        meta.push(("warning".into(), w));
    }
    result_part(&QueryResult {
        columns,
        rows,
        meta: &meta,
        schema: &schema,
        max_matches: q.max_matches,
    })
}

/// Two text columns of a result as pairs (empty when the statement failed).
pub fn pairs(
    result: Option<&Result<Outcome, QueryError>>,
    a: usize,
    b: usize,
) -> Vec<(String, String)> {
    let Some(Ok(Outcome::Rows { rows, .. })) = result else {
        return Vec::new();
    };
    rows.iter()
        .map(|r| {
            let cell = |i: usize| r.get(i).and_then(|v| v.to_text()).unwrap_or_default();
            (cell(a), cell(b))
        })
        .collect()
}

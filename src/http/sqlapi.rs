//! `/sql` (plain and `mode=raw`) and `/cli`.

use std::time::Instant;

use hyper::{Response, StatusCode};

use super::errors::{ApiError, Kind};
use super::ojson::J;
use super::response::{self, Body};
use super::routes::Req;
use super::search_reply::{self, Presentation};
use super::{cells, cli as cli_text, urlencoded, HttpShared};
use crate::service::{ColumnType, Outcome, QueryError};

/// The SQL text and whether raw mode was asked for (`mode=raw` or
/// `raw_response=true`), from `?query=`, a
/// `query=` urlencoded body, or a raw SQL body.
pub fn statement(url_query: &str, body: &str) -> (String, bool) {
    let form = ["query=", "mode=", "raw_response="]
        .iter()
        .any(|p| body.starts_with(p));
    let flag = |q: &str| {
        urlencoded::get(q, "mode").as_deref() == Some("raw")
            || urlencoded::get(q, "raw_response")
                .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1"))
    };
    let raw = flag(url_query) || (form && flag(body));
    let sql = if let Some(q) = urlencoded::get(url_query, "query") {
        q
    } else if form {
        urlencoded::get(body, "query").unwrap_or_default()
    } else {
        body.to_string()
    };
    (sql, raw)
}

/// Whether the text is a single `SELECT`.
fn is_select(sql: &str) -> bool {
    let t = sql.trim_start();
    t.get(..6).is_some_and(|w| w.eq_ignore_ascii_case("select"))
}

/// `/sql`.
pub fn sql(r: Req, shared: &HttpShared) -> Response<Body> {
    let body = String::from_utf8_lossy(&r.body);
    let (sql, raw) = statement(&r.url_query, &body);
    if sql.trim().is_empty() {
        return ApiError::parse("query missing").plain();
    }
    let mut session = shared.session();
    if raw {
        return raw_results(shared.run(&mut session, &sql));
    }
    if !is_select(&sql) {
        return ApiError::illegal("only SELECT queries are supported").plain();
    }
    let start = Instant::now();
    let results = shared.run(&mut session, &sql);
    let took = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    // A failing statement ends the batch; any failure is the answer.
    if let Some(e) = results.iter().find_map(|r| r.as_ref().err()) {
        return ApiError::from_query(e).plain();
    }
    match search_reply::shape(results, &session.meta, took, &Presentation::default()) {
        Ok(body) => response::json(StatusCode::OK, body),
        Err(e) => e.plain(),
    }
}

/// `/cli_json`: any statement, answered as `/sql?mode=raw` answers.
pub fn cli_json(r: Req, shared: &HttpShared) -> Response<Body> {
    let body = String::from_utf8_lossy(&r.body);
    let (sql, _) = statement(&r.url_query, &body);
    if sql.trim().is_empty() {
        return ApiError::parse("query missing").plain();
    }
    let mut session = shared.session();
    raw_results(shared.run(&mut session, &sql))
}

/// `/cli`: any statement, answered as the `mysql` client prints it.
pub fn cli(r: Req, shared: &HttpShared) -> Response<Body> {
    let body = String::from_utf8_lossy(&r.body);
    let (sql, _) = statement(&r.url_query, &body);
    if sql.trim().is_empty() {
        return ApiError::parse("query missing").plain();
    }
    let start = Instant::now();
    let mut session = shared.session();
    let results = shared.run(&mut session, &sql);
    let text = cli_text::render(&results, start.elapsed().as_secs_f64());
    let status = match results.iter().find_map(|r| r.as_ref().err()) {
        Some(e) => ApiError::from_query(e).status(),
        None => StatusCode::OK,
    };
    response::json(status, text)
}

/// The `mode=raw` answer: one JSON object per statement.
/// A failing statement stops the batch. Alone, it answers `{"error":..}`; after
/// statements that already ran, the array shows their results and then the error,
/// so the client knows what was applied.
fn raw_results(results: Vec<Result<Outcome, QueryError>>) -> Response<Body> {
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(outcome) => out.push(raw_outcome(outcome)),
            Err(e) => {
                let err = ApiError::from_query(&e);
                let status = if err.kind == Kind::Execution {
                    StatusCode::BAD_REQUEST
                } else {
                    err.status()
                };
                if out.is_empty() {
                    return response::json(status, err.plain_json().render());
                }
                out.push(
                    J::obj()
                        .with("total", 0u64)
                        .with("error", e.message.as_str())
                        .with("warning", ""),
                );
                return response::json(status, J::A(out).render());
            }
        }
    }
    response::json(StatusCode::OK, J::A(out).render())
}

fn raw_outcome(outcome: Outcome) -> J {
    let (cols, data, total) = match outcome {
        Outcome::Done { affected, .. } => {
            return J::obj()
                .with("total", affected)
                .with("error", "")
                .with("warning", "")
        }
        Outcome::Rows { columns, rows } => {
            let cols: Vec<J> = columns
                .iter()
                .map(|c| J::obj().with(&c.name, J::obj().with("type", type_name(c.ty))))
                .collect();
            let total = rows.len() as u64;
            let data: Vec<J> = rows
                .into_iter()
                .map(|row| {
                    let mut obj = J::obj();
                    for (c, v) in columns.iter().zip(row) {
                        obj.push(&c.name, cells::plain(v));
                    }
                    obj
                })
                .collect();
            (cols, data, total)
        }
    };
    J::obj()
        .with("columns", cols)
        .with("data", data)
        .with("total", total)
        .with("error", "")
        .with("warning", "")
}

fn type_name(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::UInt => "long",
        ColumnType::BigInt => "long long",
        ColumnType::Float => "float",
        ColumnType::String => "string",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_statement() {
        assert_eq!(statement("", "select 1"), ("select 1".into(), false));
        assert_eq!(
            statement("mode=raw", "show tables"),
            ("show tables".into(), true)
        );
        assert_eq!(
            statement("", "mode=raw&query=show+tables"),
            ("show tables".into(), true)
        );
        assert_eq!(
            statement("query=select%201", "ignored"),
            ("select 1".into(), false)
        );
    }

    #[test]
    fn knows_a_select() {
        assert!(is_select(" SELECT * FROM t;"));
        assert!(!is_select("show tables"));
        assert!(!is_select("sel"));
    }
}

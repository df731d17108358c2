//! The JSON endpoints: `/search`, the single writes and `/bulk`.

use std::time::Instant;

use hyper::{Response, StatusCode};
use serde_json::Value as Json;

use super::errors::ApiError;
use super::response::{self, Body};
use super::routes::Req;
use super::search_reply::{self, Presentation};
use super::write::{self, Action};
use super::{bulk, HttpShared};

fn parse_json(body: &[u8]) -> Result<Json, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::parse(format!("invalid JSON in request body: {e}")))
}

/// `/search` and `/json/search`.
pub fn search(r: Req, shared: &HttpShared) -> Response<Body> {
    let plan = match shared.search_plan(&r.body) {
        Ok(p) => p,
        Err(e) => return e.plain(),
    };
    let start = Instant::now();
    let mut session = shared.session();
    let schema = shared
        .service
        .state()
        .catalog
        .get(&plan.table)
        .map(|t| t.schema());
    let mut results = shared.run_select(&mut session, plan.select.as_ref(), &plan.sql);
    // The aggregations' queries have their own meta: keep the main search's.
    let meta = std::mem::take(&mut session.meta);
    if results.iter().all(Result::is_ok) {
        for sql in &plan.agg_sql {
            let r = shared.run_last(&mut session, sql);
            let failed = r.is_err();
            results.push(r);
            if failed {
                break;
            }
        }
    }
    let took = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    let p = Presentation {
        schema: schema.as_deref(),
        source: plan.source.clone(),
        highlight: plan.highlight.as_ref(),
        words: &plan.words,
        aggs: &plan.aggs,
    };
    match search_reply::shape(results, &meta, took, &p) {
        Ok(body) => response::json(StatusCode::OK, body),
        Err(e) => e.with_table(&plan.table).plain(),
    }
}

/// `/insert`, `/create`, `/replace`, `/index`, `/update`, `/delete`.
pub fn write(action: Action, r: Req, shared: &HttpShared) -> Response<Body> {
    let op = match parse_json(&r.body).and_then(|j| write::plan(action, &j)) {
        Ok(op) => op,
        Err(e) => return e.typed(),
    };
    let mut session = shared.session();
    let result = shared.run_last(&mut session, &op.sql);
    match write::reply(&op, result, "id") {
        Ok((status, j)) => response::json(status, j.render()),
        Err(e) => e.typed(),
    }
}

/// `/bulk`: NDJSON only.
pub fn bulk(r: Req, shared: &HttpShared) -> Response<Body> {
    if !r
        .content_type
        .to_ascii_lowercase()
        .contains("application/x-ndjson")
    {
        return ApiError::illegal("Content-Type must be application/x-ndjson").typed();
    }
    let text = match std::str::from_utf8(&r.body) {
        Ok(t) => t,
        Err(_) => return ApiError::parse("request body is not valid UTF-8").typed(),
    };
    let mut session = shared.session();
    let (status, j) = bulk::run(text, |sql| shared.run_last(&mut session, sql));
    response::json(status, j.render())
}

/// The table and id of `/<table>/_update/<id>`.
pub fn partial_update_target(path: &str) -> Option<(String, u64)> {
    let mut parts = path.trim_matches('/').split('/');
    let (table, verb, id) = (parts.next()?, parts.next()?, parts.next()?);
    if verb != "_update" || parts.next().is_some() {
        return None;
    }
    Some((table.to_string(), id.parse().ok()?))
}

/// `/<table>/_update/<id>` with `{"doc":{...}}`: `{"table":t,"updated":N}`.
pub fn partial_update(path: &str, r: Req, shared: &HttpShared) -> Response<Body> {
    let Some((table, id)) = partial_update_target(path) else {
        return ApiError::illegal("expected /<table>/_update/<id>").typed();
    };
    let op = parse_json(&r.body).and_then(|body| {
        let doc = body.get("doc").cloned().unwrap_or(Json::Null);
        let req = serde_json::json!({ "table": table, "id": id, "doc": doc });
        write::plan(Action::Update, &req)
    });
    let op = match op {
        Ok(op) => op,
        Err(e) => return e.typed(),
    };
    let mut session = shared.session();
    let result = shared.run_last(&mut session, &op.sql);
    match result {
        Ok(outcome) => {
            let updated = match outcome {
                crate::service::Outcome::Done { affected, .. } => affected,
                crate::service::Outcome::Rows { rows, .. } => rows.len() as u64,
            };
            let j = super::ojson::J::obj()
                .with("table", op.table.as_str())
                .with("updated", updated);
            response::json(StatusCode::OK, j.render())
        }
        Err(e) => ApiError::from_query(&e).with_table(&op.table).typed(),
    }
}

//! Endpoint routing and handlers.

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Map, Value as Json};

use super::response::{self, Body};
use super::urlencoded;
use super::HttpShared;
use crate::service::{ColumnType, Outcome, QueryError, Session, Value};

/// Answers one request.
pub async fn route(req: Request<Incoming>, shared: &HttpShared) -> Response<Body> {
    let path = req.uri().path().to_string();
    match (req.method(), path.as_str()) {
        (&Method::OPTIONS, _) => response::json(StatusCode::OK, ""),
        (_, "/") => banner(),
        (_, "/sql") => sql(req, shared).await,
        _ => response::error(
            StatusCode::NOT_IMPLEMENTED,
            &format!("{path} - unsupported endpoint"),
        ),
    }
}

fn banner() -> Response<Body> {
    let body = json!({ "version": crate::version::SERVER }).to_string();
    response::json(StatusCode::OK, body)
}

/// `/sql`: `query=` in a urlencoded body, a raw SQL body, or `?query=`.
async fn sql(req: Request<Incoming>, shared: &HttpShared) -> Response<Body> {
    let url_query = req.uri().query().unwrap_or("").to_string();
    let body = match super::read_body(req.into_body(), shared.max_body).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let body = String::from_utf8_lossy(&body);
    let sql = if let Some(q) = urlencoded::get(&url_query, "query") {
        q
    } else if body.starts_with("query=") || body.contains("&query=") {
        urlencoded::get(&body, "query").unwrap_or_default()
    } else {
        body.into_owned()
    };
    if sql.trim().is_empty() {
        return response::error(StatusCode::BAD_REQUEST, "query missing");
    }
    let mut session = Session::new(shared.guard_id, shared.proto.clone());
    session.readonly = shared.readonly;
    session.tls_peer = shared.tls_peer.clone();
    shared.update_thread("query", &sql);
    let results = shared.service.query(&mut session, &sql);
    shared.update_thread("idle", "");
    raw_results(results)
}

/// The `mode=raw` answer: one JSON object per statement.
fn raw_results(results: Vec<Result<Outcome, QueryError>>) -> Response<Body> {
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(outcome) => out.push(raw_outcome(outcome)),
            Err(e) => return response::error(StatusCode::BAD_REQUEST, &e.message),
        }
    }
    response::json(StatusCode::OK, Json::Array(out).to_string())
}

fn raw_outcome(outcome: Outcome) -> Json {
    match outcome {
        Outcome::Done { affected, .. } => {
            json!({ "total": affected, "error": "", "warning": "" })
        }
        Outcome::Rows { columns, rows } => {
            let cols: Vec<Json> = columns
                .iter()
                .map(|c| json!({ c.name.clone(): { "type": type_name(c.ty) } }))
                .collect();
            let total = rows.len();
            let data: Vec<Json> = rows
                .into_iter()
                .map(|row| {
                    let obj: Map<String, Json> = columns
                        .iter()
                        .zip(row)
                        .map(|(c, v)| (c.name.clone(), value_json(v)))
                        .collect();
                    Json::Object(obj)
                })
                .collect();
            json!({ "columns": cols, "data": data, "total": total, "error": "", "warning": "" })
        }
    }
}

fn type_name(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::UInt => "long",
        ColumnType::BigInt => "long long",
        ColumnType::Float => "float",
        ColumnType::String => "string",
    }
}

fn value_json(v: Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Int(i) => json!(i),
        Value::UInt(u) => json!(u),
        Value::Float(f) => json!(f),
        Value::Str(s) => Json::String(s),
    }
}

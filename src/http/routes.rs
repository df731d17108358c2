//! Endpoint routing: reads and decodes the body, then hands it to a handler.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, EXPECT};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::json;

use super::errors::{ApiError, Kind};
use super::response::{self, Body};
use super::write::Action;
use super::{body, handlers, sqlapi, HttpShared};

/// The endpoints we serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Endpoint {
    Root,
    Sql,
    Cli,
    /// `/cli_json`: any statement, answered in the raw `/sql` format.
    CliJson,
    Search,
    Write(Action),
    Bulk,
    /// `/<table>/_update/<id>`: a partial update by id.
    PartialUpdate,
}

pub(super) fn endpoint(path: &str) -> Option<Endpoint> {
    let p = path.trim_end_matches('/');
    let p = p
        .strip_prefix("/json")
        .filter(|r| r.starts_with('/'))
        .unwrap_or(p);
    match p {
        "" => Some(Endpoint::Root),
        "/sql" => Some(Endpoint::Sql),
        "/cli" => Some(Endpoint::Cli),
        "/cli_json" => Some(Endpoint::CliJson),
        "/search" => Some(Endpoint::Search),
        "/bulk" => Some(Endpoint::Bulk),
        other => Action::from_name(other)
            .map(Endpoint::Write)
            .or_else(|| handlers::partial_update_target(other).map(|_| Endpoint::PartialUpdate)),
    }
}

/// What a handler gets: the URL query string, selected headers and the decoded body.
pub struct Req {
    /// The raw URL query string (after `?`).
    pub url_query: String,
    /// `Content-Type`, empty when absent.
    pub content_type: String,
    /// The body, decoded per `Content-Encoding`.
    pub body: Bytes,
}

/// Answers one request. The statements run on a blocking thread, off the reactor.
pub async fn route(req: Request<Incoming>, shared: Arc<HttpShared>) -> Response<Body> {
    let path = req.uri().path().to_string();
    if req.method() == Method::OPTIONS {
        return options();
    }
    let Some(ep) = endpoint(&path) else {
        return ApiError::new(
            Kind::UnsupportedEndpoint,
            format!("{path} - unsupported endpoint"),
        )
        .plain();
    };
    if ep == Endpoint::Root {
        return banner();
    }
    let typed = matches!(
        ep,
        Endpoint::Write(_) | Endpoint::Bulk | Endpoint::PartialUpdate
    );
    if shared.readonly && typed {
        let _ = body::read(req.into_body(), shared.max_body, shared.idle).await;
        return ApiError::new(Kind::ReadOnly, "connection is read-only").typed();
    }
    let r = match read(req, shared.max_body, shared.idle).await {
        Ok(r) => r,
        Err(e) if typed => return e.typed(),
        Err(e) => return e.plain(),
    };
    // Requests run inline on the connection's task, as MySQL statements do (see
    // `mysql::command`): a blocking-pool hop per request costs more than most
    // requests. A panic becomes a 500, not a lost connection.
    let run = std::panic::AssertUnwindSafe(|| {
        let shared = &*shared;
        match ep {
            Endpoint::Sql => sqlapi::sql(r, shared),
            Endpoint::Cli => sqlapi::cli(r, shared),
            Endpoint::CliJson => sqlapi::cli_json(r, shared),
            Endpoint::Search => handlers::search(r, shared),
            Endpoint::Write(a) => handlers::write(a, r, shared),
            Endpoint::Bulk => handlers::bulk(r, shared),
            Endpoint::PartialUpdate => handlers::partial_update(&path, r, shared),
            Endpoint::Root => banner(),
        }
    });
    std::panic::catch_unwind(run).unwrap_or_else(|_| {
        ApiError::new(Kind::Execution, "internal error while running the request").plain()
    })
}

async fn read(req: Request<Incoming>, limit: usize, idle: Duration) -> Result<Req, ApiError> {
    let (parts, incoming) = req.into_parts();
    let header = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let encoding = header(CONTENT_ENCODING);
    let content_type = header(CONTENT_TYPE).unwrap_or_default();
    let expects = header(EXPECT).is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
    let declared = header(CONTENT_LENGTH).and_then(|v| v.trim().parse::<u64>().ok());
    if expects && declared.is_some_and(|n| n > limit as u64) {
        // Refused before the client sends it: no `100 Continue`, no body to drain.
        return Err(body::too_large(limit));
    }
    let raw = body::read(incoming, limit, idle).await?;
    let body = body::decode(encoding.as_deref(), raw, limit)?;
    Ok(Req {
        url_query: parts.uri.query().unwrap_or("").to_string(),
        content_type,
        body,
    })
}

fn options() -> Response<Body> {
    let mut resp = response::json(StatusCode::OK, "");
    resp.headers_mut()
        .insert(ALLOW, HeaderValue::from_static("GET, POST, HEAD, OPTIONS"));
    resp
}

fn banner() -> Response<Body> {
    let body = json!({ "version": crate::version::SERVER }).to_string();
    response::json(StatusCode::OK, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_paths_to_endpoints() {
        assert_eq!(endpoint("/"), Some(Endpoint::Root));
        assert_eq!(endpoint("/search"), Some(Endpoint::Search));
        assert_eq!(endpoint("/json/search"), Some(Endpoint::Search));
        assert_eq!(endpoint("/json/bulk"), Some(Endpoint::Bulk));
        assert_eq!(endpoint("/index"), Some(Endpoint::Write(Action::Replace)));
        assert_eq!(
            endpoint("/json/insert"),
            Some(Endpoint::Write(Action::Insert))
        );
        assert_eq!(endpoint("/cli"), Some(Endpoint::Cli));
        assert_eq!(endpoint("/cli_json"), Some(Endpoint::CliJson));
        assert_eq!(endpoint("/sql/"), Some(Endpoint::Sql));
        assert_eq!(endpoint("/t/_update/5"), Some(Endpoint::PartialUpdate));
        assert_eq!(endpoint("/t/_update/x"), None);
        assert_eq!(endpoint("/json"), None);
        assert_eq!(endpoint("/nowhere"), None);
    }
}

//! JSON requests that arrive without HTTP: the binary API's JSON command (16)
//! carries an endpoint and a body, and gets back what the endpoint would answer.

use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use hyper::body::Body as _;
use hyper::{Response, StatusCode};

use super::errors::{ApiError, Kind};
use super::response::Body;
use super::routes::{endpoint, Endpoint, Req};
use super::{handlers, sqlapi, HttpShared};
use crate::service::Service;

/// Runs one JSON request for `path` (`/search`, `json/search`, `/sql`, ...) with the
/// URL query `url_query`: the HTTP status it would get and its body.
pub fn serve_json(
    service: Arc<dyn Service>,
    readonly: bool,
    path: &str,
    url_query: &str,
    body: Bytes,
) -> (StatusCode, Bytes) {
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    let state = Arc::clone(service.state());
    let Some(guard) = state.register("http", "api".into(), true) else {
        return body_of(ApiError::new(Kind::Execution, "no connection slot").plain());
    };
    let shared = HttpShared {
        service,
        guard_id: guard.id(),
        guard,
        proto: "sphinx".into(),
        readonly,
        max_body: state.settings.max_packet_size,
        idle: state.settings.network_timeout,
        tls_peer: None,
        last_plan: Default::default(),
    };
    let r = Req {
        url_query: url_query.to_string(),
        content_type: "application/json".into(),
        body,
    };
    body_of(dispatch(&path, r, &shared))
}

fn dispatch(path: &str, r: Req, shared: &HttpShared) -> Response<Body> {
    let Some(ep) = endpoint(path) else {
        return ApiError::new(
            Kind::UnsupportedEndpoint,
            format!("{path} - unsupported endpoint"),
        )
        .plain();
    };
    let typed = matches!(
        ep,
        Endpoint::Write(_) | Endpoint::Bulk | Endpoint::PartialUpdate
    );
    if shared.readonly && typed {
        return ApiError::new(Kind::ReadOnly, "connection is read-only").typed();
    }
    match ep {
        Endpoint::Sql => sqlapi::sql(r, shared),
        Endpoint::Cli => sqlapi::cli(r, shared),
        Endpoint::CliJson => sqlapi::cli_json(r, shared),
        Endpoint::Search => handlers::search(r, shared),
        Endpoint::Write(a) => handlers::write(a, r, shared),
        Endpoint::Bulk => handlers::bulk(r, shared),
        Endpoint::PartialUpdate => handlers::partial_update(path, r, shared),
        Endpoint::Root => super::response::json(
            StatusCode::OK,
            serde_json::json!({ "version": crate::version::SERVER }).to_string(),
        ),
    }
}

/// A response's status and its (single, in-memory) body.
fn body_of(resp: Response<Body>) -> (StatusCode, Bytes) {
    let status = resp.status();
    let mut body = resp.into_body();
    let mut cx = Context::from_waker(Waker::noop());
    let mut out = Vec::new();
    while let Poll::Ready(Some(Ok(frame))) = std::pin::Pin::new(&mut body).poll_frame(&mut cx) {
        if let Ok(data) = frame.into_data() {
            out.extend_from_slice(&data);
        }
    }
    (status, Bytes::from(out))
}

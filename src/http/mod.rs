//! HTTP/1.1 JSON front end (hyper) over a plain or TLS stream.

mod response;
mod routes;
pub mod urlencoded;

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};

use crate::net::{BoxStream, Shutdown};
use crate::service::{ConnectionGuard, Service};
use response::Body;

/// One HTTP connection's context.
pub struct HttpConn {
    pub service: Arc<dyn Service>,
    pub guard: ConnectionGuard,
    pub readonly: bool,
    pub shutdown: Shutdown,
}

/// What request handlers share on one connection.
pub(crate) struct HttpShared {
    service: Arc<dyn Service>,
    guard: ConnectionGuard,
    guard_id: u64,
    proto: String,
    readonly: bool,
    max_body: usize,
    /// The verified TLS client certificate's subject, for sessions and the query log.
    tls_peer: Option<String>,
}

impl HttpShared {
    fn update_thread(&self, state: &str, info: &str) {
        self.guard.update(|t| {
            t.state = state.to_string();
            t.info = info.to_string();
        });
    }
}

/// Serves requests on one connection, with keep-alive, until the client closes, a
/// timeout passes, or the daemon shuts down (after the request in flight).
pub async fn serve(stream: BoxStream, conn: HttpConn) {
    let settings = Arc::clone(&conn.service.state().settings);
    let tls_info = stream.tls_info();
    let tls = tls_info.is_some();
    conn.service.state().count_session(tls, false);
    let proto = if tls { "http,ssl" } else { "http" };
    let tls_peer = tls_info.and_then(|t| t.peer_subject);
    let peer = tls_peer.clone();
    conn.guard.update(|t| {
        t.tls_peer = peer;
        t.proto = proto.to_string();
        t.state = "idle".into();
    });
    let shared = Arc::new(HttpShared {
        service: conn.service,
        guard_id: conn.guard.id(),
        guard: conn.guard,
        proto: proto.to_string(),
        readonly: conn.readonly,
        max_body: settings.max_packet_size,
        tls_peer,
    });
    let svc = service_fn(move |req| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, std::convert::Infallible>(routes::route(req, &shared).await) }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .keep_alive(true)
        .header_read_timeout(settings.client_timeout);
    let connection = builder.serve_connection(TokioIo::new(stream), svc);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = conn.shutdown.wait() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// Reads a whole request body, refusing one over `limit` bytes with 413.
pub(crate) async fn read_body(body: Incoming, limit: usize) -> Result<Bytes, Response<Body>> {
    match Limited::new(body, limit).collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(response::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("request body exceeds max_packet_size ({limit} bytes)"),
        )),
        Err(e) => Err(response::error(
            StatusCode::BAD_REQUEST,
            &format!("failed to read request body: {e}"),
        )),
    }
}

/// A 503 `maxed out` reply for a connection over the limit, then close.
pub async fn reply_maxed_out(stream: BoxStream, message: &str) {
    let body = serde_json::json!({ "error": message }).to_string();
    let reply = format!(
        "HTTP/1.1 503 Service Unavailable\r\nServer: {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        crate::version::SERVER,
        response::JSON,
        body.len(),
        body
    );
    crate::net::dispatch::lingering_reply(stream, reply.as_bytes()).await;
}

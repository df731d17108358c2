//! HTTP/1.1 JSON front end (hyper) over a plain or TLS stream.
//!
//! Each JSON request is translated into SphinxQL text by pure functions
//! ([`search`], [`write`], [`query`]), run through [`Service::query`] (a search's
//! `SELECT` through [`crate::sql::run_select`], as a tree), and the results
//! are shaped into upstream Manticore's JSON answers. Every error kind maps to one
//! status and body in [`errors`].
//!
//! | endpoint | SphinxQL it runs |
//! |---|---|
//! | `/search`, `/json/search` | `SELECT *, WEIGHT() ...` (planned as a tree, not text; the schema from the catalog, `total` from the search's meta) and one `GROUP BY` per `terms` aggregation |
//! | `/insert`, `/create` / `/replace`, `/index` | `INSERT` / `REPLACE` |
//! | `/update`, `/<table>/_update/<id>` / `/delete` | `UPDATE` / `DELETE` by id or by translated `query` |
//! | `/bulk` (`application/x-ndjson`) | one write per line, each reported |
//! | `/sql` (plain, `mode=raw`, `raw_response=true`), `/cli` | the text as given |
//!
//! Highlighting is done here, over the returned text fields, with the query's words.

mod body;
mod bulk;
mod canned;
mod cells;
mod cli;
pub mod errors;
mod handlers;
mod highlight;
mod inline;
mod jsoncanon;
mod jsonw;
mod ojson;
pub mod query;
mod response;
mod routes;
pub mod search;
mod search_reply;
mod search_tree;
mod source;
mod sqlapi;
pub mod sqltext;
pub mod urlencoded;
pub mod write;

use std::sync::Arc;

pub use inline::serve_json;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};

use crate::net::{BoxStream, Shutdown};
use crate::service::{ConnectionGuard, Outcome, QueryError, Service, Session};

/// One HTTP connection's context.
pub struct HttpConn {
    /// What runs the statements.
    pub service: Arc<dyn Service>,
    /// The connection's registry entry.
    pub guard: ConnectionGuard,
    /// The listener is `_readonly`: writes are refused.
    pub readonly: bool,
    /// Daemon shutdown signal.
    pub shutdown: Shutdown,
}

/// The largest `/search` body a connection remembers with its plan (searches are
/// small; a connection that sent a huge one keeps no copy of it).
const REMEMBERED_BODY: usize = 16 * 1024;

/// A `/search` body and its plan.
type PlannedBody = (Box<[u8]>, Arc<search::SearchPlan>);

/// What request handlers share on one connection.
pub(crate) struct HttpShared {
    service: Arc<dyn Service>,
    guard: ConnectionGuard,
    guard_id: u64,
    proto: String,
    readonly: bool,
    max_body: usize,
    /// How long a request body may stall (`network_timeout`).
    idle: std::time::Duration,
    /// The verified TLS client certificate's subject, for sessions and the query log.
    tls_peer: Option<String>,
    /// The last `/search` body planned and its plan: a client repeating a search
    /// on its connection (a dashboard, a poller) has it read and planned once.
    last_plan: std::sync::Mutex<Option<PlannedBody>>,
}

impl HttpShared {
    fn update_thread(&self, state: &str, info: &str) {
        // In place: the strings keep their buffers from request to request.
        self.guard.update(|t| {
            t.state.clear();
            t.state.push_str(state);
            t.info.clear();
            t.info.push_str(info);
        });
    }

    /// A fresh session for one request.
    fn session(&self) -> Session {
        let mut session = Session::new(self.guard_id, self.proto.clone());
        session.readonly = self.readonly;
        session.tls_peer = self.tls_peer.clone();
        session
    }

    /// The plan of `/search` body `body` (planning is a pure function of the body).
    fn search_plan(&self, body: &[u8]) -> Result<Arc<search::SearchPlan>, errors::ApiError> {
        let mut last = self.last_plan.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((b, plan)) = &*last {
            if **b == *body {
                return Ok(Arc::clone(plan));
            }
        }
        let json: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| errors::ApiError::parse(format!("invalid JSON in request body: {e}")))?;
        let plan = Arc::new(search::plan(&json)?);
        *last = (body.len() <= REMEMBERED_BODY).then(|| (body.into(), Arc::clone(&plan)));
        Ok(plan)
    }

    /// Runs SphinxQL text, showing it in `SHOW THREADS` meanwhile.
    fn run(&self, session: &mut Session, sql: &str) -> Vec<Result<Outcome, QueryError>> {
        self.update_thread("query", sql);
        let results = self.service.query(session, sql);
        self.update_thread("idle", "");
        results
    }

    /// Runs one `SELECT`: its tree when there is one, else its text. The results
    /// are those of the statement (one, or one more per `FACET`); its `SHOW META`
    /// data is left in `session`.
    fn run_select(
        &self,
        session: &mut Session,
        select: Option<&crate::sql::ast::Select>,
        sql: &str,
    ) -> Vec<Result<Outcome, QueryError>> {
        let Some(select) = select else {
            return self.run(session, sql);
        };
        self.update_thread("query", sql);
        let result = crate::sql::run_select(&*self.service, session, select, sql);
        self.update_thread("idle", "");
        match result {
            Ok(outcomes) => outcomes.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        }
    }

    /// Runs one write statement and returns its result.
    fn run_last(&self, session: &mut Session, sql: &str) -> Result<Outcome, QueryError> {
        self.run(session, sql)
            .into_iter()
            .last()
            .unwrap_or_else(|| Err(QueryError::new("the statement returned no result")))
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
        idle: settings.network_timeout,
        tls_peer,
        last_plan: Default::default(),
    });
    let svc = service_fn(move |req| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, std::convert::Infallible>(routes::route(req, shared).await) }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .keep_alive(true)
        .header_read_timeout(settings.client_timeout);
    let connection = builder.serve_connection(TokioIo::new(canned::Canned::new(stream)), svc);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = conn.shutdown.wait() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// A 503 `maxed out` reply for a connection over the limit, then close.
pub async fn reply_maxed_out(stream: BoxStream, message: &str) {
    let body = errors::ApiError::new(errors::Kind::MaxedOut, message)
        .plain_json()
        .render();
    let reply = format!(
        "HTTP/1.1 503 Service Unavailable\r\nServer: {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        crate::version::SERVER,
        response::JSON,
        body.len(),
        body
    );
    crate::net::dispatch::lingering_reply(stream, reply.as_bytes()).await;
}

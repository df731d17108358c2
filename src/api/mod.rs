//! Binary API (SphinxAPI) front end.
//!
//! Framing, the hello exchange, PERSIST and PING are served here. Every other command
//! is translated into SphinxQL, run through [`Service::query`] in the connection's own
//! [`Session`], and its results are turned back into the binary reply:
//! - `codec`: big-endian framing, a bounds-checked body reader, version checks;
//! - `search_req` / `search_sql` / `search_reply` / `search`: SEARCH v1.25-1.40 (client
//!   mode), each query block as a `SELECT` with the totals from the session and the
//!   column types from the table's schema;
//! - `commands`: UPDATE, KEYWORDS (`CALL KEYWORDS`), STATUS, UVAR, FLUSHATTRS;
//! - `excerpt`: EXCERPT, highlighting through the table's tokenizer (`CALL KEYWORDS`);
//! - `sphinxql`: SPHINXQL, answered with raw MySQL packets;
//! - `json`: JSON (16), served by the HTTP front end's endpoint handlers.
//!
//! Agent-mode SEARCH (master_version > 0) is refused with an ERROR.

pub mod codec;
pub mod commands;
pub mod excerpt;
pub mod json;
pub mod search;
pub mod search_reply;
pub mod search_req;
pub mod search_sql;
pub mod sphinxql;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::net::BoxStream;
use crate::service::{ConnectionGuard, Outcome, QueryError, Service, Session};
use codec::{command, message_reply, reply, Header, Status, HELLO};

/// One API connection's context.
pub struct ApiConn {
    /// Where statements run.
    pub service: Arc<dyn Service>,
    /// The connection's entry in `SHOW THREADS`.
    pub guard: ConnectionGuard,
    /// The listener is `_readonly`: writes are refused.
    pub readonly: bool,
}

/// Runs SphinxQL for one API connection, keeping `SHOW THREADS` current.
pub struct Runner<'a> {
    service: &'a dyn Service,
    session: &'a mut Session,
    guard: &'a ConnectionGuard,
}

impl Runner<'_> {
    /// Runs `sql` (one or more statements) in the connection's session.
    pub fn query(&mut self, sql: &str) -> Vec<Result<Outcome, QueryError>> {
        self.guard.update(|t| set_text(&mut t.info, sql));
        self.service.query(self.session, sql)
    }

    /// Runs one `SELECT` statement (text the caller built): parsed once and run as
    /// a tree, without splitting the text into statements first. Anything else
    /// (or text that does not parse) goes through [`Runner::query`], which gives
    /// the same results and errors.
    pub fn select(&mut self, sql: &str) -> Vec<Result<Outcome, QueryError>> {
        let Ok(crate::sql::ast::Statement::Select(select)) = crate::sql::parse_statement(sql)
        else {
            return self.query(sql);
        };
        self.guard.update(|t| set_text(&mut t.info, sql));
        match crate::sql::run_select(self.service, self.session, &select, sql) {
            Ok(outcomes) => outcomes.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        }
    }

    /// What `SHOW META` would list now: the last search's totals and keyword stats.
    pub fn meta(&self) -> std::borrow::Cow<'_, [(String, String)]> {
        self.session.meta.pairs()
    }

    /// The (name, type) pairs `DESCRIBE table` lists (none for an unknown table),
    /// read from the catalog without running a statement.
    pub fn describe(&self, table: &str) -> Vec<(String, String)> {
        let Some(t) = self.service.state().catalog.get(table) else {
            return Vec::new();
        };
        let schema = t.schema();
        let mut out = Vec::with_capacity(1 + schema.fields.len() + schema.attrs.len());
        out.push(("id".to_string(), "bigint".to_string()));
        out.extend(
            schema
                .fields
                .iter()
                .map(|f| (f.name.clone(), "text".to_string())),
        );
        out.extend(
            schema
                .attrs
                .iter()
                .map(|a| (a.name.clone(), a.ty.describe_name().to_string())),
        );
        out
    }
}

/// Replaces `to`'s text, reusing its buffer.
fn set_text(to: &mut String, text: &str) {
    to.clear();
    to.push_str(text);
}

/// Answers one command (PERSIST never gets here: the loop handles it).
fn execute(run: &mut Runner<'_>, header: &Header, body: &[u8]) -> Vec<u8> {
    let v = header.version;
    let result = match header.command {
        command::SEARCH => search::search(run, v, body),
        command::EXCERPT => excerpt::serve_excerpt(run, v, body),
        command::UPDATE => commands::update(run, v, body),
        command::KEYWORDS => commands::keywords(run, v, body),
        command::STATUS => commands::status(run, v, body),
        command::FLUSHATTRS => commands::flushattrs(v),
        command::UVAR => commands::uvar(run, v, body),
        command::PING => Ok(reply(Status::Ok, 0x100, body.get(..4).unwrap_or(&[0; 4]))),
        command::SPHINXQL => sphinxql::sphinxql(run, v, body),
        _ => Err("internal error: unhandled command".into()),
    };
    result.unwrap_or_else(|e| message_reply(Status::Error, &e))
}

/// The error an API client gets on an `https` listener.
pub const HTTPS_PORT_ERROR: &str = "Binary API request was sent to HTTPS port";

/// Serves an API connection. `server_first`: a `sphinx` listener sends its hello at
/// accept; on sniffed ports the client's hello came first.
pub async fn serve(mut stream: BoxStream, conn: ApiConn, server_first: bool) {
    let settings = Arc::clone(&conn.service.state().settings);
    let io_limit = settings.network_timeout;
    if server_first && stream.write_all(&HELLO).await.is_err() {
        return;
    }
    let mut hello = [0u8; 4];
    match tokio::time::timeout(io_limit, stream.read_exact(&mut hello)).await {
        Ok(Ok(_)) => {}
        _ => return,
    }
    if !server_first && stream.write_all(&HELLO).await.is_err() {
        return;
    }
    // Buffered: a request's header and body usually arrive together, one read.
    let mut stream = tokio::io::BufReader::new(stream);
    let mut persist = false;
    let mut session = Session::new(conn.guard.id(), "sphinx");
    session.readonly = conn.readonly;
    loop {
        conn.guard.update(|t| set_text(&mut t.state, "idle"));
        let idle_limit = if persist {
            settings.client_timeout
        } else {
            io_limit
        };
        let mut head = [0u8; Header::LEN];
        match tokio::time::timeout(idle_limit, stream.read_exact(&mut head)).await {
            Ok(Ok(_)) => {}
            _ => return,
        }
        let header = Header::parse(&head);
        if header.command > command::LAST || header.length as usize > settings.max_packet_size {
            let what = if header.command > command::LAST {
                "command"
            } else {
                "length"
            };
            let msg = format!(
                "invalid {what} (code={}, len={})",
                header.command, header.length
            );
            let reply = message_reply(Status::Error, &msg);
            crate::net::dispatch::lingering_reply(stream.into_inner(), &reply).await;
            return;
        }
        let mut body = vec![0u8; header.length as usize];
        match tokio::time::timeout(io_limit, stream.read_exact(&mut body)).await {
            Ok(Ok(_)) => {}
            _ => return,
        }
        conn.guard.update(|t| set_text(&mut t.state, "query"));
        if header.command == command::PERSIST {
            persist = body.get(..4).is_some_and(|b| b != [0, 0, 0, 0]);
            if !persist {
                return;
            }
            continue;
        }
        let mut run = Runner {
            service: conn.service.as_ref(),
            session: &mut session,
            guard: &conn.guard,
        };
        let bytes = if header.command == command::JSON {
            json::serve(&conn.service, conn.readonly, header.version, &body)
                .unwrap_or_else(|e| message_reply(Status::Error, &e))
        } else {
            execute(&mut run, &header, &body)
        };
        conn.guard.update(|t| t.info.clear());
        if stream.write_all(&bytes).await.is_err() {
            return;
        }
        if !persist || header.command == command::PING {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

/// Hello, then RETRY `maxed out, dismissing client`.
pub async fn reply_maxed_out(mut stream: BoxStream, server_first: bool) {
    let mut out = Vec::new();
    if server_first {
        out.extend_from_slice(&HELLO);
    } else {
        let mut hello = [0u8; 4];
        if stream.read_exact(&mut hello).await.is_err() {
            return;
        }
        out.extend_from_slice(&HELLO);
    }
    out.extend_from_slice(&message_reply(
        Status::Retry,
        crate::net::dispatch::MAXED_OUT,
    ));
    crate::net::dispatch::lingering_reply(stream, &out).await;
}

/// Hello, then ERROR `Binary API request was sent to HTTPS port`, then close.
/// `server_first`: the client has not sent its hello (it reads first).
pub async fn reply_https_port(mut stream: BoxStream, server_first: bool) {
    let mut hello = [0u8; 4];
    if !server_first && stream.read_exact(&mut hello).await.is_err() {
        return;
    }
    let mut out = HELLO.to_vec();
    out.extend_from_slice(&message_reply(Status::Error, HTTPS_PORT_ERROR));
    crate::net::dispatch::lingering_reply(stream, &out).await;
}

//! SphinxQL: lexing, parsing, printing and executing statements.
//!
//! `lexer` -> `parser` (-> `ast`) -> `exec` ([`SqlService`], the [`crate::service::Service`]
//! the protocol front ends call). `print` turns a tree back into SQL text; `like`
//! holds the `LIKE` matcher `SHOW` filters use.

pub mod ast;
pub mod exec;
pub mod lexer;
pub mod like;
pub mod parser;
pub mod print;

pub use exec::{check_writable, SqlService};
pub use parser::{parse, parse_statement, split_statements, ParseError};

/// Runs a `SELECT` built as a tree (HTTP `/search` plans one straight from JSON) the
/// way [`crate::service::Service::query`] runs one parsed from text: counted as a
/// query, written to the query log as `text`, its `SHOW META` data left in the
/// session. A service other than [`SqlService`] is given `text` instead.
pub fn run_select(
    service: &dyn crate::service::Service,
    session: &mut crate::service::Session,
    select: &ast::Select,
    text: &str,
) -> Result<Vec<crate::service::Outcome>, crate::service::QueryError> {
    let any: &dyn std::any::Any = service;
    let Some(sql) = any.downcast_ref::<SqlService>() else {
        return service.query(session, text).into_iter().collect();
    };
    let state = service.state();
    state
        .queries
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // The clock is read only for the query log.
    let started = state.query_log.is_some().then(std::time::Instant::now);
    let result = sql.select(session, select);
    if let (Some(log), Some(started), Ok(outcomes)) = (&state.query_log, started, &result) {
        if let Some(crate::service::Outcome::Rows { rows, .. }) = outcomes.first() {
            log.log_session(session, started.elapsed(), rows.len(), text);
        }
    }
    result
}

//! Executing statements: the [`Service`] every front end calls.
//!
//! One file per statement family: `select` (no `FROM`), `set` (and transactions),
//! `show` (variables, warnings, tables...), `status` (`SHOW STATUS` and the
//! COM_STATISTICS line), `threads` (`SHOW THREADS`).

mod eval;
mod select;
mod set;
mod show;
mod status;
mod sysvars;
mod threads;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::service::{Column, ColumnType, Outcome, QueryError, Row, ServerState, Service, Session};
use crate::sql::ast::Statement;
use crate::sql::parser::{parse_statement, split_statements};

pub use sysvars::UNKNOWN_SYSVAR;

/// What a statement may read while it runs.
pub struct Ctx<'a> {
    /// The daemon's shared state.
    pub state: &'a ServerState,
    /// The session running the statement.
    pub session: &'a Session,
}

/// The SphinxQL service.
pub struct SqlService {
    state: Arc<ServerState>,
}

impl SqlService {
    /// A service over the daemon's shared state.
    pub fn new(state: Arc<ServerState>) -> Self {
        SqlService { state }
    }

    /// Runs one already-parsed statement.
    pub fn execute(&self, session: &mut Session, stmt: &Statement) -> Result<Outcome, QueryError> {
        match stmt {
            Statement::Select(s) => select::run(&self.ctx(session), s),
            Statement::Set(s) => set::run(session, s),
            Statement::Transaction(_) => Ok(Outcome::ok()),
            Statement::Show(s) => show::run(&self.ctx(session), s),
        }
    }

    fn ctx<'a>(&'a self, session: &'a Session) -> Ctx<'a> {
        Ctx {
            state: &self.state,
            session,
        }
    }

    fn run_one(&self, session: &mut Session, text: &str) -> Result<Outcome, QueryError> {
        self.state.queries.fetch_add(1, Ordering::Relaxed);
        let stmt = parse_statement(text).map_err(|e| QueryError::new(e.message))?;
        let started = std::time::Instant::now();
        let result = self.execute(session, &stmt);
        // Like upstream, the query log records searches (SELECT), not other commands.
        if let (Some(log), Statement::Select(_), Ok(Outcome::Rows { rows, .. })) =
            (&self.state.query_log, &stmt, &result)
        {
            log.log_session(session, started.elapsed(), rows.len(), text);
        }
        result
    }
}

impl Service for SqlService {
    fn query(&self, session: &mut Session, sql: &str) -> Vec<Result<Outcome, QueryError>> {
        let pieces = split_statements(sql);
        if pieces.is_empty() {
            return vec![Err(QueryError::new(
                "P01: syntax error, unexpected $end near ''",
            ))];
        }
        let mut out = Vec::with_capacity(pieces.len());
        for piece in pieces {
            let result = self.run_one(session, piece);
            let failed = result.is_err();
            out.push(result);
            if failed {
                break;
            }
        }
        out
    }

    fn statistics(&self) -> String {
        status::statistics_line(&self.state)
    }

    fn state(&self) -> &Arc<ServerState> {
        &self.state
    }
}

/// Refuses a write on a `_readonly` session, with upstream's message. Every
/// statement that changes data calls this first.
pub fn check_writable(session: &Session) -> Result<(), QueryError> {
    if session.readonly {
        Err(QueryError::new("connection is read-only"))
    } else {
        Ok(())
    }
}

/// A result set whose columns are all text.
pub(crate) fn string_table(names: &[&str], rows: Vec<Row>) -> Outcome {
    Outcome::Rows {
        columns: names
            .iter()
            .map(|n| Column::new(*n, ColumnType::String))
            .collect(),
        rows,
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;

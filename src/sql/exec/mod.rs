//! Executing statements: the [`Service`] every front end calls.
//!
//! One file per statement family: `select` (no `FROM`), `query` (`SELECT ... FROM`,
//! with `rowexpr`, `value` and `options`), `ddl` (table definitions), `write`
//! (inserts, updates, deletes, transactions), `set`, `show` (variables, warnings,
//! tables...), `status` (`SHOW STATUS` and the COM_STATISTICS line), `threads`
//! (`SHOW THREADS`).

mod call;
mod ddl;
mod eval;
mod funcs;
mod options;
mod order;
mod project;
mod query;
mod rowexpr;
mod select;
mod set;
mod show;
mod status;
mod sysvars;
mod threads;
mod value;
mod write;

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

    /// Runs one already-parsed statement. Most statements give one result; a
    /// `SELECT` with `FACET` gives one more per facet.
    pub fn execute(
        &self,
        session: &mut Session,
        stmt: &Statement,
    ) -> Result<Vec<Outcome>, QueryError> {
        if is_write(stmt) {
            check_writable(session)?;
        }
        let one = |r: Result<Outcome, QueryError>| r.map(|o| vec![o]);
        if let Statement::Select(s) = stmt {
            return self.select(session, s);
        }
        // What the statement reads of its session (the pending writes stay out of
        // the copy: nothing reads them but the write path, which gets `session`).
        let txn = session.txn.take();
        let snapshot = session.clone();
        session.txn = txn;
        let ctx = self.ctx(&snapshot);
        match stmt {
            Statement::Select(s) => self.select(session, s),
            Statement::Set(s) => {
                let out = set::run(session, s)?;
                if session.autocommit && !snapshot.autocommit {
                    write::commit(&ctx, session)?;
                }
                Ok(vec![out])
            }
            Statement::Transaction(t) => one(write::transaction(&ctx, session, *t)),
            Statement::Show(s) => one(show::run(&ctx, s)),
            Statement::CreateTable(c) => one(ddl::create(&ctx, c)),
            Statement::DropTable { name, if_exists } => one(ddl::drop(&ctx, name, *if_exists)),
            Statement::Truncate(name) => one(ddl::truncate(&ctx, name)),
            Statement::Describe { table, like } => one(ddl::describe(&ctx, table, like.as_deref())),
            Statement::Alter(a) => one(ddl::alter(&ctx, a)),
            Statement::Insert(i) => one(write::insert(&ctx, session, i)),
            Statement::Update(u) => one(write::update(&ctx, u)),
            Statement::Delete(d) => one(write::delete(&ctx, session, d)),
            Statement::ReloadTls => one(self.reload_tls()),
            Statement::FlushRamchunk(name) => one(ddl::flush_ramchunk(&ctx, name)),
            Statement::Optimize { table, cutoff } => one(ddl::optimize(&ctx, table, *cutoff)),
            Statement::Call(c) => one(call::run(&ctx, c)),
        }
    }

    /// A `SELECT`: it only reads its session (no copy needed), and a search
    /// leaves its `SHOW META` data there.
    pub(crate) fn select(
        &self,
        session: &mut Session,
        s: &crate::sql::ast::Select,
    ) -> Result<Vec<Outcome>, QueryError> {
        if s.from.is_empty() {
            return select::run(&self.ctx(session), s).map(|o| vec![o]);
        }
        let result = query::run(&self.ctx(session), s)?;
        session.meta = result.meta;
        Ok(result.outcomes)
    }

    fn reload_tls(&self) -> Result<Outcome, QueryError> {
        match self.state.reload_tls() {
            Ok(_) => Ok(Outcome::ok()),
            Err(reason) => Err(QueryError::new(format!(
                "TLS reload failed, keeping the previous TLS context: {reason}"
            ))),
        }
    }

    fn ctx<'a>(&'a self, session: &'a Session) -> Ctx<'a> {
        Ctx {
            state: &self.state,
            session,
        }
    }

    fn run_one(&self, session: &mut Session, text: &str) -> Result<Vec<Outcome>, QueryError> {
        self.state.queries.fetch_add(1, Ordering::Relaxed);
        let stmt = parse_statement(text).map_err(|e| QueryError::new(e.message))?;
        let started = std::time::Instant::now();
        let result = self.execute(session, &stmt);
        // Like upstream, the query log records searches (SELECT), not other commands.
        if let (Some(log), Statement::Select(_), Ok(outcomes)) =
            (&self.state.query_log, &stmt, &result)
        {
            if let Some(Outcome::Rows { rows, .. }) = outcomes.first() {
                log.log_session(session, started.elapsed(), rows.len(), text);
            }
        }
        result
    }
}

impl Service for SqlService {
    fn check(&self, sql: &str) -> Result<(), QueryError> {
        crate::sql::parse(sql)
            .map(drop)
            .map_err(|e| QueryError::new(e.message))
    }

    fn query(&self, session: &mut Session, sql: &str) -> Vec<Result<Outcome, QueryError>> {
        let pieces = split_statements(sql);
        if pieces.is_empty() {
            return vec![Err(QueryError::new(
                "P01: syntax error, unexpected $end near ''",
            ))];
        }
        let mut out = Vec::with_capacity(pieces.len());
        for piece in pieces {
            match self.run_one(session, piece) {
                Ok(outcomes) => out.extend(outcomes.into_iter().map(Ok)),
                Err(e) => {
                    out.push(Err(e));
                    break;
                }
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

/// Statements that change tables (refused on `_readonly` sessions).
fn is_write(stmt: &Statement) -> bool {
    matches!(
        stmt,
        Statement::CreateTable(_)
            | Statement::DropTable { .. }
            | Statement::Truncate(_)
            | Statement::Alter(_)
            | Statement::Insert(_)
            | Statement::Update(_)
            | Statement::Delete(_)
            | Statement::FlushRamchunk(_)
            | Statement::Optimize { .. }
    )
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

#[cfg(test)]
#[path = "tests_tables.rs"]
mod tests_tables;

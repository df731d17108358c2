//! The one interface every protocol front end speaks to.
//!
//! A front end (MySQL, HTTP, binary API) turns its wire format into calls on
//! [`Service`] and turns the answers back into its wire format. It never reaches into
//! the engine or the SQL layer directly.

mod meta;
mod querylog;
mod result;
mod session;
mod state;

pub use meta::{Meta, SearchMeta};
pub use querylog::QueryLog;
pub use result::{Column, ColumnType, Outcome, QueryError, Row, Value};
pub use session::{PendingOp, PendingWrites, Session};
pub use state::{ConnectionGuard, ServerState, ThreadInfo};

/// What a front end can ask of the daemon. (`Any` lets a front end reach the
/// executor's typed entry points when the service is [`crate::sql::SqlService`],
/// see [`crate::sql::run_select`].)
pub trait Service: std::any::Any + Send + Sync + 'static {
    /// Runs one or more `;`-separated SQL statements and returns one result each.
    /// A failing statement stops the batch: its error is the last element.
    fn query(&self, session: &mut Session, sql: &str) -> Vec<Result<Outcome, QueryError>>;

    /// Checks that `sql` (one or more statements) parses, without running it: what
    /// COM_STMT_PREPARE does before it answers, so a malformed statement fails there.
    fn check(&self, sql: &str) -> Result<(), QueryError> {
        let _ = sql;
        Ok(())
    }

    /// The one-line status text of MySQL's COM_STATISTICS.
    fn statistics(&self) -> String;

    /// The shared server state (counters, connection registry).
    fn state(&self) -> &std::sync::Arc<ServerState>;
}

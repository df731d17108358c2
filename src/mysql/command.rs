//! The command phase: one packet in, its answer out, until QUIT, an error on the
//! socket, or the idle timeout.

use super::auth::{self, Established};
use super::handshake::{caps, STATUS_AUTOCOMMIT};
use super::io::PacketIo;
use super::reply::{self, ReplyStyle, RowFormat};
use super::response::{self, OkInfo};
use super::stmt::{self, Statements};
use super::{sqltext, MysqlConn};
use crate::service::{Outcome, QueryError, Session};

const COM_QUIT: u8 = 0x01;
const COM_INIT_DB: u8 = 0x02;
const COM_QUERY: u8 = 0x03;
const COM_FIELD_LIST: u8 = 0x04;
const COM_STATISTICS: u8 = 0x09;
const COM_PING: u8 = 0x0E;
const COM_STMT_PREPARE: u8 = 0x16;
const COM_STMT_EXECUTE: u8 = 0x17;
const COM_STMT_SEND_LONG_DATA: u8 = 0x18;
const COM_STMT_CLOSE: u8 = 0x19;
const COM_STMT_RESET: u8 = 0x1A;
const COM_SET_OPTION: u8 = 0x1B;

/// The statement id that starts a COM_STMT_* body.
fn stmt_id(body: &[u8]) -> Option<u32> {
    let b = body.get(..4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Whether to keep serving.
enum Flow {
    Continue,
    Quit,
}

/// One connection in its command phase.
struct Commands<'a> {
    io: PacketIo,
    conn: &'a MysqlConn,
    session: Session,
    deprecate_eof: bool,
    multi_statements: bool,
    stmts: Statements,
}

/// `mysql`, `mysql,ssl`, `mysql,compressed` or `mysql,ssl,compressed`.
pub fn proto_name(ssl: bool, compressed: bool) -> String {
    let mut s = String::from("mysql");
    if ssl {
        s.push_str(",ssl");
    }
    if compressed {
        s.push_str(",compressed");
    }
    s
}

fn new_session(est: &Established, conn: &MysqlConn) -> Session {
    let tls = est.io.stream().tls_info();
    let compressed = est.caps & caps::COMPRESS != 0;
    conn.service
        .state()
        .count_session(tls.is_some(), compressed);
    let proto = proto_name(tls.is_some(), compressed);
    let mut s = Session::new(conn.guard.id(), proto);
    s.vip = conn.vip;
    s.readonly = conn.readonly;
    s.user = est.response.user.clone();
    if let Some(t) = tls {
        s.tls_cipher = Some(t.cipher);
        s.tls_version = Some(t.protocol);
        s.tls_peer = t.peer_subject;
    }
    s
}

/// Serves commands until the connection ends.
pub async fn run(est: Established, conn: &MysqlConn) {
    let session = new_session(&est, conn);
    let proto = session.proto.clone();
    let peer = session.tls_peer.clone();
    conn.guard.update(|t| {
        t.proto = proto;
        t.tls_peer = peer;
    });
    let mut c = Commands {
        deprecate_eof: est.caps & caps::DEPRECATE_EOF != 0,
        multi_statements: est.caps & caps::MULTI_STATEMENTS != 0,
        io: est.io,
        conn,
        session,
        stmts: Statements::default(),
    };
    c.serve().await;
    c.io.shutdown().await;
}

impl Commands<'_> {
    async fn serve(&mut self) {
        let settings = self.conn.service.state().settings.clone();
        self.set_state("idle", "");
        loop {
            let packet = match self
                .io
                .read(settings.client_timeout, settings.network_timeout)
                .await
            {
                Ok(p) => p,
                Err(e) => return auth::report(&mut self.io, &e).await,
            };
            let flow = self.dispatch(&packet).await;
            self.set_state("idle", "");
            if self.io.flush().await.is_err() || matches!(flow, Flow::Quit) {
                return;
            }
        }
    }

    fn set_state(&self, state: &str, info: &str) {
        self.conn.guard.update(|t| {
            t.state = state.to_string();
            t.info = info.to_string();
        });
    }

    async fn dispatch(&mut self, packet: &[u8]) -> Flow {
        let Some((&cmd, body)) = packet.split_first() else {
            self.unknown(0);
            return Flow::Continue;
        };
        match cmd {
            COM_QUIT => return Flow::Quit,
            COM_QUERY => self.query(body).await,
            COM_PING => self.ok(),
            COM_INIT_DB => self.init_db(body),
            COM_FIELD_LIST => self.end_of_list(),
            COM_STATISTICS => self.io.push(self.conn.service.statistics().as_bytes()),
            COM_SET_OPTION => self.set_option(body),
            COM_STMT_PREPARE => self.prepare(body),
            COM_STMT_EXECUTE => self.execute(body).await,
            COM_STMT_SEND_LONG_DATA => {
                let _ = self.stmts.long_data(body);
            }
            COM_STMT_CLOSE => {
                if let Some(id) = stmt_id(body) {
                    self.stmts.close(id);
                }
            }
            COM_STMT_RESET => self.reset(body),
            other => self.unknown(other),
        }
        Flow::Continue
    }

    /// Status flags as the session stands (autocommit on or off).
    fn status(&self) -> u16 {
        if self.session.autocommit {
            STATUS_AUTOCOMMIT
        } else {
            0
        }
    }

    fn style(&self, format: RowFormat) -> ReplyStyle {
        ReplyStyle {
            format,
            deprecate_eof: self.deprecate_eof,
            status: self.status(),
        }
    }

    fn ok(&mut self) {
        let info = OkInfo {
            status: self.status(),
            ..OkInfo::default()
        };
        self.io.push(&response::ok(&info));
    }

    fn end_of_list(&mut self) {
        let packet = response::end_of_rows(self.deprecate_eof, self.status(), 0);
        self.io.push(&packet);
    }

    fn unknown(&mut self, code: u8) {
        let msg = format!("unknown command (code={code})");
        self.io.push(&response::err(1047, "08S01", &msg));
    }

    fn error(&mut self, code: u16, sqlstate: &'static str, message: &str) {
        self.io.push(&response::err(code, sqlstate, message));
    }

    fn init_db(&mut self, body: &[u8]) {
        let db = String::from_utf8_lossy(body);
        if auth::known_database(&db) {
            self.ok();
        } else {
            self.error(auth::ER_NO_DB, "42000", &auth::no_db_message(&db));
        }
    }

    fn set_option(&mut self, body: &[u8]) {
        match body {
            [0, 0] => self.multi_statements = true,
            [1, 0] => self.multi_statements = false,
            _ => return self.unknown(COM_SET_OPTION),
        }
        self.end_of_list();
    }

    async fn query(&mut self, body: &[u8]) {
        let sql = String::from_utf8_lossy(body).into_owned();
        if !self.multi_statements && sqltext::scan(&sql).statements > 1 {
            let msg = "multi-statement queries are disabled for this connection";
            return self.error(1064, "42000", msg);
        }
        let results = self.run_sql(sql).await;
        let style = self.style(RowFormat::Text);
        reply::push_results(&mut self.io, &results, style);
    }

    /// Runs SQL through the service, keeping the session's changes.
    async fn run_sql(&mut self, sql: String) -> Vec<Result<Outcome, QueryError>> {
        self.set_state("query", &sql);
        // Statements run inline on the connection's task, like upstream runs them on
        // its worker threads: handing each one to the blocking pool cost more (thread
        // wake-ups, a session copy) than most statements themselves. A panic in a
        // statement becomes an error, not a lost connection.
        let service = &self.conn.service;
        let session = &mut self.session;
        let run = std::panic::AssertUnwindSafe(|| service.query(session, &sql));
        std::panic::catch_unwind(run).unwrap_or_else(|_| {
            vec![Err(QueryError::new(
                "internal error while running the query",
            ))]
        })
    }

    fn prepare(&mut self, body: &[u8]) {
        let sql = String::from_utf8_lossy(body);
        let placeholders = sqltext::scan(&sql).placeholders;
        if placeholders.len() > usize::from(u16::MAX) {
            return self.error(
                1390,
                "HY000",
                "Prepared statement contains too many placeholders",
            );
        }
        // Like upstream, a statement the parser refuses fails at prepare time.
        let sample = sqltext::with_sample_values(&sql, &placeholders);
        if let Err(mut e) = self.conn.service.check(&sample) {
            e.message = sqltext::restore_placeholders(&e.message, &sql, &placeholders);
            return reply::push_error(&mut self.io, &e);
        }
        let (id, n) = self.stmts.prepare(&sql);
        self.io.push(&stmt::prepare_ok(id, n));
        if n == 0 {
            return;
        }
        for _ in 0..n {
            self.io.push(&stmt::param_definition());
        }
        if !self.deprecate_eof {
            self.io.push(&response::eof(self.status(), 0));
        }
    }

    async fn execute(&mut self, body: &[u8]) {
        match self.stmts.bind(body) {
            Ok(Some(sql)) => {
                let results = self.run_sql(sql).await;
                let style = self.style(RowFormat::Binary);
                reply::push_results(&mut self.io, &results, style);
            }
            Ok(None) => self.unknown_stmt(body, "mysqld_stmt_execute"),
            Err(_) => self.error(1210, "HY000", "Incorrect arguments to mysqld_stmt_execute"),
        }
    }

    fn reset(&mut self, body: &[u8]) {
        match stmt_id(body) {
            Some(id) if self.stmts.reset(id) => self.ok(),
            _ => self.unknown_stmt(body, "mysqld_stmt_reset"),
        }
    }

    fn unknown_stmt(&mut self, body: &[u8], what: &str) {
        let id = stmt_id(body).unwrap_or(0);
        let msg = format!("Unknown prepared statement handler ({id}) given to {what}");
        self.error(1243, "HY000", &msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proto_names() {
        assert_eq!(proto_name(false, false), "mysql");
        assert_eq!(proto_name(true, false), "mysql,ssl");
        assert_eq!(proto_name(false, true), "mysql,compressed");
        assert_eq!(proto_name(true, true), "mysql,ssl,compressed");
    }
}

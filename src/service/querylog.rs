//! The query log in Manticore's SphinxQL format, one statement per line:
//! `/* Mon Nov 30 22:34:28.947 2026 conn 1 real 0.000 wall 0.000 found 1 */ select 1;`

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use crate::config::LogTarget;

/// An open query log.
pub struct QueryLog {
    path: PathBuf,
    file: Mutex<File>,
}

impl QueryLog {
    /// Opens the configured query log; `syslog` is not supported for it (upstream
    /// only logs queries to syslog in special builds), so it yields `None`.
    pub fn open(target: &LogTarget) -> io::Result<Option<QueryLog>> {
        match target {
            LogTarget::Syslog => Ok(None),
            LogTarget::File(path) => Ok(Some(QueryLog {
                path: path.clone(),
                file: Mutex::new(open(path)?),
            })),
        }
    }

    /// Reopens the file (after log rotation).
    pub fn reopen(&self) -> io::Result<()> {
        let f = open(&self.path)?;
        *self.file.lock().unwrap_or_else(|e| e.into_inner()) = f;
        Ok(())
    }

    /// Appends one entry.
    pub fn log(&self, conn_id: u64, wall: Duration, found: usize, sql: &str) {
        let line = format_entry(
            &chrono::Local::now()
                .format(crate::daemon::logging::TIME_FORMAT)
                .to_string(),
            conn_id,
            wall,
            found,
            sql,
        );
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let _ = f.write_all(line.as_bytes());
    }
}

impl QueryLog {
    /// Appends one entry for `session`; a verified TLS client certificate's subject is
    /// added inside the comment: `/* ... found 3 peer /CN=alice */ select ...;`.
    pub fn log_session(&self, session: &super::Session, wall: Duration, found: usize, sql: &str) {
        let time = chrono::Local::now()
            .format(crate::daemon::logging::TIME_FORMAT)
            .to_string();
        let line = format_entry(&time, session.conn_id, wall, found, sql);
        let line = match &session.tls_peer {
            Some(peer) => with_peer(&line, peer),
            None => line,
        };
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let _ = f.write_all(line.as_bytes());
    }
}

/// Puts ` peer SUBJECT` at the end of an entry's comment (pure, for tests).
pub fn with_peer(line: &str, peer: &str) -> String {
    let peer = peer.replace("*/", "* /");
    match line.split_once(" */ ") {
        Some((comment, rest)) => format!("{comment} peer {peer} */ {rest}"),
        None => line.to_string(),
    }
}

fn open(path: &PathBuf) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

/// One entry (pure, for tests). The statement is put on one line and ends in `;`.
pub fn format_entry(time: &str, conn_id: u64, wall: Duration, found: usize, sql: &str) -> String {
    let secs = wall.as_secs_f64();
    let one_line: String = sql
        .trim()
        .trim_end_matches(';')
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    format!("/* {time} conn {conn_id} real {secs:.3} wall {secs:.3} found {found} */ {one_line};\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_goes_inside_the_comment() {
        let line = format_entry("T", 3, Duration::from_millis(0), 1, "select 1");
        assert_eq!(
            with_peer(&line, "/CN=alice"),
            "/* T conn 3 real 0.000 wall 0.000 found 1 peer /CN=alice */ select 1;\n"
        );
    }

    #[test]
    fn entries_read_like_upstream() {
        let e = format_entry(
            "Mon Nov 30 22:34:28.947 2026",
            7,
            Duration::from_millis(12),
            3,
            "SELECT *\nFROM t;",
        );
        assert_eq!(
            e,
            "/* Mon Nov 30 22:34:28.947 2026 conn 7 real 0.012 wall 0.012 found 3 */ SELECT * FROM t;\n"
        );
    }
}

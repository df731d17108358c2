//! SphinxQL regression cases: every `sql/cases/NAME.sql` runs over MySQL against
//! the real daemon, one statement at a time, and its rendered output must equal
//! `sql/cases/NAME.result`.
//!
//! Output format, per statement: the statement itself after `> `, then
//! - for a result set: the column names, then one line per row, cells separated by
//!   a tab (`NULL` for NULL); a statement with several result sets (`FACET`) prints
//!   them one after another, separated by a blank line;
//! - for any other success: `Query OK, N rows affected`;
//! - for an error: `ERROR <code>: <message>`;
//!
//! and a blank line. Lines starting with `--` are comments and are not echoed.
//! A case runs on its own connection to the main listener, unless its first line is
//! `-- readonly`, when it connects to a `mysql_readonly` listener.
//!
//! `SEARCHD_BLESS=1 cargo test --test sql_cases` rewrites the `.result` files from
//! what the daemon answers (review every change by hand).

mod common;

use std::path::{Path, PathBuf};

use common::{free_port, Daemon, Sandbox};
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, OptsBuilder, Row, Value};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sql")
        .join("cases")
}

/// The statements of a case file: text up to a line ending in `;`, comments dropped.
fn statements(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in script.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("--") {
            continue;
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(trimmed);
        if trimmed.ends_with(';') {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::NULL) => "NULL".into(),
        Some(Value::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        Some(other) => other.as_sql(true),
    }
}

/// Runs one statement and renders what the client sees.
async fn render(conn: &mut Conn, sql: &str) -> String {
    let mut out = format!("> {sql}\n");
    let text = sql.trim_end_matches(';');
    let mut result = match conn.query_iter(text).await {
        Ok(r) => r,
        Err(e) => return out + &error_line(e),
    };
    if result.is_empty() {
        let n = result.affected_rows();
        return out + &format!("Query OK, {n} rows affected\n");
    }
    let mut first = true;
    while !result.is_empty() {
        let columns = result.columns();
        let rows: Vec<Row> = match result.collect().await {
            Ok(rows) => rows,
            Err(e) => {
                out.push_str(&error_line(e));
                break;
            }
        };
        match columns.filter(|c| !c.is_empty()) {
            Some(cols) => {
                if !first {
                    out.push('\n');
                }
                let names: Vec<String> = cols.iter().map(|c| c.name_str().into_owned()).collect();
                out.push_str(&names.join("\t"));
                out.push('\n');
                for row in &rows {
                    let cells: Vec<String> = (0..row.len()).map(|i| cell(row.as_ref(i))).collect();
                    out.push_str(&cells.join("\t"));
                    out.push('\n');
                }
            }
            None => {
                out.push_str(&format!(
                    "Query OK, {} rows affected\n",
                    result.affected_rows()
                ));
            }
        }
        first = false;
    }
    out
}

fn error_line(e: mysql_async::Error) -> String {
    match e {
        mysql_async::Error::Server(s) => format!("ERROR {}: {}\n", s.code, s.message),
        other => format!("CLIENT ERROR: {other}\n"),
    }
}

async fn connect(port: u16) -> Conn {
    let opts = OptsBuilder::default()
        .ip_or_hostname("127.0.0.1")
        .tcp_port(port)
        .user(Some("tester"))
        .prefer_socket(false);
    Conn::new(opts).await.expect("connect over MySQL")
}

/// A line diff that shows the first mismatching lines in context.
fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let first = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let from = first.saturating_sub(3);
    let mut out = format!("first difference at line {}\n", first + 1);
    for (i, line) in e.iter().enumerate().skip(from).take(8) {
        out.push_str(&format!("- {:4} {line}\n", i + 1));
    }
    for (i, line) in a.iter().enumerate().skip(from).take(8) {
        out.push_str(&format!("+ {:4} {line}\n", i + 1));
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn sql_cases() {
    let sb = Sandbox::new();
    let (port, ro_port) = (free_port(), free_port());
    sb.config(&format!(
        "    listen = 127.0.0.1:{port}:mysql\n    listen = 127.0.0.1:{ro_port}:mysql_readonly\n"
    ));
    let _daemon = Daemon::start(sb, &[]);
    demo_script_loads(port).await;
    let bless = std::env::var("SEARCHD_BLESS").is_ok_and(|v| v == "1");
    let mut names: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("sql/cases exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no cases found");
    let mut failures = Vec::new();
    for path in &names {
        let script = std::fs::read_to_string(path).expect("read case");
        let readonly = script.starts_with("-- readonly");
        let mut conn = connect(if readonly { ro_port } else { port }).await;
        let mut actual = String::new();
        for stmt in statements(&script) {
            actual.push_str(&render(&mut conn, &stmt).await);
            actual.push('\n');
        }
        let _ = conn.disconnect().await;
        let expected_path = path.with_extension("result");
        if bless {
            std::fs::write(&expected_path, &actual).expect("write result");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            failures.push(format!("== {name}\n{}", diff(&expected, &actual)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `sql/demo.sql` runs without errors and its table answers a search.
async fn demo_script_loads(port: u16) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sql")
        .join("demo.sql");
    let script = std::fs::read_to_string(path).expect("read sql/demo.sql");
    let mut conn = connect(port).await;
    for stmt in statements(&script) {
        let out = render(&mut conn, &stmt).await;
        assert!(!out.contains("ERROR"), "{out}");
    }
    let sql = "SELECT id FROM demo WHERE MATCH('bag') AND price < 50 ORDER BY price ASC";
    let out = render(&mut conn, sql).await;
    assert_eq!(out, format!("> {sql}\nid\n6\n1\n"));
    let out = render(&mut conn, "DROP TABLE demo").await;
    assert!(out.ends_with("Query OK, 0 rows affected\n"), "{out}");
    let _ = conn.disconnect().await;
}

#[test]
fn statements_split_on_line_ends() {
    let s = statements("-- c\nselect 1;\nselect\n  2;\n\nselect 3");
    assert_eq!(s, ["select 1;", "select 2;", "select 3"]);
}

/// `RELOAD TLS` answers OK while the configured certificate files are usable, and
/// says why (keeping the old context) once they are not.
#[tokio::test(flavor = "multi_thread")]
async fn reload_tls_statement() {
    let sb = Sandbox::new();
    let port = free_port();
    let certs = common::certs_dir();
    let (cert, key) = (sb.path("cert.pem"), sb.path("key.pem"));
    std::fs::copy(certs.join("server-cert.pem"), &cert).expect("copy cert");
    std::fs::copy(certs.join("server-key.pem"), &key).expect("copy key");
    sb.config(&format!(
        "    listen = 127.0.0.1:{port}:mysql\n    ssl_cert = {}\n    ssl_key = {}\n",
        cert.display(),
        key.display()
    ));
    let daemon = Daemon::start(sb, &[]);
    let mut conn = connect(port).await;
    assert_eq!(
        render(&mut conn, "RELOAD TLS").await,
        "> RELOAD TLS\nQuery OK, 0 rows affected\n"
    );
    std::fs::write(&key, "not a key").expect("break the key");
    let out = render(&mut conn, "RELOAD TLS").await;
    assert!(
        out.starts_with(
            "> RELOAD TLS\nERROR 1064: TLS reload failed, keeping the previous TLS context: "
        ),
        "{out}"
    );
    assert_eq!(render(&mut conn, "SELECT 1").await, "> SELECT 1\n1\n1\n");
    let _ = conn.disconnect().await;
    drop(daemon);
}

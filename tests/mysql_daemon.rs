//! The MySQL port of the real daemon, with an independent client library
//! (mysql_async): plain, TLS (cipher checked), compressed, compressed over TLS,
//! prepared statements, `SHOW THREADS`, and the query log.

mod common;

use common::{certs_dir, free_port, Daemon, Sandbox};
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts, OptsBuilder, Row, SslOpts};

fn start() -> (Daemon, u16) {
    let sb = Sandbox::new();
    let port = free_port();
    let c = certs_dir();
    sb.config(&format!(
        "    listen = 127.0.0.1:{port}:mysql\n    query_log = {}\n    ssl_cert = {}\n    ssl_key = {}\n    ssl_ca = {}\n",
        sb.path("query.log").display(),
        c.join("server-cert.pem").display(),
        c.join("server-key.pem").display(),
        c.join("ca-cert.pem").display()
    ));
    (Daemon::start(sb, &[]), port)
}

fn opts(port: u16, tls: bool, compress: bool) -> Opts {
    let mut b = OptsBuilder::default()
        .ip_or_hostname("localhost")
        .tcp_port(port)
        .user(Some("anyone"))
        .pass(Some("any password"))
        .prefer_socket(false);
    if tls {
        b = b.ssl_opts(
            SslOpts::default().with_root_certs(vec![certs_dir().join("ca-cert.pem").into()]),
        );
    }
    if compress {
        b = b.compression(mysql_async::Compression::default());
    }
    b.into()
}

async fn status(conn: &mut Conn, name: &str) -> String {
    let row: Option<(String, String)> = conn
        .query_first(format!("SHOW STATUS LIKE '{name}'"))
        .await
        .unwrap();
    row.map(|r| r.1).unwrap_or_default()
}

async fn my_proto(conn: &mut Conn) -> String {
    let rows: Vec<Row> = conn.query("SHOW THREADS").await.unwrap();
    let me = conn.id() as u64;
    rows.iter()
        .find(|r| r.get::<u64, _>("TID") == Some(me))
        .and_then(|r| r.get::<String, _>("Proto"))
        .expect("own thread listed")
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_tls_and_compressed_sessions() {
    let (d, port) = start();
    for (tls, compress, proto) in [
        (false, false, "mysql"),
        (true, false, "mysql,ssl"),
        (false, true, "mysql,compressed"),
        (true, true, "mysql,ssl,compressed"),
    ] {
        let mut conn = Conn::new(opts(port, tls, compress)).await.unwrap();
        let one: Option<i64> = conn.query_first("SELECT 1").await.unwrap();
        assert_eq!(one, Some(1));
        let cipher = status(&mut conn, "ssl_cipher").await;
        let version = status(&mut conn, "ssl_version").await;
        if tls {
            assert!(
                cipher.starts_with("TLS_") || cipher.contains("GCM"),
                "{cipher}"
            );
            assert!(version == "TLSv1.3" || version == "TLSv1.2", "{version}");
        } else {
            assert_eq!(cipher, "");
            assert_eq!(version, "");
        }
        assert_eq!(my_proto(&mut conn).await, proto);
        let compression = status(&mut conn, "compression").await;
        assert_eq!(compression, if compress { "zlib" } else { "" });
        // A big result set over this framing (compression splits and joins packets).
        let big: Option<String> = conn
            .query_first(format!("SELECT '{}'", "x".repeat(100_000)))
            .await
            .unwrap();
        assert_eq!(big.map(|s| s.len()), Some(100_000));
        conn.disconnect().await.unwrap();
    }
    // Server-wide counters saw two TLS and two compressed sessions.
    let mut conn = Conn::new(opts(port, false, false)).await.unwrap();
    assert_eq!(status(&mut conn, "connections_ssl").await, "2");
    assert_eq!(status(&mut conn, "connections_compressed").await, "2");
    conn.disconnect().await.unwrap();
    drop(d);
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_keep_the_session_and_prepared_statements_work() {
    let (d, port) = start();
    let mut conn = Conn::new(opts(port, true, false)).await.unwrap();
    let err = conn.query_drop("SELEKT 1").await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("1064") && text.contains("syntax error"),
        "{text}"
    );
    let v: Option<String> = conn.query_first("SELECT DATABASE()").await.unwrap();
    assert_eq!(v.as_deref(), Some("Manticore"));
    // A statement the parser refuses fails at prepare time, in upstream's words.
    let err = conn.prep("SELECT FROM WHERE ?").await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("1064"), "{text}");
    assert!(
        text.contains("unexpected FROM near 'FROM WHERE ?'"),
        "{text}"
    );
    // Placeholders in MATCH(), comparisons and LIMIT all pass the check.
    let sql = "SELECT id FROM t WHERE MATCH(?) AND id > ? LIMIT ?";
    assert_eq!(conn.prep(sql).await.unwrap().num_params(), 3);
    let stmt = conn.prep("SELECT ? + 1, ?").await.unwrap();
    let row: Option<(i64, String)> = conn.exec_first(&stmt, (41, "it's")).await.unwrap();
    assert_eq!(row, Some((42, "it's".to_string())));
    conn.disconnect().await.unwrap();

    // SELECTs go to the query log, one line each, in upstream's format.
    let log = std::fs::read_to_string(d.sandbox.path("query.log")).unwrap();
    let line = log
        .lines()
        .find(|l| l.ends_with(" SELECT DATABASE();"))
        .unwrap_or_else(|| panic!("query log:\n{log}"));
    assert!(line.starts_with("/* "), "{line}");
    assert!(line.contains(" found 1 */"), "{line}");
}

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::*;
use crate::config::Searchd;
use crate::service::Value;
use crate::tls::TlsState;

fn service() -> SqlService {
    let state = ServerState::new(
        Searchd::default(),
        TlsState::Unusable {
            reason: "no certificate configured".into(),
        },
    );
    SqlService::new(Arc::new(state))
}

fn session() -> Session {
    Session::new(7, "mysql")
}

/// Runs one statement and returns its column names and text rows.
fn table(
    svc: &SqlService,
    sess: &mut Session,
    sql: &str,
) -> (Vec<String>, Vec<Vec<Option<String>>>) {
    let mut out = svc.query(sess, sql);
    assert_eq!(out.len(), 1, "{sql}");
    match out.remove(0) {
        Ok(Outcome::Rows { columns, rows }) => (
            columns.into_iter().map(|c| c.name).collect(),
            rows.into_iter()
                .map(|r| r.iter().map(Value::to_text).collect())
                .collect(),
        ),
        other => panic!("{sql}: {other:?}"),
    }
}

fn one_row(svc: &SqlService, sess: &mut Session, sql: &str) -> Vec<String> {
    let (_, rows) = table(svc, sess, sql);
    assert_eq!(rows.len(), 1, "{sql}");
    rows[0]
        .iter()
        .map(|c| c.clone().unwrap_or("NULL".into()))
        .collect()
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn error(svc: &SqlService, sess: &mut Session, sql: &str) -> QueryError {
    match svc.query(sess, sql).pop() {
        Some(Err(e)) => e,
        other => panic!("{sql}: {other:?}"),
    }
}

#[test]
fn mysql_client_connect_queries() {
    let svc = service();
    let mut sess = session();
    let (cols, rows) = table(&svc, &mut sess, "select @@version_comment limit 1");
    assert_eq!(cols, s(&["@@version_comment"]));
    assert_eq!(rows, vec![vec![Some(crate::version::SERVER.to_string())]]);

    let (cols, rows) = table(&svc, &mut sess, "SELECT DATABASE(), USER() limit 1");
    assert_eq!(cols, s(&["DATABASE()", "USER()"]));
    assert_eq!(
        rows,
        vec![vec![Some("Manticore".into()), Some("Usual".into())]]
    );

    let sql = "select @@character_set_client, @@character_set_connection, \
               @@character_set_server, @@character_set_database limit 1";
    let (cols, _) = table(&svc, &mut sess, sql);
    assert_eq!(
        cols,
        s(&[
            "@@character_set_client",
            "@@character_set_connection",
            "@@character_set_server",
            "@@character_set_database"
        ])
    );
    assert_eq!(one_row(&svc, &mut sess, sql), s(&["utf8"; 4]));
}

#[test]
fn vip_user() {
    let svc = service();
    let mut sess = session();
    sess.vip = true;
    assert_eq!(one_row(&svc, &mut sess, "select user()"), s(&["VIP"]));
}

#[test]
fn connector_sysvars() {
    let svc = service();
    let mut sess = session();
    let row = one_row(
        &svc,
        &mut sess,
        "SELECT @@max_allowed_packet, @@session.auto_increment_increment, @@tx_isolation, \
         @@transaction_isolation, @@sql_mode, @@lower_case_table_names, @@autocommit, \
         @@time_zone, @@wait_timeout, @@interactive_timeout, @@net_write_timeout, \
         @@init_connect, @@performance_schema",
    );
    assert_eq!(
        row,
        s(&[
            "134217728",
            "1",
            "REPEATABLE-READ",
            "REPEATABLE-READ",
            "",
            "1",
            "1",
            "SYSTEM",
            "300",
            "300",
            "5",
            "",
            "0"
        ])
    );
}

#[test]
fn unknown_sysvar_reads_empty_marker() {
    let svc = service();
    let mut sess = session();
    let (cols, rows) = table(&svc, &mut sess, "select @@no_such_thing");
    assert_eq!(cols, s(&["@@no_such_thing"]));
    assert_eq!(rows, vec![vec![Some(UNKNOWN_SYSVAR.to_string())]]);
}

#[test]
fn literals_arithmetic_and_aliases() {
    let svc = service();
    let mut sess = session();
    let (cols, rows) = table(
        &svc,
        &mut sess,
        "SELECT 1, 1+2*3 AS n, 7/2, 7 DIV 2, 7 % 3, -5, 'txt' t, NULL, 1 = 1, 1 / 0",
    );
    assert_eq!(
        cols,
        s(&["1", "n", "7/2", "7 DIV 2", "7 % 3", "-5", "t", "NULL", "1 = 1", "1 / 0"])
    );
    let texts: Vec<Option<String>> = rows[0].clone();
    assert_eq!(
        texts,
        vec![
            Some("1".into()),
            Some("7".into()),
            Some("3.5".into()),
            Some("3".into()),
            Some("1".into()),
            Some("-5".into()),
            Some("txt".into()),
            None,
            Some("1".into()),
            None
        ]
    );
}

#[test]
fn connection_id_and_version() {
    let svc = service();
    let mut sess = session();
    assert_eq!(
        one_row(&svc, &mut sess, "select CONNECTION_ID(), version()"),
        s(&["7", crate::version::MYSQL_DEFAULT])
    );
    let now = one_row(&svc, &mut sess, "select now()");
    assert_eq!(now[0].len(), "2024-01-01 00:00:00".len());
}

#[test]
fn limit_zero_gives_no_rows() {
    let svc = service();
    let mut sess = session();
    let (cols, rows) = table(&svc, &mut sess, "select 1 limit 0");
    assert_eq!(cols, s(&["1"]));
    assert!(rows.is_empty());
}

#[test]
fn unknown_function_and_column_fail() {
    let svc = service();
    let mut sess = session();
    assert_eq!(
        error(&svc, &mut sess, "select nosuch()").message,
        "unknown function 'nosuch'"
    );
    assert_eq!(
        error(&svc, &mut sess, "select abc").message,
        "unknown column: 'abc'"
    );
}

#[test]
fn set_statements_answer_ok_and_keep_autocommit() {
    let svc = service();
    let mut sess = session();
    for sql in [
        "SET NAMES utf8mb4",
        "SET character set utf8",
        "SET @u = 5",
        "SET SESSION sql_mode = 'TRADITIONAL'",
        "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
        "BEGIN",
        "START TRANSACTION",
        "COMMIT",
        "ROLLBACK",
        "/*!40101 SET NAMES utf8 */",
    ] {
        assert_eq!(svc.query(&mut sess, sql), vec![Ok(Outcome::ok())], "{sql}");
    }
    svc.query(&mut sess, "SET autocommit = 0");
    assert!(!sess.autocommit);
    assert_eq!(one_row(&svc, &mut sess, "select @@autocommit"), s(&["0"]));
    svc.query(&mut sess, "set @@session.autocommit = ON");
    assert!(sess.autocommit);
    let e = error(&svc, &mut sess, "set autocommit = 5");
    assert_eq!(
        e.message,
        "Variable 'autocommit' can't be set to the value of '5'"
    );
    assert!(sess.autocommit);
}

#[test]
fn multi_statement_stops_at_first_error() {
    let svc = service();
    let mut sess = session();
    let out = svc.query(&mut sess, "select 1; FOO BAR; select 2");
    assert_eq!(out.len(), 2);
    assert!(out[0].is_ok());
    let e = out[1].clone().unwrap_err();
    assert_eq!(
        e.message,
        "P01: syntax error, unexpected identifier near 'FOO BAR'"
    );
    assert_eq!((e.code, e.sqlstate), (1064, "42000"));
    assert_eq!(svc.state().queries.load(Ordering::Relaxed), 2);
}

#[test]
fn empty_query_is_an_error() {
    let svc = service();
    let mut sess = session();
    assert_eq!(
        error(&svc, &mut sess, " ; ").message,
        "P01: syntax error, unexpected $end near ''"
    );
}

#[test]
fn show_variables_like_and_where() {
    let svc = service();
    let mut sess = session();
    let (cols, rows) = table(&svc, &mut sess, "SHOW VARIABLES LIKE 'character_set%'");
    assert_eq!(cols, s(&["Variable_name", "Value"]));
    assert_eq!(
        rows,
        vec![
            vec![Some("character_set_client".into()), Some("utf8".into())],
            vec![Some("character_set_connection".into()), Some("utf8".into())],
        ]
    );
    let (_, rows) = table(
        &svc,
        &mut sess,
        "show variables where Variable_name = 'max_allowed_packet' or variable_name='AUTOCOMMIT'",
    );
    assert_eq!(
        rows,
        vec![
            vec![Some("autocommit".into()), Some("1".into())],
            vec![Some("max_allowed_packet".into()), Some("134217728".into())],
        ]
    );
    let (_, rows) = table(&svc, &mut sess, "show variables");
    let names: Vec<String> = rows.iter().filter_map(|r| r[0].clone()).collect();
    for want in [
        "autocommit",
        "version",
        "version_comment",
        "max_allowed_packet",
    ] {
        assert!(names.contains(&want.to_string()), "{want}");
    }
}

#[test]
fn show_status_counters_and_tls_rows() {
    let svc = service();
    let mut sess = session();
    svc.state().connections_total.store(3, Ordering::Relaxed);
    svc.state().maxed_out.store(2, Ordering::Relaxed);
    let (cols, rows) = table(&svc, &mut sess, "SHOW STATUS LIKE 'ssl%'");
    assert_eq!(cols, s(&["Counter", "Value"]));
    assert_eq!(
        rows,
        vec![
            vec![Some("ssl_library".into()), Some("".into())],
            vec![Some("ssl_state".into()), Some("unusable".into())],
            vec![
                Some("ssl_error".into()),
                Some("no certificate configured".into())
            ],
            vec![Some("ssl_cipher".into()), Some("".into())],
            vec![Some("ssl_version".into()), Some("".into())],
        ]
    );
    sess.tls_cipher = Some("TLS_AES_256_GCM_SHA384".into());
    sess.tls_version = Some("TLSv1.3".into());
    assert_eq!(
        one_row(&svc, &mut sess, "show status like 'ssl_cipher'"),
        s(&["ssl_cipher", "TLS_AES_256_GCM_SHA384"])
    );
    assert_eq!(
        one_row(&svc, &mut sess, "show status like 'SSL_VERSION'"),
        s(&["ssl_version", "TLSv1.3"])
    );
    assert_eq!(
        one_row(&svc, &mut sess, "show status like 'connections'"),
        s(&["connections", "3"])
    );
    assert_eq!(
        one_row(&svc, &mut sess, "show status like 'maxed_out'"),
        s(&["maxed_out", "2"])
    );
    // This statement is the sixth one run on this service, and counts itself.
    assert_eq!(
        one_row(&svc, &mut sess, "show global status like 'queries'")[1],
        "6"
    );
}

#[test]
fn show_threads_lists_registered_connections() {
    let svc = service();
    let state = Arc::new(ServerState::new(
        Searchd::default(),
        TlsState::Unusable { reason: "x".into() },
    ));
    let svc2 = SqlService::new(Arc::clone(&state));
    let guard = state
        .register("mysql,ssl", "127.0.0.1:5555".into(), false)
        .expect("registered");
    guard.update(|t| {
        t.state = "query".into();
        t.info = "show threads".into();
    });
    let mut sess = session();
    let (cols, rows) = table(&svc2, &mut sess, "SHOW THREADS");
    assert_eq!(
        cols,
        s(&[
            "TID",
            "Name",
            "Proto",
            "State",
            "Connection from",
            "ConnID",
            "This/prev job time",
            "Jobs done",
            "Thread status",
            "Info"
        ])
    );
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    let id = guard.id().to_string();
    assert_eq!(r[0].as_deref(), Some(id.as_str()));
    assert_eq!(r[2].as_deref(), Some("mysql,ssl"));
    assert_eq!(r[3].as_deref(), Some("query"));
    assert_eq!(r[4].as_deref(), Some("127.0.0.1:5555"));
    assert_eq!(r[8].as_deref(), Some("working"));
    assert_eq!(r[9].as_deref(), Some("show threads"));
    drop(guard);
    assert!(table(&svc2, &mut sess, "show threads").1.is_empty());
    assert!(table(&svc, &mut sess, "show threads").1.is_empty());
}

#[test]
fn show_misc_tables() {
    let svc = service();
    let mut sess = session();
    assert_eq!(
        table(&svc, &mut sess, "show warnings"),
        (s(&["Level", "Code", "Message"]), vec![])
    );
    assert_eq!(
        table(&svc, &mut sess, "show tables like 'x%'"),
        (s(&["Table", "Type"]), vec![])
    );
    assert_eq!(
        table(&svc, &mut sess, "show meta"),
        (s(&["Variable_name", "Value"]), vec![])
    );
    assert_eq!(
        table(&svc, &mut sess, "show databases"),
        (
            s(&["Database"]),
            vec![
                vec![Some("information_schema".into())],
                vec![Some("Manticore".into())]
            ]
        )
    );
    assert_eq!(
        table(&svc, &mut sess, "show databases like 'man%'").1,
        vec![vec![Some("Manticore".into())]]
    );
    assert_eq!(
        one_row(&svc, &mut sess, "show collation"),
        s(&["utf8_general_ci", "utf8", "33", "Yes", "Yes", "1"])
    );
}

#[test]
fn statistics_line_layout() {
    let svc = service();
    svc.state().queries.store(12, Ordering::Relaxed);
    let line = svc.statistics();
    let rest = line
        .strip_prefix("Uptime: ")
        .and_then(|r| r.split_once("  "))
        .map(|(_, r)| r)
        .expect("uptime first");
    let rest = rest
        .rsplit_once("  Queries per second avg: ")
        .expect("qps last");
    assert_eq!(
        rest.0,
        "Threads: 0  Questions: 12  Slow queries: 0  Opens: 0  Flush tables: 0  Open tables: 0"
    );
    let qps = rest.1;
    assert_eq!(qps.split_once('.').map(|(_, d)| d.len()), Some(3), "{qps}");
}

#[test]
fn readonly_check() {
    let mut sess = session();
    assert!(check_writable(&sess).is_ok());
    sess.readonly = true;
    let e = check_writable(&sess).unwrap_err();
    assert_eq!(
        (e.message.as_str(), e.code),
        ("connection is read-only", 1064)
    );
}

#[test]
fn connector_j_session_probe() {
    let svc = service();
    let mut sess = session();
    let sql = "/* mysql-connector-java-8.0.33 */SELECT  @@session.auto_increment_increment AS \
        auto_increment_increment, @@character_set_client AS character_set_client, \
        @@character_set_results AS character_set_results, @@collation_server AS \
        collation_server, @@init_connect AS init_connect, @@license AS license, \
        @@query_cache_type AS query_cache_type, @@transaction_isolation AS \
        transaction_isolation, @@net_write_timeout AS net_write_timeout";
    let (cols, rows) = table(&svc, &mut sess, sql);
    assert_eq!(
        cols,
        s(&[
            "auto_increment_increment",
            "character_set_client",
            "character_set_results",
            "collation_server",
            "init_connect",
            "license",
            "query_cache_type",
            "transaction_isolation",
            "net_write_timeout"
        ])
    );
    let row: Vec<String> = rows[0]
        .iter()
        .map(|c| c.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        row,
        s(&[
            "1",
            "utf8",
            "utf8",
            "utf8_general_ci",
            "",
            env!("CARGO_PKG_LICENSE"),
            "OFF",
            "REPEATABLE-READ",
            "5"
        ])
    );
}

#[test]
fn statistics_counts_open_connections() {
    let state = Arc::new(ServerState::new(
        Searchd::default(),
        TlsState::Unusable { reason: "x".into() },
    ));
    let svc = SqlService::new(Arc::clone(&state));
    let _a = state.register("mysql", "127.0.0.1:1".into(), false);
    let _b = state.register("http", "127.0.0.1:2".into(), false);
    assert!(svc.statistics().contains("  Threads: 2  Questions: 0  "));
}

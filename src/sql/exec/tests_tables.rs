//! Statements over tables, run through the service as a front end runs them.

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

fn run(svc: &SqlService, sess: &mut Session, sql: &str) -> Vec<Result<Outcome, QueryError>> {
    svc.query(sess, sql)
}

fn ok(svc: &SqlService, sess: &mut Session, sql: &str) -> Vec<Outcome> {
    run(svc, sess, sql)
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{sql}: {e}")))
        .collect()
}

fn err(svc: &SqlService, sess: &mut Session, sql: &str) -> String {
    match run(svc, sess, sql).pop() {
        Some(Err(e)) => e.message,
        other => panic!("{sql}: {other:?}"),
    }
}

fn texts(o: &Outcome) -> Vec<Vec<String>> {
    match o {
        Outcome::Rows { rows, .. } => rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| v.to_text().unwrap_or("NULL".into()))
                    .collect()
            })
            .collect(),
        other => panic!("not rows: {other:?}"),
    }
}

fn setup(svc: &SqlService, sess: &mut Session) {
    ok(svc, sess, "create table t (title text, tag string, n int)");
    ok(
        svc,
        sess,
        "insert into t (id, title, tag, n) values (1, 'alpha beta', 'x', 1), \
         (2, 'beta gamma', 'y', 2), (3, 'gamma', 'x', 3)",
    );
}

#[test]
fn reload_tls_failure_keeps_the_old_context_and_says_why() {
    let svc = service();
    let mut sess = Session::new(1, "mysql");
    let msg = err(&svc, &mut sess, "RELOAD TLS");
    assert!(
        msg.starts_with("TLS reload failed, keeping the previous TLS context: "),
        "{msg}"
    );
    assert!(msg.len() > "TLS reload failed, keeping the previous TLS context: ".len());
}

#[test]
fn facets_add_one_result_set_each() {
    let svc = service();
    let mut sess = Session::new(1, "mysql");
    setup(&svc, &mut sess);
    let out = ok(
        &svc,
        &mut sess,
        "select id from t limit 1 facet tag facet n by n",
    );
    assert_eq!(out.len(), 3);
    assert_eq!(texts(&out[0]), vec![vec!["1".to_string()]]);
    assert_eq!(
        texts(&out[1]),
        vec![
            vec!["x".to_string(), "2".into()],
            vec!["y".into(), "1".into()]
        ]
    );
    assert_eq!(texts(&out[2]).len(), 3);
}

#[test]
fn readonly_sessions_refuse_writes_but_read() {
    let svc = service();
    let mut sess = Session::new(1, "mysql");
    setup(&svc, &mut sess);
    let mut ro = Session::new(2, "mysql");
    ro.readonly = true;
    for sql in [
        "insert into t (id) values (9)",
        "delete from t where id = 1",
        "update t set n = 5 where id = 1",
        "drop table t",
        "create table u (title text)",
    ] {
        assert_eq!(err(&svc, &mut ro, sql), "connection is read-only", "{sql}");
    }
    let out = ok(&svc, &mut ro, "select count(*) from t");
    assert_eq!(texts(&out[0]), vec![vec!["3".to_string()]]);
}

#[test]
fn a_transaction_writes_one_table() {
    let svc = service();
    let mut sess = Session::new(1, "mysql");
    setup(&svc, &mut sess);
    ok(&svc, &mut sess, "create table u (title text)");
    ok(&svc, &mut sess, "begin; insert into t (id) values (10)");
    assert_eq!(
        err(&svc, &mut sess, "insert into u (id) values (1)"),
        "current txn is working with another table ('t')"
    );
    ok(&svc, &mut sess, "rollback");
    let out = ok(&svc, &mut sess, "select id from t where id = 10");
    assert!(texts(&out[0]).is_empty());
}

#[test]
fn show_meta_lists_keywords_alphabetically() {
    let svc = service();
    let mut sess = Session::new(1, "mysql");
    setup(&svc, &mut sess);
    ok(
        &svc,
        &mut sess,
        "select id from t where match('gamma beta')",
    );
    let out = ok(&svc, &mut sess, "show meta like 'keyword%'");
    assert_eq!(
        texts(&out[0]),
        vec![
            vec!["keyword[0]".to_string(), "beta".into()],
            vec!["keyword[1]".into(), "gamma".into()]
        ]
    );
}

#[test]
fn select_star_lists_id_fields_then_attributes() {
    let svc = service();
    let mut sess = Session::new(1, "mysql");
    ok(
        &svc,
        &mut sess,
        "create table s (n int, title text, tags multi)",
    );
    ok(&svc, &mut sess, "insert into s values (4, 'hi', 7, (3, 1))");
    match &ok(&svc, &mut sess, "select * from s")[0] {
        Outcome::Rows { columns, rows } => {
            let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, ["id", "title", "n", "tags"]);
            assert_eq!(columns[0].ty, ColumnType::BigInt);
            assert_eq!(columns[2].ty, ColumnType::UInt);
            assert_eq!(rows[0][3], Value::Str("1,3".into()));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn stored_texts_show_in_their_own_columns_in_any_order() {
    let svc = service();
    let mut sess = Session::new(1, "mysql");
    ok(
        &svc,
        &mut sess,
        "create table f (title text, body text, n int)",
    );
    ok(
        &svc,
        &mut sess,
        "insert into f values (1, 'first title', 'first body', 5), (2, 'second', 'other', 6)",
    );
    let rows = |sess: &mut Session, sql: &str| texts(&ok(&svc, sess, sql)[0]);
    assert_eq!(
        rows(
            &mut sess,
            "select * from f where match('first') order by id asc"
        ),
        [["1", "first title", "first body", "5"]]
    );
    assert_eq!(
        rows(
            &mut sess,
            "select body, n, title, body, id from f order by id asc"
        ),
        [
            ["first body", "5", "first title", "first body", "1"],
            ["other", "6", "second", "other", "2"],
        ]
    );
    // Across two tables, each row shows its own table's texts.
    ok(
        &svc,
        &mut sess,
        "create table g (body text, title text, n int)",
    );
    ok(
        &svc,
        &mut sess,
        "insert into g values (3, 'g body', 'g title', 7)",
    );
    assert_eq!(
        rows(
            &mut sess,
            "select title, body from f, g order by id desc limit 2"
        ),
        [["g title", "g body"], ["second", "other"]]
    );
}

#[test]
fn star_attributes_show_each_table_s_own_columns() {
    let svc = service();
    let mut sess = Session::new(1, "mysql");
    ok(
        &svc,
        &mut sess,
        "create table a (n int, price float, j json, m multi)",
    );
    ok(
        &svc,
        &mut sess,
        "create table b (m multi, j json, price float, n int)",
    );
    ok(
        &svc,
        &mut sess,
        "insert into a values (1, 5, 19.85, '{\"k\":[1,2],\"a\":\"x\"}', (3, 1))",
    );
    ok(
        &svc,
        &mut sess,
        "insert into b values (2, (9), '\"text\"', 123456789, 7), (3, (), '', 0.1, 8)",
    );
    assert_eq!(
        texts(&ok(&svc, &mut sess, "select * from a, b order by id asc")[0]),
        [
            ["1", "5", "19.85", r#"{"a":"x","k":[1,2]}"#, "1,3"],
            ["2", "7", "123456790", "text", "9"],
            ["3", "8", "0.1", "", ""],
        ]
    );
}

#[test]
fn every_prefix_of_a_statement_is_answered_without_panicking() {
    let svc = service();
    let mut sess = Session::new(1, "mysql");
    setup(&svc, &mut sess);
    let statements = [
        "select id, n * 2 as d, if(n > 1, 'a', 'b') from t where match('beta') and n in (1, 2) \
         group by tag within group order by n desc having count(*) > 0 order by d desc \
         limit 0, 5 option ranker=bm25, field_weights=(title=2), max_matches=10 facet tag",
        "insert into t (id, title, tag, n) values (20, 'x', 'y', 3), (21, 'z', 'w', (1))",
        "update t set n = n + 1 where id between 1 and 2",
        "delete from t where id in (20, 21)",
        "create table if not exists v (title text, j json, m multi64) min_infix_len='2'",
    ];
    for stmt in statements {
        for end in (0..=stmt.len()).filter(|e| stmt.is_char_boundary(*e)) {
            let out = svc.query(&mut sess, &stmt[..end]);
            assert!(!out.is_empty(), "{}", &stmt[..end]);
        }
    }
    // `delete from t where id` is one of the prefixes: the table is empty now,
    // and the service still answers.
    let out = ok(&svc, &mut sess, "select count(*) from t");
    assert_eq!(texts(&out[0]), vec![vec!["0".to_string()]]);
}

#[test]
fn in_and_between_work_without_a_table() {
    let svc = service();
    let mut sess = Session::new(1, "mysql");
    let out = ok(
        &svc,
        &mut sess,
        "select 2 in (1, 2), 3 not in (1, 2), 5 between 1 and 4, 'b' in ('A', 'B')",
    );
    assert_eq!(
        texts(&out[0]),
        vec![vec!["1".to_string(), "1".into(), "0".into(), "1".into()]]
    );
}

#[test]
fn limited_matches_keep_weight_then_id_order_and_full_totals() {
    let svc = service();
    let mut sess = Session::new(1, "mysql");
    ok(&svc, &mut sess, "create table w (title text)");
    // Ids inserted out of order; "a a" weighs less than "a" (a word in most
    // documents has a negative IDF).
    ok(
        &svc,
        &mut sess,
        "insert into w (id, title) values (9, 'a'), (4, 'a b'), (7, 'a a'), \
         (2, 'a'), (8, 'a a'), (5, 'b')",
    );
    let q = "select id from w where match('a')";
    let ids = |o: &Outcome| {
        texts(o)
            .into_iter()
            .map(|r| r[0].clone())
            .collect::<Vec<_>>()
    };
    let all = ok(&svc, &mut sess, q);
    assert_eq!(ids(&all[0]), ["2", "4", "9", "7", "8"]);
    let page = ok(&svc, &mut sess, &format!("{q} limit 1, 2"));
    assert_eq!(ids(&page[0]), ["4", "9"]);
    let meta = ok(&svc, &mut sess, "show meta");
    assert_eq!(
        texts(&meta[0])[..2],
        [s2("total", "2"), s2("total_found", "5")]
    );
    let capped = ok(
        &svc,
        &mut sess,
        &format!("{q} limit 1, 5 option max_matches=3"),
    );
    assert_eq!(ids(&capped[0]), ["4", "9"]);
    let meta = ok(&svc, &mut sess, "show meta");
    assert_eq!(texts(&meta[0])[1], s2("total_found", "5"));
}

fn s2(a: &str, b: &str) -> Vec<String> {
    vec![a.to_string(), b.to_string()]
}

#[test]
fn date_functions_group_timestamps_in_utc() {
    let svc = service();
    let mut sess = Session::new(1, "mysql");
    ok(&svc, &mut sess, "create table d (title text, ts timestamp)");
    // 2020-01-01 23:30 (a Wednesday), 2020-01-05 00:00 (a Sunday), 2021-03-02.
    ok(
        &svc,
        &mut sess,
        "insert into d (id, title, ts) values (1, 'a', 1577921400), (2, 'a', 1578182400), \
         (3, 'a', 1614643200)",
    );
    let out = ok(
        &svc,
        &mut sess,
        "select id, year(ts), yearmonth(ts), yearmonthday(ts), yearweek(ts) from d",
    );
    assert_eq!(
        texts(&out[0]),
        vec![
            vec!["1", "2020", "202001", "20200101", "2019363"],
            vec!["2", "2020", "202001", "20200105", "2020005"],
            vec!["3", "2021", "202103", "20210302", "2021059"],
        ]
    );
    let out = ok(
        &svc,
        &mut sess,
        "select groupby(), count(*) from d group by yearweek(ts) order by groupby() asc",
    );
    assert_eq!(
        texts(&out[0]),
        vec![
            vec!["2019363", "1"],
            vec!["2020005", "1"],
            vec!["2021059", "1"]
        ]
    );
}

//! The MySQL front end driven by a real client library (mysql_async).

mod mysql_support;

use mysql_async::prelude::*;
use mysql_async::{Conn, Error, Row};
use mysql_support::{opts, start};

fn server_error(e: Error) -> (u16, String, String) {
    match e {
        Error::Server(s) => (s.code, s.state, s.message),
        other => panic!("expected a server error, got {other:?}"),
    }
}

#[tokio::test]
async fn plain_query() {
    let (addr, _) = start().await;
    let mut c = Conn::new(opts(addr)).await.unwrap();
    let got: Vec<i64> = c.query("select 1").await.unwrap();
    assert_eq!(got, [1]);
    let got: Vec<String> = c.query("echo hello world").await.unwrap();
    assert_eq!(got, ["hello world"]);
    c.disconnect().await.unwrap();
}

#[tokio::test]
async fn text_result_with_types_and_nulls() {
    let (addr, _) = start().await;
    let mut c = Conn::new(opts(addr)).await.unwrap();
    type R = (Option<u32>, Option<i64>, Option<f32>, Option<String>);
    let got: Vec<R> = c.query("types").await.unwrap();
    assert_eq!(
        got,
        [
            (Some(7), Some(-3), Some(1.5), Some("x".to_string())),
            (None, None, None, None)
        ]
    );
}

#[tokio::test]
async fn multi_result() {
    let (addr, _) = start().await;
    let mut c = Conn::new(opts(addr)).await.unwrap();
    let mut r = c.query_iter("select 1; insert; echo three").await.unwrap();
    let first: Vec<i64> = r.collect().await.unwrap();
    assert_eq!(first, [1]);
    let second: Vec<Row> = r.collect().await.unwrap();
    assert!(second.is_empty());
    assert_eq!(r.affected_rows(), 2);
    let third: Vec<String> = r.collect().await.unwrap();
    assert_eq!(third, ["three"]);
    assert!(r.is_empty());
    drop(r);
    let again: Vec<i64> = c.query("select 1").await.unwrap();
    assert_eq!(again, [1]);
}

#[tokio::test]
async fn multi_result_ending_in_error() {
    let (addr, _) = start().await;
    let mut c = Conn::new(opts(addr)).await.unwrap();
    let mut r = c.query_iter("select 1; bogus").await.unwrap();
    let first: Vec<i64> = r.collect().await.unwrap();
    assert_eq!(first, [1]);
    let err = r.collect::<Row>().await.unwrap_err();
    assert_eq!(server_error(err).2, "unknown statement: bogus");
}

#[tokio::test]
async fn error_then_success_on_same_connection() {
    let (addr, _) = start().await;
    let mut c = Conn::new(opts(addr)).await.unwrap();
    let err = c.query_drop("bogus stuff").await.unwrap_err();
    let (code, state, msg) = server_error(err);
    assert_eq!((code, state.as_str()), (1064, "42000"));
    assert_eq!(msg, "unknown statement: bogus stuff");
    let got: Vec<i64> = c.query("select 1").await.unwrap();
    assert_eq!(got, [1]);
}

#[tokio::test]
async fn ping() {
    let (addr, _) = start().await;
    let mut c = Conn::new(opts(addr)).await.unwrap();
    c.ping().await.unwrap();
    c.ping().await.unwrap();
}

#[tokio::test]
async fn session_sees_user_and_proto() {
    let (addr, state) = start().await;
    let mut c = Conn::new(opts(addr)).await.unwrap();
    let got: Vec<(String, String, Option<String>)> = c.query("whoami").await.unwrap();
    assert_eq!(got, [("tester".into(), "mysql".into(), None)]);
    let threads = state.threads();
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0].proto, "mysql");
    assert_eq!(threads[0].state, "idle");
}

#[tokio::test]
async fn compressed() {
    let (addr, state) = start().await;
    let o = opts(addr).compression(mysql_async::Compression::default());
    let mut c = Conn::new(o).await.unwrap();
    let got: Vec<i64> = c.query("select 1").await.unwrap();
    assert_eq!(got, [1]);
    let long = "z".repeat(100_000);
    let got: Vec<String> = c.query(format!("echo {long}")).await.unwrap();
    assert_eq!(got, [long]);
    let got: Vec<(String, String, Option<String>)> = c.query("whoami").await.unwrap();
    assert_eq!(got[0].1, "mysql,compressed");
    assert_eq!(state.threads()[0].proto, "mysql,compressed");
    let mut r = c.query_iter("insert; select 1").await.unwrap();
    let _: Vec<Row> = r.collect().await.unwrap();
    let second: Vec<i64> = r.collect().await.unwrap();
    assert_eq!(second, [1]);
    drop(r);
    let got: Option<String> = c.exec_first("echo ?", ("packed",)).await.unwrap();
    assert_eq!(got.as_deref(), Some("'packed'"));
    c.ping().await.unwrap();
}

#[tokio::test]
async fn prepared_statements_with_params() {
    let (addr, _) = start().await;
    let mut c = Conn::new(opts(addr)).await.unwrap();
    let params = (5i64, "it's", 2.5f64, None::<i64>, -7i8, 300u32);
    let got: Option<String> = c.exec_first("echo ?, ?, ?, ?, ?, ?", params).await.unwrap();
    assert_eq!(got.as_deref(), Some("5, 'it\\'s', 2.5, NULL, -7, 300"));
    // Same statement again (cached): types rebound or reused.
    let params = (6i64, "b\\", 0.5f64, Some(1i64), 1i8, 1u32);
    let got: Option<String> = c.exec_first("echo ?, ?, ?, ?, ?, ?", params).await.unwrap();
    assert_eq!(got.as_deref(), Some("6, 'b\\\\', 0.5, 1, 1, 1"));
}

#[tokio::test]
async fn prepared_binary_result_set() {
    let (addr, _) = start().await;
    let mut c = Conn::new(opts(addr)).await.unwrap();
    type R = (Option<u32>, Option<i64>, Option<f32>, Option<String>);
    let got: Vec<R> = c.exec("types", ()).await.unwrap();
    assert_eq!(
        got,
        [
            (Some(7), Some(-3), Some(1.5), Some("x".to_string())),
            (None, None, None, None)
        ]
    );
    let err = c.exec_drop("bogus ?", (1,)).await.unwrap_err();
    assert_eq!(server_error(err).2, "unknown statement: bogus 1");
    c.exec_drop("insert", ()).await.unwrap();
    assert_eq!(c.affected_rows(), 2);
}

#[tokio::test]
async fn prepare_refuses_what_the_service_cannot_parse() {
    let (addr, _) = start().await;
    let mut c = Conn::new(opts(addr)).await.unwrap();
    let err = c.prep("unparsable ? here").await.unwrap_err();
    let (code, state, message) = server_error(err);
    assert_eq!((code, state.as_str()), (1064, "42000"));
    // The service saw the statement with a sample value in place of the `?`.
    assert_eq!(message, "cannot parse: unparsable 0 here");
    let got: Option<String> = c.exec_first("echo ?", ("still here",)).await.unwrap();
    assert_eq!(got.as_deref(), Some("'still here'"));
}

#[tokio::test]
async fn database_on_connect() {
    let (addr, _) = start().await;
    let c = Conn::new(opts(addr).db_name(Some("Manticore"))).await;
    c.unwrap().disconnect().await.unwrap();
    let c = Conn::new(opts(addr).db_name(Some("manticore"))).await;
    c.unwrap().disconnect().await.unwrap();
    let err = Conn::new(opts(addr).db_name(Some("test")))
        .await
        .unwrap_err();
    let (code, _, msg) = server_error(err);
    assert_eq!((code, msg.as_str()), (1046, "no such database test"));
}

#[tokio::test]
async fn payloads_over_16_mib_are_split_and_joined() {
    let (addr, _) = start().await;
    let big = "w".repeat((16 << 20) + 100);
    let mut c = Conn::new(opts(addr)).await.unwrap();
    let got: Vec<String> = c.query(format!("echo {big}")).await.unwrap();
    assert_eq!(got.len(), 1);
    assert!(got[0] == big, "echoed text differs");
    let o = opts(addr).compression(mysql_async::Compression::fast());
    let mut c = Conn::new(o).await.unwrap();
    let got: Vec<String> = c.query(format!("echo {big}")).await.unwrap();
    assert!(got[0] == big, "echoed text differs (compressed)");
}

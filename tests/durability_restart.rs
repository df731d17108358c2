//! Restart round trips through the real daemon over MySQL: every column type and
//! table option, replaced and deleted documents (some in earlier disk chunks, so
//! their kill-lists and attribute side files are saved), dropped tables, after a
//! clean stop and after SIGKILL.

#[path = "durability_support/mod.rs"]
mod support;

use support::{exec, rows, Node};

const CREATE: &str = "create table t (title text, body text indexed, note text stored, \
     tag string, n int, big bigint, f float, ok bool, ts timestamp, j json, m multi, m64 multi64) \
     morphology='stem_en' min_word_len='2' min_prefix_len='3' html_strip='1'";

async fn fill(node: &Node) {
    let mut c = node.conn().await;
    exec(&mut c, CREATE).await;
    exec(&mut c, "create table other (title text, n int)").await;
    exec(&mut c, "create table gone (title text)").await;
    exec(
        &mut c,
        "insert into t (id, title, body, note, tag, n, big, f, ok, ts, j, m, m64) values \
         (1, 'running dogs', 'hidden body words', 'a note', 'x', 7, -5000000000, 1.5, 1, 1700000000, \
          '{\"a\":[1,2],\"b\":\"c\"}', (3,1,2), (-9,9)), \
         (2, 'second <b>bold</b>', 'two', 'n2', 'y', 8, 2, 0.25, 0, 1, '{}', (), (1)), \
         (3, 'third', 'three', 'n3', 'z', 9, 3, -2.5, 1, 2, '[]', (5), ())",
    )
    .await;
    // A first disk chunk; the changes below hit its documents.
    exec(&mut c, "flush ramchunk t").await;
    exec(
        &mut c,
        "replace into t (id, title, tag, n) values (2, 'replaced text', 'r', 80)",
    )
    .await;
    exec(&mut c, "delete from t where id = 3").await;
    exec(&mut c, "update t set n = 70, f = 3.25 where id = 1").await;
    // A second chunk (the replaced document), and side files for the first.
    exec(&mut c, "flush ramchunk t").await;
    exec(
        &mut c,
        "insert into t (id, title, tag, n) values (4, 'fourth running', 'w', 4)",
    )
    .await;
    exec(&mut c, "update t set n = 71 where id = 1").await;
    exec(&mut c, "update t set n = 81 where id = 2").await;
    exec(
        &mut c,
        "insert into other (id, title, n) values (10, 'ten', 10)",
    )
    .await;
    exec(&mut c, "truncate table other").await;
    exec(
        &mut c,
        "insert into other (id, title, n) values (11, 'eleven', 11)",
    )
    .await;
    exec(&mut c, "drop table gone").await;
}

/// What a client sees of every table.
async fn view(node: &Node) -> Vec<Vec<String>> {
    let mut c = node.conn().await;
    let mut out = rows(&mut c, "show tables").await;
    out.extend(rows(&mut c, "show create table t").await);
    out.extend(rows(&mut c, "select * from t order by id asc").await);
    out.extend(
        rows(
            &mut c,
            "select id from t where match('run') order by id asc",
        )
        .await,
    );
    out.extend(
        rows(
            &mut c,
            "select id from t where match('hidden') order by id asc",
        )
        .await,
    );
    out.extend(rows(&mut c, "select * from other order by id asc").await);
    out
}

async fn round_trip(kill: bool) {
    let mut node = Node::rt("");
    node.start();
    fill(&node).await;
    let before = view(&node).await;
    let flat = format!("{before:?}");
    assert!(
        flat.contains("replaced text") && !flat.contains("third"),
        "{flat}"
    );
    assert!(
        !flat.contains("gone") && flat.contains("eleven") && !flat.contains("ten'"),
        "{flat}"
    );
    let files = support::files(&node.path("data").join("t"));
    let count = |ext: &str| files.iter().filter(|f| f.ends_with(ext)).count();
    assert_eq!(
        (count(".chunk"), count(".kill"), count(".attrs")),
        (2, 1, 1),
        "{files:?}"
    );
    if kill {
        node.kill9();
    } else {
        node.stop();
    }
    node.start();
    assert_eq!(view(&node).await, before);
    // Still writable, and that survives too.
    let mut c = node.conn().await;
    exec(
        &mut c,
        "insert into other (id, title, n) values (12, 'twelve', 12)",
    )
    .await;
    exec(&mut c, "create table gone (title text)").await;
    drop(c);
    node.kill9();
    node.start();
    let mut c = node.conn().await;
    let ids = rows(&mut c, "select id from other order by id asc").await;
    assert_eq!(ids, vec![vec!["11".to_string()], vec!["12".to_string()]]);
    assert!(rows(&mut c, "select * from gone").await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn clean_stop_keeps_everything() {
    round_trip(false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_keeps_everything() {
    round_trip(true).await;
}

#[test]
fn missing_data_dir_is_fatal() {
    let node = Node::rt("");
    std::fs::remove_dir(node.path("data")).unwrap();
    let (code, text) = node.run_to_exit();
    assert_ne!(code, 0);
    assert!(
        text.contains("FATAL") && text.contains("data_dir"),
        "{text}"
    );
}

#[test]
fn torn_binlog_tail_is_skipped_with_a_warning() {
    let mut node = Node::rt("    binlog_flush = 1\n");
    node.start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut c = node.conn().await;
        exec(&mut c, "create table t (title text)").await;
        exec(&mut c, "insert into t (id, title) values (1, 'kept')").await;
    });
    node.kill9();
    let log_dir = node.path("data").join("binlog");
    let last = support::files(&log_dir).pop().unwrap();
    let path = log_dir.join(&last);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(&[200, 0, 0, 0, 1, 2, 3, 4, b'{', b'"']);
    std::fs::write(&path, bytes).unwrap();
    node.start();
    assert!(node.log().contains("incomplete"), "{}", node.log());
    rt.block_on(async {
        let mut c = node.conn().await;
        let got = rows(&mut c, "select id, title from t").await;
        assert_eq!(got, vec![vec!["1".to_string(), "kept".to_string()]]);
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn clean_stop_saves_chunks_and_a_damaged_chunk_is_reported() {
    let mut node = Node::rt("");
    node.start();
    let mut c = node.conn().await;
    exec(&mut c, "create table a (title text)").await;
    exec(&mut c, "create table b (title text)").await;
    exec(&mut c, "insert into a (id, title) values (1, 'alpha')").await;
    exec(&mut c, "insert into b (id, title) values (2, 'beta')").await;
    drop(c);
    node.stop();
    let data = node.path("data");
    let chunk = support::files(&data.join("a"))
        .into_iter()
        .find(|f| f.ends_with(".chunk"))
        .expect("a disk chunk after a clean stop");
    // Only the log file started by the stop's flush is left, and it is empty.
    let logs = support::files(&data.join("binlog"));
    assert_eq!(logs.len(), 1, "{logs:?}");
    node.start();
    let mut c = node.conn().await;
    let got = rows(&mut c, "select id, title from a").await;
    assert_eq!(got, vec![vec!["1".to_string(), "alpha".to_string()]]);
    drop(c);
    node.kill9();
    let path = data.join("a").join(&chunk);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
    node.start();
    assert!(
        node.log().contains("is damaged (truncated"),
        "{}",
        node.log()
    );
    let mut c = node.conn().await;
    assert!(rows(&mut c, "select * from a").await.is_empty());
    let got = rows(&mut c, "select id, title from b").await;
    assert_eq!(got, vec![vec!["2".to_string(), "beta".to_string()]]);
}

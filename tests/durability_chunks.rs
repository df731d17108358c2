//! Disk chunks through the real daemon: `OPTIMIZE TABLE` merges several chunk
//! files into one while another client keeps querying, deletions stay deleted,
//! and the result survives a restart (`SHOW TABLE t STATUS` counts the chunks);
//! a damaged kill-list is reported by name.

#[path = "durability_support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use support::{exec, rows, Node};

fn chunk_files(node: &Node, ext: &str) -> Vec<String> {
    support::files(&node.path("data").join("t"))
        .into_iter()
        .filter(|f| f.ends_with(ext))
        .collect()
}

/// Three chunks of 50 documents, two documents deleted, one updated.
async fn three_chunks(node: &Node) {
    let mut c = node.conn().await;
    exec(&mut c, "create table t (title text, n int)").await;
    exec(&mut c, "create table other (title text)").await;
    exec(
        &mut c,
        "insert into other (id, title) values (1, 'still here')",
    )
    .await;
    for batch in 0..3u64 {
        let values: Vec<String> = (1..=50)
            .map(|i| {
                let id = batch * 50 + i;
                format!("({id}, 'common word{id}', {id})")
            })
            .collect();
        let sql = format!("insert into t (id, title, n) values {}", values.join(","));
        exec(&mut c, &sql).await;
        exec(&mut c, "flush ramchunk t").await;
    }
    exec(&mut c, "delete from t where id in (10, 60)").await;
    exec(&mut c, "update t set n = 1000 where id = 110").await;
}

/// Waits (a while at most) until the table has `n` chunk files.
async fn wait_for_chunks(node: &Node, n: usize) {
    let start = std::time::Instant::now();
    while chunk_files(node, ".chunk").len() != n && start.elapsed() < support::PATIENCE {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// `disk_chunks` of `SHOW TABLE t STATUS`.
async fn disk_chunks(node: &Node) -> String {
    let mut c = node.conn().await;
    let got = rows(&mut c, "show table t status like 'disk_chunks'").await;
    assert_eq!(got.len(), 1, "{got:?}");
    got[0][1].clone()
}

async fn matching(node: &Node) -> Vec<Vec<String>> {
    let mut c = node.conn().await;
    rows(
        &mut c,
        "select id, n from t where match('common') order by id asc limit 1000",
    )
    .await
}

/// Queries in a loop until told to stop; returns how many answers were complete
/// (every query must see 147 or 148 documents: one delete races with it).
fn querier(node: &Node, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<usize> {
    let port = node.port;
    let seen = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        let opts = mysql_async::OptsBuilder::default()
            .ip_or_hostname("127.0.0.1")
            .tcp_port(port)
            .prefer_socket(false);
        let mut c = mysql_async::Conn::new(opts).await.expect("connect");
        while !stop.load(Ordering::Acquire) {
            let got = rows(&mut c, "select id from t where match('common') limit 1000").await;
            assert!(got.len() == 148 || got.len() == 147, "{}", got.len());
            seen.fetch_add(1, Ordering::Relaxed);
        }
        seen.load(Ordering::Relaxed)
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn optimize_merges_chunks_while_queries_run() {
    let mut node = Node::rt("");
    node.start();
    three_chunks(&node).await;
    assert_eq!(chunk_files(&node, ".chunk").len(), 3);
    assert_eq!(disk_chunks(&node).await, "3");
    let before = matching(&node).await;
    assert_eq!(before.len(), 148);
    assert!(before.contains(&vec!["110".to_string(), "1000".to_string()]));
    let stop = Arc::new(AtomicBool::new(false));
    let task = querier(&node, stop.clone());
    let mut c = node.conn().await;
    exec(&mut c, "optimize table t option cutoff=2").await;
    wait_for_chunks(&node, 2).await;
    assert_eq!(disk_chunks(&node).await, "2");
    exec(&mut c, "optimize table t").await;
    exec(&mut c, "delete from t where id = 20").await;
    wait_for_chunks(&node, 1).await;
    stop.store(true, Ordering::Release);
    let queries = task.await.expect("querier");
    assert!(queries > 0);
    assert_eq!(chunk_files(&node, ".chunk").len(), 1);
    assert_eq!(disk_chunks(&node).await, "1");
    let expected: Vec<Vec<String>> = before.into_iter().filter(|r| r[0] != "20").collect();
    assert_eq!(matching(&node).await, expected);
    drop(c);
    node.kill9();
    node.start();
    assert_eq!(matching(&node).await, expected);
    node.stop();
    node.start();
    assert_eq!(matching(&node).await, expected);
    assert_eq!(chunk_files(&node, ".chunk").len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_kill_list_is_reported_and_other_tables_served() {
    let mut node = Node::rt("");
    node.start();
    three_chunks(&node).await;
    node.stop();
    let kills = chunk_files(&node, ".kill");
    assert_eq!(kills.len(), 2, "{kills:?}");
    let path = node.path("data").join("t").join(&kills[0]);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
    node.start();
    let log = node.log();
    assert!(
        log.contains(&format!("{}' is damaged (truncated", kills[0])),
        "{log}"
    );
    let mut c = node.conn().await;
    let got = rows(&mut c, "select id, title from other").await;
    assert_eq!(got, vec![vec!["1".to_string(), "still here".to_string()]]);
    // The chunks with sound files are served.
    assert_eq!(matching(&node).await.len(), 99);
}

//! Crash test: clients insert under `binlog_flush = 1` while the daemon is killed
//! with SIGKILL at random moments; after every restart each acknowledged document
//! is there, intact, and nothing that was never sent appears.
//!
//! `DURABILITY_TRIALS` sets the number of kills (default 20; the soak script runs
//! many more).

#[path = "durability_support/mod.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use support::{exec, rows, Node};

/// Inserts running at once, each on its own connection.
const WRITERS: u64 = 3;

/// What the writers did: acknowledged ids, and ids sent without an answer.
#[derive(Default)]
struct Ledger {
    acked: BTreeSet<u64>,
    in_flight: BTreeSet<u64>,
}

/// A small xorshift generator (no timing in assertions; randomness only picks
/// when to kill).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn title(id: u64) -> String {
    format!("doc number {id}")
}

/// Inserts batches of 1..=3 documents with ids `start, start + WRITERS, ...` until
/// the connection breaks.
async fn writer(node_port: u16, mut next: u64, ledger: Arc<Mutex<Ledger>>) {
    let opts = mysql_async::OptsBuilder::default()
        .ip_or_hostname("127.0.0.1")
        .tcp_port(node_port)
        .prefer_socket(false);
    let Ok(mut conn) = mysql_async::Conn::new(opts).await else {
        return;
    };
    loop {
        let n = 1 + next % 3;
        let ids: Vec<u64> = (0..n).map(|i| next + i * WRITERS).collect();
        next += n * WRITERS;
        let values: Vec<String> = ids
            .iter()
            .map(|id| format!("({id}, '{}', {})", title(*id), id * 3))
            .collect();
        let sql = format!("insert into t (id, title, n) values {}", values.join(", "));
        ledger.lock().unwrap().in_flight.extend(&ids);
        let ok = mysql_async::prelude::Queryable::query_drop(&mut conn, sql)
            .await
            .is_ok();
        let mut l = ledger.lock().unwrap();
        if !ok {
            return;
        }
        for id in &ids {
            l.in_flight.remove(id);
            l.acked.insert(*id);
        }
    }
}

/// Checks what the restarted daemon serves against the ledger.
async fn verify(node: &Node, ledger: &Ledger, trial: usize) {
    let mut c = node.conn().await;
    let got = rows(
        &mut c,
        "select id, title, n from t order by id asc limit 10000000 option max_matches=10000000",
    )
    .await;
    let mut present = BTreeMap::new();
    for r in &got {
        let id: u64 = r[0].parse().unwrap();
        assert_eq!(r[1], title(id), "trial {trial}: document {id} damaged");
        assert_eq!(
            r[2],
            (id * 3).to_string(),
            "trial {trial}: document {id} damaged"
        );
        present.insert(id, ());
    }
    for id in &ledger.acked {
        assert!(
            present.contains_key(id),
            "trial {trial}: acknowledged id {id} lost; log:\n{}",
            node.log()
        );
    }
    for id in present.keys() {
        assert!(
            ledger.acked.contains(id) || ledger.in_flight.contains(id),
            "trial {trial}: id {id} was never sent"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sigkill_at_random_moments_loses_nothing_acknowledged() {
    let mut node = Node::rt("    binlog_flush = 1\n");
    node.start();
    exec(
        &mut node.conn().await,
        "create table t (title text, n bigint)",
    )
    .await;
    trials(node).await;
}

/// The same with disk chunks written all the time (a tiny `rt_mem_limit`), so that
/// kills also land in the middle of flushes and log truncations.
#[tokio::test(flavor = "multi_thread")]
async fn sigkill_during_flushes_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let table = format!(
        "table t {{\n    type = rt\n    path = {}\n    rt_field = title\n    rt_attr_bigint = n\n    rt_mem_limit = 4k\n}}\n",
        dir.path().join("t").display()
    );
    let mut node = Node::with_config(dir, "    binlog_flush = 1\n", &table);
    node.start();
    let node = trials(node).await;
    // On a loaded machine a trial may end before 4 KiB were logged: flush once
    // more, so that the chunk files are there whatever the timing.
    exec(&mut node.conn().await, "flush ramchunk t").await;
    let files = support::files(node.dir.path());
    assert!(files.iter().any(|f| f.ends_with(".chunk")), "{files:?}");
}

async fn trials(mut node: Node) -> Node {
    let trials: usize = std::env::var("DURABILITY_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
        | 1;
    println!("seed {seed}");
    let mut rng = Rng(seed);
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let mut base = 1;
    for trial in 0..trials {
        let mut tasks = Vec::new();
        for w in 0..WRITERS {
            tasks.push(tokio::spawn(writer(node.port, base + w, ledger.clone())));
        }
        let wait = rng.next() % 120;
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        node.kill9();
        for t in tasks {
            let _ = t.await;
        }
        base += 1_000_000;
        node.start();
        let snapshot = {
            let l = ledger.lock().unwrap();
            Ledger {
                acked: l.acked.clone(),
                in_flight: l.in_flight.clone(),
            }
        };
        verify(&node, &snapshot, trial).await;
        // What was in flight is now settled one way or the other.
        let present: Vec<u64> = {
            let mut l = ledger.lock().unwrap();
            std::mem::take(&mut l.in_flight).into_iter().collect()
        };
        settle(&node, &present, &ledger).await;
    }
    assert!(
        ledger.lock().unwrap().acked.len() > trials,
        "the writers wrote"
    );
    node
}

/// In-flight ids that the restarted daemon has count as written from now on (they
/// must survive later crashes too); the others are gone for good.
async fn settle(node: &Node, ids: &[u64], ledger: &Arc<Mutex<Ledger>>) {
    if ids.is_empty() {
        return;
    }
    let mut c = node.conn().await;
    let list: Vec<String> = ids.iter().map(u64::to_string).collect();
    let sql = format!(
        "select id from t where id in ({}) limit 1000",
        list.join(",")
    );
    let found = rows(&mut c, &sql).await;
    let mut l = ledger.lock().unwrap();
    for r in found {
        l.acked.insert(r[0].parse().unwrap());
    }
}

//! The benchmark load driver: a fixed number of concurrent clients for a fixed time
//! against a MySQL-protocol server, with a latency histogram.
//!
//! ```text
//! cargo bench --bench load -- mysql --port 9306 [--tls --ca certs/ca-cert.pem]
//!     [--compress] [--connect-per-query] [--concurrency 8] [--seconds 10]
//!     [--query 'SELECT 1'] [--user U --password P] [--raw]
//! ```
//! `--raw` (implies `--connect-per-query`) uses the minimal client of `raw.rs`, which
//! shares one TLS context across connections instead of building one per connection;
//! `--raw-persistent` uses the same client over persistent connections (one login per
//! client, then `--query` again and again).
//!
//! SphinxAPI (`api.rs`): SEARCH requests (v1.29) over persistent connections
//! (PERSIST), each client cycling through the file; `rows_per_op` = matches returned:
//! ```text
//! cargo bench --bench load -- api --port 9312 --queries FILE [--table products]
//!     [--select '*'] [--concurrency 8] [--seconds 10]
//! ```
//!
//! Search workloads (plaintext, persistent raw connections, see `workload.rs`):
//! ```text
//!     --queries FILE [--table products]     SELECT id, WEIGHT() ... MATCH('<line>')
//!                                           LIMIT 20, round-robin per client
//!     --insert FILE [--batch 1000]          multi-row INSERTs of a TSV corpus, until
//!                                           done (--seconds ignored); ops = documents
//! ```
//! Prints one JSON line: `{"ops_per_sec":..,"p50_us":..,"p99_us":..,"ops":..,"errors":..,
//! "rows_per_op":..,"client_cpu_s":..,"elapsed_s":..}` (latencies per statement; for
//! `--insert`, per batch; `client_cpu_s` is this driver's own CPU time).

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use mysql_async::prelude::Queryable;
use mysql_async::{Opts, OptsBuilder, SslOpts};

mod api;
mod raw;
mod workload;

struct Args {
    port: u16,
    tls: bool,
    ca: Option<String>,
    compress: bool,
    connect_per_query: bool,
    raw: bool,
    concurrency: usize,
    seconds: u64,
    query: String,
    user: String,
    password: String,
    queries: Option<String>,
    insert: Option<String>,
    batch: usize,
    table: String,
    /// `api` mode: SphinxAPI SEARCH requests instead of MySQL.
    api: bool,
    /// `api` mode: the select list of the requests.
    select: String,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        port: 9306,
        tls: false,
        ca: None,
        compress: false,
        connect_per_query: false,
        raw: false,
        concurrency: 4,
        seconds: 10,
        query: "SELECT 1".into(),
        user: "bench".into(),
        password: "bench".into(),
        queries: None,
        insert: None,
        batch: 1000,
        table: "products".into(),
        api: false,
        select: "*".into(),
    };
    let mut it = std::env::args().skip(1).filter(|s| s != "--bench");
    let mode = it.next().unwrap_or_default();
    match mode.as_str() {
        "mysql" => {}
        "api" => a.api = true,
        _ => return Err(format!("unknown mode '{mode}' (expected: mysql or api)")),
    }
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => a.port = val()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--tls" => a.tls = true,
            "--ca" => a.ca = Some(val()?),
            "--compress" => a.compress = true,
            "--connect-per-query" => a.connect_per_query = true,
            "--raw" => {
                a.raw = true;
                a.connect_per_query = true;
            }
            "--raw-persistent" => {
                a.raw = true;
                a.connect_per_query = false;
            }
            "--concurrency" => {
                a.concurrency = val()?.parse().map_err(|e| format!("--concurrency: {e}"))?
            }
            "--seconds" => a.seconds = val()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--query" => a.query = val()?,
            "--user" => a.user = val()?,
            "--password" => a.password = val()?,
            "--queries" => a.queries = Some(val()?),
            "--insert" => a.insert = Some(val()?),
            "--batch" => a.batch = val()?.parse().map_err(|e| format!("--batch: {e}"))?,
            "--table" => a.table = val()?,
            "--select" => a.select = val()?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(a)
}

fn opts(a: &Args) -> Opts {
    let mut b = OptsBuilder::default()
        .ip_or_hostname("127.0.0.1")
        .tcp_port(a.port)
        .user(Some(a.user.clone()))
        .pass(Some(a.password.clone()))
        .prefer_socket(false);
    if a.tls {
        let mut ssl = SslOpts::default().with_danger_skip_domain_validation(true);
        if let Some(ca) = &a.ca {
            ssl = ssl.with_root_certs(vec![std::path::PathBuf::from(ca).into()]);
        }
        b = b.ssl_opts(ssl);
    }
    if a.compress {
        b = b.compression(mysql_async::Compression::fast());
    }
    b.into()
}

/// What the client tasks do.
enum Work {
    /// `--query` (default `SELECT 1`) through `mysql_async` or the raw client.
    Select {
        opts: Opts,
        raw: Option<Arc<raw::RawClient>>,
    },
    /// `--queries`: search statements, round-robin per client.
    Queries(Vec<String>),
    /// `--insert`: (statement, documents) batches, each sent once.
    Insert(Vec<(String, u64)>),
    /// `api --queries`: SphinxAPI SEARCH frames, round-robin per client.
    Api(Vec<Vec<u8>>),
}

/// Counters and the histogram every client task adds to.
struct Shared {
    stop: AtomicBool,
    ops: AtomicU64,
    errors: AtomicU64,
    rows: AtomicU64,
    next: AtomicUsize,
    hist: Mutex<Histogram<u64>>,
}

fn histogram() -> Histogram<u64> {
    Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds")
}

fn work(a: &Args) -> Result<Work, String> {
    if a.api {
        let path = a.queries.as_ref().ok_or("api mode needs --queries FILE")?;
        return Ok(Work::Api(api::search_frames(path, &a.table, &a.select)?));
    }
    if let Some(path) = &a.queries {
        return Ok(Work::Queries(workload::queries(path, &a.table)?));
    }
    if let Some(path) = &a.insert {
        return Ok(Work::Insert(workload::insert_batches(
            path, &a.table, a.batch,
        )?));
    }
    Ok(Work::Select {
        opts: opts(a),
        raw: raw_client(a)?,
    })
}

#[tokio::main]
async fn main() {
    let (args, work) = match parse_args().and_then(|a| work(&a).map(|w| (a, w))) {
        Ok((a, w)) => (Arc::new(a), Arc::new(w)),
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(2);
        }
    };
    let sh = Arc::new(Shared {
        stop: AtomicBool::new(false),
        ops: AtomicU64::new(0),
        errors: AtomicU64::new(0),
        rows: AtomicU64::new(0),
        next: AtomicUsize::new(0),
        hist: Mutex::new(histogram()),
    });
    let cpu0 = workload::self_cpu_seconds();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..args.concurrency {
        let (args, work, sh) = (Arc::clone(&args), Arc::clone(&work), Arc::clone(&sh));
        tasks.push(tokio::spawn(async move {
            let mut local = histogram();
            match &*work {
                Work::Select { opts, raw } => {
                    select_client(&args, opts, raw, &sh, &mut local).await
                }
                Work::Queries(q) => query_client(&args, q, c, &sh, &mut local).await,
                Work::Insert(b) => insert_client(&args, b, &sh, &mut local).await,
                Work::Api(f) => api_client(&args, f, c, &sh, &mut local).await,
            }
            let _ = sh.hist.lock().map(|mut h| h.add(&local));
        }));
    }
    let timed = !matches!(&*work, Work::Insert(_));
    let total = Duration::from_secs(args.seconds);
    while if timed {
        start.elapsed() < total
    } else {
        tasks.iter().any(|t| !t.is_finished())
    } {
        tokio::time::sleep(Duration::from_millis(200)).await;
        eprint!(
            "\r  {:>3}s  {} ops  {} errors",
            start.elapsed().as_secs(),
            sh.ops.load(Ordering::Relaxed),
            sh.errors.load(Ordering::Relaxed)
        );
    }
    sh.stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    eprintln!();
    report(
        &sh,
        start.elapsed().as_secs_f64(),
        workload::self_cpu_seconds() - cpu0,
    );
}

fn report(sh: &Shared, elapsed: f64, cpu: f64) {
    let h = sh.hist.lock().expect("histogram lock");
    let n = sh.ops.load(Ordering::Relaxed);
    let statements = h.len().max(1);
    println!(
        "{{\"ops_per_sec\":{:.1},\"p50_us\":{},\"p99_us\":{},\"ops\":{},\"errors\":{},\
         \"rows_per_op\":{:.2},\"client_cpu_s\":{:.3},\"elapsed_s\":{:.3}}}",
        n as f64 / elapsed,
        h.value_at_quantile(0.5),
        h.value_at_quantile(0.99),
        n,
        sh.errors.load(Ordering::Relaxed),
        sh.rows.load(Ordering::Relaxed) as f64 / statements as f64,
        cpu,
        elapsed
    );
}

fn micros(t: Instant) -> u64 {
    t.elapsed().as_micros().max(1) as u64
}

async fn select_client(
    args: &Args,
    opts: &Opts,
    raw: &Option<Arc<raw::RawClient>>,
    sh: &Shared,
    local: &mut Histogram<u64>,
) {
    let (mut conn, mut raw_conn) = (None, None);
    while !sh.stop.load(Ordering::Relaxed) {
        let t = Instant::now();
        let ok = match raw {
            Some(rc) if args.connect_per_query => rc.once().await.is_ok(),
            Some(rc) => raw_persistent(rc, &mut raw_conn).await.is_ok(),
            None => one_op(args, opts, &mut conn).await,
        };
        if ok {
            let _ = local.record(micros(t));
            sh.ops.fetch_add(1, Ordering::Relaxed);
        } else {
            sh.errors.fetch_add(1, Ordering::Relaxed);
            conn = None;
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    if let Some(c) = conn {
        let _ = c.disconnect().await;
    }
    if let Some(c) = raw_conn {
        c.quit().await;
    }
}

/// `--raw-persistent`: the client's query on its connection (opened when missing).
async fn raw_persistent(rc: &raw::RawClient, conn: &mut Option<raw::Conn>) -> Result<u64, String> {
    if conn.is_none() {
        *conn = Some(rc.open().await?);
    }
    let Some(c) = conn.as_mut() else {
        return Err("no connection".into());
    };
    let r = c.query(&rc.query).await;
    if r.is_err() {
        *conn = None;
    }
    r
}

/// `api`: SEARCH frames round-robin on a persistent API connection.
async fn api_client(
    args: &Args,
    frames: &[Vec<u8>],
    client: usize,
    sh: &Shared,
    local: &mut Histogram<u64>,
) {
    let mut conn: Option<api::ApiConn> = None;
    let mut i = client * frames.len() / args.concurrency.max(1);
    while !sh.stop.load(Ordering::Relaxed) {
        let t = Instant::now();
        if conn.is_none() {
            match api::ApiConn::connect(args.port).await {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    failed(sh, &e);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        match c.search(&frames[i % frames.len()]).await {
            Ok(n) => {
                let _ = local.record(micros(t));
                sh.ops.fetch_add(1, Ordering::Relaxed);
                sh.rows.fetch_add(n, Ordering::Relaxed);
            }
            Err(e) => {
                conn = None;
                failed(sh, &e);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        i += 1;
    }
}

/// Runs `statement` on a persistent connection (opened when missing): its row count.
async fn persistent(
    args: &Args,
    conn: &mut Option<raw::Conn>,
    statement: &str,
) -> Result<u64, String> {
    if conn.is_none() {
        *conn = Some(raw::Conn::connect(args.port, &args.user, &args.password).await?);
    }
    let Some(c) = conn.as_mut() else {
        return Err("no connection".into());
    };
    let r = c.query(statement).await;
    if r.is_err() {
        *conn = None;
    }
    r
}

fn failed(sh: &Shared, e: &str) {
    if sh.errors.fetch_add(1, Ordering::Relaxed) < 3 {
        eprintln!("\nload: {}", e.chars().take(300).collect::<String>());
    }
}

async fn query_client(
    args: &Args,
    q: &[String],
    client: usize,
    sh: &Shared,
    local: &mut Histogram<u64>,
) {
    let mut conn = None;
    let mut i = client * q.len() / args.concurrency.max(1);
    while !sh.stop.load(Ordering::Relaxed) {
        let t = Instant::now();
        match persistent(args, &mut conn, &q[i % q.len()]).await {
            Ok(rows) => {
                let _ = local.record(micros(t));
                sh.ops.fetch_add(1, Ordering::Relaxed);
                sh.rows.fetch_add(rows, Ordering::Relaxed);
            }
            Err(e) => {
                failed(sh, &e);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        i += 1;
    }
}

async fn insert_client(
    args: &Args,
    batches: &[(String, u64)],
    sh: &Shared,
    local: &mut Histogram<u64>,
) {
    let mut conn = None;
    loop {
        let i = sh.next.fetch_add(1, Ordering::Relaxed);
        let Some((sql, docs)) = batches.get(i) else {
            break;
        };
        let t = Instant::now();
        match persistent(args, &mut conn, sql).await {
            Ok(_) => {
                let _ = local.record(micros(t));
                sh.ops.fetch_add(*docs, Ordering::Relaxed);
            }
            Err(e) => failed(sh, &e),
        }
    }
}

/// The shared raw client when `--raw` is given.
fn raw_client(a: &Args) -> Result<Option<Arc<raw::RawClient>>, String> {
    if !a.raw {
        return Ok(None);
    }
    let tls = if a.tls {
        Some(Arc::new(raw::connector(a.ca.as_deref())?))
    } else {
        None
    };
    Ok(Some(Arc::new(raw::RawClient {
        port: a.port,
        user: a.user.clone(),
        password: a.password.clone(),
        query: a.query.clone(),
        tls,
    })))
}

async fn one_op(args: &Args, opts: &Opts, conn: &mut Option<mysql_async::Conn>) -> bool {
    if conn.is_none() {
        match mysql_async::Conn::new(opts.clone()).await {
            Ok(c) => *conn = Some(c),
            Err(_) => return false,
        }
    }
    let Some(c) = conn.as_mut() else { return false };
    let ok = c.query_drop(&args.query).await.is_ok();
    if args.connect_per_query {
        if let Some(c) = conn.take() {
            let _ = c.disconnect().await;
        }
    }
    ok
}

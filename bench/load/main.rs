//! The benchmark load driver: a fixed number of concurrent clients for a fixed time
//! against a MySQL-protocol server, with a latency histogram.
//!
//! ```text
//! cargo bench --bench load -- mysql --port 9306 [--tls --ca certs/ca-cert.pem]
//!     [--compress] [--connect-per-query] [--concurrency 8] [--seconds 10]
//!     [--query 'SELECT 1'] [--user U --password P] [--raw]
//! ```
//! `--raw` (implies `--connect-per-query`) uses the minimal client of `raw.rs`, which
//! shares one TLS context across connections instead of building one per connection.
//! Prints one JSON line: `{"ops_per_sec":..,"p50_us":..,"p99_us":..,"ops":..,"errors":..}`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use mysql_async::prelude::Queryable;
use mysql_async::{Opts, OptsBuilder, SslOpts};

mod raw;

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
    };
    let mut it = std::env::args().skip(1).filter(|s| s != "--bench");
    let mode = it.next().unwrap_or_default();
    if mode != "mysql" {
        return Err(format!("unknown mode '{mode}' (expected: mysql)"));
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
            "--concurrency" => {
                a.concurrency = val()?.parse().map_err(|e| format!("--concurrency: {e}"))?
            }
            "--seconds" => a.seconds = val()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--query" => a.query = val()?,
            "--user" => a.user = val()?,
            "--password" => a.password = val()?,
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

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => Arc::new(a),
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(2);
        }
    };
    let opts = opts(&args);
    let raw_client = match raw_client(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(2);
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let ops = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let hist = Arc::new(Mutex::new(
        Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds"),
    ));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let raw_client = raw_client.clone();
        let (args, opts, stop, ops, errors, hist) = (
            Arc::clone(&args),
            opts.clone(),
            Arc::clone(&stop),
            Arc::clone(&ops),
            Arc::clone(&errors),
            Arc::clone(&hist),
        );
        tasks.push(tokio::spawn(async move {
            let mut local =
                Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds");
            let mut conn = None;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let ok = match &raw_client {
                    Some(rc) => rc.once().await.is_ok(),
                    None => one_op(&args, &opts, &mut conn).await,
                };
                if ok {
                    let _ = local.record(t.elapsed().as_micros().max(1) as u64);
                    ops.fetch_add(1, Ordering::Relaxed);
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                    conn = None;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
            if let Some(c) = conn {
                let _ = c.disconnect().await;
            }
            let _ = hist.lock().map(|mut h| h.add(&local));
        }));
    }
    let total = Duration::from_secs(args.seconds);
    while start.elapsed() < total {
        tokio::time::sleep(Duration::from_secs(1).min(total)).await;
        eprint!(
            "\r  {:>3}s  {} ops  {} errors",
            start.elapsed().as_secs(),
            ops.load(Ordering::Relaxed),
            errors.load(Ordering::Relaxed)
        );
    }
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    eprintln!();
    let elapsed = start.elapsed().as_secs_f64();
    let h = hist.lock().expect("histogram lock");
    let n = ops.load(Ordering::Relaxed);
    println!(
        "{{\"ops_per_sec\":{:.1},\"p50_us\":{},\"p99_us\":{},\"ops\":{},\"errors\":{}}}",
        n as f64 / elapsed,
        h.value_at_quantile(0.5),
        h.value_at_quantile(0.99),
        n,
        errors.load(Ordering::Relaxed)
    );
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

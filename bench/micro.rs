//! Criterion micro-benchmarks of the engine's hot paths, through public APIs only:
//!
//! - `tokenize`: [`Table::keywords`] (split, case-fold, normalize) on dictionary-like
//!   text, per entry;
//! - `query_parse`: [`Reader::search`] on an empty table, which parses and binds the
//!   full-text query and finds no segment to run it on;
//! - `sql_parse`: [`searchd::sql::parse`] of the search benchmark's statement;
//! - `and_2terms`: a two-term AND (`alpha beta`, ranker none) over a synthetic table of
//!   50,000 documents built with [`Table::write`], where the terms are in 1/2 and 1/3
//!   of the documents (16,667 matches), and with a rare term (1/500);
//! - `mysql_err_packet`: [`searchd::mysql::maxed_out_packet`], an ERR packet framed;
//! - `http_search`: the `/search` handler ([`searchd::http::serve_json`]) on the demo
//!   table of `sql/demo.sql`, with the body of figures 6 and 7 (`bench/run`): plan,
//!   search, rows and the JSON answer, without the network or HTTP.
//!
//! ```text
//! cargo bench --bench micro                 # all
//! cargo bench --bench micro -- and_2terms   # those whose name contains the filter
//! ```

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use searchd::engine::{
    Attr, AttrType, AttrValue, Document, Field, MatchOptions, Ranker, Schema, Table, TableSettings,
    WriteMode,
};

/// A deterministic xorshift generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// `n` distinct lowercase words of 2 to 11 letters.
fn vocabulary(n: usize) -> Vec<String> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut words = std::collections::BTreeSet::new();
    while words.len() < n {
        let r = rng.next();
        let len = 2 + (r % 10) as usize;
        let w: String = (0..len)
            .map(|i| (b'a' + ((r >> (i * 5 + 4)) % 26) as u8) as char)
            .collect();
        words.insert(w);
    }
    words.into_iter().collect()
}

/// Dictionary-entry-like text: a capitalised headword, a part of speech, numbered
/// senses of Zipf-distributed words with punctuation, an etymology in brackets.
fn entries(count: usize) -> Vec<String> {
    let vocab = vocabulary(20_000);
    let mut rng = Rng(42);
    let word = |rng: &mut Rng| {
        // Zipf-like: the rank is the square of a uniform draw, so low ranks dominate
        let u = (rng.next() % 1000) as usize;
        vocab[u * u * (vocab.len() - 1) / (999 * 999)].as_str()
    };
    (0..count)
        .map(|_| {
            let head = word(&mut rng).to_string();
            let mut t = format!("{}{} (n.) ", head[..1].to_uppercase(), &head[1..]);
            for sense in 1..=(1 + rng.next() % 4) {
                t.push_str(&format!("{sense}. "));
                for i in 0..(8 + rng.next() % 24) {
                    t.push_str(word(&mut rng));
                    t.push_str(if i % 7 == 6 { ", " } else { " " });
                }
                t.push_str("; as, the ");
                t.push_str(&head);
                t.push_str(". ");
            }
            t.push_str(&format!(
                "[OE. {}, fr. L. {}.]",
                word(&mut rng),
                word(&mut rng)
            ));
            t
        })
        .collect()
}

fn schema() -> Schema {
    Schema {
        fields: vec![Field {
            name: "body".into(),
            indexed: true,
            stored: false,
        }],
        attrs: vec![Attr {
            name: "n".into(),
            ty: AttrType::Uint,
        }],
    }
}

fn table(name: &str) -> Table {
    Table::new(name, schema(), TableSettings::default()).expect("table")
}

fn tokenize(c: &mut Criterion) {
    let t = table("tok");
    let texts = entries(200);
    let bytes: usize = texts.iter().map(String::len).sum();
    let words: usize = texts.iter().map(|x| t.keywords(x).len()).sum();
    assert!(words > 10_000, "the sample text tokenizes to {words} words");
    let mut g = c.benchmark_group("tokenize");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("keywords_200_entries", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|x| t.keywords(black_box(x)).len())
                .sum::<usize>()
        })
    });
    g.finish();
}

const QUERIES: [&str; 6] = [
    "bag",
    "water light",
    "\"open sea\"~3",
    "(cat | dog) -mouse",
    "@body river NEAR/2 bank",
    "^start middle end$ << after",
];

fn query_parse(c: &mut Criterion) {
    let t = table("parse");
    let r = t.reader();
    let opts = MatchOptions::default();
    for q in QUERIES {
        let m = r.search(q, &opts).unwrap_or_else(|e| panic!("{q}: {e}"));
        assert!(m.hits.is_empty());
    }
    c.bench_function("query_parse/6_queries", |b| {
        b.iter(|| {
            for q in QUERIES {
                let _ = black_box(r.search(black_box(q), &opts));
            }
        })
    });
    let sql = "SELECT id, WEIGHT() FROM products WHERE MATCH('water light') LIMIT 20";
    assert_eq!(searchd::sql::parse(sql).map(|v| v.len()).ok(), Some(1));
    c.bench_function("sql_parse/select_match", |b| {
        b.iter(|| searchd::sql::parse(black_box(sql)).map(|v| v.len()))
    });
}

/// 50,000 documents: `alpha` in every 2nd, `beta` in every 3rd, `rare` in every
/// 500th, and ten filler words from a 5,000-word vocabulary; written in batches of
/// 1,000, then merged.
fn and_table() -> Table {
    let t = table("and");
    let vocab = vocabulary(5_000);
    let mut rng = Rng(7);
    for start in (1..=50_000u64).step_by(1000) {
        let docs = (start..start + 1000)
            .map(|id| {
                let mut words: Vec<&str> = (0..10)
                    .map(|_| vocab[(rng.next() % 5000) as usize].as_str())
                    .collect();
                for (every, w) in [(2, "alpha"), (3, "beta"), (500, "rare")] {
                    if id % every == 0 {
                        words.push(w);
                    }
                }
                Document {
                    id,
                    fields: vec![words.join(" ")],
                    attrs: vec![AttrValue::Int(id as i64)],
                }
            })
            .collect();
        t.write(docs, WriteMode::Insert).expect("write");
    }
    t.wait_merges();
    t
}

fn and_2terms(c: &mut Criterion) {
    let t = and_table();
    let r = t.reader();
    let opts = MatchOptions {
        ranker: Ranker::None,
        ..MatchOptions::default()
    };
    let count = |q: &str| r.search(q, &opts).map(|m| m.hits.len()).unwrap_or(0);
    assert_eq!(count("alpha beta"), 50_000 / 6);
    assert_eq!(count("alpha rare"), 50_000 / 500);
    let mut g = c.benchmark_group("and_2terms");
    g.sample_size(30);
    for q in ["alpha beta", "alpha rare"] {
        g.bench_function(q.replace(' ', "_"), |b| {
            b.iter(|| r.search(black_box(q), &opts).map(|m| m.hits.len()))
        });
    }
    g.finish();
}

fn mysql_codec(c: &mut Criterion) {
    let msg = "Too many connections";
    let p = searchd::mysql::maxed_out_packet(msg);
    // 4-byte header, 0xff, error 1040, '#', SQLSTATE, message
    assert_eq!(p.len(), 4 + 1 + 2 + 1 + 5 + msg.len());
    assert_eq!(&p[4..7], &[0xff, 0x10, 0x04]);
    c.bench_function("mysql_err_packet", |b| {
        b.iter(|| searchd::mysql::maxed_out_packet(black_box(msg)))
    });
}

/// The SQL statements of a script (one per line or run of lines ending in `;`;
/// `--` comments dropped).
fn statements(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in script.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("--") {
            continue;
        }
        cur.push_str(line);
        cur.push(' ');
        if line.ends_with(';') {
            out.push(std::mem::take(&mut cur));
        }
    }
    out
}

fn http_search(c: &mut Criterion) {
    use searchd::service::{ServerState, Service, Session};
    use std::sync::Arc;
    let state = ServerState::new(
        searchd::config::Searchd::default(),
        searchd::tls::TlsState::Unusable {
            reason: "benchmark".into(),
        },
    );
    let service: Arc<dyn Service> = Arc::new(searchd::sql::SqlService::new(Arc::new(state)));
    let mut session = Session::new(1, "mysql");
    let script = include_str!("../sql/demo.sql");
    for stmt in statements(script) {
        for r in service.query(&mut session, &stmt) {
            r.unwrap_or_else(|e| panic!("{stmt}: {e:?}"));
        }
    }
    let body = bytes::Bytes::from_static(
        br#"{"table":"demo","query":{"match":{"title":"bag"}},"limit":5}"#,
    );
    let (status, answer) =
        searchd::http::serve_json(Arc::clone(&service), false, "/search", "", body.clone());
    assert_eq!(status, 200);
    let text = String::from_utf8_lossy(&answer);
    assert!(text.contains(r#""total":3"#), "{text}");
    c.bench_function("http_search", |b| {
        b.iter(|| {
            searchd::http::serve_json(Arc::clone(&service), false, "/search", "", body.clone())
        })
    });
}

criterion_group!(
    benches,
    tokenize,
    query_parse,
    and_2terms,
    mysql_codec,
    http_search
);
criterion_main!(benches);

//! Micro-benchmarks of the write and search paths (run with
//! `cargo test --release --lib engine::bench -- --ignored --nocapture`). They print
//! timings and assert only results, never times. `memory_by_structure` loads the
//! search benchmark's corpus (`bench/corpus-data/docs.tsv`, built by
//! `bench/corpus.py`) when it is there. `bench_stored_text_reads` reads the texts of
//! 20 documents in different blocks, in memory and in a file, without and with the
//! docstore cache.

use super::*;
use std::time::Instant;

/// A deterministic pseudo-random word list of `n` distinct words.
fn dictionary(n: usize) -> Vec<String> {
    let letters = b"abcdefghijklmnopqrstuvwxyz";
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut words = std::collections::BTreeSet::new();
    while words.len() < n {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = 3 + (state % 8) as usize;
        let w: String = (0..len)
            .map(|i| letters[((state >> (i * 5)) % 26) as usize] as char)
            .collect();
        words.insert(w);
    }
    words.into_iter().collect()
}

fn table() -> Arc<Table> {
    let c = Catalog::new();
    let schema = Schema {
        fields: vec![Field {
            name: "title".into(),
            indexed: true,
            stored: true,
        }],
        attrs: vec![Attr {
            name: "n".into(),
            ty: AttrType::Uint,
        }],
    };
    c.create("b", schema, TableSettings::default(), false)
        .unwrap();
    c.get("b").unwrap()
}

fn doc(id: u64, words: &[String]) -> Document {
    let w = |k: u64| words[(id.wrapping_mul(k) % words.len() as u64) as usize].clone();
    Document {
        id,
        fields: vec![format!("{} {} {}", w(1), w(7), w(13))],
        attrs: vec![AttrValue::Int(id as i64)],
    }
}

#[test]
#[ignore]
fn bench_insert_and_search() {
    let words = dictionary(126_000);
    let t = table();
    let start = Instant::now();
    for id in 1..=100_000u64 {
        t.write(vec![doc(id, &words)], WriteMode::Insert).unwrap();
    }
    let el = start.elapsed();
    println!(
        "100k single-doc inserts: {el:?} ({:.0}/s)",
        100_000.0 / el.as_secs_f64()
    );

    let t2 = table();
    let start = Instant::now();
    for batch in 0..126u64 {
        let docs = (1..=1000).map(|i| doc(batch * 1000 + i, &words)).collect();
        t2.write(docs, WriteMode::Insert).unwrap();
    }
    let el = start.elapsed();
    println!(
        "126k docs in 1000-doc batches: {el:?} ({:.0}/s)",
        126_000.0 / el.as_secs_f64()
    );

    t2.wait_merges();
    println!("merges settled after {:?}", start.elapsed());
    let r = t2.reader();
    let opts = MatchOptions::default();
    let start = Instant::now();
    let mut found = 0;
    for i in 0..10_000usize {
        found += r
            .search(&words[(i * 37) % words.len()], &opts)
            .unwrap()
            .hits
            .len();
    }
    let el = start.elapsed();
    println!(
        "10k one-term searches: {el:?} ({:.0}/s), {found} hits",
        10_000.0 / el.as_secs_f64()
    );
    let start = Instant::now();
    for i in 0..10_000usize {
        let q = format!(
            "{} | {}",
            words[(i * 37) % words.len()],
            words[(i * 91) % words.len()]
        );
        found += r.search(&q, &opts).unwrap().hits.len();
    }
    let el = start.elapsed();
    println!(
        "10k two-term searches: {el:?} ({:.0}/s)",
        10_000.0 / el.as_secs_f64()
    );
    assert!(found > 0);
    assert_eq!(r.len(), 126_000);
}

/// The documents of the search benchmark's corpus (id, title, body, price,
/// category per line), when it has been built.
fn bench_corpus() -> Option<Vec<Document>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/corpus-data/docs.tsv");
    let text = std::fs::read_to_string(path).ok()?;
    let docs = text
        .lines()
        .filter_map(|line| {
            let mut cols = line.split('\t');
            let id = cols.next()?.parse().ok()?;
            let (title, body) = (cols.next()?, cols.next()?);
            let price = cols.next()?.parse().ok()?;
            Some(Document {
                id,
                fields: vec![title.to_string(), body.to_string()],
                attrs: vec![
                    AttrValue::Int(price),
                    AttrValue::Str(cols.next()?.to_string()),
                ],
            })
        })
        .collect();
    Some(docs)
}

#[test]
#[ignore]
fn memory_by_structure() {
    let Some(docs) = bench_corpus() else {
        println!("no corpus: run bench/corpus.py bench/corpus-data first");
        return;
    };
    let field = |name: &str| Field {
        name: name.into(),
        indexed: true,
        stored: true,
    };
    let attr = |name: &str, ty| Attr {
        name: name.into(),
        ty,
    };
    let schema = Schema {
        fields: vec![field("title"), field("body")],
        attrs: vec![
            attr("price", AttrType::Uint),
            attr("category", AttrType::String),
        ],
    };
    let t = Table::new("p", schema, TableSettings::default()).unwrap();
    let n = docs.len();
    let mut docs = docs.into_iter().peekable();
    while docs.peek().is_some() {
        let batch: Vec<Document> = docs.by_ref().take(1000).collect();
        t.write(batch, WriteMode::Insert).unwrap();
    }
    t.wait_merges();
    let report = t.memory_report();
    for (part, bytes) in &report {
        println!("{part:>14}: {:8.1} MB", *bytes as f64 / 1e6);
    }
    assert_eq!(t.reader().len(), n);
}

#[test]
#[ignore]
fn bench_stored_text_reads() {
    use index::docstore_cache::DocstoreCache;
    use index::{StoredText, StoredWriter};
    // 4,000 documents of about 1 KiB of text: about 250 blocks.
    let words = dictionary(20_000);
    let mut w = StoredWriter::new(1);
    let texts: Vec<String> = (0..4000u64)
        .map(|id| {
            let mut t = String::new();
            let mut k = 1u64;
            while t.len() < 1000 {
                t.push_str(&words[(id.wrapping_mul(k) % words.len() as u64) as usize]);
                t.push(' ');
                k += 7;
            }
            t
        })
        .collect();
    for t in &texts {
        w.push(std::iter::once(t.as_str()));
    }
    let mem = w.finish();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stored");
    std::fs::write(&path, mem.parts().1.all().unwrap()).unwrap();
    let file = Blob::File {
        file: Arc::new(std::fs::File::open(&path).unwrap()),
        at: 0,
        len: mem.parts().1.len() as u64,
    };
    let disk = StoredText::from_parts(mem.parts().0.clone(), file);
    // A result set: 20 documents 200 apart, each in a block of its own.
    let rows: Vec<u32> = (0..20).map(|i| i * 200 + 3).collect();
    const QUERIES: u32 = 5_000;
    for (name, s) in [("memory", &mem), ("disk chunk", &disk)] {
        for bytes in [0, 16 << 20] {
            let shared = DocstoreCache::new(bytes);
            let start = Instant::now();
            let mut total = 0;
            for _ in 0..QUERIES {
                let mut cache = TextCache::default();
                for &r in &rows {
                    total += s.fields_through(r, 1, &mut cache, &shared)[0].len();
                }
            }
            let el = start.elapsed();
            println!(
                "{name}, docstore cache {bytes:>8} bytes: {:6.2} us per 20 documents",
                el.as_secs_f64() * 1e6 / f64::from(QUERIES)
            );
            let want: usize = rows.iter().map(|&r| texts[r as usize].len()).sum();
            assert_eq!(total, want * QUERIES as usize);
        }
    }
}

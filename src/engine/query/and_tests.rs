//! The AND of plain keywords reads the frequent ones only at the documents the
//! rarer ones leave (seeking over their postings): it must find what
//! intersecting the whole lists finds, with the same weights.

use crate::engine::*;

fn field(name: &str) -> Field {
    Field {
        name: name.into(),
        indexed: true,
        stored: true,
    }
}

/// Words with document frequencies from every document to one in 400: `wN`
/// is in the documents whose number `N` divides, in the title when the number is
/// even and in the body otherwise.
fn text_of(n: u64, title: bool) -> String {
    [1u64, 2, 3, 7, 130, 400]
        .iter()
        .filter(|&&k| n.is_multiple_of(k) && n.is_multiple_of(2) == title)
        .map(|k| format!("w{k}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn table() -> std::sync::Arc<Table> {
    let catalog = Catalog::new();
    let schema = Schema {
        fields: vec![field("title"), field("body")],
        attrs: Vec::new(),
    };
    catalog
        .create("t", schema, TableSettings::default(), false)
        .unwrap();
    let table = catalog.get("t").unwrap();
    for batch in 0..3u64 {
        let docs = (1 + batch * 1000..=(batch + 1) * 1000)
            .map(|n| Document {
                id: n,
                fields: vec![text_of(n, true), text_of(n, false)],
                attrs: Vec::new(),
            })
            .collect();
        table.write(docs, WriteMode::Insert).unwrap();
    }
    table.wait_merges();
    // Some deleted documents, among them matches of every word.
    let dead: Vec<u64> = (1..=3000).filter(|n| n % 11 == 0).collect();
    table.delete(&dead);
    table
}

/// (id, weight) of every match, by id.
fn matches(table: &Table, q: &str, ranker: Ranker) -> Vec<(u64, i64)> {
    let opts = MatchOptions {
        ranker,
        ..MatchOptions::default()
    };
    let reader = table.reader();
    let m = reader.search(q, &opts).unwrap();
    let mut out: Vec<(u64, i64)> = m.hits.iter().map(|h| (h.doc.id, h.weight)).collect();
    out.sort_unstable();
    out
}

fn ids(table: &Table, q: &str) -> Vec<u64> {
    matches(table, q, Ranker::None)
        .into_iter()
        .map(|m| m.0)
        .collect()
}

#[test]
fn and_of_keywords_finds_the_intersection() {
    let t = table();
    let words = ["w1", "w2", "w3", "w7", "w130", "w400", "nothing"];
    for a in words {
        for b in words {
            let of_b = ids(&t, b);
            let both: Vec<u64> = ids(&t, a)
                .into_iter()
                .filter(|id| of_b.binary_search(id).is_ok())
                .collect();
            assert_eq!(ids(&t, &format!("{a} {b}")), both, "{a} {b}");
        }
    }
    // Field limits and NOT apply to the seeking side too.
    let title_only: Vec<u64> = (1..=3000)
        .filter(|n| n % 11 != 0 && n % 2 == 0 && n % 130 == 0)
        .collect();
    assert_eq!(ids(&t, "@title (w1 w130)"), title_only);
    assert_eq!(ids(&t, "w130 @body w1"), Vec::<u64>::new());
    let not3: Vec<u64> = (1..=3000)
        .filter(|n| n % 11 != 0 && n % 130 == 0 && n % 3 != 0)
        .collect();
    assert_eq!(ids(&t, "w1 w130 -w3"), not3);
    let grouped: Vec<u64> = (1..=3000)
        .filter(|n| n % 11 != 0 && n % 2 == 0 && (n % 130 == 0 || n % 400 == 0))
        .collect();
    assert_eq!(ids(&t, "w1 (w130 | w400) w2"), grouped);
}

#[test]
fn the_seeking_side_brings_its_hits() {
    let t = table();
    // Each word is once in each document it is in: two hits per match, the
    // frequent word's read where it was sought.
    let found = matches(&t, "w2 w130", Ranker::Wordcount);
    let want: Vec<(u64, i64)> = (1..=3000)
        .filter(|n| n % 11 != 0 && n % 130 == 0 && n % 2 == 0)
        .map(|n| (n, 2))
        .collect();
    assert_eq!(found, want);
    // The rare word's proximity to the frequent one counts too: `w2 ... w130`
    // adjacent in the title of 260 and 2340 only when `w3` and `w7` are not
    // between them.
    let prox = matches(&t, "w2 w130", Ranker::Proximity);
    let adjacent = |n: u64| !n.is_multiple_of(3) && !n.is_multiple_of(7);
    for (id, w) in prox {
        assert_eq!(w, if adjacent(id) { 2 } else { 1 }, "document {id}");
    }
}

//! End-to-end tests of the engine through its public API.

use super::*;
use std::sync::Arc;

fn field(name: &str) -> Field {
    Field {
        name: name.into(),
        indexed: true,
        stored: true,
    }
}

fn table_with(settings: TableSettings, docs: &[(u64, &str, &str)]) -> Arc<Table> {
    let catalog = Catalog::new();
    let schema = Schema {
        fields: vec![field("title"), field("body")],
        attrs: vec![Attr {
            name: "n".into(),
            ty: AttrType::Uint,
        }],
    };
    catalog.create("t", schema, settings, false).unwrap();
    let table = catalog.get("T").unwrap();
    for (id, title, body) in docs {
        let doc = Document {
            id: *id,
            fields: vec![title.to_string(), body.to_string()],
            attrs: vec![AttrValue::Int(*id as i64)],
        };
        table.write(vec![doc], WriteMode::Insert).unwrap();
    }
    table
}

const CORPUS: &[(u64, &str, &str)] = &[
    (1, "hello world", "the quick brown fox"),
    (2, "hello there", "lazy dog jumps over the fox"),
    (3, "world news", "brown dog and quick cat"),
    (4, "goodbye", "hello my dear world"),
    (5, "fox", "world hello"),
];

fn corpus() -> Arc<Table> {
    table_with(
        TableSettings {
            min_prefix_len: 2,
            ..TableSettings::default()
        },
        CORPUS,
    )
}

fn ids(table: &Table, q: &str) -> Vec<u64> {
    let reader = table.reader();
    let m = reader.search(q, &MatchOptions::default()).unwrap();
    let mut ids: Vec<u64> = m.hits.iter().map(|h| h.doc.id).collect();
    ids.sort_unstable();
    ids
}

fn err(table: &Table, q: &str) -> String {
    table
        .reader()
        .search(q, &MatchOptions::default())
        .unwrap_err()
        .0
}

#[test]
fn boolean_operators() {
    let t = corpus();
    assert_eq!(ids(&t, "hello"), vec![1, 2, 4, 5]);
    assert_eq!(ids(&t, "hello world"), vec![1, 4, 5]);
    assert_eq!(ids(&t, "goodbye | news"), vec![3, 4]);
    assert_eq!(ids(&t, "hello -world"), vec![2]);
    assert_eq!(ids(&t, "hello !fox"), vec![4]);
    assert_eq!(ids(&t, "(quick | lazy) dog"), vec![2, 3]);
    assert_eq!(ids(&t, "nothing"), Vec::<u64>::new());
    assert_eq!(ids(&t, ""), vec![1, 2, 3, 4, 5]);
    assert_eq!(ids(&t, "hello MAYBE dear"), vec![1, 2, 4, 5]);
}

#[test]
fn phrase_proximity_quorum_near() {
    let t = corpus();
    assert_eq!(ids(&t, "\"hello world\""), vec![1]);
    assert_eq!(ids(&t, "\"world hello\""), vec![5]);
    assert_eq!(ids(&t, "\"hello world\"~2"), vec![1, 5]);
    assert_eq!(ids(&t, "\"hello world\"~3"), vec![1, 4, 5]);
    assert_eq!(ids(&t, "\"quick fox\"~2"), vec![1]);
    assert_eq!(ids(&t, "\"quick fox\"~1"), Vec::<u64>::new());
    assert_eq!(ids(&t, "\"dog quick cat fox\"/3"), vec![3]);
    assert_eq!(ids(&t, "\"dog quick cat fox\"/0.5"), vec![1, 2, 3]);
    assert_eq!(ids(&t, "dog NEAR/1 quick"), Vec::<u64>::new());
    assert_eq!(ids(&t, "brown NEAR/1 dog"), vec![3]);
    assert_eq!(ids(&t, "lazy NEAR/5 fox"), vec![2]);
    assert_eq!(ids(&t, "lazy NEAR/4 fox"), Vec::<u64>::new());
    // A chain holds in one field, its neighbours (by position) within the distance.
    assert_eq!(ids(&t, "quick NEAR/1 fox NEAR/1 brown"), vec![1]);
    assert_eq!(ids(&t, "the NEAR/1 fox NEAR/1 brown"), Vec::<u64>::new());
    assert_eq!(ids(&t, "jumps NEAR/1 lazy NEAR/1 dog"), vec![2]);
    assert_eq!(ids(&t, "hello NEAR/1 fox NEAR/1 world"), Vec::<u64>::new());
    assert_eq!(ids(&t, "hello NEAR/1 hello"), Vec::<u64>::new());
    assert_eq!(ids(&t, "fox NOTNEAR/2 quick"), vec![2, 5]);
    assert_eq!(ids(&t, "fox NOTNEAR/1 quick"), vec![1, 2, 5]);
}

#[test]
fn strict_order_and_phrase_gaps() {
    let t = corpus();
    assert_eq!(ids(&t, "hello << world"), vec![1, 4]);
    assert_eq!(ids(&t, "world << hello"), vec![5]);
    assert_eq!(ids(&t, "quick << brown << fox"), vec![1]);
    assert_eq!(ids(&t, "fox << quick"), Vec::<u64>::new());
    // The order holds within one field: a title word is not before a body word.
    assert_eq!(ids(&t, "fox << hello"), Vec::<u64>::new());
    assert_eq!(ids(&t, "(quick | lazy) << fox"), vec![1, 2]);
    assert_eq!(ids(&t, "\"quick * fox\""), vec![1]);
    assert_eq!(ids(&t, "\"hello * * world\""), vec![4]);
    assert_eq!(ids(&t, "\"hello * world\""), Vec::<u64>::new());
}

#[test]
fn field_limits_and_anchors() {
    let t = corpus();
    assert_eq!(ids(&t, "@title hello"), vec![1, 2]);
    assert_eq!(ids(&t, "@body hello"), vec![4, 5]);
    assert_eq!(ids(&t, "@!title fox"), vec![1, 2]);
    assert_eq!(ids(&t, "@(title,body) goodbye"), vec![4]);
    assert_eq!(ids(&t, "@title fox @body hello"), vec![5]);
    assert_eq!(ids(&t, "@* fox"), vec![1, 2, 5]);
    assert_eq!(ids(&t, "^hello"), vec![1, 2, 4]);
    assert_eq!(ids(&t, "world$"), vec![1, 4]);
    assert_eq!(ids(&t, "@body ^hello"), vec![4]);
    assert_eq!(ids(&t, "@body[2] world"), vec![5]);
    assert_eq!(ids(&t, "@body[4] world"), vec![4, 5]);
    assert_eq!(err(&t, "@price x"), "no field 'price' found in schema");
}

#[test]
fn wildcards_need_table_options() {
    let t = corpus();
    assert_eq!(ids(&t, "he*"), vec![1, 2, 4, 5]);
    assert_eq!(ids(&t, "qu*"), vec![1, 3]);
    let infix = table_with(
        TableSettings {
            min_infix_len: 2,
            ..TableSettings::default()
        },
        CORPUS,
    );
    assert_eq!(ids(&infix, "*ow*"), vec![1, 3]);
    assert_eq!(ids(&infix, "*ye"), vec![4]);
    let plain = table_with(TableSettings::default(), CORPUS);
    assert_eq!(ids(&plain, "he*"), Vec::<u64>::new());
}

#[test]
fn morphology_and_exact_forms() {
    let settings = TableSettings {
        morphology: "stem_en".into(),
        ..TableSettings::default()
    };
    let t = table_with(
        settings,
        &[(1, "running dogs", ""), (2, "run dog", ""), (3, "runs", "")],
    );
    assert_eq!(ids(&t, "running"), vec![1, 2, 3]);
    assert_eq!(ids(&t, "=running"), vec![1]);
    assert_eq!(ids(&t, "=dog"), vec![2]);
    assert_eq!(ids(&t, "\"run dog\""), vec![1, 2]);
    let forms = t.keywords("The Running, dogs!");
    let pairs: Vec<(u32, &str, &str)> = forms
        .iter()
        .map(|k| (k.qpos, k.tokenized.as_str(), k.normalized.as_str()))
        .collect();
    assert_eq!(
        pairs,
        vec![(1, "the", "the"), (2, "running", "run"), (3, "dogs", "dog")]
    );
    let prefixed = table_with(
        TableSettings {
            morphology: "stem_en".into(),
            min_prefix_len: 2,
            ..TableSettings::default()
        },
        &[(1, "running dogs", ""), (2, "run dog", ""), (3, "runs", "")],
    );
    assert_eq!(ids(&prefixed, "runn*"), vec![1]);
    assert_eq!(ids(&prefixed, "ru*"), vec![1, 2, 3]);
    let m = t.reader();
    let res = m.search("running =dogs", &MatchOptions::default()).unwrap();
    assert_eq!(
        res.keywords,
        vec![
            KeywordStat {
                keyword: "run".into(),
                docs: 3,
                hits: 3
            },
            KeywordStat {
                keyword: "=dogs".into(),
                docs: 1,
                hits: 1
            },
        ]
    );
}

#[test]
fn stopwords_and_min_word_len() {
    let settings = TableSettings {
        stopwords: vec!["the".into()],
        min_word_len: 3,
        ..TableSettings::default()
    };
    let t = table_with(settings, CORPUS);
    assert_eq!(ids(&t, "the"), Vec::<u64>::new());
    assert_eq!(ids(&t, "the fox"), vec![1, 2, 5]);
    assert_eq!(ids(&t, "my dear"), vec![4]);
    assert_eq!(ids(&t, "\"over the fox\""), vec![2]);
}

#[test]
fn syntax_errors_do_not_poison_the_table() {
    let t = corpus();
    assert_eq!(
        err(&t, "\"unclosed"),
        "P08: syntax error, unexpected $end near ''"
    );
    assert_eq!(
        err(&t, "hello )"),
        "P08: syntax error, unexpected ')' near ')'"
    );
    assert_eq!(
        err(&t, "-hello"),
        "query is non-computable (single NOT operator)"
    );
    assert_eq!(
        err(&t, "a | -b"),
        "query is non-computable (single NOT operator)"
    );
    assert_eq!(ids(&t, "hello"), vec![1, 2, 4, 5]);
}

#[test]
fn weights_and_rankers() {
    let t = corpus();
    let r = t.reader();
    let weight = |q: &str, opts: &MatchOptions| -> Vec<(u64, i64)> {
        let mut v: Vec<(u64, i64)> = r
            .search(q, opts)
            .unwrap()
            .hits
            .iter()
            .map(|h| (h.doc.id, h.weight))
            .collect();
        v.sort_unstable();
        v
    };
    let def = MatchOptions::default();
    let w = weight("hello world", &def);
    let of = |id: u64| w.iter().find(|x| x.0 == id).unwrap().1;
    assert!(of(1) > of(4), "adjacent words rank higher: {w:?}");
    assert!(of(1) >= 2000 && of(1) < 3000);
    let none = MatchOptions {
        ranker: Ranker::None,
        ..MatchOptions::default()
    };
    assert!(weight("hello", &none).iter().all(|x| x.1 == 1));
    let wc = MatchOptions {
        ranker: Ranker::Wordcount,
        ..MatchOptions::default()
    };
    assert_eq!(weight("world", &wc), vec![(1, 1), (3, 1), (4, 1), (5, 1)]);
    let fw = MatchOptions {
        ranker: Ranker::Wordcount,
        field_weights: vec![("title".into(), 10)],
    };
    assert_eq!(weight("world", &fw), vec![(1, 10), (3, 10), (4, 1), (5, 1)]);
    let stats = r.search("hello he*", &def).unwrap().keywords;
    assert_eq!(
        stats[0],
        KeywordStat {
            keyword: "hello".into(),
            docs: 4,
            hits: 4
        }
    );
    assert_eq!(stats[1].keyword, "he*");
}

#[test]
fn snapshot_isolation_and_visibility() {
    let t = corpus();
    let before = t.reader();
    t.write(
        vec![Document {
            id: 9,
            fields: vec!["hello".into(), "".into()],
            attrs: vec![],
        }],
        WriteMode::Insert,
    )
    .unwrap();
    assert_eq!(ids(&t, "hello"), vec![1, 2, 4, 5, 9]);
    assert_eq!(
        before
            .search("hello", &MatchOptions::default())
            .unwrap()
            .hits
            .len(),
        4
    );
    assert_eq!(t.delete(&[1, 2, 77]), 2);
    assert_eq!(ids(&t, "hello"), vec![4, 5, 9]);
    assert!(before.get(1).is_some());
    assert!(t.reader().get(1).is_none());
    assert_eq!(
        t.reader().get(9).unwrap().attrs.values(),
        &[AttrValue::Int(0)]
    );
}

#[test]
fn large_batches_indexed_in_halves_keep_every_rule() {
    let t = corpus();
    let doc = |id: u64, word: &str| Document {
        id,
        fields: vec![word.to_string(), "".into()],
        attrs: vec![AttrValue::Int(id as i64)],
    };
    // 600 documents (split over two threads), auto ids, an existing id replaced
    // (1) and an id given twice in the batch (the last one wins).
    let mut batch: Vec<Document> = (0..598).map(|i| doc(0, &format!("bulk k{i}"))).collect();
    batch.push(doc(1, "early"));
    batch.push(doc(1, "late"));
    let assigned = t.write(batch, WriteMode::Replace).unwrap();
    assert_eq!(assigned[..3], [6, 7, 8]);
    assert_eq!(assigned[597], 603);
    let r = t.reader();
    assert_eq!(r.docs().count(), 5 + 598);
    assert_eq!(ids(&t, "bulk").len(), 598);
    assert_eq!(ids(&t, "late"), vec![1]);
    assert!(ids(&t, "early").is_empty() && ids(&t, "quick").len() == 1);
    assert_eq!(ids(&t, "k597"), vec![603]);
    assert_eq!(ids(&t, "k0"), vec![6]);
    assert_eq!(r.get(300).unwrap().attrs.values(), &[AttrValue::Int(0)]);
    // An insert of an existing id fails as a whole: nothing of it is visible.
    let mut batch: Vec<Document> = (1000..1400).map(|id| doc(id, "more")).collect();
    batch.push(doc(500, "clash"));
    let err = t.write(batch, WriteMode::Insert).unwrap_err().0;
    assert_eq!(err, "duplicate id '500'");
    assert!(ids(&t, "more").is_empty());
}

#[test]
fn insert_replace_update() {
    let t = corpus();
    let dup = Document {
        id: 3,
        fields: vec!["x".into(), "".into()],
        attrs: vec![],
    };
    assert_eq!(
        t.write(vec![dup.clone()], WriteMode::Insert).unwrap_err().0,
        "duplicate id '3'"
    );
    t.write(vec![dup], WriteMode::Replace).unwrap();
    assert_eq!(ids(&t, "news"), Vec::<u64>::new());
    assert_eq!(ids(&t, "x"), vec![3]);
    let auto = Document {
        id: 0,
        fields: vec!["auto".into(), "".into()],
        attrs: vec![],
    };
    let assigned = t
        .write(vec![auto.clone(), auto], WriteMode::Insert)
        .unwrap();
    assert_eq!(assigned, vec![6, 7]);
    let before_update = t.reader();
    assert!(t.update(4, &[(0, AttrValue::Int(42))]).unwrap());
    assert_eq!(
        before_update.get(4).unwrap().attrs.values(),
        &[AttrValue::Int(4)]
    );
    assert!(!t.update(99, &[(0, AttrValue::Int(1))]).unwrap());
    let r = t.reader();
    assert_eq!(r.get(4).unwrap().attrs.values(), &[AttrValue::Int(42)]);
    assert_eq!(
        r.get(4).unwrap().fields.to_vec(),
        ["goodbye", "hello my dear world"]
    );
    let all: Vec<u64> = r.docs().map(|d| d.id).collect();
    assert_eq!(all, vec![1, 2, 3, 4, 5, 6, 7]);
    t.truncate();
    assert!(t.reader().is_empty());
    assert!(!r.is_empty());
}

#[test]
fn replace_batches_keep_the_last_copy_of_each_id() {
    let t = corpus();
    let doc = |id: u64, text: &str| Document {
        id,
        fields: vec![text.into(), "".into()],
        attrs: vec![AttrValue::Int(id as i64 * 10)],
    };
    // The first 0 gets id 6 (the next free one), which a later copy replaces.
    let ids_written = t
        .write(
            vec![
                doc(2, "first"),
                doc(0, "auto"),
                doc(2, "second"),
                doc(6, "six"),
            ],
            WriteMode::Replace,
        )
        .unwrap();
    assert_eq!(ids_written, vec![2, 6, 2, 6]);
    assert_eq!(ids(&t, "first | auto"), Vec::<u64>::new());
    assert_eq!(ids(&t, "second"), vec![2]);
    assert_eq!(ids(&t, "six"), vec![6]);
    let r = t.reader();
    assert_eq!(r.get(6).unwrap().fields.to_vec(), ["six", ""]);
    assert_eq!(r.get(6).unwrap().attrs.values(), &[AttrValue::Int(60)]);
    assert_eq!(r.len(), 6);
}

#[test]
fn alter_attributes() {
    let t = corpus();
    t.add_attr(Attr {
        name: "tag".into(),
        ty: AttrType::String,
    })
    .unwrap();
    let r = t.reader();
    assert_eq!(r.schema().attrs.len(), 2);
    assert_eq!(
        r.get(1).unwrap().attrs.values(),
        &[AttrValue::Int(1), AttrValue::Str(String::new())]
    );
    t.drop_attr("n").unwrap();
    assert_eq!(
        t.reader().get(1).unwrap().attrs.values(),
        &[AttrValue::Str(String::new())]
    );
    assert_eq!(
        t.drop_attr("n").unwrap_err().0,
        "attribute 'n' does not exist"
    );
    assert_eq!(r.get(1).unwrap().attrs.len(), 2);
}

#[test]
fn catalog() {
    let c = Catalog::new();
    c.create("Abc", Schema::default(), TableSettings::default(), false)
        .unwrap();
    assert!(!c
        .create("abc", Schema::default(), TableSettings::default(), true)
        .unwrap());
    assert_eq!(
        c.create("abc", Schema::default(), TableSettings::default(), false)
            .unwrap_err()
            .0,
        "table 'abc' already exists"
    );
    assert_eq!(c.names(), vec!["abc".to_string()]);
    let bad = TableSettings {
        charset_table: Some("a..".into()),
        ..TableSettings::default()
    };
    assert!(c.create("x", Schema::default(), bad, false).is_err());
    let wide = Schema {
        fields: (0..300).map(|i| field(&format!("f{i}"))).collect(),
        attrs: vec![],
    };
    assert_eq!(
        c.create("wide", wide, TableSettings::default(), false)
            .unwrap_err()
            .0,
        "too many full-text fields (300, max 256)"
    );
    assert!(c.drop_table("ABC", false).unwrap());
    assert!(!c.drop_table("abc", true).unwrap());
    assert!(c.get("abc").is_none());
}

#[test]
fn many_writes_merge_segments_correctly() {
    let t = table_with(TableSettings::default(), &[]);
    for i in 1..=300u64 {
        let text = format!("w{} common", i % 7);
        let doc = Document {
            id: i,
            fields: vec![text, String::new()],
            attrs: vec![],
        };
        t.write(vec![doc], WriteMode::Insert).unwrap();
        if i % 10 == 0 {
            t.delete(&[i - 5]);
        }
    }
    assert_eq!(t.reader().len(), 270);
    assert_eq!(ids(&t, "common").len(), 270);
    let w3: Vec<u64> = ids(&t, "w3");
    let expected: Vec<u64> = (1..=300u64).filter(|i| i % 7 == 3 && i % 10 != 5).collect();
    assert_eq!(w3, expected);
}

#[test]
fn concurrent_readers_and_writer() {
    let t = table_with(TableSettings::default(), &[]);
    let writer = {
        let t = t.clone();
        std::thread::spawn(move || {
            for i in 1..=500u64 {
                let doc = Document {
                    id: i,
                    fields: vec!["alpha beta".into(), String::new()],
                    attrs: vec![],
                };
                t.write(vec![doc], WriteMode::Insert).unwrap();
            }
        })
    };
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let t = t.clone();
            std::thread::spawn(move || {
                for _ in 0..200 {
                    let r = t.reader();
                    let n = r
                        .search("alpha beta", &MatchOptions::default())
                        .unwrap()
                        .hits
                        .len();
                    assert_eq!(n, r.len());
                }
            })
        })
        .collect();
    writer.join().unwrap();
    for r in readers {
        r.join().unwrap();
    }
    assert_eq!(ids(&t, "alpha").len(), 500);
}

/// Upstream's documented example: the weights and keyword stats of a quorum query.
#[test]
fn upstream_quorum_example_weights() {
    let t = table_with(
        TableSettings::default(),
        &[
            (1, "List of HP business laptops", "Elitebook Probook"),
            (
                2,
                "List of Dell business laptops",
                "Latitude Precision Vostro",
            ),
            (3, "List of Dell gaming laptops", "Inspirion Alienware"),
            (4, "Lenovo laptops list", "Yoga IdeaPad"),
            (5, "List of ASUS ultrabooks and laptops", "Zenbook Vivobook"),
        ],
    );
    let r = t.reader();
    let m = r
        .search("\"list of business laptops\"/3", &MatchOptions::default())
        .unwrap();
    let mut got: Vec<(u64, i64)> = m.hits.iter().map(|h| (h.doc.id, h.weight)).collect();
    got.sort_unstable();
    assert_eq!(got, vec![(1, 2397), (2, 2397), (3, 2375), (5, 2375)]);
    let stat = |k: &str, d: u64| KeywordStat {
        keyword: k.into(),
        docs: d,
        hits: d,
    };
    assert_eq!(
        m.keywords,
        vec![
            stat("list", 5),
            stat("of", 4),
            stat("business", 2),
            stat("laptops", 5)
        ]
    );
}

#[test]
fn background_merges_keep_deletes_and_updates() {
    let t = table_with(TableSettings::default(), &[]);
    for batch in 0..40u64 {
        let docs = (1..=1000)
            .map(|i| {
                let id = batch * 1000 + i;
                Document {
                    id,
                    fields: vec![format!("common w{}", id % 7), String::new()],
                    attrs: vec![AttrValue::Int(1)],
                }
            })
            .collect();
        t.write(docs, WriteMode::Insert).unwrap();
        // Deletes and updates land while merges may be running.
        let gone: Vec<u64> = (batch * 1000 + 1..=batch * 1000 + 1000)
            .filter(|i| i % 100 == 0)
            .collect();
        t.delete(&gone);
        t.update(batch * 1000 + 1, &[(0, AttrValue::Int(7))])
            .unwrap();
    }
    t.wait_merges();
    let r = t.reader();
    assert_eq!(r.len(), 40_000 - 400);
    assert_eq!(ids(&t, "common").len(), 39_600);
    let w3 = ids(&t, "w3");
    let expected: Vec<u64> = (1..=40_000u64)
        .filter(|i| i % 7 == 3 && i % 100 != 0)
        .collect();
    assert_eq!(w3, expected);
    assert_eq!(r.get(30_001).unwrap().attrs.values(), &[AttrValue::Int(7)]);
    assert_eq!(r.get(30_002).unwrap().attrs.values(), &[AttrValue::Int(1)]);
    assert!(r.get(30_100).is_none());
    let ordered: Vec<u64> = r.docs().map(|d| d.id).take(3).collect();
    assert_eq!(ordered, vec![1, 2, 3]);
}

/// Random queries built from operator fragments: each gives a result or an error,
/// never a panic.
#[test]
fn random_queries_never_panic() {
    let t = corpus();
    let r = t.reader();
    let parts = [
        "hello",
        "world",
        "fox",
        " ",
        "\"",
        "(",
        ")",
        "|",
        "-",
        "!",
        "@title",
        "@!body",
        "@(title,body)",
        "@*",
        "@nope",
        "~2",
        "/2",
        "/0.5",
        "*",
        "he*",
        "*ll*",
        "=",
        "^",
        "$",
        "\\",
        "NEAR/2",
        "NOTNEAR/1",
        "MAYBE",
        "[3]",
        "ж",
        "0",
        ".",
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..5000 {
        let mut q = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % 9) as usize;
        for k in 0..len {
            q.push_str(parts[((state >> (k * 6)) % parts.len() as u64) as usize]);
        }
        for ranker in [Ranker::ProximityBm25, Ranker::Sph04, Ranker::Matchany] {
            let opts = MatchOptions {
                ranker,
                ..MatchOptions::default()
            };
            if let Ok(m) = r.search(&q, &opts) {
                assert!(m.hits.iter().all(|h| (1..=5).contains(&h.doc.id)), "{q}");
            }
        }
    }
}

#[test]
fn changes_are_logged_with_assigned_ids_and_a_failed_log_aborts() {
    let log = Arc::new(MemoryStorage::default());
    let c = Catalog::with_storage(log.clone());
    let schema = Schema {
        fields: vec![field("title")],
        attrs: vec![],
    };
    c.create("t", schema, TableSettings::default(), false)
        .unwrap();
    let t = c.get("t").unwrap();
    let doc = Document {
        id: 0,
        fields: vec!["hi".into()],
        attrs: vec![],
    };
    t.write(vec![doc.clone()], WriteMode::Insert).unwrap();
    t.delete(&[1, 5]);
    t.delete(&[5]);
    let logged = Document { id: 1, ..doc };
    assert_eq!(
        log.entries(),
        vec![
            (
                "t".to_string(),
                LogOp::Write {
                    docs: vec![logged],
                    mode: WriteMode::Insert
                }
            ),
            ("t".to_string(), LogOp::Delete(vec![1, 5])),
        ]
    );

    struct Refusing;
    impl Storage for Refusing {
        fn append(&self, _: &str, _: &LogOp) -> Result<(), EngineError> {
            Err(EngineError::new("disk full"))
        }
    }
    let c = Catalog::with_storage(Arc::new(Refusing));
    c.create(
        "r",
        Schema {
            fields: vec![field("title")],
            attrs: vec![],
        },
        TableSettings::default(),
        false,
    )
    .unwrap();
    let r = c.get("r").unwrap();
    let doc = Document {
        id: 3,
        fields: vec!["hi".into()],
        attrs: vec![],
    };
    assert_eq!(
        r.write(vec![doc], WriteMode::Insert).unwrap_err().0,
        "disk full"
    );
    assert!(r.reader().is_empty());
}

#[test]
fn search_top_matches_a_full_sort() {
    let t = table_with(TableSettings::default(), &[]);
    // Batches with ids out of order, so some segments are not in id order, and
    // repeated words so weights tie.
    for batch in 0..6u64 {
        let docs = (0..40u64)
            .map(|i| {
                let id = match batch {
                    0..3 => (i * 37 + batch * 11) % 240 + 1 + batch * 1000,
                    _ => batch * 1000 + i + 1,
                };
                let text = match i % 3 {
                    0 => "common rare",
                    1 => "common common",
                    _ => "common",
                };
                Document {
                    id,
                    fields: vec![text.into(), "".into()],
                    attrs: vec![AttrValue::Int(0)],
                }
            })
            .collect();
        t.write(docs, WriteMode::Insert).unwrap();
    }
    t.delete(&[1012, 5001]);
    let r = t.reader();
    let opts = MatchOptions::default();
    for q in ["common", "rare | common", "nothing", ""] {
        let all = r.search(q, &opts).unwrap();
        let mut expected: Vec<(i64, u64)> =
            all.hits.iter().map(|h| (-h.weight, h.doc.id)).collect();
        expected.sort_unstable();
        for k in [0, 1, 7, 40, 1000] {
            let (top, total) = r.search_top(q, &opts, k).unwrap();
            let got: Vec<(i64, u64)> = top.hits.iter().map(|h| (-h.weight, h.doc.id)).collect();
            assert_eq!(got, expected[..k.min(expected.len())], "{q} {k}");
            assert_eq!(total, expected.len(), "{q}");
            assert_eq!(top.keywords, all.keywords, "{q}");
        }
    }
}

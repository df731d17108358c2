//! Recovery of a data_dir in process: tables, every kind of change, drop and
//! re-create, torn log tails.

use super::*;
use crate::engine::{
    Attr, AttrType, AttrValue, Document, Field, LogOp, Schema, Table, TableSettings, WriteMode,
};

fn opts(dir: &Path, flush: FlushMode) -> Options {
    Options {
        data_dir: dir.to_path_buf(),
        binlog_dir: Some(dir.join("binlog")),
        flush,
        max_log_size: 0,
    }
}

fn schema() -> Schema {
    Schema {
        fields: vec![Field {
            name: "title".into(),
            indexed: true,
            stored: true,
        }],
        attrs: vec![
            Attr {
                name: "price".into(),
                ty: AttrType::Uint,
            },
            Attr {
                name: "tags".into(),
                ty: AttrType::Multi64,
            },
        ],
    }
}

fn doc(id: u64, title: &str, price: i64) -> Document {
    Document {
        id,
        fields: vec![title.into()],
        attrs: vec![AttrValue::Int(price), AttrValue::Mva(vec![-5, id as i64])],
    }
}

/// Creates table `name` with `schema` in an opened data_dir and returns it.
fn create(db: &Opened, name: &str, schema: Schema) -> Arc<Table> {
    db.catalog
        .create(name, schema, TableSettings::default(), false)
        .unwrap();
    db.catalog.get(name).unwrap()
}

/// `id:title:price` of every document, by id.
fn rows(cat: &Catalog, table: &str) -> Vec<String> {
    let t = cat.get(table).expect("table exists");
    let r = t.reader();
    let mut out: Vec<String> = r
        .docs()
        .map(|d| format!("{}:{}:{:?}", d.id, d.fields.to_vec()[0], d.attrs[0]))
        .collect();
    out.sort();
    out
}

#[test]
fn every_change_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let o = opts(dir.path(), FlushMode::Strict);
    {
        let db = open(&o).unwrap();
        let cat = &db.catalog;
        cat.create("t", schema(), TableSettings::default(), false)
            .unwrap();
        let t = cat.get("t").unwrap();
        t.write(
            vec![doc(1, "one", 10), doc(2, "two", 20), doc(3, "three", 30)],
            WriteMode::Insert,
        )
        .unwrap();
        t.write(vec![doc(2, "TWO", 21)], WriteMode::Replace)
            .unwrap();
        t.delete(&[3]);
        t.update(1, &[(0, AttrValue::Int(11))]).unwrap();
        cat.create("gone", schema(), TableSettings::default(), false)
            .unwrap();
        cat.drop_table("gone", false).unwrap();
    }
    let db = open(&o).unwrap();
    assert!(db.warnings.is_empty(), "{:?}", db.warnings);
    assert_eq!(db.catalog.names(), vec!["t".to_string()]);
    assert_eq!(
        rows(&db.catalog, "t"),
        vec!["1:one:Int(11)", "2:TWO:Int(21)"]
    );
    let hits = db.catalog.get("t").unwrap().reader();
    assert_eq!(
        hits.search("two", &Default::default()).unwrap().hits.len(),
        1
    );
}

#[test]
fn drop_and_recreate_does_not_resurrect_old_rows() {
    let dir = tempfile::tempdir().unwrap();
    let o = opts(dir.path(), FlushMode::FlushOnly);
    {
        let db = open(&o).unwrap();
        let t = create(&db, "t", schema());
        t.write(vec![doc(1, "old", 1)], WriteMode::Insert).unwrap();
        db.catalog.drop_table("t", false).unwrap();
        let t = create(&db, "t", schema());
        t.write(vec![doc(2, "new", 2)], WriteMode::Insert).unwrap();
        db.durable.sync().unwrap();
    }
    for _ in 0..2 {
        let db = open(&o).unwrap();
        assert_eq!(rows(&db.catalog, "t"), vec!["2:new:Int(2)"]);
    }
}

#[test]
fn torn_tail_is_cut_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let o = opts(dir.path(), FlushMode::Strict);
    {
        let db = open(&o).unwrap();
        let t = create(&db, "t", schema());
        t.write(vec![doc(1, "kept", 1)], WriteMode::Insert).unwrap();
    }
    // A record whose write was cut short by a crash.
    let file = binlog::file_path(&dir.path().join("binlog"), 1);
    let torn = record::encode(&Record {
        seq: 99,
        change: Change::Op {
            table: "t".into(),
            op: LogOp::Write {
                docs: vec![doc(2, "garbage", 2)],
                mode: WriteMode::Insert,
            },
        },
    });
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.extend_from_slice(&torn[..torn.len() - 3]);
    std::fs::write(&file, &bytes).unwrap();
    let db = open(&o).unwrap();
    assert_eq!(db.warnings.len(), 1, "{:?}", db.warnings);
    assert!(db.warnings[0].contains("incomplete"), "{}", db.warnings[0]);
    assert_eq!(rows(&db.catalog, "t"), vec!["1:kept:Int(1)"]);
    drop(db);
    let db = open(&o).unwrap();
    assert!(db.warnings.is_empty(), "cut once: {:?}", db.warnings);
}

#[test]
fn a_log_in_an_older_format_is_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let o = opts(dir.path(), FlushMode::Strict);
    drop(open(&o).unwrap());
    let file = binlog::file_path(&dir.path().join("binlog"), 1);
    std::fs::write(&file, b"SDBLOG01{\"seq\":1}").unwrap();
    let db = open(&o).unwrap();
    assert_eq!(db.warnings.len(), 1, "{:?}", db.warnings);
    assert!(
        db.warnings[0].contains("older format"),
        "{}",
        db.warnings[0]
    );
}

#[test]
fn attribute_changes_replay() {
    let dir = tempfile::tempdir().unwrap();
    let o = opts(dir.path(), FlushMode::EverySecond);
    {
        let db = open(&o).unwrap();
        let t = create(&db, "t", schema());
        t.write(vec![doc(1, "a", 1)], WriteMode::Insert).unwrap();
        t.add_attr(Attr {
            name: "extra".into(),
            ty: AttrType::String,
        })
        .unwrap();
        t.drop_attr("tags").unwrap();
        t.update(1, &[(1, AttrValue::Str("x".into()))]).unwrap();
        db.durable.sync().unwrap();
    }
    let db = open(&o).unwrap();
    let t = db.catalog.get("t").unwrap();
    let names: Vec<String> = t.schema().attrs.iter().map(|a| a.name.clone()).collect();
    assert_eq!(names, vec!["price", "extra"]);
    let r = t.reader();
    let d = r.docs().next().unwrap();
    assert_eq!(d.attrs[1], AttrValue::Str("x".into()));
}

fn indexed_only_schema() -> Schema {
    let mut s = schema();
    s.fields.push(Field {
        name: "secret".into(),
        indexed: true,
        stored: false,
    });
    s
}

fn doc2(id: u64, title: &str, secret: &str) -> Document {
    Document {
        id,
        fields: vec![title.into(), secret.into()],
        attrs: vec![AttrValue::Int(id as i64), AttrValue::Mva(vec![])],
    }
}

#[test]
fn flush_writes_disk_chunks_and_shortens_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let o = opts(dir.path(), FlushMode::Strict);
    {
        let db = open(&o).unwrap();
        let t = create(&db, "t", indexed_only_schema());
        t.write(
            vec![doc2(1, "one", "hidden"), doc2(2, "two", "x")],
            WriteMode::Insert,
        )
        .unwrap();
        t.delete(&[2]);
        db.durable.flush_all(&db.catalog).unwrap();
        // After the flush: more changes, only in the log.
        t.write(vec![doc2(3, "three", "later")], WriteMode::Insert)
            .unwrap();
        t.update(1, &[(0, AttrValue::Int(100))]).unwrap();
    }
    let log = dir.path().join("binlog");
    let files = binlog::file_numbers(&log).unwrap();
    assert_eq!(files.len(), 1, "old log files removed: {files:?}");
    assert!(dir.path().join("t").read_dir().unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".chunk")));
    let db = open(&o).unwrap();
    assert!(db.warnings.is_empty(), "{:?}", db.warnings);
    assert_eq!(
        rows(&db.catalog, "t"),
        vec!["1:one:Int(100)", "3:three:Int(3)"]
    );
    let r = db.catalog.get("t").unwrap().reader();
    let found: Vec<u64> = r
        .search("hidden | later", &Default::default())
        .unwrap()
        .hits
        .iter()
        .map(|h| h.doc.id)
        .collect();
    assert_eq!(
        found.len(),
        2,
        "non-stored field still searchable: {found:?}"
    );
    // A new id continues after the restored ones.
    let t = db.catalog.get("t").unwrap();
    let ids = t
        .write(vec![doc2(0, "auto", "")], WriteMode::Insert)
        .unwrap();
    assert_eq!(ids, vec![4]);
}

#[test]
fn truncated_chunk_is_reported_and_other_tables_served() {
    let dir = tempfile::tempdir().unwrap();
    let o = opts(dir.path(), FlushMode::Strict);
    {
        let db = open(&o).unwrap();
        for name in ["a", "b"] {
            let t = create(&db, name, schema());
            t.write(vec![doc(1, name, 1)], WriteMode::Insert).unwrap();
        }
        db.durable.flush_all(&db.catalog).unwrap();
    }
    let chunk = dir
        .path()
        .join("a")
        .read_dir()
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".chunk"))
        .unwrap();
    let bytes = std::fs::read(&chunk).unwrap();
    std::fs::write(&chunk, &bytes[..bytes.len() / 2]).unwrap();
    let db = open(&o).unwrap();
    assert_eq!(db.warnings.len(), 1, "{:?}", db.warnings);
    assert!(db.warnings[0].contains("truncated"), "{}", db.warnings[0]);
    assert!(rows(&db.catalog, "a").is_empty());
    assert_eq!(rows(&db.catalog, "b"), vec!["1:b:Int(1)"]);
}

/// The chunk and side files in a table's folder, by extension.
fn chunk_files(dir: &Path, ext: &str) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(ext)
        })
        .count()
}

#[test]
fn optimize_merges_the_disk_chunks_into_one() {
    let dir = tempfile::tempdir().unwrap();
    let o = opts(dir.path(), FlushMode::Strict);
    let db = open(&o).unwrap();
    let t = create(&db, "t", schema());
    for i in 1..=6 {
        t.write(vec![doc(i, "word", i as i64)], WriteMode::Insert)
            .unwrap();
        if i % 2 == 0 {
            t.flush().unwrap();
        }
    }
    t.delete(&[2]);
    t.update(5, &[(0, AttrValue::Int(50))]).unwrap();
    t.write(vec![doc(7, "in ram", 7)], WriteMode::Insert)
        .unwrap();
    assert_eq!(t.chunk_counts(), (3, 1));
    let before = rows(&db.catalog, "t");
    t.optimize(2);
    t.wait_merges();
    assert_eq!(t.chunk_counts(), (2, 1), "cutoff=2");
    assert_eq!(chunk_files(&dir.path().join("t"), ".chunk"), 2);
    assert_eq!(rows(&db.catalog, "t"), before);
    t.optimize(1);
    t.wait_merges();
    assert_eq!(t.chunk_counts(), (1, 1), "RAM segments are not merged in");
    assert_eq!(chunk_files(&dir.path().join("t"), ".chunk"), 1);
    assert_eq!(rows(&db.catalog, "t"), before);
    drop((t, db));
    let db = open(&o).unwrap();
    assert!(db.warnings.is_empty(), "{:?}", db.warnings);
    assert_eq!(rows(&db.catalog, "t"), before);
    assert!(!before.iter().any(|r| r.starts_with("2:")));
    assert!(before.contains(&"5:word:Int(50)".to_string()), "{before:?}");
}

#[test]
fn a_flushed_table_keeps_no_posting_bytes_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(&opts(dir.path(), FlushMode::Strict)).unwrap();
    let t = create(&db, "t", schema());
    let docs = (1..=300)
        .map(|i| doc(i, &format!("some words number{i} here"), i as i64))
        .collect();
    t.write(docs, WriteMode::Insert).unwrap();
    let part = |name: &str| {
        t.memory_report()
            .into_iter()
            .filter(|(p, _)| *p == name)
            .map(|(_, b)| b)
            .sum::<usize>()
    };
    let (post, stored) = (part("post"), part("stored"));
    assert!(post > 1000, "{post}");
    t.flush().unwrap();
    assert_eq!(t.chunk_counts(), (1, 0));
    assert_eq!(part("post"), 0);
    assert!(part("stored") < stored, "only the stored-text index stays");
    // Still searchable and readable from the file.
    let r = t.reader();
    let found = r.search("number77", &Default::default()).unwrap();
    assert_eq!(found.hits.len(), 1);
    assert_eq!(
        found.hits[0].doc.fields.to_vec(),
        ["some words number77 here"]
    );
}

#[test]
fn a_damaged_side_file_is_reported_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let o = opts(dir.path(), FlushMode::Strict);
    {
        let db = open(&o).unwrap();
        for name in ["a", "b"] {
            let t = create(&db, name, schema());
            t.write(vec![doc(1, name, 1), doc(2, name, 2)], WriteMode::Insert)
                .unwrap();
            t.flush().unwrap();
            t.delete(&[1]);
            t.flush().unwrap();
        }
    }
    let folder = dir.path().join("a");
    assert_eq!(chunk_files(&folder, ".kill"), 1);
    let kill = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".kill"))
        .unwrap();
    let mut bytes = std::fs::read(&kill).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x40;
    std::fs::write(&kill, bytes).unwrap();
    let db = open(&o).unwrap();
    assert_eq!(db.warnings.len(), 1, "{:?}", db.warnings);
    let shown = kill.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        db.warnings[0].contains(&shown) && db.warnings[0].contains("damaged"),
        "{}",
        db.warnings[0]
    );
    assert_eq!(rows(&db.catalog, "b"), vec!["2:b:Int(2)"]);
}

#[test]
fn log_growth_past_the_limit_flushes_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let o = opts(dir.path(), FlushMode::FlushOnly);
    {
        let db = open(&o).unwrap();
        Durable::set_auto_flush(&db.durable, &db.catalog, 2000);
        let t = create(&db, "t", schema());
        for i in 1..=100 {
            t.write(vec![doc(i, "some words here", i as i64)], WriteMode::Insert)
                .unwrap();
        }
        let has_chunk = || {
            dir.path()
                .join("t")
                .read_dir()
                .unwrap()
                .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".chunk"))
        };
        let start = std::time::Instant::now();
        while !has_chunk() && start.elapsed() < std::time::Duration::from_secs(30) {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(has_chunk(), "a flush ran");
        while db.durable.flushing() {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        db.durable.sync().unwrap();
    }
    let db = open(&o).unwrap();
    assert_eq!(rows(&db.catalog, "t").len(), 100);
}

#[test]
fn without_a_binlog_ram_growth_past_the_limit_flushes_too() {
    let dir = tempfile::tempdir().unwrap();
    let o = Options {
        binlog_dir: None,
        ..opts(dir.path(), FlushMode::FlushOnly)
    };
    let db = open(&o).unwrap();
    Durable::set_auto_flush(&db.durable, &db.catalog, 2000);
    let t = create(&db, "t", schema());
    for i in 1..=100 {
        t.write(vec![doc(i, "some words here", i as i64)], WriteMode::Insert)
            .unwrap();
    }
    let start = std::time::Instant::now();
    while t.chunk_counts().0 == 0 && start.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(t.chunk_counts().0 > 0, "a flush moved RAM segments to disk");
    assert_eq!(rows(&db.catalog, "t").len(), 100);
}

#[test]
fn sizes_parse() {
    assert_eq!(plain::size("128M"), Ok(128 << 20));
    assert_eq!(plain::size("64k"), Ok(64 << 10));
    assert_eq!(plain::size("1000"), Ok(1000));
    assert!(plain::size("12x").is_err());
    assert!(plain::size("").is_err());
}

#[test]
fn without_binlog_a_flush_still_keeps_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let o = Options {
        binlog_dir: None,
        ..opts(dir.path(), FlushMode::Strict)
    };
    {
        let db = open(&o).unwrap();
        let t = create(&db, "t", schema());
        t.write(vec![doc(1, "a", 1)], WriteMode::Insert).unwrap();
        db.durable.flush_all(&db.catalog).unwrap();
        t.write(vec![doc(2, "b", 2)], WriteMode::Insert).unwrap();
        db.durable.flush_all(&db.catalog).unwrap();
    }
    let db = open(&o).unwrap();
    assert_eq!(rows(&db.catalog, "t"), vec!["1:a:Int(1)", "2:b:Int(2)"]);
}

#[test]
fn orphan_chunks_are_removed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let o = opts(dir.path(), FlushMode::Strict);
    {
        let db = open(&o).unwrap();
        let t = create(&db, "t", schema());
        t.write(vec![doc(1, "a", 1)], WriteMode::Insert).unwrap();
        db.durable.flush_all(&db.catalog).unwrap();
    }
    let orphan = dir.path().join("t").join("t.999.chunk");
    std::fs::write(&orphan, b"left by a crash").unwrap();
    let db = open(&o).unwrap();
    assert!(!orphan.exists());
    assert_eq!(rows(&db.catalog, "t"), vec!["1:a:Int(1)"]);
}

#[test]
fn a_start_with_nothing_to_replay_leaves_the_catalog_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let o = opts(dir.path(), FlushMode::Strict);
    {
        let db = open(&o).unwrap();
        let t = create(&db, "t", indexed_only_schema());
        t.write(vec![doc2(1, "one", "")], WriteMode::Insert)
            .unwrap();
        db.durable.flush_all(&db.catalog).unwrap();
    }
    let file = catalog_file::CatalogFile::path(dir.path());
    // The file is replaced whole when saved (written aside, renamed over it),
    // so a save gives it a new inode (times are too coarse to tell).
    let written = || std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&file).unwrap());
    let before = written();
    let db = open(&o).unwrap();
    assert_eq!(rows(&db.catalog, "t"), vec!["1:one:Int(1)"]);
    assert_eq!(
        written(),
        before,
        "catalog rewritten though nothing changed"
    );
    // A change replayed from the log is saved at the next start.
    let t = db.catalog.get("t").unwrap();
    t.write(vec![doc2(2, "two", "")], WriteMode::Insert)
        .unwrap();
    drop((t, db));
    let db = open(&o).unwrap();
    assert_eq!(rows(&db.catalog, "t").len(), 2);
    assert_ne!(written(), before, "replayed changes not saved");
}

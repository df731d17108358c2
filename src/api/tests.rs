//! Golden request and reply bytes per command, over a scripted [`Service`].

use std::sync::{Arc, Mutex};

use super::codec::{put_string, put_u32, put_u64, Header};
use super::search_req::{encode_query, parse_search, Filter, FilterKind, SearchQuery};
use super::{execute, Runner};
use crate::config::Searchd;
use crate::service::{
    Column, ColumnType, ConnectionGuard, Outcome, QueryError, ServerState, Service, Session, Value,
};
use crate::tls::TlsState;

type Answer = Vec<Result<Outcome, QueryError>>;

/// A service that records the SQL it gets and answers from a script.
struct Scripted {
    state: Arc<ServerState>,
    seen: Mutex<Vec<String>>,
    answers: Mutex<Vec<Answer>>,
}

impl Service for Scripted {
    /// A scripted search answer is `[rows, meta pairs]`: the meta goes to the
    /// session, where the real executor leaves it.
    fn query(&self, session: &mut Session, sql: &str) -> Answer {
        self.seen.lock().unwrap().push(sql.to_string());
        let mut answers = self.answers.lock().unwrap();
        if answers.is_empty() {
            return vec![Err(QueryError::new("unscripted"))];
        }
        let mut answer = answers.remove(0);
        if sql.starts_with("SELECT ") && answer.len() == 2 {
            let meta = answer.remove(1);
            session.meta = super::search::pairs(Some(&meta), 0, 1).into();
        }
        answer
    }
    fn statistics(&self) -> String {
        String::new()
    }
    fn state(&self) -> &Arc<ServerState> {
        &self.state
    }
}

fn scripted(answers: Vec<Answer>) -> Scripted {
    let state = ServerState::new(
        Searchd::default(),
        TlsState::Unusable {
            reason: "none".into(),
        },
    );
    Scripted {
        state: Arc::new(state),
        seen: Mutex::new(Vec::new()),
        answers: Mutex::new(answers),
    }
}

/// Runs one command against the script; returns the reply and the SQL sent.
fn run(svc: &Scripted, command: u16, version: u16, body: &[u8]) -> (Vec<u8>, Vec<String>) {
    let guard: ConnectionGuard = svc
        .state
        .register("sphinx", "test".into(), true)
        .expect("register");
    let mut session = Session::new(guard.id(), "sphinx");
    let mut runner = Runner {
        service: svc,
        session: &mut session,
        guard: &guard,
    };
    let header = Header {
        command,
        version,
        length: body.len() as u32,
    };
    let out = execute(&mut runner, &header, body);
    (out, svc.seen.lock().unwrap().clone())
}

fn rows(cols: &[(&str, ColumnType)], rows: Vec<Vec<Value>>) -> Result<Outcome, QueryError> {
    Ok(Outcome::Rows {
        columns: cols.iter().map(|(n, t)| Column::new(*n, *t)).collect(),
        rows,
    })
}

fn pairs(p: &[(&str, &str)]) -> Result<Outcome, QueryError> {
    let text = |s: &str| Value::Str(s.to_string());
    rows(
        &[
            ("Variable_name", ColumnType::String),
            ("Value", ColumnType::String),
        ],
        p.iter().map(|(a, b)| vec![text(a), text(b)]).collect(),
    )
}

fn frame(status: u16, version: u16, body: &[u8]) -> Vec<u8> {
    super::codec::reply(
        match status {
            0 => super::codec::Status::Ok,
            _ => super::codec::Status::Error,
        },
        version,
        body,
    )
}

fn sample_query() -> SearchQuery {
    SearchQuery {
        limit: 20,
        mode: 6,
        query: "hi".into(),
        indexes: "t".into(),
        max_matches: 1000,
        group_sort: "@group desc".into(),
        select: "*".into(),
        filters: vec![Filter {
            attr: "gid".into(),
            kind: FilterKind::Str("x".into()),
            exclude: false,
        }],
        ..Default::default()
    }
}

#[test]
fn search_request_layouts_round_trip_for_every_version() {
    for ver in [
        0x119u16, 0x11b, 0x11d, 0x11e, 0x11f, 0x120, 0x121, 0x124, 0x126, 0x128,
    ] {
        let mut body = vec![0, 0, 0, 0, 0, 0, 0, 2];
        let q = sample_query();
        body.extend(encode_query(&q, ver));
        body.extend(encode_query(&q, ver));
        let got = parse_search(ver, &body).unwrap_or_else(|e| panic!("v{ver:x}: {e}"));
        assert_eq!(got, vec![q.clone(), q], "v{ver:x}");
        assert!(parse_search(ver, &body[..body.len() - 1]).is_err());
    }
}

#[test]
fn search_request_counts_and_master_versions_use_upstreams_texts() {
    let err = |b: &[u8]| parse_search(0x128, b).unwrap_err();
    assert_eq!(
        err(&[0, 0, 0, 0, 0, 0, 0, 0]),
        "bad multi-query count 0 (must be positive)"
    );
    assert_eq!(
        err(&[0, 0, 0, 0, 0, 0, 0, 33]),
        "bad multi-query count 33 (must be in 1..32 range)"
    );
    assert_eq!(
        err(&[0, 0, 0, 36, 0, 0, 0, 1]),
        "master-agent version mismatch; update me first, then update master!"
    );
}

#[test]
fn search_request_golden_v129() {
    // flags, offset, limit, mode, ranker, sort mode, sort by, query ...
    let mut b = vec![0, 0, 0, 0, 0, 0, 0, 1];
    for v in [0u32, 0, 20, 0, 0, 0] {
        put_u32(&mut b, v);
    }
    put_string(&mut b, "");
    put_string(&mut b, "a b");
    put_u32(&mut b, 0);
    put_string(&mut b, "t");
    put_u32(&mut b, 1);
    put_u64(&mut b, 0);
    put_u64(&mut b, 0);
    put_u32(&mut b, 0);
    put_u32(&mut b, 4);
    put_string(&mut b, "");
    put_u32(&mut b, 1000);
    put_string(&mut b, "@group desc");
    for v in [0u32, 0, 0] {
        put_u32(&mut b, v);
    }
    put_string(&mut b, "");
    for v in [0u32, 0, 0, 0] {
        put_u32(&mut b, v);
    }
    put_string(&mut b, "");
    put_u32(&mut b, 0);
    put_string(&mut b, "*");
    put_string(&mut b, "");
    for v in [0u32, 0, 0] {
        put_u32(&mut b, v);
    }
    let q = parse_search(0x11d, &b).unwrap().remove(0);
    assert_eq!(
        (q.query.as_str(), q.limit, q.max_matches),
        ("a b", 20, 1000)
    );
    assert_eq!(
        super::search_sql::search_sql(&q, "t"),
        "SELECT id AS api_id__, WEIGHT() AS api_weight__, * FROM t WHERE MATCH('a b') \
         LIMIT 0,20 OPTION ranker=proximity, max_matches=1000"
    );
}

#[test]
fn search_reply_golden() {
    let svc = scripted(vec![vec![
        rows(
            &[
                ("api_id__", ColumnType::BigInt),
                ("api_weight__", ColumnType::BigInt),
                ("id", ColumnType::BigInt),
                ("gid", ColumnType::UInt),
            ],
            vec![vec![
                Value::Int(5),
                Value::Int(9),
                Value::Int(5),
                Value::UInt(2),
            ]],
        ),
        pairs(&[("total", "1"), ("total_found", "1"), ("time", "0.000")]),
    ]]);
    let mut body = vec![0, 0, 0, 0, 0, 0, 0, 1];
    body.extend(encode_query(&sample_query(), 0x120));
    let (out, sql) = run(&svc, 0, 0x120, &body);
    // One statement: the column types come from the catalog, not a DESCRIBE.
    assert!(!sql[0].contains("DESCRIBE"), "{sql:?}");
    assert!(sql[0].contains("gid='x'"), "{sql:?}");
    let mut want = vec![
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3, b'g', b'i', b'd', 0, 0, 0, 1,
    ];
    want.extend([
        0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 9, 0, 0, 0, 2,
    ]);
    want.extend([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(out, frame(0, 0x128, &want));
}

#[test]
fn keywords_reply_golden_v1_0_and_v1_1() {
    for (ver, qpos) in [(0x100u16, false), (0x101, true)] {
        let text = |s: &str| Value::Str(s.to_string());
        let svc = scripted(vec![vec![rows(
            &[
                ("qpos", ColumnType::String),
                ("tokenized", ColumnType::String),
                ("normalized", ColumnType::String),
                ("docs", ColumnType::String),
                ("hits", ColumnType::String),
            ],
            vec![vec![
                text("1"),
                text("running"),
                text("run"),
                text("3"),
                text("4"),
            ]],
        )]]);
        let mut b = Vec::new();
        put_string(&mut b, "Running");
        put_string(&mut b, "t");
        put_u32(&mut b, 1);
        let (out, sql) = run(&svc, 3, ver, &b);
        assert_eq!(sql, ["CALL KEYWORDS('Running', 't', 1 AS stats)"]);
        let mut want = vec![0, 0, 0, 1, 0, 0, 0, 7];
        want.extend(b"running");
        want.extend([0, 0, 0, 3, b'r', b'u', b'n']);
        if qpos {
            want.extend([0, 0, 0, 1]);
        }
        want.extend([0, 0, 0, 3, 0, 0, 0, 4]);
        assert_eq!(out, frame(0, 0x102, &want));
    }
}

#[test]
fn update_status_flush_uvar_and_errors_golden() {
    let done = |n| {
        Ok(Outcome::Done {
            affected: n,
            last_insert_id: 0,
            warnings: 0,
        })
    };
    let schema = || pairs(&[("id", "bigint"), ("gid", "uint"), ("tag", "string")]);
    let svc = scripted(vec![vec![schema()], vec![done(1)]]);
    let mut b = Vec::new();
    put_string(&mut b, "t");
    put_u32(&mut b, 1);
    put_string(&mut b, "gid");
    put_u32(&mut b, 1);
    put_u32(&mut b, 1);
    put_u32(&mut b, 7);
    let (out, sql) = run(&svc, 2, 0x100, &b);
    assert_eq!(sql, ["DESCRIBE t", "UPDATE t SET gid=7 WHERE id=1"]);
    assert_eq!(out, frame(0, 0x104, &[0, 0, 0, 1]));
    // v1.3: unknown attributes are skipped when asked, else refused as Sphinx does.
    let v13 = |attrs: &[(&str, u32)], ignore: u32| {
        let mut b = Vec::new();
        put_string(&mut b, "t");
        put_u32(&mut b, attrs.len() as u32);
        put_u32(&mut b, ignore);
        for (name, kind) in attrs {
            put_string(&mut b, name);
            put_u32(&mut b, *kind);
        }
        put_u32(&mut b, 1);
        put_u64(&mut b, 1);
        for (_, kind) in attrs {
            if *kind == 1 {
                put_u32(&mut b, 1);
            }
            put_u32(&mut b, 7);
        }
        b
    };
    let svc = scripted(vec![vec![schema()], vec![done(1)]]);
    let (_, sql) = run(&svc, 2, 0x103, &v13(&[("nope", 0), ("gid", 0)], 1));
    assert_eq!(sql[1], "UPDATE t SET gid=7 WHERE id=1");
    let refused = |attrs: &[(&str, u32)], ignore: u32| {
        let svc = scripted(vec![vec![schema()]]);
        let (out, _) = run(&svc, 2, 0x103, &v13(attrs, ignore));
        String::from_utf8_lossy(&out[12..]).into_owned()
    };
    assert_eq!(
        refused(&[("nope", 0)], 0),
        "table t: attribute 'nope' not found"
    );
    assert_eq!(
        refused(&[("gid", 1)], 0),
        "table t: attribute 'gid' MVA flag mismatch"
    );
    assert!(refused(&[("tag", 0)], 1).starts_with("table t: attribute 'tag' can not be updated"));

    let svc = scripted(vec![vec![pairs(&[("uptime", "5")])]]);
    let (out, sql) = run(&svc, 5, 0x101, &[0, 0, 0, 1]);
    assert_eq!(sql, ["SHOW STATUS"]);
    let mut want = vec![0, 0, 0, 1, 0, 0, 0, 2];
    want.extend([0, 0, 0, 6]);
    want.extend(b"uptime");
    want.extend([0, 0, 0, 1, b'5']);
    assert_eq!(out, frame(0, 0x101, &want));

    let svc = scripted(vec![vec![Ok(Outcome::ok())]]);
    let mut b = Vec::new();
    put_string(&mut b, "@ids");
    put_u32(&mut b, 2);
    put_u32(&mut b, 2);
    b.extend([3, 4]);
    let (out, sql) = run(&svc, 11, 0x100, &b);
    assert_eq!(sql, ["SET GLOBAL @ids = (3,7)"]);
    assert_eq!(out, frame(0, 0x100, &[0, 0, 0, 1]));

    let svc = scripted(vec![]);
    let (out, _) = run(&svc, 7, 0x100, &[]);
    assert_eq!(out.len(), 12);
    assert_eq!(out[..8], [0, 0, 1, 0, 0, 0, 0, 4]);
    let (out, _) = run(&svc, 6, 0x100, &[]);
    let mut want = Vec::new();
    put_string(&mut want, "internal error: unhandled command");
    assert_eq!(out, frame(1, 0, &want));
}

#[test]
fn a_table_named_twice_is_searched_once() {
    let svc = scripted(vec![]);
    let mut q = sample_query();
    q.indexes = "t, t;T u".into();
    let mut body = vec![0, 0, 0, 0, 0, 0, 0, 1];
    body.extend(encode_query(&q, 0x120));
    let (_, sql) = run(&svc, 0, 0x120, &body);
    assert!(sql[0].contains(" FROM t, u WHERE "), "{sql:?}");
}

#[test]
fn an_unsupported_rank_expression_ranks_with_a_warning() {
    let meta = pairs(&[("total", "0"), ("total_found", "0"), ("time", "0.000")]);
    let svc = scripted(vec![vec![
        rows(&[("api_id__", ColumnType::BigInt)], vec![]),
        meta,
    ]]);
    let mut q = sample_query();
    q.ranker = 8;
    q.rank_expr = "sum(lcs)*7".into();
    let mut body = vec![0, 0, 0, 0, 0, 0, 0, 1];
    body.extend(encode_query(&q, 0x120));
    let (out, sql) = run(&svc, 0, 0x120, &body);
    assert!(!sql[0].contains("ranker="), "{sql:?}");
    let msg = "ranker expression 'sum(lcs)*7' is not supported; ranked with proximity_bm25";
    let mut want = vec![0, 0, 0, 3];
    put_string(&mut want, msg);
    assert_eq!(&out[8..8 + want.len()], &want[..]);
}

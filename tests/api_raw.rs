//! The binary API over real sockets, with an independent client of raw frames.

mod common;

use std::io::{Read, Write};

use common::{connect, free_port, read_all, Daemon, Sandbox};

struct Ports {
    multi: u16,
    sphinx: u16,
    https: u16,
}

fn start() -> (Daemon, Ports) {
    let p = Ports {
        multi: free_port(),
        sphinx: free_port(),
        https: free_port(),
    };
    let sb = Sandbox::new();
    sb.config(&format!(
        "listen = 127.0.0.1:{}\nlisten = 127.0.0.1:{}:sphinx\nlisten = 127.0.0.1:{}:https\n\
         ssl_cert = /nonexistent/cert.pem\nssl_key = /nonexistent/key.pem",
        p.multi, p.sphinx, p.https
    ));
    let d = Daemon::start(sb, &[]);
    sql(
        p.multi,
        "CREATE TABLE t (title text, gid uint, price float, name string)",
    );
    sql(
        p.multi,
        "INSERT INTO t (id, title, gid, price, name) VALUES (1, 'hello world', 1, 1.5, 'a'), \
         (2, 'hello hello again', 2, 2.5, 'b'), (3, 'no greeting', 1, 3.5, 'c'), (4, 'world', 2, 4.5, 'd')",
    );
    (d, p)
}

fn sql(port: u16, q: &str) {
    let body = format!("query={}", q.replace('%', "%25").replace('&', "%26"));
    let (status, reply) = common::http(port, "POST", "/sql?mode=raw", &body);
    assert_eq!(status, 200, "{q}: {reply}");
}

// ---- an independent encoder -------------------------------------------------------

fn dword(o: &mut Vec<u8>, v: u32) {
    o.extend_from_slice(&v.to_be_bytes());
}

fn string(o: &mut Vec<u8>, s: &str) {
    dword(o, s.len() as u32);
    o.extend_from_slice(s.as_bytes());
}

fn frame(cmd: u16, ver: u16, body: &[u8]) -> Vec<u8> {
    let mut o = Vec::new();
    o.extend_from_slice(&cmd.to_be_bytes());
    o.extend_from_slice(&ver.to_be_bytes());
    dword(&mut o, body.len() as u32);
    o.extend_from_slice(body);
    o
}

/// A client-mode query block in the v1.32 layout: `query` on `index`, extended mode,
/// with an optional VALUES filter on `gid`.
fn query_block(query: &str, index: &str, gid: Option<u64>) -> Vec<u8> {
    let mut o = Vec::new();
    for v in [0, 0, 20, 6, 0, 0] {
        dword(&mut o, v); // flags, offset, limit, mode, ranker, sort mode
    }
    string(&mut o, "");
    string(&mut o, query);
    dword(&mut o, 0);
    string(&mut o, index);
    dword(&mut o, 1);
    o.extend_from_slice(&[0; 16]);
    match gid {
        Some(g) => {
            dword(&mut o, 1);
            string(&mut o, "gid");
            dword(&mut o, 0);
            dword(&mut o, 1);
            o.extend_from_slice(&g.to_be_bytes());
            dword(&mut o, 0);
        }
        None => dword(&mut o, 0),
    }
    dword(&mut o, 4); // group func attr
    string(&mut o, "");
    dword(&mut o, 1000);
    string(&mut o, "@group desc");
    for v in [0, 0, 0] {
        dword(&mut o, v);
    }
    string(&mut o, "");
    dword(&mut o, 0); // geo
    dword(&mut o, 0); // index weights
    dword(&mut o, 0); // max query time
    dword(&mut o, 0); // field weights
    string(&mut o, "");
    dword(&mut o, 0); // overrides
    string(&mut o, "*");
    string(&mut o, ""); // outer order by
    for v in [0, 0, 0] {
        dword(&mut o, v);
    }
    for _ in 0..3 {
        string(&mut o, ""); // token filter
    }
    o
}

fn search(blocks: &[Vec<u8>]) -> Vec<u8> {
    let mut body = Vec::new();
    dword(&mut body, 0);
    dword(&mut body, blocks.len() as u32);
    blocks.iter().for_each(|b| body.extend_from_slice(b));
    frame(0, 0x120, &body)
}

// ---- an independent decoder -------------------------------------------------------

struct Cur<'a>(&'a [u8], usize);

impl Cur<'_> {
    fn dword(&mut self) -> u32 {
        let b = &self.0[self.1..self.1 + 4];
        self.1 += 4;
        u32::from_be_bytes([b[0], b[1], b[2], b[3]])
    }
    fn string(&mut self) -> String {
        let n = self.dword() as usize;
        let s = String::from_utf8_lossy(&self.0[self.1..self.1 + n]).into_owned();
        self.1 += n;
        s
    }
    fn skip(&mut self, n: usize) {
        self.1 += n;
    }
}

/// One query's outcome: Ok(ids, total_found, words) or Err(message).
type QueryOut = Result<(Vec<u64>, u32, Vec<(String, u32, u32)>), String>;

fn decode_search(body: &[u8], nqueries: usize) -> Vec<QueryOut> {
    let mut c = Cur(body, 0);
    (0..nqueries).map(|_| decode_one(&mut c)).collect()
}

fn decode_one(c: &mut Cur<'_>) -> QueryOut {
    if c.dword() == 1 {
        return Err(c.string());
    }
    (0..c.dword()).for_each(|_| drop(c.string()));
    let attrs: Vec<u32> = (0..c.dword())
        .map(|_| {
            c.string();
            c.dword()
        })
        .collect();
    let (count, _id64) = (c.dword(), c.dword());
    let mut ids = Vec::new();
    for _ in 0..count {
        let hi = c.dword() as u64;
        ids.push(hi << 32 | c.dword() as u64);
        c.dword();
        for t in &attrs {
            match t {
                6 => c.skip(8),
                7 => drop(c.string()),
                _ => c.skip(4),
            }
        }
    }
    let (_total, found, _time) = (c.dword(), c.dword(), c.dword());
    let words = (0..c.dword())
        .map(|_| (c.string(), c.dword(), c.dword()))
        .collect();
    Ok((ids, found, words))
}

/// Hello first, then one request; returns (status, body) of the reply.
fn call(port: u16, request: &[u8]) -> (u16, Vec<u8>) {
    let mut s = connect(port);
    s.write_all(&[0, 0, 0, 1]).unwrap();
    s.write_all(request).unwrap();
    let all = read_all(&mut s);
    assert_eq!(all[..4], [0, 0, 0, 1], "server hello");
    split_reply(&all[4..])
}

fn split_reply(r: &[u8]) -> (u16, Vec<u8>) {
    let status = u16::from_be_bytes([r[0], r[1]]);
    let len = u32::from_be_bytes([r[4], r[5], r[6], r[7]]) as usize;
    assert_eq!(r.len(), 8 + len, "one reply frame");
    (status, r[8..].to_vec())
}

fn error_text(body: &[u8]) -> String {
    Cur(body, 0).string()
}

// ---- tests --------------------------------------------------------------------------

#[test]
fn handshake_and_ping_on_every_kind_of_port() {
    let (_d, p) = start();
    // sphinx listener: the server speaks first.
    let mut s = connect(p.sphinx);
    let mut hello = [0u8; 4];
    s.read_exact(&mut hello).unwrap();
    assert_eq!(hello, [0, 0, 0, 1]);
    s.write_all(&[0, 0, 0, 1]).unwrap();
    s.write_all(&frame(9, 0x100, &[0xde, 0xad, 0xbe, 0xef]))
        .unwrap();
    assert_eq!(
        read_all(&mut s),
        [0, 0, 1, 0, 0, 0, 0, 4, 0xde, 0xad, 0xbe, 0xef]
    );
    // multi port, client first, each hello variant.
    for h in [[0, 0, 0, 1], [0, 0, 0, 2], [1, 0, 0, 0]] {
        let mut s = connect(p.multi);
        s.write_all(&h).unwrap();
        s.write_all(&frame(9, 0x100, &[0, 0, 0, 7])).unwrap();
        assert_eq!(
            read_all(&mut s),
            [0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 4, 0, 0, 0, 7]
        );
    }
}

#[test]
fn a_client_that_reads_first_gets_the_hello_on_the_multi_port() {
    let (_d, p) = start();
    let mut s = connect(p.multi);
    let mut hello = [0u8; 4];
    s.read_exact(&mut hello).unwrap();
    assert_eq!(hello, [0, 0, 0, 1]);
    s.write_all(&[0, 0, 0, 1]).unwrap();
    s.write_all(&search(&[query_block("hello", "t", None)]))
        .unwrap();
    let (status, body) = split_reply(&read_all(&mut s));
    assert_eq!(status, 0);
    let (ids, found, _) = decode_search(&body, 1).remove(0).unwrap();
    assert_eq!((ids, found), (vec![2, 1], 2));
}

#[test]
fn https_port_answers_the_api_with_upstreams_error() {
    let (_d, p) = start();
    let mut s = connect(p.https);
    s.write_all(&[0, 0, 0, 1]).unwrap();
    let all = read_all(&mut s);
    assert_eq!(all[..4], [0, 0, 0, 1]);
    let (status, body) = split_reply(&all[4..]);
    assert_eq!(status, 1);
    assert_eq!(
        error_text(&body),
        "Binary API request was sent to HTTPS port"
    );
}

#[test]
fn bad_headers_and_versions_get_upstreams_texts_and_the_daemon_goes_on() {
    let (_d, p) = start();
    let (status, body) = call(p.sphinx, &frame(99, 0x100, &[]));
    assert_eq!(
        (status, error_text(&body)),
        (1, "invalid command (code=99, len=0)".into())
    );
    let mut huge = frame(9, 0x100, &[]);
    huge[4..8].copy_from_slice(&0x7fff_ffffu32.to_be_bytes());
    let (status, body) = call(p.multi, &huge);
    assert_eq!(
        (status, error_text(&body)),
        (1, "invalid length (code=9, len=2147483647)".into())
    );
    let (_, body) = call(p.multi, &frame(0, 0x200, &[]));
    assert_eq!(
        error_text(&body),
        "major command version mismatch (expected v.1.x, got v.2.0)"
    );
    let (_, body) = call(p.multi, &frame(0, 0x1ff, &[]));
    assert_eq!(
        error_text(&body),
        "client version is higher than daemon version (client is v.1.255, daemon is v.1.40)"
    );
    let (status, body) = call(p.multi, &frame(0, 0x120, &[0, 0, 0, 0, 0, 0, 0, 1, 0]));
    assert_eq!(status, 1);
    assert_eq!(error_text(&body), "invalid or truncated request");
    let (status, _) = call(p.multi, &frame(9, 0x100, &[0, 0, 0, 1]));
    assert_eq!(status, 0);
}

#[test]
fn search_batches_filters_and_keyword_stats() {
    let (_d, p) = start();
    let req = search(&[
        query_block("hello", "t", None),
        query_block("", "t", Some(2)),
        query_block("hello", "nosuch", None),
    ]);
    let (status, body) = call(p.sphinx, &req);
    assert_eq!(status, 0);
    let out = decode_search(&body, 3);
    let (ids, found, words) = out[0].clone().unwrap();
    assert_eq!((ids, found), (vec![2, 1], 2));
    assert_eq!(words, [("hello".to_string(), 2, 3)]);
    assert_eq!(out[1].clone().unwrap().0, [2, 4]);
    assert_eq!(
        out[2].clone().unwrap_err(),
        "unknown local table(s) 'nosuch' in search request"
    );
}

#[test]
fn search_replies_list_the_tables_fields_and_typed_attributes() {
    let (_d, p) = start();
    let (status, body) = call(p.sphinx, &search(&[query_block("hello", "t", None)]));
    assert_eq!(status, 0);
    let mut c = Cur(&body, 0);
    assert_eq!(c.dword(), 0, "status OK");
    let fields: Vec<String> = (0..c.dword()).map(|_| c.string()).collect();
    assert_eq!(fields, ["title"]);
    let attrs: Vec<(String, u32)> = (0..c.dword()).map(|_| (c.string(), c.dword())).collect();
    // `*`: the stored text as a string (7), uint (1), float (5), string (7).
    let want = [("title", 7), ("gid", 1), ("price", 5), ("name", 7)];
    let want: Vec<(String, u32)> = want.iter().map(|(n, t)| (n.to_string(), *t)).collect();
    assert_eq!(attrs, want);
}

#[test]
fn persist_keeps_the_connection_for_several_commands() {
    let (_d, p) = start();
    let mut s = connect(p.sphinx);
    let mut hello = [0u8; 4];
    s.read_exact(&mut hello).unwrap();
    s.write_all(&[0, 0, 0, 1]).unwrap();
    s.write_all(&frame(4, 0, &[0, 0, 0, 1])).unwrap();
    for word in ["hello", "world"] {
        s.write_all(&search(&[query_block(word, "t", None)]))
            .unwrap();
        let mut head = [0u8; 8];
        s.read_exact(&mut head).unwrap();
        let mut body = vec![0; u32::from_be_bytes([head[4], head[5], head[6], head[7]]) as usize];
        s.read_exact(&mut body).unwrap();
        assert_eq!(decode_search(&body, 1)[0].clone().unwrap().1, 2, "{word}");
    }
    // PING answers, then closes even a persistent connection.
    s.write_all(&frame(9, 0x100, &[0, 0, 0, 3])).unwrap();
    assert_eq!(read_all(&mut s), [0, 0, 1, 0, 0, 0, 0, 4, 0, 0, 0, 3]);
}

#[test]
fn update_keywords_and_excerpts() {
    let (_d, p) = start();
    let mut b = Vec::new();
    string(&mut b, "t");
    dword(&mut b, 1);
    dword(&mut b, 0);
    string(&mut b, "gid");
    dword(&mut b, 0);
    dword(&mut b, 2);
    for id in [3u64, 99] {
        b.extend_from_slice(&id.to_be_bytes());
        dword(&mut b, 2);
    }
    let (status, body) = call(p.multi, &frame(2, 0x104, &b));
    assert_eq!((status, body), (0, vec![0, 0, 0, 1]));
    let (_, body) = call(p.multi, &search(&[query_block("", "t", Some(2))]));
    assert_eq!(decode_search(&body, 1)[0].clone().unwrap().0, [2, 3, 4]);

    let mut b = Vec::new();
    string(&mut b, "Hello worlds");
    string(&mut b, "t");
    dword(&mut b, 1);
    let (status, body) = call(p.multi, &frame(3, 0x100, &b));
    assert_eq!(status, 0);
    let mut c = Cur(&body, 0);
    assert_eq!(c.dword(), 2);
    assert_eq!(
        (c.string(), c.string(), c.dword(), c.dword()),
        ("hello".into(), "hello".into(), 2, 3)
    );

    let mut b = Vec::new();
    for v in [0, 1] {
        dword(&mut b, v);
    }
    for s in ["t", "hello", "<b>", "</b>", " ... "] {
        string(&mut b, s);
    }
    for v in [256, 5, 0, 0, 0] {
        dword(&mut b, v);
    }
    string(&mut b, "none");
    string(&mut b, "");
    dword(&mut b, 1);
    string(&mut b, "Hello there, hello");
    let (status, body) = call(p.multi, &frame(1, 0x104, &b));
    assert_eq!(status, 0);
    assert_eq!(error_text(&body), "<b>Hello</b> there, <b>hello</b>");
}

#[test]
fn status_lists_counters() {
    let (_d, p) = start();
    let (status, body) = call(p.multi, &frame(5, 0x101, &[0, 0, 0, 1]));
    assert_eq!(status, 0);
    let mut c = Cur(&body, 0);
    let (rows, cols) = (c.dword(), c.dword());
    assert!(rows > 0);
    assert_eq!(cols, 2);
    assert_eq!(c.string(), "uptime");
}

#[test]
fn sphinxql_answers_with_mysql_packets() {
    let (_d, p) = start();
    let mut b = Vec::new();
    string(&mut b, "SHOW TABLES; SELECT nosuch FROM t");
    let (status, body) = call(p.multi, &frame(8, 0x100, &b));
    assert_eq!(status, 0);
    let mut packets = Vec::new();
    let mut at = 0;
    while at + 4 <= body.len() {
        let len = u32::from_le_bytes([body[at], body[at + 1], body[at + 2], 0]) as usize;
        packets.push((body[at + 3], body[at + 4..at + 4 + len].to_vec()));
        at += 4 + len;
    }
    assert_eq!(at, body.len());
    let seqs: Vec<u8> = packets.iter().map(|p| p.0).collect();
    assert_eq!(seqs, (1..=seqs.len() as u8).collect::<Vec<_>>());
    assert!(
        packets.iter().any(|(_, p)| p.starts_with(&[1, b't', 2])),
        "a row for table t"
    );
    let (_, last) = packets.last().unwrap();
    assert_eq!(last[0], 0xff, "the failing statement ends with ERR");
    assert!(String::from_utf8_lossy(last).contains("nosuch"));
}

#[test]
fn show_threads_and_the_query_log_show_api_requests() {
    let p = Ports {
        multi: free_port(),
        sphinx: free_port(),
        https: free_port(),
    };
    let sb = Sandbox::new();
    let log = sb.path("query.log");
    sb.config(&format!(
        "listen = 127.0.0.1:{}\nquery_log = {}",
        p.multi,
        log.display()
    ));
    let _d = Daemon::start(sb, &[]);
    sql(p.multi, "CREATE TABLE t (title text)");
    sql(p.multi, "INSERT INTO t (id, title) VALUES (1, 'hello')");
    let mut b = Vec::new();
    string(&mut b, "SHOW THREADS");
    let (_, body) = call(p.multi, &frame(8, 0x100, &b));
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("sphinx"), "{text}");
    assert!(text.contains("SHOW THREADS"), "{text}");
    call(p.multi, &search(&[query_block("hello", "t", None)]));
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(logged.contains("MATCH('hello')"), "{logged}");
}

#[test]
fn excerpts_follow_the_tables_morphology() {
    let (_d, p) = start();
    sql(
        p.multi,
        "CREATE TABLE stem (title text) morphology='stem_en'",
    );
    let mut b = Vec::new();
    for v in [0, 1] {
        dword(&mut b, v);
    }
    for s in ["stem", "run", "[", "]", " ... "] {
        string(&mut b, s);
    }
    for v in [256, 5, 0, 0, 0] {
        dword(&mut b, v);
    }
    string(&mut b, "none");
    string(&mut b, "");
    dword(&mut b, 2);
    string(&mut b, "Running dogs run");
    string(&mut b, "nothing");
    let (status, body) = call(p.multi, &frame(1, 0x104, &b));
    assert_eq!(status, 0);
    let mut c = Cur(&body, 0);
    assert_eq!(c.string(), "[Running] dogs [run]");
    assert_eq!(c.string(), "nothing");
    b.splice(12..16, *b"nope");
    let (status, body) = call(p.multi, &frame(1, 0x104, &b));
    assert_eq!(status, 1);
    assert_eq!(
        error_text(&body),
        "unknown local table 'nope' in search request"
    );
}

#[test]
fn an_idle_persistent_api_client_does_not_hold_up_shutdown() {
    let (d, p) = start();
    let mut s = connect(p.sphinx);
    let mut hello = [0u8; 4];
    s.read_exact(&mut hello).unwrap();
    s.write_all(&[0, 0, 0, 1]).unwrap();
    s.write_all(&frame(4, 0, &[0, 0, 0, 1])).unwrap();
    s.write_all(&search(&[query_block("hello", "t", None)]))
        .unwrap();
    let mut head = [0u8; 8];
    s.read_exact(&mut head).unwrap();
    assert!(d.stop().success());
}

/// A JSON command (16) body in the v1.3 layout.
fn json_command(endpoint: &str, body: &str, raw_query: &str) -> Vec<u8> {
    let mut b = Vec::new();
    string(&mut b, endpoint);
    string(&mut b, body);
    string(&mut b, raw_query);
    string(&mut b, "");
    dword(&mut b, 0);
    frame(16, 0x103, &b)
}

#[test]
fn json_command_answers_as_the_http_endpoint_does() {
    let (_d, p) = start();
    let req = json_command(
        "json/search",
        r#"{"table":"t","query":{"match":{"title":"hello"}},"sort":[{"id":"asc"}]}"#,
        "",
    );
    let (status, body) = call(p.sphinx, &req);
    assert_eq!(status, 0);
    let mut c = Cur(&body, 0);
    assert_eq!(c.string(), "json/search");
    let answer: serde_json::Value = serde_json::from_str(&c.string()).unwrap();
    assert_eq!(answer["hits"]["total"], 2);
    let ids: Vec<u64> = answer["hits"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["_id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [1, 2]);
    // `/sql` with its URL query; an error comes back as the endpoint's JSON.
    let (status, body) = call(
        p.multi,
        &json_command("/sql", "query=SELECT id FROM t WHERE gid=2", "mode=raw"),
    );
    assert_eq!(status, 0);
    let mut c = Cur(&body, 0);
    assert_eq!(c.string(), "/sql");
    let answer: serde_json::Value = serde_json::from_str(&c.string()).unwrap();
    assert_eq!(answer[0]["total"], 2, "{answer}");
    let (status, body) = call(p.multi, &json_command("json/search", "{", ""));
    assert_eq!(status, 0);
    let mut c = Cur(&body, 0);
    c.string();
    assert!(c.string().contains("\"error\""));
}

//! The HTTP API's transport and error behaviour over HTTP and HTTPS: headers,
//! keep-alive, `Expect: 100-continue`, gzip bodies, HEAD/OPTIONS, size limits,
//! malformed input, read-only listeners and slow clients.

mod common;
mod http_common;

use std::io::Write;

use flate2::write::GzEncoder;
use http_common::{start, start_with, Client};

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn every_reply_has_server_and_json_type_and_keeps_alive() {
    let (_d, p) = start();
    for tls in [false, true] {
        let mut c = Client::new(if tls { p.https } else { p.http }, tls);
        let replies = [
            c.call("GET", "/", &[], b""),
            c.post("/nowhere", ""),
            c.post("/search", "{"),
            c.call("OPTIONS", "/search", &[], b""),
            c.sql("select 1"),
            c.call("POST", "/insert", &[], b"[]"),
        ];
        let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [200, 501, 400, 200, 200, 400]);
        for r in &replies {
            assert_eq!(
                r.header("Content-Type"),
                Some("application/json; charset=UTF-8")
            );
            assert!(r.header("Server").unwrap().starts_with("searchd "), "{r:?}");
        }
        assert_eq!(
            replies[1].body,
            r#"{"error":"/nowhere - unsupported endpoint"}"#
        );
        assert!(
            replies[2]
                .body
                .starts_with(r#"{"error":"invalid JSON in request body: "#),
            "{}",
            replies[2].body
        );
        assert_eq!(
            replies[5].body,
            r#"{"error":{"type":"parse_exception","reason":"request body must be a JSON object"},"status":400}"#
        );
        assert_eq!(replies[4].json()[0]["data"][0]["1"], 1);
    }
}

#[test]
fn expect_continue_then_body() {
    let (_d, p) = start();
    for (port, tls) in [(p.http, false), (p.https, true)] {
        let mut c = Client::new(port, tls);
        let body = b"select 2";
        let head = format!(
            "POST /sql?mode=raw HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        c.s.write_all(head.as_bytes()).unwrap();
        assert_eq!(c.read_head(), "HTTP/1.1 100 Continue\r\n\r\n");
        c.s.write_all(body).unwrap();
        let r = c.read(false);
        assert_eq!(r.status, 200);
        assert_eq!(r.json()[0]["data"][0]["2"], 2);
    }
}

#[test]
fn expect_continue_over_the_limit_is_refused_before_the_body() {
    let (_d, p) = start();
    for (port, tls) in [(p.http, false), (p.https, true)] {
        let mut c = Client::new(port, tls);
        let head = "POST /search HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000000\r\n\r\n";
        c.s.write_all(head.as_bytes()).unwrap();
        let r = c.read(false);
        assert_eq!(r.status, 413);
        assert_eq!(
            r.body,
            r#"{"error":"request body exceeds max_packet_size (1048576 bytes)"}"#
        );
        assert_eq!(
            Client::new(port, tls).call("GET", "/", &[], b"").status,
            200
        );
    }
}

#[test]
fn gzip_bodies_and_unsupported_encodings() {
    let (_d, p) = start();
    for (port, tls) in [(p.http, false), (p.https, true)] {
        let mut c = Client::new(port, tls);
        let r = c.call(
            "POST",
            "/sql?mode=raw",
            &["Content-Encoding: gzip"],
            &gzip(b"select 3"),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()[0]["data"][0]["3"], 3);
        let r = c.call("POST", "/sql?mode=raw", &["Content-Encoding: br"], b"xx");
        assert_eq!(r.status, 415);
        assert_eq!(r.body, r#"{"error":"unsupported Content-Encoding 'br'"}"#);
        let r = c.call("POST", "/sql", &["Content-Encoding: gzip"], b"not gzip");
        assert_eq!(r.status, 400);
        // A small gzip body that inflates past max_packet_size.
        let bomb = gzip(&vec![b' '; 3 * 1024 * 1024]);
        let r = c.call("POST", "/sql", &["Content-Encoding: gzip"], &bomb);
        assert_eq!(r.status, 413);
        assert_eq!(
            r.body,
            r#"{"error":"request body exceeds max_packet_size (1048576 bytes)"}"#
        );
    }
}

#[test]
fn huge_bodies_are_refused_and_the_daemon_keeps_serving() {
    let (_d, p) = start();
    for (port, tls) in [(p.http, false), (p.https, true)] {
        let big = vec![b'x'; 2 * 1024 * 1024];
        let mut c = Client::new(port, tls);
        let r = c.call("POST", "/search", &[], &big);
        assert_eq!(r.status, 413);
        let r = c.call("POST", "/insert", &[], &big);
        assert_eq!(r.status, 413);
        assert_eq!(
            r.body,
            r#"{"error":{"type":"request_too_large_exception","reason":"request body exceeds max_packet_size (1048576 bytes)"},"status":413}"#
        );
        let r = Client::new(port, tls).call("GET", "/", &[], b"");
        assert_eq!(r.status, 200);
    }
}

#[test]
fn head_and_options() {
    let (_d, p) = start();
    let mut c = Client::plain(p.http);
    let r = c.call("HEAD", "/", &[], b"");
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert!(r.header("Content-Length").is_some());
    // The connection is still in step: the next reply is whole.
    let r = c.call("GET", "/", &[], b"");
    assert!(r.body.contains("\"version\""), "{}", r.body);
    let r = c.call("OPTIONS", "/sql", &[], b"");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Allow"), Some("GET, POST, HEAD, OPTIONS"));
}

#[test]
fn wrong_types_get_the_documented_errors() {
    let (_d, p) = start();
    let mut c = Client::plain(p.http);
    let cases: &[(&str, &str, u16, &str)] = &[
        (
            "/search",
            r#"{"table":"t","limit":"ten"}"#,
            400,
            r#"{"error":"'limit' must be a non-negative integer, got \"ten\""}"#,
        ),
        (
            "/search",
            r#"{"table":"t","query":{"nope":{}}}"#,
            400,
            r#"{"error":"unknown query type 'nope'"}"#,
        ),
        (
            "/search",
            r#"{"query":{"match_all":{}}}"#,
            400,
            r#"{"error":"table name is missing"}"#,
        ),
        (
            "/insert",
            r#"{"table":"t","id":-5,"doc":{}}"#,
            400,
            r#"{"error":{"type":"illegal_argument_exception","reason":"'id' must be a non-negative integer, got -5","table":"t"},"status":400}"#,
        ),
        (
            "/update",
            r#"{"table":"t","id":1}"#,
            400,
            r#"{"error":{"type":"illegal_argument_exception","reason":"'doc' with at least one attribute is required","table":"t"},"status":400}"#,
        ),
        (
            "/delete",
            r#"{"table":"t"}"#,
            400,
            r#"{"error":{"type":"illegal_argument_exception","reason":"either 'id' or 'query' is required","table":"t"},"status":400}"#,
        ),
        (
            "/replace",
            r#"{"table":"a b","doc":{}}"#,
            400,
            r#"{"error":{"type":"illegal_argument_exception","reason":"invalid table name 'a b'"},"status":400}"#,
        ),
        ("/sql", "", 400, r#"{"error":"query missing"}"#),
        (
            "/sql",
            "show tables",
            400,
            r#"{"error":"only SELECT queries are supported"}"#,
        ),
    ];
    for (path, body, status, want) in cases {
        let r = c.post(path, body);
        assert_eq!(
            (r.status, r.body.as_str()),
            (*status, *want),
            "{path} {body}"
        );
    }
}

#[test]
fn bulk_needs_ndjson_and_reports_broken_lines() {
    let (_d, p) = start();
    for (port, tls) in [(p.http, false), (p.https, true)] {
        let mut c = Client::new(port, tls);
        let r = c.post("/bulk", "{\"insert\":{}}\n");
        assert_eq!(r.status, 400);
        assert_eq!(
            r.body,
            r#"{"error":{"type":"illegal_argument_exception","reason":"Content-Type must be application/x-ndjson"},"status":400}"#
        );
        let r = c.call(
            "POST",
            "/bulk",
            &["Content-Type: application/x-ndjson"],
            b"{broken\n\n{\"nope\":{}}\n[1]\n",
        );
        assert_eq!(r.status, 500);
        let j = r.json();
        assert_eq!(j["errors"], true);
        assert_eq!(j["current_line"], 4);
        assert_eq!(j["skipped_lines"], 1);
        assert_eq!(j["items"].as_array().unwrap().len(), 3);
        assert_eq!(j["items"][0]["error"]["error"]["type"], "parse_exception");
        assert_eq!(
            j["items"][1]["nope"]["error"]["reason"],
            "unknown bulk action 'nope'"
        );
        assert_eq!(
            j["error"],
            "line 1: invalid JSON: key must be a string at line 1 column 2"
        );
    }
}

#[test]
fn readonly_listeners_refuse_writes() {
    let (_d, p) = start();
    let mut c = Client::plain(p.readonly);
    for path in ["/insert", "/replace", "/update", "/delete", "/bulk"] {
        let r = c.post(path, r#"{"table":"t","id":1,"doc":{"a":1}}"#);
        assert_eq!(r.status, 403, "{path}");
        assert_eq!(
            r.body,
            r#"{"error":{"type":"security_exception","reason":"connection is read-only"},"status":403}"#
        );
    }
    let r = c.call("GET", "/", &[], b"");
    assert_eq!(r.status, 200);
}

#[test]
fn slow_clients_do_not_hold_up_others() {
    // A generous body timeout: the slow client finishes after the others.
    let (_d, p) = start_with("    network_timeout = 120\n");
    let mut slow = Client::plain(p.http);
    slow.s
        .write_all(b"POST /sql?mode=raw HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\nsel")
        .unwrap();
    for tls in [false, true] {
        let port = if tls { p.https } else { p.http };
        let r = Client::new(port, tls).sql("select 4");
        assert_eq!(r.json()[0]["data"][0]["4"], 4);
    }
    slow.s.write_all(b"ect 5").unwrap();
    let r = slow.read(false);
    assert_eq!(r.json()[0]["data"][0]["5"], 5);
}

#[test]
fn cli_prints_a_text_table() {
    let (_d, p) = start();
    let r = Client::tls(p.https).post("/cli", "select 1 as one");
    assert_eq!(r.status, 200);
    let want_head = "+-----+\n| one |\n+-----+\n|   1 |\n+-----+\n1 row in set (";
    assert!(r.body.starts_with(want_head), "{}", r.body);
    let r = Client::plain(p.http).post("/cli_json", "select 1 as one");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()[0]["data"][0]["one"], 1);
    let r = Client::plain(p.http).post("/cli", "select from");
    assert_eq!(r.status, 400);
    assert!(r.body.starts_with("ERROR 1064 (42000): "), "{}", r.body);
}

#[test]
fn chunked_bodies_and_http_1_0() {
    let (_d, p) = start();
    for (port, tls) in [(p.http, false), (p.https, true)] {
        let mut c = Client::new(port, tls);
        c.s.write_all(
            b"POST /sql?mode=raw HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nsele\r\n4\r\nct 6\r\n0\r\n\r\n",
        )
        .unwrap();
        let r = c.read(false);
        assert_eq!(r.json()[0]["data"][0]["6"], 6, "{}", r.body);
        // HTTP/1.0 without keep-alive: one answer, then the server closes.
        let mut c = Client::new(port, tls);
        c.s.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
        let r = c.read(false);
        assert_eq!(r.status, 200);
        let mut rest = Vec::new();
        let _ = std::io::Read::read_to_end(&mut c.s, &mut rest);
        assert!(rest.is_empty());
    }
}

#[test]
fn a_stalled_body_gets_408_and_others_are_served() {
    let (_d, p) = start_with("    network_timeout = 1\n");
    for (port, tls) in [(p.http, false), (p.https, true)] {
        let mut c = Client::new(port, tls);
        c.s.write_all(b"POST /search HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{\"ta")
            .unwrap();
        assert_eq!(
            Client::new(port, tls).call("GET", "/", &[], b"").status,
            200
        );
        let r = c.read(false);
        assert_eq!(r.status, 408);
        assert_eq!(
            r.body,
            r#"{"error":"timed out waiting for the request body"}"#
        );
    }
}

#[test]
fn requests_hyper_rejects_still_get_server_and_json() {
    let (_d, p) = start();
    for (port, tls) in [(p.http, false), (p.https, true)] {
        let mut c = Client::new(port, tls);
        c.s.write_all(b"GET / HTTP/1.1\r\nBad Header\r\n\r\n")
            .unwrap();
        let r = c.read(false);
        assert_eq!(r.status, 400);
        assert_eq!(r.body, r#"{"error":"Bad Request"}"#);
        assert!(r.header("Server").unwrap().starts_with("searchd "));
        assert_eq!(
            r.header("Content-Type"),
            Some("application/json; charset=UTF-8")
        );
    }
}

/// A socket that sends what it is given a few bytes per TCP write, so that TLS
/// records reach the daemon in pieces.
#[derive(Debug)]
struct Trickle(std::net::TcpStream);

impl std::io::Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for Trickle {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = buf.len().min(3);
        self.0.write_all(&buf[..n])?;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Over HTTPS, requests whose TLS records arrive in small pieces, and several
/// requests sent at once, are all answered on one connection; a peer that closes
/// without a TLS goodbye ends it cleanly.
#[test]
fn tls_records_in_pieces_and_back_to_back_requests() {
    let (_d, p) = start();
    let ca = std::fs::read(common::certs_dir().join("ca-cert.pem")).unwrap();
    let connector = native_tls::TlsConnector::builder()
        .add_root_certificate(native_tls::Certificate::from_pem(&ca).unwrap())
        .build()
        .unwrap();
    let tcp = common::connect(p.https);
    tcp.set_nodelay(true).unwrap();
    let s = connector
        .connect("localhost", Trickle(tcp))
        .expect("TLS handshake");
    let mut c = Client { s: Box::new(s) };
    let body = r#"{"table":"nosuch","query":{"match_all":{}}}"#;
    for _ in 0..3 {
        let r = c.post("/search", body);
        assert_eq!(r.status, 404, "{}", r.body);
        assert!(r.body.contains("nosuch"), "{}", r.body);
    }
    // Three requests in one write: the later ones wait decrypted or still
    // encrypted while the first is answered.
    let one = format!(
        "POST /search HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut c = Client::tls(p.https);
    c.s.write_all(one.repeat(3).as_bytes()).unwrap();
    for _ in 0..3 {
        let r = c.read(false);
        assert_eq!(r.status, 404, "{}", r.body);
    }
    drop(c);
    let r = Client::tls(p.https).call("GET", "/", &[], b"");
    assert_eq!(r.status, 200, "{}", r.body);
}

//! One port, several protocols: the binary API, HTTP, TLS and garbage on the
//! multi-protocol port, and what an `https` port does with each, TLS usable or not.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::{
    certs_dir, client_hello, connect, exchange, free_port, read_response, Daemon, Sandbox,
};

struct Ports {
    multi: u16,
    https: u16,
    http: u16,
}

fn start(tls_lines: &str) -> (Daemon, Ports) {
    let sb = Sandbox::new();
    let p = Ports {
        multi: free_port(),
        https: free_port(),
        http: free_port(),
    };
    sb.config(&format!(
        "    listen = 127.0.0.1:{}\n    listen = 127.0.0.1:{}:https\n    listen = 127.0.0.1:{}:http\n{tls_lines}",
        p.multi, p.https, p.http
    ));
    (Daemon::start(sb, &[]), p)
}

fn good_tls() -> String {
    let c = certs_dir();
    format!(
        "    ssl_cert = {}\n    ssl_key = {}\n    ssl_ca = {}\n",
        c.join("server-cert.pem").display(),
        c.join("server-key.pem").display(),
        c.join("ca-cert.pem").display()
    )
}

fn tls_client(port: u16) -> native_tls::TlsStream<TcpStream> {
    let ca = std::fs::read(certs_dir().join("ca-cert.pem")).unwrap();
    let connector = native_tls::TlsConnector::builder()
        .add_root_certificate(native_tls::Certificate::from_pem(&ca).unwrap())
        .build()
        .unwrap();
    connector
        .connect("localhost", connect(port))
        .expect("TLS handshake")
}

fn api_ping(cookie: u32) -> Vec<u8> {
    let mut req = vec![0, 0, 0, 1, 0, 9, 1, 0, 0, 0, 0, 4];
    req.extend_from_slice(&cookie.to_be_bytes());
    req
}

fn api_error(msg: &str) -> Vec<u8> {
    let mut want = vec![0, 1, 0, 0];
    want.extend_from_slice(&((msg.len() + 4) as u32).to_be_bytes());
    want.extend_from_slice(&(msg.len() as u32).to_be_bytes());
    want.extend_from_slice(msg.as_bytes());
    want
}

const PLAIN_ON_HTTPS_BODY: &str = r#"{"error":"The plain HTTP request was sent to HTTPS port"}"#;

fn plain_on_https_reply() -> Vec<u8> {
    format!(
        "HTTP/1.1 400 Bad Request\r\nServer: searchd {}\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: 57\r\n\r\n{PLAIN_ON_HTTPS_BODY}",
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes()
}

#[test]
fn the_multi_port_tells_api_http_tls_and_garbage_apart() {
    let (d, p) = start(&good_tls());
    for port in [p.multi, p.http] {
        // Binary API: the server's hello, then the PING reply with our cookie.
        let reply = exchange(port, &api_ping(0xC0FFEE));
        assert_eq!(
            reply,
            [0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 4, 0, 0xC0, 0xFF, 0xEE]
        );

        // Plain HTTP, any method token.
        let (status, body) = common::http(port, "GET", "/", "");
        assert_eq!(status, 200);
        assert!(body.contains("searchd"), "{body}");
        let (status, _) = common::http(port, "OPTIONS", "/", "");
        assert_eq!(status, 200);
        let (status, body) = common::http(port, "PATCH", "/nowhere", "");
        assert_eq!(status, 501);
        assert_eq!(body, r#"{"error":"/nowhere - unsupported endpoint"}"#);

        // HTTPS with keep-alive: two requests on one TLS connection.
        let mut tls = tls_client(port);
        for _ in 0..2 {
            tls.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .unwrap();
            let resp = read_response(&mut tls);
            assert!(resp.starts_with("HTTP/1.1 200 OK\r\n"), "{resp}");
            assert!(resp
                .to_ascii_lowercase()
                .contains("content-type: application/json; charset=utf-8"));
        }

        // Garbage: closed without a byte.
        assert!(exchange(port, b"\x05hello garbage\r\n").is_empty());
    }
    drop(d);
}

#[test]
fn the_https_port_refuses_plain_http_and_the_api_exactly_as_upstream() {
    let (_d, p) = start(&good_tls());
    assert_eq!(PLAIN_ON_HTTPS_BODY.len(), 57);
    let reply = exchange(p.https, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(
        String::from_utf8_lossy(&reply),
        String::from_utf8_lossy(&plain_on_https_reply())
    );

    let reply = exchange(p.https, &[0, 0, 0, 1]);
    let mut want = vec![0, 0, 0, 1];
    want.extend_from_slice(&api_error("Binary API request was sent to HTTPS port"));
    assert_eq!(reply, want);

    let mut tls = tls_client(p.https);
    tls.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut resp = String::new();
    let _ = tls.read_to_string(&mut resp);
    assert!(resp.starts_with("HTTP/1.1 200 OK\r\n"), "{resp}");
}

#[test]
fn with_unusable_tls_client_hellos_are_dropped_without_a_byte() {
    let missing =
        "    ssl_cert = /nonexistent/server-cert.pem\n    ssl_key = /nonexistent/server-key.pem\n";
    let (d, p) = start(missing);
    let log = d.log();
    assert!(
        log.contains("WARNING: TLS is unusable:") && log.contains("/nonexistent/server-cert.pem"),
        "{log}"
    );
    let hello = client_hello();
    for port in [p.multi, p.http, p.https] {
        assert!(exchange(port, &hello).is_empty(), "port {port} answered");
    }
    d.sandbox
        .wait_log("dropped TLS connection from 127.0.0.1 on https port");
    // Plain HTTP on the https port still gets the 400.
    let reply = exchange(p.https, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(reply, plain_on_https_reply());
    // And the daemon keeps serving plain HTTP on the multi port.
    assert_eq!(common::http(p.multi, "GET", "/", "").0, 200);
}

#[test]
fn broken_tls_handshakes_do_not_disturb_other_clients() {
    let (_d, p) = start(&good_tls());
    let hello = client_hello();
    // A truncated ClientHello, then the client goes away.
    {
        let mut s = connect(p.multi);
        s.write_all(&hello[..hello.len() / 2]).unwrap();
    }
    // Garbage after the record header.
    let reply = exchange(p.multi, b"\x16\x03\x01\x00\x05garbage-garbage");
    assert!(!reply.starts_with(b"HTTP"));
    // A client that stalls mid-handshake stays open while others are served.
    let mut stalled = connect(p.multi);
    stalled.write_all(&hello[..10]).unwrap();
    let mut tls = tls_client(p.multi);
    tls.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut resp = String::new();
    let _ = tls.read_to_string(&mut resp);
    assert!(resp.starts_with("HTTP/1.1 200 OK\r\n"), "{resp}");
}

#[test]
fn large_bodies_both_ways_over_https() {
    let (_d, p) = start(&good_tls());
    let big = "y".repeat(3 * 1024 * 1024);
    let body = format!("SELECT '{big}' AS v");
    let mut tls = tls_client(p.https);
    let req = format!(
        "POST /sql?mode=raw HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    for _ in 0..2 {
        tls.write_all(req.as_bytes()).unwrap();
        let resp = read_response(&mut tls);
        assert!(resp.starts_with("HTTP/1.1 200 OK\r\n"), "{}", &resp[..200]);
        assert!(resp.contains(&big));
    }
}

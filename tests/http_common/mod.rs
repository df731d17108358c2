//! An independent HTTP/1.1 client over raw sockets (plain or native-tls) for the
//! HTTP API tests, and a daemon with `http`, `https` and read-only listeners.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;

use crate::common::{certs_dir, connect, free_port, Daemon, Sandbox};

/// The listeners of the test daemon.
pub struct Ports {
    pub http: u16,
    pub https: u16,
    pub readonly: u16,
}

/// Starts a daemon with TLS and a small `max_packet_size`.
pub fn start() -> (Daemon, Ports) {
    start_with("")
}

/// Same, with extra `searchd` lines.
pub fn start_with(extra: &str) -> (Daemon, Ports) {
    let sb = Sandbox::new();
    let p = Ports {
        http: free_port(),
        https: free_port(),
        readonly: free_port(),
    };
    let c = certs_dir();
    sb.config(&format!(
        "    listen = 127.0.0.1:{}:http\n    listen = 127.0.0.1:{}:https\n    listen = 127.0.0.1:{}:http_readonly\n    max_packet_size = 1M\n    ssl_cert = {}\n    ssl_key = {}\n    ssl_ca = {}\n{extra}",
        p.http,
        p.https,
        p.readonly,
        c.join("server-cert.pem").display(),
        c.join("server-key.pem").display(),
        c.join("ca-cert.pem").display()
    ));
    (Daemon::start(sb, &[]), p)
}

/// A transport the client can speak over.
pub trait Wire: Read + Write {}
impl<T: Read + Write> Wire for T {}

/// One keep-alive connection.
pub struct Client {
    pub s: Box<dyn Wire>,
}

/// A parsed response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

impl Client {
    pub fn plain(port: u16) -> Client {
        Client {
            s: Box::new(connect(port)),
        }
    }

    /// HTTPS, verifying the server against the test CA.
    pub fn tls(port: u16) -> Client {
        let ca = std::fs::read(certs_dir().join("ca-cert.pem")).unwrap();
        let connector = native_tls::TlsConnector::builder()
            .add_root_certificate(native_tls::Certificate::from_pem(&ca).unwrap())
            .build()
            .unwrap();
        let s = connector
            .connect("localhost", connect(port))
            .expect("TLS handshake");
        Client { s: Box::new(s) }
    }

    /// Plain or TLS.
    pub fn new(port: u16, tls: bool) -> Client {
        if tls {
            Client::tls(port)
        } else {
            Client::plain(port)
        }
    }

    /// Sends a request with a Content-Length body and extra header lines.
    pub fn send(&mut self, method: &str, path: &str, headers: &[&str], body: &[u8]) {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\n");
        for h in headers {
            req.push_str(h);
            req.push_str("\r\n");
        }
        req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        self.s.write_all(&bytes).expect("write request");
    }

    /// Reads one response (no body for HEAD).
    pub fn read(&mut self, head_only: bool) -> Resp {
        let head = self.read_head();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.get(9..12))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; if head_only { 0 } else { len }];
        self.s.read_exact(&mut body).expect("read body");
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// Reads up to the blank line after the headers.
    pub fn read_head(&mut self) -> String {
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            match self.s.read(&mut byte) {
                Ok(1) => buf.push(byte[0]),
                _ => break,
            }
        }
        String::from_utf8_lossy(&buf).into_owned()
    }

    pub fn call(&mut self, method: &str, path: &str, headers: &[&str], body: &[u8]) -> Resp {
        self.send(method, path, headers, body);
        self.read(method == "HEAD")
    }

    pub fn post(&mut self, path: &str, body: &str) -> Resp {
        self.call("POST", path, &[], body.as_bytes())
    }

    /// `POST /sql?mode=raw` with a raw body.
    pub fn sql(&mut self, sql: &str) -> Resp {
        self.post("/sql?mode=raw", sql)
    }
}

/// A fresh connection each time (plain or TLS), one request.
pub fn post(port: u16, tls: bool, path: &str, body: &str) -> Resp {
    Client::new(port, tls).post(path, body)
}

pub fn stream(port: u16) -> TcpStream {
    connect(port)
}

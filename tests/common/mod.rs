//! Test support: start the real `searchd` binary on free ports with a config file in a
//! temporary folder, read its log, stop it.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The daemon binary Cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_searchd");

/// How long a test waits for the daemon before it gives up (generous: CI is slow).
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind an ephemeral port")
}

/// The repository's test certificates.
pub fn certs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("certs")
}

/// A temporary folder holding a config and whatever the daemon writes.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `searchd.conf` with the given `searchd` section body (log and pid file
    /// lines are added) and returns its path.
    pub fn config(&self, body: &str) -> PathBuf {
        let text = format!(
            "searchd {{\n    log = {}\n    pid_file = {}\n{body}\n}}\n",
            self.path("searchd.log").display(),
            self.path("searchd.pid").display(),
        );
        let path = self.path("searchd.conf");
        std::fs::write(&path, text).expect("write config");
        path
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.path("searchd.log")).unwrap_or_default()
    }

    /// Waits until the log contains `needle`; panics with the log otherwise.
    pub fn wait_log(&self, needle: &str) {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if self.log().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("log never said {needle:?}; log:\n{}", self.log());
    }

    /// Runs `searchd` with `args` to completion (for `--check`, `--stop`...).
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("run searchd")
    }
}

/// A daemon running in the foreground (`--nodetach`), stopped on drop.
pub struct Daemon {
    pub child: Child,
    pub sandbox: Sandbox,
}

impl Daemon {
    /// Starts `searchd --config CONF --nodetach` and waits for `accepting connections`.
    pub fn start(sandbox: Sandbox, extra_args: &[&str]) -> Daemon {
        let conf = sandbox.path("searchd.conf");
        let child = Command::new(BIN)
            .arg("--config")
            .arg(&conf)
            .arg("--nodetach")
            .args(extra_args)
            .current_dir(sandbox.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start searchd");
        let d = Daemon { child, sandbox };
        d.sandbox.wait_log("accepting connections");
        d
    }

    pub fn log(&self) -> String {
        self.sandbox.log()
    }

    /// SIGTERM, then waits for the exit status.
    pub fn stop(mut self) -> std::process::ExitStatus {
        terminate(self.child.id());
        wait_with_patience(&mut self.child)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn terminate(pid: u32) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status();
}

pub fn wait_with_patience(child: &mut Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().expect("wait") {
            return s;
        }
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("daemon did not exit after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Connects to 127.0.0.1:port with a read timeout.
pub fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(PATIENCE)).expect("timeout");
    s
}

/// Reads until the peer closes; returns what arrived.
pub fn read_all(s: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    out
}

/// Sends a raw request and returns the whole reply (the server closes after it).
pub fn exchange(port: u16, request: &[u8]) -> Vec<u8> {
    let mut s = connect(port);
    s.write_all(request).expect("write");
    read_all(&mut s)
}

/// One HTTP/1.1 request with `Connection: close`; returns (status, body).
pub fn http(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let reply = String::from_utf8_lossy(&exchange(port, req.as_bytes())).into_owned();
    let status = reply.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = reply
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Reads one HTTP response with a Content-Length body from a keep-alive stream.
pub fn read_response(s: &mut impl Read) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte).unwrap() == 0 {
            break;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("content-length: ")
                .or(l.strip_prefix("Content-Length: "))
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    head + &String::from_utf8_lossy(&body)
}

/// The bytes of a real TLS ClientHello, captured from a TLS client (native-tls) that
/// connects to a listener of the test's own.
pub fn client_hello() -> Vec<u8> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let client = std::thread::spawn(move || {
        let connector = native_tls::TlsConnector::new().unwrap();
        let _ = connector.connect(
            "localhost",
            TcpStream::connect(("127.0.0.1", port)).unwrap(),
        );
    });
    let (mut s, _) = listener.accept().unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = vec![0u8; 16384];
    let n = s.read(&mut buf).unwrap();
    buf.truncate(n);
    drop(s);
    let _ = client.join();
    assert_eq!(&buf[..2], &[0x16, 0x03]);
    buf
}

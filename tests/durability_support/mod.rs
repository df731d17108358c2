//! Test support for durability: a daemon over one `data_dir` that can be stopped
//! cleanly, killed with SIGKILL, and started again on the same files.
#![allow(dead_code)]

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, OptsBuilder, Row};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The daemon binary Cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_searchd");

/// How long to wait for the daemon (generous: CI is slow).
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind an ephemeral port")
}

/// A daemon's folder, config and (when running) process.
pub struct Node {
    pub dir: tempfile::TempDir,
    pub port: u16,
    child: Option<Child>,
}

impl Node {
    /// A config with a MySQL listener, `data_dir` and `extra` searchd lines.
    pub fn rt(extra: &str) -> Node {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("data")).expect("data dir");
        let body = format!(
            "    data_dir = {}\n{extra}",
            dir.path().join("data").display()
        );
        Node::with_config(dir, &body, "")
    }

    /// A config with the given searchd lines and other sections.
    pub fn with_config(dir: tempfile::TempDir, searchd: &str, sections: &str) -> Node {
        let port = free_port();
        let text = format!(
            "{sections}\nsearchd {{\n    listen = 127.0.0.1:{port}:mysql\n    log = {}\n    pid_file = {}\n{searchd}\n}}\n",
            dir.path().join("searchd.log").display(),
            dir.path().join("searchd.pid").display(),
        );
        std::fs::write(dir.path().join("searchd.conf"), text).expect("write config");
        Node {
            dir,
            port,
            child: None,
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.path("searchd.log")).unwrap_or_default()
    }

    /// Starts the daemon and waits until it accepts connections.
    pub fn start(&mut self) {
        let before = self.log().matches("accepting connections").count();
        let child = Command::new(BIN)
            .arg("--config")
            .arg(self.path("searchd.conf"))
            .arg("--nodetach")
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start searchd");
        self.child = Some(child);
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if self.log().matches("accepting connections").count() > before {
                return;
            }
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
                panic!("searchd exited with {status}; log:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("searchd did not start; log:\n{}", self.log());
    }

    /// Runs the daemon to its exit (for start-up failures); returns its stderr.
    pub fn run_to_exit(&self) -> (i32, String) {
        let out = Command::new(BIN)
            .arg("--config")
            .arg(self.path("searchd.conf"))
            .arg("--nodetach")
            .current_dir(self.dir.path())
            .output()
            .expect("run searchd");
        let text = String::from_utf8_lossy(&out.stderr).into_owned() + &self.log();
        (out.status.code().unwrap_or(-1), text)
    }

    /// SIGTERM, and waits for the exit.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(c.id().to_string())
                .status();
            wait(&mut c);
        }
    }

    /// SIGKILL, and waits for the exit.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// A MySQL connection.
    pub async fn conn(&self) -> Conn {
        let opts = OptsBuilder::default()
            .ip_or_hostname("127.0.0.1")
            .tcp_port(self.port)
            .prefer_socket(false);
        Conn::new(opts).await.expect("connect")
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill9();
    }
}

fn wait(c: &mut Child) {
    let start = Instant::now();
    while start.elapsed() < PATIENCE {
        if let Ok(Some(_)) = c.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = c.kill();
    panic!("searchd did not exit after SIGTERM");
}

/// Every row of a query, each value in its text form.
pub async fn rows(conn: &mut Conn, sql: &str) -> Vec<Vec<String>> {
    let rows: Vec<Row> = conn
        .query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.into_iter()
        .map(|r| {
            r.unwrap()
                .into_iter()
                .map(|v| match v {
                    mysql_async::Value::Bytes(b) => String::from_utf8_lossy(&b).into_owned(),
                    mysql_async::Value::NULL => "NULL".to_string(),
                    other => other.as_sql(true),
                })
                .collect()
        })
        .collect()
}

/// Runs a statement, panicking with it on failure.
pub async fn exec(conn: &mut Conn, sql: &str) {
    conn.query_drop(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The files directly in a folder.
pub fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

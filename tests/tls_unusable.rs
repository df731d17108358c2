//! Every way TLS can be unusable, against the real daemon: it starts anyway, logs one
//! WARNING line saying why, drops TLS ClientHellos on multi-protocol and https ports
//! without a byte, and MySQL stops offering TLS (a client that requires it fails, a
//! plain one connects).

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{certs_dir, client_hello, connect, exchange, free_port, Sandbox, PATIENCE};
use mysql_async::prelude::Queryable;

/// The capability flags of the MySQL greeting on `port`.
fn greeting_capabilities(port: u16) -> u32 {
    let mut s = connect(port);
    let mut head = [0u8; 4];
    s.read_exact(&mut head).unwrap();
    let len = u32::from_le_bytes([head[0], head[1], head[2], 0]) as usize;
    let mut p = vec![0u8; len];
    s.read_exact(&mut p).unwrap();
    assert_eq!(p[0], 10, "protocol version");
    let nul = p[1..].iter().position(|&b| b == 0).unwrap() + 1;
    let at = nul + 1 + 4 + 8 + 1;
    let low = u16::from_le_bytes([p[at], p[at + 1]]) as u32;
    let high = u16::from_le_bytes([p[at + 5], p[at + 6]]) as u32;
    low | high << 16
}

const CLIENT_SSL: u32 = 0x0800;

fn mysql_opts(port: u16, tls: bool) -> mysql_async::Opts {
    let mut b = mysql_async::OptsBuilder::default()
        .ip_or_hostname("127.0.0.1")
        .tcp_port(port)
        .user(Some("test"))
        .prefer_socket(false);
    if tls {
        b = b.ssl_opts(
            mysql_async::SslOpts::default()
                .with_root_certs(vec![certs_dir().join("ca-cert.pem").into()]),
        );
    }
    b.into()
}

struct Started {
    child: std::process::Child,
    sandbox: Sandbox,
    mysql: u16,
    multi: u16,
    https: u16,
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the daemon with `tls_lines`, optionally through a wrapper command (for the
/// mount namespace case).
/// Builds the command that starts the daemon: (binary, config) -> command.
type Wrapper<'a> = &'a dyn Fn(&Path, &Path) -> Command;

fn start(tls_lines: &str, wrapper: Option<Wrapper>) -> Started {
    let sandbox = Sandbox::new();
    let (mysql, multi, https) = (free_port(), free_port(), free_port());
    let conf = sandbox.config(&format!(
        "    listen = 127.0.0.1:{mysql}:mysql\n    listen = 127.0.0.1:{multi}\n    listen = 127.0.0.1:{https}:https\n{tls_lines}"
    ));
    let mut cmd = match wrapper {
        Some(w) => w(Path::new(common::BIN), &conf),
        None => {
            let mut c = Command::new(common::BIN);
            c.arg("--config").arg(&conf).arg("--nodetach");
            c
        }
    };
    let child = cmd
        .current_dir(sandbox.dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start searchd");
    sandbox.wait_log("accepting connections");
    Started {
        child,
        sandbox,
        mysql,
        multi,
        https,
    }
}

/// What every unusable case must show.
fn assert_degrades(s: &Started, reason: &str) {
    let log = s.sandbox.log();
    let warnings: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("WARNING: TLS is unusable"))
        .collect();
    assert_eq!(warnings.len(), 1, "one WARNING line expected:\n{log}");
    assert!(
        warnings[0].contains(reason),
        "reason {reason:?} not in {:?}",
        warnings[0]
    );

    let hello = client_hello();
    for port in [s.multi, s.https] {
        assert!(
            exchange(port, &hello).is_empty(),
            "port {port} answered a ClientHello"
        );
    }
    s.sandbox
        .wait_log("dropped TLS connection from 127.0.0.1 on https port");

    assert_eq!(
        greeting_capabilities(s.mysql) & CLIENT_SSL,
        0,
        "CLIENT_SSL offered"
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let Err(err) = mysql_async::Conn::new(mysql_opts(s.mysql, true)).await else {
            panic!("a client that requires TLS must fail");
        };
        let text = err.to_string();
        assert!(text.to_lowercase().contains("ssl"), "{text}");
        let mut plain = mysql_async::Conn::new(mysql_opts(s.mysql, false))
            .await
            .unwrap();
        let v: Option<String> = plain.query_first("select @@version_comment").await.unwrap();
        assert!(v.unwrap().starts_with("searchd"));
        plain.disconnect().await.unwrap();
    });
    // Plain HTTP on the https port still gets the 400, and the multi port serves HTTP.
    let reply = exchange(s.https, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(reply.starts_with(b"HTTP/1.1 400 Bad Request\r\n"));
    assert_eq!(common::http(s.multi, "GET", "/", "").0, 200);
}

fn cert_lines(cert: &Path, key: &Path, ca: Option<&Path>) -> String {
    let mut s = format!(
        "    ssl_cert = {}\n    ssl_key = {}\n",
        cert.display(),
        key.display()
    );
    if let Some(ca) = ca {
        s += &format!("    ssl_ca = {}\n", ca.display());
    }
    s
}

fn good_cert() -> std::path::PathBuf {
    certs_dir().join("server-cert.pem")
}

fn good_key() -> std::path::PathBuf {
    certs_dir().join("server-key.pem")
}

#[test]
fn missing_key_file() {
    let s = start(
        &cert_lines(&good_cert(), Path::new("/nonexistent/key.pem"), None),
        None,
    );
    assert_degrades(
        &s,
        "ssl_key '/nonexistent/key.pem' cannot be read: No such file or directory",
    );
}

#[test]
fn key_that_does_not_match_the_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other-key.pem");
    let out = Command::new("openssl")
        .args(["genrsa", "-out"])
        .arg(&other)
        .arg("2048")
        .output()
        .expect("openssl");
    assert!(out.status.success());
    let s = start(&cert_lines(&good_cert(), &other, None), None);
    assert_degrades(
        &s,
        &format!("ssl_key '{}' does not match ssl_cert", other.display()),
    );
}

#[test]
fn certificate_that_is_not_pem() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad-cert.pem");
    std::fs::write(&bad, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n").unwrap();
    let s = start(&cert_lines(&bad, &good_key(), None), None);
    assert_degrades(
        &s,
        &format!(
            "ssl_cert '{}' is not a valid PEM certificate",
            bad.display()
        ),
    );
}

#[test]
fn missing_ca_file() {
    let s = start(
        &cert_lines(
            &good_cert(),
            &good_key(),
            Some(Path::new("/nonexistent/ca.pem")),
        ),
        None,
    );
    assert_degrades(&s, "ssl_ca '/nonexistent/ca.pem' cannot be read");
}

#[test]
fn ssl_library_that_is_not_libssl() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("libssl.so.3");
    std::fs::write(&fake, b"this is not a shared library").unwrap();
    let lines = cert_lines(&good_cert(), &good_key(), None)
        + &format!("    ssl_library = {}\n", fake.display());
    let s = start(&lines, None);
    assert_degrades(&s, "the SSL library cannot be loaded");
}

/// The libssl.so.3 the dynamic loader would pick.
fn system_libssl() -> Option<String> {
    let out = Command::new("ldconfig").arg("-p").output().ok()?;
    String::from_utf8_lossy(&out.stdout).lines().find_map(|l| {
        let l = l.trim();
        l.starts_with("libssl.so.3 ")
            .then(|| l.rsplit(" => ").next().map(str::to_string))
            .flatten()
    })
}

#[test]
fn system_library_hidden_in_a_private_mount_namespace() {
    if !nix_is_root() {
        eprintln!("not root: the mount-namespace case runs only as root (as in CI)");
        return;
    }
    let lib = system_libssl().expect("ldconfig lists libssl.so.3");
    let wrapper = move |bin: &Path, conf: &Path| {
        let mut c = Command::new("unshare");
        c.args(["--mount", "--", "sh", "-c"]).arg(format!(
            "mount --bind /dev/null {lib} && exec {} --config {} --nodetach",
            bin.display(),
            conf.display()
        ));
        c
    };
    let s = start(&cert_lines(&good_cert(), &good_key(), None), Some(&wrapper));
    assert_degrades(&s, "the SSL library cannot be loaded");
}

fn nix_is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn a_daemon_with_usable_tls_serves_mysql_tls_and_https_on_the_same_ports() {
    let s = start(
        &cert_lines(
            &good_cert(),
            &good_key(),
            Some(&certs_dir().join("ca-cert.pem")),
        ),
        None,
    );
    assert!(s.sandbox.log().contains("TLS is usable (OpenSSL"));
    assert_ne!(greeting_capabilities(s.mysql) & CLIENT_SSL, 0);
    // Captured before connecting: a connection silent for long is taken for an API
    // client that reads first.
    let hello = client_hello();
    let mut raw = connect(s.https);
    raw.set_read_timeout(Some(PATIENCE)).unwrap();
    raw.write_all(&hello).unwrap();
    let mut first = [0u8; 1];
    raw.read_exact(&mut first).unwrap();
    assert_eq!(first[0], 0x16, "a ServerHello record");
}

//! Reloading TLS without a restart (SIGHUP): new connections get the new certificate,
//! a keep-alive connection opened before keeps working, and a broken replacement
//! leaves the previous context serving (with an error in the log).

mod common;
#[path = "tls_pki/mod.rs"]
mod pki;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{free_port, Daemon, Sandbox};
use pki::{s_client, Pki};

fn hup(d: &Daemon) {
    let status = std::process::Command::new("kill")
        .args(["-HUP", &d.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

/// One keep-alive `GET /` and its status line.
fn get<S: Read + Write>(s: &mut S) -> String {
    s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        assert_eq!(s.read(&mut byte).unwrap(), 1, "connection closed");
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .expect("content-length");
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    head.lines().next().unwrap_or_default().to_string()
}

fn subject(pki: &Pki, port: u16) -> String {
    let got = s_client(pki.dir.path(), port, &["-CAfile", "ca.pem"]);
    got.text
        .lines()
        .find(|l| l.starts_with("subject="))
        .unwrap_or_else(|| panic!("no certificate: {}", got.text))
        .to_string()
}

#[test]
fn sighup_swaps_the_certificate_and_keeps_old_connections() {
    let pki = Pki::new();
    pki.issue("server2", "server", &["-days", "10"]);
    let sandbox = Sandbox::new();
    let port = free_port();
    let (cert, key) = (sandbox.path("cert.pem"), sandbox.path("key.pem"));
    std::fs::copy(pki.path("server.pem"), &cert).unwrap();
    std::fs::copy(pki.path("server.key"), &key).unwrap();
    sandbox.config(&format!(
        "    listen = 127.0.0.1:{port}:https\n    ssl_cert = {}\n    ssl_key = {}\n",
        cert.display(),
        key.display()
    ));
    let d = Daemon::start(sandbox, &[]);
    assert_eq!(subject(&pki, port), "subject=CN = server");

    let ca = std::fs::read(pki.path("ca.pem")).unwrap();
    let connector = native_tls::TlsConnector::builder()
        .add_root_certificate(native_tls::Certificate::from_pem(&ca).unwrap())
        .build()
        .unwrap();
    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut old = connector.connect("localhost", tcp).unwrap();
    assert_eq!(get(&mut old), "HTTP/1.1 200 OK");

    std::fs::copy(pki.path("server2.pem"), &cert).unwrap();
    std::fs::copy(pki.path("server2.key"), &key).unwrap();
    hup(&d);
    d.sandbox.wait_log("TLS reloaded");
    let soon = format!(
        "WARNING: ssl_cert '{}' expires within 30 days",
        cert.display()
    );
    d.sandbox.wait_log(&soon);
    assert_eq!(subject(&pki, port), "subject=CN = server2");
    assert_eq!(
        get(&mut old),
        "HTTP/1.1 200 OK",
        "the old connection still works"
    );

    std::fs::write(&cert, "not a certificate\n").unwrap();
    hup(&d);
    d.sandbox
        .wait_log("TLS reload failed, keeping the previous TLS context: ssl_cert");
    assert_eq!(subject(&pki, port), "subject=CN = server2");
    assert_eq!(get(&mut old), "HTTP/1.1 200 OK");
}

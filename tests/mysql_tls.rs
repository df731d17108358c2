//! MySQL over TLS (in-band upgrade after an SSLRequest).
//!
//! These tests need the real TLS binding (`searchd::tls`) and the `openssl` command
//! line tool (to make a throw-away certificate). Until the binding is merged, every
//! test that needs a usable TLS state fails at `usable_state()`; only
//! `client_requiring_tls_fails_cleanly_when_unusable` passes before the merge.

mod mysql_support;

use std::io;
use std::path::Path;
use std::pin::Pin;
use std::process::Command;
use std::sync::Arc;
use std::task::{Context, Poll};

use mysql_async::prelude::*;
use mysql_async::{Conn, SslOpts};
use mysql_support::{handshake_response, opts, read_packet, start, start_on};
use searchd::config::Searchd;
use searchd::service::ServerState;
use searchd::tls::{TlsSettings, TlsState};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;

/// Writes a self-signed certificate and key for `localhost` into `dir`.
fn make_cert(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let status = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("the openssl command line tool is needed to make a test certificate");
    assert!(status.status.success(), "openssl req failed");
    (cert, key)
}

/// A server state with usable TLS (fails until the TLS binding is merged).
fn usable_state(dir: &Path) -> Arc<ServerState> {
    let (cert, key) = make_cert(dir);
    let settings = TlsSettings {
        cert: Some(cert),
        key: Some(key),
        ..TlsSettings::default()
    };
    let tls = TlsState::init(&settings);
    if let TlsState::Unusable { reason } = &tls {
        panic!("TLS is unusable: {reason}");
    }
    Arc::new(ServerState::new(Searchd::default(), tls))
}

fn tls_opts() -> SslOpts {
    SslOpts::default()
        .with_danger_accept_invalid_certs(true)
        .with_danger_skip_domain_validation(true)
}

type Who = (String, String, Option<String>);

#[tokio::test]
async fn tls_query_with_cipher() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, state) = start_on(usable_state(dir.path())).await;
    let mut c = Conn::new(opts(addr).ssl_opts(tls_opts())).await.unwrap();
    let got: Vec<Who> = c.query("whoami").await.unwrap();
    assert_eq!(got[0].1, "mysql,ssl");
    let cipher = got[0].2.clone().expect("a cipher on a TLS session");
    assert!(!cipher.is_empty());
    assert_eq!(state.threads()[0].proto, "mysql,ssl");
    let one: Vec<i64> = c.query("select 1").await.unwrap();
    assert_eq!(one, [1]);
}

#[tokio::test]
async fn compressed_over_tls() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, _) = start_on(usable_state(dir.path())).await;
    let o = opts(addr)
        .ssl_opts(tls_opts())
        .compression(mysql_async::Compression::default());
    let mut c = Conn::new(o).await.unwrap();
    let got: Vec<Who> = c.query("whoami").await.unwrap();
    assert_eq!(got[0].1, "mysql,ssl,compressed");
    let long = "q".repeat(50_000);
    let echoed: Vec<String> = c.query(format!("echo {long}")).await.unwrap();
    assert_eq!(echoed, [long]);
    let p: Option<String> = c.exec_first("echo ?", (7,)).await.unwrap();
    assert_eq!(p.as_deref(), Some("7"));
}

#[tokio::test]
async fn greeting_advertises_ssl_when_usable() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, _) = start_on(usable_state(dir.path())).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    let (_, g) = read_packet(&mut s).await.unwrap();
    let p = g.iter().position(|b| *b == 0).unwrap() + 1 + 4;
    let caps_lo = u16::from_le_bytes([g[p + 9], g[p + 10]]);
    assert_ne!(caps_lo & 0x800, 0);
}

#[tokio::test]
async fn client_requiring_tls_fails_cleanly_when_unusable() {
    let (addr, _) = start().await;
    let err = Conn::new(opts(addr).ssl_opts(tls_opts())).await;
    assert!(err.is_err(), "a client requiring TLS must not connect");
    let mut c = Conn::new(opts(addr)).await.unwrap();
    let one: Vec<i64> = c.query("select 1").await.unwrap();
    assert_eq!(one, [1]);
}

/// A stream that sends `pending` glued to the first write, so the SSLRequest and the
/// TLS ClientHello reach the server in one segment.
struct Glued {
    inner: TcpStream,
    pending: Vec<u8>,
    merged: bool,
}

impl AsyncRead for Glued {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Glued {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.pending.is_empty() {
            return Pin::new(&mut self.inner).poll_write(cx, buf);
        }
        if !self.merged {
            self.pending.extend_from_slice(buf);
            self.merged = true;
        }
        while !self.pending.is_empty() {
            let this = &mut *self;
            match Pin::new(&mut this.inner).poll_write(cx, &this.pending) {
                Poll::Ready(Ok(n)) => {
                    this.pending.drain(..n);
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

fn framed(seq: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = (payload.len() as u32).to_le_bytes()[..3].to_vec();
    out.push(seq);
    out.extend_from_slice(payload);
    out
}

#[tokio::test]
async fn bytes_after_ssl_request_are_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, _) = start_on(usable_state(dir.path())).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    read_packet(&mut s).await.unwrap();
    let mut req = (0x200u32 | 0x800 | 0x8000 | 0x8_0000 | 0x20_0000)
        .to_le_bytes()
        .to_vec();
    req.extend_from_slice(&[0, 0, 0, 1, 0x21]);
    req.extend_from_slice(&[0; 23]);
    let glued = Glued {
        inner: s,
        pending: framed(1, &req),
        merged: false,
    };
    let connector = native_tls::TlsConnector::builder()
        .danger_accept_invalid_certs(true)
        .danger_accept_invalid_hostnames(true)
        .build()
        .unwrap();
    let connector = tokio_native_tls::TlsConnector::from(connector);
    let mut tls = connector.connect("localhost", glued).await.unwrap();
    let resp = handshake_response("t", None, "mysql_native_password");
    tls.write_all(&framed(2, &resp)).await.unwrap();
    let mut h = [0u8; 4];
    tls.read_exact(&mut h).await.unwrap();
    assert_eq!(h[3], 3, "sequence ids continue across the upgrade");
    let mut ok = vec![0u8; usize::from(h[0])];
    tls.read_exact(&mut ok).await.unwrap();
    assert_eq!(ok[0], 0x00);
    tls.write_all(&framed(0, &[0x0E])).await.unwrap();
    tls.read_exact(&mut h).await.unwrap();
    assert_eq!(h[3], 1);
}

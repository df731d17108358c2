//! Tests with real certificates made by the `openssl` command in a temp dir, a real
//! TCP listener, and `native-tls` as an independent client.

mod handshake;
mod init;
mod policy;
mod stream;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::{TlsAcceptor, TlsSettings, TlsState};

/// Generous: only reached when something is broken.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// Runs `openssl` with `args` in `dir`, panicking with its stderr on failure.
pub fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA and a server certificate it signed, in a temp dir.
pub struct Certs {
    pub dir: tempfile::TempDir,
}

impl Certs {
    /// `ca-key.pem`, `ca-cert.pem`, `server-key.pem` (PKCS#8), `server-cert.pem`.
    pub fn new() -> Certs {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        openssl(d, &["genrsa", "-out", "ca-key.pem", "2048"]);
        openssl(
            d,
            &[
                "req",
                "-new",
                "-x509",
                "-nodes",
                "-days",
                "365",
                "-key",
                "ca-key.pem",
                "-out",
                "ca-cert.pem",
                "-subj",
                "/CN=searchd test CA",
            ],
        );
        let certs = Certs { dir };
        certs.leaf("server", &["-newkey", "rsa:2048"], "ca");
        certs
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `<name>-key.pem` (from `keygen` args, or an existing key file) and
    /// `<name>-cert.pem` for localhost/127.0.0.1, signed by `<issuer>-key.pem`.
    pub fn leaf(&self, name: &str, keygen: &[&str], issuer: &str) {
        let d = self.dir.path();
        let key = format!("{name}-key.pem");
        let req = format!("{name}-req.pem");
        let mut args = vec!["req", "-new", "-nodes"];
        args.extend_from_slice(keygen);
        if keygen.is_empty() {
            args.extend_from_slice(&["-key", &key]);
        } else {
            args.extend_from_slice(&["-keyout", &key]);
        }
        args.extend_from_slice(&[
            "-out",
            &req,
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ]);
        openssl(d, &args);
        self.sign(&req, &format!("{name}-cert.pem"), issuer, None);
    }

    /// Signs a request with `<issuer>-key.pem` / `<issuer>-cert.pem`.
    pub fn sign(&self, req: &str, out: &str, issuer: &str, extfile: Option<&str>) {
        let ca_cert = format!("{issuer}-cert.pem");
        let ca_key = format!("{issuer}-key.pem");
        let mut args = vec![
            "x509",
            "-req",
            "-in",
            req,
            "-days",
            "365",
            "-CA",
            &ca_cert,
            "-CAkey",
            &ca_key,
            "-set_serial",
            "01",
            "-out",
            out,
            "-copy_extensions",
            "copy",
        ];
        if let Some(ext) = extfile {
            args.extend_from_slice(&["-extfile", ext]);
        }
        openssl(self.dir.path(), &args);
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write test file");
        path
    }

    /// Settings for `<name>-cert.pem` and `<name>-key.pem`.
    pub fn settings(&self, name: &str) -> TlsSettings {
        TlsSettings {
            cert: Some(self.path(&format!("{name}-cert.pem"))),
            key: Some(self.path(&format!("{name}-key.pem"))),
            ..TlsSettings::default()
        }
    }

    pub fn acceptor(&self, name: &str) -> TlsAcceptor {
        usable(&self.settings(name))
    }

    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(self.path("ca-cert.pem")).expect("CA certificate")
    }
}

/// The acceptor, or a panic with the reason TLS is unusable.
pub fn usable(settings: &TlsSettings) -> TlsAcceptor {
    match TlsState::init(settings) {
        TlsState::Usable(a) => a,
        TlsState::Unusable { reason } => panic!("TLS unusable: {reason}"),
    }
}

/// The reason TLS is unusable, or a panic when it is usable.
pub fn reason(settings: &TlsSettings) -> String {
    match TlsState::init(settings) {
        TlsState::Usable(_) => panic!("TLS unexpectedly usable"),
        TlsState::Unusable { reason } => reason,
    }
}

/// A native-tls client trusting only the test CA, limited to the given versions.
pub fn connector(
    certs: &Certs,
    min: native_tls::Protocol,
    max: Option<native_tls::Protocol>,
) -> tokio_native_tls::TlsConnector {
    let ca = native_tls::Certificate::from_pem(&certs.ca_pem()).expect("CA parses");
    let c = native_tls::TlsConnector::builder()
        .add_root_certificate(ca)
        .disable_built_in_roots(true)
        .min_protocol_version(Some(min))
        .max_protocol_version(max)
        .build()
        .expect("connector");
    tokio_native_tls::TlsConnector::from(c)
}

/// A listener on 127.0.0.1 with an ephemeral port.
pub async fn listener() -> (TcpListener, SocketAddr) {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    (l, addr)
}

/// The first bytes a real client sends: its ClientHello record(s).
pub async fn client_hello(certs: &Certs) -> Vec<u8> {
    let (l, addr) = listener().await;
    let conn = connector(certs, native_tls::Protocol::Tlsv12, None);
    let client = tokio::spawn(async move {
        let tcp = TcpStream::connect(addr).await.expect("connect");
        let _ = conn.connect("localhost", tcp).await;
    });
    let (mut s, _) = l.accept().await.expect("accept");
    let mut hello = vec![0u8; 5];
    s.read_exact(&mut hello).await.expect("record header");
    let len = u16::from_be_bytes([hello[3], hello[4]]) as usize;
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).await.expect("record body");
    hello.extend_from_slice(&body);
    drop(s);
    let _ = client.await;
    hello
}

/// Server side: echoes everything until EOF, then closes with close_notify; returns
/// the negotiated (protocol, cipher).
pub async fn echo_server(
    acceptor: TlsAcceptor,
    l: TcpListener,
) -> tokio::task::JoinHandle<(String, String)> {
    tokio::spawn(async move {
        let (tcp, _) = l.accept().await.expect("accept");
        let mut tls = acceptor.accept(tcp, TIMEOUT).await.expect("handshake");
        let info = (
            tls.protocol().expect("protocol"),
            tls.cipher().expect("cipher"),
        );
        let mut buf = vec![0u8; 100_000];
        loop {
            let n = tls.read(&mut buf).await.expect("server read");
            if n == 0 {
                break;
            }
            tls.write_all(&buf[..n]).await.expect("server write");
        }
        tls.shutdown().await.expect("server shutdown");
        info
    })
}

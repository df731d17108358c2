//! Handshakes with an independent client: versions, key forms, chains, sniffed bytes.

use native_tls::Protocol;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;
use crate::net::{PrefixedStream, Stream};

/// Connects, sends `msg`, closes, and returns everything the server sent back.
async fn round_trip(
    certs: &Certs,
    addr: SocketAddr,
    min: Protocol,
    max: Option<Protocol>,
    msg: &[u8],
) -> Vec<u8> {
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let mut tls = connector(certs, min, max)
        .connect("localhost", tcp)
        .await
        .expect("client handshake");
    tls.write_all(msg).await.expect("client write");
    tls.shutdown().await.expect("client shutdown");
    let mut back = Vec::new();
    tls.read_to_end(&mut back).await.expect("client read");
    back
}

async fn echo_with(
    certs: &Certs,
    name: &str,
    min: Protocol,
    max: Option<Protocol>,
) -> (String, String) {
    let (l, addr) = listener().await;
    let server = echo_server(certs.acceptor(name), l).await;
    let back = round_trip(certs, addr, min, max, b"hello over tls").await;
    assert_eq!(back, b"hello over tls");
    server.await.expect("server task")
}

#[tokio::test]
async fn tls13_echo_round_trip() {
    let certs = Certs::new();
    let (protocol, cipher) = echo_with(&certs, "server", Protocol::Tlsv13, None).await;
    assert_eq!(protocol, "TLSv1.3");
    assert!(cipher.starts_with("TLS_"), "TLS 1.3 suite name: {cipher}");
}

#[tokio::test]
async fn tls12_is_negotiated_when_the_client_caps_at_it() {
    let certs = Certs::new();
    let (protocol, cipher) =
        echo_with(&certs, "server", Protocol::Tlsv12, Some(Protocol::Tlsv12)).await;
    assert_eq!(protocol, "TLSv1.2");
    assert!(!cipher.is_empty());
}

#[tokio::test]
async fn tls11_clients_are_refused() {
    let certs = Certs::new();
    let (l, addr) = listener().await;
    let acceptor = certs.acceptor("server");
    let server = tokio::spawn(async move {
        let (tcp, _) = l.accept().await.expect("accept");
        acceptor.accept(tcp, TIMEOUT).await.map(|_| ())
    });
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let client = connector(&certs, Protocol::Tlsv10, Some(Protocol::Tlsv11))
        .connect("localhost", tcp)
        .await;
    assert!(client.is_err());
    let err = server
        .await
        .expect("server task")
        .expect_err("handshake fails");
    assert!(err.to_string().contains("TLS handshake failed"), "{err}");
}

#[tokio::test]
async fn pkcs1_rsa_key_is_accepted() {
    let certs = Certs::new();
    openssl(
        certs.dir.path(),
        &[
            "rsa",
            "-in",
            "server-key.pem",
            "-out",
            "pkcs1-key.pem",
            "-traditional",
        ],
    );
    let key = std::fs::read_to_string(certs.path("pkcs1-key.pem")).expect("key");
    assert!(key.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    std::fs::copy(certs.path("server-cert.pem"), certs.path("pkcs1-cert.pem")).expect("copy");
    echo_with(&certs, "pkcs1", Protocol::Tlsv12, None).await;
}

#[tokio::test]
async fn ec_p256_key_is_accepted() {
    let certs = Certs::new();
    openssl(
        certs.dir.path(),
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "ec-key.pem",
        ],
    );
    let key = std::fs::read_to_string(certs.path("ec-key.pem")).expect("key");
    assert!(key.starts_with("-----BEGIN EC PRIVATE KEY-----"));
    certs.leaf("ec", &[], "ca");
    let (_, cipher) = echo_with(&certs, "ec", Protocol::Tlsv12, Some(Protocol::Tlsv12)).await;
    assert!(cipher.contains("ECDSA"), "an ECDSA suite: {cipher}");
}

#[tokio::test]
async fn whole_chain_with_an_intermediate_is_sent() {
    let certs = Certs::new();
    let d = certs.dir.path();
    certs.write(
        "ca.ext",
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
    );
    openssl(
        d,
        &[
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "rsa:2048",
            "-keyout",
            "int-key.pem",
            "-out",
            "int-req.pem",
            "-subj",
            "/CN=searchd test intermediate",
        ],
    );
    certs.sign("int-req.pem", "int-cert.pem", "ca", Some("ca.ext"));
    certs.leaf("leaf", &["-newkey", "rsa:2048"], "int");
    let leaf = std::fs::read_to_string(certs.path("leaf-cert.pem")).expect("leaf");
    let int = std::fs::read_to_string(certs.path("int-cert.pem")).expect("int");
    certs.write("chain-cert.pem", &format!("{leaf}{int}"));
    std::fs::copy(certs.path("leaf-key.pem"), certs.path("chain-key.pem")).expect("copy");
    // The client trusts only the root: it succeeds only if the intermediate is sent.
    echo_with(&certs, "chain", Protocol::Tlsv12, None).await;
}

#[tokio::test]
async fn handshake_replays_sniffed_bytes_and_reports_tls_info() {
    let certs = Certs::new();
    let (l, addr) = listener().await;
    let acceptor = certs.acceptor("server");
    let server = tokio::spawn(async move {
        let (mut tcp, _) = l.accept().await.expect("accept");
        let mut sniffed = vec![0u8; 4];
        tcp.read_exact(&mut sniffed).await.expect("sniff");
        assert_eq!(&sniffed[..2], &[0x16, 0x03]);
        let io = PrefixedStream::new(sniffed, tcp);
        let mut tls = acceptor.accept(io, TIMEOUT).await.expect("handshake");
        let info = tls.tls_info().expect("tls info");
        assert_eq!(
            tls.peer_subject(),
            None,
            "no client certificate was asked for"
        );
        let mut buf = [0u8; 5];
        tls.read_exact(&mut buf).await.expect("read");
        tls.write_all(&buf).await.expect("write");
        tls.shutdown().await.expect("shutdown");
        info
    });
    let back = round_trip(&certs, addr, Protocol::Tlsv13, None, b"ping!").await;
    assert_eq!(back, b"ping!");
    let info = server.await.expect("server task");
    assert_eq!(info.protocol, "TLSv1.3");
    assert!(!info.cipher.is_empty());
}

#[tokio::test]
async fn acceptor_reports_the_library_version() {
    let certs = Certs::new();
    let acceptor = certs.acceptor("server");
    assert!(acceptor.library_version().starts_with("OpenSSL "));
    let state = TlsState::Usable(acceptor);
    assert!(state.describe().starts_with("TLS is usable: OpenSSL "));
}

/// `openssl s_client` as a second independent client: its own view of the version.
fn s_client(certs: &Certs, addr: SocketAddr, version_flag: &str) -> String {
    let out = std::process::Command::new("openssl")
        .args(["s_client", "-brief", version_flag, "-verify_return_error"])
        .args(["-connect", &addr.to_string(), "-servername", "localhost"])
        .arg("-CAfile")
        .arg(certs.path("ca-cert.pem"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("s_client runs");
    let mut text = String::from_utf8_lossy(&out.stderr).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stdout));
    text
}

#[tokio::test]
async fn s_client_sees_the_negotiated_version() {
    let certs = std::sync::Arc::new(Certs::new());
    for (flag, version) in [("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")] {
        let (l, addr) = listener().await;
        let server = echo_server(certs.acceptor("server"), l).await;
        let c = certs.clone();
        let text = tokio::task::spawn_blocking(move || s_client(&c, addr, flag))
            .await
            .expect("s_client task");
        assert!(
            text.contains(&format!("Protocol version: {version}")),
            "{text}"
        );
        assert!(text.contains("Verification: OK"), "{text}");
        let (protocol, _) = server.await.expect("server task");
        assert_eq!(protocol, version);
    }
}

#[tokio::test]
async fn sessions_are_resumed() {
    let certs = std::sync::Arc::new(Certs::new());
    let acceptor = certs.acceptor("server");
    let sess = certs.path("session.pem");
    let mut outputs = Vec::new();
    for sess_flag in ["-sess_out", "-sess_in"] {
        let (l, addr) = listener().await;
        let server = echo_server(acceptor.clone(), l).await;
        let sess = sess.clone();
        let c = certs.clone();
        let text = tokio::task::spawn_blocking(move || {
            let out = std::process::Command::new("openssl")
                .args(["s_client", "-tls1_2", "-connect", &addr.to_string()])
                .arg("-CAfile")
                .arg(c.path("ca-cert.pem"))
                .arg(sess_flag)
                .arg(&sess)
                .stdin(std::process::Stdio::null())
                .output()
                .expect("s_client runs");
            String::from_utf8_lossy(&out.stdout).into_owned()
        })
        .await
        .expect("s_client task");
        server.await.expect("server task");
        outputs.push(text);
    }
    assert!(outputs[0].contains("New, TLSv1.2"), "{}", outputs[0]);
    assert!(outputs[1].contains("Reused, TLSv1.2"), "{}", outputs[1]);
}

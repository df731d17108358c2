//! Data transfer, end of stream, and handshakes that must fail.

use native_tls::Protocol;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;
use crate::tls::TlsStream;

/// Bytes that are not all alike, so reordering or loss shows.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn tls_stream_is_send() {
    fn send<T: Send>() {}
    send::<TlsStream<TcpStream>>();
}

#[tokio::test]
async fn several_mebibytes_each_way_at_once() {
    let certs = Certs::new();
    let (l, addr) = listener().await;
    let server = echo_server(certs.acceptor("server"), l).await;
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let tls = connector(&certs, Protocol::Tlsv12, None)
        .connect("localhost", tcp)
        .await
        .expect("client handshake");
    let (mut rd, mut wr) = tokio::io::split(tls);
    let data = pattern(6 * 1024 * 1024 + 123);
    let sent = data.clone();
    let writer = tokio::spawn(async move {
        for chunk in sent.chunks(1024 * 1024) {
            wr.write_all(chunk).await.expect("client write");
        }
        wr.shutdown().await.expect("client shutdown");
    });
    let mut back = Vec::new();
    rd.read_to_end(&mut back).await.expect("client read");
    writer.await.expect("writer task");
    assert_eq!(back.len(), data.len());
    assert!(back == data, "echoed bytes differ");
    server.await.expect("server task");
}

#[tokio::test]
async fn one_large_server_write_then_close_notify() {
    let certs = Certs::new();
    let (l, addr) = listener().await;
    let acceptor = certs.acceptor("server");
    let data = pattern(5 * 1024 * 1024);
    let sent = data.clone();
    let server = tokio::spawn(async move {
        let (tcp, _) = l.accept().await.expect("accept");
        let mut tls = acceptor.accept(tcp, TIMEOUT).await.expect("handshake");
        tls.write_all(&sent).await.expect("server write");
        tls.shutdown().await.expect("server shutdown");
        // The client answers after reading everything.
        let mut reply = Vec::new();
        tls.read_to_end(&mut reply).await.expect("server read");
        reply
    });
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let mut tls = connector(&certs, Protocol::Tlsv13, None)
        .connect("localhost", tcp)
        .await
        .expect("client handshake");
    let mut got = Vec::new();
    tls.read_to_end(&mut got)
        .await
        .expect("client read to close_notify");
    assert!(got == data, "received bytes differ");
    tls.write_all(b"thanks").await.expect("client write");
    drop(tls);
    assert_eq!(server.await.expect("server task"), b"thanks");
}

#[tokio::test]
async fn tcp_eof_without_close_notify_is_end_of_stream() {
    let certs = Certs::new();
    let (l, addr) = listener().await;
    let acceptor = certs.acceptor("server");
    let server = tokio::spawn(async move {
        let (tcp, _) = l.accept().await.expect("accept");
        let mut tls = acceptor.accept(tcp, TIMEOUT).await.expect("handshake");
        let mut got = Vec::new();
        tls.read_to_end(&mut got).await.map(|_| got)
    });
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let mut tls = connector(&certs, Protocol::Tlsv12, None)
        .connect("localhost", tcp)
        .await
        .expect("client handshake");
    tls.write_all(b"abc").await.expect("client write");
    tls.flush().await.expect("flush");
    // Close the TCP connection under the TLS session, without close_notify.
    let tcp = tls.get_mut().get_mut().get_mut();
    tcp.shutdown().await.expect("tcp shutdown");
    assert_eq!(
        server.await.expect("server task").expect("clean EOF"),
        b"abc"
    );
}

/// Runs a handshake against what `client` sends; returns the server's error and the
/// bytes the client received.
async fn failed_handshake<F, Fut>(client: F, timeout: Duration) -> (io::Error, Vec<u8>)
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Vec<u8>> + Send + 'static,
{
    let certs = Certs::new();
    let (l, addr) = listener().await;
    let acceptor = certs.acceptor("server");
    let server = tokio::spawn(async move {
        let (tcp, _) = l.accept().await.expect("accept");
        match acceptor.accept(tcp, timeout).await {
            Ok(_) => panic!("handshake unexpectedly succeeded"),
            Err(e) => e,
        }
    });
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let got = tokio::spawn(client(tcp));
    let err = server.await.expect("server task");
    (err, got.await.expect("client task"))
}

use std::io;

async fn read_all(mut tcp: TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let _ = tcp.read_to_end(&mut got).await;
    got
}

#[tokio::test]
async fn truncated_client_hello_fails() {
    let certs = Certs::new();
    let hello = client_hello(&certs).await;
    let (err, _) = failed_handshake(
        move |mut tcp| async move {
            tcp.write_all(&hello[..hello.len() / 2])
                .await
                .expect("write");
            tcp.shutdown().await.expect("shutdown");
            read_all(tcp).await
        },
        TIMEOUT,
    )
    .await;
    assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    assert!(
        err.to_string().contains("peer closed the connection"),
        "{err}"
    );
}

#[tokio::test]
async fn garbage_after_handshake_record_header_gets_an_alert() {
    let (err, got) = failed_handshake(
        |mut tcp| async move {
            let mut bytes = vec![0x16, 0x03, 0x01, 0x00, 0x20];
            bytes.extend_from_slice(&[0xAB; 0x20]);
            tcp.write_all(&bytes).await.expect("write");
            read_all(tcp).await
        },
        TIMEOUT,
    )
    .await;
    assert!(
        err.to_string().starts_with("TLS handshake failed: error:"),
        "{err}"
    );
    assert_eq!(
        got.first(),
        Some(&0x15),
        "an alert record was sent: {got:?}"
    );
}

#[tokio::test]
async fn stalled_client_times_out() {
    let (err, got) = failed_handshake(
        |mut tcp| async move {
            tcp.write_all(&[0x16, 0x03, 0x01, 0x01, 0x00, 0x01])
                .await
                .expect("write");
            // Send nothing more; the server gives up and closes.
            read_all(tcp).await
        },
        Duration::from_millis(300),
    )
    .await;
    assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    assert!(err.to_string().contains("TLS handshake timed out"), "{err}");
    assert!(got.is_empty(), "nothing sent to a stalled client: {got:?}");
}

#[tokio::test]
async fn split_halves_in_two_server_tasks() {
    let certs = Certs::new();
    let (l, addr) = listener().await;
    let acceptor = certs.acceptor("server");
    let server = tokio::spawn(async move {
        let (tcp, _) = l.accept().await.expect("accept");
        let tls = acceptor.accept(tcp, TIMEOUT).await.expect("handshake");
        let (mut rd, mut wr) = tokio::io::split(tls);
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
        let reader = tokio::spawn(async move {
            let mut buf = vec![0u8; 50_000];
            loop {
                let n = rd.read(&mut buf).await.expect("server read");
                if n == 0 || tx.send(buf[..n].to_vec()).await.is_err() {
                    break;
                }
            }
        });
        while let Some(chunk) = rx.recv().await {
            wr.write_all(&chunk).await.expect("server write");
        }
        wr.shutdown().await.expect("server shutdown");
        reader.await.expect("reader task");
    });
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let tls = connector(&certs, Protocol::Tlsv13, None)
        .connect("localhost", tcp)
        .await
        .expect("client handshake");
    let (mut rd, mut wr) = tokio::io::split(tls);
    let data = pattern(4 * 1024 * 1024);
    let sent = data.clone();
    let writer = tokio::spawn(async move {
        wr.write_all(&sent).await.expect("client write");
        wr.shutdown().await.expect("client shutdown");
    });
    let mut back = Vec::new();
    rd.read_to_end(&mut back).await.expect("client read");
    writer.await.expect("writer task");
    assert!(
        back == data,
        "echoed bytes differ ({} of {})",
        back.len(),
        data.len()
    );
    server.await.expect("server task");
}

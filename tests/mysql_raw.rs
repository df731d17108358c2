//! The MySQL front end driven byte by byte: greeting layout, commands a client
//! library does not expose, auth switch, and malformed input.

mod mysql_support;

use mysql_async::prelude::*;
use mysql_support::{
    handshake_response, opts, raw_login, read_packet, start, start_with, write_packet,
};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// Splits an ERR packet into (code, sqlstate, message).
fn parse_err(p: &[u8]) -> (u16, String, String) {
    assert_eq!(p[0], 0xFF, "not an ERR packet: {p:?}");
    assert_eq!(p[3], b'#');
    let code = u16::from_le_bytes([p[1], p[2]]);
    let state = String::from_utf8_lossy(&p[4..9]).into_owned();
    let msg = String::from_utf8_lossy(&p[9..]).into_owned();
    (code, state, msg)
}

async fn still_works(addr: std::net::SocketAddr) {
    let mut c = mysql_async::Conn::new(opts(addr)).await.unwrap();
    let got: Vec<i64> = c.query("select 1").await.unwrap();
    assert_eq!(got, [1]);
}

#[tokio::test]
async fn greeting_layout() {
    let (addr, _) = start().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    let (seq, g) = read_packet(&mut s).await.unwrap();
    assert_eq!(seq, 0);
    assert_eq!(g[0], 0x0A);
    let ver_end = g.iter().position(|b| *b == 0).unwrap();
    assert_eq!(&g[1..ver_end], searchd::version::MYSQL_DEFAULT.as_bytes());
    let p = ver_end + 1 + 4; // connection id
    let scramble1 = &g[p..p + 8];
    assert_eq!(g[p + 8], 0);
    let caps_lo = u16::from_le_bytes([g[p + 9], g[p + 10]]);
    assert_eq!(g[p + 11], 0x21);
    assert_eq!(u16::from_le_bytes([g[p + 12], g[p + 13]]), 0x0002);
    let caps_hi = u16::from_le_bytes([g[p + 14], g[p + 15]]);
    let caps = u32::from(caps_lo) | u32::from(caps_hi) << 16;
    assert_eq!(caps, 0x013B_A22D, "caps {caps:#x}");
    assert_eq!(
        caps & 0x800,
        0,
        "SSL must not be advertised while TLS is unusable"
    );
    assert_eq!(g[p + 16], 21);
    let scramble2 = &g[p + 27..p + 39];
    assert_eq!(g[p + 39], 0);
    assert_eq!(&g[p + 40..], b"mysql_native_password\0");
    assert!(scramble1
        .iter()
        .chain(scramble2)
        .all(u8::is_ascii_alphanumeric));
}

#[tokio::test]
async fn unknown_command_keeps_connection() {
    let (addr, _) = start().await;
    let mut s = raw_login(addr).await;
    write_packet(&mut s, 0, &[0x05]).await;
    let (seq, p) = read_packet(&mut s).await.unwrap();
    assert_eq!(seq, 1);
    let (code, state, msg) = parse_err(&p);
    assert_eq!((code, state.as_str()), (1047, "08S01"));
    assert_eq!(msg, "unknown command (code=5)");
    write_packet(&mut s, 0, &[0x0E]).await;
    let (_, ok) = read_packet(&mut s).await.unwrap();
    assert_eq!(ok, [0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);
}

#[tokio::test]
async fn init_db_ok_and_error() {
    let (addr, _) = start().await;
    let mut s = raw_login(addr).await;
    write_packet(&mut s, 0, b"\x02test").await;
    let (_, p) = read_packet(&mut s).await.unwrap();
    let (code, _, msg) = parse_err(&p);
    assert_eq!((code, msg.as_str()), (1046, "no such database test"));
    write_packet(&mut s, 0, b"\x02MantiCore").await;
    let (_, p) = read_packet(&mut s).await.unwrap();
    assert_eq!(p[0], 0x00);
}

#[tokio::test]
async fn statistics_field_list_and_quit() {
    let (addr, _) = start().await;
    let mut s = raw_login(addr).await;
    write_packet(&mut s, 0, &[0x09]).await;
    let (seq, p) = read_packet(&mut s).await.unwrap();
    assert_eq!(
        (seq, p.as_slice()),
        (1, &b"Uptime: 1  Threads: 1  Queries: 0"[..])
    );
    write_packet(&mut s, 0, b"\x04t\0").await;
    let (_, p) = read_packet(&mut s).await.unwrap();
    assert_eq!(p[0], 0xFE);
    write_packet(&mut s, 0, &[0x01]).await;
    assert_eq!(read_packet(&mut s).await, None);
}

#[tokio::test]
async fn set_option_toggles_multi_statements() {
    let (addr, _) = start().await;
    let mut s = raw_login(addr).await;
    write_packet(&mut s, 0, &[0x1B, 1, 0]).await;
    let (_, p) = read_packet(&mut s).await.unwrap();
    assert_eq!(p[0], 0xFE);
    write_packet(&mut s, 0, b"\x03select 1; select 1").await;
    let (_, p) = read_packet(&mut s).await.unwrap();
    assert_eq!(parse_err(&p).0, 1064);
    write_packet(&mut s, 0, &[0x1B, 0, 0]).await;
    read_packet(&mut s).await.unwrap();
    write_packet(&mut s, 0, b"\x03select 1; select 1").await;
    let (_, p) = read_packet(&mut s).await.unwrap();
    assert_eq!(p, [0x01]); // column count of the first result set
}

#[tokio::test]
async fn auth_switch_to_native_password() {
    let (addr, _) = start().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    read_packet(&mut s).await.unwrap();
    let resp = handshake_response("u", Some("Manticore"), "caching_sha2_password");
    write_packet(&mut s, 1, &resp).await;
    let (seq, p) = read_packet(&mut s).await.unwrap();
    assert_eq!(seq, 2);
    assert_eq!(&p[..23], b"\xfemysql_native_password\0");
    assert_eq!(p.len(), 23 + 21);
    assert!(p[23..43].iter().all(u8::is_ascii_alphanumeric));
    write_packet(&mut s, 3, &[9; 20]).await;
    let (seq, p) = read_packet(&mut s).await.unwrap();
    assert_eq!((seq, p[0]), (4, 0x00));
}

#[tokio::test]
async fn garbage_instead_of_handshake_response() {
    let (addr, _) = start().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    read_packet(&mut s).await.unwrap();
    write_packet(&mut s, 1, b"GET / HTTP/1.1\r\n\r\n").await;
    let (_, p) = read_packet(&mut s).await.unwrap();
    assert_eq!(parse_err(&p).0, 1043);
    assert_eq!(read_packet(&mut s).await, None);
    still_works(addr).await;
}

#[tokio::test]
async fn truncated_handshake_response() {
    let (addr, _) = start().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    read_packet(&mut s).await.unwrap();
    let resp = handshake_response("u", None, "mysql_native_password");
    write_packet(&mut s, 1, &resp[..20]).await;
    let (_, p) = read_packet(&mut s).await.unwrap();
    assert_eq!(parse_err(&p).0, 1043);
    // A header promising more bytes than ever come, then a hang-up.
    let mut s = TcpStream::connect(addr).await.unwrap();
    read_packet(&mut s).await.unwrap();
    s.write_all(&[0x40, 0x00, 0x00, 0x01, 0x0d]).await.unwrap();
    drop(s);
    still_works(addr).await;
}

#[tokio::test]
async fn packet_bigger_than_max_packet_size() {
    let (addr, _) = start_with(|s| s.max_packet_size = 1024).await;
    let mut s = raw_login(addr).await;
    let mut big = vec![0x03];
    big.extend_from_slice(&vec![b'x'; 2000]);
    write_packet(&mut s, 0, &big).await;
    let (_, p) = read_packet(&mut s).await.unwrap();
    let (code, state, msg) = parse_err(&p);
    assert_eq!((code, state.as_str()), (1153, "08S01"));
    assert_eq!(msg, "Got a packet bigger than 'max_allowed_packet' bytes");
    assert_eq!(read_packet(&mut s).await, None);
}

#[tokio::test]
async fn ssl_request_without_ssl_is_refused() {
    let (addr, _) = start().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    read_packet(&mut s).await.unwrap();
    let mut req = (0x200u32 | 0x800 | 0x8000).to_le_bytes().to_vec();
    req.extend_from_slice(&[0, 0, 0, 1, 0x21]);
    req.extend_from_slice(&[0; 23]);
    write_packet(&mut s, 1, &req).await;
    let (_, p) = read_packet(&mut s).await.unwrap();
    assert_eq!(p[0], 0xFF);
    assert_eq!(read_packet(&mut s).await, None);
}

#[tokio::test]
async fn malformed_execute_and_unknown_statement() {
    let (addr, _) = start().await;
    let mut s = raw_login(addr).await;
    write_packet(&mut s, 0, b"\x16echo ?").await;
    let (_, p) = read_packet(&mut s).await.unwrap();
    assert_eq!(&p[..5], &[0x00, 0x01, 0x00, 0x00, 0x00]);
    assert_eq!(&p[7..9], &[0x01, 0x00]); // one parameter
    read_packet(&mut s).await.unwrap(); // parameter definition (RAW_CAPS has no DEPRECATE_EOF)
    read_packet(&mut s).await.unwrap(); // EOF
    write_packet(&mut s, 0, &[0x17, 1, 0, 0, 0, 0, 1, 0]).await;
    let (_, p) = read_packet(&mut s).await.unwrap();
    assert_eq!(parse_err(&p).0, 1210);
    write_packet(&mut s, 0, &[0x17, 9, 0, 0, 0, 0, 1, 0, 0, 0]).await;
    let (_, p) = read_packet(&mut s).await.unwrap();
    let (code, _, msg) = parse_err(&p);
    assert_eq!(code, 1243);
    assert!(msg.contains("(9)"), "{msg}");
    write_packet(&mut s, 0, &[]).await;
    let (_, p) = read_packet(&mut s).await.unwrap();
    assert_eq!(parse_err(&p).0, 1047);
}

#[tokio::test]
async fn idle_client_is_closed_after_client_timeout() {
    let (addr, _) = start_with(|s| s.client_timeout = std::time::Duration::from_millis(100)).await;
    let mut s = raw_login(addr).await;
    assert_eq!(read_packet(&mut s).await, None);
}

#[tokio::test]
async fn silent_client_is_closed_after_network_timeout() {
    let (addr, _) = start_with(|s| s.network_timeout = std::time::Duration::from_millis(500)).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    read_packet(&mut s).await.unwrap();
    assert_eq!(read_packet(&mut s).await, None);
    still_works(addr).await;
}

//! A test daemon for the MySQL front end: a tiny `Service` and a TCP listener that runs
//! `searchd::mysql::serve` on every accepted socket.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use searchd::config::Searchd;
use searchd::mysql::{serve, MysqlConn};
use searchd::service::{
    Column, ColumnType, Outcome, QueryError, ServerState, Service, Session, Value,
};
use searchd::tls::{TlsSettings, TlsState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Answers a handful of statements:
/// - `select 1` -> one row `1`;
/// - `select @@max_allowed_packet,@@wait_timeout` (sent by mysql_async on connect);
/// - `echo TEXT` -> one string row holding TEXT;
/// - `types` -> uint, bigint, float and string columns, two rows (one all NULL);
/// - `insert` -> 2 affected rows;
/// - `whoami` -> the session's user, proto and TLS cipher;
/// - anything else -> error `unknown statement: ...`.
pub struct TestService {
    pub state: Arc<ServerState>,
}

fn rows(columns: Vec<Column>, rows: Vec<Vec<Value>>) -> Outcome {
    Outcome::Rows { columns, rows }
}

fn one(stmt: &str, session: &Session) -> Result<Outcome, QueryError> {
    let lower = stmt.to_ascii_lowercase();
    let text = |name: &str, v: &str| {
        rows(
            vec![Column::new(name, ColumnType::String)],
            vec![vec![Value::Str(v.into())]],
        )
    };
    if lower == "select 1" {
        return Ok(rows(
            vec![Column::new("1", ColumnType::BigInt)],
            vec![vec![Value::Int(1)]],
        ));
    }
    if lower == "select @@max_allowed_packet,@@wait_timeout" {
        return Ok(rows(
            vec![
                Column::new("@@max_allowed_packet", ColumnType::BigInt),
                Column::new("@@wait_timeout", ColumnType::BigInt),
            ],
            vec![vec![Value::Int(64 << 20), Value::Int(28_800)]],
        ));
    }
    if let Some(rest) = stmt.strip_prefix("echo ") {
        return Ok(text("echo", rest));
    }
    match lower.as_str() {
        "types" => Ok(rows(
            vec![
                Column::new("u", ColumnType::UInt),
                Column::new("b", ColumnType::BigInt),
                Column::new("f", ColumnType::Float),
                Column::new("s", ColumnType::String),
            ],
            vec![
                vec![
                    Value::UInt(7),
                    Value::Int(-3),
                    Value::Float(1.5),
                    Value::Str("x".into()),
                ],
                vec![Value::Null, Value::Null, Value::Null, Value::Null],
            ],
        )),
        "insert" => Ok(Outcome::Done {
            affected: 2,
            last_insert_id: 0,
            warnings: 0,
        }),
        "whoami" => Ok(rows(
            vec![
                Column::new("user", ColumnType::String),
                Column::new("proto", ColumnType::String),
                Column::new("cipher", ColumnType::String),
            ],
            vec![vec![
                Value::Str(session.user.clone()),
                Value::Str(session.proto.clone()),
                session.tls_cipher.clone().map_or(Value::Null, Value::Str),
            ]],
        )),
        _ => Err(QueryError::new(format!("unknown statement: {stmt}"))),
    }
}

impl Service for TestService {
    fn check(&self, sql: &str) -> Result<(), QueryError> {
        match sql.strip_prefix("unparsable") {
            Some(_) => Err(QueryError::new(format!("cannot parse: {sql}"))),
            None => Ok(()),
        }
    }

    fn query(&self, session: &mut Session, sql: &str) -> Vec<Result<Outcome, QueryError>> {
        let mut out = Vec::new();
        for stmt in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            let r = one(stmt, session);
            let failed = r.is_err();
            out.push(r);
            if failed {
                break;
            }
        }
        out
    }

    fn statistics(&self) -> String {
        "Uptime: 1  Threads: 1  Queries: 0".into()
    }

    fn state(&self) -> &Arc<ServerState> {
        &self.state
    }
}

/// Starts a test daemon with default settings changed by `tune`.
pub async fn start_with(tune: impl FnOnce(&mut Searchd)) -> (SocketAddr, Arc<ServerState>) {
    let mut settings = Searchd::default();
    tune(&mut settings);
    let tls = TlsState::init(&TlsSettings::default());
    let state = Arc::new(ServerState::new(settings, tls));
    start_on(state).await
}

/// Starts a test daemon over a given state (e.g. one with usable TLS).
pub async fn start_on(state: Arc<ServerState>) -> (SocketAddr, Arc<ServerState>) {
    let service: Arc<dyn Service> = Arc::new(TestService {
        state: Arc::clone(&state),
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let st = Arc::clone(&state);
    tokio::spawn(async move {
        while let Ok((sock, peer)) = listener.accept().await {
            let guard = st.register("mysql", peer.to_string(), false).unwrap();
            let conn = MysqlConn {
                service: Arc::clone(&service),
                guard,
                vip: false,
                readonly: false,
            };
            tokio::spawn(serve(Box::new(sock), conn));
        }
    });
    (addr, state)
}

/// Starts a test daemon with default settings.
pub async fn start() -> (SocketAddr, Arc<ServerState>) {
    start_with(|_| {}).await
}

/// mysql_async options for the test daemon.
pub fn opts(addr: SocketAddr) -> mysql_async::OptsBuilder {
    mysql_async::OptsBuilder::default()
        .ip_or_hostname(addr.ip().to_string())
        .tcp_port(addr.port())
        .user(Some("tester"))
        .pass(Some("secret"))
        .prefer_socket(false)
}

/// Reads one plain packet: (sequence id, payload). `None` when the server closed.
pub async fn read_packet(s: &mut TcpStream) -> Option<(u8, Vec<u8>)> {
    let mut h = [0u8; 4];
    s.read_exact(&mut h).await.ok()?;
    let len = usize::from(h[0]) | usize::from(h[1]) << 8 | usize::from(h[2]) << 16;
    let mut p = vec![0u8; len];
    s.read_exact(&mut p).await.ok()?;
    Some((h[3], p))
}

/// Writes one plain packet.
pub async fn write_packet(s: &mut TcpStream, seq: u8, payload: &[u8]) {
    let mut out = (payload.len() as u32).to_le_bytes()[..3].to_vec();
    out.push(seq);
    out.extend_from_slice(payload);
    s.write_all(&out).await.unwrap();
}

/// The capability flags the raw test client sends.
pub const RAW_CAPS: u32 = 0x200 | 0x8000 | 0x8_0000 | 0x20_0000 | 0x2_0000;

/// A HandshakeResponse41 with the given user, optional database and auth plugin.
pub fn handshake_response(user: &str, db: Option<&str>, plugin: &str) -> Vec<u8> {
    let caps = RAW_CAPS | if db.is_some() { 0x8 } else { 0 };
    let mut p = caps.to_le_bytes().to_vec();
    p.extend_from_slice(&(1u32 << 24).to_le_bytes());
    p.push(0x21);
    p.extend_from_slice(&[0; 23]);
    p.extend_from_slice(user.as_bytes());
    p.push(0);
    p.push(20);
    p.extend_from_slice(&[7; 20]);
    if let Some(db) = db {
        p.extend_from_slice(db.as_bytes());
        p.push(0);
    }
    p.extend_from_slice(plugin.as_bytes());
    p.push(0);
    p
}

/// Connects a raw client through the handshake; returns the socket after the OK.
pub async fn raw_login(addr: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let (seq, greeting) = read_packet(&mut s).await.unwrap();
    assert_eq!((seq, greeting[0]), (0, 0x0A));
    let resp = handshake_response("raw", None, "mysql_native_password");
    write_packet(&mut s, 1, &resp).await;
    let (seq, ok) = read_packet(&mut s).await.unwrap();
    assert_eq!((seq, ok[0]), (2, 0x00));
    s
}

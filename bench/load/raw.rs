//! A minimal MySQL client for `--raw`: connect, TLS, log in with
//! `mysql_native_password`, one query, `COM_QUIT`, close; and [`Conn`], a persistent
//! connection (TLS for `--raw-persistent`, plaintext for the search and insert
//! workloads).
//!
//! It exists because `mysql_async` builds a new OpenSSL context for every TLS
//! connection (loading the system CA bundle each time), which caps a
//! connect-per-query run at the client. Here one [`TlsConnector`] is built once and
//! shared; the client keeps no TLS sessions, so every connection is a full handshake.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_native_tls::TlsConnector;

const CLIENT_LONG_PASSWORD: u32 = 0x1;
const CLIENT_PROTOCOL_41: u32 = 0x200;
const CLIENT_SSL: u32 = 0x800;
const CLIENT_TRANSACTIONS: u32 = 0x2000;
const CLIENT_SECURE_CONNECTION: u32 = 0x8000;
const CLIENT_PLUGIN_AUTH: u32 = 0x80000;
const CAPS: u32 = CLIENT_LONG_PASSWORD
    | CLIENT_PROTOCOL_41
    | CLIENT_TRANSACTIONS
    | CLIENT_SECURE_CONNECTION
    | CLIENT_PLUGIN_AUTH;
const MAX_PACKET: u32 = 16 * 1024 * 1024;
const UTF8_GENERAL_CI: u8 = 33;
const NATIVE: &str = "mysql_native_password";

/// What one raw connection needs: the address, credentials, query and the shared
/// TLS connector (`None` for plaintext).
pub struct RawClient {
    pub port: u16,
    pub user: String,
    pub password: String,
    pub query: String,
    pub tls: Option<Arc<TlsConnector>>,
}

/// Builds the TLS connector once: the given CA (if any), host names not checked.
pub fn connector(ca: Option<&str>) -> Result<TlsConnector, String> {
    let mut b = native_tls::TlsConnector::builder();
    if let Some(path) = ca {
        let pem = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        let cert = native_tls::Certificate::from_pem(&pem).map_err(|e| format!("{path}: {e}"))?;
        b.add_root_certificate(cert);
    }
    b.danger_accept_invalid_hostnames(true);
    b.build().map(TlsConnector::from).map_err(|e| e.to_string())
}

/// Any byte stream a connection runs over (plain TCP or TLS over TCP).
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

impl RawClient {
    /// One connect + (TLS) + login + query + quit; `Err` with the reason.
    pub async fn once(&self) -> Result<(), String> {
        let mut c = self.open().await?;
        c.query(&self.query).await?;
        c.quit().await;
        Ok(())
    }

    /// A logged-in connection (over TLS when the client has a connector) that stays
    /// open: `--raw-persistent`.
    pub async fn open(&self) -> Result<Conn, String> {
        Conn::open(self.port, &self.user, &self.password, self.tls.as_deref()).await
    }
}

/// A persistent connection (plaintext, or TLS through a shared connector).
pub struct Conn {
    s: Box<dyn Io>,
}

impl Conn {
    /// Connects to 127.0.0.1:`port` and logs in, plaintext.
    pub async fn connect(port: u16, user: &str, password: &str) -> Result<Conn, String> {
        Conn::open(port, user, password, None).await
    }

    /// Connects to 127.0.0.1:`port`, upgrades to TLS with `tls` (SSLRequest) when
    /// given, and logs in.
    async fn open(
        port: u16,
        user: &str,
        password: &str,
        tls: Option<&TlsConnector>,
    ) -> Result<Conn, String> {
        let mut tcp = TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|e| format!("connect: {e}"))?;
        tcp.set_nodelay(true).map_err(|e| e.to_string())?;
        let (seq, hello) = read_packet(&mut tcp).await?;
        let salt = parse_handshake(&hello)?;
        let Some(tls) = tls else {
            login(&mut tcp, CAPS, seq.wrapping_add(1), &salt, user, password).await?;
            return Ok(Conn { s: Box::new(tcp) });
        };
        write_packet(
            &mut tcp,
            seq.wrapping_add(1),
            &ssl_request(CAPS | CLIENT_SSL),
        )
        .await?;
        let mut s = tls
            .connect("localhost", tcp)
            .await
            .map_err(|e| format!("tls: {e}"))?;
        let caps = CAPS | CLIENT_SSL;
        login(&mut s, caps, seq.wrapping_add(2), &salt, user, password).await?;
        Ok(Conn { s: Box::new(s) })
    }

    /// Runs one statement; the number of rows it returned (0 for an OK).
    pub async fn query(&mut self, sql: &str) -> Result<u64, String> {
        let mut q = Vec::with_capacity(sql.len() + 1);
        q.push(0x03);
        q.extend_from_slice(sql.as_bytes());
        write_packet(&mut self.s, 0, &q).await?;
        read_result(&mut self.s).await
    }

    /// Sends `COM_QUIT` and closes.
    pub async fn quit(mut self) {
        let _ = write_packet(&mut self.s, 0, &[0x01]).await;
        let _ = self.s.shutdown().await;
    }
}

/// Sends the login packet (answering one auth switch) and checks the OK.
async fn login<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut S,
    caps: u32,
    seq: u8,
    salt: &[u8],
    user: &str,
    password: &str,
) -> Result<(), String> {
    let login = login_packet(caps, user, &scramble(password.as_bytes(), salt));
    write_packet(s, seq, &login).await?;
    let (seq, mut reply) = read_packet(s).await?;
    if reply.first() == Some(&0xfe) {
        // auth switch: plugin name NUL, new salt
        let rest = &reply[1..];
        let nul = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        if &rest[..nul] != NATIVE.as_bytes() {
            return Err("auth switch to an unsupported plugin".into());
        }
        let salt2: Vec<u8> = rest
            .get(nul + 1..)
            .unwrap_or(&[])
            .iter()
            .copied()
            .take(20)
            .collect();
        let auth = scramble(password.as_bytes(), &salt2);
        write_packet(s, seq.wrapping_add(1), &auth).await?;
        (_, reply) = read_packet(s).await?;
    }
    check_ok(&reply, "login")
}

fn check_ok(p: &[u8], what: &str) -> Result<(), String> {
    match p.first() {
        Some(0x00) => Ok(()),
        Some(0xff) => Err(format!(
            "{what}: {}",
            String::from_utf8_lossy(p.get(9..).unwrap_or(&[]))
        )),
        _ => Err(format!("{what}: unexpected packet")),
    }
}

/// Reads a query's answer: an OK, or columns + EOF + rows + EOF; the row count.
async fn read_result<S: AsyncRead + Unpin>(s: &mut S) -> Result<u64, String> {
    let (_, first) = read_packet(s).await?;
    match first.first() {
        Some(0x00) => return Ok(0),
        Some(0xff) => return check_ok(&first, "query").map(|_| 0),
        _ => {}
    }
    let (mut eofs, mut rows) = (0, 0);
    while eofs < 2 {
        let (_, p) = read_packet(s).await?;
        match p.first() {
            Some(0xfe) if p.len() < 9 => eofs += 1,
            Some(0xff) => return check_ok(&p, "query").map(|_| 0),
            _ if eofs == 1 => rows += 1,
            _ => {}
        }
    }
    Ok(rows)
}

/// The 20-byte salt of a HandshakeV10 packet.
fn parse_handshake(p: &[u8]) -> Result<Vec<u8>, String> {
    if p.first() != Some(&10) {
        return Err("not a protocol 10 handshake".into());
    }
    let nul = p
        .iter()
        .skip(1)
        .position(|&b| b == 0)
        .ok_or("bad handshake")?
        + 1;
    let at = nul + 1 + 4; // connection id
    let part1 = p.get(at..at + 8).ok_or("short handshake")?;
    // filler 1, caps 2, charset 1, status 2, caps 2, auth len 1, reserved 10
    let at2 = at + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10;
    let part2 = p.get(at2..at2 + 12).ok_or("short handshake")?;
    Ok([part1, part2].concat())
}

fn ssl_request(caps: u32) -> Vec<u8> {
    let mut p = Vec::with_capacity(32);
    p.extend_from_slice(&caps.to_le_bytes());
    p.extend_from_slice(&MAX_PACKET.to_le_bytes());
    p.push(UTF8_GENERAL_CI);
    p.extend_from_slice(&[0; 23]);
    p
}

fn login_packet(caps: u32, user: &str, auth: &[u8]) -> Vec<u8> {
    let mut p = ssl_request(caps);
    p.extend_from_slice(user.as_bytes());
    p.push(0);
    p.push(auth.len() as u8);
    p.extend_from_slice(auth);
    p.extend_from_slice(NATIVE.as_bytes());
    p.push(0);
    p
}

/// `mysql_native_password`: SHA1(pw) XOR SHA1(salt + SHA1(SHA1(pw))); empty for "".
fn scramble(password: &[u8], salt: &[u8]) -> Vec<u8> {
    if password.is_empty() {
        return Vec::new();
    }
    let h1 = sha1(password);
    let h2 = sha1(&h1);
    let h3 = sha1(&[salt, &h2[..]].concat());
    h1.iter().zip(h3.iter()).map(|(a, b)| a ^ b).collect()
}

async fn read_packet<S: AsyncRead + Unpin>(s: &mut S) -> Result<(u8, Vec<u8>), String> {
    let mut head = [0u8; 4];
    s.read_exact(&mut head)
        .await
        .map_err(|e| format!("read: {e}"))?;
    let len = u32::from_le_bytes([head[0], head[1], head[2], 0]) as usize;
    let mut body = vec![0u8; len];
    s.read_exact(&mut body)
        .await
        .map_err(|e| format!("read: {e}"))?;
    Ok((head[3], body))
}

async fn write_packet<S: AsyncWrite + Unpin>(
    s: &mut S,
    seq: u8,
    body: &[u8],
) -> Result<(), String> {
    let len = (body.len() as u32).to_le_bytes();
    let mut p = Vec::with_capacity(body.len() + 4);
    p.extend_from_slice(&[len[0], len[1], len[2], seq]);
    p.extend_from_slice(body);
    s.write_all(&p).await.map_err(|e| format!("write: {e}"))?;
    s.flush().await.map_err(|e| format!("write: {e}"))
}

/// SHA-1 (FIPS 180-4), enough for the login scramble.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 80];
        for (i, c) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            (e, d, c, b, a) = (d, c, b.rotate_left(30), a, t);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, x) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

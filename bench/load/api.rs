//! The SphinxAPI workload (`load api`): SEARCH requests (command 0, version 1.29,
//! which searchd and Sphinx 2.2.11 both understand) over persistent connections
//! (command PERSIST), one single query per request, built before the clock starts.
//! Every reply's status is checked and its matches are counted.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CMD_SEARCH: u16 = 0;
const CMD_PERSIST: u16 = 4;
/// SEARCH 1.29: flags, outer order-by/offset/limit; no token filter, no filter tree.
const SEARCH_VERSION: u16 = 0x11D;
const MATCH_EXTENDED2: u32 = 6;
const RANK_PROXIMITY_BM25: u32 = 0;
const SORT_RELEVANCE: u32 = 0;
/// The clients' default group function (day); unused without a group-by attribute.
const GROUPBY_DAY: u32 = 0;
const LIMIT: u32 = 20;
const MAX_MATCHES: u32 = 1000;

/// One SEARCH request frame (header + body) per non-empty line of `path`, each
/// matching the line in `index` and asking for the first 20 matches by relevance,
/// with the given select list (`*`: every attribute, and stored fields on searchd).
pub fn search_frames(path: &str, index: &str, select: &str) -> Result<Vec<Vec<u8>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let out: Vec<Vec<u8>> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|q| frame(CMD_SEARCH, SEARCH_VERSION, &search_body(q, index, select)))
        .collect();
    if out.is_empty() {
        return Err(format!("{path}: no queries"));
    }
    Ok(out)
}

fn frame(cmd: u16, version: u16, body: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(body.len() + 8);
    f.extend_from_slice(&cmd.to_be_bytes());
    f.extend_from_slice(&version.to_be_bytes());
    f.extend_from_slice(&(body.len() as u32).to_be_bytes());
    f.extend_from_slice(body);
    f
}

fn put(b: &mut Vec<u8>, v: u32) {
    b.extend_from_slice(&v.to_be_bytes());
}

fn put_str(b: &mut Vec<u8>, s: &str) {
    put(b, s.len() as u32);
    b.extend_from_slice(s.as_bytes());
}

/// The body of a one-query SEARCH request, v1.29 layout.
fn search_body(query: &str, index: &str, select: &str) -> Vec<u8> {
    let mut b = Vec::with_capacity(160 + query.len());
    put(&mut b, 0); // master version: a client
    put(&mut b, 1); // one query
    put(&mut b, 0); // flags
    for v in [
        0,
        LIMIT,
        MATCH_EXTENDED2,
        RANK_PROXIMITY_BM25,
        SORT_RELEVANCE,
    ] {
        put(&mut b, v);
    }
    put_str(&mut b, ""); // sort clause
    put_str(&mut b, query);
    put(&mut b, 0); // positional field weights
    put_str(&mut b, index);
    put(&mut b, 1); // 64-bit id range follows
    b.extend_from_slice(&0u64.to_be_bytes());
    b.extend_from_slice(&0u64.to_be_bytes());
    put(&mut b, 0); // filters
    put(&mut b, GROUPBY_DAY);
    put_str(&mut b, ""); // group by: none
    put(&mut b, MAX_MATCHES);
    put_str(&mut b, "@group desc");
    for v in [0, 0, 0] {
        put(&mut b, v); // cutoff, retry count, retry delay
    }
    put_str(&mut b, ""); // group distinct
    put(&mut b, 0); // geo anchor
    put(&mut b, 0); // index weights
    put(&mut b, 0); // max query time
    put(&mut b, 0); // field weights
    put_str(&mut b, ""); // comment
    put(&mut b, 0); // overrides
    put_str(&mut b, select);
    put_str(&mut b, ""); // outer order by
    for v in [0, 0, 0] {
        put(&mut b, v); // outer offset, outer limit, has outer
    }
    b
}

/// A persistent SphinxAPI connection: hello exchanged, PERSIST sent.
pub struct ApiConn {
    tcp: TcpStream,
}

impl ApiConn {
    /// Connects to 127.0.0.1:`port`, says hello first (multi-protocol listeners wait
    /// for the client), asks for a persistent connection and reads the server's hello.
    pub async fn connect(port: u16) -> Result<ApiConn, String> {
        let mut tcp = TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|e| format!("connect: {e}"))?;
        tcp.set_nodelay(true).map_err(|e| e.to_string())?;
        let mut hello = 1u32.to_be_bytes().to_vec();
        hello.extend_from_slice(&frame(CMD_PERSIST, 0, &1u32.to_be_bytes()));
        tcp.write_all(&hello)
            .await
            .map_err(|e| format!("write: {e}"))?;
        let mut server = [0u8; 4];
        tcp.read_exact(&mut server)
            .await
            .map_err(|e| format!("hello: {e}"))?;
        Ok(ApiConn { tcp })
    }

    /// Sends one SEARCH frame; the number of matches in the reply.
    pub async fn search(&mut self, request: &[u8]) -> Result<u64, String> {
        self.tcp
            .write_all(request)
            .await
            .map_err(|e| format!("write: {e}"))?;
        let mut head = [0u8; 8];
        self.tcp
            .read_exact(&mut head)
            .await
            .map_err(|e| format!("read: {e}"))?;
        let status = u16::from_be_bytes([head[0], head[1]]);
        let len = u32::from_be_bytes([head[4], head[5], head[6], head[7]]) as usize;
        if len > 64 << 20 {
            return Err(format!("reply length {len}"));
        }
        let mut body = vec![0u8; len];
        self.tcp
            .read_exact(&mut body)
            .await
            .map_err(|e| format!("read: {e}"))?;
        match status {
            0 | 3 => matches(&body),
            _ => Err(format!(
                "status {status}: {}",
                String::from_utf8_lossy(body.get(4..).unwrap_or(&[]))
            )),
        }
    }
}

/// A cursor over a reply body; every read is bounds-checked.
struct Cur<'a>(&'a [u8]);

impl Cur<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if self.0.len() < n {
            return Err("short reply".into());
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn skip_str(&mut self) -> Result<(), String> {
        let n = self.u32()? as usize;
        self.take(n).map(|_| ())
    }
}

/// The number of matches of a one-query SEARCH reply (the whole reply is walked,
/// so a malformed one is an error).
fn matches(body: &[u8]) -> Result<u64, String> {
    let mut c = Cur(body);
    match c.u32()? {
        0 => {}
        3 => c.skip_str()?,
        s => {
            let n = c.u32()? as usize;
            let msg = c.take(n.min(c.0.len()))?;
            return Err(format!(
                "query status {s}: {}",
                String::from_utf8_lossy(msg)
            ));
        }
    }
    for _ in 0..c.u32()? {
        c.skip_str()?; // field names
    }
    let mut types = Vec::new();
    for _ in 0..c.u32()? {
        c.skip_str()?;
        types.push(c.u32()?);
    }
    let count = c.u32()?;
    let id64 = c.u32()? != 0;
    for _ in 0..count {
        c.take(if id64 { 8 } else { 4 } + 4)?; // id, weight
        for &t in &types {
            skip_attr(&mut c, t)?;
        }
    }
    c.take(12)?; // total, total found, time
    for _ in 0..c.u32()? {
        c.skip_str()?;
        c.take(8)?; // docs, hits
    }
    Ok(count as u64)
}

fn skip_attr(c: &mut Cur, ty: u32) -> Result<(), String> {
    match ty {
        1..=5 => c.take(4).map(|_| ()),
        6 | 13 | 14 => c.take(8).map(|_| ()),
        0x4000_0001 | 0x4000_0002 | 15 => {
            let n = c.u32()? as usize;
            c.take(n.saturating_mul(4)).map(|_| ())
        }
        _ => c.skip_str(), // strings, JSON, factors
    }
}

//! `searchd --status`: asks the running daemon for `SHOW STATUS` over its HTTP
//! endpoint and prints `counter: value` lines.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

use crate::config::{Config, ListenAddr, Proto};

/// Prints the status of the daemon a config describes. Returns the exit code.
pub fn print(config: &Config) -> i32 {
    let Some(addr) = http_address(config) else {
        eprintln!("FATAL: --status needs a multi-protocol or http listener in the config");
        return 1;
    };
    match fetch(addr) {
        Ok(rows) => {
            for (k, v) in rows {
                println!("{k}: {v}");
            }
            0
        }
        Err(e) => {
            eprintln!("FATAL: failed to get status from {addr}: {e}");
            1
        }
    }
}

fn http_address(config: &Config) -> Option<SocketAddr> {
    config
        .searchd
        .listen
        .iter()
        .find_map(|l| match (&l.addr, l.proto) {
            (ListenAddr::Tcp { host, port, .. }, Proto::Multi | Proto::Http) => {
                let host = if host.is_unspecified() {
                    IpAddr::V4(Ipv4Addr::LOCALHOST)
                } else {
                    *host
                };
                Some(SocketAddr::new(host, *port))
            }
            _ => None,
        })
}

fn fetch(addr: SocketAddr) -> Result<Vec<(String, String)>, String> {
    let limit = Duration::from_secs(5);
    let mut s = TcpStream::connect_timeout(&addr, limit).map_err(|e| e.to_string())?;
    let _ = s.set_read_timeout(Some(limit));
    let body = "query=SHOW%20STATUS";
    let req = format!(
        "POST /sql?mode=raw HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut resp = String::new();
    s.read_to_string(&mut resp).map_err(|e| e.to_string())?;
    let json = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .ok_or("malformed HTTP reply")?;
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let data = v[0]["data"].as_array().ok_or("unexpected reply")?;
    Ok(data
        .iter()
        .map(|row| {
            let text = |k: &str| match &row[k] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (text("Counter"), text("Value"))
        })
        .collect())
}

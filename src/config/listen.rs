//! The `listen` directive: one spec to a [`Listen`], and the checks across listeners.
//!
//! Grammar (fields split on `:`, at most three):
//! `/unix/path[:proto]`, `port`, `port:proto`, `host`, `host:port[-portEnd][:proto]`,
//! and, as an extension, `[ipv6]`, `[ipv6]:port[-portEnd][:proto]`.

use super::types::{Listen, ListenAddr, Proto};
use std::net::{IpAddr, Ipv4Addr};

/// The port a spec without one listens on (the binary API's port).
pub(crate) const DEFAULT_PORT: u16 = 9312;
/// The MySQL port of the default listeners.
pub(crate) const DEFAULT_MYSQL_PORT: u16 = 9306;

/// The listeners used when the config has no `listen` at all.
pub(crate) fn defaults() -> Vec<Listen> {
    let lo = IpAddr::V4(Ipv4Addr::LOCALHOST);
    vec![
        tcp(lo, DEFAULT_PORT, None, Proto::Multi),
        tcp(lo, DEFAULT_MYSQL_PORT, None, Proto::Mysql),
    ]
}

fn tcp(host: IpAddr, port: u16, port_end: Option<u16>, proto: Proto) -> Listen {
    Listen {
        addr: ListenAddr::Tcp {
            host,
            port,
            port_end,
        },
        proto,
        vip: false,
        readonly: false,
    }
}

/// Parses one `listen` value; the error is the bare reason (no `ERROR:` prefix).
pub(crate) fn parse(spec: &str) -> Result<Listen, String> {
    let spec = spec.trim();
    if spec.is_empty() {
        // upstream reads an empty spec as port 0
        return Err("port 0 is out of range".into());
    }
    if let Some(rest) = spec.strip_prefix('[') {
        return parse_bracketed(rest);
    }
    let parts: Vec<&str> = spec.split(':').collect();
    if parts.len() > 3 {
        return Err("invalid listen format (too many fields)".into());
    }
    if parts[0].starts_with('/') {
        return parse_unix(&parts);
    }
    let first = parts[0];
    let all_digits = !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit());
    if all_digits {
        let port = check_port(first)?;
        return match parts.len() {
            1 => Ok(tcp(any(), port, None, Proto::Multi)),
            2 => with_proto(tcp(any(), port, None, Proto::Multi), parts[1]),
            _ => Err(format!(
                "invalid listen format (expected port:proto, got extra trailing part in listen={spec})"
            )),
        };
    }
    let host = resolve(first)?;
    if parts.len() == 1 {
        return Ok(tcp(host, DEFAULT_PORT, None, Proto::Multi));
    }
    host_port_proto(host, parts[1], parts.get(2).copied())
}

/// After `[`: `ipv6]`, then optionally `:port[-end][:proto]`.
fn parse_bracketed(rest: &str) -> Result<Listen, String> {
    let Some((inside, after)) = rest.split_once(']') else {
        return Err(format!("invalid IPv6 address '[{rest}' (missing ']')"));
    };
    let host: IpAddr = inside
        .parse::<std::net::Ipv6Addr>()
        .map(IpAddr::V6)
        .map_err(|_| format!("invalid IPv6 address '{inside}'"))?;
    if after.is_empty() {
        return Ok(tcp(host, DEFAULT_PORT, None, Proto::Multi));
    }
    let Some(after) = after.strip_prefix(':') else {
        return Err(format!(
            "invalid listen format (expected ':' after ']', got '{after}')"
        ));
    };
    let parts: Vec<&str> = after.split(':').collect();
    if parts.len() > 2 {
        return Err("invalid listen format (too many fields)".into());
    }
    host_port_proto(host, parts[0], parts.get(1).copied())
}

fn host_port_proto(host: IpAddr, ports: &str, proto: Option<&str>) -> Result<Listen, String> {
    let (port, port_end) = parse_ports(ports)?;
    let listen = tcp(host, port, port_end, Proto::Multi);
    match proto {
        Some(p) => with_proto(listen, p),
        None => Ok(listen),
    }
}

fn parse_unix(parts: &[&str]) -> Result<Listen, String> {
    if parts.len() > 2 {
        return Err("invalid listen format (too many fields)".into());
    }
    let listen = Listen {
        addr: ListenAddr::Unix(parts[0].into()),
        proto: Proto::Multi,
        vip: false,
        readonly: false,
    };
    match parts.get(1) {
        Some(p) => with_proto(listen, p),
        None => Ok(listen),
    }
}

fn any() -> IpAddr {
    IpAddr::V4(Ipv4Addr::UNSPECIFIED)
}

/// `port` or `port-portEnd`.
fn parse_ports(text: &str) -> Result<(u16, Option<u16>), String> {
    let Some((start, end)) = text.split_once('-') else {
        return Ok((check_port(text)?, None));
    };
    let start = check_port(start)?;
    let end = check_port(end)?;
    if end <= start {
        return Err(format!("ports range invalid {start}-{end}"));
    }
    Ok((start, Some(end)))
}

/// A port number in 1..=65535.
fn check_port(text: &str) -> Result<u16, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid port '{text}'"));
    }
    match text.parse::<u64>() {
        Ok(n) if (1..=65535).contains(&n) => Ok(n as u16),
        Ok(n) => Err(format!("port {n} is out of range")),
        Err(_) => Err(format!("port {text} is out of range")),
    }
}

/// An empty host is every interface; `localhost` is 127.0.0.1; IP literals as is;
/// other names go through the system resolver (IPv4 first).
fn resolve(host: &str) -> Result<IpAddr, String> {
    if host.is_empty() {
        return Ok(any());
    }
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(ip);
    }
    let not_found = || format!("no AF_INET address found for: {host}");
    let valid = host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
    if !valid {
        return Err(not_found());
    }
    use std::net::ToSocketAddrs;
    let addrs: Vec<IpAddr> = (host, 0u16)
        .to_socket_addrs()
        .map_err(|_| not_found())?
        .map(|a| a.ip())
        .collect();
    addrs
        .iter()
        .find(|ip| ip.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(not_found)
}

/// Applies `proto[_vip][_readonly]` (case-insensitive) to a listener.
fn with_proto(mut listen: Listen, text: &str) -> Result<Listen, String> {
    let lower = text.to_ascii_lowercase();
    let unknown = || format!("unknown listen protocol type '{lower}'");
    let mut parts = lower.split('_');
    let base = parts.next().unwrap_or_default();
    listen.proto = match base {
        "" => Proto::Multi,
        "sphinx" => Proto::Sphinx,
        "mysql" | "mysql41" => Proto::Mysql,
        "http" => Proto::Http,
        "https" => Proto::Https,
        "replication" => Proto::Replication,
        _ => return Err(unknown()),
    };
    let flags: Vec<&str> = parts.collect();
    match flags.as_slice() {
        [] => {}
        ["vip"] => listen.vip = true,
        ["readonly"] => listen.readonly = true,
        ["vip", "readonly"] => {
            listen.vip = true;
            listen.readonly = true;
        }
        _ => return Err(unknown()),
    }
    Ok(listen)
}

/// The first pair of listeners that would bind the same address and port (or UNIX
/// path), as indexes into `listeners`.
pub(crate) fn find_overlap(listeners: &[Listen]) -> Option<(usize, usize)> {
    for (j, b) in listeners.iter().enumerate() {
        for (i, a) in listeners[..j].iter().enumerate() {
            if overlaps(&a.addr, &b.addr) {
                return Some((i, j));
            }
        }
    }
    None
}

fn overlaps(a: &ListenAddr, b: &ListenAddr) -> bool {
    match (a, b) {
        (ListenAddr::Unix(x), ListenAddr::Unix(y)) => x == y,
        (
            ListenAddr::Tcp {
                host: h1,
                port: p1,
                port_end: e1,
            },
            ListenAddr::Tcp {
                host: h2,
                port: p2,
                port_end: e2,
            },
        ) => {
            let same_host = same_host(h1, h2);
            let (end1, end2) = (e1.unwrap_or(*p1), e2.unwrap_or(*p2));
            same_host && p1 <= &end2 && p2 <= &end1
        }
        _ => false,
    }
}

/// Whether two hosts would compete for a port: equal, a wildcard of the same family,
/// or the IPv6 wildcard (dual-stack sockets take IPv4 too).
fn same_host(a: &IpAddr, b: &IpAddr) -> bool {
    let same_family = a.is_ipv4() == b.is_ipv4();
    let v6_any = |ip: &IpAddr| ip.is_ipv6() && ip.is_unspecified();
    a == b || (same_family && (a.is_unspecified() || b.is_unspecified())) || v6_any(a) || v6_any(b)
}

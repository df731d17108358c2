//! Every `listen` form and every listen error.

use super::listen::find_overlap;
use super::{parse_listen, Listen, ListenAddr, Proto};
use std::net::IpAddr;

fn tcp(host: &str, port: u16, port_end: Option<u16>, proto: Proto) -> Listen {
    Listen {
        addr: ListenAddr::Tcp {
            host: host.parse::<IpAddr>().expect("test address"),
            port,
            port_end,
        },
        proto,
        vip: false,
        readonly: false,
    }
}

fn unix(path: &str, proto: Proto) -> Listen {
    Listen {
        addr: ListenAddr::Unix(path.into()),
        proto,
        vip: false,
        readonly: false,
    }
}

fn flags(mut l: Listen, vip: bool, readonly: bool) -> Listen {
    l.vip = vip;
    l.readonly = readonly;
    l
}

#[test]
fn every_form() {
    use Proto::*;
    let cases: Vec<(&str, Listen)> = vec![
        ("9312", tcp("0.0.0.0", 9312, None, Multi)),
        ("9306:mysql", tcp("0.0.0.0", 9306, None, Mysql)),
        ("9306:mysql41", tcp("0.0.0.0", 9306, None, Mysql)),
        ("9306:MySQL", tcp("0.0.0.0", 9306, None, Mysql)),
        ("9312:sphinx", tcp("0.0.0.0", 9312, None, Sphinx)),
        ("localhost", tcp("127.0.0.1", 9312, None, Multi)),
        ("LocalHost:9306", tcp("127.0.0.1", 9306, None, Multi)),
        ("127.0.0.1", tcp("127.0.0.1", 9312, None, Multi)),
        ("127.0.0.1:9312", tcp("127.0.0.1", 9312, None, Multi)),
        ("127.0.0.1:9308:http", tcp("127.0.0.1", 9308, None, Http)),
        (
            "192.168.0.1:9443:https",
            tcp("192.168.0.1", 9443, None, Https),
        ),
        (":9306:mysql", tcp("0.0.0.0", 9306, None, Mysql)),
        (":9312", tcp("0.0.0.0", 9312, None, Multi)),
        (
            "10.0.0.1:9350-9360:replication",
            tcp("10.0.0.1", 9350, Some(9360), Replication),
        ),
        (
            "10.0.0.1:9350-9351",
            tcp("10.0.0.1", 9350, Some(9351), Multi),
        ),
        (
            "/var/run/searchd.sock",
            unix("/var/run/searchd.sock", Multi),
        ),
        (
            "/var/run/searchd.sock:mysql",
            unix("/var/run/searchd.sock", Mysql),
        ),
        ("[::1]:9306:mysql", tcp("::1", 9306, None, Mysql)),
        ("[::1]", tcp("::1", 9312, None, Multi)),
        ("[::]:9308:http", tcp("::", 9308, None, Http)),
        ("[::1]:9300-9310", tcp("::1", 9300, Some(9310), Multi)),
        ("  9312  ", tcp("0.0.0.0", 9312, None, Multi)),
    ];
    for (spec, want) in cases {
        assert_eq!(parse_listen(spec), Ok(want), "listen = {spec}");
    }
}

#[test]
fn vip_and_readonly_suffixes() {
    use Proto::*;
    let cases: Vec<(&str, Listen)> = vec![
        (
            "9306:mysql_vip",
            flags(tcp("0.0.0.0", 9306, None, Mysql), true, false),
        ),
        (
            "9306:MYSQL_VIP",
            flags(tcp("0.0.0.0", 9306, None, Mysql), true, false),
        ),
        (
            "9306:mysql_readonly",
            flags(tcp("0.0.0.0", 9306, None, Mysql), false, true),
        ),
        (
            "9306:mysql_vip_readonly",
            flags(tcp("0.0.0.0", 9306, None, Mysql), true, true),
        ),
        (
            "9312:sphinx_vip",
            flags(tcp("0.0.0.0", 9312, None, Sphinx), true, false),
        ),
        (
            "127.0.0.1:9308:http_readonly",
            flags(tcp("127.0.0.1", 9308, None, Http), false, true),
        ),
        (
            "9443:https_vip",
            flags(tcp("0.0.0.0", 9443, None, Https), true, false),
        ),
        (
            "9312:_vip",
            flags(tcp("0.0.0.0", 9312, None, Multi), true, false),
        ),
        (
            "/tmp/s.sock:mysql_vip",
            flags(unix("/tmp/s.sock", Mysql), true, false),
        ),
    ];
    for (spec, want) in cases {
        assert_eq!(parse_listen(spec), Ok(want), "listen = {spec}");
    }
}

#[test]
fn every_error() {
    let cases: &[(&str, &str)] = &[
        ("1:2:3:4", "invalid listen format (too many fields)"),
        ("127.0.0.1:9306:mysql:x", "invalid listen format (too many fields)"),
        ("/tmp/s.sock:mysql:x", "invalid listen format (too many fields)"),
        ("[::1]:9306:mysql:x", "invalid listen format (too many fields)"),
        ("", "port 0 is out of range"),
        ("0", "port 0 is out of range"),
        ("0:sphinx", "port 0 is out of range"),
        ("70000", "port 70000 is out of range"),
        ("123456", "port 123456 is out of range"),
        ("99999999999999999999999", "port 99999999999999999999999 is out of range"),
        ("127.0.0.1:0", "port 0 is out of range"),
        ("127.0.0.1:99999:mysql", "port 99999 is out of range"),
        ("127.0.0.1:9310-99999", "port 99999 is out of range"),
        ("127.0.0.1:9320-9310", "ports range invalid 9320-9310"),
        ("127.0.0.1:9310-9310", "ports range invalid 9310-9310"),
        ("127.0.0.1:abc", "invalid port 'abc'"),
        ("127.0.0.1:", "invalid port ''"),
        (
            "9306:mysql:x",
            "invalid listen format (expected port:proto, got extra trailing part in listen=9306:mysql:x)",
        ),
        ("9306:ftp", "unknown listen protocol type 'ftp'"),
        ("9306:vip", "unknown listen protocol type 'vip'"),
        ("9306:mysql_readonly_vip", "unknown listen protocol type 'mysql_readonly_vip'"),
        ("9306:mysql_fast", "unknown listen protocol type 'mysql_fast'"),
        ("/tmp/s.sock:ftp", "unknown listen protocol type 'ftp'"),
        ("bad_host!:9306", "no AF_INET address found for: bad_host!"),
        ("[::1", "invalid IPv6 address '[::1' (missing ']')"),
        ("[zz]:9306", "invalid IPv6 address 'zz'"),
        ("[::1]9306", "invalid listen format (expected ':' after ']', got '9306')"),
    ];
    for (spec, want) in cases {
        let got = parse_listen(spec).map_err(|e| e.to_string());
        assert_eq!(got, Err(want.to_string()), "listen = {spec}");
    }
}

/// The indexes of the first two listeners that clash, if any.
type Overlap = Option<(usize, usize)>;

#[test]
fn overlapping_listeners() {
    let cases: &[(&[&str], Overlap)] = &[
        (&["9312", "9306:mysql", "9308:http"], None),
        (&["9312", "127.0.0.1:9312:mysql"], Some((0, 1))),
        (&["127.0.0.1:9312", "127.0.0.2:9312"], None),
        (
            &["127.0.0.1:9306", "9308", "localhost:9306:mysql"],
            Some((0, 2)),
        ),
        (
            &["10.0.0.1:9300-9310:replication", "10.0.0.1:9305"],
            Some((0, 1)),
        ),
        (&["10.0.0.1:9300-9310:replication", "10.0.0.1:9311"], None),
        (&["10.0.0.1:9300-9310", "10.0.0.1:9290-9300"], Some((0, 1))),
        (&["[::1]:9306", "127.0.0.1:9306"], None),
        (&["[::1]:9306", "0.0.0.0:9306"], None),
        (&["[::]:9306", "127.0.0.1:9306"], Some((0, 1))),
        (&["[::1]:9306:mysql", "[::1]:9306:http"], Some((0, 1))),
        (
            &["/tmp/a.sock", "/tmp/b.sock", "/tmp/a.sock:mysql"],
            Some((0, 2)),
        ),
        (&["/tmp/a.sock", "9312"], None),
    ];
    for (specs, want) in cases {
        let listeners: Vec<Listen> = specs
            .iter()
            .map(|s| parse_listen(s).expect("valid listen"))
            .collect();
        assert_eq!(find_overlap(&listeners), *want, "{specs:?}");
    }
}

//! Typed settings, defaults, the manual's sample configs, and [`load`] from files
//! (plain and `#!`-preprocessed).

use super::{load, parse_str, Config, Listen, ListenAddr, LogTarget, Proto, Searchd};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn tcp(host: [u8; 4], port: u16, proto: Proto) -> Listen {
    Listen {
        addr: ListenAddr::Tcp {
            host: IpAddr::V4(Ipv4Addr::from(host)),
            port,
            port_end: None,
        },
        proto,
        vip: false,
        readonly: false,
    }
}

fn ok(text: &str) -> Config {
    parse_str(text, "t.conf").unwrap_or_else(|e| panic!("config should load: {e}"))
}

/// A config file in a fresh temp dir (kept alive by the returned guard).
fn write_conf(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("searchd.conf");
    let mut f = std::fs::File::create(&path).expect("create config");
    f.write_all(text.as_bytes()).expect("write config");
    (dir, path)
}

fn load_err(path: &Path) -> String {
    match load(path) {
        Ok(c) => panic!("load should fail: {c:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_setting_is_read() {
    let c = ok(
        "searchd {\n  listen = 127.0.0.1:9312\n  listen = 127.0.0.1:9306:mysql\n  \
         listen = 127.0.0.1:9308:http\n  listen = 9443:https\n  listen = /tmp/s.sock:mysql_vip\n  \
         log = /var/log/manticore/searchd.log\n  query_log = syslog\n  \
         pid_file = /run/manticore/searchd.pid\n  max_connections = 50\n  client_timeout = 2m\n  \
         network_timeout = 10\n  max_packet_size = 32M\n  mysql_version_string = 8.0.33\n  \
         docstore_cache_size = 64k\n  threads = 3\n  \
         ssl_cert = /c/server.pem\n  ssl_key = /c/server.key\n  ssl_ca = /c/ca.pem\n  \
         ssl_library = /usr/lib/libssl.so.3\n}\n",
    );
    let unix = Listen {
        addr: ListenAddr::Unix("/tmp/s.sock".into()),
        proto: Proto::Mysql,
        vip: true,
        readonly: false,
    };
    let want = Searchd {
        listen: vec![
            tcp([127, 0, 0, 1], 9312, Proto::Multi),
            tcp([127, 0, 0, 1], 9306, Proto::Mysql),
            tcp([127, 0, 0, 1], 9308, Proto::Http),
            tcp([0, 0, 0, 0], 9443, Proto::Https),
            unix,
        ],
        log: LogTarget::File("/var/log/manticore/searchd.log".into()),
        query_log: Some(LogTarget::Syslog),
        pid_file: Some("/run/manticore/searchd.pid".into()),
        data_dir: None,
        max_connections: 50,
        client_timeout: Duration::from_secs(120),
        network_timeout: Duration::from_secs(10),
        max_packet_size: 32 << 20,
        docstore_cache_size: 64 << 10,
        threads: 3,
        mysql_version_string: "8.0.33".into(),
        ssl_cert: Some("/c/server.pem".into()),
        ssl_key: Some("/c/server.key".into()),
        ssl_ca: Some("/c/ca.pem".into()),
        ssl_library: Some("/usr/lib/libssl.so.3".into()),
        ..Searchd::default()
    };
    assert_eq!(c.searchd, want);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn empty_searchd_gets_every_default() {
    let c = ok("searchd {\n}\n");
    let s = &c.searchd;
    assert_eq!(
        s.listen,
        vec![
            tcp([127, 0, 0, 1], 9312, Proto::Multi),
            tcp([127, 0, 0, 1], 9306, Proto::Mysql),
        ]
    );
    assert_eq!(s.log, LogTarget::File("searchd.log".into()));
    assert_eq!(s.query_log, None);
    assert_eq!(s.pid_file, None);
    assert_eq!(s.data_dir, None);
    assert_eq!(s.max_connections, 1000);
    assert_eq!(s.client_timeout, Duration::from_secs(300));
    assert_eq!(s.network_timeout, Duration::from_secs(5));
    assert_eq!(s.max_packet_size, 128 * 1024 * 1024);
    assert_eq!(s.docstore_cache_size, 16 << 20);
    assert_eq!(s.threads, 0);
    assert_eq!(s.mysql_version_string, crate::version::MYSQL_DEFAULT);
    assert_eq!((&s.ssl_cert, &s.ssl_key, &s.ssl_ca), (&None, &None, &None));
    assert_eq!(s.ssl_library, None);
    assert!(c.tables.is_empty());
}

#[test]
fn timeouts_take_every_suffix() {
    let cases: &[(&str, Duration)] = &[
        ("30", Duration::from_secs(30)),
        ("500ms", Duration::from_millis(500)),
        ("45s", Duration::from_secs(45)),
        ("5m", Duration::from_secs(300)),
        ("1h", Duration::from_secs(3600)),
        ("1d", Duration::from_secs(86_400)),
        ("1w", Duration::from_secs(604_800)),
    ];
    for (text, want) in cases {
        let c = ok(&format!(
            "searchd {{\n  client_timeout = {text}\n  network_timeout = {text}\n}}\n"
        ));
        assert_eq!(c.searchd.client_timeout, *want, "{text}");
        assert_eq!(c.searchd.network_timeout, *want, "{text}");
    }
}

#[test]
fn packet_sizes_take_k_m_g() {
    for (text, want) in [
        ("1024", 1024),
        ("8k", 8192),
        ("8K", 8192),
        ("2m", 2 << 20),
        ("1G", 1 << 30),
    ] {
        let c = ok(&format!("searchd {{\n  max_packet_size = {text}\n}}\n"));
        assert_eq!(c.searchd.max_packet_size, want, "{text}");
        let c = ok(&format!("searchd {{\n  docstore_cache_size = {text}\n}}\n"));
        assert_eq!(c.searchd.docstore_cache_size, want, "{text}");
    }
    let c = ok("searchd {\n  docstore_cache_size = 0\n}\n");
    assert_eq!(c.searchd.docstore_cache_size, 0);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

/// The `manticore.conf` the packages install (RT mode).
const PACKAGED: &str = "\
# Minimal Manticore Search configuration file
# https://manual.manticoresearch.com/Server_settings

common {
    # plugin_dir = /usr/local/lib/manticore
}

searchd {
    listen = 127.0.0.1:9312
    listen = 127.0.0.1:9306:mysql
    listen = 127.0.0.1:9308:http
    log = /var/log/manticore/searchd.log
    query_log = /var/log/manticore/query.log
    pid_file = /run/manticore/searchd.pid
    data_dir = /var/lib/manticore
}
";

#[test]
fn packaged_sample_config_loads() {
    let c = ok(PACKAGED);
    let s = &c.searchd;
    assert_eq!(
        s.listen,
        vec![
            tcp([127, 0, 0, 1], 9312, Proto::Multi),
            tcp([127, 0, 0, 1], 9306, Proto::Mysql),
            tcp([127, 0, 0, 1], 9308, Proto::Http),
        ]
    );
    assert_eq!(
        s.log,
        LogTarget::File("/var/log/manticore/searchd.log".into())
    );
    assert_eq!(
        s.query_log,
        Some(LogTarget::File("/var/log/manticore/query.log".into()))
    );
    assert_eq!(s.pid_file, Some("/run/manticore/searchd.pid".into()));
    assert_eq!(s.data_dir, Some("/var/lib/manticore".into()));
    assert!(c.tables.is_empty() && c.warnings.is_empty());
}

#[test]
fn packaged_sample_config_loads_through_its_shebang() {
    let (_dir, path) = write_conf(&format!("#!/bin/sh\ncat <<'EOF'\n{PACKAGED}EOF\n"));
    let c = load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.searchd.data_dir, Some("/var/lib/manticore".into()));
    assert_eq!(c.searchd.listen.len(), 3);
}

/// A plain-mode config in the manual's style, with settings this daemon only accepts.
#[test]
fn manual_style_plain_config_loads_with_warnings() {
    let c = ok("source src1 {\n  type = mysql\n  sql_host = localhost\n  sql_user = test\n  \
         sql_pass =\n  sql_db = test\n  sql_query = SELECT id, title FROM documents\n  \
         sql_attr_uint = group_id\n  sql_attr_timestamp = date_added\n}\n\
         index plain1 {\n  source = src1\n  path = /var/lib/manticore/plain1\n  morphology = stem_en\n}\n\
         table rt1 {\n  type = rt\n  path = /var/lib/manticore/rt1\n  rt_field = title\n  \
         rt_attr_uint = gid\n  rt_mem_limit = 128M\n  min_infix_len = 2\n}\n\
         table dist1 {\n  type = distributed\n  local = plain1\n  local = rt1\n  \
         agent = 10.0.0.2:9312:remote1\n}\n\
         indexer {\n  mem_limit = 128M\n}\n\
         searchd {\n  listen = 9312\n  listen = 9306:mysql41\n  log = searchd.log\n  \
         pid_file = searchd.pid\n  seamless_rotate = 1\n  preopen_tables = 1\n  \
         binlog_path = /var/lib/manticore/binlog\n  threads = 4\n  jobs_queue_size = 9\n}\n");
    let names: Vec<&str> = c.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["plain1", "rt1", "dist1"]);
    assert_eq!(c.warnings.len(), 3, "{:?}", c.warnings);
    assert_eq!(
        c.searchd.binlog_path,
        Some("/var/lib/manticore/binlog".into())
    );
    assert_eq!(c.searchd.threads, 4);
    assert_eq!(
        c.warnings[2],
        "WARNING: key 'jobs_queue_size' is not supported yet and is ignored (t.conf line 42)"
    );
}

#[test]
fn load_reads_a_file_and_names_it() {
    let (_dir, path) =
        write_conf("searchd {\n  listen = 9400:mysql\n  log = x.log\n  log = y.log\n}\n");
    let c = load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.path, path);
    assert_eq!(
        c.searchd.listen,
        vec![tcp([0, 0, 0, 0], 9400, Proto::Mysql)]
    );
    assert_eq!(
        c.warnings,
        vec![format!(
            "WARNING: key 'log' is not multi-value; value in {} line 4 will be ignored.",
            path.display()
        )]
    );
    let (_dir2, bad) = write_conf("searchd {\n  bogus = 1\n}\n");
    assert_eq!(
        load_err(&bad),
        format!(
            "ERROR: unknown key name 'bogus' in {} line 2 col 8.",
            bad.display()
        )
    );
}

#[test]
fn load_of_a_missing_file_fails_clearly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("absent.conf");
    assert_eq!(
        load_err(&path),
        format!(
            "ERROR: failed to read config file '{}': No such file or directory (os error 2)",
            path.display()
        )
    );
}

#[test]
fn shebang_output_is_parsed_instead_of_the_file() {
    let script = "#!/bin/sh\nPORT=9401\ncat <<EOF\nsearchd {\n  listen = $PORT:mysql\n}\nEOF\n";
    let (_dir, path) = write_conf(script);
    let c = load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        c.searchd.listen,
        vec![tcp([0, 0, 0, 0], 9401, Proto::Mysql)]
    );
    assert_eq!(c.path, path);
}

#[test]
fn shebang_arguments_are_passed_before_the_file() {
    let script = "  #!/bin/sh -e\necho 'searchd {'\necho \"  pid_file = $0\"\necho '}'\n";
    let (_dir, path) = write_conf(script);
    let c = load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.searchd.pid_file, Some(path.clone()));
}

#[test]
fn failing_shebang_interpreter_is_an_error() {
    let (_dir, path) = write_conf("#!/bin/sh\necho 'searchd {}'\nexit 3\n");
    assert_eq!(
        load_err(&path),
        format!(
            "ERROR: failed to parse config file '{}': error executing '/bin/sh' status = 3",
            path.display()
        )
    );
    let (_dir2, path2) = write_conf("#!/nonexistent/interpreter -x\nsearchd {\n}\n");
    assert_eq!(
        load_err(&path2),
        format!(
            "ERROR: failed to parse config file '{}': error executing '/nonexistent/interpreter -x': No such file or directory (os error 2)",
            path2.display()
        )
    );
    let (_dir3, path3) = write_conf("#!/bin/sh\nkill -9 $$\n");
    assert_eq!(
        load_err(&path3),
        format!(
            "ERROR: failed to parse config file '{}': error executing '/bin/sh', killed by signal 9",
            path3.display()
        )
    );
    let (_dir4, path4) = write_conf("#!\nsearchd {\n}\n");
    assert_eq!(
        load_err(&path4),
        format!(
            "ERROR: failed to parse config file '{}': empty '#!' line",
            path4.display()
        )
    );
}

#[test]
fn empty_data_dir_is_plain_mode() {
    let c = ok("searchd {\n  data_dir =\n}\ntable t {\n  type = rt\n}\n");
    assert_eq!(c.searchd.data_dir, None);
    assert_eq!(c.tables.len(), 1);
}

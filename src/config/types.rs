//! The typed configuration the rest of the daemon reads.
//!
//! # Defaults
//! | setting | default |
//! |---|---|
//! | `listen` | `127.0.0.1:9312` (multi-protocol) and `127.0.0.1:9306:mysql` |
//! | `log` | `searchd.log` (relative to the start directory); `syslog` allowed |
//! | `query_log` | none |
//! | `pid_file` | none (mandatory unless running in the foreground) |
//! | `data_dir` | none (plain mode) |
//! | `max_connections` | 1000 |
//! | `client_timeout` | 300 s |
//! | `network_timeout` | 5 s |
//! | `max_packet_size` | 128 MiB |
//! | `mysql_version_string` | [`crate::version::MYSQL_DEFAULT`] |
//! | `ssl_cert`, `ssl_key`, `ssl_ca` | none |
//! | `ssl_library` | none (search the system for `libssl.so.3`, then `libssl.so.1.1`) |

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything read from a config file.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file the config was read from.
    pub path: PathBuf,
    pub searchd: Searchd,
    /// Table declarations (plain mode), in file order, inheritance resolved.
    pub tables: Vec<Section>,
    /// Non-fatal findings (ignored duplicate keys, known but unimplemented settings),
    /// ready to log as `WARNING: ...` lines.
    pub warnings: Vec<String>,
}

/// The `searchd { ... }` section.
#[derive(Debug, Clone, PartialEq)]
pub struct Searchd {
    pub listen: Vec<Listen>,
    pub log: LogTarget,
    pub query_log: Option<LogTarget>,
    pub pid_file: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub max_connections: usize,
    pub client_timeout: Duration,
    pub network_timeout: Duration,
    pub max_packet_size: usize,
    pub mysql_version_string: String,
    pub ssl_cert: Option<PathBuf>,
    pub ssl_key: Option<PathBuf>,
    pub ssl_ca: Option<PathBuf>,
    /// Extension: the libssl file to load instead of searching the system.
    pub ssl_library: Option<PathBuf>,
}

/// Where a log goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogTarget {
    File(PathBuf),
    Syslog,
}

/// A generic named section (`table`/`index`/`source`), keys in order, inheritance
/// already applied. Multi-value keys keep every value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub kind: String,
    pub name: String,
    pub entries: Vec<(String, String)>,
}

/// One `listen` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen {
    pub addr: ListenAddr,
    pub proto: Proto,
    /// `_vip`: exempt from `max_connections`.
    pub vip: bool,
    /// `_readonly`: refuses writes with `connection is read-only`.
    pub readonly: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddr {
    /// A TCP address. `port_end` is set for a port range (`host:9300-9320`), which
    /// upstream uses for replication.
    Tcp {
        host: IpAddr,
        port: u16,
        port_end: Option<u16>,
    },
    Unix(PathBuf),
}

/// The protocol a listener speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Proto {
    /// No protocol given: binary API, HTTP and HTTPS, told apart by sniffing.
    Multi,
    /// `sphinx`: the binary API only, server speaks first.
    Sphinx,
    /// `mysql` / `mysql41`.
    Mysql,
    /// `http`: sniffs like `Multi`.
    Http,
    /// `https`: TLS only; plain HTTP gets a 400, the API an API error.
    Https,
    /// `replication`: accepted in the config, not served.
    Replication,
}

impl Proto {
    /// How the start-up log line names the protocol.
    pub fn log_name(self) -> &'static str {
        match self {
            Proto::Multi | Proto::Http => "sphinx and http(s)",
            Proto::Sphinx => "sphinx",
            Proto::Mysql => "mysql",
            Proto::Https => "https",
            Proto::Replication => "replication",
        }
    }
}

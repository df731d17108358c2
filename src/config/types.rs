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
//! | `docstore_cache_size` | 16 MiB (0 = no cache) |
//! | `threads` | 0: one connection worker per CPU core |
//! | `mysql_version_string` | [`crate::version::MYSQL_DEFAULT`] |
//! | `ssl_cert`, `ssl_key`, `ssl_ca` | none |
//! | `ssl_library` | none (search the system for `libssl.so.3`, then `libssl.so.1.1`) |
//! | `ssl_verify_client` | `off` (clients are not asked for a certificate) |
//! | `ssl_protocols` | `TLSv1.2 TLSv1.3` |
//! | `ssl_ciphers`, `ssl_ciphersuites` | none (the library's defaults) |
//! | `ssl_crl` | none (several allowed) |
//! | `ssl_psk_file`, `ssl_ocsp_response`, `ssl_ocsp_responder` | none |
//!
//! `Searchd::default()` leaves `listen` empty; [`crate::config::load`] fills in the
//! two default listeners when the file has no `listen`. Durations take `us`, `ms`, `s`,
//! `m`, `h`, `d`, `w` (a bare number is seconds); sizes take `k`, `m`, `g`.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything read from a config file.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file the config was read from.
    pub path: PathBuf,
    /// The `searchd` section, every setting filled (see the defaults above).
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
    /// Every `listen`, in file order (the two defaults when the file has none).
    pub listen: Vec<Listen>,
    /// `log`: a file, or `syslog`.
    pub log: LogTarget,
    /// `query_log`: a file, or `syslog`; none when unset or empty.
    pub query_log: Option<LogTarget>,
    /// `pid_file`.
    pub pid_file: Option<PathBuf>,
    /// `data_dir`: set means RT mode (no table sections allowed).
    pub data_dir: Option<PathBuf>,
    /// `max_connections`: open connections allowed (VIP listeners are exempt).
    pub max_connections: usize,
    /// `client_timeout`: how long an idle persistent client may wait between queries.
    pub client_timeout: Duration,
    /// `network_timeout`: the read/write timeout of a request in progress.
    pub network_timeout: Duration,
    /// `max_packet_size`, in bytes.
    pub max_packet_size: usize,
    /// `docstore_cache_size`: bytes of decompressed stored-text blocks kept for
    /// later reads, across tables (0 = none).
    pub docstore_cache_size: usize,
    /// `threads`: connection worker threads (0 = one per CPU core). A connection
    /// stays on one worker; its statements run there.
    pub threads: usize,
    /// `mysql_version_string`: the version the MySQL handshake announces.
    pub mysql_version_string: String,
    /// `ssl_cert`: the server certificate (PEM).
    pub ssl_cert: Option<PathBuf>,
    /// `ssl_key`: the server private key (PEM).
    pub ssl_key: Option<PathBuf>,
    /// `ssl_ca`: the certificate authority file (PEM).
    pub ssl_ca: Option<PathBuf>,
    /// Extension: the libssl file to load instead of searching the system.
    pub ssl_library: Option<PathBuf>,
    /// Extension `ssl_verify_client`: whether TLS clients must present a certificate
    /// that chains to `ssl_ca`.
    pub ssl_verify_client: VerifyClient,
    /// Extension `ssl_protocols`: the TLS versions allowed, oldest first, no repeats.
    pub ssl_protocols: Vec<TlsProtocol>,
    /// Extension `ssl_ciphers`: the TLS 1.2 cipher list (OpenSSL syntax).
    pub ssl_ciphers: Option<String>,
    /// Extension `ssl_ciphersuites`: the TLS 1.3 suites, `:`-separated.
    pub ssl_ciphersuites: Option<String>,
    /// Extension `ssl_crl`: PEM certificate revocation lists (every value kept).
    pub ssl_crl: Vec<PathBuf>,
    /// Extension `ssl_psk_file`: `identity:hexkey` lines for pre-shared keys.
    pub ssl_psk_file: Option<PathBuf>,
    /// Extension `ssl_ocsp_response`: a DER OCSP response stapled for clients asking.
    pub ssl_ocsp_response: Option<PathBuf>,
    /// Extension `ssl_ocsp_responder`: `auto` (the certificate's authorityInfoAccess)
    /// or an `http://` URL to fetch the OCSP response from, hourly.
    pub ssl_ocsp_responder: Option<String>,
    /// `binlog_path`: the binary log folder; `None` when unset (the default: the
    /// `binlog` folder of `data_dir`), an empty path disables the binary log.
    pub binlog_path: Option<PathBuf>,
    /// `binlog_flush`: 0 = flush and sync every second, 1 = flush and sync every
    /// transaction, 2 = flush every transaction and sync every second (the default).
    pub binlog_flush: u8,
    /// `binlog_max_log_size`: a binary log file is closed and a new one started past
    /// this size (0 = no limit).
    pub binlog_max_log_size: u64,
    /// `rt_flush_period`: how often RAM chunks are saved to disk.
    pub rt_flush_period: Duration,
}

/// `ssl_verify_client`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VerifyClient {
    /// Clients are not asked for a certificate (Manticore's behaviour).
    #[default]
    Off,
    /// A certificate is asked for and verified when presented.
    Optional,
    /// Every client must present a certificate that verifies.
    On,
}

/// A TLS protocol version named in `ssl_protocols`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsProtocol {
    /// `TLSv1` (TLS 1.0).
    Tls10,
    /// `TLSv1.1`.
    Tls11,
    /// `TLSv1.2`.
    Tls12,
    /// `TLSv1.3`.
    Tls13,
}

impl TlsProtocol {
    /// The name as OpenSSL writes it (`TLSv1.2`).
    pub fn name(self) -> &'static str {
        match self {
            TlsProtocol::Tls10 => "TLSv1",
            TlsProtocol::Tls11 => "TLSv1.1",
            TlsProtocol::Tls12 => "TLSv1.2",
            TlsProtocol::Tls13 => "TLSv1.3",
        }
    }
}

/// Where a log goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogTarget {
    /// A log file path, as written.
    File(PathBuf),
    /// `syslog`.
    Syslog,
}

/// A generic named section (`table`/`index`/`source`), keys in order, inheritance
/// already applied. Multi-value keys keep every value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The section type as written, lower-cased: `table` or `index`.
    pub kind: String,
    /// The section name.
    pub name: String,
    /// `(key, value)` pairs, keys lower-cased, one pair per value.
    pub entries: Vec<(String, String)>,
}

/// One `listen` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen {
    /// Where to listen.
    pub addr: ListenAddr,
    /// What the listener speaks.
    pub proto: Proto,
    /// `_vip`: exempt from `max_connections`.
    pub vip: bool,
    /// `_readonly`: refuses writes with `connection is read-only`.
    pub readonly: bool,
}

/// A listener's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddr {
    /// A TCP address. `port_end` is set for a port range (`host:9300-9320`), which
    /// upstream uses for replication.
    Tcp {
        /// The interface (`0.0.0.0` for all).
        host: IpAddr,
        /// The (first) port.
        port: u16,
        /// The last port of a range, inclusive.
        port_end: Option<u16>,
    },
    /// A UNIX socket path.
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

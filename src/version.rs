//! Version strings the daemon shows to the world.

/// The daemon's own version, as Cargo knows it.
pub const PACKAGE: &str = env!("CARGO_PKG_VERSION");

/// The product string used in the HTTP `Server:` header, logs and `--version`.
pub const SERVER: &str = concat!("searchd ", env!("CARGO_PKG_VERSION"));

/// Default MySQL handshake version. It must read as MySQL 4.1 or later: some connectors
/// (mysql-connector-python) refuse servers whose version looks older.
/// Operators override it with `mysql_version_string`.
pub const MYSQL_DEFAULT: &str = concat!("5.7.0-searchd-", env!("CARGO_PKG_VERSION"));

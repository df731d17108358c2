//! The searchd config file: parse -> validate -> typed [`Config`].
//!
//! CONTRACT (the rest of the daemon relies on these names):
//! - [`load`] reads a file (running a `#!` preprocessor when the file starts with one)
//!   and returns a [`Config`] or a [`ConfigError`] whose `Display` is the full message,
//!   e.g. `ERROR: unknown key name 'k' in FILE line N col M.`
//! - [`parse_listen`] parses one `listen` value (also used for `--listen SPEC`).
//! - [`parse_str`] does what [`load`] does, on text already read.
//!
//! The grammar follows upstream Manticore's config files (see `grammar`), the known
//! keys are in `keys`, and `searchd` fills the typed settings.

mod grammar;
mod keys;
mod listen;
mod searchd;
mod source;
mod tls_values;
mod types;
mod values;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_listen;
#[cfg(test)]
mod tests_load;

pub use types::*;

use grammar::RawSection;
use keys::SectionType;
use std::fmt;
use std::path::Path;

/// A fatal config problem, printed as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Reads, parses and validates a config file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = source::read(path)?;
    let mut config = parse_str(&text, &path.display().to_string())?;
    config.path = path.to_path_buf();
    Ok(config)
}

/// Parses and validates config text; `file` names it in messages and in
/// [`Config::path`].
pub fn parse_str(text: &str, file: &str) -> Result<Config, ConfigError> {
    let parsed = grammar::parse(text, file)?;
    let mut warnings = parsed.warnings;
    let searchd_section = parsed
        .sections
        .iter()
        .find(|s| s.ty == SectionType::Searchd);
    let Some(searchd_section) = searchd_section else {
        return Err(ConfigError(format!(
            "ERROR: 'searchd' config section not found in '{file}'."
        )));
    };
    let searchd = searchd::build(Some(searchd_section), file, &mut warnings)?;
    let tables: Vec<Section> = parsed
        .sections
        .iter()
        .filter(|s| s.ty == SectionType::Index)
        .map(to_section)
        .collect();
    check_data_dir(searchd_section, &tables, file)?;
    Ok(Config {
        path: file.into(),
        searchd,
        tables,
        warnings,
    })
}

/// Parses one `listen` value.
pub fn parse_listen(spec: &str) -> Result<Listen, ConfigError> {
    listen::parse(spec).map_err(ConfigError)
}

/// RT mode (`data_dir`) and table declarations exclude each other.
fn check_data_dir(searchd: &RawSection, tables: &[Section], file: &str) -> Result<(), ConfigError> {
    let Some(data_dir) = searchd.get("data_dir").and_then(|v| v.first()) else {
        return Ok(());
    };
    if tables.is_empty() || data_dir.text.is_empty() {
        return Ok(());
    }
    Err(ConfigError(format!(
        "ERROR: 'data_dir' cannot be mixed with table declarations in {file} line {}.",
        data_dir.line
    )))
}

fn to_section(raw: &RawSection) -> Section {
    let entries = raw
        .entries
        .iter()
        .flat_map(|e| e.values.iter().map(|v| (e.key.clone(), v.text.clone())))
        .collect();
    Section {
        kind: raw.kind.clone(),
        name: raw.name.clone(),
        entries,
    }
}

/// The documented defaults, except `listen`, which is empty here: [`load`] puts the two
/// default listeners in when the file has no `listen` at all.
impl Default for Searchd {
    fn default() -> Self {
        Searchd {
            listen: Vec::new(),
            log: LogTarget::File("searchd.log".into()),
            query_log: None,
            pid_file: None,
            data_dir: None,
            max_connections: 1000,
            client_timeout: std::time::Duration::from_secs(300),
            network_timeout: std::time::Duration::from_secs(5),
            max_packet_size: 128 * 1024 * 1024,
            docstore_cache_size: crate::engine::docstore_cache::DEFAULT_BYTES,
            threads: 0,
            mysql_version_string: crate::version::MYSQL_DEFAULT.to_string(),
            ssl_cert: None,
            ssl_key: None,
            ssl_ca: None,
            ssl_library: None,
            ssl_verify_client: VerifyClient::Off,
            ssl_protocols: vec![TlsProtocol::Tls12, TlsProtocol::Tls13],
            ssl_ciphers: None,
            ssl_ciphersuites: None,
            ssl_crl: Vec::new(),
            ssl_psk_file: None,
            ssl_ocsp_response: None,
            ssl_ocsp_responder: None,
            binlog_path: None,
            binlog_flush: 2,
            binlog_max_log_size: 256 * 1024 * 1024,
            rt_flush_period: std::time::Duration::from_secs(10 * 60 * 60),
        }
    }
}

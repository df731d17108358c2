//! Turns the `searchd { ... }` section into the typed [`Searchd`].

use super::grammar::{RawSection, Value};
use super::keys::{self, KeyKind, SectionType};
use super::types::{LogTarget, Searchd};
use super::{listen, tls_values, values, ConfigError};
use std::path::PathBuf;
use std::time::Duration;

/// Builds [`Searchd`] from its section (or the defaults when there is none), adding
/// "not supported yet" warnings for known settings this daemon ignores.
pub(crate) fn build(
    section: Option<&RawSection>,
    file: &str,
    warnings: &mut Vec<String>,
) -> Result<Searchd, ConfigError> {
    let mut out = Searchd::default();
    let mut listens: Vec<&Value> = Vec::new();
    for entry in section.map(|s| s.entries.as_slice()).unwrap_or_default() {
        let Some(first) = entry.values.first() else {
            continue;
        };
        let ctx = Ctx {
            key: &entry.key,
            value: first,
            file,
        };
        if entry.key == "listen" {
            listens.extend(entry.values.iter());
        } else if entry.key == "ssl_crl" {
            out.ssl_crl = tls_values::crl_paths(entry.values.iter().map(|v| v.text.as_str()));
        } else if !apply(&mut out, &ctx)? {
            warn_unsupported(&ctx, warnings);
        }
    }
    out.listen = build_listeners(&listens, file)?;
    Ok(out)
}

/// One `key = value` being applied, for messages.
struct Ctx<'a> {
    key: &'a str,
    value: &'a Value,
    file: &'a str,
}

impl Ctx<'_> {
    fn text(&self) -> &str {
        &self.value.text
    }

    fn bad(&self, why: &str) -> ConfigError {
        ConfigError(format!(
            "ERROR: invalid value '{}' for key '{}' in {} line {}: {why}.",
            self.value.text, self.key, self.file, self.value.line
        ))
    }

    fn path(&self) -> Option<PathBuf> {
        (!self.text().is_empty()).then(|| PathBuf::from(self.text()))
    }

    fn log(&self) -> LogTarget {
        if self.text() == "syslog" {
            LogTarget::Syslog
        } else {
            LogTarget::File(self.text().into())
        }
    }

    fn duration(&self, unit: Duration) -> Result<Duration, ConfigError> {
        values::duration(self.text(), unit).map_err(|why| self.bad(&why))
    }

    fn size(&self) -> Result<usize, ConfigError> {
        let n = values::size(self.text()).map_err(|why| self.bad(&why))?;
        usize::try_from(n).map_err(|_| self.bad("size is too big"))
    }

    fn parsed<T>(&self, parse: fn(&str) -> Result<T, String>) -> Result<T, ConfigError> {
        parse(self.text()).map_err(|why| self.bad(&why))
    }

    fn count(&self) -> Result<usize, ConfigError> {
        let n = values::number(self.text()).map_err(|why| self.bad(&why))?;
        usize::try_from(n).map_err(|_| self.bad("number is too big"))
    }
}

/// Applies a setting this daemon implements; `false` when it does not.
fn apply(out: &mut Searchd, ctx: &Ctx<'_>) -> Result<bool, ConfigError> {
    const SECOND: Duration = Duration::from_secs(1);
    match ctx.key {
        "log" => out.log = ctx.log(),
        "query_log" => out.query_log = (!ctx.text().is_empty()).then(|| ctx.log()),
        "pid_file" => out.pid_file = ctx.path(),
        "data_dir" => out.data_dir = ctx.path(),
        "max_connections" => out.max_connections = ctx.count()?,
        "client_timeout" => out.client_timeout = ctx.duration(SECOND)?,
        "network_timeout" => out.network_timeout = ctx.duration(SECOND)?,
        "max_packet_size" => out.max_packet_size = ctx.size()?,
        "docstore_cache_size" => out.docstore_cache_size = ctx.size()?,
        "threads" => out.threads = ctx.count()?,
        "mysql_version_string" => out.mysql_version_string = ctx.text().to_string(),
        "ssl_cert" => out.ssl_cert = ctx.path(),
        "ssl_key" => out.ssl_key = ctx.path(),
        "ssl_ca" => out.ssl_ca = ctx.path(),
        "ssl_library" => out.ssl_library = ctx.path(),
        "ssl_verify_client" => out.ssl_verify_client = ctx.parsed(tls_values::verify_client)?,
        "ssl_protocols" => out.ssl_protocols = ctx.parsed(tls_values::protocols)?,
        "ssl_ciphers" => out.ssl_ciphers = ctx.parsed(tls_values::cipher_list)?,
        "ssl_ciphersuites" => out.ssl_ciphersuites = ctx.parsed(tls_values::cipher_list)?,
        "ssl_psk_file" => out.ssl_psk_file = ctx.path(),
        "ssl_ocsp_response" => out.ssl_ocsp_response = ctx.path(),
        "ssl_ocsp_responder" => out.ssl_ocsp_responder = ctx.parsed(tls_values::responder)?,
        "binlog_path" => out.binlog_path = Some(PathBuf::from(ctx.text())),
        "binlog_flush" => out.binlog_flush = ctx.parsed(binlog_flush)?,
        "binlog_max_log_size" => out.binlog_max_log_size = ctx.size()? as u64,
        "rt_flush_period" => out.rt_flush_period = ctx.duration(SECOND)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// `binlog_flush`: 0, 1 or 2.
fn binlog_flush(text: &str) -> Result<u8, String> {
    match text.trim() {
        "0" => Ok(0),
        "1" => Ok(1),
        "2" => Ok(2),
        _ => Err("expected 0, 1 or 2".into()),
    }
}

/// Deprecated and removed keys were already warned about by the grammar.
fn warn_unsupported(ctx: &Ctx<'_>, warnings: &mut Vec<String>) {
    if matches!(
        keys::lookup(SectionType::Searchd, ctx.key),
        Some(KeyKind::Single | KeyKind::List)
    ) {
        warnings.push(format!(
            "WARNING: key '{}' is not supported yet and is ignored ({} line {})",
            ctx.key, ctx.file, ctx.value.line
        ));
    }
}

fn build_listeners(
    values: &[&Value],
    file: &str,
) -> Result<Vec<super::types::Listen>, ConfigError> {
    if values.is_empty() {
        return Ok(listen::defaults());
    }
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        let parsed = listen::parse(&v.text).map_err(|why| {
            ConfigError(format!(
                "ERROR: listen '{}' in {file} line {}: {why}.",
                v.text, v.line
            ))
        })?;
        out.push(parsed);
    }
    if let Some((i, j)) = listen::find_overlap(&out) {
        return Err(ConfigError(format!(
            "ERROR: listen '{}' in {file} line {} uses the same address and port as listen '{}' in line {}.",
            values[j].text, values[j].line, values[i].text, values[i].line
        )));
    }
    Ok(out)
}

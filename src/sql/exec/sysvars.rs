//! `@@` server variables as connectors read them on connect.
//!
//! Names compare case-insensitively; a scope prefix (`@@session.`, `@@global.`)
//! does not change the answer. A name we do not know reads `<empty>`, as upstream
//! answers it when no helper daemon is attached.

use crate::service::{ColumnType, Session, Value};

use super::Ctx;

/// What an unknown `@@variable` reads.
pub const UNKNOWN_SYSVAR: &str = "<empty>";

/// The value and column type of `@@name`.
pub fn sysvar(ctx: &Ctx<'_>, name: &str) -> (ColumnType, Value) {
    let lower = name.to_ascii_lowercase();
    if let Some(v) = numeric(ctx, &lower) {
        return (ColumnType::UInt, Value::UInt(v));
    }
    let text = textual(ctx, &lower).unwrap_or_else(|| UNKNOWN_SYSVAR.to_string());
    (ColumnType::String, Value::Str(text))
}

fn numeric(ctx: &Ctx<'_>, name: &str) -> Option<u64> {
    let settings = &ctx.state.settings;
    let v = match name {
        "auto_increment_increment" | "auto_increment_offset" => 1,
        "max_allowed_packet" => settings.max_packet_size as u64,
        "wait_timeout" | "interactive_timeout" => settings.client_timeout.as_secs(),
        "net_write_timeout" | "net_read_timeout" => settings.network_timeout.as_secs(),
        "lower_case_table_names" => 1,
        "autocommit" => u64::from(ctx.session.autocommit),
        "performance_schema" | "sql_auto_is_null" | "query_cache_size" => 0,
        "transaction_read_only" | "tx_read_only" | "read_only" => 0,
        "sql_select_limit" => u64::MAX,
        "net_buffer_length" => 16384,
        "protocol_version" => 10,
        "max_connections" => settings.max_connections as u64,
        "connection_id" | "pseudo_thread_id" => ctx.session.conn_id,
        _ => return None,
    };
    Some(v)
}

fn textual(ctx: &Ctx<'_>, name: &str) -> Option<String> {
    let s = match name {
        "version_comment" => crate::version::SERVER.to_string(),
        "version" => mysql_version(ctx),
        "character_set_client"
        | "character_set_connection"
        | "character_set_results"
        | "character_set_server"
        | "character_set_database"
        | "character_set_system" => "utf8".into(),
        "collation_connection" | "collation_server" | "collation_database" => {
            "utf8_general_ci".into()
        }
        "tx_isolation" | "transaction_isolation" => "REPEATABLE-READ".into(),
        "sql_mode" | "init_connect" => String::new(),
        "last_insert_id" => ctx.session.last_insert_ids.clone(),
        "time_zone" => "SYSTEM".into(),
        "system_time_zone" => system_time_zone(),
        "license" => env!("CARGO_PKG_LICENSE").into(),
        "query_cache_type" => "OFF".into(),
        "have_ssl" | "have_openssl" => have_ssl(ctx),
        "version_compile_os" => std::env::consts::OS.into(),
        "version_compile_machine" => std::env::consts::ARCH.into(),
        "default_storage_engine" | "storage_engine" => "InnoDB".into(),
        "user" => user(ctx.session).into(),
        _ => return None,
    };
    Some(s)
}

/// The version string the handshake announces.
pub fn mysql_version(ctx: &Ctx<'_>) -> String {
    let configured = &ctx.state.settings.mysql_version_string;
    if configured.is_empty() {
        crate::version::MYSQL_DEFAULT.to_string()
    } else {
        configured.clone()
    }
}

/// `USER()` as upstream answers it: `VIP` on VIP listeners, else `Usual`.
pub fn user(session: &Session) -> &'static str {
    if session.vip {
        "VIP"
    } else {
        "Usual"
    }
}

fn have_ssl(ctx: &Ctx<'_>) -> String {
    match ctx.state.tls() {
        crate::tls::TlsState::Usable(_) => "YES".into(),
        crate::tls::TlsState::Unusable { .. } => "DISABLED".into(),
    }
}

/// The host's zone as an offset (`UTC` when it is zero).
fn system_time_zone() -> String {
    let now = chrono::Local::now();
    let offset = now.offset().to_string();
    if offset == "+00:00" {
        "UTC".into()
    } else {
        offset
    }
}

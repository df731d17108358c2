//! `SHOW THREADS`: one row per open connection, in upstream's columns.

use crate::service::{Column, ColumnType, Outcome, ServerState, Value};

/// Upstream's columns (without the CPU column it shows only with `--cpustats`).
const COLUMNS: &[(&str, ColumnType)] = &[
    ("TID", ColumnType::UInt),
    ("Name", ColumnType::String),
    ("Proto", ColumnType::String),
    ("State", ColumnType::String),
    ("Connection from", ColumnType::String),
    ("ConnID", ColumnType::BigInt),
    ("This/prev job time", ColumnType::String),
    ("Jobs done", ColumnType::UInt),
    ("Thread status", ColumnType::String),
    ("Info", ColumnType::String),
];

/// Lists the connections registered in `state`.
pub fn show_threads(state: &ServerState) -> Outcome {
    let columns = COLUMNS
        .iter()
        .map(|(name, ty)| Column::new(*name, *ty))
        .collect();
    let rows = state
        .threads()
        .into_iter()
        .map(|t| {
            let working = t.state == "query";
            vec![
                Value::UInt(t.id),
                Value::Str(format!("conn_{}", t.id)),
                Value::Str(t.proto),
                Value::Str(t.state),
                Value::Str(t.host),
                Value::Int(i64::try_from(t.id).unwrap_or(i64::MAX)),
                Value::Str(format_elapsed(t.started.elapsed())),
                Value::UInt(0),
                Value::Str(if working { "working" } else { "idling" }.into()),
                Value::Str(with_peer(t.info, t.tls_peer.as_deref())),
            ]
        })
        .collect();
    Outcome::Rows { columns, rows }
}

/// The Info column: the statement, then the verified TLS client certificate's subject
/// as a comment (`select 1 /* peer /CN=alice */`) when the client presented one.
fn with_peer(info: String, peer: Option<&str>) -> String {
    match peer {
        None => info,
        Some(p) if info.is_empty() => format!("/* peer {} */", p.replace("*/", "* /")),
        Some(p) => format!("{info} /* peer {} */", p.replace("*/", "* /")),
    }
}

/// Elapsed time as upstream prints durations: `123us`, `45ms`, `3s`, `2m 5s`.
pub(crate) fn format_elapsed(d: std::time::Duration) -> String {
    let us = d.as_micros();
    if us < 1_000 {
        format!("{us}us")
    } else if us < 1_000_000 {
        format!("{}ms", us / 1_000)
    } else {
        let secs = d.as_secs();
        if secs < 60 {
            format!("{secs}s")
        } else if secs < 3600 {
            format!("{}m {}s", secs / 60, secs % 60)
        } else {
            format!("{}h {}m", secs / 3600, (secs % 3600) / 60)
        }
    }
}

//! `SHOW STATUS` counters and the COM_STATISTICS line.

use std::sync::atomic::Ordering;

use crate::service::{Outcome, ServerState};
use crate::tls::TlsState;

use super::show::pairs_like;
use super::sysvars::mysql_version;
use super::{string_table, Ctx};

/// `SHOW STATUS [LIKE ...]`: columns `Counter`, `Value`.
pub fn show_status(ctx: &Ctx<'_>, like: Option<&str>) -> Outcome {
    let state = ctx.state;
    let mut pairs: Vec<(String, String)> = vec![
        ("uptime", state.uptime_secs().to_string()),
        ("connections", load(&state.connections_total)),
        ("maxed_out", load(&state.maxed_out)),
        ("version", crate::version::SERVER.to_string()),
        ("mysql_version", mysql_version(ctx)),
        ("queries", load(&state.queries)),
        ("connections_ssl", load(&state.tls_sessions)),
        ("connections_compressed", load(&state.compressed_sessions)),
        ("workers_clients", state.open_connections().to_string()),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v))
    .collect();
    pairs.extend(tls_pairs(ctx));
    string_table(&["Counter", "Value"], pairs_like(pairs, like))
}

fn load(counter: &std::sync::atomic::AtomicU64) -> String {
    counter.load(Ordering::Relaxed).to_string()
}

/// `ssl_library`, `ssl_state`, `ssl_error`, the server certificate's health
/// (`ssl_cert_subject`, `ssl_cert_issuer`, `ssl_cert_expires`, `ssl_cert_days_left`)
/// when there is one, this session's `ssl_peer` (the verified client certificate; only
/// on TLS sessions), and its `ssl_cipher` and `ssl_version` (empty on a plain
/// connection).
fn tls_pairs(ctx: &Ctx<'_>) -> Vec<(String, String)> {
    let tls = ctx.state.tls();
    let (library, state, error) = match &tls {
        TlsState::Usable(acceptor) => (
            acceptor.library_version().to_string(),
            "usable",
            String::new(),
        ),
        TlsState::Unusable { reason } => (String::new(), "unusable", reason.clone()),
    };
    let session = ctx.session;
    let mut pairs = vec![
        ("ssl_library".to_string(), library),
        ("ssl_state".to_string(), state.to_string()),
        ("ssl_error".to_string(), error),
    ];
    pairs.extend(certificate_pairs(&tls));
    if session.tls_version.is_some() || session.tls_peer.is_some() {
        let peer = session.tls_peer.clone().unwrap_or_default();
        pairs.push(("ssl_peer".to_string(), peer));
    }
    pairs.extend([
        (
            "ssl_cipher".to_string(),
            session.tls_cipher.clone().unwrap_or_default(),
        ),
        (
            "ssl_version".to_string(),
            session.tls_version.clone().unwrap_or_default(),
        ),
        (
            "compression".to_string(),
            if session.proto.contains("compressed") {
                "zlib".to_string()
            } else {
                String::new()
            },
        ),
    ]);
    pairs
}

/// The server certificate's health, when TLS is usable with a certificate.
fn certificate_pairs(tls: &TlsState) -> Vec<(String, String)> {
    let Some(c) = tls.acceptor().and_then(|a| a.certificate()) else {
        return Vec::new();
    };
    vec![
        ("ssl_cert_subject".to_string(), c.subject.clone()),
        ("ssl_cert_issuer".to_string(), c.issuer.clone()),
        ("ssl_cert_expires".to_string(), c.not_after.clone()),
        ("ssl_cert_days_left".to_string(), c.days_left.to_string()),
    ]
}

/// The COM_STATISTICS answer, in the layout MySQL clients parse
/// (`mysql`'s `status` reads the uptime after the first blank).
pub fn statistics_line(state: &ServerState) -> String {
    let uptime = state.uptime_secs();
    let queries = state.queries.load(Ordering::Relaxed);
    let per_sec = if uptime == 0 {
        0.0
    } else {
        queries as f64 / uptime as f64
    };
    format!(
        "Uptime: {uptime}  Threads: {}  Questions: {queries}  Slow queries: 0  Opens: 0  \
         Flush tables: 0  Open tables: 0  Queries per second avg: {per_sec:.3}",
        state.open_connections()
    )
}

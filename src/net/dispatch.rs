//! One connection, from accept to close: the connection limit, sniffing on
//! multi-protocol ports, TLS, and the hand-over to a protocol front end.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::config::{Listen, Proto};
use crate::net::shutdown::DrainToken;
use crate::net::sniff::{sniff, Sniffed};
use crate::net::{BoxStream, PrefixedStream, Shutdown};
use crate::service::{ConnectionGuard, ServerState, Service};
use crate::tls::TlsState;

/// What every connection task gets.
#[derive(Clone)]
pub struct Ctx {
    pub service: Arc<dyn Service>,
    pub shutdown: Shutdown,
    /// Held while the task lives, so that shutdown can wait for it.
    pub drain: DrainToken,
}

impl Ctx {
    fn state(&self) -> &Arc<ServerState> {
        self.service.state()
    }
}

/// The upstream text for a client over the connection limit.
pub const MAXED_OUT: &str = "maxed out, dismissing client";

/// The exact reply to plain HTTP on an `https` listener (upstream's, byte for byte).
pub fn plain_http_on_https_reply() -> Vec<u8> {
    let body = r#"{"error":"The plain HTTP request was sent to HTTPS port"}"#;
    format!(
        "HTTP/1.1 400 Bad Request\r\nServer: {}\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: {}\r\n\r\n{}",
        crate::version::SERVER,
        body.len(),
        body
    )
    .into_bytes()
}

/// Serves one accepted connection.
pub async fn handle(stream: BoxStream, peer: String, spec: Arc<Listen>, ctx: Ctx) {
    match spec.proto {
        Proto::Mysql => serve_mysql(stream, peer, &spec, &ctx).await,
        Proto::Sphinx => serve_api(stream, peer, &spec, &ctx, true).await,
        Proto::Multi | Proto::Http | Proto::Https => serve_sniffed(stream, peer, spec, ctx).await,
        Proto::Replication => {}
    }
}

fn register(ctx: &Ctx, proto: &str, peer: &str, vip: bool) -> Option<ConnectionGuard> {
    let guard = ctx.state().register(proto, peer.to_string(), vip);
    if guard.is_none() {
        tracing::warn!("{MAXED_OUT} ({peer}, {proto})");
    }
    guard
}

fn api_conn(ctx: &Ctx, guard: ConnectionGuard, spec: &Listen) -> crate::api::ApiConn {
    crate::api::ApiConn {
        service: Arc::clone(&ctx.service),
        guard,
        readonly: spec.readonly,
    }
}

async fn serve_mysql(mut stream: BoxStream, peer: String, spec: &Listen, ctx: &Ctx) {
    let Some(guard) = register(ctx, "mysql", &peer, spec.vip) else {
        let _ = stream
            .write_all(&crate::mysql::maxed_out_packet(MAXED_OUT))
            .await;
        let _ = stream.shutdown().await;
        return;
    };
    let id = guard.id();
    let conn = crate::mysql::MysqlConn {
        service: Arc::clone(&ctx.service),
        guard,
        vip: spec.vip,
        readonly: spec.readonly,
    };
    tokio::select! {
        _ = crate::mysql::serve(stream, conn) => {}
        _ = until_idle_after_shutdown(ctx, id) => {}
    }
}

/// Resolves once shutdown has started and the connection is not running a statement,
/// so that in-flight work finishes and idle clients are let go.
async fn until_idle_after_shutdown(ctx: &Ctx, conn_id: u64) {
    ctx.shutdown.wait().await;
    loop {
        let busy = ctx
            .state()
            .threads()
            .iter()
            .any(|t| t.id == conn_id && t.state == "query");
        if !busy {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// How long a multi-protocol connection may stay silent before it is taken for a
/// binary API client that reads first (the server hello is then sent to it).
pub const SILENT_CLIENT_DELAY: Duration = Duration::from_millis(300);

/// Reads until the first bytes say which protocol this is, within `network_timeout`.
/// `None`: nothing arrived within [`SILENT_CLIENT_DELAY`] (only asked for on
/// multi-protocol listeners: on `http`/`https` ones a slow HTTP client must not be
/// greeted with API bytes).
async fn read_sniff(
    stream: &mut BoxStream,
    limit: Duration,
    greet_silent: bool,
) -> Option<(Sniffed, Vec<u8>)> {
    let mut buf = Vec::with_capacity(64);
    let deadline = tokio::time::Instant::now() + limit;
    let silent_at = if greet_silent {
        tokio::time::Instant::now() + SILENT_CLIENT_DELAY.min(limit)
    } else {
        deadline
    };
    loop {
        let verdict = sniff(&buf);
        if verdict != Sniffed::NeedMore {
            return Some((verdict, buf));
        }
        let mut chunk = [0u8; 64];
        let until = if buf.is_empty() { silent_at } else { deadline };
        let read = tokio::time::timeout_at(until, stream.read(&mut chunk)).await;
        match read {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            Err(_) if buf.is_empty() && until < deadline => return None,
            _ => return Some((Sniffed::Unknown, buf)),
        }
    }
}

async fn serve_sniffed(mut stream: BoxStream, peer: String, spec: Arc<Listen>, ctx: Ctx) {
    let settings = Arc::clone(&ctx.state().settings);
    let https_only = spec.proto == Proto::Https;
    let greet_silent = spec.proto == Proto::Multi;
    let sniffed = read_sniff(&mut stream, settings.network_timeout, greet_silent).await;
    let Some((kind, head)) = sniffed else {
        // A client that reads before it writes: speak first, as on a `sphinx` port.
        return serve_api(stream, peer, &spec, &ctx, true).await;
    };
    let stream: BoxStream = Box::new(PrefixedStream::new(head, stream));
    match kind {
        Sniffed::Api => serve_api(stream, peer, &spec, &ctx, false).await,
        Sniffed::Http if https_only => lingering_reply(stream, &plain_http_on_https_reply()).await,
        Sniffed::Http => serve_http(stream, peer, &spec, &ctx, false).await,
        Sniffed::Tls => serve_tls(stream, peer, &spec, &ctx).await,
        Sniffed::NeedMore | Sniffed::Unknown => {}
    }
}

async fn serve_api(stream: BoxStream, peer: String, spec: &Listen, ctx: &Ctx, server_first: bool) {
    let Some(guard) = register(ctx, "sphinx", &peer, spec.vip) else {
        crate::api::reply_maxed_out(stream, server_first).await;
        return;
    };
    if spec.proto == Proto::Https {
        drop(guard);
        crate::api::reply_https_port(stream, server_first).await;
    } else {
        let id = guard.id();
        tokio::select! {
            _ = crate::api::serve(stream, api_conn(ctx, guard, spec), server_first) => {}
            _ = until_idle_after_shutdown(ctx, id) => {}
        }
    }
}

async fn serve_tls(stream: BoxStream, peer: String, spec: &Listen, ctx: &Ctx) {
    let acceptor = match ctx.state().tls() {
        TlsState::Usable(a) => a,
        TlsState::Unusable { reason } => {
            if spec.proto == Proto::Https {
                tracing::warn!("dropped TLS connection from {peer} on https port: {reason}");
            }
            return;
        }
    };
    let timeout = ctx.state().settings.client_timeout;
    match acceptor.accept(stream, timeout).await {
        Ok(tls) => serve_http(Box::new(tls), peer, spec, ctx, true).await,
        Err(e) => tracing::debug!("TLS handshake with {peer} failed: {e}"),
    }
}

async fn serve_http(stream: BoxStream, peer: String, spec: &Listen, ctx: &Ctx, tls: bool) {
    let proto = if tls { "http,ssl" } else { "http" };
    let Some(guard) = register(ctx, proto, &peer, spec.vip) else {
        crate::http::reply_maxed_out(stream, MAXED_OUT).await;
        return;
    };
    let conn = crate::http::HttpConn {
        service: Arc::clone(&ctx.service),
        guard,
        readonly: spec.readonly,
        shutdown: ctx.shutdown.clone(),
    };
    crate::http::serve(stream, conn).await;
}

/// Writes a final reply, then closes without losing it: the write side is shut down
/// first and whatever the client still sends is read and discarded for a moment, so
/// that the kernel does not answer unread bytes with a reset that would destroy the
/// reply in flight.
pub async fn lingering_reply(mut stream: BoxStream, reply: &[u8]) {
    if stream.write_all(reply).await.is_err() || stream.flush().await.is_err() {
        return;
    }
    let _ = stream.shutdown().await;
    let mut sink = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while let Ok(n) = stream.read(&mut sink).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

//! Binary API (SphinxAPI) front end.
//!
//! Framing, the hello exchange, PERSIST and PING are served here; the search
//! commands arrive with the engine.

pub mod codec;

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::net::BoxStream;
use crate::service::{ConnectionGuard, Service};
use codec::{command, message_reply, reply, Header, Status, HELLO};

/// One API connection's context.
pub struct ApiConn {
    pub service: Arc<dyn Service>,
    pub guard: ConnectionGuard,
    pub readonly: bool,
}

/// The error an API client gets on an `https` listener.
pub const HTTPS_PORT_ERROR: &str = "Binary API request was sent to HTTPS port";

/// Serves an API connection. `server_first`: a `sphinx` listener sends its hello at
/// accept; on sniffed ports the client's hello came first.
pub async fn serve(mut stream: BoxStream, conn: ApiConn, server_first: bool) {
    let settings = Arc::clone(&conn.service.state().settings);
    let io_limit = settings.network_timeout;
    if server_first && stream.write_all(&HELLO).await.is_err() {
        return;
    }
    let mut hello = [0u8; 4];
    match tokio::time::timeout(io_limit, stream.read_exact(&mut hello)).await {
        Ok(Ok(_)) => {}
        _ => return,
    }
    if !server_first && stream.write_all(&HELLO).await.is_err() {
        return;
    }
    let mut persist = false;
    loop {
        conn.guard.update(|t| t.state = "idle".into());
        let idle_limit = if persist {
            settings.client_timeout
        } else {
            io_limit
        };
        let mut head = [0u8; Header::LEN];
        match tokio::time::timeout(idle_limit, stream.read_exact(&mut head)).await {
            Ok(Ok(_)) => {}
            _ => return,
        }
        let header = Header::parse(&head);
        if header.command > command::LAST || header.length as usize > settings.max_packet_size {
            let msg = format!(
                "invalid command (code={}, len={})",
                header.command, header.length
            );
            let _ = stream.write_all(&message_reply(Status::Error, &msg)).await;
            return;
        }
        let mut body = vec![0u8; header.length as usize];
        match tokio::time::timeout(io_limit, stream.read_exact(&mut body)).await {
            Ok(Ok(_)) => {}
            _ => return,
        }
        conn.guard.update(|t| t.state = "query".into());
        let answer = match header.command {
            command::PERSIST => {
                persist = body.get(..4).is_some_and(|b| b != [0, 0, 0, 0]);
                None
            }
            command::PING => Some(reply(Status::Ok, 0x100, body.get(..4).unwrap_or(&[0; 4]))),
            other => Some(message_reply(
                Status::Error,
                &format!("unknown command (code={other})"),
            )),
        };
        if let Some(bytes) = answer {
            if stream.write_all(&bytes).await.is_err() {
                return;
            }
            if !persist {
                let _ = stream.shutdown().await;
                return;
            }
        }
    }
}

/// Hello, then RETRY `maxed out, dismissing client`.
pub async fn reply_maxed_out(mut stream: BoxStream, server_first: bool) {
    let mut out = Vec::new();
    if server_first {
        out.extend_from_slice(&HELLO);
    } else {
        let mut hello = [0u8; 4];
        if stream.read_exact(&mut hello).await.is_err() {
            return;
        }
        out.extend_from_slice(&HELLO);
    }
    out.extend_from_slice(&message_reply(
        Status::Retry,
        crate::net::dispatch::MAXED_OUT,
    ));
    crate::net::dispatch::lingering_reply(stream, &out).await;
}

/// Hello, then ERROR `Binary API request was sent to HTTPS port`, then close.
pub async fn reply_https_port(mut stream: BoxStream) {
    let mut hello = [0u8; 4];
    if stream.read_exact(&mut hello).await.is_err() {
        return;
    }
    let mut out = HELLO.to_vec();
    out.extend_from_slice(&message_reply(Status::Error, HTTPS_PORT_ERROR));
    crate::net::dispatch::lingering_reply(stream, &out).await;
}

//! MySQL protocol front end.
//!
//! [`serve`] runs one client connection: the connection phase (greeting, optional
//! in-band TLS upgrade, auth with any user, database check, optional compression),
//! then the command phase (queries, prepared statements, ping, statistics...), all
//! answered through [`crate::service::Service`].
//!
//! The wire layer is split by concern, each a set of pure functions over bytes:
//! `wire` (length-encoded values), `packet` (plain framing), `compress` (compressed
//! framing), `handshake`, `response` (OK/ERR/EOF), `resultset`, `params` and
//! `sqltext` (prepared statements).

mod auth;
mod command;
mod compress;
mod handshake;
mod io;
mod packet;
mod params;
mod reply;
mod response;
mod resultset;
#[cfg(test)]
mod robustness;
mod sqltext;
mod stmt;
mod wire;

use std::sync::Arc;

use crate::net::BoxStream;
use crate::service::{ConnectionGuard, Service};

/// What the listener hands over with an accepted MySQL connection.
pub struct MysqlConn {
    /// The daemon.
    pub service: Arc<dyn Service>,
    /// The registered connection (`SHOW THREADS`).
    pub guard: ConnectionGuard,
    /// The listener is `_vip`.
    pub vip: bool,
    /// The listener is `_readonly`.
    pub readonly: bool,
}

/// Serves one MySQL client until it quits, fails or times out; the connection is
/// closed on return.
pub async fn serve(stream: BoxStream, conn: MysqlConn) {
    if let Some(established) = auth::connect(stream, &conn).await {
        command::run(established, &conn).await;
    }
}

/// The first and only packet a client over `max_connections` gets: an ERR packet
/// (1040, `08004`, as MySQL answers "too many connections") in place of the greeting.
pub fn maxed_out_packet(message: &str) -> Vec<u8> {
    let mut out = Vec::new();
    packet::encode(&response::err(1040, "08004", message), 0, &mut out);
    out
}

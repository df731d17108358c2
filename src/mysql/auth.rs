//! The connection phase as a flow: greeting, optional in-band TLS upgrade, the
//! client's response, an auth-plugin switch when needed, the database check, and the
//! final OK (after which compression starts).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use super::handshake::{self, caps, HandshakeResponse};
use super::io::{IoError, PacketIo};
use super::response::{self, OkInfo};
use super::MysqlConn;
use crate::net::{BoxStream, PrefixedStream};

/// Bad handshake (ERR codes the connection phase sends).
pub const ER_HANDSHAKE: u16 = 1043;
/// Unknown database.
pub const ER_NO_DB: u16 = 1046;
/// Packet larger than `max_packet_size`.
pub const ER_TOO_BIG: u16 = 1153;

/// What the connection phase hands to the command phase.
pub struct Established {
    /// The connection, compressed if negotiated.
    pub io: PacketIo,
    /// What the client sent.
    pub response: HandshakeResponse,
    /// Capabilities both sides share.
    pub caps: u32,
}

/// A 20-byte alphanumeric scramble.
pub fn scramble() -> [u8; 20] {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = [0u8; 20];
    let mut h = RandomState::new().build_hasher();
    for (i, b) in out.iter_mut().enumerate() {
        h.write_usize(i);
        *b = ALNUM[(h.finish() % ALNUM.len() as u64) as usize];
    }
    out
}

/// `true` for a database name the daemon answers to: a case-insensitive prefix of
/// `Manticore` (or a name starting with it).
pub fn known_database(db: &str) -> bool {
    let db = db.to_ascii_lowercase();
    !db.is_empty() && ("manticore".starts_with(&db) || db.starts_with("manticore"))
}

/// The ERR text for an unknown database.
pub fn no_db_message(db: &str) -> String {
    format!("no such database {db}")
}

/// Runs the connection phase; `None` means the connection is to be closed (any
/// error packet has already been sent).
pub async fn connect(stream: BoxStream, conn: &MysqlConn) -> Option<Established> {
    let state = conn.service.state();
    let settings = &state.settings;
    let wait = settings.network_timeout;
    let tls = state.tls();
    let server_caps = caps::SERVER | tls.acceptor().map_or(0, |_| caps::SSL);
    let scramble = scramble();
    let mut io = PacketIo::new(stream, settings.max_packet_size);
    let greeting = handshake::handshake_v10(
        &settings.mysql_version_string,
        conn.guard.id() as u32,
        &scramble,
        server_caps,
    );
    io.send(&greeting).await.ok()?;
    let mut first = read_or_report(&mut io, wait).await?;
    if handshake::parse_ssl_request(&first).is_some() {
        let Some(acceptor) = tls.acceptor() else {
            let msg = "SSL is not enabled on this server";
            let _ = io.send(&response::err(ER_HANDSHAKE, "08S01", msg)).await;
            return None;
        };
        io = upgrade(io, acceptor, wait, settings.max_packet_size).await?;
        first = read_or_report(&mut io, wait).await?;
    }
    let response = match handshake::parse_response(&first) {
        Ok(r) => r,
        Err(_) => {
            let _ = io
                .send(&response::err(ER_HANDSHAKE, "08S01", "Bad handshake"))
                .await;
            return None;
        }
    };
    finish(io, response, server_caps, &scramble, wait).await
}

async fn finish(
    mut io: PacketIo,
    response: HandshakeResponse,
    server_caps: u32,
    scramble: &[u8; 20],
    wait: Duration,
) -> Option<Established> {
    let caps = response.head.capabilities & server_caps;
    let other_plugin = response
        .auth_plugin
        .as_deref()
        .is_some_and(|p| !p.is_empty() && p != handshake::NATIVE_PASSWORD);
    if caps & caps::PLUGIN_AUTH != 0 && other_plugin {
        io.send(&handshake::auth_switch(scramble)).await.ok()?;
        read_or_report(&mut io, wait).await?;
    }
    if let Some(db) = response.database.as_deref().filter(|d| !known_database(d)) {
        let _ = io
            .send(&response::err(ER_NO_DB, "42000", &no_db_message(db)))
            .await;
        return None;
    }
    let ok = response::ok(&OkInfo {
        status: handshake::STATUS_AUTOCOMMIT,
        ..OkInfo::default()
    });
    io.send(&ok).await.ok()?;
    if caps & caps::COMPRESS != 0 {
        io.enable_compression();
    }
    Some(Established { io, response, caps })
}

/// Reads one handshake-phase packet; a too-big packet gets ERR 1153 first.
async fn read_or_report(io: &mut PacketIo, wait: Duration) -> Option<Vec<u8>> {
    match io.read(wait, wait).await {
        Ok(p) => Some(p),
        Err(e) => {
            report(io, &e).await;
            None
        }
    }
}

/// Tells the client why the connection is closing, when it can be told.
pub async fn report(io: &mut PacketIo, e: &IoError) {
    match e {
        IoError::Wire(super::wire::WireError::TooBig) => {
            let msg = "Got a packet bigger than 'max_allowed_packet' bytes";
            let _ = io.send(&response::err(ER_TOO_BIG, "08S01", msg)).await;
        }
        IoError::Io(err) => tracing::debug!("mysql connection failed: {err}"),
        IoError::Wire(err) => tracing::debug!("mysql connection dropped: {err}"),
        IoError::Closed | IoError::Timeout => {}
    }
}

/// Upgrades the connection in place, replaying any bytes read past the SSLRequest.
async fn upgrade(
    io: PacketIo,
    acceptor: &crate::tls::TlsAcceptor,
    wait: Duration,
    max_packet: usize,
) -> Option<PacketIo> {
    let (stream, leftover, seq) = io.into_parts();
    let stream: BoxStream = if leftover.is_empty() {
        stream
    } else {
        Box::new(PrefixedStream::new(leftover, stream))
    };
    match acceptor.accept(stream, wait).await {
        Ok(tls) => Some(PacketIo::resume(Box::new(tls), seq, max_packet)),
        Err(e) => {
            tracing::debug!("mysql TLS handshake failed: {e}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scramble_is_alphanumeric_and_varies() {
        let a = scramble();
        assert!(a.iter().all(u8::is_ascii_alphanumeric));
        assert_ne!(a, scramble());
    }

    #[test]
    fn database_names() {
        assert!(known_database("Manticore"));
        assert!(known_database("manti"));
        assert!(known_database("MANTICORE"));
        assert!(!known_database("test"));
        assert!(!known_database(""));
        assert_eq!(no_db_message("test"), "no such database test");
    }
}

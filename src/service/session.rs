//! Per-connection state a statement may read or change.

/// One client session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The connection id (also shown by `SHOW THREADS`).
    pub conn_id: u64,
    /// The listener is `_vip`.
    pub vip: bool,
    /// The listener is `_readonly`: writes are refused.
    pub readonly: bool,
    /// The user name the client sent (any is accepted).
    pub user: String,
    /// `autocommit` as last set.
    pub autocommit: bool,
    /// Protocol description for `SHOW THREADS` (`mysql`, `mysql,ssl`, `http,ssl`...).
    pub proto: String,
    /// TLS cipher in use, if any.
    pub tls_cipher: Option<String>,
    /// TLS protocol version in use, if any.
    pub tls_version: Option<String>,
    /// The subject of the client's verified TLS certificate (`/CN=...`), if any.
    pub tls_peer: Option<String>,
}

impl Session {
    pub fn new(conn_id: u64, proto: impl Into<String>) -> Self {
        Session {
            conn_id,
            vip: false,
            readonly: false,
            user: String::new(),
            autocommit: true,
            proto: proto.into(),
            tls_cipher: None,
            tls_version: None,
            tls_peer: None,
        }
    }
}

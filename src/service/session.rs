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
    /// What `SHOW META` shows: name/value pairs of the last search.
    pub meta: super::Meta,
    /// The open transaction's writes (`BEGIN` or `autocommit=0`), if any.
    pub txn: Option<PendingWrites>,
    /// The ids the last `INSERT`/`REPLACE` wrote, comma-separated
    /// (`LAST_INSERT_ID()`, `@@last_insert_id`).
    pub last_insert_ids: String,
    /// `@name` user variables: sets of integers (`SET @ids = (1, 2, 3)`), usable
    /// as `IN @ids`.
    pub user_vars: std::collections::BTreeMap<String, Vec<i64>>,
}

/// Writes held back until `COMMIT`; a transaction works on one table.
#[derive(Debug, Clone, Default)]
pub struct PendingWrites {
    /// The table the transaction writes to (empty until the first write).
    pub table: String,
    /// The writes, in order.
    pub ops: Vec<PendingOp>,
}

/// One held-back write.
#[derive(Debug, Clone)]
pub enum PendingOp {
    /// Insert or replace documents.
    Write(Vec<crate::engine::Document>, crate::engine::WriteMode),
    /// Delete documents by id.
    Delete(Vec<u64>),
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
            meta: super::Meta::default(),
            txn: None,
            last_insert_ids: String::new(),
            user_vars: std::collections::BTreeMap::new(),
        }
    }
}

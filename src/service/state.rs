//! Server-wide state shared by listeners, front ends and statements: settings,
//! the TLS state, counters and the registry of open connections.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Instant, SystemTime};

use crate::config::Searchd;
use crate::tls::{TlsSettings, TlsState};

/// One open connection, as `SHOW THREADS` lists it.
#[derive(Debug, Clone)]
pub struct ThreadInfo {
    pub id: u64,
    /// `mysql`, `mysql,ssl`, `http`, `http,ssl`, `sphinx`...
    pub proto: String,
    /// The peer address.
    pub host: String,
    pub started: Instant,
    /// What the connection is doing (`handshake`, `query`, `idle`...).
    pub state: String,
    /// The statement being run, if any.
    pub info: String,
    /// The subject of the client's verified TLS certificate, if any.
    pub tls_peer: Option<String>,
}

/// Counters, registry and settings of a running daemon.
pub struct ServerState {
    pub settings: Arc<Searchd>,
    pub started: Instant,
    pub started_at: SystemTime,
    tls: RwLock<TlsState>,
    /// What the TLS state is (re)built from.
    tls_settings: TlsSettings,
    next_conn_id: AtomicU64,
    /// Connections that count against `max_connections` (VIP ones do not).
    active: AtomicUsize,
    pub connections_total: AtomicU64,
    pub maxed_out: AtomicU64,
    pub queries: AtomicU64,
    /// Sessions (any protocol) that ran over TLS.
    pub tls_sessions: AtomicU64,
    /// MySQL sessions that used the compressed protocol.
    pub compressed_sessions: AtomicU64,
    threads: Mutex<BTreeMap<u64, ThreadInfo>>,
    /// The tables.
    pub catalog: Arc<crate::engine::Catalog>,
    /// The `query_log`, when configured.
    pub query_log: Option<super::QueryLog>,
}

impl ServerState {
    pub fn new(settings: Searchd, tls: TlsState) -> Self {
        let tls_settings = TlsSettings::from_config(&settings);
        ServerState {
            tls_settings,
            settings: Arc::new(settings),
            started: Instant::now(),
            started_at: SystemTime::now(),
            tls: RwLock::new(tls),
            next_conn_id: AtomicU64::new(1),
            active: AtomicUsize::new(0),
            connections_total: AtomicU64::new(0),
            maxed_out: AtomicU64::new(0),
            queries: AtomicU64::new(0),
            tls_sessions: AtomicU64::new(0),
            compressed_sessions: AtomicU64::new(0),
            threads: Mutex::new(BTreeMap::new()),
            query_log: None,
            catalog: Arc::new(crate::engine::Catalog::new()),
        }
    }

    /// Sets the query log (at start-up).
    pub fn with_query_log(mut self, log: Option<super::QueryLog>) -> Self {
        self.query_log = log;
        self
    }

    /// The TLS state in force now (cheap: the acceptor is shared).
    pub fn tls(&self) -> TlsState {
        self.tls.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Replaces the TLS state; open connections keep theirs.
    pub fn set_tls(&self, tls: TlsState) {
        *self.tls.write().unwrap_or_else(|e| e.into_inner()) = tls;
    }

    /// Rebuilds the TLS context from the configured files (SIGHUP, `RELOAD TLS`).
    /// A usable new context replaces the old one and its description is returned; a
    /// broken new set of files leaves the old context in place and returns the reason.
    pub fn reload_tls(&self) -> Result<String, String> {
        match TlsState::init(&self.tls_settings) {
            TlsState::Usable(acceptor) => {
                let text = format!("TLS reloaded ({})", acceptor.library_version());
                for w in acceptor.certificate_warnings() {
                    tracing::warn!("{w}");
                }
                self.set_tls(TlsState::Usable(acceptor));
                Ok(text)
            }
            TlsState::Unusable { reason } => Err(reason),
        }
    }

    /// Counts a session's transport for `SHOW STATUS`.
    pub fn count_session(&self, tls: bool, compressed: bool) {
        if tls {
            self.tls_sessions.fetch_add(1, Ordering::Relaxed);
        }
        if compressed {
            self.compressed_sessions.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn uptime_secs(&self) -> u64 {
        self.started.elapsed().as_secs()
    }

    /// Registers a new connection. Returns `None` (and counts a `maxed out`) when a
    /// non-VIP connection would exceed `max_connections`.
    pub fn register(
        self: &Arc<Self>,
        proto: &str,
        host: String,
        vip: bool,
    ) -> Option<ConnectionGuard> {
        if !vip {
            let limit = self.settings.max_connections;
            let prev = self.active.fetch_add(1, Ordering::AcqRel);
            if prev >= limit {
                self.active.fetch_sub(1, Ordering::AcqRel);
                self.maxed_out.fetch_add(1, Ordering::Relaxed);
                return None;
            }
        }
        let id = self.next_conn_id.fetch_add(1, Ordering::Relaxed);
        self.connections_total.fetch_add(1, Ordering::Relaxed);
        let info = ThreadInfo {
            id,
            proto: proto.to_string(),
            host,
            started: Instant::now(),
            state: "handshake".into(),
            info: String::new(),
            tls_peer: None,
        };
        self.lock_threads().insert(id, info);
        Some(ConnectionGuard {
            state: Arc::clone(self),
            id,
            counted: !vip,
        })
    }

    /// Open connections, in id order.
    pub fn threads(&self) -> Vec<ThreadInfo> {
        self.lock_threads().values().cloned().collect()
    }

    /// Number of open connections (VIP included).
    pub fn open_connections(&self) -> usize {
        self.lock_threads().len()
    }

    fn lock_threads(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, ThreadInfo>> {
        self.threads.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Keeps a connection registered; dropping it removes the entry.
pub struct ConnectionGuard {
    state: Arc<ServerState>,
    id: u64,
    counted: bool,
}

impl ConnectionGuard {
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Updates what `SHOW THREADS` shows for this connection.
    pub fn update(&self, f: impl FnOnce(&mut ThreadInfo)) {
        if let Some(t) = self.state.lock_threads().get_mut(&self.id) {
            f(t);
        }
    }

    pub fn state(&self) -> &Arc<ServerState> {
        &self.state
    }
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.state.lock_threads().remove(&self.id);
        if self.counted {
            self.state.active.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

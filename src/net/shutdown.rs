//! Graceful shutdown: one signal that every listener and connection can wait for,
//! and a drain that waits for connection tasks to end.

use std::time::Duration;

use tokio::sync::{mpsc, watch};

/// A cloneable handle on the daemon-wide shutdown signal.
#[derive(Clone)]
pub struct Shutdown {
    tx: std::sync::Arc<watch::Sender<bool>>,
    rx: watch::Receiver<bool>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Shutdown {
    pub fn new() -> Self {
        let (tx, rx) = watch::channel(false);
        Shutdown {
            tx: std::sync::Arc::new(tx),
            rx,
        }
    }

    /// Starts the shutdown; every waiter wakes.
    pub fn trigger(&self) {
        self.tx.send_replace(true);
    }

    pub fn is_triggered(&self) -> bool {
        *self.rx.borrow()
    }

    /// Resolves once the shutdown has started.
    pub async fn wait(&self) {
        let mut rx = self.rx.clone();
        // An error means the sender is gone, which only happens at process end.
        let _ = rx.wait_for(|v| *v).await;
    }
}

/// Counts live connection tasks so that shutdown can wait for them.
pub struct Drain {
    tx: Option<mpsc::Sender<()>>,
    rx: mpsc::Receiver<()>,
}

/// Held by a connection task; the drain completes when every token is dropped.
#[derive(Clone)]
pub struct DrainToken {
    _tx: mpsc::Sender<()>,
}

impl Default for Drain {
    fn default() -> Self {
        Self::new()
    }
}

impl Drain {
    pub fn new() -> Self {
        let (tx, rx) = mpsc::channel(1);
        Drain { tx: Some(tx), rx }
    }

    pub fn token(&self) -> DrainToken {
        DrainToken {
            _tx: self
                .tx
                .clone()
                .expect("tokens are only handed out before the drain starts"),
        }
    }

    /// Waits until every token is dropped, or `limit` passes. Returns whether all
    /// connections ended in time.
    pub async fn wait(mut self, limit: Duration) -> bool {
        self.tx = None;
        tokio::time::timeout(limit, self.rx.recv()).await.is_ok()
    }
}

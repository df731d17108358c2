//! The connection workers: one thread per core by default, each with its own
//! single-threaded runtime and event loop. An accepted connection is handed to the
//! worker with the fewest live connections and stays there, so its reads, writes
//! and wakeups never cross threads (the work-stealing runtime cost about a sixth of
//! the CPU time of a small HTTPS request in wakeups and thread hand-offs).

use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

/// One worker thread.
struct Worker {
    handle: Handle,
    /// Connections it serves now.
    live: Arc<AtomicUsize>,
}

/// The pool of connection workers. Dropping it stops the threads (connections still
/// on them are dropped: the daemon drains them first).
pub struct Workers {
    workers: Vec<Worker>,
    /// Dropped to stop the threads.
    stop: Vec<oneshot::Sender<()>>,
    threads: Vec<JoinHandle<()>>,
}

/// Decrements a worker's live count when its connection ends (or is dropped).
struct LiveGuard(Arc<AtomicUsize>);

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Workers {
    /// Starts `n` workers (at least one).
    pub fn start(n: usize) -> io::Result<Workers> {
        let mut stop = Vec::new();
        let mut workers = Vec::new();
        let mut threads = Vec::new();
        for i in 0..n.max(1) {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let handle = runtime.handle().clone();
            let (tx, rx) = oneshot::channel::<()>();
            let thread = std::thread::Builder::new()
                .name(format!("conn-{i}"))
                .spawn(move || {
                    let _ = runtime.block_on(rx);
                })?;
            stop.push(tx);
            workers.push(Worker {
                handle,
                live: Arc::new(AtomicUsize::new(0)),
            });
            threads.push(thread);
        }
        Ok(Workers {
            workers,
            stop,
            threads,
        })
    }

    /// Runs the connection task `make()` builds on the least busy worker. `make`
    /// runs on that worker's thread, so sockets made in it register with its loop.
    pub fn spawn<F, Fut>(&self, make: F)
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let w = self
            .workers
            .iter()
            .min_by_key(|w| w.live.load(Ordering::Relaxed))
            .expect("at least one worker");
        w.live.fetch_add(1, Ordering::Relaxed);
        let guard = LiveGuard(Arc::clone(&w.live));
        w.handle.spawn(async move {
            let _guard = guard;
            make().await;
        });
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.stop.clear();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

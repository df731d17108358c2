//! The state a table shares with its background merger: the published snapshot,
//! the writer lock, and whether a merge, an `OPTIMIZE` or a flush is running (a
//! flush keeps merges of the RAM segments it moves to disk from running).
//!
//! A background merge works on segments of a snapshot without holding any lock
//! (they are immutable), then takes the writer lock briefly to swap the result in,
//! carrying over deletions and updates made meanwhile.

use super::snapshot::{merge_views, Snapshot};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

/// What only the writer touches.
#[derive(Debug, Default)]
pub struct WriterState {
    pub next_id: u64,
}

/// Snapshot, writer lock and merge flag of a table.
pub struct Shared {
    current: RwLock<Arc<Snapshot>>,
    writer: Mutex<WriterState>,
    merging: AtomicBool,
    /// An `OPTIMIZE` of the disk chunks runs.
    optimizing: AtomicBool,
    /// `OPTIMIZE` requests not finished yet (waiting or running).
    optimize_queued: AtomicUsize,
    /// A flush is moving the RAM segments to a disk chunk: writes do not merge
    /// them meanwhile (the flush puts the chunk in their place).
    flushing: AtomicBool,
}

/// A held flag (background merges, `OPTIMIZE`, a flush): set while the hold
/// lives, cleared when it drops.
pub struct MergeHold<'a>(&'a AtomicBool);

impl Drop for MergeHold<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Waits until `flag` is clear and sets it; clear again when the hold drops.
fn hold(flag: &AtomicBool) -> MergeHold<'_> {
    while flag.swap(true, Ordering::AcqRel) {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    MergeHold(flag)
}

impl Shared {
    /// Shared state starting from a snapshot.
    pub fn new(snap: Snapshot) -> Shared {
        Shared {
            current: RwLock::new(Arc::new(snap)),
            writer: Mutex::new(WriterState { next_id: 1 }),
            merging: AtomicBool::new(false),
            optimizing: AtomicBool::new(false),
            optimize_queued: AtomicUsize::new(0),
            flushing: AtomicBool::new(false),
        }
    }

    /// The published snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Publishes a snapshot (call with the writer lock held).
    pub fn publish(&self, snap: Snapshot) {
        let snap = Arc::new(snap);
        match self.current.write() {
            Ok(mut g) => *g = snap,
            Err(poisoned) => *poisoned.into_inner() = snap,
        }
    }

    /// The writer lock.
    pub fn lock_writer(&self) -> MutexGuard<'_, WriterState> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// True while a background merge or an `OPTIMIZE` runs.
    pub fn is_merging(&self) -> bool {
        self.merging.load(Ordering::Acquire) || self.optimize_queued.load(Ordering::Acquire) > 0
    }

    /// Runs `f` (an `OPTIMIZE`) on a background thread, one at a time;
    /// [`Shared::is_merging`] holds from now until it is done.
    pub fn spawn_optimize(self: &Arc<Self>, f: impl FnOnce() + Send + 'static) {
        self.optimize_queued.fetch_add(1, Ordering::AcqRel);
        let shared = self.clone();
        let spawned = std::thread::Builder::new()
            .name("rt-optimize".into())
            .spawn(move || {
                {
                    let _hold = hold(&shared.optimizing);
                    f();
                }
                shared.optimize_queued.fetch_sub(1, Ordering::AcqRel);
            });
        if spawned.is_err() {
            self.optimize_queued.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Waits for a running background merge of RAM segments and keeps new ones
    /// from starting until the hold drops.
    pub fn hold_merges(&self) -> MergeHold<'_> {
        hold(&self.merging)
    }

    /// Like [`Shared::hold_merges`], and writes do not merge segments either
    /// (a flush).
    pub fn hold_for_flush(&self) -> (MergeHold<'_>, MergeHold<'_>) {
        let merges = hold(&self.merging);
        (merges, hold(&self.flushing))
    }

    /// True while a flush holds the RAM segments.
    pub fn is_flushing(&self) -> bool {
        self.flushing.load(Ordering::Acquire)
    }
}

/// Starts a background merge thread unless one is running.
pub fn spawn(shared: &Arc<Shared>) {
    if shared.merging.swap(true, Ordering::AcqRel) {
        return;
    }
    let shared = shared.clone();
    let started = std::thread::Builder::new().name("rt-merge".into()).spawn({
        let shared = shared.clone();
        move || run(&shared)
    });
    if started.is_err() {
        shared.merging.store(false, Ordering::Release);
    }
}

/// Merges every segment of the current snapshot into one (`OPTIMIZE`), carrying
/// over changes made meanwhile; waits for a running background merge first.
pub fn merge_all(shared: &Shared) {
    let _hold = shared.hold_merges();
    let planned = shared.snapshot().segs.clone();
    if planned.len() > 1 || planned.iter().any(|v| v.live < v.seg.len()) {
        let (seg, remaps) = merge_views(&planned);
        let _w = shared.lock_writer();
        let mut next = (*shared.snapshot()).clone();
        if next.apply_merge(&planned, seg, &remaps, None) {
            shared.publish(next);
        }
    }
}

/// Merges until the policy is satisfied.
fn run(shared: &Shared) {
    loop {
        let snap = shared.snapshot();
        let Some(window) = snap.plan_background() else {
            break;
        };
        let planned = snap.segs[window].to_vec();
        drop(snap);
        let (seg, remaps) = merge_views(&planned);
        let _w = shared.lock_writer();
        let mut next = (*shared.snapshot()).clone();
        if next.apply_merge(&planned, seg, &remaps, None) {
            shared.publish(next);
        }
    }
    shared.merging.store(false, Ordering::Release);
    // A write may have asked for a merge between the last plan and the flag reset.
    let pending = shared.snapshot().plan_background().is_some();
    if pending && !shared.merging.swap(true, Ordering::AcqRel) {
        run(shared);
    }
}

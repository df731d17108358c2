//! Where the tables of a starting daemon come from: the `data_dir` (RT mode) or the
//! table sections of the config (plain mode), and how they are put away at
//! shutdown.

use crate::config::Config;
use crate::engine::Catalog;
use crate::storage::{self, Durable, FlushMode, Opened, Options};
use std::sync::Arc;
use tracing::{error, info, warn};

/// Recovers the tables: from `data_dir` (RT mode), or the RT tables the config
/// declares (plain mode); `None` when there are neither.
pub fn open(config: &Config) -> Result<Option<Opened>, String> {
    let Some(dir) = &config.searchd.data_dir else {
        if config.tables.is_empty() {
            return Ok(None);
        }
        let opened = storage::open_plain(&config.searchd, &config.tables)?;
        report(&opened, "the config", config.searchd.rt_flush_period);
        warm_in_background(&opened.catalog);
        return Ok(Some(opened));
    };
    let opts = Options::from_settings(&config.searchd, dir);
    let opened = storage::open(&opts)?;
    let source = format!("'{}'", dir.display());
    report(&opened, &source, config.searchd.rt_flush_period);
    warm_in_background(&opened.catalog);
    Ok(Some(opened))
}

/// Decodes the attribute rows and id indexes of the disk chunks just opened on
/// a thread of its own, while the daemon starts serving: a query that needs
/// them meanwhile waits for them, one that does not (a full-text search
/// returning ids) does not.
fn warm_in_background(catalog: &Arc<Catalog>) {
    let catalog = Arc::clone(catalog);
    let spawned = std::thread::Builder::new()
        .name("warm".into())
        .spawn(move || catalog.warm());
    if let Err(e) = spawned {
        warn!("could not start the thread that decodes disk chunks ({e}); first use will");
    }
}

fn report(opened: &Opened, source: &str, period: std::time::Duration) {
    for w in &opened.warnings {
        warn!("{w}");
    }
    match opened.durable.flush_mode() {
        None => warn!("binlog is disabled (binlog_path is empty): writes are not durable"),
        Some(mode) => {
            info!("binlog_flush mode {mode:?}");
            if mode != FlushMode::Strict {
                Durable::start_sync_timer(&opened.durable);
            }
        }
    }
    Durable::start_flush_timer(&opened.durable, &opened.catalog, period);
    info!(
        "{} table(s) loaded from {source}",
        opened.catalog.names().len()
    );
}

/// Saves every table as a disk chunk (shortening the binary log) before the daemon
/// exits; the binary log is synced whatever happens.
pub fn close(durable: &Arc<Durable>, catalog: &Catalog) {
    if let Err(e) = durable.flush_all(catalog) {
        error!("failed to save the tables at shutdown: {e}");
    }
    if let Err(e) = durable.sync() {
        error!("failed to sync the binlog at shutdown: {e}");
    }
}

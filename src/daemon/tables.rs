//! Where the tables of a starting daemon come from: the `data_dir` (RT mode), and
//! how they are put away at shutdown.

use crate::config::Config;
use crate::storage::{self, Durable, FlushMode, Opened, Options};
use std::sync::Arc;
use tracing::{error, info, warn};

/// Recovers the tables of an RT-mode daemon (`None` without `data_dir`).
pub fn open(config: &Config) -> Result<Option<Opened>, String> {
    let Some(dir) = &config.searchd.data_dir else {
        return Ok(None);
    };
    let opts = Options::from_settings(&config.searchd, dir);
    let opened = storage::open(&opts)?;
    for w in &opened.warnings {
        warn!("{w}");
    }
    match &opts.binlog_dir {
        Some(b) => info!(
            "binlog: '{}', binlog_flush mode {:?}",
            b.display(),
            opts.flush
        ),
        None => warn!("binlog is disabled (binlog_path is empty): writes are not durable"),
    }
    if opts.flush != FlushMode::Strict {
        Durable::start_sync_timer(&opened.durable);
    }
    info!(
        "{} table(s) loaded from '{}'",
        opened.catalog.names().len(),
        dir.display()
    );
    Ok(Some(opened))
}

/// Makes every acknowledged change durable before the daemon exits.
pub fn close(durable: &Arc<Durable>) {
    if let Err(e) = durable.sync() {
        error!("failed to sync the binlog at shutdown: {e}");
    }
}

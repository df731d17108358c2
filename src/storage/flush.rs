//! Flushes and `OPTIMIZE`: what goes to disk chunks and how the catalog switches.
//!
//! A flush writes the RAM segments merged into one NEW chunk file, and for each
//! existing chunk whose deletions or attributes changed since it was last saved a
//! new kill-list or attribute side file; then it saves the catalog (the chunks in
//! order, `since`), puts the new chunk in place of the RAM segments, and removes
//! the files the catalog no longer names. Chunk files are never rewritten.
//!
//! `OPTIMIZE` merges all chunks into one new chunk without any lock, then, under
//! the catalog lock and the table's writer lock, saves the result's side files
//! (deletions and updates made meanwhile), switches the catalog and removes the
//! old files. `since` does not move: the log after it still replays correctly
//! onto the merged chunk (deletes of missing ids and repeated updates are no-ops).

use super::durable::Durable;
use super::{chunk, side};
use crate::engine::{ChunkFiles, ChunkState, EngineError, Merged, Table};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

impl Durable {
    /// Saves what changed in a table since its last flush as disk chunk files and
    /// records that the log before it is no longer needed for it.
    pub fn flush_table(&self, table: &Table) -> Result<(), EngineError> {
        let mut meta = self.lock_meta();
        let name = table.name();
        let Some(entry) = meta.tables.get(name) else {
            return Ok(());
        };
        let since = entry.since;
        let home = self.table_home(name);
        table.without_merges(|| {
            let (image, seq) = table.flush_image(|| self.last_seq());
            if self.unchanged_since(name, since) {
                return Ok(());
            }
            let mut next = meta.clone();
            let mut saved = Vec::new();
            let mut chunks = Vec::new();
            for state in image.disk_chunks() {
                let files = self.save_side_files(&home, &state)?;
                chunks.push(files.clone());
                saved.push((state, files));
            }
            let ram = image.merge_ram();
            let mut written = None;
            if let Some(merged) = &ram {
                let (files, seg) = self.write_chunk(&home, merged)?;
                chunks.push(files.clone());
                written = Some((files, seg));
            }
            next.seq = next.seq.max(seq);
            let Some(entry) = next.tables.get_mut(name) else {
                return Ok(());
            };
            let old = entry.clone();
            entry.since = seq;
            entry.chunks = chunks;
            entry.schema = image.schema().clone();
            entry.next_id = image.next_id();
            let kept: HashSet<String> = entry.files().into_iter().map(String::from).collect();
            self.save(&next)?;
            *meta = next;
            for (state, files) in saved {
                state.saved(files);
            }
            if let (Some(merged), Some((files, seg))) = (ram, written) {
                table.install_chunk(merged, seg, files, |_| Ok::<(), EngineError>(()))?;
            }
            remove_unlisted(&home, old.files(), &kept);
            Ok(())
        })
    }

    /// Writes the side files of a chunk whose deletions or attributes changed.
    fn save_side_files(&self, home: &Path, state: &ChunkState) -> Result<ChunkFiles, EngineError> {
        let mut files = state.files();
        let io = |path: &Path, e: std::io::Error| {
            EngineError(format!("failed to write '{}': {e}", path.display()))
        };
        if state.kill_changed() {
            let name = self.side_name(&files.file, "kill");
            let path = home.with_file_name(&name);
            side::write_kill(&path, state.kill_list()).map_err(|e| io(&path, e))?;
            files.kill = Some(name);
        }
        if state.attrs_changed() {
            let name = self.side_name(&files.file, "attrs");
            let path = home.with_file_name(&name);
            side::write_attrs(&path, &state.rows()).map_err(|e| io(&path, e))?;
            files.attrs = Some(name);
        }
        Ok(files)
    }

    /// `<chunk name without .chunk>.<K>.<ext>`, K never used before.
    fn side_name(&self, chunk: &str, ext: &str) -> String {
        let stem = chunk.strip_suffix(".chunk").unwrap_or(chunk);
        format!("{stem}.{}.{ext}", self.next_file_number())
    }

    /// Writes a merged segment as a new chunk file and opens it back (postings
    /// and texts left in the file).
    fn write_chunk(
        &self,
        home: &Path,
        merged: &Merged,
    ) -> Result<(ChunkFiles, crate::engine::Segment), EngineError> {
        let stem = home.file_name().unwrap_or_default().to_string_lossy();
        let file = format!("{stem}.{}.chunk", self.next_file_number());
        let path = home.with_file_name(&file);
        let failed = |e: String| {
            let _ = std::fs::remove_file(&path);
            EngineError(format!(
                "failed to write disk chunk '{}': {e}",
                path.display()
            ))
        };
        chunk::write(&path, merged.segment(), &merged.rows()).map_err(|e| failed(e.to_string()))?;
        let opened = chunk::open(&path).map_err(failed)?;
        let files = ChunkFiles {
            file,
            kill: None,
            attrs: None,
        };
        Ok((files, opened.seg))
    }
}

/// `OPTIMIZE TABLE`: merges the table's disk chunks down to `cutoff` (runs on
/// the caller's thread; queries and writes go on).
pub fn optimize(d: &Durable, table: &Table, cutoff: usize) {
    let Some(merged) = table.plan_optimize(cutoff) else {
        return;
    };
    let name = table.name().to_string();
    let home = d.table_home(&name);
    let (files, seg) = match d.write_chunk(&home, &merged) {
        Ok(written) => written,
        Err(e) => return tracing::error!("OPTIMIZE TABLE {name}: {e}"),
    };
    let old: Vec<String> = merged.chunks().into_iter().map(|c| c.file).collect();
    let mut meta = d.lock_meta();
    let mut replaced = Vec::new();
    let switched = table.install_chunk(merged, seg, files.clone(), |state| {
        let files = d.save_side_files(&home, state)?;
        let mut next = meta.clone();
        let Some(entry) = next.tables.get_mut(&name) else {
            return Err(EngineError("the table was dropped".into()));
        };
        let at: Vec<usize> = old
            .iter()
            .filter_map(|f| entry.chunks.iter().position(|c| c.file == *f))
            .collect();
        if at.len() != old.len() {
            return Err(EngineError("the chunks changed meanwhile".into()));
        }
        let first = at.iter().copied().min().unwrap_or(0);
        let mut chunks = Vec::with_capacity(entry.chunks.len());
        for (i, c) in entry.chunks.drain(..).enumerate() {
            if i == first {
                chunks.push(files.clone());
            }
            if at.contains(&i) {
                replaced.push(c);
            } else {
                chunks.push(c);
            }
        }
        entry.chunks = chunks;
        d.save(&next)?;
        *meta = next;
        state.saved(files);
        Ok(())
    });
    drop(meta);
    match switched {
        Ok(true) => {
            for c in replaced {
                for f in [Some(c.file), c.kill, c.attrs].into_iter().flatten() {
                    let _ = std::fs::remove_file(home.with_file_name(f));
                }
            }
        }
        Ok(false) | Err(_) => {
            if let Err(e) = switched {
                tracing::warn!("OPTIMIZE TABLE {name} dropped: {e}");
            }
            let _ = std::fs::remove_file(home.with_file_name(&files.file));
        }
    }
}

/// Removes the files of `old` that `kept` does not name.
fn remove_unlisted(home: &Path, old: Vec<&str>, kept: &HashSet<String>) {
    for f in old.into_iter().filter(|f| !kept.contains(*f)) {
        let path: PathBuf = home.with_file_name(f);
        let _ = std::fs::remove_file(path);
    }
}

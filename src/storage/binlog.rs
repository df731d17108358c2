//! The binary log: numbered files `binlog.NNNN` of checksummed [`Record`]s, written
//! in order, flushed and synced as `binlog_flush` says, and read back at start-up.

use super::record::{self, Change, Decoded, Record, FILE_MAGIC};
use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// `binlog_flush` modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlushMode {
    /// 0: flush and sync once a second.
    EverySecond,
    /// 1: flush and sync every transaction.
    Strict,
    /// 2: flush every transaction, sync once a second.
    FlushOnly,
}

impl FlushMode {
    /// The mode of a `binlog_flush` value (anything but 0 and 1 is the default, 2).
    pub fn from_config(value: u8) -> FlushMode {
        match value {
            0 => FlushMode::EverySecond,
            1 => FlushMode::Strict,
            _ => FlushMode::FlushOnly,
        }
    }
}

/// The open binary log.
pub struct Binlog {
    flush: FlushMode,
    max_size: u64,
    inner: Mutex<Writer>,
}

struct Writer {
    dir: PathBuf,
    number: u32,
    file: File,
    /// Bytes of the file written out (records in `pending` not counted).
    size: u64,
    /// Bytes of records appended since the log was opened.
    total: u64,
    /// Records not yet written to the file (mode 0 only keeps them here).
    pending: Vec<u8>,
    next_seq: u64,
    /// Written but not yet synced.
    dirty: bool,
}

/// The path of log file `number` in `dir`.
pub fn file_path(dir: &Path, number: u32) -> PathBuf {
    dir.join(format!("binlog.{number:04}"))
}

impl Binlog {
    /// Starts a new log file numbered `number`; records get sequence numbers from
    /// `next_seq` on.
    pub fn create(
        dir: &Path,
        number: u32,
        next_seq: u64,
        flush: FlushMode,
        max_size: u64,
    ) -> io::Result<Binlog> {
        let (file, size) = new_file(dir, number)?;
        Ok(Binlog {
            flush,
            max_size,
            inner: Mutex::new(Writer {
                dir: dir.to_path_buf(),
                number,
                file,
                size,
                pending: Vec::new(),
                total: 0,
                next_seq,
                dirty: false,
            }),
        })
    }

    /// The flush mode.
    pub fn flush_mode(&self) -> FlushMode {
        self.flush
    }

    /// Appends a change and returns its sequence number; when this returns, the
    /// record is as durable as the flush mode promises.
    pub fn append(&self, change: Change) -> io::Result<u64> {
        let mut w = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let seq = w.next_seq;
        let bytes = record::encode(&Record { seq, change });
        let before = (w.size, w.pending.len());
        w.pending.extend_from_slice(&bytes);
        w.dirty = true;
        let done = match self.flush {
            FlushMode::EverySecond if w.pending.len() < 64 * 1024 => Ok(()),
            FlushMode::EverySecond | FlushMode::FlushOnly => w.write_out(),
            FlushMode::Strict => w.sync(),
        };
        if let Err(e) = done {
            w.undo(before);
            return Err(e);
        }
        w.next_seq += 1;
        w.total += bytes.len() as u64;
        if self.max_size > 0 && w.size + w.pending.len() as u64 >= self.max_size {
            // The record is in; a failed rotation only means the file grows on.
            if let Err(e) = w.rotate() {
                tracing::error!("binlog: failed to start a new file: {e}");
            }
        }
        Ok(seq)
    }

    /// Closes the current file and starts the next one; returns the number of the
    /// closed file (every record in it and before is older than any later one).
    pub fn rotate(&self) -> io::Result<u32> {
        let mut w = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let closed = w.number;
        w.rotate()?;
        Ok(closed)
    }

    /// Bytes of records appended since the log was opened.
    pub fn total(&self) -> u64 {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).total
    }

    /// The sequence number of the last record written (0 when none).
    pub fn last_seq(&self) -> u64 {
        let w = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        w.next_seq.saturating_sub(1)
    }

    /// Removes the files numbered up to `number` (their records are on disk in
    /// table chunks now).
    pub fn remove_upto(&self, number: u32) -> io::Result<()> {
        let dir = self
            .inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .dir
            .clone();
        for n in file_numbers(&dir)?.into_iter().filter(|&n| n <= number) {
            std::fs::remove_file(file_path(&dir, n))?;
        }
        super::fsutil::sync_dir(&dir)
    }

    /// Flushes and syncs what was written (the once-a-second timer, and shutdown).
    pub fn sync(&self) -> io::Result<()> {
        let mut w = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if w.dirty {
            w.sync()?;
        }
        Ok(())
    }
}

impl Writer {
    /// Writes the pending records to the file (to the OS, not yet synced).
    fn write_out(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.file.write_all(&self.pending)?;
            self.size += self.pending.len() as u64;
            self.pending.clear();
        }
        Ok(())
    }

    fn sync(&mut self) -> io::Result<()> {
        self.write_out()?;
        self.file.sync_data()?;
        self.dirty = false;
        Ok(())
    }

    /// Drops records that failed half-way, so later records follow whole ones (the
    /// writes that failed were never acknowledged).
    /// Earlier records still pending (mode 0) are kept for the next write.
    fn undo(&mut self, (size, pending): (u64, usize)) {
        self.pending.truncate(pending);
        self.size = size;
        let _ = self.file.set_len(size);
        let _ = self.file.seek(SeekFrom::Start(size));
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.sync()?;
        let (file, size) = new_file(&self.dir, self.number + 1)?;
        self.number += 1;
        self.file = file;
        self.size = size;
        Ok(())
    }
}

fn new_file(dir: &Path, number: u32) -> io::Result<(File, u64)> {
    let path = file_path(dir, number);
    let mut file = OpenOptions::new()
        .create_new(true)
        .write(true)
        .open(&path)?;
    file.write_all(FILE_MAGIC)?;
    file.sync_all()?;
    super::fsutil::sync_dir(dir)?;
    Ok((file, FILE_MAGIC.len() as u64))
}

/// Everything read back from a log folder.
#[derive(Debug, Default)]
pub struct Replay {
    /// Every valid record, oldest first.
    pub records: Vec<Record>,
    /// Torn tails and corrupt records, worded for the log.
    pub warnings: Vec<String>,
    /// The highest file number found (0 when none).
    pub last_number: u32,
}

/// The numbers of the log files in `dir`, ascending.
pub fn file_numbers(dir: &Path) -> io::Result<Vec<u32>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if let Some(n) = name.strip_prefix("binlog.").and_then(|n| n.parse().ok()) {
            out.push(n);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// Reads every log file of `dir`. A torn last record (a write cut by a crash) is
/// cut off the file with a warning; a corrupt record ends the reading of its file
/// with a warning. Neither is ever replayed.
pub fn read_all(dir: &Path) -> io::Result<Replay> {
    let mut out = Replay::default();
    for number in file_numbers(dir)? {
        out.last_number = number;
        let path = file_path(dir, number);
        let bytes = std::fs::read(&path)?;
        read_file(&path, &bytes, &mut out)?;
    }
    Ok(out)
}

fn read_file(path: &Path, bytes: &[u8], out: &mut Replay) -> io::Result<()> {
    let shown = path.display();
    if bytes.starts_with(b"SDBLOG") && !bytes.starts_with(FILE_MAGIC) {
        out.warnings.push(format!(
            "binlog: '{shown}' was written in an older format that this version does not read, skipped"
        ));
        return Ok(());
    }
    if bytes.len() < FILE_MAGIC.len() || &bytes[..FILE_MAGIC.len()] != FILE_MAGIC {
        out.warnings.push(format!(
            "binlog: '{shown}' is not a binary log file (bad header), skipped"
        ));
        return Ok(());
    }
    let mut off = FILE_MAGIC.len();
    loop {
        match record::decode(&bytes[off..]) {
            Decoded::Record(rec, len) => {
                out.records.push(rec);
                off += len;
            }
            Decoded::End => return Ok(()),
            Decoded::Torn => {
                out.warnings.push(format!(
                    "binlog: '{shown}': the last record is incomplete (offset {off}, {} bytes), it was never acknowledged and is skipped",
                    bytes.len() - off
                ));
                return cut(path, off as u64);
            }
            Decoded::Corrupt(why) => {
                out.warnings.push(format!(
                    "binlog: '{shown}': corrupt record at offset {off} ({why}); the rest of this file ({} bytes) is skipped",
                    bytes.len() - off
                ));
                return Ok(());
            }
        }
    }
}

fn cut(path: &Path, len: u64) -> io::Result<()> {
    let file = OpenOptions::new().write(true).open(path)?;
    file.set_len(len)?;
    file.sync_all()
}

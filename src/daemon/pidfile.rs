//! The pid file: written and locked while the daemon runs, so a second daemon on the
//! same file refuses to start; read by `--stop`, `--stopwait` and `--status`.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// A pid file this process holds. Dropping it removes the file.
pub struct PidFile {
    path: PathBuf,
    _file: File,
}

impl PidFile {
    /// Creates (or takes over a stale) pid file, locks it and writes our pid.
    pub fn create(path: &Path) -> Result<PidFile, String> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| format!("failed to create pid file '{}': {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut old = String::new();
                let _ = file.read_to_string(&mut old);
                return Err(format!(
                    "failed to lock pid file '{}': searchd is already running (pid {})",
                    path.display(),
                    old.trim()
                ));
            }
            Err(TryLockError::Error(e)) => {
                return Err(format!("failed to lock pid file '{}': {e}", path.display()))
            }
        }
        let written = file
            .set_len(0)
            .and_then(|_| file.rewind())
            .and_then(|_| writeln!(file, "{}", std::process::id()))
            .and_then(|_| file.flush());
        written.map_err(|e| format!("failed to write pid file '{}': {e}", path.display()))?;
        Ok(PidFile {
            path: path.to_path_buf(),
            _file: file,
        })
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Reads the pid a running daemon wrote.
pub fn read_pid(path: &Path) -> Result<i32, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("failed to read pid file '{}': {e}", path.display()))?;
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| format!("pid file '{}' does not hold a pid", path.display()))
}

/// Sends SIGTERM to the daemon of `path`; with `wait`, waits until it has exited.
/// Returns the lines to print.
pub fn stop(path: &Path, wait: Option<Duration>) -> Result<String, String> {
    let pid = read_pid(path)?;
    kill(Pid::from_raw(pid), Signal::SIGTERM)
        .map_err(|e| format!("stop: failed to send SIGTERM to pid {pid}: {}", e.desc()))?;
    let mut out = format!("stop: successfully sent SIGTERM to pid {pid}");
    if let Some(limit) = wait {
        let start = Instant::now();
        loop {
            match kill(Pid::from_raw(pid), None) {
                Err(Errno::ESRCH) => break,
                _ if start.elapsed() > limit => {
                    return Err(format!(
                        "stop: pid {pid} is still running after {} s",
                        limit.as_secs()
                    ))
                }
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        out.push_str(&format!("\nstop: successfully terminated pid {pid}"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_is_refused_and_file_removed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("searchd.pid");
        let held = PidFile::create(&path).unwrap();
        assert_eq!(read_pid(&path).unwrap(), std::process::id() as i32);
        let err = PidFile::create(&path).err().unwrap();
        assert_eq!(
            err,
            format!(
                "failed to lock pid file '{}': searchd is already running (pid {})",
                path.display(),
                std::process::id()
            )
        );
        drop(held);
        assert!(!path.exists());
    }

    #[test]
    fn unreadable_pid_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.pid");
        assert!(read_pid(&path)
            .unwrap_err()
            .starts_with("failed to read pid file"));
        std::fs::write(&path, "garbage").unwrap();
        assert_eq!(
            read_pid(&path).unwrap_err(),
            format!("pid file '{}' does not hold a pid", path.display())
        );
    }
}

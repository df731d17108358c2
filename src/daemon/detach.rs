//! Daemonizing without `fork()`: the command re-runs itself as a child in its own
//! process group, shows the child's start-up lines, and exits once the child says it
//! is accepting connections (or with the child's exit code when it fails to start).
//! The child's stderr carries both its start-up lines and, last, the ready marker, so
//! the parent shows every line before it returns.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

/// Set in the child's environment: "you are the detached daemon".
pub const CHILD_ENV: &str = "SEARCHD_DETACHED_CHILD";

/// The line the child prints on stderr when it is ready (not shown).
pub const READY: &str = "searchd: ready";

/// Whether this process is the detached child.
pub fn is_child() -> bool {
    std::env::var_os(CHILD_ENV).is_some()
}

/// In the parent: starts the child and waits for it. Returns the exit code.
pub fn spawn_and_wait() -> i32 {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("FATAL: cannot find my own executable: {e}");
            return 1;
        }
    };
    let spawned = Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(CHILD_ENV, "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            eprintln!("FATAL: failed to start the daemon process: {e}");
            return 1;
        }
    };
    let ready = child.stderr.take().is_some_and(|err| {
        let mut stderr = std::io::stderr();
        BufReader::new(err)
            .lines()
            .map_while(Result::ok)
            .any(|line| {
                let done = line == READY;
                if !done {
                    let _ = writeln!(stderr, "{line}");
                }
                done
            })
    });
    if ready {
        return 0;
    }
    match child.wait() {
        Ok(status) => status.code().unwrap_or(1).max(1),
        Err(_) => 1,
    }
}

/// In the child: tells the parent that start-up is complete.
pub fn signal_ready() {
    let mut out = std::io::stderr();
    let _ = writeln!(out, "{READY}");
    let _ = out.flush();
}

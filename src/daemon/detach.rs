//! Daemonizing without `fork()`: the command re-runs itself as a child in its own
//! process group, shows the child's start-up lines, and exits once the child says it
//! is accepting connections (or with the child's exit code when it fails to start).

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

/// Set in the child's environment: "you are the detached daemon".
pub const CHILD_ENV: &str = "SEARCHD_DETACHED_CHILD";

/// The line the child prints on stdout when it is ready.
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
        .stdout(Stdio::piped())
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
    if let Some(mut err) = child.stderr.take() {
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let _ = std::io::stderr().write_all(&buf[..n]);
            }
        });
    }
    let ready = child.stdout.take().is_some_and(|out| {
        BufReader::new(out)
            .lines()
            .map_while(Result::ok)
            .any(|l| l == READY)
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
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{READY}");
    let _ = out.flush();
}

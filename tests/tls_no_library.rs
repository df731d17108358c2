//! With libssl hidden (a private mount namespace where `/dev/null` is bound over it),
//! the TLS state is unusable with the loader's reason, and the process still runs.
//! This binary uses no TLS client crate, so it does not itself need libssl.
//!
//! Needs root and `unshare` (as in CI); elsewhere the check is skipped with a note.

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::process::Command;

use searchd::tls::{TlsSettings, TlsState};

const INSIDE: &str = "SEARCHD_TEST_LIBSSL_HIDDEN";
const TEST: &str = "unusable_when_libssl_is_hidden";

/// The libssl files the dynamic loader knows about.
fn system_libssl() -> Vec<String> {
    let out = match Command::new("ldconfig").arg("-p").output() {
        Ok(out) => out,
        Err(_) => return Vec::new(),
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.trim_start().starts_with("libssl.so."))
        .filter_map(|l| l.split("=> ").nth(1).map(|p| p.trim().to_string()))
        .collect()
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Runs inside the namespace: the files are there, the library is not.
fn check_inside() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cert = dir.path().join("server-cert.pem");
    let key = dir.path().join("server-key.pem");
    std::fs::write(&cert, "unused\n").expect("write");
    std::fs::write(&key, "unused\n").expect("write");
    let settings = TlsSettings {
        cert: Some(cert),
        key: Some(key),
        ..TlsSettings::default()
    };
    let state = TlsState::init(&settings);
    assert!(state.acceptor().is_none());
    let reason = state.describe();
    assert!(
        reason.starts_with("the SSL library cannot be loaded: "),
        "{reason}"
    );
    assert!(reason.contains("libssl.so.3"), "{reason}");
    assert!(!reason.ends_with("dlopen failed"), "{reason}");
    println!("REASON: {reason}");
}

#[test]
fn unusable_when_libssl_is_hidden() {
    if std::env::var_os(INSIDE).is_some() {
        check_inside();
        return;
    }
    let libs = system_libssl();
    if !is_root() || libs.is_empty() {
        eprintln!("skipped: needs root and a system libssl");
        return;
    }
    let exe: PathBuf = std::env::current_exe().expect("test binary");
    let mut script = String::new();
    for lib in &libs {
        script.push_str(&format!("mount --bind /dev/null '{lib}' && "));
    }
    script.push_str(&format!(
        "exec \"$0\" --exact {TEST} --nocapture --test-threads=1"
    ));
    let out = match Command::new("unshare")
        .args(["--mount", "--", "sh", "-c", &script])
        .arg(&exe)
        .env(INSIDE, "1")
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipped: unshare cannot run: {e}");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.starts_with("unshare: ") {
        eprintln!("skipped: no mount namespace here: {stderr}");
        return;
    }
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("REASON: the SSL library cannot be loaded"),
        "{stdout}"
    );
}

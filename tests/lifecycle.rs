//! The daemon's life: config checking, start-up log lines, pid file, stop, detach,
//! connection limit and timeouts, against the real binary.

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use common::{connect, free_port, http, read_all, read_response, Daemon, Sandbox};

fn basic_config(sb: &Sandbox, mysql: u16, multi: u16, extra: &str) {
    sb.config(&format!(
        "    listen = 127.0.0.1:{mysql}:mysql\n    listen = 127.0.0.1:{multi}\n{extra}"
    ));
}

#[test]
fn check_prints_ok_for_a_valid_config() {
    let sb = Sandbox::new();
    basic_config(&sb, free_port(), free_port(), "");
    let out = sb.run(&["--config", "searchd.conf", "--check"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "OK\n");
    assert!(out.status.success());
}

#[test]
fn check_reports_an_error_with_file_and_line() {
    let sb = Sandbox::new();
    let conf = sb.config("    bogus_key = 1");
    let out = sb.run(&["--config", conf.to_str().unwrap(), "--check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "ERROR: unknown key name 'bogus_key' in {} line 4 col 14.",
            conf.display()
        )),
        "stderr: {err}"
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn the_manuals_packaged_config_checks_ok() {
    let sb = Sandbox::new();
    let conf = sb.path("manticore.conf");
    std::fs::write(
        &conf,
        "searchd {\n    listen = 127.0.0.1:9312\n    listen = 127.0.0.1:9306:mysql\n    listen = 127.0.0.1:9308:http\n    log = /var/log/manticore/searchd.log\n    query_log = /var/log/manticore/query.log\n    pid_file = /var/run/manticore/searchd.pid\n    data_dir = /var/lib/manticore\n}\n",
    )
    .unwrap();
    let out = sb.run(&["--config", conf.to_str().unwrap(), "--check"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "OK\n", "{out:?}");
    assert!(out.status.success());
}

#[test]
fn startup_logs_listeners_and_writes_the_pid_file() {
    let sb = Sandbox::new();
    let (mysql, multi, https) = (free_port(), free_port(), free_port());
    basic_config(
        &sb,
        mysql,
        multi,
        &format!("    listen = 127.0.0.1:{https}:https\n"),
    );
    let d = Daemon::start(sb, &[]);
    let log = d.log();
    for line in [
        format!("listening on 127.0.0.1:{mysql} for mysql"),
        format!("listening on 127.0.0.1:{multi} for sphinx and http(s)"),
        format!("listening on 127.0.0.1:{https} for https"),
        "accepting connections".to_string(),
    ] {
        assert!(log.contains(&line), "missing {line:?} in:\n{log}");
    }
    // Every line carries the time and the pid: `[Mon Nov 30 22:16:18.123 2026] [pid] `.
    let pid = d.child.id();
    let first = log.lines().next().unwrap();
    assert!(first.starts_with('['), "{first}");
    assert!(first.contains(&format!("] [{pid}] ")), "{first}");
    let pid_text = std::fs::read_to_string(d.sandbox.path("searchd.pid")).unwrap();
    assert_eq!(pid_text.trim(), pid.to_string());
    let status = d.stop();
    assert!(status.success());
}

/// `threads` sets the connection workers: named threads, logged, and serving.
#[test]
fn threads_sets_the_connection_worker_threads() {
    let sb = Sandbox::new();
    let (mysql, multi) = (free_port(), free_port());
    basic_config(&sb, mysql, multi, "    threads = 3\n");
    let d = Daemon::start(sb, &[]);
    assert!(
        d.log().contains("3 connection worker threads"),
        "{}",
        d.log()
    );
    let mut names: Vec<String> = std::fs::read_dir(format!("/proc/{}/task", d.child.id()))
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .map(|n| n.trim().to_string())
        .filter(|n| n.starts_with("conn-"))
        .collect();
    names.sort();
    assert_eq!(names, ["conn-0", "conn-1", "conn-2"]);
    // More keep-alive connections than workers, each answered twice.
    let mut conns: Vec<_> = (0..4).map(|_| connect(multi)).collect();
    for _ in 0..2 {
        for c in &mut conns {
            c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let text = read_response(c);
            assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        }
    }
    assert!(d.stop().success());
}

#[test]
fn a_second_daemon_on_the_same_pid_file_refuses_to_start() {
    let sb = Sandbox::new();
    basic_config(&sb, free_port(), free_port(), "");
    let d = Daemon::start(sb, &[]);
    let other = common::Sandbox::new();
    let conf = d.sandbox.path("second.conf");
    // Same pid file, other ports and log.
    std::fs::write(
        &conf,
        format!(
            "searchd {{\n listen = 127.0.0.1:{}\n log = {}\n pid_file = {}\n}}\n",
            free_port(),
            other.path("second.log").display(),
            d.sandbox.path("searchd.pid").display()
        ),
    )
    .unwrap();
    let out = other.run(&["--config", conf.to_str().unwrap(), "--nodetach"]);
    assert_eq!(out.status.code(), Some(1));
    let log = std::fs::read_to_string(other.path("second.log")).unwrap();
    assert!(
        log.contains(&format!(
            "FATAL: failed to lock pid file '{}': searchd is already running (pid {})",
            d.sandbox.path("searchd.pid").display(),
            d.child.id()
        )),
        "{log}"
    );
}

#[test]
fn stop_sends_sigterm_and_the_daemon_cleans_up() {
    let sb = Sandbox::new();
    basic_config(&sb, free_port(), free_port(), "");
    let mut d = Daemon::start(sb, &[]);
    let pid = d.child.id();
    let out = d.sandbox.run(&["--config", "searchd.conf", "--stop"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("stop: successfully sent SIGTERM to pid {pid}")
    );
    let status = common::wait_with_patience(&mut d.child);
    assert!(status.success());
    assert!(!d.sandbox.path("searchd.pid").exists());
    let log = d.log();
    assert!(log.contains("caught SIGTERM, shutting down"), "{log}");
    assert!(log.contains("shutdown complete"), "{log}");
}

#[test]
fn without_nodetach_it_daemonizes_and_stopwait_waits() {
    let sb = Sandbox::new();
    let multi = free_port();
    basic_config(&sb, free_port(), multi, "");
    let out = sb.run(&["--config", "searchd.conf"]);
    assert!(out.status.success(), "{out:?}");
    // Start-up lines are shown on the terminal before the command returns.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("accepting connections"), "{err}");
    let pid: u32 = std::fs::read_to_string(sb.path("searchd.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_ne!(pid, 0);
    let (status, _) = http(multi, "GET", "/", "");
    assert_eq!(status, 200);
    let out = sb.run(&["--config", "searchd.conf", "--stopwait"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!(
            "stop: successfully sent SIGTERM to pid {pid}\nstop: successfully terminated pid {pid}"
        )
    );
    assert!(!sb.path("searchd.pid").exists());
}

#[test]
fn detaching_needs_a_pid_file() {
    let sb = Sandbox::new();
    let conf = sb.path("nopid.conf");
    std::fs::write(
        &conf,
        format!("searchd {{\n listen = 127.0.0.1:{}\n}}\n", free_port()),
    )
    .unwrap();
    let out = sb.run(&["--config", conf.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("FATAL: pid_file is not set"));
}

#[test]
fn connections_over_max_connections_are_dismissed_but_vip_gets_in() {
    let sb = Sandbox::new();
    let (multi, vip) = (free_port(), free_port());
    sb.config(&format!(
        "    listen = 127.0.0.1:{multi}\n    listen = 127.0.0.1:{vip}:http_vip\n    max_connections = 1\n"
    ));
    let d = Daemon::start(sb, &[]);
    // Hold one keep-alive connection open.
    let mut held = connect(multi);
    held.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 512];
    let n = held.read(&mut buf).unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200 OK"));
    // The next one is over the limit.
    let (status, body) = http(multi, "GET", "/", "");
    assert_eq!(status, 503);
    assert_eq!(body, r#"{"error":"maxed out, dismissing client"}"#);
    // The binary API gets a RETRY with the same text.
    let mut api = connect(multi);
    api.write_all(&[0, 0, 0, 1]).unwrap();
    let reply = read_all(&mut api);
    let msg = b"maxed out, dismissing client";
    let mut want = vec![0, 0, 0, 1, 0, 2, 0, 0];
    want.extend_from_slice(&((msg.len() + 4) as u32).to_be_bytes());
    want.extend_from_slice(&(msg.len() as u32).to_be_bytes());
    want.extend_from_slice(msg);
    assert_eq!(reply, want);
    // A VIP listener is exempt.
    let (status, _) = http(vip, "GET", "/", "");
    assert_eq!(status, 200);
    drop(held);
    assert!(d.log().contains("WARNING: maxed out, dismissing client"));
}

#[test]
fn a_silent_client_gets_the_api_hello_then_is_dropped_after_network_timeout() {
    let sb = Sandbox::new();
    let multi = free_port();
    sb.config(&format!(
        "    listen = 127.0.0.1:{multi}\n    network_timeout = 1\n"
    ));
    let _d = Daemon::start(sb, &[]);
    let mut s = connect(multi);
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    // A client that reads first (old API clients) gets the server's hello; one that
    // then says nothing is closed: the reply ends in EOF, not a read timeout.
    let mut got = Vec::new();
    let mut buf = [0u8; 16];
    loop {
        match s.read(&mut buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => panic!("read failed instead of EOF: {e}"),
        }
    }
    assert_eq!(got, [0, 0, 0, 1]);
}

#[test]
fn idle_keep_alive_connections_do_not_hold_up_shutdown() {
    let sb = Sandbox::new();
    let multi = free_port();
    basic_config(&sb, free_port(), multi, "");
    let d = Daemon::start(sb, &[]);
    let mut held = connect(multi);
    held.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 512];
    assert!(held.read(&mut buf).unwrap() > 0);
    let status = d.stop();
    assert!(status.success());
    assert_eq!(held.read(&mut buf).unwrap_or(0), 0);
}

#[test]
fn status_prints_the_running_daemons_counters() {
    let sb = Sandbox::new();
    basic_config(&sb, free_port(), free_port(), "");
    let d = Daemon::start(sb, &[]);
    let out = d.sandbox.run(&["--config", "searchd.conf", "--status"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(text.contains("\nconnections: "), "{text}");
    assert!(text.lines().any(|l| l == "ssl_state: unusable"), "{text}");
    assert!(text.starts_with("uptime: "), "{text}");
}

#[test]
fn listen_and_port_options_replace_the_configs_listeners() {
    let sb = Sandbox::new();
    let (configured, extra) = (free_port(), free_port());
    basic_config(&sb, free_port(), configured, "");
    let d = Daemon::start(sb, &["--listen", &format!("127.0.0.1:{extra}:http")]);
    let log = d.log();
    assert!(log.contains(&format!(
        "listening on 127.0.0.1:{extra} for sphinx and http(s)"
    )));
    assert!(!log.contains(&format!(":{configured} ")), "{log}");
    assert_eq!(http(extra, "GET", "/", "").0, 200);
    drop(d);

    let sb = Sandbox::new();
    let port = free_port();
    basic_config(&sb, free_port(), free_port(), "");
    let d = Daemon::start(sb, &["--port", &port.to_string()]);
    assert!(d.log().contains(&format!(
        "listening on 0.0.0.0:{port} for sphinx and http(s)"
    )));
    assert_eq!(http(port, "GET", "/", "").0, 200);
}

#[test]
fn unix_socket_listeners_serve_http_and_mysql() {
    use std::os::unix::net::UnixStream;
    let sb = Sandbox::new();
    let http_sock = sb.path("http.sock");
    let mysql_sock = sb.path("mysql.sock");
    sb.config(&format!(
        "    listen = {}:http\n    listen = {}:mysql\n",
        http_sock.display(),
        mysql_sock.display()
    ));
    let d = Daemon::start(sb, &[]);
    assert!(d
        .log()
        .contains(&format!("listening on UNIX socket {}", http_sock.display())));
    let mut s = UnixStream::connect(&http_sock).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
    // The MySQL greeting arrives first on a mysql socket.
    let mut m = UnixStream::connect(&mysql_sock).unwrap();
    let mut head = [0u8; 5];
    m.read_exact(&mut head).unwrap();
    assert_eq!(head[3], 0, "sequence id");
    assert_eq!(head[4], 10, "protocol version 10");
    drop(m);
    let status = d.stop();
    assert!(status.success());
}

/// A folder nobody may create files in: a read-only temp folder for an ordinary user;
/// for root (who may write anyway) a sysfs folder, which refuses new files to root too.
fn unwritable_dir(sb: &Sandbox) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = sb.path("readonly");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(dir.join("probe"), b"").is_err() {
        return dir;
    }
    let sys = std::path::PathBuf::from("/sys/kernel");
    assert!(
        std::fs::write(sys.join("probe"), b"").is_err(),
        "no folder refuses writes here"
    );
    sys
}

#[test]
fn an_unwritable_data_dir_is_fatal() {
    let sb = Sandbox::new();
    let dir = unwritable_dir(&sb);
    basic_config(
        &sb,
        free_port(),
        free_port(),
        &format!("    data_dir = {}\n", dir.display()),
    );
    let out = sb.run(&["--config", "searchd.conf", "--nodetach"]);
    let text = String::from_utf8_lossy(&out.stderr).to_string() + &sb.log();
    assert_eq!(out.status.code(), Some(1), "{text}");
    let want = format!("FATAL: data_dir '{}' is not writable", dir.display());
    assert!(text.contains(&want), "{text}");
}

//! Start-up, serving and shutdown of the daemon.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::signal::unix::{signal, SignalKind};
use tracing::{error, info, warn, Level};

use super::cli::{self, Cli, Mode};
use super::detach;
use super::logging::{self, LogSink};
use super::pidfile::{self, PidFile};
use crate::config::{self, Config, Proto};
use crate::net::dispatch::Ctx;
use crate::net::{is_served, Drain, Listener, Shutdown, Workers};
use crate::service::{QueryLog, ServerState, Service};
use crate::tls::{TlsSettings, TlsState};

/// How long shutdown waits for open connections to finish.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(3);

/// The whole program; returns the process exit code.
pub fn main_with_args(args: Vec<String>) -> i32 {
    let cli = match cli::parse(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("searchd: {e}");
            return 1;
        }
    };
    match cli.mode {
        Mode::Help => {
            print!("{}", cli::USAGE);
            return 0;
        }
        Mode::Version => {
            println!("{}", crate::version::SERVER);
            return 0;
        }
        _ => {}
    }
    let mut config = match config::load(&cli.config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    if let Err(e) = apply_listen_overrides(&cli, &mut config) {
        eprintln!("FATAL: {e}");
        return 1;
    }
    match cli.mode {
        Mode::Check => {
            for w in &config.warnings {
                eprintln!("{w}");
            }
            println!("OK");
            0
        }
        Mode::Stop { wait } => stop(&config, wait),
        Mode::Status => super::status::print(&config),
        _ => serve(&cli, config),
    }
}

fn apply_listen_overrides(cli: &Cli, config: &mut Config) -> Result<(), String> {
    if cli.listen.is_empty() {
        return Ok(());
    }
    let specs: Result<Vec<_>, _> = cli.listen.iter().map(|s| config::parse_listen(s)).collect();
    config.searchd.listen = specs.map_err(|e| e.to_string())?;
    Ok(())
}

fn stop(config: &Config, wait: bool) -> i32 {
    let Some(path) = &config.searchd.pid_file else {
        eprintln!("FATAL: stop: pid_file is not set in the config");
        return 1;
    };
    match pidfile::stop(path, wait.then_some(Duration::from_secs(60))) {
        Ok(msg) => {
            println!("{msg}");
            0
        }
        Err(e) => {
            eprintln!("FATAL: {e}");
            1
        }
    }
}

fn serve(cli: &Cli, config: Config) -> i32 {
    let child = detach::is_child();
    if !cli.foreground() && !child {
        if config.searchd.pid_file.is_none() {
            eprintln!(
                "FATAL: pid_file is not set in the config; it is required unless searchd runs with --console or --nodetach"
            );
            return 1;
        }
        return detach::spawn_and_wait();
    }
    let target = (!cli.console).then_some(&config.searchd.log);
    let sink = match LogSink::open(target, true) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("FATAL: failed to open log: {e}");
            return 1;
        }
    };
    logging::install(sink.clone(), Level::INFO);
    info!("{} starting", crate::version::SERVER);
    info!("using config file '{}'", config.path.display());
    for w in &config.warnings {
        warn!("{}", w.trim_start_matches("WARNING: "));
    }
    let _pid = match pid_file(cli, &config) {
        Ok(p) => p,
        Err(e) => {
            error!(target: "fatal", "{e}");
            return 1;
        }
    };
    if let Err(e) = check_data_dir(config.searchd.data_dir.as_deref()) {
        error!(target: "fatal", "{e}");
        return 1;
    }
    let tls = init_tls(&config);
    // Accepting, signals and shutdown; the connections run on their own workers.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            error!(target: "fatal", "failed to start the runtime: {e}");
            return 1;
        }
    };
    runtime.block_on(run(config, tls, sink, child))
}

/// `threads`, or one connection worker per core when it is 0 (upstream's default
/// for `threads`). Measured with `bench/run`: two per core served the HTTPS
/// `/search` load of figure 6 faster but the MySQL `SELECT 1` load of figure 3 (8
/// connections) slower, and on a machine shared with the load generator mostly by
/// taking more of the cores from it.
fn connection_workers(threads: usize) -> usize {
    match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

fn pid_file(cli: &Cli, config: &Config) -> Result<Option<PidFile>, String> {
    match &config.searchd.pid_file {
        Some(path) if !cli.console || cli.force_pidfile => PidFile::create(path).map(Some),
        _ => Ok(None),
    }
}

fn check_data_dir(dir: Option<&Path>) -> Result<(), String> {
    let Some(dir) = dir else { return Ok(()) };
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(format!("data_dir '{}' is not a directory", dir.display())),
        Err(e) => return Err(format!("data_dir '{}': {e}", dir.display())),
    }
    let probe = dir.join(".searchd-write-check");
    std::fs::write(&probe, b"")
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| format!("data_dir '{}' is not writable: {e}", dir.display()))
}

/// Builds the TLS state and logs it: one line, a WARNING when TLS is wanted (a
/// certificate or an `https` listener is configured) but unusable.
fn init_tls(config: &Config) -> TlsState {
    let settings = TlsSettings::from_config(&config.searchd);
    let state = TlsState::init(&settings);
    match &state {
        TlsState::Usable(a) => {
            info!("TLS is usable ({})", a.library_version());
            for w in a.certificate_warnings() {
                warn!("{w}");
            }
        }
        TlsState::Unusable { reason } => {
            let wanted = settings.cert.is_some()
                || settings.key.is_some()
                || settings.psk_file.is_some()
                || config
                    .searchd
                    .listen
                    .iter()
                    .any(|l| l.proto == Proto::Https);
            if wanted {
                warn!("TLS is unusable: {reason}; HTTPS connections will be dropped and MySQL clients will connect without TLS");
            } else {
                info!("TLS is not configured: {reason}");
            }
        }
    }
    state
}

async fn run(config: Config, tls: TlsState, sink: LogSink, child: bool) -> i32 {
    // Handlers go in before anything can tell the world we are up, so that an early
    // SIGTERM still shuts down cleanly.
    let signals = match Signals::install() {
        Ok(s) => s,
        Err(e) => {
            error!(target: "fatal", "failed to install signal handlers: {e}");
            return 1;
        }
    };
    let query_log = match config.searchd.query_log.as_ref().map(QueryLog::open) {
        None => None,
        Some(Ok(log)) => log,
        Some(Err(e)) => {
            error!(target: "fatal", "failed to open query_log: {e}");
            return 1;
        }
    };
    // Sized before any table opens (the first read of a stored text would make
    // it with the default size).
    crate::engine::docstore_cache::configure(config.searchd.docstore_cache_size);
    let mut state = ServerState::new(config.searchd.clone(), tls).with_query_log(query_log);
    let durable = match super::tables::open(&config) {
        Ok(Some(opened)) => {
            state.catalog = opened.catalog;
            Some(opened.durable)
        }
        Ok(None) => None,
        Err(e) => {
            error!(target: "fatal", "{e}");
            return 1;
        }
    };
    let state = Arc::new(state);
    let service: Arc<dyn Service> = Arc::new(crate::sql::SqlService::new(Arc::clone(&state)));
    let mut listeners = Vec::new();
    for spec in config.searchd.listen.iter().filter(|l| is_served(l)) {
        match Listener::bind(spec) {
            Ok(l) => listeners.push(l),
            Err(e) => {
                error!(target: "fatal", "failed to listen on {}: {e}", describe(spec));
                return 1;
            }
        }
    }
    let shutdown = Shutdown::new();
    let drain = Drain::new();
    let ctx = Ctx {
        service,
        shutdown: shutdown.clone(),
        drain: drain.token(),
    };
    let n_workers = connection_workers(config.searchd.threads);
    let workers = match Workers::start(n_workers) {
        Ok(w) => {
            info!("{n_workers} connection worker threads");
            Arc::new(w)
        }
        Err(e) => {
            error!(target: "fatal", "failed to start the connection workers: {e}");
            return 1;
        }
    };
    let mut tasks = tokio::task::JoinSet::new();
    for l in listeners {
        info!("{}", l.log_line());
        tasks.spawn(l.run(ctx.clone(), Arc::clone(&workers)));
    }
    drop(ctx);
    info!("accepting connections");
    if child {
        detach::signal_ready();
        sink.detach_stderr();
    }
    signals.wait_for_stop(&state, &sink).await;
    shutdown.trigger();
    while tasks.join_next().await.is_some() {}
    if !drain.wait(SHUTDOWN_TIMEOUT).await {
        warn!(
            "shutdown: connections still open after {} s are closed",
            SHUTDOWN_TIMEOUT.as_secs()
        );
    }
    if let Some(d) = durable {
        super::tables::close(&d, &state.catalog);
    }
    info!("shutdown complete");
    0
}

/// The signals the daemon serves.
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
    usr1: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> std::io::Result<Signals> {
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
            hup: signal(SignalKind::hangup())?,
            usr1: signal(SignalKind::user_defined1())?,
        })
    }

    /// Serves signals until SIGTERM or SIGINT: SIGHUP reloads the TLS files (keeping
    /// the old context when the new files are broken), SIGUSR1 reopens the log.
    async fn wait_for_stop(mut self, state: &ServerState, sink: &LogSink) {
        loop {
            tokio::select! {
                _ = self.term.recv() => { info!("caught SIGTERM, shutting down"); return; }
                _ = self.int.recv() => { info!("caught SIGINT, shutting down"); return; }
                _ = self.usr1.recv() => {
                    if let Err(e) = sink.reopen() { error!("failed to reopen the log: {e}"); }
                    if let Some(Err(e)) = state.query_log.as_ref().map(QueryLog::reopen) {
                        error!("failed to reopen the query log: {e}");
                    }
                    info!("log reopened");
                }
                _ = self.hup.recv() => match state.reload_tls() {
                    Ok(text) => info!("{text}"),
                    Err(reason) => error!("TLS reload failed, keeping the previous TLS context: {reason}"),
                },
            }
        }
    }
}

fn describe(spec: &config::Listen) -> String {
    match &spec.addr {
        config::ListenAddr::Tcp { host, port, .. } => {
            std::net::SocketAddr::new(*host, *port).to_string()
        }
        config::ListenAddr::Unix(p) => format!("UNIX socket {}", p.display()),
    }
}

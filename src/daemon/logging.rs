//! The daemon log in Manticore's line format:
//! `[Sun Nov 22 10:44:02.123 2026] [pid] message`, with `WARNING: ` / `ERROR: ` /
//! `FATAL: ` prefixes by level (`FATAL` is an error with target `fatal`).
//! Lines go to the `log` file (or syslog), and to stderr while the daemon is attached
//! to a terminal.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

use crate::config::LogTarget;

/// The time format of every log line (like ctime, with milliseconds).
pub const TIME_FORMAT: &str = "%a %b %e %H:%M:%S%.3f %Y";

/// Where log lines go. Cheap to clone.
#[derive(Clone)]
pub struct LogSink {
    inner: Arc<SinkInner>,
}

struct SinkInner {
    file: Mutex<Option<File>>,
    path: Option<PathBuf>,
    syslog: Option<UnixDatagram>,
    stderr: AtomicBool,
}

impl LogSink {
    /// Opens the sink. `None` logs to stderr only (`--console`).
    pub fn open(target: Option<&LogTarget>, stderr: bool) -> io::Result<LogSink> {
        let (file, path, syslog) = match target {
            None => (None, None, None),
            Some(LogTarget::File(p)) => (Some(open_append(p)?), Some(p.clone()), None),
            Some(LogTarget::Syslog) => {
                let sock = UnixDatagram::unbound()?;
                sock.connect("/dev/log")?;
                (None, None, Some(sock))
            }
        };
        Ok(LogSink {
            inner: Arc::new(SinkInner {
                file: Mutex::new(file),
                path,
                syslog,
                stderr: AtomicBool::new(stderr),
            }),
        })
    }

    /// Stops copying lines to stderr (once a daemon has detached).
    pub fn detach_stderr(&self) {
        self.inner.stderr.store(false, Ordering::Relaxed);
    }

    /// Reopens the log file (after logrotate moved it; on SIGUSR1).
    pub fn reopen(&self) -> io::Result<()> {
        if let Some(p) = &self.inner.path {
            let f = open_append(p)?;
            *self.inner.file.lock().unwrap_or_else(|e| e.into_inner()) = Some(f);
        }
        Ok(())
    }

    fn write_line(&self, line: &[u8]) {
        let inner = &self.inner;
        if let Some(f) = inner
            .file
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            let _ = f.write_all(line);
        }
        if let Some(sock) = &inner.syslog {
            // RFC 3164 without a timestamp: facility daemon (3), severity info (6).
            let text = String::from_utf8_lossy(line);
            let msg = format!("<30>searchd[{}]: {}", std::process::id(), text.trim_end());
            let _ = sock.send(msg.as_bytes());
        }
        if inner.stderr.load(Ordering::Relaxed) {
            let _ = io::stderr().write_all(line);
        }
    }
}

fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

/// One line's writer: tracing formats a whole line, then writes it once.
pub struct LineWriter(LogSink);

impl Write for LineWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_line(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogSink {
    type Writer = LineWriter;
    fn make_writer(&'a self) -> LineWriter {
        LineWriter(self.clone())
    }
}

/// Formats events as Manticore log lines.
pub struct ManticoreFormat;

impl<S, N> FormatEvent<S, N> for ManticoreFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let now = chrono::Local::now().format(TIME_FORMAT);
        write!(writer, "[{now}] [{}] ", std::process::id())?;
        let meta = event.metadata();
        let prefix = match *meta.level() {
            Level::ERROR if meta.target() == "fatal" => "FATAL: ",
            Level::ERROR => "ERROR: ",
            Level::WARN => "WARNING: ",
            Level::INFO => "",
            Level::DEBUG | Level::TRACE => "DEBUG: ",
        };
        writer.write_str(prefix)?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// Installs the global subscriber writing to `sink`. Safe to call more than once
/// (later calls are ignored), which tests rely on.
pub fn install(sink: LogSink, level: Level) {
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .event_format(ManticoreFormat)
        .with_writer(sink)
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
}

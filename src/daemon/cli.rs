//! The command line, as Manticore's searchd takes it.

use std::path::PathBuf;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cli {
    pub config: PathBuf,
    pub mode: Mode,
    /// `--console`: stay in the foreground and log to the terminal.
    pub console: bool,
    /// `--nodetach`: stay in the foreground.
    pub nodetach: bool,
    /// `--pidfile`: write the pid file even with `--console`.
    pub force_pidfile: bool,
    /// `--listen SPEC` / `--port N`: replace the config's listeners.
    pub listen: Vec<String>,
}

/// The action to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Serve,
    Check,
    Stop { wait: bool },
    Status,
    Help,
    Version,
}

/// Where the config is looked for when `--config` is not given.
pub const DEFAULT_CONFIG: &str = "searchd.conf";

pub const USAGE: &str = "\
Usage: searchd [OPTIONS]

Options:
  -c, --config FILE    read the configuration from FILE (default: searchd.conf)
      --console        run in the foreground and log to the terminal
      --nodetach       run in the foreground (do not daemonize)
      --pidfile        write the pid file even with --console
      --check          check the configuration, print OK or the error, and exit
      --stop           send SIGTERM to the daemon whose pid is in pid_file
      --stopwait       like --stop, and wait until the daemon has exited
      --status         print the status of the running daemon
  -p, --port N         listen on port N (all interfaces) instead of the config's listeners
  -l, --listen SPEC    listen on SPEC (same syntax as the listen setting); repeatable
  -h, --help           print this help
  -v, --version        print the version
";

/// Parses the arguments (without the program name).
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Cli, String> {
    let mut cli = Cli {
        config: PathBuf::from(DEFAULT_CONFIG),
        mode: Mode::Serve,
        console: false,
        nodetach: false,
        force_pidfile: false,
        listen: Vec::new(),
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("option {name} requires {what}"))
        };
        match name.as_str() {
            "-c" | "--config" => cli.config = PathBuf::from(value("a file name")?),
            "--console" => cli.console = true,
            "--nodetach" => cli.nodetach = true,
            "--pidfile" => cli.force_pidfile = true,
            "--check" => cli.mode = Mode::Check,
            "--stop" => cli.mode = Mode::Stop { wait: false },
            "--stopwait" => cli.mode = Mode::Stop { wait: true },
            "--status" => cli.mode = Mode::Status,
            "-h" | "--help" | "-?" => cli.mode = Mode::Help,
            "-v" | "--version" => cli.mode = Mode::Version,
            "-p" | "--port" => {
                let port = value("a port number")?;
                if port.parse::<u16>().map_or(true, |p| p == 0) {
                    return Err(format!("invalid port '{port}' (expected 1..65535)"));
                }
                cli.listen.push(port);
            }
            "-l" | "--listen" => cli.listen.push(value("a listen spec")?),
            other => return Err(format!("unknown option '{other}' (see --help)")),
        }
    }
    Ok(cli)
}

impl Cli {
    /// Whether the daemon stays attached to the terminal.
    pub fn foreground(&self) -> bool {
        self.console || self.nodetach
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Cli, String> {
        parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_the_manticore_options() {
        let cli = p(&["--config", "a.conf", "--nodetach"]).unwrap();
        assert_eq!(cli.config, PathBuf::from("a.conf"));
        assert!(cli.nodetach && cli.foreground());
        assert_eq!(cli.mode, Mode::Serve);

        assert_eq!(p(&["-c", "x", "--check"]).unwrap().mode, Mode::Check);
        assert_eq!(
            p(&["--config=x", "--stop"]).unwrap().mode,
            Mode::Stop { wait: false }
        );
        assert_eq!(p(&["--stopwait"]).unwrap().mode, Mode::Stop { wait: true });
        assert_eq!(p(&["--status"]).unwrap().mode, Mode::Status);
        assert_eq!(p(&["-h"]).unwrap().mode, Mode::Help);
        assert_eq!(p(&["--version"]).unwrap().mode, Mode::Version);
        assert!(p(&["--console", "--pidfile"]).unwrap().force_pidfile);
        assert_eq!(
            p(&["--port", "9400", "-l", "127.0.0.1:9401:mysql"])
                .unwrap()
                .listen,
            vec!["9400".to_string(), "127.0.0.1:9401:mysql".to_string()]
        );
        assert_eq!(p(&[]).unwrap().config, PathBuf::from(DEFAULT_CONFIG));
    }

    #[test]
    fn reports_bad_arguments() {
        assert_eq!(
            p(&["--bogus"]).unwrap_err(),
            "unknown option '--bogus' (see --help)"
        );
        assert_eq!(
            p(&["--config"]).unwrap_err(),
            "option --config requires a file name"
        );
        assert_eq!(
            p(&["--port", "0"]).unwrap_err(),
            "invalid port '0' (expected 1..65535)"
        );
        assert_eq!(
            p(&["--port", "x"]).unwrap_err(),
            "invalid port 'x' (expected 1..65535)"
        );
    }
}

//! Reading the config text: the file itself, or the output of its `#!` interpreter.

use super::ConfigError;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;

/// Reads `path`; when its first line starts with `#!`, runs that interpreter (the rest
/// of the line split on whitespace, then the file path as the last argument) and
/// returns its standard output instead.
pub(crate) fn read(path: &Path) -> Result<String, ConfigError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| ConfigError(format!("ERROR: failed to read config file '{file}': {e}")))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    match shebang_line(&text) {
        Some(line) => run_interpreter(line, path).map_err(|why| {
            ConfigError(format!(
                "ERROR: failed to parse config file '{file}': {why}"
            ))
        }),
        None => Ok(text),
    }
}

/// The command line after `#!`, if the text starts with one (leading blanks allowed).
pub(crate) fn shebang_line(text: &str) -> Option<&str> {
    let first = text.lines().next()?;
    first.trim_start().strip_prefix("#!").map(str::trim)
}

fn run_interpreter(line: &str, path: &Path) -> Result<String, String> {
    let mut words = line.split_whitespace();
    let Some(program) = words.next() else {
        return Err("empty '#!' line".into());
    };
    let output = Command::new(program)
        .args(words)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("error executing '{line}': {e}"))?;
    if let Some(code) = output.status.code() {
        if code != 0 {
            return Err(format!("error executing '{line}' status = {code}"));
        }
    } else if let Some(signal) = output.status.signal() {
        return Err(format!(
            "error executing '{line}', killed by signal {signal}"
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

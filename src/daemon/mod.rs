//! Process-level concerns: command line, logging, pid file, detaching, start-up and
//! shutdown.

pub mod cli;
pub mod detach;
pub mod logging;
pub mod pidfile;
mod run;
mod status;
mod tables;

pub use run::main_with_args;

//! searchd: a search daemon that a Manticore Search user can drop in.
//!
//! The modules follow the way data flows through the daemon:
//! `config` -> `net` (listeners, sniffing, shutdown) -> `tls` -> protocol front ends
//! (`mysql`, `http`, `api`) -> `service` (the one interface every front end speaks to)
//! -> `sql` (statements) -> `engine` (tables, full-text index). `daemon` holds process-level concerns (command line, pid
//! file, logging, start-up and shutdown).
#![deny(unsafe_code)]

pub mod api;
pub mod config;
pub mod daemon;
pub mod engine;
pub mod http;
pub mod mysql;
pub mod net;
pub mod service;
pub mod sql;
pub mod storage;
pub mod tls;
pub mod version;

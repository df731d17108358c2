//! SphinxQL: lexing, parsing, printing and executing statements.
//!
//! `lexer` -> `parser` (-> `ast`) -> `exec` ([`SqlService`], the [`crate::service::Service`]
//! the protocol front ends call). `print` turns a tree back into SQL text; `like`
//! holds the `LIKE` matcher `SHOW` filters use.

pub mod ast;
pub mod exec;
pub mod lexer;
pub mod like;
pub mod parser;
pub mod print;

pub use exec::{check_writable, SqlService};
pub use parser::{parse, parse_statement, split_statements, ParseError};

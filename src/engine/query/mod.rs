//! Full-text queries: lexing and parsing Manticore's extended syntax into a tree,
//! binding it to a table's text settings, and running it over segments.

mod ast;
mod bind;
mod doclist;
mod exec;
mod lexer;
mod parser;

#[cfg(test)]
mod and_tests;

pub use bind::{BoundKeyword, BoundQuery};
pub use doclist::QHit;
pub use exec::{eval, resolve, SegCtx};

use super::tokenizer::Tokenizer;
use super::types::{EngineError, Schema, TableSettings};

/// Parses and binds a query. `root` is `None` for a query without operands (it
/// matches every document) and for one whose every keyword is a stopword (it
/// matches none; `keywords` is empty then too, `empty` tells the two apart).
pub fn compile(
    query: &str,
    tok: &Tokenizer,
    settings: &TableSettings,
    schema: &Schema,
) -> Result<Compiled, EngineError> {
    match parser::parse(query, tok, schema)? {
        None => Ok(Compiled::FullScan),
        Some(node) => Ok(Compiled::Query(bind::bind(node, tok, settings)?)),
    }
}

/// A compiled query.
#[derive(Debug, Clone)]
pub enum Compiled {
    /// No operands at all: every document matches.
    FullScan,
    Query(BoundQuery),
}

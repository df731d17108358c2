//! A recursive-descent SphinxQL parser.
//!
//! [`split_statements`] cuts a multi-statement text on `;` outside strings and
//! comments; [`parse_statement`] turns one piece into a [`Statement`]. Errors read as
//! Manticore's: `P01: syntax error, unexpected identifier near 'foo bar'`.

mod expr;
mod fast_insert;
mod select;
mod set;
mod show;
mod split;
mod table;

pub use split::split_statements;

use std::fmt;

use super::ast::{Statement, Transaction};
use super::lexer::{tokenize, Token, TokenKind};

/// How deeply expressions may nest before the parser refuses the statement.
pub const MAX_DEPTH: usize = 64;

/// Words that cannot serve as a bare alias and that errors name in upper case.
const KEYWORDS: &[&str] = &[
    "AND",
    "AS",
    "BEGIN",
    "BETWEEN",
    "BY",
    "CHARACTER",
    "COLLATE",
    "COLLATION",
    "COMMIT",
    "CREATE",
    "DATABASES",
    "DELETE",
    "DESC",
    "DESCRIBE",
    "DISTINCT",
    "DIV",
    "DROP",
    "FACET",
    "FALSE",
    "FROM",
    "GLOBAL",
    "GROUP",
    "HAVING",
    "IN",
    "INSERT",
    "LIKE",
    "LIMIT",
    "META",
    "MOD",
    "NAMES",
    "NOT",
    "NULL",
    "OFFSET",
    "OPTION",
    "OR",
    "ORDER",
    "REPLACE",
    "ROLLBACK",
    "SELECT",
    "SESSION",
    "SET",
    "SHOW",
    "START",
    "STATUS",
    "TABLES",
    "THREADS",
    "TRANSACTION",
    "TRUE",
    "UPDATE",
    "VARIABLES",
    "WARNINGS",
    "WHERE",
    "WITHIN",
];

/// A statement the parser cannot read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset in the parsed text where reading stopped.
    pub pos: usize,
    /// The full message, `P01: ...`.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses every statement of `text`, stopping at the first error.
pub fn parse(text: &str) -> Result<Vec<Statement>, ParseError> {
    split_statements(text)
        .into_iter()
        .map(parse_statement)
        .collect()
}

/// Parses exactly one statement (no top-level `;` except a trailing one).
pub fn parse_statement(text: &str) -> Result<Statement, ParseError> {
    match fast_insert::parse(text) {
        Some(insert) => Ok(Statement::Insert(insert)),
        None => parse_general(text),
    }
}

/// [`parse_statement`] without the bulk-insert fast path.
fn parse_general(text: &str) -> Result<Statement, ParseError> {
    let tokens = tokenize(text).map_err(|e| ParseError {
        pos: e.pos,
        message: format!("P01: {} near '{}'", e.message, tail(text, e.pos)),
    })?;
    let mut parser = Parser {
        text,
        tokens,
        pos: 0,
        depth: 0,
    };
    let stmt = parser.statement()?;
    parser.eat_op(";");
    if parser.peek().is_some() {
        return Err(parser.unexpected());
    }
    Ok(stmt)
}

/// Keywords that can never name a column in an expression (the rest, such as
/// `META` or `STATUS`, are keywords only where a statement expects them).
const RESERVED: &[&str] = &[
    "AND", "AS", "BETWEEN", "BY", "DESC", "DISTINCT", "DIV", "FACET", "FROM", "GROUP", "HAVING",
    "IN", "LIKE", "LIMIT", "MOD", "NOT", "OFFSET", "OPTION", "OR", "ORDER", "SELECT", "WHERE",
    "WITHIN",
];

/// Whether `word` is reserved in expressions (case-insensitive).
pub fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// Whether `word` is a keyword (case-insensitive).
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

fn tail(text: &str, pos: usize) -> &str {
    text.get(pos..).unwrap_or("")
}

/// The parser's cursor over one statement's tokens.
pub(crate) struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_kind(&self) -> Option<&TokenKind> {
        self.peek().map(|t| &t.kind)
    }

    /// The current token is the bare word `kw` (case-insensitive).
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek_kind(), Some(TokenKind::Ident(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let hit = self.is_kw(kw);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn expect_kw(&mut self, kw: &str) -> Result<(), ParseError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek_kind(), Some(TokenKind::Op(o)) if *o == op)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let hit = self.is_op(op);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn expect_op(&mut self, op: &str) -> Result<(), ParseError> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    /// A name: a bare word or a backquoted identifier.
    fn name(&mut self) -> Result<String, ParseError> {
        match self.peek_kind() {
            Some(TokenKind::Ident(w) | TokenKind::BackIdent(w)) => {
                let w = w.clone();
                self.pos += 1;
                Ok(w)
            }
            _ => Err(self.unexpected()),
        }
    }

    /// A name or a quoted string (charsets, collations, aliases).
    fn name_or_string(&mut self) -> Result<String, ParseError> {
        if matches!(self.peek_kind(), Some(TokenKind::Str(_))) {
            return self.string();
        }
        self.name()
    }

    /// A `LIKE 'pattern'` clause, if present.
    fn opt_like(&mut self) -> Result<Option<String>, ParseError> {
        if !self.eat_kw("LIKE") {
            return Ok(None);
        }
        self.string().map(Some)
    }

    /// A quoted string literal.
    fn string(&mut self) -> Result<String, ParseError> {
        if let Some(TokenKind::Str(s)) = self.peek_kind() {
            let s = s.clone();
            self.pos += 1;
            return Ok(s);
        }
        Err(self.unexpected())
    }

    fn uint(&mut self) -> Result<u64, ParseError> {
        if let Some(TokenKind::Int(text)) = self.peek_kind() {
            if let Ok(v) = text.parse::<u64>() {
                self.pos += 1;
                return Ok(v);
            }
        }
        Err(self.unexpected())
    }

    /// The Manticore-style error for the current token.
    fn unexpected(&self) -> ParseError {
        let (what, pos) = match self.peek() {
            Some(tok) => (describe(&tok.kind), tok.start),
            None => ("$end".to_string(), self.text.len()),
        };
        ParseError {
            pos,
            message: format!(
                "P01: syntax error, unexpected {what} near '{}'",
                tail(self.text, pos)
            ),
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let pos = self.peek().map_or(self.text.len(), |t| t.start);
            return Err(ParseError {
                pos,
                message: format!(
                    "P01: expression nested too deeply (more than {MAX_DEPTH} levels) near '{}'",
                    tail(self.text, pos)
                ),
            });
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn statement(&mut self) -> Result<Statement, ParseError> {
        let word = match self.peek_kind() {
            Some(TokenKind::Ident(w)) => w.to_ascii_uppercase(),
            _ => return Err(self.unexpected()),
        };
        let stmt = match word.as_str() {
            "SELECT" => Statement::Select(self.select()?),
            "SET" => Statement::Set(self.set()?),
            "SHOW" => Statement::Show(self.show()?),
            "BEGIN" | "START" | "COMMIT" | "ROLLBACK" => {
                Statement::Transaction(self.transaction()?)
            }
            _ => return self.table_statement(&word),
        };
        Ok(stmt)
    }

    fn transaction(&mut self) -> Result<Transaction, ParseError> {
        let tx = if self.eat_kw("BEGIN") {
            Transaction::Begin
        } else if self.eat_kw("START") {
            self.expect_kw("TRANSACTION")?;
            Transaction::StartTransaction
        } else if self.eat_kw("COMMIT") {
            Transaction::Commit
        } else {
            self.expect_kw("ROLLBACK")?;
            Transaction::Rollback
        };
        if tx != Transaction::StartTransaction {
            self.eat_kw("WORK");
        }
        Ok(tx)
    }
}

/// How an error names a token, as upstream's grammar names them.
fn describe(kind: &TokenKind) -> String {
    match kind {
        TokenKind::Ident(w) if is_keyword(w) => w.to_ascii_uppercase(),
        TokenKind::Ident(_) => "identifier".into(),
        TokenKind::BackIdent(_) => "`identifier`".into(),
        TokenKind::Int(_) => "integer".into(),
        TokenKind::Float(_) => "float".into(),
        TokenKind::Str(_) => "string".into(),
        TokenKind::SysVar(_) => "@@sysvar".into(),
        TokenKind::UserVar(_) => "@uservar".into(),
        TokenKind::Op(op) => format!("'{op}'"),
    }
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;

//! A fast path for the statements bulk loaders send: `INSERT|REPLACE INTO t [(cols)]
//! VALUES (...), (...)` whose values are plain literals (quoted strings, integers,
//! decimals, `NULL`, MVA tuples of those). It reads the text in one pass, without a
//! token list, into exactly the [`Insert`] the general parser builds.
//!
//! Anything else (comments, expressions, a syntax error) makes it give up with
//! `None`, and the general parser reads the statement again, so errors and unusual
//! forms keep one implementation.

use crate::sql::ast::{Expr, Insert, UnaryOp};
use crate::sql::lexer::{is_word_char, is_word_start, string_at};

/// The `INSERT` or `REPLACE` statement `text` holds, when it has the simple shape.
pub(super) fn parse(text: &str) -> Option<Insert> {
    let mut c = Cursor { text, pos: 0 };
    c.skip_space();
    let replace = match c.word()? {
        w if w.eq_ignore_ascii_case("INSERT") => false,
        w if w.eq_ignore_ascii_case("REPLACE") => true,
        _ => return None,
    };
    c.keyword("INTO")?;
    let table = c.name()?;
    let mut columns = Vec::new();
    if c.eat(b'(') {
        loop {
            columns.push(c.name()?);
            if !c.eat(b',') {
                break;
            }
        }
        c.expect(b')')?;
    }
    c.keyword("VALUES")?;
    let mut rows = Vec::new();
    loop {
        rows.push(c.row()?);
        if !c.eat(b',') {
            break;
        }
    }
    c.eat(b';');
    c.skip_space();
    (c.pos == text.len()).then_some(Insert {
        replace,
        table,
        columns,
        rows,
    })
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// Skips blanks, then consumes `c` if it is next.
    fn eat(&mut self, c: u8) -> bool {
        self.skip_space();
        let hit = self.peek() == Some(c);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        self.eat(c).then_some(())
    }

    /// A bare word, as the lexer reads one (blanks before it skipped).
    fn word(&mut self) -> Option<&'a str> {
        self.skip_space();
        let start = self.pos;
        if !self.peek().is_some_and(is_word_start) {
            return None;
        }
        while self.peek().is_some_and(is_word_char) {
            self.pos += 1;
        }
        Some(&self.text[start..self.pos])
    }

    fn keyword(&mut self, kw: &str) -> Option<()> {
        self.word()
            .is_some_and(|w| w.eq_ignore_ascii_case(kw))
            .then_some(())
    }

    /// A bare or backquoted name.
    fn name(&mut self) -> Option<String> {
        self.skip_space();
        if self.peek() != Some(b'`') {
            return self.word().map(str::to_string);
        }
        let len = self.text[self.pos + 1..].find('`')?;
        let name = self.text[self.pos + 1..self.pos + 1 + len].to_string();
        self.pos += len + 2;
        Some(name)
    }

    /// `(v, ...)`: a row of values.
    fn row(&mut self) -> Option<Vec<Expr>> {
        self.expect(b'(')?;
        let mut row = Vec::new();
        loop {
            row.push(self.value()?);
            if !self.eat(b',') {
                break;
            }
        }
        self.expect(b')')?;
        Some(row)
    }

    /// A value: a literal, or an MVA tuple `(...)` of literals.
    fn value(&mut self) -> Option<Expr> {
        if !self.eat(b'(') {
            return self.literal();
        }
        let mut items = Vec::new();
        if !self.eat(b')') {
            loop {
                items.push(self.literal()?);
                if !self.eat(b',') {
                    break;
                }
            }
            self.expect(b')')?;
        }
        Some(Expr::Tuple(items))
    }

    /// A quoted string, a number (with an optional `-`) or `NULL`, followed by a
    /// `,` or `)` (so that it is not the start of an expression).
    fn literal(&mut self) -> Option<Expr> {
        self.skip_space();
        let expr = match self.peek()? {
            b'\'' | b'"' => {
                let (s, end) = string_at(self.text, self.pos)?;
                self.pos = end;
                Expr::Str(s)
            }
            b'-' => {
                self.pos += 1;
                if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return None;
                }
                Expr::Unary {
                    op: UnaryOp::Neg,
                    expr: Box::new(self.number()?),
                }
            }
            b'0'..=b'9' => self.number()?,
            _ => {
                let w = self.word()?;
                if !w.eq_ignore_ascii_case("NULL") {
                    return None;
                }
                Expr::Null
            }
        };
        self.skip_space();
        matches!(self.peek(), Some(b',' | b')')).then_some(expr)
    }

    /// `123` (that fits 64 bits) or `1.5`.
    fn number(&mut self) -> Option<Expr> {
        let start = self.pos;
        self.digits();
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            let frac = self.pos;
            self.digits();
            if self.pos == frac {
                return None;
            }
            float = true;
        }
        // `1e3`, `1abc`, `1.5.2`: forms the lexer reads otherwise.
        if self
            .peek()
            .is_some_and(|c| is_word_char(c) || c == b'.' || c == b'`')
        {
            return None;
        }
        let text = &self.text[start..self.pos];
        if float {
            text.parse::<f64>().ok().map(Expr::Float)
        } else {
            text.parse::<u64>().ok().map(Expr::Int)
        }
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
    }
}

#[cfg(test)]
#[path = "fast_insert_tests.rs"]
mod tests;

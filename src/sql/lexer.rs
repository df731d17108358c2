//! The SphinxQL lexer: text in, tokens with byte positions out.
//!
//! Comments (`-- `, `#`, `/* */`) are skipped. A MySQL versioned comment
//! (`/*!40101 SET NAMES utf8 */`) is read as code, as MySQL does: its marker and its
//! closing `*/` are dropped and what lies between is lexed.

use std::fmt;

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// A bare word: an identifier or a keyword (keywords are recognised by the parser).
    Ident(String),
    /// A `` `quoted` `` identifier, unquoted.
    BackIdent(String),
    /// An integer literal, as written.
    Int(String),
    /// A float literal, as written (`1.5`, `.5`, `1e3`).
    Float(String),
    /// A quoted string, escapes resolved.
    Str(String),
    /// `@@name` or `@@scope.name` (the text after `@@`).
    SysVar(String),
    /// `@name` (the text after `@`).
    UserVar(String),
    /// An operator or punctuation: `= != <> < <= > >= + - * / % ( ) , . ; | & ~ ^`.
    Op(&'static str),
}

/// One token and where it lies in the text (`start..end`, byte offsets).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Offset of its first byte.
    pub start: usize,
    /// Offset just past its last byte.
    pub end: usize,
}

/// Text that is not SphinxQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// Byte offset of the offending input.
    pub pos: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Operators, longest first so that `<=` wins over `<`.
const OPERATORS: &[&str] = &[
    "<=>", ":=", "!=", "<>", "<=", ">=", "==", "||", "&&", "=", "<", ">", "+", "-", "*", "/", "%",
    "(", ")", ",", ".", ";", "|", "&", "~", "^", "!", ":", "{", "}", "[", "]",
];

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Result<Vec<Token>, LexError> {
    let mut lexer = Lexer::new(text, 0);
    let mut out = Vec::new();
    while let Some(tok) = lexer.next_token()? {
        out.push(tok);
    }
    Ok(out)
}

/// True when `text` holds nothing but blanks and comments (what [`tokenize`] would
/// return no token and no error for), reading no further than its first token.
pub fn is_blank(text: &str) -> bool {
    matches!(Lexer::new(text, 0).next_token(), Ok(None))
}

/// The quoted string that opens at byte `pos` of `text` (`'` or `"`), escapes
/// resolved as [`tokenize`] resolves them, and the offset just past it; `None`
/// when no quote is there or the string is unterminated.
pub fn string_at(text: &str, pos: usize) -> Option<(String, usize)> {
    let quote = *text.as_bytes().get(pos)?;
    if quote != b'\'' && quote != b'"' {
        return None;
    }
    let mut lexer = Lexer::new(text, pos);
    match lexer.string(quote) {
        Ok(TokenKind::Str(s)) => Some((s, lexer.pos)),
        _ => None,
    }
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    in_versioned: bool,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str, pos: usize) -> Lexer<'a> {
        Lexer {
            text,
            bytes: text.as_bytes(),
            pos,
            in_versioned: false,
        }
    }

    fn peek(&self, off: usize) -> Option<u8> {
        self.bytes.get(self.pos + off).copied()
    }

    fn error(&self, pos: usize, message: impl Into<String>) -> LexError {
        LexError {
            pos,
            message: message.into(),
        }
    }

    fn next_token(&mut self) -> Result<Option<Token>, LexError> {
        self.skip_space_and_comments()?;
        let start = self.pos;
        let Some(c) = self.peek(0) else {
            return Ok(None);
        };
        let kind = match c {
            b'\'' | b'"' => self.string(c)?,
            b'`' => self.backquoted()?,
            b'@' => self.variable()?,
            b'0'..=b'9' => self.number(),
            b'.' if self.peek(1).is_some_and(|d| d.is_ascii_digit()) => self.number(),
            c if is_word_start(c) => TokenKind::Ident(self.word().to_string()),
            _ => self.operator()?,
        };
        Ok(Some(Token {
            kind,
            start,
            end: self.pos,
        }))
    }

    fn skip_space_and_comments(&mut self) -> Result<(), LexError> {
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some(c), _) if c.is_ascii_whitespace() => self.pos += 1,
                (Some(b'#'), _) => self.skip_line(),
                (Some(b'-'), Some(b'-'))
                    if self.peek(2).is_none_or(|c| c.is_ascii_whitespace()) =>
                {
                    self.skip_line()
                }
                (Some(b'/'), Some(b'*')) if self.peek(2) == Some(b'!') => {
                    self.pos += 3;
                    while self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
                        self.pos += 1;
                    }
                    self.in_versioned = true;
                }
                (Some(b'/'), Some(b'*')) => self.skip_block_comment()?,
                (Some(b'*'), Some(b'/')) if self.in_versioned => {
                    self.pos += 2;
                    self.in_versioned = false;
                }
                _ => return Ok(()),
            }
        }
    }

    fn skip_line(&mut self) {
        while let Some(c) = self.peek(0) {
            self.pos += 1;
            if c == b'\n' {
                break;
            }
        }
    }

    fn skip_block_comment(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        match self.text[self.pos + 2..].find("*/") {
            Some(off) => {
                self.pos += 2 + off + 2;
                Ok(())
            }
            None => Err(self.error(start, "unterminated comment")),
        }
    }

    fn string(&mut self, quote: u8) -> Result<TokenKind, LexError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut seg = self.pos;
        while let Some(c) = self.peek(0) {
            if c == quote && self.peek(1) == Some(quote) {
                out.push_str(&self.text[seg..self.pos + 1]);
                self.pos += 2;
                seg = self.pos;
            } else if c == quote {
                out.push_str(&self.text[seg..self.pos]);
                self.pos += 1;
                return Ok(TokenKind::Str(out));
            } else if c == b'\\' {
                out.push_str(&self.text[seg..self.pos]);
                let Some(next) = self.text[self.pos + 1..].chars().next() else {
                    break;
                };
                if next == '%' || next == '_' {
                    // MySQL keeps these two escapes for LIKE patterns.
                    out.push('\\');
                }
                out.push(unescape(next));
                self.pos += 1 + next.len_utf8();
                seg = self.pos;
            } else {
                // Plain text: jump to the next quote or backslash.
                let rest = &self.bytes[self.pos + 1..];
                let skip = rest.iter().position(|&b| b == quote || b == b'\\');
                self.pos += 1 + skip.unwrap_or(rest.len());
            }
        }
        Err(self.error(start, "unterminated string"))
    }

    fn backquoted(&mut self) -> Result<TokenKind, LexError> {
        let start = self.pos;
        match self.text[start + 1..].find('`') {
            Some(len) => {
                self.pos = start + 1 + len + 1;
                Ok(TokenKind::BackIdent(
                    self.text[start + 1..start + 1 + len].to_string(),
                ))
            }
            None => Err(self.error(start, "unterminated quoted identifier")),
        }
    }

    fn variable(&mut self) -> Result<TokenKind, LexError> {
        let start = self.pos;
        let sys = self.peek(1) == Some(b'@');
        self.pos += if sys { 2 } else { 1 };
        let name_start = self.pos;
        while self
            .peek(0)
            .is_some_and(|c| is_word_char(c) || (sys && c == b'.'))
        {
            self.pos += 1;
        }
        if self.pos == name_start {
            return Err(self.error(start, "variable name expected after '@'"));
        }
        let name = self.text[name_start..self.pos].to_string();
        Ok(if sys {
            TokenKind::SysVar(name)
        } else {
            TokenKind::UserVar(name)
        })
    }

    fn number(&mut self) -> TokenKind {
        let start = self.pos;
        let mut float = false;
        self.digits();
        if self.peek(0) == Some(b'.') && self.peek(1).is_none_or(|c| !is_word_start(c)) {
            float = true;
            self.pos += 1;
            self.digits();
        }
        if matches!(self.peek(0), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.peek(1), Some(b'+' | b'-')));
            if self.peek(1 + sign).is_some_and(|c| c.is_ascii_digit()) {
                float = true;
                self.pos += 1 + sign;
                self.digits();
            }
        }
        if !float && self.peek(0).is_some_and(is_word_start) {
            // `1abc`: MySQL reads such a run as one identifier.
            while self.peek(0).is_some_and(is_word_char) {
                self.pos += 1;
            }
            return TokenKind::Ident(self.text[start..self.pos].to_string());
        }
        let text = self.text[start..self.pos].to_string();
        if float {
            TokenKind::Float(text)
        } else {
            TokenKind::Int(text)
        }
    }

    fn digits(&mut self) {
        while self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn word(&mut self) -> &str {
        let start = self.pos;
        while self.peek(0).is_some_and(is_word_char) {
            self.pos += 1;
        }
        &self.text[start..self.pos]
    }

    fn operator(&mut self) -> Result<TokenKind, LexError> {
        let rest = &self.text[self.pos..];
        match OPERATORS.iter().find(|op| rest.starts_with(**op)) {
            Some(op) => {
                self.pos += op.len();
                Ok(TokenKind::Op(op))
            }
            None => {
                let c = rest.chars().next().unwrap_or('?');
                Err(self.error(self.pos, format!("unexpected character '{c}'")))
            }
        }
    }
}

pub(crate) fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

pub(crate) fn is_word_char(c: u8) -> bool {
    is_word_start(c) || c.is_ascii_digit() || c == b'$'
}

/// MySQL's backslash escapes; any other escaped character stands for itself.
fn unescape(c: char) -> char {
    match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        '0' => '\0',
        'b' => '\u{8}',
        'Z' => '\u{1a}',
        other => other,
    }
}

#[cfg(test)]
#[path = "lexer_tests.rs"]
mod tests;

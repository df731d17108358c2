//! Splits a full-text query into tokens. Words are folded with the table's
//! charset; everything else that is not an operator separates words.

use super::ast::{FieldMask, Keyword, Wildcard};
use crate::engine::tokenizer::Tokenizer;

/// A field limit as written: names, negated or not, or `@*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldSpec {
    All,
    Names { names: Vec<String>, negate: bool },
}

/// A field limit token: which fields, and `[N]` (0 when absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldTok {
    pub spec: FieldSpec,
    pub max_pos: u32,
}

/// A query token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Word(Keyword),
    LParen,
    RParen,
    Or,
    Not,
    Quote,
    /// `~N` (after a phrase).
    Tilde(u32),
    /// `/N` (after a phrase).
    Slash(f64),
    Near(u32),
    NotNear(u32),
    Maybe,
    Field(FieldTok),
    /// A lone `*` inside a phrase: any one word.
    Star,
    /// `<<`, the strict order operator.
    Before,
    /// `@@relaxed`: unknown fields in field limits are ignored.
    Relaxed,
    End,
}

impl Tok {
    /// The token's name in syntax errors, as upstream's parser names it.
    pub fn describe(&self) -> &'static str {
        match self {
            Tok::Word(_) => "TOK_KEYWORD",
            Tok::LParen => "'('",
            Tok::RParen => "')'",
            Tok::Or => "'|'",
            Tok::Not => "'-'",
            Tok::Quote => "'\"'",
            Tok::Tilde(_) => "'~'",
            Tok::Slash(_) => "'/'",
            Tok::Near(_) => "TOK_NEAR",
            Tok::NotNear(_) => "TOK_NOTNEAR",
            Tok::Maybe => "TOK_MAYBE",
            Tok::Field(_) => "TOK_FIELDLIMIT",
            Tok::Star => "'*'",
            Tok::Before => "TOK_BEFORE",
            Tok::Relaxed => "TOK_RELAXED",
            Tok::End => "$end",
        }
    }
}

/// A token and the byte offset where it starts.
pub type Spanned = (Tok, usize);

/// Tokenizes a query.
pub fn lex(query: &str, tok: &Tokenizer) -> Vec<Spanned> {
    let mut lx = Lexer {
        q: query,
        i: 0,
        tok,
        out: Vec::new(),
        sep_before: true,
        in_quote: false,
    };
    lx.run();
    lx.out.push((Tok::End, query.len()));
    lx.out
}

struct Lexer<'a> {
    q: &'a str,
    i: usize,
    tok: &'a Tokenizer,
    out: Vec<Spanned>,
    /// The previous character separated tokens (start, space, operator).
    sep_before: bool,
    /// Inside a `"..."` phrase.
    in_quote: bool,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.q[self.i..].chars().next()
    }
    fn peek_at(&self, k: usize) -> Option<char> {
        self.q[self.i..].chars().nth(k)
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        Some(c)
    }
    fn emit(&mut self, t: Tok, start: usize) {
        self.out.push((t, start));
        self.sep_before = true;
    }

    fn run(&mut self) {
        while let Some(c) = self.peek() {
            let start = self.i;
            match c {
                '(' | ')' | '|' | '"' => {
                    self.bump();
                    let t = match c {
                        '(' => Tok::LParen,
                        ')' => Tok::RParen,
                        '|' => Tok::Or,
                        _ => {
                            self.in_quote = !self.in_quote;
                            Tok::Quote
                        }
                    };
                    self.emit(t, start);
                }
                '-' | '!' if self.sep_before && self.starts_operand(1) => {
                    self.bump();
                    self.emit(Tok::Not, start);
                }
                '~' | '/' if self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) => {
                    self.bump();
                    let num = self.number();
                    let t = if c == '~' {
                        Tok::Tilde(num as u32)
                    } else {
                        Tok::Slash(num)
                    };
                    self.emit(t, start);
                }
                '<' if self.peek_at(1) == Some('<') && !self.in_quote => {
                    self.bump();
                    self.bump();
                    self.emit(Tok::Before, start);
                }
                '@' => self.field(start),
                _ if self.word_start(c) => self.word(start),
                _ => {
                    self.bump();
                    self.sep_before = self.tok.fold(c).is_none();
                }
            }
        }
    }

    /// True when the character `k` ahead can start an operand.
    fn starts_operand(&self, k: usize) -> bool {
        match self.peek_at(k) {
            Some(c) => {
                matches!(c, '(' | '"' | '@' | '=' | '^' | '*' | '\\') || self.tok.fold(c).is_some()
            }
            None => false,
        }
    }

    fn word_start(&self, c: char) -> bool {
        match c {
            '=' | '^' | '*' | '\\' => true,
            _ => self.tok.fold(c).is_some(),
        }
    }

    fn number(&mut self) -> f64 {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
            self.bump();
        }
        self.q[start..self.i].parse().unwrap_or(0.0)
    }

    fn field(&mut self, start: usize) {
        self.bump();
        if self.q[self.i..].starts_with("@relaxed") {
            self.i += "@relaxed".len();
            self.emit(Tok::Relaxed, start);
            return;
        }
        let spec = if self.peek() == Some('*') {
            self.bump();
            FieldSpec::All
        } else {
            let negate = self.peek() == Some('!');
            if negate {
                self.bump();
            }
            let mut names = Vec::new();
            if self.peek() == Some('(') {
                self.bump();
                loop {
                    let name = self.ident();
                    if !name.is_empty() {
                        names.push(name);
                    }
                    match self.bump() {
                        Some(',') => continue,
                        _ => break,
                    }
                }
            } else {
                let name = self.ident();
                names.push(name);
            }
            FieldSpec::Names { names, negate }
        };
        let mut max_pos = 0;
        if self.peek() == Some('[') {
            self.bump();
            max_pos = self.number() as u32;
            while let Some(c) = self.bump() {
                if c == ']' {
                    break;
                }
            }
        }
        self.emit(Tok::Field(FieldTok { spec, max_pos }), start);
    }

    fn ident(&mut self) -> String {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            self.bump();
        }
        let name = self.q[start..self.i].to_string();
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
        name
    }

    fn word(&mut self, start: usize) {
        let mut kw = Keyword {
            word: String::new(),
            wildcard: Wildcard::None,
            exact: false,
            start: false,
            end: false,
            fields: FieldMask::ALL,
            max_pos: 0,
            offset: 0,
            id: 0,
        };
        let mut lead_star = false;
        loop {
            match self.peek() {
                Some('=') if kw.word.is_empty() => kw.exact = true,
                Some('^') if kw.word.is_empty() => kw.start = true,
                Some('*') if kw.word.is_empty() => lead_star = true,
                _ => break,
            }
            self.bump();
        }
        let raw_start = self.i;
        let mut trail_star = false;
        while let Some(c) = self.peek() {
            if c == '\\' {
                let Some(next) = self.peek_at(1) else {
                    self.bump();
                    break;
                };
                match self.tok.fold(next) {
                    Some(f) => {
                        self.bump();
                        self.bump();
                        kw.word.push(f);
                        continue;
                    }
                    None if kw.word.is_empty() => {
                        self.bump();
                        self.bump();
                        continue;
                    }
                    None => break,
                }
            }
            match self.tok.fold(c) {
                Some(f) => {
                    kw.word.push(f);
                    self.bump();
                }
                None => break,
            }
        }
        if self.peek() == Some('*') {
            self.bump();
            trail_star = true;
        }
        if self.peek() == Some('$') {
            self.bump();
            kw.end = true;
        }
        kw.wildcard = match (lead_star, trail_star) {
            (false, false) => Wildcard::None,
            (false, true) => Wildcard::Prefix,
            (true, false) => Wildcard::Suffix,
            (true, true) => Wildcard::Infix,
        };
        if kw.word.is_empty() {
            if lead_star && self.in_quote {
                self.emit(Tok::Star, start);
            }
            self.sep_before = true;
            return;
        }
        let raw = &self.q[raw_start..self.i];
        if raw == "MAYBE" {
            self.emit(Tok::Maybe, start);
            return;
        }
        if (raw == "NEAR" || raw == "NOTNEAR") && self.peek() == Some('/') {
            self.bump();
            let n = self.number() as u32;
            let t = if raw == "NEAR" {
                Tok::Near(n)
            } else {
                Tok::NotNear(n)
            };
            self.emit(t, start);
            return;
        }
        self.out.push((Tok::Word(kw), start));
        self.sep_before = false;
    }
}

//! The config file grammar: sections, `key = value` lines, comments, continuations and
//! inheritance. A pure function over the file text; the file name only goes into
//! messages.

use super::keys::{self, KeyKind, SectionType};
use super::ConfigError;

/// Longest section type, section name or key, in bytes, is one less than this.
const TOKEN_MAX: usize = 64;
/// Longest value kept, in bytes; the rest is dropped.
const VALUE_MAX: usize = 65535;

/// One value of a key, with the line its key was on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Value {
    pub text: String,
    pub line: usize,
}

/// A key and its values (one value unless the key is multi-value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub key: String,
    pub values: Vec<Value>,
    /// Copied from a parent section: the child's first value replaces the list.
    inherited: bool,
}

/// A section as written, inheritance applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawSection {
    pub ty: SectionType,
    /// The type name as written, lower-cased (`table` or `index`, `searchd`...).
    pub kind: String,
    pub name: String,
    pub entries: Vec<Entry>,
}

impl RawSection {
    /// The values of `key`, if it is set.
    pub(crate) fn get(&self, key: &str) -> Option<&[Value]> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.values.as_slice())
    }
}

/// The parsed file: sections in file order and the warnings met on the way.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Parsed {
    pub sections: Vec<RawSection>,
    pub warnings: Vec<String>,
}

/// Parses config text; `file` names the file in messages.
pub(crate) fn parse(text: &str, file: &str) -> Result<Parsed, ConfigError> {
    let mut parser = Parser {
        sc: Scanner::new(text),
        file,
        out: Parsed::default(),
    };
    match parser.run() {
        Ok(()) => Ok(parser.out),
        Err(what) => Err(ConfigError(format!(
            "ERROR: {what} in {file} line {} col {}.",
            parser.sc.line,
            parser.sc.col()
        ))),
    }
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn describe(b: Option<u8>) -> String {
    match b {
        Some(b) => format!("'{}'", char::from(b)),
        None => "end of file".to_string(),
    }
}

/// A byte cursor that knows its line and column.
struct Scanner<'a> {
    src: &'a [u8],
    pos: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            src: text.as_bytes(),
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        if b == b'\n' {
            self.line += 1;
            self.line_start = self.pos;
        }
        Some(b)
    }

    fn col(&self) -> usize {
        self.pos - self.line_start + 1
    }

    /// Skips the rest of the line, newline included.
    fn skip_line(&mut self) {
        while let Some(b) = self.bump() {
            if b == b'\n' {
                break;
            }
        }
    }

    /// Skips whitespace and `#` comments.
    fn skip_blank(&mut self) {
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() {
                self.bump();
            } else if b == b'#' {
                self.skip_line();
            } else {
                break;
            }
        }
    }

    /// Reads a `[A-Za-z0-9_-]` token; the caller saw its first byte.
    fn token(&mut self) -> Result<String, String> {
        let start = self.pos;
        while self.peek().is_some_and(is_token_byte) {
            if self.pos - start == TOKEN_MAX - 1 {
                return Err("token too long".into());
            }
            self.bump();
        }
        Ok(String::from_utf8_lossy(&self.src[start..self.pos]).into_owned())
    }

    /// Skips blanks, then requires `want`.
    fn expect(&mut self, want: u8) -> Result<(), String> {
        self.skip_blank();
        if self.peek() == Some(want) {
            self.bump();
            return Ok(());
        }
        Err(format!(
            "expected '{}', got {}",
            char::from(want),
            describe(self.peek())
        ))
    }

    /// Reads a value up to the end of the line or a comment, handling `\#` and a
    /// trailing backslash (continuation); returns it trimmed.
    fn value(&mut self) -> String {
        let mut out: Vec<u8> = Vec::new();
        while let Some(b) = self.peek() {
            match b {
                b'\n' => {
                    self.bump();
                    break;
                }
                b'#' => {
                    self.skip_line();
                    break;
                }
                b'\\' if matches!(self.peek_at(1), Some(b'\n' | b'\r')) => self.skip_line(),
                b'\\' if self.peek_at(1) == Some(b'#') => {
                    self.bump();
                    self.bump();
                    push_limited(&mut out, b'#');
                }
                _ => {
                    self.bump();
                    push_limited(&mut out, b);
                }
            }
        }
        String::from_utf8_lossy(&out).trim().to_string()
    }
}

fn push_limited(out: &mut Vec<u8>, b: u8) {
    if out.len() < VALUE_MAX {
        out.push(b);
    }
}

struct Parser<'a> {
    sc: Scanner<'a>,
    file: &'a str,
    out: Parsed,
}

impl Parser<'_> {
    fn run(&mut self) -> Result<(), String> {
        loop {
            self.sc.skip_blank();
            let Some(b) = self.sc.peek() else {
                return Ok(());
            };
            if !is_token_byte(b) {
                return Err("invalid token".into());
            }
            let type_name = self.sc.token()?;
            self.sc.skip_blank();
            let Some(ty) = SectionType::from_name(&type_name) else {
                return Err(format!("invalid section type '{type_name}'"));
            };
            let kind = type_name.to_ascii_lowercase();
            if ty.is_named() {
                self.named_header(ty, kind)?;
            } else {
                self.add_section(ty, kind.clone(), kind)?;
                self.sc.expect(b'{')?;
            }
            self.body()?;
        }
    }

    /// `NAME [: PARENT] {` after a named section type.
    fn named_header(&mut self, ty: SectionType, kind: String) -> Result<(), String> {
        if !self.sc.peek().is_some_and(is_token_byte) {
            return Err(format!(
                "named section: expected name, got {}",
                describe(self.sc.peek())
            ));
        }
        let name = self.sc.token()?;
        self.sc.skip_blank();
        self.add_section(ty, kind, name.clone())?;
        match self.sc.peek() {
            Some(b'{') => {
                self.sc.bump();
                Ok(())
            }
            Some(b':') => {
                self.sc.bump();
                self.sc.skip_blank();
                self.inherit(ty, &name)?;
                self.sc.expect(b'{')
            }
            other => Err(format!(
                "named section: expected ':' or '{{', got {}",
                describe(other)
            )),
        }
    }

    /// Reads the parent name and copies its entries into the newest section.
    fn inherit(&mut self, ty: SectionType, name: &str) -> Result<(), String> {
        if !self.sc.peek().is_some_and(is_token_byte) {
            return Err(format!(
                "named section: expected parent name, got {}",
                describe(self.sc.peek())
            ));
        }
        let parent = self.sc.token()?;
        self.sc.skip_blank();
        let found = self
            .out
            .sections
            .iter()
            .find(|s| s.ty == ty && s.name == parent && s.name != name);
        let Some(found) = found else {
            let kind = self.out.sections.last().map(|s| s.kind.clone());
            return Err(format!(
                "inherited section '{name}': parent doesn't exist (parent name='{parent}', type='{}')",
                kind.unwrap_or_default()
            ));
        };
        let mut entries = found.entries.clone();
        for e in &mut entries {
            e.inherited = true;
        }
        if let Some(child) = self.out.sections.last_mut() {
            child.entries = entries;
        }
        Ok(())
    }

    fn add_section(&mut self, ty: SectionType, kind: String, name: String) -> Result<(), String> {
        if self
            .out
            .sections
            .iter()
            .any(|s| s.ty == ty && s.name == name)
        {
            return Err(format!("section '{name}' (type='{kind}') already exists"));
        }
        self.out.sections.push(RawSection {
            ty,
            kind,
            name,
            entries: Vec::new(),
        });
        Ok(())
    }

    /// `key = value` lines up to the closing `}`.
    fn body(&mut self) -> Result<(), String> {
        loop {
            self.sc.skip_blank();
            match self.sc.peek() {
                Some(b'}') => {
                    self.sc.bump();
                    return Ok(());
                }
                Some(b) if is_token_byte(b) => self.key_value()?,
                Some(b) => {
                    return Err(format!(
                        "section contents: expected token, got '{}'",
                        char::from(b)
                    ))
                }
                None => return Err("unexpected end of file, section is not closed".into()),
            }
        }
    }

    fn key_value(&mut self) -> Result<(), String> {
        let line = self.sc.line;
        let key = self.sc.token()?.to_ascii_lowercase();
        let kind = self.validate_key(&key, line)?;
        self.sc.expect(b'=')?;
        let text = self.sc.value();
        self.add_value(key, kind, Value { text, line });
        Ok(())
    }

    /// Checks the key against its section's table, warning as upstream does.
    fn validate_key(&mut self, key: &str, line: usize) -> Result<KeyKind, String> {
        let Some(section) = self.out.sections.last() else {
            return Err(format!("unknown key name '{key}'"));
        };
        let Some(kind) = keys::lookup(section.ty, key) else {
            return Err(format!("unknown key name '{key}'"));
        };
        let file = self.file;
        let mut warn = Vec::new();
        if let KeyKind::Deprecated(instead) = kind {
            warn.push(format!(
                "WARNING: key '{key}' is deprecated in {file} line {line}; use '{instead}' instead."
            ));
        }
        let repeated = section.entries.iter().any(|e| e.key == key && !e.inherited);
        if kind != KeyKind::List && repeated {
            warn.push(format!(
                "WARNING: key '{key}' is not multi-value; value in {file} line {line} will be ignored."
            ));
        }
        if kind == KeyKind::Removed {
            warn.push(format!(
                "WARNING: key '{key}' was permanently removed from configuration. Refer to documentation for details."
            ));
        }
        self.out.warnings.extend(warn);
        Ok(kind)
    }

    fn add_value(&mut self, key: String, kind: KeyKind, value: Value) {
        let Some(section) = self.out.sections.last_mut() else {
            return;
        };
        match section.entries.iter_mut().find(|e| e.key == key) {
            Some(entry) if entry.inherited => {
                entry.inherited = false;
                entry.values = vec![value];
            }
            Some(entry) if kind == KeyKind::List => entry.values.push(value),
            Some(_) => {}
            None => section.entries.push(Entry {
                key,
                values: vec![value],
                inherited: false,
            }),
        }
    }
}

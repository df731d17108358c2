//! `SET` in its forms: assignments, `NAMES`, `CHARACTER SET`, `TRANSACTION`.

use super::{ParseError, Parser};
use crate::sql::ast::{Assignment, Scope, Set, SetTarget};
use crate::sql::lexer::TokenKind;

impl Parser<'_> {
    pub(super) fn set(&mut self) -> Result<Set, ParseError> {
        self.expect_kw("SET")?;
        if self.eat_kw("NAMES") {
            let charset = self.name_or_string()?;
            let collate = if self.eat_kw("COLLATE") {
                Some(self.name_or_string()?)
            } else {
                None
            };
            return Ok(Set::Names { charset, collate });
        }
        if self.eat_kw("CHARSET") {
            return Ok(Set::CharacterSet(self.name_or_string()?));
        }
        if self.is_kw("CHARACTER") {
            self.pos += 1;
            self.expect_kw("SET")?;
            return Ok(Set::CharacterSet(self.name_or_string()?));
        }
        let scope = self.opt_scope();
        if self.eat_kw("TRANSACTION") {
            return self.set_transaction(scope);
        }
        let mut assignments = vec![self.assignment(scope)?];
        let mut scope = scope;
        while self.eat_op(",") {
            let next = self.opt_scope();
            if next != Scope::Default {
                scope = next;
            }
            assignments.push(self.assignment(scope)?);
        }
        Ok(Set::Assign(assignments))
    }

    /// `GLOBAL`, `SESSION` or `LOCAL`, if present.
    pub(super) fn opt_scope(&mut self) -> Scope {
        if self.eat_kw("GLOBAL") {
            Scope::Global
        } else if self.eat_kw("SESSION") || self.eat_kw("LOCAL") {
            Scope::Session
        } else {
            Scope::Default
        }
    }

    fn assignment(&mut self, scope: Scope) -> Result<Assignment, ParseError> {
        let target = match self.peek_kind().cloned() {
            Some(TokenKind::UserVar(name)) => {
                self.pos += 1;
                SetTarget::User(name)
            }
            Some(TokenKind::SysVar(text)) => {
                self.pos += 1;
                let (own, name) = super::expr::split_scope(&text);
                let scope = if own == Scope::Default { scope } else { own };
                SetTarget::System {
                    scope,
                    name: name.to_ascii_lowercase(),
                }
            }
            Some(TokenKind::Ident(_) | TokenKind::BackIdent(_)) => SetTarget::System {
                scope,
                name: self.name()?.to_ascii_lowercase(),
            },
            _ => return Err(self.unexpected()),
        };
        if !self.eat_op("=") {
            self.expect_op(":=")?;
        }
        let value = self.expr()?;
        Ok(Assignment { target, value })
    }

    fn set_transaction(&mut self, scope: Scope) -> Result<Set, ParseError> {
        let mut words = Vec::new();
        while let Some(kind) = self.peek_kind() {
            match kind {
                TokenKind::Ident(w) => words.push(w.to_ascii_uppercase()),
                TokenKind::Op(",") => words.push(",".into()),
                TokenKind::Op(";") => break,
                _ => return Err(self.unexpected()),
            }
            self.pos += 1;
        }
        if words.is_empty() {
            return Err(self.unexpected());
        }
        Ok(Set::Transaction { scope, words })
    }
}

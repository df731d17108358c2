//! Expressions: precedence climbing with a nesting-depth limit.

use super::{ParseError, Parser};
use crate::sql::ast::{BinaryOp, Expr, Scope, UnaryOp};
use crate::sql::lexer::TokenKind;

/// Binding strength of `NOT` (between `AND` and comparisons).
const NOT_PRECEDENCE: u8 = 3;

/// Binding strength of comparisons, `IN` and `BETWEEN`.
const COMPARE_PRECEDENCE: u8 = 4;

impl Parser<'_> {
    /// A full expression.
    pub(super) fn expr(&mut self) -> Result<Expr, ParseError> {
        self.binary(1)
    }

    fn binary(&mut self, min_prec: u8) -> Result<Expr, ParseError> {
        self.enter()?;
        let mut left = self.unary()?;
        loop {
            if min_prec <= COMPARE_PRECEDENCE {
                if let Some(e) = self.in_or_between(&left)? {
                    left = e;
                    continue;
                }
            }
            let Some(op) = self.peek_binary_op() else {
                break;
            };
            if op.precedence() < min_prec {
                break;
            }
            self.pos += 1;
            let right = self.binary(op.precedence() + 1)?;
            left = Expr::Binary {
                op,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
        self.leave();
        Ok(left)
    }

    /// `[NOT] IN (list)` or `[NOT] BETWEEN a AND b` after `left`, if next.
    fn in_or_between(&mut self, left: &Expr) -> Result<Option<Expr>, ParseError> {
        let save = self.pos;
        let negated = self.eat_kw("NOT");
        if self.eat_kw("IN") {
            if let Some(TokenKind::UserVar(name)) = self.peek_kind() {
                let var = Expr::UserVar(name.clone());
                self.pos += 1;
                return Ok(Some(Expr::In {
                    expr: Box::new(left.clone()),
                    list: vec![var],
                    negated,
                }));
            }
            self.expect_op("(")?;
            let list = self.expr_list()?;
            self.expect_op(")")?;
            return Ok(Some(Expr::In {
                expr: Box::new(left.clone()),
                list,
                negated,
            }));
        }
        if self.eat_kw("BETWEEN") {
            let low = self.binary(COMPARE_PRECEDENCE + 1)?;
            self.expect_kw("AND")?;
            let high = self.binary(COMPARE_PRECEDENCE + 1)?;
            return Ok(Some(Expr::Between {
                expr: Box::new(left.clone()),
                low: Box::new(low),
                high: Box::new(high),
                negated,
            }));
        }
        self.pos = save;
        Ok(None)
    }

    fn peek_binary_op(&self) -> Option<BinaryOp> {
        let op = match self.peek_kind()? {
            TokenKind::Op(op) => match *op {
                "||" => BinaryOp::Or,
                "&&" => BinaryOp::And,
                "=" | "==" => BinaryOp::Eq,
                "!=" | "<>" => BinaryOp::Ne,
                "<" => BinaryOp::Lt,
                "<=" => BinaryOp::Le,
                ">" => BinaryOp::Gt,
                ">=" => BinaryOp::Ge,
                "+" => BinaryOp::Add,
                "-" => BinaryOp::Sub,
                "*" => BinaryOp::Mul,
                "/" => BinaryOp::Div,
                "%" => BinaryOp::Mod,
                _ => return None,
            },
            TokenKind::Ident(w) => match w.to_ascii_uppercase().as_str() {
                "OR" => BinaryOp::Or,
                "AND" => BinaryOp::And,
                "DIV" => BinaryOp::IntDiv,
                "MOD" => BinaryOp::Mod,
                _ => return None,
            },
            _ => return None,
        };
        Some(op)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.eat_kw("NOT") {
            let expr = self.binary(NOT_PRECEDENCE)?;
            return Ok(unary(UnaryOp::Not, expr));
        }
        for (op, kind) in [("-", UnaryOp::Neg), ("!", UnaryOp::Not)] {
            if self.eat_op(op) {
                self.enter()?;
                let expr = self.unary()?;
                self.leave();
                return Ok(unary(kind, expr));
            }
        }
        if self.eat_op("+") {
            self.enter()?;
            let expr = self.unary();
            self.leave();
            return expr;
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let Some(kind) = self.peek_kind().cloned() else {
            return Err(self.unexpected());
        };
        let expr = match kind {
            TokenKind::Int(text) => match text.parse::<u64>() {
                Ok(v) => Expr::Int(v),
                Err(_) => Expr::Float(text.parse::<f64>().unwrap_or(f64::MAX)),
            },
            TokenKind::Float(text) => match text.parse::<f64>() {
                Ok(v) => Expr::Float(v),
                Err(_) => return Err(self.unexpected()),
            },
            TokenKind::Str(s) => Expr::Str(s),
            TokenKind::SysVar(name) => sysvar(&name),
            TokenKind::UserVar(name) => Expr::UserVar(name),
            TokenKind::BackIdent(name) => {
                self.pos += 1;
                return Ok(Expr::Ident(self.dotted(name)));
            }
            TokenKind::Ident(word) => return self.word(word),
            TokenKind::Op("(") => return self.parenthesized(),
            TokenKind::Op("*") => Expr::Star,
            TokenKind::Op(_) => return Err(self.unexpected()),
        };
        self.pos += 1;
        Ok(expr)
    }

    fn word(&mut self, word: String) -> Result<Expr, ParseError> {
        let upper = word.to_ascii_uppercase();
        let literal = match upper.as_str() {
            "NULL" => Some(Expr::Null),
            "TRUE" => Some(Expr::Int(1)),
            "FALSE" => Some(Expr::Int(0)),
            _ => None,
        };
        if let Some(lit) = literal {
            self.pos += 1;
            return Ok(lit);
        }
        if upper == "IN"
            && matches!(
                self.tokens.get(self.pos + 1).map(|t| &t.kind),
                Some(TokenKind::Op("("))
            )
        {
            return self.in_function();
        }
        if super::is_reserved(&word) {
            return Err(self.unexpected());
        }
        self.pos += 1;
        if !self.eat_op("(") {
            return Ok(Expr::Ident(self.dotted(word)));
        }
        if upper == "COUNT" && self.eat_kw("DISTINCT") {
            self.enter()?;
            let inner = self.expr()?;
            self.leave();
            self.expect_op(")")?;
            return Ok(Expr::CountDistinct(Box::new(inner)));
        }
        let mut args = Vec::new();
        if !self.eat_op(")") {
            self.enter()?;
            args.push(self.expr()?);
            while self.eat_op(",") {
                args.push(self.expr()?);
            }
            self.leave();
            self.expect_op(")")?;
        }
        Ok(Expr::Call { name: word, args })
    }

    /// The function form `IN(expr, v1, v2, ...)`: `expr IN (v1, v2, ...)`.
    fn in_function(&mut self) -> Result<Expr, ParseError> {
        self.pos += 2;
        self.enter()?;
        let expr = self.expr()?;
        let mut list = Vec::new();
        while self.eat_op(",") {
            list.push(self.expr()?);
        }
        self.leave();
        self.expect_op(")")?;
        Ok(Expr::In {
            expr: Box::new(expr),
            list,
            negated: false,
        })
    }

    /// `name.key.key` (a JSON path): the name and its `.key` parts, joined.
    fn dotted(&mut self, mut name: String) -> String {
        while self.is_op(".") {
            match self.tokens.get(self.pos + 1).map(|t| &t.kind) {
                Some(TokenKind::Ident(k) | TokenKind::BackIdent(k)) => {
                    name.push('.');
                    name.push_str(k);
                    self.pos += 2;
                }
                _ => break,
            }
        }
        name
    }

    fn parenthesized(&mut self) -> Result<Expr, ParseError> {
        self.expect_op("(")?;
        if self.eat_op(")") {
            return Ok(Expr::Tuple(Vec::new()));
        }
        self.enter()?;
        let inner = self.expr()?;
        let mut items = Vec::new();
        while self.eat_op(",") {
            items.push(self.expr()?);
        }
        self.leave();
        self.expect_op(")")?;
        if items.is_empty() {
            return Ok(inner);
        }
        items.insert(0, inner);
        Ok(Expr::Tuple(items))
    }
}

fn unary(op: UnaryOp, expr: Expr) -> Expr {
    Expr::Unary {
        op,
        expr: Box::new(expr),
    }
}

/// Splits `session.name` / `global.name` / `local.name` into scope and name.
pub(super) fn sysvar(text: &str) -> Expr {
    let (scope, name) = split_scope(text);
    Expr::SysVar {
        scope,
        name: name.to_string(),
    }
}

/// The scope prefix of a `@@` variable, if any, and the rest.
pub(crate) fn split_scope(text: &str) -> (Scope, &str) {
    if let Some((prefix, rest)) = text.split_once('.') {
        if prefix.eq_ignore_ascii_case("session") || prefix.eq_ignore_ascii_case("local") {
            return (Scope::Session, rest);
        }
        if prefix.eq_ignore_ascii_case("global") {
            return (Scope::Global, rest);
        }
    }
    (Scope::Default, text)
}

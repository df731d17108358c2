//! Prints the syntax tree back as SphinxQL that parses to the same tree.

use std::fmt::{self, Display, Formatter, Write};

use super::ast::{
    Assignment, Expr, Limit, Scope, SelectItem, Set, SetTarget, Show, ShowFilter, Statement,
    Transaction, UnaryOp,
};

mod query;
mod table;

pub(crate) use query::write_list;

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Select(s) => s.fmt(f),
            Statement::Set(s) => s.fmt(f),
            Statement::Transaction(t) => t.fmt(f),
            Statement::Show(s) => s.fmt(f),
            other => table::statement(f, other),
        }
    }
}

impl Display for SelectItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)?;
        if let Some(alias) = &self.alias {
            write!(f, " AS {}", Ident(alias))?;
        }
        Ok(())
    }
}

impl Display for Limit {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.offset == 0 {
            write!(f, "LIMIT {}", self.count)
        } else {
            write!(f, "LIMIT {}, {}", self.offset, self.count)
        }
    }
}

impl Display for Scope {
    /// `GLOBAL `, `SESSION ` or nothing (with the trailing blank).
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Default => Ok(()),
            Scope::Session => f.write_str("SESSION "),
            Scope::Global => f.write_str("GLOBAL "),
        }
    }
}

impl Display for Set {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Set::Assign(list) => {
                f.write_str("SET ")?;
                write_list(f, list)
            }
            Set::Names { charset, collate } => {
                write!(f, "SET NAMES {}", Quoted(charset))?;
                match collate {
                    Some(c) => write!(f, " COLLATE {}", Quoted(c)),
                    None => Ok(()),
                }
            }
            Set::CharacterSet(cs) => write!(f, "SET CHARACTER SET {}", Quoted(cs)),
            Set::Transaction { scope, words } => {
                write!(f, "SET {scope}TRANSACTION")?;
                for w in words {
                    if w == "," {
                        f.write_char(',')?;
                    } else {
                        write!(f, " {w}")?;
                    }
                }
                Ok(())
            }
        }
    }
}

impl Display for Assignment {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match &self.target {
            SetTarget::System { scope, name } => write!(f, "{scope}{}", Ident(name))?,
            SetTarget::User(name) => write!(f, "@{name}")?,
        }
        write!(f, " = {}", self.value)
    }
}

impl Display for Transaction {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transaction::Begin => "BEGIN",
            Transaction::StartTransaction => "START TRANSACTION",
            Transaction::Commit => "COMMIT",
            Transaction::Rollback => "ROLLBACK",
        })
    }
}

impl Display for Show {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Show::Variables { scope, filter } => {
                write!(f, "SHOW {scope}VARIABLES")?;
                match filter {
                    Some(ShowFilter::Like(p)) => write!(f, " LIKE {}", Quoted(p)),
                    Some(ShowFilter::Where(e)) => write!(f, " WHERE {e}"),
                    None => Ok(()),
                }
            }
            Show::Status { scope, like } => {
                write!(f, "SHOW {scope}STATUS")?;
                write_like(f, like)
            }
            Show::Warnings => f.write_str("SHOW WARNINGS"),
            Show::Threads => f.write_str("SHOW THREADS"),
            Show::Tables { like } => {
                f.write_str("SHOW TABLES")?;
                write_like(f, like)
            }
            Show::Databases { like } => {
                f.write_str("SHOW DATABASES")?;
                write_like(f, like)
            }
            Show::Meta { like } => {
                f.write_str("SHOW META")?;
                write_like(f, like)
            }
            Show::Collation => f.write_str("SHOW COLLATION"),
            Show::CharacterSet => f.write_str("SHOW CHARACTER SET"),
            Show::CreateTable(t) => write!(f, "SHOW CREATE TABLE {}", Ident(t)),
            Show::TableStatus { table, like } => {
                write!(f, "SHOW TABLE {} STATUS", Ident(table))?;
                write_like(f, like)
            }
        }
    }
}

fn write_like(f: &mut Formatter<'_>, like: &Option<String>) -> fmt::Result {
    match like {
        Some(p) => write!(f, " LIKE {}", Quoted(p)),
        None => Ok(()),
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Null => f.write_str("NULL"),
            Expr::Int(v) => write!(f, "{v}"),
            Expr::Float(v) => write!(f, "{v:?}"),
            Expr::Str(s) => Quoted(s).fmt(f),
            Expr::SysVar { scope, name } => match scope {
                Scope::Default => write!(f, "@@{name}"),
                Scope::Session => write!(f, "@@session.{name}"),
                Scope::Global => write!(f, "@@global.{name}"),
            },
            Expr::UserVar(name) => write!(f, "@{name}"),
            Expr::Ident(name) => Ident(name).fmt(f),
            Expr::Call { name, args } => {
                write!(f, "{name}(")?;
                write_list(f, args)?;
                f.write_char(')')
            }
            Expr::Unary { op, expr } => write_unary(f, *op, expr),
            Expr::Star => f.write_char('*'),
            Expr::Tuple(items) => {
                f.write_char('(')?;
                write_list(f, items)?;
                f.write_char(')')
            }
            Expr::CountDistinct(e) => write!(f, "COUNT(DISTINCT {e})"),
            Expr::In {
                expr,
                list,
                negated,
            } => {
                write_operand(f, expr, 5, false)?;
                f.write_str(if *negated { " NOT IN (" } else { " IN (" })?;
                write_list(f, list)?;
                f.write_char(')')
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => {
                write_operand(f, expr, 5, false)?;
                f.write_str(if *negated {
                    " NOT BETWEEN "
                } else {
                    " BETWEEN "
                })?;
                write_operand(f, low, 5, false)?;
                f.write_str(" AND ")?;
                write_operand(f, high, 5, false)
            }
            Expr::Binary { op, left, right } => {
                let prec = op.precedence();
                write_operand(f, left, prec, false)?;
                write!(f, " {} ", op.symbol())?;
                write_operand(f, right, prec, true)
            }
        }
    }
}

fn write_unary(f: &mut Formatter<'_>, op: UnaryOp, expr: &Expr) -> fmt::Result {
    let atomic = !matches!(
        expr,
        Expr::Unary { .. } | Expr::Binary { .. } | Expr::In { .. } | Expr::Between { .. }
    );
    let prefix = match op {
        UnaryOp::Neg => "-",
        UnaryOp::Not => "NOT ",
    };
    if atomic {
        write!(f, "{prefix}{expr}")
    } else {
        write!(f, "{prefix}({expr})")
    }
}

/// An operand of a binary operator, parenthesised when it would otherwise regroup.
fn write_operand(f: &mut Formatter<'_>, e: &Expr, parent: u8, right: bool) -> fmt::Result {
    let wrap = match e {
        Expr::Binary { op, .. } => op.precedence() < parent || (right && op.precedence() == parent),
        Expr::In { .. } | Expr::Between { .. } => parent >= 4,
        Expr::Unary {
            op: UnaryOp::Not, ..
        } => true,
        _ => false,
    };
    if wrap {
        write!(f, "({e})")
    } else {
        e.fmt(f)
    }
}

/// A name, backquoted when it is not a plain word or is a keyword; a JSON path
/// (`a.b.c`) prints part by part.
pub(crate) struct Ident<'a>(pub(crate) &'a str);

impl Display for Ident<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.0.contains('.') && !self.0.split('.').any(str::is_empty) {
            for (i, part) in self.0.split('.').enumerate() {
                if i > 0 {
                    f.write_char('.')?;
                }
                Part(part).fmt(f)?;
            }
            return Ok(());
        }
        Part(self.0).fmt(f)
    }
}

/// One part of a name.
struct Part<'a>(&'a str);

impl Display for Part<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let name = self.0;
        let plain = name
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
            && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
            && !super::parser::is_reserved(name)
            && !matches!(
                name.to_ascii_uppercase().as_str(),
                "TRUE" | "FALSE" | "NULL"
            );
        if plain {
            f.write_str(name)
        } else {
            write!(f, "`{name}`")
        }
    }
}

/// A single-quoted string literal with backslash escapes.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl Display for Quoted<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('\'')?;
        for c in self.0.chars() {
            match c {
                '\'' => f.write_str("\\'")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '\0' => f.write_str("\\0")?,
                '\u{8}' => f.write_str("\\b")?,
                '\u{1a}' => f.write_str("\\Z")?,
                other => f.write_char(other)?,
            }
        }
        f.write_char('\'')
    }
}

#[cfg(test)]
#[path = "print_tests.rs"]
mod tests;

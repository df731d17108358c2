//! Printing table statements.

use std::fmt::{self, Display, Formatter, Write};

use super::{write_list, Ident, Quoted};
use crate::sql::ast::{AlterAction, ColumnDef, CreateTable, Statement};

/// Prints the statements that are not session statements.
pub(super) fn statement(f: &mut Formatter<'_>, stmt: &Statement) -> fmt::Result {
    match stmt {
        Statement::CreateTable(c) => c.fmt(f),
        Statement::DropTable { name, if_exists } => {
            let ie = if *if_exists { "IF EXISTS " } else { "" };
            write!(f, "DROP TABLE {ie}{}", Ident(name))
        }
        Statement::Truncate(t) => write!(f, "TRUNCATE TABLE {}", Ident(t)),
        Statement::Describe { table, like } => {
            write!(f, "DESCRIBE {}", Ident(table))?;
            match like {
                Some(p) => write!(f, " LIKE {}", Quoted(p)),
                None => Ok(()),
            }
        }
        Statement::Alter(a) => {
            write!(f, "ALTER TABLE {} ", Ident(&a.table))?;
            match &a.action {
                AlterAction::Add(c) => write!(f, "ADD COLUMN {c}"),
                AlterAction::Drop(c) => write!(f, "DROP COLUMN {}", Ident(c)),
            }
        }
        Statement::Insert(i) => {
            let verb = if i.replace { "REPLACE" } else { "INSERT" };
            write!(f, "{verb} INTO {}", Ident(&i.table))?;
            if !i.columns.is_empty() {
                let cols: Vec<Ident<'_>> = i.columns.iter().map(|c| Ident(c)).collect();
                f.write_str(" (")?;
                write_list(f, &cols)?;
                f.write_char(')')?;
            }
            f.write_str(" VALUES ")?;
            for (n, row) in i.rows.iter().enumerate() {
                f.write_str(if n > 0 { ", (" } else { "(" })?;
                write_list(f, row)?;
                f.write_char(')')?;
            }
            Ok(())
        }
        Statement::Update(u) => {
            write!(f, "UPDATE {} SET ", Ident(&u.table))?;
            for (n, (col, v)) in u.set.iter().enumerate() {
                if n > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{} = {v}", Ident(col))?;
            }
            write!(f, " WHERE {}", u.filter)
        }
        Statement::Delete(d) => {
            write!(f, "DELETE FROM {}", Ident(&d.table))?;
            write!(f, " WHERE {}", d.filter)
        }
        Statement::ReloadTls => f.write_str("RELOAD TLS"),
        Statement::FlushRamchunk(name) => write!(f, "FLUSH RAMCHUNK {name}"),
        Statement::Optimize { table, cutoff } => {
            write!(f, "OPTIMIZE TABLE {table}")?;
            match cutoff {
                Some(n) => write!(f, " OPTION cutoff={n}"),
                None => Ok(()),
            }
        }
        Statement::Call(c) => {
            write!(f, "CALL {}(", c.name)?;
            for (i, a) in c.args.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{}", a.value)?;
                if let Some(o) = &a.option {
                    write!(f, " AS {}", Ident(o))?;
                }
            }
            f.write_char(')')
        }
        other => other.fmt(f),
    }
}

impl Display for CreateTable {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE TABLE ")?;
        if self.if_not_exists {
            f.write_str("IF NOT EXISTS ")?;
        }
        write!(f, "{} (", Ident(&self.name))?;
        write_list(f, &self.columns)?;
        f.write_char(')')?;
        for (k, v) in &self.options {
            write!(f, " {k} = {}", Quoted(v))?;
        }
        Ok(())
    }
}

impl Display for ColumnDef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", Ident(&self.name), self.ty)?;
        for flag in &self.flags {
            write!(f, " {flag}")?;
        }
        Ok(())
    }
}

//! Printing `SELECT` and its clauses.

use std::fmt::{self, Display, Formatter, Write};

use super::Ident;
use crate::sql::ast::{Facet, OptionValue, OrderKey, QueryOption, Select};

/// Items separated by `, `.
pub(crate) fn write_list<T: Display>(f: &mut Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        item.fmt(f)?;
    }
    Ok(())
}

impl Display for Select {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("SELECT ")?;
        write_list(f, &self.items)?;
        if !self.from.is_empty() {
            f.write_str(" FROM ")?;
            let names: Vec<Ident<'_>> = self.from.iter().map(|n| Ident(n)).collect();
            write_list(f, &names)?;
        }
        if let Some(w) = &self.filter {
            write!(f, " WHERE {w}")?;
        }
        if !self.group_by.is_empty() {
            f.write_str(" GROUP BY ")?;
            write_list(f, &self.group_by)?;
        }
        if !self.within_group.is_empty() {
            f.write_str(" WITHIN GROUP ORDER BY ")?;
            write_list(f, &self.within_group)?;
        }
        if let Some(h) = &self.having {
            write!(f, " HAVING {h}")?;
        }
        if !self.order_by.is_empty() {
            f.write_str(" ORDER BY ")?;
            write_list(f, &self.order_by)?;
        }
        if let Some(limit) = &self.limit {
            write!(f, " {limit}")?;
        }
        if !self.options.is_empty() {
            f.write_str(" OPTION ")?;
            write_list(f, &self.options)?;
        }
        for facet in &self.facets {
            write!(f, " {facet}")?;
        }
        Ok(())
    }
}

impl Display for OrderKey {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            self.expr,
            if self.desc { "DESC" } else { "ASC" }
        )
    }
}

impl Display for QueryOption {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} = ", Ident(&self.name))?;
        match &self.value {
            OptionValue::Expr(e) => e.fmt(f),
            OptionValue::Map(pairs) => {
                f.write_char('(')?;
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{} = {v}", Ident(k))?;
                }
                f.write_char(')')
            }
        }
    }
}

impl Display for Facet {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("FACET ")?;
        write_list(f, &self.items)?;
        if !self.by.is_empty() {
            f.write_str(" BY ")?;
            write_list(f, &self.by)?;
        }
        if !self.order_by.is_empty() {
            f.write_str(" ORDER BY ")?;
            write_list(f, &self.order_by)?;
        }
        if let Some(limit) = &self.limit {
            write!(f, " {limit}")?;
        }
        Ok(())
    }
}

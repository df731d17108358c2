//! `SELECT` without `FROM`: one row of evaluated expressions.

use crate::service::{Column, Outcome, QueryError};
use crate::sql::ast::Select;

use super::eval::eval;
use super::Ctx;

/// Evaluates every item once; `LIMIT` can only keep or drop that one row.
pub fn run(ctx: &Ctx<'_>, select: &Select) -> Result<Outcome, QueryError> {
    let mut columns = Vec::with_capacity(select.items.len());
    let mut row = Vec::with_capacity(select.items.len());
    for item in &select.items {
        let (ty, value) = eval(ctx, &item.expr)?;
        columns.push(Column::new(item.column_name(), ty));
        row.push(value);
    }
    let keep = select.limit.is_none_or(|l| l.offset == 0 && l.count > 0);
    let rows = if keep { vec![row] } else { Vec::new() };
    Ok(Outcome::Rows { columns, rows })
}

//! The select list over a page of rows or groups. Each column is resolved once per
//! result set: `id`, a stored text field or an attribute of the schema becomes an
//! index read straight from the row, anything else an expression evaluated per
//! row. The cells are those evaluating every column by name would give.

use crate::engine::{Schema, TextCache};
use crate::service::{Column, ColumnType, Outcome, QueryError, Row as OutRow, Value};
use crate::sql::ast::{Expr, SelectItem};

use super::query::{as_group, Grouped};
use super::rowexpr::{Env, Row};
use super::value::{attr_cell, attr_column_type, Val};

/// Where a column's cells come from.
#[derive(Clone, Copy)]
enum Source {
    /// The document id.
    Id,
    /// A stored text field of the schema, by index.
    Text(usize),
    /// An attribute of the schema, by index.
    Attr(usize),
}

/// One column of the result set.
struct Col<'s> {
    /// Its name as a column reference (`*` columns), or its expression: what is
    /// evaluated when `source` is `None`, or the row has another schema than the
    /// one the column was resolved against.
    by_name: Result<&'s str, &'s Expr>,
    source: Option<Source>,
    /// Its type does not depend on its values (schema columns, counts).
    fixed: bool,
}

/// A name as a column reading evaluates it: `id`, then an attribute, then a stored
/// field (`None`: a JSON path, an alias or an unknown name).
fn resolve(schema: &Schema, name: &str) -> Option<Source> {
    if name.contains('.') {
        return None;
    }
    if name.eq_ignore_ascii_case("id") {
        return Some(Source::Id);
    }
    if let Some(i) = schema.attr_index(name) {
        return Some(Source::Attr(i));
    }
    schema.field_index(name).map(Source::Text)
}

/// The result set of `items` over `page` (`blank` stands for the row of an empty
/// group).
pub(super) fn project(
    env: &Env<'_>,
    items: &[SelectItem],
    page: &[Grouped<'_>],
    blank: &Row<'_>,
    grouped: bool,
) -> Result<Outcome, QueryError> {
    let schema = env.schema;
    let star = 1 + schema.fields.iter().filter(|f| f.stored).count() + schema.attrs.len();
    let width = items
        .iter()
        .map(|i| if i.expr == Expr::Star { star } else { 1 })
        .sum();
    let mut columns: Vec<Column> = Vec::with_capacity(width);
    let mut cols: Vec<Col<'_>> = Vec::with_capacity(width);
    for item in items {
        if item.expr == Expr::Star {
            columns.push(Column::new("id", ColumnType::BigInt));
            cols.push(Col {
                by_name: Ok("id"),
                source: Some(Source::Id),
                fixed: true,
            });
            let fields = schema.fields.iter().filter(|f| f.stored);
            let fields = fields.map(|f| (f.name.as_str(), ColumnType::String));
            let attrs = schema.attrs.iter();
            let attrs = attrs.map(|a| (a.name.as_str(), attr_column_type(a.ty)));
            for (name, ty) in fields.chain(attrs) {
                columns.push(Column::new(name, ty));
                cols.push(Col {
                    by_name: Ok(name),
                    source: resolve(schema, name),
                    fixed: true,
                });
            }
        } else {
            let ty = static_type(schema, &item.expr);
            columns.push(Column::new(
                item.column_name(),
                ty.unwrap_or(ColumnType::String),
            ));
            let source = match &item.expr {
                Expr::Ident(name) => resolve(schema, name),
                _ => None,
            };
            cols.push(Col {
                by_name: Err(&item.expr),
                source,
                fixed: matches!(&item.expr, Expr::Ident(_)) || ty.is_some(),
            });
        }
    }
    // A stored text shown twice is copied; shown once, it is moved.
    let last_use: Vec<bool> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| match c.source {
            Some(Source::Text(f)) => !cols[i + 1..]
                .iter()
                .any(|later| matches!(later.source, Some(Source::Text(g)) if g == f)),
            _ => false,
        })
        .collect();
    let loose_count = cols.iter().filter(|c| !c.fixed).count();
    // The values of the columns whose type their values decide, row by row.
    let mut loose: Vec<Val> = Vec::with_capacity(loose_count * page.len());
    let mut rows: Vec<OutRow> = Vec::with_capacity(page.len());
    // Rows stored in one block decompress it once.
    let mut cache = TextCache::default();
    for g in page {
        let group = as_group(g, grouped);
        let rep = g.members.first().unwrap_or(blank);
        let same_schema = std::ptr::eq(rep.schema, schema);
        // The stored texts, read (decompressed) once for all the columns that show
        // them.
        let mut texts: Option<Vec<String>> = None;
        let mut row = Vec::with_capacity(cols.len());
        for ((c, ty), last) in cols.iter().zip(&columns).zip(&last_use) {
            let ty = ty.ty;
            let source = match c.source {
                Some(Source::Text(_) | Source::Attr(_)) if !same_schema => None,
                s => s,
            };
            let val = match source {
                Some(Source::Id) => Val::Int(rep.doc.id as i64),
                Some(Source::Text(i)) => {
                    let texts = texts.get_or_insert_with(|| rep.doc.fields.to_vec_with(&mut cache));
                    let text = match texts.get_mut(i) {
                        Some(t) if *last => std::mem::take(t),
                        Some(t) => t.clone(),
                        None => String::new(),
                    };
                    Val::Str(text)
                }
                Some(Source::Attr(i)) => {
                    row.push(attr_cell(rep.doc.attrs.get(i), ty));
                    continue;
                }
                None => match c.by_name {
                    Ok(name) => env.column_value(name, rep, Some(&group))?,
                    Err(e) => env.eval(e, rep, Some(&group))?,
                },
            };
            if c.fixed {
                row.push(val.into_cell(ty));
            } else {
                loose.push(val);
                row.push(Value::Null);
            }
        }
        rows.push(row);
    }
    if loose_count > 0 {
        let unfixed = cols.iter().enumerate().filter(|(_, c)| !c.fixed);
        for (k, (i, _)) in unfixed.enumerate() {
            let at = |r: usize| r * loose_count + k;
            let first = (0..rows.len())
                .map(|r| &loose[at(r)])
                .find(|v| !matches!(v, Val::Null));
            if let Some(v) = first {
                columns[i].ty = v.column_type();
            }
            for (r, row) in rows.iter_mut().enumerate() {
                let v = std::mem::replace(&mut loose[at(r)], Val::Null);
                row[i] = v.into_cell(columns[i].ty);
            }
        }
    }
    Ok(Outcome::Rows { columns, rows })
}

/// The type a column has whatever its values: schema columns and counts.
pub(super) fn static_type(schema: &Schema, e: &Expr) -> Option<ColumnType> {
    match e {
        Expr::Ident(n) if n.eq_ignore_ascii_case("id") => Some(ColumnType::BigInt),
        Expr::Ident(n) if !n.contains('.') => match schema.attr_index(n) {
            Some(i) => Some(attr_column_type(schema.attrs[i].ty)),
            None => schema.field_index(n).map(|_| ColumnType::String),
        },
        Expr::Ident(_) => Some(ColumnType::String),
        Expr::CountDistinct(_) => Some(ColumnType::BigInt),
        Expr::Call { name, .. }
            if name.eq_ignore_ascii_case("COUNT") || name.eq_ignore_ascii_case("WEIGHT") =>
        {
            Some(ColumnType::BigInt)
        }
        _ => None,
    }
}

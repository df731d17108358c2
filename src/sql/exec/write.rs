//! Writes: `INSERT`, `REPLACE`, `UPDATE`, `DELETE`, and transactions (`BEGIN`,
//! `COMMIT`, `ROLLBACK`, `autocommit=0`) that hold inserts and deletes until
//! `COMMIT`.

use crate::engine::{AttrType, AttrValue, Document, Schema, WriteMode};
use crate::service::{Outcome, PendingOp, PendingWrites, QueryError, Session};
use crate::sql::ast::{Delete, Expr, Insert, Transaction, Update};

use super::ddl::table;
use super::options::QueryOptions;
use super::query::matching_rows;
use super::rowexpr::Env;
use super::value::Val;
use super::Ctx;

fn done(affected: u64, last_insert_id: u64) -> Outcome {
    Outcome::Done {
        affected,
        last_insert_id,
        warnings: 0,
    }
}

fn engine_err(e: crate::engine::EngineError) -> QueryError {
    QueryError::new(e.0)
}

/// Where an `INSERT` value goes.
#[derive(Clone, Copy)]
enum Target {
    Id,
    Field(usize),
    Attr(usize),
}

fn targets(schema: &Schema, columns: &[String]) -> Result<Vec<Target>, QueryError> {
    for (i, c) in columns.iter().enumerate() {
        if columns[..i].iter().any(|p| p.eq_ignore_ascii_case(c)) {
            return Err(QueryError {
                code: 1110,
                sqlstate: "42000",
                message: format!("column '{c}' specified twice"),
            });
        }
    }
    if columns.is_empty() {
        let mut all = vec![Target::Id];
        all.extend((0..schema.fields.len()).map(Target::Field));
        all.extend((0..schema.attrs.len()).map(Target::Attr));
        return Ok(all);
    }
    columns
        .iter()
        .map(|c| {
            if c.eq_ignore_ascii_case("id") {
                Ok(Target::Id)
            } else if let Some(i) = schema.field_index(c) {
                Ok(Target::Field(i))
            } else if let Some(i) = schema.attr_index(c) {
                Ok(Target::Attr(i))
            } else {
                Err(QueryError::new(format!("unknown column: '{c}'")))
            }
        })
        .collect()
}

/// `INSERT` / `REPLACE`.
pub fn insert(ctx: &Ctx<'_>, session: &mut Session, ins: &Insert) -> Result<Outcome, QueryError> {
    let t = table(ctx, &ins.table, |n| format!("table '{n}' absent"))?;
    let schema = t.schema();
    let targets = targets(&schema, &ins.columns)?;
    let mut docs = Vec::with_capacity(ins.rows.len());
    for row in &ins.rows {
        if row.len() != targets.len() {
            let what = if ins.columns.is_empty() {
                "schema"
            } else {
                "value count"
            };
            return Err(QueryError::new(format!(
                "column count does not match {what} (expected {}, got {})",
                targets.len(),
                row.len()
            )));
        }
        docs.push(document(ctx, &schema, &targets, row, docs.len() + 1)?);
    }
    let n = docs.len() as u64;
    let mode = if ins.replace {
        WriteMode::Replace
    } else {
        WriteMode::Insert
    };
    if let Some(txn) = open_txn(session, t.name())? {
        txn.ops.push(PendingOp::Write(docs, mode));
        return Ok(done(n, 0));
    }
    let ids = t.write(docs, mode).map_err(engine_err)?;
    let last = ids.last().copied().unwrap_or(0);
    session.last_insert_ids = join_ids(&ids);
    Ok(done(n, last))
}

fn document(
    ctx: &Ctx<'_>,
    schema: &Schema,
    targets: &[Target],
    row: &[Expr],
    row_no: usize,
) -> Result<Document, QueryError> {
    let mut doc = Document {
        id: 0,
        fields: vec![String::new(); schema.fields.len()],
        attrs: schema
            .attrs
            .iter()
            .map(|a| AttrValue::default_for(a.ty))
            .collect(),
    };
    for (col, (target, expr)) in targets.iter().zip(row).enumerate() {
        if let Some(problem) = type_problem(schema, *target, expr) {
            return Err(QueryError::new(format!(
                "row {row_no}, column {}: {problem}",
                col + 1
            )));
        }
        if *expr == Expr::Null {
            continue;
        }
        let v = literal(ctx, expr)?;
        match *target {
            Target::Id => doc.id = id_value(&v)?,
            Target::Field(i) => doc.fields[i] = into_text(v),
            Target::Attr(i) => {
                let a = &schema.attrs[i];
                doc.attrs[i] = attr_value(&a.name, a.ty, v)?;
            }
        }
    }
    Ok(doc)
}

/// Why a value cannot go into a column, in upstream's words (`NULL` fits all).
fn type_problem(schema: &Schema, target: Target, e: &Expr) -> Option<&'static str> {
    let tuple = matches!(e, Expr::Tuple(_));
    match target {
        _ if *e == Expr::Null => None,
        Target::Field(_) if !matches!(e, Expr::Str(_)) => Some("string expected"),
        Target::Attr(i) => {
            let mva = matches!(schema.attrs[i].ty, AttrType::Multi | AttrType::Multi64);
            let json = schema.attrs[i].ty == AttrType::Json;
            if tuple && !mva && !json {
                Some("MVA value specified for a non-MVA column")
            } else if mva && !tuple {
                Some("non-MVA value specified for a MVA column")
            } else {
                None
            }
        }
        _ => None,
    }
}

fn join_ids(ids: &[u64]) -> String {
    ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

/// A value as text, moved out when it is a string already.
fn into_text(v: Val) -> String {
    match v {
        Val::Str(s) => s,
        other => other.text(),
    }
}

/// A constant value (tuples become MVA sets).
fn literal(ctx: &Ctx<'_>, e: &Expr) -> Result<Val, QueryError> {
    if let Expr::Str(s) = e {
        // What evaluating the literal gives, with one copy of the text.
        return Ok(Val::Str(s.clone()));
    }
    if let Expr::Tuple(items) = e {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match literal(ctx, item)?.as_i64() {
                Some(v) => out.push(v),
                None => return Err(QueryError::new("MVA elements must be integers")),
            }
        }
        return Ok(Val::Mva(out));
    }
    Ok(Val::from_value(super::eval::eval(ctx, e)?.1))
}

fn id_value(v: &Val) -> Result<u64, QueryError> {
    match v.as_i64() {
        Some(i) if i >= 0 => Ok(i as u64),
        Some(_) => Err(QueryError::new("Negative document ids are not allowed")),
        None => Err(QueryError::new("'id' must be an integer")),
    }
}

/// Converts a value for an attribute of type `ty`.
pub fn attr_value(name: &str, ty: AttrType, v: Val) -> Result<AttrValue, QueryError> {
    let int = |v: &Val| v.as_i64().unwrap_or(0);
    Ok(match ty {
        AttrType::Uint | AttrType::Timestamp => AttrValue::Int(int(&v) & 0xFFFF_FFFF),
        AttrType::Bigint => AttrValue::Int(int(&v)),
        AttrType::Bool => AttrValue::Int(i64::from(v.truthy())),
        AttrType::Float => AttrValue::Float(v.as_f64().unwrap_or(0.0) as f32),
        AttrType::String => AttrValue::Str(into_text(v)),
        AttrType::Json => match v {
            Val::Mva(m) => AttrValue::Json(m.into_iter().map(serde_json::Value::from).collect()),
            Val::Str(s) if s.trim().is_empty() => AttrValue::Json(serde_json::Value::Null),
            Val::Str(s) => AttrValue::Json(
                serde_json::from_str(&s)
                    .map_err(|e| QueryError::new(format!("column '{name}': JSON error: {e}")))?,
            ),
            other => AttrValue::Json(serde_json::from_str(&other.text()).unwrap_or_default()),
        },
        AttrType::Multi | AttrType::Multi64 => {
            let mut set = match v {
                Val::Mva(m) => m,
                Val::Null => Vec::new(),
                other => vec![int(&other)],
            };
            if ty == AttrType::Multi {
                set.iter_mut().for_each(|x| *x &= 0xFFFF_FFFF);
            }
            set.sort_unstable();
            set.dedup();
            AttrValue::Mva(set)
        }
    })
}

/// The open transaction, when writes must wait for `COMMIT` (after `BEGIN`, or
/// with `autocommit=0`); `None` when they apply now.
fn open_txn<'s>(
    session: &'s mut Session,
    table: &str,
) -> Result<Option<&'s mut PendingWrites>, QueryError> {
    if session.txn.is_none() && session.autocommit {
        return Ok(None);
    }
    let txn = session.txn.get_or_insert_with(PendingWrites::default);
    if txn.table.is_empty() {
        txn.table = table.to_string();
    } else if !txn.table.eq_ignore_ascii_case(table) {
        return Err(QueryError::new(format!(
            "current txn is working with another table ('{}')",
            txn.table
        )));
    }
    Ok(Some(txn))
}

/// Ids of the documents a `WHERE` selects.
fn selected_ids(
    ctx: &Ctx<'_>,
    table_name: &str,
    filter: Option<&Expr>,
    missing: impl Fn(&str) -> String,
) -> Result<(std::sync::Arc<crate::engine::Table>, Vec<u64>), QueryError> {
    let t = table(ctx, table_name, missing)?;
    let ids = ids_where(ctx, t.name(), &t.reader(), filter)?;
    Ok((t, ids))
}

fn ids_where(
    ctx: &Ctx<'_>,
    table_name: &str,
    reader: &crate::engine::Reader,
    filter: Option<&Expr>,
) -> Result<Vec<u64>, QueryError> {
    let schema = reader.schema().clone();
    let env = Env {
        ctx,
        schema: &schema,
        aliases: Vec::new(),
    };
    if let Some(f) = filter {
        env.check_filter(table_name, f)?;
    }
    let opts = QueryOptions::parse(&[], &schema)?;
    let (rows, _) = matching_rows(reader, &env, filter, &opts)?;
    Ok(rows.iter().map(|r| r.doc.id).collect())
}

/// `DELETE FROM t WHERE ...`.
pub fn delete(ctx: &Ctx<'_>, session: &mut Session, d: &Delete) -> Result<Outcome, QueryError> {
    let missing = |n: &str| format!("unknown table '{n}' in delete request");
    let (t, ids) = selected_ids(ctx, &d.table, Some(&d.filter), missing)?;
    let n = ids.len() as u64;
    if let Some(txn) = open_txn(session, t.name())? {
        txn.ops.push(PendingOp::Delete(ids));
        return Ok(done(n, 0));
    }
    Ok(done(t.delete(&ids) as u64, 0))
}

/// `UPDATE t SET attr = value, ... WHERE ...` (applied at once, as upstream).
pub fn update(ctx: &Ctx<'_>, u: &Update) -> Result<Outcome, QueryError> {
    let t = table(ctx, &u.table, |n| {
        format!("unknown table '{n}' in update request")
    })?;
    let schema = t.schema();
    let mut sets = Vec::with_capacity(u.set.len());
    for (col, e) in &u.set {
        if col.eq_ignore_ascii_case("id") {
            return Err(QueryError::new("'id' attribute cannot be updated"));
        }
        match schema.attr_index(col) {
            Some(i) => sets.push((i, e)),
            None => {
                return Err(QueryError::new(format!(
                    "table {}: attribute '{col}' not found",
                    t.name()
                )))
            }
        }
    }
    let changes = changes(ctx, t.name(), &t.reader(), &schema, &sets, Some(&u.filter))?;
    let mut affected = 0;
    for (id, values) in changes {
        if t.update(id, &values).map_err(engine_err)? {
            affected += 1;
        }
    }
    Ok(done(affected, 0))
}

type Change = (u64, Vec<(usize, AttrValue)>);

/// The new attribute values of every document `filter` selects.
fn changes(
    ctx: &Ctx<'_>,
    table_name: &str,
    reader: &crate::engine::Reader,
    schema: &Schema,
    sets: &[(usize, &Expr)],
    filter: Option<&Expr>,
) -> Result<Vec<Change>, QueryError> {
    let env = Env {
        ctx,
        schema,
        aliases: Vec::new(),
    };
    if let Some(f) = filter {
        env.check_filter(table_name, f)?;
    }
    for (_, e) in sets {
        env.check_expr(table_name, e)?;
    }
    let opts = QueryOptions::parse(&[], schema)?;
    let (rows, _) = matching_rows(reader, &env, filter, &opts)?;
    let mut changes = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut values = Vec::with_capacity(sets.len());
        for (i, e) in sets {
            let a = &schema.attrs[*i];
            let v = match e {
                Expr::Tuple(_) => literal(ctx, e)?,
                other => env.eval(other, row, None)?,
            };
            values.push((*i, attr_value(&a.name, a.ty, v)?));
        }
        changes.push((row.doc.id, values));
    }
    Ok(changes)
}

/// `BEGIN`, `START TRANSACTION`, `COMMIT`, `ROLLBACK`.
pub fn transaction(
    ctx: &Ctx<'_>,
    session: &mut Session,
    tx: Transaction,
) -> Result<Outcome, QueryError> {
    match tx {
        Transaction::Begin | Transaction::StartTransaction => {
            commit(ctx, session)?;
            session.txn = Some(PendingWrites::default());
        }
        Transaction::Commit => commit(ctx, session)?,
        Transaction::Rollback => session.txn = None,
    }
    Ok(Outcome::ok())
}

/// Applies the open transaction's writes, in order.
pub fn commit(ctx: &Ctx<'_>, session: &mut Session) -> Result<(), QueryError> {
    let Some(txn) = session.txn.take() else {
        return Ok(());
    };
    if txn.ops.is_empty() {
        return Ok(());
    }
    let t = table(ctx, &txn.table, |n| format!("table '{n}' absent"))?;
    for op in txn.ops {
        match op {
            PendingOp::Write(docs, mode) => {
                let ids = t.write(docs, mode).map_err(engine_err)?;
                session.last_insert_ids = join_ids(&ids);
            }
            PendingOp::Delete(ids) => {
                t.delete(&ids);
            }
        }
    }
    Ok(())
}

//! Table definitions: `CREATE TABLE`, `DROP TABLE`, `TRUNCATE TABLE`, `ALTER TABLE`,
//! `DESCRIBE`, `SHOW CREATE TABLE` and `SHOW TABLES`.

use std::sync::Arc;

use crate::engine::{Attr, AttrType, Field, Schema, Table, TableSettings};
use crate::service::{Outcome, QueryError, Value};
use crate::sql::ast::{Alter, AlterAction, ColumnDef, CreateTable};
use crate::sql::like::like_match;

use super::{string_table, Ctx};

/// A table by name, or `missing(name)` as the error.
pub fn table(
    ctx: &Ctx<'_>,
    name: &str,
    missing: impl Fn(&str) -> String,
) -> Result<Arc<Table>, QueryError> {
    ctx.state
        .catalog
        .get(name)
        .ok_or_else(|| QueryError::new(missing(name)))
}

fn engine_err(e: crate::engine::EngineError) -> QueryError {
    QueryError::new(e.0)
}

/// `CREATE TABLE`.
pub fn create(ctx: &Ctx<'_>, c: &CreateTable) -> Result<Outcome, QueryError> {
    let mut schema = Schema::default();
    for col in &c.columns {
        if col.name.eq_ignore_ascii_case("id") {
            continue;
        }
        if schema.field_index(&col.name).is_some() || schema.attr_index(&col.name).is_some() {
            return Err(QueryError::new(format!(
                "duplicate attribute name '{}'",
                col.name
            )));
        }
        match column(col)? {
            Column::Field(f) => schema.fields.push(f),
            Column::Attr(a) => schema.attrs.push(a),
        }
    }
    let settings = settings(&c.options)?;
    ctx.state
        .catalog
        .create(&c.name, schema, settings, c.if_not_exists)
        .map_err(engine_err)?;
    Ok(Outcome::ok())
}

enum Column {
    Field(Field),
    Attr(Attr),
}

fn column(col: &ColumnDef) -> Result<Column, QueryError> {
    let ty = match col.ty.as_str() {
        "text" => {
            let indexed = col.flags.iter().any(|f| f == "indexed");
            let stored = col.flags.iter().any(|f| f == "stored");
            let both = !indexed && !stored;
            return Ok(Column::Field(Field {
                name: col.name.clone(),
                indexed: indexed || both,
                stored: stored || both,
            }));
        }
        "int" | "integer" | "uint" => AttrType::Uint,
        "bigint" => AttrType::Bigint,
        "float" => AttrType::Float,
        "bool" => AttrType::Bool,
        "timestamp" => AttrType::Timestamp,
        "string" => AttrType::String,
        "json" => AttrType::Json,
        "multi" | "mva" => AttrType::Multi,
        "multi64" | "mva64" => AttrType::Multi64,
        other => {
            return Err(QueryError::new(format!(
                "P01: syntax error, unexpected identifier near '{other}'"
            )))
        }
    };
    Ok(Column::Attr(Attr {
        name: col.name.clone(),
        ty,
    }))
}

fn number(key: &str, v: &str) -> Result<usize, QueryError> {
    v.trim()
        .parse()
        .map_err(|_| QueryError::new(format!("invalid {key} value '{v}'")))
}

fn settings(options: &[(String, String)]) -> Result<TableSettings, QueryError> {
    let mut s = TableSettings::default();
    for (key, value) in options {
        match key.as_str() {
            "morphology" => s.morphology = value.clone(),
            "min_word_len" => s.min_word_len = number(key, value)?,
            "min_prefix_len" => s.min_prefix_len = number(key, value)?,
            "min_infix_len" => s.min_infix_len = number(key, value)?,
            "charset_table" => s.charset_table = Some(value.clone()),
            "html_strip" => s.html_strip = number(key, value)? != 0,
            "stopwords" => {
                s.stopwords_files = value.clone();
                s.stopwords = read_stopwords(value)?;
            }
            _ => {}
        }
    }
    Ok(s)
}

/// Reads stopword files (names separated by blanks or commas).
fn read_stopwords(files: &str) -> Result<Vec<String>, QueryError> {
    let mut words = Vec::new();
    for name in files.split([' ', ',']).filter(|n| !n.is_empty()) {
        let text = std::fs::read_to_string(name)
            .map_err(|e| QueryError::new(format!("failed to open stopwords file '{name}': {e}")))?;
        words.extend(text.split_whitespace().map(str::to_lowercase));
    }
    Ok(words)
}

/// `DROP TABLE`.
pub fn drop(ctx: &Ctx<'_>, name: &str, if_exists: bool) -> Result<Outcome, QueryError> {
    if !if_exists && ctx.state.catalog.get(name).is_none() {
        return Err(QueryError::new(format!(
            "DROP TABLE failed: unknown table '{name}'"
        )));
    }
    ctx.state
        .catalog
        .drop_table(name, if_exists)
        .map_err(engine_err)?;
    Ok(Outcome::ok())
}

/// `TRUNCATE TABLE`.
pub fn truncate(ctx: &Ctx<'_>, name: &str) -> Result<Outcome, QueryError> {
    table(ctx, name, |_| {
        "TRUNCATE RTINDEX requires an existing RT table".to_string()
    })?
    .truncate();
    Ok(Outcome::ok())
}

/// `FLUSH RAMCHUNK t`: the table's in-memory data goes to its disk chunk now.
pub fn flush_ramchunk(ctx: &Ctx<'_>, name: &str) -> Result<Outcome, QueryError> {
    maintain(ctx, name, "FLUSH RAMCHUNK", |t| {
        t.flush().map_err(engine_err)
    })
}

/// `OPTIMIZE TABLE t [OPTION cutoff=N]`: merges the table's disk chunks (down to
/// `cutoff`, 1 by default) on a background thread; queries keep running meanwhile.
pub fn optimize(ctx: &Ctx<'_>, name: &str, cutoff: Option<u64>) -> Result<Outcome, QueryError> {
    let cutoff = usize::try_from(cutoff.unwrap_or(1)).unwrap_or(usize::MAX);
    maintain(ctx, name, "OPTIMIZE TABLE", |t| {
        t.optimize(cutoff);
        Ok(())
    })
}

/// A maintenance statement on an existing table (upstream's error names the statement).
fn maintain(
    ctx: &Ctx<'_>,
    name: &str,
    what: &str,
    run: impl FnOnce(&std::sync::Arc<crate::engine::Table>) -> Result<(), QueryError>,
) -> Result<Outcome, QueryError> {
    let t = table(ctx, name, |_| {
        format!("{what} requires an existing RT table")
    })?;
    run(&t)?;
    Ok(Outcome::ok())
}

/// `ALTER TABLE ... ADD COLUMN / DROP COLUMN`.
pub fn alter(ctx: &Ctx<'_>, a: &Alter) -> Result<Outcome, QueryError> {
    let t = table(ctx, &a.table, |n| {
        format!("'{n}' is absent, or does not support ALTER")
    })?;
    match &a.action {
        AlterAction::Add(col) => match column(col)? {
            Column::Attr(attr) => t.add_attr(attr).map_err(engine_err)?,
            Column::Field(_) => {
                return Err(QueryError::new(
                    "ALTER TABLE ADD COLUMN supports attributes only, not text fields",
                ))
            }
        },
        AlterAction::Drop(name) => {
            if t.schema().attr_index(name).is_none() {
                return Err(QueryError::new(format!(
                    "attribute '{name}' does not exist"
                )));
            }
            t.drop_attr(name).map_err(engine_err)?
        }
    }
    Ok(Outcome::ok())
}

fn field_props(f: &Field) -> &'static str {
    match (f.indexed, f.stored) {
        (true, true) => "indexed stored",
        (true, false) => "indexed",
        (false, true) => "stored",
        (false, false) => "",
    }
}

/// `DESCRIBE table`: `Field`, `Type`, `Properties`.
pub fn describe(ctx: &Ctx<'_>, name: &str, like: Option<&str>) -> Result<Outcome, QueryError> {
    let t = ctx
        .state
        .catalog
        .get(name)
        .ok_or_else(|| QueryError::new(format!("no such table '{name}'")))?;
    let schema = t.schema();
    let text = |s: &str| Value::Str(s.to_string());
    let mut rows = vec![vec![text("id"), text("bigint"), text("")]];
    for f in &schema.fields {
        rows.push(vec![text(&f.name), text("text"), text(field_props(f))]);
    }
    for a in &schema.attrs {
        rows.push(vec![text(&a.name), text(a.ty.describe_name()), text("")]);
    }
    rows.retain(|r| match (like, r.first()) {
        (Some(p), Some(Value::Str(field))) => like_match(p, field),
        _ => true,
    });
    Ok(string_table(&["Field", "Type", "Properties"], rows))
}

/// The type word `SHOW CREATE TABLE` writes for an attribute.
fn create_type(ty: AttrType) -> &'static str {
    match ty {
        AttrType::Uint => "integer",
        AttrType::Multi => "multi",
        AttrType::Multi64 => "multi64",
        other => other.describe_name(),
    }
}

/// `SHOW CREATE TABLE`: `Table`, `Create Table`.
pub fn show_create(ctx: &Ctx<'_>, name: &str) -> Result<Outcome, QueryError> {
    let t = ctx
        .state
        .catalog
        .get(name)
        .ok_or_else(|| QueryError::new(format!("no such table '{name}'")))?;
    let schema = t.schema();
    let mut cols = vec!["id bigint".to_string()];
    for f in &schema.fields {
        let props = match (f.indexed, f.stored) {
            (true, true) => "",
            (true, false) => " indexed",
            _ => " stored",
        };
        cols.push(format!("{} text{props}", f.name));
    }
    for a in &schema.attrs {
        cols.push(format!("{} {}", a.name, create_type(a.ty)));
    }
    let mut sql = format!("CREATE TABLE {} (\n{}\n)", t.name(), cols.join(",\n"));
    for (k, v) in settings_pairs(t.settings()) {
        sql.push_str(&format!(" {k}='{v}'"));
    }
    let row = vec![Value::Str(t.name().to_string()), Value::Str(sql)];
    Ok(string_table(&["Table", "Create Table"], vec![row]))
}

/// The settings that differ from the defaults, as `CREATE TABLE` options, in
/// upstream's order (index, tokenizer, then dictionary settings).
fn settings_pairs(s: &TableSettings) -> Vec<(&'static str, String)> {
    let d = TableSettings::default();
    let mut out = Vec::new();
    if s.min_prefix_len != 0 {
        out.push(("min_prefix_len", s.min_prefix_len.to_string()));
    }
    if s.min_infix_len != 0 {
        out.push(("min_infix_len", s.min_infix_len.to_string()));
    }
    if s.html_strip {
        out.push(("html_strip", "1".to_string()));
    }
    if let Some(c) = &s.charset_table {
        out.push(("charset_table", c.clone()));
    }
    if s.min_word_len > 1 {
        out.push(("min_word_len", s.min_word_len.to_string()));
    }
    if s.morphology != d.morphology && !s.morphology.is_empty() {
        out.push(("morphology", s.morphology.clone()));
    }
    if !s.stopwords_files.is_empty() {
        out.push(("stopwords", s.stopwords_files.clone()));
    }
    out
}

/// `SHOW TABLES [LIKE 'p']`: `Table`, `Type`.
pub fn show_tables(ctx: &Ctx<'_>, like: Option<&str>) -> Outcome {
    let rows = ctx
        .state
        .catalog
        .names()
        .into_iter()
        .filter(|n| like.is_none_or(|p| like_match(p, n)))
        .map(|n| vec![Value::Str(n), Value::Str("rt".into())])
        .collect();
    string_table(&["Table", "Type"], rows)
}

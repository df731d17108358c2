//! `/insert`, `/replace`, `/update`, `/delete` (and their `/bulk` lines): JSON to
//! SphinxQL, and results to upstream's answers (pure).

use hyper::StatusCode;
use serde_json::{Map, Value as Json};

use super::errors::ApiError;
use super::ojson::J;
use super::query;
use super::sqltext::{column, doc_value, table_name};
use crate::service::{Outcome, QueryError};

/// What a write request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `/insert`, `/create`: `INSERT`.
    Insert,
    /// `/replace`, `/index`: `REPLACE`.
    Replace,
    /// `/update`: `UPDATE`.
    Update,
    /// `/delete`: `DELETE`.
    Delete,
}

impl Action {
    /// The action of an endpoint path or a bulk line key.
    pub fn from_name(name: &str) -> Option<Action> {
        match name.trim_start_matches('/').trim_start_matches("json/") {
            "insert" | "create" => Some(Action::Insert),
            "replace" | "index" => Some(Action::Replace),
            "update" => Some(Action::Update),
            "delete" => Some(Action::Delete),
            _ => None,
        }
    }
}

/// A translated write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOp {
    /// What it does.
    pub action: Action,
    /// The table written.
    pub table: String,
    /// The document id, when the request names one.
    pub id: Option<u64>,
    /// The statement.
    pub sql: String,
}

/// Translates a write request body.
pub fn plan(action: Action, body: &Json) -> Result<WriteOp, ApiError> {
    let Some(obj) = body.as_object() else {
        return Err(ApiError::parse("request body must be a JSON object"));
    };
    let table = table_name(obj.get("table").or_else(|| obj.get("index")))?;
    let id = doc_id(obj).map_err(|e| e.with_table(&table))?;
    let sql = match action {
        Action::Insert | Action::Replace => insert_sql(action, &table, id, obj),
        Action::Update => update_sql(&table, id, obj),
        Action::Delete => delete_sql(&table, id, obj),
    }
    .map_err(|e| e.with_table(&table))?;
    Ok(WriteOp {
        action,
        table,
        id,
        sql,
    })
}

fn doc_id(obj: &Map<String, Json>) -> Result<Option<u64>, ApiError> {
    match obj.get("id") {
        None | Some(Json::Null) => Ok(None),
        Some(v) => match v
            .as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        {
            Some(0) => Ok(None),
            Some(n) => Ok(Some(n)),
            None => Err(ApiError::illegal(format!(
                "'id' must be a non-negative integer, got {v}"
            ))),
        },
    }
}

fn doc(obj: &Map<String, Json>) -> Result<Vec<(String, String)>, ApiError> {
    let d = match obj.get("doc") {
        None => return Ok(Vec::new()),
        Some(Json::Object(d)) => d,
        Some(other) => {
            return Err(ApiError::illegal(format!(
                "'doc' must be an object, got {other}"
            )))
        }
    };
    d.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| Ok((column(k)?, doc_value(v)?)))
        .collect()
}

fn insert_sql(
    action: Action,
    table: &str,
    id: Option<u64>,
    obj: &Map<String, Json>,
) -> Result<String, ApiError> {
    let fields = doc(obj)?;
    if fields.iter().any(|(k, _)| k.eq_ignore_ascii_case("id")) {
        return Err(ApiError::illegal("'id' belongs outside 'doc'"));
    }
    let mut cols = Vec::new();
    let mut vals = Vec::new();
    if id.is_some() || fields.is_empty() {
        cols.push("id".to_string());
        vals.push(id.unwrap_or(0).to_string());
    }
    for (k, v) in fields {
        cols.push(k);
        vals.push(v);
    }
    let verb = if action == Action::Replace {
        "REPLACE"
    } else {
        "INSERT"
    };
    Ok(format!(
        "{verb} INTO {table} ({}) VALUES ({})",
        cols.join(", "),
        vals.join(", ")
    ))
}

/// `WHERE id=N` or the translated `query`.
fn target(id: Option<u64>, obj: &Map<String, Json>) -> Result<String, ApiError> {
    if let Some(id) = id {
        return Ok(format!("id={id}"));
    }
    let Some(q) = obj.get("query") else {
        return Err(ApiError::illegal("either 'id' or 'query' is required"));
    };
    let w = query::translate(q)?.where_clause();
    if w.is_empty() {
        // match_all: every document.
        Ok("id>0".to_string())
    } else {
        Ok(w)
    }
}

fn update_sql(table: &str, id: Option<u64>, obj: &Map<String, Json>) -> Result<String, ApiError> {
    let fields = doc(obj)?;
    if fields.is_empty() {
        return Err(ApiError::illegal(
            "'doc' with at least one attribute is required",
        ));
    }
    let set: Vec<String> = fields
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    Ok(format!(
        "UPDATE {table} SET {} WHERE {}",
        set.join(", "),
        target(id, obj)?
    ))
}

fn delete_sql(table: &str, id: Option<u64>, obj: &Map<String, Json>) -> Result<String, ApiError> {
    Ok(format!("DELETE FROM {table} WHERE {}", target(id, obj)?))
}

/// The answer to a write (its HTTP status and body); `id_key` is `id` on the
/// endpoints and `_id` in `/bulk` items.
pub fn reply(
    op: &WriteOp,
    result: Result<Outcome, QueryError>,
    id_key: &str,
) -> Result<(StatusCode, J), ApiError> {
    let (affected, last_id) = match result {
        Ok(Outcome::Done {
            affected,
            last_insert_id,
            ..
        }) => (affected, last_insert_id),
        Ok(Outcome::Rows { rows, .. }) => (rows.len() as u64, 0),
        Err(e) => return Err(ApiError::from_query(&e).with_table(&op.table)),
    };
    let id = op.id.unwrap_or(last_id);
    let base = J::obj().with("table", op.table.as_str());
    let out = match (op.action, op.id) {
        (Action::Insert, _) => base
            .with(id_key, id)
            .with("created", true)
            .with("result", "created")
            .with("status", 201u64),
        (Action::Replace, _) => base
            .with(id_key, id)
            .with("created", false)
            .with("result", "updated")
            .with("status", 200u64),
        (Action::Update, Some(id)) => base
            .with(id_key, id)
            .with("result", if affected > 0 { "updated" } else { "noop" }),
        (Action::Update, None) => base.with("updated", affected),
        (Action::Delete, Some(id)) => base
            .with(id_key, id)
            .with("found", affected > 0)
            .with("result", if affected > 0 { "deleted" } else { "not found" }),
        (Action::Delete, None) => base.with("deleted", affected),
    };
    Ok((StatusCode::OK, out))
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;

//! `CALL KEYWORDS('text', 'table' [, 1 AS stats])`: how a table tokenizes a text.

use crate::engine::MatchOptions;
use crate::service::{Outcome, QueryError, Value};
use crate::sql::ast::{Call, CallArg, Expr};

use super::{string_table, Ctx};

/// Runs a `CALL`.
pub fn run(ctx: &Ctx<'_>, call: &Call) -> Result<Outcome, QueryError> {
    match call.name.as_str() {
        "KEYWORDS" => keywords(ctx, &call.args),
        other => Err(QueryError::new(format!(
            "no such built-in procedure {other}"
        ))),
    }
}

fn bad_args() -> QueryError {
    QueryError::new("bad argument count or types in KEYWORDS() call")
}

fn keywords(ctx: &Ctx<'_>, args: &[CallArg]) -> Result<Outcome, QueryError> {
    let (positional, options): (Vec<&CallArg>, Vec<&CallArg>) =
        args.iter().partition(|a| a.option.is_none());
    let (text, table, mut stats) = match positional.as_slice() {
        [t, i] => (&t.value, &i.value, false),
        [t, i, s] => match &s.value {
            Expr::Int(v) => (&t.value, &i.value, *v != 0),
            _ => return Err(bad_args()),
        },
        _ => return Err(bad_args()),
    };
    let (Expr::Str(text), Expr::Str(table)) = (text, table) else {
        return Err(bad_args());
    };
    for opt in options {
        match (opt.option.as_deref(), &opt.value) {
            (Some("stats"), Expr::Int(v)) => stats = *v != 0,
            (Some(name), _) => return Err(QueryError::new(format!("unknown option {name}"))),
            (None, _) => {}
        }
    }
    let t = ctx
        .state
        .catalog
        .get(table)
        .ok_or_else(|| QueryError::new(format!("no such table {table}")))?;
    let reader = t.reader();
    let mut rows = Vec::new();
    for k in t.keywords(text) {
        let mut row = vec![
            Value::Str(k.qpos.to_string()),
            Value::Str(k.tokenized.clone()),
            Value::Str(k.normalized.clone()),
        ];
        if stats {
            let (docs, hits) = reader
                .search(&k.tokenized, &MatchOptions::default())
                .ok()
                .and_then(|m| m.keywords.first().map(|s| (s.docs, s.hits)))
                .unwrap_or((0, 0));
            row.push(Value::Str(docs.to_string()));
            row.push(Value::Str(hits.to_string()));
        }
        rows.push(row);
    }
    let mut names = vec!["qpos", "tokenized", "normalized"];
    if stats {
        names.extend(["docs", "hits"]);
    }
    Ok(string_table(&names, rows))
}

//! `SET`: session settings. `autocommit` and `@user` variables (integer sets)
//! change behaviour; every other assignment (`NAMES`, `sql_mode`,
//! `TRANSACTION ...`) is accepted, as connectors need it to be.

use crate::service::{Outcome, QueryError, Session};
use crate::sql::ast::{Expr, Set, SetTarget};

/// Applies a `SET`.
pub fn run(session: &mut Session, set: &Set) -> Result<Outcome, QueryError> {
    if let Set::Assign(list) = set {
        for a in list {
            match &a.target {
                SetTarget::System { name, .. } if name == "autocommit" => {
                    session.autocommit = switch_value(name, &a.value)?;
                }
                SetTarget::User(name) => {
                    // Other values (`SET @old = @@character_set_client`, as dump
                    // scripts write) are accepted and not kept.
                    match int_set(&a.value) {
                        Some(set) => session.user_vars.insert(name.to_ascii_lowercase(), set),
                        None => session.user_vars.remove(&name.to_ascii_lowercase()),
                    };
                }
                SetTarget::System { .. } => {}
            }
        }
    }
    Ok(Outcome::ok())
}

/// A user variable's value: an integer or a list of them, kept sorted.
fn int_set(value: &Expr) -> Option<Vec<i64>> {
    let items: &[Expr] = match value {
        Expr::Tuple(items) => items,
        other => std::slice::from_ref(other),
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Expr::Int(v) => out.push(i64::try_from(*v).unwrap_or(i64::MAX)),
            Expr::Unary {
                op: crate::sql::ast::UnaryOp::Neg,
                expr,
            } if matches!(**expr, Expr::Int(_)) => {
                if let Expr::Int(v) = **expr {
                    out.push(-i64::try_from(v).unwrap_or(i64::MAX));
                }
            }
            _ => return None,
        }
    }
    out.sort_unstable();
    Some(out)
}

/// Reads a boolean setting: `0`/`1`, `ON`/`OFF`, `TRUE`/`FALSE`, also quoted.
fn switch_value(name: &str, value: &Expr) -> Result<bool, QueryError> {
    let word = match value {
        Expr::Int(v) => Some(v.to_string()),
        Expr::Str(s) | Expr::Ident(s) => Some(s.to_ascii_lowercase()),
        _ => None,
    };
    match word.as_deref() {
        Some("1" | "on" | "true") => Ok(true),
        Some("0" | "off" | "false") => Ok(false),
        _ => Err(QueryError::new(format!(
            "Variable '{name}' can't be set to the value of '{value}'"
        ))),
    }
}

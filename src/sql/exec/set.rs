//! `SET`: session settings. Only `autocommit` changes behaviour today; every other
//! assignment (`NAMES`, `sql_mode`, `@user` variables, `TRANSACTION ...`) is
//! accepted, as connectors need it to be.

use crate::service::{Outcome, QueryError, Session};
use crate::sql::ast::{Expr, Set, SetTarget};

/// Applies a `SET`.
pub fn run(session: &mut Session, set: &Set) -> Result<Outcome, QueryError> {
    if let Set::Assign(list) = set {
        for a in list {
            if let SetTarget::System { name, .. } = &a.target {
                if name == "autocommit" {
                    session.autocommit = switch_value(name, &a.value)?;
                }
            }
        }
    }
    Ok(Outcome::ok())
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

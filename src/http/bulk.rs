//! `/bulk`: NDJSON, one write per line, each reported on its own.

use hyper::StatusCode;
use serde_json::Value as Json;

use super::errors::ApiError;
use super::ojson::J;
use super::write::{self, Action};
use crate::service::{Outcome, QueryError};

/// The answer to a bulk request, given a way to run one SQL statement.
/// Every line is attempted; a failed line does not stop the others, and the reply
/// says which lines failed (HTTP 500 when any did).
pub fn run(
    body: &str,
    mut exec: impl FnMut(&str) -> Result<Outcome, QueryError>,
) -> (StatusCode, J) {
    let mut items = Vec::new();
    let mut skipped = 0u64;
    let mut current = 0u64;
    let mut first_error: Option<String> = None;
    for line in body.lines() {
        current += 1;
        if line.trim().is_empty() {
            skipped += 1;
            continue;
        }
        let (name, result) = line_result(line, &mut exec);
        let item = match result {
            Ok(j) => j,
            Err(e) => {
                first_error.get_or_insert_with(|| format!("line {current}: {}", e.reason));
                let (status, ty) = super::errors::describe(e.kind);
                let mut err = J::obj().with("type", ty).with("reason", e.reason.as_str());
                let mut j = J::obj();
                if let Some(t) = &e.table {
                    j.push("table", t.as_str());
                    err.push("table", t.as_str());
                }
                j.with("error", err)
                    .with("status", u64::from(status.as_u16()))
            }
        };
        items.push(J::obj().with(&name, item));
    }
    let failed = first_error.is_some();
    let out = J::obj()
        .with("items", items)
        .with("current_line", current)
        .with("skipped_lines", skipped)
        .with("errors", failed)
        .with("error", first_error.unwrap_or_default());
    let status = if failed {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    };
    (status, out)
}

/// One line: its action name and its reply or error.
fn line_result(
    line: &str,
    exec: &mut impl FnMut(&str) -> Result<Outcome, QueryError>,
) -> (String, Result<J, ApiError>) {
    let v: Json = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            return (
                "error".into(),
                Err(ApiError::parse(format!("invalid JSON: {e}"))),
            )
        }
    };
    let Some((name, body)) = v
        .as_object()
        .filter(|o| o.len() == 1)
        .and_then(|o| o.iter().next())
    else {
        return (
            "error".into(),
            Err(ApiError::illegal(
                "each line must be an object with one action",
            )),
        );
    };
    let Some(action) = Action::from_name(name) else {
        return (
            name.clone(),
            Err(ApiError::illegal(format!("unknown bulk action '{name}'"))),
        );
    };
    let result = write::plan(action, body).and_then(|op| {
        let r = exec(&op.sql);
        write::reply(&op, r, "_id").map(|(_, j)| j)
    });
    (name.clone(), result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_each_line() {
        let body = concat!(
            "{\"insert\":{\"table\":\"t\",\"id\":1,\"doc\":{\"a\":1}}}\n",
            "\n",
            "{\"insert\":{\"table\":\"t\",\"id\":1,\"doc\":{\"a\":1}}}\n",
            "{broken\n",
            "{\"delete\":{\"table\":\"t\",\"id\":1}}\n",
        );
        let mut seen = Vec::new();
        let (status, j) = run(body, |sql| {
            seen.push(sql.to_string());
            if seen.len() == 2 {
                Err(QueryError::new("duplicate id '1'"))
            } else {
                Ok(Outcome::Done {
                    affected: 1,
                    last_insert_id: 1,
                    warnings: 0,
                })
            }
        });
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(seen.len(), 3);
        assert_eq!(
            j.render(),
            concat!(
                r#"{"items":[{"insert":{"table":"t","_id":1,"created":true,"result":"created","status":201}},"#,
                r#"{"insert":{"table":"t","error":{"type":"action_request_validation_exception","reason":"duplicate id '1'","table":"t"},"status":409}},"#,
                r#"{"error":{"error":{"type":"parse_exception","reason":"invalid JSON: key must be a string at line 1 column 2"},"status":400}},"#,
                r#"{"delete":{"table":"t","_id":1,"found":true,"result":"deleted"}}],"#,
                r#""current_line":5,"skipped_lines":1,"errors":true,"error":"line 3: duplicate id '1'"}"#
            )
        );
    }

    #[test]
    fn all_good_is_200() {
        let (status, j) = run(
            "{\"replace\":{\"table\":\"t\",\"id\":2,\"doc\":{}}}",
            |_| Ok(Outcome::ok()),
        );
        assert_eq!(status, StatusCode::OK);
        assert!(j.render().ends_with(r#""errors":false,"error":""}"#));
    }
}

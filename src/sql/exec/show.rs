//! `SHOW` statements other than `STATUS` and `THREADS`.

use crate::service::{Column, ColumnType, Outcome, QueryError, Row, Value};
use crate::sql::ast::{BinaryOp, Expr, Show, ShowFilter};
use crate::sql::like::like_match;

use super::sysvars::{mysql_version, sysvar};
use super::{string_table, Ctx};

/// Runs a `SHOW`.
pub fn run(ctx: &Ctx<'_>, show: &Show) -> Result<Outcome, QueryError> {
    match show {
        Show::Variables { filter, .. } => variables(ctx, filter.as_ref()),
        Show::Status { like, .. } => Ok(super::status::show_status(ctx, like.as_deref())),
        Show::Threads => Ok(super::threads::show_threads(ctx.state)),
        Show::Warnings => Ok(string_table(&["Level", "Code", "Message"], Vec::new())),
        Show::Tables { like } => Ok(super::ddl::show_tables(ctx, like.as_deref())),
        Show::CreateTable(name) => super::ddl::show_create(ctx, name),
        Show::Databases { like } => Ok(databases(like.as_deref())),
        Show::Meta { like } => Ok(string_table(
            &["Variable_name", "Value"],
            pairs_like(ctx.session.meta.pairs().into_owned(), like.as_deref()),
        )),
        Show::TableStatus { table, like } => table_status(ctx, table, like.as_deref()),
        Show::Collation => Ok(collation()),
        Show::CharacterSet => Ok(string_table(
            &["Charset", "Description", "Default collation", "Maxlen"],
            vec![texts(&["utf8", "UTF-8 Unicode", "utf8_general_ci", "3"])],
        )),
    }
}

/// `SHOW TABLE t STATUS`: the table's documents, disk chunks and RAM segments.
fn table_status(ctx: &Ctx<'_>, name: &str, like: Option<&str>) -> Result<Outcome, QueryError> {
    let t = super::ddl::table(ctx, name, |n| {
        format!("SHOW TABLE STATUS requires an existing table ('{n}')")
    })?;
    let (disk, ram) = t.chunk_counts();
    let ram_bytes: usize = t
        .memory_report()
        .into_iter()
        .filter(|(part, _)| *part != "segments")
        .map(|(_, bytes)| bytes)
        .sum();
    let pairs = [
        ("index_type", "rt".to_string()),
        ("indexed_documents", t.reader().len().to_string()),
        ("ram_bytes", ram_bytes.to_string()),
        ("disk_chunks", disk.to_string()),
        ("ram_chunk_segments_count", ram.to_string()),
    ];
    let pairs = pairs.into_iter().map(|(n, v)| (n.to_string(), v)).collect();
    Ok(string_table(
        &["Variable_name", "Value"],
        pairs_like(pairs, like),
    ))
}

fn texts(cells: &[&str]) -> Row {
    cells.iter().map(|c| Value::Str((*c).to_string())).collect()
}

/// Name/value pairs kept when they pass a `LIKE` pattern (all of them without one).
pub(crate) fn pairs_like(pairs: Vec<(String, String)>, like: Option<&str>) -> Vec<Row> {
    pairs
        .into_iter()
        .filter(|(name, _)| like.is_none_or(|p| like_match(p, name)))
        .map(|(n, v)| vec![Value::Str(n), Value::Str(v)])
        .collect()
}

/// The `SHOW VARIABLES` rows, in upstream's order.
fn variable_pairs(ctx: &Ctx<'_>) -> Vec<(String, String)> {
    let text = |name: &str| sysvar(ctx, name).1.to_text().unwrap_or_default();
    let session = ctx.session;
    vec![
        ("autocommit", text("autocommit")),
        ("collation_connection", "libc_ci".to_string()),
        ("session_read_only", u8::from(session.readonly).to_string()),
        ("log_level", "info".to_string()),
        ("max_allowed_packet", text("max_allowed_packet")),
        ("character_set_client", "utf8".to_string()),
        ("character_set_connection", "utf8".to_string()),
        ("grouping_in_utc", "0".to_string()),
        ("last_insert_id", session.last_insert_ids.clone()),
        ("wait_timeout", text("wait_timeout")),
        ("interactive_timeout", text("interactive_timeout")),
        ("version", mysql_version(ctx)),
        ("version_comment", text("version_comment")),
        ("user", session.user.clone()),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v))
    .collect()
}

fn variables(ctx: &Ctx<'_>, filter: Option<&ShowFilter>) -> Result<Outcome, QueryError> {
    let pairs = variable_pairs(ctx);
    let rows = match filter {
        None => pairs_like(pairs, None),
        Some(ShowFilter::Like(p)) => pairs_like(pairs, Some(p)),
        Some(ShowFilter::Where(expr)) => {
            let mut rows = Vec::new();
            for (name, value) in pairs {
                if where_holds(expr, &name, &value)? {
                    rows.push(vec![Value::Str(name), Value::Str(value)]);
                }
            }
            rows
        }
    };
    Ok(string_table(&["Variable_name", "Value"], rows))
}

/// Evaluates a `WHERE` over the `Variable_name` and `Value` columns: comparisons
/// joined by `AND`/`OR`, names and texts compared case-insensitively.
fn where_holds(expr: &Expr, name: &str, value: &str) -> Result<bool, QueryError> {
    let Expr::Binary { op, left, right } = expr else {
        return Err(unsupported_where());
    };
    match op {
        BinaryOp::Or => Ok(where_holds(left, name, value)? || where_holds(right, name, value)?),
        BinaryOp::And => Ok(where_holds(left, name, value)? && where_holds(right, name, value)?),
        BinaryOp::Eq | BinaryOp::Ne => {
            let l = operand(left, name, value)?;
            let r = operand(right, name, value)?;
            Ok(l.eq_ignore_ascii_case(&r) == (*op == BinaryOp::Eq))
        }
        _ => Err(unsupported_where()),
    }
}

fn operand(expr: &Expr, name: &str, value: &str) -> Result<String, QueryError> {
    match expr {
        Expr::Ident(col) if col.eq_ignore_ascii_case("variable_name") => Ok(name.to_string()),
        Expr::Ident(col) if col.eq_ignore_ascii_case("value") => Ok(value.to_string()),
        Expr::Ident(col) => Err(QueryError::new(format!("unknown column: '{col}'"))),
        Expr::Str(s) => Ok(s.clone()),
        Expr::Int(i) => Ok(i.to_string()),
        _ => Err(unsupported_where()),
    }
}

fn unsupported_where() -> QueryError {
    QueryError::new(
        "SHOW VARIABLES WHERE supports only Variable_name/Value = 'text' joined by AND/OR",
    )
}

fn databases(like: Option<&str>) -> Outcome {
    let rows = ["information_schema", "Manticore"]
        .into_iter()
        .filter(|db| like.is_none_or(|p| like_match(p, db)))
        .map(|db| vec![Value::Str(db.to_string())])
        .collect();
    string_table(&["Database"], rows)
}

fn collation() -> Outcome {
    let col = |n: &str, t| Column::new(n, t);
    Outcome::Rows {
        columns: vec![
            col("Collation", ColumnType::String),
            col("Charset", ColumnType::String),
            col("Id", ColumnType::BigInt),
            col("Default", ColumnType::String),
            col("Compiled", ColumnType::String),
            col("Sortlen", ColumnType::String),
        ],
        rows: vec![vec![
            Value::Str("utf8_general_ci".into()),
            Value::Str("utf8".into()),
            Value::Int(33),
            Value::Str("Yes".into()),
            Value::Str("Yes".into()),
            Value::Str("1".into()),
        ]],
    }
}

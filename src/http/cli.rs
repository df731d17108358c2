//! `/cli`: results as the text tables the `mysql` client prints (pure).

use crate::service::{Column, ColumnType, Outcome, QueryError, Row};

/// All results of a batch, one block each, as text.
pub fn render(results: &[Result<Outcome, QueryError>], secs: f64) -> String {
    let mut out = String::new();
    for r in results {
        match r {
            Ok(Outcome::Rows { columns, rows }) => out.push_str(&table(columns, rows, secs)),
            Ok(Outcome::Done { affected, .. }) => {
                let unit = if *affected == 1 { "row" } else { "rows" };
                out.push_str(&format!(
                    "Query OK, {affected} {unit} affected ({secs:.3} sec)\n"
                ));
            }
            Err(e) => {
                out.push_str(&format!(
                    "ERROR {} ({}): {}\n",
                    e.code, e.sqlstate, e.message
                ));
            }
        }
    }
    out
}

fn numeric(ty: ColumnType) -> bool {
    !matches!(ty, ColumnType::String)
}

fn table(columns: &[Column], rows: &[Row], secs: f64) -> String {
    if rows.is_empty() {
        return format!("Empty set ({secs:.3} sec)\n");
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|v| v.to_text().unwrap_or_else(|| "NULL".into()))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .filter_map(|r| r.get(i))
                .map(|s| s.chars().count())
                .chain([c.name.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule: String = widths
        .iter()
        .map(|w| format!("+{}", "-".repeat(w + 2)))
        .collect::<String>()
        + "+\n";
    let mut out = rule.clone();
    out.push_str(&line(
        columns.iter().map(|c| (c.name.as_str(), false)),
        &widths,
    ));
    out.push_str(&rule);
    for r in &cells {
        let row = columns
            .iter()
            .enumerate()
            .map(|(i, c)| (r.get(i).map_or("", String::as_str), numeric(c.ty)));
        out.push_str(&line(row, &widths));
    }
    out.push_str(&rule);
    let unit = if rows.len() == 1 { "row" } else { "rows" };
    out.push_str(&format!("{} {unit} in set ({secs:.3} sec)\n", rows.len()));
    out
}

fn line<'a>(cells: impl Iterator<Item = (&'a str, bool)>, widths: &[usize]) -> String {
    let mut out = String::new();
    for ((text, right), w) in cells.zip(widths) {
        let pad = " ".repeat(w - text.chars().count().min(*w));
        if right {
            out.push_str(&format!("| {pad}{text} "));
        } else {
            out.push_str(&format!("| {text}{pad} "));
        }
    }
    out.push_str("|\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::Value;

    #[test]
    fn prints_like_mysql() {
        let results = vec![
            Ok(Outcome::Rows {
                columns: vec![
                    Column::new("id", ColumnType::BigInt),
                    Column::new("title", ColumnType::String),
                ],
                rows: vec![
                    vec![Value::Int(1), Value::Str("héllo".into())],
                    vec![Value::Int(10), Value::Null],
                ],
            }),
            Ok(Outcome::Done {
                affected: 1,
                last_insert_id: 0,
                warnings: 0,
            }),
            Ok(Outcome::Rows {
                columns: vec![Column::new("x", ColumnType::UInt)],
                rows: vec![],
            }),
            Err(QueryError::new("oops")),
        ];
        assert_eq!(
            render(&results, 0.0),
            "+----+-------+\n\
             | id | title |\n\
             +----+-------+\n\
             |  1 | héllo |\n\
             | 10 | NULL  |\n\
             +----+-------+\n\
             2 rows in set (0.000 sec)\n\
             Query OK, 1 row affected (0.000 sec)\n\
             Empty set (0.000 sec)\n\
             ERROR 1064 (42000): oops\n"
        );
    }
}

//! The `/search` `SELECT` built straight as the executor's syntax tree (pure), so a
//! request is not printed to SQL and lexed and parsed back. Requests whose pieces
//! only the SQL parser knows how to read (attribute filters, options, odd names)
//! fall back to parsing the planned text once.

use super::query::Cond;
use crate::sql::ast::{Expr, Limit, OrderKey, Select, SelectItem, Statement};

/// One `ORDER BY` key: `WEIGHT()`, `id` or an attribute name, and its direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// The key as SphinxQL text.
    pub expr: String,
    /// Descending.
    pub desc: bool,
}

/// `SELECT *, WEIGHT() FROM table [WHERE MATCH(..)] [ORDER BY ..] LIMIT offset,limit`
/// as a tree; the same tree [`parsed`] gives for `sql`, which is parsed instead when
/// the request has an attribute filter or a name that is not a plain identifier.
pub fn build(
    table: &str,
    cond: &Cond,
    keys: &[SortKey],
    (offset, count): (u64, u64),
    sql: &str,
) -> Option<Select> {
    let simple = cond.filter.is_empty()
        && plain_name(table)
        && keys
            .iter()
            .all(|k| k.expr == "WEIGHT()" || plain_name(&k.expr));
    if !simple {
        return parsed(sql);
    }
    let filter =
        (!cond.fulltext.is_empty()).then(|| call("MATCH", vec![Expr::Str(cond.fulltext.clone())]));
    let order_by = keys
        .iter()
        .map(|k| OrderKey {
            expr: if k.expr == "WEIGHT()" {
                call("WEIGHT", Vec::new())
            } else {
                Expr::Ident(k.expr.clone())
            },
            desc: k.desc,
        })
        .collect();
    Some(Select {
        items: vec![
            item(Expr::Star, "*"),
            item(call("WEIGHT", Vec::new()), "WEIGHT()"),
        ],
        from: vec![table.to_string()],
        filter,
        order_by,
        limit: Some(Limit { offset, count }),
        ..Select::default()
    })
}

/// `sql` parsed, when it is one `SELECT` (otherwise the text is run as it is, so its
/// error reaches the client as before).
pub fn parsed(sql: &str) -> Option<Select> {
    match crate::sql::parse_statement(sql) {
        Ok(Statement::Select(s)) => Some(s),
        _ => None,
    }
}

fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Call {
        name: name.to_string(),
        args,
    }
}

fn item(expr: Expr, text: &str) -> SelectItem {
    SelectItem {
        expr,
        alias: None,
        text: text.to_string(),
    }
}

/// A name the parser reads as a bare identifier.
fn plain_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !crate::sql::parser::is_keyword(s)
}

#[cfg(test)]
mod tests {
    use super::super::search::plan;
    use serde_json::json;

    /// The tree built from JSON is the one the parser reads from the planned text,
    /// column texts included.
    #[test]
    fn built_tree_equals_the_parsed_text() {
        for body in [
            json!({"table": "t"}),
            json!({"table": "demo", "query": {"match": {"title": "bag"}}, "limit": 5}),
            json!({"table": "t", "query": {"match": {"*": "it's a \\ \"x\""}}, "from": 3}),
            json!({"table": "t", "query": {"match_phrase": {"a,b": "x y"}}}),
            json!({"table": "t", "query": {"query_string": "@title (a | b) -c"}}),
            json!({"table": "t", "sort": [{"price": "desc"}, "_score", "_id"], "limit": u64::MAX}),
            json!({"table": "t", "sort": [{"_score": "asc"}, {"rating": {"order": "desc"}}]}),
        ] {
            let p = plan(&body).unwrap();
            let built = p.select.clone().unwrap();
            let parsed = super::parsed(&p.sql).unwrap();
            assert_eq!(built, parsed, "{body}");
            let texts = |s: &crate::sql::ast::Select| {
                s.items.iter().map(|i| i.text.clone()).collect::<Vec<_>>()
            };
            assert_eq!(texts(&built), texts(&parsed), "{body}");
        }
    }

    #[test]
    fn filters_and_odd_names_go_through_the_parser() {
        let p = plan(&json!({"table": "t", "query": {"equals": {"price": 3}}})).unwrap();
        assert_eq!(p.select, super::parsed(&p.sql));
        assert!(p.select.is_some());
        let p = plan(&json!({"table": "t", "sort": ["order"]})).unwrap();
        assert_eq!(p.select, super::parsed(&p.sql));
    }
}

use super::parse;
use crate::sql::ast::{Expr, Statement, UnaryOp};
use crate::sql::parser::{parse_general, parse_statement};

/// The fast path reads `text`, into the statement the general parser builds.
fn same(text: &str) {
    let fast = parse(text).unwrap_or_else(|| panic!("fast path refused {text:?}"));
    match parse_general(text) {
        Ok(Statement::Insert(general)) => assert_eq!(fast, general, "{text}"),
        other => panic!("general parser: {other:?} for {text:?}"),
    }
}

/// The fast path leaves `text` to the general parser.
fn refused(text: &str) {
    assert_eq!(parse(text), None, "{text}");
}

#[test]
fn reads_plain_multi_row_inserts() {
    same("INSERT INTO products (title, body, price, category) VALUES ('a', 'b c', 10, 'x'), ('d', 'e', 20, 'y')");
    same("insert into t values (1,'x',2)");
    same("REPLACE INTO `my table` (`id`, title) VALUES (5, \"dq\")");
    same("  INSERT\tINTO t(id,f)VALUES(1,'a'),(2,'b') ;  ");
    same("INSERT INTO t VALUES (1, 'it''s', 'back\\\\slash \\n \\' \\% \\_', 'привет')");
    same("INSERT INTO t VALUES (-5, 1.5, -0.25, NULL, null, 007)");
    same("INSERT INTO t VALUES (1, (1, 2, -3), (), ('a'))");
    same("INSERT INTO t VALUES (18446744073709551615, '')");
    same("INSERT INTO values VALUES (1)");
}

#[test]
fn builds_the_expected_values() {
    let ins = parse("INSERT INTO t (id, f) VALUES (-7, 'a\\tb'), (3, NULL)").unwrap();
    assert!(!ins.replace);
    assert_eq!(ins.table, "t");
    assert_eq!(ins.columns, ["id", "f"]);
    let neg = Expr::Unary {
        op: UnaryOp::Neg,
        expr: Box::new(Expr::Int(7)),
    };
    assert_eq!(
        ins.rows,
        vec![
            vec![neg, Expr::Str("a\tb".into())],
            vec![Expr::Int(3), Expr::Null]
        ]
    );
}

#[test]
fn leaves_other_forms_to_the_general_parser() {
    for text in [
        "INSERT INTO t VALUES (1 + 2)",
        "INSERT INTO t VALUES (1e3)",
        "INSERT INTO t VALUES (18446744073709551616)",
        "INSERT INTO t VALUES (.5)",
        "INSERT INTO t VALUES (1.)",
        "INSERT INTO t VALUES (- 1)",
        "INSERT INTO t VALUES (TRUE)",
        "INSERT INTO t VALUES (@x)",
        "INSERT INTO t VALUES ((1, 2) )  -- comment",
        "INSERT /* c */ INTO t VALUES (1)",
        "INSERT INTO t VALUES (1) # c",
        "INSERT INTO t VALUES ((1 + 2))",
        "SELECT 1",
        "INSERT INTO db.t VALUES (1)",
        "INSERT INTO t SELECT 1",
    ] {
        refused(text);
    }
}

#[test]
fn malformed_inserts_get_the_general_parsers_errors() {
    for (text, message) in [
        (
            "INSERT INTO t VALUES (1, 'a'",
            "P01: syntax error, unexpected $end near ''",
        ),
        (
            "INSERT INTO t VALUES (1, 'a",
            "P01: unterminated string near ''a'",
        ),
        (
            "INSERT INTO t VALUES ()",
            "P01: syntax error, unexpected ')' near ')'",
        ),
        (
            "INSERT INTO t VALUES (1) (2)",
            "P01: syntax error, unexpected '(' near '(2)'",
        ),
        (
            "INSERT INTO t VALUES (1 'a')",
            "P01: syntax error, unexpected string near ''a')'",
        ),
        (
            "INSERT t VALUES (1)",
            "P01: syntax error, unexpected identifier near 't VALUES (1)'",
        ),
        (
            "INSERT INTO t VALUES (1),",
            "P01: syntax error, unexpected $end near ''",
        ),
        (
            "INSERT INTO t (a,) VALUES (1)",
            "P01: syntax error, unexpected ')' near ') VALUES (1)'",
        ),
    ] {
        refused(text);
        let got = parse_statement(text).expect_err(text).message;
        assert_eq!(got, message, "{text}");
        assert_eq!(parse_general(text).expect_err(text).message, message);
    }
}

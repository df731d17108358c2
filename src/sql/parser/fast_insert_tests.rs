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

/// A tiny deterministic generator (the tests need no real randomness).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next(items.len())]
    }
}

/// Random statements of the shapes bulk loaders send, many of them broken or
/// with expressions and comments: whatever the fast path accepts, the general
/// parser reads into the same statement (the rest goes to the general parser).
#[test]
fn agrees_with_the_general_parser_on_generated_statements() {
    let pieces = [
        "a", "Z", " ", "'", "''", "\\'", "\\\\", "\\n", "\"", "é", "ж", ",", ")", "(", ";", "--",
        "#", "/*", "*/", "\t", "0", "\\%",
    ];
    let scalars = [
        "0",
        "42",
        "-7",
        "1.25",
        "-0.5",
        "NULL",
        "null",
        "18446744073709551615",
        "1e3",
        "1abc",
        "- 3",
        "+1",
        "TRUE",
        "@v",
        "x",
        "1 + 2",
        "()",
        "(1, -2)",
        "('a', 3)",
    ];
    let mut rng = Lcg(7);
    let (mut fast, mut slow) = (0, 0);
    for _ in 0..3000 {
        let mut sql = String::from(rng.pick(&[
            "INSERT INTO t",
            "REPLACE INTO `t`",
            "insert into t (id, f, g)",
        ]));
        sql.push_str(rng.pick(&[" VALUES ", " VALUES", "  values\n"]));
        for r in 0..1 + rng.next(3) {
            if r > 0 {
                sql.push_str(rng.pick(&[",", " , ", ""]));
            }
            sql.push('(');
            for v in 0..1 + rng.next(3) {
                if v > 0 {
                    sql.push_str(rng.pick(&[",", " ,", ", "]));
                }
                if rng.next(2) == 0 {
                    let quote = rng.pick(&["'", "\""]);
                    sql.push_str(quote);
                    for _ in 0..rng.next(6) {
                        sql.push_str(rng.pick(&pieces));
                    }
                    sql.push_str(quote);
                } else {
                    sql.push_str(rng.pick(&scalars));
                }
            }
            sql.push_str(rng.pick(&[")", " )", ")", ""]));
        }
        sql.push_str(rng.pick(&["", ";", " ; ", " -- c", ";;"]));
        match parse(&sql) {
            Some(ins) => {
                fast += 1;
                let general = parse_general(&sql);
                assert_eq!(general, Ok(Statement::Insert(ins)), "{sql}");
            }
            None => slow += 1,
        }
    }
    assert!(fast > 300 && slow > 300, "fast {fast}, slow {slow}");
}

use super::*;
use crate::sql::ast::*;

fn one(text: &str) -> Statement {
    parse_statement(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn err(text: &str) -> String {
    parse_statement(text).expect_err(text).message
}

fn select(text: &str) -> Select {
    match one(text) {
        Statement::Select(s) => s,
        other => panic!("not a select: {other:?}"),
    }
}

fn sysvar(name: &str) -> Expr {
    Expr::SysVar {
        scope: Scope::Default,
        name: name.into(),
    }
}

#[test]
fn select_sysvar_with_limit() {
    let s = select("select @@version_comment limit 1");
    assert_eq!(s.items.len(), 1);
    assert_eq!(s.items[0].expr, sysvar("version_comment"));
    assert_eq!(s.items[0].column_name(), "@@version_comment");
    assert_eq!(
        s.limit,
        Some(Limit {
            offset: 0,
            count: 1
        })
    );
}

#[test]
fn select_functions_keep_text_as_column_names() {
    let s = select("SELECT DATABASE(), USER() limit 1");
    let names: Vec<&str> = s.items.iter().map(|i| i.column_name()).collect();
    assert_eq!(names, vec!["DATABASE()", "USER()"]);
    assert_eq!(
        s.items[0].expr,
        Expr::Call {
            name: "DATABASE".into(),
            args: vec![]
        }
    );
}

#[test]
fn select_scoped_sysvars() {
    let s = select("select @@session.auto_increment_increment, @@GLOBAL.x");
    assert_eq!(
        s.items[0].expr,
        Expr::SysVar {
            scope: Scope::Session,
            name: "auto_increment_increment".into()
        }
    );
    assert_eq!(
        s.items[0].column_name(),
        "@@session.auto_increment_increment"
    );
    assert_eq!(
        s.items[1].expr,
        Expr::SysVar {
            scope: Scope::Global,
            name: "x".into()
        }
    );
}

#[test]
fn select_aliases() {
    let s = select("select 1 as one, 2 two, 3 AS `three x`, 4 as 'four'");
    let names: Vec<&str> = s.items.iter().map(|i| i.column_name()).collect();
    assert_eq!(names, vec!["one", "two", "three x", "four"]);
}

#[test]
fn arithmetic_precedence() {
    let s = select("select 1 + 2 * 3 - 4");
    let expected = Expr::Binary {
        op: BinaryOp::Sub,
        left: Box::new(Expr::Binary {
            op: BinaryOp::Add,
            left: Box::new(Expr::Int(1)),
            right: Box::new(Expr::Binary {
                op: BinaryOp::Mul,
                left: Box::new(Expr::Int(2)),
                right: Box::new(Expr::Int(3)),
            }),
        }),
        right: Box::new(Expr::Int(4)),
    };
    assert_eq!(s.items[0].expr, expected);
    assert_eq!(s.items[0].column_name(), "1 + 2 * 3 - 4");
}

#[test]
fn limit_forms() {
    assert_eq!(
        select("select 1 limit 5, 10").limit,
        Some(Limit {
            offset: 5,
            count: 10
        })
    );
    assert_eq!(
        select("select 1 limit 10 offset 5").limit,
        Some(Limit {
            offset: 5,
            count: 10
        })
    );
}

#[test]
fn set_forms() {
    assert_eq!(
        one("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci"),
        Statement::Set(Set::Names {
            charset: "utf8mb4".into(),
            collate: Some("utf8mb4_unicode_ci".into())
        })
    );
    assert_eq!(
        one("set character set 'utf8'"),
        Statement::Set(Set::CharacterSet("utf8".into()))
    );
    assert_eq!(
        one("SET autocommit=0"),
        Statement::Set(Set::Assign(vec![Assignment {
            target: SetTarget::System {
                scope: Scope::Default,
                name: "autocommit".into()
            },
            value: Expr::Int(0)
        }]))
    );
    assert_eq!(
        one("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"),
        Statement::Set(Set::Transaction {
            scope: Scope::Session,
            words: ["ISOLATION", "LEVEL", "READ", "COMMITTED"]
                .map(String::from)
                .to_vec()
        })
    );
}

#[test]
fn set_scopes_carry_over() {
    let Statement::Set(Set::Assign(list)) =
        one("SET GLOBAL a = 1, b = 'x', SESSION c := 2, @u = 3, @@global.D = 4")
    else {
        panic!("not an assignment list");
    };
    let targets: Vec<SetTarget> = list.into_iter().map(|a| a.target).collect();
    let sys = |scope, name: &str| SetTarget::System {
        scope,
        name: name.into(),
    };
    assert_eq!(
        targets,
        vec![
            sys(Scope::Global, "a"),
            sys(Scope::Global, "b"),
            sys(Scope::Session, "c"),
            SetTarget::User("u".into()),
            sys(Scope::Global, "d"),
        ]
    );
}

#[test]
fn transactions() {
    for (text, tx) in [
        ("BEGIN", Transaction::Begin),
        ("begin work", Transaction::Begin),
        ("START TRANSACTION", Transaction::StartTransaction),
        ("commit", Transaction::Commit),
        ("ROLLBACK", Transaction::Rollback),
    ] {
        assert_eq!(one(text), Statement::Transaction(tx), "{text}");
    }
}

#[test]
fn show_forms() {
    assert_eq!(
        one("SHOW VARIABLES LIKE 'char%'"),
        Statement::Show(Show::Variables {
            scope: Scope::Default,
            filter: Some(ShowFilter::Like("char%".into()))
        })
    );
    assert_eq!(
        one("show global status like 'ssl%'"),
        Statement::Show(Show::Status {
            scope: Scope::Global,
            like: Some("ssl%".into())
        })
    );
    assert_eq!(one("SHOW WARNINGS"), Statement::Show(Show::Warnings));
    assert_eq!(one("show threads"), Statement::Show(Show::Threads));
    assert_eq!(
        one("SHOW TABLES"),
        Statement::Show(Show::Tables { like: None })
    );
    assert_eq!(
        one("SHOW DATABASES"),
        Statement::Show(Show::Databases { like: None })
    );
    assert_eq!(one("SHOW META"), Statement::Show(Show::Meta { like: None }));
    assert_eq!(one("SHOW COLLATION"), Statement::Show(Show::Collation));
    assert_eq!(
        one("SHOW CHARACTER SET"),
        Statement::Show(Show::CharacterSet)
    );
    assert!(matches!(
        one("SHOW SESSION VARIABLES WHERE Variable_name = 'x'"),
        Statement::Show(Show::Variables {
            scope: Scope::Session,
            filter: Some(ShowFilter::Where(_))
        })
    ));
}

#[test]
fn trailing_semicolon_is_allowed() {
    assert_eq!(one("commit;"), Statement::Transaction(Transaction::Commit));
}

#[test]
fn unknown_statement_error_reads_like_upstream() {
    assert_eq!(
        err("FOO BAR"),
        "P01: syntax error, unexpected identifier near 'FOO BAR'"
    );
}

#[test]
fn error_names_keywords_and_literals() {
    assert_eq!(
        err("select 1 from t where"),
        "P01: syntax error, unexpected $end near ''"
    );
    assert_eq!(
        err("select 1 from t limit where"),
        "P01: syntax error, unexpected WHERE near 'where'"
    );
    assert_eq!(
        err("show 'x'"),
        "P01: syntax error, unexpected string near ''x''"
    );
    assert_eq!(err("select"), "P01: syntax error, unexpected $end near ''");
    assert_eq!(
        err("select 1 2"),
        "P01: syntax error, unexpected integer near '2'"
    );
    assert_eq!(
        err("SET NAMES = 1"),
        "P01: syntax error, unexpected '=' near '= 1'"
    );
}

#[test]
fn lexer_error_becomes_parse_error() {
    assert_eq!(err("select 'abc"), "P01: unterminated string near ''abc'");
}

#[test]
fn nesting_depth_is_limited() {
    let deep = format!(
        "select {}1{}",
        "(".repeat(MAX_DEPTH + 5),
        ")".repeat(MAX_DEPTH + 5)
    );
    assert!(err(&deep).contains("nested too deeply"));
    let negs = format!("select {}1", "-".repeat(MAX_DEPTH * 4));
    assert!(err(&negs).contains("nested too deeply"));
    let ok = format!("select {}1{}", "(".repeat(10), ")".repeat(10));
    assert_eq!(select(&ok).items[0].expr, Expr::Int(1));
}

#[test]
fn split_respects_strings_and_comments() {
    assert_eq!(
        split_statements("select 1; select 'a;b' ; -- c;d\n select `x;y`;/* ; */"),
        vec!["select 1", " select 'a;b' ", " -- c;d\n select `x;y`"]
    );
    assert_eq!(split_statements("  ;; "), Vec::<&str>::new());
    assert_eq!(split_statements("select 'open;"), vec!["select 'open;"]);
}

#[test]
fn parse_all_statements() {
    let all = parse("begin; commit").expect("parses");
    assert_eq!(
        all,
        vec![
            Statement::Transaction(Transaction::Begin),
            Statement::Transaction(Transaction::Commit)
        ]
    );
    assert!(parse("begin; nonsense").is_err());
}

/// Arbitrary input never panics the splitter, the lexer or the parser.
#[test]
fn garbage_never_panics() {
    let alphabet: Vec<char> = "sel ct@'\"`\\;-#/*!()=,.1eé€\n".chars().collect();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..20_000 {
        let len = (seed % 24) as usize;
        let mut text = String::new();
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        for piece in split_statements(&text) {
            let _ = parse_statement(piece);
        }
        let _ = parse(&text);
    }
}

#[test]
fn select_from_clauses() {
    let s = select("select id, price p from t where price > 5 group by tag order by p desc limit 2 option max_matches=10");
    assert_eq!(s.from, vec!["t".to_string()]);
    assert_eq!(s.items[1].alias.as_deref(), Some("p"));
    assert_eq!(s.group_by, vec![Expr::Ident("tag".into())]);
    assert!(s.order_by[0].desc);
    assert_eq!(
        s.limit,
        Some(Limit {
            offset: 0,
            count: 2
        })
    );
    assert_eq!(s.options[0].name, "max_matches");
}

#[test]
fn in_between_and_json_paths() {
    let s = select("select * from t where meta.a.b not in (1, 2) and x between 1 and 2");
    let Some(Expr::Binary { left, right, .. }) = s.filter else {
        panic!("no AND");
    };
    assert!(
        matches!(*left, Expr::In { negated: true, ref expr, .. } if **expr == Expr::Ident("meta.a.b".into()))
    );
    assert!(matches!(*right, Expr::Between { negated: false, .. }));
}

#[test]
fn in_as_a_function() {
    let s = select("select in(gid, 1, 2) as low from t where in(x, 3)");
    assert_eq!(
        s.items[0].expr,
        Expr::In {
            expr: Box::new(Expr::Ident("gid".into())),
            list: vec![Expr::Int(1), Expr::Int(2)],
            negated: false,
        }
    );
    assert!(matches!(s.filter, Some(Expr::In { negated: false, ref list, .. }) if list.len() == 1));
    assert!(err("select in(gid, 1 from t").starts_with("P01: syntax error"));
}

#[test]
fn table_statement_errors() {
    assert_eq!(
        err("create table t"),
        "P01: syntax error, unexpected $end near ''"
    );
    assert_eq!(
        err("insert into t values"),
        "P01: syntax error, unexpected $end near ''"
    );
    assert_eq!(
        err("delete t where id=1"),
        "P01: syntax error, unexpected identifier near 't where id=1'"
    );
}

#[test]
fn update_and_delete_require_where() {
    assert_eq!(
        err("delete from t"),
        "P01: syntax error, unexpected $end near ''"
    );
    assert_eq!(
        err("update t set a = 1"),
        "P01: syntax error, unexpected $end near ''"
    );
}

#[test]
fn deep_nesting_is_refused() {
    let text = format!(
        "select * from t where {}1{}",
        "(".repeat(200),
        ")".repeat(200)
    );
    assert!(err(&text).contains("nested too deeply"));
}

use crate::sql::parser::parse_statement;

/// parse -> print -> parse gives the same tree, and printing is stable.
fn round_trip(text: &str) -> String {
    let first = parse_statement(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let printed = first.to_string();
    let second = parse_statement(&printed).unwrap_or_else(|e| panic!("{printed}: {e}"));
    assert_eq!(first, second, "{text} printed as {printed}");
    assert_eq!(second.to_string(), printed);
    printed
}

#[test]
fn selects_round_trip() {
    assert_eq!(
        round_trip("select @@version_comment limit 1"),
        "SELECT @@version_comment LIMIT 1"
    );
    assert_eq!(
        round_trip("SELECT DATABASE(), USER() limit 1"),
        "SELECT DATABASE(), USER() LIMIT 1"
    );
    assert_eq!(
        round_trip("select @@session.auto_increment_increment as x, @@GLOBAL.y"),
        "SELECT @@session.auto_increment_increment AS x, @@global.y"
    );
    assert_eq!(round_trip("select 1 limit 5,10"), "SELECT 1 LIMIT 5, 10");
    assert_eq!(round_trip("select 1 AS `select`"), "SELECT 1 AS `select`");
}

#[test]
fn expressions_keep_their_grouping() {
    assert_eq!(round_trip("select (1 + 2) * 3"), "SELECT (1 + 2) * 3");
    assert_eq!(round_trip("select 1 - (2 - 3)"), "SELECT 1 - (2 - 3)");
    assert_eq!(round_trip("select 1 - 2 - 3"), "SELECT 1 - 2 - 3");
    assert_eq!(round_trip("select -(-1)"), "SELECT -(-1)");
    assert_eq!(round_trip("select - - 1"), "SELECT -(-1)");
    assert_eq!(round_trip("select -(1 + 2)"), "SELECT -(1 + 2)");
    assert_eq!(round_trip("select (not 1) = 0"), "SELECT (NOT 1) = 0");
    assert_eq!(round_trip("select not 1 = 0"), "SELECT NOT (1 = 0)");
    assert_eq!(round_trip("select 1 or 0 and 0"), "SELECT 1 OR 0 AND 0");
    assert_eq!(round_trip("select (1 or 0) and 0"), "SELECT (1 OR 0) AND 0");
    assert_eq!(
        round_trip("select 7 div 2, 7 mod 2"),
        "SELECT 7 DIV 2, 7 % 2"
    );
    assert_eq!(
        round_trip("select 1.5, 2e3, 100.0"),
        "SELECT 1.5, 2000.0, 100.0"
    );
}

#[test]
fn literals_round_trip() {
    assert_eq!(
        round_trip(r"select 'it\'s', 'a\nb', null, true, @u, `my col`"),
        r"SELECT 'it\'s', 'a\nb', NULL, 1, @u, `my col`"
    );
}

#[test]
fn sets_round_trip() {
    assert_eq!(
        round_trip("set global a=1, b='x', session c:=2, @u=3"),
        "SET GLOBAL a = 1, GLOBAL b = 'x', SESSION c = 2, @u = 3"
    );
    assert_eq!(
        round_trip("set names utf8 collate utf8_general_ci"),
        "SET NAMES 'utf8' COLLATE 'utf8_general_ci'"
    );
    assert_eq!(round_trip("set charset utf8"), "SET CHARACTER SET 'utf8'");
    assert_eq!(
        round_trip("set transaction isolation level read committed, read only"),
        "SET TRANSACTION ISOLATION LEVEL READ COMMITTED, READ ONLY"
    );
    assert_eq!(round_trip("set autocommit = ON"), "SET autocommit = ON");
}

#[test]
fn shows_and_transactions_round_trip() {
    for (text, printed) in [
        ("show variables like 'a%'", "SHOW VARIABLES LIKE 'a%'"),
        (
            "show session variables where variable_name='x' or value = 'y'",
            "SHOW SESSION VARIABLES WHERE variable_name = 'x' OR value = 'y'",
        ),
        ("show global status", "SHOW GLOBAL STATUS"),
        ("show status like 'ssl\\_%'", "SHOW STATUS LIKE 'ssl\\\\_%'"),
        ("show warnings", "SHOW WARNINGS"),
        ("show threads", "SHOW THREADS"),
        ("show tables like 't%'", "SHOW TABLES LIKE 't%'"),
        ("show databases", "SHOW DATABASES"),
        ("show meta", "SHOW META"),
        ("show collation", "SHOW COLLATION"),
        ("show character set", "SHOW CHARACTER SET"),
        ("begin", "BEGIN"),
        ("start transaction", "START TRANSACTION"),
        ("commit work", "COMMIT"),
        ("rollback", "ROLLBACK"),
    ] {
        assert_eq!(round_trip(text), printed);
    }
}

#[test]
fn table_statements_round_trip() {
    assert_eq!(
        round_trip(
            "create table if not exists t (title text, body text indexed, tag string, price int, \
             tags multi, ids multi64) morphology='stem_en' min_word_len=2"
        ),
        "CREATE TABLE IF NOT EXISTS t (title text, body text indexed, tag string, price int, \
         tags multi, ids multi64) morphology = 'stem_en' min_word_len = '2'"
    );
    assert_eq!(
        round_trip("drop table if exists t"),
        "DROP TABLE IF EXISTS t"
    );
    assert_eq!(round_trip("truncate table t"), "TRUNCATE TABLE t");
    assert_eq!(round_trip("desc t"), "DESCRIBE t");
    assert_eq!(round_trip("desc t like 'a%'"), "DESCRIBE t LIKE 'a%'");
    assert_eq!(round_trip("show create table t"), "SHOW CREATE TABLE t");
    assert_eq!(
        round_trip("alter table t add column n bigint"),
        "ALTER TABLE t ADD COLUMN n bigint"
    );
    assert_eq!(
        round_trip("alter table t drop column n"),
        "ALTER TABLE t DROP COLUMN n"
    );
    assert_eq!(round_trip("reload tls"), "RELOAD TLS");
    assert_eq!(
        round_trip("call keywords('a b', 't', 1 as stats)"),
        "CALL KEYWORDS('a b', 't', 1 AS stats)"
    );
}

#[test]
fn writes_round_trip() {
    assert_eq!(
        round_trip("insert into t (id, title, tags) values (1, 'a', (1,2)), (2, 'b', ())"),
        "INSERT INTO t (id, title, tags) VALUES (1, 'a', (1, 2)), (2, 'b', ())"
    );
    assert_eq!(
        round_trip("replace into t values (1,'x',-5)"),
        "REPLACE INTO t VALUES (1, 'x', -5)"
    );
    assert_eq!(
        round_trip("update t set price=price+1, ok=1 where id in (1,2)"),
        "UPDATE t SET price = price + 1, ok = 1 WHERE id IN (1, 2)"
    );
    assert_eq!(
        round_trip("delete from t where match('x') and price between 1 and 5"),
        "DELETE FROM t WHERE match('x') AND price BETWEEN 1 AND 5"
    );
}

#[test]
fn searches_round_trip() {
    assert_eq!(
        round_trip(
            "select *, price*2 as p2, meta.a.b from t where match('hello') and tags not in (1,2) \
             and not price between 1 and 3 group by tag within group order by price desc \
             having count(*) > 1 order by weight() desc, id asc limit 5, 10 \
             option ranker=bm25, field_weights=(title=10, body=1), max_matches=100 \
             facet tag order by count(*) desc limit 3 facet price by price"
        ),
        "SELECT *, price * 2 AS p2, meta.a.b FROM t WHERE match('hello') AND tags NOT IN (1, 2) \
         AND (NOT (price BETWEEN 1 AND 3)) GROUP BY tag WITHIN GROUP ORDER BY price DESC \
         HAVING count(*) > 1 ORDER BY weight() DESC, id ASC LIMIT 5, 10 \
         OPTION ranker = bm25, field_weights = (title = 10, body = 1), max_matches = 100 \
         FACET tag ORDER BY count(*) DESC LIMIT 3 FACET price BY price"
    );
    assert_eq!(
        round_trip("select count(distinct tag), groupby() from t group by tag"),
        "SELECT COUNT(DISTINCT tag), groupby() FROM t GROUP BY tag"
    );
    assert_eq!(
        round_trip("select (a in (1)) = 1, a + 1 in (2) from t"),
        "SELECT (a IN (1)) = 1, a + 1 IN (2) FROM t"
    );
    assert_eq!(
        round_trip("select * from t where id in @ids"),
        "SELECT * FROM t WHERE id IN (@ids)"
    );
    assert_eq!(
        round_trip("select * from t where any(tags) = 3 and all(tags) > 1"),
        "SELECT * FROM t WHERE any(tags) = 3 AND all(tags) > 1"
    );
}

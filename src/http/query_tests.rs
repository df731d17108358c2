use super::*;
use serde_json::json;

fn t(q: Json) -> Cond {
    translate(&q).unwrap()
}

#[test]
fn match_defaults_to_or_and_escapes() {
    let c = t(json!({"match": {"title": "find joe-x"}}));
    assert_eq!(c.fulltext, r"@title (find | joe\-x)");
    assert_eq!(c.filter, "");
    assert_eq!(c.words, vec!["find", "joe-x"]);
    let c = t(json!({"match": {"*": {"query": "a b", "operator": "and"}}}));
    assert_eq!(c.fulltext, "a b");
    let c = t(json!({"match": {"title": "| - it's"}}));
    assert_eq!(c.fulltext, r"@title (it\'s)");
    assert_eq!(t(json!({"match": {"title": "| -"}})).fulltext, "");
    let c = t(json!({"match": {"title,body": "x"}}));
    assert_eq!(c.fulltext, "@(title,body) (x)");
}

#[test]
fn phrase_and_query_string() {
    assert_eq!(
        t(json!({"match_phrase": {"_all": "a \"b"}})).fulltext,
        r#""a \"b""#
    );
    let c = t(json!({"query_string": "@title hello -world"}));
    assert_eq!(c.fulltext, "@title hello -world");
    assert_eq!(c.words, vec!["hello", "world"]);
    assert_eq!(t(json!({"match_all": {}})), Cond::default());
}

#[test]
fn filters() {
    assert_eq!(t(json!({"equals": {"price": 5}})).filter, "price=5");
    assert_eq!(t(json!({"equals": {"tag": "a'b"}})).filter, r"tag='a\'b'");
    assert_eq!(t(json!({"in": {"id": [1, 2]}})).filter, "id IN (1,2)");
    assert_eq!(
        t(json!({"range": {"price": {"gte": 1, "lt": 5.5}}})).filter,
        "price>=1 AND price<5.5"
    );
}

#[test]
fn bool_combines() {
    let c = t(json!({"bool": {
        "must": [{"match": {"title": "a"}}, {"range": {"p": {"gt": 1}}}],
        "must_not": [{"equals": {"q": 2}}],
        "should": [{"equals": {"r": 1}}, {"equals": {"r": 2}}]
    }}));
    assert_eq!(c.fulltext, "@title (a)");
    assert_eq!(c.filter, "(p>1) AND ((r=1 OR r=2)) AND (NOT (q=2))");
    let c = t(json!({"bool": {"should": [{"match": {"*": "a"}}, {"match": {"*": "b"}}]}}));
    assert_eq!(c.fulltext, "((a) | (b))");
    let c = t(json!({"bool": {"must": {"match": {"*": "a"}}, "must_not": {"match": {"*": "b"}}}}));
    assert_eq!(c.fulltext, "(a) -((b))");
    assert_eq!(c.where_clause(), "MATCH('(a) -((b))')");
    let c = t(json!({"bool": {"must": [{"match": {"title": "a"}}, {"match": {"*": "b"}}]}}));
    assert_eq!(c.fulltext, "(@title (a)) (b)");
}

#[test]
fn refuses_bad_input() {
    for q in [
        json!("x"),
        json!({"nope": {}}),
        json!({"equals": {"a b": 1}}),
        json!({"equals": {"a": [1]}}),
        json!({"in": {"a": []}}),
        json!({"range": {"a": {"gt": "x"}}}),
        json!({"range": {"a": {"between": 1}}}),
        json!({"match": {"title": 5}}),
        json!({"bool": {"should": [{"match": {"*": "a"}}, {"equals": {"x": 1}}]}}),
        json!({"bool": {"must": 3}}),
    ] {
        let e = translate(&q).unwrap_err();
        assert_eq!(e.kind, crate::http::errors::Kind::IllegalArgument, "{q}");
    }
}

#[test]
fn deep_nesting_is_refused_not_a_crash() {
    let mut q = json!({"match_all": {}});
    for _ in 0..200 {
        q = json!({"bool": {"must": [q]}});
    }
    assert!(translate(&q).is_err());
}

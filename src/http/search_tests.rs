use super::*;
use serde_json::json;

/// The main statement and the aggregations' ones, `;`-separated.
fn sql(body: Json) -> String {
    let p = plan(&body).unwrap();
    let mut all = vec![p.sql];
    all.extend(p.agg_sql);
    all.join("; ")
}

#[test]
fn minimal_search() {
    assert_eq!(
        sql(json!({"table": "t"})),
        "SELECT *, WEIGHT() FROM t LIMIT 0,20"
    );
    assert_eq!(
        sql(json!({"index": "t", "query": {"match_all": {}}, "size": 5, "from": 10})),
        "SELECT *, WEIGHT() FROM t LIMIT 10,5"
    );
}

#[test]
fn full_search() {
    let body = json!({
        "table": "products",
        "query": {"bool": {"must": [{"match": {"title": "it's"}}, {"range": {"price": {"lte": 10}}}]}},
        "sort": [{"price": "desc"}, "_score", {"id": {"order": "asc"}}],
        "limit": 3,
        "offset": 1,
        "max_matches": 50,
        "options": {"ranker": "bm25", "field_weights": {"title": 10, "body": 2}, "cutoff": 100},
        "aggs": {"by_tag": {"terms": {"field": "tag", "size": 4}}}
    });
    assert_eq!(
        sql(body),
        "SELECT *, WEIGHT() FROM products WHERE MATCH('@title (it\\\\\\'s)') AND price<=10 \
         ORDER BY price DESC, WEIGHT() DESC, id ASC LIMIT 1,3 OPTION max_matches=50, \
         cutoff=100, field_weights=(body=2, title=10), ranker=bm25; \
         SELECT tag, COUNT(*) FROM products WHERE MATCH('@title (it\\\\\\'s)') AND price<=10 \
         GROUP BY tag ORDER BY COUNT(*) DESC LIMIT 4"
    );
}

#[test]
fn expression_ranker_is_quoted() {
    let s = sql(json!({"table": "t", "options": {"ranker": "expr('sum(lcs)*1000')"}}));
    assert!(s.contains("OPTION ranker=expr('sum(lcs)*1000')"), "{s}");
}

#[test]
fn keeps_aggregation_names() {
    let p = plan(&json!({"table": "t", "aggs": {"a": {"terms": {"field": "x"}}}})).unwrap();
    assert_eq!(p.aggs, vec![("a".to_string(), "x".to_string())]);
    assert_eq!(
        p.agg_sql,
        ["SELECT x, COUNT(*) FROM t GROUP BY x ORDER BY COUNT(*) DESC LIMIT 20"]
    );
}

#[test]
fn refuses_bad_requests() {
    for body in [
        json!([1]),
        json!({}),
        json!({"table": "t x"}),
        json!({"table": "t", "limit": -1}),
        json!({"table": "t", "limit": "5"}),
        json!({"table": "t", "sort": [{"a": "up"}]}),
        json!({"table": "t", "sort": [1]}),
        json!({"table": "t", "options": {"ranker": "x; drop"}}),
        json!({"table": "t", "aggs": {"a": {"avg": {"field": "x"}}}}),
        json!({"table": "t", "query": {"bogus": 1}}),
    ] {
        assert!(plan(&body).is_err(), "{body}");
    }
}

#[test]
fn highlight_may_sit_in_the_query() {
    let p = plan(&json!({"table": "t", "query": {"match": {"*": "a"}, "highlight": {}}})).unwrap();
    assert!(p.highlight.is_some());
    assert_eq!(
        p.sql,
        "SELECT *, WEIGHT() FROM t WHERE MATCH('(a)') LIMIT 0,20"
    );
}

/// Every oddly typed value in every place gives an answer (plan or error), never a
/// panic.
#[test]
fn odd_values_anywhere_never_panic() {
    let odd = [
        json!(null),
        json!(true),
        json!(-1),
        json!(1.5e300),
        json!(u64::MAX),
        json!(""),
        json!("*"),
        json!("a'\\\"@|"),
        json!([]),
        json!([null, {}, [1]]),
        json!({}),
        json!({"": {"": ""}}),
    ];
    let keys = [
        "table",
        "query",
        "sort",
        "limit",
        "offset",
        "size",
        "from",
        "max_matches",
        "options",
        "_source",
        "aggs",
        "highlight",
    ];
    let queries = [
        "match",
        "match_phrase",
        "query_string",
        "bool",
        "equals",
        "in",
        "range",
        "match_all",
    ];
    for v in &odd {
        for k in keys {
            let mut body = json!({"table": "t"});
            body[k] = v.clone();
            let _ = plan(&body);
        }
        for q in queries {
            let _ = plan(&json!({"table": "t", "query": {q: v.clone()}}));
            let _ = plan(&json!({"table": "t", "query": {q: {"f": v.clone()}}}));
            let _ =
                plan(&json!({"table": "t", "query": {"bool": {"must": [{q: {"f": v.clone()}}]}}}));
            let _ = crate::http::write::plan(
                crate::http::write::Action::Update,
                &json!({"table": "t", "doc": {"a": 1}, "query": {q: {"f": v.clone()}}}),
            );
        }
        for a in ["insert", "replace", "update", "delete"] {
            let action = crate::http::write::Action::from_name(a).unwrap();
            let _ = crate::http::write::plan(
                action,
                &json!({"table": "t", "id": v.clone(), "doc": v.clone()}),
            );
            let _ =
                crate::http::write::plan(action, &json!({"table": "t", "doc": {"x": v.clone()}}));
        }
    }
}

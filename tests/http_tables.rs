//! The JSON endpoints against real tables, over HTTP and HTTPS: create through
//! `/cli`, write through `/insert`, `/replace`, `/bulk`, `/update`, `/delete`, read
//! through `/search` and `/sql`.

mod common;
mod http_common;

use http_common::{start, Client};
use serde_json::json;

fn ndjson(c: &mut Client, body: &str) -> http_common::Resp {
    c.call(
        "POST",
        "/bulk",
        &["Content-Type: application/x-ndjson"],
        body.as_bytes(),
    )
}

fn ids(r: &http_common::Resp) -> Vec<u64> {
    r.json()["hits"]["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.body))
        .iter()
        .map(|h| h["_id"].as_u64().unwrap())
        .collect()
}

fn fill(c: &mut Client, t: &str) {
    let r = c.post(
        "/cli",
        &format!("CREATE TABLE {t} (title text, price float, tag string, tags multi, meta json)"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.starts_with("Query OK, 0 rows affected"),
        "{}",
        r.body
    );
    let r = c.post(
        "/insert",
        &json!({"table": t, "id": 1, "doc": {"title": "Crossbody Bag with Tassel", "price": 10.5, "tag": "bags", "tags": [1, 2], "meta": {"color": "red"}}}).to_string(),
    );
    assert_eq!(
        (r.status, r.body.as_str()),
        (
            200,
            format!(r#"{{"table":"{t}","id":1,"created":true,"result":"created","status":201}}"#)
                .as_str()
        )
    );
    let bulk = [
        json!({"insert": {"table": t, "id": 2, "doc": {"title": "microfiber sheet set", "price": 20.25, "tag": "home"}}}),
        json!({"insert": {"index": t, "id": 3, "doc": {"title": "Pet Hair Remover Glove", "price": 7.5, "tag": "home"}}}),
        json!({"replace": {"table": t, "id": 4, "doc": {"title": "Leather bag", "price": 99.0, "tag": "bags"}}}),
    ]
    .map(|l| l.to_string())
    .join("\n");
    let r = ndjson(c, &bulk);
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    assert_eq!(j["errors"], false);
    assert_eq!(j["current_line"], 3);
    assert_eq!(j["items"][0]["insert"]["_id"], 2);
    assert_eq!(j["items"][2]["replace"]["result"], "updated");
}

#[test]
fn writes_and_searches_over_http_and_https() {
    let (_d, p) = start();
    for (port, tls, t) in [(p.http, false, "plain_t"), (p.https, true, "tls_t")] {
        let mut c = Client::new(port, tls);
        fill(&mut c, t);

        // match, with typed _source.
        let r = c.post(
            "/search",
            &json!({"table": t, "query": {"match": {"title": "bag"}}, "sort": [{"id": "asc"}]})
                .to_string(),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let j = r.json();
        assert_eq!(j["timed_out"], false);
        assert_eq!(j["hits"]["total"], 2);
        assert_eq!(j["hits"]["total_relation"], "eq");
        assert_eq!(ids(&r), [1, 4]);
        let src = &j["hits"]["hits"][0]["_source"];
        assert_eq!(src["title"], "Crossbody Bag with Tassel");
        assert_eq!(src["tags"], json!([1, 2]));
        assert_eq!(src["meta"], json!({"color": "red"}));
        assert_eq!(src["price"], 10.5);
        assert!(j["hits"]["hits"][0]["_score"].as_u64().unwrap() > 0);

        // bool + range + sort + limit.
        let q = json!({"table": t, "query": {"bool": {
            "must": [{"range": {"price": {"gte": 7.5, "lt": 99}}}],
            "must_not": [{"equals": {"tag": "bags"}}]
        }}, "sort": [{"price": "desc"}], "limit": 5});
        let r = c.post("/search", &q.to_string());
        assert_eq!(ids(&r), [2, 3], "{}", r.body);

        // in, query_string, match_phrase, offset/size, _source filtering.
        let r = c.post("/search", &json!({"index": t, "query": {"in": {"id": [1, 3, 4]}}, "sort": "id", "from": 1, "size": 1, "_source": ["ti*"]}).to_string());
        assert_eq!(ids(&r), [3]);
        assert_eq!(
            r.json()["hits"]["hits"][0]["_source"],
            json!({"title": "Pet Hair Remover Glove"})
        );
        let r = c.post("/search", &json!({"table": t, "query": {"query_string": "@title (hair | sheet)"}, "sort": [{"id": {"order": "desc"}}]}).to_string());
        assert_eq!(ids(&r), [3, 2]);
        let r = c.post(
            "/search",
            &json!({"table": t, "query": {"match_phrase": {"title": "bag with"}}}).to_string(),
        );
        assert_eq!(ids(&r), [1]);

        // aggregations and highlighting.
        let r = c.post("/search", &json!({"table": t, "limit": 0, "aggs": {"by_tag": {"terms": {"field": "tag", "size": 5}}}}).to_string());
        let mut buckets: Vec<(String, u64)> = r.json()["aggregations"]["by_tag"]["buckets"]
            .as_array()
            .unwrap_or_else(|| panic!("{}", r.body))
            .iter()
            .map(|b| {
                (
                    b["key"].as_str().unwrap().to_string(),
                    b["doc_count"].as_u64().unwrap(),
                )
            })
            .collect();
        buckets.sort();
        assert_eq!(buckets, [("bags".to_string(), 2), ("home".to_string(), 2)]);
        let r = c.post("/search", &json!({"table": t, "query": {"match": {"*": "nothingmatches"}}, "aggs": {"by_tag": {"terms": {"field": "tag"}}}}).to_string());
        assert_eq!(
            r.json()["aggregations"],
            json!({"by_tag": {"buckets": []}}),
            "{}",
            r.body
        );
        assert_eq!(r.json()["hits"]["total"], 0);
        let r = c.post("/search", &json!({"table": t, "query": {"match": {"*": "tassel"}}, "highlight": {"fields": ["title"]}}).to_string());
        assert_eq!(
            r.json()["hits"]["hits"][0]["highlight"],
            json!({"title": ["Crossbody Bag with <b>Tassel</b>"]}),
            "{}",
            r.body
        );

        // update and delete, by id and by query.
        let r = c.post(
            "/update",
            &json!({"table": t, "id": 1, "doc": {"price": 11.5}}).to_string(),
        );
        assert_eq!(
            r.body,
            format!(r#"{{"table":"{t}","id":1,"result":"updated"}}"#)
        );
        let r = c.post(
            "/update",
            &json!({"table": t, "doc": {"tag": "misc"}, "query": {"equals": {"tag": "home"}}})
                .to_string(),
        );
        assert_eq!(r.body, format!(r#"{{"table":"{t}","updated":2}}"#));
        let r = c.post("/delete", &json!({"table": t, "id": 3}).to_string());
        assert_eq!(
            r.body,
            format!(r#"{{"table":"{t}","id":3,"found":true,"result":"deleted"}}"#)
        );
        let r = c.post(
            "/delete",
            &json!({"table": t, "query": {"match": {"title": "leather"}}}).to_string(),
        );
        assert_eq!(r.body, format!(r#"{{"table":"{t}","deleted":1}}"#));
        let r = c.post("/sql", &format!("SELECT * FROM {t} ORDER BY id ASC"));
        assert_eq!(ids(&r), [1, 2], "{}", r.body);
        assert_eq!(r.json()["hits"]["hits"][1]["_source"]["tag"], "misc");
    }
}

#[test]
fn conflicts_missing_tables_and_partial_bulks() {
    let (_d, p) = start();
    let mut c = Client::tls(p.https);
    fill(&mut c, "t");
    let r = c.post("/insert", r#"{"table":"t","id":1,"doc":{"title":"again"}}"#);
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(
        r.json()["error"]["type"],
        "action_request_validation_exception"
    );
    assert_eq!(r.json()["error"]["table"], "t");
    let r = c.post("/insert", r#"{"table":"nope","id":1,"doc":{"title":"x"}}"#);
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(r.json()["error"]["type"], "index_not_found_exception");
    let r = c.post("/search", r#"{"table":"nope"}"#);
    assert_eq!(r.status, 404, "{}", r.body);
    // A bulk whose second line fails: the others are applied, and the reply says so.
    let r = ndjson(
        &mut c,
        "{\"insert\":{\"table\":\"t\",\"id\":10,\"doc\":{\"title\":\"ten\"}}}\n\
         {\"insert\":{\"table\":\"t\",\"id\":1,\"doc\":{\"title\":\"dup\"}}}\n\
         {\"insert\":{\"table\":\"t\",\"id\":11,\"doc\":{\"title\":\"eleven\"}}}\n",
    );
    assert_eq!(r.status, 500);
    let j = r.json();
    assert_eq!(j["errors"], true);
    assert_eq!(j["items"][0]["insert"]["status"], 201);
    assert_eq!(j["items"][1]["insert"]["status"], 409);
    assert_eq!(j["items"][2]["insert"]["status"], 201);
    let r = c.post(
        "/search",
        r#"{"table":"t","query":{"in":{"id":[10,11]}},"sort":"id"}"#,
    );
    assert_eq!(ids(&r), [10, 11]);
    // Operator characters in `match` text are words, never syntax.
    let r = c.post(
        "/search",
        r#"{"table":"t","query":{"match":{"title":"| tassel's ( -\\ \" @x"}}}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = c.post("/search", r#"{"table":"t","query":{"query_string":"(("}}"#);
    assert_eq!(r.status, 400, "{}", r.body);
    // The Elasticsearch-style partial update, /json/ aliases, ?query= on /sql.
    let r = c.post("/t/_update/10", r#"{"doc":{"price":3.5}}"#);
    assert_eq!(r.body, r#"{"table":"t","updated":1}"#);
    let r = c.post(
        "/json/search",
        r#"{"table":"t","query":{"range":{"price":{"gt":3,"lt":4}}}}"#,
    );
    assert_eq!(ids(&r), [10]);
    let r = c.call(
        "GET",
        "/sql?query=select%20*%20from%20t%20where%20id%3D10",
        &[],
        b"",
    );
    assert_eq!(ids(&r), [10]);
    let r = c.post("/search", r#"{"table":"t","query":{"equals":{"id":1}}}"#);
    assert_eq!(
        r.json()["hits"]["hits"][0]["_source"]["title"],
        "Crossbody Bag with Tassel"
    );
}

#[test]
fn readonly_listeners_still_search_but_refuse_sql_writes() {
    let (_d, p) = start();
    let mut c = Client::plain(p.http);
    fill(&mut c, "t");
    let mut ro = Client::plain(p.readonly);
    let r = ro.post("/search", r#"{"table":"t","query":{"equals":{"id":2}}}"#);
    assert_eq!(ids(&r), [2]);
    let r = ro.sql("DELETE FROM t WHERE id=2");
    assert_eq!(
        (r.status, r.body.as_str()),
        (403, r#"{"error":"connection is read-only"}"#)
    );
    let r = ro.post("/cli", "SELECT id FROM t WHERE id=2");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("|  2 |"), "{}", r.body);
    let r = c.post("/search", r#"{"table":"t","query":{"equals":{"id":2}}}"#);
    assert_eq!(ids(&r), [2]);
}

#[test]
fn raw_batches_say_what_ran_before_an_error() {
    let (_d, p) = start();
    let mut c = Client::tls(p.https);
    fill(&mut c, "t");
    let r = c.sql("DELETE FROM t WHERE id=2; SELECT nosuchcolumn FROM t; DELETE FROM t WHERE id=3");
    assert_eq!(r.status, 400, "{}", r.body);
    let j = r.json();
    assert_eq!(j[0], json!({"total": 1, "error": "", "warning": ""}));
    assert_eq!(j[1]["total"], 0);
    assert!(!j[1]["error"].as_str().unwrap().is_empty(), "{}", r.body);
    assert_eq!(j.as_array().unwrap().len(), 2);
    let r = c.post("/search", r#"{"table":"t","query":{"in":{"id":[2,3]}}}"#);
    assert_eq!(ids(&r), [3]);
}

/// A search repeated on one keep-alive connection sees the writes made between the
/// repeats, and other bodies on the same connection get their own answers.
#[test]
fn a_repeated_search_sees_new_writes() {
    let (_d, p) = start();
    let mut c = Client::plain(p.http);
    fill(&mut c, "t");
    let bags = r#"{"table":"t","query":{"match":{"title":"bag"}},"sort":"id"}"#;
    assert_eq!(ids(&c.post("/search", bags)), [1, 4]);
    let r = c.post(
        "/insert",
        r#"{"table":"t","id":9,"doc":{"title":"Canvas bag","price":1}}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(ids(&c.post("/search", bags)), [1, 4, 9]);
    let glove = r#"{"table":"t","query":{"match":{"title":"glove"}},"sort":"id"}"#;
    assert_eq!(ids(&c.post("/search", glove)), [3]);
    let r = c.post("/delete", r#"{"table":"t","id":1}"#);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(ids(&c.post("/search", bags)), [4, 9]);
    let r = c.post("/search", "{");
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(ids(&c.post("/search", bags)), [4, 9]);
}

/// The `Variable_name`/`Value` pairs of the last result of a raw `/sql` batch.
fn meta_pairs(r: &http_common::Resp) -> Vec<(String, String)> {
    let j = r.json();
    let last = j.as_array().and_then(|a| a.last()).cloned().unwrap();
    last["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.body))
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap().to_string();
            (s("Variable_name"), s("Value"))
        })
        .collect()
}

/// `SHOW META` after a search lists its totals and keyword stats (keywords sorted),
/// a `/search` still reports its own total, and a session that has not searched
/// shows nothing.
#[test]
fn show_meta_follows_the_last_search() {
    let (_d, p) = start();
    let mut c = Client::plain(p.http);
    fill(&mut c, "t");
    assert!(meta_pairs(&c.sql("SHOW META")).is_empty());
    let r = c.sql("SELECT id FROM t WHERE MATCH('leather | bag') LIMIT 1; SHOW META");
    let m = meta_pairs(&r);
    let names: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "total",
            "total_found",
            "total_relation",
            "time",
            "keyword[0]",
            "docs[0]",
            "hits[0]",
            "keyword[1]",
            "docs[1]",
            "hits[1]"
        ]
    );
    let value = |k: &str| m.iter().find(|(n, _)| n == k).unwrap().1.clone();
    assert_eq!(
        [
            value("total"),
            value("total_found"),
            value("total_relation")
        ],
        ["1", "2", "eq"]
    );
    assert_eq!([value("keyword[0]"), value("docs[0]")], ["bag", "2"]);
    assert_eq!([value("keyword[1]"), value("docs[1]")], ["leather", "1"]);
    let r = c.post(
        "/search",
        r#"{"table":"t","query":{"match":{"title":"bag"}},"limit":1}"#,
    );
    assert_eq!(r.json()["hits"]["total"], 2, "{}", r.body);
    assert_eq!(ids(&r).len(), 1);
}

/// A full-text query repeated on one connection follows the table it runs on:
/// after `ALTER TABLE` it still matches, and a table dropped and created again
/// with other fields and morphology answers by its new definition.
#[test]
fn a_repeated_query_follows_table_changes() {
    let (_d, p) = start();
    let mut c = Client::plain(p.http);
    fill(&mut c, "t");
    let q = r#"{"table":"t","query":{"query_string":"@body bags"},"sort":"id"}"#;
    let bags = r#"{"table":"t","query":{"query_string":"@title bags"},"sort":"id"}"#;
    assert_eq!(ids(&c.post("/search", bags)), Vec::<u64>::new());
    let r = c.post("/search", q);
    assert_eq!(r.body, r#"{"error":"no field 'body' found in schema"}"#);
    let r = c.post("/cli", "ALTER TABLE t ADD COLUMN extra int");
    assert_eq!(r.status, 200, "{}", r.body);
    let r = c.post(
        "/search",
        r#"{"table":"t","query":{"match":{"title":"bag"}},"sort":"id"}"#,
    );
    assert_eq!(ids(&r), [1, 4]);
    assert_eq!(
        r.json()["hits"]["hits"][0]["_source"]["extra"],
        0,
        "{}",
        r.body
    );
    for sql in [
        "DROP TABLE t",
        "CREATE TABLE t (title text, body text) morphology='stem_en'",
        "INSERT INTO t (id, title, body) VALUES (1, 'a bag', 'two bags'), (2, 'bags', 'none')",
    ] {
        let r = c.post("/cli", sql);
        assert_eq!(r.status, 200, "{}: {}", sql, r.body);
    }
    assert_eq!(ids(&c.post("/search", bags)), [1, 2]);
    assert_eq!(ids(&c.post("/search", q)), [1]);
}

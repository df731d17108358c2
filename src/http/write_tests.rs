use super::*;
use serde_json::json;

fn sql(a: Action, body: Json) -> String {
    plan(a, &body).unwrap().sql
}

fn done(affected: u64, last: u64) -> Result<Outcome, QueryError> {
    Ok(Outcome::Done {
        affected,
        last_insert_id: last,
        warnings: 0,
    })
}

#[test]
fn inserts_and_replaces() {
    assert_eq!(
        sql(
            Action::Insert,
            json!({"table": "t", "id": 5, "doc": {"title": "it's", "price": 1.5, "tags": [1, 2], "meta": {"a": 1}, "ok": true}})
        ),
        r#"INSERT INTO t (id, meta, ok, price, tags, title) VALUES (5, '{"a":1}', 1, 1.5, (1,2), 'it\'s')"#
    );
    assert_eq!(
        sql(Action::Insert, json!({"index": "t", "doc": {"a": 1}})),
        "INSERT INTO t (a) VALUES (1)"
    );
    assert_eq!(
        sql(
            Action::Replace,
            json!({"table": "t", "id": "7", "doc": {"a": 1}})
        ),
        "REPLACE INTO t (id, a) VALUES (7, 1)"
    );
    assert_eq!(Action::from_name("/index"), Some(Action::Replace));
    assert_eq!(Action::from_name("/json/create"), Some(Action::Insert));
    assert_eq!(Action::from_name("/search"), None);
}

#[test]
fn updates_and_deletes() {
    assert_eq!(
        sql(
            Action::Update,
            json!({"table": "t", "id": 1, "doc": {"price": 2}})
        ),
        "UPDATE t SET price=2 WHERE id=1"
    );
    assert_eq!(
        sql(
            Action::Update,
            json!({"table": "t", "doc": {"price": 2}, "query": {"range": {"price": {"lt": 2}}}})
        ),
        "UPDATE t SET price=2 WHERE price<2"
    );
    assert_eq!(
        sql(Action::Delete, json!({"table": "t", "id": 3})),
        "DELETE FROM t WHERE id=3"
    );
    assert_eq!(
        sql(
            Action::Delete,
            json!({"table": "t", "query": {"match": {"title": "x"}}})
        ),
        "DELETE FROM t WHERE MATCH('@title (x)')"
    );
    assert_eq!(
        sql(
            Action::Delete,
            json!({"table": "t", "query": {"match_all": {}}})
        ),
        "DELETE FROM t WHERE id>0"
    );
}

#[test]
fn refuses_bad_writes() {
    for (a, body) in [
        (Action::Insert, json!({"doc": {}})),
        (Action::Insert, json!({"table": "t", "id": -1})),
        (Action::Insert, json!({"table": "t", "id": 1.5})),
        (Action::Insert, json!({"table": "t", "doc": []})),
        (Action::Insert, json!({"table": "t", "doc": {"id": 1}})),
        (
            Action::Insert,
            json!({"table": "t", "doc": {"bad name": 1}}),
        ),
        (Action::Update, json!({"table": "t", "id": 1})),
        (Action::Update, json!({"table": "t", "doc": {"a": 1}})),
        (Action::Delete, json!({"table": "t"})),
        (Action::Delete, json!("x")),
    ] {
        assert!(plan(a, &body).is_err(), "{body}");
    }
}

#[test]
fn replies_like_upstream() {
    let op = plan(Action::Insert, &json!({"table": "t", "doc": {"a": 1}})).unwrap();
    let (st, j) = reply(&op, done(1, 42), "id").unwrap();
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        j.render(),
        r#"{"table":"t","id":42,"created":true,"result":"created","status":201}"#
    );
    let op = plan(
        Action::Replace,
        &json!({"table": "t", "id": 3, "doc": {"a": 1}}),
    )
    .unwrap();
    let (_, j) = reply(&op, done(1, 3), "_id").unwrap();
    assert_eq!(
        j.render(),
        r#"{"table":"t","_id":3,"created":false,"result":"updated","status":200}"#
    );
    let op = plan(Action::Delete, &json!({"table": "t", "id": 3})).unwrap();
    let (_, j) = reply(&op, done(0, 0), "id").unwrap();
    assert_eq!(
        j.render(),
        r#"{"table":"t","id":3,"found":false,"result":"not found"}"#
    );
    let op = plan(
        Action::Update,
        &json!({"table": "t", "doc": {"a": 1}, "query": {"match_all": {}}}),
    )
    .unwrap();
    let (_, j) = reply(&op, done(4, 0), "id").unwrap();
    assert_eq!(j.render(), r#"{"table":"t","updated":4}"#);
    let e = reply(&op, Err(QueryError::new("duplicate id '3'")), "id").unwrap_err();
    assert_eq!(
        e.typed_json().render(),
        r#"{"error":{"type":"action_request_validation_exception","reason":"duplicate id '3'","table":"t"},"status":409}"#
    );
}

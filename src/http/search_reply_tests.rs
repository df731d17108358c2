use super::*;
use crate::engine::{Attr, AttrType, Field};
use crate::service::ColumnType;

fn col(n: &str, t: ColumnType) -> Column {
    Column::new(n, t)
}

fn s(v: &str) -> Value {
    Value::Str(v.to_string())
}

fn select() -> Outcome {
    Outcome::Rows {
        columns: vec![
            col("id", ColumnType::BigInt),
            col("title", ColumnType::String),
            col("price", ColumnType::Float),
            col("tags", ColumnType::String),
            col("weight()", ColumnType::UInt),
        ],
        rows: vec![vec![
            Value::Int(2),
            s("Red bag"),
            Value::Float(1.5),
            s("3,4"),
            Value::UInt(1500),
        ]],
    }
}

fn meta(total: &str) -> Meta {
    [
        ("total", total),
        ("total_found", total),
        ("total_relation", "eq"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect::<Vec<_>>()
    .into()
}

fn schema() -> Schema {
    let attr = |name: &str, ty| Attr {
        name: name.into(),
        ty,
    };
    Schema {
        fields: vec![Field {
            name: "title".into(),
            indexed: true,
            stored: true,
        }],
        attrs: vec![
            attr("price", AttrType::Float),
            attr("tags", AttrType::Multi),
        ],
    }
}

fn render(r: Result<Vec<u8>, ApiError>) -> String {
    String::from_utf8(r.unwrap()).unwrap()
}

#[test]
fn shapes_hits_like_upstream() {
    let schema = schema();
    let p = Presentation {
        schema: Some(&schema),
        ..Presentation::default()
    };
    let out = shape(vec![Ok(select())], &meta("7"), 3, &p);
    assert_eq!(
        render(out),
        r#"{"took":3,"timed_out":false,"hits":{"total":7,"total_relation":"eq","hits":[{"_id":2,"_score":1500,"_source":{"title":"Red bag","price":1.5,"tags":[3,4]}}]}}"#
    );
}

#[test]
fn source_filter_highlight_and_aggs() {
    let h = Highlight::parse(&serde_json::json!({"fields": ["title"]})).unwrap();
    let words = vec!["bag".to_string()];
    let aggs = vec![("by_price".to_string(), "price".to_string())];
    let schema = schema();
    let p = Presentation {
        schema: Some(&schema),
        source: SourceFilter::parse(Some(&serde_json::json!(["t*"]))).unwrap(),
        highlight: Some(&h),
        words: &words,
        aggs: &aggs,
    };
    let facet = Outcome::Rows {
        columns: vec![
            col("price", ColumnType::Float),
            col("count(*)", ColumnType::BigInt),
        ],
        rows: vec![vec![Value::Float(1.5), Value::Int(2)]],
    };
    let out = shape(vec![Ok(select()), Ok(facet)], &meta("1"), 0, &p);
    assert_eq!(
        render(out),
        r#"{"took":0,"timed_out":false,"hits":{"total":1,"total_relation":"eq","hits":[{"_id":2,"_score":1500,"_source":{"title":"Red bag","tags":[3,4]},"highlight":{"title":["Red <b>bag</b>"]}}]},"aggregations":{"by_price":{"buckets":[{"key":1.5,"doc_count":2}]}}}"#
    );
}

#[test]
fn errors_come_back_typed() {
    let e = shape(
        vec![Err(QueryError::new(
            "unknown local table(s) 'x' in search request",
        ))],
        &Meta::default(),
        0,
        &Presentation::default(),
    )
    .unwrap_err();
    assert_eq!(e.kind, super::super::errors::Kind::TableNotFound);
}

/// Without a schema every text cell is highlighted; a repeated `id` counts last; no
/// weight column scores 1; `_source: false` drops `_source`.
#[test]
fn no_schema_no_source_repeated_id() {
    let h = Highlight::parse(&serde_json::json!({})).unwrap();
    let words = vec!["bag".to_string()];
    let p = Presentation {
        source: SourceFilter::parse(Some(&serde_json::json!(false))).unwrap(),
        highlight: Some(&h),
        words: &words,
        ..Presentation::default()
    };
    let rows = Outcome::Rows {
        columns: vec![
            col("id", ColumnType::BigInt),
            col("title", ColumnType::String),
            col("id", ColumnType::BigInt),
            col("x", ColumnType::Float),
        ],
        rows: vec![vec![
            Value::Int(1),
            s("a bag"),
            Value::Int(9),
            Value::Float(f64::NAN),
        ]],
    };
    let out = shape(vec![Ok(rows)], &Meta::default(), 0, &p);
    assert_eq!(
        render(out),
        r#"{"took":0,"timed_out":false,"hits":{"total":1,"total_relation":"eq","hits":[{"_id":9,"_score":1,"highlight":{"title":["a <b>bag</b>"]}}]}}"#
    );
}

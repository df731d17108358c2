//! `OPTION name = value, ...` of a `SELECT`.

use crate::engine::{Ranker, Schema};
use crate::service::QueryError;
use crate::sql::ast::{Expr, OptionValue, QueryOption};

/// `max_matches` when the query does not set it, as upstream.
pub const DEFAULT_MAX_MATCHES: usize = 1000;

/// Options upstream's `SELECT` knows; those not honoured here are accepted and
/// have no effect (they tune upstream's internals).
const KNOWN: &[&str] = &[
    "accurate_aggregation",
    "agent_query_timeout",
    "boolean_simplify",
    "comment",
    "cutoff",
    "distinct_precision_threshold",
    "expand_keywords",
    "expansion_limit",
    "field_weights",
    "global_idf",
    "idf",
    "ignore_nonexistent_columns",
    "ignore_nonexistent_indexes",
    "index_weights",
    "local_df",
    "low_priority",
    "max_matches",
    "max_matches_increase_threshold",
    "max_predicted_time",
    "max_query_time",
    "morphology",
    "not_terms_only_allowed",
    "rand_seed",
    "ranker",
    "retry_count",
    "retry_delay",
    "reverse_scan",
    "sort_method",
    "threads",
    "token_filter",
];

/// The options a search honours.
#[derive(Debug, Clone)]
pub struct QueryOptions {
    /// `ranker`.
    pub ranker: Ranker,
    /// `field_weights`.
    pub field_weights: Vec<(String, i64)>,
    /// `max_matches`.
    pub max_matches: usize,
    /// `cutoff`: stop after this many matches.
    pub cutoff: Option<u64>,
}

impl QueryOptions {
    /// Reads the options; names upstream does not know are refused with its
    /// message.
    pub fn parse(options: &[QueryOption], schema: &Schema) -> Result<QueryOptions, QueryError> {
        let mut out = QueryOptions {
            ranker: Ranker::default(),
            field_weights: Vec::new(),
            max_matches: DEFAULT_MAX_MATCHES,
            cutoff: None,
        };
        for opt in options {
            match (opt.name.as_str(), &opt.value) {
                ("ranker", OptionValue::Expr(e)) => out.ranker = ranker(e)?,
                ("field_weights", OptionValue::Map(pairs)) => {
                    for (name, v) in pairs {
                        if schema.field_index(name).is_none() {
                            return Err(QueryError::new(format!(
                                "field_weights: unknown field '{name}'"
                            )));
                        }
                        out.field_weights.push((name.clone(), int(&opt.name, v)?));
                    }
                }
                ("max_matches", OptionValue::Expr(e)) => {
                    let n = int(&opt.name, e)?;
                    if n < 1 {
                        return Err(QueryError::new("max_matches out of bounds"));
                    }
                    out.max_matches = usize::try_from(n).unwrap_or(usize::MAX);
                }
                ("cutoff", OptionValue::Expr(e)) => {
                    let n = int(&opt.name, e)?;
                    out.cutoff = u64::try_from(n).ok().filter(|n| *n > 0);
                }
                ("ranker" | "field_weights" | "max_matches" | "cutoff", _) => {
                    return Err(QueryError::new(format!(
                        "unexpected value for option '{}'",
                        opt.name
                    )));
                }
                (name, _) if KNOWN.contains(&name) => {}
                (name, _) => return Err(QueryError::new(format!("unknown option '{name}'"))),
            }
        }
        Ok(out)
    }
}

fn int(name: &str, e: &Expr) -> Result<i64, QueryError> {
    match e {
        Expr::Int(v) => i64::try_from(*v).map_err(|_| bad_value(name)),
        _ => Err(bad_value(name)),
    }
}

fn bad_value(name: &str) -> QueryError {
    QueryError::new(format!("option '{name}' expects an integer value"))
}

fn ranker(e: &Expr) -> Result<Ranker, QueryError> {
    let name = match e {
        Expr::Ident(n) | Expr::Str(n) => n.to_ascii_lowercase(),
        Expr::Call { name, .. } => name.to_ascii_lowercase(),
        _ => String::new(),
    };
    Ok(match name.as_str() {
        "proximity_bm25" => Ranker::ProximityBm25,
        "bm25" => Ranker::Bm25,
        "none" => Ranker::None,
        "wordcount" => Ranker::Wordcount,
        "proximity" => Ranker::Proximity,
        "matchany" => Ranker::Matchany,
        "sph04" => Ranker::Sph04,
        "fieldmask" => Ranker::Fieldmask,
        _ => return Err(QueryError::new(format!("unknown ranker '{name}'"))),
    })
}

//! A SEARCH query block as SphinxQL text (pure).
//!
//! Legacy match modes are emulated as upstream does: ALL is the plain words with the
//! proximity ranker, ANY is `"words"/1` with matchany, PHRASE is `"words"` with
//! proximity, BOOLEAN gets ranker none, FULLSCAN has no full-text query.

use super::search_req::{Filter, FilterKind, SearchQuery};

/// The alias under which the document id is selected.
pub const ID_ALIAS: &str = "api_id__";
/// The alias under which the weight is selected.
pub const WEIGHT_ALIAS: &str = "api_weight__";
/// The alias of the SPH_SORT_EXPR expression.
pub const SORT_EXPR_ALIAS: &str = "api_sortexpr__";
/// The alias of the SPH_SORT_TIME_SEGMENTS segment number.
pub const TIME_SEGMENT_ALIAS: &str = "api_tseg__";

/// Quotes a string literal for SphinxQL.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Whether `name` is a plain identifier (attribute, table or `@` magic name).
pub fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@' || c == '.' || c == '-')
}

/// Whether an expression stays one expression: no `;` outside string literals.
fn is_single_expression(expr: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in expr.chars() {
        match (quote, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, ';') => return false,
            _ => {}
        }
    }
    quote.is_none()
}

/// Refuses names and expressions that would not stay what the protocol says they
/// are once written into SphinxQL.
pub fn check_query(q: &SearchQuery) -> Result<(), String> {
    let names = q
        .filters
        .iter()
        .map(|f| f.attr.as_str())
        .chain(q.field_weights.iter().map(|(n, _)| n.as_str()))
        .chain(q.index_weights.iter().map(|(n, _)| n.as_str()))
        .chain([q.group_by.as_str(), q.group_distinct.as_str()])
        .chain(q.filters.iter().filter_map(|f| match &f.kind {
            FilterKind::UserVar(v) => Some(v.as_str()),
            _ => None,
        }));
    for n in names.filter(|n| !n.is_empty()) {
        if !is_identifier(n) {
            return Err(format!("invalid attribute name '{n}'"));
        }
    }
    for e in [&q.select, &q.sort_by, &q.group_sort] {
        if !is_single_expression(e) {
            return Err(format!("invalid expression '{e}'"));
        }
    }
    Ok(())
}

/// The `SELECT` statement for one query block against `table`.
pub fn search_sql(q: &SearchQuery, table: &str) -> String {
    let (text, ranker) = match_text(q);
    let mut sql = format!("SELECT {}", select_list(q, table));
    sql.push_str(&format!(" FROM {table}"));
    let conds = conditions(q, text.as_deref());
    if !conds.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conds.join(" AND "));
    }
    let order = sort_clause(q);
    if !q.group_by.is_empty() {
        sql.push_str(&format!(" GROUP BY {}", group_key(q)));
        if !order.is_empty() {
            sql.push_str(&format!(" WITHIN GROUP ORDER BY {order}"));
        }
        let group_order = map_sort_keys(if q.group_sort.is_empty() {
            "@group desc"
        } else {
            &q.group_sort
        });
        sql.push_str(&format!(" ORDER BY {group_order}"));
    } else if order != RELEVANCE_ORDER {
        // Relevance order is the engine's own order for a search, which it reaches
        // without sorting every match (a top-k): no ORDER BY for it.
        sql.push_str(&format!(" ORDER BY {order}"));
    }
    sql.push_str(&format!(" LIMIT {},{}", q.offset, q.limit));
    let options = options(q, ranker);
    if !options.is_empty() {
        sql.push_str(&format!(" OPTION {}", options.join(", ")));
    }
    sql
}

/// The weight a match reports. Sphinx multiplies it by its table's index weight;
/// that is done here when all the searched tables share one.
fn weight_expr(q: &SearchQuery, tables: &str) -> String {
    let factor = |t: &str| {
        q.index_weights
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(t.trim()))
            .map_or(1, |(_, w)| *w)
    };
    let mut factors = tables.split(',').map(factor);
    let first = factors.next().unwrap_or(1);
    if first > 1 && factors.all(|f| f == first) {
        format!("WEIGHT()*{first}")
    } else {
        "WEIGHT()".into()
    }
}

fn select_list(q: &SearchQuery, tables: &str) -> String {
    let mut items = vec![
        format!("id AS {ID_ALIAS}"),
        format!("{} AS {WEIGHT_ALIAS}", weight_expr(q, tables)),
    ];
    let user = q.select.trim();
    items.push(if user.is_empty() {
        "*".to_string()
    } else {
        map_magic_names(user)
    });
    if !q.group_by.is_empty() {
        items.push("GROUPBY() AS api_groupby__".into());
        items.push("COUNT(*) AS api_count__".into());
        if !q.group_distinct.is_empty() {
            items.push(format!(
                "COUNT(DISTINCT {}) AS api_distinct__",
                q.group_distinct
            ));
        }
    }
    if q.sort_mode == 3 && !q.sort_by.is_empty() {
        items.push(format!(
            "{} AS {TIME_SEGMENT_ALIAS}",
            time_segment(&attr_name(q.sort_by.trim()))
        ));
    }
    if q.sort_mode == 5 && !q.sort_by.is_empty() {
        items.push(format!(
            "{} AS {SORT_EXPR_ALIAS}",
            map_magic_names(&q.sort_by)
        ));
    }
    items.join(", ")
}

/// The full-text query text (None: no MATCH) and the ranker to use.
fn match_text(q: &SearchQuery) -> (Option<String>, u32) {
    let plain = || {
        q.query
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '_' {
                    c
                } else {
                    ' '
                }
            })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    match q.mode {
        0 => (Some(plain()), 4),
        1 => (Some(format!("\"{}\"/1", plain())), 5),
        2 => (Some(format!("\"{}\"", plain())), 4),
        3 => (Some(q.query.clone()), 2),
        5 => (None, q.ranker),
        _ => (Some(q.query.clone()), q.ranker),
    }
}

fn conditions(q: &SearchQuery, text: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
        out.push(format!("MATCH({})", quote(t)));
    }
    if q.min_id > 0 {
        out.push(format!("id >= {}", q.min_id));
    }
    if q.max_id > 0 && q.max_id != u64::MAX {
        out.push(format!("id <= {}", q.max_id));
    }
    out.extend(q.filters.iter().map(filter_sql));
    out
}

fn attr_name(attr: &str) -> String {
    match attr {
        "@id" => "id".into(),
        "@weight" | "@relevance" | "@rank" => "WEIGHT()".into(),
        other => other.to_string(),
    }
}

fn filter_sql(f: &Filter) -> String {
    let a = attr_name(&f.attr);
    let (neg, not) = if f.exclude { ("!=", "NOT ") } else { ("=", "") };
    match &f.kind {
        FilterKind::Values(v) if v.is_empty() => if f.exclude { "1=1" } else { "1=0" }.to_string(),
        FilterKind::Values(v) => {
            let list: Vec<String> = v.iter().map(i64::to_string).collect();
            format!("{a} {not}IN ({})", list.join(","))
        }
        FilterKind::Range(lo, hi) => range(&a, &lo.to_string(), &hi.to_string(), f.exclude),
        FilterKind::FloatRange(lo, hi) => range(&a, &float(*lo), &float(*hi), f.exclude),
        FilterKind::Str(s) => format!("{a}{neg}{}", quote(s)),
        FilterKind::Null(is_null) => {
            let want_null = *is_null != f.exclude;
            format!("{a} IS {}NULL", if want_null { "" } else { "NOT " })
        }
        FilterKind::UserVar(v) => format!("{a} {not}IN @{v}"),
        FilterKind::StrList(v) => {
            let list: Vec<String> = v.iter().map(|s| quote(s)).collect();
            format!("{a} {not}IN ({})", list.join(","))
        }
    }
}

fn range(a: &str, lo: &str, hi: &str, exclude: bool) -> String {
    if exclude {
        format!("({a} < {lo} OR {a} > {hi})")
    } else {
        format!("{a} BETWEEN {lo} AND {hi}")
    }
}

fn float(v: f32) -> String {
    if v.is_finite() {
        format!("{v}")
    } else if v > 0.0 {
        "3.4e38".into()
    } else {
        "-3.4e38".into()
    }
}

/// Sphinx's relevance order, which is also the engine's default order.
const RELEVANCE_ORDER: &str = "WEIGHT() DESC, id ASC";

/// The ORDER BY keys of the sort mode (empty: the engine's default order). Ties in
/// an attribute sort go to the higher weight, then the lower id; time segments tie
/// on the weight, then the newer timestamp; as in Sphinx.
fn sort_clause(q: &SearchQuery) -> String {
    let by = q.sort_by.trim();
    match q.sort_mode {
        1 if !by.is_empty() => format!("{} DESC, WEIGHT() DESC, id ASC", attr_name(by)),
        2 if !by.is_empty() => format!("{} ASC, WEIGHT() DESC, id ASC", attr_name(by)),
        3 if !by.is_empty() => format!(
            "{TIME_SEGMENT_ALIAS} DESC, WEIGHT() DESC, {} DESC, id ASC",
            attr_name(by)
        ),
        4 if !by.is_empty() => map_sort_keys(by),
        5 if !by.is_empty() => format!("{SORT_EXPR_ALIAS} DESC, id ASC"),
        _ => RELEVANCE_ORDER.into(),
    }
}

/// The time segment of a timestamp: 5 within the last hour, then day, week, month,
/// three months (1) and older (0).
fn time_segment(attr: &str) -> String {
    let spans = [3600, 86400, 7 * 86400, 30 * 86400, 90 * 86400];
    let mut expr = "0".to_string();
    for (i, span) in spans.iter().enumerate().rev() {
        expr = format!("IF({attr} >= NOW() - {span}, {}, {expr})", 5 - i);
    }
    expr
}

/// Rewrites Sphinx's `@weight`, `@relevance`, `@rank` and `@id` in an expression
/// (outside string literals) into SphinxQL.
pub fn map_magic_names(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len());
    let mut quote: Option<char> = None;
    let mut rest = expr;
    while let Some(c) = rest.chars().next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
        } else if c == '\'' || c == '"' {
            quote = Some(c);
        } else if c == '@' {
            let name: String = rest[1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let mapped = match name.to_ascii_lowercase().as_str() {
                "weight" | "relevance" | "rank" => Some("WEIGHT()"),
                "id" => Some("id"),
                _ => None,
            };
            if let Some(m) = mapped {
                out.push_str(m);
                rest = &rest[1 + name.len()..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Rewrites an extended sort clause's `@` keys into SphinxQL.
pub fn map_sort_keys(clause: &str) -> String {
    clause
        .split(',')
        .map(|part| {
            let mut words = part.split_whitespace();
            let key = words.next().unwrap_or("");
            let dir = words.next().unwrap_or("asc").to_ascii_uppercase();
            let key = match key.to_ascii_lowercase().as_str() {
                "@weight" | "@relevance" | "@rank" => "WEIGHT()".to_string(),
                "@id" => "id".into(),
                "@group" => "api_groupby__".into(),
                "@count" => "api_count__".into(),
                "@distinct" => "api_distinct__".into(),
                "@random" => "RAND()".into(),
                _ => key.to_string(),
            };
            format!("{key} {dir}")
        })
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn group_key(q: &SearchQuery) -> String {
    let a = &q.group_by;
    match q.group_func {
        0 => format!("YEARMONTHDAY({a})"),
        1 => format!("YEARWEEK({a})"),
        2 => format!("YEARMONTH({a})"),
        3 => format!("YEAR({a})"),
        _ => a.clone(),
    }
}

/// The formulas of the built-in rankers as Sphinx documents them for the expression
/// ranker, with whitespace removed: an expression equal to one ranks as that ranker.
const RANK_FORMULAS: [(&str, u32); 8] = [
    ("sum(lcs*user_weight)*1000+bm25", 0),
    ("sum(user_weight)*1000+bm25", 1),
    ("1", 2),
    ("sum(hit_count*user_weight)", 3),
    ("sum(lcs*user_weight)", 4),
    ("sum((word_count+(lcs-1)*max_lcs)*user_weight)", 5),
    ("field_mask", 6),
    (
        "sum((4*lcs+2*(min_hit_pos==1)+exact_hit)*user_weight)*1000+bm25",
        7,
    ),
];

/// The built-in ranker an expression (SPH_RANK_EXPR, SPH_RANK_EXPORT) ranks with:
/// the one whose formula it is, else proximity_bm25 with a warning, since the engine
/// has no general factor expressions (an empty expression is proximity_bm25 too).
pub fn expr_ranker(expr: &str) -> (u32, Option<String>) {
    let norm: String = expr
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if norm.is_empty() {
        return (0, None);
    }
    match RANK_FORMULAS.iter().find(|(f, _)| *f == norm) {
        Some(&(_, r)) => (r, None),
        None => (
            0,
            Some(format!(
                "ranker expression '{expr}' is not supported; ranked with proximity_bm25"
            )),
        ),
    }
}

/// The warning for a query whose rank expression is ranked with a built-in ranker.
pub fn ranker_warning(q: &SearchQuery) -> Option<String> {
    match q.mode {
        4 | 6 if q.ranker == 8 || q.ranker == 9 => expr_ranker(&q.rank_expr).1,
        _ => None,
    }
}

const RANKERS: [&str; 10] = [
    "proximity_bm25",
    "bm25",
    "none",
    "wordcount",
    "proximity",
    "matchany",
    "fieldmask",
    "sph04",
    "expr",
    "export",
];

fn options(q: &SearchQuery, ranker: u32) -> Vec<String> {
    let mut out = Vec::new();
    let ranker = match ranker {
        8 | 9 => expr_ranker(&q.rank_expr).0,
        r => r,
    };
    match RANKERS.get(ranker as usize).copied() {
        Some(name) if ranker != 0 => out.push(format!("ranker={name}")),
        _ => {}
    }
    if q.max_matches > 0 {
        out.push(format!("max_matches={}", q.max_matches));
    }
    if q.cutoff > 0 {
        out.push(format!("cutoff={}", q.cutoff));
    }
    if q.max_query_time > 0 {
        out.push(format!("max_query_time={}", q.max_query_time));
    }
    if !q.field_weights.is_empty() {
        out.push(format!("field_weights=({})", pairs(&q.field_weights)));
    }
    if !q.index_weights.is_empty() {
        out.push(format!("index_weights=({})", pairs(&q.index_weights)));
    }
    if !q.comment.is_empty() {
        out.push(format!("comment={}", quote(&q.comment)));
    }
    out
}

fn pairs(p: &[(String, u32)]) -> String {
    p.iter()
        .map(|(n, w)| format!("{n}={w}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> SearchQuery {
        SearchQuery {
            limit: 20,
            mode: 6,
            query: "hello world".into(),
            indexes: "t".into(),
            max_matches: 1000,
            group_sort: "@group desc".into(),
            select: "*".into(),
            ..Default::default()
        }
    }

    #[test]
    fn quotes_string_literals() {
        assert_eq!(quote(r"it's a \ test"), r"'it\'s a \\ test'");
    }

    #[test]
    fn extended_query_with_filters() {
        let mut q = base();
        q.filters = vec![
            Filter {
                attr: "gid".into(),
                kind: FilterKind::Values(vec![1, 2]),
                exclude: false,
            },
            Filter {
                attr: "price".into(),
                kind: FilterKind::FloatRange(1.5, 2.0),
                exclude: true,
            },
        ];
        q.min_id = 2;
        q.field_weights = vec![("title".into(), 10)];
        assert_eq!(
            search_sql(&q, "t"),
            "SELECT id AS api_id__, WEIGHT() AS api_weight__, * FROM t WHERE MATCH('hello world') \
             AND id >= 2 AND gid IN (1,2) AND (price < 1.5 OR price > 2) \
             LIMIT 0,20 OPTION max_matches=1000, field_weights=(title=10)"
        );
    }

    #[test]
    fn legacy_modes_rewrite_query_and_ranker() {
        let mut q = base();
        q.query = "hello, o'neil!".into();
        q.mode = 1;
        let sql = search_sql(&q, "t");
        assert!(sql.contains(r#"MATCH('"hello o neil"/1')"#), "{sql}");
        assert!(sql.contains("ranker=matchany"), "{sql}");
        q.mode = 5;
        assert!(!search_sql(&q, "t").contains("MATCH"));
    }

    #[test]
    fn group_by_with_count_and_distinct() {
        let mut q = base();
        q.group_func = 4;
        q.group_by = "gid".into();
        q.group_distinct = "tag".into();
        q.sort_mode = 2;
        q.sort_by = "price".into();
        let sql = search_sql(&q, "t");
        assert!(
            sql.contains("COUNT(DISTINCT tag) AS api_distinct__"),
            "{sql}"
        );
        assert!(sql.contains(
            "GROUP BY gid WITHIN GROUP ORDER BY price ASC, WEIGHT() DESC, id ASC ORDER BY api_groupby__ DESC"
        ));
    }

    #[test]
    fn magic_names_in_select_lists() {
        assert_eq!(
            map_magic_names("*, @weight+gid AS w, '@id' AS s, @ID"),
            "*, WEIGHT()+gid AS w, '@id' AS s, id"
        );
    }

    #[test]
    fn time_segments_sort_newest_segment_first() {
        let mut q = base();
        q.sort_mode = 3;
        q.sort_by = "ts".into();
        let sql = search_sql(&q, "t");
        assert!(
            sql.contains(
                "IF(ts >= NOW() - 3600, 5, IF(ts >= NOW() - 86400, 4, IF(ts >= NOW() - 604800, 3, \
             IF(ts >= NOW() - 2592000, 2, IF(ts >= NOW() - 7776000, 1, 0))))) AS api_tseg__"
            ),
            "{sql}"
        );
        assert!(
            sql.contains("ORDER BY api_tseg__ DESC, WEIGHT() DESC, ts DESC, id ASC"),
            "{sql}"
        );
    }

    #[test]
    fn names_and_expressions_cannot_smuggle_statements() {
        let mut q = base();
        assert_eq!(check_query(&q), Ok(()));
        q.select = "*, 'a;b' AS s".into();
        assert_eq!(check_query(&q), Ok(()));
        q.select = "*; DROP TABLE t".into();
        assert!(check_query(&q).is_err());
        q.select = "*".into();
        q.group_by = "gid; DROP TABLE t".into();
        assert_eq!(
            check_query(&q).unwrap_err(),
            "invalid attribute name 'gid; DROP TABLE t'"
        );
    }

    #[test]
    fn rank_expressions_of_built_in_rankers() {
        let mut q = base();
        q.ranker = 8;
        q.rank_expr = "sum(hit_count * user_weight)".into();
        assert!(search_sql(&q, "t").ends_with("OPTION ranker=wordcount, max_matches=1000"));
        assert_eq!(ranker_warning(&q), None);
        q.rank_expr = "field_mask".into();
        assert!(search_sql(&q, "t").contains("ranker=fieldmask"));
        q.rank_expr = "SUM(LCS*USER_WEIGHT)*1000 + BM25".into();
        assert!(!search_sql(&q, "t").contains("ranker="));
        q.rank_expr = "sum(lcs)*2".into();
        assert!(!search_sql(&q, "t").contains("ranker="));
        assert_eq!(
            ranker_warning(&q).as_deref(),
            Some("ranker expression 'sum(lcs)*2' is not supported; ranked with proximity_bm25")
        );
    }

    #[test]
    fn index_weights_scale_the_reported_weight() {
        let mut q = base();
        q.index_weights = vec![("T".into(), 3), ("u".into(), 2)];
        assert!(
            search_sql(&q, "t").starts_with("SELECT id AS api_id__, WEIGHT()*3 AS api_weight__, *")
        );
        assert!(search_sql(&q, "t, u")
            .starts_with("SELECT id AS api_id__, WEIGHT() AS api_weight__, *"));
        assert!(
            search_sql(&q, "v").starts_with("SELECT id AS api_id__, WEIGHT() AS api_weight__, *")
        );
    }

    #[test]
    fn extended_sort_keys_map() {
        assert_eq!(
            map_sort_keys("@weight desc, @id asc, price"),
            "WEIGHT() DESC, id ASC, price ASC"
        );
    }
}

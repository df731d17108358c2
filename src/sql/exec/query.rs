//! `SELECT ... FROM table`: full-text matching (the engine's), then filters,
//! grouping, ordering, `LIMIT`, projection and facets (ours), and the data
//! `SHOW META` reports.

use std::time::Instant;

use crate::engine::{AttrRow, AttrValue, DocRef, KeywordStat, MatchOptions, Reader, StoredFields};
use crate::service::{Meta, Outcome, QueryError, SearchMeta};
use crate::sql::ast::{BinaryOp, Expr, Limit, Select, SelectItem};

use super::options::QueryOptions;
use super::order::{base_sort, shown_rows, sort_by_keys, top_rows, window, window_range};
use super::project::project;
use super::rowexpr::{has_aggregate, Env, Group, Row};
use super::value::{group_key, order, Val};
use super::Ctx;

/// Rows `SELECT` returns when no `LIMIT` is given, as upstream.
pub const DEFAULT_LIMIT: u64 = 20;

/// The result sets of a search (the main one, then one per facet) and its meta.
pub struct SearchResult {
    /// The result sets.
    pub outcomes: Vec<Outcome>,
    /// `SHOW META` data.
    pub meta: Meta,
}

/// Runs a `SELECT` with `FROM`.
pub fn run(ctx: &Ctx<'_>, select: &Select) -> Result<SearchResult, QueryError> {
    let started = Instant::now();
    let tables = tables(ctx, &select.from)?;
    let readers: Vec<Reader> = tables.iter().map(|t| t.reader()).collect();
    let Some(first) = readers.first() else {
        return Err(unknown_table(&select.from));
    };
    let schema = first.schema();
    let opts = QueryOptions::parse(&select.options, schema)?;
    let env = Env {
        ctx,
        schema,
        aliases: aliases(&select.items),
    };
    let keep = shown_rows(select, &opts);
    let mut rows = Vec::new();
    let mut total = 0;
    let mut keywords: Keywords = None;
    for (table, reader) in tables.iter().zip(&readers) {
        let table_env = Env {
            ctx,
            schema: reader.schema(),
            aliases: env.aliases.clone(),
        };
        check_select(&table_env, table.name(), select)?;
        let filter = select.filter.as_ref();
        let (found, count, stats) = unordered_matching_rows(reader, &env, filter, &opts, keep)?;
        rows.extend(found);
        total += count;
        keywords = merge_keywords(keywords, stats);
    }
    let matches = Matched {
        rows,
        total,
        keywords,
        keep,
    };
    finish(&env, select, matches, &opts, started)
}

/// The matches of a query over its tables.
struct Matched<'r> {
    /// All rows, or (when `keep` is set) at least the first `keep` of each table.
    rows: Vec<Row<'r>>,
    /// Number of matching rows.
    total: usize,
    keywords: Keywords,
    keep: Option<usize>,
}

/// Sorts, groups, pages and projects the matches; adds the facets and the meta.
fn finish(
    env: &Env<'_>,
    select: &Select,
    matches: Matched<'_>,
    opts: &QueryOptions,
    started: Instant,
) -> Result<SearchResult, QueryError> {
    let Matched {
        rows,
        total,
        keywords,
        keep,
    } = matches;
    let query = Query {
        env,
        select,
        matched: keywords.is_some(),
    };
    let rows = match keep {
        Some(k) => top_rows(rows, k, query.matched),
        None => base_sort(env, rows, &select.within_group, query.matched)?,
    };
    let main = query.main_set(&rows, total, opts)?;
    let mut outcomes = vec![main.outcome];
    for facet in &select.facets {
        outcomes.push(query.facet(&rows, facet)?);
    }
    let meta = Meta::Search(SearchMeta {
        returned: main.returned,
        found: main.found,
        seconds: started.elapsed().as_secs_f64(),
        keywords: keywords.unwrap_or_default(),
    });
    Ok(SearchResult { outcomes, meta })
}

/// The tables after `FROM`, or upstream's error naming the missing ones.
fn tables(
    ctx: &Ctx<'_>,
    names: &[String],
) -> Result<Vec<std::sync::Arc<crate::engine::Table>>, QueryError> {
    let missing: Vec<String> = names
        .iter()
        .filter(|n| ctx.state.catalog.get(n).is_none())
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(unknown_table(&missing));
    }
    Ok(names
        .iter()
        .filter_map(|n| ctx.state.catalog.get(n))
        .collect())
}

/// Refuses unknown columns before any row is read (so an empty result does not
/// hide them), with upstream's message for each clause.
fn check_select(env: &Env<'_>, table: &str, s: &Select) -> Result<(), QueryError> {
    for e in s.items.iter().map(|i| &i.expr) {
        env.check_expr(table, e)?;
    }
    if let Some(f) = &s.filter {
        env.check_filter(table, f)?;
    }
    for g in &s.group_by {
        if let Some(n) = env.unknown_name(g) {
            return Err(QueryError::new(format!(
                "table {table}: group-by attribute '{n}' not found"
            )));
        }
    }
    if let Some(h) = &s.having {
        env.check_expr(table, h)?;
    }
    for k in s.order_by.iter().chain(&s.within_group) {
        if let Some(n) = env.unknown_name(&k.expr) {
            return Err(QueryError::new(format!(
                "table {table}: sort-by attribute '{n}' not found"
            )));
        }
    }
    Ok(())
}

fn unknown_table(names: &[String]) -> QueryError {
    QueryError::new(format!(
        "unknown local table(s) '{}' in search request",
        names.join(",")
    ))
}

/// Select-list aliases other columns may refer to.
fn aliases(items: &[SelectItem]) -> Vec<(String, Expr)> {
    items
        .iter()
        .filter_map(|i| i.alias.clone().map(|a| (a, i.expr.clone())))
        .collect()
}

/// The `AND` terms of a condition.
fn conjuncts(e: &Expr, out: &mut Vec<Expr>) {
    match e {
        Expr::Binary {
            op: BinaryOp::And,
            left,
            right,
        } => {
            conjuncts(left, out);
            conjuncts(right, out);
        }
        other => out.push(other.clone()),
    }
}

fn match_query(e: &Expr) -> Option<Result<String, QueryError>> {
    match e {
        Expr::Call { name, args } if name.eq_ignore_ascii_case("MATCH") => {
            Some(match args.as_slice() {
                [Expr::Str(q)] => Ok(q.clone()),
                _ => Err(QueryError::new("MATCH() argument must be a string")),
            })
        }
        _ => None,
    }
}

type Keywords = Option<Vec<KeywordStat>>;

/// Keyword statistics over several tables: counts of the same keyword add up.
fn merge_keywords(into: Keywords, more: Keywords) -> Keywords {
    let Some(mut acc) = into else {
        return more;
    };
    for k in more.unwrap_or_default() {
        match acc.iter_mut().find(|a| a.keyword == k.keyword) {
            Some(a) => {
                a.docs += k.docs;
                a.hits += k.hits;
            }
            None => acc.push(k),
        }
    }
    Some(acc)
}

/// The rows that pass `WHERE`, in id order: the engine matches `MATCH()`, the
/// rest is evaluated here. Applies `cutoff`.
pub fn matching_rows<'r>(
    reader: &'r Reader,
    env: &Env<'_>,
    filter: Option<&Expr>,
    opts: &QueryOptions,
) -> Result<(Vec<Row<'r>>, Keywords), QueryError> {
    let (mut rows, _, keywords) = unordered_matching_rows(reader, env, filter, opts, None)?;
    rows.sort_unstable_by_key(|r| r.doc.id);
    Ok((rows, keywords))
}

/// The rows that pass `WHERE`, in no particular order (in id order when
/// `cutoff` or a condition besides `MATCH()` applies), and their number. With
/// `top`, when only `MATCH()` filters, only the first `top` rows of the default
/// order come back (but all are counted).
fn unordered_matching_rows<'r>(
    reader: &'r Reader,
    env: &Env<'_>,
    filter: Option<&Expr>,
    opts: &QueryOptions,
    top: Option<usize>,
) -> Result<(Vec<Row<'r>>, usize, Keywords), QueryError> {
    let mut terms = Vec::new();
    if let Some(f) = filter {
        conjuncts(f, &mut terms);
    }
    let mut query = None;
    let mut rest = Vec::new();
    for t in terms {
        match match_query(&t) {
            Some(q) if query.is_none() => query = Some(q?),
            Some(_) => return Err(QueryError::new("too many MATCH() clauses")),
            None => rest.push(t),
        }
    }
    let row = |doc, weight| Row {
        doc,
        weight,
        schema: reader.schema(),
    };
    if let (Some(k), true) = (top, rest.is_empty() && opts.cutoff.is_none()) {
        return Ok(match &query {
            Some(q) => {
                let (m, total) = reader
                    .search_top(q, &opts.match_options(), k)
                    .map_err(|e| QueryError::new(e.0))?;
                let rows = m.hits.iter().map(|h| row(h.doc, h.weight)).collect();
                (rows, total, Some(m.keywords))
            }
            None => {
                let rows = reader.docs().take(k).map(|d| row(d, 1)).collect();
                (rows, reader.len(), None)
            }
        });
    }
    let (candidates, keywords) = match &query {
        Some(q) => {
            let m = reader
                .search(q, &opts.match_options())
                .map_err(|e| QueryError::new(e.0))?;
            let rows = m
                .hits
                .iter()
                .map(|h| Row {
                    doc: h.doc,
                    weight: h.weight,
                    schema: reader.schema(),
                })
                .collect::<Vec<_>>();
            (rows, Some(m.keywords))
        }
        None => (
            reader
                .docs()
                .map(|doc| Row {
                    doc,
                    weight: 1,
                    schema: reader.schema(),
                })
                .collect(),
            None,
        ),
    };
    let mut candidates = candidates;
    if rest.is_empty() && opts.cutoff.is_none() {
        // Nothing depends on the order here: the caller sorts.
        let total = candidates.len();
        return Ok((candidates, total, keywords));
    }
    candidates.sort_by_key(|r| r.doc.id);
    let mut out = Vec::new();
    for row in candidates {
        if opts.cutoff.is_some_and(|c| out.len() as u64 >= c) {
            break;
        }
        let mut keep = true;
        for t in &rest {
            if !env.eval(t, &row, None)?.truthy() {
                keep = false;
                break;
            }
        }
        if keep {
            out.push(row);
        }
    }
    let total = out.len();
    Ok((out, total, keywords))
}

/// A result set and its counts.
struct Produced {
    outcome: Outcome,
    found: usize,
    returned: usize,
}

/// A group of matches: its rows (best first) and key.
pub(super) struct Grouped<'a> {
    pub(super) members: Vec<Row<'a>>,
    pub(super) key: Val,
}

struct Query<'q> {
    env: &'q Env<'q>,
    select: &'q Select,
    matched: bool,
}

impl Query<'_> {
    /// The main result set of `rows` (sorted, or only the first of `total` rows
    /// when nothing regroups or reorders them).
    fn main_set(
        &self,
        rows: &[Row<'_>],
        total: usize,
        opts: &QueryOptions,
    ) -> Result<Produced, QueryError> {
        let s = self.select;
        let grouped = !s.group_by.is_empty() || s.items.iter().any(|i| has_aggregate(&i.expr));
        let limit = s.limit.unwrap_or(Limit {
            offset: 0,
            count: DEFAULT_LIMIT,
        });
        let schema = self.env.schema;
        let blank_attrs: Vec<AttrValue> = schema
            .attrs
            .iter()
            .map(|a| AttrValue::default_for(a.ty))
            .collect();
        let blank = Row {
            doc: DocRef {
                id: 0,
                attrs: AttrRow::Values(&blank_attrs),
                fields: StoredFields::default(),
            },
            weight: 0,
            schema: self.env.schema,
        };
        let env = self.env;
        let (page, found) = if grouped {
            let groups = self.sorted_groups(rows, &blank)?;
            let found = groups.len();
            let kept = &groups[..found.min(opts.max_matches)];
            let range = window_range(kept.len(), limit);
            let page: Vec<Grouped<'_>> = groups
                .into_iter()
                .take(range.end)
                .skip(range.start)
                .collect();
            (page, found)
        } else {
            let sorted = sort_by_keys(rows.to_vec(), &s.order_by, |r, k| {
                let group = Group {
                    members: std::slice::from_ref(r),
                    key: Val::Null,
                };
                env.eval(k, r, Some(&group))
            })?;
            let kept = &sorted[..sorted.len().min(opts.max_matches)];
            let page = window(kept, limit)
                .iter()
                .map(|r| Grouped {
                    members: vec![*r],
                    key: Val::Null,
                })
                .collect();
            (page, total)
        };
        let page = &page[..];
        let outcome = project(self.env, &s.items, page, &blank, grouped)?;
        Ok(Produced {
            outcome,
            found,
            returned: page.len(),
        })
    }

    /// The groups of `rows` after `HAVING`, in the result order.
    fn sorted_groups<'a>(
        &self,
        rows: &[Row<'a>],
        blank: &Row<'_>,
    ) -> Result<Vec<Grouped<'a>>, QueryError> {
        let s = self.select;
        let mut g = self.group(rows, &s.group_by)?;
        if g.is_empty() && s.group_by.is_empty() {
            // Aggregates over no rows still give one row (`count(*)` 0).
            g.push(Grouped {
                members: Vec::new(),
                key: Val::Null,
            });
        }
        if let Some(h) = &s.having {
            g = self.having(g, h, blank)?;
        }
        let env = self.env;
        let mut groups = sort_by_keys(g, &s.order_by, |g, k| {
            env.eval(
                k,
                g.members.first().unwrap_or(blank),
                Some(&as_group(g, true)),
            )
        })?;
        if !s.group_by.is_empty() && s.order_by.is_empty() {
            // Upstream's default group order: the group key, descending.
            groups.sort_by(|a, b| order(&b.key, &a.key));
        }
        Ok(groups)
    }

    fn having<'a>(
        &self,
        groups: Vec<Grouped<'a>>,
        cond: &Expr,
        blank: &Row<'_>,
    ) -> Result<Vec<Grouped<'a>>, QueryError> {
        let mut out = Vec::new();
        for g in groups {
            let rep = g.members.first().unwrap_or(blank);
            if self
                .env
                .eval(cond, rep, Some(&as_group(&g, true)))?
                .truthy()
            {
                out.push(g);
            }
        }
        Ok(out)
    }

    /// Groups rows by `keys` (one group of all rows without keys), in order of
    /// each group's first row.
    fn group<'a>(&self, rows: &[Row<'a>], keys: &[Expr]) -> Result<Vec<Grouped<'a>>, QueryError> {
        if keys.is_empty() {
            if rows.is_empty() {
                return Ok(Vec::new());
            }
            return Ok(vec![Grouped {
                members: rows.to_vec(),
                key: Val::Null,
            }]);
        }
        let mut index = std::collections::HashMap::new();
        let mut groups: Vec<Grouped<'a>> = Vec::new();
        for row in rows {
            let vals = keys
                .iter()
                .map(|k| self.env.eval(k, row, None))
                .collect::<Result<Vec<_>, _>>()?;
            for key_val in expand_mva(vals) {
                let k: String = key_val
                    .iter()
                    .map(group_key)
                    .collect::<Vec<_>>()
                    .join("\u{1}");
                let slot = *index.entry(k).or_insert_with(|| {
                    groups.push(Grouped {
                        members: Vec::new(),
                        key: key_val.first().cloned().unwrap_or(Val::Null),
                    });
                    groups.len() - 1
                });
                groups[slot].members.push(*row);
            }
        }
        Ok(groups)
    }

    fn facet(
        &self,
        rows: &[Row<'_>],
        facet: &crate::sql::ast::Facet,
    ) -> Result<Outcome, QueryError> {
        let mut names = aliases(&facet.items);
        names.extend(self.env.aliases.iter().cloned());
        let env = Env {
            ctx: self.env.ctx,
            schema: self.env.schema,
            aliases: names,
        };
        let table = self.select.from.first().map_or("", String::as_str);
        for e in facet.items.iter().map(|i| &i.expr).chain(&facet.by) {
            env.check_expr(table, e)?;
        }
        let sub = Query {
            env: &env,
            select: self.select,
            matched: self.matched,
        };
        sub.facet_set(rows, facet)
    }

    fn facet_set(
        &self,
        rows: &[Row<'_>],
        facet: &crate::sql::ast::Facet,
    ) -> Result<Outcome, QueryError> {
        let keys = if facet.by.is_empty() {
            facet.items.iter().take(1).map(|i| i.expr.clone()).collect()
        } else {
            facet.by.clone()
        };
        let blank = Row {
            doc: DocRef {
                id: 0,
                attrs: AttrRow::Values(&[]),
                fields: StoredFields::default(),
            },
            weight: 0,
            schema: self.env.schema,
        };
        let groups = self.group(rows, &keys)?;
        let env = self.env;
        let groups = sort_by_keys(groups, &facet.order_by, |g, k| {
            let rep = g.members.first().unwrap_or(&blank);
            env.eval(k, rep, Some(&as_group(g, true)))
        })?;
        let limit = facet.limit.unwrap_or(Limit {
            offset: 0,
            count: DEFAULT_LIMIT,
        });
        // Upstream always appends `count(*)` to a facet's columns.
        let mut items = facet.items.clone();
        items.push(SelectItem {
            expr: Expr::Call {
                name: "count".into(),
                args: vec![Expr::Star],
            },
            alias: None,
            text: "count(*)".into(),
        });
        project(self.env, &items, window(&groups, limit), &blank, true)
    }
}

pub(super) fn as_group<'g, 'a>(g: &'g Grouped<'a>, grouped: bool) -> Group<'g, 'a> {
    Group {
        members: if grouped {
            &g.members
        } else {
            &g.members[..g.members.len().min(1)]
        },
        key: g.key.clone(),
    }
}

/// Group keys: an MVA value puts its row in one group per element.
fn expand_mva(vals: Vec<Val>) -> Vec<Vec<Val>> {
    let mut out = vec![Vec::new()];
    for v in vals {
        let options: Vec<Val> = match v {
            Val::Mva(m) => m.into_iter().map(Val::Int).collect(),
            other => vec![other],
        };
        let mut next = Vec::new();
        for prefix in &out {
            for o in &options {
                let mut p = prefix.clone();
                p.push(o.clone());
                next.push(p);
            }
        }
        out = next;
    }
    out
}

/// The full-text ranking settings of the query options.
impl QueryOptions {
    /// What the engine needs to rank.
    pub fn match_options(&self) -> MatchOptions {
        MatchOptions {
            ranker: self.ranker,
            field_weights: self.field_weights.clone(),
        }
    }
}

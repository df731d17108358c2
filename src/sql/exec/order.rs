//! The order and window of a `SELECT`'s rows: the default order (weight, then
//! id), a bounded top-k when only the first rows are shown, stable sorts on
//! `ORDER BY` keys, and the `LIMIT` window.

use std::cmp::Ordering;

use crate::service::QueryError;
use crate::sql::ast::{Expr, Limit, OrderKey, Select};

use super::options::QueryOptions;
use super::query::DEFAULT_LIMIT;
use super::rowexpr::{has_aggregate, Env, Row};
use super::value::{order, Val};

/// How many rows of the default order a query shows, when nothing regroups or
/// reorders them (then a bounded top-k replaces a full sort).
pub fn shown_rows(select: &Select, opts: &QueryOptions) -> Option<usize> {
    let grouped =
        !select.group_by.is_empty() || select.items.iter().any(|i| has_aggregate(&i.expr));
    let plain = !grouped
        && select.order_by.is_empty()
        && select.within_group.is_empty()
        && select.facets.is_empty();
    plain.then(|| {
        let limit = select.limit.unwrap_or(Limit {
            offset: 0,
            count: DEFAULT_LIMIT,
        });
        let shown = limit.offset.saturating_add(limit.count);
        usize::try_from(shown)
            .unwrap_or(usize::MAX)
            .min(opts.max_matches)
    })
}

/// The first `k` rows of the default order (weight descending with `MATCH`, then
/// id, then position for rows of several tables with one id), sorted.
pub fn top_rows(rows: Vec<Row<'_>>, k: usize, matched: bool) -> Vec<Row<'_>> {
    let key = |i: usize, r: &Row<'_>| {
        let w = if matched { r.weight } else { 0 };
        (std::cmp::Reverse(w), r.doc.id, i as u32)
    };
    let mut keys: Vec<_> = rows.iter().enumerate().map(|(i, r)| key(i, r)).collect();
    if k < keys.len() {
        if k == 0 {
            return Vec::new();
        }
        keys.select_nth_unstable(k - 1);
        keys.truncate(k);
    }
    keys.sort_unstable();
    keys.into_iter().map(|(_, _, i)| rows[i as usize]).collect()
}

/// Sorts matches by the within-group order (if any) over the default order:
/// weight descending (with `MATCH`), then id.
pub fn base_sort<'a>(
    env: &Env<'_>,
    mut rows: Vec<Row<'a>>,
    keys: &[OrderKey],
    matched: bool,
) -> Result<Vec<Row<'a>>, QueryError> {
    rows.sort_by(|a, b| {
        let w = if matched {
            b.weight.cmp(&a.weight)
        } else {
            Ordering::Equal
        };
        w.then(a.doc.id.cmp(&b.doc.id))
    });
    sort_by_keys(rows, keys, |r, k| env.eval(k, r, None))
}

/// Stable sort on `keys`, values computed once per item.
pub fn sort_by_keys<T>(
    items: Vec<T>,
    keys: &[OrderKey],
    eval: impl Fn(&T, &Expr) -> Result<Val, QueryError>,
) -> Result<Vec<T>, QueryError> {
    if keys.is_empty() {
        return Ok(items);
    }
    let mut decorated = Vec::with_capacity(items.len());
    for item in items {
        let vals = keys
            .iter()
            .map(|k| eval(&item, &k.expr))
            .collect::<Result<Vec<_>, _>>()?;
        decorated.push((vals, item));
    }
    decorated.sort_by(|(a, _), (b, _)| {
        for (k, (x, y)) in keys.iter().zip(a.iter().zip(b)) {
            let o = order(x, y);
            let o = if k.desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
    Ok(decorated.into_iter().map(|(_, item)| item).collect())
}

/// The `LIMIT` window of a list.
pub fn window<T>(items: &[T], limit: Limit) -> &[T] {
    &items[window_range(items.len(), limit)]
}

/// The `LIMIT` window of a list of `len` items.
pub fn window_range(len: usize, limit: Limit) -> std::ops::Range<usize> {
    let start = usize::try_from(limit.offset).unwrap_or(usize::MAX).min(len);
    let count = usize::try_from(limit.count).unwrap_or(usize::MAX);
    start..start.saturating_add(count).min(len)
}

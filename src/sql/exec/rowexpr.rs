//! Evaluating expressions over a table's rows: columns, JSON paths, MVA
//! quantifiers, functions and, over a group of rows, aggregates.

use std::cmp::Ordering;

use crate::engine::{DocRef, Schema};
use crate::service::QueryError;
use crate::sql::ast::{BinaryOp, Expr, UnaryOp};

use super::value::{equal, group_key, order, Val};
use super::Ctx;

/// Alias chains deeper than this are refused (they would loop).
const MAX_ALIAS_DEPTH: usize = 16;

/// One matching document and its weight.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    /// The document.
    pub doc: DocRef<'a>,
    /// Its full-text weight (1 without `MATCH`).
    pub weight: i64,
    /// The schema of the table it comes from.
    pub schema: &'a Schema,
}

/// What a group's aggregates are computed over.
pub struct Group<'g, 'a> {
    /// The rows of the group.
    pub members: &'g [Row<'a>],
    /// The group key's value (`GROUPBY()`).
    pub key: Val,
}

/// What names in an expression refer to.
pub struct Env<'e> {
    /// The statement context (session, server state).
    pub ctx: &'e Ctx<'e>,
    /// The table's schema.
    pub schema: &'e Schema,
    /// Select-list aliases usable elsewhere in the statement.
    pub aliases: Vec<(String, Expr)>,
}

/// Whether `e` holds an aggregate function.
pub fn has_aggregate(e: &Expr) -> bool {
    match e {
        Expr::CountDistinct(_) => true,
        Expr::Call { name, args } => {
            (is_aggregate(name) && !super::funcs::is_scalar(&name.to_ascii_uppercase(), args.len()))
                || args.iter().any(has_aggregate)
        }
        Expr::Unary { expr, .. } => has_aggregate(expr),
        Expr::Binary { left, right, .. } => has_aggregate(left) || has_aggregate(right),
        Expr::In { expr, list, .. } => has_aggregate(expr) || list.iter().any(has_aggregate),
        Expr::Between {
            expr, low, high, ..
        } => has_aggregate(expr) || has_aggregate(low) || has_aggregate(high),
        _ => false,
    }
}

fn is_aggregate(name: &str) -> bool {
    ["COUNT", "SUM", "MIN", "MAX", "AVG", "GROUPBY"]
        .iter()
        .any(|a| a.eq_ignore_ascii_case(name))
}

fn unknown_column(name: &str) -> QueryError {
    QueryError::new(format!("unknown column: '{name}'"))
}

impl Env<'_> {
    /// The first name in `e` that is neither a column nor an alias, if any.
    pub fn unknown_name(&self, e: &Expr) -> Option<String> {
        let many = |list: &[Expr]| list.iter().find_map(|a| self.unknown_name(a));
        match e {
            Expr::Ident(name) => {
                let head = name.split('.').next().unwrap_or(name);
                let known = head.eq_ignore_ascii_case("id")
                    || self.schema.attr_index(head).is_some()
                    || self.schema.field_index(head).is_some()
                    || self
                        .aliases
                        .iter()
                        .any(|(a, _)| a.eq_ignore_ascii_case(name));
                (!known).then(|| name.clone())
            }
            Expr::CountDistinct(x) | Expr::Unary { expr: x, .. } => self.unknown_name(x),
            Expr::Call { args, .. } | Expr::Tuple(args) => many(args),
            Expr::Binary { left, right, .. } => {
                self.unknown_name(left).or_else(|| self.unknown_name(right))
            }
            Expr::In { expr, list, .. } => self.unknown_name(expr).or_else(|| many(list)),
            Expr::Between {
                expr, low, high, ..
            } => self
                .unknown_name(expr)
                .or_else(|| self.unknown_name(low))
                .or_else(|| self.unknown_name(high)),
            _ => None,
        }
    }

    /// Refuses a `WHERE` naming an unknown attribute, in upstream's words.
    pub fn check_filter(&self, table: &str, e: &Expr) -> Result<(), QueryError> {
        match self.unknown_name(e) {
            Some(n) => Err(QueryError::new(format!(
                "table {table}: no such filter attribute '{n}'"
            ))),
            None => Ok(()),
        }
    }

    /// Refuses an expression naming an unknown column, in upstream's words.
    pub fn check_expr(&self, table: &str, e: &Expr) -> Result<(), QueryError> {
        match self.unknown_name(e) {
            Some(n) => Err(QueryError::new(format!(
                "table {table}: parse error: unknown column: {n}"
            ))),
            None => Ok(()),
        }
    }

    /// Evaluates `e` for `row` (and its group, for aggregates).
    pub fn eval(
        &self,
        e: &Expr,
        row: &Row<'_>,
        group: Option<&Group<'_, '_>>,
    ) -> Result<Val, QueryError> {
        self.eval_at(e, row, group, 0)
    }

    /// The value column reference `name` reads for `row`.
    pub fn column_value(
        &self,
        name: &str,
        row: &Row<'_>,
        group: Option<&Group<'_, '_>>,
    ) -> Result<Val, QueryError> {
        self.column(name, row, group, 0)
    }

    fn eval_at(
        &self,
        e: &Expr,
        row: &Row<'_>,
        group: Option<&Group<'_, '_>>,
        depth: usize,
    ) -> Result<Val, QueryError> {
        let ev = |x: &Expr| self.eval_at(x, row, group, depth);
        Ok(match e {
            Expr::Ident(name) => return self.column(name, row, group, depth),
            Expr::Star => Val::Int(1),
            Expr::UserVar(name) => match self.ctx.session.user_vars.get(&name.to_ascii_lowercase())
            {
                Some(set) => Val::Mva(set.clone()),
                None => Val::Null,
            },
            Expr::CountDistinct(inner) => {
                let Some(g) = group else {
                    return Ok(Val::Int(1));
                };
                let mut keys = std::collections::HashSet::new();
                for m in g.members {
                    keys.insert(group_key(&self.eval_at(inner, m, None, depth)?));
                }
                Val::Int(keys.len() as i64)
            }
            Expr::Call { name, args } => return self.call(name, args, row, group, depth),
            Expr::Unary { op, expr } => unary(*op, ev(expr)?),
            Expr::Binary { op, left, right } => match op {
                BinaryOp::And => Val::Int(i64::from(ev(left)?.truthy() && ev(right)?.truthy())),
                BinaryOp::Or => Val::Int(i64::from(ev(left)?.truthy() || ev(right)?.truthy())),
                _ if is_comparison(*op) => {
                    let (quant, l) = self.quantified(left, &ev)?;
                    let r = ev(right)?;
                    Val::Int(i64::from(quant.test(&l, |x| compare(*op, x, &r))))
                }
                _ => arithmetic(*op, &ev(left)?, &ev(right)?),
            },
            Expr::In {
                expr,
                list,
                negated,
            } => {
                let (quant, l) = self.quantified(expr, &ev)?;
                let mut cands = Vec::with_capacity(list.len());
                for item in list {
                    match ev(item)? {
                        Val::Mva(set) => cands.extend(set.into_iter().map(Val::Int)),
                        v => cands.push(v),
                    }
                }
                let hit = quant.test(&l, |x| cands.iter().any(|c| equal(x, c)));
                Val::Int(i64::from(hit != *negated))
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => {
                let (quant, l) = self.quantified(expr, &ev)?;
                let (lo, hi) = (ev(low)?, ev(high)?);
                let hit = quant.test(&l, |x| {
                    order(x, &lo) != Ordering::Less && order(x, &hi) != Ordering::Greater
                });
                Val::Int(i64::from(hit != *negated))
            }
            other => {
                let (_, v) = super::eval::eval(self.ctx, other)?;
                Val::from_value(v)
            }
        })
    }

    /// The left side of a comparison: `ANY(x)`/`ALL(x)` or a plain value (an MVA
    /// compares as `ANY`).
    fn quantified(
        &self,
        e: &Expr,
        ev: &dyn Fn(&Expr) -> Result<Val, QueryError>,
    ) -> Result<(Quant, Val), QueryError> {
        if let Expr::Call { name, args } = e {
            if args.len() == 1 {
                if name.eq_ignore_ascii_case("ANY") {
                    return Ok((Quant::Any, ev(&args[0])?));
                }
                if name.eq_ignore_ascii_case("ALL") {
                    return Ok((Quant::All, ev(&args[0])?));
                }
            }
        }
        Ok((Quant::Any, ev(e)?))
    }

    fn column(
        &self,
        name: &str,
        row: &Row<'_>,
        group: Option<&Group<'_, '_>>,
        depth: usize,
    ) -> Result<Val, QueryError> {
        let (head, path) = match name.split_once('.') {
            Some((h, p)) => (h, Some(p)),
            None => (name, None),
        };
        if path.is_none() && head.eq_ignore_ascii_case("id") {
            return Ok(Val::Int(row.doc.id as i64));
        }
        let schema = row.schema;
        if let Some(i) = schema.attr_index(head) {
            let v = row
                .doc
                .attrs
                .get(i)
                .map(Val::from_attr)
                .unwrap_or(Val::Null);
            return Ok(match (path, v) {
                // An empty JSON attribute reads as an empty string, as upstream
                // sends it; only a missing key inside one is NULL.
                (None, Val::Null) => Val::Str(String::new()),
                (None, v) => v,
                (Some(p), v) => json_path(&v, p),
            });
        }
        if path.is_none() {
            if let Some(i) = schema.field_index(head) {
                return Ok(Val::Str(row.doc.fields.get(i).unwrap_or_default()));
            }
        }
        let alias = self
            .aliases
            .iter()
            .find(|(a, _)| a.eq_ignore_ascii_case(name));
        match alias {
            Some((_, e)) if depth < MAX_ALIAS_DEPTH => self.eval_at(e, row, group, depth + 1),
            _ => Err(unknown_column(name)),
        }
    }

    fn call(
        &self,
        name: &str,
        args: &[Expr],
        row: &Row<'_>,
        group: Option<&Group<'_, '_>>,
        depth: usize,
    ) -> Result<Val, QueryError> {
        let upper = name.to_ascii_uppercase();
        let arg = |i: usize| -> Result<Val, QueryError> {
            match args.get(i) {
                Some(a) => self.eval_at(a, row, group, depth),
                None => Err(QueryError::new(format!(
                    "{upper}() called with {} argument(s)",
                    args.len()
                ))),
            }
        };
        if super::funcs::is_scalar(&upper, args.len()) {
            let vals = args
                .iter()
                .map(|a| self.eval_at(a, row, group, depth))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(super::funcs::apply(&upper, &vals));
        }
        if is_aggregate(&upper) {
            return self.aggregate(&upper, args, row, group, depth);
        }
        Ok(match upper.as_str() {
            "WEIGHT" => Val::Int(row.weight),
            "ID" => Val::Int(row.doc.id as i64),
            "IF" => {
                if arg(0)?.truthy() {
                    arg(1)?
                } else {
                    arg(2)?
                }
            }
            "LENGTH" => match arg(0)? {
                Val::Mva(m) => Val::Int(m.len() as i64),
                Val::Json(serde_json::Value::Array(a)) => Val::Int(a.len() as i64),
                Val::Json(serde_json::Value::Object(o)) => Val::Int(o.len() as i64),
                Val::Str(s) => Val::Int(s.chars().count() as i64),
                Val::Null => Val::Int(0),
                other => Val::Int(other.text().chars().count() as i64),
            },
            "NOW" => Val::Int(chrono::Utc::now().timestamp()),
            "YEAR" | "YEARMONTH" | "YEARMONTHDAY" | "YEARWEEK" | "MONTH" | "DAY" => {
                date_key(&upper, arg(0)?.as_i64().unwrap_or(0))
            }
            "RAND" => Val::Float(random_unit()),
            "ABS" => match arg(0)? {
                Val::Int(i) => Val::Int(i.saturating_abs()),
                v => Val::Float(v.as_f64().unwrap_or(0.0).abs()),
            },
            "FLOOR" => Val::Int(arg(0)?.as_f64().unwrap_or(0.0).floor() as i64),
            "CEIL" => Val::Int(arg(0)?.as_f64().unwrap_or(0.0).ceil() as i64),
            "ANY" | "ALL" => arg(0)?,
            "MATCH" => {
                return Err(QueryError::new(
                    "MATCH() must be a top-level AND term of WHERE",
                ))
            }
            _ => {
                let e = Expr::Call {
                    name: name.to_string(),
                    args: args.to_vec(),
                };
                Val::from_value(super::eval::eval(self.ctx, &e)?.1)
            }
        })
    }

    fn aggregate(
        &self,
        upper: &str,
        args: &[Expr],
        row: &Row<'_>,
        group: Option<&Group<'_, '_>>,
        depth: usize,
    ) -> Result<Val, QueryError> {
        let single = [*row];
        let members = group.map_or(&single[..], |g| g.members);
        if upper == "GROUPBY" {
            return Ok(group.map_or(Val::Null, |g| g.key.clone()));
        }
        if upper == "COUNT" {
            return Ok(Val::Int(members.len() as i64));
        }
        let Some(arg) = args.first() else {
            return Err(QueryError::new(format!("{upper}() requires an argument")));
        };
        let mut vals = Vec::with_capacity(members.len());
        for m in members {
            vals.push(self.eval_at(arg, m, None, depth)?);
        }
        let all_int = vals.iter().all(|v| matches!(v, Val::Int(_)));
        Ok(match upper {
            "SUM" if all_int => Val::Int(vals.iter().filter_map(Val::as_i64).sum()),
            "SUM" => Val::Float(vals.iter().filter_map(Val::as_f64).sum()),
            "AVG" => {
                let n = vals.len().max(1) as f64;
                Val::Float(vals.iter().filter_map(Val::as_f64).sum::<f64>() / n)
            }
            "MIN" => vals.into_iter().min_by(order).unwrap_or(Val::Int(0)),
            _ => vals.into_iter().max_by(order).unwrap_or(Val::Int(0)),
        })
    }
}

/// A timestamp's calendar key in UTC: `YEAR` 2024, `YEARMONTH` 202403,
/// `YEARMONTHDAY` 20240315, `MONTH` 3, `DAY` 15, and `YEARWEEK` the year and
/// day of the year (1-based) of the Sunday that starts its week, as 2024073.
fn date_key(func: &str, ts: i64) -> Val {
    use chrono::{Datelike, Duration};
    let Some(t) = chrono::DateTime::from_timestamp(ts, 0) else {
        return Val::Null;
    };
    let d = t.date_naive();
    let (y, m, day) = (
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    );
    Val::Int(match func {
        "YEAR" => y,
        "YEARMONTH" => y * 100 + m,
        "YEARMONTHDAY" => y * 10000 + m * 100 + day,
        "MONTH" => m,
        "DAY" => day,
        _ => {
            let start = d - Duration::days(i64::from(d.weekday().num_days_from_sunday()));
            i64::from(start.year()) * 1000 + i64::from(start.ordinal())
        }
    })
}

/// `ANY` or `ALL` over an MVA (a scalar is its own single element).
#[derive(Clone, Copy)]
enum Quant {
    Any,
    All,
}

impl Quant {
    fn test(self, v: &Val, pred: impl Fn(&Val) -> bool) -> bool {
        let items: Vec<Val> = match v {
            Val::Mva(m) => m.iter().map(|i| Val::Int(*i)).collect(),
            Val::Json(serde_json::Value::Array(a)) => a.iter().map(Val::from_json).collect(),
            other => return pred(other),
        };
        match self {
            Quant::Any => items.iter().any(pred),
            Quant::All => !items.is_empty() && items.iter().all(pred),
        }
    }
}

/// `a.b.c` inside a JSON value.
fn json_path(v: &Val, path: &str) -> Val {
    let Val::Json(mut cur) = v.clone() else {
        return Val::Null;
    };
    for key in path.split('.') {
        let next = match &cur {
            serde_json::Value::Object(o) => o.get(key).cloned(),
            serde_json::Value::Array(a) => {
                key.parse::<usize>().ok().and_then(|i| a.get(i).cloned())
            }
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return Val::Null,
        }
    }
    Val::from_json(&cur)
}

fn is_comparison(op: BinaryOp) -> bool {
    matches!(
        op,
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
    )
}

fn compare(op: BinaryOp, l: &Val, r: &Val) -> bool {
    if matches!(l, Val::Null) || matches!(r, Val::Null) {
        return false;
    }
    match op {
        BinaryOp::Eq => equal(l, r),
        BinaryOp::Ne => !equal(l, r),
        _ => {
            let ord = order(l, r);
            match op {
                BinaryOp::Lt => ord == Ordering::Less,
                BinaryOp::Le => ord != Ordering::Greater,
                BinaryOp::Gt => ord == Ordering::Greater,
                _ => ord != Ordering::Less,
            }
        }
    }
}

fn unary(op: UnaryOp, v: Val) -> Val {
    match (op, v) {
        (UnaryOp::Not, v) => Val::Int(i64::from(!v.truthy())),
        (UnaryOp::Neg, Val::Int(i)) => i.checked_neg().map_or(Val::Float(-(i as f64)), Val::Int),
        (UnaryOp::Neg, v) => v.as_f64().map_or(Val::Null, |f| Val::Float(-f)),
    }
}

fn arithmetic(op: BinaryOp, l: &Val, r: &Val) -> Val {
    if let (Val::Int(x), Val::Int(y)) = (l, r) {
        let exact = match op {
            BinaryOp::Add => x.checked_add(*y),
            BinaryOp::Sub => x.checked_sub(*y),
            BinaryOp::Mul => x.checked_mul(*y),
            BinaryOp::IntDiv | BinaryOp::Mod if *y == 0 => return Val::Int(0),
            BinaryOp::IntDiv => x.checked_div(*y),
            BinaryOp::Mod => x.checked_rem(*y),
            _ => None,
        };
        if let Some(v) = exact {
            return Val::Int(v);
        }
    }
    let (Some(x), Some(y)) = (l.as_f64(), r.as_f64()) else {
        return Val::Null;
    };
    match op {
        BinaryOp::Add => Val::Float(x + y),
        BinaryOp::Sub => Val::Float(x - y),
        BinaryOp::Mul => Val::Float(x * y),
        _ if y == 0.0 => Val::Float(0.0),
        BinaryOp::Div => Val::Float(x / y),
        BinaryOp::IntDiv => Val::Int((x / y).trunc() as i64),
        _ => Val::Float(x % y),
    }
}

/// A number in [0, 1) from a per-thread xorshift generator seeded by the clock.
fn random_unit() -> f64 {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = Cell::new(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0x9E37_79B9_7F4A_7C15, |d| d.as_nanos() as u64)
                | 1,
        );
    }
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    })
}

//! Evaluating expressions that need no table: literals, arithmetic, `@@` variables
//! and the session functions connectors call.

use crate::service::{ColumnType, QueryError, Value};
use crate::sql::ast::{BinaryOp, Expr, UnaryOp};

use super::sysvars::{mysql_version, sysvar, user};
use super::Ctx;

/// Evaluates `expr`; the type is the column type a result set announces for it.
pub fn eval(ctx: &Ctx<'_>, expr: &Expr) -> Result<(ColumnType, Value), QueryError> {
    let value = match expr {
        Expr::Null => Value::Null,
        Expr::Int(v) => match i64::try_from(*v) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::UInt(*v),
        },
        Expr::Float(v) => Value::Float(*v),
        Expr::Str(s) => Value::Str(s.clone()),
        Expr::SysVar { name, .. } => return Ok(sysvar(ctx, name)),
        // User variables are not kept yet: they read NULL, as unset ones do.
        Expr::UserVar(_) => Value::Null,
        Expr::Ident(name) => {
            return Err(QueryError::new(format!("unknown column: '{name}'")));
        }
        Expr::Call { name, args } => return call(ctx, name, args),
        Expr::Unary { op, expr } => unary(*op, eval(ctx, expr)?.1),
        Expr::Binary { op, left, right } => binary(*op, eval(ctx, left)?.1, eval(ctx, right)?.1)?,
        Expr::In {
            expr,
            list,
            negated,
        } => {
            let v = eval(ctx, expr)?.1;
            let mut hit = false;
            for item in list {
                hit |= compare(BinaryOp::Eq, &v, &eval(ctx, item)?.1) == Value::Int(1);
            }
            bool_value(hit != *negated)
        }
        Expr::Between {
            expr,
            low,
            high,
            negated,
        } => {
            let v = eval(ctx, expr)?.1;
            let lo = compare(BinaryOp::Ge, &v, &eval(ctx, low)?.1) == Value::Int(1);
            let hi = compare(BinaryOp::Le, &v, &eval(ctx, high)?.1) == Value::Int(1);
            bool_value((lo && hi) != *negated)
        }
        Expr::Star | Expr::CountDistinct(_) | Expr::Tuple(_) => {
            return Err(QueryError::new(format!(
                "unsupported expression without a table: {expr}"
            )));
        }
    };
    Ok((type_of(&value), value))
}

/// The column type that fits a computed value.
pub fn type_of(value: &Value) -> ColumnType {
    match value {
        Value::Int(_) | Value::UInt(_) => ColumnType::BigInt,
        Value::Float(_) => ColumnType::Float,
        Value::Null | Value::Str(_) => ColumnType::String,
    }
}

fn call(ctx: &Ctx<'_>, name: &str, args: &[Expr]) -> Result<(ColumnType, Value), QueryError> {
    let upper = name.to_ascii_uppercase();
    let value = match (upper.as_str(), args.len()) {
        ("DATABASE" | "SCHEMA", 0) => Value::Str("Manticore".into()),
        ("USER" | "CURRENT_USER" | "SESSION_USER" | "SYSTEM_USER", 0) => {
            Value::Str(user(ctx.session).into())
        }
        ("VERSION", 0) => Value::Str(mysql_version(ctx)),
        ("CONNECTION_ID", 0) => Value::UInt(ctx.session.conn_id),
        ("NOW" | "CURRENT_TIMESTAMP" | "SYSDATE", 0) => {
            Value::Str(chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string())
        }
        ("LAST_INSERT_ID", 0) => Value::Str(ctx.session.last_insert_ids.clone()),
        ("DATABASE" | "SCHEMA" | "USER" | "CURRENT_USER" | "VERSION" | "CONNECTION_ID", _)
        | ("NOW" | "LAST_INSERT_ID", _) => {
            return Err(QueryError::new(format!(
                "{upper}() expects no arguments, got {}",
                args.len()
            )));
        }
        _ => {
            return Err(QueryError::new(format!("unknown function '{name}'")));
        }
    };
    Ok((type_of(&value), value))
}

/// A number as arithmetic sees it: integers stay integers while they fit.
#[derive(Clone, Copy)]
enum Num {
    Int(i64),
    Float(f64),
}

fn to_num(v: &Value) -> Option<Num> {
    match v {
        Value::Null => None,
        Value::Int(i) => Some(Num::Int(*i)),
        Value::UInt(u) => Some(match i64::try_from(*u) {
            Ok(i) => Num::Int(i),
            Err(_) => Num::Float(*u as f64),
        }),
        Value::Float(f) => Some(Num::Float(*f)),
        Value::Str(s) => Some(parse_numeric_prefix(s)),
    }
}

/// MySQL reads a string's leading number (`'12abc'` is 12, `'abc'` is 0).
fn parse_numeric_prefix(s: &str) -> Num {
    let t = s.trim_start();
    let end = t
        .char_indices()
        .take_while(|(i, c)| {
            c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '-' || *c == '+'))
        })
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    let head = &t[..end];
    if let Ok(i) = head.parse::<i64>() {
        return Num::Int(i);
    }
    Num::Float(head.parse::<f64>().unwrap_or(0.0))
}

fn as_f64(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::Float(f) => f,
    }
}

fn truthy(v: &Value) -> Option<bool> {
    to_num(v).map(|n| as_f64(n) != 0.0)
}

fn bool_value(b: bool) -> Value {
    Value::Int(i64::from(b))
}

fn unary(op: UnaryOp, v: Value) -> Value {
    match (op, to_num(&v)) {
        (_, None) => Value::Null,
        (UnaryOp::Neg, Some(Num::Int(i))) => match i.checked_neg() {
            Some(n) => Value::Int(n),
            None => Value::Float(-(i as f64)),
        },
        (UnaryOp::Neg, Some(Num::Float(f))) => Value::Float(-f),
        (UnaryOp::Not, Some(n)) => bool_value(as_f64(n) == 0.0),
    }
}

fn binary(op: BinaryOp, l: Value, r: Value) -> Result<Value, QueryError> {
    match op {
        BinaryOp::And => Ok(match (truthy(&l), truthy(&r)) {
            (Some(false), _) | (_, Some(false)) => bool_value(false),
            (Some(true), Some(true)) => bool_value(true),
            _ => Value::Null,
        }),
        BinaryOp::Or => Ok(match (truthy(&l), truthy(&r)) {
            (Some(true), _) | (_, Some(true)) => bool_value(true),
            (Some(false), Some(false)) => bool_value(false),
            _ => Value::Null,
        }),
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            Ok(compare(op, &l, &r))
        }
        _ => Ok(arithmetic(op, &l, &r)),
    }
}

fn compare(op: BinaryOp, l: &Value, r: &Value) -> Value {
    use std::cmp::Ordering;
    let ord = match (l, r) {
        (Value::Null, _) | (_, Value::Null) => return Value::Null,
        (Value::Str(a), Value::Str(b)) => a.to_lowercase().cmp(&b.to_lowercase()),
        _ => match (to_num(l), to_num(r)) {
            (Some(a), Some(b)) => as_f64(a).partial_cmp(&as_f64(b)).unwrap_or(Ordering::Equal),
            _ => return Value::Null,
        },
    };
    let hit = match op {
        BinaryOp::Eq => ord == Ordering::Equal,
        BinaryOp::Ne => ord != Ordering::Equal,
        BinaryOp::Lt => ord == Ordering::Less,
        BinaryOp::Le => ord != Ordering::Greater,
        BinaryOp::Gt => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    };
    bool_value(hit)
}

fn arithmetic(op: BinaryOp, l: &Value, r: &Value) -> Value {
    let (Some(a), Some(b)) = (to_num(l), to_num(r)) else {
        return Value::Null;
    };
    if let (Num::Int(x), Num::Int(y)) = (a, b) {
        let exact = match op {
            BinaryOp::Add => x.checked_add(y),
            BinaryOp::Sub => x.checked_sub(y),
            BinaryOp::Mul => x.checked_mul(y),
            BinaryOp::IntDiv | BinaryOp::Mod if y == 0 => return Value::Null,
            BinaryOp::IntDiv => x.checked_div(y),
            BinaryOp::Mod => x.checked_rem(y),
            _ => None,
        };
        if let Some(v) = exact {
            return Value::Int(v);
        }
    }
    let (x, y) = (as_f64(a), as_f64(b));
    match op {
        BinaryOp::Add => Value::Float(x + y),
        BinaryOp::Sub => Value::Float(x - y),
        BinaryOp::Mul => Value::Float(x * y),
        BinaryOp::Div | BinaryOp::IntDiv | BinaryOp::Mod if y == 0.0 => Value::Null,
        BinaryOp::Div => Value::Float(x / y),
        BinaryOp::IntDiv => Value::Int((x / y).trunc() as i64),
        _ => Value::Float(x % y),
    }
}

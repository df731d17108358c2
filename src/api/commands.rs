//! UPDATE, STATUS, KEYWORDS, UVAR and FLUSHATTRS, each run as SphinxQL.

use std::sync::atomic::{AtomicU32, Ordering};

use super::codec::{check_version, put_string, put_u32, reply, Reader, Status};
use super::search::pairs;
use super::search_sql::{is_identifier, quote};
use super::Runner;
use crate::service::Outcome;

/// Command versions this daemon speaks.
pub mod version {
    pub const UPDATE: u16 = 0x104;
    pub const KEYWORDS: u16 = 0x102;
    pub const STATUS: u16 = 0x101;
    pub const FLUSHATTRS: u16 = 0x100;
    pub const UVAR: u16 = 0x100;
}

/// One attribute of an UPDATE request.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateAttr {
    pub name: String,
    /// 0 int, 1 mva32, 2 string, 3 json.
    pub kind: u32,
}

/// A parsed UPDATE request.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateRequest {
    pub indexes: String,
    /// Attributes a table lacks are skipped rather than refused (v1.3+).
    pub ignore_nonexistent: bool,
    pub attrs: Vec<UpdateAttr>,
    /// Per document: the id and one SQL literal per attribute.
    pub docs: Vec<(u64, Vec<String>)>,
}

/// Parses an UPDATE body.
pub fn parse_update(ver: u16, body: &[u8]) -> Result<UpdateRequest, String> {
    let mut r = Reader::new(body);
    let indexes = r.string()?;
    let nattrs = r.count(4)?;
    let ignore_nonexistent = ver >= 0x103 && r.u32()? != 0;
    let attrs = (0..nattrs)
        .map(|_| {
            let name = r.string()?;
            let kind = if ver >= 0x102 { r.u32()? } else { 0 };
            Ok(UpdateAttr { name, kind })
        })
        .collect::<Result<Vec<_>, String>>()?;
    if let Some(a) = attrs.iter().find(|a| !is_identifier(&a.name)) {
        return Err(format!("invalid attribute name '{}'", a.name));
    }
    if attrs.iter().any(|a| a.name.eq_ignore_ascii_case("id")) {
        return Err("'id' attribute cannot be updated".into());
    }
    let ndocs = r.count(8)?;
    let mut docs = Vec::with_capacity(ndocs);
    for _ in 0..ndocs {
        let id = if ver >= 0x101 {
            r.u64()?
        } else {
            u64::from(r.u32()?)
        };
        let vals = attrs
            .iter()
            .map(|a| update_literal(&mut r, a.kind))
            .collect::<Result<_, _>>()?;
        docs.push((id, vals));
    }
    Ok(UpdateRequest {
        indexes,
        ignore_nonexistent,
        attrs,
        docs,
    })
}

fn update_literal(r: &mut Reader<'_>, kind: u32) -> Result<String, String> {
    Ok(match kind {
        1 => {
            let n = r.count(4)?;
            let v: Vec<String> = (0..n)
                .map(|_| r.u32().map(|x| x.to_string()))
                .collect::<Result<_, _>>()?;
            format!("({})", v.join(","))
        }
        2 | 3 => quote(&r.string()?),
        _ => r.u32()?.to_string(),
    })
}

/// The UPDATE statements of a request for `table`, one per document, setting the
/// attributes whose `keep` is true.
pub fn update_sql(req: &UpdateRequest, table: &str, keep: &[bool]) -> Vec<String> {
    let mut out = Vec::new();
    for (id, vals) in &req.docs {
        let sets: Vec<String> = req
            .attrs
            .iter()
            .zip(vals)
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|((a, v), _)| format!("{}={v}", a.name))
            .collect();
        if !sets.is_empty() {
            out.push(format!(
                "UPDATE {table} SET {} WHERE id={id}",
                sets.join(", ")
            ));
        }
    }
    out
}

/// Which attributes of the request `table` gets, checked against its schema
/// ((name, type) pairs of `DESCRIBE`) as Sphinx checks them: unknown names (unless
/// ignored), plain values for strings, MVA values for scalars and the reverse fail.
pub fn check_update(
    req: &UpdateRequest,
    table: &str,
    schema: &[(String, String)],
) -> Result<Vec<bool>, String> {
    let mut keep = Vec::with_capacity(req.attrs.len());
    for a in &req.attrs {
        let ty = schema
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&a.name))
            .map(|(_, t)| t.as_str());
        let Some(ty) = ty else {
            if req.ignore_nonexistent {
                keep.push(false);
                continue;
            }
            return Err(format!("table {table}: attribute '{}' not found", a.name));
        };
        let is_mva = ty.starts_with("mva");
        if a.kind <= 1 && (a.kind == 1) != is_mva {
            return Err(format!(
                "table {table}: attribute '{}' MVA flag mismatch",
                a.name
            ));
        }
        if a.kind == 0 && matches!(ty, "string" | "text") {
            return Err(format!(
                "table {table}: attribute '{}' can not be updated (must be boolean, integer, \
                 bigint, float, timestamp, MVA or JSON)",
                a.name
            ));
        }
        keep.push(true);
    }
    Ok(keep)
}

/// Serves UPDATE: the number of documents updated.
pub fn update(run: &mut Runner<'_>, ver: u16, body: &[u8]) -> Result<Vec<u8>, String> {
    check_version(ver, version::UPDATE)?;
    let req = parse_update(ver, body)?;
    let tables = req
        .indexes
        .split(|c: char| !(c.is_ascii_alphanumeric() || "_.-".contains(c)))
        .filter(|s| !s.is_empty());
    let mut statements = Vec::new();
    for t in tables {
        let described = run.query(&format!("DESCRIBE {t}"));
        let keep = match described.first() {
            Some(Ok(Outcome::Rows { .. })) => {
                check_update(&req, t, &pairs(described.first(), 0, 1))?
            }
            _ => vec![true; req.attrs.len()],
        };
        statements.extend(update_sql(&req, t, &keep));
    }
    let mut updated = 0u64;
    for sql in statements {
        for r in run.query(&sql) {
            match r {
                Ok(Outcome::Done { affected, .. }) => updated += affected,
                Ok(Outcome::Rows { .. }) => {}
                Err(e) => return Err(e.message),
            }
        }
    }
    let mut out = Vec::new();
    put_u32(&mut out, updated as u32);
    Ok(reply(Status::Ok, version::UPDATE, &out))
}

/// Serves STATUS: `SHOW STATUS` (global) or the last query's `SHOW META`.
pub fn status(run: &mut Runner<'_>, ver: u16, body: &[u8]) -> Result<Vec<u8>, String> {
    check_version(ver, version::STATUS)?;
    let global = Reader::new(body).u32().is_ok_and(|v| v != 0) || body.len() < 4;
    let sql = if global { "SHOW STATUS" } else { "SHOW META" };
    let results = run.query(sql);
    if let Some(Err(e)) = results.first() {
        return Err(e.message.clone());
    }
    let rows = pairs(results.first(), 0, 1);
    let mut out = Vec::new();
    put_u32(&mut out, rows.len() as u32);
    put_u32(&mut out, 2);
    for (k, v) in &rows {
        put_string(&mut out, k);
        put_string(&mut out, v);
    }
    Ok(reply(Status::Ok, version::STATUS, &out))
}

/// The words of a KEYWORDS query: lower-cased runs of letters, digits and `_`.
pub fn split_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Serves KEYWORDS through `CALL KEYWORDS`: each word's tokenized and normalized
/// forms, its position, and (on request) docs and hits.
pub fn keywords(run: &mut Runner<'_>, ver: u16, body: &[u8]) -> Result<Vec<u8>, String> {
    check_version(ver, version::KEYWORDS)?;
    let mut r = Reader::new(body);
    let (query, index, stats) = (r.string()?, r.string()?, r.u32()? != 0);
    let sql = format!(
        "CALL KEYWORDS({}, {}, {} AS stats)",
        quote(&query),
        quote(index.trim()),
        u8::from(stats)
    );
    let results = run.query(&sql);
    let (columns, rows) = match results.into_iter().next() {
        Some(Ok(Outcome::Rows { columns, rows })) => (columns, rows),
        Some(Err(e)) => return Err(e.message),
        _ => return Err("internal error: no result".into()),
    };
    let col = |name: &str| columns.iter().position(|c| c.name == name);
    let cols = [
        col("tokenized"),
        col("normalized"),
        col("qpos"),
        col("docs"),
        col("hits"),
    ];
    let mut out = Vec::new();
    put_u32(&mut out, rows.len() as u32);
    for row in &rows {
        let text = |i: Option<usize>| {
            i.and_then(|i| row.get(i))
                .and_then(|v| v.to_text())
                .unwrap_or_default()
        };
        let num = |i: Option<usize>| text(i).parse::<u32>().unwrap_or(0);
        put_string(&mut out, &text(cols[0]));
        put_string(&mut out, &text(cols[1]));
        if ver >= 0x101 {
            put_u32(&mut out, num(cols[2]));
        }
        if stats {
            put_u32(&mut out, num(cols[3]));
            put_u32(&mut out, num(cols[4]));
        }
    }
    Ok(reply(Status::Ok, version::KEYWORDS, &out))
}

/// Decodes UVAR values: little-endian 7-bit varints, each a delta from the previous.
pub fn decode_uvar(bytes: &[u8], count: usize) -> Result<Vec<u64>, String> {
    let mut out = Vec::with_capacity(count.min(bytes.len()));
    let (mut acc, mut shift, mut prev) = (0u64, 0u32, 0u64);
    for &b in bytes {
        if shift >= 64 {
            return Err(super::codec::TRUNCATED.into());
        }
        acc |= u64::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            prev = prev.wrapping_add(acc);
            out.push(prev);
            (acc, shift) = (0, 0);
        }
    }
    if out.len() != count || shift != 0 {
        return Err(super::codec::TRUNCATED.into());
    }
    Ok(out)
}

/// Serves UVAR: sets a global user variable to a list of values.
pub fn uvar(run: &mut Runner<'_>, ver: u16, body: &[u8]) -> Result<Vec<u8>, String> {
    check_version(ver, version::UVAR)?;
    let mut r = Reader::new(body);
    let name = r.string()?;
    let count = r.u32()? as usize;
    let nbytes = r.u32()? as usize;
    let values = decode_uvar(r.bytes(nbytes)?, count)?;
    let list: Vec<String> = values.iter().map(u64::to_string).collect();
    let name = name.trim_start_matches('@');
    if !is_identifier(name) {
        return Err(format!("invalid variable name '{name}'"));
    }
    let sql = format!("SET GLOBAL @{name} = ({})", list.join(","));
    if let Some(Err(e)) = run.query(&sql).first() {
        return Err(e.message.clone());
    }
    Ok(reply(Status::Ok, version::UVAR, &1u32.to_be_bytes()))
}

static FLUSH_TAG: AtomicU32 = AtomicU32::new(0);

/// Serves FLUSHATTRS: attributes live in memory and are always current, so this only
/// hands out the next flush tag.
pub fn flushattrs(ver: u16) -> Result<Vec<u8>, String> {
    check_version(ver, version::FLUSHATTRS)?;
    let tag = FLUSH_TAG.fetch_add(1, Ordering::Relaxed) + 1;
    Ok(reply(Status::Ok, version::FLUSHATTRS, &tag.to_be_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::codec::put_u64;

    #[test]
    fn update_request_to_sql() {
        let mut b = Vec::new();
        put_string(&mut b, "t1, t2");
        put_u32(&mut b, 2);
        put_u32(&mut b, 0);
        put_string(&mut b, "gid");
        put_u32(&mut b, 0);
        put_string(&mut b, "tags");
        put_u32(&mut b, 1);
        put_u32(&mut b, 1);
        put_u64(&mut b, 5);
        put_u32(&mut b, 42);
        put_u32(&mut b, 2);
        put_u32(&mut b, 7);
        put_u32(&mut b, 8);
        let req = parse_update(0x104, &b).unwrap();
        assert_eq!(
            update_sql(&req, "t1", &[true, true]),
            ["UPDATE t1 SET gid=42, tags=(7,8) WHERE id=5"]
        );
        assert_eq!(
            update_sql(&req, "t2", &[false, true]),
            ["UPDATE t2 SET tags=(7,8) WHERE id=5"]
        );
        assert!(update_sql(&req, "t2", &[false, false]).is_empty());
        assert!(parse_update(0x104, &b[..b.len() - 1]).is_err());
    }

    #[test]
    fn uvar_values_decode() {
        assert_eq!(decode_uvar(&[3, 0x81, 0x01], 2).unwrap(), [3, 132]);
        assert!(decode_uvar(&[0x81], 1).is_err());
    }

    #[test]
    fn keyword_words_split() {
        assert_eq!(split_words("Hello, wOrld-2!"), ["hello", "world", "2"]);
    }
}

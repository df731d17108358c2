//! The SEARCH request body (pure): client-mode query blocks, versions 1.25 to 1.40.

use super::codec::Reader;

/// The highest `master_version` upstream accepts.
const MAX_MASTER_VERSION: u32 = 35;
/// The most queries one batch may carry (`max_batch_queries`).
pub const MAX_BATCH: u32 = 32;

/// One attribute filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub attr: String,
    pub kind: FilterKind,
    pub exclude: bool,
}

/// What a filter compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterKind {
    Values(Vec<i64>),
    Range(i64, i64),
    FloatRange(f32, f32),
    Str(String),
    Null(bool),
    UserVar(String),
    StrList(Vec<String>),
}

/// One query block of a SEARCH request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchQuery {
    pub flags: u32,
    pub offset: u32,
    pub limit: u32,
    pub mode: u32,
    pub ranker: u32,
    pub rank_expr: String,
    pub sort_mode: u32,
    pub sort_by: String,
    pub query: String,
    pub weights: Vec<u32>,
    pub indexes: String,
    pub min_id: u64,
    pub max_id: u64,
    pub filters: Vec<Filter>,
    pub group_func: u32,
    pub group_by: String,
    pub max_matches: u32,
    pub group_sort: String,
    pub cutoff: u32,
    pub group_distinct: String,
    pub index_weights: Vec<(String, u32)>,
    pub max_query_time: u32,
    pub field_weights: Vec<(String, u32)>,
    pub comment: String,
    pub select: String,
    pub outer_order: String,
    pub outer_offset: u32,
    pub outer_limit: u32,
    pub has_outer: bool,
}

/// Parses a whole SEARCH body sent with command `version`.
pub fn parse_search(version: u16, body: &[u8]) -> Result<Vec<SearchQuery>, String> {
    let mut r = Reader::new(body);
    let master = r.u32()?;
    if master > MAX_MASTER_VERSION {
        return Err("master-agent version mismatch; update me first, then update master!".into());
    }
    if master > 0 {
        return Err("distributed (agent) requests are not supported".into());
    }
    let n = r.u32()?;
    if n == 0 {
        return Err(format!("bad multi-query count {n} (must be positive)"));
    }
    if n > MAX_BATCH {
        return Err(format!(
            "bad multi-query count {n} (must be in 1..{MAX_BATCH} range)"
        ));
    }
    (0..n).map(|_| parse_query(&mut r, version)).collect()
}

fn parse_query(r: &mut Reader<'_>, ver: u16) -> Result<SearchQuery, String> {
    let mut q = SearchQuery {
        flags: if ver >= 0x11b { r.u32()? } else { 0 },
        offset: r.u32()?,
        limit: r.u32()?,
        mode: r.u32()?,
        ranker: r.u32()?,
        ..Default::default()
    };
    if q.ranker == 8 || q.ranker == 9 {
        q.rank_expr = r.string()?;
    }
    q.sort_mode = r.u32()?;
    q.sort_by = r.string()?;
    q.query = r.string()?;
    let nweights = r.count(4)?;
    q.weights = (0..nweights).map(|_| r.u32()).collect::<Result<_, _>>()?;
    q.indexes = r.string()?;
    let id64 = r.u32()? != 0;
    (q.min_id, q.max_id) = if id64 {
        (r.u64()?, r.u64()?)
    } else {
        (u64::from(r.u32()?), u64::from(r.u32()?))
    };
    let nfilters = r.count(12)?;
    q.filters = (0..nfilters)
        .map(|_| parse_filter(r, ver))
        .collect::<Result<_, _>>()?;
    parse_group(r, &mut q)?;
    parse_tail(r, &mut q, ver)?;
    Ok(q)
}

fn parse_filter(r: &mut Reader<'_>, ver: u16) -> Result<Filter, String> {
    let attr = r.string()?;
    let kind = match r.u32()? {
        0 => {
            let n = r.count(8)?;
            FilterKind::Values(
                (0..n)
                    .map(|_| r.u64().map(|v| v as i64))
                    .collect::<Result<_, _>>()?,
            )
        }
        1 => FilterKind::Range(r.u64()? as i64, r.u64()? as i64),
        2 => FilterKind::FloatRange(r.f32()?, r.f32()?),
        3 => {
            let s = r.string()?;
            if ver >= 0x126 {
                r.u8()?;
            }
            FilterKind::Str(s)
        }
        4 => FilterKind::Null(r.u8()? != 0),
        5 => FilterKind::UserVar(r.string()?),
        6 => {
            let n = r.count(4)?;
            FilterKind::StrList((0..n).map(|_| r.string()).collect::<Result<_, _>>()?)
        }
        other => return Err(format!("unknown filter type (type-id={other})")),
    };
    let exclude = r.u32()? != 0;
    Ok(Filter {
        attr,
        kind,
        exclude,
    })
}

fn parse_group(r: &mut Reader<'_>, q: &mut SearchQuery) -> Result<(), String> {
    q.group_func = r.u32()?;
    q.group_by = r.string()?;
    q.max_matches = r.u32()?;
    q.group_sort = r.string()?;
    q.cutoff = r.u32()?;
    let _retry_count = r.u32()?;
    let _retry_delay = r.u32()?;
    q.group_distinct = r.string()?;
    if r.u32()? != 0 {
        // Geo anchor: latitude and longitude attributes and the point.
        r.string()?;
        r.string()?;
        r.f32()?;
        r.f32()?;
    }
    let n = r.count(8)?;
    q.index_weights = (0..n)
        .map(|_| Ok((r.string()?, r.u32()?)))
        .collect::<Result<_, String>>()?;
    q.max_query_time = r.u32()?;
    let n = r.count(8)?;
    q.field_weights = (0..n)
        .map(|_| Ok((r.string()?, r.u32()?)))
        .collect::<Result<_, String>>()?;
    q.comment = r.string()?;
    Ok(())
}

fn parse_tail(r: &mut Reader<'_>, q: &mut SearchQuery, ver: u16) -> Result<(), String> {
    if r.u32()? != 0 {
        return Err("overrides are now deprecated".into());
    }
    q.select = r.string()?;
    if q.flags & 4 != 0 {
        let _max_predicted_time = r.u32()?;
    }
    if ver >= 0x11d {
        q.outer_order = r.string()?;
        q.outer_offset = r.u32()?;
        q.outer_limit = r.u32()?;
        q.has_outer = r.u32()? != 0;
    }
    if ver >= 0x124 {
        let _expansion_limit = r.u32()?;
    }
    if ver >= 0x120 {
        for _ in 0..3 {
            r.string()?;
        }
    }
    if ver >= 0x121 {
        let n = r.count(16)?;
        if n > 0 {
            return Err("filter trees are not supported".into());
        }
    }
    if q.group_func == 5 {
        return Err("SPH_GROUPBY_ATTRPAIR is not supported any more".into());
    }
    Ok(())
}

/// Request-building helpers shared by the unit tests and the integration tests' own
/// client: a query block in the layout of version `ver`.
pub fn encode_query(q: &SearchQuery, ver: u16) -> Vec<u8> {
    use super::codec::{put_string, put_u32, put_u64};
    let mut o = Vec::new();
    if ver >= 0x11b {
        put_u32(&mut o, q.flags);
    }
    for v in [q.offset, q.limit, q.mode, q.ranker] {
        put_u32(&mut o, v);
    }
    if q.ranker == 8 || q.ranker == 9 {
        put_string(&mut o, &q.rank_expr);
    }
    put_u32(&mut o, q.sort_mode);
    put_string(&mut o, &q.sort_by);
    put_string(&mut o, &q.query);
    put_u32(&mut o, q.weights.len() as u32);
    q.weights.iter().for_each(|w| put_u32(&mut o, *w));
    put_string(&mut o, &q.indexes);
    put_u32(&mut o, 1);
    put_u64(&mut o, q.min_id);
    put_u64(&mut o, q.max_id);
    put_u32(&mut o, q.filters.len() as u32);
    for f in &q.filters {
        encode_filter(&mut o, f, ver);
    }
    put_u32(&mut o, q.group_func);
    put_string(&mut o, &q.group_by);
    put_u32(&mut o, q.max_matches);
    put_string(&mut o, &q.group_sort);
    for v in [q.cutoff, 0, 0] {
        put_u32(&mut o, v);
    }
    put_string(&mut o, &q.group_distinct);
    put_u32(&mut o, 0);
    encode_pairs(&mut o, &q.index_weights);
    put_u32(&mut o, q.max_query_time);
    encode_pairs(&mut o, &q.field_weights);
    put_string(&mut o, &q.comment);
    put_u32(&mut o, 0);
    put_string(&mut o, &q.select);
    if ver >= 0x11d {
        put_string(&mut o, &q.outer_order);
        put_u32(&mut o, q.outer_offset);
        put_u32(&mut o, q.outer_limit);
        put_u32(&mut o, u32::from(q.has_outer));
    }
    if ver >= 0x124 {
        put_u32(&mut o, 0);
    }
    if ver >= 0x120 {
        (0..3).for_each(|_| put_string(&mut o, ""));
    }
    if ver >= 0x121 {
        put_u32(&mut o, 0);
    }
    o
}

fn encode_pairs(o: &mut Vec<u8>, pairs: &[(String, u32)]) {
    use super::codec::{put_string, put_u32};
    put_u32(o, pairs.len() as u32);
    for (name, w) in pairs {
        put_string(o, name);
        put_u32(o, *w);
    }
}

fn encode_filter(o: &mut Vec<u8>, f: &Filter, ver: u16) {
    use super::codec::{put_string, put_u32, put_u64};
    put_string(o, &f.attr);
    match &f.kind {
        FilterKind::Values(v) => {
            put_u32(o, 0);
            put_u32(o, v.len() as u32);
            v.iter().for_each(|x| put_u64(o, *x as u64));
        }
        FilterKind::Range(a, b) => {
            put_u32(o, 1);
            put_u64(o, *a as u64);
            put_u64(o, *b as u64);
        }
        FilterKind::FloatRange(a, b) => {
            put_u32(o, 2);
            put_u32(o, a.to_bits());
            put_u32(o, b.to_bits());
        }
        FilterKind::Str(s) => {
            put_u32(o, 3);
            put_string(o, s);
            if ver >= 0x126 {
                o.push(0);
            }
        }
        FilterKind::Null(b) => {
            put_u32(o, 4);
            o.push(u8::from(*b));
        }
        FilterKind::UserVar(s) => {
            put_u32(o, 5);
            put_string(o, s);
        }
        FilterKind::StrList(v) => {
            put_u32(o, 6);
            put_u32(o, v.len() as u32);
            v.iter().for_each(|s| put_string(o, s));
        }
    }
    put_u32(o, u32::from(f.exclude));
}

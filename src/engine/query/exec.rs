//! Runs a bound query over one segment: each operator turns the lists of its
//! operands into a new list, leaves read postings (skipping deleted documents and
//! applying field limits and `^`/`$` anchors).

use super::ast::{Keyword, Node, PhraseKind};
use super::bind::Lookup;
use super::doclist::{DocList, QHit};
use crate::engine::index::{hit_field, hit_pos, Bits, Segment};
use crate::engine::tokenizer::EXACT_MARK;

/// One segment as a query sees it.
pub struct SegCtx<'a> {
    pub seg: &'a Segment,
    pub dead: &'a Bits,
    /// Per keyword: the dictionary entries it expands to in this segment.
    pub terms: &'a [Vec<usize>],
}

/// The dictionary entries a keyword expands to in a segment.
pub fn resolve(seg: &Segment, lookup: &Lookup) -> Vec<usize> {
    match lookup {
        Lookup::Term(t) => seg.find(t).into_iter().collect(),
        Lookup::Prefix(p) => {
            // Original word forms too (indexed with morphology), so `runn*` finds
            // "running" even though its stem is "run".
            let exact = format!("{EXACT_MARK}{p}");
            seg.prefix_range(p)
                .chain(seg.prefix_range(&exact))
                .collect()
        }
        Lookup::Infix(s) => seg.infix_terms(s),
        Lookup::Suffix(s) => seg
            .infix_terms(s)
            .into_iter()
            .filter(|&t| seg.term(t).ends_with(s.as_str()))
            .collect(),
    }
}

/// Evaluates a node.
pub fn eval(node: &Node, ctx: &SegCtx<'_>) -> DocList {
    match node {
        Node::Term(kw) => leaf(kw, ctx, None),
        Node::Phrase(words, kind) => {
            let lists: Vec<DocList> = words.iter().map(|w| leaf(w, ctx, None)).collect();
            match kind {
                PhraseKind::Exact => phrase(words, &lists),
                PhraseKind::Proximity(n) => proximity(&lists, *n),
                PhraseKind::Quorum(q) => quorum(&lists, *q),
            }
        }
        Node::And(items) => and(items, ctx),
        Node::Or(items) => items
            .iter()
            .map(|n| eval(n, ctx))
            .reduce(|a, b| a.union(&b))
            .unwrap_or_default(),
        Node::Not(_) => DocList::default(),
        Node::Near(items, n) => {
            let lists: Vec<DocList> = items.iter().map(|i| eval(i, ctx)).collect();
            near(&lists, *n)
        }
        Node::Before(items) => {
            let lists: Vec<DocList> = items.iter().map(|i| eval(i, ctx)).collect();
            before(&lists)
        }
        Node::NotNear(a, b, n) => {
            let a = eval(a, ctx);
            if a.is_empty() {
                return a;
            }
            not_near(&a, &eval(b, ctx), *n)
        }
        Node::Maybe(a, b) => {
            let a = eval(a, ctx);
            if a.is_empty() {
                return a;
            }
            a.maybe(&eval(b, ctx))
        }
    }
}

/// The documents every operand matches, minus those of `NOT` operands. Lists
/// are intersected from the shortest up; a plain keyword is read only at the
/// documents still in the running (seeking over its postings), so a rare
/// operand makes a frequent one cheap.
fn and(items: &[Node], ctx: &SegCtx<'_>) -> DocList {
    let mut lists: Vec<DocList> = Vec::new();
    // (postings length, keyword) of the single-term keywords.
    let mut words: Vec<(usize, &Keyword)> = Vec::new();
    for item in items {
        match item {
            Node::Not(_) => {}
            Node::Term(kw) if ctx.terms[kw.id].len() == 1 => {
                words.push((ctx.seg.postings(ctx.terms[kw.id][0]).len(), kw));
            }
            other => lists.push(eval(other, ctx)),
        }
    }
    lists.sort_by_key(DocList::len);
    words.sort_by_key(|w| w.0);
    let mut lists = lists.into_iter();
    let mut words = words.into_iter().peekable();
    let word_first = match (lists.len(), words.peek()) {
        (_, None) => false,
        (0, Some(_)) => true,
        (_, Some(&(n, _))) => lists.as_slice().first().is_some_and(|l| n < l.len()),
    };
    let first = if word_first {
        words.next().map(|(_, kw)| leaf(kw, ctx, None))
    } else {
        lists.next()
    };
    let Some(mut acc) = first else {
        return DocList::default();
    };
    for next in lists {
        if acc.is_empty() {
            return acc;
        }
        acc = acc.intersect(&next);
    }
    for (_, kw) in words {
        if acc.is_empty() {
            return acc;
        }
        acc = acc.intersect(&leaf(kw, ctx, Some(&acc.docs)));
    }
    for item in items {
        if let Node::Not(inner) = item {
            if acc.is_empty() {
                break;
            }
            acc = acc.minus(&eval(inner, ctx));
        }
    }
    acc
}

/// Postings of a keyword, filtered; only at the documents of `within` (ascending)
/// when given.
fn leaf(kw: &Keyword, ctx: &SegCtx<'_>, within: Option<&[u32]>) -> DocList {
    let terms = &ctx.terms[kw.id];
    let keep = |doc: u32, hit: u32| -> bool {
        let field = hit_field(hit);
        if !kw.fields.has(field) {
            return false;
        }
        if kw.max_pos > 0 && hit_pos(hit) > kw.max_pos {
            return false;
        }
        if kw.start && hit_pos(hit) != 1 {
            return false;
        }
        !kw.end || hit_pos(hit) == ctx.seg.field_stats(doc, field).end
    };
    let id = kw.id as u32;
    let mut hits = Vec::new();
    if terms.len() == 1 {
        let p = ctx.seg.postings(terms[0]);
        if p.is_empty() {
            return DocList::default();
        }
        let mut cur = p.cursor();
        let push = |doc: u32, hits: &[u32], out: &mut DocList| {
            for &hit in hits {
                if keep(doc, hit) {
                    out.push_hit(QHit { hit, kw: id });
                }
            }
            if out.hits_open() {
                out.close_doc(doc);
            }
        };
        let Some(within) = within else {
            let mut out = DocList::with_capacity(p.len(), p.hit_count());
            while let Some((doc, _)) = cur.next_doc() {
                if !ctx.dead.get(doc) {
                    cur.read_hits(&mut hits);
                    push(doc, &hits, &mut out);
                }
            }
            return out;
        };
        let mut out = DocList::with_capacity(within.len().min(p.len()), 0);
        let mut at = None;
        for &want in within {
            if at.is_none_or(|d| d < want) {
                match cur.seek(want) {
                    Some((d, _)) => at = Some(d),
                    None => break,
                }
            }
            if at == Some(want) && !ctx.dead.get(want) {
                cur.read_hits(&mut hits);
                push(want, &hits, &mut out);
            }
        }
        return out;
    }
    let mut all: Vec<(u32, u32)> = Vec::new();
    for &t in terms {
        let mut cur = ctx.seg.postings(t).cursor();
        while let Some((doc, _)) = cur.next_doc() {
            if !ctx.dead.get(doc) {
                cur.read_hits(&mut hits);
                all.extend(hits.iter().filter(|&&h| keep(doc, h)).map(|&h| (doc, h)));
            }
        }
    }
    all.sort_unstable();
    all.dedup();
    let mut out = DocList::default();
    for (k, &(doc, hit)) in all.iter().enumerate() {
        out.push_hit(QHit { hit, kw: id });
        if all.get(k + 1).is_none_or(|n| n.0 != doc) {
            out.close_doc(doc);
        }
    }
    out
}

/// Documents where every list matches; calls `f(doc, per-list hits)`.
fn for_common_docs(lists: &[DocList], mut f: impl FnMut(u32, &[&[QHit]])) {
    let Some(first) = lists.iter().min_by_key(|l| l.len()) else {
        return;
    };
    let mut idx = vec![0usize; lists.len()];
    let mut slices: Vec<&[QHit]> = Vec::with_capacity(lists.len());
    'docs: for &doc in &first.docs {
        slices.clear();
        for (k, list) in lists.iter().enumerate() {
            while idx[k] < list.len() && list.docs[idx[k]] < doc {
                idx[k] += 1;
            }
            if list.docs.get(idx[k]) != Some(&doc) {
                continue 'docs;
            }
            slices.push(list.hits(idx[k]));
        }
        f(doc, &slices);
    }
}

fn phrase(words: &[Keyword], lists: &[DocList]) -> DocList {
    let mut out = DocList::default();
    let base_off = words[0].offset;
    let mut found: Vec<QHit> = Vec::new();
    for_common_docs(lists, |doc, slices| {
        found.clear();
        for h0 in slices[0] {
            let all = words.iter().zip(slices).all(|(w, hits)| {
                let target = h0.hit.wrapping_add(w.offset.saturating_sub(base_off));
                hits.binary_search_by_key(&target, |h| h.hit).is_ok()
            });
            if all {
                for w in words {
                    found.push(QHit {
                        hit: h0.hit.wrapping_add(w.offset.saturating_sub(base_off)),
                        kw: w.id as u32,
                    });
                }
            }
        }
        if !found.is_empty() {
            found.sort_unstable();
            out.push(doc, &found);
        }
    });
    out
}

/// All words within a window of `n + words - 1` positions in one field.
fn proximity(lists: &[DocList], n: u32) -> DocList {
    let k = lists.len();
    let max_span = (n as i64 + k as i64 - 2).max(0) as u32;
    let mut out = DocList::default();
    let mut merged: Vec<(u32, usize)> = Vec::new();
    let mut counts = vec![0u32; k];
    for_common_docs(lists, |doc, slices| {
        merged.clear();
        for (w, hits) in slices.iter().enumerate() {
            merged.extend(hits.iter().map(|h| (h.hit, w)));
        }
        merged.sort_unstable();
        counts.iter_mut().for_each(|c| *c = 0);
        let (mut left, mut present, mut ok) = (0, 0, false);
        for right in 0..merged.len() {
            if right > 0 && hit_field(merged[right].0) != hit_field(merged[right - 1].0) {
                counts.iter_mut().for_each(|c| *c = 0);
                present = 0;
                left = right;
            }
            let w = merged[right].1;
            counts[w] += 1;
            if counts[w] == 1 {
                present += 1;
            }
            while counts[merged[left].1] > 1 {
                counts[merged[left].1] -= 1;
                left += 1;
            }
            if present == k && merged[right].0 - merged[left].0 <= max_span {
                ok = true;
                break;
            }
        }
        if ok {
            let all: Vec<QHit> = slices.concat();
            let mut all = all;
            all.sort_unstable();
            out.push(doc, &all);
        }
    });
    out
}

/// At least `q` of the words (or that fraction of them when below 1).
fn quorum(lists: &[DocList], q: f64) -> DocList {
    let k = lists.len();
    let need = if q < 1.0 {
        (q * k as f64).ceil()
    } else {
        q.floor()
    };
    let need = (need as usize).clamp(1, k.max(1));
    let mut all: Vec<(u32, QHit)> = Vec::new();
    for list in lists {
        for (i, &doc) in list.docs.iter().enumerate() {
            all.extend(list.hits(i).iter().map(|&h| (doc, h)));
        }
    }
    all.sort_unstable();
    let mut out = DocList::default();
    let mut start = 0;
    while start < all.len() {
        let doc = all[start].0;
        let end = start + all[start..].iter().take_while(|e| e.0 == doc).count();
        let mut kws: Vec<u32> = all[start..end].iter().map(|e| e.1.kw).collect();
        kws.sort_unstable();
        kws.dedup();
        if kws.len() >= need {
            let hits: Vec<QHit> = all[start..end].iter().map(|e| e.1).collect();
            out.push(doc, &hits);
        }
        start = end;
    }
    out
}

/// True when some hit of `a` is within `n` words of some hit of `b`, in one field.
fn close(a: &[QHit], b: &[QHit], n: u32) -> bool {
    a.iter().any(|x| {
        b.iter().any(|y| {
            hit_field(x.hit) == hit_field(y.hit) && hit_pos(x.hit).abs_diff(hit_pos(y.hit)) <= n
        })
    })
}

/// Documents where, in one field, each list has a hit after a hit of the list
/// before it.
fn before(lists: &[DocList]) -> DocList {
    let mut out = DocList::default();
    for_common_docs(lists, |doc, slices| {
        let Some((first, rest)) = slices.split_first() else {
            return;
        };
        let in_order = |start: u32| {
            let mut cur = start;
            rest.iter().all(|hits| {
                let next = hits
                    .iter()
                    .map(|h| h.hit)
                    .filter(|&h| h > cur && hit_field(h) == hit_field(cur))
                    .min();
                next.inspect(|&h| cur = h).is_some()
            })
        };
        if !first.iter().any(|h| in_order(h.hit)) {
            return;
        }
        let mut all: Vec<QHit> = slices.concat();
        all.sort_unstable();
        all.dedup();
        out.push(doc, &all);
    });
    out
}

/// The most operands whose `NEAR` chains are searched exactly.
const MAX_NEAR_CHAIN: usize = 16;

/// Whether one hit of each operand can be picked, all in one field at distinct
/// positions, so that sorted by position no two neighbours are more than `n` apart.
fn near_chain(slices: &[&[QHit]], n: u32) -> bool {
    let full = (1u32 << slices.len()) - 1;
    let mut hits: Vec<(u32, u32)> = slices
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.iter().map(move |h| (h.hit, 1u32 << i)))
        .collect();
    hits.sort_unstable();
    hits.dedup();
    // Per hit: the operand sets a chain ending at that hit can cover.
    let mut ends: Vec<Vec<u32>> = Vec::with_capacity(hits.len());
    for (j, &(hit, bit)) in hits.iter().enumerate() {
        let mut sets = vec![bit];
        for (k, &(prev, _)) in hits[..j].iter().enumerate().rev() {
            if hit_field(prev) != hit_field(hit) || hit_pos(hit) - hit_pos(prev) > n {
                break;
            }
            if prev == hit {
                continue;
            }
            for &m in &ends[k] {
                if m & bit == 0 && !sets.contains(&(m | bit)) {
                    sets.push(m | bit);
                }
            }
        }
        if sets.contains(&full) {
            return true;
        }
        ends.push(sets);
    }
    false
}

/// Documents of `a` where no hit of `b` is within `n` words of a hit of `a`.
fn not_near(a: &DocList, b: &DocList, n: u32) -> DocList {
    let mut out = DocList::default();
    for i in 0..a.len() {
        let doc = a.docs[i];
        let near = b
            .docs
            .binary_search(&doc)
            .is_ok_and(|j| close(a.hits(i), b.hits(j), n));
        if !near {
            out.push(doc, a.hits(i));
        }
    }
    out
}

/// Consecutive operands within `n` words of each other, in one field.
fn near(lists: &[DocList], n: u32) -> DocList {
    let mut out = DocList::default();
    for_common_docs(lists, |doc, slices| {
        let found = if slices.len() <= MAX_NEAR_CHAIN {
            near_chain(slices, n)
        } else {
            slices.windows(2).all(|w| close(w[0], w[1], n))
        };
        if found {
            let mut all: Vec<QHit> = slices.concat();
            all.sort_unstable();
            all.dedup();
            out.push(doc, &all);
        }
    });
    out
}

//! The read side: a snapshot of a table, its documents and full-text search.

use super::compiled::CompileCache;
use super::snapshot::Snapshot;
use crate::engine::query::{self, Compiled, SegCtx};
use crate::engine::rank::{idf, RankCtx, Scratch};
use crate::engine::tokenizer::Tokenizer;
use crate::engine::types::{
    AttrRow, DocRef, EngineError, Hit, KeywordStat, MatchOptions, Matches, Schema, TableSettings,
};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

/// A read view of a table.
pub struct Reader {
    snap: Arc<Snapshot>,
    tok: Arc<Tokenizer>,
    settings: Arc<TableSettings>,
    compiled: Arc<CompileCache>,
}

impl Reader {
    pub(super) fn new(
        snap: Arc<Snapshot>,
        tok: Arc<Tokenizer>,
        settings: Arc<TableSettings>,
        compiled: Arc<CompileCache>,
    ) -> Reader {
        Reader {
            snap,
            tok,
            settings,
            compiled,
        }
    }

    /// The schema this view was taken with.
    pub fn schema(&self) -> &Schema {
        &self.snap.schema
    }

    /// Number of live documents.
    pub fn len(&self) -> usize {
        self.snap.live
    }

    /// True when the view holds no document.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn doc_ref(&self, seg: usize, local: u32) -> DocRef<'_> {
        let view = &self.snap.segs[seg];
        DocRef {
            id: view.seg.id(local),
            attrs: AttrRow::Stored(&view.attrs, local),
            fields: view.seg.stored(local),
        }
    }

    /// Every live document, in id order (a merge of the segments' id lists).
    pub fn docs(&self) -> Box<dyn Iterator<Item = DocRef<'_>> + '_> {
        let mut heap: BinaryHeap<Reverse<(u64, usize, usize)>> = BinaryHeap::new();
        for (s, view) in self.snap.segs.iter().enumerate() {
            if let Some((id, _)) = view.seg.by_id(0) {
                heap.push(Reverse((id, s, 0)));
            }
        }
        Box::new(std::iter::from_fn(move || loop {
            let Reverse((_, s, k)) = heap.pop()?;
            let view = &self.snap.segs[s];
            if let Some((id, _)) = view.seg.by_id(k + 1) {
                heap.push(Reverse((id, s, k + 1)));
            }
            let Some((_, local)) = view.seg.by_id(k) else {
                continue;
            };
            if !view.dead.get(local) {
                return Some(self.doc_ref(s, local));
            }
        }))
    }

    /// A document by id.
    pub fn get(&self, id: u64) -> Option<DocRef<'_>> {
        self.snap.locate(id).map(|(s, l)| self.doc_ref(s, l))
    }

    /// Runs a full-text query (Manticore's extended syntax, see [`MatchOptions`]).
    /// Syntax errors come back in upstream's wording.
    pub fn search(&self, query: &str, opts: &MatchOptions) -> Result<Matches<'_>, EngineError> {
        let mut hits = Vec::new();
        let keywords = self.run_query(query, opts, |s, ranked| {
            hits.extend(ranked.iter().map(|&(weight, local)| Hit {
                doc: self.doc_ref(s, local),
                weight,
            }));
        })?;
        let Some(keywords) = keywords else {
            // A query matching every document.
            let hits = self.docs().map(|doc| Hit { doc, weight: 1 }).collect();
            return Ok(Matches {
                hits,
                keywords: Vec::new(),
            });
        };
        Ok(Matches { hits, keywords })
    }

    /// Like [`Reader::search`], but keeps only the first `k` matches in the
    /// default order (weight descending, then id), sorted, and counts them all:
    /// returns the matches and the total.
    pub fn search_top(
        &self,
        query: &str,
        opts: &MatchOptions,
        k: usize,
    ) -> Result<(Matches<'_>, usize), EngineError> {
        let mut total = 0;
        // (weight descending, id, segment, local) of the candidates.
        let mut best: Vec<(std::cmp::Reverse<i64>, u64, u32, u32)> = Vec::new();
        let mut local_best: Vec<(std::cmp::Reverse<i64>, u32)> = Vec::new();
        let keywords = self.run_query(query, opts, |s, ranked| {
            total += ranked.len();
            let seg = &self.snap.segs[s].seg;
            if seg.ids_ascending() {
                // Id order is local order here: only this segment's first `k`
                // can make it.
                top_in_local_order(ranked, k, &mut local_best);
                best.extend(local_best.iter().map(|&(w, l)| (w, seg.id(l), s as u32, l)));
            } else {
                best.extend(
                    ranked
                        .iter()
                        .map(|&(w, l)| (std::cmp::Reverse(w), seg.id(l), s as u32, l)),
                );
            }
            if best.len() > k.saturating_mul(4).max(1024) {
                keep_smallest(&mut best, k);
            }
        })?;
        let keywords = match keywords {
            Some(k) => k,
            None => {
                // A query matching every document: id order, all weighing 1.
                let hits: Vec<Hit<'_>> = self
                    .docs()
                    .take(k)
                    .map(|doc| Hit { doc, weight: 1 })
                    .collect();
                let m = Matches {
                    hits,
                    keywords: Vec::new(),
                };
                return Ok((m, self.snap.live));
            }
        };
        keep_smallest(&mut best, k);
        best.sort_unstable();
        let hits = best
            .iter()
            .map(|&(std::cmp::Reverse(weight), _, s, l)| Hit {
                doc: self.doc_ref(s as usize, l),
                weight,
            })
            .collect();
        Ok((Matches { hits, keywords }, total))
    }

    /// Runs a query and hands `found(segment, [(weight, local)])` each segment's
    /// matches; returns the keyword stats, `None` for a query matching every
    /// document (which `found` does not see).
    fn run_query(
        &self,
        query: &str,
        opts: &MatchOptions,
        mut found: impl FnMut(usize, &[(i64, u32)]),
    ) -> Result<Option<Vec<KeywordStat>>, EngineError> {
        let entry = self
            .compiled
            .compile(query, &self.tok, &self.settings, &self.snap.schema)?;
        let bound = match &entry.compiled {
            Compiled::FullScan => return Ok(None),
            Compiled::Query(b) => b,
        };
        let terms: Vec<Vec<Vec<usize>>> = self
            .snap
            .segs
            .iter()
            .map(|v| {
                bound
                    .keywords
                    .iter()
                    .map(|k| query::resolve(&v.seg, &k.lookup))
                    .collect()
            })
            .collect();
        let stats = self.keyword_stats(&bound.keywords, &terms);
        let Some(root) = &bound.root else {
            return Ok(Some(dedup_stats(stats)));
        };
        let total = self.snap.live as u64;
        let nkw = bound.keywords.len();
        let ranker = RankCtx {
            ranker: opts.ranker,
            field_weights: self.field_weights(opts),
            idf: stats.iter().map(|s| idf(s.docs, total, nkw)).collect(),
        };
        let mut scratch = Scratch::default();
        let mut ranked: Vec<(i64, u32)> = Vec::new();
        for (s, view) in self.snap.segs.iter().enumerate() {
            let ctx = SegCtx {
                seg: &view.seg,
                dead: &view.dead,
                terms: &terms[s],
            };
            let list = query::eval(root, &ctx);
            ranked.clear();
            for (i, &local) in list.docs.iter().enumerate() {
                let weight = ranker.weight(list.hits(i), &mut scratch, |f| {
                    view.seg.field_stats(local, f).len
                });
                ranked.push((weight, local));
            }
            found(s, &ranked);
        }
        Ok(Some(dedup_stats(stats)))
    }

    /// Documents and hits of each keyword among live documents.
    fn keyword_stats(
        &self,
        keywords: &[query::BoundKeyword],
        terms: &[Vec<Vec<usize>>],
    ) -> Vec<KeywordStat> {
        keywords
            .iter()
            .enumerate()
            .map(|(k, kw)| {
                let (mut docs, mut hits) = (0u64, 0u64);
                for (view, seg_terms) in self.snap.segs.iter().zip(terms) {
                    for &t in &seg_terms[k] {
                        let p = view.seg.postings(t);
                        if view.live == view.seg.len() {
                            docs += p.len() as u64;
                            hits += p.hit_count() as u64;
                            continue;
                        }
                        let mut cur = p.cursor();
                        while let Some((d, n)) = cur.next_doc() {
                            if !view.dead.get(d) {
                                docs += 1;
                                hits += u64::from(n);
                            }
                        }
                    }
                }
                KeywordStat {
                    keyword: kw.display.clone(),
                    docs,
                    hits,
                }
            })
            .collect()
    }

    fn field_weights(&self, opts: &MatchOptions) -> Vec<i64> {
        let schema = &self.snap.schema;
        let mut weights = vec![1; schema.fields.len()];
        for (name, w) in &opts.field_weights {
            if let Some(f) = schema.field_index(name) {
                weights[f] = *w;
            }
        }
        weights
    }
}

/// The first `k` of `ranked` (in local order) by weight descending, then local
/// order, into `best` (in no particular order). Once `k` are held, a match
/// weighing no more than the lightest of them cannot make it (it comes later
/// in local order) and is passed over without being stored.
fn top_in_local_order(ranked: &[(i64, u32)], k: usize, best: &mut Vec<(Reverse<i64>, u32)>) {
    best.clear();
    if k == 0 {
        return;
    }
    let mut floor: Option<i64> = None;
    for &(w, l) in ranked {
        if floor.is_some_and(|f| w <= f) {
            continue;
        }
        best.push((Reverse(w), l));
        if best.len() >= k.saturating_mul(2).max(64) {
            keep_smallest(best, k);
            floor = best.iter().map(|b| b.0 .0).min();
        }
    }
    keep_smallest(best, k);
}

/// Keeps the `k` smallest items (in no particular order).
fn keep_smallest<T: Ord>(items: &mut Vec<T>, k: usize) {
    if items.len() > k {
        if k > 0 {
            items.select_nth_unstable(k - 1);
        }
        items.truncate(k);
    }
}

/// One entry per distinct keyword, first occurrence first.
fn dedup_stats(stats: Vec<KeywordStat>) -> Vec<KeywordStat> {
    let mut out: Vec<KeywordStat> = Vec::with_capacity(stats.len());
    for s in stats {
        if !out.iter().any(|o| o.keyword == s.keyword) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_in_local_order_keeps_what_a_full_selection_keeps() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut best = Vec::new();
        for round in 0..300 {
            let len = next(3000) as usize;
            // Few distinct weights in some rounds: many ties.
            let spread = [3, 50, 100_000][round % 3];
            let ranked: Vec<(i64, u32)> = (0..len as u32)
                .map(|l| (next(spread) as i64, l * 2))
                .collect();
            for k in [0, 1, 5, 20, 1000, 5000] {
                let mut want: Vec<(Reverse<i64>, u32)> =
                    ranked.iter().map(|&(w, l)| (Reverse(w), l)).collect();
                want.sort_unstable();
                want.truncate(k);
                top_in_local_order(&ranked, k, &mut best);
                best.sort_unstable();
                assert_eq!(best, want, "round {round} k {k}");
            }
        }
    }
}

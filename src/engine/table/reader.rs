//! The read side: a snapshot of a table, its documents and full-text search.

use super::snapshot::Snapshot;
use crate::engine::query::{self, Compiled, SegCtx};
use crate::engine::rank::{idf, RankCtx, Scratch};
use crate::engine::tokenizer::Tokenizer;
use crate::engine::types::{
    DocRef, EngineError, Hit, KeywordStat, MatchOptions, Matches, Schema, TableSettings,
};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

/// A read view of a table.
pub struct Reader {
    snap: Arc<Snapshot>,
    tok: Arc<Tokenizer>,
    settings: Arc<TableSettings>,
}

impl Reader {
    pub(super) fn new(
        snap: Arc<Snapshot>,
        tok: Arc<Tokenizer>,
        settings: Arc<TableSettings>,
    ) -> Reader {
        Reader {
            snap,
            tok,
            settings,
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
            attrs: view.attrs.row(local),
            fields: view.seg.stored(local),
        }
    }

    /// Every live document, in id order (a merge of the segments' id lists).
    pub fn docs(&self) -> Box<dyn Iterator<Item = DocRef<'_>> + '_> {
        let mut heap: BinaryHeap<Reverse<(u64, usize, usize)>> = BinaryHeap::new();
        for (s, view) in self.snap.segs.iter().enumerate() {
            if let Some(&(id, _)) = view.seg.by_id().first() {
                heap.push(Reverse((id, s, 0)));
            }
        }
        Box::new(std::iter::from_fn(move || loop {
            let Reverse((_, s, k)) = heap.pop()?;
            let view = &self.snap.segs[s];
            let list = view.seg.by_id();
            if let Some(&(id, _)) = list.get(k + 1) {
                heap.push(Reverse((id, s, k + 1)));
            }
            let local = list[k].1;
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
        let bound = match query::compile(query, &self.tok, &self.settings, &self.snap.schema)? {
            Compiled::FullScan => {
                let hits = self.docs().map(|doc| Hit { doc, weight: 1 }).collect();
                return Ok(Matches {
                    hits,
                    keywords: Vec::new(),
                });
            }
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
            return Ok(Matches {
                hits: Vec::new(),
                keywords: dedup_stats(stats),
            });
        };
        let total = self.snap.live as u64;
        let nkw = bound.keywords.len();
        let ranker = RankCtx {
            ranker: opts.ranker,
            field_weights: self.field_weights(opts),
            idf: stats.iter().map(|s| idf(s.docs, total, nkw)).collect(),
        };
        let mut hits = Vec::with_capacity(self.snap.live.min(1024));
        let mut scratch = Scratch::default();
        for (s, view) in self.snap.segs.iter().enumerate() {
            let ctx = SegCtx {
                seg: &view.seg,
                dead: &view.dead,
                terms: &terms[s],
            };
            let list = query::eval(root, &ctx);
            for (i, &local) in list.docs.iter().enumerate() {
                let weight = ranker.weight(list.hits(i), &mut scratch, |f| {
                    view.seg.field_stats(local, f).len
                });
                hits.push(Hit {
                    doc: self.doc_ref(s, local),
                    weight,
                });
            }
        }
        Ok(Matches {
            hits,
            keywords: dedup_stats(stats),
        })
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

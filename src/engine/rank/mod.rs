//! Rankers: integer weights from a document's keyword hits, as upstream computes
//! them (`proximity_bm25 = sum(lcs*user_weight)*1000 + bm25`, and so on).
//!
//! BM25 here is upstream's simplified one: `sum(tf/(tf+1.2) * idf)` over the
//! matched keywords, with the default `idf=normalized,tfidf_normalized`
//! (`idf = log((N-n+1)/n) / (2*log(N+1)) / keywords`), scaled to 0..999.

use super::index::{hit_field, hit_pos};
use super::query::QHit;
use super::types::Ranker;

const BM25_K1: f32 = 1.2;

/// Everything a ranker needs besides the hits.
pub struct RankCtx {
    pub ranker: Ranker,
    /// User weight per field.
    pub field_weights: Vec<i64>,
    /// IDF per query keyword.
    pub idf: Vec<f32>,
}

/// Inverse document frequency of a keyword in `docs` of `total` documents.
pub fn idf(docs: u64, total: u64, keywords: usize) -> f32 {
    if docs == 0 || total == 0 {
        return 0.0;
    }
    let (n, total) = (docs as f64, total.max(docs) as f64);
    let raw = ((total - n + 1.0) / n).ln() / (2.0 * (total + 1.0).ln());
    (raw / keywords.max(1) as f64) as f32
}

#[derive(Debug, Clone, Copy, Default)]
struct FieldFactors {
    lcs: u32,
    hit_count: u32,
    word_mask: u64,
    min_pos: u32,
}

/// Per-document scratch space, reused across documents.
#[derive(Default)]
pub struct Scratch {
    fields: Vec<FieldFactors>,
    tf: Vec<u32>,
    prev: Vec<(u32, u32)>,
    cur: Vec<(u32, u32)>,
}

impl RankCtx {
    /// The weight of a document; `field_len(f)` is its indexed length of field `f`.
    pub fn weight(
        &self,
        hits: &[QHit],
        scratch: &mut Scratch,
        field_len: impl Fn(usize) -> u32,
    ) -> i64 {
        if self.ranker == Ranker::None {
            return 1;
        }
        self.factors(hits, scratch);
        let nkw = self.idf.len() as u32;
        let mut sum = 0i64;
        let mut mask = 0i64;
        for (f, ff) in scratch.fields.iter().enumerate() {
            if ff.hit_count == 0 {
                continue;
            }
            if f < 32 {
                mask |= 1 << f;
            }
            let w = self.field_weights.get(f).copied().unwrap_or(1);
            let lcs = ff.lcs as i64;
            sum += w * match self.ranker {
                Ranker::ProximityBm25 | Ranker::Proximity => lcs,
                Ranker::Bm25 => 1,
                Ranker::Wordcount => ff.hit_count as i64,
                Ranker::Matchany => ff.word_mask.count_ones() as i64 + (lcs - 1) * nkw as i64,
                Ranker::Sph04 => {
                    let exact = ff.lcs == nkw && field_len(f) == nkw;
                    4 * lcs + 2 * i64::from(ff.min_pos == 1) + i64::from(exact)
                }
                Ranker::None | Ranker::Fieldmask => 0,
            };
        }
        match self.ranker {
            Ranker::ProximityBm25 | Ranker::Bm25 | Ranker::Sph04 => sum * 1000 + self.bm25(scratch),
            Ranker::Fieldmask => mask,
            _ => sum,
        }
    }

    fn bm25(&self, scratch: &Scratch) -> i64 {
        let mut score = 0f32;
        for (kw, &tf) in scratch.tf.iter().enumerate() {
            if tf > 0 {
                let tf = tf as f32;
                score += tf / (tf + BM25_K1) * self.idf.get(kw).copied().unwrap_or(0.0);
            }
        }
        (((score + 0.5) * 1000.0) as i64).clamp(0, 999)
    }

    /// Fills per-field factors and per-keyword term frequencies.
    fn factors(&self, hits: &[QHit], s: &mut Scratch) {
        s.fields.clear();
        s.tf.clear();
        s.tf.resize(self.idf.len(), 0);
        s.prev.clear();
        s.cur.clear();
        let mut cur_hit = u32::MAX;
        let mut last: Option<QHit> = None;
        for &h in hits {
            if last == Some(h) {
                continue;
            }
            last = Some(h);
            let field = hit_field(h.hit);
            if s.fields.len() <= field {
                s.fields.resize(field + 1, FieldFactors::default());
            }
            if let Some(tf) = s.tf.get_mut(h.kw as usize) {
                *tf += 1;
            }
            if h.hit != cur_hit {
                if cur_hit.wrapping_add(1) == h.hit {
                    std::mem::swap(&mut s.prev, &mut s.cur);
                } else {
                    s.prev.clear();
                }
                s.cur.clear();
                cur_hit = h.hit;
            }
            let run = 1 + s
                .prev
                .iter()
                .find(|&&(kw, _)| kw + 1 == h.kw)
                .map_or(0, |&(_, len)| len);
            s.cur.push((h.kw, run));
            let ff = &mut s.fields[field];
            ff.lcs = ff.lcs.max(run);
            ff.hit_count += 1;
            ff.word_mask |= 1 << h.kw.min(63);
            let pos = hit_pos(h.hit);
            if ff.min_pos == 0 || pos < ff.min_pos {
                ff.min_pos = pos;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::index::pack_hit;

    fn ctx(ranker: Ranker, idf: Vec<f32>) -> RankCtx {
        RankCtx {
            ranker,
            field_weights: vec![1, 1],
            idf,
        }
    }

    fn h(field: usize, pos: u32, kw: u32) -> QHit {
        QHit {
            hit: pack_hit(field, pos),
            kw,
        }
    }

    #[test]
    fn idf_values() {
        assert_eq!(idf(1, 1, 1), 0.0);
        assert!(idf(1, 100, 1) > 0.0);
        assert!(idf(90, 100, 1) < 0.0);
        assert_eq!(idf(0, 100, 1), 0.0);
    }

    #[test]
    fn proximity_bm25_known_values() {
        let mut s = Scratch::default();
        let c = ctx(Ranker::ProximityBm25, vec![0.0]);
        assert_eq!(c.weight(&[h(0, 1, 0)], &mut s, |_| 1), 1500);
        let c = ctx(Ranker::ProximityBm25, vec![0.0, 0.0]);
        let adjacent = c.weight(&[h(0, 1, 0), h(0, 2, 1)], &mut s, |_| 2);
        let apart = c.weight(&[h(0, 1, 0), h(0, 5, 1)], &mut s, |_| 5);
        assert_eq!(adjacent, 2500);
        assert_eq!(apart, 1500);
        let two_fields = c.weight(&[h(0, 1, 0), h(1, 1, 1)], &mut s, |_| 1);
        assert_eq!(two_fields, 2500);
    }

    #[test]
    fn other_rankers() {
        let mut s = Scratch::default();
        let hits = [h(0, 1, 0), h(0, 2, 1), h(0, 4, 0)];
        assert_eq!(
            ctx(Ranker::None, vec![0.0; 2]).weight(&hits, &mut s, |_| 4),
            1
        );
        assert_eq!(
            ctx(Ranker::Wordcount, vec![0.0; 2]).weight(&hits, &mut s, |_| 4),
            3
        );
        assert_eq!(
            ctx(Ranker::Proximity, vec![0.0; 2]).weight(&hits, &mut s, |_| 4),
            2
        );
        assert_eq!(
            ctx(Ranker::Matchany, vec![0.0; 2]).weight(&hits, &mut s, |_| 4),
            4
        );
        assert_eq!(
            ctx(Ranker::Bm25, vec![0.0; 2]).weight(&hits, &mut s, |_| 4),
            1500
        );
        assert_eq!(
            ctx(Ranker::Fieldmask, vec![0.0; 2]).weight(&hits, &mut s, |_| 4),
            1
        );
        let two_fields = [h(0, 1, 0), h(2, 1, 1)];
        assert_eq!(
            ctx(Ranker::Fieldmask, vec![0.0; 2]).weight(&two_fields, &mut s, |_| 4),
            0b101
        );
        // 4*lcs + 2*(min_pos==1) + exact(field is exactly the query) = 8+2+0
        assert_eq!(
            ctx(Ranker::Sph04, vec![0.0; 2]).weight(&hits, &mut s, |_| 4),
            10500
        );
        assert_eq!(
            ctx(Ranker::Sph04, vec![0.0; 2]).weight(&hits[..2], &mut s, |_| 2),
            11500
        );
        let weighted = RankCtx {
            ranker: Ranker::Proximity,
            field_weights: vec![1, 10],
            idf: vec![0.0],
        };
        assert_eq!(weighted.weight(&[h(1, 3, 0)], &mut s, |_| 3), 10);
    }

    #[test]
    fn rare_words_weigh_more() {
        let mut s = Scratch::default();
        let rare = ctx(Ranker::Bm25, vec![idf(1, 100, 1)]).weight(&[h(0, 1, 0)], &mut s, |_| 1);
        let common = ctx(Ranker::Bm25, vec![idf(60, 100, 1)]).weight(&[h(0, 1, 0)], &mut s, |_| 1);
        assert!(rare > 1500 && common < 1500, "{rare} {common}");
    }
}

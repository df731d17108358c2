//! Merging segments into one, dropping deleted documents.

use super::postings::PostingsWriter;
use super::segment::{Bits, Segment, SegmentBuilder};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A segment to merge and its deleted documents.
pub struct MergeInput<'a> {
    pub seg: &'a Segment,
    pub dead: &'a Bits,
}

/// Merges segments in order. Returns the new segment and, per input, the new local
/// number of each old local document (`u32::MAX` for dropped ones).
pub fn merge(inputs: &[MergeInput<'_>]) -> (Segment, Vec<Vec<u32>>) {
    let nfields = inputs.first().map_or(0, |i| i.seg.nfields());
    let mut builder = SegmentBuilder::new(nfields);
    builder.reserve_like(&inputs.iter().map(|i| i.seg).collect::<Vec<_>>());
    let mut remaps = Vec::with_capacity(inputs.len());
    let mut stats = Vec::with_capacity(nfields);
    for input in inputs {
        let mut remap = vec![u32::MAX; input.seg.len()];
        for (local, slot) in remap.iter_mut().enumerate() {
            let local = local as u32;
            if input.dead.get(local) {
                continue;
            }
            stats.clear();
            stats.extend((0..nfields).map(|f| input.seg.field_stats(local, f)));
            *slot = builder.push_doc(input.seg.id(local), &stats);
        }
        builder.copy_stored(input.seg, |l| !input.dead.get(l));
        remaps.push(remap);
    }
    merge_terms(inputs, &remaps, &mut builder);
    (builder.finish(), remaps)
}

/// Walks the dictionaries of all inputs in term order, pushing each term once.
fn merge_terms(inputs: &[MergeInput<'_>], remaps: &[Vec<u32>], builder: &mut SegmentBuilder) {
    let mut heap: BinaryHeap<Reverse<(&str, usize, usize)>> = BinaryHeap::new();
    for (k, input) in inputs.iter().enumerate() {
        if input.seg.term_count() > 0 {
            heap.push(Reverse((input.seg.term(0), k, 0)));
        }
    }
    let mut writer = PostingsWriter::default();
    let mut hits = Vec::new();
    while let Some(Reverse((term, _, _))) = heap.peek().copied() {
        while let Some(&Reverse((t, k, idx))) = heap.peek() {
            if t != term {
                break;
            }
            heap.pop();
            let mut cur = inputs[k].seg.postings(idx).cursor();
            while let Some((old, _)) = cur.next_doc() {
                let new = remaps[k].get(old as usize).copied().unwrap_or(u32::MAX);
                if new != u32::MAX {
                    cur.read_hits(&mut hits);
                    writer.push(new, &hits);
                }
            }
            if idx + 1 < inputs[k].seg.term_count() {
                heap.push(Reverse((inputs[k].seg.term(idx + 1), k, idx + 1)));
            }
        }
        if !writer.is_empty() {
            builder.push_term(term, &mut writer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::index::segment::tests::{build, docs_and_hits};

    #[test]
    fn merges_and_drops_dead() {
        let a = build(&[(1, "x y"), (2, "y z")]);
        let b = build(&[(3, "z w")]);
        let mut dead_a = Bits::with_len(2);
        dead_a.set(0);
        let dead_b = Bits::with_len(1);
        let (m, remaps) = merge(&[
            MergeInput {
                seg: &a,
                dead: &dead_a,
            },
            MergeInput {
                seg: &b,
                dead: &dead_b,
            },
        ]);
        assert_eq!(remaps, vec![vec![u32::MAX, 0], vec![1]]);
        assert_eq!(m.len(), 2);
        assert_eq!(m.find("x"), None);
        let z = docs_and_hits(&m, m.find("z").unwrap());
        assert_eq!(z, [(0, vec![2]), (1, vec![1])]);
        assert_eq!(m.id(1), 3);
        assert_eq!(m.local_of(2), Some(0));
        assert_eq!(m.stored(1).to_vec(), ["z w"]);
    }
}

//! Sorted document lists with the query-keyword hits of each document: the values
//! query operators combine.

/// One occurrence of a query keyword in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct QHit {
    /// Packed field and position (see `index::pack_hit`).
    pub hit: u32,
    /// The keyword's index in the bound query.
    pub kw: u32,
}

/// Documents (ascending local numbers) and their hits (ascending).
#[derive(Debug, Clone)]
pub struct DocList {
    pub docs: Vec<u32>,
    offs: Vec<u32>,
    hits: Vec<QHit>,
}

impl Default for DocList {
    fn default() -> Self {
        DocList {
            docs: Vec::new(),
            offs: vec![0],
            hits: Vec::new(),
        }
    }
}

impl DocList {
    /// An empty list with room for `docs` documents and `hits` hits.
    pub fn with_capacity(docs: usize, hits: usize) -> DocList {
        let mut offs = Vec::with_capacity(docs + 1);
        offs.push(0);
        DocList {
            docs: Vec::with_capacity(docs),
            offs,
            hits: Vec::with_capacity(hits),
        }
    }
    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
    /// Hits of the `i`-th document.
    #[inline]
    pub fn hits(&self, i: usize) -> &[QHit] {
        &self.hits[self.offs[i] as usize..self.offs[i + 1] as usize]
    }
    /// Appends a document (in ascending order) with its hits (ascending).
    pub fn push(&mut self, doc: u32, hits: &[QHit]) {
        self.docs.push(doc);
        self.hits.extend_from_slice(hits);
        self.offs.push(self.hits.len() as u32);
    }
    /// Appends a document whose hits were added with `push_hit`.
    pub fn push_hit(&mut self, hit: QHit) {
        self.hits.push(hit);
    }
    /// Closes a document started with `push_hit` calls.
    pub fn close_doc(&mut self, doc: u32) {
        self.docs.push(doc);
        self.offs.push(self.hits.len() as u32);
    }
    /// True when hits were added since the last closed document.
    pub fn hits_open(&self) -> bool {
        self.hits.len() > self.offs.last().copied().unwrap_or(0) as usize
    }
    /// Documents in both, hits of both.
    pub fn intersect(&self, other: &DocList) -> DocList {
        let mut out = DocList::default();
        let mut buf = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < self.len() && j < other.len() {
            let (a, b) = (self.docs[i], other.docs[j]);
            if a < b {
                i += 1;
            } else if b < a {
                j += 1;
            } else {
                merge_hits(self.hits(i), other.hits(j), &mut buf);
                out.push(a, &buf);
                i += 1;
                j += 1;
            }
        }
        out
    }

    /// Documents in either, hits of both.
    pub fn union(&self, other: &DocList) -> DocList {
        let mut out = DocList::default();
        let mut buf = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < self.len() || j < other.len() {
            let a = self.docs.get(i).copied().unwrap_or(u32::MAX);
            let b = other.docs.get(j).copied().unwrap_or(u32::MAX);
            if a < b {
                out.push(a, self.hits(i));
                i += 1;
            } else if b < a {
                out.push(b, other.hits(j));
                j += 1;
            } else {
                merge_hits(self.hits(i), other.hits(j), &mut buf);
                out.push(a, &buf);
                i += 1;
                j += 1;
            }
        }
        out
    }

    /// Documents of `self` not in `other`.
    pub fn minus(&self, other: &DocList) -> DocList {
        let mut out = DocList::default();
        let mut j = 0;
        for i in 0..self.len() {
            let d = self.docs[i];
            while j < other.len() && other.docs[j] < d {
                j += 1;
            }
            if other.docs.get(j) != Some(&d) {
                out.push(d, self.hits(i));
            }
        }
        out
    }

    /// Documents of `self`, with the hits of `other` added where it matches too.
    pub fn maybe(&self, other: &DocList) -> DocList {
        let mut out = DocList::default();
        let mut buf = Vec::new();
        let mut j = 0;
        for i in 0..self.len() {
            let d = self.docs[i];
            while j < other.len() && other.docs[j] < d {
                j += 1;
            }
            if other.docs.get(j) == Some(&d) {
                merge_hits(self.hits(i), other.hits(j), &mut buf);
                out.push(d, &buf);
            } else {
                out.push(d, self.hits(i));
            }
        }
        out
    }
}

/// Merges two ascending hit lists into `out` (cleared first).
pub fn merge_hits(a: &[QHit], b: &[QHit], out: &mut Vec<QHit>) {
    out.clear();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(docs: &[u32]) -> DocList {
        let mut l = DocList::default();
        for &d in docs {
            l.push(d, &[QHit { hit: d, kw: 0 }]);
        }
        l
    }

    #[test]
    fn set_operations() {
        let (a, b) = (list(&[1, 3, 5]), list(&[3, 4]));
        assert_eq!(a.intersect(&b).docs, vec![3]);
        assert_eq!(a.intersect(&b).hits(0).len(), 2);
        assert_eq!(a.union(&b).docs, vec![1, 3, 4, 5]);
        assert_eq!(a.minus(&b).docs, vec![1, 5]);
        let m = a.maybe(&b);
        assert_eq!(m.docs, vec![1, 3, 5]);
        assert_eq!(m.hits(1).len(), 2);
    }
}

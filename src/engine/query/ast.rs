//! The full-text query tree.

/// A set of fields (up to 256) a keyword may match in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldMask([u64; 4]);

impl FieldMask {
    /// Every field.
    pub const ALL: FieldMask = FieldMask([u64::MAX; 4]);
    /// No field.
    pub const NONE: FieldMask = FieldMask([0; 4]);

    /// Adds a field.
    pub fn set(&mut self, field: usize) {
        if field < 256 {
            self.0[field / 64] |= 1 << (field % 64);
        }
    }
    /// True when the field is in the set.
    #[inline]
    pub fn has(&self, field: usize) -> bool {
        field < 256 && self.0[field / 64] & (1 << (field % 64)) != 0
    }
    /// Every field not in the set.
    pub fn invert(self) -> FieldMask {
        FieldMask(self.0.map(|w| !w))
    }
}

/// Where keywords may match: a set of fields and, optionally, only the first
/// positions of each field (`@title[50]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldLimit {
    pub mask: FieldMask,
    /// Highest position that may match (0 = no limit).
    pub max_pos: u32,
}

impl FieldLimit {
    /// Every field, every position.
    pub const ANY: FieldLimit = FieldLimit {
        mask: FieldMask::ALL,
        max_pos: 0,
    };
}

/// Wildcards around a keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wildcard {
    None,
    /// `word*`
    Prefix,
    /// `*word`
    Suffix,
    /// `*word*`
    Infix,
}

/// A keyword as written in the query, with its modifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyword {
    /// The case-folded word (no modifiers).
    pub word: String,
    pub wildcard: Wildcard,
    /// `=word`
    pub exact: bool,
    /// `^word`
    pub start: bool,
    /// `word$`
    pub end: bool,
    pub fields: FieldMask,
    /// Highest position that may match (0 = no limit).
    pub max_pos: u32,
    /// Position of the word inside its phrase (0 outside phrases).
    pub offset: u32,
    /// Index into the query's keyword list, set when the query is bound.
    pub id: usize,
}

/// How the words of a quoted group must appear.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PhraseKind {
    /// `"a b"`: adjacent, in order.
    Exact,
    /// `"a b"~N`: all within a window.
    Proximity(u32),
    /// `"a b c"/N`: at least N of them (N may be a fraction of the words).
    Quorum(f64),
}

/// A node of the query tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Term(Keyword),
    Phrase(Vec<Keyword>, PhraseKind),
    And(Vec<Node>),
    Or(Vec<Node>),
    /// Only valid as an `And` member next to a positive one.
    Not(Box<Node>),
    Near(Vec<Node>, u32),
    /// `a << b << c`: in one field, each operand has a hit after one of the operand
    /// before it.
    Before(Vec<Node>),
    /// `a NOTNEAR/N b`: `a`, unless `b` is within `N` words of it.
    NotNear(Box<Node>, Box<Node>, u32),
    Maybe(Box<Node>, Box<Node>),
}

#[cfg(test)]
impl Node {
    /// Calls `f` on every keyword, left to right.
    pub fn for_each_keyword_mut(&mut self, f: &mut impl FnMut(&mut Keyword)) {
        match self {
            Node::Term(k) => f(k),
            Node::Phrase(ks, _) => ks.iter_mut().for_each(f),
            Node::And(ns) | Node::Or(ns) | Node::Near(ns, _) | Node::Before(ns) => {
                ns.iter_mut().for_each(|n| n.for_each_keyword_mut(f))
            }
            Node::Not(n) => n.for_each_keyword_mut(f),
            Node::Maybe(a, b) | Node::NotNear(a, b, _) => {
                a.for_each_keyword_mut(f);
                b.for_each_keyword_mut(f);
            }
        }
    }
}

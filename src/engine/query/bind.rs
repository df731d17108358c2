//! Binds a parsed query to a table's text settings: normalizes keywords (stemming,
//! exact forms, wildcards), drops stopwords, numbers the keywords and checks that
//! the query is computable.

use super::ast::{Keyword, Node, PhraseKind, Wildcard};
use crate::engine::tokenizer::Tokenizer;
use crate::engine::types::{EngineError, TableSettings};

/// What a keyword looks up in the dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// One term.
    Term(String),
    /// Every term starting with this.
    Prefix(String),
    /// Every term containing this (ends with it, for `Suffix`).
    Infix(String),
    Suffix(String),
}

/// A keyword of the bound query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundKeyword {
    /// As shown in `SHOW META` (`run`, `hell*`, `=running`).
    pub display: String,
    pub lookup: Lookup,
}

/// A query ready to run: its tree and its keywords (`Keyword::id` indexes them).
#[derive(Debug, Clone)]
pub struct BoundQuery {
    pub root: Option<Node>,
    pub keywords: Vec<BoundKeyword>,
}

/// Binds a parsed query.
pub fn bind(
    root: Node,
    tok: &Tokenizer,
    settings: &TableSettings,
) -> Result<BoundQuery, EngineError> {
    let mut keywords = Vec::new();
    let root = bind_node(root, tok, settings, &mut keywords);
    if let Some(node) = &root {
        validate(node)?;
    }
    Ok(BoundQuery { root, keywords })
}

fn bind_node(
    node: Node,
    tok: &Tokenizer,
    settings: &TableSettings,
    out: &mut Vec<BoundKeyword>,
) -> Option<Node> {
    let bind_all = |items: Vec<Node>, out: &mut Vec<BoundKeyword>| -> Vec<Node> {
        items
            .into_iter()
            .filter_map(|n| bind_node(n, tok, settings, out))
            .collect()
    };
    match node {
        Node::Term(kw) => bind_keyword(kw, tok, settings, out).map(Node::Term),
        Node::Phrase(words, kind) => {
            let words: Vec<Keyword> = words
                .into_iter()
                .filter_map(|k| bind_keyword(k, tok, settings, out))
                .collect();
            match words.len() {
                0 => None,
                1 if !matches!(kind, PhraseKind::Quorum(_)) => {
                    words.into_iter().next().map(Node::Term)
                }
                _ => Some(Node::Phrase(words, kind)),
            }
        }
        Node::And(items) => collapse(bind_all(items, out), Node::And),
        Node::Or(items) => collapse(bind_all(items, out), Node::Or),
        Node::Near(items, n) => collapse(bind_all(items, out), |v| Node::Near(v, n)),
        Node::Before(items) => collapse(bind_all(items, out), Node::Before),
        Node::Not(inner) => bind_node(*inner, tok, settings, out).map(|n| Node::Not(Box::new(n))),
        Node::NotNear(a, b, n) => {
            let a = bind_node(*a, tok, settings, out);
            let b = bind_node(*b, tok, settings, out);
            match (a, b) {
                (Some(a), Some(b)) => Some(Node::NotNear(Box::new(a), Box::new(b), n)),
                (a, _) => a,
            }
        }
        Node::Maybe(a, b) => {
            let a = bind_node(*a, tok, settings, out);
            let b = bind_node(*b, tok, settings, out);
            match (a, b) {
                (Some(a), Some(b)) => Some(Node::Maybe(Box::new(a), Box::new(b))),
                (a, _) => a,
            }
        }
    }
}

fn collapse(mut items: Vec<Node>, make: impl FnOnce(Vec<Node>) -> Node) -> Option<Node> {
    match items.len() {
        0 => None,
        1 => items.pop(),
        _ => Some(make(items)),
    }
}

fn bind_keyword(
    mut kw: Keyword,
    tok: &Tokenizer,
    settings: &TableSettings,
    out: &mut Vec<BoundKeyword>,
) -> Option<Keyword> {
    let len = kw.word.chars().count();
    let infix_ok = settings.min_infix_len > 0 && len >= settings.min_infix_len;
    let prefix_ok = infix_ok || (settings.min_prefix_len > 0 && len >= settings.min_prefix_len);
    let bound = match kw.wildcard {
        Wildcard::Prefix if prefix_ok => BoundKeyword {
            display: format!("{}*", kw.word),
            lookup: Lookup::Prefix(kw.word.clone()),
        },
        Wildcard::Infix if infix_ok => BoundKeyword {
            display: format!("*{}*", kw.word),
            lookup: Lookup::Infix(kw.word.clone()),
        },
        Wildcard::Suffix if infix_ok => BoundKeyword {
            display: format!("*{}", kw.word),
            lookup: Lookup::Suffix(kw.word.clone()),
        },
        _ if kw.exact => BoundKeyword {
            display: format!("={}", kw.word),
            lookup: Lookup::Term(tok.exact_term(&kw.word)),
        },
        _ => {
            let term = tok.normalize(&kw.word)?;
            BoundKeyword {
                display: term.clone(),
                lookup: Lookup::Term(term),
            }
        }
    };
    kw.id = out.len();
    out.push(bound);
    Some(kw)
}

/// A NOT needs a positive sibling in an AND.
fn validate(node: &Node) -> Result<(), EngineError> {
    let non_computable = || EngineError::new("query is non-computable (single NOT operator)");
    match node {
        Node::Not(_) => Err(non_computable()),
        Node::And(items) => {
            if items.iter().all(|n| matches!(n, Node::Not(_))) {
                return Err(non_computable());
            }
            for item in items {
                match item {
                    Node::Not(inner) => validate(inner)?,
                    other => validate(other)?,
                }
            }
            Ok(())
        }
        Node::Or(items) | Node::Near(items, _) | Node::Before(items) => {
            items.iter().try_for_each(validate)
        }
        Node::Maybe(a, b) | Node::NotNear(a, b, _) => {
            validate(a)?;
            validate(b)
        }
        Node::Term(_) | Node::Phrase(..) => Ok(()),
    }
}

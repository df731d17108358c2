//! Recursive-descent parser of Manticore's extended query syntax.
//!
//! Precedence, loosest first: implicit AND (a sequence; `@field` limits apply to
//! what follows them in the same group), `|`, `MAYBE`, `NEAR/N`, unary `-`/`!`,
//! then keywords, `"phrases"` (with `~N` or `/N`) and `( groups )`.

use super::ast::{FieldLimit, FieldMask, Node, PhraseKind};
use super::lexer::{lex, FieldSpec, FieldTok, Spanned, Tok};
use crate::engine::tokenizer::Tokenizer;
use crate::engine::types::{EngineError, Schema};

/// Deepest nesting of groups accepted.
const MAX_DEPTH: usize = 64;

/// Parses a query. `Ok(None)` for a query without any operand (full scan).
pub fn parse(query: &str, tok: &Tokenizer, schema: &Schema) -> Result<Option<Node>, EngineError> {
    let mut tokens = lex(query, tok);
    let relaxed = tokens.iter().any(|(t, _)| matches!(t, Tok::Relaxed));
    tokens.retain(|(t, _)| !matches!(t, Tok::Relaxed));
    if tokens.len() == 1 {
        return Ok(None);
    }
    let mut p = Parser {
        query,
        tokens,
        i: 0,
        schema,
        depth: 0,
        relaxed,
    };
    let node = p.seq(FieldLimit::ANY, false)?;
    if !matches!(p.peek(), Tok::End) {
        return Err(p.unexpected());
    }
    Ok(Some(node))
}

struct Parser<'a> {
    query: &'a str,
    tokens: Vec<Spanned>,
    i: usize,
    schema: &'a Schema,
    depth: usize,
    /// `@@relaxed`: unknown field names are left out of field limits.
    relaxed: bool,
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.tokens[self.i.min(self.tokens.len() - 1)].0
    }

    fn advance(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.i < self.tokens.len() - 1 {
            self.i += 1;
        }
        t
    }

    fn unexpected(&self) -> EngineError {
        let (tok, at) = &self.tokens[self.i.min(self.tokens.len() - 1)];
        let near = self.query.get(*at..).unwrap_or("");
        EngineError(format!(
            "P08: syntax error, unexpected {} near '{}'",
            tok.describe(),
            near
        ))
    }

    fn seq(&mut self, mut mask: FieldLimit, in_group: bool) -> Result<Node, EngineError> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                Tok::End => break,
                Tok::RParen if in_group => break,
                Tok::Field(spec) => {
                    mask = self.resolve(&spec.clone())?;
                    self.advance();
                }
                _ => items.push(self.or(mask)?),
            }
        }
        if items.is_empty() && in_group {
            return Err(self.unexpected());
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::And(items)
        })
    }

    fn or(&mut self, mask: FieldLimit) -> Result<Node, EngineError> {
        let mut items = vec![self.maybe(mask)?];
        while matches!(self.peek(), Tok::Or) {
            self.advance();
            items.push(self.maybe(mask)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Or(items)
        })
    }

    fn maybe(&mut self, mask: FieldLimit) -> Result<Node, EngineError> {
        let mut node = self.near(mask)?;
        while matches!(self.peek(), Tok::Maybe) {
            self.advance();
            let rhs = self.near(mask)?;
            node = Node::Maybe(Box::new(node), Box::new(rhs));
        }
        Ok(node)
    }

    fn near(&mut self, mask: FieldLimit) -> Result<Node, EngineError> {
        let mut node = self.unary(mask)?;
        while let Tok::NotNear(n) = *self.peek() {
            self.advance();
            let rhs = self.unary(mask)?;
            node = Node::NotNear(Box::new(node), Box::new(rhs), n);
        }
        while let Tok::Near(n) = *self.peek() {
            self.advance();
            let rhs = self.unary(mask)?;
            node = match node {
                Node::Near(mut items, m) if m == n => {
                    items.push(rhs);
                    Node::Near(items, n)
                }
                other => Node::Near(vec![other, rhs], n),
            };
        }
        while matches!(self.peek(), Tok::Before) {
            self.advance();
            let rhs = self.unary(mask)?;
            node = match node {
                Node::Before(mut items) => {
                    items.push(rhs);
                    Node::Before(items)
                }
                other => Node::Before(vec![other, rhs]),
            };
        }
        Ok(node)
    }

    fn unary(&mut self, mask: FieldLimit) -> Result<Node, EngineError> {
        if matches!(self.peek(), Tok::Not) {
            self.advance();
            return Ok(Node::Not(Box::new(self.unary(mask)?)));
        }
        self.primary(mask)
    }

    fn primary(&mut self, mask: FieldLimit) -> Result<Node, EngineError> {
        match self.peek().clone() {
            Tok::Word(mut kw) => {
                self.advance();
                kw.fields = mask.mask;
                kw.max_pos = mask.max_pos;
                Ok(Node::Term(kw))
            }
            Tok::LParen => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(EngineError::new("query is too complex (nesting too deep)"));
                }
                self.advance();
                let node = self.seq(mask, true)?;
                if !matches!(self.peek(), Tok::RParen) {
                    return Err(self.unexpected());
                }
                self.advance();
                self.depth -= 1;
                Ok(node)
            }
            Tok::Quote => self.phrase(mask),
            Tok::Field(_) => {
                let mut inner = mask;
                while let Tok::Field(spec) = self.peek().clone() {
                    inner = self.resolve(&spec)?;
                    self.advance();
                }
                self.primary(inner)
            }
            _ => Err(self.unexpected()),
        }
    }

    fn phrase(&mut self, mask: FieldLimit) -> Result<Node, EngineError> {
        self.advance();
        let mut words = Vec::new();
        let mut gaps = 0;
        loop {
            match self.peek().clone() {
                Tok::Word(mut kw) => {
                    kw.fields = mask.mask;
                    kw.max_pos = mask.max_pos;
                    kw.offset = words.len() as u32 + gaps;
                    words.push(kw);
                }
                Tok::Star => gaps += 1,
                Tok::Quote => {
                    self.advance();
                    break;
                }
                Tok::End => return Err(self.unexpected()),
                _ => {}
            }
            self.advance();
        }
        let kind = match *self.peek() {
            Tok::Tilde(n) => {
                self.advance();
                PhraseKind::Proximity(n)
            }
            Tok::Slash(n) => {
                self.advance();
                PhraseKind::Quorum(n)
            }
            _ => PhraseKind::Exact,
        };
        Ok(Node::Phrase(words, kind))
    }

    fn resolve(&self, tok: &FieldTok) -> Result<FieldLimit, EngineError> {
        let mask = self.resolve_mask(&tok.spec)?;
        Ok(FieldLimit {
            mask,
            max_pos: tok.max_pos,
        })
    }

    fn resolve_mask(&self, spec: &FieldSpec) -> Result<FieldMask, EngineError> {
        let (names, negate) = match spec {
            FieldSpec::All => return Ok(FieldMask::ALL),
            FieldSpec::Names { names, negate } => (names, *negate),
        };
        let mut mask = FieldMask::NONE;
        for name in names {
            match self.schema.field_index(name) {
                Some(f) => mask.set(f),
                None if self.relaxed => {}
                None => return Err(EngineError(format!("no field '{name}' found in schema"))),
            }
        }
        Ok(if negate { mask.invert() } else { mask })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::query::ast::{Keyword, Wildcard};
    use crate::engine::types::{Field, TableSettings};

    fn schema() -> Schema {
        let field = |n: &str| Field {
            name: n.into(),
            indexed: true,
            stored: true,
        };
        Schema {
            fields: vec![field("title"), field("body")],
            attrs: vec![],
        }
    }

    fn run(q: &str) -> Result<Option<Node>, EngineError> {
        let tok = Tokenizer::new(&TableSettings::default()).unwrap();
        parse(q, &tok, &schema())
    }

    fn err(q: &str) -> String {
        run(q).unwrap_err().0
    }

    fn words(node: &Node) -> Vec<String> {
        let mut out = Vec::new();
        node.clone()
            .for_each_keyword_mut(&mut |k: &mut Keyword| out.push(k.word.clone()));
        out
    }

    #[test]
    fn precedence_and_operators() {
        let n = run("Hello world | bar -baz").unwrap().unwrap();
        match &n {
            Node::And(items) => {
                assert_eq!(items.len(), 3);
                assert!(matches!(items[1], Node::Or(_)));
                assert!(matches!(items[2], Node::Not(_)));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(words(&n), vec!["hello", "world", "bar", "baz"]);
        assert!(matches!(run("a NEAR/3 b").unwrap(), Some(Node::Near(_, 3))));
        assert!(matches!(
            run("a NOTNEAR/2 b").unwrap(),
            Some(Node::NotNear(_, _, 2))
        ));
        assert!(matches!(run("a MAYBE b").unwrap(), Some(Node::Maybe(_, _))));
        assert_eq!(run("").unwrap(), None);
        assert_eq!(
            words(&run("well-known").unwrap().unwrap()),
            vec!["well", "known"]
        );
    }

    #[test]
    fn phrases_and_modifiers() {
        match run("a << (b | c) << d").unwrap() {
            Some(Node::Before(items)) => {
                assert!(matches!(items[1], Node::Or(_)) && items.len() == 3)
            }
            other => panic!("unexpected {other:?}"),
        }
        match run("\"a * * b\"").unwrap() {
            Some(Node::Phrase(w, PhraseKind::Exact)) => {
                assert_eq!((w.len(), w[0].offset, w[1].offset), (2, 0, 3))
            }
            other => panic!("unexpected {other:?}"),
        }
        match run("\"a b\"~5").unwrap() {
            Some(Node::Phrase(w, PhraseKind::Proximity(5))) => assert_eq!(w[1].offset, 1),
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            run("\"a b c\"/2").unwrap(),
            Some(Node::Phrase(_, PhraseKind::Quorum(q))) if q == 2.0
        ));
        match run("=^Run* end$").unwrap() {
            Some(Node::And(items)) => {
                let Node::Term(k) = &items[0] else { panic!() };
                assert!(k.exact && k.start && k.wildcard == Wildcard::Prefix);
                assert_eq!(k.word, "run");
                let Node::Term(k) = &items[1] else { panic!() };
                assert!(k.end);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn field_limits() {
        let Some(Node::And(items)) = run("@title a b @!title c @* d").unwrap() else {
            panic!()
        };
        let masks: Vec<(bool, bool)> = items
            .iter()
            .map(|n| match n {
                Node::Term(k) => (k.fields.has(0), k.fields.has(1)),
                _ => panic!(),
            })
            .collect();
        assert_eq!(
            masks,
            vec![(true, false), (true, false), (false, true), (true, true)]
        );
        let Some(Node::Term(k)) = run("@(title,body) x").unwrap() else {
            panic!()
        };
        assert!(k.fields.has(0) && k.fields.has(1));
        assert_eq!(err("@nope x"), "no field 'nope' found in schema");
        match run("@@relaxed @(nope, title) x").unwrap() {
            Some(Node::Term(k)) => assert!(k.fields.has(0) && !k.fields.has(1)),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(run("@@relaxed").unwrap(), None);
        let Some(Node::Term(k)) = run("@body[3] x").unwrap() else {
            panic!()
        };
        assert!(!k.fields.has(0) && k.fields.has(1) && k.max_pos == 3);
    }

    #[test]
    fn syntax_errors_in_upstream_wording() {
        assert_eq!(err("a )"), "P08: syntax error, unexpected ')' near ')'");
        assert_eq!(
            err("\"unclosed"),
            "P08: syntax error, unexpected $end near ''"
        );
        assert_eq!(err("(a b"), "P08: syntax error, unexpected $end near ''");
        assert_eq!(
            err("a | | b"),
            "P08: syntax error, unexpected '|' near '| b'"
        );
        assert_eq!(err("()"), "P08: syntax error, unexpected ')' near ')'");
        assert_eq!(err("a /2"), "P08: syntax error, unexpected '/' near '/2'");
    }

    #[test]
    fn hostile_input_is_an_error_not_a_crash() {
        let deep = "(".repeat(10_000);
        assert!(run(&deep).is_err());
        let fields = format!("a | {}b", "@title ".repeat(10_000));
        assert!(run(&fields).is_ok());
        for q in [
            "\\", "\"", "@", "@(", "@!", "~1", "/1", "=", "^$", "*", "a NEAR/", "NEAR/3 a",
        ] {
            let _ = run(q);
        }
    }

    #[test]
    fn escaping() {
        let n = run("\\(a\\) \\|b").unwrap().unwrap();
        assert_eq!(words(&n), vec!["a", "b"]);
    }
}

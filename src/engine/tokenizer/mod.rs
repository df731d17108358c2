//! Text processing: HTML stripping, splitting into words by the charset table,
//! `min_word_len`, stopwords and morphology. Used the same way at indexing and at
//! query time so both sides agree on what a term is.

mod charset;
mod charset_default;
mod html;
mod morph;

pub use charset::CharsetTable;
pub use html::{entity, strip_html};
pub use morph::Morphology;

use super::types::{EngineError, TableSettings};
use std::borrow::Cow;
use std::collections::HashSet;

/// Prefix of the indexed original word forms (`=exact` search with morphology).
pub const EXACT_MARK: char = '\u{2}';

/// What a field looks like after indexing: for BM25 and the `end$` anchor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldStats {
    /// Number of indexed words.
    pub len: u32,
    /// Position of the last indexed word (0 when none).
    pub end: u32,
}

/// The tokenizer of one table.
#[derive(Debug)]
pub struct Tokenizer {
    charset: CharsetTable,
    morph: Morphology,
    min_word_len: usize,
    stopwords: HashSet<String>,
    html_strip: bool,
}

impl Tokenizer {
    /// Builds the tokenizer a table's settings describe.
    pub fn new(settings: &TableSettings) -> Result<Tokenizer, EngineError> {
        let charset = match &settings.charset_table {
            Some(spec) => CharsetTable::parse(spec).map_err(EngineError)?,
            None => CharsetTable::default_table(),
        };
        let morph = Morphology::parse(&settings.morphology).map_err(EngineError)?;
        let mut tok = Tokenizer {
            charset,
            morph,
            min_word_len: settings.min_word_len.max(1),
            stopwords: HashSet::new(),
            html_strip: settings.html_strip,
        };
        let mut stop = HashSet::new();
        for sw in &settings.stopwords {
            tok.split(sw, |w, _| {
                stop.insert(tok.morph.stem(w));
            });
        }
        tok.stopwords = stop;
        Ok(tok)
    }

    /// The folded form of a character, `None` when it separates words.
    #[inline]
    pub fn fold(&self, c: char) -> Option<char> {
        self.charset.fold(c)
    }

    /// True when a morphology is configured (exact forms are indexed then).
    pub fn has_morphology(&self) -> bool {
        !self.morph.is_none()
    }

    /// Calls `f(word, position)` for each folded word of `text`, positions from 1.
    pub fn split(&self, text: &str, mut f: impl FnMut(&str, u32)) {
        let mut word = String::new();
        let mut pos = 0u32;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // ASCII bytes are characters of their own; others are decoded.
            let c = match bytes[i] {
                b if b < 0x80 => char::from(b),
                _ => text[i..]
                    .chars()
                    .next()
                    .unwrap_or(char::REPLACEMENT_CHARACTER),
            };
            i += c.len_utf8();
            match self.charset.fold(c) {
                Some(folded) => word.push(folded),
                None if !word.is_empty() => {
                    pos += 1;
                    f(&word, pos);
                    word.clear();
                }
                None => {}
            }
        }
        if !word.is_empty() {
            f(&word, pos + 1);
        }
    }

    /// The term a (folded) word is indexed and searched as; `None` for stopwords
    /// and words shorter than `min_word_len`.
    pub fn normalize(&self, word: &str) -> Option<String> {
        self.term(word).map(Cow::into_owned)
    }

    /// [`Tokenizer::normalize`], borrowing the word when it is its own term.
    fn term<'w>(&self, word: &'w str) -> Option<Cow<'w, str>> {
        if self.too_short(word) {
            return None;
        }
        let stem = self.morph.stem_cow(word);
        if !self.stopwords.is_empty() && self.stopwords.contains(stem.as_ref()) {
            return None;
        }
        Some(stem)
    }

    /// Whether a word has fewer characters than `min_word_len` (a character is
    /// one to four bytes, so most words need no counting).
    fn too_short(&self, word: &str) -> bool {
        let min = self.min_word_len;
        if word.len() < min {
            return true;
        }
        word.len() < 4 * min && word.chars().count() < min
    }

    /// The term of an exact (`=word`) search for a folded word.
    pub fn exact_term(&self, word: &str) -> String {
        if self.has_morphology() {
            format!("{EXACT_MARK}{word}")
        } else {
            word.to_string()
        }
    }

    /// Indexes one field: `f(term, position)` for each term (the normalized word,
    /// and with morphology also its exact form).
    pub fn index_field(&self, text: &str, mut f: impl FnMut(&str, u32)) -> FieldStats {
        let stripped;
        let text = if self.html_strip {
            stripped = strip_html(text);
            stripped.as_str()
        } else {
            text
        };
        let mut stats = FieldStats::default();
        let exact = self.has_morphology();
        let mut exact_buf = String::new();
        self.split(text, |word, pos| {
            let Some(term) = self.term(word) else {
                return;
            };
            f(&term, pos);
            if exact {
                exact_buf.clear();
                exact_buf.push(EXACT_MARK);
                exact_buf.push_str(word);
                f(&exact_buf, pos);
            }
            stats.len += 1;
            stats.end = pos;
        });
        stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(tok: &Tokenizer, text: &str) -> Vec<(String, u32)> {
        let mut out = Vec::new();
        tok.index_field(text, |t, p| out.push((t.replace(EXACT_MARK, "="), p)));
        out
    }

    #[test]
    fn splits_and_folds_with_positions() {
        let tok = Tokenizer::new(&TableSettings::default()).unwrap();
        assert_eq!(
            terms(&tok, "Hello, WORLD-wide Привет"),
            vec![
                ("hello".into(), 1),
                ("world".into(), 2),
                ("wide".into(), 3),
                ("привет".into(), 4)
            ]
        );
    }

    #[test]
    fn stopwords_and_min_word_len_keep_positions() {
        let settings = TableSettings {
            min_word_len: 3,
            stopwords: vec!["The".into()],
            ..TableSettings::default()
        };
        let tok = Tokenizer::new(&settings).unwrap();
        let stats = tok.index_field("the cat is on the mat", |_, _| {});
        assert_eq!(stats, FieldStats { len: 2, end: 6 });
        assert_eq!(
            terms(&tok, "the cat is on the mat"),
            vec![("cat".into(), 2), ("mat".into(), 6)]
        );
    }

    #[test]
    fn morphology_indexes_exact_forms() {
        let settings = TableSettings {
            morphology: "stem_en".into(),
            ..TableSettings::default()
        };
        let tok = Tokenizer::new(&settings).unwrap();
        assert_eq!(
            terms(&tok, "Running"),
            vec![("run".into(), 1), ("=running".into(), 1)]
        );
    }

    #[test]
    fn html_strip_and_custom_charset() {
        let settings = TableSettings {
            html_strip: true,
            charset_table: Some("a..z, A..Z->a..z, -".into()),
            ..TableSettings::default()
        };
        let tok = Tokenizer::new(&settings).unwrap();
        assert_eq!(
            terms(&tok, "<p>Well-Known</p> x2"),
            vec![("well-known".into(), 1), ("x".into(), 2)]
        );
        let bad = TableSettings {
            morphology: "stem_zz".into(),
            ..TableSettings::default()
        };
        assert_eq!(
            Tokenizer::new(&bad).unwrap_err().0,
            "unknown morphology option 'stem_zz'"
        );
    }
}

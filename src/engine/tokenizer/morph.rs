//! `morphology`: stemmers from the Snowball family (`rust-stemmers`).
//!
//! Supported values (comma-separated, as upstream): `none`, `stem_en`, `stem_ru`,
//! `stem_enru`, and `libstemmer_<lang>` for the Snowball languages (`de`, `fr`,
//! `es`, `it`, `pt`, `nl`, `sv`, `no`, `da`, `fi`, `hu`, `ro`, `tr`, `ar`, `el`,
//! `ta`, also spelled out: `libstemmer_german`). `stem_en` and `stem_ru` only touch
//! words in their script (Latin letters, Cyrillic letters), so `stem_enru` stems a
//! mixed text correctly.

use rust_stemmers::{Algorithm, Stemmer};
use std::borrow::Cow;

/// Which words a stemmer applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Any,
}

/// A chain of stemmers; the first whose script fits a word stems it.
pub struct Morphology {
    stemmers: Vec<(Script, Stemmer)>,
}

impl std::fmt::Debug for Morphology {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Morphology")
            .field("stemmers", &self.stemmers.len())
            .finish()
    }
}

impl Morphology {
    /// Parses the `morphology` option.
    pub fn parse(spec: &str) -> Result<Morphology, String> {
        let mut stemmers = Vec::new();
        for name in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let lower = name.to_ascii_lowercase();
            match lower.as_str() {
                "none" => {}
                "stem_en" => stemmers.push((Script::Latin, Stemmer::create(Algorithm::English))),
                "stem_ru" => stemmers.push((Script::Cyrillic, Stemmer::create(Algorithm::Russian))),
                "stem_enru" => {
                    stemmers.push((Script::Latin, Stemmer::create(Algorithm::English)));
                    stemmers.push((Script::Cyrillic, Stemmer::create(Algorithm::Russian)));
                }
                other => {
                    let algo = other
                        .strip_prefix("libstemmer_")
                        .and_then(snowball_language)
                        .ok_or_else(|| format!("unknown morphology option '{name}'"))?;
                    stemmers.push((Script::Any, Stemmer::create(algo)));
                }
            }
        }
        Ok(Morphology { stemmers })
    }

    /// True when no stemmer is configured.
    pub fn is_none(&self) -> bool {
        self.stemmers.is_empty()
    }

    /// The stem of a (case-folded) word.
    pub fn stem(&self, word: &str) -> String {
        self.stem_cow(word).into_owned()
    }

    /// The stem of a (case-folded) word, borrowed when it is the word itself.
    pub fn stem_cow<'w>(&self, word: &'w str) -> Cow<'w, str> {
        for (script, stemmer) in &self.stemmers {
            if fits(*script, word) {
                return stemmer.stem(word);
            }
        }
        Cow::Borrowed(word)
    }
}

fn fits(script: Script, word: &str) -> bool {
    match script {
        Script::Any => true,
        Script::Latin => word.chars().all(|c| c.is_ascii_lowercase()),
        Script::Cyrillic => word
            .chars()
            .all(|c| ('\u{430}'..='\u{44F}').contains(&c) || c == '\u{451}'),
    }
}

fn snowball_language(lang: &str) -> Option<Algorithm> {
    Some(match lang {
        "ar" | "arabic" => Algorithm::Arabic,
        "da" | "danish" => Algorithm::Danish,
        "nl" | "dutch" => Algorithm::Dutch,
        "en" | "english" => Algorithm::English,
        "fi" | "finnish" => Algorithm::Finnish,
        "fr" | "french" => Algorithm::French,
        "de" | "german" => Algorithm::German,
        "el" | "greek" => Algorithm::Greek,
        "hu" | "hungarian" => Algorithm::Hungarian,
        "it" | "italian" => Algorithm::Italian,
        "no" | "norwegian" => Algorithm::Norwegian,
        "pt" | "portuguese" => Algorithm::Portuguese,
        "ro" | "romanian" => Algorithm::Romanian,
        "ru" | "russian" => Algorithm::Russian,
        "es" | "spanish" => Algorithm::Spanish,
        "sv" | "swedish" => Algorithm::Swedish,
        "ta" | "tamil" => Algorithm::Tamil,
        "tr" | "turkish" => Algorithm::Turkish,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_english_and_russian_by_script() {
        let m = Morphology::parse("stem_enru").unwrap();
        assert_eq!(m.stem("running"), "run");
        assert_eq!(m.stem("cats"), "cat");
        assert_eq!(m.stem("собаки"), "собак");
        assert_eq!(m.stem("mp3s"), "mp3s");
        let en = Morphology::parse("stem_en").unwrap();
        assert_eq!(en.stem("собаки"), "собаки");
    }

    #[test]
    fn none_and_errors() {
        let m = Morphology::parse("none").unwrap();
        assert!(m.is_none());
        assert_eq!(m.stem("running"), "running");
        assert_eq!(
            Morphology::parse("stem_xx").unwrap_err(),
            "unknown morphology option 'stem_xx'"
        );
        assert!(!Morphology::parse("libstemmer_de").unwrap().is_none());
    }
}

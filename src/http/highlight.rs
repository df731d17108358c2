//! `highlight` for full-text matches: the query's words marked in the hit's text
//! fields (pure).

use serde_json::Value as Json;

use super::errors::ApiError;

/// Default fragment limit in characters, as upstream.
const DEFAULT_LIMIT: usize = 256;

/// The `highlight` options of a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    /// Fields to highlight; empty means every text field.
    pub fields: Vec<String>,
    pub pre: String,
    pub post: String,
    /// Longest fragment in characters (0: no limit).
    pub limit: usize,
}

impl Highlight {
    /// Parses `{"fields": [..] | {..}, "pre_tags": .., "post_tags": .., "limit": N}`
    /// (`before_match`/`after_match` are accepted for the tags too).
    pub fn parse(v: &Json) -> Result<Highlight, ApiError> {
        let Some(o) = v.as_object() else {
            return Err(ApiError::illegal("'highlight' must be an object"));
        };
        let fields = match o.get("fields") {
            None => Vec::new(),
            Some(Json::Array(a)) => a
                .iter()
                .map(|f| {
                    f.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| ApiError::illegal("highlight field names must be strings"))
                })
                .collect::<Result<_, _>>()?,
            Some(Json::Object(m)) => m.keys().cloned().collect(),
            Some(Json::String(s)) => s.split(',').map(|f| f.trim().to_string()).collect(),
            Some(other) => {
                return Err(ApiError::illegal(format!(
                    "invalid highlight fields {other}"
                )))
            }
        };
        let tag = |key: &str, default: &str| -> Result<String, ApiError> {
            match o.get(key) {
                None => Ok(default.to_string()),
                Some(Json::String(s)) => Ok(s.clone()),
                Some(Json::Array(a)) => Ok(a
                    .first()
                    .and_then(Json::as_str)
                    .unwrap_or(default)
                    .to_string()),
                Some(other) => Err(ApiError::illegal(format!("invalid {key} {other}"))),
            }
        };
        let limit = match o.get("limit") {
            None => DEFAULT_LIMIT,
            Some(v) => v
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| {
                    ApiError::illegal("highlight 'limit' must be a non-negative integer")
                })?,
        };
        Ok(Highlight {
            fields,
            pre: tag("pre_tags", &tag("before_match", "<b>")?)?,
            post: tag("post_tags", &tag("after_match", "</b>")?)?,
            limit,
        })
    }

    /// The fragments of `text` with every word in `words` marked (case-insensitive);
    /// empty when nothing matches.
    pub fn fragments(&self, text: &str, words: &[String]) -> Vec<String> {
        let wanted: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let tokens = tokenize(text);
        let hits: Vec<usize> = tokens
            .iter()
            .enumerate()
            .filter(|(_, (s, e))| matches_any(&text[*s..*e], &wanted))
            .map(|(i, _)| i)
            .collect();
        if hits.is_empty() {
            return Vec::new();
        }
        let (from, to) = self.window(text, &tokens, &hits);
        let mut out = String::new();
        if from > 0 {
            out.push_str("... ");
        }
        let mut at = from;
        for &i in &hits {
            let (s, e) = tokens[i];
            if s < from || e > to {
                continue;
            }
            out.push_str(&text[at..s]);
            out.push_str(&self.pre);
            out.push_str(&text[s..e]);
            out.push_str(&self.post);
            at = e;
        }
        out.push_str(&text[at..to]);
        if to < text.len() {
            out.push_str(" ...");
        }
        vec![out]
    }

    /// The byte range shown: the whole text when it fits the limit, else a window
    /// starting a little before the first match.
    fn window(&self, text: &str, tokens: &[(usize, usize)], hits: &[usize]) -> (usize, usize) {
        if self.limit == 0 || text.chars().count() <= self.limit {
            return (0, text.len());
        }
        let first = hits[0];
        let start_tok = first.saturating_sub(3);
        let from = tokens[start_tok].0;
        let mut to = from;
        for &(_, e) in &tokens[start_tok..] {
            if text[from..e].chars().count() > self.limit {
                break;
            }
            to = e;
        }
        (from, to.max(tokens[first].1))
    }
}

fn matches_any(word: &str, wanted: &[String]) -> bool {
    let w = word.to_lowercase();
    wanted.iter().any(|q| match q.strip_suffix('*') {
        Some(prefix) => !prefix.is_empty() && w.starts_with(prefix),
        None => *q == w,
    })
}

/// Byte ranges of the words (letters and digits) of `text`.
fn tokenize(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn marks_words() {
        let h = Highlight::parse(&json!({})).unwrap();
        assert_eq!(
            h.fragments("Crossbody Bag with tassel", &words(&["bag"])),
            vec!["Crossbody <b>Bag</b> with tassel"]
        );
        assert!(h.fragments("nothing here", &words(&["bag"])).is_empty());
        let h = Highlight::parse(&json!({"pre_tags": "[", "post_tags": "]", "fields": ["title"]}))
            .unwrap();
        assert_eq!(h.fields, vec!["title"]);
        let h2 = Highlight::parse(&json!({"before_match": "<i>", "after_match": "</i>"})).unwrap();
        assert_eq!((h2.pre.as_str(), h2.post.as_str()), ("<i>", "</i>"));
        assert_eq!(h.fragments("a b a", &words(&["A", "x"])), vec!["[a] b [a]"]);
    }

    #[test]
    fn limits_long_text() {
        let h = Highlight::parse(&json!({"limit": 20})).unwrap();
        let text = "one two three four five six seven eight nine ten eleven";
        let f = h.fragments(text, &words(&["eight"]));
        assert_eq!(f, vec!["... five six seven <b>eight</b> ..."]);
    }

    #[test]
    fn refuses_bad_options() {
        assert!(Highlight::parse(&json!([])).is_err());
        assert!(Highlight::parse(&json!({"fields": 3})).is_err());
        assert!(Highlight::parse(&json!({"limit": -1})).is_err());
    }
}

//! What `SHOW META` shows: a search leaves its totals, time and keyword stats as
//! numbers; they become name/value pairs only when something asks for them.

use std::borrow::Cow;

use crate::engine::KeywordStat;

/// The last search's `SHOW META` data.
#[derive(Debug, Clone, PartialEq)]
pub enum Meta {
    /// Pairs as given (also the empty meta of a session that has not searched).
    Pairs(Vec<(String, String)>),
    /// A search's numbers.
    Search(SearchMeta),
}

/// The numbers a search reports.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchMeta {
    /// Rows returned (`total`).
    pub returned: usize,
    /// Rows matched (`total_found`).
    pub found: usize,
    /// Seconds the search took (`time`, printed with 3 decimals).
    pub seconds: f64,
    /// Per-keyword statistics, in the engine's order.
    pub keywords: Vec<KeywordStat>,
}

impl Default for Meta {
    fn default() -> Self {
        Meta::Pairs(Vec::new())
    }
}

impl From<Vec<(String, String)>> for Meta {
    fn from(pairs: Vec<(String, String)>) -> Self {
        Meta::Pairs(pairs)
    }
}

impl Meta {
    /// The pairs `SHOW META` lists: `total`, `total_found`, `total_relation`,
    /// `time`, then `keyword[i]`, `docs[i]`, `hits[i]` by keyword.
    pub fn pairs(&self) -> Cow<'_, [(String, String)]> {
        let s = match self {
            Meta::Pairs(p) => return Cow::Borrowed(p),
            Meta::Search(s) => s,
        };
        let mut out = vec![
            ("total".to_string(), s.returned.to_string()),
            ("total_found".to_string(), s.found.to_string()),
            ("total_relation".to_string(), "eq".to_string()),
            ("time".to_string(), format!("{:.3}", s.seconds)),
        ];
        let mut sorted: Vec<&KeywordStat> = s.keywords.iter().collect();
        sorted.sort_by(|a, b| a.keyword.cmp(&b.keyword));
        for (i, k) in sorted.into_iter().enumerate() {
            out.push((format!("keyword[{i}]"), k.keyword.clone()));
            out.push((format!("docs[{i}]"), k.docs.to_string()));
            out.push((format!("hits[{i}]"), k.hits.to_string()));
        }
        Cow::Owned(out)
    }

    /// `total_found` as a number, if present and numeric.
    pub fn total_found(&self) -> Option<u64> {
        match self {
            Meta::Search(s) => u64::try_from(s.found).ok(),
            Meta::Pairs(p) => first(p, "total_found").and_then(|v| v.parse().ok()),
        }
    }

    /// `total_relation`, if present.
    pub fn total_relation(&self) -> Option<&str> {
        match self {
            Meta::Search(_) => Some("eq"),
            Meta::Pairs(p) => first(p, "total_relation"),
        }
    }
}

/// The first value named `name`.
fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(keyword: &str, docs: u64, hits: u64) -> KeywordStat {
        KeywordStat {
            keyword: keyword.into(),
            docs,
            hits,
        }
    }

    #[test]
    fn a_search_lists_totals_time_and_keywords_sorted() {
        let m = Meta::Search(SearchMeta {
            returned: 2,
            found: 7,
            seconds: 0.0126,
            keywords: vec![stat("red", 3, 4), stat("bag", 5, 6)],
        });
        let want: Vec<(String, String)> = [
            ("total", "2"),
            ("total_found", "7"),
            ("total_relation", "eq"),
            ("time", "0.013"),
            ("keyword[0]", "bag"),
            ("docs[0]", "5"),
            ("hits[0]", "6"),
            ("keyword[1]", "red"),
            ("docs[1]", "3"),
            ("hits[1]", "4"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(m.pairs().into_owned(), want);
        assert_eq!(m.total_found(), Some(7));
        assert_eq!(m.total_relation(), Some("eq"));
        let given = Meta::from(want);
        assert_eq!(given.total_found(), Some(7));
        assert_eq!(given.pairs(), m.pairs());
        assert_eq!(Meta::default().total_found(), None);
        assert!(Meta::default().pairs().is_empty());
    }
}

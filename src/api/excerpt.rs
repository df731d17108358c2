//! EXCERPT: highlighting query words in documents (pure).

use super::codec::{check_version, put_string, reply, Reader, Status};
use super::commands::split_words;
use super::search_sql::quote;
use crate::service::Outcome;

/// The EXCERPT version this daemon speaks.
pub const VERSION: u16 = 0x104;
/// The most documents one request may carry.
const MAX_DOCS: usize = 1024;

/// Highlighting options of one request.
#[derive(Debug, Clone, PartialEq)]
pub struct ExcerptOptions {
    pub flags: u32,
    pub index: String,
    pub words: String,
    pub before: String,
    pub after: String,
    pub separator: String,
    pub limit: usize,
    pub around: usize,
    /// The first `%PASSAGE_ID%` number (v1.2+; 1 before).
    pub start_passage_id: u32,
    /// `html_strip_mode` (v1.2+): `strip` removes markup before highlighting.
    pub html_strip: String,
}

/// Flag bits of the request.
mod flag {
    /// Give an empty string, not the document's start, when nothing matches.
    pub const ALLOW_EMPTY: u32 = 256;
}

/// The macro in `before_match`/`after_match` numbered per highlighted word.
const PASSAGE_ID: &str = "%PASSAGE_ID%";

/// Parses an EXCERPT body: the options and the documents.
pub fn parse_excerpt(ver: u16, body: &[u8]) -> Result<(ExcerptOptions, Vec<String>), String> {
    let mut r = Reader::new(body);
    let _mode = r.u32()?;
    let mut o = ExcerptOptions {
        flags: r.u32()?,
        index: r.string()?,
        words: r.string()?,
        before: r.string()?,
        after: r.string()?,
        separator: r.string()?,
        limit: r.u32()? as usize,
        around: r.u32()? as usize,
        start_passage_id: 1,
        html_strip: String::new(),
    };
    if ver >= 0x102 {
        let _limit_passages = r.u32()?;
        let _limit_words = r.u32()?;
        o.start_passage_id = r.u32()?;
        o.html_strip = r.string()?;
    }
    if ver >= 0x103 {
        r.string()?;
    }
    if o.flags & 2 != 0 {
        return Err("exact_phrase is deprecated".into());
    }
    let n = r.count(4)?;
    if n == 0 || n > MAX_DOCS {
        return Err(format!("invalid document count {n}"));
    }
    let docs = (0..n).map(|_| r.string()).collect::<Result<_, _>>()?;
    o.index = o.index.trim().to_string();
    Ok((o, docs))
}

/// A token of a document: its byte span and whether it is a query word.
struct Token {
    start: usize,
    end: usize,
    hit: bool,
}

fn tokens(doc: &str, is_hit: &dyn Fn(&str) -> bool) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in doc.char_indices().chain(std::iter::once((doc.len(), ' '))) {
        let word_char = c.is_alphanumeric() || c == '_';
        match (word_char, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let hit = is_hit(&doc[s..i].to_lowercase());
                out.push(Token {
                    start: s,
                    end: i,
                    hit,
                });
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Wraps the query words of `text[from..to]` in the markers.
/// `next_id` numbers the `%PASSAGE_ID%` macros, one per highlighted word.
fn highlight(
    doc: &str,
    toks: &[Token],
    (from, to): (usize, usize),
    o: &ExcerptOptions,
    next_id: &mut u32,
) -> String {
    let mut out = String::new();
    let mut pos = from;
    for t in toks
        .iter()
        .filter(|t| t.hit && t.start >= from && t.end <= to)
    {
        let id = next_id.to_string();
        *next_id = next_id.wrapping_add(1);
        out.push_str(&doc[pos..t.start]);
        out.push_str(&o.before.replace(PASSAGE_ID, &id));
        out.push_str(&doc[t.start..t.end]);
        out.push_str(&o.after.replace(PASSAGE_ID, &id));
        pos = t.end;
    }
    out.push_str(&doc[pos..to]);
    out
}

/// The excerpt of one document, the query words compared as written (lower-cased).
pub fn excerpt(doc: &str, o: &ExcerptOptions) -> String {
    let words = split_words(&o.words);
    excerpt_with(doc, o, &|t| words.iter().any(|w| w == t))
}

/// The excerpt of one document; `is_hit` tells whether a lower-cased token matches.
pub fn excerpt_with(doc: &str, o: &ExcerptOptions, is_hit: &dyn Fn(&str) -> bool) -> String {
    let toks = tokens(doc, is_hit);
    if o.flags & flag::ALLOW_EMPTY != 0 && !toks.iter().any(|t| t.hit) {
        return String::new();
    }
    let mut next_id = o.start_passage_id;
    if o.limit == 0 || doc.chars().count() <= o.limit {
        return highlight(doc, &toks, (0, doc.len()), o, &mut next_id);
    }
    let windows = passages(doc, &toks, o);
    if windows.is_empty() {
        return head(doc, &toks, o);
    }
    let mut out = String::new();
    let (mut used, mut last) = (0, 0);
    for (lo, hi) in windows {
        let (Some(a), Some(b)) = (toks.get(lo), toks.get(hi)) else {
            continue;
        };
        let len = doc[a.start..b.end].chars().count();
        if used > 0 && used + len > o.limit {
            break;
        }
        if lo > 0 || used > 0 {
            out.push_str(&o.separator);
        }
        out.push_str(&highlight(doc, &toks, (a.start, b.end), o, &mut next_id));
        (used, last) = (used + len, hi);
    }
    if last + 1 < toks.len() {
        out.push_str(&o.separator);
    }
    out.trim().to_string()
}

/// Token ranges to show: `around` tokens on each side of every query word, narrowed
/// to fit the limit; neighbours merge while the merged passage still fits.
fn passages(doc: &str, toks: &[Token], o: &ExcerptOptions) -> Vec<(usize, usize)> {
    let chars = |lo: usize, hi: usize| doc[toks[lo].start..toks[hi].end].chars().count();
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for (i, _) in toks.iter().enumerate().filter(|(_, t)| t.hit) {
        let (mut lo, mut hi) = (
            i.saturating_sub(o.around),
            (i + o.around).min(toks.len() - 1),
        );
        while chars(lo, hi) > o.limit && (lo < i || hi > i) {
            if lo < i && i - lo >= hi - i {
                lo += 1;
            } else {
                hi -= 1;
            }
        }
        match windows.last_mut() {
            Some(w) if i <= w.1 => {}
            Some(w) if lo <= w.1 + 1 && chars(w.0, hi) <= o.limit => w.1 = hi,
            Some(w) => {
                let start = lo.max(w.1 + 1);
                windows.push((start, hi));
            }
            None => windows.push((lo, hi)),
        }
    }
    windows
}

/// The excerpt of a long document without query words, as Sphinx cuts it: the
/// document's start while it fits in the limit (whole words, separator characters
/// one by one), then the chunk separator.
fn head(doc: &str, toks: &[Token], o: &ExcerptOptions) -> String {
    let (mut end, mut used) = (0, 0);
    let spans = toks.iter().map(|t| (t.start, t.end));
    'words: for (start, stop) in spans.chain(std::iter::once((doc.len(), doc.len()))) {
        for c in doc[end..start].chars() {
            if used >= o.limit {
                break 'words;
            }
            used += 1;
            end += c.len_utf8();
        }
        let len = doc[start..stop].chars().count();
        if used + len > o.limit {
            break;
        }
        used += len;
        end = stop;
    }
    format!("{}{}", &doc[..end], o.separator)
}

/// Serves EXCERPT: one string per document. The table must exist.
pub fn serve_excerpt(
    run: &mut super::Runner<'_>,
    ver: u16,
    body: &[u8],
) -> Result<Vec<u8>, String> {
    check_version(ver, VERSION)?;
    let (o, docs) = parse_excerpt(ver, body)?;
    let Some(query) = normalized(run, &o.words, &o.index) else {
        return Err(format!(
            "unknown local table '{}' in search request",
            o.index
        ));
    };
    let wanted: Vec<&str> = query.iter().map(|(_, n)| n.as_str()).collect();
    let mut out = Vec::new();
    for d in &docs {
        let stripped;
        let d = if o.html_strip == "strip" {
            stripped = strip_html(d);
            &stripped
        } else {
            d
        };
        let forms = normalized(run, d, &o.index).unwrap_or_default();
        let is_hit = |t: &str| {
            let norm = forms
                .iter()
                .find(|(tok, _)| tok == t)
                .map(|(_, n)| n.as_str());
            wanted.contains(&norm.unwrap_or(t)) || wanted.contains(&t)
        };
        put_string(&mut out, &excerpt_with(d, &o, &is_hit));
    }
    Ok(reply(Status::Ok, VERSION, &out))
}

/// The text of an HTML document: tags and comments removed, entities decoded.
pub fn strip_html(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    let mut rest = doc;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(body) = rest.strip_prefix("<!--") {
            rest = body.find("-->").map_or("", |e| &body[e + 3..]);
        } else if rest.starts_with('<') {
            let tag_like =
                rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
            match rest.find('>') {
                Some(e) if tag_like => rest = &rest[e + 1..],
                _ => {
                    out.push('<');
                    rest = &rest[1..];
                }
            }
        } else {
            let (ch, used) = crate::engine::html_entity(rest);
            out.push(ch);
            rest = &rest[used..];
        }
    }
    out.push_str(rest);
    out
}

/// (tokenized, normalized) pairs of `text` as `table` sees them (None: no table).
fn normalized(
    run: &mut super::Runner<'_>,
    text: &str,
    table: &str,
) -> Option<Vec<(String, String)>> {
    let sql = format!("CALL KEYWORDS({}, {})", quote(text), quote(table));
    match run.query(&sql).into_iter().next() {
        Some(Ok(Outcome::Rows { columns, rows })) => {
            let col = |n: &str| columns.iter().position(|c| c.name == n);
            let (t, n) = (col("tokenized"), col("normalized"));
            let cell = |r: &Vec<crate::service::Value>, i: Option<usize>| {
                i.and_then(|i| r.get(i))
                    .and_then(|v| v.to_text())
                    .unwrap_or_default()
            };
            Some(rows.iter().map(|r| (cell(r, t), cell(r, n))).collect())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(words: &str, limit: usize) -> ExcerptOptions {
        ExcerptOptions {
            flags: 1,
            index: "t".into(),
            words: words.into(),
            before: "<b>".into(),
            after: "</b>".into(),
            separator: " ... ".into(),
            limit,
            around: 2,
            start_passage_id: 1,
            html_strip: String::new(),
        }
    }

    fn request(ver: u16, flags: u32) -> Vec<u8> {
        use crate::api::codec::put_u32;
        let mut b = Vec::new();
        put_u32(&mut b, 0);
        put_u32(&mut b, flags);
        for s in ["t", "hi", "<b>", "</b>", " ... "] {
            put_string(&mut b, s);
        }
        put_u32(&mut b, 100);
        put_u32(&mut b, 3);
        if ver >= 0x102 {
            (0..3).for_each(|_| put_u32(&mut b, 0));
            put_string(&mut b, "none");
        }
        if ver >= 0x103 {
            put_string(&mut b, "");
        }
        put_u32(&mut b, 1);
        put_string(&mut b, "doc");
        b
    }

    #[test]
    fn request_layouts_per_version() {
        for ver in [0x100u16, 0x102, 0x103, 0x104] {
            let (o, docs) = parse_excerpt(ver, &request(ver, 1)).unwrap();
            assert_eq!(
                (o.words.as_str(), o.limit, o.around),
                ("hi", 100, 3),
                "v{ver:x}"
            );
            assert_eq!(docs, ["doc"]);
        }
        let b = request(0x104, 1);
        assert!(parse_excerpt(0x104, &b[..b.len() - 1]).is_err());
        assert_eq!(
            parse_excerpt(0x104, &request(0x104, 2)).unwrap_err(),
            "exact_phrase is deprecated"
        );
    }

    #[test]
    fn short_documents_are_highlighted_whole() {
        let got = excerpt("Hello big world, hello!", &opts("hello", 256));
        assert_eq!(got, "<b>Hello</b> big world, <b>hello</b>!");
    }

    #[test]
    fn long_documents_become_passages() {
        let doc = "one two three four five six seven eight nine ten eleven twelve target end";
        let got = excerpt(doc, &opts("target", 30));
        assert_eq!(got, "... eleven twelve <b>target</b> end");
        let got = excerpt(&format!("{doc} {doc}"), &opts("three", 30));
        assert_eq!(got, "one two <b>three</b> four five ...");
    }

    #[test]
    fn long_documents_without_query_words_keep_their_start() {
        let doc = "lima foxtrot juliet india echo";
        let cut = |limit| excerpt(doc, &opts("nosuch", limit));
        assert_eq!(cut(5), "lima  ... ");
        assert_eq!(cut(11), "lima  ... ");
        assert_eq!(cut(12), "lima foxtrot ... ");
        assert_eq!(cut(13), "lima foxtrot  ... ");
        assert_eq!(cut(30), doc);
        assert_eq!(
            excerpt("Lima, foxtrot! juliet", &opts("x", 14)),
            "Lima, foxtrot! ... "
        );
    }

    #[test]
    fn allow_empty_and_passage_ids() {
        let mut o = opts("alpha", 256);
        o.flags |= flag::ALLOW_EMPTY;
        assert_eq!(excerpt("no match here", &o), "");
        o.before = "<%PASSAGE_ID%>".into();
        o.start_passage_id = 5;
        assert_eq!(
            excerpt("alpha, beta alpha", &o),
            "<5>alpha</b>, beta <6>alpha</b>"
        );
    }

    #[test]
    fn html_is_stripped_to_its_text() {
        assert_eq!(
            strip_html("Alpha &amp; <b>bravo</b><!-- x --> a<b &#x41;&#66; &bogus; &"),
            "Alpha & bravo a<b AB &bogus; &"
        );
    }

    #[test]
    fn passages_stay_within_the_limit() {
        let doc = "a hit b c d hit e f g h i j k l m n o p q r hit s t u v w x y z";
        let got = excerpt(doc, &opts("hit", 12));
        assert_eq!(got, "a <b>hit</b> b c ...");
        let got = excerpt(doc, &opts("hit", 20));
        assert_eq!(got, "a <b>hit</b> b c d <b>hit</b> e f ...");
        let mut o = opts("hit", 8);
        o.around = 5;
        assert_eq!(excerpt(doc, &o), "a <b>hit</b> b ...");
    }
}

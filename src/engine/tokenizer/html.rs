//! `html_strip`: removes markup, comments and the bodies of `script`/`style`
//! elements, and decodes character entities. Tags become spaces so words on either
//! side of a tag stay apart.

/// Returns the text content of an HTML fragment.
pub fn strip_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(idx) = rest.find(['<', '&']) {
        out.push_str(&rest[..idx]);
        rest = &rest[idx..];
        if rest.starts_with('&') {
            rest = decode_entity(rest, &mut out);
        } else if let Some(after) = skip_tag(rest) {
            rest = after;
            out.push(' ');
        } else {
            out.push('<');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Skips a tag (or comment, or script/style element) starting at `<`; `None`
/// when the `<` is text.
fn skip_tag(s: &str) -> Option<&str> {
    if let Some(body) = s.strip_prefix("<!--") {
        return Some(body.find("-->").map_or("", |end| &body[end + 3..]));
    }
    let next = s[1..].chars().next();
    if !matches!(next, Some(c) if c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?') {
        return None;
    }
    let Some(close) = s.find('>') else {
        return Some("");
    };
    let name: String = s[1..close]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let after = &s[close + 1..];
    if name == "script" || name == "style" {
        let end_tag = format!("</{name}");
        let lower = after.to_ascii_lowercase();
        return Some(match lower.find(&end_tag) {
            Some(pos) => {
                let tail = &after[pos..];
                tail.find('>').map_or("", |gt| &tail[gt + 1..])
            }
            None => "",
        });
    }
    Some(after)
}

/// Decodes one entity starting at `&`, appending it to `out`.
fn decode_entity<'a>(s: &'a str, out: &mut String) -> &'a str {
    let (ch, used) = entity(s);
    out.push(ch);
    &s[used..]
}

/// The character an entity starting at `&` in `s` stands for and the bytes it
/// takes (`('&', 1)` when it is not a known entity).
pub fn entity(s: &str) -> (char, usize) {
    let end = s[1..]
        .char_indices()
        .take(10)
        .find(|(_, c)| *c == ';')
        .map(|(i, _)| i + 1);
    let Some(end) = end else {
        return ('&', 1);
    };
    let name = &s[1..end];
    let decoded = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => numeric_entity(name),
    };
    decoded.map_or(('&', 1), |c| (c, end + 1))
}

fn numeric_entity(name: &str) -> Option<char> {
    let digits = name.strip_prefix('#')?;
    let code = match digits.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => digits.parse().ok()?,
    };
    char::from_u32(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_comments_and_scripts() {
        assert_eq!(strip_html("<b>bold</b>text"), " bold text");
        assert_eq!(strip_html("a<!-- hidden -->b"), "a b");
        assert_eq!(
            strip_html("x<script>var a = 1;</script>y<style>p{}</STYLE>z"),
            "x y z"
        );
        assert_eq!(strip_html("1 < 2"), "1 < 2");
    }

    #[test]
    fn decodes_entities() {
        assert_eq!(strip_html("fish &amp; chips"), "fish & chips");
        assert_eq!(strip_html("&#1078;&#x41;"), "жA");
        assert_eq!(strip_html("AT&T rocks"), "AT&T rocks");
    }
}

//! Scanning SQL text without parsing it: where the `?` placeholders are and how many
//! `;`-separated statements it holds, both outside quotes and comments.

/// What the scanner found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scan {
    /// Byte offsets of `?` placeholders.
    pub placeholders: Vec<usize>,
    /// Number of non-empty statements.
    pub statements: usize,
}

/// Scans `sql` once.
pub fn scan(sql: &str) -> Scan {
    let b = sql.as_bytes();
    let mut out = Scan::default();
    let mut i = 0;
    let mut has_content = false;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                has_content = true;
                i = skip_quoted(b, i, q);
            }
            b'-' if b.get(i + 1) == Some(&b'-') => i = skip_line(b, i),
            b'#' => i = skip_line(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => i = skip_block(b, i),
            b'?' => {
                has_content = true;
                out.placeholders.push(i);
                i += 1;
            }
            b';' => {
                out.statements += usize::from(has_content);
                has_content = false;
                i += 1;
            }
            c => {
                has_content |= !c.is_ascii_whitespace();
                i += 1;
            }
        }
    }
    out.statements += usize::from(has_content);
    out
}

/// Returns the index just past the closing quote (or the end).
fn skip_quoted(b: &[u8], start: usize, q: u8) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        // Jump over plain text to the next quote or backslash.
        match b[i..].iter().position(|&c| c == q || c == b'\\') {
            Some(off) => i += off,
            None => return b.len(),
        }
        if b[i] == b'\\' && q != b'`' {
            i += 2;
        } else if b[i] == q {
            return i + 1;
        } else {
            i += 1;
        }
    }
    b.len()
}

fn skip_line(b: &[u8], start: usize) -> usize {
    b[start..]
        .iter()
        .position(|c| *c == b'\n')
        .map_or(b.len(), |p| start + p + 1)
}

fn skip_block(b: &[u8], start: usize) -> usize {
    b[start + 2..]
        .windows(2)
        .position(|w| w == b"*/")
        .map_or(b.len(), |p| start + 2 + p + 2)
}

/// Replaces the placeholders at `positions` with `literals`, in order.
pub fn substitute(sql: &str, positions: &[usize], literals: &[String]) -> String {
    let mut out =
        String::with_capacity(sql.len() + literals.iter().map(String::len).sum::<usize>());
    let mut last = 0;
    for (pos, lit) in positions.iter().zip(literals) {
        out.push_str(&sql[last..*pos]);
        out.push_str(lit);
        last = pos + 1;
    }
    out.push_str(&sql[last..]);
    out
}

/// The text with every placeholder replaced by a sample value that fits where it
/// stands (a string inside `MATCH(`, a number elsewhere), so that a statement can be
/// checked by the parser when it is prepared, before any value is bound.
pub fn with_sample_values(sql: &str, positions: &[usize]) -> String {
    let samples: Vec<String> = samples(sql, positions).map(str::to_string).collect();
    substitute(sql, positions, &samples)
}

/// Rewrites a parser message about the text of [`with_sample_values`] so that its
/// `near '...'` part quotes the original text (with its `?` marks) again.
pub fn restore_placeholders(message: &str, sql: &str, positions: &[usize]) -> String {
    let sample = with_sample_values(sql, positions);
    let Some(at) = message.find("near '") else {
        return message.to_string();
    };
    let quoted = &message[at + 6..];
    let Some(near) = quoted.strip_suffix('\'') else {
        return message.to_string();
    };
    let Some(mut pos) = sample.len().checked_sub(near.len()) else {
        return message.to_string();
    };
    if !sample.ends_with(near) {
        return message.to_string();
    }
    // Map the offset in the sample back to the original text.
    let mut shift = 0;
    for (p, s) in positions.iter().zip(samples(sql, positions)) {
        if p + shift >= pos {
            break;
        }
        let end = p + shift + s.len();
        if end > pos {
            pos = p + shift; // inside a sample value: point at its `?`
            break;
        }
        shift += s.len() - 1;
    }
    let orig = sql.get(pos - shift..).unwrap_or("");
    format!("{}near '{orig}'", &message[..at])
}

/// The sample value for each placeholder.
fn samples<'a>(sql: &'a str, positions: &'a [usize]) -> impl Iterator<Item = &'static str> + 'a {
    positions.iter().map(|&pos| {
        let before = sql[..pos].trim_end();
        let opens_match = before
            .strip_suffix('(')
            .is_some_and(|head| head.trim_end().to_ascii_lowercase().ends_with("match"));
        if opens_match {
            "'x'"
        } else {
            "0"
        }
    })
}

/// A single-quoted SQL string literal with `\`, `'` and control bytes escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\0' => out.push_str("\\0"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_placeholders_outside_quotes_and_comments() {
        let sql = "select ?, '?', \"a\\\"?\", `?` -- ?\n from t where a=? /* ? */ # ?";
        let s = scan(sql);
        assert_eq!(s.placeholders.len(), 2);
        assert_eq!(&sql[s.placeholders[1]..s.placeholders[1] + 1], "?");
        assert_eq!(s.statements, 1);
    }

    #[test]
    fn counts_statements() {
        assert_eq!(scan("select 1; select 2;").statements, 2);
        assert_eq!(scan("select ';'").statements, 1);
        assert_eq!(scan(" ; ").statements, 0);
        assert_eq!(scan("select 1; -- x").statements, 1);
    }

    #[test]
    fn substitutes_in_order() {
        let sql = "select * from t where a=? and b=?";
        let s = scan(sql);
        let got = substitute(sql, &s.placeholders, &["1".into(), quote("it's")]);
        assert_eq!(got, "select * from t where a=1 and b='it\\'s'");
    }

    #[test]
    fn sample_values_fit_their_place() {
        let sql = "select * from t where match( ?) and id=? limit ?";
        let got = with_sample_values(sql, &scan(sql).placeholders);
        assert_eq!(got, "select * from t where match( 'x') and id=0 limit 0");
    }

    #[test]
    fn parser_messages_quote_the_original_text() {
        let sql = "select match(?) from where ? x";
        let p = scan(sql).placeholders;
        let msg = "P01: syntax error, unexpected WHERE near 'where 0 x'";
        let want = "P01: syntax error, unexpected WHERE near 'where ? x'";
        assert_eq!(restore_placeholders(msg, sql, &p), want);
        let msg = "P01: unexpected near '0 x'";
        assert_eq!(
            restore_placeholders(msg, sql, &p),
            "P01: unexpected near '? x'"
        );
        let msg = "P01: unexpected near ''x') from where 0 x'";
        let want = "P01: unexpected near '?) from where ? x'";
        assert_eq!(restore_placeholders(msg, sql, &p), want);
        assert_eq!(restore_placeholders("no quote", sql, &p), "no quote");
    }

    #[test]
    fn quote_escapes() {
        assert_eq!(quote("a\\b'\n"), "'a\\\\b\\'\\n'");
    }

    #[test]
    fn unterminated_constructs_do_not_panic() {
        assert_eq!(scan("select 'abc").placeholders.len(), 0);
        assert_eq!(scan("select /* ?").placeholders.len(), 0);
        assert_eq!(scan("'\\").statements, 1);
    }
}

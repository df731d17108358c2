//! SQL `LIKE` patterns as `SHOW ... LIKE` applies them: `%` matches any run of
//! characters, `_` exactly one, `\` makes the next character literal; letters
//! compare case-insensitively.

/// Whether `value` matches `pattern`.
pub fn like_match(pattern: &str, value: &str) -> bool {
    let pat = compile(pattern);
    let val: Vec<char> = value.chars().flat_map(char::to_lowercase).collect();
    matches(&pat, &val)
}

#[derive(Debug, PartialEq)]
enum Piece {
    Any,
    One,
    Lit(char),
}

fn compile(pattern: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut chars = pattern.chars().flat_map(char::to_lowercase);
    while let Some(c) = chars.next() {
        out.push(match c {
            '%' => Piece::Any,
            '_' => Piece::One,
            '\\' => Piece::Lit(chars.next().unwrap_or('\\')),
            other => Piece::Lit(other),
        });
    }
    out
}

/// Iterative wildcard matching with one backtrack point (linear in practice,
/// never recursive, so hostile patterns cannot blow the stack).
fn matches(pat: &[Piece], val: &[char]) -> bool {
    let (mut p, mut v) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while v < val.len() {
        match pat.get(p) {
            Some(Piece::Any) => {
                star = Some((p, v));
                p += 1;
            }
            Some(Piece::One) => {
                p += 1;
                v += 1;
            }
            Some(Piece::Lit(c)) if *c == val[v] => {
                p += 1;
                v += 1;
            }
            _ => match star {
                Some((sp, sv)) => {
                    p = sp + 1;
                    v = sv + 1;
                    star = Some((sp, sv + 1));
                }
                None => return false,
            },
        }
    }
    pat[p..].iter().all(|piece| *piece == Piece::Any)
}

#[cfg(test)]
mod tests {
    use super::like_match;

    #[test]
    fn percent_matches_any_run() {
        assert!(like_match("ssl%", "ssl_state"));
        assert!(like_match("%state", "ssl_state"));
        assert!(like_match("%", ""));
        assert!(like_match("a%b%c", "aXXbYYc"));
        assert!(!like_match("ssl%", "uptime"));
    }

    #[test]
    fn underscore_matches_exactly_one() {
        assert!(like_match("upt_me", "uptime"));
        assert!(!like_match("upt_me", "uptme"));
        assert!(!like_match("_", ""));
    }

    #[test]
    fn case_insensitive() {
        assert!(like_match("UPTIME", "uptime"));
        assert!(like_match("Version%", "version_comment"));
    }

    #[test]
    fn backslash_makes_literal() {
        assert!(like_match("a\\_b", "a_b"));
        assert!(!like_match("a\\_b", "axb"));
        assert!(like_match("100\\%", "100%"));
        assert!(!like_match("100\\%", "1000"));
    }

    #[test]
    fn exact_without_wildcards() {
        assert!(like_match("queries", "queries"));
        assert!(!like_match("queries", "queries_total"));
        assert!(!like_match("queries_total", "queries"));
    }

    #[test]
    fn backtracking_after_partial_match() {
        assert!(like_match("%ab", "aab"));
        assert!(like_match("%a_c", "abcabc"));
        assert!(!like_match("%a_d", "abcabc"));
    }
}

//! `application/x-www-form-urlencoded` and URL query strings (pure).

/// Decodes `%XX` escapes and `+` (as space). Invalid escapes are kept as they are.
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The decoded value of `key` in `a=1&b=2`.
pub fn get(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k) == key).then(|| decode(v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_and_plus() {
        assert_eq!(decode("SHOW+STATUS"), "SHOW STATUS");
        assert_eq!(decode("a%20b%3Dc"), "a b=c");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%C3%A9"), "é");
    }

    #[test]
    fn finds_keys() {
        assert_eq!(
            get("mode=raw&query=select+1", "query").as_deref(),
            Some("select 1")
        );
        assert_eq!(
            get("mode=raw&query=select+1", "mode").as_deref(),
            Some("raw")
        );
        assert_eq!(get("mode=raw", "query"), None);
        assert_eq!(get("flag", "flag").as_deref(), Some(""));
    }
}

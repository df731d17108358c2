//! JSON attribute text re-written the way `serde_json` prints a parsed value
//! (compact, object keys sorted) without building the value (pure). Text this
//! cannot handle byte-exactly (escaped keys, `\u` escapes, big objects, numbers that
//! change form) is left to the caller's `serde_json` path.

/// Deeper nesting is left to `serde_json` (which refuses past 128).
const MAX_DEPTH: usize = 64;
/// Objects with more keys are left to `serde_json`.
const MAX_KEYS: usize = 24;

/// Appends `text` re-written, and says whether it could; on `false` nothing is
/// appended.
pub fn write(out: &mut Vec<u8>, text: &str) -> bool {
    let mark = out.len();
    let s = text.as_bytes();
    let ok = match value(s, ws(s, 0), out, 0) {
        Some(end) => ws(s, end) == s.len(),
        None => false,
    };
    if !ok {
        out.truncate(mark);
    }
    ok
}

/// Skips JSON whitespace.
fn ws(s: &[u8], mut i: usize) -> usize {
    while matches!(s.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Writes the value at `i`; returns where it ends.
fn value(s: &[u8], i: usize, out: &mut Vec<u8>, depth: usize) -> Option<usize> {
    if depth > MAX_DEPTH {
        return None;
    }
    match *s.get(i)? {
        b'{' => object(s, i, out, depth),
        b'[' => array(s, i, out, depth),
        b'"' => {
            let end = string_end(s, i)?;
            out.extend_from_slice(&s[i..end]);
            Some(end)
        }
        b't' => word(s, i, b"true", out),
        b'f' => word(s, i, b"false", out),
        b'n' => word(s, i, b"null", out),
        _ => number(s, i, out),
    }
}

fn word(s: &[u8], i: usize, w: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    let end = i + w.len();
    (s.get(i..end)? == w).then(|| {
        out.extend_from_slice(w);
        end
    })
}

/// The end of the string starting at `i`, if `serde_json` would print it back
/// byte for byte (escapes only of `"`, `\`, and `\b \f \n \r \t`; no raw controls).
fn string_end(s: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match *s.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => {
                if !matches!(
                    s.get(j + 1)?,
                    b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't'
                ) {
                    return None;
                }
                j += 2;
            }
            c if c < 0x20 => return None,
            _ => j += 1,
        }
    }
}

/// A number: integers that fit 64 bits as written; anything with a fraction or an
/// exponent through `serde_json`'s own float parsing and printing.
fn number(s: &[u8], i: usize, out: &mut Vec<u8>) -> Option<usize> {
    let mut end = i;
    while matches!(
        s.get(end),
        Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
    ) {
        end += 1;
    }
    let text = std::str::from_utf8(&s[i..end]).ok()?;
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        let fits = text.parse::<u64>().is_ok() || text.parse::<i64>().is_ok();
        // `-0` reads back as a float; JSON allows no other leading zero.
        let canonical = !(text.starts_with("-0") || text.len() > 1 && text.starts_with('0'));
        if !(fits && canonical) {
            return None;
        }
        out.extend_from_slice(text.as_bytes());
        return Some(end);
    }
    let f: f64 = serde_json::from_str(text).ok()?;
    serde_json::to_writer(&mut *out, &f).ok()?;
    Some(end)
}

fn array(s: &[u8], i: usize, out: &mut Vec<u8>, depth: usize) -> Option<usize> {
    out.push(b'[');
    let mut j = ws(s, i + 1);
    if s.get(j) == Some(&b']') {
        out.push(b']');
        return Some(j + 1);
    }
    loop {
        j = ws(s, value(s, j, out, depth + 1)?);
        match *s.get(j)? {
            b',' => {
                out.push(b',');
                j = ws(s, j + 1);
            }
            b']' => {
                out.push(b']');
                return Some(j + 1);
            }
            _ => return None,
        }
    }
}

/// An object: its entries are found first, then written in key order.
fn object(s: &[u8], i: usize, out: &mut Vec<u8>, depth: usize) -> Option<usize> {
    // Each entry: the key's text inside its quotes (no escapes), the value's span.
    let mut entries = [(0usize, 0usize, 0usize, 0usize); MAX_KEYS];
    let mut n = 0;
    let mut j = ws(s, i + 1);
    let end = if s.get(j) == Some(&b'}') {
        j + 1
    } else {
        loop {
            if s.get(j) != Some(&b'"') || n == MAX_KEYS {
                return None;
            }
            let key_end = string_end(s, j)?;
            if s[j..key_end].contains(&b'\\') {
                return None;
            }
            let colon = ws(s, key_end);
            if s.get(colon) != Some(&b':') {
                return None;
            }
            let v = ws(s, colon + 1);
            let v_end = skip(s, v, depth + 1)?;
            entries[n] = (j + 1, key_end - 1, v, v_end);
            n += 1;
            j = ws(s, v_end);
            match *s.get(j)? {
                b',' => j = ws(s, j + 1),
                b'}' => break j + 1,
                _ => return None,
            }
        }
    };
    let entries = &mut entries[..n];
    entries.sort_unstable_by(|a, b| s[a.0..a.1].cmp(&s[b.0..b.1]));
    if entries
        .windows(2)
        .any(|w| s[w[0].0..w[0].1] == s[w[1].0..w[1].1])
    {
        return None;
    }
    out.push(b'{');
    for (k, &(ks, ke, v, v_end)) in entries.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(&s[ks..ke]);
        out.extend_from_slice(b"\":");
        if value(s, v, out, depth + 1)? != v_end {
            return None;
        }
    }
    out.push(b'}');
    Some(end)
}

/// The end of the value at `i`, without writing it (it is checked when written).
fn skip(s: &[u8], i: usize, depth: usize) -> Option<usize> {
    if depth > MAX_DEPTH {
        return None;
    }
    match *s.get(i)? {
        b'"' => string_end(s, i),
        b'{' | b'[' => {
            let mut level = 0usize;
            let mut j = i;
            loop {
                match *s.get(j)? {
                    b'"' => {
                        j = string_end(s, j)?;
                        continue;
                    }
                    b'{' | b'[' => level += 1,
                    b'}' | b']' => {
                        level -= 1;
                        if level == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while matches!(s.get(j), Some(c) if !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value as Json;

    fn serde(text: &str) -> Option<String> {
        serde_json::from_str::<Json>(text)
            .ok()
            .map(|j| j.to_string())
    }

    fn ours(text: &str) -> Option<String> {
        let mut out = b"x".to_vec();
        let ok = write(&mut out, text);
        if !ok {
            assert_eq!(out, b"x", "nothing is left behind: {text}");
            return None;
        }
        Some(String::from_utf8(out[1..].to_vec()).unwrap())
    }

    /// Common attribute text takes the fast path and prints as `serde_json` does.
    #[test]
    fn rewrites_like_serde_json() {
        for text in [
            r#"{"color":"black","size":{"w":20,"h":15}}"#,
            r#"{"color":"red","sizes":[40,41,42]}"#,
            r#" { "b" : [ 1 , -2 , 3.50, 1e3, 2.5E-3 ] , "a" : { } , "c" : [ ] } "#,
            r#"{"t":true,"f":false,"n":null,"s":"q\"\\\n\t é","z":18446744073709551615}"#,
            r#"[{"b":1,"a":2},"x",-9223372036854775808]"#,
            r#""just a string""#,
            "0",
            "-12",
            "0.1",
            r#"{"aa":1,"a":2,"b":{"y":[{"k":1,"j":2}],"x":0}}"#,
            r#"{"a ":1,"a":2,"a!":3,"":4}"#,
        ] {
            let got = ours(text);
            assert!(got.is_some(), "fast path refused {text}");
            assert_eq!(got, serde(text), "{text}");
        }
    }

    /// What the fast path refuses, `serde_json` decides.
    #[test]
    fn refuses_what_it_cannot_print_exactly() {
        for text in [
            r#"{"a\"b":1}"#,
            r#"{"a":1,"a":2}"#,
            r#""\u00e9""#,
            r#""a\/b""#,
            "-0",
            "012",
            "18446744073709551616",
            "-9223372036854775809",
            "1e400",
            "{",
            "[1,]",
            r#"{"a":1}x"#,
            r#"{"a" 1}"#,
            r#"{"a":1x}"#,
            r#"{"a":[1}"#,
            r#"{"a":{"b":1]}"#,
            r#"{"a":"x"y}"#,
            "nul",
            "",
            "[1 2]",
            "{\"a\":\"\u{1}\"}",
        ] {
            assert_eq!(ours(text), None, "{text}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(ours(&deep), None);
        let many: Vec<String> = (0..30).map(|i| format!("\"k{i}\":{i}")).collect();
        assert_eq!(ours(&format!("{{{}}}", many.join(","))), None);
    }

    /// Whatever the input, the fast path agrees with `serde_json` or steps aside.
    #[test]
    fn never_disagrees() {
        let pieces = [
            "{", "}", "[", "]", ",", ":", "\"a\"", "\"b\"", "1", "-1", "2.50", "true", "null", " ",
            "\"\\n\"", "1e2", "x", "\"a \"", "]}",
        ];
        let mut seed = 7u64;
        let mut taken = 0;
        for _ in 0..50000 {
            let mut text = String::new();
            for _ in 0..(seed % 12) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            if let Some(got) = ours(&text) {
                assert_eq!(Some(got), serde(&text), "{text}");
                taken += 1;
            }
        }
        assert!(taken > 1000, "the fast path took only {taken}");
    }
}

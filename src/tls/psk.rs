//! `ssl_psk_file`: pre-shared keys as `identity:hexkey` lines (blank lines and lines
//! starting with `#` are skipped). The identity is everything before the last `:`.

use std::collections::HashMap;
use std::path::Path;

/// The longest key OpenSSL 1.1.1 accepts (`PSK_MAX_PSK_LEN`; 3.x allows 512).
pub const MAX_KEY_LEN: usize = 256;
/// The longest identity a client may send (`PSK_MAX_IDENTITY_LEN`).
pub const MAX_IDENTITY_LEN: usize = 128;

/// Identities and their keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PskTable {
    keys: HashMap<String, Vec<u8>>,
}

impl PskTable {
    /// The key of `identity`, if known.
    pub fn key(&self, identity: &str) -> Option<&[u8]> {
        self.keys.get(identity).map(Vec::as_slice)
    }

    /// Whether the table has no identity.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Reads and parses the file; the error names the file (and the line).
pub fn load(path: &Path) -> Result<PskTable, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("ssl_psk_file '{shown}' cannot be read: {e}"))?;
    let table = parse(&text).map_err(|e| format!("ssl_psk_file '{shown}' {e}"))?;
    if table.is_empty() {
        return Err(format!(
            "ssl_psk_file '{shown}' holds no identity:hexkey line"
        ));
    }
    Ok(table)
}

/// Parses the lines; the error starts with `line N: `.
pub fn parse(text: &str) -> Result<PskTable, String> {
    let mut keys = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let n = i + 1;
        let (identity, hex) = line
            .rsplit_once(':')
            .ok_or_else(|| format!("line {n}: expected identity:hexkey"))?;
        if identity.is_empty() || identity.len() > MAX_IDENTITY_LEN {
            return Err(format!(
                "line {n}: the identity must have 1 to {MAX_IDENTITY_LEN} bytes"
            ));
        }
        let key = decode_hex(hex.trim()).map_err(|e| format!("line {n}: {e}"))?;
        if keys.insert(identity.to_string(), key).is_some() {
            return Err(format!("line {n}: identity '{identity}' is repeated"));
        }
    }
    Ok(PskTable { keys })
}

fn decode_hex(hex: &str) -> Result<Vec<u8>, String> {
    if hex.is_empty() || !hex.len().is_multiple_of(2) || hex.len() / 2 > MAX_KEY_LEN {
        return Err(format!(
            "the key must be an even number of hex digits, 1 to {MAX_KEY_LEN} bytes"
        ));
    }
    hex.as_bytes()
        .chunks(2)
        .map(|pair| {
            let digits = std::str::from_utf8(pair).map_err(|_| "the key is not hex")?;
            u8::from_str_radix(digits, 16).map_err(|_| "the key is not hex")
        })
        .collect::<Result<Vec<u8>, &str>>()
        .map_err(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_comments_and_identities_with_colons() {
        let t = parse("# keys\n\nclient1:0a0B\nurn:dev:42 : ff\n").unwrap();
        assert_eq!(t.key("client1"), Some(&[0x0a, 0x0b][..]));
        assert_eq!(t.key("urn:dev:42 "), Some(&[0xff][..]));
        assert_eq!(t.keys.len(), 2);
        assert_eq!(t.key("nobody"), None);
    }

    #[test]
    fn bad_lines_name_the_line() {
        assert_eq!(
            parse("a:00\nnocolon").unwrap_err(),
            "line 2: expected identity:hexkey"
        );
        assert!(parse(":00")
            .unwrap_err()
            .starts_with("line 1: the identity"));
        assert!(parse("a:0").unwrap_err().contains("even number"));
        assert!(parse("a:zz").unwrap_err().contains("not hex"));
        assert!(parse("a:é").unwrap_err().contains("not hex"));
        assert!(parse("a:00\na:11").unwrap_err().contains("repeated"));
    }
}

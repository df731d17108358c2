//! Cutting a multi-statement text on `;` outside strings, identifiers and comments.

/// The statements of `text`, in order, each without its `;`. Pieces that hold
/// nothing but blanks and comments are dropped. An unterminated string or comment
/// runs to the end of the text (the parser then reports it).
pub fn split_statements(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        i = match bytes[i] {
            b';' => {
                pieces.push(&text[start..i]);
                start = i + 1;
                i + 1
            }
            q @ (b'\'' | b'"' | b'`') => skip_quoted(bytes, i, q),
            b'#' => skip_line(bytes, i),
            b'-' if is_dash_comment(bytes, i) => skip_line(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') && bytes.get(i + 2) != Some(&b'!') => {
                skip_block(text, i)
            }
            _ => i + 1,
        };
    }
    pieces.push(&text[start..]);
    pieces.retain(|p| has_content(p));
    pieces
}

fn is_dash_comment(bytes: &[u8], i: usize) -> bool {
    bytes.get(i + 1) == Some(&b'-') && bytes.get(i + 2).is_none_or(|c| c.is_ascii_whitespace())
}

fn skip_quoted(bytes: &[u8], open: usize, quote: u8) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        // Jump over plain text to the next quote or backslash.
        match bytes[i..].iter().position(|&c| c == quote || c == b'\\') {
            Some(off) => i += off,
            None => return bytes.len(),
        }
        let c = bytes[i];
        let escaped = c == b'\\' && quote != b'`';
        let doubled = c == quote && bytes.get(i + 1) == Some(&quote);
        if escaped || doubled {
            i += 2;
        } else if c == quote {
            return i + 1;
        } else {
            i += 1;
        }
    }
    bytes.len()
}

fn skip_line(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(bytes.len(), |off| from + off + 1)
}

fn skip_block(text: &str, from: usize) -> usize {
    text[from + 2..]
        .find("*/")
        .map_or(text.len(), |off| from + 2 + off + 2)
}

/// Whether a piece holds anything but whitespace and comments.
fn has_content(piece: &str) -> bool {
    !crate::sql::lexer::is_blank(piece)
}

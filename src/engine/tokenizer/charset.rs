//! `charset_table`: which characters make up words and what each folds to.
//!
//! Syntax as upstream: comma-separated entries, each a character (`a`, `U+430`), a
//! range (`a..z`), a mapping (`A->a`), a range mapping (`A..Z->a..z`) or a
//! checkerboard range (`U+100..U+17F/2`: every even character folds to the next one),
//! or an alias: `non_cont` (also `non_cjk`, the default), `english`, `russian`.

use std::collections::HashMap;

/// A parsed charset table.
#[derive(Debug, Clone)]
pub struct CharsetTable {
    ascii: [Option<char>; 128],
    other: HashMap<char, char>,
}

impl CharsetTable {
    /// The default table (`non_cont`, see `charset_default`).
    pub fn default_table() -> CharsetTable {
        let mut table = CharsetTable::empty();
        super::charset_default::for_each_mapping(|from, to| table.set(from, to));
        table
    }

    fn empty() -> CharsetTable {
        CharsetTable {
            ascii: [None; 128],
            other: HashMap::new(),
        }
    }

    /// Parses a `charset_table` value; the error names the bad entry.
    pub fn parse(spec: &str) -> Result<CharsetTable, String> {
        let mut table = CharsetTable::empty();
        for entry in spec.split(',') {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            table
                .add_entry(entry)
                .map_err(|_| format!("charset_table: syntax error near '{entry}'"))?;
        }
        Ok(table)
    }

    /// What `c` folds to, or `None` when it is not a word character.
    #[inline]
    pub fn fold(&self, c: char) -> Option<char> {
        let code = c as u32;
        if code < 128 {
            return self.ascii[code as usize];
        }
        self.other.get(&c).copied()
    }

    fn set(&mut self, from: char, to: char) {
        let code = from as u32;
        if code < 128 {
            // Folding to U+0000 makes a separator, as it always has.
            self.ascii[code as usize] = (to != '\0').then_some(to);
        } else {
            self.other.insert(from, to);
        }
    }

    fn add_entry(&mut self, entry: &str) -> Result<(), ()> {
        match entry.to_ascii_lowercase().as_str() {
            "non_cont" | "non_cjk" => {
                super::charset_default::for_each_mapping(|from, to| self.set(from, to));
                return Ok(());
            }
            "english" => return self.add_entries("A..Z->a..z, a..z"),
            "russian" => {
                return self
                    .add_entries("U+410..U+42F->U+430..U+44F, U+430..U+44F, U+401->U+451, U+451")
            }
            _ => {}
        }
        if let Some((lhs, rhs)) = entry.split_once("->") {
            let (a, b) = parse_range(lhs.trim())?;
            let (c, d) = parse_range(rhs.trim())?;
            if b - a != d - c {
                return Err(());
            }
            for i in 0..=(b - a) {
                self.set(to_char(a + i)?, to_char(c + i)?);
            }
            return Ok(());
        }
        if let Some(range) = entry.strip_suffix("/2") {
            let (a, b) = parse_range(range.trim())?;
            let mut code = a;
            while code < b {
                let target = to_char(code + 1)?;
                self.set(to_char(code)?, target);
                self.set(target, target);
                code += 2;
            }
            return Ok(());
        }
        let (a, b) = parse_range(entry)?;
        for code in a..=b {
            let c = to_char(code)?;
            self.set(c, c);
        }
        Ok(())
    }
}

impl CharsetTable {
    fn add_entries(&mut self, list: &str) -> Result<(), ()> {
        list.split(',').try_for_each(|e| self.add_entry(e.trim()))
    }
}

fn to_char(code: u32) -> Result<char, ()> {
    char::from_u32(code).ok_or(())
}

fn parse_range(s: &str) -> Result<(u32, u32), ()> {
    match s.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (parse_char(a.trim())?, parse_char(b.trim())?);
            if a > b {
                return Err(());
            }
            Ok((a, b))
        }
        None => {
            let c = parse_char(s)?;
            Ok((c, c))
        }
    }
}

fn parse_char(s: &str) -> Result<u32, ()> {
    if let Some(hex) = s.strip_prefix("U+").or_else(|| s.strip_prefix("u+")) {
        return u32::from_str_radix(hex, 16).map_err(|_| ());
    }
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c as u32),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_folds_latin_and_cyrillic() {
        let t = CharsetTable::default_table();
        assert_eq!(t.fold('A'), Some('a'));
        assert_eq!(t.fold('z'), Some('z'));
        assert_eq!(t.fold('7'), Some('7'));
        assert_eq!(t.fold('Ж'), Some('ж'));
        assert_eq!(t.fold('Ё'), Some('е'));
        assert_eq!(t.fold('É'), Some('e'));
        assert_eq!(t.fold('ü'), Some('u'));
        assert_eq!(t.fold('Σ'), Some('σ'));
        assert_eq!(t.fold('Ї'), Some('ї'));
        assert_eq!(t.fold('×'), None);
        assert_eq!(t.fold('-'), None);
        assert_eq!(t.fold(' '), None);
    }

    #[test]
    fn parses_ranges_maps_and_checkerboard() {
        let t = CharsetTable::parse("0..9, A..Z->a..z, a..z, U+2D, U+100..U+103/2").unwrap();
        assert_eq!(t.fold('Q'), Some('q'));
        assert_eq!(t.fold('-'), Some('-'));
        assert_eq!(t.fold('\u{100}'), Some('\u{101}'));
        assert_eq!(t.fold('\u{103}'), Some('\u{103}'));
        assert_eq!(t.fold('_'), None);
    }

    #[test]
    fn aliases() {
        let t = CharsetTable::parse("english, 0..9, U+E4, U+C4->U+E4").unwrap();
        assert_eq!(t.fold('Q'), Some('q'));
        assert_eq!(t.fold('Ä'), Some('ä'));
        assert_eq!(t.fold('ж'), None);
        let t = CharsetTable::parse("non_cjk, U+E4").unwrap();
        assert_eq!(t.fold('ä'), Some('ä'));
        assert_eq!(t.fold('é'), Some('e'));
        assert!(CharsetTable::parse("klingon").is_err());
    }

    #[test]
    fn rejects_bad_entries() {
        let err = CharsetTable::parse("a..z, A..Z->a..y").unwrap_err();
        assert_eq!(err, "charset_table: syntax error near 'A..Z->a..y'");
        assert!(CharsetTable::parse("abc").is_err());
        assert!(CharsetTable::parse("U+ZZ").is_err());
    }
}

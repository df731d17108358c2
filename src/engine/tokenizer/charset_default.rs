//! The default charset table (`non_cont`, alias `non_cjk`): digits, underscore and
//! the letters of the Latin, Greek and Cyrillic scripts, folded to lower case with
//! diacritics removed (`É` -> `e`, `Ё` -> `е`), as upstream's default transliterates.
//!
//! The Latin and Greek folds below were generated from Unicode canonical
//! decompositions (first base letter, lower-cased); a space marks a code point
//! that is not a letter.

/// Folds of U+00C0..=U+024F.
const LATIN: &[&str] = &[
    "aaaaaaæceeeeiiiiðnooooo øuuuuyþßaaaaaaæceeeeiiiiðn",
    "ooooo øuuuuyþyaaaaaaccccccccddđđeeeeeeeeeegggggggg",
    "hhħħiiiiiiiiiıĳĳjjkkĸllllllŀŀłłnnnnnnŉŋŋooooooœœrr",
    "rrrrssssssssttttŧŧuuuuuuuuuuuuwwyyyzzzzzzſƀɓƃƃƅƅɔƈ",
    "ƈɖɗƌƌƍǝəɛƒƒɠɣƕɩɨƙƙƚƛɯɲƞɵooƣƣƥƥʀƨƨʃƪƫƭƭʈuuʊʋƴƴƶƶʒƹƹ",
    "ƺƻƽƽƾƿǀǁǂǃǆǆǆǉǉǉǌǌǌaaiioouuuuuuuuuuǝaaaaææǥǥggkkoo",
    "ooʒʒjǳǳǳggƕƿnnaaææøøaaaaeeeeiiiioooorrrruuuussttȝȝ",
    "hhƞȡȣȣȥȥaaeeooooooooyyȴȵȶȷȸȹⱥȼȼƚⱦȿɀɂɂƀʉʌɇɇɉɉɋɋɍɍɏɏ",
];

/// Folds of U+0370..=U+03FF.
const GREEK: &[&str] = &[
    "ͱͱͳͳʹ ͷͷ  ͺͻͼͽ ϳ      α εηι ο υωιαβγδεζηθικλμνξοπρ",
    " στυφχψωιυαεηιυαβγδεζηθικλμνξοπρςστυφχψωιυουωϗϐϑϒϒ",
    "ϒϕϖϗϙϙϛϛϝϝϟϟϡϡϣϣϥϥϧϧϩϩϫϫϭϭϯϯϰϱϲϳθϵ ϸϸϲϻϻϼͻͼͽ",
];

/// Calls `f(from, to)` for every mapping of the default table.
pub fn for_each_mapping(mut f: impl FnMut(char, char)) {
    for c in ('0'..='9').chain('a'..='z').chain(std::iter::once('_')) {
        f(c, c);
    }
    for c in 'A'..='Z' {
        f(c, c.to_ascii_lowercase());
    }
    for (table, first) in [(LATIN, 0xC0u32), (GREEK, 0x370)] {
        let folds = table.iter().flat_map(|s| s.chars());
        for (i, to) in folds.enumerate() {
            if let (Some(from), false) = (char::from_u32(first + i as u32), to == ' ') {
                f(from, to);
            }
        }
    }
    for code in 0x400u32..=0x52F {
        let Some(c) = char::from_u32(code) else {
            continue;
        };
        if !c.is_alphabetic() {
            continue;
        }
        let mut lower = c.to_lowercase();
        let folded = match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        };
        // Ё/ё fold to е, Й/й stay.
        let folded = if folded == '\u{451}' {
            '\u{435}'
        } else {
            folded
        };
        f(c, folded);
    }
}

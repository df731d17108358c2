use super::*;

fn kinds(text: &str) -> Vec<TokenKind> {
    tokenize(text)
        .expect("lexes")
        .into_iter()
        .map(|t| t.kind)
        .collect()
}

fn ident(s: &str) -> TokenKind {
    TokenKind::Ident(s.into())
}

#[test]
fn words_and_positions() {
    let toks = tokenize("select  a_1,b").expect("lexes");
    let spans: Vec<(usize, usize)> = toks.iter().map(|t| (t.start, t.end)).collect();
    assert_eq!(spans, vec![(0, 6), (8, 11), (11, 12), (12, 13)]);
    assert_eq!(toks[0].kind, ident("select"));
    assert_eq!(toks[1].kind, ident("a_1"));
    assert_eq!(toks[2].kind, TokenKind::Op(","));
}

#[test]
fn backquoted_identifier() {
    let toks = tokenize("`my table`").expect("lexes");
    assert_eq!(toks[0].kind, TokenKind::BackIdent("my table".into()));
    assert_eq!((toks[0].start, toks[0].end), (0, 10));
}

#[test]
fn numbers() {
    assert_eq!(
        kinds("1 23 1.5 .5 2e3 1.5E-2 7."),
        vec![
            TokenKind::Int("1".into()),
            TokenKind::Int("23".into()),
            TokenKind::Float("1.5".into()),
            TokenKind::Float(".5".into()),
            TokenKind::Float("2e3".into()),
            TokenKind::Float("1.5E-2".into()),
            TokenKind::Float("7.".into()),
        ]
    );
}

#[test]
fn number_then_word_is_one_identifier() {
    assert_eq!(kinds("1abc"), vec![ident("1abc")]);
}

#[test]
fn strings_with_escapes() {
    assert_eq!(
        kinds(r#"'it\'s' "a\"b" 'x''y' 'a\nb\\c\%'"#),
        vec![
            TokenKind::Str("it's".into()),
            TokenKind::Str("a\"b".into()),
            TokenKind::Str("x'y".into()),
            TokenKind::Str("a\nb\\c\\%".into()),
        ]
    );
}

#[test]
fn string_positions_cover_quotes() {
    let toks = tokenize("x = 'héllo'").expect("lexes");
    assert_eq!((toks[2].start, toks[2].end), (4, 12));
    assert_eq!(toks[2].kind, TokenKind::Str("héllo".into()));
}

#[test]
fn variables() {
    assert_eq!(
        kinds("@@version_comment @@session.autocommit @uservar"),
        vec![
            TokenKind::SysVar("version_comment".into()),
            TokenKind::SysVar("session.autocommit".into()),
            TokenKind::UserVar("uservar".into()),
        ]
    );
}

#[test]
fn operators_longest_first() {
    assert_eq!(
        kinds("<= >= <> != < > = ( ) , ; * / % + - := ."),
        [
            "<=", ">=", "<>", "!=", "<", ">", "=", "(", ")", ",", ";", "*", "/", "%", "+", "-",
            ":=", "."
        ]
        .into_iter()
        .map(TokenKind::Op)
        .collect::<Vec<_>>()
    );
}

#[test]
fn comments_are_skipped() {
    assert_eq!(
        kinds("select -- to the end\n 1 # hash\n /* block\n */ 2"),
        vec![
            ident("select"),
            TokenKind::Int("1".into()),
            TokenKind::Int("2".into())
        ]
    );
}

#[test]
fn double_dash_needs_a_blank() {
    assert_eq!(
        kinds("1--2"),
        vec![
            TokenKind::Int("1".into()),
            TokenKind::Op("-"),
            TokenKind::Op("-"),
            TokenKind::Int("2".into())
        ]
    );
}

#[test]
fn versioned_comment_is_code() {
    assert_eq!(
        kinds("/*!40101 SET NAMES utf8 */"),
        vec![ident("SET"), ident("NAMES"), ident("utf8")]
    );
}

#[test]
fn errors_carry_position() {
    let e = tokenize("select 'abc").unwrap_err();
    assert_eq!((e.pos, e.message.as_str()), (7, "unterminated string"));
    let e = tokenize("a /* open").unwrap_err();
    assert_eq!((e.pos, e.message.as_str()), (2, "unterminated comment"));
    let e = tokenize("`open").unwrap_err();
    assert_eq!(
        (e.pos, e.message.as_str()),
        (0, "unterminated quoted identifier")
    );
    let e = tokenize("1 $").unwrap_err();
    assert_eq!((e.pos, e.message.as_str()), (2, "unexpected character '$'"));
    let e = tokenize("@ x").unwrap_err();
    assert_eq!(e.pos, 0);
}

#[test]
fn trailing_backslash_in_string_does_not_panic() {
    assert!(tokenize("'abc\\").is_err());
}

#[test]
fn empty_and_blank_input() {
    assert!(kinds("").is_empty());
    assert!(kinds("  \n\t -- only a comment").is_empty());
}

//! The config grammar: every rule, every error and every warning, through
//! [`parse_str`] as the daemon sees them.

use super::{parse_str, Config, LogTarget, Section};

const FILE: &str = "t.conf";

fn ok(text: &str) -> Config {
    match parse_str(text, FILE) {
        Ok(c) => c,
        Err(e) => panic!("config should load: {e}\n{text}"),
    }
}

fn err(text: &str) -> String {
    match parse_str(text, FILE) {
        Ok(c) => panic!("config should fail: {c:?}\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn table<'a>(c: &'a Config, name: &str) -> &'a Section {
    c.tables
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no table {name}"))
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn log_of(text: &str) -> LogTarget {
    ok(&format!("searchd {{\n  log = {text}\n}}\n")).searchd.log
}

fn file_log(path: &str) -> LogTarget {
    LogTarget::File(path.into())
}

#[test]
fn every_section_type_case_insensitive() {
    let c = ok(
        "SearchD {\n}\nCOMMON {\n  plugin_dir = /p\n}\nindexer {\n  mem_limit = 1G\n}\n\
         Source src {\n  type = mysql\n}\nINDEX a {\n  type = rt\n}\nTable b {\n  type = rt\n}\n",
    );
    let kinds: Vec<(&str, &str)> = c
        .tables
        .iter()
        .map(|t| (t.kind.as_str(), t.name.as_str()))
        .collect();
    assert_eq!(kinds, vec![("index", "a"), ("table", "b")]);
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn values_run_to_end_of_line_trimmed_without_quoting() {
    let cases: &[(&str, LogTarget)] = &[
        ("/var/log/searchd.log", file_log("/var/log/searchd.log")),
        ("   spaced.log   ", file_log("spaced.log")),
        ("\"quoted name.log\"", file_log("\"quoted name.log\"")),
        ("a = b", file_log("a = b")),
        ("x.log # a comment", file_log("x.log")),
        ("x.log# a comment", file_log("x.log")),
        ("x\\#1.log", file_log("x#1.log")),
        ("a\\b.log", file_log("a\\b.log")),
        ("syslog", LogTarget::Syslog),
    ];
    for (value, want) in cases {
        assert_eq!(&log_of(value), want, "log = {value}");
    }
}

#[test]
fn comments_anywhere() {
    let c = ok(
        "# leading comment\nsearchd # after the type\n# between\n{ # after brace\n  \
         # inside\n  log = a.log # trailing\n} # after close\n# end",
    );
    assert_eq!(c.searchd.log, file_log("a.log"));
}

#[test]
fn backslash_newline_continues_the_value() {
    let c = ok("searchd {\n}\ntable t {\n  charset_table = a..z, \\\n    A..Z\n  type = rt\n}\n");
    assert_eq!(
        table(&c, "t").entries,
        pairs(&[("charset_table", "a..z,     A..Z"), ("type", "rt")])
    );
    let crlf = ok("searchd {\r\n  log = a.log \\\r\n.more\r\n  pid_file = p.pid\r\n}\r\n");
    assert_eq!(crlf.searchd.log, file_log("a.log .more"));
    assert_eq!(crlf.searchd.pid_file, Some("p.pid".into()));
}

#[test]
fn keys_are_case_insensitive() {
    let c = ok("searchd {\n  LOG = a.log\n  Pid_File = p.pid\n}\n");
    assert_eq!(c.searchd.log, file_log("a.log"));
    assert_eq!(c.searchd.pid_file, Some("p.pid".into()));
}

#[test]
fn empty_value_and_brace_inside_value() {
    let c = ok("searchd {\n  query_log =\n}\n");
    assert_eq!(c.searchd.query_log, None);
    // the value runs to the end of the line, so `}` there is part of it
    assert_eq!(
        err("searchd {\n}\ntable t {\n  path = /d/t }"),
        "ERROR: unexpected end of file, section is not closed in t.conf line 4 col 16."
    );
}

#[test]
fn multi_value_keys_keep_every_value() {
    let c = ok("searchd {\n}\ntable t {\n  type = rt\n  rt_field = title\n  rt_attr_uint = price\n  \
         rt_field = body\n  rt_attr_string = s\n  rt_attr_json = j\n}\n\
         table d {\n  type = distributed\n  local = t\n  local = u\n  agent = h:9312:x\n  agent = h2:9312:y\n}\n");
    assert_eq!(
        table(&c, "t").entries,
        pairs(&[
            ("type", "rt"),
            ("rt_field", "title"),
            ("rt_field", "body"),
            ("rt_attr_uint", "price"),
            ("rt_attr_string", "s"),
            ("rt_attr_json", "j"),
        ])
    );
    assert_eq!(
        table(&c, "d").entries,
        pairs(&[
            ("type", "distributed"),
            ("local", "t"),
            ("local", "u"),
            ("agent", "h:9312:x"),
            ("agent", "h2:9312:y"),
        ])
    );
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn repeated_single_value_key_warns_and_first_wins() {
    let c = ok("searchd {\n  log = first.log\n  log = second.log\n}\n\
         table t {\n  type = rt\n  stopwords = a.txt\n  stopwords = b.txt\n}\n");
    assert_eq!(c.searchd.log, file_log("first.log"));
    assert_eq!(
        table(&c, "t").entries,
        pairs(&[("type", "rt"), ("stopwords", "a.txt")])
    );
    assert_eq!(
        c.warnings,
        vec![
            "WARNING: key 'log' is not multi-value; value in t.conf line 3 will be ignored.",
            "WARNING: key 'stopwords' is not multi-value; value in t.conf line 8 will be ignored.",
        ]
    );
}

#[test]
fn inheritance_copies_parent_and_child_replaces_whole_lists() {
    let c = ok(
        "searchd {\n}\ntable base {\n  type = rt\n  path = /d/base\n  rt_field = title\n  \
         rt_field = body\n  rt_attr_uint = price\n}\ntable child : base {\n  path = /d/child\n  \
         rt_field = text\n  rt_field = more\n}\nindex grandchild:child{\n}\n",
    );
    assert_eq!(
        table(&c, "base").entries,
        pairs(&[
            ("type", "rt"),
            ("path", "/d/base"),
            ("rt_field", "title"),
            ("rt_field", "body"),
            ("rt_attr_uint", "price"),
        ])
    );
    let child = pairs(&[
        ("type", "rt"),
        ("path", "/d/child"),
        ("rt_field", "text"),
        ("rt_field", "more"),
        ("rt_attr_uint", "price"),
    ]);
    assert_eq!(table(&c, "child").entries, child);
    assert_eq!(table(&c, "grandchild").entries, child);
    assert_eq!(table(&c, "grandchild").kind, "index");
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn child_repeating_an_overridden_single_key_warns() {
    let c = ok(
        "searchd {\n}\ntable a {\n  path = /a\n}\ntable b : a {\n  path = /b1\n  path = /b2\n}\n",
    );
    assert_eq!(table(&c, "b").entries, pairs(&[("path", "/b1")]));
    assert_eq!(
        c.warnings,
        vec!["WARNING: key 'path' is not multi-value; value in t.conf line 8 will be ignored."]
    );
}

#[test]
fn names_allow_digits_dash_underscore_up_to_63_chars() {
    let name = format!("t-1_{}", "x".repeat(59));
    assert_eq!(name.len(), 63);
    let c = ok(&format!(
        "searchd {{\n}}\ntable {name} {{\n  type = rt\n}}\n"
    ));
    assert_eq!(c.tables[0].name, name);
}

#[test]
fn known_keys_not_implemented_warn() {
    let c =
        ok("searchd {\n  max_threads_per_query = 4\n  seamless_rotate = 1\n  listen = 9312\n}\n");
    assert_eq!(
        c.warnings,
        vec![
            "WARNING: key 'max_threads_per_query' is not supported yet and is ignored (t.conf line 2)",
            "WARNING: key 'seamless_rotate' is not supported yet and is ignored (t.conf line 3)",
        ]
    );
}

#[test]
fn deprecated_and_removed_keys_warn() {
    let c = ok(
        "searchd {\n  read_timeout = 5\n  port = 9312\n}\ntable t {\n  type = rt\n  \
         charset_type = utf-8\n  ondisk_attrs = 1\n}\n",
    );
    assert_eq!(
        c.warnings,
        vec![
            "WARNING: key 'read_timeout' is deprecated in t.conf line 2; use 'network_timeout' instead.",
            "WARNING: key 'port' was permanently removed from configuration. Refer to documentation for details.",
            "WARNING: key 'charset_type' was permanently removed from configuration. Refer to documentation for details.",
            "WARNING: key 'ondisk_attrs' is deprecated in t.conf line 8; use 'access_plain_attrs = mmap' instead.",
        ]
    );
}

#[test]
fn every_grammar_error() {
    let long = "a".repeat(64);
    let cases: Vec<(String, &str)> = vec![
        (
            "searchd {\n\tfoo = bar\n}\n".into(),
            "ERROR: unknown key name 'foo' in t.conf line 2 col 5.",
        ),
        (
            "searchd {\n}\ntable t {\n  rt_feld = x\n}\n".into(),
            "ERROR: unknown key name 'rt_feld' in t.conf line 4 col 10.",
        ),
        (
            "searchd {\n}\nsource s {\n  listen = 1\n}\n".into(),
            "ERROR: unknown key name 'listen' in t.conf line 4 col 9.",
        ),
        (
            "foo {\n}\n".into(),
            "ERROR: invalid section type 'foo' in t.conf line 1 col 5.",
        ),
        (
            "searchd {\n}\ntable t {\n}\ntable t {\n}\n".into(),
            "ERROR: section 't' (type='table') already exists in t.conf line 5 col 9.",
        ),
        (
            "searchd {\n}\nindex t {\n}\ntable t {\n}\n".into(),
            "ERROR: section 't' (type='table') already exists in t.conf line 5 col 9.",
        ),
        (
            "searchd {\n}\nsearchd {\n}\n".into(),
            "ERROR: section 'searchd' (type='searchd') already exists in t.conf line 3 col 9.",
        ),
        (
            "searchd {\n}\n= x\n".into(),
            "ERROR: invalid token in t.conf line 3 col 1.",
        ),
        (
            format!("searchd {{\n  {long} = 1\n}}\n"),
            "ERROR: token too long in t.conf line 2 col 66.",
        ),
        (
            "searchd\n[\n".into(),
            "ERROR: expected '{', got '[' in t.conf line 2 col 1.",
        ),
        (
            "searchd".into(),
            "ERROR: expected '{', got end of file in t.conf line 1 col 8.",
        ),
        (
            "searchd {\n  log : x\n}\n".into(),
            "ERROR: expected '=', got ':' in t.conf line 2 col 7.",
        ),
        (
            "table {\n}\n".into(),
            "ERROR: named section: expected name, got '{' in t.conf line 1 col 7.",
        ),
        (
            "table t [\n".into(),
            "ERROR: named section: expected ':' or '{', got '[' in t.conf line 1 col 9.",
        ),
        (
            "table t : {\n}\n".into(),
            "ERROR: named section: expected parent name, got '{' in t.conf line 1 col 11.",
        ),
        (
            "searchd {\n}\ntable t : base {\n}\n".into(),
            "ERROR: inherited section 't': parent doesn't exist (parent name='base', type='table') in t.conf line 3 col 16.",
        ),
        (
            "searchd {\n  = 1\n}\n".into(),
            "ERROR: section contents: expected token, got '=' in t.conf line 2 col 3.",
        ),
        (
            "searchd {\n  log = x\n".into(),
            "ERROR: unexpected end of file, section is not closed in t.conf line 3 col 1.",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(err(&text), want, "config:\n{text}");
    }
}

#[test]
fn every_validation_error() {
    let cases: &[(&str, &str)] = &[
        (
            "table t {\n  type = rt\n}\n",
            "ERROR: 'searchd' config section not found in 't.conf'.",
        ),
        (
            "searchd {\n  data_dir = /var/lib/manticore\n}\ntable t {\n  type = rt\n}\n",
            "ERROR: 'data_dir' cannot be mixed with table declarations in t.conf line 2.",
        ),
        (
            "searchd {\n  max_connections = lots\n}\n",
            "ERROR: invalid value 'lots' for key 'max_connections' in t.conf line 2: expected a number.",
        ),
        (
            "searchd {\n  client_timeout = 5y\n}\n",
            "ERROR: invalid value '5y' for key 'client_timeout' in t.conf line 2: unknown time suffix 'y'.",
        ),
        (
            "searchd {\n  network_timeout = soon\n}\n",
            "ERROR: invalid value 'soon' for key 'network_timeout' in t.conf line 2: expected a number.",
        ),
        (
            "searchd {\n  max_packet_size = 8x\n}\n",
            "ERROR: invalid value '8x' for key 'max_packet_size' in t.conf line 2: unknown size suffix 'x'.",
        ),
        (
            "searchd {\n\n  listen = 1:2:3:4\n}\n",
            "ERROR: listen '1:2:3:4' in t.conf line 3: invalid listen format (too many fields).",
        ),
        (
            "searchd {\n  listen = 9312\n  listen = 127.0.0.1:9312:mysql\n}\n",
            "ERROR: listen '127.0.0.1:9312:mysql' in t.conf line 3 uses the same address and port as listen '9312' in line 2.",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(&err(text), want, "config:\n{text}");
    }
}

/// Truncating or corrupting any byte of a config gives an answer, never a panic.
#[test]
fn mangled_configs_never_panic() {
    let sample = "searchd {\n  listen = [::1]:9306:mysql_vip # c\n  log = a\\#b \\\n c\n}\n\
         table a {\n  rt_field = t\n}\ntable b : a {\n  path = /p\n}\n";
    let specials = b"{}#\\=:\n\r x-[]_\xff";
    for i in 0..=sample.len() {
        if let Some(prefix) = sample.get(..i) {
            let _ = parse_str(prefix, FILE);
            let _ = super::parse_listen(prefix);
        }
        for &b in specials {
            let mut bytes = sample.as_bytes().to_vec();
            if let Some(slot) = bytes.get_mut(i) {
                *slot = b;
            }
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse_str(&text, FILE);
        }
    }
}

//! Plain mode: real-time tables declared in the config (`table t { type = rt; ... }`
//! or Sphinx 2.2's `index t { ... }`, `: parent` inheritance already applied by the
//! config reader). Each table keeps `<path>.meta` (schema and settings), written on
//! first start and read back after, so a config edit cannot silently reinterpret
//! stored documents.

use super::catalog_file::TableMeta;
use super::fsutil;
use crate::config::Section;
use crate::engine::{Attr, AttrType, Field, Schema, TableSettings};
use std::path::{Path, PathBuf};

/// An RT table declared in the config.
#[derive(Debug, Clone, PartialEq)]
pub struct Declared {
    pub name: String,
    /// `path`: the prefix of the table's files.
    pub path: PathBuf,
    pub schema: Schema,
    pub settings: TableSettings,
    /// `rt_mem_limit` in bytes (0 when not set).
    pub mem_limit: u64,
}

/// The RT tables of the config; other table types are left out with a warning.
pub fn declared(sections: &[Section]) -> Result<(Vec<Declared>, Vec<String>), String> {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for s in sections {
        let ty = first(s, "type").unwrap_or("plain");
        if ty != "rt" {
            warnings.push(format!(
                "table '{}': type '{ty}' is not supported yet, table skipped",
                s.name
            ));
            continue;
        }
        out.push(one(s)?);
    }
    Ok((out, warnings))
}

fn one(s: &Section) -> Result<Declared, String> {
    let name = s.name.to_lowercase();
    let path = first(s, "path")
        .filter(|p| !p.is_empty())
        .ok_or_else(|| format!("table '{name}': key 'path' not found"))?;
    let mut schema = Schema::default();
    for (key, value) in &s.entries {
        let column = value.split(':').next().unwrap_or("").trim().to_lowercase();
        if key == "rt_field" {
            schema.fields.push(Field {
                name: column,
                indexed: true,
                stored: true,
            });
        } else if let Some(ty) = attr_type(key) {
            schema.attrs.push(Attr { name: column, ty });
        }
    }
    if schema.fields.is_empty() {
        return Err(format!(
            "table '{name}': no fields configured (use rt_field directive)"
        ));
    }
    Ok(Declared {
        name,
        path: PathBuf::from(path),
        schema,
        settings: settings(s)?,
        mem_limit: first(s, "rt_mem_limit").map(size).transpose()?.unwrap_or(0),
    })
}

/// A size with an optional `k`, `m` or `g` suffix (`rt_mem_limit = 128M`).
pub fn size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_lowercase()),
        _ => (t, 'b'),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("invalid size '{text}'"))?;
    let mult: u64 = match unit {
        'b' => 1,
        'k' => 1 << 10,
        'm' => 1 << 20,
        'g' => 1 << 30,
        _ => return Err(format!("invalid size '{text}'")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("size '{text}' is too big"))
}

/// The first value of a key.
fn first<'a>(s: &'a Section, key: &str) -> Option<&'a str> {
    s.entries
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn attr_type(key: &str) -> Option<AttrType> {
    Some(match key {
        "rt_attr_uint" => AttrType::Uint,
        "rt_attr_bigint" => AttrType::Bigint,
        "rt_attr_float" => AttrType::Float,
        "rt_attr_bool" => AttrType::Bool,
        "rt_attr_timestamp" => AttrType::Timestamp,
        "rt_attr_string" => AttrType::String,
        "rt_attr_json" => AttrType::Json,
        "rt_attr_multi" => AttrType::Multi,
        "rt_attr_multi_64" => AttrType::Multi64,
        _ => return None,
    })
}

fn settings(s: &Section) -> Result<TableSettings, String> {
    let mut out = TableSettings::default();
    let number = |key: &str, v: &str| {
        v.trim()
            .parse::<usize>()
            .map_err(|_| format!("table '{}': invalid {key} value '{v}'", s.name))
    };
    for (key, value) in &s.entries {
        match key.as_str() {
            "morphology" => out.morphology = value.clone(),
            "min_word_len" => out.min_word_len = number(key, value)?,
            "min_prefix_len" => out.min_prefix_len = number(key, value)?,
            "min_infix_len" => out.min_infix_len = number(key, value)?,
            "charset_table" => out.charset_table = Some(value.clone()),
            "html_strip" => out.html_strip = number(key, value)? != 0,
            "stopwords" => {
                out.stopwords_files = value.clone();
                out.stopwords = stopwords(value).map_err(|e| format!("table '{}': {e}", s.name))?;
            }
            _ => {}
        }
    }
    Ok(out)
}

fn stopwords(files: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    for name in files.split([' ', ',']).filter(|n| !n.is_empty()) {
        let text = std::fs::read_to_string(name)
            .map_err(|e| format!("failed to open stopwords file '{name}': {e}"))?;
        words.extend(text.split_whitespace().map(str::to_lowercase));
    }
    Ok(words)
}

/// The `.meta` file of a table path.
fn meta_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".meta");
    path.with_file_name(name)
}

/// Writes the `.meta` file of every declared table (plain mode's catalog).
pub fn save_all(
    paths: &std::collections::BTreeMap<String, PathBuf>,
    meta: &super::catalog_file::CatalogFile,
) -> Result<(), String> {
    for (name, t) in &meta.tables {
        let Some(path) = paths.get(name) else {
            continue;
        };
        let file = meta_path(path);
        let bytes = serde_json::to_vec_pretty(t).unwrap_or_default();
        fsutil::write_atomic(&file, &bytes)
            .map_err(|e| format!("failed to write '{}': {e}", file.display()))?;
    }
    Ok(())
}

/// The stored schema and settings of a declared table, written on first start.
/// A stored schema that differs from the config wins, with a warning.
pub fn materialize(t: &Declared, warnings: &mut Vec<String>) -> Result<TableMeta, String> {
    let file = meta_path(&t.path);
    let wanted = TableMeta::new(t.schema.clone(), t.settings.clone(), 0);
    match std::fs::read(&file) {
        Ok(bytes) => {
            let stored: TableMeta = serde_json::from_slice(&bytes)
                .map_err(|e| format!("table '{}': '{}' is damaged: {e}", t.name, file.display()))?;
            if stored.schema != wanted.schema || stored.settings != wanted.settings {
                warnings.push(format!(
                    "table '{}': the config differs from the stored table '{}'; the stored schema and settings are used",
                    t.name,
                    file.display()
                ));
            }
            Ok(stored)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    format!(
                        "table '{}': failed to create '{}': {e}",
                        t.name,
                        dir.display()
                    )
                })?;
            }
            let bytes = serde_json::to_vec_pretty(&wanted).unwrap_or_default();
            fsutil::write_atomic(&file, &bytes).map_err(|e| {
                format!(
                    "table '{}': failed to write '{}': {e}",
                    t.name,
                    file.display()
                )
            })?;
            Ok(wanted)
        }
        Err(e) => Err(format!(
            "table '{}': failed to read '{}': {e}",
            t.name,
            file.display()
        )),
    }
}

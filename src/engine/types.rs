//! Schema, values, documents and results of the engine.

use super::index::{StoredText, TextCache};
use super::table::AttrStore;
use std::fmt;

/// Attribute types (`CREATE TABLE` column types other than `text`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AttrType {
    /// `int`, `integer`, `uint`: unsigned 32-bit.
    Uint,
    /// `bigint`: signed 64-bit.
    Bigint,
    /// `float`: 32-bit.
    Float,
    /// `bool`.
    Bool,
    /// `timestamp`: unsigned 32-bit seconds.
    Timestamp,
    /// `string`: stored, filterable, sortable text (not full-text indexed).
    String,
    /// `json`.
    Json,
    /// `multi`: a set of unsigned 32-bit values.
    Multi,
    /// `multi64`: a set of signed 64-bit values.
    Multi64,
}

impl AttrType {
    /// The type word `DESCRIBE` shows (and the HTTP API reports) for this type.
    pub fn describe_name(self) -> &'static str {
        match self {
            AttrType::Uint => "uint",
            AttrType::Bigint => "bigint",
            AttrType::Float => "float",
            AttrType::Bool => "bool",
            AttrType::Timestamp => "timestamp",
            AttrType::String => "string",
            AttrType::Json => "json",
            AttrType::Multi => "mva",
            AttrType::Multi64 => "mva64",
        }
    }
}

/// A full-text field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Field {
    pub name: String,
    /// Indexed for full-text search (`text` and `text indexed`).
    pub indexed: bool,
    /// Stored and returned by `SELECT` (`text` and `text stored`).
    pub stored: bool,
}

/// An attribute.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attr {
    pub name: String,
    pub ty: AttrType,
}

/// A table's columns (besides the implicit `id`), in declaration order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Schema {
    pub fields: Vec<Field>,
    pub attrs: Vec<Attr>,
}

impl Schema {
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| f.name.eq_ignore_ascii_case(name))
    }
    pub fn attr_index(&self, name: &str) -> Option<usize> {
        self.attrs
            .iter()
            .position(|a| a.name.eq_ignore_ascii_case(name))
    }
}

/// Text processing settings of a table (`CREATE TABLE ... option=value`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableSettings {
    /// `none`, `stem_en`, `stem_ru`, `stem_enru`, ... (comma-separated as upstream).
    pub morphology: String,
    /// Words shorter than this are not indexed (default 1).
    pub min_word_len: usize,
    /// `charset_table`; `None` = the default (Latin, Cyrillic, digits, case folding).
    pub charset_table: Option<String>,
    /// Enables `word*` prefix search for prefixes at least this long (0 = off).
    pub min_prefix_len: usize,
    /// Enables `*infix*` search for infixes at least this long (0 = off).
    pub min_infix_len: usize,
    /// Stopwords (the words themselves, already read from the files).
    pub stopwords: Vec<String>,
    /// The `stopwords` option as written (file names), for `SHOW CREATE TABLE`.
    pub stopwords_files: String,
    /// Strip HTML markup from fields before indexing.
    pub html_strip: bool,
}

impl Default for TableSettings {
    fn default() -> Self {
        TableSettings {
            morphology: "none".into(),
            min_word_len: 1,
            charset_table: None,
            min_prefix_len: 0,
            min_infix_len: 0,
            stopwords: Vec::new(),
            stopwords_files: String::new(),
            html_strip: false,
        }
    }
}

/// An attribute value.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum AttrValue {
    /// `uint`, `bigint`, `bool` (0/1), `timestamp`.
    Int(i64),
    Float(f32),
    Str(String),
    /// JSON values are kept as their text in binary encodings (which cannot carry a
    /// self-describing value).
    Json(#[serde(with = "json_text")] serde_json::Value),
    /// `multi` and `multi64`, sorted, without duplicates.
    Mva(Vec<i64>),
}

impl AttrValue {
    /// The value a new document gets when none is given.
    pub fn default_for(ty: AttrType) -> AttrValue {
        match ty {
            AttrType::Uint | AttrType::Bigint | AttrType::Bool | AttrType::Timestamp => {
                AttrValue::Int(0)
            }
            AttrType::Float => AttrValue::Float(0.0),
            AttrType::String => AttrValue::Str(String::new()),
            AttrType::Json => AttrValue::Json(serde_json::Value::Null),
            AttrType::Multi | AttrType::Multi64 => AttrValue::Mva(Vec::new()),
        }
    }
}

/// A document to write: one text per schema field, one value per schema attribute.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Document {
    /// 0 = assign the next id.
    pub id: u64,
    pub fields: Vec<String>,
    pub attrs: Vec<AttrValue>,
}

/// How a write treats an existing id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum WriteMode {
    Insert,
    Replace,
}

/// A stored document as a reader sees it.
#[derive(Debug, Clone, Copy)]
pub struct DocRef<'a> {
    pub id: u64,
    /// One per schema attribute.
    pub attrs: AttrRow<'a>,
    /// One per schema field (empty for fields that are not stored).
    pub fields: StoredFields<'a>,
}

/// The attribute values of a document: a slice, or a row of a segment's store
/// looked up when first read (a disk chunk opened at start-up decodes its rows
/// on first use, so queries that read no attribute do not wait for that).
#[derive(Debug, Clone, Copy)]
pub enum AttrRow<'a> {
    Values(&'a [AttrValue]),
    Stored(&'a AttrStore, u32),
}

impl<'a> AttrRow<'a> {
    /// The values, for as long as the store they come from.
    pub fn values(&self) -> &'a [AttrValue] {
        match *self {
            AttrRow::Values(v) => v,
            AttrRow::Stored(store, local) => store.row(local),
        }
    }
}

impl std::ops::Deref for AttrRow<'_> {
    type Target = [AttrValue];
    fn deref(&self) -> &[AttrValue] {
        self.values()
    }
}

impl<'a> From<&'a [AttrValue]> for AttrRow<'a> {
    fn from(values: &'a [AttrValue]) -> AttrRow<'a> {
        AttrRow::Values(values)
    }
}

/// The stored texts of a document's fields (read from the segment when asked
/// for: they are kept compressed).
#[derive(Debug, Clone, Copy, Default)]
pub struct StoredFields<'a> {
    text: Option<&'a StoredText>,
    local: u32,
    nfields: usize,
}

impl<'a> StoredFields<'a> {
    /// The fields of document `local` of a segment's texts.
    pub(crate) fn new(text: &'a StoredText, local: u32, nfields: usize) -> StoredFields<'a> {
        StoredFields {
            text: Some(text),
            local,
            nfields,
        }
    }
    /// Number of fields.
    pub fn len(&self) -> usize {
        self.nfields
    }
    /// True when there is no field.
    pub fn is_empty(&self) -> bool {
        self.nfields == 0
    }
    /// The text of field `i`.
    pub fn get(&self, i: usize) -> Option<String> {
        if i >= self.nfields {
            return None;
        }
        self.to_vec().into_iter().nth(i)
    }
    /// The texts, in field order.
    pub fn to_vec(&self) -> Vec<String> {
        match self.text {
            Some(t) => t.fields(self.local, self.nfields),
            None => Vec::new(),
        }
    }
    /// The texts, in field order, through `cache` (see [`TextCache`]).
    pub fn to_vec_with(&self, cache: &mut TextCache) -> Vec<String> {
        match self.text {
            Some(t) => t.fields_with(self.local, self.nfields, cache),
            None => Vec::new(),
        }
    }
}

/// Rankers (`OPTION ranker=...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ranker {
    #[default]
    ProximityBm25,
    Bm25,
    None,
    Wordcount,
    Proximity,
    Matchany,
    Sph04,
    /// The bit mask of the fields that matched (bit 0 = first field).
    Fieldmask,
}

/// How to rank a full-text query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatchOptions {
    pub ranker: Ranker,
    /// Per-field weights by field name (default 1 each).
    pub field_weights: Vec<(String, i64)>,
}

/// One matching document and its weight.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    pub doc: DocRef<'a>,
    pub weight: i64,
}

/// Per-keyword statistics for `SHOW META` (`keyword[i]`, `docs[i]`, `hits[i]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeywordStat {
    /// The keyword as normalised (case-folded, stemmed), e.g. `run` or `hell*`.
    pub keyword: String,
    pub docs: u64,
    pub hits: u64,
}

/// The result of a full-text search: every match (unsorted), and keyword stats.
#[derive(Debug, Clone)]
pub struct Matches<'a> {
    pub hits: Vec<Hit<'a>>,
    pub keywords: Vec<KeywordStat>,
}

/// An engine error, worded as upstream words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineError(pub String);

impl EngineError {
    pub fn new(msg: impl Into<String>) -> Self {
        EngineError(msg.into())
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EngineError {}

/// One word of a text as the table's tokenizer sees it (`CALL KEYWORDS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeywordForm {
    /// 1-based position of the word in the text.
    pub qpos: u32,
    /// The word after case folding.
    pub tokenized: String,
    /// The word as indexed (after morphology).
    pub normalized: String,
}

/// Serde adapter: a JSON value as its compact text.
mod json_text {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &serde_json::Value, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<serde_json::Value, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(D::Error::custom)
    }
}

//! The keys each section type accepts, as upstream Manticore knows them.
//!
//! Unknown keys are fatal; these tables decide which keys are multi-value (every value
//! kept), deprecated (a warning naming the replacement) or removed (a warning).

/// What a known key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// One value; a repeat is ignored with a warning.
    Single,
    /// Every value is kept.
    List,
    /// Still accepted, with a warning naming what to use instead.
    Deprecated(&'static str),
    /// Accepted and ignored, with a warning.
    Removed,
}

/// The section types of a config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SectionType {
    Searchd,
    Common,
    Indexer,
    Source,
    /// `index` and `table` (one namespace).
    Index,
}

impl SectionType {
    /// Looks a section type name up, case-insensitively.
    pub(crate) fn from_name(name: &str) -> Option<SectionType> {
        match name.to_ascii_lowercase().as_str() {
            "searchd" => Some(SectionType::Searchd),
            "common" => Some(SectionType::Common),
            "indexer" => Some(SectionType::Indexer),
            "source" => Some(SectionType::Source),
            "index" | "table" => Some(SectionType::Index),
            _ => None,
        }
    }

    /// Whether sections of this type carry a name (`source NAME {}`).
    pub(crate) fn is_named(self) -> bool {
        matches!(self, SectionType::Source | SectionType::Index)
    }
}

/// Looks a key up in the table of its section type (case-insensitive).
pub(crate) fn lookup(section: SectionType, key: &str) -> Option<KeyKind> {
    let key = key.to_ascii_lowercase();
    let (single, list, deprecated, removed) = match section {
        SectionType::Searchd => (SEARCHD, SEARCHD_LIST, SEARCHD_DEPRECATED, SEARCHD_REMOVED),
        SectionType::Common => (COMMON, NONE, NO_DEPRECATED, COMMON_REMOVED),
        SectionType::Indexer => (INDEXER, NONE, INDEXER_DEPRECATED, NONE),
        SectionType::Source => (SOURCE, SOURCE_LIST, NO_DEPRECATED, SOURCE_REMOVED),
        SectionType::Index => (INDEX, INDEX_LIST, INDEX_DEPRECATED, INDEX_REMOVED),
    };
    if single.contains(&key.as_str()) {
        Some(KeyKind::Single)
    } else if list.contains(&key.as_str()) {
        Some(KeyKind::List)
    } else if let Some((_, instead)) = deprecated.iter().find(|(k, _)| *k == key) {
        Some(KeyKind::Deprecated(instead))
    } else if removed.contains(&key.as_str()) {
        Some(KeyKind::Removed)
    } else {
        None
    }
}

const NONE: &[&str] = &[];
const NO_DEPRECATED: &[(&str, &str)] = &[];

const SEARCHD_LIST: &[&str] = &[
    "listen", // extension: several certificate revocation lists
    "ssl_crl",
];

const SEARCHD: &[&str] = &[
    "log",
    "query_log",
    "network_timeout",
    "client_timeout",
    "reset_network_timeout_on_packet",
    "pid_file",
    "seamless_rotate",
    "unlink_old",
    "attr_flush_period",
    "max_packet_size",
    "max_filters",
    "max_filter_values",
    "max_open_files",
    "listen_backlog",
    "listen_tfo",
    "read_buffer_docs",
    "read_buffer_hits",
    "read_buffer_columnar",
    "read_unhinted",
    "max_batch_queries",
    "subtree_docs_cache",
    "subtree_hits_cache",
    "prefork",
    "max_threads_per_query",
    "binlog_flush",
    "binlog_path",
    "binlog_max_log_size",
    "binlog_filename_digits",
    "binlog_common",
    "thread_stack",
    "expansion_limit",
    "rt_flush_period",
    "query_log_format",
    "mysql_version_string",
    "collation_server",
    "collation_libc_locale",
    "watchdog",
    "snippets_file_prefix",
    "sphinxql_state",
    "rt_merge_iops",
    "rt_merge_maxiosize",
    "ha_ping_interval",
    "ha_period_karma",
    "predicted_time_costs",
    "persistent_connections_limit",
    "shutdown_timeout",
    "query_log_min_msec",
    "agent_connect_timeout",
    "agent_query_timeout",
    "agent_retry_delay",
    "agent_retry_count",
    "net_wait_tm",
    "net_throttle_action",
    "net_throttle_accept",
    "net_send_job",
    "net_workers",
    "qcache_ttl_sec",
    "qcache_max_bytes",
    "qcache_thresh_msec",
    "sphinxql_timeout",
    "hostname_lookup",
    "query_log_mode",
    "shutdown_token",
    "timezone",
    "data_dir",
    "node_address",
    "server_id",
    "access_plain_attrs",
    "access_blob_attrs",
    "access_doclists",
    "access_hitlists",
    "access_dict",
    "docstore_cache_size",
    "skiplist_cache_size",
    "ssl_cert",
    "ssl_key",
    "ssl_ca",
    "max_connections",
    "threads",
    "jobs_queue_size",
    "not_terms_only_allowed",
    "query_log_commands",
    "auto_optimize",
    "pseudo_sharding",
    "optimize_cutoff",
    "secondary_indexes",
    "accurate_aggregation",
    "distinct_precision_threshold",
    "preopen_tables",
    "buddy_path",
    "telemetry",
    "auto_schema",
    "engine",
    "join_cache_size",
    "replication_connect_timeout",
    "replication_query_timeout",
    "replication_retry_delay",
    "replication_retry_count",
    "expansion_merge_threshold_docs",
    "expansion_merge_threshold_hits",
    "merge_buffer_attributes",
    "merge_buffer_columnar",
    "merge_buffer_storage",
    "merge_buffer_fulltext",
    "merge_buffer_dict",
    "merge_si_memlimit",
    "log_http",
    "join_batch_size",
    "diskchunk_flush_write_timeout",
    "diskchunk_flush_search_timeout",
    "kibana_version_string",
    // extension: the libssl file to load
    "ssl_library",
    // extensions: TLS beyond Manticore
    "ssl_verify_client",
    "ssl_protocols",
    "ssl_ciphers",
    "ssl_ciphersuites",
    "ssl_psk_file",
    "ssl_ocsp_response",
    "ssl_ocsp_responder",
];

const SEARCHD_DEPRECATED: &[(&str, &str)] = &[
    ("read_timeout", "network_timeout"),
    ("preopen_indexes", "preopen_tables"),
    ("read_buffer", "read_buffer_docs or read_buffer_hits"),
    ("workers", "default value"),
    ("dist_threads", "max_threads_per_query"),
    ("plugin_dir", "plugin_dir in common{..} section"),
    ("grouping_in_utc", "timezone"),
    ("prefer_rotate", "seamless_rotate"),
];

const SEARCHD_REMOVED: &[&str] = &[
    "address",
    "port",
    "max_children",
    "max_matches",
    "ondisk_dict_default",
    "mva_updates_pool",
    "prefork_rotation_throttle",
    "ondisk_attrs_default",
    "queue_max_length",
];

const COMMON: &[&str] = &[
    "lemmatizer_base",
    "on_json_attr_error",
    "json_autoconv_numbers",
    "json_autoconv_keynames",
    "plugin_dir",
    "progressive_merge",
];

const COMMON_REMOVED: &[&str] = &[
    "rlp_root",
    "rlp_environment",
    "icu_data_dir",
    "rlp_max_batch_size",
    "rlp_max_batch_docs",
];

const INDEXER: &[&str] = &[
    "mem_limit",
    "max_iops",
    "max_iosize",
    "max_xmlpipe2_field",
    "max_file_field_buffer",
    "write_buffer",
    "on_file_field_error",
    "lemmatizer_cache",
    "ignore_non_plain",
];

const INDEXER_DEPRECATED: &[(&str, &str)] = &[
    (
        "on_json_attr_error",
        "on_json_attr_error in common{..} section",
    ),
    (
        "json_autoconv_numbers",
        "json_autoconv_numbers in common{..} section",
    ),
    (
        "json_autoconv_keynames",
        "json_autoconv_keynames in common{..} section",
    ),
];

const SOURCE: &[&str] = &[
    "type",
    "sql_host",
    "sql_user",
    "sql_pass",
    "sql_db",
    "sql_port",
    "sql_sock",
    "mysql_connect_flags",
    "mysql_ssl_key",
    "mysql_ssl_cert",
    "mysql_ssl_ca",
    "mssql_winauth",
    "sql_query",
    "sql_query_range",
    "sql_range_step",
    "sql_query_killlist",
    "sql_ranged_throttle",
    "xmlpipe_command",
    "xmlpipe_fixup_utf8",
    "unpack_mysqlcompress_maxsize",
    "odbc_dsn",
    "sql_column_buffers",
    "hook_connect",
    "hook_query_range",
    "hook_post_index",
    "tsvpipe_command",
    "csvpipe_command",
    "csvpipe_delimiter",
];

const SOURCE_LIST: &[&str] = &[
    "sql_query_pre",
    "sql_query_pre_all",
    "sql_attr_uint",
    "sql_attr_bool",
    "sql_attr_timestamp",
    "sql_attr_float",
    "sql_attr_bigint",
    "sql_attr_multi",
    "sql_query_post",
    "sql_query_post_index",
    "xmlpipe_field",
    "xmlpipe_attr_uint",
    "xmlpipe_attr_timestamp",
    "xmlpipe_attr_bool",
    "xmlpipe_attr_float",
    "xmlpipe_attr_bigint",
    "xmlpipe_attr_multi",
    "xmlpipe_attr_multi_64",
    "xmlpipe_attr_string",
    "xmlpipe_attr_json",
    "xmlpipe_field_string",
    "unpack_zlib",
    "unpack_mysqlcompress",
    "sql_joined_field",
    "sql_attr_string",
    "sql_field_string",
    "sql_file_field",
    "sql_attr_json",
    "tsvpipe_field",
    "tsvpipe_attr_uint",
    "tsvpipe_attr_timestamp",
    "tsvpipe_attr_bool",
    "tsvpipe_attr_float",
    "tsvpipe_attr_bigint",
    "tsvpipe_attr_multi",
    "tsvpipe_attr_multi_64",
    "tsvpipe_attr_string",
    "tsvpipe_attr_json",
    "tsvpipe_field_string",
    "csvpipe_field",
    "csvpipe_attr_uint",
    "csvpipe_attr_timestamp",
    "csvpipe_attr_bool",
    "csvpipe_attr_float",
    "csvpipe_attr_bigint",
    "csvpipe_attr_multi",
    "csvpipe_attr_multi_64",
    "csvpipe_attr_string",
    "csvpipe_attr_json",
    "csvpipe_field_string",
];

const SOURCE_REMOVED: &[&str] = &[
    "mssql_unicode",
    "sql_attr_str2ordinal",
    "sql_query_info",
    "xmlpipe_attr_str2ordinal",
    "xmlpipe_attr_wordcount",
    "xmlpipe_field_wordcount",
    "sql_str2ordinal_column",
    "sql_attr_str2wordcount",
    "sql_field_str2wordcount",
];

const INDEX: &[&str] = &[
    "path",
    "morphology",
    "stopwords",
    "exceptions",
    "embedded_limit",
    "min_word_len",
    "charset_table",
    "ignore_chars",
    "min_prefix_len",
    "min_infix_len",
    "prefix_fields",
    "infix_fields",
    "ngram_len",
    "ngram_chars",
    "phrase_boundary",
    "phrase_boundary_step",
    "type",
    "agent_retry_count",
    "mirror_retry_count",
    "agent_connect_timeout",
    "ha_strategy",
    "agent_query_timeout",
    "html_strip",
    "html_index_attrs",
    "html_remove_elements",
    "preopen",
    "inplace_enable",
    "inplace_hit_gap",
    "inplace_reloc_factor",
    "inplace_write_factor",
    "index_exact_words",
    "min_stemming_len",
    "overshort_step",
    "stopword_step",
    "blend_chars",
    "expand_keywords",
    "hitless_words",
    "rt_mem_limit",
    "dict",
    "index_sp",
    "index_zones",
    "blend_mode",
    "bigram_freq_words",
    "bigram_index",
    "index_field_lengths",
    "divide_remote_ranges",
    "stopwords_unstemmed",
    "global_idf",
    "index_token_filter",
    "morphology_skip_fields",
    "killlist_target",
    "read_buffer_docs",
    "read_buffer_hits",
    "read_buffer_columnar",
    "read_unhinted",
    "attr_update_reserve",
    "access_plain_attrs",
    "access_blob_attrs",
    "access_doclists",
    "access_hitlists",
    "access_dict",
    "stored_fields",
    "stored_only_fields",
    "docstore_block_size",
    "docstore_compression",
    "docstore_compression_level",
    "columnar_attrs",
    "columnar_no_fast_fetch",
    "rowwise_attrs",
    "columnar_strings_no_hash",
    "optimize_cutoff",
    "engine_default",
    "knn",
    "json_secondary_indexes",
    "jieba_hmm",
    "jieba_mode",
    "jieba_user_dict_path",
    "diskchunk_flush_write_timeout",
    "diskchunk_flush_search_timeout",
];

const INDEX_LIST: &[&str] = &[
    "source",
    "wordforms",
    "local",
    "agent",
    "agent_blackhole",
    "agent_persistent",
    "rt_field",
    "rt_attr_uint",
    "rt_attr_bigint",
    "rt_attr_float",
    "rt_attr_float_vector",
    "rt_attr_timestamp",
    "rt_attr_string",
    "rt_attr_multi",
    "rt_attr_multi_64",
    "rt_attr_json",
    "rt_attr_bool",
    "regexp_filter",
];

const INDEX_DEPRECATED: &[(&str, &str)] = &[
    ("mlock", "mlock in particular access_... option"),
    ("max_substring_len", "dict=keywords"),
    ("hit_format", "default value"),
    ("ondisk_attrs", "access_plain_attrs = mmap"),
];

const INDEX_REMOVED: &[&str] = &[
    "docinfo",
    "charset_type",
    "enable_star",
    "ondisk_dict",
    "inplace_docinfo_gap",
    "rlp_context",
    "columnar_compression_uint32",
    "columnar_compression_int64",
    "columnar_subblock",
];

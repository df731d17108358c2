//! Turning statement results into packets: text or binary result sets, OK and ERR,
//! chained with SERVER_MORE_RESULTS_EXISTS.

use super::io::PacketIo;
use super::response::{self, OkInfo, MORE_RESULTS_EXISTS};
use super::resultset;
use crate::service::{Column, Outcome, QueryError, Row};

/// Where packets are queued: the connection, or a list in tests.
pub trait Sink {
    /// Queues one packet payload.
    fn push(&mut self, payload: &[u8]);
}

impl Sink for PacketIo {
    fn push(&mut self, payload: &[u8]) {
        PacketIo::push(self, payload);
    }
}

impl Sink for Vec<Vec<u8>> {
    fn push(&mut self, payload: &[u8]) {
        Vec::push(self, payload.to_vec());
    }
}

/// How rows are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFormat {
    /// COM_QUERY rows: length-encoded strings.
    Text,
    /// COM_STMT_EXECUTE rows: typed binary values.
    Binary,
}

/// How to answer: row encoding, EOF style and the session's status flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyStyle {
    /// Text or binary rows.
    pub format: RowFormat,
    /// The client asked for DEPRECATE_EOF.
    pub deprecate_eof: bool,
    /// Status flags every packet carries (autocommit).
    pub status: u16,
}

/// Queues the packets answering one command's results. An error ends the chain; a
/// result set without columns is answered as OK.
pub fn push_results(
    io: &mut impl Sink,
    results: &[Result<Outcome, QueryError>],
    style: ReplyStyle,
) {
    if results.is_empty() {
        io.push(&response::ok(&ok_info(0, 0, 0, style.status)));
        return;
    }
    for (i, result) in results.iter().enumerate() {
        let more = i + 1 < results.len();
        let status = style.status | if more { MORE_RESULTS_EXISTS } else { 0 };
        match result {
            Ok(Outcome::Rows { columns, .. }) if columns.is_empty() => {
                io.push(&response::ok(&ok_info(0, 0, 0, status)));
            }
            Ok(Outcome::Rows { columns, rows }) => {
                push_rows(io, columns, rows, style, status);
            }
            Ok(Outcome::Done {
                affected,
                last_insert_id,
                warnings,
            }) => io.push(&response::ok(&ok_info(
                *affected,
                *last_insert_id,
                *warnings,
                status,
            ))),
            Err(e) => {
                push_error(io, e);
                return;
            }
        }
    }
}

fn ok_info(affected: u64, last_insert_id: u64, warnings: u16, status: u16) -> OkInfo {
    OkInfo {
        affected,
        last_insert_id,
        status,
        warnings,
    }
}

/// Queues an ERR packet for a statement error.
pub fn push_error(io: &mut impl Sink, e: &QueryError) {
    io.push(&response::err(e.code, e.sqlstate, &e.message));
}

/// Queues one result set.
fn push_rows(io: &mut impl Sink, columns: &[Column], rows: &[Row], style: ReplyStyle, status: u16) {
    let ReplyStyle {
        format,
        deprecate_eof,
        ..
    } = style;
    io.push(&resultset::column_count(columns.len()));
    for c in columns {
        io.push(&resultset::column_definition(c));
    }
    if !deprecate_eof {
        io.push(&response::eof(status, 0));
    }
    for row in rows {
        let packet = match format {
            RowFormat::Text => resultset::text_row(row),
            RowFormat::Binary => resultset::binary_row(columns, row),
        };
        io.push(&packet);
    }
    io.push(&response::end_of_rows(deprecate_eof, status, 0));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::ColumnType;
    use crate::service::Value;

    fn style(deprecate_eof: bool) -> ReplyStyle {
        ReplyStyle {
            format: RowFormat::Text,
            deprecate_eof,
            status: 0x0002,
        }
    }

    #[test]
    fn golden_text_result_set_with_eof() {
        let rows = Outcome::Rows {
            columns: vec![Column::new("a", ColumnType::String)],
            rows: vec![vec![Value::Str("x".into())], vec![Value::Null]],
        };
        let mut out: Vec<Vec<u8>> = Vec::new();
        push_results(&mut out, &[Ok(rows), Ok(Outcome::ok())], style(false));
        let want: Vec<Vec<u8>> = vec![
            vec![0x01],
            vec![
                0x03, b'd', b'e', b'f', 0x00, 0x00, 0x00, 0x01, b'a', 0x01, b'a', 0x0C, 0x21, 0x00,
                0xFF, 0x00, 0x00, 0x00, 0xFD, 0x00, 0x00, 0x00, 0x00, 0x00,
            ],
            vec![0xFE, 0x00, 0x00, 0x0A, 0x00],
            vec![0x01, b'x'],
            vec![0xFB],
            vec![0xFE, 0x00, 0x00, 0x0A, 0x00],
            vec![0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00],
        ];
        assert_eq!(out, want);
    }

    #[test]
    fn deprecate_eof_drops_middle_eof_and_ends_with_ok() {
        let rows = Outcome::Rows {
            columns: vec![Column::new("a", ColumnType::BigInt)],
            rows: vec![vec![Value::Int(1)]],
        };
        let mut out: Vec<Vec<u8>> = Vec::new();
        push_results(&mut out, &[Ok(rows)], style(true));
        assert_eq!(out.len(), 4);
        assert_eq!(out[2], [0x01, b'1']);
        assert_eq!(out[3], [0xFE, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);
    }

    #[test]
    fn error_ends_the_chain() {
        let mut out: Vec<Vec<u8>> = Vec::new();
        let results = [
            Ok(Outcome::ok()),
            Err(QueryError::new("boom")),
            Ok(Outcome::ok()),
        ];
        push_results(&mut out, &results, style(true));
        assert_eq!(out.len(), 2);
        assert_eq!(out[0], [0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00]);
        assert_eq!(out[1], b"\xff\x28\x04#42000boom");
    }
}

//! Turning statement results into packets: text or binary result sets, OK and ERR,
//! chained with SERVER_MORE_RESULTS_EXISTS.

use super::handshake::STATUS_AUTOCOMMIT;
use super::io::PacketIo;
use super::response::{self, OkInfo, MORE_RESULTS_EXISTS};
use super::resultset;
use crate::service::{Column, Outcome, QueryError, Row};

/// How rows are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFormat {
    Text,
    Binary,
}

/// Queues the packets answering one command's results. An error ends the chain.
pub fn push_results(
    io: &mut PacketIo,
    results: &[Result<Outcome, QueryError>],
    format: RowFormat,
    deprecate_eof: bool,
) {
    if results.is_empty() {
        io.push(&response::ok(&ok_info(0, 0, 0, STATUS_AUTOCOMMIT)));
        return;
    }
    for (i, result) in results.iter().enumerate() {
        let more = i + 1 < results.len();
        let status = STATUS_AUTOCOMMIT | if more { MORE_RESULTS_EXISTS } else { 0 };
        match result {
            Ok(Outcome::Rows { columns, rows }) => {
                push_rows(io, columns, rows, format, deprecate_eof, status);
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
pub fn push_error(io: &mut PacketIo, e: &QueryError) {
    io.push(&response::err(e.code, e.sqlstate, &e.message));
}

/// Queues one result set.
pub fn push_rows(
    io: &mut PacketIo,
    columns: &[Column],
    rows: &[Row],
    format: RowFormat,
    deprecate_eof: bool,
    status: u16,
) {
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

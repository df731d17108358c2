//! Prepared statements of one connection: COM_STMT_PREPARE / EXECUTE / CLOSE / RESET /
//! SEND_LONG_DATA. Execution substitutes the parameters as SQL literals and runs the
//! text like any query.

use std::collections::HashMap;

use super::params::{self, ParamType};
use super::resultset;
use super::sqltext;
use super::wire::{Reader, WireResult};
use crate::service::{Column, ColumnType};

/// One prepared statement.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The statement text with its `?` marks.
    pub sql: String,
    /// Byte offsets of the `?` marks.
    pub placeholders: Vec<usize>,
    /// Parameter types bound by the last execute.
    pub types: Vec<ParamType>,
    /// COM_STMT_SEND_LONG_DATA values by parameter index.
    pub long_data: HashMap<u16, Vec<u8>>,
}

/// The statements of a connection.
#[derive(Debug, Default)]
pub struct Statements {
    next_id: u32,
    map: HashMap<u32, Prepared>,
}

impl Statements {
    /// Registers `sql`; returns its id and parameter count.
    pub fn prepare(&mut self, sql: &str) -> (u32, usize) {
        self.next_id = self.next_id.wrapping_add(1).max(1);
        let placeholders = sqltext::scan(sql).placeholders;
        let n = placeholders.len();
        let stmt = Prepared {
            sql: sql.to_string(),
            placeholders,
            types: Vec::new(),
            long_data: HashMap::new(),
        };
        self.map.insert(self.next_id, stmt);
        (self.next_id, n)
    }

    /// Drops a statement.
    pub fn close(&mut self, id: u32) {
        self.map.remove(&id);
    }

    /// Forgets long data sent for a statement; `false` if there is no such statement.
    pub fn reset(&mut self, id: u32) -> bool {
        self.map.get_mut(&id).map(|s| s.long_data.clear()).is_some()
    }

    /// Appends a COM_STMT_SEND_LONG_DATA chunk (unknown statements are ignored, as
    /// the command has no reply).
    pub fn long_data(&mut self, body: &[u8]) -> WireResult<()> {
        let mut r = Reader::new(body);
        let id = r.u32()?;
        let param = r.u16()?;
        if let Some(s) = self.map.get_mut(&id) {
            s.long_data
                .entry(param)
                .or_default()
                .extend_from_slice(r.rest());
        }
        Ok(())
    }

    /// Decodes an execute body into the SQL text to run. `Ok(None)`: unknown id.
    pub fn bind(&mut self, body: &[u8]) -> WireResult<Option<String>> {
        let mut r = Reader::new(body);
        let head = params::parse_head(&mut r)?;
        let Some(stmt) = self.map.get_mut(&head.stmt_id) else {
            return Ok(None);
        };
        let n = stmt.placeholders.len();
        let literals = params::decode(&mut r, n, &mut stmt.types, &stmt.long_data)?;
        stmt.long_data.clear();
        Ok(Some(sqltext::substitute(
            &stmt.sql,
            &stmt.placeholders,
            &literals,
        )))
    }
}

/// The COM_STMT_PREPARE OK packet (columns are reported by each execute; the caller
/// refuses statements with more than 65535 parameters).
pub fn prepare_ok(id: u32, params: usize) -> Vec<u8> {
    let mut out = vec![0x00];
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(params as u16).to_le_bytes());
    out.push(0);
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// The definition sent for each parameter of a prepared statement.
pub fn param_definition() -> Vec<u8> {
    resultset::column_definition(&Column::new("?", ColumnType::String))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_prepare_ok() {
        assert_eq!(
            prepare_ok(1, 2),
            [0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00]
        );
    }

    #[test]
    fn prepare_bind_close() {
        let mut s = Statements::default();
        let (id, n) = s.prepare("select * from t where id=? and s=?");
        assert_eq!(n, 2);
        let mut body = id.to_le_bytes().to_vec();
        body.extend_from_slice(&[0, 1, 0, 0, 0]);
        body.extend_from_slice(&[0b10, 1, 0x08, 0, 0xFD, 0]);
        body.extend_from_slice(&7i64.to_le_bytes());
        let sql = s.bind(&body).unwrap().unwrap();
        assert_eq!(sql, "select * from t where id=7 and s=NULL");
        s.close(id);
        assert_eq!(s.bind(&body), Ok(None));
        assert!(s.bind(&[1, 2]).is_err());
    }

    #[test]
    fn long_data_is_used_once() {
        let mut s = Statements::default();
        let (id, _) = s.prepare("select ?");
        let mut chunk = id.to_le_bytes().to_vec();
        chunk.extend_from_slice(&[0, 0]);
        chunk.extend_from_slice(b"abc");
        s.long_data(&chunk).unwrap();
        let mut body = id.to_le_bytes().to_vec();
        body.extend_from_slice(&[0, 1, 0, 0, 0, 0, 1, 0xFC, 0]);
        assert_eq!(s.bind(&body).unwrap().unwrap(), "select 'abc'");
        assert!(s.reset(id));
        assert!(!s.reset(id + 1));
    }
}

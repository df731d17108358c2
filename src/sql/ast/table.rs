//! Table statements: `CREATE`/`ALTER` and the writes (`INSERT`, `REPLACE`,
//! `UPDATE`, `DELETE`).

use super::Expr;

/// `CREATE TABLE [IF NOT EXISTS] name (columns) [option = value ...]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateTable {
    /// The table name.
    pub name: String,
    /// `IF NOT EXISTS` was given.
    pub if_not_exists: bool,
    /// The columns, in declaration order.
    pub columns: Vec<ColumnDef>,
    /// Table options, names lower-cased, values as written.
    pub options: Vec<(String, String)>,
}

/// One column of a `CREATE TABLE` or `ALTER TABLE ... ADD COLUMN`.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    /// The column name.
    pub name: String,
    /// The type word, lower-cased (`text`, `int`, `multi64`...).
    pub ty: String,
    /// Flags after the type, lower-cased (`indexed`, `stored`).
    pub flags: Vec<String>,
}

/// `ALTER TABLE name ADD COLUMN c type` / `DROP COLUMN c`.
#[derive(Debug, Clone, PartialEq)]
pub struct Alter {
    /// The table name.
    pub table: String,
    /// What changes.
    pub action: AlterAction,
}

/// The change an `ALTER TABLE` makes.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterAction {
    /// `ADD COLUMN`.
    Add(ColumnDef),
    /// `DROP COLUMN`.
    Drop(String),
}

/// `INSERT|REPLACE INTO t [(cols)] VALUES (...), (...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    /// `REPLACE` rather than `INSERT`.
    pub replace: bool,
    /// The table name.
    pub table: String,
    /// The column list, if given.
    pub columns: Vec<String>,
    /// The rows of values.
    pub rows: Vec<Vec<Expr>>,
}

/// `UPDATE t SET a = v, ... WHERE cond [OPTION ...]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    /// The table name.
    pub table: String,
    /// The assignments, in order.
    pub set: Vec<(String, Expr)>,
    /// The `WHERE` condition (required, as upstream's grammar requires it).
    pub filter: Expr,
}

/// `DELETE FROM t WHERE cond`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    /// The table name.
    pub table: String,
    /// The `WHERE` condition (required, as upstream's grammar requires it).
    pub filter: Expr,
}

/// `CALL name(value [AS option], ...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The procedure name, upper-cased.
    pub name: String,
    /// The arguments, in order.
    pub args: Vec<CallArg>,
}

/// One argument of a `CALL`: a value, named when it sets an option (`1 AS stats`).
#[derive(Debug, Clone, PartialEq)]
pub struct CallArg {
    /// The value.
    pub value: Expr,
    /// The option it sets, lower-cased, if any.
    pub option: Option<String>,
}

//! The SphinxQL syntax tree.
//!
//! Session statements (`SET`, transactions, `SHOW`), queries (`SELECT`, with or
//! without `FROM`), and the table statements of [`table`] (DDL and writes).

mod table;

pub use table::*;

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `SELECT expr [AS alias], ... [LIMIT [offset,] count]` without `FROM`.
    Select(Select),
    /// `SET ...`.
    Set(Set),
    /// `BEGIN`, `START TRANSACTION`, `COMMIT`, `ROLLBACK`.
    Transaction(Transaction),
    /// `SHOW ...`.
    Show(Show),
    /// `CREATE TABLE`.
    CreateTable(CreateTable),
    /// `DROP TABLE [IF EXISTS] name`.
    DropTable {
        /// The table.
        name: String,
        /// `IF EXISTS` was given.
        if_exists: bool,
    },
    /// `TRUNCATE TABLE name`.
    Truncate(String),
    /// `DESCRIBE name [LIKE 'pattern']` / `DESC ...`.
    Describe {
        /// The table.
        table: String,
        /// The `LIKE` pattern over field names, if any.
        like: Option<String>,
    },
    /// `ALTER TABLE name ADD|DROP COLUMN ...`.
    Alter(Alter),
    /// `INSERT` / `REPLACE`.
    Insert(Insert),
    /// `UPDATE`.
    Update(Update),
    /// `DELETE`.
    Delete(Delete),
    /// `RELOAD TLS`.
    ReloadTls,
    /// `FLUSH RAMCHUNK name`: write the table's in-memory data to its disk chunk.
    FlushRamchunk(String),
    /// `OPTIMIZE TABLE name [OPTION cutoff=N]`: merge the table's disk chunks in
    /// the background, down to `cutoff` chunks (1 by default).
    Optimize {
        /// The table.
        table: String,
        /// `OPTION cutoff=N`, if given.
        cutoff: Option<u64>,
    },
    /// `CALL name(args)` (`CALL KEYWORDS`).
    Call(Call),
}

/// `SELECT`, with or without `FROM`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Select {
    /// The select list, in order.
    pub items: Vec<SelectItem>,
    /// The tables after `FROM` (empty without `FROM`).
    pub from: Vec<String>,
    /// `WHERE`, if given.
    pub filter: Option<Expr>,
    /// `GROUP BY` keys.
    pub group_by: Vec<Expr>,
    /// `WITHIN GROUP ORDER BY` keys.
    pub within_group: Vec<OrderKey>,
    /// `HAVING`, if given.
    pub having: Option<Expr>,
    /// `ORDER BY` keys.
    pub order_by: Vec<OrderKey>,
    /// `LIMIT`, if given.
    pub limit: Option<Limit>,
    /// `OPTION name=value, ...`.
    pub options: Vec<QueryOption>,
    /// `FACET ...` clauses, in order.
    pub facets: Vec<Facet>,
}

/// One `ORDER BY` key.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderKey {
    /// What is sorted on.
    pub expr: Expr,
    /// `DESC` was given.
    pub desc: bool,
}

/// One `OPTION name = value`.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryOption {
    /// The option name, lower-cased.
    pub name: String,
    /// The value.
    pub value: OptionValue,
}

/// The value of an `OPTION`.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    /// A number, string or bare word.
    Expr(Expr),
    /// `(name = value, ...)`, as `field_weights` takes.
    Map(Vec<(String, Expr)>),
}

/// `FACET expr [AS alias], ... [BY expr] [ORDER BY ...] [LIMIT ...]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Facet {
    /// The facet's select items (grouped on the first unless `BY` is given).
    pub items: Vec<SelectItem>,
    /// `BY` keys, if given.
    pub by: Vec<Expr>,
    /// `ORDER BY` keys.
    pub order_by: Vec<OrderKey>,
    /// `LIMIT`, if given.
    pub limit: Option<Limit>,
}

/// One select-list item.
#[derive(Debug, Clone)]
pub struct SelectItem {
    /// The value.
    pub expr: Expr,
    /// `AS alias`, if given.
    pub alias: Option<String>,
    /// The expression exactly as the client wrote it (the default column name).
    pub text: String,
}

/// Items compare by meaning: the source text is layout, not structure.
impl PartialEq for SelectItem {
    fn eq(&self, other: &Self) -> bool {
        self.expr == other.expr && self.alias == other.alias
    }
}

impl SelectItem {
    /// The result column name: the alias, else the text as written.
    pub fn column_name(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.text)
    }
}

/// `LIMIT [offset,] count` (also `LIMIT count OFFSET offset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Rows to skip.
    pub offset: u64,
    /// Rows to return at most.
    pub count: u64,
}

/// `GLOBAL`, `SESSION` or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// No scope word (the session's value).
    #[default]
    Default,
    /// `SESSION` / `LOCAL` / `@@session.`.
    Session,
    /// `GLOBAL` / `@@global.`.
    Global,
}

/// A value expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `NULL`.
    Null,
    /// An integer literal (negative numbers are `Unary(Neg, Int)`).
    Int(u64),
    /// A float literal.
    Float(f64),
    /// A string literal, escapes resolved.
    Str(String),
    /// `@@name`, `@@session.name`, `@@global.name`.
    SysVar {
        /// The prefix written, if any.
        scope: Scope,
        /// The name as written, prefix removed.
        name: String,
    },
    /// `@name`.
    UserVar(String),
    /// A bare or backquoted name (a column, once tables exist).
    Ident(String),
    /// `name(args)`; the name keeps the case it was written in.
    Call {
        /// The function name.
        name: String,
        /// The arguments, in order.
        args: Vec<Expr>,
    },
    /// A prefix operator applied to an operand.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        expr: Box<Expr>,
    },
    /// `*` as a select item or in `COUNT(*)`.
    Star,
    /// `(a, b, ...)`: an MVA value in `INSERT`, or `()` for an empty one.
    Tuple(Vec<Expr>),
    /// `COUNT(DISTINCT expr)`.
    CountDistinct(Box<Expr>),
    /// `expr [NOT] IN (list)`.
    In {
        /// The tested value.
        expr: Box<Expr>,
        /// The candidates.
        list: Vec<Expr>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `expr [NOT] BETWEEN low AND high`.
    Between {
        /// The tested value.
        expr: Box<Expr>,
        /// The lower bound (inclusive).
        low: Box<Expr>,
        /// The upper bound (inclusive).
        high: Box<Expr>,
        /// `NOT BETWEEN`.
        negated: bool,
    },
    /// An infix operator.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// The left operand.
        left: Box<Expr>,
        /// The right operand.
        right: Box<Expr>,
    },
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`.
    Neg,
    /// `NOT x` / `!x`.
    Not,
}

/// Infix operators, loosest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `OR` / `||`.
    Or,
    /// `AND` / `&&`.
    And,
    /// `=`.
    Eq,
    /// `!=` / `<>`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/` (a float result).
    Div,
    /// `DIV` (an integer result).
    IntDiv,
    /// `%` / `MOD`.
    Mod,
}

impl BinaryOp {
    /// Binding strength: higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => 4,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::IntDiv | BinaryOp::Mod => 6,
        }
    }

    /// The SQL spelling.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "OR",
            BinaryOp::And => "AND",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::IntDiv => "DIV",
            BinaryOp::Mod => "%",
        }
    }
}

/// The forms of `SET`.
#[derive(Debug, Clone, PartialEq)]
pub enum Set {
    /// `SET [GLOBAL|SESSION] a = 1, @u = 2, @@session.b = 3`.
    Assign(Vec<Assignment>),
    /// `SET NAMES charset [COLLATE collation]` (`DEFAULT` reads as the charset).
    Names {
        /// The character set named.
        charset: String,
        /// The collation, if given.
        collate: Option<String>,
    },
    /// `SET CHARACTER SET charset` / `SET CHARSET charset`.
    CharacterSet(String),
    /// `SET [GLOBAL|SESSION] TRANSACTION ...`.
    Transaction {
        /// The scope word, if any.
        scope: Scope,
        /// The characteristic words, upper-cased (`,` kept as a word).
        words: Vec<String>,
    },
}

/// One `target = value` of a `SET`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// What is assigned.
    pub target: SetTarget,
    /// The value (a bare word such as `ON` is an [`Expr::Ident`]).
    pub value: Expr,
}

/// What a `SET` assigns to.
#[derive(Debug, Clone, PartialEq)]
pub enum SetTarget {
    /// A server variable.
    System {
        /// The scope in force for this assignment.
        scope: Scope,
        /// The name, lower-cased.
        name: String,
    },
    /// `@name`.
    User(String),
}

/// Transaction control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transaction {
    /// `BEGIN [WORK]`.
    Begin,
    /// `START TRANSACTION`.
    StartTransaction,
    /// `COMMIT [WORK]`.
    Commit,
    /// `ROLLBACK [WORK]`.
    Rollback,
}

/// The forms of `SHOW`.
#[derive(Debug, Clone, PartialEq)]
pub enum Show {
    /// `SHOW [GLOBAL|SESSION] VARIABLES [LIKE 'p' | WHERE expr]`.
    Variables {
        /// The scope word, if any.
        scope: Scope,
        /// The filter, if any.
        filter: Option<ShowFilter>,
    },
    /// `SHOW [GLOBAL|SESSION] STATUS [LIKE 'p']`.
    Status {
        /// The scope word, if any.
        scope: Scope,
        /// The `LIKE` pattern, if any.
        like: Option<String>,
    },
    /// `SHOW WARNINGS`.
    Warnings,
    /// `SHOW THREADS`.
    Threads,
    /// `SHOW TABLES [LIKE 'p']`.
    Tables {
        /// The `LIKE` pattern, if any.
        like: Option<String>,
    },
    /// `SHOW DATABASES [LIKE 'p']`.
    Databases {
        /// The `LIKE` pattern, if any.
        like: Option<String>,
    },
    /// `SHOW META [LIKE 'p']`.
    Meta {
        /// The `LIKE` pattern, if any.
        like: Option<String>,
    },
    /// `SHOW COLLATION`.
    Collation,
    /// `SHOW CHARACTER SET`.
    CharacterSet,
    /// `SHOW TABLE name STATUS [LIKE 'p']` (also `SHOW INDEX name STATUS`).
    TableStatus {
        /// The table.
        table: String,
        /// The `LIKE` pattern, if any.
        like: Option<String>,
    },
    /// `SHOW CREATE TABLE name`.
    CreateTable(String),
}

/// `LIKE 'pattern'` or `WHERE expr` after `SHOW VARIABLES`.
#[derive(Debug, Clone, PartialEq)]
pub enum ShowFilter {
    /// A `LIKE` pattern.
    Like(String),
    /// A condition over `Variable_name` and `Value`.
    Where(Expr),
}

//! The SphinxQL syntax tree.
//!
//! Statements the daemon understands so far are the session statements every
//! connector sends (`SELECT` without `FROM`, `SET`, transactions, `SHOW`). The tree is
//! built to grow: new statement families become new [`Statement`] variants.

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
}

/// `SELECT` without `FROM`.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub items: Vec<SelectItem>,
    pub limit: Option<Limit>,
}

/// One select-list item.
#[derive(Debug, Clone)]
pub struct SelectItem {
    pub expr: Expr,
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
    pub offset: u64,
    pub count: u64,
}

/// `GLOBAL`, `SESSION` or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    Default,
    Session,
    Global,
}

/// A value expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Null,
    /// An integer literal (negative numbers are `Unary(Neg, Int)`).
    Int(u64),
    Float(f64),
    Str(String),
    /// `@@name`, `@@session.name`, `@@global.name`.
    SysVar { scope: Scope, name: String },
    /// `@name`.
    UserVar(String),
    /// A bare or backquoted name (a column, once tables exist).
    Ident(String),
    /// `name(args)`; the name keeps the case it was written in.
    Call { name: String, args: Vec<Expr> },
    Unary { op: UnaryOp, expr: Box<Expr> },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

/// Infix operators, loosest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    IntDiv,
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
        charset: String,
        collate: Option<String>,
    },
    /// `SET CHARACTER SET charset` / `SET CHARSET charset`.
    CharacterSet(String),
    /// `SET [GLOBAL|SESSION] TRANSACTION ...`: the characteristic words, upper-cased.
    Transaction { scope: Scope, words: Vec<String> },
}

/// One `target = value` of a `SET`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub target: SetTarget,
    pub value: Expr,
}

/// What a `SET` assigns to.
#[derive(Debug, Clone, PartialEq)]
pub enum SetTarget {
    /// A server variable (names are kept lower-cased).
    System { scope: Scope, name: String },
    /// `@name`.
    User(String),
}

/// Transaction control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transaction {
    Begin,
    StartTransaction,
    Commit,
    Rollback,
}

/// The forms of `SHOW`.
#[derive(Debug, Clone, PartialEq)]
pub enum Show {
    Variables {
        scope: Scope,
        filter: Option<ShowFilter>,
    },
    Status {
        scope: Scope,
        like: Option<String>,
    },
    Warnings,
    Threads,
    Tables { like: Option<String> },
    Databases { like: Option<String> },
    Meta { like: Option<String> },
    Collation,
    CharacterSet,
}

/// `LIKE 'pattern'` or `WHERE expr` after `SHOW VARIABLES`.
#[derive(Debug, Clone, PartialEq)]
pub enum ShowFilter {
    Like(String),
    Where(Expr),
}

//! Table statements: `CREATE`, `DROP`, `TRUNCATE`, `DESCRIBE`, `ALTER`, the writes,
//! and `RELOAD TLS`.

use super::{ParseError, Parser};
use crate::sql::ast::{
    Alter, AlterAction, Call, CallArg, ColumnDef, CreateTable, Delete, Expr, Insert, Statement,
    Update,
};
use crate::sql::lexer::TokenKind;

impl Parser<'_> {
    /// A statement starting with `word` other than the session statements.
    pub(super) fn table_statement(&mut self, word: &str) -> Result<Statement, ParseError> {
        match word {
            "CREATE" => self.create_table().map(Statement::CreateTable),
            "DROP" => self.drop_table(),
            "TRUNCATE" => self.truncate(),
            "DESC" | "DESCRIBE" => {
                self.pos += 1;
                let table = self.name()?;
                let like = self.opt_like()?;
                Ok(Statement::Describe { table, like })
            }
            "ALTER" => self.alter().map(Statement::Alter),
            "INSERT" | "REPLACE" => self.insert().map(Statement::Insert),
            "UPDATE" => self.update().map(Statement::Update),
            "DELETE" => self.delete().map(Statement::Delete),
            "CALL" => self.call().map(Statement::Call),
            "FLUSH" => {
                self.pos += 1;
                self.expect_kw("RAMCHUNK")?;
                Ok(Statement::FlushRamchunk(self.name()?))
            }
            "OPTIMIZE" => {
                self.pos += 1;
                self.expect_kw("TABLE")?;
                let table = self.name()?;
                let mut cutoff = None;
                if self.eat_kw("OPTION") {
                    self.expect_kw("CUTOFF")?;
                    self.expect_op("=")?;
                    cutoff = Some(self.uint()?);
                }
                Ok(Statement::Optimize { table, cutoff })
            }
            "RELOAD" => {
                self.pos += 1;
                self.expect_kw("TLS")?;
                Ok(Statement::ReloadTls)
            }
            _ => Err(self.unexpected()),
        }
    }

    fn call(&mut self) -> Result<Call, ParseError> {
        self.expect_kw("CALL")?;
        let name = self.name()?.to_ascii_uppercase();
        self.expect_op("(")?;
        let mut args = Vec::new();
        loop {
            let value = self.expr()?;
            let option = if self.eat_kw("AS") {
                Some(self.name()?.to_ascii_lowercase())
            } else {
                None
            };
            args.push(CallArg { value, option });
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_op(")")?;
        Ok(Call { name, args })
    }

    fn create_table(&mut self) -> Result<CreateTable, ParseError> {
        self.expect_kw("CREATE")?;
        self.expect_kw("TABLE")?;
        let if_not_exists = self.eat_kw("IF");
        if if_not_exists {
            self.expect_kw("NOT")?;
            self.expect_kw("EXISTS")?;
        }
        let name = self.name()?;
        self.expect_op("(")?;
        let mut columns = vec![self.column_def()?];
        while self.eat_op(",") {
            columns.push(self.column_def()?);
        }
        self.expect_op(")")?;
        let mut options = Vec::new();
        while matches!(self.peek_kind(), Some(TokenKind::Ident(_))) {
            let key = self.name()?.to_ascii_lowercase();
            self.expect_op("=")?;
            options.push((key, self.option_text()?));
        }
        Ok(CreateTable {
            name,
            if_not_exists,
            columns,
            options,
        })
    }

    /// A table option's value: a string, a number or a bare word.
    fn option_text(&mut self) -> Result<String, ParseError> {
        let text = match self.peek_kind() {
            Some(TokenKind::Str(s) | TokenKind::Int(s) | TokenKind::Ident(s)) => s.clone(),
            _ => return Err(self.unexpected()),
        };
        self.pos += 1;
        Ok(text)
    }

    fn column_def(&mut self) -> Result<ColumnDef, ParseError> {
        let name = self.name()?;
        let ty = self.name()?.to_ascii_lowercase();
        let mut flags = Vec::new();
        while let Some(TokenKind::Ident(w)) = self.peek_kind() {
            let w = w.to_ascii_lowercase();
            if !matches!(w.as_str(), "indexed" | "stored" | "attribute") {
                break;
            }
            flags.push(w);
            self.pos += 1;
        }
        Ok(ColumnDef { name, ty, flags })
    }

    fn drop_table(&mut self) -> Result<Statement, ParseError> {
        self.expect_kw("DROP")?;
        self.expect_kw("TABLE")?;
        let if_exists = self.eat_kw("IF");
        if if_exists {
            self.expect_kw("EXISTS")?;
        }
        let name = self.name()?;
        Ok(Statement::DropTable { name, if_exists })
    }

    fn truncate(&mut self) -> Result<Statement, ParseError> {
        self.expect_kw("TRUNCATE")?;
        self.expect_kw("TABLE")?;
        let name = self.name()?;
        if self.eat_kw("WITH") {
            self.expect_kw("RECONFIGURE")?;
        }
        Ok(Statement::Truncate(name))
    }

    fn alter(&mut self) -> Result<Alter, ParseError> {
        self.expect_kw("ALTER")?;
        self.expect_kw("TABLE")?;
        let table = self.name()?;
        let action = if self.eat_kw("ADD") {
            self.expect_kw("COLUMN")?;
            AlterAction::Add(self.column_def()?)
        } else {
            self.expect_kw("DROP")?;
            self.expect_kw("COLUMN")?;
            AlterAction::Drop(self.name()?)
        };
        Ok(Alter { table, action })
    }

    fn insert(&mut self) -> Result<Insert, ParseError> {
        let replace = self.eat_kw("REPLACE");
        if !replace {
            self.expect_kw("INSERT")?;
        }
        self.expect_kw("INTO")?;
        let table = self.name()?;
        let mut columns = Vec::new();
        if self.eat_op("(") {
            columns.push(self.name()?);
            while self.eat_op(",") {
                columns.push(self.name()?);
            }
            self.expect_op(")")?;
        }
        self.expect_kw("VALUES")?;
        let mut rows = vec![self.value_row()?];
        while self.eat_op(",") {
            rows.push(self.value_row()?);
        }
        Ok(Insert {
            replace,
            table,
            columns,
            rows,
        })
    }

    fn value_row(&mut self) -> Result<Vec<Expr>, ParseError> {
        self.expect_op("(")?;
        let mut row = vec![self.value()?];
        while self.eat_op(",") {
            row.push(self.value()?);
        }
        self.expect_op(")")?;
        Ok(row)
    }

    /// A written value: `(a, b, ...)` is always an MVA set here, even with one
    /// element.
    fn value(&mut self) -> Result<Expr, ParseError> {
        if !self.eat_op("(") {
            return self.expr();
        }
        if self.eat_op(")") {
            return Ok(Expr::Tuple(Vec::new()));
        }
        let items = self.expr_list()?;
        self.expect_op(")")?;
        Ok(Expr::Tuple(items))
    }

    fn update(&mut self) -> Result<Update, ParseError> {
        self.expect_kw("UPDATE")?;
        let table = self.name()?;
        self.expect_kw("SET")?;
        let mut set = Vec::new();
        loop {
            let col = self.name()?;
            self.expect_op("=")?;
            set.push((col, self.value()?));
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_kw("WHERE")?;
        let filter = self.expr()?;
        if self.eat_kw("OPTION") {
            self.query_options()?;
        }
        Ok(Update { table, set, filter })
    }

    fn delete(&mut self) -> Result<Delete, ParseError> {
        self.expect_kw("DELETE")?;
        self.expect_kw("FROM")?;
        let table = self.name()?;
        self.expect_kw("WHERE")?;
        let filter = self.expr()?;
        Ok(Delete { table, filter })
    }
}

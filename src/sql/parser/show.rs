//! `SHOW` statements.

use super::{ParseError, Parser};
use crate::sql::ast::{Scope, Show, ShowFilter};

impl Parser<'_> {
    pub(super) fn show(&mut self) -> Result<Show, ParseError> {
        self.expect_kw("SHOW")?;
        let scope = self.opt_scope();
        if self.eat_kw("VARIABLES") {
            let filter = if self.eat_kw("WHERE") {
                Some(ShowFilter::Where(self.expr()?))
            } else {
                self.opt_like()?.map(ShowFilter::Like)
            };
            return Ok(Show::Variables { scope, filter });
        }
        if self.eat_kw("STATUS") {
            let like = self.opt_like()?;
            return Ok(Show::Status { scope, like });
        }
        if scope != Scope::Default {
            return Err(self.unexpected());
        }
        self.show_other()
    }

    fn show_other(&mut self) -> Result<Show, ParseError> {
        if self.eat_kw("WARNINGS") {
            return Ok(Show::Warnings);
        }
        if self.eat_kw("THREADS") {
            return Ok(Show::Threads);
        }
        if self.eat_kw("TABLES") {
            return Ok(Show::Tables {
                like: self.opt_like()?,
            });
        }
        if self.eat_kw("TABLE") || self.eat_kw("INDEX") {
            let table = self.name()?;
            self.expect_kw("STATUS")?;
            let like = self.opt_like()?;
            return Ok(Show::TableStatus { table, like });
        }
        if self.eat_kw("DATABASES") {
            return Ok(Show::Databases {
                like: self.opt_like()?,
            });
        }
        if self.eat_kw("META") {
            return Ok(Show::Meta {
                like: self.opt_like()?,
            });
        }
        if self.eat_kw("COLLATION") {
            return Ok(Show::Collation);
        }
        if self.eat_kw("CREATE") {
            self.expect_kw("TABLE")?;
            return Ok(Show::CreateTable(self.name()?));
        }
        if self.eat_kw("CHARACTER") {
            self.expect_kw("SET")?;
            return Ok(Show::CharacterSet);
        }
        Err(self.unexpected())
    }
}

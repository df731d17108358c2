//! `SELECT`: the select list, `FROM`, `WHERE`, grouping, ordering, `LIMIT`,
//! `OPTION` and `FACET`.

use super::{is_keyword, ParseError, Parser};
use crate::sql::ast::{Expr, Facet, Limit, OptionValue, OrderKey, QueryOption, Select, SelectItem};
use crate::sql::lexer::TokenKind;

impl Parser<'_> {
    pub(super) fn select(&mut self) -> Result<Select, ParseError> {
        self.expect_kw("SELECT")?;
        let mut s = Select {
            items: self.select_items()?,
            ..Select::default()
        };
        if self.eat_kw("FROM") {
            s.from.push(self.name()?);
            while self.eat_op(",") {
                s.from.push(self.name()?);
            }
        }
        if self.eat_kw("WHERE") {
            s.filter = Some(self.expr()?);
        }
        if self.eat_kw("GROUP") {
            self.expect_kw("BY")?;
            s.group_by = self.expr_list()?;
        }
        if self.eat_kw("WITHIN") {
            self.expect_kw("GROUP")?;
            self.expect_kw("ORDER")?;
            self.expect_kw("BY")?;
            s.within_group = self.order_keys()?;
        }
        if self.eat_kw("HAVING") {
            s.having = Some(self.expr()?);
        }
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            s.order_by = self.order_keys()?;
        }
        if self.eat_kw("LIMIT") {
            s.limit = Some(self.limit()?);
        }
        if self.eat_kw("OPTION") {
            s.options = self.query_options()?;
        }
        while self.eat_kw("FACET") {
            s.facets.push(self.facet()?);
        }
        Ok(s)
    }

    fn select_items(&mut self) -> Result<Vec<SelectItem>, ParseError> {
        let mut items = vec![self.select_item()?];
        while self.eat_op(",") {
            items.push(self.select_item()?);
        }
        Ok(items)
    }

    fn select_item(&mut self) -> Result<SelectItem, ParseError> {
        let start = self.peek().map_or(self.text.len(), |t| t.start);
        let expr = self.expr()?;
        let end = self
            .tokens
            .get(self.pos.wrapping_sub(1))
            .map_or(start, |t| t.end);
        let text = self.text.get(start..end).unwrap_or("").to_string();
        let alias = if self.eat_kw("AS") {
            Some(self.name_or_string()?)
        } else {
            match self.peek_kind() {
                Some(TokenKind::Ident(w)) if !is_keyword(w) => Some(self.name()?),
                Some(TokenKind::BackIdent(_)) => Some(self.name()?),
                _ => None,
            }
        };
        Ok(SelectItem { expr, alias, text })
    }

    pub(super) fn expr_list(&mut self) -> Result<Vec<Expr>, ParseError> {
        let mut list = vec![self.expr()?];
        while self.eat_op(",") {
            list.push(self.expr()?);
        }
        Ok(list)
    }

    fn order_keys(&mut self) -> Result<Vec<OrderKey>, ParseError> {
        let mut keys = Vec::new();
        loop {
            let expr = self.expr()?;
            let desc = if self.eat_kw("DESC") {
                true
            } else {
                self.eat_kw("ASC");
                false
            };
            keys.push(OrderKey { expr, desc });
            if !self.eat_op(",") {
                return Ok(keys);
            }
        }
    }

    pub(super) fn limit(&mut self) -> Result<Limit, ParseError> {
        let first = self.uint()?;
        if self.eat_op(",") {
            let count = self.uint()?;
            return Ok(Limit {
                offset: first,
                count,
            });
        }
        let offset = if self.eat_kw("OFFSET") {
            self.uint()?
        } else {
            0
        };
        Ok(Limit {
            offset,
            count: first,
        })
    }

    pub(super) fn query_options(&mut self) -> Result<Vec<QueryOption>, ParseError> {
        let mut out = Vec::new();
        loop {
            let name = self.name()?.to_ascii_lowercase();
            self.expect_op("=")?;
            let value = if self.eat_op("(") {
                OptionValue::Map(self.option_map()?)
            } else {
                OptionValue::Expr(self.expr()?)
            };
            out.push(QueryOption { name, value });
            if !self.eat_op(",") {
                return Ok(out);
            }
        }
    }

    fn option_map(&mut self) -> Result<Vec<(String, Expr)>, ParseError> {
        let mut pairs = Vec::new();
        loop {
            let key = self.name()?;
            self.expect_op("=")?;
            pairs.push((key, self.expr()?));
            if !self.eat_op(",") {
                self.expect_op(")")?;
                return Ok(pairs);
            }
        }
    }

    fn facet(&mut self) -> Result<Facet, ParseError> {
        let items = self.select_items()?;
        let by = if self.eat_kw("BY") {
            self.expr_list()?
        } else {
            Vec::new()
        };
        let order_by = if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            self.order_keys()?
        } else {
            Vec::new()
        };
        let limit = if self.eat_kw("LIMIT") {
            Some(self.limit()?)
        } else {
            None
        };
        Ok(Facet {
            items,
            by,
            order_by,
            limit,
        })
    }
}

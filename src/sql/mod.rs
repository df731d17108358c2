//! SphinxQL. (Temporary shim in the lead's branch; replaced at merge.)

use std::sync::Arc;

use crate::service::{Outcome, QueryError, ServerState, Service, Session};

pub struct SqlService {
    state: Arc<ServerState>,
}

impl SqlService {
    pub fn new(state: Arc<ServerState>) -> Self {
        SqlService { state }
    }
}

impl Service for SqlService {
    fn query(&self, _session: &mut Session, _sql: &str) -> Vec<Result<Outcome, QueryError>> {
        vec![Err(QueryError::new("not yet"))]
    }
    fn statistics(&self) -> String {
        String::new()
    }
    fn state(&self) -> &Arc<ServerState> {
        &self.state
    }
}

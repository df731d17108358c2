//! Every error the HTTP API reports, with its status and its JSON body, in one table.

use hyper::{Response, StatusCode};

use super::ojson::J;
use super::response::{self, Body};
use crate::service::QueryError;

/// What went wrong, as far as the client needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The body is not valid JSON (or not valid NDJSON on a line).
    Parse,
    /// Valid JSON that asks for something malformed or of the wrong type.
    IllegalArgument,
    /// The table does not exist.
    TableNotFound,
    /// A document with that id already exists.
    Conflict,
    /// The statement failed while running.
    Execution,
    /// A write on a read-only listener.
    ReadOnly,
    /// The body is over `max_packet_size`.
    TooLarge,
    /// The client stopped sending its body for `network_timeout`.
    Timeout,
    /// A `Content-Encoding` we do not decode.
    UnsupportedEncoding,
    /// No such endpoint.
    UnsupportedEndpoint,
    /// Too many connections.
    MaxedOut,
}

/// The one table: status and `type` of each kind.
pub fn describe(kind: Kind) -> (StatusCode, &'static str) {
    match kind {
        Kind::Parse => (StatusCode::BAD_REQUEST, "parse_exception"),
        Kind::IllegalArgument => (StatusCode::BAD_REQUEST, "illegal_argument_exception"),
        Kind::TableNotFound => (StatusCode::NOT_FOUND, "index_not_found_exception"),
        Kind::Conflict => (StatusCode::CONFLICT, "action_request_validation_exception"),
        Kind::Execution => (StatusCode::INTERNAL_SERVER_ERROR, "runtime_exception"),
        Kind::ReadOnly => (StatusCode::FORBIDDEN, "security_exception"),
        Kind::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "request_too_large_exception"),
        Kind::Timeout => (StatusCode::REQUEST_TIMEOUT, "timeout_exception"),
        Kind::UnsupportedEncoding => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_encoding_exception",
        ),
        Kind::UnsupportedEndpoint => (StatusCode::NOT_IMPLEMENTED, "unsupported_endpoint"),
        Kind::MaxedOut => (StatusCode::SERVICE_UNAVAILABLE, "maxed_out_exception"),
    }
}

/// An error with its reason and, when known, the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// What kind of error (decides status and `type`).
    pub kind: Kind,
    /// The message.
    pub reason: String,
    /// The table the request was about, when known.
    pub table: Option<String>,
}

impl ApiError {
    /// An error of `kind` saying `reason`.
    pub fn new(kind: Kind, reason: impl Into<String>) -> Self {
        ApiError {
            kind,
            reason: reason.into(),
            table: None,
        }
    }

    /// A request that is valid JSON but asks for something malformed.
    pub fn illegal(reason: impl Into<String>) -> Self {
        Self::new(Kind::IllegalArgument, reason)
    }

    /// A body that does not parse.
    pub fn parse(reason: impl Into<String>) -> Self {
        Self::new(Kind::Parse, reason)
    }

    /// Names the table the error is about.
    pub fn with_table(mut self, table: &str) -> Self {
        self.table = Some(table.to_string());
        self
    }

    /// Classifies a statement error by what it says.
    pub fn from_query(e: &QueryError) -> Self {
        let m = e.message.to_ascii_lowercase();
        let kind = if m.contains("duplicate id") || m.contains("already exists") {
            Kind::Conflict
        } else if m.contains("read-only") {
            Kind::ReadOnly
        } else if m.contains("unknown table")
            || m.contains("unknown local table")
            || m.contains("no such table")
            || m.contains("absent")
            || (m.contains("table") && m.contains("not found"))
            || m.contains("doesn't exist")
            || m.contains("does not exist")
        {
            Kind::TableNotFound
        } else if m.contains("syntax error") || m.contains("parse error") || m.contains("p01:") {
            Kind::Parse
        } else if m.contains("unknown")
            || m.contains("no such")
            || m.contains("invalid")
            || m.contains("expected")
            || m.contains("must be")
            || m.contains("out of range")
        {
            Kind::IllegalArgument
        } else {
            Kind::Execution
        };
        Self::new(kind, e.message.clone())
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        describe(self.kind).0
    }

    /// `{"error":"reason"}`.
    pub fn plain_json(&self) -> J {
        J::obj().with("error", self.reason.as_str())
    }

    /// `{"error":{"type":..,"reason":..,"table":..},"status":N}`.
    pub fn typed_json(&self) -> J {
        let (status, ty) = describe(self.kind);
        let mut err = J::obj()
            .with("type", ty)
            .with("reason", self.reason.as_str());
        if let Some(t) = &self.table {
            err.push("table", t.as_str());
        }
        J::obj()
            .with("error", err)
            .with("status", u64::from(status.as_u16()))
    }

    /// The plain shape as a response.
    pub fn plain(&self) -> Response<Body> {
        response::json(self.status(), self.plain_json().render())
    }

    /// The typed shape as a response.
    pub fn typed(&self) -> Response<Body> {
        response::json(self.status(), self.typed_json().render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_statement_errors() {
        let k = |m: &str| ApiError::from_query(&QueryError::new(m)).kind;
        assert_eq!(k("duplicate id '1'"), Kind::Conflict);
        assert_eq!(k("unknown table 'x'"), Kind::TableNotFound);
        assert_eq!(k("table 'x' absent"), Kind::TableNotFound);
        assert_eq!(
            k("unknown local table(s) 'x' in search request"),
            Kind::TableNotFound
        );
        assert_eq!(k("connection is read-only"), Kind::ReadOnly);
        assert_eq!(k("P01: syntax error, unexpected $end"), Kind::Parse);
        assert_eq!(k("unknown option 'foo'"), Kind::IllegalArgument);
        assert_eq!(k("something broke"), Kind::Execution);
    }

    #[test]
    fn renders_both_shapes() {
        let e = ApiError::new(Kind::TableNotFound, "no such table 'x'").with_table("x");
        assert_eq!(e.status(), StatusCode::NOT_FOUND);
        assert_eq!(e.plain_json().render(), r#"{"error":"no such table 'x'"}"#);
        assert_eq!(
            e.typed_json().render(),
            r#"{"error":{"type":"index_not_found_exception","reason":"no such table 'x'","table":"x"},"status":404}"#
        );
    }
}

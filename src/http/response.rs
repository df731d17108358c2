//! JSON responses with the headers every reply carries.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONTENT_TYPE, SERVER};
use hyper::{Response, StatusCode};

/// The body type of every response.
pub type Body = Full<Bytes>;

/// The content type of every response.
pub const JSON: &str = "application/json; charset=UTF-8";

/// A response with `Server:` and the JSON content type.
pub fn json(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    let mut resp = Response::new(Full::new(body.into()));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(SERVER, HeaderValue::from_static(crate::version::SERVER));
    h.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    resp
}

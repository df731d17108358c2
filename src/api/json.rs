//! JSON (16): an HTTP JSON endpoint request over the binary protocol, answered with
//! the endpoint and the JSON the endpoint gives (errors included, as JSON).

use std::sync::Arc;

use bytes::Bytes;

use super::codec::{check_version, put_string, reply, Reader, Status};
use crate::service::Service;

/// The JSON command version this daemon speaks.
pub const VERSION: u16 = 0x103;

/// A JSON command request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JsonRequest {
    /// The endpoint, as `json/search` or `/sql`.
    pub endpoint: String,
    pub body: String,
    /// The URL query string (v1.2+), as `mode=raw`.
    pub raw_query: String,
}

/// Parses a JSON command body sent with command `version`.
pub fn parse_json(ver: u16, body: &[u8]) -> Result<JsonRequest, String> {
    let mut r = Reader::new(body);
    let mut req = JsonRequest {
        endpoint: r.string()?,
        body: r.string()?,
        ..Default::default()
    };
    if ver >= 0x102 {
        req.raw_query = r.string()?;
        let _full_url = r.string()?;
    }
    if ver >= 0x103 {
        let _flags = r.u32()?;
    }
    Ok(req)
}

/// The reply body: the endpoint, then the JSON answer.
pub fn json_reply(endpoint: &str, answer: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + endpoint.len() + answer.len());
    put_string(&mut out, endpoint);
    super::codec::put_u32(&mut out, answer.len() as u32);
    out.extend_from_slice(answer);
    reply(Status::Ok, VERSION, &out)
}

/// Serves JSON through the HTTP front end's handlers.
pub fn serve(
    service: &Arc<dyn Service>,
    readonly: bool,
    ver: u16,
    body: &[u8],
) -> Result<Vec<u8>, String> {
    check_version(ver, VERSION)?;
    let req = parse_json(ver, body)?;
    let (_, answer) = crate::http::serve_json(
        Arc::clone(service),
        readonly,
        &req.endpoint,
        &req.raw_query,
        Bytes::from(req.body.into_bytes()),
    );
    Ok(json_reply(&req.endpoint, &answer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::codec::put_u32;

    fn request(ver: u16) -> Vec<u8> {
        let mut b = Vec::new();
        put_string(&mut b, "json/search");
        put_string(&mut b, "{\"table\":\"t\"}");
        if ver >= 0x102 {
            put_string(&mut b, "mode=raw");
            put_string(&mut b, "/json/search?mode=raw");
        }
        if ver >= 0x103 {
            put_u32(&mut b, 0);
        }
        b
    }

    #[test]
    fn request_layouts_per_version() {
        for ver in [0x100u16, 0x102, 0x103] {
            let req = parse_json(ver, &request(ver)).unwrap();
            assert_eq!(req.endpoint, "json/search");
            assert_eq!(req.body, "{\"table\":\"t\"}");
            let want = if ver >= 0x102 { "mode=raw" } else { "" };
            assert_eq!(req.raw_query, want);
        }
        let b = request(0x103);
        assert!(parse_json(0x103, &b[..b.len() - 1]).is_err());
    }

    #[test]
    fn reply_carries_the_endpoint_and_the_json() {
        let out = json_reply("sql", b"{}");
        assert_eq!(
            out,
            [0, 0, 1, 3, 0, 0, 0, 13, 0, 0, 0, 3, b's', b'q', b'l', 0, 0, 0, 2, b'{', b'}']
        );
    }
}

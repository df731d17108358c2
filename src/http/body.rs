//! Request bodies: read under the size limit, then decoded per `Content-Encoding`.

use std::io::Read;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::Incoming;

use super::errors::{ApiError, Kind};

/// How much of an over-long body is read and thrown away so that the connection
/// stays in step for the next request; past this the connection is given up.
const DRAIN_CAP: usize = 64 * 1024 * 1024;

/// Reads a whole body, refusing one over `limit` bytes (the rest of such a body is
/// drained, up to a cap, so the reply reaches the client and keep-alive survives).
/// A client that sends nothing for `idle` while its body is due is answered 408.
pub async fn read(mut body: Incoming, limit: usize, idle: Duration) -> Result<Bytes, ApiError> {
    // A body in one frame (the usual case) is kept as it came, without a copy.
    let mut first: Option<Bytes> = None;
    let mut out = BytesMut::new();
    let mut seen = 0usize;
    loop {
        let Ok(next) = tokio::time::timeout(idle, body.frame()).await else {
            return Err(ApiError::new(
                Kind::Timeout,
                "timed out waiting for the request body",
            ));
        };
        let Some(frame) = next else {
            break;
        };
        let frame =
            frame.map_err(|e| ApiError::parse(format!("failed to read request body: {e}")))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen <= limit {
            if let Some(f) = first.take() {
                out.extend_from_slice(&f);
            }
            if out.is_empty() && seen == data.len() {
                first = Some(data);
            } else {
                out.extend_from_slice(&data);
            }
        } else if seen > limit.saturating_add(DRAIN_CAP) {
            break;
        }
    }
    if seen > limit {
        return Err(too_large(limit));
    }
    Ok(first.unwrap_or_else(|| out.freeze()))
}

/// The 413 error for a body over `limit` bytes.
pub fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        Kind::TooLarge,
        format!("request body exceeds max_packet_size ({limit} bytes)"),
    )
}

/// Undoes `Content-Encoding` (`gzip`, `deflate`, `identity`); the decoded body must
/// also fit in `limit`.
pub fn decode(encoding: Option<&str>, raw: Bytes, limit: usize) -> Result<Bytes, ApiError> {
    let enc = encoding.unwrap_or("").trim().to_ascii_lowercase();
    match enc.as_str() {
        "" | "identity" => Ok(raw),
        "gzip" | "x-gzip" => inflate(flate2::read::GzDecoder::new(&raw[..]), limit),
        "deflate" => inflate(flate2::read::ZlibDecoder::new(&raw[..]), limit),
        other => Err(ApiError::new(
            Kind::UnsupportedEncoding,
            format!("unsupported Content-Encoding '{other}'"),
        )),
    }
}

fn inflate(reader: impl Read, limit: usize) -> Result<Bytes, ApiError> {
    let mut out = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|e| ApiError::parse(format!("failed to decompress request body: {e}")))?;
    if out.len() > limit {
        return Err(too_large(limit));
    }
    Ok(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gz(data: &[u8]) -> Bytes {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        Bytes::from(e.finish().unwrap())
    }

    #[test]
    fn decodes_gzip_under_the_limit() {
        let b = decode(Some("gzip"), gz(b"{\"a\":1}"), 100).unwrap();
        assert_eq!(&b[..], b"{\"a\":1}");
        assert_eq!(
            &decode(None, Bytes::from_static(b"x"), 1).unwrap()[..],
            b"x"
        );
    }

    #[test]
    fn refuses_bombs_garbage_and_unknown_encodings() {
        let e = decode(Some("gzip"), gz(&[b'a'; 10_000]), 100).unwrap_err();
        assert_eq!(e.kind, Kind::TooLarge);
        let e = decode(Some("gzip"), Bytes::from_static(b"not gzip"), 100).unwrap_err();
        assert_eq!(e.kind, Kind::Parse);
        let e = decode(Some("br"), Bytes::new(), 100).unwrap_err();
        assert_eq!(e.kind, Kind::UnsupportedEncoding);
        assert_eq!(e.status().as_u16(), 415);
    }
}

//! hyper answers some broken requests itself (a bad request line, headers too large)
//! with a bare head: no `Server:`, no content type, no body. This stream wrapper
//! rewrites such an error head, as it is written, into a whole JSON error reply, so
//! every response carries `Server:` and `Content-Type` like upstream's.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::response::JSON;

/// Rewrites hyper's own bare error replies.
pub struct Canned<S> {
    inner: S,
    /// A rewritten reply still being written, and the length to report for it.
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<S> Canned<S> {
    pub fn new(inner: S) -> Self {
        Canned {
            inner,
            pending: None,
        }
    }
}

/// The whole reply to send instead of `buf`, when `buf` is a bare 4xx/5xx head.
pub fn rewrite(buf: &[u8]) -> Option<Vec<u8>> {
    // Cheap checks first: this runs on every write.
    if buf.len() > 1024 || !(buf.starts_with(b"HTTP/1.1 4") || buf.starts_with(b"HTTP/1.1 5")) {
        return None;
    }
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    if head_end != buf.len() {
        return None;
    }
    let head = std::str::from_utf8(buf).ok()?;
    let status_line = head.split("\r\n").next()?;
    let rest = status_line.strip_prefix("HTTP/1.1 ")?;
    if !(rest.starts_with('4') || rest.starts_with('5')) {
        return None;
    }
    let lower = head.to_ascii_lowercase();
    if lower.contains("\r\nserver:") || !lower.contains("\r\ncontent-length: 0\r\n") {
        return None;
    }
    let reason = rest.get(4..).unwrap_or("error");
    let body = serde_json::json!({ "error": reason }).to_string();
    Some(
        format!(
            "{status_line}\r\nServer: {}\r\nContent-Type: {JSON}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            crate::version::SERVER,
            body.len()
        )
        .into_bytes(),
    )
}

impl<S: AsyncRead + Unpin> AsyncRead for Canned<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> Canned<S> {
    /// Writes what is pending; `Ready` once all of it is out.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<usize>>> {
        while let Some((bytes, off, report)) = &mut self.pending {
            if *off == bytes.len() {
                let n = *report;
                self.pending = None;
                return Poll::Ready(Ok(Some(n)));
            }
            match Pin::new(&mut self.inner).poll_write(cx, &bytes[*off..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *off += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(None))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Canned<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.pending.is_none() {
            match rewrite(buf) {
                Some(bytes) => self.pending = Some((bytes, 0, buf.len())),
                None => return Pin::new(&mut self.inner).poll_write(cx, buf),
            }
        }
        match self.drain(cx) {
            Poll::Ready(Ok(Some(n))) => Poll::Ready(Ok(n)),
            Poll::Ready(Ok(None)) => Poll::Ready(Ok(buf.len())),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.drain(cx) {
            Poll::Ready(Ok(_)) => Pin::new(&mut self.inner).poll_flush(cx),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.drain(cx) {
            Poll::Ready(Ok(_)) => Pin::new(&mut self.inner).poll_shutdown(cx),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const BARE: &[u8] =
        b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\ndate: x\r\n\r\n";

    #[test]
    fn rewrites_only_bare_error_heads() {
        let out = String::from_utf8(rewrite(BARE).unwrap()).unwrap();
        assert!(
            out.starts_with("HTTP/1.1 400 Bad Request\r\nServer: searchd "),
            "{out}"
        );
        assert!(out.contains("\r\nContent-Type: application/json; charset=UTF-8\r\n"));
        assert!(out.ends_with(
            "\r\nContent-Length: 23\r\nConnection: close\r\n\r\n{\"error\":\"Bad Request\"}"
        ));
        assert!(rewrite(b"HTTP/1.1 100 Continue\r\n\r\n").is_none());
        assert!(
            rewrite(b"HTTP/1.1 400 Bad Request\r\nserver: s\r\ncontent-length: 0\r\n\r\n")
                .is_none()
        );
        assert!(rewrite(b"HTTP/1.1 413 X\r\ncontent-length: 5\r\n\r\n").is_none());
        assert!(rewrite(b"HTTP/1.1 400 X\r\ncontent-length: 0\r\n\r\nbody").is_none());
        assert!(rewrite(b"garbage").is_none());
    }

    #[tokio::test]
    async fn writes_the_whole_reply_through_a_small_pipe() {
        let (a, mut b) = tokio::io::duplex(7);
        let mut w = Canned::new(a);
        let writer = tokio::spawn(async move {
            w.write_all(BARE).await.unwrap();
            w.write_all(b"plain").await.unwrap();
            w.shutdown().await.unwrap();
        });
        let mut got = Vec::new();
        b.read_to_end(&mut got).await.unwrap();
        writer.await.unwrap();
        let got = String::from_utf8(got).unwrap();
        assert!(got.contains("{\"error\":\"Bad Request\"}plain"), "{got}");
    }
}

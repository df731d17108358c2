//! TLS from the system's OpenSSL, loaded at run time.
//!
//! CONTRACT (the rest of the daemon relies on these names; bodies are placeholders
//! until the binding lands):
//! - [`TlsSettings`] what the config says; [`TlsState::init`] builds the state once at
//!   start: `Usable` (an acceptor) or `Unusable` (one reason, for the WARNING line).
//! - [`TlsAcceptor::accept`] runs a server-side handshake over any async stream
//!   (including a prefixed stream that replays sniffed bytes) within a timeout.
//! - [`TlsStream`] is `AsyncRead + AsyncWrite` and reports cipher and protocol.

use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The TLS settings of the `searchd` section, paths already resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsSettings {
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub ca: Option<PathBuf>,
    /// An explicit libssl file (the `ssl_library` setting or `SEARCHD_LIBSSL`).
    pub library: Option<PathBuf>,
}

/// Exactly one of two states.
#[derive(Clone)]
pub enum TlsState {
    Usable(TlsAcceptor),
    Unusable { reason: String },
}

impl TlsState {
    /// Loads the library and builds the server context. Never fails: problems make
    /// the state `Unusable` with a reason.
    pub fn init(settings: &TlsSettings) -> TlsState {
        let _ = settings;
        TlsState::Unusable {
            reason: "TLS binding not built yet".into(),
        }
    }

    pub fn acceptor(&self) -> Option<&TlsAcceptor> {
        match self {
            TlsState::Usable(a) => Some(a),
            TlsState::Unusable { .. } => None,
        }
    }
}

/// A shareable server context (cheap to clone).
#[derive(Clone)]
pub struct TlsAcceptor {
    inner: Arc<()>,
}

impl TlsAcceptor {
    /// The loaded library's version text, e.g. `OpenSSL 3.0.17 1 Jul 2025`.
    pub fn library_version(&self) -> &str {
        let _ = &self.inner;
        ""
    }

    /// Server-side handshake over `io`, bounded by `timeout`.
    pub async fn accept<S>(&self, io: S, timeout: Duration) -> io::Result<TlsStream<S>>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send,
    {
        let _ = (io, timeout);
        Err(io::Error::other("TLS binding not built yet"))
    }
}

/// An established TLS connection.
pub struct TlsStream<S> {
    io: S,
}

impl<S> TlsStream<S> {
    /// Negotiated cipher name, e.g. `TLS_AES_256_GCM_SHA384`.
    pub fn cipher(&self) -> Option<String> {
        None
    }
    /// Negotiated protocol, e.g. `TLSv1.3`.
    pub fn protocol(&self) -> Option<String> {
        None
    }
    pub fn get_ref(&self) -> &S {
        &self.io
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for TlsStream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        _buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Poll::Ready(Err(io::Error::other("TLS binding not built yet")))
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for TlsStream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        _buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Err(io::Error::other("TLS binding not built yet")))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl<S: crate::net::Stream> crate::net::Stream for TlsStream<S> {
    fn tls_info(&self) -> Option<crate::net::TlsInfo> {
        Some(crate::net::TlsInfo {
            cipher: self.cipher()?,
            protocol: self.protocol()?,
        })
    }
}

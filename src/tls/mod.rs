//! TLS from the system's OpenSSL, loaded at run time.
//!
//! - [`TlsSettings`] what the config says; [`TlsState::init`] builds the state once at
//!   start: `Usable` (an acceptor) or `Unusable` (one reason, for the WARNING line).
//! - [`TlsAcceptor::accept`] runs a server-side handshake over any async stream
//!   (including a prefixed stream that replays sniffed bytes) within a timeout.
//! - [`TlsStream`] is `AsyncRead + AsyncWrite` and reports cipher and protocol.
//!
//! Beyond Manticore (all opt-in, see `TlsSettings`): client certificate verification
//! (`policy`), versions and cipher lists, CRLs, pre-shared keys (`psk`), OCSP stapling
//! from a file (`ocsp`) or fetched from the responder (`ocsp_fetch`). The callbacks
//! find their context's data through a registry (`extras`).
//!
//! State rules: usable with `ssl_cert` + `ssl_key`, or with `ssl_psk_file` alone (PSK
//! suites only); neither gives Manticore's `ssl_cert and ssl_key are not set`. A
//! setting that cannot be applied (unknown cipher, `ssl_verify_client` without
//! `ssl_ca`, unreadable CRL or PSK file) makes the state unusable with a reason naming
//! it; an OCSP response that cannot be read or fetched is only a warning.
//!
//! The library: `TlsSettings::library`, else the `SEARCHD_LIBSSL` environment variable
//! (with `SEARCHD_LIBCRYPTO`, else the libcrypto of the same version next to it), else
//! the system's `libssl.so.3` then `libssl.so.1.1` (OpenSSL 1.1.1 or newer). Loaded
//! libraries are never unloaded. To reload certificates, call [`TlsState::init`] again
//! and swap the state: open connections keep the context they were made with.
//!
//! This module is the only place in the crate with `unsafe` code: the binding
//! (`ffi`), the owned handles (`handle`), the context set-up and the stream engine.

mod context;
mod extras;
mod ffi;
mod handle;
mod inspect;
mod ocsp;
mod ocsp_fetch;
mod policy;
mod psk;
mod stream;
#[cfg(test)]
mod tests;

use std::future::poll_fn;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};

use crate::config::{TlsProtocol, VerifyClient};
use handle::SslCtx;
pub use inspect::CertSummary;
pub use stream::TlsStream;

/// The TLS settings of the `searchd` section, paths already resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsSettings {
    /// `ssl_cert`: the PEM certificate chain (leaf first).
    pub cert: Option<PathBuf>,
    /// `ssl_key`: the PEM private key (PKCS#1, PKCS#8 or EC), without a passphrase.
    pub key: Option<PathBuf>,
    /// `ssl_ca`: PEM certificates of trusted authorities.
    pub ca: Option<PathBuf>,
    /// An explicit libssl file (the `ssl_library` setting or `SEARCHD_LIBSSL`).
    pub library: Option<PathBuf>,
    /// `ssl_verify_client`: `Off` (the default) never asks for a certificate.
    pub verify_client: VerifyClient,
    /// `ssl_protocols`, oldest first; empty means TLS 1.2 and 1.3.
    pub protocols: Vec<TlsProtocol>,
    /// `ssl_ciphers`: the TLS 1.2 cipher list; `None` keeps the library's default.
    pub ciphers: Option<String>,
    /// `ssl_ciphersuites`: the TLS 1.3 suites; `None` keeps the library's default.
    pub ciphersuites: Option<String>,
    /// `ssl_crl`: PEM revocation lists checked against client certificates.
    pub crl: Vec<PathBuf>,
    /// `ssl_psk_file`: `identity:hexkey` lines.
    pub psk_file: Option<PathBuf>,
    /// `ssl_ocsp_response`: a DER OCSP response stapled to clients that ask.
    pub ocsp_response: Option<PathBuf>,
    /// `ssl_ocsp_responder`: `auto` or an `http://` URL to fetch the response from.
    pub ocsp_responder: Option<String>,
}

impl TlsSettings {
    /// The TLS settings of a `searchd` section.
    pub fn from_config(s: &crate::config::Searchd) -> TlsSettings {
        TlsSettings {
            cert: s.ssl_cert.clone(),
            key: s.ssl_key.clone(),
            ca: s.ssl_ca.clone(),
            library: s.ssl_library.clone(),
            verify_client: s.ssl_verify_client,
            protocols: s.ssl_protocols.clone(),
            ciphers: s.ssl_ciphers.clone(),
            ciphersuites: s.ssl_ciphersuites.clone(),
            crl: s.ssl_crl.clone(),
            psk_file: s.ssl_psk_file.clone(),
            ocsp_response: s.ssl_ocsp_response.clone(),
            ocsp_responder: s.ssl_ocsp_responder.clone(),
        }
    }
}

/// Exactly one of two states.
#[derive(Clone)]
pub enum TlsState {
    /// TLS works: connections can be accepted.
    Usable(TlsAcceptor),
    /// TLS does not work, for this reason (logged once as a warning).
    Unusable {
        /// Why, e.g. `ssl_cert and ssl_key are not set`.
        reason: String,
    },
}

impl TlsState {
    /// Loads the library and builds the server context. Never fails: problems make
    /// the state `Unusable` with a reason.
    pub fn init(settings: &TlsSettings) -> TlsState {
        match context::build(settings) {
            Ok(built) => TlsState::Usable(TlsAcceptor {
                ctx: Arc::new(built.ctx),
                version: Arc::from(built.version),
                warnings: Arc::from(built.warnings),
                certificate: built.certificate.map(Arc::new),
                verify_client: settings.verify_client,
            }),
            Err(reason) => TlsState::Unusable { reason },
        }
    }

    /// The acceptor when TLS is usable.
    pub fn acceptor(&self) -> Option<&TlsAcceptor> {
        match self {
            TlsState::Usable(a) => Some(a),
            TlsState::Unusable { .. } => None,
        }
    }

    /// The text of the start-up log line: `TLS is usable: OpenSSL 3.0.x ...` for a
    /// usable state, the bare reason for an unusable one (logged as `WARNING: ...`).
    pub fn describe(&self) -> String {
        match self {
            TlsState::Usable(a) => format!("TLS is usable: {}", a.library_version()),
            TlsState::Unusable { reason } => reason.clone(),
        }
    }
}

impl std::fmt::Debug for TlsState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// A shareable server context (cheap to clone).
#[derive(Clone)]
pub struct TlsAcceptor {
    ctx: Arc<SslCtx>,
    version: Arc<str>,
    warnings: Arc<[String]>,
    certificate: Option<Arc<CertSummary>>,
    verify_client: VerifyClient,
}

impl TlsAcceptor {
    /// The loaded library's version text, e.g. `OpenSSL 3.0.17 1 Jul 2025`.
    pub fn library_version(&self) -> &str {
        &self.version
    }

    /// Problems with the certificate that do not stop TLS but deserve a `WARNING:`
    /// line each at start: no subjectAltName, expired, expiring within 30 days.
    pub fn certificate_warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Subject, issuer and expiry of the server certificate (`None` with PSK only).
    pub fn certificate(&self) -> Option<&CertSummary> {
        self.certificate.as_deref()
    }

    /// Whether clients are asked for a certificate.
    pub fn verify_client(&self) -> VerifyClient {
        self.verify_client
    }

    /// Server-side handshake over `io`, bounded by `timeout`. A failure carries
    /// OpenSSL's reason (after any alert it produced was sent to the peer).
    pub async fn accept<S>(&self, io: S, timeout: Duration) -> io::Result<TlsStream<S>>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send,
    {
        let mut stream = TlsStream::new(io, self.ctx.clone())?;
        match tokio::time::timeout(timeout, poll_fn(|cx| stream.poll_handshake(cx))).await {
            Ok(Ok(())) => Ok(stream),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("TLS handshake timed out after {timeout:?}"),
            )),
        }
    }
}

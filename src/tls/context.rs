//! Building the server context from the settings, or the one reason it cannot be
//! built.

#![allow(unsafe_code)]

use std::path::Path;

use super::extras::{self, Extras};
use super::ffi::{self, Api};
use super::handle::{c_path, clear_errors, cvt, SslCtx};
use super::inspect::CertSummary;
use super::ocsp::OcspFile;
use super::ocsp_fetch::{self, Fetched};
use super::{psk, TlsSettings};
use crate::config::VerifyClient;
use std::sync::Arc;

/// The session id context (needed for session resumption once clients present
/// certificates; harmless otherwise).
const SESSION_ID_CONTEXT: &[u8] = b"searchd";

/// A loaded library and a configured context.
pub struct Built {
    pub ctx: SslCtx,
    pub version: String,
    /// Certificate problems worth a warning (TLS still works).
    pub warnings: Vec<String>,
    /// The server certificate, when there is one (PSK-only contexts have none).
    pub certificate: Option<CertSummary>,
}

/// Loads the library and configures a server context; `Err` is the reason TLS is
/// unusable.
///
/// TLS is usable with `ssl_cert` and `ssl_key`, or with only `ssl_psk_file` (then
/// only pre-shared-key cipher suites can be negotiated). With neither, the reason is
/// Manticore's `ssl_cert and ssl_key are not set`.
pub fn build(settings: &TlsSettings) -> Result<Built, String> {
    let pair = match (&settings.cert, &settings.key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) if settings.psk_file.is_some() => None,
        (None, None) => return Err("ssl_cert and ssl_key are not set".into()),
        (None, Some(_)) => return Err("ssl_cert is not set".into()),
        (Some(_), None) => return Err("ssl_key is not set".into()),
    };
    if let Some((cert, key)) = pair {
        readable("ssl_cert", cert)?;
        readable("ssl_key", key)?;
    }
    if let Some(ca) = &settings.ca {
        readable("ssl_ca", ca)?;
    }
    let psk = settings.psk_file.as_deref().map(psk::load).transpose()?;
    let api = ffi::load(settings.library.as_deref())
        .map_err(|e| format!("the SSL library cannot be loaded: {e}"))?;
    let ctx = SslCtx::new_server(api).map_err(|e| format!("cannot create an SSL context: {e}"))?;
    configure_defaults(&ctx)?;
    if let Some((cert, key)) = pair {
        use_chain(&ctx, cert)?;
        use_key(&ctx, key, cert)?;
    }
    if let Some(ca) = &settings.ca {
        use_ca(&ctx, ca)?;
    }
    super::policy::apply(&ctx, settings)?;
    let mut warnings = match pair {
        Some((cert, _)) => super::inspect::certificate_warnings(&ctx, cert),
        None => Vec::new(),
    };
    let fetcher = settings.ocsp_responder.as_deref().and_then(|responder| {
        let file = settings.ocsp_response.as_deref();
        ocsp_fetch::prepare(&ctx, responder, settings.ca.as_deref(), file)
            .map_err(|e| warnings.push(format!("{e}: no OCSP response is fetched")))
            .ok()
    });
    if !settings.crl.is_empty() && settings.verify_client == VerifyClient::Off {
        warnings.push("ssl_crl has no effect while ssl_verify_client = off".into());
    }
    let ocsp = settings.ocsp_response.as_deref().map(OcspFile::new);
    if fetcher.is_none() {
        warnings.extend(ocsp.as_ref().and_then(OcspFile::check));
    }
    let certificate = super::inspect::summary(&ctx);
    let fetched = fetcher.as_ref().map(|_| Fetched::default());
    let extras = extras::install(&ctx, Extras { psk, ocsp, fetched });
    if let Some(f) = fetcher {
        ocsp_fetch::spawn(f, Arc::downgrade(&extras), |e: &Extras| e.fetched.as_ref());
    }
    Ok(Built {
        ctx,
        version: ffi::version_text(api),
        warnings,
        certificate,
    })
}

/// Checks the file can be opened for reading, so the reason names the OS error.
fn readable(setting: &str, path: &Path) -> Result<(), String> {
    match std::fs::File::open(path) {
        Ok(file) => match file.metadata() {
            Ok(meta) if meta.is_dir() => Err(format!(
                "{setting} '{}' is a directory, not a file",
                path.display()
            )),
            _ => Ok(()),
        },
        Err(e) => Err(format!(
            "{setting} '{}' cannot be read: {e}",
            path.display()
        )),
    }
}

/// TLS 1.2 at least, session cache, no renegotiation, buffers released when idle.
fn configure_defaults(ctx: &SslCtx) -> Result<(), String> {
    let api = ctx.api;
    clear_errors(api);
    if ctx.ctrl(ffi::SSL_CTRL_SET_MIN_PROTO_VERSION, ffi::TLS1_2_VERSION) != 1 {
        return Err(format!(
            "cannot set the minimum TLS version: {}",
            super::handle::drain_errors(api)
        ));
    }
    ctx.ctrl(ffi::SSL_CTRL_MODE, ffi::SSL_MODE_RELEASE_BUFFERS);
    ctx.ctrl(
        ffi::SSL_CTRL_SET_SESS_CACHE_MODE,
        ffi::SSL_SESS_CACHE_SERVER,
    );
    // SAFETY: `ctx` is live; options are a plain bit mask (`uint64_t` in 3.x, `unsigned
    // long` in 1.1: the same 64-bit type on 64-bit Linux).
    unsafe {
        (api.SSL_CTX_set_options)(
            ctx.as_ptr(),
            ffi::SSL_OP_NO_RENEGOTIATION | ffi::SSL_OP_CIPHER_SERVER_PREFERENCE,
        )
    };
    // One TLS 1.3 session ticket per full handshake instead of OpenSSL's two: a
    // database client resumes one session at a time, and each ticket costs an
    // encryption and a record on every new connection.
    // SAFETY: `ctx` is live; the count is a plain integer.
    unsafe { (api.SSL_CTX_set_num_tickets)(ctx.as_ptr(), 1) };
    // SAFETY: `ctx` is live; the id context is read for `len` bytes and copied.
    let ret = unsafe {
        (api.SSL_CTX_set_session_id_context)(
            ctx.as_ptr(),
            SESSION_ID_CONTEXT.as_ptr(),
            SESSION_ID_CONTEXT.len() as u32,
        )
    };
    cvt(api, ret).map_err(|e| format!("cannot set the session id context: {e}"))
}

/// The whole certificate chain from `ssl_cert` (leaf first, then intermediates).
fn use_chain(ctx: &SslCtx, cert: &Path) -> Result<(), String> {
    let api = ctx.api;
    let c = c_path(cert)?;
    clear_errors(api);
    // SAFETY: `ctx` is live and `c` a NUL-terminated path that outlives the call.
    let ret = unsafe { (api.SSL_CTX_use_certificate_chain_file)(ctx.as_ptr(), c.as_ptr()) };
    cvt(api, ret).map_err(|e| {
        format!(
            "ssl_cert '{}' is not a valid PEM certificate: {e}",
            cert.display()
        )
    })
}

/// The private key (PEM: PKCS#1, PKCS#8 or EC) and its match with the certificate.
fn use_key(ctx: &SslCtx, key: &Path, cert: &Path) -> Result<(), String> {
    let api = ctx.api;
    let c = c_path(key)?;
    // SAFETY: `ctx` is live; the callback has the `pem_password_cb` signature and
    // ignores its arguments, so an encrypted key fails instead of prompting on a tty.
    unsafe { (api.SSL_CTX_set_default_passwd_cb)(ctx.as_ptr(), Some(no_passphrase)) };
    clear_errors(api);
    // SAFETY: `ctx` is live and `c` a NUL-terminated path that outlives the call.
    let ret = unsafe {
        (api.SSL_CTX_use_PrivateKey_file)(ctx.as_ptr(), c.as_ptr(), ffi::SSL_FILETYPE_PEM)
    };
    cvt(api, ret).map_err(|e| {
        // Loading the key already compares it with the certificate.
        if e.contains("mismatch") {
            mismatch(key, cert, &e)
        } else {
            format!(
                "ssl_key '{}' is not a valid PEM private key: {e}",
                key.display()
            )
        }
    })?;
    clear_errors(api);
    // SAFETY: `ctx` is live with a certificate and a key loaded.
    let ret = unsafe { (api.SSL_CTX_check_private_key)(ctx.as_ptr()) };
    cvt(api, ret).map_err(|e| mismatch(key, cert, &e))
}

/// `ssl_key` has no passphrase setting: an encrypted key is refused.
extern "C" fn no_passphrase(
    _buf: *mut std::ffi::c_char,
    _size: std::ffi::c_int,
    _rwflag: std::ffi::c_int,
    _userdata: *mut std::ffi::c_void,
) -> std::ffi::c_int {
    0
}

fn mismatch(key: &Path, cert: &Path, detail: &str) -> String {
    format!(
        "ssl_key '{}' does not match ssl_cert '{}': {detail}",
        key.display(),
        cert.display()
    )
}

/// `ssl_ca` as the trusted locations for verifying peers (and the chain).
fn use_ca(ctx: &SslCtx, ca: &Path) -> Result<(), String> {
    let api: &Api = ctx.api;
    let c = c_path(ca)?;
    clear_errors(api);
    // SAFETY: `ctx` is live, `c` is a NUL-terminated path, NULL means "no CA folder".
    let ret =
        unsafe { (api.SSL_CTX_load_verify_locations)(ctx.as_ptr(), c.as_ptr(), std::ptr::null()) };
    cvt(api, ret).map_err(|e| format!("ssl_ca '{}' cannot be loaded: {e}", ca.display()))
}

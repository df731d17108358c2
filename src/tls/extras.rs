//! Per-context data the OpenSSL callbacks need (the PSK table, the OCSP response
//! file), found from the `SSL*` a callback receives: its context pointer is the key of
//! a process-wide registry. A context registers when built and leaves the registry
//! just before it is freed, so a callback never sees data of another context.

#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_long, c_uchar, c_uint, c_void};
use std::sync::{Arc, Mutex};

use super::ffi::{self, Api};
use super::handle::{name_text, SslCtx};
use super::ocsp::OcspFile;
use super::ocsp_fetch::Fetched;
use super::psk::PskTable;

/// What the callbacks of one context use.
pub struct Extras {
    pub psk: Option<PskTable>,
    pub ocsp: Option<OcspFile>,
    /// Responses fetched from the OCSP responder (`ssl_ocsp_responder`).
    pub fetched: Option<Fetched>,
}

struct Entry {
    ctx: usize,
    api: &'static Api,
    extras: Arc<Extras>,
}

static REGISTRY: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

fn registry() -> std::sync::MutexGuard<'static, Vec<Entry>> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Registers `extras` for `ctx` and installs the callbacks they need; the registry
/// keeps them alive until the context is freed.
pub fn install(ctx: &SslCtx, extras: Extras) -> Arc<Extras> {
    let api = ctx.api;
    let psk = extras.psk.is_some();
    let ocsp = extras.ocsp.is_some() || extras.fetched.is_some();
    let extras = Arc::new(extras);
    registry().push(Entry {
        ctx: ctx.as_ptr() as usize,
        api,
        extras: extras.clone(),
    });
    if psk {
        // SAFETY: `ctx` is live; the callback has the `SSL_psk_server_cb_func` signature.
        unsafe { (api.SSL_CTX_set_psk_server_callback)(ctx.as_ptr(), Some(psk_callback)) };
    }
    if ocsp {
        let cb: ffi::StatusCb = status_callback;
        // SAFETY: `SSL_CTX_set_tlsext_status_cb` is this ctrl; OpenSSL casts the generic
        // pointer back to `int (*)(SSL *, void *)`, the exact type of `status_callback`.
        unsafe {
            (api.SSL_CTX_callback_ctrl)(
                ctx.as_ptr(),
                ffi::SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB,
                Some(std::mem::transmute::<ffi::StatusCb, unsafe extern "C" fn()>(cb)),
            )
        };
    }
    extras
}

/// Removes the entry of a context about to be freed.
pub fn forget(ctx: *mut ffi::SSL_CTX) {
    registry().retain(|e| e.ctx != ctx as usize);
}

/// The data and library of the context `ssl` belongs to.
fn find(ssl: *const ffi::SSL) -> Option<(&'static Api, Arc<Extras>)> {
    let entries = registry();
    let mut apis: Vec<&'static Api> = Vec::new();
    for e in entries.iter() {
        if !apis.iter().any(|a| std::ptr::eq(*a, e.api)) {
            apis.push(e.api);
        }
    }
    for api in apis {
        // SAFETY: `ssl` is the live connection OpenSSL passed to the callback; the
        // call only reads its context pointer, which is compared, never dereferenced.
        let ctx = unsafe { (api.SSL_get_SSL_CTX)(ssl) } as usize;
        if let Some(e) = entries
            .iter()
            .find(|e| e.ctx == ctx && std::ptr::eq(e.api, api))
        {
            return Some((e.api, e.extras.clone()));
        }
    }
    None
}

/// The library when exactly one is in use (callbacks that get no `SSL*` cannot tell
/// two apart).
fn only_api() -> Option<&'static Api> {
    let entries = registry();
    let first = entries.first()?.api;
    entries
        .iter()
        .all(|e| std::ptr::eq(e.api, first))
        .then_some(first)
}

/// The client-certificate verify callback: keeps OpenSSL's verdict and, on a refusal,
/// logs which certificate and why (the handshake error itself only says "certificate
/// verify failed").
pub unsafe extern "C" fn verify_callback(ok: c_int, store: *mut ffi::X509_STORE_CTX) -> c_int {
    if ok == 1 || store.is_null() {
        return ok;
    }
    let Some(api) = only_api() else {
        return ok;
    };
    // SAFETY: `store` is the live verification context OpenSSL passed; the certificate
    // and its names are borrowed from it for the duration of the callback.
    let (code, subject, issuer) = unsafe {
        let code = (api.X509_STORE_CTX_get_error)(store);
        let cert = (api.X509_STORE_CTX_get_current_cert)(store);
        if cert.is_null() {
            (code, None, None)
        } else {
            (
                code,
                name_text(api, (api.X509_get_subject_name)(cert)),
                name_text(api, (api.X509_get_issuer_name)(cert)),
            )
        }
    };
    // SAFETY: the call returns a static string for any code.
    let why = ffi::c_text(unsafe { (api.X509_verify_cert_error_string)(c_long::from(code)) })
        .unwrap_or_else(|| format!("verification error {code}"));
    let hint = if code == ffi::X509_V_ERR_INVALID_PURPOSE {
        " (a certificate with extendedKeyUsage must list clientAuth)"
    } else {
        ""
    };
    tracing::warn!(
        "TLS client certificate '{}' (issuer '{}') refused: {why}{hint}",
        subject.unwrap_or_default(),
        issuer.unwrap_or_default()
    );
    ok
}

/// Gives the key of the identity the client named (0 = unknown: the handshake fails).
unsafe extern "C" fn psk_callback(
    ssl: *mut ffi::SSL,
    identity: *const c_char,
    psk: *mut c_uchar,
    max_len: c_uint,
) -> c_uint {
    let Some((_, extras)) = find(ssl) else {
        return 0;
    };
    let Some(table) = extras.psk.as_ref() else {
        return 0;
    };
    let Some(name) = ffi::c_text(identity) else {
        return 0;
    };
    let Some(key) = table.key(&name) else {
        tracing::warn!("TLS PSK: unknown identity '{name}'");
        return 0;
    };
    if key.len() > max_len as usize || psk.is_null() {
        return 0;
    }
    // SAFETY: OpenSSL gives a writable buffer of `max_len` bytes and `key` fits in it.
    unsafe { std::ptr::copy_nonoverlapping(key.as_ptr(), psk, key.len()) };
    key.len() as c_uint
}

/// Staples the current OCSP response for a client that sent `status_request`.
unsafe extern "C" fn status_callback(ssl: *mut ffi::SSL, _arg: *mut c_void) -> c_int {
    let Some((api, extras)) = find(ssl) else {
        return ffi::SSL_TLSEXT_ERR_NOACK;
    };
    let from_file = extras.ocsp.as_ref().and_then(OcspFile::current);
    let Some(der) = from_file.or_else(|| extras.fetched.as_ref().and_then(Fetched::current)) else {
        return ffi::SSL_TLSEXT_ERR_NOACK;
    };
    let Ok(len) = std::ffi::c_long::try_from(der.len()) else {
        return ffi::SSL_TLSEXT_ERR_NOACK;
    };
    // SAFETY: `CRYPTO_malloc` returns `len` writable bytes or NULL; the file and line
    // arguments are only used for OpenSSL's memory debugging.
    let buf = unsafe { (api.CRYPTO_malloc)(der.len(), c"ocsp".as_ptr(), 0) };
    if buf.is_null() {
        return ffi::SSL_TLSEXT_ERR_NOACK;
    }
    // SAFETY: `buf` holds `der.len()` bytes; then `SSL_set_tlsext_status_ocsp_resp`
    // takes ownership of it (OpenSSL frees it with the connection).
    unsafe {
        std::ptr::copy_nonoverlapping(der.as_ptr(), buf.cast::<u8>(), der.len());
        (api.SSL_ctrl)(ssl, ffi::SSL_CTRL_SET_TLSEXT_STATUS_REQ_OCSP_RESP, len, buf);
    }
    ffi::SSL_TLSEXT_ERR_OK
}

//! The opt-in policies beyond Manticore: TLS versions, cipher lists, client
//! certificate verification and revocation lists.

#![allow(unsafe_code)]

use std::ffi::{c_long, CString};
use std::path::Path;

use super::ffi;
use super::handle::{c_path, clear_errors, cvt, drain_errors, SslCtx};
use super::TlsSettings;
use crate::config::{TlsProtocol, VerifyClient};

/// Applies versions, ciphers, client verification and CRLs from `s`.
pub fn apply(ctx: &SslCtx, s: &TlsSettings) -> Result<(), String> {
    versions(ctx, &s.protocols)?;
    if let Some(list) = &s.ciphers {
        ciphers(ctx, "ssl_ciphers", list)?;
    }
    if let Some(list) = &s.ciphersuites {
        ciphers(ctx, "ssl_ciphersuites", list)?;
    }
    verify_client(ctx, s)?;
    for crl in &s.crl {
        load_crl(ctx, crl)?;
    }
    if !s.crl.is_empty() {
        check_crls(ctx);
    }
    Ok(())
}

fn version_number(p: TlsProtocol) -> c_long {
    match p {
        TlsProtocol::Tls10 => ffi::TLS1_VERSION,
        TlsProtocol::Tls11 => ffi::TLS1_1_VERSION,
        TlsProtocol::Tls12 => ffi::TLS1_2_VERSION,
        TlsProtocol::Tls13 => ffi::TLS1_3_VERSION,
    }
}

/// Minimum and maximum version (empty: TLS 1.2 and newer).
fn versions(ctx: &SslCtx, protocols: &[TlsProtocol]) -> Result<(), String> {
    let min = protocols.first().copied().unwrap_or(TlsProtocol::Tls12);
    let max = protocols.last().copied().unwrap_or(TlsProtocol::Tls13);
    clear_errors(ctx.api);
    let ok = ctx.ctrl(ffi::SSL_CTRL_SET_MIN_PROTO_VERSION, version_number(min)) == 1
        && ctx.ctrl(ffi::SSL_CTRL_SET_MAX_PROTO_VERSION, version_number(max)) == 1;
    if ok {
        Ok(())
    } else {
        Err(format!(
            "ssl_protocols {}..{} cannot be set: {}",
            min.name(),
            max.name(),
            drain_errors(ctx.api)
        ))
    }
}

/// A cipher list (`ssl_ciphers`, TLS 1.2) or suite list (`ssl_ciphersuites`, 1.3).
/// Every positive element must select something on its own: OpenSSL silently skips
/// unknown names inside a list, which would hide a typo.
fn ciphers(ctx: &SslCtx, setting: &str, list: &str) -> Result<(), String> {
    let scratch = SslCtx::new_server(ctx.api)?;
    for element in list.split([':', ',']).filter(|e| !e.is_empty()) {
        if element.starts_with(['!', '-', '+', '@']) {
            continue;
        }
        set_ciphers(&scratch, setting, element).map_err(|_| {
            format!("{setting} '{list}': '{element}' matches no cipher the library knows")
        })?;
    }
    set_ciphers(ctx, setting, list)
        .map_err(|e| format!("{setting} '{list}' selects no cipher: {e}"))
}

fn set_ciphers(ctx: &SslCtx, setting: &str, list: &str) -> Result<(), String> {
    let api = ctx.api;
    let c = CString::new(list).map_err(|_| format!("{setting} contains a NUL byte"))?;
    clear_errors(api);
    // SAFETY: `ctx` is live and `c` a NUL-terminated string that outlives the call.
    let ret = unsafe {
        if setting == "ssl_ciphersuites" {
            (api.SSL_CTX_set_ciphersuites)(ctx.as_ptr(), c.as_ptr())
        } else {
            (api.SSL_CTX_set_cipher_list)(ctx.as_ptr(), c.as_ptr())
        }
    };
    cvt(api, ret)
}

/// `ssl_verify_client`: asks for (and with `on` requires) a client certificate that
/// chains to `ssl_ca`, and names those authorities in the certificate request.
fn verify_client(ctx: &SslCtx, s: &TlsSettings) -> Result<(), String> {
    let mode = match s.verify_client {
        VerifyClient::Off => return Ok(()),
        VerifyClient::Optional => ffi::SSL_VERIFY_PEER,
        VerifyClient::On => ffi::SSL_VERIFY_PEER | ffi::SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
    };
    let Some(ca) = &s.ca else {
        return Err(
            "ssl_verify_client needs ssl_ca (the authority client certificates chain to)".into(),
        );
    };
    let api = ctx.api;
    let c = c_path(ca)?;
    clear_errors(api);
    // SAFETY: `c` is a NUL-terminated path; the call returns an owned stack or NULL.
    let names = unsafe { (api.SSL_load_client_CA_file)(c.as_ptr()) };
    if names.is_null() {
        return Err(format!(
            "ssl_ca '{}' holds no certificate to name in client certificate requests: {}",
            ca.display(),
            drain_errors(api)
        ));
    }
    // The callback has the `SSL_verify_cb` signature and keeps the library's verdict
    // (chain, purpose `sslclient`, CRLs), only logging refusals.
    // SAFETY: `ctx` is live; the context takes ownership of `names`.
    unsafe {
        (api.SSL_CTX_set_client_CA_list)(ctx.as_ptr(), names);
        (api.SSL_CTX_set_verify)(ctx.as_ptr(), mode, Some(super::extras::verify_callback));
    }
    Ok(())
}

/// Adds every CRL of one PEM file to the context's certificate store.
fn load_crl(ctx: &SslCtx, path: &Path) -> Result<(), String> {
    let api = ctx.api;
    let shown = path.display();
    let c = c_path(path)?;
    clear_errors(api);
    // SAFETY: `c` is a NUL-terminated path and the mode a static string.
    let bio = unsafe { (api.BIO_new_file)(c.as_ptr(), c"r".as_ptr()) };
    if bio.is_null() {
        return Err(format!(
            "ssl_crl '{shown}' cannot be read: {}",
            drain_errors(api)
        ));
    }
    // SAFETY: `ctx` is live; the store is owned by it.
    let store = unsafe { (api.SSL_CTX_get_cert_store)(ctx.as_ptr()) };
    let mut count = 0;
    let mut failed = None;
    loop {
        // SAFETY: `bio` is live; NULL out-pointer, callback and argument make OpenSSL
        // allocate the CRL (owned by us) or return NULL at the end of the file.
        let crl = unsafe {
            (api.PEM_read_bio_X509_CRL)(bio, std::ptr::null_mut(), None, std::ptr::null_mut())
        };
        if crl.is_null() {
            break;
        }
        // SAFETY: `store` is live; adding takes its own reference, so ours is freed.
        let ret = unsafe {
            let ret = (api.X509_STORE_add_crl)(store, crl);
            (api.X509_CRL_free)(crl);
            ret
        };
        if ret != 1 {
            failed = Some(drain_errors(api));
            break;
        }
        count += 1;
    }
    // SAFETY: `bio` is ours and no longer used.
    unsafe { (api.BIO_free)(bio) };
    let end = drain_errors(api);
    if let Some(e) = failed {
        return Err(format!("ssl_crl '{shown}' cannot be added: {e}"));
    }
    if count == 0 {
        return Err(format!("ssl_crl '{shown}' holds no PEM CRL: {end}"));
    }
    Ok(())
}

/// Checks the client certificate against the CRL of its issuer.
fn check_crls(ctx: &SslCtx) {
    let api = ctx.api;
    // SAFETY: `ctx` is live; the store and its parameters are owned by it.
    unsafe {
        let store = (api.SSL_CTX_get_cert_store)(ctx.as_ptr());
        let param = (api.X509_STORE_get0_param)(store);
        (api.X509_VERIFY_PARAM_set_flags)(param, ffi::X509_V_FLAG_CRL_CHECK);
    }
}

//! Start-up checks on the server certificate that do not make TLS unusable but are
//! worth a warning: no subjectAltName, expired, or expiring soon.

#![allow(unsafe_code)]

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use super::ffi;
use super::handle::{clear_errors, SslCtx};

/// How far ahead an expiry is announced.
const SOON_DAYS: i64 = 30;

/// Warnings about the leaf certificate of a configured context.
pub fn certificate_warnings(ctx: &SslCtx, cert_path: &Path) -> Vec<String> {
    let api = ctx.api;
    let shown = cert_path.display();
    let mut warnings = Vec::new();
    clear_errors(api);
    // SAFETY: `ctx` is live; the returned certificate is borrowed from it (not freed
    // here) and only used while `ctx` is borrowed.
    let cert = unsafe { (api.SSL_CTX_get0_certificate)(ctx.as_ptr()) };
    if cert.is_null() {
        return warnings;
    }
    // SAFETY: `cert` is a live certificate; -1 means "search from the start".
    let san = unsafe { (api.X509_get_ext_by_NID)(cert, ffi::NID_SUBJECT_ALT_NAME, -1) };
    if san < 0 {
        warnings.push(format!(
            "ssl_cert '{shown}' has no subjectAltName: clients that check host names \
             (Python urllib3 2.x, Go, rustls) will refuse it"
        ));
    }
    // SAFETY: `cert` is live; the time is owned by it.
    let not_after = unsafe { (api.X509_get0_notAfter)(cert) };
    if not_after.is_null() {
        return warnings;
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    if is_before(api, not_after, now) {
        warnings.push(format!("ssl_cert '{shown}' has expired"));
    } else if is_before(api, not_after, now + SOON_DAYS * 86_400) {
        warnings.push(format!(
            "ssl_cert '{shown}' expires within {SOON_DAYS} days"
        ));
    }
    clear_errors(api);
    warnings
}

/// Whether `time` is at or before `unix` seconds (an unreadable time counts as not).
fn is_before(api: &ffi::Api, time: *const ffi::ASN1_TIME, unix: i64) -> bool {
    let mut t = unix;
    // SAFETY: `time` is a live ASN1_TIME owned by the certificate; `t` is a valid
    // `time_t` (64-bit on 64-bit Linux) that the call only reads.
    unsafe { (api.X509_cmp_time)(time, &mut t) == -1 }
}

//! Start-up checks on the server certificate that do not make TLS unusable but are
//! worth a warning: no subjectAltName, expired, or expiring soon.

#![allow(unsafe_code)]

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use super::ffi;
use super::handle::{clear_errors, name_text, SslCtx};

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

/// The server certificate as `SHOW STATUS` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSummary {
    /// `/CN=...` of the leaf.
    pub subject: String,
    /// `/CN=...` of its issuer.
    pub issuer: String,
    /// The end of validity as OpenSSL prints it: `Nov 30 22:45:55 2027 GMT`.
    pub not_after: String,
    /// Whole days until the end of validity (negative once expired).
    pub days_left: i64,
}

/// Subject, issuer and expiry of the context's certificate, when it has one.
pub fn summary(ctx: &SslCtx) -> Option<CertSummary> {
    let api = ctx.api;
    // SAFETY: `ctx` is live; the certificate is borrowed from it, not freed here.
    let cert = unsafe { (api.SSL_CTX_get0_certificate)(ctx.as_ptr()) };
    if cert.is_null() {
        return None;
    }
    // SAFETY: `cert` is live; names and time are owned by it.
    let (subject, issuer, not_after) = unsafe {
        (
            (api.X509_get_subject_name)(cert),
            (api.X509_get_issuer_name)(cert),
            (api.X509_get0_notAfter)(cert),
        )
    };
    let summary = CertSummary {
        subject: name_text(api, subject).unwrap_or_default(),
        issuer: name_text(api, issuer).unwrap_or_default(),
        not_after: time_text(api, not_after).unwrap_or_default(),
        days_left: days_left(api, not_after),
    };
    clear_errors(api);
    Some(summary)
}

/// `ASN1_TIME_print` into a memory BIO.
fn time_text(api: &ffi::Api, time: *const ffi::ASN1_TIME) -> Option<String> {
    if time.is_null() {
        return None;
    }
    // SAFETY: `BIO_s_mem` is a static table; the BIO is ours and freed below.
    let bio = unsafe { (api.BIO_new)((api.BIO_s_mem)()) };
    if bio.is_null() {
        return None;
    }
    let mut buf = [0u8; 128];
    // SAFETY: `time` is live (owned by the certificate); `buf` is writable for its
    // length; the BIO is freed once read.
    let n = unsafe {
        let ok = (api.ASN1_TIME_print)(bio, time);
        let n = if ok == 1 {
            (api.BIO_read)(bio, buf.as_mut_ptr().cast(), buf.len() as i32)
        } else {
            0
        };
        (api.BIO_free)(bio);
        n
    };
    let n = usize::try_from(n).ok().filter(|n| *n > 0)?;
    Some(String::from_utf8_lossy(&buf[..n]).into_owned())
}

/// Days from now to `time` (0 when it cannot be computed).
fn days_left(api: &ffi::Api, time: *const ffi::ASN1_TIME) -> i64 {
    if time.is_null() {
        return 0;
    }
    let (mut days, mut secs) = (0, 0);
    // SAFETY: both outputs are writable ints; NULL `from` means "now"; `time` is live.
    let ok = unsafe { (api.ASN1_TIME_diff)(&mut days, &mut secs, std::ptr::null(), time) };
    if ok == 1 {
        i64::from(days)
    } else {
        0
    }
}

//! Owned OpenSSL handles (freed on drop), return-code checks, and the error queue
//! turned into readable text.

#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void, CString};
use std::path::Path;

use super::ffi::{self, Api};

/// Drains this thread's OpenSSL error queue into one readable message
/// (`error:0A000086:SSL routines::certificate verify failed; ...`); empty when the
/// queue was empty.
pub fn drain_errors(api: &Api) -> String {
    let mut parts: Vec<String> = Vec::new();
    loop {
        // SAFETY: `ERR_get_error` takes no arguments and pops this thread's queue.
        let code = unsafe { (api.ERR_get_error)() };
        if code == 0 {
            break;
        }
        let mut buf = [0 as c_char; 256];
        // SAFETY: the buffer is writable for `buf.len()` bytes and OpenSSL always
        // NUL-terminates what it writes within that length.
        unsafe { (api.ERR_error_string_n)(code, buf.as_mut_ptr(), buf.len()) };
        if let Some(text) = ffi::c_text(buf.as_ptr()) {
            if !parts.contains(&text) {
                parts.push(text);
            }
        }
    }
    parts.join("; ")
}

/// Empties this thread's error queue before a call whose errors we want to read.
pub fn clear_errors(api: &Api) {
    // SAFETY: `ERR_clear_error` takes no arguments and touches only this thread's queue.
    unsafe { (api.ERR_clear_error)() }
}

/// Checks a `1 = success` return code, giving the drained error queue on failure.
pub fn cvt(api: &Api, ret: c_int) -> Result<(), String> {
    if ret == 1 {
        Ok(())
    } else {
        Err(or_unknown(drain_errors(api)))
    }
}

/// Checks a returned pointer, giving the drained error queue on NULL.
pub fn cvt_p<T>(api: &Api, ptr: *mut T) -> Result<*mut T, String> {
    if ptr.is_null() {
        Err(or_unknown(drain_errors(api)))
    } else {
        Ok(ptr)
    }
}

fn or_unknown(text: String) -> String {
    if text.is_empty() {
        "unknown OpenSSL error".into()
    } else {
        text
    }
}

/// A path as a C string (paths with a NUL byte cannot name a file).
pub fn c_path(path: &Path) -> Result<CString, String> {
    use std::os::unix::ffi::OsStrExt;
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| format!("'{}' contains a NUL byte", path.display()))
}

/// An owned `SSL_CTX`, shared read-only between connections once built.
pub struct SslCtx {
    pub api: &'static Api,
    ptr: *mut ffi::SSL_CTX,
}

// SAFETY: OpenSSL >= 1.1.0 locks an `SSL_CTX` internally; after configuration the
// context is only read (`SSL_new` takes its own reference), so sharing it between
// threads is sound.
unsafe impl Send for SslCtx {}
// SAFETY: see `Send` above: concurrent `SSL_new` on one context is supported.
unsafe impl Sync for SslCtx {}

impl SslCtx {
    /// A new server context (`TLS_server_method`).
    pub fn new_server(api: &'static Api) -> Result<SslCtx, String> {
        clear_errors(api);
        // SAFETY: `TLS_server_method` returns a static method table; `SSL_CTX_new`
        // accepts it and returns an owned context or NULL.
        let ptr = unsafe { (api.SSL_CTX_new)((api.TLS_server_method)()) };
        let ptr = cvt_p(api, ptr)?;
        Ok(SslCtx { api, ptr })
    }

    /// The raw pointer, valid while `self` lives.
    pub fn as_ptr(&self) -> *mut ffi::SSL_CTX {
        self.ptr
    }

    /// `SSL_CTX_ctrl` (the macros `SSL_CTX_set_mode`, `..._min_proto_version`, ...).
    pub fn ctrl(&self, cmd: c_int, larg: std::ffi::c_long) -> std::ffi::c_long {
        // SAFETY: `self.ptr` is a live context; the commands used take no pointer
        // argument, so NULL `parg` is correct.
        unsafe { (self.api.SSL_CTX_ctrl)(self.ptr, cmd, larg, std::ptr::null_mut()) }
    }
}

impl Drop for SslCtx {
    fn drop(&mut self) {
        super::extras::forget(self.ptr);
        // SAFETY: we own one reference to the context; connections hold their own.
        unsafe { (self.api.SSL_CTX_free)(self.ptr) }
    }
}

/// An owned `SSL` (one connection) with its two memory BIOs, which it owns.
pub struct Ssl {
    pub api: &'static Api,
    ptr: *mut ffi::SSL,
    /// Ciphertext from the peer goes in here (owned by the `SSL`).
    rbio: *mut ffi::BIO,
    /// Ciphertext for the peer comes out of here (owned by the `SSL`).
    wbio: *mut ffi::BIO,
}

// SAFETY: an `SSL` may move between threads as long as it is never used from two at
// once; `Ssl` is not `Sync` and every use goes through `&mut self` or `&self` of its
// single owner.
unsafe impl Send for Ssl {}

impl Ssl {
    /// A server-side connection over two memory BIOs.
    pub fn new_accept(ctx: &SslCtx) -> Result<Ssl, String> {
        let api = ctx.api;
        clear_errors(api);
        // SAFETY: `ctx` is a live context; `SSL_new` returns an owned SSL or NULL.
        let ptr = cvt_p(api, unsafe { (api.SSL_new)(ctx.as_ptr()) })?;
        let rbio = new_mem_bio(api);
        let wbio = new_mem_bio(api);
        let (rbio, wbio) = match (rbio, wbio) {
            (Ok(r), Ok(w)) => (r, w),
            (r, w) => {
                // SAFETY: free what was allocated; nothing else refers to these yet.
                unsafe {
                    for bio in [r.ok(), w.ok()].into_iter().flatten() {
                        (api.BIO_free)(bio);
                    }
                    (api.SSL_free)(ptr);
                }
                return Err("cannot allocate memory BIOs".into());
            }
        };
        // SAFETY: both BIOs are fresh; `SSL_set_bio` takes ownership of them (freed by
        // `SSL_free`). A memory BIO returns -1 with retry ("want read") when empty.
        unsafe {
            (api.BIO_ctrl)(
                rbio,
                ffi::BIO_C_SET_BUF_MEM_EOF_RETURN,
                -1,
                std::ptr::null_mut(),
            );
            (api.SSL_set_bio)(ptr, rbio, wbio);
            (api.SSL_set_accept_state)(ptr);
        }
        Ok(Ssl {
            api,
            ptr,
            rbio,
            wbio,
        })
    }

    /// The raw pointer, valid while `self` lives.
    pub fn as_ptr(&self) -> *mut ffi::SSL {
        self.ptr
    }

    /// Ciphertext waiting to be sent to the peer.
    pub fn pending_out(&self) -> usize {
        // SAFETY: `wbio` is live as long as the SSL that owns it.
        unsafe { (self.api.BIO_ctrl_pending)(self.wbio) }
    }

    /// Input not yet decrypted and returned: ciphertext in the input BIO, or data
    /// OpenSSL has buffered (a partial or unread record).
    pub fn has_input(&self) -> bool {
        // SAFETY: `rbio` is live as long as the SSL that owns it; `ptr` is our live SSL.
        unsafe {
            (self.api.BIO_ctrl_pending)(self.rbio) > 0 || (self.api.SSL_has_pending)(self.ptr) == 1
        }
    }

    /// Moves up to `buf.len()` bytes of ciphertext out of the output BIO.
    pub fn take_out(&mut self, buf: &mut [u8]) -> usize {
        let len = buf.len().min(i32::MAX as usize) as c_int;
        // SAFETY: `buf` is writable for `len` bytes; `wbio` is live.
        let n = unsafe { (self.api.BIO_read)(self.wbio, buf.as_mut_ptr().cast::<c_void>(), len) };
        n.max(0) as usize
    }

    /// Feeds ciphertext received from the peer into the input BIO.
    pub fn put_in(&mut self, data: &[u8]) -> Result<(), String> {
        let mut rest = data;
        while !rest.is_empty() {
            let len = rest.len().min(i32::MAX as usize) as c_int;
            // SAFETY: `rest` is readable for `len` bytes; `rbio` is live. A memory BIO
            // copies the bytes.
            let n = unsafe { (self.api.BIO_write)(self.rbio, rest.as_ptr().cast::<c_void>(), len) };
            if n <= 0 {
                return Err("cannot buffer received TLS data".into());
            }
            rest = &rest[n as usize..];
        }
        Ok(())
    }

    /// `SSL_get_error` for the return value `ret` of the last call.
    pub fn error_code(&self, ret: c_int) -> c_int {
        // SAFETY: `self.ptr` is live; `SSL_get_error` only inspects it and the queue.
        unsafe { (self.api.SSL_get_error)(self.ptr, ret) }
    }

    /// The negotiated cipher's name.
    pub fn cipher(&self) -> Option<String> {
        // SAFETY: `self.ptr` is live; the cipher is a static table entry or NULL.
        let cipher = unsafe { (self.api.SSL_get_current_cipher)(self.ptr) };
        if cipher.is_null() {
            return None;
        }
        // SAFETY: `cipher` is non-NULL and static; the name is a static string.
        ffi::c_text(unsafe { (self.api.SSL_CIPHER_get_name)(cipher) })
    }

    /// The negotiated protocol (`TLSv1.2`, `TLSv1.3`).
    pub fn protocol(&self) -> Option<String> {
        // SAFETY: `self.ptr` is live; the version is a static string.
        ffi::c_text(unsafe { (self.api.SSL_get_version)(self.ptr) })
    }

    /// The subject of the peer's certificate (`/CN=...`), when it sent one.
    pub fn peer_subject(&self) -> Option<String> {
        // SAFETY: `self.ptr` is live; the call returns a new reference or NULL.
        let cert = unsafe { (self.api.SSL_get_peer_certificate)(self.ptr) };
        if cert.is_null() {
            return None;
        }
        // SAFETY: `cert` is a live reference we own; its subject name is owned by it.
        let text = name_text(self.api, unsafe { (self.api.X509_get_subject_name)(cert) });
        // SAFETY: the reference is released once the text has been copied.
        unsafe { (self.api.X509_free)(cert) };
        text
    }

    /// Why the peer's certificate failed verification (`unsupported certificate
    /// purpose`, `certificate has been revoked`...), when it did.
    pub fn verify_failure(&self) -> Option<String> {
        // SAFETY: `self.ptr` is live; the call reads the stored verification result.
        let code = unsafe { (self.api.SSL_get_verify_result)(self.ptr) };
        if code == ffi::X509_V_OK {
            return None;
        }
        // SAFETY: the call returns a static NUL-terminated string for any code.
        let text = ffi::c_text(unsafe { (self.api.X509_verify_cert_error_string)(code) });
        Some(text.unwrap_or_else(|| format!("verification error {code}")))
    }
}

/// An `X509_NAME` as one line (`/C=../CN=..`); `None` for NULL.
pub fn name_text(api: &Api, name: *const ffi::X509_NAME) -> Option<String> {
    if name.is_null() {
        return None;
    }
    let mut buf = [0 as c_char; 512];
    // SAFETY: `name` is a live name owned by a certificate the caller holds;
    // `X509_NAME_oneline` writes at most `buf.len()` bytes including the NUL.
    let ptr = unsafe { (api.X509_NAME_oneline)(name, buf.as_mut_ptr(), buf.len() as c_int) };
    ffi::c_text(ptr)
}

fn new_mem_bio(api: &Api) -> Result<*mut ffi::BIO, String> {
    // SAFETY: `BIO_s_mem` returns a static method table; `BIO_new` returns an owned BIO
    // or NULL.
    cvt_p(api, unsafe { (api.BIO_new)((api.BIO_s_mem)()) })
}

impl Drop for Ssl {
    fn drop(&mut self) {
        // SAFETY: we own the SSL, which owns both BIOs; nothing uses them afterwards.
        unsafe { (self.api.SSL_free)(self.ptr) }
    }
}

//! `ssl_ocsp_responder`: fetching the OCSP response for the server certificate from a
//! responder (the URL in the certificate's authorityInfoAccess with `auto`, or a given
//! `http://` URL), at start and every hour, in a background thread.
//!
//! The request is built once, when the context is built. A fetched response that
//! parses as a successful OCSP response is written to `ssl_ocsp_response` when that
//! is set (so the file and the stapled response agree), else kept in memory.

#![allow(unsafe_code)]

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use super::ffi::{self, Api};
use super::handle::{c_path, clear_errors, SslCtx};

/// How often a response is fetched again after a success.
const REFRESH: Duration = Duration::from_secs(3600);
/// How soon after a failure.
const RETRY: Duration = Duration::from_secs(60);
/// Bound on connecting to and reading from the responder.
const NET_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest response accepted.
const MAX_RESPONSE: usize = 1 << 20;

/// What the fetching thread needs.
pub struct Fetcher {
    url: String,
    request: Vec<u8>,
    api: &'static Api,
    /// Where a fetched response goes when `ssl_ocsp_response` is set.
    file: Option<PathBuf>,
}

/// The last fetched response (used when there is no `ssl_ocsp_response` file).
#[derive(Default)]
pub struct Fetched(Mutex<Option<Arc<Vec<u8>>>>);

impl Fetched {
    /// The current response, if one was fetched.
    pub fn current(&self) -> Option<Arc<Vec<u8>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, der: Vec<u8>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(der));
    }
}

/// Prepares the request for the context's certificate: `responder` is `auto` or a
/// URL; the issuer is found in the chain of `ssl_cert`, else in `ssl_ca`.
pub fn prepare(
    ctx: &SslCtx,
    responder: &str,
    ca: Option<&Path>,
    file: Option<&Path>,
) -> Result<Fetcher, String> {
    let api = ctx.api;
    // SAFETY: `ctx` is live; the certificate is borrowed from it.
    let cert = unsafe { (api.SSL_CTX_get0_certificate)(ctx.as_ptr()) };
    if cert.is_null() {
        return Err("ssl_ocsp_responder needs ssl_cert".into());
    }
    let url = if responder.eq_ignore_ascii_case("auto") {
        responder_url(api, cert).ok_or(
            "ssl_ocsp_responder = auto: ssl_cert names no OCSP responder (authorityInfoAccess)",
        )?
    } else {
        responder.to_string()
    };
    parse_url(&url).map_err(|e| format!("ssl_ocsp_responder '{url}': {e}"))?;
    let request = with_issuer(ctx, cert, ca, |issuer| build_request(api, cert, issuer))?;
    Ok(Fetcher {
        url,
        request,
        api,
        file: file.map(Path::to_path_buf),
    })
}

/// Starts the thread; it stops once `owner` (the context's data) is gone.
pub fn spawn<T: Send + Sync + 'static>(
    fetcher: Fetcher,
    owner: Weak<T>,
    sink: impl Fn(&T) -> Option<&Fetched> + Send + 'static,
) {
    let spawned = std::thread::Builder::new()
        .name("ocsp-fetch".into())
        .spawn(move || {
            let mut next = Instant::now();
            loop {
                let Some(strong) = owner.upgrade() else {
                    return;
                };
                let Some(fetched) = sink(&strong) else {
                    return;
                };
                if Instant::now() >= next {
                    next = Instant::now() + fetcher.fetch_once(fetched);
                }
                drop(strong);
                std::thread::sleep(Duration::from_secs(1));
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the OCSP fetching thread: {e}");
    }
}

impl Fetcher {
    /// One fetch; returns the delay until the next one.
    fn fetch_once(&self, fetched: &Fetched) -> Duration {
        match self.fetch().and_then(|der| self.store(der, fetched)) {
            Ok(()) => {
                tracing::info!("OCSP response fetched from {}", self.url);
                REFRESH
            }
            Err(e) => {
                tracing::warn!("OCSP response from {} not fetched: {e}", self.url);
                RETRY
            }
        }
    }

    fn fetch(&self) -> Result<Vec<u8>, String> {
        let (host, port, path) = parse_url(&self.url)?;
        let addr = (host.as_str(), port)
            .to_socket_addrs()
            .map_err(|e| e.to_string())?
            .next()
            .ok_or("the host has no address")?;
        let mut s = TcpStream::connect_timeout(&addr, NET_TIMEOUT).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(NET_TIMEOUT))
            .map_err(|e| e.to_string())?;
        s.set_write_timeout(Some(NET_TIMEOUT))
            .map_err(|e| e.to_string())?;
        let head = format!(
            "POST {path} HTTP/1.0\r\nHost: {host}:{port}\r\nContent-Type: application/ocsp-request\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.request.len()
        );
        s.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
        s.write_all(&self.request).map_err(|e| e.to_string())?;
        let mut reply = Vec::new();
        s.take(MAX_RESPONSE as u64 + 16_384)
            .read_to_end(&mut reply)
            .map_err(|e| e.to_string())?;
        let der = http_body(&reply)?;
        check_response(self.api, &der)?;
        Ok(der)
    }

    fn store(&self, der: Vec<u8>, fetched: &Fetched) -> Result<(), String> {
        if let Some(file) = &self.file {
            let tmp = file.with_extension("fetching");
            std::fs::write(&tmp, &der)
                .and_then(|()| std::fs::rename(&tmp, file))
                .map_err(|e| format!("cannot write '{}': {e}", file.display()))?;
        }
        fetched.set(der);
        Ok(())
    }
}

/// `http://host[:port][/path]` into its parts (only plain HTTP: responders serve it).
pub fn parse_url(url: &str) -> Result<(String, u16, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or("only http:// responder URLs are supported")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => {
            (h, p.parse::<u16>().map_err(|_| "bad port")?)
        }
        _ => (authority, 80),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err("no host".into());
    }
    Ok((host.to_string(), port, path.to_string()))
}

/// The body of a `200` HTTP reply (with a `Content-Length` or up to the close).
pub fn http_body(reply: &[u8]) -> Result<Vec<u8>, String> {
    let end = reply
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("the responder's reply has no header end")?;
    let head = String::from_utf8_lossy(&reply[..end]);
    let status = head.lines().next().unwrap_or_default();
    if status.split_whitespace().nth(1) != Some("200") {
        return Err(format!("the responder answered '{status}'"));
    }
    let body = &reply[end + 4..];
    let length = head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| v.trim().parse::<usize>().ok())?
    });
    let body = match length {
        Some(n) if n <= body.len() => &body[..n],
        Some(_) => return Err("the responder's reply is cut short".into()),
        None => body,
    };
    if body.is_empty() || body.len() > MAX_RESPONSE {
        return Err("the responder's reply has no usable body".into());
    }
    Ok(body.to_vec())
}

/// The first OCSP URL in the certificate's authorityInfoAccess.
fn responder_url(api: &Api, cert: *mut ffi::X509) -> Option<String> {
    // SAFETY: `cert` is live; the stack and its strings are ours until freed below.
    unsafe {
        let urls = (api.X509_get1_ocsp)(cert);
        if urls.is_null() {
            return None;
        }
        let first = if (api.OPENSSL_sk_num)(urls) > 0 {
            ffi::c_text((api.OPENSSL_sk_value)(urls, 0).cast())
        } else {
            None
        };
        (api.X509_email_free)(urls);
        first
    }
}

/// Runs `f` with the issuer of `cert`: a chain certificate of the context, else a
/// certificate of `ca`.
fn with_issuer<R>(
    ctx: &SslCtx,
    cert: *mut ffi::X509,
    ca: Option<&Path>,
    f: impl FnOnce(*mut ffi::X509) -> Result<R, String>,
) -> Result<R, String> {
    let api = ctx.api;
    let mut chain: *mut ffi::OPENSSL_STACK = std::ptr::null_mut();
    // SAFETY: the ctrl stores a borrowed `STACK_OF(X509) *` (or NULL) into `chain`.
    unsafe {
        (api.SSL_CTX_ctrl)(
            ctx.as_ptr(),
            ffi::SSL_CTRL_GET_CHAIN_CERTS,
            0,
            (&mut chain as *mut *mut ffi::OPENSSL_STACK).cast(),
        )
    };
    if !chain.is_null() {
        // SAFETY: `chain` is borrowed from the context; its elements are certificates.
        let n = unsafe { (api.OPENSSL_sk_num)(chain) };
        for i in 0..n {
            // SAFETY: `i` is within the stack; the certificate stays owned by it.
            let candidate = unsafe { (api.OPENSSL_sk_value)(chain, i) }.cast::<ffi::X509>();
            // SAFETY: both certificates are live.
            if unsafe { (api.X509_check_issued)(candidate, cert) } == 0 {
                return f(candidate);
            }
        }
    }
    let ca = ca.ok_or("the issuer of ssl_cert is neither in its chain nor in ssl_ca")?;
    issuer_from_file(api, cert, ca, f)
}

fn issuer_from_file<R>(
    api: &Api,
    cert: *mut ffi::X509,
    ca: &Path,
    f: impl FnOnce(*mut ffi::X509) -> Result<R, String>,
) -> Result<R, String> {
    let c = c_path(ca)?;
    // SAFETY: `c` is a NUL-terminated path and the mode a static string.
    let bio = unsafe { (api.BIO_new_file)(c.as_ptr(), c"r".as_ptr()) };
    if bio.is_null() {
        return Err(format!("ssl_ca '{}' cannot be read", ca.display()));
    }
    let mut found = None;
    loop {
        // SAFETY: `bio` is live; OpenSSL allocates a certificate we own, or NULL.
        let x = unsafe {
            (api.PEM_read_bio_X509)(bio, std::ptr::null_mut(), None, std::ptr::null_mut())
        };
        if x.is_null() {
            break;
        }
        // SAFETY: both certificates are live.
        if unsafe { (api.X509_check_issued)(x, cert) } == 0 {
            found = Some(x);
            break;
        }
        // SAFETY: `x` is ours and not the issuer.
        unsafe { (api.X509_free)(x) };
    }
    // SAFETY: `bio` is ours and no longer used.
    unsafe { (api.BIO_free)(bio) };
    clear_errors(api);
    let issuer = found.ok_or("the issuer of ssl_cert is neither in its chain nor in ssl_ca")?;
    let result = f(issuer);
    // SAFETY: `issuer` is ours; `f` only borrowed it.
    unsafe { (api.X509_free)(issuer) };
    result
}

/// The DER OCSP request for `cert` (SHA-1 certificate id, as responders expect).
fn build_request(
    api: &Api,
    cert: *mut ffi::X509,
    issuer: *mut ffi::X509,
) -> Result<Vec<u8>, String> {
    // SAFETY: both certificates are live; NULL digest means SHA-1. The id is handed to
    // the request (which then owns it) or freed.
    unsafe {
        let id = (api.OCSP_cert_to_id)(std::ptr::null(), cert, issuer);
        if id.is_null() {
            return Err("cannot make the OCSP certificate id".into());
        }
        let req = (api.OCSP_REQUEST_new)();
        if req.is_null() {
            (api.OCSP_CERTID_free)(id);
            return Err("cannot allocate an OCSP request".into());
        }
        if (api.OCSP_request_add0_id)(req, id).is_null() {
            (api.OCSP_CERTID_free)(id);
            (api.OCSP_REQUEST_free)(req);
            return Err("cannot build the OCSP request".into());
        }
        let len = (api.i2d_OCSP_REQUEST)(req, std::ptr::null_mut());
        let mut der = vec![0u8; usize::try_from(len).unwrap_or(0)];
        let mut p = der.as_mut_ptr();
        let written = if der.is_empty() {
            0
        } else {
            (api.i2d_OCSP_REQUEST)(req, &mut p)
        };
        (api.OCSP_REQUEST_free)(req);
        if written <= 0 || written != len {
            return Err("cannot encode the OCSP request".into());
        }
        Ok(der)
    }
}

/// Whether `der` is an OCSP response with the status `successful`.
fn check_response(api: &Api, der: &[u8]) -> Result<(), String> {
    let len = std::ffi::c_long::try_from(der.len()).map_err(|_| "response too large")?;
    let mut p = der.as_ptr();
    // SAFETY: `p` points at `len` readable bytes; the parsed response is ours and freed.
    let status = unsafe {
        let resp = (api.d2i_OCSP_RESPONSE)(std::ptr::null_mut(), &mut p, len);
        if resp.is_null() {
            clear_errors(api);
            return Err("the reply is not an OCSP response".into());
        }
        let status = (api.OCSP_response_status)(resp);
        (api.OCSP_RESPONSE_free)(resp);
        status
    };
    if status == ffi::OCSP_RESPONSE_STATUS_SUCCESSFUL {
        Ok(())
    } else {
        Err(format!(
            "the responder's status is {status}, not successful"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("http://ocsp.example.com"),
            Ok(("ocsp.example.com".into(), 80, "/".into()))
        );
        assert_eq!(
            parse_url("http://127.0.0.1:8888/ocsp"),
            Ok(("127.0.0.1".into(), 8888, "/ocsp".into()))
        );
        assert!(parse_url("https://x/").is_err());
        assert!(parse_url("http://:80/").is_err());
        assert!(parse_url("http://h:x/").is_err());
    }

    #[test]
    fn bodies() {
        let ok = b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabcdef";
        assert_eq!(http_body(ok), Ok(b"abc".to_vec()));
        let no_len = b"HTTP/1.0 200 OK\r\n\r\nxyz";
        assert_eq!(http_body(no_len), Ok(b"xyz".to_vec()));
        assert!(http_body(b"HTTP/1.0 404 Not Found\r\n\r\nx").is_err());
        assert!(http_body(b"HTTP/1.0 200 OK\r\nContent-Length: 9\r\n\r\nab").is_err());
        assert!(http_body(b"garbage").is_err());
    }
}

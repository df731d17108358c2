//! The hand-written binding of libcrypto and libssl, loaded at run time.
//!
//! Every `extern "C"` signature the daemon uses is declared here and nowhere else: a
//! wrong signature is undefined behaviour that no compiler catches, so they are kept
//! together to be checked against the OpenSSL headers (1.1.1 and 3.x share this ABI on
//! 64-bit Linux). The libraries are never unloaded: a loaded [`Api`] is leaked and
//! lives for the whole process.

#![allow(unsafe_code)]
// A few constants complete their documented set (error codes, verify modes, CRL
// flags) without being used yet.
#![allow(dead_code)]
// The C names are kept as they are in the OpenSSL headers.
#![allow(non_camel_case_types, clippy::upper_case_acronyms)]

use std::ffi::{c_char, c_int, c_long, c_uchar, c_uint, c_ulong, c_void, CStr};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use libloading::Library;

/// Opaque OpenSSL types, only ever used behind pointers.
macro_rules! opaque {
    ($($name:ident),*) => {$(
        #[doc = concat!("The OpenSSL `", stringify!($name), "` type (opaque).")]
        #[repr(C)]
        pub struct $name {
            _private: [u8; 0],
        }
    )*};
}

opaque!(
    SSL_CTX,
    SSL,
    SSL_METHOD,
    SSL_CIPHER,
    BIO,
    BIO_METHOD,
    ASN1_TIME,
    X509,
    X509_NAME,
    X509_STORE,
    X509_CRL,
    X509_VERIFY_PARAM,
    X509_STORE_CTX,
    EVP_PKEY,
    EVP_MD,
    OPENSSL_STACK,
    OCSP_REQUEST,
    OCSP_CERTID,
    OCSP_ONEREQ,
    OCSP_RESPONSE,
    STACK_OF_X509_NAME
);

/// `SSL_get_error` results.
pub const SSL_ERROR_SSL: c_int = 1;
pub const SSL_ERROR_WANT_READ: c_int = 2;
pub const SSL_ERROR_WANT_WRITE: c_int = 3;
pub const SSL_ERROR_SYSCALL: c_int = 5;
pub const SSL_ERROR_ZERO_RETURN: c_int = 6;

/// `SSL_CTX_ctrl` / `BIO_ctrl` commands (macros in the headers).
pub const SSL_CTRL_MODE: c_int = 33;
pub const SSL_CTRL_SET_SESS_CACHE_MODE: c_int = 44;
pub const SSL_CTRL_SET_MIN_PROTO_VERSION: c_int = 123;
pub const SSL_CTRL_SET_MAX_PROTO_VERSION: c_int = 124;
pub const BIO_C_SET_BUF_MEM_EOF_RETURN: c_int = 130;
/// `SSL_CTX_set_tlsext_status_cb` (through `SSL_CTX_callback_ctrl`).
pub const SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB: c_int = 63;
/// `SSL_set_tlsext_status_ocsp_resp` (through `SSL_ctrl`).
pub const SSL_CTRL_SET_TLSEXT_STATUS_REQ_OCSP_RESP: c_int = 71;
/// `SSL_CTX_get0_chain_certs` (through `SSL_CTX_ctrl`, `parg` = `STACK_OF(X509) **`).
pub const SSL_CTRL_GET_CHAIN_CERTS: c_int = 115;
/// `OCSP_RESPONSE_STATUS_SUCCESSFUL`.
pub const OCSP_RESPONSE_STATUS_SUCCESSFUL: c_int = 0;
/// `SSL_TLSEXT_ERR_OK` / `SSL_TLSEXT_ERR_NOACK` (servername and status callbacks).
pub const SSL_TLSEXT_ERR_OK: c_int = 0;
pub const SSL_TLSEXT_ERR_NOACK: c_int = 3;
/// `X509_V_OK`: the verification result of a certificate that passed.
pub const X509_V_OK: c_long = 0;
/// `X509_V_ERR_INVALID_PURPOSE`: e.g. an extendedKeyUsage without clientAuth.
pub const X509_V_ERR_INVALID_PURPOSE: c_int = 26;
pub const TLS1_VERSION: c_long = 0x0301;
pub const TLS1_1_VERSION: c_long = 0x0302;

pub const SSL_MODE_RELEASE_BUFFERS: c_long = 0x10;
pub const SSL_SESS_CACHE_SERVER: c_long = 0x2;
pub const TLS1_2_VERSION: c_long = 0x0303;
pub const TLS1_3_VERSION: c_long = 0x0304;
pub const SSL_FILETYPE_PEM: c_int = 1;
pub const SSL_OP_CIPHER_SERVER_PREFERENCE: u64 = 1 << 22;
pub const SSL_OP_NO_RENEGOTIATION: u64 = 1 << 30;
pub const SSL_VERIFY_NONE: c_int = 0;
pub const SSL_VERIFY_PEER: c_int = 1;
pub const SSL_VERIFY_FAIL_IF_NO_PEER_CERT: c_int = 2;
pub const NID_SUBJECT_ALT_NAME: c_int = 85;
pub const X509_V_FLAG_CRL_CHECK: c_ulong = 0x4;
pub const X509_V_FLAG_CRL_CHECK_ALL: c_ulong = 0x8;

/// The oldest version with `SSL_read_ex`/`SSL_write_ex`: 1.1.1.
pub const MIN_VERSION_NUM: c_ulong = 0x1010_1000;

/// `pem_password_cb`.
pub type PemPasswordCb =
    Option<unsafe extern "C" fn(*mut c_char, c_int, c_int, *mut c_void) -> c_int>;
/// `SSL_verify_cb`.
pub type VerifyCb = Option<unsafe extern "C" fn(c_int, *mut X509_STORE_CTX) -> c_int>;
/// `SSL_psk_server_cb_func`: identity in, key out (its length returned, 0 = unknown).
pub type PskServerCb =
    Option<unsafe extern "C" fn(*mut SSL, *const c_char, *mut c_uchar, c_uint) -> c_uint>;
/// The generic callback type of `SSL_CTX_callback_ctrl`.
pub type GenericCb = Option<unsafe extern "C" fn()>;
/// The OCSP status callback (`int (*)(SSL *, void *)`), cast to [`GenericCb`].
pub type StatusCb = unsafe extern "C" fn(*mut SSL, *mut c_void) -> c_int;

/// Declares the function table: each field names its library and the symbol names to
/// try in order (a renamed symbol lists its 3.x name first, then its 1.1 name).
macro_rules! api {
    ($( $lib:ident $field:ident [$($sym:literal),+] fn($($arg:ty),*) $(-> $ret:ty)?; )*) => {
        /// The resolved function pointers, valid as long as the libraries stay loaded
        /// (forever: the table owns them and is never dropped).
        #[allow(non_snake_case, dead_code)]
        pub struct Api {
            $( pub $field: unsafe extern "C" fn($($arg),*) $(-> $ret)?, )*
            _libs: Libs,
        }

        impl Api {
            fn resolve(libs: Libs) -> Result<Api, String> {
                Ok(Api {
                    $( $field: libs.$lib(&[$($sym),+])?, )*
                    _libs: libs,
                })
            }
        }
    };
}

api! {
    crypto OpenSSL_version_num ["OpenSSL_version_num"] fn() -> c_ulong;
    crypto OpenSSL_version ["OpenSSL_version"] fn(c_int) -> *const c_char;
    crypto ERR_get_error ["ERR_get_error"] fn() -> c_ulong;
    crypto ERR_clear_error ["ERR_clear_error"] fn();
    crypto ERR_error_string_n ["ERR_error_string_n"] fn(c_ulong, *mut c_char, usize);
    crypto BIO_s_mem ["BIO_s_mem"] fn() -> *const BIO_METHOD;
    crypto BIO_new ["BIO_new"] fn(*const BIO_METHOD) -> *mut BIO;
    crypto BIO_free ["BIO_free"] fn(*mut BIO) -> c_int;
    crypto BIO_read ["BIO_read"] fn(*mut BIO, *mut c_void, c_int) -> c_int;
    crypto BIO_write ["BIO_write"] fn(*mut BIO, *const c_void, c_int) -> c_int;
    crypto BIO_ctrl ["BIO_ctrl"] fn(*mut BIO, c_int, c_long, *mut c_void) -> c_long;
    crypto BIO_ctrl_pending ["BIO_ctrl_pending"] fn(*mut BIO) -> usize;
    crypto BIO_new_file ["BIO_new_file"] fn(*const c_char, *const c_char) -> *mut BIO;
    crypto PEM_read_bio_X509_CRL ["PEM_read_bio_X509_CRL"]
        fn(*mut BIO, *mut *mut X509_CRL, PemPasswordCb, *mut c_void) -> *mut X509_CRL;
    crypto X509_CRL_free ["X509_CRL_free"] fn(*mut X509_CRL);
    crypto X509_STORE_add_crl ["X509_STORE_add_crl"] fn(*mut X509_STORE, *mut X509_CRL) -> c_int;
    crypto X509_STORE_get0_param ["X509_STORE_get0_param"]
        fn(*mut X509_STORE) -> *mut X509_VERIFY_PARAM;
    crypto X509_VERIFY_PARAM_set_flags ["X509_VERIFY_PARAM_set_flags"]
        fn(*mut X509_VERIFY_PARAM, c_ulong) -> c_int;
    crypto X509_get_subject_name ["X509_get_subject_name"] fn(*const X509) -> *mut X509_NAME;
    crypto X509_NAME_oneline ["X509_NAME_oneline"]
        fn(*const X509_NAME, *mut c_char, c_int) -> *mut c_char;
    crypto X509_free ["X509_free"] fn(*mut X509);
    crypto X509_get0_notAfter ["X509_get0_notAfter"] fn(*const X509) -> *const ASN1_TIME;
    crypto X509_cmp_time ["X509_cmp_time"] fn(*const ASN1_TIME, *mut i64) -> c_int;
    crypto X509_get_ext_by_NID ["X509_get_ext_by_NID"] fn(*const X509, c_int, c_int) -> c_int;
    crypto CRYPTO_malloc ["CRYPTO_malloc"] fn(usize, *const c_char, c_int) -> *mut c_void;
    crypto X509_get_issuer_name ["X509_get_issuer_name"] fn(*const X509) -> *mut X509_NAME;
    crypto ASN1_TIME_print ["ASN1_TIME_print"] fn(*mut BIO, *const ASN1_TIME) -> c_int;
    crypto ASN1_TIME_diff ["ASN1_TIME_diff"]
        fn(*mut c_int, *mut c_int, *const ASN1_TIME, *const ASN1_TIME) -> c_int;
    crypto X509_verify_cert_error_string ["X509_verify_cert_error_string"]
        fn(c_long) -> *const c_char;
    crypto X509_STORE_CTX_get_current_cert ["X509_STORE_CTX_get_current_cert"]
        fn(*const X509_STORE_CTX) -> *mut X509;
    crypto X509_STORE_CTX_get_error ["X509_STORE_CTX_get_error"] fn(*const X509_STORE_CTX) -> c_int;
    crypto PEM_read_bio_X509 ["PEM_read_bio_X509"]
        fn(*mut BIO, *mut *mut X509, PemPasswordCb, *mut c_void) -> *mut X509;
    crypto X509_check_issued ["X509_check_issued"] fn(*mut X509, *mut X509) -> c_int;
    crypto X509_get1_ocsp ["X509_get1_ocsp"] fn(*mut X509) -> *mut OPENSSL_STACK;
    crypto X509_email_free ["X509_email_free"] fn(*mut OPENSSL_STACK);
    crypto OPENSSL_sk_num ["OPENSSL_sk_num"] fn(*const OPENSSL_STACK) -> c_int;
    crypto OPENSSL_sk_value ["OPENSSL_sk_value"] fn(*const OPENSSL_STACK, c_int) -> *mut c_void;
    crypto OCSP_cert_to_id ["OCSP_cert_to_id"]
        fn(*const EVP_MD, *const X509, *const X509) -> *mut OCSP_CERTID;
    crypto OCSP_REQUEST_new ["OCSP_REQUEST_new"] fn() -> *mut OCSP_REQUEST;
    crypto OCSP_REQUEST_free ["OCSP_REQUEST_free"] fn(*mut OCSP_REQUEST);
    crypto OCSP_request_add0_id ["OCSP_request_add0_id"]
        fn(*mut OCSP_REQUEST, *mut OCSP_CERTID) -> *mut OCSP_ONEREQ;
    crypto i2d_OCSP_REQUEST ["i2d_OCSP_REQUEST"] fn(*const OCSP_REQUEST, *mut *mut c_uchar) -> c_int;
    crypto d2i_OCSP_RESPONSE ["d2i_OCSP_RESPONSE"]
        fn(*mut *mut OCSP_RESPONSE, *mut *const c_uchar, c_long) -> *mut OCSP_RESPONSE;
    crypto OCSP_response_status ["OCSP_response_status"] fn(*mut OCSP_RESPONSE) -> c_int;
    crypto OCSP_RESPONSE_free ["OCSP_RESPONSE_free"] fn(*mut OCSP_RESPONSE);
    crypto OCSP_CERTID_free ["OCSP_CERTID_free"] fn(*mut OCSP_CERTID);
    crypto EVP_PKEY_get_bits ["EVP_PKEY_get_bits", "EVP_PKEY_bits"] fn(*const EVP_PKEY) -> c_int;

    ssl TLS_server_method ["TLS_server_method"] fn() -> *const SSL_METHOD;
    ssl SSL_CTX_new ["SSL_CTX_new"] fn(*const SSL_METHOD) -> *mut SSL_CTX;
    ssl SSL_CTX_free ["SSL_CTX_free"] fn(*mut SSL_CTX);
    ssl SSL_CTX_ctrl ["SSL_CTX_ctrl"] fn(*mut SSL_CTX, c_int, c_long, *mut c_void) -> c_long;
    ssl SSL_CTX_set_options ["SSL_CTX_set_options"] fn(*mut SSL_CTX, u64) -> u64;
    ssl SSL_CTX_set_num_tickets ["SSL_CTX_set_num_tickets"] fn(*mut SSL_CTX, usize) -> c_int;
    ssl SSL_CTX_use_certificate_chain_file ["SSL_CTX_use_certificate_chain_file"]
        fn(*mut SSL_CTX, *const c_char) -> c_int;
    ssl SSL_CTX_use_PrivateKey_file ["SSL_CTX_use_PrivateKey_file"]
        fn(*mut SSL_CTX, *const c_char, c_int) -> c_int;
    ssl SSL_CTX_set_default_passwd_cb ["SSL_CTX_set_default_passwd_cb"]
        fn(*mut SSL_CTX, PemPasswordCb);
    ssl SSL_CTX_check_private_key ["SSL_CTX_check_private_key"] fn(*const SSL_CTX) -> c_int;
    ssl SSL_CTX_load_verify_locations ["SSL_CTX_load_verify_locations"]
        fn(*mut SSL_CTX, *const c_char, *const c_char) -> c_int;
    ssl SSL_CTX_set_verify ["SSL_CTX_set_verify"] fn(*mut SSL_CTX, c_int, VerifyCb);
    ssl SSL_load_client_CA_file ["SSL_load_client_CA_file"]
        fn(*const c_char) -> *mut STACK_OF_X509_NAME;
    ssl SSL_CTX_set_client_CA_list ["SSL_CTX_set_client_CA_list"]
        fn(*mut SSL_CTX, *mut STACK_OF_X509_NAME);
    ssl SSL_CTX_set_cipher_list ["SSL_CTX_set_cipher_list"] fn(*mut SSL_CTX, *const c_char) -> c_int;
    ssl SSL_CTX_set_ciphersuites ["SSL_CTX_set_ciphersuites"]
        fn(*mut SSL_CTX, *const c_char) -> c_int;
    ssl SSL_CTX_get_cert_store ["SSL_CTX_get_cert_store"] fn(*const SSL_CTX) -> *mut X509_STORE;
    ssl SSL_CTX_set_session_id_context ["SSL_CTX_set_session_id_context"]
        fn(*mut SSL_CTX, *const c_uchar, c_uint) -> c_int;
    ssl SSL_CTX_get0_certificate ["SSL_CTX_get0_certificate"] fn(*const SSL_CTX) -> *mut X509;
    ssl SSL_new ["SSL_new"] fn(*mut SSL_CTX) -> *mut SSL;
    ssl SSL_free ["SSL_free"] fn(*mut SSL);
    ssl SSL_set_bio ["SSL_set_bio"] fn(*mut SSL, *mut BIO, *mut BIO);
    ssl SSL_set_accept_state ["SSL_set_accept_state"] fn(*mut SSL);
    ssl SSL_do_handshake ["SSL_do_handshake"] fn(*mut SSL) -> c_int;
    ssl SSL_read_ex ["SSL_read_ex"] fn(*mut SSL, *mut c_void, usize, *mut usize) -> c_int;
    ssl SSL_has_pending ["SSL_has_pending"] fn(*const SSL) -> c_int;
    ssl SSL_write_ex ["SSL_write_ex"] fn(*mut SSL, *const c_void, usize, *mut usize) -> c_int;
    ssl SSL_shutdown ["SSL_shutdown"] fn(*mut SSL) -> c_int;
    ssl SSL_get_error ["SSL_get_error"] fn(*const SSL, c_int) -> c_int;
    ssl SSL_get_current_cipher ["SSL_get_current_cipher"] fn(*const SSL) -> *const SSL_CIPHER;
    ssl SSL_CIPHER_get_name ["SSL_CIPHER_get_name"] fn(*const SSL_CIPHER) -> *const c_char;
    ssl SSL_get_version ["SSL_get_version"] fn(*const SSL) -> *const c_char;
    ssl SSL_get_peer_certificate ["SSL_get1_peer_certificate", "SSL_get_peer_certificate"]
        fn(*const SSL) -> *mut X509;
    ssl SSL_get_verify_result ["SSL_get_verify_result"] fn(*const SSL) -> c_long;
    ssl SSL_get_SSL_CTX ["SSL_get_SSL_CTX"] fn(*const SSL) -> *mut SSL_CTX;
    ssl SSL_ctrl ["SSL_ctrl"] fn(*mut SSL, c_int, c_long, *mut c_void) -> c_long;
    ssl SSL_CTX_callback_ctrl ["SSL_CTX_callback_ctrl"] fn(*mut SSL_CTX, c_int, GenericCb) -> c_long;
    ssl SSL_CTX_set_psk_server_callback ["SSL_CTX_set_psk_server_callback"]
        fn(*mut SSL_CTX, PskServerCb);
}

/// The two libraries the table was resolved from (libcrypto may be absent when an
/// explicit libssl was given whose libcrypto could not be named: its symbols are then
/// looked up through libssl's dependencies).
struct Libs {
    crypto: Option<Library>,
    ssl: Library,
}

impl Libs {
    fn crypto<T: Copy>(&self, names: &[&str]) -> Result<T, String> {
        lookup(self.crypto.as_ref().unwrap_or(&self.ssl), names)
    }

    fn ssl<T: Copy>(&self, names: &[&str]) -> Result<T, String> {
        lookup(&self.ssl, names)
    }
}

/// Resolves the first of `names` that the library exports.
fn lookup<T: Copy>(lib: &Library, names: &[&str]) -> Result<T, String> {
    for name in names {
        let mut bytes = name.as_bytes().to_vec();
        bytes.push(0);
        // `T` is the exact `unsafe extern "C" fn` type declared for this symbol in the
        // `api!` table above (checked against the OpenSSL 1.1.1/3.x headers).
        // SAFETY: the type matches, and the library stays loaded forever.
        if let Ok(sym) = unsafe { lib.get::<T>(&bytes) } {
            return Ok(*sym);
        }
    }
    Err(format!(
        "the SSL library has no symbol {}",
        names.join(" or ")
    ))
}

/// Where to load the libraries from: `None` searches the loader's paths.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Source {
    ssl: Option<PathBuf>,
    crypto: Option<PathBuf>,
}

static LOADED: Mutex<Vec<(Source, &'static Api)>> = Mutex::new(Vec::new());

/// Loads (once per distinct source) and returns the function table. `library` is an
/// explicit libssl file; without it `SEARCHD_LIBSSL` is read, then the system's
/// `libssl.so.3` / `libssl.so.1.1` are tried. `SEARCHD_LIBCRYPTO` names libcrypto.
pub fn load(library: Option<&Path>) -> Result<&'static Api, String> {
    let ssl = library
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("SEARCHD_LIBSSL").map(PathBuf::from));
    let crypto = std::env::var_os("SEARCHD_LIBCRYPTO").map(PathBuf::from);
    let source = Source { ssl, crypto };
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, api)) = loaded.iter().find(|(s, _)| *s == source) {
        return Ok(api);
    }
    let api: &'static Api = Box::leak(Box::new(open(&source)?));
    loaded.push((source, api));
    Ok(api)
}

/// Opens the libraries, resolves the table and checks the version.
fn open(source: &Source) -> Result<Api, String> {
    let libs = match &source.ssl {
        Some(ssl) => open_explicit(ssl, source.crypto.as_deref())?,
        None => open_system(source.crypto.as_deref())?,
    };
    let api = Api::resolve(libs)?;
    // SAFETY: `OpenSSL_version_num` takes no arguments and returns a plain integer.
    let num = unsafe { (api.OpenSSL_version_num)() };
    if num < MIN_VERSION_NUM {
        return Err(format!(
            "{} is too old: OpenSSL 1.1.1 or newer is needed",
            version_text(&api)
        ));
    }
    Ok(api)
}

/// The library's own version text (`OpenSSL_version(OPENSSL_VERSION)`).
pub fn version_text(api: &Api) -> String {
    // SAFETY: `OpenSSL_version(0)` returns a pointer to a static NUL-terminated string
    // (or NULL, checked by `c_text`).
    let ptr = unsafe { (api.OpenSSL_version)(0) };
    c_text(ptr).unwrap_or_else(|| "OpenSSL (unknown version)".into())
}

/// Copies a NUL-terminated C string that OpenSSL owns (NULL gives `None`).
pub fn c_text(ptr: *const c_char) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: callers pass pointers OpenSSL documents as NUL-terminated strings that
    // stay valid until the next call on the same object; the text is copied at once.
    let text = unsafe { CStr::from_ptr(ptr) };
    Some(text.to_string_lossy().into_owned())
}

/// The system pair: `libcrypto.so.3` + `libssl.so.3`, else the 1.1 pair.
fn open_system(crypto: Option<&Path>) -> Result<Libs, String> {
    let mut reasons = Vec::new();
    for version in ["3", "1.1"] {
        let crypto_name = crypto
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(format!("libcrypto.so.{version}")));
        let pair = dlopen(&crypto_name)
            .and_then(|c| dlopen(Path::new(&format!("libssl.so.{version}"))).map(|s| (c, s)));
        match pair {
            Ok((crypto, ssl)) => {
                return Ok(Libs {
                    crypto: Some(crypto),
                    ssl,
                })
            }
            Err(reason) => reasons.push(reason),
        }
    }
    Err(reasons.join("; "))
}

/// An explicit libssl file, with libcrypto from `crypto`, else the file of the same
/// version next to it, else the loader's search for that name.
fn open_explicit(ssl: &Path, crypto: Option<&Path>) -> Result<Libs, String> {
    let crypto_path = crypto
        .map(Path::to_path_buf)
        .or_else(|| sibling_crypto(ssl));
    let crypto = match crypto_path {
        Some(path) => Some(dlopen(&path)?),
        None => None,
    };
    let ssl = dlopen(ssl)?;
    Ok(Libs { crypto, ssl })
}

/// `dir/libssl.so.X` -> `dir/libcrypto.so.X` when that file exists, else the bare name
/// `libcrypto.so.X` for the loader to find; `None` when the name has no such form.
fn sibling_crypto(ssl: &Path) -> Option<PathBuf> {
    let name = ssl.file_name()?.to_str()?;
    let suffix = name.strip_prefix("libssl")?;
    if !suffix.starts_with(".so") {
        return None;
    }
    let crypto_name = format!("libcrypto{suffix}");
    let sibling = ssl.with_file_name(&crypto_name);
    Some(if sibling.exists() {
        sibling
    } else {
        PathBuf::from(crypto_name)
    })
}

/// `dlopen` with the loader's real reason on failure (libloading's Display says only
/// "dlopen failed"; the reason is in its source).
fn dlopen(path: &Path) -> Result<Library, String> {
    // Callers pass only paths meant to be libcrypto/libssl; a file that is not a shared
    // object is rejected by the loader before any code runs.
    // SAFETY: loading them runs initialisers that only set up OpenSSL's own state.
    unsafe { Library::new(path) }.map_err(|e| {
        let detail = std::error::Error::source(&e)
            .map(|s| s.to_string())
            .unwrap_or_else(|| e.to_string());
        let shown = path.display().to_string();
        if detail.contains(&shown) {
            detail
        } else {
            format!("{shown}: {detail}")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sibling_crypto_follows_the_version_suffix() {
        let got = sibling_crypto(Path::new("/nonexistent/dir/libssl.so.3"));
        assert_eq!(got, Some(PathBuf::from("libcrypto.so.3")));
        assert_eq!(sibling_crypto(Path::new("some/dir/notssl.bin")), None);
    }
}

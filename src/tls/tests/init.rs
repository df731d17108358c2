//! Every reason TLS can be unusable, and the settings that make it usable.

use super::*;

#[test]
fn nothing_configured() {
    assert_eq!(
        reason(&TlsSettings::default()),
        "ssl_cert and ssl_key are not set"
    );
}

#[test]
fn only_one_of_cert_and_key() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.key = None;
    assert_eq!(reason(&s), "ssl_key is not set");
}

#[test]
fn missing_key_names_the_path_and_os_error() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.key = Some(certs.path("nope-key.pem"));
    let r = reason(&s);
    assert!(r.starts_with("ssl_key '"), "{r}");
    assert!(r.contains("nope-key.pem"), "{r}");
    assert!(r.contains("No such file or directory"), "{r}");
}

#[test]
fn missing_cert_names_the_path_and_os_error() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.cert = Some(certs.path("nope-cert.pem"));
    let r = reason(&s);
    assert!(r.starts_with("ssl_cert '"), "{r}");
    assert!(
        r.contains("nope-cert.pem': cannot be read") || r.contains("No such file"),
        "{r}"
    );
    assert!(r.contains("No such file or directory"), "{r}");
}

#[test]
fn key_of_another_certificate_is_refused() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.key = Some(certs.path("ca-key.pem"));
    let r = reason(&s);
    assert!(r.contains("does not match ssl_cert"), "{r}");
    assert!(r.contains("ca-key.pem"), "{r}");
}

#[test]
fn bad_pem_certificate() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.cert = Some(certs.write("bad-cert.pem", "this is not a certificate\n"));
    let r = reason(&s);
    assert!(r.contains("is not a valid PEM certificate"), "{r}");
    assert!(r.contains("bad-cert.pem"), "{r}");
}

#[test]
fn bad_pem_key() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.key = Some(certs.write("bad-key.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n"));
    let r = reason(&s);
    assert!(r.contains("is not a valid PEM private key"), "{r}");
}

#[test]
fn missing_ca() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.ca = Some(certs.path("nope-ca.pem"));
    let r = reason(&s);
    assert!(r.starts_with("ssl_ca '"), "{r}");
    assert!(r.contains("No such file or directory"), "{r}");
}

#[test]
fn unparsable_ca() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.ca = Some(certs.write("junk-ca.pem", "junk\n"));
    let r = reason(&s);
    assert!(
        r.contains("ssl_ca '") && r.contains("cannot be loaded"),
        "{r}"
    );
}

#[test]
fn valid_ca_is_usable() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.ca = Some(certs.path("ca-cert.pem"));
    usable(&s);
}

#[test]
fn library_that_is_not_libssl_gives_the_loader_reason() {
    let certs = Certs::new();
    for name in ["libssl.so.3", "not-a-library.bin"] {
        let mut s = certs.settings("server");
        let fake = certs.write(name, &"this is plain text, not a shared object\n".repeat(8));
        s.library = Some(fake);
        let r = reason(&s);
        assert!(r.starts_with("the SSL library cannot be loaded: "), "{r}");
        assert!(r.contains(name), "{r}");
        assert!(!r.ends_with("dlopen failed"), "{r}");
        assert!(
            r.contains("invalid ELF header") || r.contains("file too short"),
            "{r}"
        );
    }
}

#[test]
fn missing_library_file() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.library = Some(certs.path("libssl.so.99"));
    let r = reason(&s);
    assert!(r.contains("cannot open shared object file"), "{r}");
}

#[test]
fn library_by_name_is_usable() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.library = Some(PathBuf::from("libssl.so.3"));
    usable(&s);
}

#[test]
fn describe_gives_the_reason_for_unusable() {
    let state = TlsState::init(&TlsSettings::default());
    assert!(state.acceptor().is_none());
    assert_eq!(state.describe(), "ssl_cert and ssl_key are not set");
}

#[test]
fn encrypted_key_is_refused_without_prompting() {
    let certs = Certs::new();
    openssl(
        certs.dir.path(),
        &[
            "pkey",
            "-in",
            "server-key.pem",
            "-out",
            "enc-key.pem",
            "-aes256",
            "-passout",
            "pass:secret",
        ],
    );
    let mut s = certs.settings("server");
    s.key = Some(certs.path("enc-key.pem"));
    let r = reason(&s);
    assert!(r.contains("is not a valid PEM private key"), "{r}");
}

#[test]
fn certificate_warnings() {
    let certs = Certs::new();
    assert!(certs.acceptor("server").certificate_warnings().is_empty());
    let d = certs.dir.path();
    // The documentation's recipe: no subjectAltName; and one that is about to expire.
    openssl(
        d,
        &[
            "req",
            "-new",
            "-nodes",
            "-newkey",
            "rsa:2048",
            "-keyout",
            "plain-key.pem",
            "-out",
            "plain-req.pem",
            "-subj",
            "/CN=localhost",
        ],
    );
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "plain-req.pem",
            "-days",
            "2",
            "-CA",
            "ca-cert.pem",
            "-CAkey",
            "ca-key.pem",
            "-set_serial",
            "02",
            "-out",
            "plain-cert.pem",
        ],
    );
    let warnings = certs.acceptor("plain").certificate_warnings().to_vec();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("has no subjectAltName"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].contains("expires within 30 days"),
        "{warnings:?}"
    );
}

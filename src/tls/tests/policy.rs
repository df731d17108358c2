//! The settings beyond Manticore: which combinations make TLS usable, and the reason
//! (naming the setting and the value) when they do not.

use super::*;
use crate::config::{TlsProtocol, VerifyClient};

#[test]
fn verify_client_needs_a_ca() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.verify_client = VerifyClient::On;
    assert_eq!(
        reason(&s),
        "ssl_verify_client needs ssl_ca (the authority client certificates chain to)"
    );
    s.ca = Some(certs.path("ca-cert.pem"));
    assert_eq!(usable(&s).verify_client(), VerifyClient::On);
}

#[test]
fn psk_alone_makes_tls_usable_without_a_certificate() {
    let certs = Certs::new();
    let s = TlsSettings {
        psk_file: Some(certs.write("psk.txt", "alice:00ff\n")),
        ..TlsSettings::default()
    };
    let a = usable(&s);
    assert!(a.certificate().is_none());
    assert!(a.certificate_warnings().is_empty());
}

#[test]
fn bad_psk_file_names_the_file_and_line() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.psk_file = Some(certs.write("psk.txt", "# keys\nalice:xyz1\n"));
    let r = reason(&s);
    assert!(r.starts_with("ssl_psk_file '"), "{r}");
    assert!(r.ends_with("psk.txt' line 2: the key is not hex"), "{r}");
    s.psk_file = Some(certs.path("missing-psk.txt"));
    assert!(reason(&s).contains("cannot be read"));
}

#[test]
fn unknown_cipher_names_are_refused() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.ciphers = Some("ECDHE-RSA-AES128-GCM-SHA256:BOGUS".into());
    assert_eq!(
        reason(&s),
        "ssl_ciphers 'ECDHE-RSA-AES128-GCM-SHA256:BOGUS': 'BOGUS' matches no cipher the \
         library knows"
    );
    s.ciphers = Some("HIGH:!aNULL".into());
    s.ciphersuites = Some("TLS_AES_128_GCM_SHA256:TLS_NOPE".into());
    let r = reason(&s);
    assert!(
        r.starts_with("ssl_ciphersuites 'TLS_AES_128_GCM_SHA256:TLS_NOPE': 'TLS_NOPE'"),
        "{r}"
    );
    s.ciphersuites = Some("TLS_AES_128_GCM_SHA256".into());
    usable(&s);
}

#[test]
fn crl_that_is_not_a_crl() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.crl = vec![certs.path("ca-cert.pem")];
    let r = reason(&s);
    assert!(r.starts_with("ssl_crl '"), "{r}");
    assert!(r.contains("holds no PEM CRL"), "{r}");
    s.crl = vec![certs.path("no-such-crl.pem")];
    assert!(reason(&s).contains("cannot be read"));
}

#[test]
fn every_protocol_range_is_accepted() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    for range in [
        vec![TlsProtocol::Tls13],
        vec![TlsProtocol::Tls12],
        vec![TlsProtocol::Tls10, TlsProtocol::Tls11, TlsProtocol::Tls12],
    ] {
        s.protocols = range;
        usable(&s);
    }
}

#[test]
fn certificate_summary() {
    let certs = Certs::new();
    let a = certs.acceptor("server");
    let c = a.certificate().expect("a certificate");
    assert_eq!(c.issuer, "/CN=searchd test CA");
    assert_eq!(c.subject, "/CN=localhost");
    assert!(c.not_after.ends_with(" GMT"), "{c:?}");
    assert!((300..=366).contains(&c.days_left), "{c:?}");
}

#[test]
fn missing_ocsp_response_is_a_warning_only() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.ocsp_response = Some(certs.path("none.der"));
    let a = usable(&s);
    assert!(
        a.certificate_warnings()
            .iter()
            .any(|w| w.contains("ssl_ocsp_response") && w.contains("none.der")),
        "{:?}",
        a.certificate_warnings()
    );
}

#[test]
fn responder_auto_without_an_ocsp_url_is_a_warning_only() {
    let certs = Certs::new();
    let mut s = certs.settings("server");
    s.ocsp_responder = Some("auto".into());
    let a = usable(&s);
    assert!(
        a.certificate_warnings().iter().any(|w| w
            == "ssl_ocsp_responder = auto: ssl_cert names no OCSP responder \
                (authorityInfoAccess): no OCSP response is fetched"),
        "{:?}",
        a.certificate_warnings()
    );
}

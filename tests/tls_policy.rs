//! `ssl_protocols`, `ssl_ciphers`, `ssl_ciphersuites`, `ssl_psk_file` and
//! `ssl_ocsp_response` against the real daemon with `openssl s_client`, and the errors
//! bad values give.

mod common;
#[path = "tls_pki/mod.rs"]
mod pki;

use common::{free_port, Daemon, Sandbox};
use pki::{s_client, Pki, PSK_IDENTITY, PSK_KEY};

fn start(pki: &Pki, extra: &str) -> (Daemon, u16) {
    let sandbox = Sandbox::new();
    let https = free_port();
    sandbox.config(&format!(
        "    listen = 127.0.0.1:{https}:https\n    ssl_cert = {}\n    ssl_key = {}\n{extra}",
        pki.p("server.pem"),
        pki.p("server.key"),
    ));
    (Daemon::start(sandbox, &[]), https)
}

fn negotiated(text: &str) -> Option<(String, String)> {
    let line = text.lines().find(|l| l.starts_with("New, TLS"))?;
    let (version, cipher) = line.strip_prefix("New, ")?.split_once(", Cipher is ")?;
    Some((version.to_string(), cipher.trim().to_string()))
}

#[test]
fn versions_and_ciphers() {
    let pki = Pki::new();
    let (_d, port) = start(
        &pki,
        "    ssl_protocols = TLSv1.2\n    ssl_ciphers = ECDHE-ECDSA-AES128-GCM-SHA256\n",
    );
    let dir = pki.dir.path();
    let ok = s_client(
        dir,
        port,
        &["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"],
    );
    assert_eq!(
        negotiated(&ok.text),
        Some(("TLSv1.2".into(), "ECDHE-ECDSA-AES128-GCM-SHA256".into())),
        "{}",
        ok.text
    );
    let other_cipher = s_client(
        dir,
        port,
        &["-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384"],
    );
    assert_eq!(
        negotiated(&other_cipher.text),
        None,
        "{}",
        other_cipher.text
    );
    assert!(
        other_cipher.text.contains("alert handshake failure"),
        "{}",
        other_cipher.text
    );
    let tls13 = s_client(dir, port, &["-tls1_3"]);
    assert_eq!(negotiated(&tls13.text), None, "{}", tls13.text);
    assert!(
        tls13.text.contains("alert protocol version"),
        "{}",
        tls13.text
    );
}

#[test]
fn tls13_suites() {
    let pki = Pki::new();
    let (_d, port) = start(
        &pki,
        "    ssl_protocols = TLSv1.3\n    ssl_ciphersuites = TLS_CHACHA20_POLY1305_SHA256\n",
    );
    let dir = pki.dir.path();
    let ok = s_client(dir, port, &["-tls1_3"]);
    assert_eq!(
        negotiated(&ok.text),
        Some(("TLSv1.3".into(), "TLS_CHACHA20_POLY1305_SHA256".into())),
        "{}",
        ok.text
    );
    let other = s_client(
        dir,
        port,
        &["-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384"],
    );
    assert_eq!(negotiated(&other.text), None, "{}", other.text);
    let tls12 = s_client(dir, port, &["-tls1_2"]);
    assert_eq!(negotiated(&tls12.text), None, "{}", tls12.text);
}

fn psk_args(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = vec!["-psk_identity", PSK_IDENTITY, "-psk", PSK_KEY];
    args.extend_from_slice(extra);
    args
}

#[test]
fn psk_with_a_certificate() {
    let pki = Pki::new();
    let (d, port) = start(&pki, &format!("    ssl_psk_file = {}\n", pki.p("psk.txt")));
    let dir = pki.dir.path();
    let tls12 = s_client(
        dir,
        port,
        &psk_args(&["-tls1_2", "-cipher", "PSK-AES128-GCM-SHA256"]),
    );
    assert_eq!(
        negotiated(&tls12.text),
        Some(("TLSv1.2".into(), "PSK-AES128-GCM-SHA256".into())),
        "{}",
        tls12.text
    );
    let wrong = s_client(
        dir,
        port,
        &[
            "-psk_identity",
            "mallory",
            "-psk",
            PSK_KEY,
            "-tls1_2",
            "-cipher",
            "PSK",
        ],
    );
    // (s_client prints the cipher of the ServerHello even when the handshake then
    // fails on the identity.)
    assert!(
        wrong.text.contains("alert unknown psk identity"),
        "{}",
        wrong.text
    );
    d.sandbox.wait_log("TLS PSK: unknown identity 'mallory'");
    // Certificate clients keep working.
    let cert = s_client(dir, port, &["-CAfile", "ca.pem", "-tls1_3"]);
    assert!(
        cert.text.contains("Verify return code: 0 (ok)"),
        "{}",
        cert.text
    );
}

#[test]
fn psk_without_a_certificate() {
    let pki = Pki::new();
    let sandbox = Sandbox::new();
    let https = free_port();
    sandbox.config(&format!(
        "    listen = 127.0.0.1:{https}:https\n    ssl_psk_file = {}\n",
        pki.p("psk.txt")
    ));
    let d = Daemon::start(sandbox, &[]);
    assert!(d.log().contains("TLS is usable"), "{}", d.log());
    let dir = pki.dir.path();
    let tls12 = s_client(
        dir,
        https,
        &psk_args(&["-tls1_2", "-cipher", "PSK-AES256-GCM-SHA384"]),
    );
    assert_eq!(
        negotiated(&tls12.text),
        Some(("TLSv1.2".into(), "PSK-AES256-GCM-SHA384".into())),
        "{}",
        tls12.text
    );
    let tls13 = s_client(
        dir,
        https,
        &psk_args(&["-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"]),
    );
    assert!(
        tls13
            .text
            .contains("TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256"),
        "{}",
        tls13.text
    );
    assert!(
        tls13.text.contains("no peer certificate available"),
        "{}",
        tls13.text
    );
    let no_psk = s_client(dir, https, &["-tls1_2"]);
    assert_eq!(negotiated(&no_psk.text), None, "{}", no_psk.text);
}

#[test]
fn ocsp_response_is_stapled_and_refreshed() {
    let pki = Pki::new();
    let (_d, port) = start(
        &pki,
        &format!("    ssl_ocsp_response = {}\n", pki.p("ocsp.der")),
    );
    let dir = pki.dir.path();
    let got = s_client(dir, port, &["-status", "-CAfile", "ca.pem"]);
    assert!(
        got.text.contains("OCSP Response Status: successful"),
        "{}",
        got.text
    );
    assert!(got.text.contains("Cert Status: good"), "{}", got.text);
    // The certificate is revoked and a new response written: stapled without a reload.
    pki.openssl(&["ca", "-config", "ca.cnf", "-revoke", "server.pem"]);
    pki.ocsp_response("ocsp.der.new");
    std::fs::rename(pki.path("ocsp.der.new"), pki.path("ocsp.der")).unwrap();
    let got = s_client(dir, port, &["-status", "-CAfile", "ca.pem"]);
    assert!(got.text.contains("Cert Status: revoked"), "{}", got.text);
    // Clients that do not ask get no response.
    let plain = s_client(dir, port, &["-CAfile", "ca.pem"]);
    assert!(!plain.text.contains("OCSP response"), "{}", plain.text);
}

#[test]
fn bad_protocol_value_is_a_config_error() {
    let sandbox = Sandbox::new();
    sandbox.config("    ssl_protocols = TLSv1.2 TLSv1.4\n");
    let conf = sandbox.path("searchd.conf");
    let out = sandbox.run(&["--config", conf.to_str().unwrap(), "--nodetach"]);
    assert!(!out.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("invalid value 'TLSv1.2 TLSv1.4' for key 'ssl_protocols'")
            && text.contains("unknown protocol 'TLSv1.4'"),
        "{text}"
    );
}

#[test]
fn unknown_cipher_makes_tls_unusable_naming_it() {
    let pki = Pki::new();
    let (d, _) = start(
        &pki,
        "    ssl_ciphers = ECDHE-ECDSA-AES128-GCM-SHA256:NO-SUCH-CIPHER\n",
    );
    assert!(
        d.log().contains(
            "WARNING: TLS is unusable: ssl_ciphers 'ECDHE-ECDSA-AES128-GCM-SHA256:NO-SUCH-CIPHER': \
             'NO-SUCH-CIPHER' matches no cipher the library knows"
        ),
        "{}",
        d.log()
    );
}

#[test]
fn certificate_health_in_show_status_and_log() {
    let pki = Pki::new();
    pki.issue("soon", "server", &["-days", "10"]);
    pki.issue(
        "old",
        "server",
        &[
            "-startdate",
            "20200101000000Z",
            "-enddate",
            "20200201000000Z",
        ],
    );
    let sandbox = Sandbox::new();
    let https = free_port();
    sandbox.config(&format!(
        "    listen = 127.0.0.1:{https}:https\n    ssl_cert = {}\n    ssl_key = {}\n",
        pki.p("soon.pem"),
        pki.p("soon.key"),
    ));
    let d = Daemon::start(sandbox, &[]);
    let warning = format!(
        "WARNING: ssl_cert '{}' expires within 30 days",
        pki.p("soon.pem")
    );
    assert!(d.log().contains(&warning), "{}", d.log());
    let got = pki::curl_sql(&pki, https, None, "SHOW STATUS LIKE 'ssl_cert%'");
    assert!(got.ok, "{}", got.text);
    for want in [
        r#"{"Counter":"ssl_cert_subject","Value":"/CN=soon"}"#,
        r#"{"Counter":"ssl_cert_issuer","Value":"/CN=searchd test CA"}"#,
        r#"{"Counter":"ssl_cert_expires","Value":""#,
    ] {
        assert!(got.text.contains(want), "{want}: {}", got.text);
    }
    assert!(
        got.text.contains(r#""ssl_cert_days_left","Value":"9""#)
            || got.text.contains(r#""ssl_cert_days_left","Value":"10""#),
        "{}",
        got.text
    );
    drop(d);

    let (d, _) = {
        let sandbox = Sandbox::new();
        sandbox.config(&format!(
            "    listen = 127.0.0.1:{}:https\n    ssl_cert = {}\n    ssl_key = {}\n",
            free_port(),
            pki.p("old.pem"),
            pki.p("old.key"),
        ));
        (Daemon::start(sandbox, &[]), ())
    };
    let warning = format!("WARNING: ssl_cert '{}' has expired", pki.p("old.pem"));
    assert!(d.log().contains(&warning), "{}", d.log());
}

/// An `openssl ocsp` responder for the test CA, killed on drop.
struct Responder(std::process::Child);

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the responder and waits for its `ACCEPT` line (a probe connection would
/// block the single-threaded responder).
fn responder(pki: &Pki, port: u16) -> Responder {
    let out = std::fs::File::create(pki.path("responder.out")).unwrap();
    let child = std::process::Command::new("openssl")
        .args([
            "ocsp",
            "-index",
            "index.txt",
            "-port",
            &port.to_string(),
            "-rsigner",
            "ca.pem",
            "-rkey",
            "ca.key",
            "-CA",
            "ca.pem",
            "-ndays",
            "1",
        ])
        .current_dir(pki.dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(out)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start openssl ocsp");
    let r = Responder(child);
    let start = std::time::Instant::now();
    while !std::fs::read_to_string(pki.path("responder.out"))
        .unwrap_or_default()
        .contains("ACCEPT")
    {
        assert!(
            start.elapsed() < common::PATIENCE,
            "the OCSP responder never listened"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    r
}

#[test]
fn ocsp_response_fetched_from_the_certificates_responder() {
    let pki = Pki::new();
    let ocsp_port = free_port();
    pki.write(
        "aia.ext",
        &format!(
            "[ aia ]\nsubjectAltName = DNS:localhost,IP:127.0.0.1\n\
             extendedKeyUsage = serverAuth\n\
             authorityInfoAccess = OCSP;URI:http://127.0.0.1:{ocsp_port}/\n"
        ),
    );
    pki.issue("aia", "aia", &["-extfile", "aia.ext"]);
    let _responder = responder(&pki, ocsp_port);
    let sandbox = Sandbox::new();
    let https = free_port();
    sandbox.config(&format!(
        "    listen = 127.0.0.1:{https}:https\n    ssl_cert = {}\n    ssl_key = {}\n    \
         ssl_ca = {}\n    ssl_ocsp_responder = auto\n",
        pki.p("aia.pem"),
        pki.p("aia.key"),
        pki.p("ca.pem"),
    ));
    let d = Daemon::start(sandbox, &[]);
    d.sandbox.wait_log(&format!(
        "OCSP response fetched from http://127.0.0.1:{ocsp_port}/"
    ));
    let got = s_client(pki.dir.path(), https, &["-status", "-CAfile", "ca.pem"]);
    assert!(
        got.text.contains("OCSP Response Status: successful"),
        "{}",
        got.text
    );
    assert!(got.text.contains("Cert Status: good"), "{}", got.text);
}

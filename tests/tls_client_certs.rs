//! `ssl_verify_client` against the real daemon, over HTTPS (curl) and MySQL-over-TLS
//! (`mysql_async`; the `mysql` command-line client runs in `tests/compat/`), with certificates made in the test: the CA's
//! client certificate is accepted and its subject shows in `SHOW STATUS`, `SHOW
//! THREADS` and the query log; one without clientAuth, one from another CA, a revoked
//! one, an expired one and none at all are refused in the handshake with an alert.

mod common;
#[path = "tls_pki/mod.rs"]
mod pki;

use common::{free_port, Daemon, Sandbox};
use pki::{curl_sql, Pki};

struct Running {
    daemon: Daemon,
    https: u16,
    mysql: u16,
}

fn start(pki: &Pki, verify: &str) -> Running {
    let sandbox = Sandbox::new();
    let (https, mysql) = (free_port(), free_port());
    sandbox.config(&format!(
        "    listen = 127.0.0.1:{https}:https\n    listen = 127.0.0.1:{mysql}:mysql\n    \
         query_log = {}\n    ssl_cert = {}\n    ssl_key = {}\n    ssl_ca = {}\n    \
         ssl_crl = {}\n    ssl_verify_client = {verify}\n",
        sandbox.path("query.log").display(),
        pki.p("server.pem"),
        pki.p("server.key"),
        pki.p("ca.pem"),
        pki.p("crl.pem"),
    ));
    let daemon = Daemon::start(sandbox, &[]);
    Running {
        daemon,
        https,
        mysql,
    }
}

/// Each refused client, the alert curl reports, and the reason the daemon logs.
const REFUSED: &[(&str, &str, &str)] = &[
    (
        "noeku",
        "alert unsupported certificate",
        "unsuitable certificate purpose (a certificate with extendedKeyUsage must list clientAuth)",
    ),
    (
        "other",
        "alert unknown ca",
        "unable to get local issuer certificate",
    ),
    (
        "revoked",
        "alert certificate revoked",
        "certificate revoked",
    ),
    (
        "expired",
        "alert certificate expired",
        "certificate has expired",
    ),
];

#[test]
fn https_with_verify_on() {
    let pki = Pki::new();
    let r = start(&pki, "on");
    let ok = curl_sql(&pki, r.https, Some("client"), "SHOW STATUS LIKE 'ssl_peer'");
    assert!(ok.ok, "{}", ok.text);
    assert!(ok.text.contains(r#""Value":"/CN=client""#), "{}", ok.text);
    for (name, alert, why) in REFUSED {
        let got = curl_sql(&pki, r.https, Some(name), "SHOW STATUS");
        assert!(!got.ok, "{name} was accepted: {}", got.text);
        assert!(got.text.contains(alert), "{name}: {}", got.text);
        r.daemon
            .sandbox
            .wait_log(&format!("TLS client certificate '/CN={name}' (issuer "));
        assert!(r.daemon.log().contains(why), "{name}: {}", r.daemon.log());
    }
    let none = curl_sql(&pki, r.https, None, "SHOW STATUS");
    assert!(!none.ok, "accepted without a certificate: {}", none.text);
    assert!(
        none.text.contains("alert certificate required"),
        "{}",
        none.text
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn mysql_tls_with_verify_on() {
    let pki = Pki::new();
    let r = start(&pki, "on");
    let mut conn = mysql_async::Conn::new(mysql_async_opts(&pki, r.mysql, Some("client")))
        .await
        .expect("the CA's client certificate is accepted");
    let status = batch(&mut conn, "SHOW STATUS LIKE 'ssl_peer'").await;
    assert_eq!(status, "ssl_peer\t/CN=client");
    let threads = batch(&mut conn, "SHOW THREADS").await;
    assert!(
        threads.contains("SHOW THREADS /* peer /CN=client */"),
        "{threads}"
    );
    assert_eq!(batch(&mut conn, "SELECT 1").await, "1");
    conn.disconnect().await.unwrap();
    let log = std::fs::read_to_string(r.daemon.sandbox.path("query.log")).unwrap();
    assert!(log.contains(" peer /CN=client */ SELECT 1;"), "{log}");
    for (name, _, why) in REFUSED {
        let got = mysql_async::Conn::new(mysql_async_opts(&pki, r.mysql, Some(name))).await;
        assert!(got.is_err(), "{name} was accepted");
        r.daemon
            .sandbox
            .wait_log(&format!("TLS client certificate '/CN={name}' (issuer "));
        assert!(r.daemon.log().contains(why), "{name}: {}", r.daemon.log());
    }
    let none = mysql_async::Conn::new(mysql_async_opts(&pki, r.mysql, None)).await;
    assert!(none.is_err(), "accepted without a certificate");
}

#[tokio::test(flavor = "multi_thread")]
async fn optional_verifies_only_presented_certificates() {
    let pki = Pki::new();
    let r = start(&pki, "optional");
    let none = curl_sql(&pki, r.https, None, "SHOW STATUS LIKE 'ssl_peer'");
    assert!(none.ok, "{}", none.text);
    // No verified peer: no `ssl_peer` row on this HTTPS session.
    assert!(none.text.contains(r#""data":[]"#), "{}", none.text);
    let ok = curl_sql(&pki, r.https, Some("client"), "SHOW STATUS LIKE 'ssl_peer'");
    assert!(ok.text.contains(r#""Value":"/CN=client""#), "{}", ok.text);
    let other = curl_sql(&pki, r.https, Some("other"), "SHOW STATUS");
    assert!(
        !other.ok,
        "another CA's certificate was accepted: {}",
        other.text
    );
    let mut plain = mysql_async::Conn::new(mysql_async_opts(&pki, r.mysql, None))
        .await
        .expect("no certificate is fine when verification is optional");
    let version = batch(&mut plain, "SHOW STATUS LIKE 'ssl_version'").await;
    assert!(version.starts_with("ssl_version\tTLSv1."), "{version}");
    // No verified peer: the row is empty.
    let peer = batch(&mut plain, "SHOW STATUS LIKE 'ssl_peer'").await;
    assert_eq!(peer, "ssl_peer\t");
    plain.disconnect().await.unwrap();
}

/// A query's rows as `mysql --batch` prints them (no header): cells joined by tabs,
/// rows by newlines.
async fn batch(conn: &mut mysql_async::Conn, sql: &str) -> String {
    use mysql_async::prelude::Queryable;
    let rows: Vec<mysql_async::Row> = conn.query(sql).await.expect(sql);
    let cell = |v: &mysql_async::Value| match v {
        mysql_async::Value::NULL => "NULL".to_string(),
        mysql_async::Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => other.as_sql(true),
    };
    rows.iter()
        .map(|row| {
            (0..row.len())
                .map(|i| row.as_ref(i).map(cell).unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn default_off_never_asks_for_a_certificate() {
    let pki = Pki::new();
    let r = start(&pki, "off");
    // Even a certificate that would be refused is not looked at.
    let got = curl_sql(
        &pki,
        r.https,
        Some("expired"),
        "SHOW STATUS LIKE 'ssl_peer'",
    );
    assert!(got.ok, "{}", got.text);
    assert!(!got.text.contains("/CN=expired"), "{}", got.text);
}

/// `mysql_async` (native-tls) with a PKCS#12 client identity.
fn mysql_async_opts(pki: &Pki, port: u16, identity: Option<&str>) -> mysql_async::Opts {
    let mut ssl = mysql_async::SslOpts::default()
        .with_root_certs(vec![pki.path("ca.pem").into()])
        .with_danger_skip_domain_validation(true);
    if let Some(name) = identity {
        let p12 = pki.path(&format!("{name}.p12"));
        pki.openssl(&[
            "pkcs12",
            "-export",
            "-in",
            &format!("{name}.pem"),
            "-inkey",
            &format!("{name}.key"),
            "-out",
            p12.to_str().unwrap(),
            "-passout",
            "pass:test",
        ]);
        let id = mysql_async::ClientIdentity::new(p12.into()).with_password("test");
        ssl = ssl.with_client_identity(Some(id));
    }
    mysql_async::OptsBuilder::default()
        .ip_or_hostname("127.0.0.1")
        .tcp_port(port)
        .user(Some("test"))
        .prefer_socket(false)
        .ssl_opts(ssl)
        .into()
}

#[tokio::test(flavor = "multi_thread")]
async fn mysql_async_client_identity() {
    use mysql_async::prelude::Queryable;
    let pki = Pki::new();
    let r = start(&pki, "on");
    let mut conn = mysql_async::Conn::new(mysql_async_opts(&pki, r.mysql, Some("client")))
        .await
        .expect("the CA's client certificate is accepted");
    let row: Option<(String, String)> = conn
        .query_first("SHOW STATUS LIKE 'ssl_peer'")
        .await
        .unwrap();
    assert_eq!(row, Some(("ssl_peer".into(), "/CN=client".into())));
    conn.disconnect().await.unwrap();
    for refused in [None, Some("noeku"), Some("other")] {
        let got = mysql_async::Conn::new(mysql_async_opts(&pki, r.mysql, refused)).await;
        assert!(got.is_err(), "{refused:?} was accepted");
    }
}

//! A throw-away PKI made with the `openssl` command in a temp dir, in the etcd
//! tutorial's flow: a CA, a server certificate, client certificates with and without
//! the clientAuth extended key usage, one signed by another CA, a revoked one with its
//! CRL, an expired one, an OCSP response for the server certificate and a PSK file.
//! Plus the `curl`, `openssl s_client` and `mysql` clients run against the daemon.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The PSK identity and key written to `psk.txt`.
pub const PSK_IDENTITY: &str = "alice";
pub const PSK_KEY: &str = "00112233445566778899aabbccddeeff";

const CA_CONF: &str = "\
[ ca ]
default_ca = ca_default
[ ca_default ]
dir = .
database = index.txt
new_certs_dir = .
certificate = ca.pem
private_key = ca.key
serial = serial
crlnumber = crlnumber
default_md = sha256
default_days = 365
default_crl_days = 30
policy = policy_any
copy_extensions = none
unique_subject = no
[ policy_any ]
commonName = supplied
[ server ]
subjectAltName = DNS:localhost,IP:127.0.0.1
extendedKeyUsage = serverAuth
[ client ]
extendedKeyUsage = clientAuth
[ server_only ]
extendedKeyUsage = serverAuth
";

/// The files, by name, in a temp dir.
pub struct Pki {
    pub dir: tempfile::TempDir,
}

impl Pki {
    /// Writes the CA's OCSP response for `server.pem` (as `index.txt` says now) to `out`.
    pub fn ocsp_response(&self, out: &str) {
        self.openssl(&[
            "ocsp",
            "-index",
            "index.txt",
            "-CA",
            "ca.pem",
            "-rsigner",
            "ca.pem",
            "-rkey",
            "ca.key",
            "-issuer",
            "ca.pem",
            "-cert",
            "server.pem",
            "-respout",
            out,
            "-ndays",
            "1",
        ]);
    }

    /// `ca.pem`, `server.pem`/`.key` (SAN localhost), `client`, `noeku` (EKU serverAuth
    /// only), `revoked` (listed in `crl.pem`), `expired`, `other` (signed by
    /// `other-ca.pem`), `ocsp.der` (good, for the server certificate), `psk.txt`.
    pub fn new() -> Pki {
        let pki = Pki {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        pki.write("ca.cnf", CA_CONF);
        pki.write("index.txt", "");
        pki.write("serial", "1000\n");
        pki.write("crlnumber", "1000\n");
        pki.self_signed("ca", "/CN=searchd test CA");
        pki.issue("server", "server", &[]);
        pki.issue("client", "client", &[]);
        pki.issue("noeku", "server_only", &[]);
        pki.issue("revoked", "client", &[]);
        pki.issue(
            "expired",
            "client",
            &[
                "-startdate",
                "20200101000000Z",
                "-enddate",
                "20200201000000Z",
            ],
        );
        pki.openssl(&["ca", "-config", "ca.cnf", "-revoke", "revoked.pem"]);
        pki.openssl(&["ca", "-config", "ca.cnf", "-gencrl", "-out", "crl.pem"]);
        pki.ocsp_response("ocsp.der");
        pki.self_signed("other-ca", "/CN=another CA");
        pki.key_and_request("other");
        pki.write("client.ext", "extendedKeyUsage = clientAuth\n");
        pki.openssl(&[
            "x509",
            "-req",
            "-in",
            "other.csr",
            "-CA",
            "other-ca.pem",
            "-CAkey",
            "other-ca.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            "client.ext",
            "-out",
            "other.pem",
        ]);
        pki.write(
            "psk.txt",
            &format!("# test keys\n{PSK_IDENTITY}:{PSK_KEY}\n"),
        );
        pki
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The path as a config value.
    pub fn p(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).expect("write a PKI file");
    }

    /// Runs `openssl` in the PKI dir, panicking with its stderr on failure.
    pub fn openssl(&self, args: &[&str]) {
        let out = run(Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path()));
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn self_signed(&self, name: &str, subject: &str) {
        let (key, cert) = (format!("{name}.key"), format!("{name}.pem"));
        self.openssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &cert,
            "-days",
            "365",
            "-subj",
            subject,
        ]);
    }

    fn key_and_request(&self, name: &str) {
        let (key, csr, subj) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("/CN={name}"),
        );
        self.openssl(&[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &csr,
            "-subj",
            &subj,
        ]);
    }

    /// A key and a certificate signed by `ca.pem` with the extensions of `section`.
    pub fn issue(&self, name: &str, section: &str, extra: &[&str]) {
        self.key_and_request(name);
        let (csr, cert) = (format!("{name}.csr"), format!("{name}.pem"));
        let mut args = vec![
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-notext",
            "-in",
            &csr,
            "-out",
            &cert,
            "-extensions",
            section,
        ];
        args.extend_from_slice(extra);
        self.openssl(&args);
    }
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null())
        .output()
        .expect("the client command runs")
}

/// What a client command printed, and whether it succeeded.
pub struct Ran {
    pub ok: bool,
    pub text: String,
}

fn ran(out: Output) -> Ran {
    Ran {
        ok: out.status.success(),
        text: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// `curl -sS --cacert ca.pem [--cert NAME.pem --key NAME.key]` POSTing `query=SQL` to
/// `/sql?mode=raw` on `port`.
pub fn curl_sql(pki: &Pki, port: u16, client: Option<&str>, sql: &str) -> Ran {
    let mut cmd = Command::new("curl");
    cmd.args(["-sS", "--max-time", "30", "--cacert"])
        .arg(pki.path("ca.pem"));
    if let Some(name) = client {
        cmd.arg("--cert")
            .arg(pki.path(&format!("{name}.pem")))
            .arg("--key")
            .arg(pki.path(&format!("{name}.key")));
    }
    cmd.arg(format!("https://localhost:{port}/sql?mode=raw"))
        .arg("-d")
        .arg(format!("query={sql}"));
    ran(run(&mut cmd))
}

/// `openssl s_client -connect 127.0.0.1:PORT ARGS` with an empty stdin.
pub fn s_client(dir: &Path, port: u16, args: &[&str]) -> Ran {
    let mut cmd = Command::new("openssl");
    cmd.arg("s_client")
        .arg("-connect")
        .arg(format!("127.0.0.1:{port}"))
        .args(args)
        .current_dir(dir);
    ran(run(&mut cmd))
}

"""TLS beyond Manticore with third-party clients: client certificates (curl, the
`mysql` command-line client and Python's ssl module), PSK and OCSP stapling (openssl s_client), with a PKI made by the
openssl command in a temp dir (the etcd tutorial's flow)."""

import json
import socket
import ssl
import subprocess
import time

import pytest

from conftest import BIN, free_port

CA_CONF = """\
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
"""

PSK_KEY = "00112233445566778899aabbccddeeff"


def openssl(d, *args):
    subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True, timeout=60)


def issue(d, name, section):
    openssl(d, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}")
    openssl(d, "ca", "-batch", "-config", "ca.cnf", "-notext", "-in", f"{name}.csr",
            "-out", f"{name}.pem", "-extensions", section)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = tmp_path_factory.mktemp("pki")
    (d / "ca.cnf").write_text(CA_CONF)
    (d / "index.txt").write_text("")
    (d / "serial").write_text("1000\n")
    (d / "crlnumber").write_text("1000\n")
    openssl(d, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "365", "-subj", "/CN=compat CA")
    issue(d, "server", "server")
    issue(d, "client", "client")
    issue(d, "noeku", "server_only")
    issue(d, "revoked", "client")
    openssl(d, "ca", "-config", "ca.cnf", "-revoke", "revoked.pem")
    openssl(d, "ca", "-config", "ca.cnf", "-gencrl", "-out", "crl.pem")
    openssl(d, "ocsp", "-index", "index.txt", "-CA", "ca.pem", "-rsigner", "ca.pem", "-rkey", "ca.key",
            "-issuer", "ca.pem", "-cert", "server.pem", "-respout", "ocsp.der", "-ndays", "1")
    (d / "psk.txt").write_text(f"alice:{PSK_KEY}\n")
    return d


@pytest.fixture(scope="module")
def daemon(pki, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("searchd")
    https, mysql = free_port(), free_port()
    log = tmp / "searchd.log"
    lines = [
        f"listen = 127.0.0.1:{https}:https",
        f"listen = 127.0.0.1:{mysql}:mysql",
        f"log = {log}",
        f"pid_file = {tmp / 'searchd.pid'}",
        f"ssl_cert = {pki / 'server.pem'}",
        f"ssl_key = {pki / 'server.key'}",
        f"ssl_ca = {pki / 'ca.pem'}",
        f"ssl_crl = {pki / 'crl.pem'}",
        "ssl_verify_client = on",
        f"ssl_psk_file = {pki / 'psk.txt'}",
        f"ssl_ocsp_response = {pki / 'ocsp.der'}",
    ]
    conf = tmp / "searchd.conf"
    conf.write_text("searchd {\n" + "\n".join("    " + l for l in lines) + "\n}\n")
    proc = subprocess.Popen([BIN, "--config", str(conf), "--nodetach"], cwd=tmp,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while not (log.exists() and "accepting connections" in log.read_text()):
        if time.time() > deadline or proc.poll() is not None:
            raise RuntimeError("searchd did not start")
        time.sleep(0.05)

    class D:
        pass

    d = D()
    d.https, d.mysql, d.log = https, mysql, log
    yield d
    proc.terminate()
    proc.wait(timeout=30)


def curl(pki, port, client, sql):
    args = ["curl", "-sS", "--cacert", str(pki / "ca.pem")]
    if client:
        args += ["--cert", str(pki / f"{client}.pem"), "--key", str(pki / f"{client}.key")]
    args += [f"https://localhost:{port}/sql?mode=raw", "-d", f"query={sql}"]
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


def test_curl_with_the_cas_client_certificate(pki, daemon):
    r = curl(pki, daemon.https, "client", "SHOW STATUS LIKE 'ssl_peer'")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)[0]["data"] == [{"Counter": "ssl_peer", "Value": "/CN=client"}]


@pytest.mark.parametrize("client,alert", [
    ("noeku", "unsupported certificate"),
    ("revoked", "certificate revoked"),
    (None, "certificate required"),
])
def test_curl_refused(pki, daemon, client, alert):
    r = curl(pki, daemon.https, client, "SHOW STATUS")
    assert r.returncode != 0
    assert alert in r.stderr, r.stderr


def mysql_cli(pki, port, client, sql):
    args = ["mysql", "-h", "127.0.0.1", "-P", str(port), "-u", "test", "--batch",
            f"--ssl-ca={pki / 'ca.pem'}"]
    if client:
        args += [f"--ssl-cert={pki / f'{client}.pem'}", f"--ssl-key={pki / f'{client}.key'}"]
    return subprocess.run(args + ["-e", sql], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=60)


def test_mysql_cli_with_the_cas_client_certificate(pki, daemon):
    r = mysql_cli(pki, daemon.mysql, "client", "SHOW STATUS LIKE 'ssl_peer'; SHOW THREADS")
    assert r.returncode == 0, r.stderr
    assert "ssl_peer\t/CN=client" in r.stdout, r.stdout
    assert "SHOW THREADS /* peer /CN=client */" in r.stdout, r.stdout


@pytest.mark.parametrize("client,error", [
    ("noeku", "ERROR 2026"),
    ("revoked", "ERROR 2026"),
    (None, "certificate required"),
])
def test_mysql_cli_refused(pki, daemon, client, error):
    r = mysql_cli(pki, daemon.mysql, client, "SELECT 1")
    assert r.returncode != 0, r.stdout
    assert error in r.stderr, r.stderr


def test_python_ssl_client_certificate(pki, daemon):
    ctx = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    ctx.load_cert_chain(str(pki / "client.pem"), str(pki / "client.key"))
    with socket.create_connection(("127.0.0.1", daemon.https), timeout=30) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
    assert reply.startswith(b"HTTP/1.1 200 OK\r\n"), reply


def s_client(pki, port, *args):
    return subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", *args],
                          cwd=pki, input="", capture_output=True, text=True, timeout=60)


def test_psk_tls12(pki, daemon):
    r = s_client(pki, daemon.https, "-tls1_2", "-cipher", "PSK-AES128-GCM-SHA256",
                 "-psk_identity", "alice", "-psk", PSK_KEY)
    assert "New, TLSv1.2, Cipher is PSK-AES128-GCM-SHA256" in r.stdout, r.stdout + r.stderr


def test_ocsp_stapling(pki, daemon):
    r = s_client(pki, daemon.https, "-status", "-CAfile", "ca.pem",
                 "-cert", "client.pem", "-key", "client.key")
    assert "OCSP Response Status: successful" in r.stdout, r.stdout
    assert "Cert Status: good" in r.stdout, r.stdout

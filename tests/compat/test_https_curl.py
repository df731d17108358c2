"""HTTPS as the Manticore SSL manual promises, checked with curl and openssl s_client."""

import json
import subprocess

from conftest import CERTS


def curl(*args):
    return subprocess.run(["curl", "-sS", *args], capture_output=True, text=True, timeout=60)


def test_https_on_the_https_port_with_ca_verification(daemon):
    r = curl("--cacert", str(CERTS / "ca-cert.pem"), f"https://localhost:{daemon.https}/sql?mode=raw",
             "-d", "query=SHOW STATUS")
    assert r.returncode == 0, r.stderr
    assert isinstance(json.loads(r.stdout), list)


def test_https_on_the_multi_and_http_ports(daemon):
    for port in (daemon.multi, daemon.http):
        r = curl("--cacert", str(CERTS / "ca-cert.pem"), f"https://localhost:{port}/")
        assert r.returncode == 0, r.stderr
        assert "searchd" in json.loads(r.stdout)["version"]


def test_plain_http_on_the_https_port_gets_400(daemon):
    # Bytes, not text: text mode would turn the CRLF line ends into LF.
    r = subprocess.run(["curl", "-sS", "-i", f"http://127.0.0.1:{daemon.https}/"], capture_output=True, timeout=60)
    assert r.stdout.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"\r\nContent-Length: 57\r\n\r\n" in r.stdout
    assert r.stdout.endswith(b'{"error":"The plain HTTP request was sent to HTTPS port"}')


def test_tls_versions_1_2_and_1_3(daemon):
    for flag, version in (("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")):
        r = subprocess.run(
            ["openssl", "s_client", flag, "-connect", f"127.0.0.1:{daemon.https}",
             "-CAfile", str(CERTS / "ca-cert.pem"), "-servername", "localhost"],
            input="", capture_output=True, text=True, timeout=60)
        assert f"Protocol  : {version}" in r.stdout or f"New, {version}" in r.stdout, r.stdout
        assert "Verify return code: 0 (ok)" in r.stdout


def test_keep_alive_over_tls(daemon):
    url = f"https://localhost:{daemon.https}/"
    r = curl("-v", "--cacert", str(CERTS / "ca-cert.pem"), url, url)
    assert r.returncode == 0, r.stderr
    assert "Re-using existing connection" in r.stderr or "Reusing existing" in r.stderr, r.stderr


def test_unusable_tls_drops_https_and_keeps_http(daemon_no_tls):
    d = daemon_no_tls
    r = curl("--cacert", str(CERTS / "ca-cert.pem"), f"https://localhost:{d.https}/")
    assert r.returncode != 0
    r = curl(f"http://127.0.0.1:{d.multi}/")
    assert r.returncode == 0 and "searchd" in r.stdout
    assert "WARNING: TLS is unusable" in d.log_text()

"""Starts the real searchd for the compatibility tests, on free ports, in a temp dir."""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

BIN = os.environ.get("SEARCHD_BIN", str(Path(__file__).resolve().parents[2] / "target/debug/searchd"))
CERTS = Path(os.environ.get("SEARCHD_CERTS", Path(__file__).resolve().parents[2] / "certs"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Daemon:
    def __init__(self, tmp: Path, ssl: bool):
        self.dir = tmp
        self.mysql = free_port()
        self.multi = free_port()
        self.http = free_port()
        self.https = free_port()
        self.log = tmp / "searchd.log"
        lines = [
            f"listen = 127.0.0.1:{self.mysql}:mysql",
            f"listen = 127.0.0.1:{self.multi}",
            f"listen = 127.0.0.1:{self.http}:http",
            f"listen = 127.0.0.1:{self.https}:https",
            f"log = {self.log}",
            f"pid_file = {tmp / 'searchd.pid'}",
        ]
        if ssl:
            lines += [
                f"ssl_cert = {CERTS / 'server-cert.pem'}",
                f"ssl_key = {CERTS / 'server-key.pem'}",
                f"ssl_ca = {CERTS / 'ca-cert.pem'}",
            ]
        else:
            lines += ["ssl_cert = /nonexistent/cert.pem", "ssl_key = /nonexistent/key.pem"]
        conf = tmp / "searchd.conf"
        conf.write_text("searchd {\n" + "\n".join("    " + l for l in lines) + "\n}\n")
        self.proc = subprocess.Popen(
            [BIN, "--config", str(conf), "--nodetach"],
            cwd=tmp,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.log.exists() and "accepting connections" in self.log.read_text():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("searchd did not start:\n" + (self.log.read_text() if self.log.exists() else ""))

    def log_text(self):
        return self.log.read_text()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def daemon(tmp_path_factory):
    d = Daemon(tmp_path_factory.mktemp("searchd"), ssl=True)
    yield d
    d.stop()


@pytest.fixture(scope="module")
def daemon_no_tls(tmp_path_factory):
    d = Daemon(tmp_path_factory.mktemp("searchd-notls"), ssl=False)
    yield d
    d.stop()


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory):
    """A CA that did not sign the server's certificate."""
    d = tmp_path_factory.mktemp("other-ca")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=Some Other CA", "-keyout", str(d / "key.pem"), "-out", str(d / "ca.pem")],
                   check=True, capture_output=True, timeout=60)
    return d / "ca.pem"

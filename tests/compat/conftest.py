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


class Sphinx:
    """Sphinx 2.2.11 (Debian `sphinxsearch`) with one RT index, in a temp dir.

    `fields` and `attrs` declare the index: attrs are (config type, name) pairs such
    as ("uint", "gid"), written as `rt_attr_<type> = <name>`.
    """

    BIN = os.environ.get("SPHINX_SEARCHD_BIN", "/usr/bin/searchd")

    def __init__(self, tmp: Path, index: str, fields, attrs):
        self.dir = tmp
        self.mysql = free_port()
        self.api = free_port()
        self.pid_file = tmp / "searchd.pid"
        (tmp / "data").mkdir()
        (tmp / "binlog").mkdir()
        decl = [f"rt_field = {f}" for f in fields] + [f"rt_attr_{t} = {n}" for t, n in attrs]
        conf = tmp / "sphinx.conf"
        conf.write_text(
            f"index {index} {{\n    type = rt\n    path = {tmp / 'data' / index}\n"
            "    rt_mem_limit = 32M\n" + "".join(f"    {d}\n" for d in decl) + "}\n"
            "searchd {\n"
            f"    listen = 127.0.0.1:{self.api}\n"
            f"    listen = 127.0.0.1:{self.mysql}:mysql41\n"
            f"    log = {tmp / 'searchd.log'}\n"
            f"    query_log = {tmp / 'query.log'}\n"
            f"    pid_file = {self.pid_file}\n"
            f"    binlog_path = {tmp / 'binlog'}\n"
            "    workers = threads\n"
            "}\n"
        )
        # Day/week/month/year groups follow the daemon's local time zone: make it UTC.
        self.proc = subprocess.Popen([self.BIN, "--config", str(conf), "--nodetach"], cwd=tmp,
                                     env={**os.environ, "TZ": "UTC"}, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.mysql), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        log = tmp / "searchd.log"
        raise RuntimeError("Sphinx searchd did not start:\n" + (log.read_text() if log.exists() else ""))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def sphinx_factory(tmp_path_factory):
    """Starts Sphinx 2.2.11 daemons (skips when it is not installed); stops them after."""
    if not os.path.exists(Sphinx.BIN) or not os.access(Sphinx.BIN, os.X_OK):
        pytest.skip("Sphinx 2.2.11 searchd (Debian sphinxsearch) is not installed")
    started = []

    def start(index, fields, attrs):
        s = Sphinx(tmp_path_factory.mktemp("sphinx"), index, fields, attrs)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()

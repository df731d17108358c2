"""The Debian `mysql` command-line client (MariaDB 10.11) against the MySQL port.

The Manticore SSL manual says the Linux `mysql` client tries TLS by default and that
the SQL `status` command shows whether the session is secured: these tests read
exactly what that client prints.
"""

import re
import subprocess

import pytest

from conftest import CERTS

VERIFY = ("--ssl-ca", str(CERTS / "ca-cert.pem"), "--ssl-verify-server-cert")
CIPHER = re.compile(r"^SSL:\t\t\tCipher in use is ([A-Z0-9_-]+)$", re.M)


def mysql(port, *args, sql=None, script=None):
    """Runs the client against 127.0.0.1:port; `sql` goes through -e, `script` on stdin."""
    cmd = ["mysql", "-h127.0.0.1", f"-P{port}", "-uroot", *args]
    if sql is not None:
        cmd += ["-e", sql]
    return subprocess.run(cmd, input=script or "", capture_output=True, text=True, timeout=60)


def status(port, *args):
    r = mysql(port, *args, sql="status")
    assert r.returncode == 0, r.stderr
    return r.stdout


def rows(port, sql, *args):
    """Tab-separated rows without the header line (batch mode, -N)."""
    r = mysql(port, "-N", "-B", *args, sql=sql)
    assert r.returncode == 0, r.stderr
    return [line.split("\t") for line in r.stdout.splitlines()]


def test_status_over_verified_tls_names_the_cipher(daemon):
    out = status(daemon.mysql, *VERIFY)
    m = CIPHER.search(out)
    assert m, out
    assert m.group(1).startswith(("TLS_", "ECDHE-")), out
    assert "Current database:\tManticore\n" in out
    assert "Current user:\t\tUsual\n" in out
    assert "Server characterset:\tutf8\n" in out
    assert re.search(r"^Threads: \d+  Questions: \d+", out, re.M), out


def test_tls_is_used_by_default(daemon):
    assert CIPHER.search(status(daemon.mysql))


def test_skip_ssl_is_not_in_use(daemon):
    out = status(daemon.mysql, "--skip-ssl")
    assert "SSL:\t\t\tNot in use\n" in out
    assert "Protocol:\t\tCompressed" not in out


def test_compress_plain_and_with_tls(daemon):
    out = status(daemon.mysql, "--compress", "--skip-ssl")
    assert "Protocol:\t\tCompressed\n" in out
    assert "SSL:\t\t\tNot in use\n" in out
    out = status(daemon.mysql, "--compress", *VERIFY)
    assert "Protocol:\t\tCompressed\n" in out
    assert CIPHER.search(out), out


def test_version_comment(daemon):
    r = mysql(daemon.mysql, sql="select @@version_comment")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "@@version_comment"
    assert lines[1].startswith("searchd ")


def test_show_status_ssl_rows_for_a_tls_session(daemon):
    got = dict((r[0], r[1] if len(r) > 1 else "") for r in rows(daemon.mysql, "SHOW STATUS LIKE 'ssl%'", *VERIFY))
    assert got["ssl_state"] == "usable"
    assert got["ssl_version"] in ("TLSv1.2", "TLSv1.3")
    assert got["ssl_cipher"] == CIPHER.search(status(daemon.mysql, *VERIFY)).group(1)
    assert got["ssl_library"].startswith("OpenSSL")


def test_show_status_ssl_cipher_is_empty_without_tls(daemon):
    got = rows(daemon.mysql, "SHOW STATUS LIKE 'ssl_cipher'", "--skip-ssl")
    assert got == [["ssl_cipher", ""]]


def proto_of_this_connection(port, *args):
    found = rows(port, "SHOW THREADS", *args)
    mine = [r for r in found if r[-1] == "SHOW THREADS"]
    assert len(mine) == 1, found
    return mine[0][2]


def test_show_threads_proto_column(daemon):
    assert proto_of_this_connection(daemon.mysql, *VERIFY) == "mysql,ssl"
    assert proto_of_this_connection(daemon.mysql, "--skip-ssl", "--compress") == "mysql,compressed"
    assert proto_of_this_connection(daemon.mysql, "--compress", *VERIFY) == "mysql,ssl,compressed"
    assert proto_of_this_connection(daemon.mysql, "--skip-ssl") == "mysql"


def test_a_statement_error_keeps_the_connection(daemon):
    for args in (VERIFY, ("--skip-ssl", "--compress")):
        r = mysql(daemon.mysql, "-N", "-B", "--force", *args, script="select 1;\nbogus stuff;\nselect 2;\n")
        assert r.stdout == "1\n2\n", (r.stdout, r.stderr)
        errors = [line for line in r.stderr.splitlines() if line.startswith("ERROR")]
        assert len(errors) == 1, r.stderr
        assert errors[0].startswith("ERROR 1064 (42000) at line 2: "), r.stderr
        assert "syntax error" in errors[0] and "'bogus stuff'" in errors[0], r.stderr


def test_unusable_tls_refuses_a_client_that_requires_it(daemon_no_tls):
    r = mysql(daemon_no_tls.mysql, *VERIFY, sql="select 1")
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr == "ERROR 2026 (HY000): TLS/SSL error: SSL is required, but the server does not support it\n"


def test_unusable_tls_plain_and_compressed_connections_work(daemon_no_tls):
    out = status(daemon_no_tls.mysql)
    assert "SSL:\t\t\tNot in use\n" in out
    out = status(daemon_no_tls.mysql, "--compress")
    assert "SSL:\t\t\tNot in use\n" in out
    assert "Protocol:\t\tCompressed\n" in out
    assert proto_of_this_connection(daemon_no_tls.mysql, "--compress") == "mysql,compressed"


def test_database_names_prefix_match_manticore_or_fail_with_1046(daemon):
    assert rows(daemon.mysql, "select database(), user()", "-D", "manti", *VERIFY) == [["Manticore", "Usual"]]
    r = mysql(daemon.mysql, "-D", "nosuch", *VERIFY, sql="select 1")
    assert r.returncode == 1
    assert r.stderr == "ERROR 1046 (42000): no such database nosuch\n"


def test_mysqladmin_ping_and_status_over_tls(daemon):
    cmd = ["mysqladmin", "-h127.0.0.1", f"-P{daemon.mysql}", "-uroot", *VERIFY, "ping", "status"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "mysqld is alive"
    assert re.fullmatch(r"Uptime: \d+  Threads: \d+  Questions: \d+  .*", lines[1]), r.stdout


def test_verification_against_another_ca_fails(daemon, other_ca):
    r = mysql(daemon.mysql, "--ssl-ca", str(other_ca), "--ssl-verify-server-cert", sql="select 1")
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith("ERROR 2026 (HY000): TLS/SSL error: "), r.stderr
    assert "certificate" in r.stderr


@pytest.mark.parametrize("version", ["TLSv1.2", "TLSv1.3"])
def test_forced_tls_versions(daemon, version):
    got = dict(rows(daemon.mysql, "SHOW STATUS LIKE 'ssl_%'", *VERIFY, f"--tls-version={version}"))
    assert got["ssl_version"] == version
    out = status(daemon.mysql, *VERIFY, f"--tls-version={version}")
    assert CIPHER.search(out).group(1) == got["ssl_cipher"]
    # TLS 1.3 suites are named TLS_*, TLS 1.2 ones by OpenSSL's ECDHE-... names.
    assert got["ssl_cipher"].startswith("TLS_" if version == "TLSv1.3" else "ECDHE-")

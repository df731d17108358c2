"""Python MySQL drivers against the MySQL port: PyMySQL, mysql-connector-python (pure
Python and C extension) and mysqlclient (MySQLdb, on MariaDB Connector/C).

Each driver connects with TLS verified against the test CA, and the cipher the server
reports for the session (`SHOW STATUS LIKE 'ssl_cipher'`) must be the one the client
negotiated. Against a daemon whose TLS is unusable, a client that requires TLS fails
with the driver's own error and a plain client still works.

Driver limitations (not server behaviour), so not tested: PyMySQL implements neither
compression nor server-side prepared statements; mysqlclient has no server-side
prepared statements (it interpolates parameters on the client).
"""

import mysql.connector
import MySQLdb
import pymysql
import pytest
from MySQLdb.constants import CLIENT as MYSQLDB_CLIENT

from conftest import CERTS

CA = str(CERTS / "ca-cert.pem")


def server_cipher(cur):
    cur.execute("SHOW STATUS LIKE 'ssl_cipher'")
    rows = [tuple(r) for r in cur.fetchall()]
    assert len(rows) == 1 and rows[0][0] == "ssl_cipher", rows
    return rows[0][1]


def my_proto(cur):
    """The Proto column of SHOW THREADS for the connection running it."""
    cur.execute("SHOW THREADS")
    mine = [r for r in cur.fetchall() if r[-1] == "SHOW THREADS"]
    assert len(mine) == 1, mine
    return mine[0][2]


def check_basic_queries(cur):
    cur.execute("SELECT 1")
    assert [tuple(r) for r in cur.fetchall()] == [(1,)]
    cur.execute("SELECT @@version_comment")
    (comment,), = cur.fetchall()
    assert comment.startswith("searchd ")


# ---------------------------------------------------------------- PyMySQL

def pymysql_connect(port, host="localhost", **kw):
    return pymysql.connect(host=host, port=port, user="root", password="", connect_timeout=30, **kw)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_pymysql_verified_tls(daemon, host):
    conn = pymysql_connect(daemon.mysql, host, ssl_ca=CA, ssl_verify_cert=True, ssl_verify_identity=True)
    with conn:
        cipher, version, _bits = conn._sock.cipher()
        assert version in ("TLSv1.2", "TLSv1.3")
        cur = conn.cursor()
        assert server_cipher(cur) == cipher
        assert my_proto(cur) == "mysql,ssl"
        check_basic_queries(cur)
        cur.execute("SELECT %s, %s", (5, "it's"))
        assert cur.fetchall() == ((5, "it's"),)


def test_pymysql_prefers_tls_by_default(daemon):
    with pymysql_connect(daemon.mysql) as conn:
        cur = conn.cursor()
        assert server_cipher(cur) == conn._sock.cipher()[0]
        assert my_proto(cur) == "mysql,ssl"


def test_pymysql_plain(daemon):
    with pymysql_connect(daemon.mysql, ssl_disabled=True) as conn:
        cur = conn.cursor()
        assert server_cipher(cur) == ""
        assert my_proto(cur) == "mysql"
        check_basic_queries(cur)


def test_pymysql_requiring_tls_fails_cleanly_when_tls_is_unusable(daemon_no_tls):
    with pytest.raises(pymysql.err.OperationalError) as e:
        pymysql_connect(daemon_no_tls.mysql, ssl_ca=CA, ssl_verify_cert=True)
    assert e.value.args == (2026, "SSL is required but the server doesn't support it")


def test_pymysql_plain_when_tls_is_unusable(daemon_no_tls):
    with pymysql_connect(daemon_no_tls.mysql) as conn:
        cur = conn.cursor()
        assert server_cipher(cur) == ""
        check_basic_queries(cur)


# ---------------------------------------------------- mysql-connector-python

PURE = pytest.mark.parametrize("pure", [True, False], ids=["pure", "cext"])


def connector_connect(port, pure, **kw):
    conn = mysql.connector.connect(host="localhost", port=port, user="root", password="",
                                   use_pure=pure, connection_timeout=30, **kw)
    # use_pure=False must really be the C extension, not a silent fallback.
    assert type(conn).__name__ == ("MySQLConnection" if pure else "CMySQLConnection")
    return conn


def connector_client_cipher(conn, pure):
    return conn._socket.sock.cipher()[0] if pure else conn._cmysql.get_ssl_cipher()


VERIFIED = {"ssl_ca": CA, "ssl_verify_cert": True, "ssl_verify_identity": True}


@PURE
@pytest.mark.parametrize("compress", [False, True], ids=["uncompressed", "compressed"])
def test_connector_verified_tls(daemon, pure, compress):
    conn = connector_connect(daemon.mysql, pure, compress=compress, **VERIFIED)
    try:
        cur = conn.cursor()
        cipher = server_cipher(cur)
        assert cipher and cipher == connector_client_cipher(conn, pure)
        assert my_proto(cur) == ("mysql,ssl,compressed" if compress else "mysql,ssl")
        check_basic_queries(cur)
        cur.close()
        prepared = conn.cursor(prepared=True)
        prepared.execute("SELECT ?, ?", (5, "it's"))
        assert [tuple(r) for r in prepared.fetchall()] == [(5, "it's")]
        prepared.execute("SELECT ?, ?", (6, "again"))
        assert [tuple(r) for r in prepared.fetchall()] == [(6, "again")]
        prepared.close()
    finally:
        conn.close()


@PURE
def test_connector_compressed_without_tls(daemon, pure):
    conn = connector_connect(daemon.mysql, pure, compress=True, ssl_disabled=True)
    try:
        cur = conn.cursor()
        assert server_cipher(cur) == ""
        assert my_proto(cur) == "mysql,compressed"
        check_basic_queries(cur)
        # A result above the 50-byte threshold really travels compressed.
        cur.execute("SELECT %s", ("x" * 5000,))
        assert cur.fetchall() == [("x" * 5000,)]
    finally:
        conn.close()


@PURE
def test_connector_requiring_tls_fails_cleanly_when_tls_is_unusable(daemon_no_tls, pure):
    # The C extension only insists on TLS with ssl_verify_identity; with ssl_verify_cert
    # alone it falls back to plaintext (a driver choice, same against any server).
    with pytest.raises(mysql.connector.errors.InterfaceError) as e:
        connector_connect(daemon_no_tls.mysql, pure, **VERIFIED)
    assert e.value.errno == 2026
    expected = "SSL is required but the server doesn't support it"
    assert e.value.msg == (expected if pure else "SSL connection error: " + expected)


@PURE
def test_connector_plain_when_tls_is_unusable(daemon_no_tls, pure):
    conn = connector_connect(daemon_no_tls.mysql, pure)
    try:
        cur = conn.cursor()
        assert server_cipher(cur) == ""
        check_basic_queries(cur)
    finally:
        conn.close()


# ------------------------------------------------------ mysqlclient (MySQLdb)

def mysqldb_connect(port, **kw):
    # "localhost" would make Connector/C use the unix socket: 127.0.0.1 is in the
    # certificate's subjectAltName too.
    return MySQLdb.connect(host="127.0.0.1", port=port, user="root", passwd="", connect_timeout=30, **kw)


@pytest.mark.parametrize("compress", [False, True], ids=["uncompressed", "compressed"])
def test_mysqldb_verified_tls(daemon, compress):
    flags = MYSQLDB_CLIENT.COMPRESS if compress else 0
    conn = mysqldb_connect(daemon.mysql, ssl={"ca": CA}, ssl_mode="VERIFY_IDENTITY", client_flag=flags)
    try:
        cur = conn.cursor()
        assert server_cipher(cur).startswith(("TLS_", "ECDHE-"))
        assert my_proto(cur) == ("mysql,ssl,compressed" if compress else "mysql,ssl")
        check_basic_queries(cur)
        cur.execute("SELECT %s, %s", (5, "it's"))
        assert cur.fetchall() == ((5, "it's"),)
    finally:
        conn.close()


def test_mysqldb_compressed_without_tls(daemon):
    conn = mysqldb_connect(daemon.mysql, ssl_mode="DISABLED", client_flag=MYSQLDB_CLIENT.COMPRESS)
    try:
        cur = conn.cursor()
        assert server_cipher(cur) == ""
        assert my_proto(cur) == "mysql,compressed"
        cur.execute("SELECT %s", ("y" * 5000,))
        assert cur.fetchall() == (("y" * 5000,),)
    finally:
        conn.close()


def test_mysqldb_requiring_tls_fails_cleanly_when_tls_is_unusable(daemon_no_tls):
    with pytest.raises(MySQLdb.OperationalError) as e:
        mysqldb_connect(daemon_no_tls.mysql, ssl={"ca": CA}, ssl_mode="VERIFY_IDENTITY")
    assert e.value.args == (2026, "TLS/SSL error: SSL is required, but the server does not support it")


def test_mysqldb_plain_when_tls_is_unusable(daemon_no_tls):
    conn = mysqldb_connect(daemon_no_tls.mysql)
    try:
        cur = conn.cursor()
        assert server_cipher(cur) == ""
        assert my_proto(cur) == "mysql"
        check_basic_queries(cur)
    finally:
        conn.close()


# ------------------------------------------------ errors, commands, big values

def test_errors_keep_the_connection_with_every_driver(daemon):
    conns = [
        pymysql_connect(daemon.mysql, ssl_ca=CA, ssl_verify_identity=True),
        connector_connect(daemon.mysql, True, compress=True, **VERIFIED),
        connector_connect(daemon.mysql, False, compress=True, **VERIFIED),
        mysqldb_connect(daemon.mysql, ssl={"ca": CA}, ssl_mode="VERIFY_IDENTITY", client_flag=MYSQLDB_CLIENT.COMPRESS),
    ]
    for conn in conns:
        try:
            cur = conn.cursor()
            with pytest.raises(Exception) as e:
                cur.execute("bogus stuff")
            code, message = e.value.args[0], str(e.value)
            assert code == 1064 and "syntax error" in message and "bogus stuff" in message, e.value
            check_basic_queries(conn.cursor())
        finally:
            conn.close()


def test_ping_statistics_and_init_db(daemon):
    conn = mysqldb_connect(daemon.mysql, ssl={"ca": CA}, ssl_mode="VERIFY_IDENTITY", db="Manticore")
    try:
        conn.ping()
        assert conn.stat().startswith("Uptime: ")
        with pytest.raises(MySQLdb.OperationalError) as e:
            conn.select_db("nosuch")
        assert e.value.args == (1046, "no such database nosuch")
        check_basic_queries(conn.cursor())
    finally:
        conn.close()
    for pure in (True, False):
        conn = connector_connect(daemon.mysql, pure, **VERIFIED)
        try:
            conn.ping()
            assert set(conn.cmd_statistics()) >= {"Uptime", "Threads", "Questions"}
            conn.cmd_init_db("manticore")
            with pytest.raises(mysql.connector.errors.ProgrammingError) as e:
                conn.cmd_init_db("nosuch")
            assert e.value.errno == 1046 and e.value.msg == "no such database nosuch"
        finally:
            conn.close()


@PURE
def test_connector_prepared_types_and_big_values_over_tls_and_compression(daemon, pure):
    conn = connector_connect(daemon.mysql, pure, compress=True, **VERIFIED)
    try:
        prepared = conn.cursor(prepared=True)
        prepared.execute("SELECT ?, ?, ?, ?", (1.5, None, -7, "z" * 100000))
        assert [tuple(r) for r in prepared.fetchall()] == [(1.5, None, -7, "z" * 100000)]
        with pytest.raises(mysql.connector.errors.ProgrammingError) as e:
            prepared.execute("bogus ?", (1,))
        assert e.value.errno == 1064
        prepared.execute("SELECT ?", (3,))
        assert [tuple(r) for r in prepared.fetchall()] == [(3,)]
        cur = conn.cursor()
        cur.execute("SELECT '" + "q" * 200000 + "'")
        assert cur.fetchall() == [("q" * 200000,)]
    finally:
        conn.close()


def test_mysqldb_big_value_over_tls_and_compression(daemon):
    conn = mysqldb_connect(daemon.mysql, ssl={"ca": CA}, ssl_mode="VERIFY_IDENTITY", client_flag=MYSQLDB_CLIENT.COMPRESS)
    try:
        cur = conn.cursor()
        cur.execute("SELECT %s", ("w" * 300000,))
        assert cur.fetchall() == (("w" * 300000,),)
    finally:
        conn.close()


# Above 2^24-1 bytes a MySQL packet is split: both directions must reassemble it.
# (The pure-Python mysql-connector does not reassemble split column definitions or
# binary-protocol rows on its side, so it gets the text protocol and an alias only.)
HUGE = 17 * 1024 * 1024


def huge_round_trip(conn, prepared=False):
    cur = conn.cursor(prepared=True) if prepared else conn.cursor()
    marker = "?" if prepared else "%s"
    cur.execute(f"SELECT {marker} AS v, 5 AS w", ("h" * HUGE,))
    rows = [tuple(r) for r in cur.fetchall()]
    assert len(rows) == 1 and rows[0][1] == 5
    assert rows[0][0] == "h" * HUGE
    check_basic_queries(conn.cursor())


def test_huge_value_pymysql_tls(daemon):
    with pymysql_connect(daemon.mysql, ssl_ca=CA, ssl_verify_identity=True) as conn:
        huge_round_trip(conn)


@PURE
@pytest.mark.parametrize("compress", [False, True], ids=["uncompressed", "compressed"])
def test_huge_value_connector_tls(daemon, pure, compress):
    conn = connector_connect(daemon.mysql, pure, compress=compress, **VERIFIED)
    try:
        huge_round_trip(conn)
        if not pure:
            huge_round_trip(conn, prepared=True)
    finally:
        conn.close()


@pytest.mark.parametrize("compress", [False, True], ids=["uncompressed", "compressed"])
def test_huge_value_mysqldb_tls(daemon, compress):
    flags = MYSQLDB_CLIENT.COMPRESS if compress else 0
    conn = mysqldb_connect(daemon.mysql, ssl={"ca": CA}, ssl_mode="VERIFY_IDENTITY", client_flag=flags)
    try:
        huge_round_trip(conn)
    finally:
        conn.close()


def test_every_driver_rejects_a_server_signed_by_another_ca(daemon, other_ca):
    ca = str(other_ca)
    attempts = {
        "pymysql": lambda: pymysql_connect(daemon.mysql, ssl_ca=ca, ssl_verify_cert=True),
        "connector-pure": lambda: connector_connect(daemon.mysql, True, ssl_ca=ca, ssl_verify_cert=True,
                                                    ssl_verify_identity=True),
        "connector-cext": lambda: connector_connect(daemon.mysql, False, ssl_ca=ca, ssl_verify_cert=True,
                                                    ssl_verify_identity=True),
        "mysqldb": lambda: mysqldb_connect(daemon.mysql, ssl={"ca": ca}, ssl_mode="VERIFY_IDENTITY"),
    }
    expected_codes = {"pymysql": 2003, "connector-pure": 2055, "connector-cext": 2026, "mysqldb": 2026}
    for name, attempt in attempts.items():
        with pytest.raises((pymysql.err.OperationalError, mysql.connector.errors.InterfaceError,
                            MySQLdb.OperationalError)) as e:
            attempt()
        assert e.value.args[0] == expected_codes[name], (name, e.value)
        assert "certificate verify failed" in str(e.value) or "self-signed certificate" in str(e.value), (name, e.value)

"""The binary API with the Python 3 port of Sphinx's official client (sphinxapi-py3).

That client reads the server's hello before it writes its own, so on Manticore's
multi-protocol port it would hang; here it works on a `sphinx` listener and on the
multi port alike. Its BuildKeywords and UpdateAttributes mix str and bytes and raise
before sending anything, so the tests use a subclass with byte-correct requests.
"""

import json
import subprocess
import time
import urllib.parse
import urllib.request
from struct import pack, unpack

import pytest
import sphinxapi

from conftest import BIN, free_port


class ApiDaemon:
    def __init__(self, tmp):
        self.multi, self.sphinx = free_port(), free_port()
        self.log = tmp / "searchd.log"
        conf = tmp / "searchd.conf"
        conf.write_text(
            "searchd {\n"
            f"    listen = 127.0.0.1:{self.multi}\n"
            f"    listen = 127.0.0.1:{self.sphinx}:sphinx\n"
            f"    log = {self.log}\n"
            f"    pid_file = {tmp / 'searchd.pid'}\n"
            "}\n"
        )
        self.proc = subprocess.Popen([BIN, "--config", str(conf), "--nodetach"], cwd=tmp,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.log.exists() and "accepting connections" in self.log.read_text():
                return
            time.sleep(0.05)
        raise RuntimeError("searchd did not start")

    def sql(self, query):
        data = urllib.parse.urlencode({"query": query}).encode()
        with urllib.request.urlopen(f"http://127.0.0.1:{self.multi}/sql?mode=raw", data, timeout=30) as r:
            out = json.loads(r.read())
        assert not out[0].get("error"), out


class Client(sphinxapi.SphinxClient):
    """sphinxapi-py3 with byte-correct KEYWORDS (v1.0) and UPDATE (v1.3) requests."""

    def _call(self, command, version, body):
        sock = self._Connect()
        if not sock:
            return None
        self._Send(sock, pack(">2HL", command, version, len(body)) + body)
        return self._GetResponse(sock, version)

    @staticmethod
    def _str(s):
        b = s.encode()
        return pack(">L", len(b)) + b

    def BuildKeywords(self, query, index, hits):
        resp = self._call(sphinxapi.SEARCHD_COMMAND_KEYWORDS, 0x100,
                          self._str(query) + self._str(index) + pack(">L", hits))
        if resp is None:
            return None
        out, p = [], 4
        for _ in range(unpack(">L", resp[:4])[0]):
            entry = {}
            for key in ("tokenized", "normalized"):
                n = unpack(">L", resp[p:p + 4])[0]
                entry[key] = resp[p + 4:p + 4 + n].decode()
                p += 4 + n
            if hits:
                entry["docs"], entry["hits"] = unpack(">2L", resp[p:p + 8])
                p += 8
            out.append(entry)
        return out

    def UpdateAttributes(self, index, attrs, values, mva=False, ignorenonexistent=False):
        body = self._str(index) + pack(">L", len(attrs)) + pack(">L", int(ignorenonexistent))
        for a in attrs:
            body += self._str(a) + pack(">L", int(mva))
        body += pack(">L", len(values))
        for docid, entry in values.items():
            body += pack(">Q", docid)
            for v in entry:
                body += pack(">L", len(v)) + b"".join(pack(">L", x) for x in v) if mva else pack(">L", v)
        resp = self._call(sphinxapi.SEARCHD_COMMAND_UPDATE, 0x103, body)
        return -1 if resp is None else unpack(">L", resp[:4])[0]


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    d = ApiDaemon(tmp_path_factory.mktemp("searchd-api"))
    d.sql("CREATE TABLE docs (title text, body text, gid uint, price float, tags multi)")
    d.sql("INSERT INTO docs (id, title, body, gid, price, tags) VALUES "
          "(1, 'hello world', 'first document body', 1, 1.5, (1,2)), "
          "(2, 'another title', 'hello hello again', 2, 2.5, (3)), "
          "(3, 'nothing here', 'no greeting at all', 1, 3.5, (2)), "
          "(4, 'hello', 'hello world', 2, 4.5, (1))")
    yield d
    d.proc.terminate()
    d.proc.wait(timeout=30)


@pytest.fixture(params=["sphinx", "multi"])
def client(request, api):
    c = Client()
    c.SetServer("127.0.0.1", getattr(api, request.param))
    c.SetConnectTimeout(5.0)
    return c


def ids(result):
    assert result is not None
    return [m["id"] for m in result["matches"]]


@pytest.mark.parametrize("mode, query, want", [
    (sphinxapi.SPH_MATCH_ALL, "hello world", {1, 4}),
    (sphinxapi.SPH_MATCH_ANY, "hello greeting", {1, 2, 3, 4}),
    (sphinxapi.SPH_MATCH_PHRASE, "hello world", {1, 4}),
    (sphinxapi.SPH_MATCH_BOOLEAN, "hello -world", {2}),
    (sphinxapi.SPH_MATCH_EXTENDED, "@title hello", {1, 4}),
    (sphinxapi.SPH_MATCH_EXTENDED2, "hello | greeting", {1, 2, 3, 4}),
    (sphinxapi.SPH_MATCH_FULLSCAN, "", {1, 2, 3, 4}),
])
def test_match_modes(client, mode, query, want):
    client.SetMatchMode(mode)
    r = client.Query(query, "docs")
    assert r is not None, client.GetLastError()
    assert set(ids(r)) == want
    assert r["fields"] == ["title", "body"]
    if query and mode != sphinxapi.SPH_MATCH_FULLSCAN:
        assert "hello" in [w["word"] for w in r["words"]]


def test_filters_and_id_range(client):
    client.SetFilter("gid", [2])
    assert ids(client.Query("", "docs")) == [2, 4]
    client.ResetFilters()
    client.SetFilterRange("gid", 2, 2, exclude=True)
    assert ids(client.Query("", "docs")) == [1, 3]
    client.ResetFilters()
    client.SetFilterFloatRange("price", 2.0, 4.0)
    assert ids(client.Query("", "docs")) == [2, 3]
    client.ResetFilters()
    client.SetIDRange(2, 3)
    assert ids(client.Query("", "docs")) == [2, 3]


def test_sorts_limits_and_attributes(client):
    client.SetSortMode(sphinxapi.SPH_SORT_ATTR_DESC, "price")
    r = client.Query("", "docs")
    assert ids(r) == [4, 3, 2, 1]
    assert r["matches"][0]["attrs"]["price"] == pytest.approx(4.5)
    assert r["matches"][0]["attrs"]["tags"] == [1]
    client.SetSortMode(sphinxapi.SPH_SORT_EXTENDED, "gid asc, @id desc")
    client.SetLimits(1, 2)
    r = client.Query("", "docs")
    assert ids(r) == [1, 4]
    assert (r["total"], r["total_found"]) == (4, 4)


def test_group_by_with_count_and_distinct(client):
    client.SetGroupBy("gid", sphinxapi.SPH_GROUPBY_ATTR, "@group asc")
    client.SetGroupDistinct("price")
    r = client.Query("", "docs")
    assert r is not None, client.GetLastError()
    got = [(m["attrs"]["@groupby"], m["attrs"]["@count"], m["attrs"]["@distinct"]) for m in r["matches"]]
    assert got == [(1, 2, 2), (2, 2, 2)]


def test_batches_keep_a_failing_query_to_itself(client):
    client.AddQuery("hello", "docs")
    client.AddQuery("hello", "nosuch")
    client.AddQuery("greeting", "docs")
    res = client.RunQueries()
    assert [r["status"] for r in res] == [0, 1, 0]
    assert res[1]["error"] == "unknown local table(s) 'nosuch' in search request"
    assert [m["id"] for m in res[2]["matches"]] == [3]


def test_excerpts_keywords_status_and_flush(client):
    got = client.BuildExcerpts(["hello big world", "nothing"], "docs", "hello",
                               {"before_match": "[", "after_match": "]"})
    assert got == ["[hello] big world", "nothing"]
    kw = client.BuildKeywords("Hello worlds", "docs", 1)
    assert kw[0] == {"tokenized": "hello", "normalized": "hello", "docs": 3, "hits": 5}
    status = dict((k.decode(), v.decode()) for k, v in client.Status())
    assert "uptime" in status
    first = client.FlushAttributes()
    assert first >= 1 and client.FlushAttributes() == first + 1


def test_update_attributes(client, api):
    assert client.UpdateAttributes("docs", ["gid"], {3: [7], 99: [7]}) == 1
    client.SetFilter("gid", [7])
    assert ids(client.Query("", "docs")) == [3]
    assert client.UpdateAttributes("docs", ["gid"], {3: [1]}) == 1


def test_open_and_close_reuse_one_connection(client):
    assert client.Open()
    assert client.Query("hello", "docs")["total_found"] == 3
    assert client.Query("world", "docs")["total_found"] == 2
    client.Close()
    assert client.Query("greeting", "docs")["total_found"] == 1

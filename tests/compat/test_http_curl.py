"""The curl examples of Manticore's HTTP manual pages (adding, replacing, updating,
deleting documents, bulk, search, /sql and /cli), over HTTPS with CA verification."""

import json
import subprocess

from conftest import CERTS


def curl(daemon, path, data, *extra):
    r = subprocess.run(
        ["curl", "-sS", "-w", "\n%{http_code}", "--cacert", str(CERTS / "ca-cert.pem"),
         "-X", "POST", f"https://localhost:{daemon.https}{path}", *extra, "-d", data],
        capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    body, _, status = r.stdout.rpartition("\n")
    return int(status), body


def test_manual_examples(daemon):
    status, body = curl(daemon, "/cli", "CREATE TABLE products(title text, price float)")
    assert status == 200, body

    status, body = curl(daemon, "/insert",
                        '{"table":"products","id":1,"doc":{"title":"Crossbody Bag with Tassel","price":19.85}}')
    assert (status, body) == (200, '{"table":"products","id":1,"created":true,"result":"created","status":201}')

    status, body = curl(daemon, "/insert", '{"table":"products","doc":{"title":"Yellow bag"}}')
    j = json.loads(body)
    assert j["created"] is True and j["id"] > 1

    status, body = curl(daemon, "/replace",
                        '{"table":"products","id":1,"doc":{"title":"product one","price":10}}')
    assert (status, body) == (200, '{"table":"products","id":1,"created":false,"result":"updated","status":200}')

    ndjson = ('{"insert": {"table":"products", "id":3, "doc": {"title":"Crossbody Bag with Tassel","price" : 19.85}}}\n'
              '{"insert":{"table":"products", "id":4, "doc": {"title":"microfiber sheet set","price" : 19.99}}}\n')
    status, body = curl(daemon, "/bulk", ndjson, "-H", "Content-Type: application/x-ndjson")
    j = json.loads(body)
    assert status == 200 and j["errors"] is False and j["current_line"] == 2, body

    status, body = curl(daemon, "/bulk", ndjson)
    assert status == 400 and "application/x-ndjson" in body, body

    status, body = curl(daemon, "/update", '{"table":"products","id":1,"doc":{"price":1000}}')
    assert (status, body) == (200, '{"table":"products","id":1,"result":"updated"}')

    status, body = curl(daemon, "/search", '{"table":"products","query":{"match":{"title":"bag"}}}')
    j = json.loads(body)
    assert status == 200 and j["hits"]["total"] == 2, body
    assert sorted(h["_id"] for h in j["hits"]["hits"]) == [2, 3]
    assert list(j) == ["took", "timed_out", "hits"]

    status, body = curl(daemon, "/delete", '{"table":"products","query":{"match":{"*":"tassel"}}}')
    assert (status, body) == (200, '{"table":"products","deleted":1}')
    status, body = curl(daemon, "/delete", '{"table":"products","id":4}')
    assert (status, body) == (200, '{"table":"products","id":4,"found":true,"result":"deleted"}')

    status, body = curl(daemon, "/sql", "query=select%20id%20from%20products%20where%20id%3D1")
    j = json.loads(body)
    assert status == 200 and [h["_id"] for h in j["hits"]["hits"]] == [1], body
    status, body = curl(daemon, "/sql?mode=raw", "SHOW TABLES")
    assert status == 200 and json.loads(body)[0]["data"][0]["Table"] == "products", body
    status, body = curl(daemon, "/sql", "mode=raw&query=SHOW TABLES")
    assert status == 200 and json.loads(body)[0]["total"] == 1, body
    status, body = curl(daemon, "/cli", "SHOW TABLES")
    assert status == 200 and "| products |" in body, body


def test_manual_error_shapes(daemon):
    status, body = curl(daemon, "/search", '{"table":"products","query":')
    assert status == 400 and json.loads(body)["error"].startswith("invalid JSON"), body
    status, body = curl(daemon, "/nowhere", "")
    assert (status, body) == (501, '{"error":"/nowhere - unsupported endpoint"}')

"""Manticore's official Python client (manticoresearch 11.x) against the daemon over
HTTPS with CA verification: table creation through UtilsApi.sql, IndexApi writes,
SearchApi.search with match, bool, range, sort, aggs and highlight."""

import json

import manticoresearch
import pytest
from manticoresearch.models import (
    Aggregation,
    AggTerms,
    BoolFilter,
    DeleteDocumentRequest,
    Highlight,
    HighlightFields,
    InsertDocumentRequest,
    QueryFilter,
    ReplaceDocumentRequest,
    SearchQuery,
    SearchRequest,
    SourceRules,
    UpdateDocumentRequest,
)
from manticoresearch.rest import ApiException

from conftest import CERTS


@pytest.fixture(scope="module")
def client(daemon):
    config = manticoresearch.Configuration(host=f"https://localhost:{daemon.https}")
    config.ssl_ca_cert = str(CERTS / "ca-cert.pem")
    with manticoresearch.ApiClient(config) as api:
        utils = manticoresearch.UtilsApi(api)
        utils.sql("CREATE TABLE products (title text, price float, tag string, tags multi)")
        yield api


def apis(client):
    return (
        manticoresearch.UtilsApi(client),
        manticoresearch.IndexApi(client),
        manticoresearch.SearchApi(client),
    )


def fill(index):
    r = index.insert(InsertDocumentRequest(
        table="products", id=1,
        doc={"title": "Crossbody Bag with Tassel", "price": 10.5, "tag": "bags", "tags": [1, 2]}))
    assert (r.table, r.id, r.created, r.result, r.status) == ("products", 1, True, "created", 201)
    r = index.replace(InsertDocumentRequest(
        table="products", id=2, doc={"title": "microfiber sheet set", "price": 20.25, "tag": "home"}))
    assert (r.id, r.result) == (2, "updated")
    lines = [
        {"insert": {"table": "products", "id": 3,
                    "doc": {"title": "Pet Hair Remover Glove", "price": 7.5, "tag": "home"}}},
        {"insert": {"table": "products", "id": 4,
                    "doc": {"title": "Leather bag", "price": 99.0, "tag": "bags"}}},
    ]
    r = index.bulk("\n".join(json.dumps(l) for l in lines) + "\n")
    assert r.errors is False
    assert [i["insert"]["_id"] for i in r.items] == [3, 4]


def ids(resp):
    return [h.id for h in resp.hits.hits]


def test_the_official_client_end_to_end(client):
    utils, index, search = apis(client)
    fill(index)

    r = search.search(SearchRequest(table="products", query=SearchQuery(match={"title": "bag"}),
                                    sort=[{"id": "asc"}]))
    assert r.timed_out is False
    assert r.hits.total == 2
    assert ids(r) == [1, 4]
    assert r.hits.hits[0].source["tags"] == [1, 2]

    q = SearchQuery(bool=BoolFilter(
        must=[QueryFilter(range={"price": {"gte": 7.5, "lte": 50}})],
        must_not=[QueryFilter(equals={"tag": "bags"})]))
    r = search.search(SearchRequest(table="products", query=q, sort=[{"price": "desc"}], limit=10))
    assert ids(r) == [2, 3]

    r = search.search(SearchRequest(table="products", limit=0,
                                    aggs={"by_tag": Aggregation(terms=AggTerms(field="tag", size=5))}))
    buckets = sorted((b["key"], b["doc_count"]) for b in r.aggregations["by_tag"].buckets)
    assert buckets == [("bags", 2), ("home", 2)]

    r = search.search(SearchRequest(table="products", query=SearchQuery(match={"*": "tassel"}),
                                    highlight=Highlight(fields=HighlightFields(["title"]))))
    assert r.hits.hits[0].highlight == {"title": ["Crossbody Bag with <strong>Tassel</strong>"]}

    r = search.search(SearchRequest(
        table="products", query=SearchQuery(query_string="@title (bag | glove)"),
        source=SourceRules(includes=["ti*"], excludes=[]), options={"ranker": "bm25", "max_matches": 100},
        sort=[{"id": {"order": "desc"}}], offset=1, limit=2, max_matches=100))
    assert ids(r) == [3, 1]
    assert r.hits.hits[0].source == {"title": "Pet Hair Remover Glove"}
    r = search.search(SearchRequest(table="products", query=SearchQuery(match_phrase={"title": "sheet set"})))
    assert ids(r) == [2]
    r = search.search(SearchRequest(table="products", query=SearchQuery(var_in={"id": [1, 2]}), sort=["id"]))
    assert ids(r) == [1, 2]

    r = index.update(UpdateDocumentRequest(table="products", id=1, doc={"price": 12.5}))
    assert (r.id, r.result) == (1, "updated")
    r = index.update(UpdateDocumentRequest(table="products", doc={"tag": "misc"},
                                           query=QueryFilter(equals={"tag": "home"})))
    assert r.updated == 2
    r = index.partial_replace("products", 2, ReplaceDocumentRequest(doc={"price": 30.5}))
    assert (r.table, r.updated) == ("products", 1)
    r = index.delete(DeleteDocumentRequest(table="products", id=3))
    assert (r.id, r.found, r.result) == (3, True, "deleted")
    r = index.delete(DeleteDocumentRequest(table="products", query={"match": {"title": "leather"}}))
    assert r.deleted == 1

    raw = utils.sql("SELECT id, price FROM products ORDER BY id ASC")
    data = raw.actual_instance[0]["data"]
    assert [(row["id"], row["price"]) for row in data] == [(1, 12.5), (2, 30.5)]
    plain = utils.sql("SELECT * FROM products WHERE id = 1", raw_response=False)
    assert plain.actual_instance.hits["hits"][0]["_source"]["price"] == 12.5


def test_errors_reach_the_client_with_their_status(client):
    utils, index, search = apis(client)
    with pytest.raises(ApiException) as e:
        index.insert(InsertDocumentRequest(table="nope", id=1, doc={"title": "x"}))
    assert e.value.status == 404
    assert json.loads(e.value.body)["error"]["type"] == "index_not_found_exception"
    with pytest.raises(ApiException) as e:
        index.insert(InsertDocumentRequest(table="products", id=1, doc={"title": "dup"}))
    assert e.value.status == 409
    with pytest.raises(ApiException) as e:
        search.search(SearchRequest(table="nope"))
    assert e.value.status == 404

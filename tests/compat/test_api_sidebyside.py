"""The binary API side by side with Sphinx 2.2.11 (Debian `sphinxsearch`).

Both daemons get the same RT schema and the same few hundred deterministic documents
(through their MySQL listeners), then the same sphinxapi-py3 calls go to both. Ids,
`total`/`total_found`, group keys, `@count` and `@distinct` must agree. Weights may
differ (different ranking code), so relevance-sorted results are compared as sets over
all matches, and attribute sorts always end with a unique key.
"""

import random
import time

import pymysql
import pytest
import sphinxapi

from test_api_sphinxapi import Client

FIELDS = ["title", "body"]
ATTRS = [("uint", "gid"), ("bigint", "big"), ("float", "price"), ("string", "tag"),
         ("timestamp", "ts"), ("multi", "tags"), ("bool", "flag")]
OUR_TYPES = {"uint": "uint", "bigint": "bigint", "float": "float", "string": "string",
             "timestamp": "timestamp", "multi": "multi", "bool": "bool"}
WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
         "november oscar papa").split()
# 2019-12-30 00:00:00 UTC, a Monday; documents spread over about two years.
BASE_TS = 1577664000
NDOCS = 300


def make_doc(i):
    rnd = random.Random(i)
    title = " ".join(rnd.choice(WORDS[:6]) for _ in range(rnd.randint(1, 4)))
    body = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 14)))
    return {
        "id": i,
        "title": title,
        "body": body,
        "gid": i % 7 + 1,
        "big": (i * 7919 % 101) * 10_000_000_000,
        "price": (i * 37 % 1000) / 10 + 0.05,
        "tag": ["red", "green", "blue", "cyan"][i % 4],
        "ts": BASE_TS + i * 2 * 86400 + (i % 24) * 3600 + i % 60,
        "tags": (i % 5, i % 3 + 10),
        "flag": i % 2,
    }


DOCS = [make_doc(i) for i in range(1, NDOCS + 1)]


def insert_sql(rows):
    def lit(v):
        if isinstance(v, str):
            return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
        if isinstance(v, tuple):
            return "(" + ",".join(str(x) for x in v) + ")"
        return repr(v)

    cols = list(rows[0])
    values = ", ".join("(" + ", ".join(lit(r[c]) for c in cols) + ")" for r in rows)
    return f"INSERT INTO docs ({', '.join(cols)}) VALUES {values}"


def load(port, create=None):
    conn = pymysql.connect(host="127.0.0.1", port=port, user="root", password="",
                           connect_timeout=30, autocommit=True)
    with conn.cursor() as cur:
        if create:
            cur.execute(create)
        for at in range(0, len(DOCS), 50):
            cur.execute(insert_sql(DOCS[at:at + 50]))
    conn.close()


class Pair:
    def __init__(self, ours, theirs):
        self.ports = {"ours": ours, "sphinx": theirs}

    def client(self, which):
        c = Client()
        c.SetServer("127.0.0.1", self.ports[which])
        c.SetConnectTimeout(5.0)
        return c

    def both(self, call):
        """`call(client)` against our daemon and Sphinx: (ours, sphinx)."""
        out = []
        for which in ("ours", "sphinx"):
            c = self.client(which)
            r = call(c)
            assert r is not None, f"{which}: {c.GetLastError()}"
            out.append(r)
        return tuple(out)


@pytest.fixture(scope="module")
def pair(daemon_no_tls, sphinx_factory):
    sphinx = sphinx_factory("docs", FIELDS, ATTRS)
    load(sphinx.mysql)
    cols = ", ".join([f"{f} text" for f in FIELDS] + [f"{n} {OUR_TYPES[t]}" for t, n in ATTRS])
    load(daemon_no_tls.mysql, f"CREATE TABLE docs ({cols})")
    return Pair(daemon_no_tls.multi, sphinx.api)


def ids(r):
    return [m["id"] for m in r["matches"]]


def totals(r):
    return r["total"], r["total_found"]


def groups(r):
    return [(m["attrs"]["@groupby"], m["attrs"]["@count"], m["attrs"].get("@distinct"))
            for m in r["matches"]]


def query(text="", mode=sphinxapi.SPH_MATCH_EXTENDED2, setup=None, limit=1000):
    def call(c):
        c.SetMatchMode(mode)
        c.SetLimits(0, limit, max(1000, limit))
        if setup:
            setup(c)
        return c.Query(text, "docs")
    return call


def assert_same(pair, call, ordered=True):
    ours, theirs = pair.both(call)
    assert totals(ours) == totals(theirs)
    if ordered:
        assert ids(ours) == ids(theirs)
    else:
        assert sorted(ids(ours)) == sorted(ids(theirs))
    return ours, theirs


def test_same_documents_in_both(pair):
    ours, theirs = assert_same(pair, query(mode=sphinxapi.SPH_MATCH_FULLSCAN,
                                           setup=lambda c: c.SetSortMode(sphinxapi.SPH_SORT_EXTENDED, "@id asc")))
    assert totals(ours) == (NDOCS, NDOCS)
    assert ids(ours) == list(range(1, NDOCS + 1))
    for a, b in zip(ours["matches"], theirs["matches"]):
        for name in ("gid", "big", "tag", "ts", "tags", "flag"):
            assert a["attrs"][name] == b["attrs"][name], (a["id"], name)
        assert a["attrs"]["price"] == pytest.approx(b["attrs"]["price"])


@pytest.mark.parametrize("mode, text", [
    (sphinxapi.SPH_MATCH_ALL, "alpha bravo"),
    (sphinxapi.SPH_MATCH_ALL, "Alpha, bravo!"),
    (sphinxapi.SPH_MATCH_ANY, "kilo lima"),
    (sphinxapi.SPH_MATCH_ANY, "papa nosuchword"),
    (sphinxapi.SPH_MATCH_PHRASE, "alpha bravo"),
    (sphinxapi.SPH_MATCH_PHRASE, "charlie delta echo"),
    (sphinxapi.SPH_MATCH_BOOLEAN, "alpha -bravo"),
    (sphinxapi.SPH_MATCH_BOOLEAN, "(kilo | lima) & mike"),
    (sphinxapi.SPH_MATCH_BOOLEAN, "golf hotel"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "@title alpha"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "@body (kilo | oscar) -papa"),
    (sphinxapi.SPH_MATCH_EXTENDED2, '"alpha bravo"~3'),
    (sphinxapi.SPH_MATCH_EXTENDED2, '"india juliet kilo"/2'),
    (sphinxapi.SPH_MATCH_EXTENDED2, "alpha << bravo"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "alpha << bravo << charlie"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "(alpha | kilo) << bravo"),
    (sphinxapi.SPH_MATCH_EXTENDED2, '"alpha * bravo"'),
    (sphinxapi.SPH_MATCH_EXTENDED2, '"alpha bravo"/0.5'),
    (sphinxapi.SPH_MATCH_EXTENDED2, "alpha MAYBE bravo"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "@!title alpha"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "@title[2] alpha"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "@(title) alpha @body bravo"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "(alpha bravo) | (kilo -lima)"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "^alpha bravo$"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "@@relaxed @(title,nosuch) alpha"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "^alpha"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "mike$"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "golf NEAR/2 hotel"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "alpha NEAR/1 bravo NEAR/1 charlie"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "kilo NEAR/3 lima NEAR/3 mike"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "golf NEAR/2 hotel NEAR/2 india NEAR/2 juliet"),
    (sphinxapi.SPH_MATCH_EXTENDED2, "papa NEAR/2 papa"),
    (sphinxapi.SPH_MATCH_EXTENDED, "@(title,body) echo !foxtrot"),
    (sphinxapi.SPH_MATCH_FULLSCAN, ""),
    (sphinxapi.SPH_MATCH_FULLSCAN, "alpha"),
])
def test_match_modes(pair, mode, text):
    ours, theirs = assert_same(pair, query(text, mode), ordered=False)
    assert totals(ours)[1] > 0
    if mode != sphinxapi.SPH_MATCH_FULLSCAN:
        # Sphinx lists the words in query order; Manticore (and we) sort them, as
        # its SHOW META does: compare them sorted.
        assert sorted((w["word"], w["docs"], w["hits"]) for w in ours["words"]) == \
            sorted((w["word"], w["docs"], w["hits"]) for w in theirs["words"])
        assert [w["word"] for w in ours["words"]] == sorted(w["word"] for w in ours["words"])


@pytest.mark.parametrize("ranker", [
    sphinxapi.SPH_RANK_PROXIMITY_BM25, sphinxapi.SPH_RANK_BM25, sphinxapi.SPH_RANK_NONE,
    sphinxapi.SPH_RANK_WORDCOUNT, sphinxapi.SPH_RANK_PROXIMITY, sphinxapi.SPH_RANK_MATCHANY,
    sphinxapi.SPH_RANK_FIELDMASK, sphinxapi.SPH_RANK_SPH04, sphinxapi.SPH_RANK_EXPR,
])
def test_rankers(pair, ranker):
    def setup(c):
        c.SetRankingMode(ranker, "sum(lcs*user_weight)*1000+bm25" if ranker == sphinxapi.SPH_RANK_EXPR else "")
    ours, theirs = assert_same(pair, query("alpha | (bravo charlie)", setup=setup), ordered=False)
    assert totals(ours)[1] > 0
    if ranker == sphinxapi.SPH_RANK_NONE:
        # Every match weighs 1 in both, so the order is by id.
        assert ids(ours) == ids(theirs)
        assert {m["weight"] for m in ours["matches"]} == {1}
    if ranker in (sphinxapi.SPH_RANK_NONE, sphinxapi.SPH_RANK_FIELDMASK):
        # These weights do not depend on ranking formulas: they must agree.
        assert sorted((m["id"], m["weight"]) for m in ours["matches"]) == \
            sorted((m["id"], m["weight"]) for m in theirs["matches"])


def test_field_weights_and_limits_keep_totals(pair):
    def setup(c):
        c.SetFieldWeights({"title": 10, "body": 1})
        c.SetLimits(5, 10, 50)
    ours, theirs = assert_same(pair, query("alpha", setup=setup), ordered=False)
    assert len(ours["matches"]) == 10
    assert totals(ours) == (50, totals(theirs)[1])


@pytest.mark.parametrize("name, setup", [
    ("values", lambda c: c.SetFilter("gid", [2, 5])),
    ("values exclude", lambda c: c.SetFilter("gid", [2, 5], exclude=True)),
    ("mva values", lambda c: c.SetFilter("tags", [3, 11])),
    # The client refuses values beyond 32 bits, though the wire carries 64.
    ("bigint values", lambda c: c._filters.append(
        {"type": sphinxapi.SPH_FILTER_VALUES, "attr": "big", "exclude": 0, "values": [0, 10_000_000_000]})),
    ("bool", lambda c: c.SetFilter("flag", [1])),
    ("range", lambda c: c.SetFilterRange("gid", 3, 5)),
    ("range exclude", lambda c: c.SetFilterRange("gid", 3, 5, exclude=True)),
    ("timestamp range", lambda c: c.SetFilterRange("ts", BASE_TS + 30 * 86400, BASE_TS + 90 * 86400)),
    ("float range", lambda c: c.SetFilterFloatRange("price", 10.0, 40.0)),
    ("float range exclude", lambda c: c.SetFilterFloatRange("price", 10.0, 90.0, exclude=True)),
    ("id range", lambda c: c.SetIDRange(40, 120)),
    ("combined", lambda c: (c.SetFilter("flag", [0]), c.SetFilterRange("gid", 1, 3), c.SetIDRange(10, 200))),
])
@pytest.mark.parametrize("text", ["", "alpha | kilo"])
def test_filters(pair, name, setup, text):
    def s(c):
        setup(c)
        c.SetSortMode(sphinxapi.SPH_SORT_EXTENDED, "@id asc")
    ours, _ = assert_same(pair, query(text, setup=s))
    assert totals(ours)[1] > 0


@pytest.mark.parametrize("mode, clause", [
    (sphinxapi.SPH_SORT_ATTR_DESC, "price"),
    (sphinxapi.SPH_SORT_ATTR_ASC, "price"),
    (sphinxapi.SPH_SORT_ATTR_ASC, "ts"),
    (sphinxapi.SPH_SORT_ATTR_DESC, "big"),
    (sphinxapi.SPH_SORT_ATTR_ASC, "gid"),
    (sphinxapi.SPH_SORT_EXTENDED, "gid asc, price desc, @id asc"),
    (sphinxapi.SPH_SORT_EXTENDED, "flag desc, big asc, @id desc"),
    (sphinxapi.SPH_SORT_EXTENDED, "tag asc, @id asc"),
    (sphinxapi.SPH_SORT_EXPR, "gid * 1000 + price"),
])
@pytest.mark.parametrize("text", ["", "bravo"])
def test_sort_modes(pair, mode, clause, text):
    def setup(c):
        # Ties in an attribute sort go to the weight: wordcount weights (hit counts)
        # are the same in both, so the whole order must be.
        c.SetRankingMode(sphinxapi.SPH_RANK_WORDCOUNT)
        c.SetSortMode(mode, clause)
    ours, theirs = assert_same(pair, query(text, setup=setup))
    assert totals(ours)[1] > 0
    assert [m["weight"] for m in ours["matches"]] == [m["weight"] for m in theirs["matches"]]


WC = sphinxapi.SPH_RANK_WORDCOUNT


@pytest.mark.parametrize("name, text, setup", [
    ("max_matches caps total", "alpha", lambda c: c.SetLimits(0, 10, 30)),
    ("offset past the matches", "alpha", lambda c: c.SetLimits(25, 10, 30)),
    ("sort by an expression of the weight", "alpha | kilo",
     lambda c: (c.SetRankingMode(WC), c.SetSortMode(sphinxapi.SPH_SORT_EXPR, "@weight * 10 + gid"))),
    ("select the weight, sort by it", "alpha | kilo",
     lambda c: (c.SetRankingMode(WC), c.SetSelect("*, @weight + 1 AS w1"),
                c.SetSortMode(sphinxapi.SPH_SORT_EXTENDED, "w1 desc, @id asc"))),
    ("relevance sort", "alpha | kilo",
     lambda c: (c.SetRankingMode(WC), c.SetSortMode(sphinxapi.SPH_SORT_RELEVANCE))),
    ("field weights", "alpha", lambda c: (c.SetRankingMode(WC), c.SetFieldWeights({"title": 10}))),
    ("index weights", "alpha", lambda c: (c.SetRankingMode(WC), c.SetIndexWeights({"docs": 3}))),
    ("group sort by weight", "alpha | kilo",
     lambda c: (c.SetRankingMode(WC), c.SetGroupBy("gid", sphinxapi.SPH_GROUPBY_ATTR, "@weight desc, @group asc"))),
    ("group page", "", lambda c: (c.SetLimits(1, 3), c.SetGroupBy("gid", sphinxapi.SPH_GROUPBY_ATTR, "@group desc"))),
    ("group by MVA", "", lambda c: c.SetGroupBy("tags", sphinxapi.SPH_GROUPBY_ATTR, "@group asc")),
    ("group by a select alias", "", lambda c: (c.SetSelect("*, gid % 3 AS g3"),
                                               c.SetGroupBy("g3", sphinxapi.SPH_GROUPBY_ATTR, "@group asc"))),
    ("group sort by distinct", "", lambda c: (c.SetGroupBy("gid", sphinxapi.SPH_GROUPBY_ATTR, "@distinct desc, @group asc"),
                                              c.SetGroupDistinct("big"))),
    ("group sort by an attribute", "", lambda c: (c.SetGroupBy("gid", sphinxapi.SPH_GROUPBY_ATTR, "price desc"),
                                                  c.SetSortMode(sphinxapi.SPH_SORT_ATTR_DESC, "price"))),
    ("groups beyond max_matches", "", lambda c: (c.SetLimits(0, 3, 3),
                                                 c.SetGroupBy("gid", sphinxapi.SPH_GROUPBY_ATTR, "@count desc, @group asc"))),
    ("group with aggregates", "", lambda c: (c.SetSelect("*, SUM(price) AS s, MAX(big) AS mb"),
                                             c.SetGroupBy("flag", sphinxapi.SPH_GROUPBY_ATTR, "@group asc"))),
    ("month groups of filtered matches", "bravo",
     lambda c: (c.SetFilter("flag", [1]), c.SetGroupBy("ts", sphinxapi.SPH_GROUPBY_MONTH, "@group desc"))),
    ("mva exclude", "", lambda c: (c.SetFilter("tags", [0, 10], exclude=True),
                                   c.SetSortMode(sphinxapi.SPH_SORT_EXTENDED, "@id asc"))),
    ("range filter on a float", "", lambda c: (c.SetFilterRange("price", 10, 20),
                                              c.SetSortMode(sphinxapi.SPH_SORT_EXTENDED, "@id asc"))),
    ("ALL mode reads operators as words", "alpha | bravo", lambda c: c.SetMatchMode(sphinxapi.SPH_MATCH_ALL)),
    ("ANY mode reads operators as words", "alpha -bravo", lambda c: c.SetMatchMode(sphinxapi.SPH_MATCH_ANY)),
    ("PHRASE mode drops punctuation", "alpha-bravo!", lambda c: c.SetMatchMode(sphinxapi.SPH_MATCH_PHRASE)),
])
def test_more_calls(pair, name, text, setup):
    def s(c):
        # Wordcount weights (hit counts times field and index weights) are the same
        # in both, so orders by weight must be too.
        c.SetRankingMode(WC)
        setup(c)
    ours, theirs = assert_same(pair, query(text, setup=s))
    if " mode " not in name:
        assert [m["weight"] for m in ours["matches"]] == [m["weight"] for m in theirs["matches"]]
    if "@groupby" in ours["attrs"]:
        assert groups(ours) == groups(theirs)


def test_index_lists(pair):
    def call(index):
        return lambda c: (c.SetSortMode(sphinxapi.SPH_SORT_EXTENDED, "@id asc"), c.SetLimits(0, 1000),
                          c.Query("alpha", index))[-1]
    for index in ("*", "docs,docs", "docs docs;docs"):
        assert_same(pair, call(index))


def test_cutoff_stops_at_the_same_count(pair):
    # Which documents are seen first depends on the storage order (Sphinx's RT
    # index scans its newest segment first), so only the counts must agree.
    ours, theirs = pair.both(lambda c: (c.SetLimits(0, 10, 1000, 20), c.Query("", "docs"))[-1])
    assert totals(ours) == totals(theirs) == (20, 20)
    assert len(ours["matches"]) == len(theirs["matches"]) == 10


@pytest.mark.parametrize("setup, text, sphinx_error", [
    (lambda c: c.SetFilter("nosuch", [1]), "", "index docs: no such filter attribute 'nosuch'"),
    (lambda c: c.SetSortMode(sphinxapi.SPH_SORT_ATTR_DESC, "nosuch"), "",
     "index docs: sort-by attribute 'nosuch' not found"),
    (lambda c: c.SetGroupBy("nosuch", sphinxapi.SPH_GROUPBY_ATTR), "",
     "index docs: group-by attribute 'nosuch' not found"),
    (lambda c: c.SetMatchMode(sphinxapi.SPH_MATCH_EXTENDED2), "alpha (",
     "index docs: syntax error, unexpected $end near ''"),
])
def test_errors(pair, setup, text, sphinx_error):
    def call(c):
        setup(c)
        return c.Query(text, "docs") or c.GetLastError()
    ours, theirs = pair.both(call)
    assert theirs == sphinx_error
    # Manticore's wording: "table" for "index"; query syntax errors carry its P08 code.
    assert ours in (sphinx_error.replace("index docs: ", "table docs: "),
                    sphinx_error.replace("index docs: ", "P08: "))


def test_time_segments_of_recent_documents(pair):
    # Move a few documents into each segment (hour, day, week, month, three months,
    # older), in both daemons, then sort by segment, weight (wordcount) and id.
    now = int(time.time())
    ages = [1800, 7200, 3 * 86400, 10 * 86400, 40 * 86400, 100 * 86400]
    moved = {i: [now - ages[i % len(ages)]] for i in range(1, 25)}
    assert pair.both(lambda c: c.UpdateAttributes("docs", ["ts"], moved)) == (24, 24)
    try:
        def setup(c):
            c.SetRankingMode(sphinxapi.SPH_RANK_WORDCOUNT)
            c.SetSortMode(sphinxapi.SPH_SORT_TIME_SEGMENTS, "ts")
        ours, theirs = assert_same(pair, query("alpha | kilo", setup=setup))
        assert [m["weight"] for m in ours["matches"]] == [m["weight"] for m in theirs["matches"]]
    finally:
        restore = {i: [DOCS[i - 1]["ts"]] for i in moved}
        assert pair.both(lambda c: c.UpdateAttributes("docs", ["ts"], restore)) == (24, 24)


def test_time_segments(pair):
    # Every document is older than three months, so all are in the oldest segment and
    # the order falls to the weight; compare as sets (weights may differ).
    assert_same(pair, query("alpha", setup=lambda c: c.SetSortMode(sphinxapi.SPH_SORT_TIME_SEGMENTS, "ts")),
                ordered=False)


GROUP_FUNCS = [sphinxapi.SPH_GROUPBY_ATTR, sphinxapi.SPH_GROUPBY_DAY, sphinxapi.SPH_GROUPBY_WEEK,
               sphinxapi.SPH_GROUPBY_MONTH, sphinxapi.SPH_GROUPBY_YEAR]


@pytest.mark.parametrize("func", GROUP_FUNCS)
@pytest.mark.parametrize("group_sort", ["@group desc", "@group asc", "@count desc, @group asc"])
@pytest.mark.parametrize("text", ["", "alpha | kilo"])
def test_group_by(pair, func, group_sort, text):
    attr = "gid" if func == sphinxapi.SPH_GROUPBY_ATTR else "ts"

    def setup(c):
        c.SetGroupBy(attr, func, group_sort)
        c.SetGroupDistinct("flag" if attr == "gid" else "gid")
        c.SetSortMode(sphinxapi.SPH_SORT_EXTENDED, "@id asc")
    ours, theirs = assert_same(pair, query(text, setup=setup))
    assert groups(ours) == groups(theirs)
    assert len(ours["matches"]) > 1


def test_group_distinct_on_a_string(pair):
    def setup(c):
        c.SetGroupBy("gid", sphinxapi.SPH_GROUPBY_ATTR, "@group asc")
        c.SetGroupDistinct("tag")
    ours, theirs = assert_same(pair, query(setup=setup))
    want = [(g, sum(d["gid"] == g for d in DOCS), len({d["tag"] for d in DOCS if d["gid"] == g}))
            for g in range(1, 8)]
    assert groups(ours) == want
    # Sphinx 2.2.11 counts every document's string as a distinct value (its
    # `@distinct` equals `@count` here); we count distinct strings, as Manticore does.
    assert groups(theirs) == [(g, n, n) for g, n, _ in want]


@pytest.mark.parametrize("attr", ["tag", "flag", "big", "tags"])
def test_group_by_other_attribute_types(pair, attr):
    def setup(c):
        c.SetGroupBy(attr, sphinxapi.SPH_GROUPBY_ATTR, "@count desc, @id asc")
        c.SetGroupDistinct("gid")
        c.SetSortMode(sphinxapi.SPH_SORT_EXTENDED, "@id desc")
    ours, theirs = assert_same(pair, query(setup=setup), ordered=False)
    key = (lambda g: g[1:]) if attr == "tag" else (lambda g: g)
    # A string group's `@groupby` is a hash in Sphinx: compare the counts only there.
    assert sorted(map(key, groups(ours))) == sorted(map(key, groups(theirs)))


@pytest.mark.parametrize("select, names", [
    ("*, gid * 2 + 1 AS g2", ["g2"]),
    ("id, gid, price * 10 AS p10, IF(flag = 1, big, 0) AS b", ["p10", "b"]),
    ("*, IN(gid, 1, 2, 3) AS low, ts - 1577664000 AS age", ["low", "age"]),
])
def test_select_lists(pair, select, names):
    def setup(c):
        c.SetSelect(select)
        c.SetSortMode(sphinxapi.SPH_SORT_EXTENDED, "@id asc")
    ours, theirs = assert_same(pair, query("golf | hotel", setup=setup))
    for a, b in zip(ours["matches"], theirs["matches"]):
        for n in names:
            assert a["attrs"][n] == pytest.approx(b["attrs"][n]), (a["id"], n)


@pytest.mark.parametrize("expr", [
    "gid * 2 + 1", "price / 2", "gid / 2", "gid % 3", "7 DIV 2", "IDIV(gid, 2)", "ABS(gid - 4)",
    "CEIL(price)", "FLOOR(price)", "SQRT(gid)", "LN(gid)", "EXP(1)", "POW(gid, 2)", "MIN(gid, 3)",
    "MAX(gid, 3)", "IF(gid > 3, 1, 0)", "IN(gid, 1, 2)", "IN(tags, 3, 11)", "INTERVAL(gid, 2, 4, 6)",
    "BITDOT(gid, 1, 2)", "CRC32(tag)", "YEAR(ts)", "MONTH(ts)", "DAY(ts)", "YEARMONTH(ts)",
    "YEARMONTHDAY(ts)", "SINT(gid - 4)", "UINT(3.7)", "BIGINT(3)", "TO_STRING(gid)", "LENGTH(tags)",
    "gid > 3 AND flag = 1", "NOT flag", "big / 1000000", "price * gid",
])
def test_select_functions(pair, expr):
    def setup(c):
        c.SetSelect(f"*, {expr} AS x")
        c.SetSortMode(sphinxapi.SPH_SORT_EXTENDED, "@id asc")
    ours, theirs = assert_same(pair, query(setup=setup, limit=40))
    for a, b in zip(ours["matches"], theirs["matches"]):
        x, y = a["attrs"]["x"], b["attrs"]["x"]
        assert (x == y) if isinstance(y, (str, bytes)) else x == pytest.approx(y, rel=1e-6), (a["id"], x, y)


def test_select_expression_filter_and_sort(pair):
    def setup(c):
        c.SetSelect("*, gid * 10 + flag AS k")
        c.SetFilterRange("k", 20, 41)
        c.SetSortMode(sphinxapi.SPH_SORT_EXTENDED, "k desc, @id asc")
    assert_same(pair, query(setup=setup))


def test_batches(pair):
    def call(c):
        c.SetLimits(0, 1000)
        c.SetSortMode(sphinxapi.SPH_SORT_EXTENDED, "@id asc")
        c.AddQuery("alpha", "docs")
        c.SetFilter("gid", [3])
        c.AddQuery("kilo | lima", "docs")
        c.ResetFilters()
        c.SetGroupBy("gid", sphinxapi.SPH_GROUPBY_ATTR, "@group asc")
        c.AddQuery("", "docs")
        c.ResetGroupBy()
        c.SetMatchMode(sphinxapi.SPH_MATCH_ANY)
        c.AddQuery("mike november", "docs")
        return c.RunQueries()
    ours, theirs = pair.both(call)
    assert len(ours) == len(theirs) == 4
    for a, b in zip(ours, theirs):
        assert a["status"] == b["status"] == 0
        assert totals(a) == totals(b)
        assert ids(a) == ids(b)
    assert groups(ours[2]) == groups(theirs[2])


def test_batch_with_a_failing_query(pair):
    def call(c):
        c.AddQuery("alpha", "docs")
        c.AddQuery("alpha", "nosuch")
        c.AddQuery("bravo", "docs")
        return c.RunQueries()
    ours, theirs = pair.both(call)
    assert [r["status"] for r in ours] == [r["status"] for r in theirs] == [0, 1, 0]
    # Manticore's wording (which we follow) says "table(s)" where Sphinx says "index".
    assert theirs[1]["error"] == "unknown local index 'nosuch' in search request"
    assert ours[1]["error"] == "unknown local table(s) 'nosuch' in search request"
    assert totals(ours[2]) == totals(theirs[2])


@pytest.mark.parametrize("text", [
    "alpha bravo", "Alpha, BRAVO! charlie", "kilo-lima", "nosuchword alpha", "echo echo",
])
def test_build_keywords(pair, text):
    ours, theirs = pair.both(lambda c: c.BuildKeywords(text, "docs", 1))
    assert ours == theirs


def test_build_keywords_of_accented_words(pair):
    # Sphinx 2.2.11's default charset_table has no Latin-1 letters (they split
    # words); Manticore's default (non_cjk), which we follow, folds them.
    ours, theirs = pair.both(lambda c: c.BuildKeywords("naïve café", "docs", 0))
    assert [k["tokenized"] for k in theirs] == ["na", "ve", "caf"]
    assert [(k["tokenized"], k["normalized"]) for k in ours] == [("naive", "naive"), ("cafe", "cafe")]


@pytest.mark.parametrize("words, opts", [
    ("alpha", {}),
    ("alpha bravo", {"before_match": "[", "after_match": "]"}),
    ("kilo", {"before_match": "<em>", "after_match": "</em>", "limit": 1000}),
    ("nosuchword", {}),
])
def test_build_excerpts(pair, words, opts):
    docs = [d["body"] for d in DOCS[:25]] + ["nothing to see", "Alpha, said the man; alpha!"]
    ours, theirs = pair.both(lambda c: c.BuildExcerpts(docs, "docs", words, dict(opts)))
    assert ours == theirs


MARKUP = ["alpha bravo charlie", "Alpha &amp; <b>bravo</b> charlie", "no match here",
          "delta alpha. Bravo! echo? alpha"]


@pytest.mark.parametrize("opts", [
    {"allow_empty": True},
    {"around": 0},
    {"html_strip_mode": "strip"},
    {"html_strip_mode": "none"},
    {"single_passage": True},
    {"force_all_words": True},
    {"weight_order": True},
    {"limit_passages": 1},
    {"start_passage_id": 5, "before_match": "<%PASSAGE_ID%>", "after_match": "</%PASSAGE_ID%>"},
])
def test_excerpt_options(pair, opts):
    ours, theirs = pair.both(lambda c: c.BuildExcerpts(MARKUP, "docs", "alpha", dict(opts)))
    assert ours == theirs


def test_excerpt_exact_phrase_is_refused(pair):
    # Manticore refuses the flag (we follow it); Sphinx 2.2.11 still honours it.
    got = {}
    for which in ("ours", "sphinx"):
        c = pair.client(which)
        got[which] = (c.BuildExcerpts(MARKUP, "docs", "alpha", {"exact_phrase": True}), c.GetLastError())
    assert got["ours"] == ([], "searchd error: exact_phrase is deprecated")
    assert got["sphinx"][0][0] == "<b>alpha</b> bravo charlie"


LONG = [" ".join(d["body"] for d in DOCS[at:at + 12]) for at in (0, 20, 40)]


@pytest.mark.parametrize("limit", [256, 40, 20, 13, 12])
def test_excerpts_of_long_documents_without_a_match(pair, limit):
    docs = LONG + ["lima foxtrot juliet india echo"]
    ours, theirs = pair.both(lambda c: c.BuildExcerpts(docs, "docs", "nosuchword", {"limit": limit}))
    assert ours == theirs


@pytest.mark.parametrize("words, around", [("kilo", 5), ("alpha bravo", 5), ("mike", 2)])
def test_excerpts_of_long_documents_with_matches(pair, words, around):
    # Which passages Sphinx 2.2 picks (and how it trims them) differs from ours, so
    # only what both promise is compared: the limit holds, every passage shows a
    # query word, passages are cut by the separator.
    ours, theirs = pair.both(lambda c: c.BuildExcerpts(LONG, "docs", words, {"around": around}))
    for got in (ours, theirs):
        for text in got:
            plain = text.replace("<b>", "").replace("</b>", "")
            assert len(plain.replace(" ... ", " ").strip()) <= 256
            passages = [p for p in text.split(" ... ") if p.strip()]
            assert passages and all("<b>" in p for p in passages), text


def test_update_attributes_then_query(pair):
    updated = pair.both(lambda c: c.UpdateAttributes("docs", ["gid"], {5: [42], 6: [42], 9999: [42]}))
    assert updated == (2, 2)

    def call(c):
        c.SetFilter("gid", [42])
        c.SetSortMode(sphinxapi.SPH_SORT_EXTENDED, "@id asc")
        return c.Query("", "docs")
    ours, _ = assert_same(pair, call)
    assert ids(ours) == [5, 6]
    mva = pair.both(lambda c: c.UpdateAttributes("docs", ["tags"], {7: [[77, 78]]}, mva=True))
    assert mva == (1, 1)

    def call2(c):
        c.SetFilter("tags", [77])
        return c.Query("", "docs")
    ours, theirs = assert_same(pair, call2)
    assert ids(ours) == [7] and ours["matches"][0]["attrs"]["tags"] == theirs["matches"][0]["attrs"]["tags"] == [77, 78]
    restore = pair.both(lambda c: c.UpdateAttributes("docs", ["gid"], {5: [DOCS[4]["gid"]], 6: [DOCS[5]["gid"]]}))
    assert restore == (2, 2)
    pair.both(lambda c: c.UpdateAttributes("docs", ["tags"], {7: [list(DOCS[6]["tags"])]}, mva=True))


@pytest.mark.parametrize("attrs, values, kw, want", [
    (["nosuch"], {1: [5]}, {}, "attribute 'nosuch' not found"),
    (["nosuch", "gid"], {1: [5, DOCS[0]["gid"]]}, {"ignorenonexistent": True}, 1),
    (["tag"], {2: [1]}, {}, "attribute 'tag' can not be updated (must be boolean, integer, bigint, "
                            "float, timestamp, MVA or JSON)"),
    (["gid"], {3: [[1, 2]]}, {"mva": True}, "attribute 'gid' MVA flag mismatch"),
    (["flag"], {2: [DOCS[1]["flag"]]}, {}, 1),
    (["ts"], {2: [DOCS[1]["ts"]]}, {}, 1),
])
def test_update_checks(pair, attrs, values, kw, want):
    got = {}
    for which in ("ours", "sphinx"):
        c = pair.client(which)
        got[which] = (c.UpdateAttributes("docs", attrs, values, **kw), c.GetLastError())
    if isinstance(want, int):
        assert got["ours"] == got["sphinx"] == (want, "")
    else:
        # Same check, Manticore's wording ("table" for "index").
        assert got["sphinx"] == (-1, f"searchd error: index docs: {want}")
        assert got["ours"] == (-1, f"searchd error: table docs: {want}")


def test_status_shares_the_basic_counters(pair):
    # Sphinx also lists per-command and timing counters (command_search, query_wall,
    # dist_*, agent_*) that we do not keep; the basic ones are in both.
    ours, theirs = pair.both(lambda c: dict((k.decode(), v.decode()) for k, v in c.Status()))
    for key in ("uptime", "connections", "maxed_out", "queries"):
        assert key in ours and key in theirs, key
        assert int(ours[key]) >= 0 and int(theirs[key]) >= 0


def test_persistent_connection_runs_the_same_queries(pair):
    def call(c):
        assert c.Open()
        out = [totals(c.Query(w, "docs")) for w in ("alpha", "kilo", "papa")]
        c.Close()
        return out
    ours, theirs = pair.both(call)
    assert ours == theirs

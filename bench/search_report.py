"""The search figures' table (S1 S2 S3 S8) for helper.py report; stdlib only.

Each run is {"value", "note", "cpu_s", "secs"}; notes carry the load driver's
"p50 Xus p99 Yus ... client_cpu Zs". Ratios are per repetition (the n-th searchd run
over the n-th peer run), shown as median (min-max).
"""

import re
import statistics

HEAD = ("figure", "searchd", "sphinx 2.2.11", "ratio", "goal", "p50/p99 us searchd | sphinx",
        "server CPU us/op s|p", "driver CPU", "rows/op s|p")


def num(note, key):
    m = re.search(key + r" ([0-9.]+)", note)
    return float(m.group(1)) if m else None


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def rng(xs):
    m = med(xs)
    return "n/a" if m is None else f"{m:,.0f} ({min(xs):,.0f}-{max(xs):,.0f})"


def rng_f(xs):
    m = med(xs)
    return "n/a" if m is None else f"{m:.2f} ({min(xs):.2f}-{max(xs):.2f})"


def ratio_txt(rs):
    return "n/a" if not rs else f"{med(rs):.2f}x ({min(rs):.2f}-{max(rs):.2f})"


def cpu_us(runs):
    return med([r["cpu_s"] * 1e6 / (r["value"] * r["secs"])
                for r in runs if r["value"] > 0 and r["secs"] > 0])


def lat(runs):
    p50, p99 = med([num(r["note"], "p50") for r in runs]), med([num(r["note"], "p99") for r in runs])
    return "-" if p50 is None else f"{p50:,.0f}/{p99:,.0f}"


def driver_cpu(runs):
    shares = [num(r["note"], "client_cpu") / r["secs"] for r in runs
              if num(r["note"], "client_cpu") is not None and r["secs"] > 0]
    return "-" if not shares else f"{100 * med(shares):.0f}% of a core"


def rows_per_op(s, p):
    vals = [med([num(x["note"], "rows/op") for x in side]) for side in (s, p)]
    return "-" if None in vals or vals == [0, 0] else f"{vals[0]:.2f}|{vals[1]:.2f}"


def s1_title(fig):
    m = re.match(r"S1-(\d)t-c(\d+)", fig)
    return f"S1 {m.group(1)}-term MATCH QPS, c={m.group(2)}" if m else fig


def row(fig, r):
    s, p = r.get("searchd", []), r.get("peer", [])
    sv, pv = [x["value"] for x in s], [x["value"] for x in p]
    ratios = [a / b for a, b in zip(sv, pv) if b > 0]
    goal, verdict, title = "", None, fig
    cpu = "/".join("?" if c is None else f"{c:,.0f}" for c in (cpu_us(s), cpu_us(p)))
    if fig == "S2":
        title, goal = "S2 bulk INSERT docs/s (batches of 1000), binlog_flush=2", ">= 2x"
        verdict = ratios and med(ratios) >= 2
    elif fig == "S2m":
        title, cpu = "S2 same, until the server is idle again", "-"
    elif fig == "S3":
        title, goal, cpu = "S3 RSS MB after loading", "<= 1x", "-"
        verdict = ratios and med(ratios) <= 1
    elif fig.startswith("S1"):
        title = s1_title(fig)
        p99s = [num(a["note"], "p99") / num(b["note"], "p99") for a, b in zip(s, p)
                if num(b["note"], "p99")]
        goal = f">= 2x, p99 {med(p99s):.2f}x <= 1x" if p99s else ">= 2x"
        verdict = bool(ratios) and med(ratios) >= 2 and bool(p99s) and med(p99s) <= 1
    elif fig == "S8":
        # searchd side = products10x, peer side = products (1x), both on searchd
        title = "S8 searchd 1-term p50 us, 1M docs vs 126k (c=1)"
        sv = [num(x["note"], "p50") for x in s]
        pv = [num(x["note"], "p50") for x in p]
        ratios = [a / b for a, b in zip(sv, pv) if a and b]
        goal = "< 3x"
        verdict = bool(ratios) and med(ratios) < 3
        return ((title, f"1M: {rng(sv)}", f"126k: {rng(pv)}", ratio_txt(ratios),
                 goal + (" ok" if verdict else " MISSED"), lat(s) + " | " + lat(p), cpu,
                 driver_cpu(s + p), "-"), sv, pv, ratios)
    elif fig.startswith("A-"):
        title = f"A SphinxAPI SEARCH req/s (1-term), c={fig[3:]}"
        goal, verdict = ">= 2x", bool(ratios) and med(ratios) >= 2
    elif fig == "D1":
        title, goal = "D1 bulk INSERT docs/s, binlog_flush=1", ">= 1x (higher is better)"
        verdict = bool(ratios) and med(ratios) >= 1
    elif fig == "D2":
        title, cpu = "D2 restart s, 1M docs: start to first answer", "-"
        goal, verdict = "<= 1x (lower is better)", bool(ratios) and med(ratios) <= 1
        return ((title, rng_f(sv), rng_f(pv), ratio_txt(ratios), goal + (" ok" if verdict else " MISSED"),
                 "-", cpu, "-", "-"), sv, pv, ratios)
    elif fig == "D3":
        title, cpu = "D3 disk bytes/doc after FLUSH RAMCHUNK (1M)", "-"
        goal, verdict = "<= 1x (lower is better)", bool(ratios) and med(ratios) <= 1
    verdict_txt = "" if verdict is None else (" ok" if verdict else " MISSED")
    return ((title, rng(sv), rng(pv), ratio_txt(ratios), goal + verdict_txt,
             lat(s) + " | " + lat(p), cpu, driver_cpu(s + p), rows_per_op(s, p)), sv, pv, ratios)


def order(fig):
    m = re.match(r"S1-(\d)t-c(\d+)", fig)
    if m:
        return (1, int(m.group(1)), int(m.group(2)))
    if fig.startswith("A-"):
        return (2, int(fig[3:]), 0)
    return ({"S2": 0, "S2m": 0.2, "S3": 0.5, "S8": 9, "D1": 11,
             "D3": 12, "D2": 13}.get(fig, 10), 0, 0)


def report(search_runs, results):
    rows = []
    for fig in sorted(search_runs, key=order):
        cols, sv, pv, ratios = row(fig, search_runs[fig])
        rows.append(cols)
        results.append({"figure": fig, "title": cols[0], "searchd": sv, "peer": pv,
                        "ratios": ratios, "goal": cols[4],
                        "notes": [f"{side}: {x['note']}" for side in ("searchd", "peer")
                                  for x in search_runs[fig].get(side, [])]})
    widths = [max(len(str(x[i])) for x in rows + [HEAD]) for i in range(len(HEAD))]

    def line(cols):
        return "  ".join(str(c).ljust(w) for c, w in zip(cols, widths)).rstrip()

    print(line(HEAD))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))

#!/usr/bin/env python3
"""Small helpers for bench/run (python3 standard library only).

    helper.py ports N              print N free TCP ports on 127.0.0.1
    helper.py wrk FILE             requests/s from wrk output (and error counts)
    helper.py stime FILE...        connections/s summed over openssl s_time outputs
    helper.py load FILE            ops/s from the load driver's JSON line
    helper.py report RAW JSON_OUT  the table of medians (min-max), a JSON file and an
                                   SVG chart next to it (chart.py)

RAW has one measurement a line: figure<TAB>side<TAB>value<TAB>note
(side is "searchd" or "peer").
"""

import json
import os
import re
import socket
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chart  # noqa: E402
import search_report as search  # noqa: E402

# figure id -> (title, searchd label, peer label, goal ratio or None)
FIGURES = {
    "1": ("1 HTTPS keep-alive req/s (wrk -t2 -c50, GET /)", "searchd", "nginx", 0.8),
    "2a": ("2a HTTPS new conn/request req/s (wrk, resumption)", "searchd", "nginx", 0.95),
    "2b": ("2b TLS full handshakes/s (s_time -new)", "searchd", "nginx", 0.95),
    "3": ("3 MySQL SELECT 1 QPS, c=8: TLS vs plain (raw client)", "tls", "plain", 0.9),
    "3m": ("3m same via mysql_async (client TLS-bound)", "tls", "plain", None),
    "4": ("4 MySQL connect+TLS+SELECT 1+quit /s, c=8", "searchd", "mariadb", 1.5),
    "4m": ("4m same via mysql_async (client-bound)", "searchd", "mariadb", None),
    "5": ("5 searchd keep-alive req/s: HTTPS vs HTTP", "https", "http", None),
    "6": ("6 HTTPS keep-alive POST /search req/s vs nginx static", "searchd", "nginx", 0.8),
    "7": ("7 searchd keep-alive POST /search req/s: HTTPS vs HTTP", "https", "http", None),
}


def ports(n):
    socks, out = [], []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        out.append(str(s.getsockname()[1]))
    for s in socks:
        s.close()
    print(" ".join(out))


def wrk(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    m = re.search(r"Requests/sec:\s*([0-9.]+)", text)
    rate = float(m.group(1)) if m else 0.0
    notes = []
    m = re.search(r"Socket errors:([^\n]*)", text)
    if m:
        notes.append("socket errors:" + m.group(1).strip())
    m = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    if m:
        notes.append("non-2xx: " + m.group(1))
    print(f"{rate:.1f}\t{'; '.join(notes)}")


def stime(paths):
    total = 0.0
    for p in paths:
        text = open(p, encoding="utf-8", errors="replace").read()
        # "N connections in T real seconds" (T is whole seconds); the finer
        # "N connections in X.XXs; Y connections/user sec" counts CPU time only.
        m = re.search(r"(\d+) connections in (\d+) real seconds", text)
        if m and int(m.group(2)) > 0:
            total += int(m.group(1)) / int(m.group(2))
    print(f"{total:.1f}\t")


def load(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            d = json.loads(line)
            note = f"p50 {d['p50_us']}us p99 {d['p99_us']}us"
            if "client_cpu_s" in d:
                note += (f" rows/op {d['rows_per_op']} client_cpu {d['client_cpu_s']}s"
                         f" elapsed {d['elapsed_s']}s")
            if d.get("errors"):
                note += f" errors {d['errors']}"
            print(f"{d['ops_per_sec']:.1f}\t{note}")
            return
    print("0.0\tno result")


def fmt(values):
    if not values:
        return "n/a"
    med = statistics.median(values)
    return f"{med:,.0f} ({min(values):,.0f}-{max(values):,.0f})"


def report(raw_path, json_out):
    runs, search_runs = {}, {}
    for line in open(raw_path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 3:
            continue
        try:
            fig, side, value = parts[0], parts[1], float(parts[2])
        except ValueError:
            print(f"(skipped a malformed measurement: {line.strip()!r})", file=sys.stderr)
            continue
        note = parts[3] if len(parts) > 3 else ""
        cpu = float(parts[4]) if len(parts) > 4 else 0.0
        secs = float(parts[5]) if len(parts) > 5 else 0.0
        m = re.search(r"elapsed ([0-9.]+)s", note)
        if m:
            secs = float(m.group(1))
        if fig.startswith(("S", "A-", "D")):
            search_runs.setdefault(fig, {"searchd": [], "peer": []})[side].append(
                {"value": value, "note": note, "cpu_s": cpu, "secs": secs})
            continue
        runs.setdefault(fig, {"searchd": [], "peer": [], "notes": [],
                              "searchd_cpu_us": [], "peer_cpu_us": []})
        runs[fig][side].append(value)
        if value > 0 and secs > 0:
            runs[fig][side + "_cpu_us"].append(cpu * 1e6 / (value * secs))
        if note:
            runs[fig]["notes"].append(f"{side}: {note}")
    rows, results = [], []
    for fig, (title, ours, theirs, goal) in FIGURES.items():
        r = runs.get(fig)
        if not r:
            continue
        s, p = r["searchd"], r["peer"]
        # ratio per repetition (searchd run / the peer run of the same repetition)
        ratios = [a / b for a, b in zip(s, p) if b > 0]
        ratio = statistics.median(ratios) if ratios else None
        ratio_txt = (
            f"{ratio:.2f}x ({min(ratios):.2f}-{max(ratios):.2f})" if ratios else "n/a"
        )
        verdict = ""
        if goal is not None and ratio is not None:
            verdict = f">= {goal}x " + ("ok" if ratio >= goal else "MISSED")
        cpu = "/".join(
            f"{statistics.median(r[k]):,.0f}" if r[k] else "?"
            for k in ("searchd_cpu_us", "peer_cpu_us")
        )
        rows.append(
            (title, f"{ours}: {fmt(s)}", f"{theirs}: {fmt(p)}", ratio_txt, verdict, cpu)
        )
        results.append(
            {
                "figure": fig,
                "title": title,
                "searchd_label": ours,
                "peer_label": theirs,
                "searchd": s,
                "peer": p,
                "ratios": ratios,
                "median_ratio": ratio,
                "server_cpu_us_per_op": {
                    "searchd": r["searchd_cpu_us"],
                    "peer": r["peer_cpu_us"],
                },
                "goal": goal,
                "notes": r["notes"],
            }
        )
    if not rows:
        rows.append(("(no TLS figures run)", "", "", "", "", ""))
    head = ("figure", "searchd", "peer", "ratio median (min-max)", "goal",
            "server CPU us/op")
    widths = [max(len(str(x[i])) for x in rows + [head]) for i in range(len(head))]
    line = lambda cols: "  ".join(str(c).ljust(w) for c, w in zip(cols, widths))
    print(line(head))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))
    if search_runs:
        print()
        search.report(search_runs, results)
    with open(json_out, "w", encoding="utf-8") as f:
        json.dump({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                   "figures": results}, f, indent=2)
    svg_out = os.path.splitext(json_out)[0] + ".svg"
    chart.write(results, svg_out, os.path.basename(json_out))
    print(f"\nresults: {json_out}\nchart:   {svg_out}")


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "ports":
        ports(int(args[0]))
    elif cmd == "wrk":
        wrk(args[0])
    elif cmd == "stime":
        stime(args)
    elif cmd == "load":
        load(args[0])
    elif cmd == "report":
        report(args[0], args[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)

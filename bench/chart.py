"""The SVG chart of a bench/run (python3 standard library only).

One horizontal bar per figure: the median ratio searchd/peer, a whisker from the
smallest to the largest per-repetition ratio, and the goal as a red tick (with its
direction, >= or <=). Log scale, 1x marked, so that 0.5x and 2x are equally far
from parity.
"""

import math
import re
from xml.sax.saxutils import escape

ROW = 22
LEFT = 360
PLOT = 460
TOP = 46
# the axis spans whole decades from 0.1x-10x, widened to hold every whisker
SCALE = [0.1, 10.0]


def set_scale(figures):
    lo = min([0.1] + [f["min"] for f in figures] + [g for g in map(goal_value, figures) if g])
    hi = max([10.0] + [f["max"] for f in figures] + [g for g in map(goal_value, figures) if g])
    SCALE[0] = 10 ** math.floor(math.log10(max(lo, 1e-6)))
    SCALE[1] = 10 ** math.ceil(math.log10(hi))


def goal_value(fig):
    return goal_of(fig.get("goal"))[0]


def goal_of(goal):
    """(value, direction) from a goal: a number (>=), or text like '<= 1x ok'."""
    if isinstance(goal, (int, float)):
        return float(goal), ">="
    m = re.search(r"(>=|<=|<|>)\s*([0-9.]+)x", str(goal or ""))
    return (float(m.group(2)), m.group(1)) if m else (None, "")


def x_of(ratio):
    lo, hi = SCALE
    r = min(max(ratio, lo), hi)
    return LEFT + PLOT * (math.log10(r) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))


def bar(i, fig):
    y = TOP + i * ROW
    med, lo, hi = fig["median"], fig["min"], fig["max"]
    goal, direction = goal_of(fig.get("goal"))
    met = None
    if goal is not None:
        met = med >= goal if direction.startswith(">") else med <= goal
    colour = {True: "#4a8f4a", False: "#c06030", None: "#6a7fa8"}[met]
    out = [
        f'<text x="{LEFT - 8}" y="{y + 15}" text-anchor="end">{escape(fig["title"][:58])}</text>',
        f'<rect x="{x_of(SCALE[0]):.1f}" y="{y + 4}" width="{x_of(med) - x_of(SCALE[0]):.1f}" '
        f'height="{ROW - 8}" fill="{colour}"/>',
        f'<line x1="{x_of(lo):.1f}" x2="{x_of(hi):.1f}" y1="{y + ROW / 2}" y2="{y + ROW / 2}" '
        'stroke="black"/>',
    ]
    for v in (lo, hi):
        out.append(f'<line x1="{x_of(v):.1f}" x2="{x_of(v):.1f}" y1="{y + 6}" '
                   f'y2="{y + ROW - 6}" stroke="black"/>')
    if goal is not None:
        gx = x_of(goal)
        out.append(f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="{y + 1}" y2="{y + ROW - 1}" '
                   'stroke="red" stroke-width="3"/>')
    label = f"{med:.2f}x" + (f"  (goal {direction} {goal:g}x)" if goal is not None else "")
    out.append(f'<text x="{LEFT + PLOT + 8}" y="{y + 15}">{escape(label)}</text>')
    return out


def axis(height):
    out = []
    lo, hi = SCALE
    decades = range(round(math.log10(lo)), round(math.log10(hi)) + 1)
    steps = (1, 2, 5) if len(decades) <= 3 else (1,)
    ticks = [m * 10.0 ** e for e in decades for m in steps]
    for v in [t for t in ticks if lo <= t <= hi * 1.0001]:
        x = x_of(v)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP - 4}" y2="{height - 24}" '
                   f'stroke="{"#444" if v == 1 else "#ddd"}"/>')
        out.append(f'<text x="{x:.1f}" y="{TOP - 8}" text-anchor="middle">{v:g}x</text>')
    return out


def svg(figures, subtitle):
    """The chart of `figures` (dicts: title, median, min, max, goal) as SVG text."""
    set_scale(figures)
    height = TOP + ROW * max(len(figures), 1) + 40
    width = LEFT + PLOT + 200
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="10" y="18" font-size="14" font-weight="bold">searchd / peer, median of '
        f'the repetitions (whisker min-max, red tick = goal; log scale)</text>',
        f'<text x="10" y="{height - 8}" fill="#555">{escape(subtitle)}</text>',
    ]
    parts += axis(height)
    for i, fig in enumerate(figures):
        parts += bar(i, fig)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def figures_of(results):
    """The chartable entries of the report's JSON results (those with ratios)."""
    out = []
    for r in results:
        ratios = [x for x in r.get("ratios") or [] if x and x > 0]
        if not ratios:
            continue
        ratios.sort()
        n = len(ratios)
        med = ratios[n // 2] if n % 2 else (ratios[n // 2 - 1] + ratios[n // 2]) / 2
        out.append({"title": r.get("title", r.get("figure", "?")), "median": med,
                    "min": ratios[0], "max": ratios[-1], "goal": r.get("goal")})
    return out


def write(results, path, subtitle):
    """Writes the chart of `results` to `path`."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(svg(figures_of(results), subtitle))

"""Two performance sections (report/performance.json of two ci/bench runs) side by side: each
paired ratio, how far it moved, and how far the machine itself moved between the two runs.

Why: issue 17 asks that two ci/bench runs in a row give ratios within 10 % of each other, and
a user comparing two commits must tell "the code moved" from "the machine moved". On the
2-core VM shmcheck was built on, ratios of memory-bound to kernel-bound work moved by up to
20 % between runs on one commit while glibc's memcpy, a pipe and a plain mutex slowed by
17-37 %: the host's state had changed. The machine rows are those: the denominator side of
some paired ratios (no shmcheck code in it), measured interleaved with the numerator over
the same seconds, so they are as long and as steady as the ratios themselves.
"""

import math

from . import load

DEFAULT_WITHIN = 0.10
MIB64 = 64 * 1024 * 1024
# (title, paired benchmark whose denominator is the machine's own work).
MACHINE = (
    ("memcpy at 64 MiB", f"Ratio/slice-read-into-vs-memcpy/d/bytes:{MIB64}"),
    ("a pipe at 64 KiB (recv_bytes_into)", "Ratio/array-vs-pipe-into/bytes:65536"),
    ("a pipe at 64 MiB (recv_bytes_into)", f"Ratio/array-vs-pipe-into/bytes:{MIB64}"),
    ("plain pthread mutex, 1 process", "Ratio/lock-ref-vs-pthread/procs:1"),
    ("plain pthread mutex, 2 processes", "Ratio/lock-ref-vs-pthread/procs:2"),
)


def section(path):
    """The performance section of the valid results document at `path`, with its ratios;
    InputError otherwise."""
    doc = load.load(path)
    problems = load.errors(doc)
    if problems:
        where, message = problems[0]
        raise load.InputError(f"{path}: not a valid results document: {where}: {message}")
    perf = doc.get("performance")
    if not isinstance(perf, dict) or not perf.get("ratios"):
        raise load.InputError(f"{path}: no ratios (a performance document of ci/bench has them: report/performance.json)")
    return perf


def _change(old, new):
    if old == new:
        return 0.0
    return new / old - 1 if old and math.isfinite(old) and math.isfinite(new) else math.nan


def _key(row):
    """What identifies a ratio across runs: its benchmark (a title may be reworded)."""
    return row.get("numerator") if row.get("paired") else row["name"]


def compare(old, new, within=DEFAULT_WITHIN):
    """{"ratios": [...], "only": [...], "unpaired": [...], "machine": [...]}. ratios: the
    paired ratios of both runs (name, old, new, change, beyond, unsettled), beyond when the
    change is larger than `within` or not a number; only: paired ratios of one run alone
    (name, run), which count as beyond too; unpaired: the unpaired ones of both, not judged
    (their two sides were measured minutes apart); machine: MACHINE's denominator rates."""
    olds = {_key(r): r for r in old["ratios"]}
    news = {_key(r): r for r in new["ratios"]}
    result = {"ratios": [], "only": [], "unpaired": [], "machine": []}
    for key in sorted(set(olds) | set(news), key=lambda k: (news.get(k) or olds[k])["name"]):
        o, n = olds.get(key), news.get(key)
        if o is None or n is None:
            if (o or n).get("paired"):
                result["only"].append({"name": (o or n)["name"], "run": "old" if n is None else "new"})
            continue
        change = _change(o["value"], n["value"])
        row = {"name": n["name"], "old": o["value"], "new": n["value"], "change": change}
        if not (o.get("paired") and n.get("paired")):
            result["unpaired"].append(row)
            continue
        row["beyond"] = not abs(change) <= within  # NaN is beyond
        row["unsettled"] = o.get("settled") is False or n.get("settled") is False
        result["ratios"].append(row)
    for title, bench in MACHINE:
        o, n = olds.get(bench, {}).get("denominator_rate"), news.get(bench, {}).get("denominator_rate")
        if o is not None and n is not None:
            result["machine"].append({"name": title, "old": o, "new": n, "change": _change(o, n)})
    return result


def failed(result):
    """Whether a paired ratio moved beyond the limit or is in one run only."""
    return bool(result["only"]) or any(r["beyond"] for r in result["ratios"])


def text(result, within=DEFAULT_WITHIN):
    """The comparison as lines for a terminal."""
    rows = result["ratios"] + result["only"] + result["unpaired"] + result["machine"]
    width = max([len(r["name"]) for r in rows] + [34])
    limit = f"{within:.1%}".replace(".0%", "%")
    lines = [f"{'paired ratio':<{width}}  {'old':>8}  {'new':>8}  change"]
    for r in result["ratios"]:
        mark = (f"  BEYOND {limit}" if r["beyond"] else "") + ("  (not settled in a run)" if r["unsettled"] else "")
        lines.append(f"{r['name']:<{width}}  {r['old']:8.2f}  {r['new']:8.2f}  {r['change']:+7.1%}{mark}")
    lines += [f"{r['name']:<{width}}  only in the {r['run']} run" for r in result["only"]]
    moved = sum(r["beyond"] for r in result["ratios"])
    total = len(result["ratios"]) + len(result["only"])
    lines.append(f"{len(result['ratios']) - moved} of {total} paired ratios within {limit}")
    if result["unpaired"]:
        lines.append(f"{'unpaired (sides minutes apart; not judged)':<{width}}  {'old':>8}  {'new':>8}  change")
        lines += [f"{r['name']:<{width}}  {r['old']:8.2f}  {r['new']:8.2f}  {r['change']:+7.1%}" for r in result["unpaired"]]
    if result["machine"]:
        lines.append(f"{'the machine (a ratio side, no shmcheck code)':<{width}}  {'old':>8}  {'new':>8}  change")
        lines += [f"{r['name']:<{width}}  {r['old']:8.3g}  {r['new']:8.3g}  {r['change']:+7.1%}" for r in result["machine"]]
        worst = max(result["machine"], key=lambda r: abs(r["change"]) if math.isfinite(r["change"]) else math.inf)
        lines.append(f"the machine moved by up to {worst['change']:+.1%} ({worst['name']})")
    return "\n".join(lines)

"""Two performance sections (report/performance.json of two ci/bench runs, or results.json
files that carry one) side by side: each paired ratio in both, how far it moved, and how far
the machine itself moved between the two runs.

Why: issue 17 asks that two ci/bench runs in a row give ratios within 10 % of each other, and
a user comparing two commits must tell "the code moved" from "the machine moved". On the
2-core VM shmcheck was built on, a ratio of memory-bound to kernel-bound work moved by up to
20 % between runs on one commit while a one-process lock ratio moved by 9 %: the host's state
had changed. The machine rows are rates with no shmcheck code in them (glibc's memcpy, a
pipe, a plain pthread mutex), measured in the same runs; when they moved as much as a ratio
did, the ratio's move says little about the code.
"""

from . import load

MIB64 = 64 * 1024 * 1024
# (title, benchmark name): rates of the machine itself, in the `benchmarks` rows.
MACHINE = (
    ("memcpy at 64 MiB", f"Memcpy/from-shared/bytes:{MIB64}"),
    ("pipe at 64 KiB", "Transfer/pipe/bytes:65536"),
    ("pipe at 64 MiB", f"Transfer/pipe/bytes:{MIB64}"),
    ("plain pthread mutex, 1 process", "Lock/pthread/procs:1"),
    ("plain pthread mutex, 2 processes", "Lock/pthread/procs:2"),
)
DEFAULT_WITHIN = 0.10


def section(path):
    """The performance section of the results document at `path`; InputError without one."""
    doc = load.load(path)
    perf = doc.get("performance")
    if not isinstance(perf, dict) or not isinstance(perf.get("ratios"), list):
        raise load.InputError(f"{path}: no performance section (ci/bench writes report/performance.json)")
    return perf


def _change(old, new):
    return new / old - 1 if old else float("inf")


def compare(old, new, within=DEFAULT_WITHIN):
    """{"ratios": [...], "machine": [...]}: rows of (name, old, new, change) for the paired
    ratios in both sections and for the MACHINE rates in both; a ratio row also says whether it
    moved beyond `within` and whether either run left it not settled."""
    olds = {r["name"]: r for r in old["ratios"] if r.get("paired")}
    ratios = []
    for r in new["ratios"]:
        if r.get("paired") and r["name"] in olds:
            o = olds[r["name"]]
            change = _change(o["value"], r["value"])
            ratios.append({"name": r["name"], "old": o["value"], "new": r["value"], "change": change,
                           "beyond": abs(change) > within,
                           "unsettled": o.get("settled") is False or r.get("settled") is False})
    old_rates = {b["name"]: b["value"] for b in old.get("benchmarks", [])}
    new_rates = {b["name"]: b["value"] for b in new.get("benchmarks", [])}
    machine = [{"name": title, "old": old_rates[name], "new": new_rates[name],
                "change": _change(old_rates[name], new_rates[name])}
               for title, name in MACHINE if name in old_rates and name in new_rates]
    return {"ratios": ratios, "machine": machine}


def text(result, within=DEFAULT_WITHIN):
    """The comparison as lines for a terminal."""
    rows = result["ratios"] + result["machine"]
    width = max([len(r["name"]) for r in rows] + [10])
    lines = [f"{'paired ratio':<{width}}  {'old':>8}  {'new':>8}  change"]
    for r in result["ratios"]:
        mark = ("  BEYOND " + f"{within:.0%}" if r["beyond"] else "") + ("  (not settled in a run)" if r["unsettled"] else "")
        lines.append(f"{r['name']:<{width}}  {r['old']:8.2f}  {r['new']:8.2f}  {r['change']:+7.1%}{mark}")
    moved = sum(r["beyond"] for r in result["ratios"])
    lines.append(f"{len(result['ratios']) - moved} of {len(result['ratios'])} paired ratios within {within:.0%}")
    if result["machine"]:
        lines.append(f"{'the machine (no shmcheck code)':<{width}}  {'old':>8}  {'new':>8}  change")
        lines += [f"{r['name']:<{width}}  {r['old']:8.3g}  {r['new']:8.3g}  {r['change']:+7.1%}" for r in result["machine"]]
        worst = max(result["machine"], key=lambda r: abs(r["change"]))
        lines.append(f"the machine moved by up to {worst['change']:+.1%} ({worst['name']})")
    return "\n".join(lines)

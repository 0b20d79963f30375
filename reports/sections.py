"""Views of the optional sections (stress, audit, lifetime, performance) for the templates."""

import collections

from . import plots

TYPECODE_ORDER = "cubBhHiIlLqQfd"
# Of a typecode, what makes shared memory incompatible between two ABIs.
COMPARED = ("ctype", "size", "align", "align_in_struct", "signed", "lock_free")


def percent(p):
    return f"{100 * p:.1f}%"


def stress_view(doc):
    """Per impl x scenario: its modes' summaries, a sentence, and the two plots."""
    section = doc.get("stress")
    if not section or not section.get("runs"):
        return None
    confidence = section.get("confidence", 0.95)
    groups = collections.OrderedDict()
    for run in section["runs"]:
        groups.setdefault((run["impl"], run["scenario"]), []).append(run)
    out = []
    for (impl, scenario), runs in groups.items():
        modes = []
        for run in runs:
            s = run["summary"]
            modes.append({
                "mode": run["mode"], "summary": s, "params": run.get("params", {}),
                "interval": f"{percent(s['wilson_low'])} to {percent(s['wilson_high'])}",
                "sentence": _sentence(run, confidence),
                "median_ops": _median([t["ops_per_second"] for t in run["trials"]]),
            })
        out.append({
            "impl": impl, "scenario": scenario, "modes": modes, "params": runs[0].get("params", {}),
            "histogram": plots.lost_histograms([(r["mode"], [t["lost"] for t in r["trials"]]) for r in runs]),
            "throughput": plots.throughput([(r["mode"], [t["ops_per_second"] for t in r["trials"]]) for r in runs]),
        })
    return {"confidence": confidence, "groups": out}


def _sentence(run, confidence):
    s = run["summary"]
    trials, detected = s["trials"], s["detected"]
    torn = f", {s['torn_reads']} torn reads of {s['reads']}" if s.get("reads") else ""
    return (f"{run['mode']}: updates lost or reads torn in {detected} of {trials} trials "
            f"(detection probability {percent(s['detection_probability'])}, "
            f"{confidence:.0%} interval {percent(s['wilson_low'])} to {percent(s['wilson_high'])}; "
            f"lost per trial min {s['lost']['min']:g}, median {s['lost']['median']:g}, max {s['lost']['max']:g}{torn}).")


def _median(values):
    values = sorted(values)
    return values[len(values) // 2] if values else 0


def audit_view(doc):
    """The ABI x typecode matrix with deviations from the baseline ABI marked, facts, findings."""
    section = doc.get("audit")
    if not section or not section.get("abis"):
        return None
    abis = section["abis"]
    baseline = next((a for a in abis if a["abi"] == section.get("baseline")), abis[0])
    codes = sorted({c for a in abis for c in a["typecodes"]},
                   key=lambda c: (TYPECODE_ORDER.index(c) if c in TYPECODE_ORDER else 99, c))
    rows = []
    for abi in abis:
        cells = []
        for code in codes:
            mine, base = abi["typecodes"].get(code), baseline["typecodes"].get(code)
            if mine is None:
                cells.append({"missing": True, "deviates": base is not None, "fields": []})
                continue
            fields = [f for f in COMPARED if base is not None and mine.get(f) != base.get(f)]
            cells.append({"missing": False, "facts": mine, "deviates": bool(fields) or base is None, "fields": fields,
                          "notes": [_note(f, mine.get(f)) for f in fields if f not in ("size", "align")],
                          "title": _cell_title(code, mine, base, fields)})
        rows.append({"abi": abi, "is_baseline": abi is baseline, "cells": cells})
    fact_names = []
    for abi in abis:
        fact_names += [f for f in abi["facts"] if f not in fact_names]
    fact_rows = [{"abi": a["abi"], "cells": [_fact_cell(a["facts"].get(f), baseline["facts"].get(f)) for f in fact_names]}
                 for a in abis]
    rank = {"error": 0, "warning": 1, "info": 2}
    findings = sorted(section.get("findings", []), key=lambda f: rank.get(f["severity"], 3))
    deviations = sum(c["deviates"] for r in rows if not r["is_baseline"] for c in r["cells"])
    ctypes = [baseline["typecodes"].get(code, {}).get("ctype", "") for code in codes]
    return {"baseline": baseline["abi"], "codes": codes, "ctypes": ctypes, "rows": rows, "fact_names": fact_names,
            "fact_rows": fact_rows, "findings": findings, "deviations": deviations}


def _fact_cell(value, base):
    """Unknown (null) is missing knowledge, not a difference: only two known values deviate."""
    text = "unknown" if value is None else ("yes" if value is True else "no" if value is False else str(value))
    return {"text": text, "unknown": value is None, "deviates": value is not None and base is not None and value != base}


def _note(field, value):
    """A deviating field in a few words, for the cell itself (the title has the rest)."""
    if field == "signed":
        return "signed" if value else "unsigned"
    if field == "lock_free":
        return "lock-free" if value else "not lock-free"
    if field == "align_in_struct":
        return f"struct align {value}"
    return f"{field} {value}"


def _cell_title(code, mine, base, fields):
    words = [f"'{code}' is {mine.get('ctype')}: size {mine.get('size')}, align {mine.get('align')}"]
    if mine.get("align_in_struct") is not None:
        words.append(f"align in a struct {mine['align_in_struct']}")
    if mine.get("signed") is not None:
        words.append("signed" if mine["signed"] else "unsigned")
    if mine.get("min") is not None or mine.get("max") is not None:
        words.append(f"range {mine.get('min')} to {mine.get('max')}")
    if mine.get("lock_free") is not None:
        words.append("lock-free atomics" if mine["lock_free"] else "atomics not lock-free")
    if fields:
        words.append("differs from the baseline in " + ", ".join(f"{f} ({base.get(f)} there)" for f in fields))
    return "; ".join(words)


CENSUS_LISTS = ("dev_shm", "sysv", "processes")
CENSUS_COUNTS = ("fds", "mappings")


def lifetime_view(doc):
    """The lifetime cases' censuses, and what each implementation left behind while any suite
    ran on it (results.json's leftovers)."""
    section = doc.get("lifetime")
    leftovers = [{**row, "removed": row.get("dev_shm", [])} for row in doc.get("leftovers", [])]
    if not section or not section.get("cases"):
        return {"rows": [], "leaks": 0, "leftovers": leftovers} if leftovers else None
    rows = []
    for c in section["cases"]:
        diff = c["diff"]
        left = {k: diff[k]["added"] for k in CENSUS_LISTS if diff[k]["added"]}
        grew = {k: diff[k] for k in CENSUS_COUNTS if diff[k] > 0}
        rows.append({"case": c, "clean": not left and not grew, "left": left, "grew": grew,
                     "counts": [(k, len(c["before"][k]), len(c["after"][k])) for k in CENSUS_LISTS]
                     + [(k, c["before"][k], c["after"][k]) for k in CENSUS_COUNTS]})
    return {"rows": rows, "leaks": sum(not r["clean"] for r in rows), "leftovers": leftovers}


def performance_view(doc):
    section = doc.get("performance")
    if not section or not (section.get("benchmarks") or section.get("ratios") or section.get("errors")):
        return None
    benchmarks = [{**b, "shown": scaled(b["value"]),
                   "spread": f"{100 * b['cv']:.0f} %" if isinstance(b.get("cv"), (int, float)) else ""}
                  for b in section.get("benchmarks", [])]
    return {"benchmarks": benchmarks, "ratios": section.get("ratios", []), "errors": section.get("errors", []),
            "missing": section.get("missing_ratios", []), "build": section.get("build", "")}


def scaled(value):
    """A rate as a reader compares them: 3 significant digits and k, M or G (2.41 G for 2.41e9)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    for factor, prefix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g}{prefix}"
    return f"{value:.3g}"

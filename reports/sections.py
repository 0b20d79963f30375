"""Views of the optional sections (stress, audit, lifetime, faults, performance) for the templates."""

import collections
import json
import os

from . import model, plots

TYPECODE_ORDER = "cubBhHiIlLqQfd"
# Of a typecode, what makes shared memory incompatible between two ABIs.
COMPARED = ("ctype", "size", "align", "align_in_struct", "signed", "lock_free")


def percent(p):
    return f"{100 * p:.1f}%"


def stress_view(doc):
    """One overview figure of every implementation, then per implementation its scenarios:
    their modes' summaries, a sentence each and a histogram of lost updates."""
    section = doc.get("stress")
    if not section or not (section.get("runs") or section.get("detection")):
        return None
    confidence = section.get("confidence", 0.95)
    groups = collections.OrderedDict()
    for run in section.get("runs", []):
        groups.setdefault((run["impl"], run["scenario"]), []).append(run)
    impls = collections.OrderedDict()
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
        impls.setdefault(impl, []).append({
            "impl": impl, "scenario": scenario, "modes": modes, "params": runs[0].get("params", {}),
            "histogram": plots.lost_histograms([(r["mode"], [t["lost"] for t in r["trials"]]) for r in runs]),
        })
    labels = impl_labels(doc, impls)
    return {"confidence": confidence, "overview": _overview(section["runs"], labels) if section.get("runs") else None,
            "impls": [{"impl": impl, "label": labels[impl], "groups": groups_of, "headline": _headline(groups_of)}
                      for impl, groups_of in impls.items()],
            "detection": detection_view(doc, section.get("detection", []))}


def detection_view(doc, rows):
    """The time-to-detection table: per implementation and negative control, what a run needs
    to catch the hazard with the rows' confidence (stress/detection.hpp computed it)."""
    order = list(dict.fromkeys(r["impl"] for r in rows))  # the run's order of implementations
    labels = impl_labels(doc, order)
    out = []
    for r in sorted(rows, key=lambda r: (order.index(r["impl"]), r["scenario"], r["case"])):
        need, seconds = r["trials_needed"], r["seconds_needed"]
        out.append({**r, "label": labels[r["impl"]],
                    "interval": f"{percent(r['wilson_low'])} to {percent(r['wilson_high'])}",
                    "needed": "not known (nothing detected)" if need is None else f"{need}",
                    "seconds": "-" if seconds is None else _duration(seconds),
                    "per_trial": _duration(r["seconds_per_trial"]),
                    "target": f"{100 * r['confidence']:g}%"})
    return out


def _duration(seconds):
    if seconds < 0.01:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def impl_labels(doc, specs):
    """spec -> 'cpython 3.12.1' as the summary matrix names it; the spec where two would look alike."""
    named = {i["spec"]: model.impl_label(i) for i in doc.get("implementations", [])}
    labels = {spec: named.get(spec, spec) for spec in specs}
    seen = collections.Counter(labels.values())
    return {spec: label if seen[label] == 1 else spec for spec, label in labels.items()}


def _overview(runs, labels):
    scenarios, modes, cells = [], [], {}
    for run in runs:
        scenarios += [run["scenario"]] if run["scenario"] not in scenarios else []
        modes += [run["mode"]] if run["mode"] not in modes else []
        s, trials = run["summary"], run["trials"]
        lost = sorted(t["lost"] for t in trials) or [0]
        ops = sorted(t["ops_per_second"] for t in trials if t["ops_per_second"] > 0) or [None]
        cells[(run["scenario"], labels[run["impl"]], run["mode"])] = {
            "p": s["detection_probability"], "low": s["wilson_low"], "high": s["wilson_high"],
            "lost": (lost[0], lost[len(lost) // 2], lost[-1]),
            "ops": (ops[0], ops[len(ops) // 2], ops[-1])}
    return plots.overview(scenarios, list(dict.fromkeys(labels[r["impl"]] for r in runs)), modes, cells)


def _headline(groups):
    """Per mode, in how many trials of all scenarios an update was lost: the line a closed
    implementation shows."""
    detected, trials = collections.OrderedDict(), collections.Counter()
    for g in groups:
        for m in g["modes"]:
            detected[m["mode"]] = detected.get(m["mode"], 0) + m["summary"]["detected"]
            trials[m["mode"]] += m["summary"]["trials"]
    return ", ".join(f"{mode} {n} of {trials[mode]}" for mode, n in detected.items())


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
        rows.append({"abis": [abi], "is_baseline": abi is baseline, "cells": cells})
    rows = _alike(rows)
    fact_names = []
    for abi in abis:
        fact_names += [f for f in abi["facts"] if f not in fact_names]
    fact_rows = _alike([{"abis": [a], "is_baseline": a is baseline,
                         "cells": [_fact_cell(a["facts"].get(f), baseline["facts"].get(f)) for f in fact_names]}
                        for a in abis])
    rank = {"error": 0, "warning": 1, "info": 2}
    findings = sorted(section.get("findings", []), key=lambda f: rank.get(f["severity"], 3))
    deviations = sum(c["deviates"] for r in rows if not r["is_baseline"] for c in r["cells"])
    ctypes = [baseline["typecodes"].get(code, {}).get("ctype", "") for code in codes]
    return {"baseline": baseline["abi"], "codes": codes, "ctypes": ctypes, "rows": rows, "fact_names": fact_names,
            "fact_rows": fact_rows, "findings": findings, "deviations": deviations}


def _alike(rows):
    """Rows of ABIs whose cells are all the same become one row naming them all (in order of
    first appearance): ten CPythons on one machine agree on everything, and ten identical rows
    made the facts table most of a screen. The baseline keeps a row of its own."""
    merged = collections.OrderedDict()
    for r in rows:
        key = "baseline" if r["is_baseline"] else json.dumps(r["cells"], sort_keys=True, default=str)
        if key in merged:
            merged[key]["abis"].extend(r["abis"])
        else:
            merged[key] = dict(r, abis=list(r["abis"]))
    for r in merged.values():
        ways = [a["how"] + (f" · {a['triple']}" if a.get("triple") else "") for a in r["abis"]]
        r["how"] = ", ".join(dict.fromkeys(ways))
        r["names"] = abbreviate([a["abi"] for a in r["abis"]])
    return list(merged.values())


def abbreviate(names):
    """'cpython-{3.11.7, 3.12.1}-linux-x86_64' for names that differ only between two hyphens."""
    if len(names) < 2:
        return ", ".join(names)
    prefix = os.path.commonprefix(names)
    prefix = prefix[:prefix.rfind("-") + 1]
    suffix = os.path.commonprefix([n[::-1] for n in names])[::-1]
    suffix = suffix[suffix.find("-"):] if "-" in suffix else ""
    middles = [n[len(prefix):len(n) - len(suffix)] for n in names]
    if not (prefix or suffix) or not all(middles) or any(len(prefix) + len(suffix) > len(n) for n in names):
        return ", ".join(names)
    return f"{prefix}{{{', '.join(middles)}}}{suffix}"


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
        return {"rows": [], "leaks": 0, "leftovers": leftovers, "left": [], "clean": [], "clean_cases": [],
                "clean_listing": ""} if leftovers else None
    rows = []
    for c in section["cases"]:
        diff = c["diff"]
        left = {k: diff[k]["added"] for k in CENSUS_LISTS if diff[k]["added"]}
        grew = {k: diff[k] for k in CENSUS_COUNTS if diff[k] > 0}
        rows.append({"case": c, "clean": not left and not grew, "left": left, "grew": grew,
                     "counts": [(k, len(c["before"][k]), len(c["after"][k])) for k in CENSUS_LISTS]
                     + [(k, c["before"][k], c["after"][k]) for k in CENSUS_COUNTS]})
    clean = [r for r in rows if r["clean"]]
    by_case = collections.Counter(r["case"]["case"] for r in clean)
    return {"rows": rows, "leaks": sum(not r["clean"] for r in rows), "leftovers": leftovers,
            "left": [r for r in rows if not r["clean"]], "clean": clean,
            "clean_cases": [f"{case} ({n} implementation{'s' if n != 1 else ''})" if n > 1 else case
                            for case, n in by_case.items()],
            "clean_listing": _listing(clean)}


def _listing(rows):
    """The clean cases as aligned lines of text: a table of a hundred rows that all say
    "nothing" was a thousand elements for nothing to read."""
    head = ["implementation", "case", *CENSUS_LISTS, *CENSUS_COUNTS]
    lines = [head] + [[r["case"]["impl"], r["case"]["case"]]
                      + [str(after) if before == after else f"{before}->{after}" for _, before, after in r["counts"]]
                      for r in rows]
    widths = [max(len(line[k]) for line in lines) for k in range(len(head))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines)


# Linux's numbers (the harness runs there; the page may be read anywhere, so not the signal module's).
SIGNALS = dict(enumerate(("SIGHUP SIGINT SIGQUIT SIGILL SIGTRAP SIGABRT SIGBUS SIGFPE SIGKILL SIGUSR1 SIGSEGV SIGUSR2 SIGPIPE "
                          "SIGALRM SIGTERM SIGSTKFLT SIGCHLD SIGCONT SIGSTOP SIGTSTP SIGTTIN SIGTTOU SIGURG SIGXCPU SIGXFSZ "
                          "SIGVTALRM SIGPROF SIGWINCH SIGIO SIGPWR SIGSYS").split(), start=1))
# An outcome in words, in the order the headline counts them.
OUTCOMES = {"works": "worked", "refused": "refused", "not_recovered": "not recovered", "signal": "killed by a signal",
            "exited": "exited", "hang": "hung", "wrong_value": "wrong value", "timeout_not_honoured": "timeout not honoured", "not_run": "not run"}
# What the C++ side starts a detail with that the outcome already says.
DETAIL_PREFIXES = ("refused: ", "not recovered: ", "hung: ", "wrong value: ")


def signal_name(number):
    return SIGNALS.get(number, f"signal {number}")


def faults_view(doc):
    """Per implementation, in the run's order, a row per fault case: the fault, the first operation
    it affected, what happened, what was left behind, and the verdict as the results row counts it
    (with its expectation). None without a faults section: older results have none."""
    section = doc.get("faults")
    if not section or not section.get("cases"):
        return None
    counted = {(r["impl"], r["case"]): r for r in doc["results"] if r["suite"] == "faults"}
    by_impl = collections.OrderedDict((i["spec"], []) for i in doc.get("implementations", []))
    for c in section["cases"]:
        by_impl.setdefault(c["impl"], []).append(_fault_row(c, counted.get((c["impl"], c["case"]))))
    by_impl = collections.OrderedDict((spec, rows) for spec, rows in by_impl.items() if rows)
    labels = impl_labels(doc, by_impl)
    return {"impls": [{"impl": spec, "label": labels[spec], "rows": rows, "headline": _fault_headline(rows)}
                      for spec, rows in by_impl.items()]}


def _fault_row(c, result):
    """One case for the table. Its results row decides the verdict where there is one: it knows
    the expectation, and a run interrupted during the case made it broken after this row was written."""
    outcome, error, number = c["outcome"], c.get("error"), c.get("signal")
    happened, detail = OUTCOMES[outcome], c["detail"]
    for prefix in DETAIL_PREFIXES:
        detail = detail[len(prefix):] if detail.startswith(prefix) else detail
    if outcome == "signal" and number:
        happened = f"killed by {signal_name(number)}"
    elif outcome == "refused" and error and (error.get("type") or error.get("kind")):
        name = error.get("type") or error.get("kind")
        happened = f"refused: {name}"
        detail = detail[len(name) + 2:] if detail.startswith(f"{name}: ") else detail
    if (outcome == "works" and detail == "every operation did what it should") or (
            outcome == "signal" and detail in (happened, f"{happened} (signal {number})")):
        detail = ""  # the outcome said it all
    k = model.kind(result if result is not None else c)
    first = c["first_affected"]
    return {**c, "kind": k, "expectation": (result or {}).get("expectation", ""), "happened": happened, "shown_detail": detail,
            "unaffected": "nothing" if outcome == "works" else "–", "open": k in model.ACT_ON,
            "listing": (_steps_listing(c["steps"], first) + "\n\n" if c["steps"] else "") + f"replay: {c['repro']}"}


def _steps_listing(steps, first):
    """The steps as aligned lines of text, the first one the fault affected marked: a table of
    them, and a replay command with its button, per case were most of the section's DOM. A step
    not ok was refused, read a wrong value, or is where the implementation ended."""
    lines = []
    for n, s in enumerate(steps, start=1):
        marked = first is not None and first["step"] == n and first["op"] == s["op"]
        lines.append([f"{n}", "ok" if s["ok"] else "not ok", _duration(s["ms"] / 1000), s["op"],
                      s["what"] + (f" — {s['note']}" if s["note"] else "") + ("   <- first affected" if marked else "")])
    widths = [max((len(line[k]) for line in lines), default=0) for k in range(4)]
    return "\n".join(f"{line[0].rjust(widths[0])}  {line[1].ljust(widths[1])}  {line[2].rjust(widths[2])}  "
                     f"{line[3].ljust(widths[3])}  {line[4]}" for line in lines)


def _fault_headline(rows):
    """'7 cases: 2 worked, 4 refused, 1 not run; 1 left something behind'."""
    counts = collections.Counter(r["outcome"] for r in rows)
    words = ", ".join(f"{counts[o]} {OUTCOMES[o]}" for o in OUTCOMES if counts[o])
    left = sum(bool(r["left_behind"]) for r in rows)
    return (f"{len(rows)} case{'s' if len(rows) != 1 else ''}: {words}"
            + (f"; {left} left something behind" if left else ""))


def performance_view(doc):
    section = doc.get("performance")
    if not section or not (section.get("benchmarks") or section.get("ratios") or section.get("errors") or section.get("main_job")):
        return None
    benchmarks = [{**b, "shown": scaled(b["value"]),
                   "spread": f"{100 * b['cv']:.0f} %" if isinstance(b.get("cv"), (int, float)) else ""}
                  for b in section.get("benchmarks", [])]
    return {"benchmarks": benchmarks, "ratios": section.get("ratios", []), "errors": section.get("errors", []),
            "missing": section.get("missing_ratios", []), "build": section.get("build", ""),
            "main_job": section.get("main_job")}


def scaled(value):
    """A rate as a reader compares them: 3 significant digits and k, M or G (2.41 G for 2.41e9)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    for factor, prefix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g}{prefix}"
    return f"{value:.3g}"

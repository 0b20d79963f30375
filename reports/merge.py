"""Putting several documents together.

- combine: files from one machine (a run's suites written to separate files) become one
  document, so `html a.json b.json` shows one matrix.
- merge: files from several machines (a CI matrix) become one view with a column per
  platform; each file's run.host names its platform.
"""

import collections
import copy

from . import abi, html, model

SECTION_LISTS = {"stress": ("runs", "detection"), "lifetime": ("cases",), "faults": ("cases",), "audit": ("abis", "findings"),
                 "performance": ("benchmarks", "ratios")}


def combine(docs):
    """One document from several of the same machine: lists concatenated, runs kept."""
    if len(docs) == 1:
        return docs[0]
    out = copy.deepcopy(docs[0])
    out["_runs"] = [d["run"] for d in docs]
    specs = {i["spec"] for i in out["implementations"]}
    for doc in docs[1:]:
        for impl in doc["implementations"]:
            if impl["spec"] not in specs:  # the same implementation in two files is one row
                out["implementations"].append(copy.deepcopy(impl))
                specs.add(impl["spec"])
        out["results"].extend(copy.deepcopy(doc["results"]))
        for name, lists in SECTION_LISTS.items():
            if name not in doc:
                continue
            target = out.setdefault(name, {k: [] for k in lists})
            for key, value in doc[name].items():
                if key in lists and name == "audit":
                    # A host run and a run of foreign ABIs on one machine both audit the host's
                    # ABI: the same entry twice would be two rows of the same ABI.
                    have = target.setdefault(key, [])
                    have.extend(copy.deepcopy(v) for v in value if v not in have)
                elif key in lists:
                    target.setdefault(key, []).extend(copy.deepcopy(value))
                else:
                    target.setdefault(key, value)
        if "leftovers" in doc:  # a top-level list: each shard's or suite's own
            out.setdefault("leftovers", []).extend(copy.deepcopy(doc["leftovers"]))
    durations = [d["run"].get("duration_seconds") for d in docs]
    out["run"]["duration_seconds"] = None if None in durations else sum(durations)
    # Together they are no longer the first file's shard: say which shards they were.
    shards = [d["run"]["shard"] for d in docs if "shard" in d["run"]]
    out["run"].pop("shard", None)
    if shards:
        out["run"]["shards"] = shards
    return out


def platform_label(doc):
    host = doc["run"]["host"]
    return f"{host['os']} {host['machine']}"


def expand(docs, sources, names=None):
    """(platform, source, document) for each platform in the inputs.

    A merged document (run.merged) gives back the platforms it holds, under their names; any
    other input is one platform, named by `names` (reports merge --platform, one per input)
    or by its host's OS and machine.
    """
    out = []
    for i, (doc, src) in enumerate(zip(docs, sources)):
        merged = doc["run"].get("merged")
        if isinstance(merged, list) and merged:
            for entry in merged:
                sub = {"schema": doc["schema"], "run": entry["run"], "implementations": entry["implementations"],
                       "results": [r for r in doc["results"] if r.get("platform") == entry["platform"]]}
                sub.update(entry.get("sections", {}))
                out.append((entry["platform"], entry.get("source", src), sub))
        else:
            out.append((names[i] if names and names[i] else platform_label(doc), src, doc))
    return out


def group(expanded):
    """One (platform, sources, document) per platform: the files of one platform (its suites
    written apart, its shards) combined, as `html` combines the files of one machine."""
    by_label = collections.OrderedDict()
    for label, src, doc in expanded:
        docs, sources = by_label.setdefault(label, ([], []))
        docs.append(doc)
        sources.append(src)
    return [(label, ", ".join(sources), combine(docs)) for label, (docs, sources) in by_label.items()]


def tag(docs, labels):
    """Copies of the documents whose results carry their platform (schema: results[].platform)."""
    tagged = []
    for doc, label in zip(docs, labels):
        doc = copy.deepcopy(doc)
        for row in doc["results"]:
            row["platform"] = label
        tagged.append(doc)
    return tagged


def columns_of(labels, docs):
    """A column per platform and ABI: the ABIs a platform ran (its host's, and the foreign ones
    under an emulator) side by side under its name. A platform of one ABI is one column named
    by the platform alone, as before ABIs."""
    columns = []
    for label, doc in zip(labels, docs):
        abis = abi.abis_of(doc) or [abi.host_abi(doc["run"]["host"])]
        columns += [{"platform": label, "abi": a, "label": label if len(abis) == 1 else f"{label} · {a}"} for a in abis]
    return columns


def merged_view(groups):
    """The merged report's view of (platform, source, document) groups (see group())."""
    labels = [label for label, _, _ in groups]
    sources = [src for _, src, _ in groups]
    docs = tag([doc for _, _, doc in groups], labels)
    columns = columns_of(labels, docs)
    where = {(c["platform"], c["abi"]): n for n, c in enumerate(columns)}
    keys, broken = [], {}
    cells = collections.defaultdict(model.Tally)
    verdicts = collections.OrderedDict()
    for doc, label in zip(docs, labels):
        host = doc["run"]["host"]
        row_keys = abi.row_keys(doc["implementations"], host)
        column = {i["spec"]: where[(label, abi.abi_of(i, host))] for i in doc["implementations"]}
        for impl in doc["implementations"]:
            key = row_keys[impl["spec"]]
            if key not in keys:
                keys.append(key)
            if "broken" in impl:
                broken[(key, column[impl["spec"]])] = impl["broken"]
        for row in doc["results"]:
            key = row_keys.get(row["impl"], row["impl"])
            if key not in keys:
                keys.append(key)
            n = column.get(row["impl"], where.get((label, abi.host_abi(host)), 0))
            cells[(key, n)].add(row)
            verdicts.setdefault((key, row["suite"], row["case"]), {})[n] = row
    matrix = [{"key": k, "cells": [{"label": c["label"], "tally": cells.get((k, n)), "broken": broken.get((k, n))}
                                   for n, c in enumerate(columns)]} for k in keys]
    cases = [{"key": k, "suite": s, "case": c, "rows": [by_column.get(n) for n in range(len(columns))]}
             for (k, s, c), by_column in verdicts.items()]
    cases.sort(key=lambda c: min(model.KIND_ORDER[model.kind(r)] if r else 99 for r in c["rows"]))
    differing = [c for c in cases if len(_kinds(c["rows"])) > 1]
    same_not_pass = [c for c in cases if len(_kinds(c["rows"])) == 1 and _kinds(c["rows"]) != {"pass"}]
    platforms = []
    for doc, label, src in zip(docs, labels, sources):
        state, headline = model.overall(doc)
        platforms.append({"label": label, "source": src, "doc": doc, "state": state, "headline": headline,
                          "sections": html.section_views(doc)})
    worst = "fail" if any(p["state"] == "fail" for p in platforms) else (
        "broken" if any(p["state"] == "broken" for p in platforms) else "pass")
    # The header: one row of platforms, or, where a platform ran several ABIs, a second row of them.
    spans = [(label, sum(c["platform"] == label for c in columns)) for label in labels]
    return {"platforms": platforms, "labels": labels, "columns": columns, "spans": spans,
            "by_abi": len(columns) > len(labels), "matrix": matrix, "cases": cases, "differing": differing,
            "same_not_pass": same_not_pass, "state": worst, "docs": docs}


def _kinds(rows):
    """The verdicts of one case across platforms, as they count (None: not run there)."""
    return {model.kind(r) if r else None for r in rows}


def merged_document(view):
    """A version-1 results.json that holds every platform, and can be merged again: results
    carry their platform; each platform's run, implementations and sections are kept in
    run.merged (expand() reads them back). Its own run is the first platform's, with the
    duration of them all."""
    runs = []
    implementations, specs = [], set()
    results = []
    for p, doc in zip(view["platforms"], view["docs"]):
        run = {k: v for k, v in doc["run"].items() if k not in ("running", "merged")}
        runs.append({"platform": p["label"], "source": p["source"], "run": run,
                     "implementations": doc["implementations"],
                     "sections": {name: doc[name] for name in (*SECTION_LISTS, "leftovers") if name in doc}})
        for impl in doc["implementations"]:
            if impl["spec"] not in specs:
                specs.add(impl["spec"])
                implementations.append(impl)
        results.extend(doc["results"])
    first = view["docs"][0]
    run = {k: v for k, v in first["run"].items() if k not in ("running", "merged")}
    durations = [r["run"].get("duration_seconds") for r in runs]
    run["duration_seconds"] = None if None in durations else sum(durations)
    run["merged"] = runs
    out = {"schema": first["schema"], "run": run, "implementations": implementations, "results": results}
    # Also at the top, for readers that know nothing of run.merged (expand() reads each
    # platform's own from its sections).
    leftovers = [{**row, "platform": p["label"]} for p, doc in zip(view["platforms"], view["docs"])
                 for row in doc.get("leftovers", [])]
    if leftovers:
        out["leftovers"] = leftovers
    return out

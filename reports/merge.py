"""Putting several documents together.

- combine: files from one machine (a run's suites written to separate files) become one
  document, so `html a.json b.json` shows one matrix.
- merge: files from several machines (a CI matrix) become one view with a column per
  platform; each file's run.host names its platform.
"""

import collections
import copy
import pathlib

from . import html, model

SECTION_LISTS = {"stress": ("runs",), "lifetime": ("cases",), "audit": ("abis", "findings"),
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
                if key in lists:
                    target.setdefault(key, []).extend(copy.deepcopy(value))
                else:
                    target.setdefault(key, value)
    durations = [d["run"].get("duration_seconds") for d in docs]
    out["run"]["duration_seconds"] = None if None in durations else sum(durations)
    return out


def platform_label(doc):
    host = doc["run"]["host"]
    return f"{host['os']} {host['machine']}"


def label_platforms(docs, sources):
    """A distinct name per file: its host's OS and machine, and the file name if two agree."""
    labels = [platform_label(d) for d in docs]
    counts = collections.Counter(labels)
    return [f"{label} ({pathlib.Path(src).parent.name or pathlib.Path(src).stem})" if counts[label] > 1 else label
            for label, src in zip(labels, sources)]


def impl_key(impl):
    """Rows of a merged matrix: the same implementation and version on each platform.

    The spec cannot be the key (cpython:all expands to interpreter paths that differ from
    machine to machine); the name and version the driver reported can.
    """
    return impl["spec"] if "broken" in impl else model.impl_label(impl)


def tag(docs, labels):
    """Copies of the documents whose results carry their platform (schema: results[].platform)."""
    tagged = []
    for doc, label in zip(docs, labels):
        doc = copy.deepcopy(doc)
        for row in doc["results"]:
            row["platform"] = label
        tagged.append(doc)
    return tagged


def merged_view(docs, sources):
    labels = label_platforms(docs, sources)
    docs = tag(docs, labels)
    keys, broken = [], {}
    cells = collections.defaultdict(model.Tally)
    verdicts = collections.OrderedDict()
    for doc, label in zip(docs, labels):
        by_spec = {i["spec"]: i for i in doc["implementations"]}
        for impl in doc["implementations"]:
            key = impl_key(impl)
            if key not in keys:
                keys.append(key)
            if "broken" in impl:
                broken[(key, label)] = impl["broken"]
        for row in doc["results"]:
            key = impl_key(by_spec[row["impl"]]) if row["impl"] in by_spec else row["impl"]
            if key not in keys:
                keys.append(key)
            cells[(key, label)].add(row)
            verdicts.setdefault((key, row["suite"], row["case"]), {})[label] = row
    matrix = [{"key": k, "cells": [{"label": l, "tally": cells.get((k, l)), "broken": broken.get((k, l))}
                                   for l in labels]} for k in keys]
    cases = [{"key": k, "suite": s, "case": c, "rows": [by_label.get(l) for l in labels]}
             for (k, s, c), by_label in verdicts.items()]
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
    return {"platforms": platforms, "labels": labels, "matrix": matrix, "cases": cases, "differing": differing, "same_not_pass": same_not_pass,
            "state": worst, "docs": docs}


def _kinds(rows):
    """The verdicts of one case across platforms, as they count (None: not run there)."""
    return {model.kind(r) if r else None for r in rows}

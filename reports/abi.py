"""The ABI dimension (issue 16): which ABI each implementation ran on, which specs are the same
implementation on different ABIs, and the cases whose verdict differs between ABIs.

An implementation's ABI is its `abi` (the harness writes the executed ABI name of
audit/data/abis.json). A file without it (written before issue 16) ran everything on its host,
so the ABI is the host's, derived from run.host (`host_abi`); a spec with an `ABI:` prefix
but no `abi` says it in the prefix.

Rows (`row_keys`): the same implementation on several ABIs is one row. The spec cannot be the
key on its own: the host's CPython is `python:/usr/bin/python3`, the armhf one
`linux-armhf:python`, yet both are Debian's CPython 3.11.2 with the same module. So a row is
what the driver said it is in its hello (name, version, language, module: model.impl_label,
as a merged report's rows are across platforms, where cpython:all expands to other paths on
each machine) plus the spec's start method where it
names one (`python@spawn` is another row than `python`: other start methods fail other cases).
An implementation that could not start said nothing: it joins the row of a spec that is the
same without its ABI prefix (`linux-s390x:ref` broken joins the row of `ref`), else it is a row
named by that spec. Two specs of one ABI with the same key (two paths to one interpreter) keep
rows of their own, named by the key and their spec.
"""

import collections
import re

from . import model

# An `ABI:` prefix: an OS family, a hyphen, the rest of an abis.json name. No implementation
# kind has a hyphen before its colon (python:, cpython:, exec:, mutant:), so none is mistaken.
PREFIX = re.compile(r"^((?:linux|windows|macos|freebsd|android|wasm32)-[A-Za-z0-9_.-]+):(.+)$")
METHOD = re.compile(r"@(fork|spawn|forkserver)$")
EMULATOR = "emulator:"

# uname -m and the OS family -> the architecture part of an abis.json name.
MACHINES = {"amd64": "x86_64", "x64": "x86_64", "i386": "i686", "i586": "i686", "x86": "i686", "armv7l": "armhf",
            "armv7": "armhf", "arm64": "aarch64", "ppc64le": "ppc64el"}


def host_abi(host):
    """The executed ABI name of the machine itself, for a file that records none: the OS family
    (the kernel's name, uname -s, else the OS) and uname -m as abis.json spells them.
    'Linux 6.1.0-18-amd64' on x86_64 -> linux-x86_64; arm64 Linux -> linux-aarch64, macOS -> macos-arm64."""
    words = f"{host.get('kernel', '')} {host.get('os', '')}".lower()
    family = next((f for k, f in (("linux", "linux"), ("darwin", "macos"), ("macos", "macos"), ("windows", "windows"),
                                  ("mingw", "windows"), ("freebsd", "freebsd")) if k in words), None)
    machine = str(host.get("machine", "")).lower()
    if family is None or not machine or machine == "unknown":
        return "unknown"
    machine = MACHINES.get(machine, machine)
    if family == "macos" and machine == "aarch64":
        machine = "arm64"
    if family == "windows":
        machine = {"x86_64": "x64", "i686": "x86"}.get(machine, machine) + "-msvc"
    return f"{family}-{machine}"


def split_spec(spec):
    """(ABI prefix or None, the spec without it): 'linux-s390x:ref' -> ('linux-s390x', 'ref')."""
    m = PREFIX.match(spec)
    return (m.group(1), m.group(2)) if m else (None, spec)


def abi_of(impl, host):
    return impl.get("abi") or split_spec(impl["spec"])[0] or host_abi(host)


def abis_of(doc):
    """The ABIs of a document's implementations: the host's first, then as they first appear."""
    host = host_abi(doc["run"]["host"])
    found = [abi_of(i, doc["run"]["host"]) for i in doc["implementations"]]
    return sorted(dict.fromkeys(found), key=lambda a: a != host)


def _label_key(impl):
    method = METHOD.search(split_spec(impl["spec"])[1])
    return model.impl_label(impl) + (f" @{method.group(1)}" if method else "")


def row_keys(impls, host):
    """spec -> the row it belongs to (see the module's docstring)."""
    keys, by_inner = {}, {}
    for impl in impls:
        if "broken" not in impl:
            keys[impl["spec"]] = _label_key(impl)
            by_inner.setdefault(split_spec(impl["spec"])[1], keys[impl["spec"]])
    for impl in impls:
        if "broken" in impl:
            inner = split_spec(impl["spec"])[1]
            keys[impl["spec"]] = by_inner.get(inner, inner)
    taken = collections.Counter((keys[i["spec"]], abi_of(i, host)) for i in impls)
    for impl in impls:
        if taken[(keys[impl["spec"]], abi_of(impl, host))] > 1:
            keys[impl["spec"]] = f"{keys[impl['spec']]} ({split_spec(impl['spec'])[1]})"
    return keys


def is_emulator(row):
    """A verdict the harness put down to the emulator (qemu-user, wine), not to the target."""
    return bool(row) and row["verdict"] == "unsupported" and row.get("message", "").startswith(EMULATOR)


def matrix(doc):
    """The summary's implementation x ABI matrix, or None when every implementation ran on one
    ABI (the page then keeps its implementation x suite matrix)."""
    abis = abis_of(doc)
    if len(abis) < 2:
        return None
    host = doc["run"]["host"]
    keys = row_keys(doc["implementations"], host)
    anchors = {i["spec"]: f"impl-{n}" for n, i in enumerate(doc["implementations"])}
    tallies = collections.defaultdict(model.Tally)
    suites = collections.defaultdict(lambda: collections.defaultdict(model.Tally))
    for r in doc["results"]:
        tallies[r["impl"]].add(r)
        suites[r["impl"]][r["suite"]].add(r)
    cells = {}
    for impl in doc["implementations"]:
        spec = impl["spec"]
        words = "; ".join(f"{s}: " + ", ".join(label for _, label in t.chips()) for s, t in suites[spec].items())
        cells[(keys[spec], abi_of(impl, host))] = {
            "spec": spec, "anchor": anchors[spec], "broken": impl.get("broken"), "tally": tallies.get(spec),
            "title": f"{spec}: {words}" if words else spec}
    rows = [{"key": k, "cells": [cells.get((k, a)) for a in abis]} for k in dict.fromkeys(keys.values())]
    return {"abis": abis, "rows": rows}


def differences(doc):
    """The portability section's headline: every (row, suite, case) whose verdict differs between
    the ABIs it ran on, each ABI's result side by side. Only ABIs where the case ran are
    compared: the harness never skips a case silently (what cannot run is `unsupported`), so a
    case missing on an ABI was not asked for there (another --suite or --case, a shard) and says
    nothing about the ABI; its cell says "not run". A difference is an emulator artefact when,
    without the cells whose reason starts "emulator:", the verdicts that remain agree: not a
    finding."""
    abis = abis_of(doc)
    if len(abis) < 2:
        return None
    host = doc["run"]["host"]
    by_spec = {i["spec"]: i for i in doc["implementations"]}
    keys = row_keys(doc["implementations"], host)
    # row -> ABIs with an implementation of it that started; one that could not start is the
    # matrix's news, not a difference in each of its cases.
    ran, broken = collections.defaultdict(set), collections.defaultdict(set)
    for impl in doc["implementations"]:
        (broken if "broken" in impl else ran)[keys[impl["spec"]]].add(abi_of(impl, host))
    cases = collections.OrderedDict()
    for r in doc["results"]:
        impl = by_spec.get(r["impl"])
        if impl is None:
            continue
        cases.setdefault((keys[r["impl"]], r["suite"], r["case"]), {})[abi_of(impl, host)] = r
    found = []
    for (key, suite, case), by_abi in cases.items():
        compared = [a for a in abis if a in ran[key] and a in by_abi]
        if len(compared) < 2:
            continue
        verdicts = {by_abi[a]["verdict"] for a in compared}
        if len(verdicts) < 2:
            continue
        rest = {by_abi[a]["verdict"] for a in compared if not is_emulator(by_abi[a])}
        found.append({"key": key, "suite": suite, "case": case, "emulator": len(rest) <= 1,
                      "cells": _cells(abis, by_abi, ran[key], broken[key])})
    # Findings first, then by implementation in the matrix's order, suite and case.
    order = {k: n for n, k in enumerate(dict.fromkeys(keys.values()))}
    found.sort(key=lambda d: (d["emulator"], order[d["key"]],
                              model.SUITES.index(d["suite"]) if d["suite"] in model.SUITES else 99, d["case"]))
    findings = [d for d in found if not d["emulator"]]
    return {"abis": abis, "rows": found, "findings": len(findings), "emulator": len(found) - len(findings)}


def _cells(abis, by_abi, ran, broken):
    """Each ABI's verdict and reason. A reason an earlier ABI of the row already gave is not
    printed again (`same_as` names that ABI): i686 and armhf fail alike for the same reason,
    and two copies of it made every row twice as tall."""
    cells, said = [], {}
    for a in abis:
        row = by_abi.get(a)
        if row is None:
            cells.append({"state": "not-run" if a in ran else "broken" if a in broken else "absent"})
            continue
        first = row["message"].split("\n")[0]
        reason = first if len(first) <= 90 else first[:87] + "..."
        shown = row["verdict"] != "pass" and bool(reason)
        cells.append({"state": "ran", "row": row, "kind": model.kind(row), "emulator": is_emulator(row),
                      "reason": reason if shown and reason not in said else "", "same_as": said.get(reason) if shown else None,
                      "title": row["message"][:600]})
        if shown:
            said.setdefault(reason, a)
    return cells

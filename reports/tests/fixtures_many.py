"""A synthetic document of many implementations, shaped like a real run of every suite.

FIXTURE, not a real run. Its shape copies `shmcheck run --impl ref --impl boost --impl python:all
--suite all --size ci` on one machine (13 implementations; what the report's size budget is
about): per implementation 101 spec, 32 property, 20 stress, 6 lifetime, 7 faults and 1 audit
rows, the Pythons' expected failures with counterexamples and reasons of the lengths real ones
have, a few inconclusive stress cases (shown open), 2 stress scenarios x 3 modes of 5 trials (ref
also atomic), 6 lifetime censuses, 7 fault cases with their steps (fixtures.faults: every
implementation but the reference meets each outcome, more failures than a real run has), and an
ABI per CPython that agrees with the native one. Its page weighs what a real one of 13
implementations does (bytes and DOM elements within about 10 %, before the report was slimmed
and after; the faults suite is heavier here), so the size test needs no several-minute run.
"""

import random

from reports.tests import fixtures

PYTHONS = [("cpython", v, f"python:/root/.pyenv/versions/{v}/bin/python")
           for v in ("2.7.18", "3.6.15", "3.7.16", "3.8.18", "3.9.18", "3.10.13", "3.11.7", "3.12.1", "3.13.0")] + [
    ("pypy", "7.3.11", "python:/usr/bin/pypy3"), ("cpython", "3.11.2", "python:/usr/bin/python3"),
    ("cpython", "3.11.2", "python:/usr/bin/python3+billiard"), ("pypy", "7.3.11", "python:/usr/bin/pypy3+multiprocess")]
WORDS = ("array", "value", "slice", "lock", "child", "raw", "typecode", "negative", "index", "wrap", "copy", "spawn",
         "fork", "released", "shared", "synchronized", "initializer", "length", "bytes", "float")
REASON = ("CPython's sharedctypes (doc section {n}): Process.start() drops its args (bpo-30775), so a block is freed when "
          "the parent's last reference goes, even while a running child still uses it, and the next object of that size "
          "gets the same memory; under fork the child reads the new object's elements. The same code ships in {impl}. ")
STEP = '    {{"as":"a{k}","init":[-3],"lock":"none","op":"create","shape":"array","tc":"b","size":{k}}}'


def many(n=13, seed=4):
    rng = random.Random(seed)
    doc = fixtures.full()
    plat = doc["implementations"][0]["platform"]
    impls = [doc["implementations"][0], doc["implementations"][1]]
    for k in range(n - 2):
        name, version, spec = PYTHONS[k] if k < len(PYTHONS) else ("cpython", f"3.{20 + k}.0", f"python:/opt/py{k}/bin/python3")
        typecodes = "cubBhHiIlLfd" if version.startswith(("2.", "3.6")) else fixtures.TYPECODES
        impls.append({"spec": spec, "name": name, "version": version, "platform": plat,
                      "capabilities": fixtures.caps(typecodes, robust=False)})
    names = sorted({"-".join(rng.sample(WORDS, 3)) for _ in range(200)})
    cases = {"spec": fixtures.SPEC_CASES + names[:35], "property": fixtures.PROPERTIES + names[35:59],
             "stress": names[59:79], "lifetime": [f"lifetime-{w}" for w in names[79:85]], "audit": ["abi-agrees"]}
    doc["implementations"], doc["results"] = impls, []
    for i in impls:
        doc["results"] += _rows(i, cases, rng)
    faults_rows, doc["faults"] = fixtures.faults([i["spec"] for i in impls])
    doc["results"] += faults_rows
    doc["stress"] = {"confidence": 0.95, "runs": [run for i in impls for run in _stress(i["spec"], rng)]}
    doc["lifetime"] = {"cases": [_census(i["spec"], case, leak=(i is impls[3] and case == cases["lifetime"][0]))
                                 for i in impls for case in cases["lifetime"]]}
    native = doc["audit"]["abis"][0]
    doc["audit"]["abis"] = [native] + [
        {"abi": f"cpython-{i['version']}-linux-x86_64", "how": "cpython", "triple": "x86_64-linux-gnu",
         "facts": {**{f: None for f in native["facts"]}, "endianness": "little", "pointer_size": 8, "page_size": 4096},
         "typecodes": fixtures.typecode_table()} for i in impls if i["name"] == "cpython"]
    return doc


def _rows(impl, cases, rng):
    spec, python = impl["spec"], impl["spec"].startswith("python:")
    old = impl["version"].startswith(("2.", "3.6"))
    rows = []
    for suite, names in cases.items():
        for n, case in enumerate(names):
            r = fixtures.row(spec, suite if suite != "audit" else "spec", case, seconds=round(rng.uniform(1e-4, 2.0), 4))
            r["suite"] = suite
            r["repro"] = f"build/bin/shmcheck run --impl {spec} --suite {suite} --case {case} --seed 1234"
            tc = case.split("-")[1] if case.startswith("matrix-") else None
            if tc and tc not in impl["capabilities"]["typecodes"]:
                r["verdict"], r["message"] = "unsupported", f"the implementation has no typecode '{tc}'"
            elif python and ((suite == "property" and n in (2, 5)) or (suite in ("stress", "lifetime") and n == 1)
                             or (old and suite == "spec" and n in (3, 4, 5, 6, 7))):
                r.update(verdict="fail", expected=True, expectation=REASON.format(n=n, impl=spec) * 2,
                         message=f"falsified after 0 passing cases; shrunk: operation 12 in {case}: expected [-3], got [0]")
                if suite == "property":
                    r["counterexample"] = "\n".join(STEP.format(k=k) for k in range(7))
                    r["reproduce"] = "BsRbpN3cp52ZtEGd0JXaiVHdl1yclRXLmFWasNXms1x46Bp_KmJbdMueQ6viZyWHjrHk"
                    r["repro"] += f" --reproduce {r['reproduce']}"
            elif python and suite == "stress" and n in (5, 9, 13):
                r["verdict"] = "inconclusive"
                r["message"] = (f"no anomaly seen in {case} this time: 0 lost, 0 duplicated, 0 out of order, "
                                "0 of 5 trials unfinished; the unlocked mode cannot be told from the locked one here")
            rows.append(r)
    return rows


def _stress(spec, rng):
    runs = []
    for scenario in ("counter (value)", "counter (array)"):
        for mode in ("held", "per-op", "raw") + (("atomic",) if spec == "ref" else ()):
            racy = mode in ("per-op", "raw")
            lost = sorted(int(rng.uniform(8000, 18000)) if racy and rng.random() < 0.9 else 0 for _ in range(5))
            ops = [rng.uniform(2e5, 3e6) for _ in lost]
            detected = sum(x > 0 for x in lost)
            low, high = fixtures.wilson(detected, len(lost))
            runs.append({"impl": spec, "scenario": scenario, "mode": mode,
                         "params": {"mode": mode, "ops": 20000, "procs": 2, "shape": scenario.split("(")[1][:-1]},
                         "trials": [{"expected": 40000, "observed": 40000 - x, "lost": x, "seconds": 40000 / o,
                                     "ops_per_second": o} for x, o in zip(lost, ops)],
                         "summary": {"trials": len(lost), "lost": {"min": lost[0], "median": lost[2], "mean": sum(lost) / 5,
                                                                   "max": lost[-1]},
                                     "detected": detected, "detection_probability": detected / len(lost),
                                     "wilson_low": low, "wilson_high": high, "torn_reads": 0, "reads": 0}})
    return runs


def _census(spec, case, leak):
    before = fixtures.census(fds=15, mappings=47)
    after = fixtures.census(["psm_3f9a2c"] if leak else [], fds=16 if leak else 15, mappings=47)
    return {"impl": spec, "case": case, "before": before, "after": after, "diff": {
        "dev_shm": {"added": after["dev_shm"], "removed": []}, "sysv": {"added": [], "removed": []},
        "processes": {"added": [], "removed": []}, "fds": after["fds"] - before["fds"], "mappings": 0}}

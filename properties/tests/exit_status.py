"""The exit status of `shmcheck properties` on a healthy CPython, and what it records.

With CPython's expectations file (the default for cpython specs) every failure is expected,
so the run exits 0; with `--expect none` the same failures are unexpected and it exits 1.
Every failure in the results JSON carries its seed, shrunk counterexample, RapidCheck's
reproduce string and a replay command, and no property is left marked as running.
Usage: exit_status.py SHMCHECK PYTHON"""
from __future__ import print_function

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from reports.validate_results import validate  # noqa: E402


def run(shmcheck, python, *extra):
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        argv = [shmcheck, "properties", "--impl", "cpython:" + python, "--seed", "1", "--cases", "30", "--json", path]
        rc = subprocess.call(argv + list(extra), stdout=subprocess.DEVNULL)
        invalid = validate(path)
        if invalid:
            raise SystemExit("PROBLEM: " + invalid)
        with open(path) as f:
            return rc, json.load(f)
    finally:
        os.unlink(path)


def main(shmcheck, python):
    problems = []
    rc, doc = run(shmcheck, python)
    fails = [r for r in doc["results"] if r["verdict"] == "fail"]
    if rc != 0:
        problems.append("with CPython's expectations the run should exit 0, got %d" % rc)
    if not fails or not all(r["expected"] for r in fails):
        problems.append("CPython fails listed properties (expected), and only those: %r" % [(r["case"], r["expected"]) for r in fails])
    for r in fails:
        for key in ("seed", "counterexample", "reproduce", "repro", "expectation"):
            if not r.get(key):
                problems.append("the failure of %s records no %s" % (r["case"], key))
        if "--reproduce " + r.get("reproduce", "?") not in r.get("repro", ""):
            problems.append("the replay command of %s does not carry its reproduce string: %s" % (r["case"], r.get("repro")))
    if "running" in doc:
        problems.append("a finished run still marks a property as running: %r" % doc["running"])
    if doc["run"].get("seed") != 1:
        problems.append("the run records seed %r, not 1" % doc["run"].get("seed"))
    rc_none, doc_none = run(shmcheck, python, "--expect", "none")
    if rc_none != 1:
        problems.append("with --expect none the same failures are unexpected: exit 1, got %d" % rc_none)
    print("%d properties, %d expected failures: %s" % (len(doc["results"]), len(fails), ", ".join(r["case"] for r in fails)))
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

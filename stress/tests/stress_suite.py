"""Runs `shmcheck stress` on one implementation and checks each case's verdict against what
the implementation must show (see stress/SCENARIOS.md): exact modes pass, negative controls
pass or are inconclusive, and the failures an expectations file lists are failures that were
expected. Prints the figures (lost updates, detection probability, recoveries) of the run.

Usage: stress_suite.py SHMCHECK SPEC SIZE [CASE=VERDICT[|VERDICT...] ...]
Cases not named must pass; a name may end in * (a prefix)."""
from __future__ import print_function

import fnmatch
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from reports.validate_results import validate  # noqa: E402


def main(shmcheck, spec, size, rules):
    wanted = []
    for rule in rules:
        pattern, verdicts = rule.split("=", 1)
        wanted.append((pattern, verdicts.split("|")))
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        rc = subprocess.call([shmcheck, "stress", "--impl", spec, "--size", size, "--seed", "1", "--json", path],
                             stdout=subprocess.DEVNULL)
        with open(path) as f:
            doc = json.load(f)
        invalid = validate(path)
    finally:
        os.unlink(path)
    problems = [invalid] if invalid else []
    summaries = dict((row["case"], row.get("summary", {})) for row in doc.get("stress", {}).get("runs", []))
    for r in doc["results"]:
        allowed = ["pass"]
        for pattern, verdicts in wanted:
            if fnmatch.fnmatch(r["case"], pattern):
                allowed = verdicts
                break
        got = r["verdict"] + ("(expected)" if r["expected"] else "")
        ok = r["verdict"] in allowed or got in allowed
        if r["verdict"] == "fail" and not r["expected"]:
            ok = False
        s = summaries.get(r["case"], {})
        figures = ""
        if "detection_probability" in s and r["case"].endswith(("-raw", "-per-op")):
            lost = s.get("lost", {})
            figures = " lost median %s (min %s, max %s), detection %.2f [%.2f, %.2f]" % (
                lost.get("median"), lost.get("min"), lost.get("max"), s["detection_probability"], s["wilson_low"], s["wilson_high"])
        print("%-26s %-18s %s%s" % (r["case"], got, r["message"][:110], figures))
        if not ok:
            problems.append("%s: %s, expected one of %s" % (r["case"], got, "/".join(allowed)))
    if rc != 0:
        problems.append("shmcheck stress exited %d" % rc)
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]))

#!/usr/bin/env python3
"""shmcheck run --shard K/N: the N shards of a run, merged, are the run (issue 15).

Runs a small real selection (the reference and a mutant the spec and property suites catch,
plus the audit, which is one unit) once whole and as three shards with the same seed, then
checks that the shards are disjoint, that together they hold exactly the whole run's
(impl, suite, case, verdict, expected), that each says which shard it is, and that
`python3 -m reports merge --platform same` (once per file) makes one column of them with the
whole run's verdicts and exit status.

usage: shard.py SHMCHECK SOURCE_DIR
"""

import json
import os
import subprocess
import sys
import tempfile
import time

SELECTION = ["run", "--impl", "ref", "--impl", "mutant:index_off_by_one", "--suite", "spec", "--suite", "property",
             "--suite", "audit", "--cases", "20", "--seed", "5"]
SHARDS = 3


def run(shmcheck, extra, json_path):
    p = subprocess.run([shmcheck] + SELECTION + extra + ["--json", json_path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    with open(json_path) as f:
        return p.returncode, json.load(f), p.stdout


def rows(doc):
    return {(r["impl"], r["suite"], r["case"], r["verdict"], r["expected"]) for r in doc["results"]}


def main():
    shmcheck, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    problems = []
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        whole_rc, whole, out = run(shmcheck, [], os.path.join(tmp, "whole.json"))
        if whole_rc != 1:  # the mutant is caught
            problems.append("the whole run exits %d, not 1:\n%s" % (whole_rc, out[-2000:]))
        if "shard" in whole["run"]:
            problems.append("the whole run records a shard: %s" % whole["run"]["shard"])
        paths, docs, statuses = [], [], []
        for k in range(1, SHARDS + 1):
            path = os.path.join(tmp, "shard-%d.json" % k)
            rc, doc, out = run(shmcheck, ["--shard", "%d/%d" % (k, SHARDS)], path)
            paths.append(path)
            docs.append(doc)
            statuses.append(rc)
            if rc not in (0, 1):
                problems.append("shard %d/%d exits %d:\n%s" % (k, SHARDS, rc, out[-2000:]))
            if doc["run"].get("shard") != {"index": k, "count": SHARDS}:
                problems.append("shard %d/%d records run.shard %s" % (k, SHARDS, doc["run"].get("shard")))
            if "shard %d/%d" % (k, SHARDS) not in out.splitlines()[0]:
                problems.append("shard %d/%d's first line does not say so: %s" % (k, SHARDS, out.splitlines()[0]))

        whole_rows = rows(whole)
        seen = {}
        for k, doc in enumerate(docs, 1):
            if not doc["results"]:
                problems.append("shard %d/%d ran nothing" % (k, SHARDS))
            for r in doc["results"]:
                key = (r["impl"], r["suite"], r["case"])
                if key in seen:
                    problems.append("%s is in shards %d and %d" % (key, seen[key], k))
                seen[key] = k
        union = set().union(*(rows(d) for d in docs))
        for what, extra in (("missing from the shards", whole_rows - union), ("in the shards, not the whole run", union - whole_rows)):
            if extra:
                problems.append("%d results %s: %s" % (len(extra), what, sorted(extra)[:10]))
        # The audit is one unit; each implementation's cases of a suite are dealt round-robin, so
        # the shards' shares of them differ by one at most.
        audit_shards = {k for (impl, suite, case), k in seen.items() if suite == "audit"}
        if len(audit_shards) != 1:
            problems.append("the audit is split across shards %s" % sorted(audit_shards))
        for impl, suite in sorted({(i, s) for (i, s, c) in seen if s != "audit"}):
            sizes = [sum(1 for r in d["results"] if (r["impl"], r["suite"]) == (impl, suite)) for d in docs]
            if max(sizes) - min(sizes) > 1:
                problems.append("unbalanced shards: %s cases of %s on %s" % (sizes, suite, impl))

        merged_dir = os.path.join(tmp, "merged")
        env = dict(os.environ, PYTHONPATH=source)
        merge = subprocess.run(["/usr/bin/python3", "-m", "reports", "merge"] + paths + ["-o", merged_dir] +
                               ["--platform", "same"] * SHARDS, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               universal_newlines=True, env=env, cwd=source)
        if merge.returncode != whole_rc:
            problems.append("reports merge of the shards exits %d, the whole run %d:\n%s" % (merge.returncode, whole_rc, merge.stdout[-2000:]))
        else:
            with open(os.path.join(merged_dir, "results.json")) as f:
                merged = json.load(f)
            platforms = [m["platform"] for m in merged["run"]["merged"]]
            if platforms != ["same"]:
                problems.append("the merge made platforms %s, not one column" % platforms)
            column_run = merged["run"]["merged"][0]["run"]
            if "shard" in column_run or column_run.get("shards") != [{"index": k, "count": SHARDS} for k in range(1, SHARDS + 1)]:
                problems.append("the merged column's run says shard %s, shards %s" % (column_run.get("shard"), column_run.get("shards")))
            if rows(merged) != whole_rows:
                problems.append("the merged shards differ from the whole run: %s" % sorted(rows(merged) ^ whole_rows)[:10])
    seconds = time.time() - t0
    print("shard: whole run %d results (exit %d); shards %s results (exits %s); %.1f s" % (
        len(whole["results"]), whole_rc, [len(d["results"]) for d in docs], statuses, seconds))
    for p in problems:
        print("problem:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

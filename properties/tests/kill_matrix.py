"""The mutant kill matrix of the property suite: runs `shmcheck properties --impl mutant:all`,
prints mutant x property (X: that property fails the mutant), and exits 1 unless every mutant
whose fault single-object semantics can see (suite "spec" or "property" in the mutant table,
and the lifetime fault freed_while_child_uses, which dropped-while-child-uses sees) is killed
by at least one property, and no mutant merely broke the harness.
Usage: kill_matrix.py SHMCHECK MUTANT-BIN"""
from __future__ import print_function

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from reports.validate_results import validate  # noqa: E402

ALSO_VISIBLE = {"freed_while_child_uses"}


def main(shmcheck, mutant_bin):
    table = subprocess.check_output([mutant_bin, "--list"], universal_newlines=True)
    suites = dict(line.split("\t")[:2] for line in table.splitlines() if line.count("\t") >= 2)
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        # Each verdict is what the matrix needs, not the smallest failing case: shrinking
        # lock_kept_on_error's stateful-sequences failure, whose every candidate waits out a
        # child's 3 s timeout, used the whole default budget (60 s, half of this test's time).
        subprocess.call([shmcheck, "properties", "--impl", "mutant:all", "--seed", "1", "--cases", "100",
                         "--shrink-budget-s", "5", "--json", path],
                        stdout=subprocess.DEVNULL)
        invalid = validate(path)
        with open(path) as f:
            results = json.load(f)["results"]
    finally:
        os.unlink(path)
    props = []
    for r in results:
        if r["case"] not in props:
            props.append(r["case"])
    verdicts = {}
    for r in results:
        verdicts[(r["impl"][len("mutant:"):], r["case"])] = r["verdict"]
    mark = {"fail": "X", "pass": ".", "broken": "B", "unsupported": "u", "inconclusive": "?"}
    print("%-32s %-9s %s" % ("mutant \\ property", "suite", " ".join("%2d" % (i + 1) for i in range(len(props)))))
    problems = [invalid] if invalid else []
    for name in sorted(suites):
        row = [verdicts.get((name, p), "-") for p in props]
        print("%-32s %-9s %s" % (name, suites[name], " ".join("%2s" % mark.get(v, v) for v in row)))
        visible = suites[name] in ("spec", "property") or name in ALSO_VISIBLE
        if visible and "fail" not in row:
            problems.append("NOT KILLED: %s (suite %s) survives every property" % (name, suites[name]))
        if "broken" in row:
            problems.append("BROKEN: %s made the harness give up on %d properties" % (name, row.count("broken")))
    for i, p in enumerate(props):
        print("%2d %s" % (i + 1, p))
    visible = [n for n in suites if suites[n] in ("spec", "property") or n in ALSO_VISIBLE]
    print("%d of %d single-object mutants killed" % (len(visible) - len([p for p in problems if p.startswith("NOT")]), len(visible)))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

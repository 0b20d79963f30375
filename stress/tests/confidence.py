"""`shmcheck stress --confidence C` sizes trials from the negative controls (stress/detection.hpp):
each counter control runs until its own figures call for no more trials, the family's exact
cases then run as many trials as the controls needed, every control has a time-to-detection
row, and the replay commands carry the option.

Under load a control's detection falls (its workers overlap less), so what the family needs can
grow to thousands of trials: the run is given a budget per case, and a case cut short by it must
be inconclusive and say it planned the trials its figures call for (README: a case whose trials
were cut short is inconclusive), never pass or fail.

Usage: confidence.py SHMCHECK SPEC"""
import json
import math
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from reports.validate_results import validate  # noqa: E402

CONFIDENCE = 0.999
BUDGET_S = 15  # per case: 8 cases stay well inside the test's timeout however loaded the machine
CUT = re.compile(r"^ran (\d+) of (\d+) trials in its budget")


def wilson_low(d, n, z=1.959963984540054):
    p, z2n = d / n, z * z / n
    return max(0.0, ((p + z2n / 2) - z * math.sqrt(p * (1 - p) / n + z2n / (4.0 * n))) / (1 + z2n))


def needed(d, n):
    low = wilson_low(d, n)
    return None if low <= 0 else max(1, math.ceil(math.log1p(-CONFIDENCE) / math.log1p(-low) - 1e-9))


def main(shmcheck, spec):
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        rc = subprocess.call([shmcheck, "stress", "counter", "--impl", spec, "--size", "quick", "--confidence", str(CONFIDENCE),
                              "--seed", "1", "--budget-s", str(BUDGET_S), "--json", path], stdout=subprocess.DEVNULL)
        with open(path) as f:
            doc = json.load(f)
        problems = [p for p in [validate(path)] if p]
    finally:
        os.unlink(path)
    if rc != 0:
        problems.append(f"shmcheck stress exited {rc}")
    rows = {r["case"]: r for r in doc.get("stress", {}).get("detection", [])}
    cut = {}  # case -> (ran, planned), for the cases the budget cut short
    for r in doc["results"]:
        m = CUT.match(r.get("message", ""))
        if m:
            cut[r["case"]] = (int(m.group(1)), int(m.group(2)))
            if r["verdict"] != "inconclusive":
                problems.append(f"{r['case']}: cut short by the budget but {r['verdict']}")
    runs = {r["case"]: r for r in doc.get("stress", {}).get("runs", [])}
    controls = [c for c in runs if c.endswith(("-raw", "-per-op"))]
    family_need = 0
    for case in controls:
        row = rows.get(case)
        if row is None:
            problems.append(f"{case}: no time-to-detection row")
            continue
        print(f"{case:<26} {row['detected']}/{row['trials']} detected, {row['seconds_per_trial']:.3f} s per trial, "
              f"{row['trials_needed']} trials ({row['seconds_needed']} s) for {CONFIDENCE}")
        if row["detected"] == 0:
            continue  # inconclusive: nothing sizes the others from it
        # Stopped at the first k whose own figures ask for no more (or at the cap).
        k = row["trials"]
        if case in cut:
            print(f"{case:<26} cut short by the budget at {k} trials")
        elif needed(row["detected"], k) is None or (k < 200 and needed(row["detected"], k) > k):
            problems.append(f"{case}: stopped after {k} trials, its figures call for {needed(row['detected'], k)}")
        if k > 1 and row["detected"] == k and needed(k - 1, k - 1) <= k - 1:
            problems.append(f"{case}: ran {k} trials, {k - 1} were already enough")
        if row["trials_needed"] != needed(row["detected"], k):
            problems.append(f"{case}: trials_needed {row['trials_needed']}, expected {needed(row['detected'], k)}")
        family_need = max(family_need, row["trials_needed"])
    for case, run in runs.items():
        if case in controls or not family_need:
            continue
        if case in cut:
            ran, planned = cut[case]
            print(f"{case:<26} cut short by the budget: {ran} of {planned} trials")
            if planned != family_need:
                problems.append(f"{case}: planned {planned} trials, its controls needed {family_need}")
        elif run["summary"]["trials"] != family_need:
            problems.append(f"{case}: ran {run['summary']['trials']} trials, its controls needed {family_need}")
    for r in doc["results"]:
        if "--confidence" not in r.get("repro", ""):
            problems.append(f"{r['case']}: the replay command lacks --confidence: {r.get('repro')}")
        if r["verdict"] == "fail":
            problems.append(f"{r['case']}: fail: {r['message']}")
    if not controls:
        problems.append("no counter control ran")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

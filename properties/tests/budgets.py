"""Every verdict in bounded time (issue 14), checked on the intermittent mutant
(store_dropped_sometimes: one element store in 64 is dropped) and on the reference:

  found-in-budget   the property suite against the mutant, with small budgets, ends within
                    them (each property within its case and shrink budgets plus a margin for
                    the one run in flight, the whole run within their sum), exits 1, and
                    every failure carries its counterexample; failures are printed when found,
                    before they are shrunk.
  inconclusive      a property that cannot run its cases in its budget is inconclusive, with
                    the number it ran, and ends in time; so is a stress case whose budget
                    ends before its trials do.
  small-shrink      shrinking the intermittent failure of stateful-sequences ends with a
                    case of at most a few operations; with no shrink budget, the case found
                    is reported, marked not fully shrunk.
  every-suite       the spec and stress suites against the mutant end with exit 1 and their
                    failures reported, each stress case within its budget.
  killed            a run killed (SIGKILL) half-way leaves a results.json that parses and
                    validates, with what it had found, and a log that ends on a whole line.

The wall-clock bounds are correctness checks of the budgets, with generous margins, not speed
tests. Usage: budgets.py SHMCHECK [CHECK ...]"""
from __future__ import print_function

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from reports.validate_results import validate  # noqa: E402

MUTANT = "mutant:store_dropped_sometimes"
# What one run of one case may add to a budget: it is not interrupted (the driver's request
# timeout bounds it), plus starting and stopping drivers.
MARGIN_S = 10


def shmcheck_json(shmcheck, args, out_path=None):
    """Runs shmcheck with --json; returns (exit status, seconds, results document, stdout)."""
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        t0 = time.time()
        p = subprocess.Popen([shmcheck] + args + ["--json", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             universal_newlines=True)
        out = p.communicate()[0]
        seconds = time.time() - t0
        invalid = validate(path)
        if invalid:
            raise AssertionError(invalid)
        with open(path) as f:
            return p.returncode, seconds, json.load(f), out
    finally:
        os.unlink(path)


def found_in_budget(shmcheck, problems):
    budget, shrink = 4, 4
    rc, seconds, doc, out = shmcheck_json(shmcheck, ["properties", "--impl", MUTANT, "--seed", "1", "--cases", "100",
                                                     "--budget-s", str(budget), "--shrink-budget-s", str(shrink)])
    results = doc["results"]
    fails = [r for r in results if r["verdict"] == "fail"]
    print("found-in-budget: exit %d in %.1f s, %d properties, %d failed: %s" % (
        rc, seconds, len(results), len(fails), ", ".join("%s (%s)" % (r["case"], describe_shrink(r)) for r in fails)))
    if rc != 1:
        problems.append("found-in-budget: the property suite on %s exits %d, not 1" % (MUTANT, rc))
    if len(results) != 32:
        problems.append("found-in-budget: %d properties recorded, not 32" % len(results))
    if not fails:
        problems.append("found-in-budget: no property failed on %s" % MUTANT)
    for r in results:
        if r["seconds"] > budget + shrink + MARGIN_S:
            problems.append("found-in-budget: %s took %.1f s, past its budgets (%d + %d s)" % (r["case"], r["seconds"], budget, shrink))
    if seconds > len(results) * (budget + shrink) + 60:
        problems.append("found-in-budget: the run took %.1f s, past the sum of its budgets" % seconds)
    for r in fails:
        if not r.get("counterexample") or not r.get("reproduce") or "--reproduce" not in r["repro"]:
            problems.append("found-in-budget: the failure of %s records no counterexample or reproduce string" % r["case"])
        # Reported when found, before the shrinking, then with its shrunk case.
        found_at = out.find("found        %s %s: " % (MUTANT, r["case"]))
        final_at = out.find("fail         %s %s: " % (MUTANT, r["case"]))
        if found_at < 0 or final_at < 0 or found_at > final_at:
            problems.append("found-in-budget: %s was not printed when found, before its shrunk result" % r["case"])
    return doc


def describe_shrink(r):
    s = r.get("shrink", {})
    return "%s ops, %s steps%s%s" % (s.get("operations"), s.get("steps"), "" if s.get("complete") else ", not fully shrunk",
                                     ", intermittent" if s.get("intermittent") else "")


def inconclusive(shmcheck, problems):
    budget = 1
    rc, seconds, doc, _ = shmcheck_json(shmcheck, ["properties", "--impl", "ref", "--property", "stateful-sequences", "--seed", "1",
                                                   "--cases", "1000000", "--budget-s", str(budget)])
    r = doc["results"][0]
    print("inconclusive: exit %d in %.1f s: %s: %s" % (rc, seconds, r["verdict"], r["message"]))
    if r["verdict"] != "inconclusive" or "of 1000000 cases in its budget" not in r["message"]:
        problems.append("inconclusive: a property out of budget is %s: %s" % (r["verdict"], r["message"]))
    if not 0 < r.get("cases", {}).get("passed", 0) < 1000000:
        problems.append("inconclusive: it does not record the cases it ran: %r" % r.get("cases"))
    if r["seconds"] > budget + MARGIN_S:
        problems.append("inconclusive: it took %.1f s with a budget of %d s" % (r["seconds"], budget))
    if rc != 0:
        problems.append("inconclusive: exit %d (inconclusive is not a failure)" % rc)
    # A stress case whose budget is spent after its first trial: the reference passes that
    # trial, which is not enough for a pass.
    rc, seconds, doc, _ = shmcheck_json(shmcheck, ["stress", "counter-value-held", "--impl", "ref", "--size", "quick", "--seed", "1",
                                                   "--budget-s", "0"])
    r = doc["results"][0]
    print("inconclusive: stress: exit %d in %.1f s: %s: %s" % (rc, seconds, r["verdict"], r["message"]))
    if r["verdict"] != "inconclusive" or "ran 1 of 2 trials in its budget" not in r["message"]:
        problems.append("inconclusive: a stress case out of budget is %s: %s" % (r["verdict"], r["message"]))


def small_shrink(shmcheck, problems):
    rc, seconds, doc, out = shmcheck_json(shmcheck, ["properties", "--impl", MUTANT, "--property", "stateful-sequences", "--seed", "1",
                                                     "--cases", "300", "--shrink-budget-s", "60"])
    r = doc["results"][0]
    ops = [line for line in r.get("counterexample", "").splitlines() if line.strip()]
    print("small-shrink: exit %d in %.1f s: %s, %s; the shrunk case:\n%s" % (rc, seconds, r["verdict"], describe_shrink(r),
                                                                           "\n".join(ops)))
    if r["verdict"] != "fail":
        problems.append("small-shrink: stateful-sequences does not fail on %s: %s" % (MUTANT, r["message"]))
        return
    if len(ops) > 4:
        problems.append("small-shrink: the shrunk case has %d operations, not at most 4" % len(ops))
    if r["shrink"]["operations"] != len(ops):
        problems.append("small-shrink: results.json counts %d operations in a case of %d" % (r["shrink"]["operations"], len(ops)))
    # No time to shrink: the failure found is the one reported, and said to be so.
    rc, seconds, doc, out = shmcheck_json(shmcheck, ["properties", "--impl", MUTANT, "--property", "stateful-sequences", "--seed", "1",
                                                     "--cases", "300", "--shrink-budget-s", "0"])
    r = doc["results"][0]
    print("small-shrink: with no shrink budget: exit %d in %.1f s: %s" % (rc, seconds, r["message"][:120]))
    if r["verdict"] != "fail" or "not fully shrunk: 0 steps, budget 0 s" not in r["message"] or r["shrink"]["complete"]:
        problems.append("small-shrink: a failure not shrunk for want of budget is not reported as such: %s" % r["message"])
    found = out[out.find("found        "):out.find("  shrinking it")]
    if r.get("counterexample", "?") not in found:
        problems.append("small-shrink: with no shrink budget the counterexample is not the case found")


def every_suite(shmcheck, problems):
    rc, seconds, doc, _ = shmcheck_json(shmcheck, ["run", "--impl", MUTANT, "--suite", "spec", "--seed", "1"])
    fails = [r["case"] for r in doc["results"] if r["verdict"] == "fail"]
    print("every-suite: spec: exit %d in %.1f s, %d of %d cases failed" % (rc, seconds, len(fails), len(doc["results"])))
    if rc != 1 or not fails:
        problems.append("every-suite: the spec suite on %s exits %d with %d failures" % (MUTANT, rc, len(fails)))
    budget = 8
    rc, seconds, doc, _ = shmcheck_json(shmcheck, ["stress", "counter", "torn", "ring", "--impl", MUTANT, "--size", "quick", "--seed", "1",
                                                   "--budget-s", str(budget)])
    fails = [r["case"] for r in doc["results"] if r["verdict"] == "fail"]
    print("every-suite: stress: exit %d in %.1f s, %d of %d cases failed: %s" % (rc, seconds, len(fails), len(doc["results"]),
                                                                             ", ".join(fails)))
    if rc != 1 or not fails:
        problems.append("every-suite: the stress suite on %s exits %d with %d failures" % (MUTANT, rc, len(fails)))
    for r in doc["results"]:
        # A trial starts before the budget ends and is bounded by its own timeout (quick: 10 or
        # 20 s): the budget plus one trial.
        if r["seconds"] > budget + 20 + MARGIN_S:
            problems.append("every-suite: stress case %s took %.1f s with a budget of %d s" % (r["case"], r["seconds"], budget))


def killed(shmcheck, problems):
    work = tempfile.mkdtemp()
    path, log = os.path.join(work, "results.json"), os.path.join(work, "stdout.log")
    # A long shrink budget and many runs per candidate: the kill lands while a failure found
    # is being shrunk.
    argv = [shmcheck, "run", "--impl", MUTANT, "--suite", "spec", "--suite", "property", "--seed", "1", "--cases", "300",
            "--shrink-budget-s", "600", "--reruns", "200", "--json", path]
    with open(log, "w") as out:
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    found = False
    while time.time() < deadline and p.poll() is None and not found:
        time.sleep(0.2)
        with open(log) as f:
            found = "\nfound " in f.read()
    time.sleep(0.5)
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGKILL)  # shmcheck and the drivers it started: the group made for it
    p.wait()
    with open(log) as f:
        text = f.read()
    try:
        with open(path) as f:
            doc = json.load(f)
        invalid = validate(path)
    except ValueError as e:
        doc, invalid = {}, "results.json does not parse after SIGKILL: %s" % e
    running = doc.get("run", {}).get("running", {})
    print("killed: after %d results; running: %s %s; found recorded: %s; the log ends %r" % (
        len(doc.get("results", [])), running.get("suite"), running.get("case"), "found" in running, text[-60:]))
    if not found:
        problems.append("killed: no failure was printed as found within 120 s")
    if invalid:
        problems.append("killed: " + invalid)
    # Every failure the log printed as found is in results.json: recorded as the property's
    # fail, or, for the one still shrinking when the kill came, in run.running. (The kill comes
    # 0.5 s after the first "found": that property may be done and the next one running.)
    recorded = {r["case"] for r in doc.get("results", []) if r.get("verdict") == "fail"}
    for case in re.findall(r"^found\s+\S+\s+(\S+):", text, re.M):
        if case not in recorded and not (running.get("case") == case and "found" in running):
            problems.append("killed: results.json does not hold the failure found in %s (running: %r)" % (case, running))
    if text and not text.endswith("\n"):
        problems.append("killed: the log stops mid-line: %r" % text[-80:])
    if len(doc.get("results", [])) < 100:
        problems.append("killed: results.json lost the spec suite's results")


CHECKS = {"found-in-budget": found_in_budget, "inconclusive": inconclusive, "small-shrink": small_shrink,
          "every-suite": every_suite, "killed": killed}


def main(shmcheck, names):
    problems = []
    for name in names or sorted(CHECKS):
        CHECKS[name](shmcheck, problems)
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))

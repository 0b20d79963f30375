"""Runs `shmcheck faults` on one implementation and checks each case's verdict and outcome
against what the implementation must show, that results.json is valid and carries a faults row
per case, and that the run left nothing on the machine: no /dev/shm entry, no SysV segment, no
process of the driver's. Prints each case's outcome.

Usage: faults_suite.py SHMCHECK SPEC [CASE=VERDICT[/OUTCOME][|...] ...]
CASE is an id without "faults/" (a name may end in *); VERDICT may be written "fail(expected)".
Cases not named must pass (works or refused)."""
from __future__ import print_function

import fnmatch
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from reports.validate_results import validate  # noqa: E402


def dev_shm():
    return set(os.listdir("/dev/shm"))


def sysv_segments():
    with open("/proc/sysvipc/shm") as f:
        return set(line.split()[1] for line in f.readlines()[1:])


def driver_processes(token):
    """The processes whose environment carries this run's token: what this run started and
    nothing of the tests ctest runs beside it."""
    out = set()
    marker = ("SHMCHECK_FAULTS_TEST=%s" % token).encode()
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/environ" % pid, "rb") as f:
                if marker in f.read().split(b"\0"):
                    out.add(pid)
        except OSError:
            continue
    return out


def main(shmcheck, spec, rules):
    wanted = []
    for rule in rules:
        pattern, alternatives = rule.split("=", 1)
        wanted.append((pattern, alternatives.split("|")))
    token = "%d-%s" % (os.getpid(), os.urandom(6).hex())
    before = (dev_shm(), sysv_segments(), driver_processes(token))
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        env = dict(os.environ, SHMCHECK_FAULTS_TEST=token)
        rc = subprocess.call([shmcheck, "faults", "--impl", spec, "--seed", "1", "--json", path], stdout=subprocess.DEVNULL, env=env)
        with open(path) as f:
            doc = json.load(f)
        invalid = validate(path)
    finally:
        os.unlink(path)
    problems = [invalid] if invalid else []
    rows = dict((row["case"], row) for row in doc.get("faults", {}).get("cases", []))
    for r in doc["results"]:
        case = r["case"][len("faults/"):]
        allowed = ["pass"]
        for pattern, alternatives in wanted:
            if fnmatch.fnmatch(case, pattern):
                allowed = alternatives
                break
        row = rows.get(r["case"])
        if row is None:
            problems.append("%s: no row in results.json's faults.cases" % case)
            continue
        verdict = r["verdict"] + ("(expected)" if r["expected"] else "")
        got = "%s/%s" % (verdict, row["outcome"])
        ok = False
        for a in allowed:
            want_verdict, _, want_outcome = a.partition("/")
            ok = ok or (want_verdict == verdict and want_outcome in ("", row["outcome"]))
        first = row["first_affected"]
        print("%-18s %-32s %s%s" % (case, got, row["detail"][:100], " (step %d: %s)" % (first["step"], first["op"]) if first else ""))
        if not ok:
            problems.append("%s: %s, expected one of %s" % (case, got, " ".join(allowed)))
        if row["verdict"] != r["verdict"]:
            problems.append("%s: the faults row says %s, the results row %s" % (case, row["verdict"], r["verdict"]))
    if not doc["results"]:
        problems.append("no case ran")
    after = (dev_shm(), sysv_segments(), driver_processes(token))
    for what, b, a in zip(("/dev/shm entries", "SysV segments", "driver processes"), before, after):
        if a - b:
            problems.append("left on the machine: %s %s" % (what, sorted(a - b)))
    if rc not in (0, 1):
        problems.append("shmcheck faults exited %d" % rc)
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))

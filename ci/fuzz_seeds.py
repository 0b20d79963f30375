#!/usr/bin/env python3
"""Seed corpora for ci/fuzz, from real data only: OUT/<target>/ for every fuzz target.

Usage: ci/fuzz_seeds.py SOURCE_ROOT BUILD_DIR OUT

  fuzz_driver_answer  request + "\\n" + answer pairs of real traffic: protocol/conformance.py
                      --record against the CPython driver, the reference (shmcheck driver ref)
                      and the Node example driver, whichever are there
  fuzz_hello          the hello answers of that traffic
  fuzz_item_codec     "\\0" + every item of that traffic (requests' item/items/init, get results)
  fuzz_expectations   drivers/**/expectations*.json and drivers/python/expectations/*.json
  fuzz_reproduce      reproduce strings of real failures: shmcheck properties on seeded faults
  reports             results.json files: `shmcheck run --impl ref --suite spec` and
                      reports/tests/data/*.json

What cannot be made (a driver or shmcheck missing) is said and left out; every target gets at
least one seed. Standard library only.
"""
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile


def put(out, target, data):
    """Writes one seed, named by its content (the same seed twice is one file)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def record(root, driver, tmp):
    """The traffic of one conformance run: [(request line, answer line)]."""
    path = os.path.join(tmp, "traffic-%d.jsonl" % abs(hash(tuple(driver))))
    cmd = [sys.executable, os.path.join(root, "protocol", "conformance.py"), "--record", path] + driver
    try:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        print("  seeds: %s: not recorded (%s)" % (" ".join(driver), e))
        return []
    pairs, request = [], None
    if not os.path.exists(path):
        return pairs
    with open(path, encoding="utf-8") as f:
        for line in f:
            entry = json.loads(line)
            if "request" in entry:
                request = entry["request"]
            elif "response" in entry and request is not None:
                pairs.append((request, entry["response"]))
                request = None
    print("  seeds: %d answers of %s" % (len(pairs), " ".join(driver)))
    return pairs


def items_of(value):
    """Every item a request or result carries, as JSON values."""
    if isinstance(value, dict):
        for key in ("item", "items", "init"):
            v = value.get(key)
            if isinstance(v, list):
                for x in v:
                    yield x
            elif key in value:
                yield v
        for v in value.values():
            if isinstance(v, (dict, list)):
                for x in items_of(v):
                    yield x
    elif isinstance(value, list):
        for v in value:
            for x in items_of(v):
                yield x


def reproduce_strings(shmcheck, tmp):
    """Reproduce strings of real property failures: the reference with seeded faults."""
    found = []
    for fault in ("lock_kept_on_error", "index_off_by_one", "integer_saturates", "float_as_double"):
        path = os.path.join(tmp, "props-%s.json" % fault)
        try:
            subprocess.run([shmcheck, "properties", "--impl", "mutant:" + fault, "--cases", "100", "--seed", "1",
                            "--expect", "none", "--json", path],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError, subprocess.TimeoutExpired) as e:
            print("  seeds: properties on mutant:%s: %s" % (fault, e))
            continue
        for row in doc.get("results", []):
            text = json.dumps(row)
            # The token follows --reproduce in the row's replay command.
            repro = row.get("repro", "")
            if "--reproduce " in repro:
                found.append(repro.split("--reproduce ", 1)[1].split(" ")[0])
            elif "reproduce" in text:
                found.extend(v for k, v in row.items() if k == "reproduce" and isinstance(v, str))
    print("  seeds: %d reproduce strings" % len(found))
    return found


def main(argv):
    root, build, out = argv[1:4]
    shutil.rmtree(out, ignore_errors=True)
    shmcheck = os.path.join(build, "bin", "shmcheck")
    have_shmcheck = os.access(shmcheck, os.X_OK)
    tmp = tempfile.mkdtemp(prefix="shmcheck-fuzz-seeds-")
    try:
        drivers = [["/usr/bin/python3", os.path.join(root, "drivers", "python", "driver.py")]]
        if have_shmcheck:
            drivers.append([shmcheck, "driver", "ref"])
        if shutil.which("node"):
            drivers.append(["node", os.path.join(root, "drivers", "node", "driver.js")])
        for driver in drivers:
            for request, answer in record(root, driver, tmp):
                put(out, "fuzz_driver_answer", request + "\n" + answer)
                try:
                    req, resp = json.loads(request), json.loads(answer)
                except ValueError:
                    continue  # a request sent invalid on purpose
                if isinstance(req, dict) and req.get("op") == "hello":
                    put(out, "fuzz_hello", answer)
                for item in list(items_of(req)) + ([resp.get("result")] if isinstance(req, dict) and
                                                   req.get("op") in ("get", "value", "raw") else []):
                    put(out, "fuzz_item_codec", b"\0" + json.dumps(item).encode())
        for odd in ({"int": "-170141183460469231731687303715884105728"}, {"float": "nan"}, {"bytes": "\u00ff\u0000"},
                    {"str": "\U0010ffff"}, 9007199254740993, -0.0):
            put(out, "fuzz_item_codec", b"\0" + json.dumps(odd).encode())
        for path in sorted(glob.glob(os.path.join(root, "drivers", "**", "expectations*.json"), recursive=True) +
                           glob.glob(os.path.join(root, "drivers", "python", "expectations", "*.json"))):
            with open(path, "rb") as f:
                put(out, "fuzz_expectations", f.read())
        if have_shmcheck:
            for s in reproduce_strings(shmcheck, tmp):
                put(out, "fuzz_reproduce", s)
            results = os.path.join(tmp, "results.json")
            subprocess.run([shmcheck, "run", "--impl", "ref", "--suite", "spec", "--json", results],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
            if os.path.exists(results):
                with open(results, "rb") as f:
                    put(out, "reports", f.read())
        else:
            print("  seeds: no %s: no reproduce strings, no fresh results.json" % shmcheck)
        for path in sorted(glob.glob(os.path.join(root, "reports", "tests", "data", "*.json"))):
            with open(path, "rb") as f:
                put(out, "reports", f.read())
        put(out, "fuzz_reproduce", "zero-fill-from-size:0")  # the least a target starts from
        for target in ("fuzz_driver_answer", "fuzz_hello", "fuzz_item_codec", "fuzz_expectations"):
            put(out, target, "{}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for target in sorted(os.listdir(out)):
        print("  seeds: %-20s %d" % (target, len(os.listdir(os.path.join(out, target)))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

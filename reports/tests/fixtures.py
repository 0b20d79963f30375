"""Synthetic shmcheck-results/1 documents for the report tests. FIXTURES, not real runs.

They imitate what the C++ side will write (case names, messages and repro commands are
modelled on a real `shmcheck run`), deterministically from a seed. The small ones are
committed under data/ so a reader can open them; test_fixtures checks that data/ still
matches this file. Regenerate with:  /usr/bin/python3 -m reports.tests.fixtures
"""

import copy
import json
import math
import pathlib
import random

DATA = pathlib.Path(__file__).resolve().parent / "data"
LABEL = "FIXTURE: synthetic data for reports/tests, not the output of a real run"
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(2)>'
TYPECODES = "cubBhHiIlLqQfd"


def wilson(k, n, z=1.959964):
    """The Wilson score interval of k successes in n trials (what the C++ side computes)."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def host(os_name="Debian GNU/Linux 12 (bookworm)", kernel="Linux 6.1.0-18-amd64", machine="x86_64",
         cpu="Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz"):
    return {"os": os_name, "kernel": kernel, "machine": machine, "cpu_model": cpu, "cores": 2,
            "compiler": "GCC 12.2.0", "libraries": {"boost": "1.74.0", "fmt": "9.1.0", "glibc": "2.36", "nlohmann_json": "3.11.2"}}


def caps(typecodes=TYPECODES, robust=True):
    sizes = {"c": [1, 1], "u": [4, 4], "b": [1, 1], "B": [1, 1], "h": [2, 2], "H": [2, 2], "i": [4, 4], "I": [4, 4],
             "l": [8, 8], "L": [8, 8], "q": [8, 8], "Q": [8, 8], "f": [4, 4], "d": [8, 8]}
    return {"typecodes": typecodes, "sizes": {c: sizes[c] for c in typecodes}, "robust_lock": robust, "atomic_ops": robust,
            "child": True, "async_child": robust, "start_methods": ["fork", "spawn", "forkserver"],
            "scenarios": ["counter-increment", "torn-read-d"]}


def implementations(machine="x86_64"):
    plat = {"os": "linux", "machine": machine, "detail": f"Linux 6.1.0-18 {machine}"}
    return [
        {"spec": "ref", "name": "shmcheck-ref", "version": "0.1.0", "platform": plat, "capabilities": caps()},
        {"spec": "boost", "name": "boost-interprocess", "version": "1.74.0", "platform": plat, "capabilities": caps(robust=False)},
        {"spec": "cpython:/root/.pyenv/versions/2.7.18/bin/python", "name": "cpython", "version": "2.7.18", "platform": plat,
         "capabilities": caps("cbBhHiIlLfd", robust=False)},
        {"spec": "cpython:/root/.pyenv/versions/3.12.1/bin/python", "name": "cpython", "version": "3.12.1", "platform": plat,
         "capabilities": caps(robust=False)},
        {"spec": "cpython:python3.99", "broken": "cpython (python3.99): exited early (status 127) before answering"},
    ]


SPEC_CASES = ["value-default-zero", "value-initial", "value-lock-recursive", "array-len", "array-slice-assign",
              "array-slice-wrong-length", "get-lock-shared", "raw-value-no-lock", "dead-owner-released",
              "child-sees-parent-write"] + [f"matrix-{c}-{shape}-{lock}" for c in TYPECODES
                                          for shape in ("value", "array") for lock in ("locked", "raw")]
PROPERTIES = [f"P{n:02d}-{name}" for n, name in enumerate(
    ["roundtrip-item", "slice-model", "lock-recursion", "child-visibility", "negative-index", "overflow-wraps",
     "copy-independent", "lock-shared-between-objects"], start=1)]


def row(impl, suite, case, verdict="pass", message="", expected=False, expectation="", seconds=0.0012, **extra):
    source = {"spec": "§6 test_value", "property": "properties/locks.cpp", "stress": "stress/scenarios.cpp",
              "lifetime": "lifetime/census.cpp", "faults": "faults/cases.cpp"}[suite]
    r = {"impl": impl, "suite": suite, "case": case, "source": source,
         "verdict": verdict, "expected": expected, "expectation": expectation, "message": message,
         "repro": f"build/bin/shmcheck run --impl {impl} --suite {suite} --case {case} --seed 1", "seconds": seconds}
    r.update(extra)
    return r


def results(impls, rng):
    out = []
    working = [i["spec"] for i in impls if "broken" not in i]
    py27, py312 = working[2], working[3]
    for spec in working:
        for case in SPEC_CASES:
            verdict, message, expected, why = "pass", "", False, ""
            tc = case.split("-")[1] if case.startswith("matrix-") else None
            if tc and tc not in next(i for i in impls if i["spec"] == spec)["capabilities"]["typecodes"]:
                verdict, message = "unsupported", f"the implementation has no typecode '{tc}'"
            elif spec == py27 and case.startswith("matrix-c-"):
                verdict, expected = "fail", True
                message = 'step 7 {"index":2,"item":66,"obj":"o","op":"set"}: unexpected type_error (TypeError): one character string expected'
                why = "2.7's c_char takes only a 1-character str, not an int (doc §3)"
            elif spec in (py27, py312) and case == "dead-owner-released":
                verdict, expected = "fail", True
                message = "child 4242 died holding the lock; acquire(timeout=2) in the parent returned False"
                why = "CPython's lock is a plain semaphore: a dead owner is never reported (SEMANTICS.md §4)"
            elif spec == "boost" and case == "array-slice-wrong-length":
                verdict = "fail"
                message = "step 4 set_slice [0:3] with 2 items: expected value_error, got ok"
            out.append(row(spec, "spec", case, verdict, message, expected, why, seconds=round(rng.uniform(2e-5, 4e-3), 6)))
        for prop in PROPERTIES:
            extra = {"seed": 1, "reproduce": f"{prop}:1:0"}
            if spec == "boost" and prop.endswith("lock-recursion"):
                out.append(row(spec, "property", prop, "fail", "Falsifiable after 17 tests and 5 shrinks",
                               counterexample='[create value i lock=own, acquire, acquire(blocking=false) -> False, expected True]',
                               seconds=0.41, **extra))
            elif spec == py27 and prop.endswith("child-visibility"):
                out.append(row(spec, "property", prop, "broken", "driver crashed (signal 11) during child_start",
                               seconds=1.2, **extra))
            else:
                out.append(row(spec, "property", prop, seconds=round(rng.uniform(0.05, 0.9), 3), **extra))
        out.append(row(spec, "stress", "counter-increment/unlocked",
                       "pass" if spec != "ref" else "inconclusive",
                       "" if spec != "ref" else "unlocked mode lost no update in 40 trials: cannot tell whether the lock matters here",
                       seconds=3.2))
        out.append(row(spec, "lifetime", "child-killed-holding-lock",
                       "fail" if spec == py312 else "pass",
                       "/dev/shm/psm_3f9a2c and 1 process left after the case" if spec == py312 else "",
                       expected=spec == py312,
                       expectation="resource_tracker unlinks only at interpreter exit (bpo-39959)" if spec == py312 else "",
                       seconds=0.8))
    return out


def stress(impls, rng):
    runs = []
    for spec in [i["spec"] for i in impls if "broken" not in i][:3]:
        params = {"processes": 4, "increments": 10000, "typecode": "i", "start": "fork"}
        for mode, base_rate in (("locked", 0.0), ("get_lock", 0.0), ("unlocked", 0.93 if spec != "ref" else 0.0)):
            trials = []
            for _ in range(40):
                expected = params["processes"] * params["increments"]
                lost = 0 if rng.random() > base_rate else int(rng.lognormvariate(5.5, 0.8))
                seconds = rng.uniform(0.05, 0.09) * (3.1 if mode != "unlocked" else 1)
                trials.append({"expected": expected, "observed": expected - lost, "lost": lost, "seconds": round(seconds, 4),
                               "ops_per_second": round(expected / seconds)})
            lost = sorted(t["lost"] for t in trials)
            detected = sum(x > 0 for x in lost)
            low, high = wilson(detected, len(trials))
            runs.append({"impl": spec, "scenario": "counter-increment", "mode": mode, "params": params, "trials": trials,
                         "summary": {"trials": len(trials), "lost": {"min": lost[0], "median": lost[len(lost) // 2],
                                                                     "mean": round(sum(lost) / len(lost), 2), "max": lost[-1]},
                                     "detected": detected, "detection_probability": detected / len(trials),
                                     "wilson_low": round(low, 4), "wilson_high": round(high, 4), "torn_reads": 0, "reads": 0}})
    detection = []
    for run in runs:
        if run["mode"] != "unlocked":
            continue
        s = run["summary"]
        low = s["wilson_low"]
        need = None if low <= 0 else max(1, math.ceil(math.log1p(-0.999) / math.log1p(-low)))
        per_trial = 0.07
        detection.append({"impl": run["impl"], "case": "counter-value-raw", "scenario": "counter", "trials": s["trials"],
                          "detected": s["detected"], "detection_probability": s["detection_probability"], "wilson_low": low,
                          "wilson_high": s["wilson_high"], "seconds_per_trial": per_trial, "confidence": 0.999,
                          "trials_needed": need, "seconds_needed": None if need is None else need * per_trial})
    return {"confidence": 0.95, "runs": runs, "detection": detection}


def typecode_table(long_size=8, wchar=4, char_signed=True, i64_align=8, lock_free16=True):
    t = {"c": ("char", 1, 1, char_signed), "u": ("wchar_t", wchar, wchar, wchar == 4), "b": ("signed char", 1, 1, True),
         "B": ("unsigned char", 1, 1, False), "h": ("short", 2, 2, True), "H": ("unsigned short", 2, 2, False),
         "i": ("int", 4, 4, True), "I": ("unsigned int", 4, 4, False), "l": ("long", long_size, long_size, True),
         "L": ("unsigned long", long_size, long_size, False), "q": ("long long", 8, 8, True),
         "Q": ("unsigned long long", 8, 8, False), "f": ("float", 4, 4, True), "d": ("double", 8, 8, True)}
    out = {}
    for code, (ctype, size, align, signed) in t.items():
        bits = 8 * size
        if code in "fd":
            lo, hi = (-3.4028234663852886e38, 3.4028234663852886e38) if code == "f" else (-1.7976931348623157e308, 1.7976931348623157e308)
        else:
            lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        in_struct = i64_align if size == 8 else align
        out[code] = {"ctype": ctype, "size": size, "align": align, "align_in_struct": in_struct, "signed": signed,
                     "min": lo if bits < 64 or code in "fd" else str(lo), "max": hi if bits < 64 or code in "fd" else str(hi),
                     "lock_free": size <= 8 and lock_free16}
    return out


def audit():
    def facts(wchar=4, char_signed=True, endian="little", ptr=8, page=4096, memfd=True, robust=True):
        return {"wchar_size": wchar, "char_signed": char_signed, "endianness": endian, "pointer_size": ptr, "page_size": page,
                "memfd": memfd, "shm_open": True, "robust_mutex": robust, "process_shared_semaphore": True}
    return {
        "baseline": "linux-x86_64",
        "abis": [
            {"abi": "linux-x86_64", "how": "executed", "triple": "x86_64-linux-gnu", "facts": facts(), "typecodes": typecode_table()},
            {"abi": "linux-i686", "how": "executed", "triple": "i686-linux-gnu", "facts": facts(ptr=4, robust=None),
             "typecodes": typecode_table(long_size=4, i64_align=4)},
            {"abi": "linux-aarch64", "how": "executed", "triple": "aarch64-linux-gnu", "facts": facts(char_signed=False, robust=False),
             "typecodes": typecode_table(char_signed=False)},
            {"abi": "linux-s390x", "how": "executed", "triple": "s390x-linux-gnu",
             "facts": facts(char_signed=False, endian="big", robust=False), "typecodes": typecode_table(char_signed=False)},
            {"abi": "windows-x64", "how": "probed", "triple": "x86_64-pc-windows-msvc",
             "facts": {**facts(wchar=2, page=None, memfd=None, robust=None), "shm_open": None},
             "typecodes": typecode_table(long_size=4, wchar=2)},
            {"abi": "cpython-3.12-linux-x86_64", "how": "cpython", "facts": {"pointer_size": 8, "endianness": "little"},
             "typecodes": typecode_table()},
        ],
        "findings": [
            {"abis": ["linux-i686", "windows-x64"], "typecode": "l", "severity": "error",
             "text": "'l' and 'L' are 4 bytes here and 8 on 64-bit Linux: an Array('l') shared between them is misread."},
            {"abis": ["windows-x64"], "typecode": "u", "severity": "warning",
             "text": "'u' is a 2-byte wchar_t (UTF-16): characters outside the BMP take two elements."},
            {"abis": ["linux-aarch64", "linux-s390x"], "typecode": "c", "severity": "info",
             "text": "char is unsigned: 'c' round-trips bytes the same, but C code reading it as char sees 0..255."},
            {"abis": ["linux-i686"], "typecode": "d", "severity": "warning",
             "text": "double is aligned to 4 inside a struct: a struct of Values laid out on x86-64 does not match."},
            {"abis": ["linux-aarch64", "linux-s390x"], "typecode": None, "severity": "warning",
             "text": "robust mutexes do not report a dead owner under qemu-user: the dead-owner cases are inconclusive there."},
        ],
    }


def census(dev_shm=(), processes=(), fds=7, mappings=41):
    return {"dev_shm": list(dev_shm), "sysv": [], "processes": list(processes), "fds": fds, "mappings": mappings}


def lifetime(impls):
    cases = []
    for spec in [i["spec"] for i in impls if "broken" not in i]:
        leaked = spec.endswith("3.12.1/bin/python")
        after = census(["psm_3f9a2c"] if leaked else [], ["4242 python -m multiprocessing.resource_tracker"] if leaked else [],
                       fds=8 if leaked else 7)
        before = census()
        cases.append({"impl": spec, "case": "child-killed-holding-lock", "before": before, "after": after, "diff": {
            "dev_shm": {"added": after["dev_shm"], "removed": []}, "sysv": {"added": [], "removed": []},
            "processes": {"added": after["processes"], "removed": []},
            "fds": after["fds"] - before["fds"], "mappings": after["mappings"] - before["mappings"]}})
    return {"cases": cases}


FAULTS = {  # case -> the fault in words, as faults/cases.cpp says it
    "faults/shm-64mib": "/dev/shm and /tmp of 64 MiB (Docker's default)",
    "faults/shm-1mib": "/dev/shm and /tmp of 1 MiB",
    "faults/shm-64kib": "/dev/shm and /tmp of 64 KiB, smaller than one object",
    "faults/full-during-use": "/dev/shm and /tmp of 32 MiB, filled by another process between creation and first use",
    "faults/few-descriptors": "RLIMIT_NOFILE at what the driver holds open plus 16",
    "faults/little-memory": "RLIMIT_AS at the driver's address space plus 256 MiB",
    "faults/stopped-holder": "the process holding a lock is stopped (SIGSTOP) while others wait with acquire(timeout=0.5), then continued",
}
ENOSPC = {"kind": "os_error", "type": "OSError", "message": "[Errno 28] No space left on device"}
SIGBUS_EXPECTATION = ("CPython looks for a directory with room for the heap's arena and falls back silently; the pages are "
                      "not reserved, so the first write past the tmpfs's room is a SIGBUS (issue 18)")


def _steps(*steps):
    """(op, what, ok, ms, note) -> the rows of a faults case's steps."""
    return [{"op": op, "what": what, "ok": ok, "ms": ms, "note": note} for op, what, ok, ms, note in steps]


def _fault_outcomes(python):
    """case -> (outcome, step affected (1-based) or None, detail, error, signal, left behind, steps, verdict):
    the reference reserves its pages and refuses; a Python of the fixture meets every other outcome."""
    create_8m = ("create", "create a 'b' array of 8000000 bytes (lock none)")
    write_8m = ("set", "write one element in each of its pages and the last (1955 stores)")
    if not python:
        return {
            "faults/shm-64mib": ("works", None, "every operation did what it should", None, None, [],
                                 _steps((*create_8m, True, 2.1, ""), (*write_8m, True, 3.4, ""), ("drop", "drop the 1 object(s) made, and collect", True, 0.2, "")), "pass"),
            "faults/shm-1mib": ("refused", 2, "refused: OSError: [Errno 28] No space left on device", ENOSPC, None, [],
                                _steps(("create", "create a 'b' array of 65536 bytes (lock none)", True, 0.4, ""),
                                       (*create_8m, False, 0.3, "OSError: [Errno 28] No space left on device"),
                                       ("create", "create a 'b' array of 65536 bytes (lock none)", True, 0.3, "")), "pass"),
            "faults/shm-64kib": ("refused", 1, "refused: OSError: [Errno 28] No space left on device", ENOSPC, None, [],
                                 _steps(("create", "create a 'b' array of 1048576 bytes (lock none)", False, 0.2, "OSError: [Errno 28] No space left on device")), "pass"),
            "faults/full-during-use": ("works", None, "every operation did what it should", None, None, [],
                                       _steps((*create_8m, True, 2.4, ""), ("fill", "another process fills /dev/shm and /tmp", True, 31.0, "25165824 and 33554432 bytes written"),
                                              (*write_8m, True, 3.0, "")), "pass"),
            "faults/few-descriptors": ("refused", 3, "refused: OSError: [Errno 24] Too many open files",
                                       {"kind": "os_error", "type": "OSError", "message": "[Errno 24] Too many open files"}, None, [],
                                       _steps(("prlimit", "limit RLIMIT_NOFILE of the driver's processes", True, 0.1, "process 4242: 9 -> 25"),
                                              ("create", "create locked value 0 and a 1048576-byte locked array, and use both", True, 1.2, "8 pairs made"),
                                              ("create", "create locked value 8 and a 1048576-byte locked array, and use both", False, 0.2, "OSError: [Errno 24] Too many open files"),
                                              ("value", "read the 8 objects made back", True, 0.3, "")), "pass"),
            "faults/little-memory": ("not_run", None, "prlimit(RLIMIT_AS) of process 4242: Operation not permitted", None, None, [], [], "unsupported"),
            "faults/stopped-holder": ("works", None, "every operation did what it should", None, None, [],
                                      _steps(("acquire", "a child process takes the lock", True, 3.0, ""), ("SIGSTOP", "stop the holder", True, 0.1, "4243"),
                                             ("acquire", "acquire(timeout=0.5) while the holder is stopped", True, 500.6, "returned false after 501 ms"),
                                             ("SIGCONT", "continue the holder, which releases", True, 0.2, ""),
                                             ("acquire", "acquire the lock once the holder let go", True, 0.1, "")), "pass"),
        }
    return {
        "faults/shm-64mib": ("not_recovered", 4, "not recovered: a 65536-byte array was refused once every object made (the largest 8000000 bytes) "
                             "was dropped: OSError: [Errno 28] No space left on device", ENOSPC, None, [],
                             _steps((*create_8m, True, 4.8, ""), (*write_8m, True, 6.1, ""), ("drop", "drop the 1 object(s) made, and collect", True, 0.9, ""),
                                    ("create", "create a 'b' array of 65536 bytes (lock none)", False, 0.4, "OSError: [Errno 28] No space left on device")), "fail"),
        "faults/shm-1mib": ("signal", 3, "killed by SIGBUS (signal 7)", None, 7, ["/tmp/pymp-k2j1x9q0/"],
                            _steps(("create", "create a 'b' array of 65536 bytes (lock none)", True, 1.5, ""), (*create_8m, True, 3.2, ""),
                                   (*write_8m, False, 12.9, "killed by SIGBUS (signal 7)")), "fail"),
        "faults/shm-64kib": ("wrong_value", 2, "wrong value: element 4096 reads 0, 1 was written", None, None, [],
                             _steps(("create", "create a 'b' array of 4096 bytes (lock none)", True, 1.1, ""),
                                    ("set", "write one element in each of its pages and the last (2 stores)", False, 0.6, "element 4096 reads 0, 1 was written")), "fail"),
        "faults/full-during-use": ("signal", 3, "killed by SIGBUS (signal 7)", None, 7, ["/dev/shm/psm_1234", "/tmp/pymp-abc/"],
                                   _steps((*create_8m, True, 3.9, ""), ("fill", "another process fills /dev/shm and /tmp", True, 28.4, "33554432 and 33554432 bytes written"),
                                          (*write_8m, False, 0.8, "killed by SIGBUS (signal 7)")), "fail"),
        "faults/few-descriptors": ("exited", 2, "exited with status 1: OSError: [Errno 24] Too many open files (in the resource tracker)", None, None,
                                   ["/dev/shm/sem.mp-8x1q"],
                                   _steps(("prlimit", "limit RLIMIT_NOFILE of the driver's processes", True, 0.1, "process 4250: 5 -> 21"),
                                          ("create", "create locked value 0 and a 1048576-byte locked array, and use both", False, 41.0, "exited with status 1")), "fail"),
        "faults/little-memory": ("hang", 2, "hung: no answer to create within 10000 ms", None, None, [],
                                 _steps(("prlimit", "limit RLIMIT_AS of the driver's processes", True, 0.1, "process 4251: 31 MiB -> 287 MiB"),
                                        ("create", "create a 'b' array of 67108864 bytes (lock none)", False, 10000.4, "no answer within 10000 ms")), "fail"),
        "faults/stopped-holder": ("timeout_not_honoured", 3, "acquire(timeout=0.5) returned true after 2410 ms", None, None, [],
                                  _steps(("acquire", "a child process takes the lock", True, 4.1, ""), ("SIGSTOP", "stop the holder", True, 0.1, "4252"),
                                         ("acquire", "acquire(timeout=0.5) while the holder is stopped", False, 2410.2, "returned true after 2410 ms")), "fail"),
    }


def faults(specs):
    """(results rows, faults section) of the faults suite for `specs`: the reference's outcomes for
    'ref', the Python ones for any other (one of its SIGBUS failures expected)."""
    rows, cases = [], []
    for spec in specs:
        python = spec != "ref"
        for case, (outcome, step, detail, error, signal, left, steps, verdict) in _fault_outcomes(python).items():
            repro = f"build/bin/shmcheck faults --impl {spec} --case {case}"  # what shmcheck writes
            first = None if step is None else {"step": step, "op": steps[step - 1]["op"], "what": steps[step - 1]["what"]}
            where = f" at step {step} ({first['op']}: {first['what']})" if first and outcome != "not_run" else ""
            message = "" if outcome == "works" else detail + where
            if left:
                message += f"; left behind {len(left)} entr{'y' if len(left) == 1 else 'ies'}: {', '.join(left)}"
            expected = python and case == "faults/shm-1mib"
            rows.append(row(spec, "faults", case, verdict, message, expected, SIGBUS_EXPECTATION if expected else "",
                            seconds=round(sum(s["ms"] for s in steps) / 1000 + 0.2, 4), source=FAULTS[case], repro=repro))
            cases.append({"impl": spec, "case": case, "fault": FAULTS[case], "verdict": verdict, "outcome": outcome,
                          "first_affected": first, "detail": detail, "error": error, "signal": signal, "left_behind": left,
                          "steps": steps, "repro": repro})
    return rows, {"cases": cases}


def faults_run():
    """A run of the faults suite alone: the reference and Debian's CPython, every outcome."""
    impls = implementations()[:1] + [
        {"spec": "python:/usr/bin/python3", "name": "cpython", "version": "3.11.2",
         "platform": implementations()[0]["platform"], "capabilities": caps(robust=False),
         "language": {"name": "python", "version": "3.11.2"}, "module": {"name": "multiprocessing", "version": None}}]
    rows, section = faults([i["spec"] for i in impls])
    return {
        "schema": "shmcheck-results/1", "x_fixture": LABEL,
        "run": {"started": "2024-05-01T12:00:00Z", "duration_seconds": 41.5, "seed": 1,
                "command": "build/bin/shmcheck run --impl ref --impl python:/usr/bin/python3 --suite faults --seed 1 --out report",
                "git": "13bd1bd05511", "shmcheck": "0.1.0", "host": host()},
        "implementations": impls, "results": rows, "faults": section,
    }


def performance():
    return {"benchmarks": [
        {"name": "value_get/i", "impl": "ref", "value": 3.1, "unit": "ns"},
        {"name": "value_get/i", "impl": "boost", "value": 3.4, "unit": "ns"},
        {"name": "value_get/i", "impl": "cpython 3.12.1", "value": 9120, "unit": "ns"},
        {"name": "array_slice_get/d/1024", "impl": "ref", "value": 412, "unit": "ns"},
        {"name": "lock_acquire_release", "impl": "ref", "value": 19.5, "unit": "ns"},
    ], "ratios": [
        {"name": "cpython 3.12.1 / ref, value_get", "value": 2941.9, "note": "driver round trip over a pipe per access"},
        {"name": "boost / ref, value_get", "value": 1.1, "note": "both are a load from shared memory"},
        {"name": "reference lock / pthread mutex, 2 processes", "value": 0.81, "min": 0.78, "max": 0.84, "repetitions": 5,
         "paired": True, "note": "interleaved"},
    ], "main_job": {"wall_seconds": 612.4, "cores": 2, "implementations": 9, "suites": ["spec", "property", "stress", "audit"],
                    "judged": 2708}}


def full(machine="x86_64", seed=1, kernel="Linux 6.1.0-18-amd64", os_name="Debian GNU/Linux 12 (bookworm)"):
    """A run of every suite on one machine."""
    rng = random.Random(seed)
    impls = implementations(machine)
    return {
        "schema": "shmcheck-results/1", "x_fixture": LABEL,
        "run": {"started": "2024-05-01T12:00:00Z", "duration_seconds": 312.5, "seed": 1,
                "command": "build/bin/shmcheck run --impl ref --impl boost --impl cpython:all --suite all --seed 1 --out report",
                "git": "13bd1bd05511", "shmcheck": "0.1.0", "host": host(os_name, kernel, machine)},
        "implementations": impls, "results": results(impls, rng), "stress": stress(impls, rng), "lifetime": lifetime(impls),
        "audit": audit(), "performance": performance(),
    }


def second_platform():
    """The same run on an arm64 machine: the boost slice bug is gone, 3.12's leak is not."""
    doc = full(machine="aarch64", seed=2, kernel="Linux 6.5.0-1016-azure")
    doc["run"]["host"]["cpu_model"] = "Neoverse-N1"
    for r in doc["results"]:
        if r["impl"] == "boost" and r["case"] == "array-slice-wrong-length":
            r["verdict"], r["message"] = "pass", ""
        if r["impl"] == "ref" and r["case"] == "child-sees-parent-write":
            r["verdict"], r["message"] = "fail", "child read 0 at index 3, parent wrote 7 before starting it"
    return doc


def hostile():
    """Every string an implementation controls carries markup: the page must show it as text."""
    doc = full()
    payload = f"{XSS_SCRIPT} {XSS_ATTR}"
    impl = doc["implementations"][0]
    impl["name"] = f"evil{XSS_SCRIPT}"
    impl["version"] = XSS_ATTR
    impl["platform"]["detail"] = payload
    impl["capabilities"]["typecodes"] = payload
    doc["implementations"][-1]["broken"] = f"refused: {payload}"
    for r in doc["results"][:40]:
        r["verdict"], r["message"] = "fail", f"message {payload}"
        r["counterexample"], r["repro"] = f"counterexample {payload}", f"echo '{payload}'"
        r["case"] = f"case-{XSS_ATTR}-{len(r['case'])}-{r['case']}"
    doc["stress"]["runs"][0]["mode"] = f"mode{XSS_SCRIPT}$x$"
    doc["stress"]["runs"][0]["scenario"] = payload
    doc["audit"]["findings"][0]["text"] = payload
    doc["audit"]["abis"][1]["abi"] = payload
    doc["lifetime"]["cases"][0]["after"]["dev_shm"] = [payload]
    doc["lifetime"]["cases"][0]["diff"]["dev_shm"]["added"] = [payload]
    rows, doc["faults"] = faults(["ref"])
    doc["results"] += rows
    fault = doc["faults"]["cases"][1]
    fault["fault"], fault["detail"], fault["left_behind"] = f"fault {payload}", f"detail {payload}", [payload]
    fault["steps"][1]["what"] = fault["first_affected"]["what"] = f"step {payload}"
    fault["steps"][1]["note"], fault["repro"] = f"note {payload}", f"echo '{payload}'"
    doc["performance"]["benchmarks"][0]["name"] = payload
    doc["run"]["command"] = f"shmcheck run {payload}"
    doc["run"]["host"]["cpu_model"] = payload
    return doc


def large(cases=3000):
    """3,000 cases (a full run's order of magnitude) with every tenth one failing verbosely."""
    doc = full()
    rng = random.Random(3)
    template = doc["results"][0]
    specs = [i["spec"] for i in doc["implementations"] if "broken" not in i]
    rows = []
    for n in range(cases):
        r = copy.deepcopy(template)
        r["impl"], r["case"] = specs[n % len(specs)], f"generated-case-{n:05d}"
        r["repro"] = f"build/bin/shmcheck run --impl {r['impl']} --suite spec --case {r['case']} --seed 1"
        r["seconds"] = round(rng.uniform(1e-5, 1e-2), 6)
        if n % 10 == 0:
            r["verdict"] = "fail"
            r["message"] = "step 12 " + json.dumps({"op": "set_slice", "obj": "a", "slice": [0, 64, 1], "items": list(range(64))})
            r["counterexample"] = "\n".join(f"  op {k}: set a[{k}] = {k * 7}" for k in range(20))
        rows.append(r)
    doc["results"] = rows
    return doc


COMMITTED = {"full-linux-x86_64.json": full, "full-linux-aarch64.json": second_platform, "hostile.json": hostile,
             "faults.json": faults_run}


def dump(doc):
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    for name, build in COMMITTED.items():
        (DATA / name).write_text(dump(build()), encoding="utf-8")
        print(f"wrote {DATA / name}")

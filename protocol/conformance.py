"""Protocol conformance checks for a driver: what every driver must do, whatever it
implements. Usage: conformance.py [--record FILE] [--schema FILE] DRIVER-COMMAND...

It speaks raw lines to the driver (so that it can also send what shmcheck never would: bad
JSON, unknown ops) and checks the answers' shapes and error kinds against
protocol/PROTOCOL.md. The error kinds and the fields each stress observation requires are read
from the schema (--schema, by default driver-protocol.schema.json next to this file). Each
scenario the driver lists in its hello is run once with tiny params. Exit status 0 when every
check passes; each failure is printed. Standard library only; Python 2.7 and 3.x.

--record FILE writes the traffic to FILE, one JSON object a line: {"request": LINE} or
{"response": LINE}, and "invalid": true on the requests it sends invalid on purpose
(schema_traffic.py validates the rest against the schema)."""
from __future__ import print_function

import io
import json
import os
import subprocess
import sys
import time

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "driver-protocol.schema.json")
TEXT = (str, type(u""))
KINDS = set()  # the schema's $defs/error_kind, read by main()
OBSERVATIONS = {}  # scenario -> the fields its observation requires ($defs/observations)

# One small, fast run of each scenario: observations of the real shape, in well under a second
# each (owner-death waits its bound when the lock is not recovered).
STRESS_PROBES = {
    "counter": {"shape": "array", "mode": "held", "procs": 2, "ops": 100, "history_every": 10, "timeout": 5},
    "torn": {"target": "slice", "k": 4, "locked": True, "readers": 1, "writes": 100, "min_reads": 10, "timeout": 5},
    "ring": {"variant": "mpmc", "producers": 2, "consumers": 2, "items": 20, "size": 5, "timeout": 5},
    "owner-death": {"waiters": 1, "bound": 0.2, "timeout": 5},
    "lifetime-cycles": {"cycles": 20, "warmup": 10, "size": 16, "timeout": 5},
    "lifetime-create": {"objects": 2},
    "lifetime-outlive": {"timeout": 5},
    "lifetime-exec": {"timeout": 5},
}


def load_schema(path):
    """The error kinds and the observations' required fields, from the schema."""
    with io.open(path, encoding="utf-8") as f:
        defs = json.load(f)["$defs"]
    KINDS.update(row["const"] for row in defs["error_kind"]["oneOf"])
    for scenario, definition in defs["observations"].items():
        if isinstance(definition, dict):
            OBSERVATIONS[scenario] = definition.get("required", [])


failures = []
passes = [0]


def check(cond, what):
    if cond:
        passes[0] += 1
    else:
        failures.append(what)
        print("FAIL:", what)


class Driver(object):
    def __init__(self, argv, record=None):
        # A prefix of its own, as shmcheck gives (PROTOCOL.md): what it leaves under it is
        # removed at the end (leftovers()).
        self.prefix = "shmcheck-conformance-%d-" % os.getpid()
        env = dict(os.environ, SHMCHECK_SHM_PREFIX=self.prefix)
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, universal_newlines=True, env=env)
        self.next_id = 0
        self.record = record

    def leftovers(self):
        """Removes and returns the /dev/shm entries named with its prefix (sem.PREFIX for
        named semaphores): not a protocol matter, but nothing is left behind."""
        if not os.path.isdir("/dev/shm"):
            return []
        left = sorted(n for n in os.listdir("/dev/shm") if n.startswith(self.prefix) or n.startswith("sem." + self.prefix))
        for n in left:
            try:
                os.unlink(os.path.join("/dev/shm", n))
            except OSError:
                pass
        return left

    def log(self, entry):
        if self.record:
            self.record.write(json.dumps(entry) + "\n")

    def raw(self, line, invalid=False):
        self.log({"request": line, "invalid": invalid})
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        answer = self.p.stdout.readline()
        self.log({"response": answer.rstrip("\n")})
        check(answer.endswith("\n"), "an answer is one whole line, got %r" % answer[:200])
        return json.loads(answer)

    def send(self, invalid=False, **req):
        req["id"] = self.next_id
        self.next_id += 1
        resp = self.raw(json.dumps(req), invalid)
        check(resp.get("id") == req["id"], "answer to %s carries its id, got %r" % (req["op"], resp.get("id")))
        check_outcome(resp, req["op"])
        return resp


def check_outcome(o, what):
    check(isinstance(o, dict) and isinstance(o.get("ok"), bool), "%s: outcome has a boolean ok: %r" % (what, o))
    if o.get("ok"):
        check("result" in o, "%s: a successful outcome has a result" % what)
    else:
        e = o.get("error", {})
        check(e.get("kind") in KINDS, "%s: error kind %r is in the vocabulary" % (what, e.get("kind")))
        check(isinstance(e.get("message"), TEXT), "%s: error message is text" % what)


def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def kind(resp):
    return None if resp.get("ok") else resp["error"]["kind"]


def main(argv):
    record, schema = None, SCHEMA
    while argv[:1] in (["--record"], ["--schema"]):
        if argv[0] == "--record":
            record = open(argv[1], "w")
        else:
            schema = argv[1]
        argv = argv[2:]
    load_schema(schema)
    d = Driver(argv, record)
    hello = d.send(op="hello", protocol=1)
    check(hello["ok"], "hello succeeds")
    h = hello.get("result", {})
    check(h.get("protocol") == 1, "hello says protocol 1")
    for key in ("name", "version", "platform", "capabilities"):
        check(key in h, "hello has " + key)
    caps = h.get("capabilities", {})
    tcs = caps.get("typecodes", "")
    check(len(tcs) >= 12 and "i" in tcs and "d" in tcs, "typecodes listed: %r" % tcs)
    for code in tcs:
        size = caps.get("sizes", {}).get(code)
        check(size and size[0] >= 1 and size[1] >= 1, "size and alignment for %r: %r" % (code, size))

    bad = d.raw("this is not json", invalid=True)
    check(bad.get("id") is None and kind(bad) == "other", "a line that is not JSON is answered with id null: %r" % bad)
    check(kind(d.send(op="no-such-op", invalid=True)) == "other", "an unknown op is refused as malformed")
    check(kind(d.send(op="get", obj="nobody", index=0)) == "other", "an unknown handle is refused as malformed")

    a = d.send(op="create", shape="array", tc="i", size=3, **{"as": "a"})
    check(a["ok"], "create an array")
    check(kind(d.send(op="get", obj="a", index=3)) == "index_error", "index past the end is index_error")
    check(kind(d.send(op="set", obj="a", index=0, item=1.5)) == "type_error", "a float into 'i' is type_error")
    check(kind(d.send(op="get_slice", obj="a", slice=[None, None, 0])) == "value_error", "slice step 0 is value_error")
    check(kind(d.send(op="create", shape="value", tc="x")) == "type_error", "a bad typecode is type_error")

    batch = d.send(op="batch", ops=[{"op": "set", "obj": "a", "index": 0, "item": 4294967301},
                                    {"op": "get", "obj": "a", "index": 9},
                                    {"op": "get_slice", "obj": "a", "slice": [None, None, None]}])
    res = batch.get("result", [])
    check(len(res) == 3, "a batch of 3 answers 3 outcomes")
    if len(res) == 3:
        for o in res:
            check_outcome(o, "batch item")
        check(kind(res[1]) == "index_error", "an error inside a batch is an outcome, not the batch's")
        check(res[2].get("result") == [5, 0, 0], "the batch went on after the error: %r" % res[2])

    # The other operations once each, so that schema_traffic.py checks their results' shapes.
    more = d.send(op="batch", ops=[{"op": "len", "obj": "a"},
                                   {"op": "get_obj", "obj": "a", "as": "a_raw"},
                                   {"op": "copy", "obj": "a_raw", "as": "a_copy"},
                                   {"op": "synchronized", "obj": "a_copy", "as": "a_sync"},
                                   {"op": "acquire", "obj": "a_sync", "blocking": True, "timeout": 1},
                                   {"op": "release", "obj": "a_sync"},
                                   {"op": "drop", "obj": "a_sync"},
                                   {"op": "create", "shape": "array", "tc": "c", "size": 2, "as": "chars"},
                                   {"op": "set_raw", "obj": "chars", "item": {"bytes": "ab"}},
                                   {"op": "raw", "obj": "chars"},
                                   {"op": "fetch_add", "obj": "a", "index": 2, "item": 0},
                                   {"op": "owner_deaths", "obj": "a"}]).get("result", [])
    check(len(more) == 12, "a batch of 12 answers 12 outcomes")
    if len(more) == 12:
        for o in more:
            check_outcome(o, "batch item")
        check(more[0].get("result") == 3, "len of a 3-element array is 3: %r" % more[0])
        check(more[4].get("result") is True, "acquire of a free lock answers true: %r" % more[4])
        check(more[10]["ok"] if caps.get("atomic_ops") else kind(more[10]) == "unsupported",
              "fetch_add works with atomic_ops, and is unsupported without: %r" % more[10])
        check(more[11]["ok"] or kind(more[11]) == "unsupported",
              "owner_deaths answers a count, or unsupported: %r" % more[11])

    collected = d.send(op="collect")
    check(collected.get("ok") is True and collected.get("result") is None, "collect answers null: %r" % collected)

    child = d.send(op="child", ops=[{"op": "set", "obj": "a", "index": 1, "item": 7}])
    if child["ok"]:
        r = child["result"]
        check(isinstance(r, dict) and r.get("exit") == {"code": 0}, "child result has exit code 0: %r" % r)
        check(len(r.get("outcomes", [])) == 1, "child result has one outcome per op")
        check(d.send(op="get", obj="a", index=1).get("result") == 7, "the parent sees the child's write")
    else:
        check(kind(child) == "unsupported", "child is done or unsupported")

    # Python's json writes an int beyond 64 bits as a bare literal: it is an int all the same.
    if "Q" in tcs:  # CPython before 3.7 has no 'Q'
        d.send(op="create", shape="value", tc="Q", init=2 ** 64 + 5, **{"as": "big"})
        check(d.send(op="value", obj="big").get("result") == 5, "a bare 2**64 + 5 stored into 'Q' wraps to 5")
    # Numbers (PROTOCOL.md section 3): an int beyond 2^53 travels as {"int": "..."} both ways,
    # exactly; for a float typecode an integer-valued number is the same item as its float.
    if "q" in tcs:
        for value in (2 ** 53 + 1, -2 ** 63):
            text = {"int": str(value)}
            d.send(op="create", shape="value", tc="q", init=text, **{"as": "exact"})
            got = d.send(op="value", obj="exact").get("result")
            check(got == text, "an int beyond 2^53 comes back exactly, as {\"int\": ...}: sent %r, got %r" % (text, got))
    if "d" in tcs:
        d.send(op="create", shape="value", tc="d", init=2, **{"as": "dbl"})
        got = d.send(op="value", obj="dbl").get("result")
        check(is_number(got) and got == 2, "an integer-valued number stores into 'd' and reads back as 2 or 2.0: %r" % got)
        d.send(op="set_value", obj="dbl", item=0.5)
        got = d.send(op="value", obj="dbl").get("result")
        check(got == 0.5, "0.5 stores into 'd' and reads back as 0.5: %r" % got)
    stress = d.send(op="stress", scenario="no-such-scenario", params={})
    check(kind(stress) == "unsupported", "a stress scenario the driver lacks is unsupported: %r" % stress)
    for scenario in caps.get("scenarios", []):
        check(scenario in OBSERVATIONS, "the scenario %r is one of the schema's $defs/observations" % scenario)
        if scenario not in STRESS_PROBES:
            continue
        ran = d.send(op="stress", scenario=scenario, params=STRESS_PROBES[scenario])
        if not ran["ok"]:
            # An error of the implementation is an observation too (shmcheck judges it: fail);
            # only a request the driver could not read is outside the protocol.
            check(ran.get("error", {}).get("type") != "ProtocolError",
                  "stress %s answers an observation, unsupported or the implementation's error: %r" % (scenario, ran))
            continue
        seen = ran["result"]
        missing = [f for f in OBSERVATIONS.get(scenario, []) if f not in seen] if isinstance(seen, dict) else "all"
        check(not missing, "the %s observation is an object with the fields the schema requires (missing %s): %r"
              % (scenario, missing, seen))

    nbytes = d.send(op="nbytes", obj="a")
    check(nbytes.get("result") == 3 * caps.get("sizes", {}).get("i", [0])[0],
          "nbytes of 3 'i' elements is 3 x their size: %r" % nbytes)

    if caps.get("async_child"):
        d.send(op="create", shape="value", tc="i", **{"as": "flag"})
        started = d.send(op="child_start", ops=[{"op": "wait_for", "obj": "flag", "item": 1, "timeout": 5},
                                                {"op": "get", "obj": "a", "index": 2}], **{"as": "kid"})
        check(started.get("result") == "kid", "child_start answers with the child's handle: %r" % started)
        d.send(op="set", obj="a", index=2, item=99)  # after the child started
        d.send(op="set_value", obj="flag", item=1)
        waited = d.send(op="child_wait", obj="kid").get("result", {})
        outs = waited.get("outcomes", [])
        check(len(outs) == 2 and outs[0].get("result") is True and outs[1].get("result") == 99,
              "a started child sees a write its parent made after it started: %r" % waited)
        check(kind(d.send(op="child_wait", obj="kid")) == "other", "a child is waited for once")
        quick = d.send(op="wait_for", obj="flag", item=2, timeout=0.05)
        check(quick.get("result") is False, "wait_for answers false when the time is up: %r" % quick)
    else:
        check(kind(d.send(op="child_start", ops=[])) in ("other", "unsupported"),
              "without async_child, child_start is refused")

    bye = d.send(op="bye")
    check(bye["ok"], "bye succeeds")
    d.p.stdin.close()
    for _ in range(500):
        if d.p.poll() is not None:
            break
        time.sleep(0.01)
    check(d.p.poll() == 0, "the driver exits 0 after bye (got %r)" % d.p.poll())
    if d.p.poll() is None:
        d.p.kill()
        d.p.wait()
    left = d.leftovers()
    if left:
        print("the driver left %d /dev/shm entr%s under its prefix, removed: %s" % (len(left), "y" if len(left) == 1 else "ies",
                                                                              ", ".join(left[:10])))
    if record:
        record.close()
    print("conformance of %s: %d checks passed, %d failed" % (" ".join(argv), passes[0], len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

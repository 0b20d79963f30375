"""Validates real protocol traffic against protocol/driver-protocol.schema.json: runs
conformance.py against a driver with --record, then checks every request it sent (but those
it sends invalid on purpose) against the schema's request definition, every response against
the response definition, and every successful result against results/OP for the op of its
request: a batch's and a child's outcomes each against the op of their own request (a
child_wait's against the requests its child_start carried), a stress result against
observations/SCENARIO. Needs Debian's python3-jsonschema: run it with /usr/bin/python3.
Usage: schema_traffic.py SCHEMA CONFORMANCE_PYTHON DRIVER-COMMAND..."""
import json
import os
import subprocess
import sys
import tempfile

import jsonschema


def validator(schema, definition):
    return jsonschema.Draft202012Validator({"$ref": "#/$defs/" + definition, "$defs": schema["$defs"]})


class Results(object):
    """Checks results by the request that asked for them."""

    def __init__(self, schema):
        defs = schema["$defs"]
        self.results = {op: validator(schema, "results/" + op) for op in defs["results"] if op != "description"}
        self.observations = {s: validator(schema, "observations/" + s) for s in defs["observations"] if s != "description"}
        self.started = {}  # child_start handle -> the requests its child runs
        self.used = set()  # "results/OP" and "observations/SCENARIO" that real results were checked against

    def check(self, request, result, where):
        """The problems of a successful result of `request` (a request or a batch/child step)."""
        op = request.get("op")
        if op not in self.results:
            return ["%s: no results/%s in the schema" % (where, op)]
        self.used.add("results/" + op)
        problems = ["%s: results/%s: %s" % (where, op, e.message[:300]) for e in self.results[op].iter_errors(result)]
        if problems:
            return problems
        if op == "stress":
            scenario = request.get("scenario")
            if scenario not in self.observations:
                return ["%s: no observations/%s in the schema" % (where, scenario)]
            self.used.add("observations/" + scenario)
            problems += ["%s: observations/%s: %s" % (where, scenario, e.message[:300])
                         for e in self.observations[scenario].iter_errors(result)]
        elif op == "batch":
            problems += self.outcomes(request.get("ops"), result, where + " > batch")
        elif op == "child":
            problems += self.outcomes(request.get("ops"), result["outcomes"], where + " > child")
        elif op == "child_start":
            self.started[result] = request.get("ops")
        elif op == "child_wait":
            problems += self.outcomes(self.started.pop(request.get("obj"), None), result["outcomes"], where + " > child_wait")
        return problems

    def outcomes(self, ops, outcomes, where):
        if not isinstance(ops, list):
            return []
        problems = []
        if len(outcomes) != len(ops):
            problems.append("%s: %d requests answered %d outcomes" % (where, len(ops), len(outcomes)))
        for i, (op, o) in enumerate(zip(ops, outcomes)):
            if o.get("ok"):
                problems += self.check(op, o["result"], "%s[%d] %s" % (where, i, op.get("op")))
        return problems


def main(schema_path, python, driver):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    request, response = (validator(schema, d) for d in ("request", "response"))
    results = Results(schema)
    conformance = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "conformance.py")
    with tempfile.NamedTemporaryFile(suffix=".jsonl") as record:
        rc = subprocess.call([python, conformance, "--record", record.name, "--schema", schema_path] + driver)
        with open(record.name, encoding="utf-8") as f:
            entries = [json.loads(line) for line in f]
    problems = [] if rc == 0 else ["conformance.py failed (exit status %d)" % rc]
    checked = 0
    last = None  # the request the next response answers (None: one sent invalid on purpose)
    for e in entries:
        if "request" in e:
            if e["invalid"]:
                last = None
                continue
            msg = json.loads(e["request"])
            last = msg
            errors = ["request: " + err.message[:300] for err in request.iter_errors(msg)]
        else:
            msg = json.loads(e["response"])
            errors = ["response: " + err.message[:300] for err in response.iter_errors(msg)]
            if not errors and last is not None and msg.get("ok"):
                errors += results.check(last, msg["result"], "result of " + str(last.get("op")))
        checked += 1
        for err in errors:
            problems.append("%s\n  in %s" % (err, (e.get("request") or e.get("response"))[:300]))
    for p in problems:
        print("FAIL:", p)
    stress = sorted(u for u in results.used if u.startswith("observations/"))
    print("schema check of %s: %d messages, %d problems; results checked against %d definitions, observations of %s"
          % (" ".join(driver), checked, len(problems), len(results.used) - len(stress),
             ", ".join(s.split("/", 1)[1] for s in stress) or "no scenario"))
    return 1 if problems or checked < 40 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))

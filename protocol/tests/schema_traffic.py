"""Validates real protocol traffic against protocol/driver-protocol.schema.json: runs
conformance.py against a driver with --record, then checks every request it sent (but those
it sends invalid on purpose) against the schema's request definition, every response against
the response definition, and the hello result against hello_result. Needs Debian's
python3-jsonschema: run it with /usr/bin/python3.
Usage: schema_traffic.py SCHEMA CONFORMANCE_PYTHON DRIVER-COMMAND..."""
import json
import os
import subprocess
import sys
import tempfile

import jsonschema


def validator(schema, definition):
    return jsonschema.Draft202012Validator({"$ref": "#/$defs/" + definition, "$defs": schema["$defs"]})


def main(schema_path, python, driver):
    schema = json.load(open(schema_path))
    jsonschema.Draft202012Validator.check_schema(schema)
    request, response, hello = (validator(schema, d) for d in ("request", "response", "hello_result"))
    conformance = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "conformance.py")
    with tempfile.NamedTemporaryFile(suffix=".jsonl") as record:
        rc = subprocess.call([python, conformance, "--record", record.name] + driver)
        entries = [json.loads(line) for line in open(record.name)]
    problems = [] if rc == 0 else ["conformance.py failed (exit status %d)" % rc]
    checked = 0
    last_op = None
    for e in entries:
        if "request" in e:
            if e["invalid"]:
                last_op = None
                continue
            msg = json.loads(e["request"])
            last_op = msg.get("op")
            errors = list(request.iter_errors(msg))
        else:
            msg = json.loads(e["response"])
            errors = list(response.iter_errors(msg))
            if last_op == "hello" and msg.get("ok"):
                errors += list(hello.iter_errors(msg["result"]))
        checked += 1
        for err in errors:
            problems.append("%s: %s\n  in %s" % ("request" if "request" in e else "response", err.message[:300],
                                                 (e.get("request") or e.get("response"))[:300]))
    for p in problems:
        print("FAIL:", p)
    print("schema check of %s: %d messages, %d problems" % (" ".join(driver), checked, len(problems)))
    return 1 if problems or checked < 40 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))

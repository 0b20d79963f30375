"""A driver whose implementation hangs in a store once it has made an object: it answers hello,
create and drop, and never answers a batch with a `set` in it (faults/tests/hang.py)."""
import json
import sys
import time

for line in sys.stdin:
    req = json.loads(line)
    if req["op"] == "hello":
        result = {"protocol": 1, "name": "hangs-in-set", "version": "1", "platform": {"os": "linux", "machine": "x86_64"},
                  "capabilities": {"typecodes": "b"}}
    elif req["op"] == "batch":
        if any(op["op"] == "set" for op in req["ops"]):
            while True:
                time.sleep(60)
        result = [{"ok": True, "result": op.get("as", "h") if op["op"] == "create" else None} for op in req["ops"]]
    else:
        result = None
    print(json.dumps({"id": req["id"], "ok": True, "result": result}), flush=True)

"""The schema's $defs/results/OP against the C++ check of result shapes (the cases of
test_result_shapes.cpp, which protocol/src/result_shapes.cpp must agree with), and its
$defs/observations/SCENARIO and $defs/params/SCENARIO against what the judges
(stress/judge_*.cpp) and the drivers read and answer. Needs Debian's python3-jsonschema:

    /usr/bin/python3 -m unittest protocol/tests/test_schema_shapes.py"""
import io
import json
import os
import unittest

try:
    import jsonschema
except ImportError:  # pragma: no cover
    jsonschema = None

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "driver-protocol.schema.json")


@unittest.skipIf(jsonschema is None, "no jsonschema here (Debian's python3-jsonschema: /usr/bin/python3)")
class SchemaShapes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with io.open(SCHEMA, encoding="utf-8") as f:
            cls.defs = json.load(f)["$defs"]

    def valid(self, definition, instance):
        v = jsonschema.Draft202012Validator({"$ref": "#/$defs/" + definition, "$defs": self.defs})
        return not list(v.iter_errors(instance))

    def test_right_result_shapes_pass(self):
        for op, result in [("get", 5), ("get", {"int": "-340282366920938463463374607431768211456"}), ("value", {"bytes": u"\u00ff"}),
                           ("raw", {"float": "nan"}), ("get", None), ("get_slice", [1, {"str": "x"}, 2.5]), ("len", 3),
                           ("nbytes", 12), ("acquire", True), ("wait_for", False), ("create", "h1"), ("copy", "c"),
                           ("set", None), ("drop", None), ("stress", {}), ("fetch_add", 0), ("owner_deaths", 0),
                           ("child_start", "kid"), ("bye", None), ("batch", [{"ok": True, "result": 3}]),
                           ("child", {"outcomes": [{"ok": True, "result": 3}], "exit": {"code": 0}}),
                           ("child_wait", {"outcomes": [], "exit": {"signal": 9}})]:
            self.assertTrue(self.valid("results/" + op, result), "%s %r" % (op, result))

    def test_wrong_result_shapes_fail(self):
        # {"len", 3.0} is wrong for the C++ check too, but JSON Schema cannot tell 3.0 from 3.
        for op, result in [("value", {"weird": [1, 2]}), ("get", {"int": "12x"}), ("get", {"bytes": u"\u0100"}), ("get", []),
                           ("len", "three"), ("get_slice", {"int": "3"}), ("get_slice", [{"weird": 1}]), ("acquire", 1),
                           ("create", 7), ("create", ""), ("set", 0), ("stress", []), ("batch", {}),
                           ("batch", [{"fine": "thanks"}]),
                           ("child", {"outcomes": [], "exit": {"status": 0}}), ("child", {"exit": {"signal": 9}}),
                           ("child", {"outcomes": [], "exit": {"code": 0, "signal": 9}}),
                           ("child_wait", {"outcomes": [{"fine": "thanks"}], "exit": {"code": 0}})]:
            self.assertFalse(self.valid("results/" + op, result), "%s %r" % (op, result))

    def test_hello_result_is_an_alias_of_results_hello(self):
        hello = {"protocol": 1, "name": "x", "version": "1", "platform": {"os": "linux", "machine": "x86_64"},
                 "capabilities": {"typecodes": "i"}}
        self.assertTrue(self.valid("hello_result", hello) and self.valid("results/hello", hello))
        del hello["capabilities"]
        self.assertFalse(self.valid("hello_result", hello) or self.valid("results/hello", hello))

    def test_observations_the_drivers_answer_pass(self):
        for scenario, seen in [
            ("counter", {"expected": 200, "observed": {"int": "200"}, "seconds": 0.01, "finished": True, "workers": [{"exit": 0}],
                         "heartbeats": [100, 100], "history": [[0, 0, 1, 2, 1], [1, 0, 3, {"int": "4"}, 2]]}),
            ("torn", {"writes": 100, "reads": 9, "torn": 1, "examples": [[0, -1], 5], "seconds": 0.1, "finished": True,
                      "workers": [{"exit": 0}, {"exit": 0}]}),
            ("ring", {"produced": [2], "consumed": [[0, 1], []], "finished": True, "seconds": 0.1, "workers": [{"exit": 0}]}),
            ("owner-death", {"killed": True, "bound": 0.2, "finished": True, "recoveries": None, "value": 1,
                             "waiters": [{"acquired": False, "seconds": None, "exit": 0}]}),
            ("lifetime-cycles", {"census": [{"after": 10, "fds": 5, "maps": 40, "dev_shm": ["x"]}], "cycles": 10, "finished": False}),
            ("lifetime-create", {"created": 4, "pid": 123}),
            ("lifetime-outlive", {"creator_exit": 0, "creator_gone": True, "finished": True, "read": [42], "written": [42]}),
            ("lifetime-exec", {"start": "exec", "read": [], "written": [7],
                               "child_error": {"kind": "os_error", "type": "OSError", "message": "m"}}),
        ]:
            self.assertTrue(self.valid("observations/" + scenario, seen), "%s %r" % (scenario, seen))

    def test_observations_the_judges_cannot_use_fail(self):
        for scenario, seen in [
            ("counter", {"expected": 200}), ("counter", {"expected": 200, "observed": 1.5}),
            ("counter", {"expected": 2, "observed": 2, "history": [[0, 0, 1, 2]]}),
            ("counter", {"expected": 2, "observed": 2, "finished": "yes"}),
            ("torn", {}), ("torn", {"reads": 5, "torn": 0}),  # judged with defaults, {} failed as "not finished"
            ("torn", {"reads": "many", "torn": 0, "finished": True}), ("torn", {"reads": 1, "torn": 0, "finished": True, "examples": [{"weird": 1}]}),
            ("ring", {"produced": [2]}), ("ring", {"produced": [2], "consumed": [[{"int": "1"}]]}),
            ("owner-death", {"killed": True}), ("owner-death", {"waiters": [{"acquired": 1}]}),
            ("lifetime-cycles", {"census": []}), ("lifetime-cycles", {"census": [{"after": 1, "fds": 1, "maps": 1}]}),
            ("lifetime-create", {"created": "four"}), ("lifetime-create", {}), ("lifetime-create", {"created": 0}),
            ("lifetime-outlive", {"read": [1]}), ("lifetime-exec", {"written": [1]}),
        ]:
            self.assertFalse(self.valid("observations/" + scenario, seen), "%s %r" % (scenario, seen))

    def test_stress_params_are_checked_by_scenario(self):
        ok = {"id": 1, "op": "stress", "scenario": "counter", "params": {"mode": "held", "procs": 2, "ops": 100, "timeout": 5}}
        self.assertTrue(self.valid("request", ok))
        self.assertFalse(self.valid("request", dict(ok, params={"mode": "sometimes"})))
        self.assertFalse(self.valid("request", dict(ok, params={"procs": 2, "typo": 1})))
        self.assertTrue(self.valid("request", dict(ok, scenario="no-such-scenario", params={"anything": 1})))


if __name__ == "__main__":
    unittest.main()

"""PROTOCOL.md against the schema: the error kinds table is the schema's $defs/error_kind
(kinds, meanings and Python exceptions, in order), every operation has its results/OP and is
described, every scenario's params and observation fields are described in its section, and
the document sends driver authors to no other file. Standard library only.

    python3 protocol/tests/test_protocol_doc.py
    python3 -m unittest protocol/tests/test_protocol_doc.py"""
import io
import json
import os
import re
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PROTOCOL = os.path.join(HERE, "..", "PROTOCOL.md")
SCHEMA = os.path.join(HERE, "..", "driver-protocol.schema.json")


def read(path):
    with io.open(path, encoding="utf-8") as f:
        return f.read()


def kinds_table(doc):
    """[(kind, meaning, [python names])] from the table headed | kind | meaning | Python exceptions |."""
    lines = doc.splitlines()
    start = [i for i, line in enumerate(lines) if re.match(r"^\|\s*kind\s*\|\s*meaning\s*\|\s*Python exceptions\s*\|$", line)]
    if len(start) != 1:
        raise AssertionError("PROTOCOL.md has %d error kinds tables, not one" % len(start))
    rows = []
    for line in lines[start[0] + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3:
            raise AssertionError("a row of the error kinds table does not have 3 cells: %r" % line)
        kind, meaning, python = cells
        rows.append((kind.strip("`"), meaning, [p.strip().strip("`") for p in python.split(",") if p.strip()]))
    return rows


def section(doc, name):
    """The text of the ### section headed by `name` (up to the next heading)."""
    m = re.search(r"^###[^\n]*`%s`[^\n]*\n(.*?)(?=^##)" % re.escape(name), doc + "\n##", re.M | re.S)
    if not m:
        raise AssertionError("PROTOCOL.md has no ### section for `%s`" % name)
    return m.group(1)


class ProtocolDoc(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = read(PROTOCOL)
        cls.defs = json.loads(read(SCHEMA))["$defs"]

    def test_error_kinds_table_is_the_schemas(self):
        schema = [(row["const"], row["description"], row.get("x-python", [])) for row in self.defs["error_kind"]["oneOf"]]
        doc = kinds_table(self.doc)
        self.assertEqual([k for k, _, _ in doc], [k for k, _, _ in schema], "the kinds, in order")
        for d, s in zip(doc, schema):
            self.assertEqual(d, s, "the row of %s: PROTOCOL.md %r, schema %r" % (s[0], d, s))

    def test_every_operation_has_a_result_shape_and_is_described(self):
        ops = self.defs["operation"]["properties"]["op"]["enum"]
        results = [k for k in self.defs["results"] if k != "description"]
        self.assertEqual(sorted(ops), sorted(results), "$defs/results has one definition per op")
        for op in ops:
            self.assertIn("`%s`" % op, self.doc, "PROTOCOL.md describes %s" % op)

    def test_every_scenario_is_described_with_its_params_and_observation(self):
        scenarios = [k for k in self.defs["observations"] if k != "description"]
        self.assertEqual(sorted(scenarios), sorted(k for k in self.defs["params"] if k != "description"))
        for scenario in scenarios:
            text = section(self.doc, scenario)
            obs = self.defs["observations"][scenario]
            for field in obs.get("properties", {}):
                self.assertIn("`%s`" % field, text, "%s: the observation field %s is described" % (scenario, field))
            for field in obs.get("required", []):
                self.assertRegex(text, r"`%s`[^.]*\(required" % field, "%s: %s is said to be required" % (scenario, field))
            for param in self.defs["params"][scenario]["properties"]:
                if param not in ("timeout", "pin"):  # section 5's rules for every scenario
                    self.assertIn("`%s`" % param, text, "%s: the param %s is described" % (scenario, param))

    def test_no_other_file_to_read(self):
        for stale in ("lib/src/error.cpp", "SCENARIOS.md", "schema/driver-protocol.schema.json"):
            self.assertNotIn(stale, self.doc.replace("protocol/driver-protocol.schema.json", ""))

    def test_schema_is_valid(self):
        try:
            import jsonschema
        except ImportError:
            self.skipTest("no jsonschema here (Debian's python3-jsonschema: /usr/bin/python3)")
        jsonschema.Draft202012Validator.check_schema(json.loads(read(SCHEMA)))


if __name__ == "__main__":
    unittest.main()

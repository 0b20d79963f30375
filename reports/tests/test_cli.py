"""The command line: `all` (what the main job calls), html, exit statuses on bad input."""

import json
import unittest
import xml.etree.ElementTree as ET

from reports.tests import fixtures, helpers


class All(helpers.TempDirTest):
    def test_writes_index_and_junit(self):
        out = self.tmp / "report"
        result = helpers.run_cli("all", helpers.FULL, "-o", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn('id="summary-matrix"', (out / "index.html").read_text(encoding="utf-8"))
        self.assertGreater(int(ET.parse(out / "junit.xml").getroot().get("tests")), 0)
        self.assertIn(f"report: {out / 'index.html'}", result.stdout)

    def test_invalid_document_writes_nothing_and_exits_1(self):
        doc = fixtures.full()
        del doc["results"][0]["verdict"]
        bad = helpers.write_json(self.tmp, "bad.json", doc)
        out = self.tmp / "report"
        result = helpers.run_cli("all", bad, "-o", out)
        self.assertEqual(result.returncode, 1)
        self.assertIn("/results/0: 'verdict' is a required property", result.stderr)
        self.assertFalse((out / "index.html").exists())

    def test_version_0_is_upgraded_with_a_note(self):
        # What the C++ side writes until it moves to version 1: the main job must still get a report.
        out = self.tmp / "report"
        result = helpers.run_cli("all", helpers.V0, "-o", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("is shmcheck-results/0; upgraded in memory", result.stderr)
        self.assertTrue((out / "junit.xml").exists())


class Html(helpers.TempDirTest):
    def test_several_files_of_one_machine_make_one_matrix(self):
        spec = fixtures.full()
        props = fixtures.full()
        spec["results"] = [r for r in spec["results"] if r["suite"] == "spec"]
        props["results"] = [r for r in props["results"] if r["suite"] == "property"]
        for key in ("stress", "lifetime", "audit", "performance"):
            del props[key]
        a = helpers.write_json(self.tmp, "spec.json", spec)
        b = helpers.write_json(self.tmp, "property.json", props)
        result = helpers.run_cli("html", a, b, "-o", self.tmp / "out")
        self.assertEqual(result.returncode, 0, result.stderr)
        page = (self.tmp / "out" / "index.html").read_text(encoding="utf-8")
        self.assertIn("<th>spec</th><th>property</th><th>all suites</th>", page.replace("\n", ""))
        self.assertEqual(page.count('<section id="impl-'), len(spec["implementations"]))  # not twice

    def test_not_json_exits_2(self):
        bad = self.tmp / "bad.json"
        bad.write_text("{not json")
        result = helpers.run_cli("html", bad, "-o", self.tmp / "out")
        self.assertEqual(result.returncode, 2)
        self.assertIn("not JSON", result.stderr)

    def test_unknown_schema_exits_2(self):
        bad = helpers.write_json(self.tmp, "other.json", {"schema": "something-else/3"})
        result = helpers.run_cli("html", bad, "-o", self.tmp / "out")
        self.assertEqual(result.returncode, 2)
        self.assertIn("unknown schema 'something-else/3'", result.stderr)

    def test_missing_file_exits_2(self):
        result = helpers.run_cli("junit", self.tmp / "nope.json", "-o", self.tmp / "j.xml")
        self.assertEqual(result.returncode, 2)
        self.assertIn("cannot read", result.stderr)

    def test_malformed_v1_exits_2_without_a_traceback(self):
        doc = fixtures.full()
        del doc["results"][0]["verdict"]
        bad = helpers.write_json(self.tmp, "bad.json", doc)
        result = helpers.run_cli("html", bad, "-o", self.tmp / "out")
        self.assertEqual(result.returncode, 2)
        self.assertIn("run `python3 -m reports validate` on it", result.stderr)
        self.assertNotIn("Traceback", result.stderr)

    def test_shapes_the_schema_refuses_exit_2_in_every_renderer(self):
        # Found by reports/fuzz/: a result that is not an object (junit: AttributeError), a v0
        # document whose results are not objects (upgrade: AttributeError).
        v1 = fixtures.full()
        v1["results"][0] = "not a result"
        v0 = json.loads((helpers.DATA / "v0-shmcheck-run.json").read_text(encoding="utf-8"))
        v0["results"] = ["not a result"]
        for name, doc in (("v1.json", v1), ("v0.json", v0)):
            bad = helpers.write_json(self.tmp, name, doc)
            for command in (["html", bad, "-o", self.tmp / "out"], ["junit", bad, "-o", self.tmp / "j.xml"],
                            ["merge", bad, "-o", self.tmp / "m"], ["all", bad, "-o", self.tmp / "a"]):
                result = helpers.run_cli(*command)
                self.assertIn(result.returncode, (1, 2), f"{name} {command[0]}: {result.stderr}")
                self.assertNotIn("Traceback", result.stderr, f"{name} {command[0]}")

    def test_help_names_every_subcommand(self):
        result = helpers.run_cli("--help")
        self.assertEqual(result.returncode, 0)
        for command in ("html", "junit", "merge", "validate", "all"):
            self.assertIn(command, result.stdout)


if __name__ == "__main__":
    unittest.main()

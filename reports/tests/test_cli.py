"""The command line: `all` (what the main job calls), html, exit statuses on bad input."""

import json
import os
import stat
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


class HostileInput(helpers.TempDirTest):
    """Files no shmcheck wrote: each ends with exit 2 and a line naming the file, no traceback."""

    def test_nested_100000_deep_exits_2_naming_the_file(self):
        # It died with a RecursionError traceback inside json.
        deep = self.tmp / "deep.json"
        deep.write_text("[" * 100000 + "]" * 100000)
        # 2, a file that is not a results document; 1 where the command judges documents.
        for command, status in ((["html", deep, "-o", self.tmp / "out"], 2), (["junit", deep, "-o", self.tmp / "j.xml"], 2),
                                (["validate", deep], 1), (["all", deep, "-o", self.tmp / "out"], 1)):
            result = helpers.run_cli(*command)
            self.assertEqual(result.returncode, status, result.stderr)
            self.assertIn(f"{deep}: nested too deeply to read", result.stderr)
            self.assertNotIn("Traceback", result.stderr)

    def test_deeper_than_any_results_document_exits_2(self):
        # Readable by json, but deep enough to end the validator or the templates in recursion.
        doc = fixtures.full()
        nested = inner = {}
        for _ in range(150):
            inner["x"] = {}
            inner = inner["x"]
        doc["results"][0]["extra"] = nested
        deep = helpers.write_json(self.tmp, "deep.json", doc)
        result = helpers.run_cli("html", deep, "-o", self.tmp / "out")
        self.assertEqual(result.returncode, 2)
        self.assertIn(f"{deep}: nested 154 levels deep (a results document nests at most 100 levels)", result.stderr)
        self.assertNotIn("Traceback", result.stderr)


class Output(helpers.TempDirTest):
    """What the reports write: new or regular files only, never through a link (output.py)."""

    def test_a_link_a_fifo_or_a_directory_as_output_is_refused_and_stays(self):
        victim = self.tmp / "victim"
        victim.write_text("precious")
        link, fifo = self.tmp / "junit.xml", self.tmp / "fifo.xml"
        link.symlink_to(victim)
        os.mkfifo(fifo)
        for target, kind in ((link, "a symbolic link"), (fifo, "a FIFO"), (self.tmp, "a directory")):
            result = helpers.run_cli("junit", helpers.FULL, "-o", target)
            self.assertEqual(result.returncode, 2, result.stderr)
            self.assertIn(f"refusing to write {target}: it is {kind}", result.stderr)
            self.assertNotIn("Traceback", result.stderr)
        (self.tmp / "out").mkdir()
        (self.tmp / "out" / "index.html").symlink_to(victim)
        result = helpers.run_cli("all", helpers.FULL, "-o", self.tmp / "out")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(victim.read_text(), "precious")
        self.assertTrue(stat.S_ISFIFO(os.lstat(fifo).st_mode))

    def test_a_link_at_the_old_temporary_name_is_not_followed(self):
        victim = self.tmp / "victim"
        victim.write_text("precious")
        out = self.tmp / "report"
        out.mkdir()
        (out / "index.html.tmp").symlink_to(victim)
        (out / "junit.xml.tmp").symlink_to(victim)
        result = helpers.run_cli("all", helpers.FULL, "-o", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(victim.read_text(), "precious")
        self.assertEqual(sorted(p.name for p in out.iterdir()), ["index.html", "index.html.tmp", "junit.xml", "junit.xml.tmp"])


if __name__ == "__main__":
    unittest.main()

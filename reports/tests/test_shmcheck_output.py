"""What the built shmcheck really writes goes through the reports: it validates (as version 1,
after the in-memory upgrade while the C++ side still writes version 0), renders, and its
JUnit counts agree with its results.

ctest passes the binary as SHMCHECK_BIN; a missing binary fails (build first: ci/build).
"""

import json
import os
import pathlib
import subprocess
import unittest
import xml.etree.ElementTree as ET

from reports import load
from reports.tests import helpers

SHMCHECK = pathlib.Path(os.environ.get("SHMCHECK_BIN", helpers.REPO / "build" / "bin" / "shmcheck"))


def shmcheck(*args):
    if not os.access(SHMCHECK, os.X_OK):
        raise AssertionError(f"{SHMCHECK} is not built: run ci/build (ctest sets SHMCHECK_BIN)")
    return subprocess.run([str(SHMCHECK), *map(str, args)], cwd=helpers.REPO, capture_output=True, text=True, timeout=600)


class RealOutput(helpers.TempDirTest):
    def check_document(self, path):
        doc = load.read(path)
        self.assertIn(doc["schema"], (load.LEGACY, load.CURRENT))
        as_v1 = load.upgrade(doc) if doc["schema"] == load.LEGACY else doc
        self.assertEqual(load.errors(as_v1), [])
        out = self.tmp / pathlib.Path(path).stem
        result = helpers.run_cli("all", path, "-o", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        root = ET.parse(out / "junit.xml").getroot()
        self.assertEqual(int(root.get("tests")), len(doc["results"]))
        unexpected = sum(r["verdict"] == "fail" and not r["expected"] for r in doc["results"])
        self.assertEqual(int(root.get("failures")), unexpected)
        self.assertIn('id="summary-matrix"', (out / "index.html").read_text(encoding="utf-8"))
        return doc

    def test_spec_suite_on_ref(self):
        path = self.tmp / "spec.json"
        run = shmcheck("run", "--impl", "ref", "--suite", "spec", "--seed", "1", "--json", path)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        doc = self.check_document(path)
        self.assertGreater(len(doc["results"]), 50)

    def test_property_suite_with_a_mutant_that_fails(self):
        path = self.tmp / "properties.json"
        run = shmcheck("properties", "--impl", "ref", "--impl", "mutant:lock_no_exclusion", "--cases", "5", "--seed", "1",
                       "--json", path)
        self.assertEqual(run.returncode, 1, run.stdout + run.stderr)  # the mutant is caught
        doc = self.check_document(path)
        failing = [r for r in doc["results"] if r["verdict"] == "fail"]
        self.assertTrue(failing)
        page = (self.tmp / "properties" / "index.html").read_text(encoding="utf-8")
        self.assertIn(failing[0]["reproduce"], page)

    def test_both_files_in_one_report(self):
        spec, props = self.tmp / "a.json", self.tmp / "b.json"
        shmcheck("run", "--impl", "ref", "--seed", "1", "--json", spec)
        shmcheck("properties", "--impl", "ref", "--cases", "3", "--seed", "1", "--json", props)
        result = helpers.run_cli("html", spec, props, "-o", self.tmp / "both")
        self.assertEqual(result.returncode, 0, result.stderr)
        page = (self.tmp / "both" / "index.html").read_text(encoding="utf-8")
        self.assertIn("<th>spec</th><th>property</th>", page.replace("\n", ""))
        total = sum(len(json.loads(p.read_text())["results"]) for p in (spec, props))
        self.assertIn(f"{total} pass", page)


if __name__ == "__main__":
    unittest.main()

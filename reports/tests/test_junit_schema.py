"""The junit.xml of real runs validates against every JUnit schema in reports/schema/ (junit*.xsd):
a passing run, one with an expected failure and a stale expectation (XPASS), an inconclusive
one, a broken driver, and their merged report. xmllint (Debian's libxml2-utils, installed by
ci/setup-deps) validates; a missing xmllint or shmcheck fails with the fix.

ctest's own build/ctest-junit.xml is not checked: CMake writes attributes junit-10.xsd does not
have (testcase status, testsuite disabled) and leaves out the errors count it requires.
"""

import json
import pathlib
import shutil
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

from reports import junit
from reports.tests import helpers
from reports.tests.test_shmcheck_output import shmcheck

SCHEMAS = sorted((helpers.REPO / "reports" / "schema").glob("junit*.xsd"))
FIX = "install libxml2-utils (ci/setup-deps does)"

# A seeded fault that fails one spec case: listed as expected, with a case it passes (stale).
MUTANT = "mutant:index_off_by_one"
EXPECTATIONS = {
    "implementation": "shmcheck-mutant",
    "about": "test_junit_schema: one expected failure and one stale entry",
    "expected_failures": [
        {"suite": "spec", "case": "index-past-end", "reason": "seeded fault: the index is off by one"},
        {"suite": "spec", "case": "value-initial", "reason": "listed so that its pass is an XPASS"},
    ],
}
NOT_JSON_DRIVER = "#!/bin/sh\nread request\necho 'not json'\n"


def xmllint(schema, path):
    if shutil.which("xmllint") is None:
        raise AssertionError(f"no xmllint on PATH: {FIX}")
    return subprocess.run(["xmllint", "--noout", "--nonet", "--schema", str(schema), str(path)],
                          capture_output=True, text=True, timeout=120)


class RealRuns(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="junit-schema-")
        tmp = pathlib.Path(cls._tmp.name)
        expect = helpers.write_json(tmp, "expectations.json", EXPECTATIONS)
        driver = tmp / "not-json-driver.sh"
        driver.write_text(NOT_JSON_DRIVER)
        driver.chmod(0o755)
        runs = {
            "pass": (0, ["run", "--impl", "ref", "--suite", "spec", "--seed", "1"]),
            "xfail-xpass": (0, ["run", "--impl", MUTANT, "--suite", "spec", "--seed", "1", "--expect", expect]),
            # far more cases than fit in the budget: the property is inconclusive, with its count
            "inconclusive": (0, ["properties", "--impl", "ref", "--property", "value-initial", "--cases", "1000000",
                                 "--budget-s", "0.2", "--seed", "1"]),
            "broken": (3, ["run", "--impl", f"exec:{driver}", "--suite", "spec", "--seed", "1"]),
        }
        cls.results, cls.junit = {}, {}
        for name, (status, args) in runs.items():
            path = tmp / f"{name}.json"
            run = shmcheck(*args, "--json", path)
            if run.returncode != status:
                raise AssertionError(f"{name}: exit {run.returncode}, not {status}\n{run.stdout}{run.stderr}")
            cls.results[name] = json.loads(path.read_text(encoding="utf-8"))
            report = helpers.run_cli("all", path, "-o", tmp / name)
            if report.returncode != 0:
                raise AssertionError(f"reports all {name}: {report.stderr}")
            cls.junit[name] = tmp / name / "junit.xml"
        merged = helpers.run_cli("merge", *(tmp / f"{n}.json" for n in runs), "-o", tmp / "merged",
                                 "--platform", "here", "--platform", "here", "--platform", "here", "--platform", "there")
        if merged.returncode != 3:  # "there" ran only the broken driver
            raise AssertionError(f"reports merge: exit {merged.returncode}, not 3\n{merged.stdout}{merged.stderr}")
        cls.junit["merged"] = tmp / "merged" / "junit.xml"

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def assert_valid(self, name):
        self.assertTrue(SCHEMAS, "no reports/schema/junit*.xsd")
        for schema in SCHEMAS:
            with self.subTest(schema=schema.name):
                checked = xmllint(schema, self.junit[name])
                self.assertEqual(checked.returncode, 0, checked.stderr[-3000:])

    def cases(self, name):
        return ET.parse(self.junit[name]).getroot().findall(".//testcase")

    def test_passing_run(self):
        self.assertEqual({r["verdict"] for r in self.results["pass"]["results"]}, {"pass"})
        self.assert_valid("pass")

    def test_expected_failure_and_unexpected_pass(self):
        cases = {c.get("name"): c for c in self.cases("xfail-xpass")}
        self.assertEqual(cases["index-past-end"].find("skipped").get("type"), "xfail")
        self.assertIn("XPASS", cases["value-initial"].find("system-out").text)
        self.assertEqual(junit.details(cases["value-initial"].find("system-out").text)["verdict"], "pass")
        self.assert_valid("xfail-xpass")

    def test_inconclusive(self):
        skipped = [c.find("skipped") for c in self.cases("inconclusive")]
        self.assertEqual([s.get("type") for s in skipped], ["inconclusive"])
        self.assertIn("budget", skipped[0].get("message"))
        self.assert_valid("inconclusive")

    def test_broken_driver(self):
        errors = [c.find("error") for c in self.cases("broken")]
        self.assertTrue(errors and all(e is not None and e.get("type") == "broken" for e in errors))
        self.assert_valid("broken")

    def test_merged_report(self):
        root = ET.parse(self.junit["merged"]).getroot()
        self.assertEqual({s.get("hostname") for s in root.findall("testsuite")}, {"here", "there"})
        self.assertEqual(int(root.get("tests")), sum(len(d["results"]) for d in self.results.values()))
        self.assert_valid("merged")


class SchemasReject(helpers.TempDirTest):
    """The schemas are live: what junit.py wrote before (a test case's own <properties>, a
    skipped count on <testsuites>, microsecond times) does not validate."""

    def test_old_dialect(self):
        path = self.tmp / "old.xml"
        path.write_text('<?xml version="1.0" encoding="utf-8"?>\n'
                        '<testsuites name="shmcheck" tests="1" failures="0" errors="0" skipped="0" time="0.000045">'
                        '<testsuite name="ref/spec" tests="1" failures="0" errors="0" skipped="0" time="0.000045">'
                        '<testcase name="c" classname="ref.spec" time="0.000045"><properties>'
                        '<property name="verdict" value="pass"/></properties></testcase></testsuite></testsuites>\n')
        self.assertTrue(SCHEMAS)
        for schema in SCHEMAS:
            with self.subTest(schema=schema.name):
                checked = xmllint(schema, path)
                self.assertNotEqual(checked.returncode, 0)
                self.assertIn("properties", checked.stderr)


if __name__ == "__main__":
    unittest.main()

"""JUnit XML: parses, and counts each kind of verdict the way shmcheck's exit status does."""

import collections
import unittest
import xml.etree.ElementTree as ET

from reports import junit, load
from reports.tests import fixtures, helpers


def expected_counts(results):
    """Counted straight from the document, independently of junit.py's mapping code."""
    c = collections.Counter(tests=len(results))
    for r in results:
        if r["verdict"] == "fail" and not r["expected"]:
            c["failures"] += 1
        elif r["verdict"] == "broken" and not r["expected"]:
            c["errors"] += 1
        elif r["verdict"] in ("unsupported", "inconclusive") or r["verdict"] in ("fail", "broken") and r["expected"]:
            c["skipped"] += 1
    return c


class JUnit(helpers.TempDirTest):
    @classmethod
    def setUpClass(cls):
        cls.doc = helpers.full()

    def parse(self, docs):
        path = junit.write(docs, str(self.tmp / "junit.xml"))
        return ET.parse(path).getroot()

    def test_totals_per_kind(self):
        root = self.parse([self.doc])
        want = expected_counts(self.doc["results"])
        self.assertEqual(want["failures"], 2)  # the fixture has some of each, or this proves little
        self.assertEqual(want["errors"], 1)
        self.assertEqual(want["skipped"], 13 + 7)  # 13 unsupported or inconclusive, 7 expected failures
        for key in ("tests", "failures", "errors"):
            self.assertEqual(int(root.get(key)), want[key], key)
        # junit-10.xsd counts skipped cases per <testsuite> only
        self.assertEqual(sum(int(s.get("skipped")) for s in root.findall("testsuite")), want["skipped"])
        self.assertEqual(len(root.findall(".//testcase")), want["tests"])
        self.assertEqual(len(root.findall(".//testcase/failure")), want["failures"])
        self.assertEqual(len(root.findall(".//testcase/error")), want["errors"])
        self.assertEqual(len(root.findall(".//testcase/skipped")), want["skipped"])

    def test_each_testsuite_counts_its_own_cases(self):
        root = self.parse([self.doc])
        for suite in root.findall("testsuite"):
            impl, name = suite.get("name").rsplit("/", 1)
            rows = [r for r in self.doc["results"] if r["impl"] == impl and r["suite"] == name]
            want = expected_counts(rows)
            for key in ("tests", "failures", "errors", "skipped"):
                self.assertEqual(int(suite.get(key)), want[key], (suite.get("name"), key))

    def test_expected_failure_is_skipped_with_its_reason_as_pytest_writes_xfail(self):
        root = self.parse([self.doc])
        case = root.find(".//testsuite[@name='cpython:/root/.pyenv/versions/3.12.1/bin/python/spec']"
                         "/testcase[@name='dead-owner-released']")
        self.assertIsNone(case.find("failure"))
        skipped = case.find("skipped")
        self.assertEqual(skipped.get("type"), "xfail")
        self.assertTrue(skipped.get("message").startswith("expected fail: "), skipped.get("message"))
        self.assertIn("dead owner is never reported", skipped.get("message"))
        props = junit.details(case.find("system-out").text)
        self.assertIn("dead owner is never reported", props["expected_fail"])
        self.assertEqual(props["verdict"], "fail")

    def test_a_pass_the_expectations_said_would_fail_is_visible(self):
        doc = helpers.full()
        row = next(r for r in doc["results"] if r["verdict"] == "pass")
        row.update(expected=True, expectation="gh-0: was broken in 3.12.0")
        case = self.parse([doc]).find(f".//testcase[@name='{row['case']}']")
        self.assertIsNone(case.find("failure"))
        self.assertIsNone(case.find("skipped"))
        self.assertIn("XPASS", case.find("system-out").text)
        self.assertIn("gh-0: was broken in 3.12.0", case.find("system-out").text)

    def test_broken_is_an_error_and_inconclusive_a_skip_that_says_so(self):
        root = self.parse([self.doc])
        for error in root.findall(".//testcase/error"):
            self.assertEqual(error.get("type"), "broken")
        types = {s.get("type") for s in root.findall(".//testcase/skipped")}
        self.assertLessEqual(types, {"xfail", "unsupported", "inconclusive"})
        self.assertIn("inconclusive", types)

    def test_failure_carries_message_counterexample_seed_and_repro(self):
        root = self.parse([self.doc])
        case = root.find(".//testsuite[@name='boost/property']/testcase[@name='P03-lock-recursion']")
        failure = case.find("failure")
        self.assertEqual(failure.get("message"), "Falsifiable after 17 tests and 5 shrinks")
        self.assertIn("counterexample:\n[create value i lock=own", failure.text)
        self.assertIn("replay: build/bin/shmcheck run --impl boost --suite property --case P03-lock-recursion", failure.text)
        props = junit.details(case.find("system-out").text)
        self.assertEqual(props["seed"], "1")
        self.assertEqual(props["reproduce"], "P03-lock-recursion:1:0")
        self.assertTrue(props["repro"].startswith("build/bin/shmcheck run"))

    def test_skipped_says_why(self):
        root = self.parse([self.doc])
        skipped = root.find(".//testsuite[@name='ref/stress']/testcase/skipped")
        self.assertTrue(skipped.get("message").startswith("inconclusive: unlocked mode lost no update"))

    def test_hostile_and_control_characters_still_parse(self):
        doc = load.load(helpers.HOSTILE)
        doc["results"][0]["message"] = "terminal output \x1b[31mred\x1b[0m and a NUL \x00"
        root = self.parse([doc])
        failure = root.find(".//testcase/failure")
        self.assertEqual(failure.get("message"), "terminal output \\x1b[31mred\\x1b[0m and a NUL \\x00")
        self.assertIn(fixtures.XSS_SCRIPT, ET.tostring(root, encoding="unicode").replace("&lt;", "<").replace("&gt;", ">"))

    def test_cli_writes_the_file(self):
        out = self.tmp / "sub" / "junit.xml"
        result = helpers.run_cli("junit", helpers.FULL, "-o", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(int(ET.parse(out).getroot().get("tests")), len(self.doc["results"]))


if __name__ == "__main__":
    unittest.main()

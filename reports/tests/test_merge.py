"""Merging runs from two platforms into one report with a column per platform."""

import re
import unittest
import xml.etree.ElementTree as ET

from reports import load, merge
from reports.tests import fixtures, helpers


class MergedView(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.docs = [load.load(helpers.FULL), load.load(helpers.ARM)]
        cls.view = merge.merged_view(cls.docs, [str(helpers.FULL), str(helpers.ARM)])

    def test_one_column_per_platform_named_by_its_host(self):
        self.assertEqual(self.view["labels"], ["Debian GNU/Linux 12 (bookworm) x86_64", "Debian GNU/Linux 12 (bookworm) aarch64"])
        for row in self.view["matrix"]:
            self.assertEqual(len(row["cells"]), 2)

    def test_rows_are_implementations_by_name_and_version(self):
        self.assertEqual([r["key"] for r in self.view["matrix"]],
                         ["shmcheck-ref 0.1.0", "boost-interprocess 1.74.0", "cpython 2.7.18", "cpython 3.12.1", "cpython:python3.99"])

    def test_counts_per_platform(self):
        boost = next(r for r in self.view["matrix"] if r["key"].startswith("boost"))
        x86, arm = (c["tally"] for c in boost["cells"])
        self.assertEqual((x86.unexpected, arm.unexpected), (2, 1))  # the slice bug is x86-only in the fixture
        broken = next(r for r in self.view["matrix"] if r["key"] == "cpython:python3.99")
        self.assertTrue(all("status 127" in c["broken"] for c in broken["cells"]))

    def test_cases_that_differ_are_listed_side_by_side(self):
        differing = {(c["key"], c["case"]): [r["verdict"] for r in c["rows"]] for c in self.view["differing"]}
        self.assertEqual(differing, {("boost-interprocess 1.74.0", "array-slice-wrong-length"): ["fail", "pass"],
                                     ("shmcheck-ref 0.1.0", "child-sees-parent-write"): ["pass", "fail"]})

    def test_rows_carry_their_platform_and_still_validate(self):
        for doc, label in zip(self.view["docs"], self.view["labels"]):
            self.assertEqual({r["platform"] for r in doc["results"]}, {label})
            self.assertEqual(load.errors(doc), [])

    def test_same_host_twice_gets_told_apart_by_directory(self):
        docs = [load.load(helpers.FULL), load.load(helpers.FULL)]
        labels = merge.label_platforms(docs, ["results-ubuntu/results.json", "results-other/results.json"])
        self.assertEqual(labels, ["Debian GNU/Linux 12 (bookworm) x86_64 (results-ubuntu)",
                                  "Debian GNU/Linux 12 (bookworm) x86_64 (results-other)"])


class MergeCommand(helpers.TempDirTest):
    def test_writes_one_page_and_junit_with_both_platforms(self):
        out = self.tmp / "merged"
        result = helpers.run_cli("merge", helpers.FULL, helpers.ARM, "-o", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        page = (out / "index.html").read_text(encoding="utf-8")
        table = re.search(r'id="summary-matrix">(.*?)</table>', page, re.S).group(1)
        header = re.search(r"<tr>(.*?)</tr>", table, re.S).group(1)
        self.assertEqual(re.findall(r"<th>([^<]*)</th>", header),
                         ["implementation", "Debian GNU/Linux 12 (bookworm) x86_64", "Debian GNU/Linux 12 (bookworm) aarch64"])
        self.assertIn("2 cases did not get the same verdict on every platform", page)
        root = ET.parse(out / "junit.xml").getroot()
        hosts = {s.get("hostname") for s in root.findall("testsuite")}
        self.assertEqual(hosts, {"Debian GNU/Linux 12 (bookworm) x86_64", "Debian GNU/Linux 12 (bookworm) aarch64"})
        self.assertIsNotNone(root.find("testsuite[@name='[Debian GNU/Linux 12 (bookworm) aarch64] boost/spec']"))
        self.assertEqual(int(root.get("tests")), sum(len(load.read(p)["results"]) for p in (helpers.FULL, helpers.ARM)))

    def test_v0_and_v1_merge(self):
        out = self.tmp / "mixed"
        result = helpers.run_cli("merge", helpers.V0, helpers.ARM, "-o", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("linux x86_64", (out / "index.html").read_text(encoding="utf-8"))

    def test_large_merge_stays_under_5_mb(self):
        a = helpers.write_json(self.tmp, "a.json", fixtures.large(3000))
        b_doc = fixtures.large(3000)
        b_doc["run"]["host"]["machine"] = "aarch64"
        b = helpers.write_json(self.tmp, "b.json", b_doc)
        result = helpers.run_cli("merge", a, b, "-o", self.tmp / "big")
        self.assertEqual(result.returncode, 0, result.stderr)
        size = (self.tmp / "big" / "index.html").stat().st_size
        self.assertLess(size, 5 * 1024 * 1024, size)


if __name__ == "__main__":
    unittest.main()

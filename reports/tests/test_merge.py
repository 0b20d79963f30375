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
        cls.view = merge.merged_view(merge.group(merge.expand(cls.docs, [str(helpers.FULL), str(helpers.ARM)])))

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

    def test_files_of_one_host_are_one_platform(self):
        # Its suites written apart, or its shards: one column, the results of both.
        docs = [load.load(helpers.FULL), load.load(helpers.FULL)]
        view = merge.merged_view(merge.group(merge.expand(docs, ["a/results.json", "b/results.json"])))
        self.assertEqual(view["labels"], ["Debian GNU/Linux 12 (bookworm) x86_64"])
        self.assertEqual(len(view["docs"][0]["results"]), 2 * len(docs[0]["results"]))

    def test_what_each_shard_left_behind_is_kept_through_merges(self):
        docs = [load.load(helpers.FULL), load.load(helpers.FULL)]
        for i, doc in enumerate(docs):
            doc["leftovers"] = [{"impl": "ref", "suite": "stress", "dev_shm": [f"shard{i}"], "appeared": []}]
        docs[1]["results"] = []  # shards hold different cases
        view = merge.merged_view(merge.group(merge.expand(docs, ["a.json", "b.json"], ["same", "same"])))
        self.assertEqual([row["dev_shm"] for row in view["docs"][0]["leftovers"]], [["shard0"], ["shard1"]])
        merged = merge.merged_document(view)
        self.assertEqual(load.errors(merged), [])
        self.assertEqual([(r["platform"], r["dev_shm"]) for r in merged["leftovers"]], [("same", ["shard0"]), ("same", ["shard1"])])
        again = merge.group(merge.expand([merged], ["merged.json"]))
        self.assertEqual([row["dev_shm"] for row in again[0][2]["leftovers"]], [["shard0"], ["shard1"]])

    def test_a_platform_name_given_wins_over_the_host(self):
        docs = [load.load(helpers.FULL), load.load(helpers.FULL)]
        view = merge.merged_view(merge.group(merge.expand(docs, ["a.json", "b.json"], ["gcc", "clang"])))
        self.assertEqual(view["labels"], ["gcc", "clang"])


class MergeCommand(helpers.TempDirTest):
    def test_writes_one_page_and_junit_with_both_platforms(self):
        out = self.tmp / "merged"
        result = helpers.run_cli("merge", helpers.FULL, helpers.ARM, "-o", out)
        # Both fixtures hold unexpected failures: the merge says so in its exit status.
        self.assertEqual(result.returncode, 1, result.stderr)
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
        self.assertIn(result.returncode, (1, 3), result.stderr)
        self.assertIn("linux x86_64", (out / "index.html").read_text(encoding="utf-8"))

    def test_large_merge_stays_under_5_mb(self):
        a = helpers.write_json(self.tmp, "a.json", fixtures.large(3000))
        b_doc = fixtures.large(3000)
        b_doc["run"]["host"]["machine"] = "aarch64"
        b = helpers.write_json(self.tmp, "b.json", b_doc)
        result = helpers.run_cli("merge", a, b, "-o", self.tmp / "big")
        self.assertIn(result.returncode, (0, 1, 3), result.stderr)
        self.assertTrue((self.tmp / "big" / "results.json").exists(), result.stderr)
        size = (self.tmp / "big" / "index.html").stat().st_size
        self.assertLess(size, 5 * 1024 * 1024, size)

    def test_the_merged_results_validate_and_merge_again(self):
        first = self.tmp / "first"
        self.assertEqual(helpers.run_cli("merge", helpers.FULL, helpers.ARM, "-o", first).returncode, 1)
        merged = load.read(first / "results.json")
        self.assertEqual(load.errors(merged), [])
        self.assertEqual(len(merged["results"]), sum(len(load.read(p)["results"]) for p in (helpers.FULL, helpers.ARM)))
        # Merged again with a third platform: the two it held stay two columns, named as before.
        third = load.read(helpers.FULL)
        third["run"]["host"]["machine"] = "riscv64"
        c = helpers.write_json(self.tmp, "c.json", third)
        again = self.tmp / "again"
        result = helpers.run_cli("merge", first / "results.json", c, "-o", again)
        self.assertEqual(result.returncode, 1, result.stderr)
        doc = load.read(again / "results.json")
        self.assertEqual([m["platform"] for m in doc["run"]["merged"]],
                         ["Debian GNU/Linux 12 (bookworm) x86_64", "Debian GNU/Linux 12 (bookworm) aarch64",
                          "Debian GNU/Linux 12 (bookworm) riscv64"])
        self.assertEqual(len(doc["results"]), len(merged["results"]) + len(third["results"]))

    def test_exit_status_is_0_when_no_platform_failed_or_broke_unexpectedly(self):
        docs = []
        for name, path in (("a.json", helpers.FULL), ("b.json", helpers.ARM)):
            doc = load.read(path)
            doc["results"] = [r for r in doc["results"] if r["verdict"] not in ("fail", "broken") or r["expected"]]
            doc["implementations"] = [i for i in doc["implementations"] if "broken" not in i]  # could not start: 3
            docs.append(helpers.write_json(self.tmp, name, doc))
        result = helpers.run_cli("merge", *docs, "-o", self.tmp / "green")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_platform_names_once_per_file_or_bad_usage(self):
        result = helpers.run_cli("merge", helpers.FULL, helpers.ARM, "--platform", "one", "-o", self.tmp / "x")
        self.assertEqual(result.returncode, 2)
        self.assertIn("once per file", result.stderr)
        result = helpers.run_cli("merge", helpers.FULL, helpers.ARM, "--platform", "gcc", "--platform", "clang",
                                 "-o", self.tmp / "named")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual([m["platform"] for m in load.read(self.tmp / "named" / "results.json")["run"]["merged"]],
                         ["gcc", "clang"])


if __name__ == "__main__":
    unittest.main()

"""The report's ABI dimension (issue 16): implementation x ABI matrix, the cases that differ
between ABIs, emulator artefacts, a one-ABI report as it was, merges, and the page's size.

Fixtures: real runs of this machine (data/abi-host-*.json: `shmcheck run --impl ref --impl
python:/usr/bin/python3 --suite spec --seed 1`, the same with python@spawn and @forkserver, and
`shmcheck stress owner-death` on ref and python; data/abi-foreign-*.json: Debian's CPython on
linux-i686, linux-s390x and linux-armhf under qemu-user), and foreign-ABI variants of the host
runs made by abi_variants.py, which plants the differences it lists (every ABI, the reference
under qemu too, until those runs exist here).
"""

import copy
import json
import re
import unittest

from reports import abi, html, load, merge
from reports.tests import abi_variants, helpers

SPEC = helpers.DATA / "abi-host-spec.json"
OWNER_DEATH = helpers.DATA / "abi-host-owner-death.json"
METHODS = helpers.DATA / "abi-host-methods.json"
FOREIGN_SPEC = helpers.DATA / "abi-foreign-spec.json"
FOREIGN_OWNER_DEATH = helpers.DATA / "abi-foreign-owner-death.json"
FOREIGN_REF = (helpers.DATA / "abi-foreign-ref-spec.json", helpers.DATA / "abi-foreign-ref-owner-death.json")
HOST_ABI = "linux-x86_64"
ALL_ABIS = [HOST_ABI, *abi_variants.FOREIGN]


def host():
    return merge.combine([load.load(SPEC), load.load(OWNER_DEATH)])


def with_foreign(doc=None, **kwargs):
    """The host run and its foreign variants as one document (what `reports html` makes of the two files)."""
    doc = doc or host()
    combined = merge.combine([doc, abi_variants.variants(doc, **kwargs)])
    combined.pop("_runs", None)
    return combined


def section(page, start, end):
    return page[page.index(start):page.index(end, page.index(start))]


def real_foreign():
    """The real runs below, and the host's, as one document (`reports html` of the files)."""
    doc = merge.combine([load.load(p) for p in RealForeignRuns.FILES])
    doc.pop("_runs", None)
    return doc


class RealForeignRuns(helpers.TempDirTest):
    """Real runs of Debian's CPython 3.11.2 on three foreign ABIs under qemu-user (issue 16's
    ABI:python specs, with ci/foreign-roots' root filesystems): `shmcheck run --impl
    linux-i686:python --impl linux-s390x:python --impl linux-armhf:python --suite spec --seed 1`
    and `shmcheck stress owner-death` on the first two; and of the reference cross-built for
    s390x (`ci/cross-build linux-s390x`; `--impl linux-s390x:ref`, the same two commands); beside
    the host's runs."""

    FILES = (SPEC, OWNER_DEATH, FOREIGN_SPEC, FOREIGN_OWNER_DEATH, *FOREIGN_REF)

    def doc(self):
        return real_foreign()

    def test_the_harness_wrote_each_abi(self):
        impls = load.load(FOREIGN_SPEC)["implementations"]
        self.assertEqual([(i["spec"], i["abi"]) for i in impls],
                         [("linux-i686:python", "linux-i686"), ("linux-s390x:python", "linux-s390x"),
                          ("linux-armhf:python", "linux-armhf")])

    def test_the_hosts_cpython_and_the_foreign_ones_are_one_row(self):
        m = abi.matrix(self.doc())
        self.assertEqual(m["abis"], [HOST_ABI, "linux-i686", "linux-s390x", "linux-armhf"])
        self.assertEqual([r["key"] for r in m["rows"]], ["shmcheck-ref 0.1.0", "cpython 3.11.2"])
        python = m["rows"][1]["cells"]
        self.assertEqual([c["spec"] for c in python],
                         ["python:/usr/bin/python3", "linux-i686:python", "linux-s390x:python", "linux-armhf:python"])
        self.assertEqual([c["tally"].verdicts["unsupported"] for c in python], [0, 1, 0, 1])
        ref = m["rows"][0]["cells"]
        self.assertEqual([c and c["spec"] for c in ref], ["ref", None, "linux-s390x:ref", None])
        self.assertEqual((ref[2]["tally"].verdicts["pass"], ref[2]["tally"].verdicts["unsupported"]), (101, 1))

    def test_long_is_4_bytes_on_ilp32_the_one_difference(self):
        d = abi.differences(self.doc())
        findings = [r for r in d["rows"] if not r["emulator"]]
        self.assertEqual([(r["key"], r["suite"], r["case"]) for r in findings], [("cpython 3.11.2", "spec", "wrap-L-minus-1")])
        cells = findings[0]["cells"]
        self.assertEqual([c["row"]["verdict"] for c in cells], ["pass", "unsupported", "pass", "unsupported"])
        self.assertEqual(cells[1]["reason"], "needs an LP64 platform (8-byte long)")
        self.assertEqual(cells[3]["same_as"], "linux-i686")
        # CPython's owner-death did not run on armhf: not compared there; it fails (expectedly) wherever it ran.
        # The reference's under qemu is the one emulator artefact (the next test).
        self.assertEqual((d["findings"], d["emulator"]), (1, 1))

    def test_the_references_owner_death_under_qemu_is_an_emulator_artefact(self):
        d = abi.differences(merge.combine([load.load(p) for p in self.FILES]))
        artefacts = [r for r in d["rows"] if r["emulator"]]
        self.assertEqual([(r["key"], r["suite"], r["case"]) for r in artefacts], [("shmcheck-ref 0.1.0", "stress", "owner-death")])
        host_cell, s390x = artefacts[0]["cells"][0], artefacts[0]["cells"][2]
        self.assertEqual((host_cell["row"]["verdict"], s390x["row"]["verdict"], s390x["emulator"]), ("pass", "unsupported", True))
        self.assertTrue(s390x["title"].startswith("emulator: the kernel's robust futex list is not available here"))
        page = html.render_single(self.doc(), ["x.json"])
        self.assertIn("1 case differs across ABIs", page)
        self.assertIn("1 more differs only under an emulator", section(page, 'id="abi-emulator"', "</details>"))

    def test_merged_into_one_platform(self):
        out = self.tmp / "merged"
        result = helpers.run_cli("merge", *self.FILES, "-o", out)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        page = (out / "index.html").read_text(encoding="utf-8")
        second = re.findall(r"<tr>(.*?)</tr>", section(page, 'id="summary-matrix"', "</table>"), re.S)[1]
        self.assertEqual(re.findall(r'<th class="abi-col">([^<]*)</th>', second), [HOST_ABI, "linux-i686", "linux-s390x", "linux-armhf"])
        self.assertEqual(load.errors(load.read(out / "results.json")), [])


class HostAbi(unittest.TestCase):
    def test_from_kernel_and_machine(self):
        cases = {("Linux 6.1.0-18-amd64", "Debian GNU/Linux 12 (bookworm)", "x86_64"): "linux-x86_64",
                 ("Linux 6.1.0", "Debian", "aarch64"): "linux-aarch64",
                 ("Linux 6.1.0", "Debian", "armv7l"): "linux-armhf",
                 ("Linux 6.1.0", "Debian", "i686"): "linux-i686",
                 ("Linux 6.1.0", "Debian", "ppc64le"): "linux-ppc64el",
                 ("Darwin 23.4.0", "macOS 14.4", "arm64"): "macos-arm64",
                 ("unknown", "linux", "x86_64"): "linux-x86_64",  # an upgraded version-0 file
                 ("unknown", "unknown", "unknown"): "unknown"}
        for (kernel, os_name, machine), expected in cases.items():
            with self.subTest(machine=machine, kernel=kernel):
                self.assertEqual(abi.host_abi({"kernel": kernel, "os": os_name, "machine": machine}), expected)

    def test_an_implementation_without_abi_ran_on_the_host_unless_its_spec_names_one(self):
        h = load.load(SPEC)["run"]["host"]
        self.assertEqual(abi.abi_of({"spec": "python:/usr/bin/python3"}, h), HOST_ABI)
        self.assertEqual(abi.abi_of({"spec": "linux-s390x:ref"}, h), "linux-s390x")
        self.assertEqual(abi.abi_of({"spec": "ref", "abi": "linux-armhf"}, h), "linux-armhf")
        self.assertEqual(abi.split_spec("exec:./driver --x"), (None, "exec:./driver --x"))
        self.assertEqual(abi.split_spec("windows-x64-mingw:ref"), ("windows-x64-mingw", "ref"))


class Rows(unittest.TestCase):
    def test_host_python_and_foreign_python_are_one_row_start_methods_are_not(self):
        doc = merge.combine([load.load(SPEC), load.load(METHODS)])
        doc = with_foreign(doc, abis=("linux-armhf", "linux-riscv64"))
        keys = abi.row_keys(doc["implementations"], doc["run"]["host"])
        self.assertEqual(keys["python:/usr/bin/python3"], "cpython 3.11.2")
        self.assertEqual(keys["linux-armhf:python"], "cpython 3.11.2")
        self.assertEqual(keys["python:/usr/bin/python3@spawn"], "cpython 3.11.2 @spawn")
        self.assertEqual(keys["linux-armhf:python@spawn"], "cpython 3.11.2 @spawn")
        self.assertEqual(keys["linux-armhf:ref"], keys["ref"])
        # One that could not start said nothing: it joins the row of its spec on another ABI.
        self.assertEqual(keys["linux-riscv64:python"], "cpython 3.11.2")

    def test_two_specs_of_one_abi_alike_keep_rows_of_their_own(self):
        doc = load.load(SPEC)
        twin = copy.deepcopy(next(i for i in doc["implementations"] if i["spec"].startswith("python")))
        twin["spec"] = "python:/usr/bin/python3.11"
        keys = abi.row_keys(doc["implementations"] + [twin], doc["run"]["host"])
        self.assertEqual((keys["python:/usr/bin/python3"], keys["python:/usr/bin/python3.11"]),
                         ("cpython 3.11.2 (python:/usr/bin/python3)", "cpython 3.11.2 (python:/usr/bin/python3.11)"))


class Matrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = with_foreign()
        cls.matrix = abi.matrix(cls.doc)

    def cell(self, key, abi_name):
        row = next(r for r in self.matrix["rows"] if r["key"] == key)
        return row["cells"][self.matrix["abis"].index(abi_name)]

    def test_columns_are_abis_host_first_rows_are_implementations(self):
        self.assertEqual(self.matrix["abis"], ALL_ABIS)
        self.assertEqual([r["key"] for r in self.matrix["rows"]], ["shmcheck-ref 0.1.0", "cpython 3.11.2"])

    def test_cells_count_the_verdicts(self):
        total = len([r for r in self.doc["results"] if r["impl"] == "ref"])
        host_ref = self.cell("shmcheck-ref 0.1.0", HOST_ABI)["tally"]
        self.assertEqual((host_ref.verdicts["pass"], host_ref.total), (total, total))
        i686 = self.cell("shmcheck-ref 0.1.0", "linux-i686")["tally"]
        self.assertEqual((i686.unexpected, i686.verdicts["unsupported"], i686.verdicts["pass"]), (1, 1, total - 2))
        self.assertEqual(self.cell("shmcheck-ref 0.1.0", "windows-x64-mingw")["tally"].verdicts["unsupported"], 0)
        python_host = self.cell("cpython 3.11.2", HOST_ABI)["tally"]
        self.assertEqual((python_host.expected, python_host.unexpected), (1, 0))  # owner-death, as its expectations say
        self.assertEqual(self.cell("cpython 3.11.2", "linux-riscv64")["broken"], abi_variants.BROKEN_PYTHON["linux-riscv64"])
        self.assertIsNone(self.cell("cpython 3.11.2", "windows-x64-mingw"))

    def test_the_page_shows_them(self):
        page = html.render_single(self.doc, ["host.json", "foreign.json"])
        table = section(page, 'id="summary-matrix"', "</table>")
        header = re.findall(r'<th class="abi-col">([^<]*)</th>', table)
        self.assertEqual(header, ALL_ABIS)
        rows = re.findall(r"<tr><th>([^<]*)</th>(.*?)</tr>", table, re.S)[1:]  # under the header
        self.assertEqual([k for k, _ in rows], ["shmcheck-ref 0.1.0", "cpython 3.11.2"])
        cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[0][1], re.S)
        self.assertEqual(len(cells), len(ALL_ABIS))
        chips = [re.findall(r'class="chip (\w+)"[^>]*>([^<]*)<', c) for c in cells]
        self.assertEqual(chips[1], [("fail", "1 fail"), ("unsupported", "1 unsup."), ("pass", "100 pass")])  # ref on i686
        self.assertIn("could not start", rows[1][1])  # python on riscv64
        # Each cell opens its implementation's cases.
        anchors = re.findall(r'href="#(impl-\d+)"', rows[0][1])
        self.assertEqual(len(anchors), len(ALL_ABIS))
        for anchor in anchors:
            self.assertIn(f'<section id="{anchor}">', page)


class Differences(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = with_foreign()
        cls.diff = abi.differences(cls.doc)
        cls.page = html.render_single(cls.doc, ["host.json", "foreign.json"])

    def test_each_planted_difference_and_nothing_else(self):
        found = {(d["key"], d["suite"], d["case"]): d for d in self.diff["rows"]}
        self.assertEqual(set(found), {("shmcheck-ref 0.1.0", "spec", "wrap-L-minus-1"), ("cpython 3.11.2", "spec", "wrap-L-minus-1"),
                                      ("shmcheck-ref 0.1.0", "stress", "owner-death")})
        ref = found[("shmcheck-ref 0.1.0", "spec", "wrap-L-minus-1")]
        verdicts = [c["row"]["verdict"] if c["state"] == "ran" else c["state"] for c in ref["cells"]]
        self.assertEqual(verdicts, ["pass", "fail", "fail", "pass", "pass", "pass", "pass", "fail"])
        python = found[("cpython 3.11.2", "spec", "wrap-L-minus-1")]
        states = [c["row"]["verdict"] if c["state"] == "ran" else c["state"] for c in python["cells"]]
        # riscv64: could not start (not compared); windows: no CPython there at all.
        self.assertEqual(states, ["pass", "fail", "fail", "pass", "broken", "pass", "pass", "absent"])
        self.assertEqual(ref["cells"][1]["reason"], abi_variants.WRAP_MESSAGE[:87] + "...")
        self.assertEqual((ref["cells"][2]["reason"], ref["cells"][2]["same_as"]), ("", "linux-i686"))
        self.assertEqual((self.diff["findings"], self.diff["emulator"]), (2, 1))

    def test_the_headline_of_the_portability_section_counts_them(self):
        portability = section(self.page, 'id="portability"', 'id="lifetime"')
        headings = re.findall(r"<h3[^>]*>([^<]*)</h3>", portability)
        self.assertEqual(headings[0], "2 cases differ across ABIs")
        table = section(portability, '<table class="compact abi-diff">', "</table>")
        self.assertEqual(re.findall(r"<tr><th><code>([^<]*)</code>", table), ["wrap-L-minus-1", "wrap-L-minus-1"])
        self.assertIn("L: -1 read back as 4294967295", table)
        self.assertIn("as on linux-i686", table)

    def test_emulator_artefacts_are_marked_and_not_counted(self):
        owner = next(d for d in self.diff["rows"] if d["case"] == "owner-death")
        self.assertTrue(owner["emulator"])
        qemu = [c["emulator"] for c, a in zip(owner["cells"], ALL_ABIS) if a.startswith("linux-") and a != HOST_ABI]
        self.assertEqual(qemu, [True] * 6)
        self.assertEqual(owner["cells"][-1]["row"]["verdict"], "pass")  # wine: WAIT_ABANDONED, no artefact
        folded = section(self.page, 'id="abi-emulator"', "</details>")
        self.assertIn("1 more differs only under an emulator", folded)
        self.assertEqual(folded.count('class="k-unsupported emulator"'), 6)
        self.assertIn("owner-death", folded)
        # A real difference beside an emulator artefact is still a finding.
        doc = copy.deepcopy(self.doc)
        for row in doc["results"]:
            if row["impl"] == "windows-x64-mingw:ref" and row["case"] == "owner-death":
                row["verdict"], row["message"] = "fail", "lock not recovered after owner death"
        found = {d["case"]: d["emulator"] for d in abi.differences(doc)["rows"] if d["key"].startswith("shmcheck")}
        self.assertEqual(found["owner-death"], False)

    def test_the_audit_follows(self):
        doc = copy.deepcopy(self.doc)
        doc["audit"] = load.load(helpers.FULL)["audit"]
        page = html.render_single(doc, ["x.json"])
        portability = section(page, 'id="portability"', 'id="lifetime"')
        self.assertLess(portability.index("differ across ABIs"), portability.index('<table class="abi">'))


class OneAbi(unittest.TestCase):
    """A run on one ABI (every report before issue 16) keeps its page: the suites matrix, no ABI comparison."""

    def test_page_is_the_same_with_or_without_abi_set(self):
        doc = host()
        page = html.render_single(doc, ["x.json"])
        tagged = copy.deepcopy(doc)
        for impl in tagged["implementations"]:
            impl["abi"] = HOST_ABI
        self.assertEqual(load.errors({k: v for k, v in tagged.items() if k != "_runs"}), [])  # _runs: combine's note
        self.assertEqual(html.render_single(tagged, ["x.json"]), page)
        self.assertIsNone(abi.matrix(doc))
        self.assertNotIn("differ across ABIs", page)
        self.assertNotIn('class="abi-col"', page)
        header = section(page, 'id="summary-matrix"', "</tr>")
        self.assertEqual(re.findall(r"<th>([^<]*)</th>", header), ["implementation", "spec", "stress", "all suites"])

    def test_a_foreign_abi_alone_is_one_abi_too(self):
        doc = abi_variants.variants(load.load(SPEC), abis=("linux-s390x",))
        self.assertEqual(abi.abis_of(doc), ["linux-s390x"])
        self.assertIsNone(abi.matrix(doc))


class Merge(helpers.TempDirTest):
    def files(self):
        foreign = abi_variants.variants(host())
        self.assertEqual(load.errors(foreign), [])
        return [SPEC, OWNER_DEATH, helpers.write_json(self.tmp, "foreign.json", foreign)]

    def test_a_host_file_and_a_foreign_file_merge_into_one_platform_with_abi_columns(self):
        out = self.tmp / "merged"
        result = helpers.run_cli("merge", *self.files(), "-o", out)
        self.assertEqual(result.returncode, 1, result.stderr)  # the planted failures are unexpected
        page = (out / "index.html").read_text(encoding="utf-8")
        table = section(page, 'id="summary-matrix"', "</table>")
        first, second = re.findall(r"<tr>(.*?)</tr>", table, re.S)[:2]
        self.assertEqual(re.findall(r'<th colspan="(\d+)">([^<]*)</th>', first), [("8", "Debian GNU/Linux 12 (bookworm) x86_64")])
        self.assertEqual(re.findall(r'<th class="abi-col">([^<]*)</th>', second), ALL_ABIS)
        self.assertIn("did not get the same verdict on every platform and ABI", page)
        merged = load.read(out / "results.json")
        self.assertEqual(load.errors(merged), [])
        self.assertEqual({i.get("abi") for i in merged["implementations"]}, {None, *abi_variants.FOREIGN})  # the host's has none
        # Merged again with another platform: the first keeps its ABI columns.
        arm = load.read(SPEC)
        arm["run"]["host"]["machine"] = "aarch64"
        again = self.tmp / "again"
        result = helpers.run_cli("merge", out / "results.json", helpers.write_json(self.tmp, "arm.json", arm), "-o", again)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(load.errors(load.read(again / "results.json")), [])
        view = merge.merged_view(merge.group(merge.expand([load.load(again / "results.json")], ["again.json"])))
        self.assertEqual([(c["platform"].split()[-1], c["abi"]) for c in view["columns"]],
                         [("x86_64", a) for a in ALL_ABIS] + [("aarch64", "linux-aarch64")])
        self.assertEqual([r["key"] for r in view["matrix"]], ["shmcheck-ref 0.1.0", "cpython 3.11.2"])
        python = next(r for r in view["matrix"] if r["key"] == "cpython 3.11.2")
        self.assertEqual(python["cells"][-1]["tally"].verdicts["pass"], 101)  # the aarch64 host's python

    def test_the_host_abi_audited_by_both_files_is_one_row(self):
        audit = load.load(helpers.FULL)["audit"]
        a, b = host(), abi_variants.variants(host())
        a["audit"], b["audit"] = copy.deepcopy(audit), copy.deepcopy(audit)
        b["audit"]["abis"].append(dict(copy.deepcopy(audit["abis"][0]), abi="linux-s390x"))
        combined = merge.combine([a, b])["audit"]
        self.assertEqual([x["abi"] for x in combined["abis"]], [x["abi"] for x in audit["abis"]] + ["linux-s390x"])
        self.assertEqual(len(combined["findings"]), len(audit["findings"]))

    def test_one_abi_per_platform_keeps_one_header_row(self):
        view = merge.merged_view(merge.group(merge.expand([load.load(helpers.FULL), load.load(helpers.ARM)], ["a", "b"])))
        self.assertFalse(view["by_abi"])
        self.assertEqual([c["label"] for c in view["columns"]], view["labels"])


class Size(unittest.TestCase):
    """7 ABIs x 4 implementations (ref, CPython with each start method): folded as one ABI's page is."""

    def test_7_abis_by_4_implementations(self):
        doc = merge.combine([load.load(SPEC), load.load(METHODS), load.load(OWNER_DEATH)])
        doc.pop("_runs", None)
        doc = with_foreign(doc, abis=abi_variants.FOREIGN[:6])
        self.assertEqual(len(abi.abis_of(doc)), 7)
        self.assertEqual(len(abi.matrix(doc)["rows"]), 4)
        page = html.render_single(doc, ["host.json", "foreign.json"])
        out = helpers.artifacts_dir("abi")
        html.write(str(out / "seven-by-four"), page)
        elements = len(re.findall(r"<[a-zA-Z]", page))
        print(f"\n7 ABIs x 4 implementations ({len(doc['implementations'])} specs, {len(doc['results'])} results): "
              f"{len(page.encode()):,} bytes, {elements:,} elements")
        self.assertLess(len(page.encode()), 400_000)
        self.assertLess(elements, 5_000)
        # Passing cases stay folded: no case card for a pass, one list per implementation.
        self.assertEqual(page.count('<details class="case k-pass"'), 0)

    def test_every_suite_on_7_abis_costs_no_more_per_implementation_than_on_one(self):
        # fixtures_many's shape of a run of every suite (stress histograms, lifetime censuses,
        # expected failures with counterexamples), 4 implementations, then on 6 foreign ABIs too.
        from reports.tests import fixtures_many
        one = fixtures_many.many(4)
        seven = merge.combine([one, abi_variants.variants(one, abis=abi_variants.FOREIGN[:6])])
        seven.pop("_runs", None)
        self.assertEqual(len(abi.abis_of(seven)), 7)
        pages = {n: html.render_single(doc, ["x.json"]).encode() for n, doc in ((1, one), (7, seven))}
        specs = {1: len(one["implementations"]), 7: len(seven["implementations"])}
        per = {n: len(pages[n]) / specs[n] for n in pages}
        print(f"\nevery suite: {specs[1]} specs on 1 ABI {len(pages[1]):,} bytes ({per[1]:,.0f} per spec); "
              f"{specs[7]} specs on 7 ABIs {len(pages[7]):,} bytes ({per[7]:,.0f} per spec)")
        self.assertLess(per[7], 1.05 * per[1])


if __name__ == "__main__":
    unittest.main()

"""The faults suite (issue 18) in the reports: its section of results.json against the schema, its
table per implementation in the page, its cases in JUnit and through merges; and a document
without the section (older results, a run without the suite), which renders as before."""

from html.parser import HTMLParser
import json
import re
import unittest
import xml.etree.ElementTree as ET

from reports import html, junit, load, merge, model, sections
from reports.tests import fixtures, helpers

FAULTS = helpers.DATA / "faults.json"
PY = "python:/usr/bin/python3"
OUTCOMES = ("works", "refused", "not_recovered", "signal", "exited", "hang", "wrong_value", "timeout_not_honoured", "not_run")


def faults_doc():
    return load.load(FAULTS)


def render(doc):
    return html.render_single(doc, ["faults.json"])


def between(page, start, end):
    return page[page.index(start):page.index(end)]


class FaultTables(HTMLParser):
    """Per table.faults (in page order) its rows of cases: the text of each cell, and the class of
    the verdict's cell."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tables, self._row, self._cell, self._depth = [], None, None, 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._cell is not None:
            self._cell.append(" ")  # what the page shows on lines of their own (cell-sub) stays apart
        if tag == "table" and attrs.get("class") == "faults":
            self.tables.append([])
        elif tag == "tr" and attrs.get("class") == "fault":
            self._row = {"cells": [], "classes": []}
            self.tables[-1].append(self._row)
        elif tag == "td" and self._row is not None:
            self._cell = []
            self._row["classes"].append(attrs.get("class", ""))

    def handle_endtag(self, tag):
        if self._cell is not None:
            self._cell.append(" ")
        if tag == "td" and self._cell is not None:
            self._row["cells"].append(" ".join("".join(self._cell).split()).replace(" ,", ","))
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def cells(page):
    """{(table index, case id): [fault, first affected, what happened, left behind, verdict]} and the
    verdict cells' classes."""
    out, classes = {}, {}
    for n, table in enumerate(FaultTables(page).tables):
        for row in table:
            case = row["cells"][0].split()[-1]
            out[(n, case)] = row["cells"]
            classes[(n, case)] = row["classes"][-1]
    return out, classes


class View(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = faults_doc()
        cls.view = sections.faults_view(cls.doc)

    def rows(self, spec):
        return {r["case"]: r for i in self.view["impls"] if i["impl"] == spec for r in i["rows"]}

    def test_the_fixture_has_every_outcome_the_schema_names(self):
        self.assertEqual(tuple(load.schema()["$defs"]["fault_case"]["properties"]["outcome"]["enum"]), OUTCOMES)
        self.assertEqual({c["outcome"] for c in self.doc["faults"]["cases"]}, set(OUTCOMES))
        self.assertEqual(set(sections.OUTCOMES), set(OUTCOMES))

    def test_a_table_per_implementation_in_the_runs_order(self):
        self.assertEqual([(i["impl"], i["label"]) for i in self.view["impls"]],
                         [("ref", "shmcheck-ref 0.1.0"), (PY, "cpython 3.11.2")])
        doc = faults_doc()
        doc["implementations"].reverse()  # the run's order, not the section's
        self.assertEqual([i["impl"] for i in sections.faults_view(doc)["impls"]], [PY, "ref"])
        doc["faults"]["cases"][0]["impl"] = "mutant:no-reserve"  # listed nowhere else: last
        self.assertEqual([i["impl"] for i in sections.faults_view(doc)["impls"]], [PY, "ref", "mutant:no-reserve"])

    def test_what_happened_in_words_with_the_signal_named(self):
        python, ref = self.rows(PY), self.rows("ref")
        self.assertEqual({case: r["happened"] for case, r in python.items()}, {
            "faults/shm-64mib": "not recovered", "faults/shm-1mib": "killed by SIGBUS", "faults/shm-64kib": "wrong value",
            "faults/full-during-use": "killed by SIGBUS", "faults/few-descriptors": "exited",
            "faults/little-memory": "hung", "faults/stopped-holder": "timeout not honoured"})
        self.assertEqual(ref["faults/shm-1mib"]["happened"], "refused: OSError")
        self.assertEqual(ref["faults/little-memory"]["happened"], "not run")
        # The detail without what the outcome already says ("refused: OSError: ", "killed by SIGBUS (signal 7)").
        self.assertEqual(ref["faults/shm-1mib"]["shown_detail"], "[Errno 28] No space left on device")
        self.assertEqual(python["faults/shm-1mib"]["shown_detail"], "")
        self.assertEqual(python["faults/little-memory"]["shown_detail"], "no answer to create within 10000 ms")
        self.assertEqual(ref["faults/shm-64mib"]["shown_detail"], "")

    def test_signals_are_named_by_linux_numbers_whatever_machine_renders(self):
        self.assertEqual([sections.signal_name(n) for n in (6, 7, 9, 11, 31)], ["SIGABRT", "SIGBUS", "SIGKILL", "SIGSEGV", "SIGSYS"])
        self.assertEqual(sections.signal_name(40), "signal 40")

    def test_the_verdict_counts_as_its_results_row_says(self):
        python = self.rows(PY)
        self.assertEqual(python["faults/shm-1mib"]["kind"], "expected-fail")
        self.assertIn("falls back silently", python["faults/shm-1mib"]["expectation"])
        self.assertEqual(python["faults/full-during-use"]["kind"], "unexpected-fail")
        self.assertEqual(self.rows("ref")["faults/little-memory"]["kind"], "unsupported")
        # Interrupted during the case: the results row says broken, written after the section's row.
        doc = faults_doc()
        next(r for r in doc["results"] if r["impl"] == "ref" and r["case"] == "faults/stopped-holder").update(
            verdict="broken", message="interrupted (SIGINT)")
        rows = {r["case"]: r for r in sections.faults_view(doc)["impls"][0]["rows"]}
        self.assertEqual(rows["faults/stopped-holder"]["kind"], "unexpected-broken")
        # No results row (a run still writing): the section's own verdict.
        doc["results"] = [r for r in doc["results"] if r["case"] != "faults/shm-64kib"]
        rows = {r["case"]: r for r in sections.faults_view(doc)["impls"][1]["rows"]}
        self.assertEqual(rows["faults/shm-64kib"]["kind"], "unexpected-fail")

    def test_headline_counts_outcomes_and_leftovers(self):
        self.assertEqual([i["headline"] for i in self.view["impls"]], [
            "7 cases: 3 worked, 3 refused, 1 not run",
            "7 cases: 1 not recovered, 2 killed by a signal, 1 exited, 1 hung, 1 wrong value, 1 timeout not honoured; "
            "3 left something behind"])

    def test_steps_are_lines_with_the_first_affected_marked(self):
        listing = self.rows(PY)["faults/full-during-use"]["listing"].split("\n")
        self.assertEqual(listing[3:], ["", "replay: build/bin/shmcheck faults --impl python:/usr/bin/python3 "
                                           "--case faults/full-during-use"])
        listing = listing[:3]
        self.assertRegex(listing[0], r"^1  ok      3\.9 ms  create  create a 'b' array of 8000000 bytes \(lock none\)$")
        self.assertIn("fill    another process fills /dev/shm and /tmp — 33554432 and 33554432 bytes written", listing[1])
        self.assertTrue(listing[2].startswith("3  not ok  0.8 ms  set     write one element"), listing[2])
        self.assertTrue(listing[2].endswith("— killed by SIGBUS (signal 7)   <- first affected"), listing[2])
        self.assertEqual(sum("first affected" in line for line in listing), 1)
        self.assertEqual(self.rows("ref")["faults/little-memory"]["listing"],  # not run: no steps
                         "replay: build/bin/shmcheck faults --impl ref --case faults/little-memory")


class Page(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = faults_doc()
        cls.page = render(cls.doc)
        cls.faults = between(cls.page, '<h2 id="faults">', '<h2 id="performance">')
        cls.cells, cls.classes = cells(cls.faults)

    def test_after_lifetime_and_in_the_table_of_contents(self):
        self.assertLess(self.page.index('<h2 id="lifetime">'), self.page.index('<h2 id="faults">'))
        self.assertLess(self.page.index('<h2 id="faults">'), self.page.index('<h2 id="performance">'))
        toc = between(self.page, '<nav class="toc">', "</nav>")
        self.assertIn('<a href="#lifetime">Lifetime</a><a href="#faults">Faults</a><a href="#performance">', toc)

    def test_says_what_the_suite_does_and_what_fails(self):
        intro = " ".join(self.faults[:self.faults.index("<h3")].split())
        for words in ("under one injected fault", "An error the implementation reports is a refusal and passes",
                      "a crash by a signal, a hang, a wrong value read back, a timeout not honoured or anything left behind fails"):
            self.assertIn(words, intro)

    def test_one_table_per_implementation_with_a_row_per_case(self):
        self.assertEqual(len(FaultTables(self.faults).tables), 2)
        self.assertEqual(self.faults.count('<tr class="fault">'), 14)
        self.assertLess(self.faults.index("shmcheck-ref 0.1.0"), self.faults.index("cpython 3.11.2"))
        self.assertIn('<h3 id="faults-2">cpython 3.11.2 <code class="muted">python:/usr/bin/python3</code></h3>', self.faults)
        self.assertIn("7 cases: 3 worked, 3 refused, 1 not run", self.faults)

    def test_the_cells_of_each_outcome(self):
        c = self.cells
        self.assertEqual(c[(0, "faults/shm-1mib")], [
            "/dev/shm and /tmp of 1 MiB faults/shm-1mib", "create step 2: create a 'b' array of 8000000 bytes (lock none)",
            "refused: OSError [Errno 28] No space left on device", "nothing", "pass"])
        self.assertEqual(c[(0, "faults/shm-64mib")][1:4], ["nothing", "worked", "nothing"])
        self.assertEqual(c[(0, "faults/little-memory")][1:], [
            "–", "not run prlimit(RLIMIT_AS) of process 4242: Operation not permitted", "nothing", "unsupported"])
        self.assertEqual(c[(1, "faults/full-during-use")][1:], [
            "set step 3: write one element in each of its pages and the last (1955 stores)", "killed by SIGBUS",
            "/dev/shm/psm_1234, /tmp/pymp-abc/", "fail"])
        self.assertEqual(c[(1, "faults/shm-1mib")][2:], ["killed by SIGBUS", "/tmp/pymp-k2j1x9q0/", "fail (expected)"])
        self.assertEqual(c[(1, "faults/shm-64kib")][2], "wrong value element 4096 reads 0, 1 was written")
        self.assertEqual(c[(1, "faults/few-descriptors")][2],
                         "exited exited with status 1: OSError: [Errno 24] Too many open files (in the resource tracker)")
        self.assertEqual(c[(1, "faults/little-memory")][2], "hung no answer to create within 10000 ms")
        self.assertEqual(c[(1, "faults/stopped-holder")][2],
                         "timeout not honoured acquire(timeout=0.5) returned true after 2410 ms")

    def test_verdicts_are_coloured_as_elsewhere(self):
        self.assertEqual(self.classes[(1, "faults/full-during-use")], "k-unexpected-fail")
        self.assertEqual(self.classes[(1, "faults/shm-1mib")], "k-expected-fail")
        self.assertEqual(self.classes[(0, "faults/little-memory")], "k-unsupported")
        self.assertEqual(self.classes[(0, "faults/shm-64mib")], "k-pass")

    def test_each_case_opens_to_its_steps_and_replay_command(self):
        self.assertEqual(self.faults.count('<tr class="fault-more">'), 14)
        listings = re.findall(r'<pre class="steps">(.*?)</pre>', self.faults, re.S)
        self.assertEqual(len(listings), 14)
        for case, listing in zip(self.doc["faults"]["cases"], listings):
            self.assertTrue(listing.endswith(f"replay: {case['repro']}"), listing)  # text: a button each was DOM
            self.assertEqual(listing.count("\n"), len(case["steps"]) + 1 if case["steps"] else 0)
        self.assertIn("<summary>3 steps and the replay command</summary>", self.faults)
        self.assertIn("<summary>the replay command</summary>", self.faults)
        # Open where there is something to act on (the six unexpected failures), as case cards are.
        self.assertEqual(self.faults.count("<details open>"), 6)
        expected = self.faults[self.faults.index("faults/shm-1mib</code></td>", self.faults.index('id="faults-2"')):]
        expected = expected[:expected.index("</details>")]
        self.assertIn('<div class="label">expected, because</div>', expected)
        self.assertNotIn("<details open>", expected)

    def test_the_summary_matrix_has_a_faults_column_after_lifetime(self):
        rows = [{"suite": suite} for suite in ("audit", "faults", "lifetime", "spec")]
        self.assertEqual(model.suites_of(rows), ["spec", "lifetime", "faults", "audit"])
        self.assertIn("<th>faults</th><th>all suites</th>", self.page.replace("\n", ""))

    def test_hostile_strings_in_a_fault_are_text(self):
        page = html.render_single(load.load(helpers.HOSTILE), ["hostile.json"])
        faults = between(page, '<h2 id="faults">', '<h2 id="performance">')
        for raw in (fixtures.XSS_SCRIPT, fixtures.XSS_ATTR):
            self.assertNotIn(raw, faults)
        for where in ("fault ", "detail ", "step ", "note ", "echo &#39;"):
            self.assertIn(where + "&lt;script&gt;alert(1)&lt;/script&gt;", faults)


class Absent(unittest.TestCase):
    def test_no_section_renders_nothing(self):
        doc = helpers.full()
        self.assertNotIn("faults", doc)
        self.assertIsNone(sections.faults_view(doc))
        page = render(doc)
        self.assertNotIn('id="faults"', page)
        self.assertNotIn('href="#faults"', page)
        self.assertIn('<h2 id="lifetime">', page)

    def test_an_empty_section_renders_nothing(self):
        doc = dict(helpers.full(), faults={"cases": []})
        self.assertEqual(load.errors(doc), [])
        self.assertIsNone(sections.faults_view(doc))
        self.assertNotIn('id="faults"', render(doc))

    def test_rows_without_the_section_are_still_cases(self):
        doc = faults_doc()
        del doc["faults"]
        page = render(doc)
        self.assertNotIn('id="faults"', page)
        self.assertIn("faults/full-during-use", between(page, '<h2 id="cases">', '<h2 id="stress">'))


class Schema(unittest.TestCase):
    def setUp(self):
        self.doc = fixtures.faults_run()

    def assert_rejected(self, where, words):
        problems = load.errors(self.doc)
        self.assertTrue(problems, "the broken document was accepted")
        self.assertEqual(problems[0][0], where)
        self.assertIn(words, problems[0][1])

    def test_a_valid_section_is_accepted(self):
        self.assertEqual(load.errors(self.doc), [])
        self.doc["faults"]["cases"][0]["x_trace"] = ["anything"]  # experimental keys, as at the top
        self.assertEqual(load.errors(self.doc), [])

    def test_a_bad_outcome_is_rejected(self):
        self.doc["faults"]["cases"][3]["outcome"] = "crashed"
        self.assert_rejected("/faults/cases/3/outcome", "'crashed' is not one of")

    def test_a_key_the_schema_does_not_name_is_rejected(self):
        self.doc["faults"]["cases"][0]["outcomes"] = "works"
        self.assert_rejected("/faults/cases/0", "'outcomes' does not match any of the regexes: '^x_'")

    def test_a_missing_key_is_rejected(self):
        del self.doc["faults"]["cases"][1]["left_behind"]
        self.assert_rejected("/faults/cases/1", "'left_behind' is a required property")

    def test_step_fields_have_their_types(self):
        self.doc["faults"]["cases"][0]["steps"][1]["ok"] = "yes"
        self.assert_rejected("/faults/cases/0/steps/1/ok", "'yes' is not of type 'boolean'")

    def test_first_affected_is_null_or_a_step(self):
        self.doc["faults"]["cases"][1]["first_affected"] = {"step": 0, "op": "create", "what": ""}
        self.assert_rejected("/faults/cases/1/first_affected/step", "0 is less than the minimum of 1")  # 1-based
        self.doc["faults"]["cases"][1]["first_affected"] = {"step": 2, "op": "create"}
        self.assert_rejected("/faults/cases/1/first_affected", "'what' is a required property")

    def test_signal_and_error_may_be_null_or_their_shape(self):
        case = self.doc["faults"]["cases"][1]
        self.assertIsNotNone(case["error"])
        case["error"] = {"kind": "os_error", "message": "x"}
        self.assert_rejected("/faults/cases/1/error", "'type' is a required property")
        case["error"], case["signal"] = None, "SIGBUS"
        self.assert_rejected("/faults/cases/1/signal", "'SIGBUS' is not valid under any of the given schemas")

    def test_the_suite_name_is_known(self):
        self.doc["results"][0]["suite"] = "fault"
        self.assert_rejected("/results/0/suite", "'fault' is not one of")


class Merge(helpers.TempDirTest):
    def shards(self):
        """faults.json as two shards of one run: the reference's cases in one, Python's in the other."""
        docs = []
        for index, spec in enumerate(("ref", PY), start=1):
            doc = faults_doc()
            doc["run"]["shard"] = {"index": index, "count": 2}
            doc["results"] = [r for r in doc["results"] if r["impl"] == spec]
            doc["faults"]["cases"] = [c for c in doc["faults"]["cases"] if c["impl"] == spec]
            docs.append(doc)
        return docs

    def test_shards_of_one_run_keep_every_row(self):
        combined = merge.combine(self.shards())
        self.assertEqual(load.errors({k: v for k, v in combined.items() if k != "_runs"}), [])
        self.assertEqual(combined["faults"]["cases"], faults_doc()["faults"]["cases"])
        self.assertEqual([i["impl"] for i in sections.faults_view(combined)["impls"]], ["ref", PY])

    def test_merged_documents_keep_the_section_through_another_merge(self):
        view = merge.merged_view(merge.group(merge.expand(self.shards(), ["a.json", "b.json"], ["x86", "x86"])))
        self.assertEqual(len(view["docs"][0]["faults"]["cases"]), 14)
        page = html.render_merged(view)
        self.assertIn('<h2 id="p1-faults">Faults</h2>', page)
        self.assertIn("locked vs unlocked, portability, lifetime, faults, performance", page)
        merged = merge.merged_document(view)
        self.assertEqual(load.errors(merged), [])
        again = merge.group(merge.expand([merged], ["merged.json"]))
        self.assertEqual(again[0][2]["faults"]["cases"], faults_doc()["faults"]["cases"])

    def test_merge_command(self):
        a, b = (helpers.write_json(self.tmp, f"shard{n}.json", doc) for n, doc in enumerate(self.shards(), start=1))
        out = self.tmp / "merged"
        result = helpers.run_cli("merge", a, b, "--platform", "x86", "--platform", "x86", "-o", out)
        self.assertEqual(result.returncode, 1, result.stderr)  # Python's unexpected failures
        merged = json.loads((out / "results.json").read_text(encoding="utf-8"))
        self.assertEqual(len(merged["run"]["merged"][0]["sections"]["faults"]["cases"]), 14)
        self.assertIn('id="p1-faults-2"', (out / "index.html").read_text(encoding="utf-8"))


class JUnit(helpers.TempDirTest):
    def test_faults_cases_are_a_testsuite_per_implementation(self):
        root = junit.testsuites([faults_doc()])
        suites = {s.get("name"): s for s in root.findall("testsuite")}
        self.assertEqual(set(suites), {"ref/faults", f"{PY}/faults"})
        python = suites[f"{PY}/faults"]
        self.assertEqual([c.get("name") for c in python.findall("testcase")], list(fixtures.FAULTS))
        self.assertEqual((python.get("tests"), python.get("failures"), python.get("skipped")), ("7", "6", "1"))
        self.assertEqual((suites["ref/faults"].get("failures"), suites["ref/faults"].get("skipped")), ("0", "1"))
        failure = python.find("testcase[@name='faults/full-during-use']/failure")
        self.assertIn("killed by SIGBUS (signal 7) at step 3", failure.get("message"))
        self.assertIn("left behind 2 entries: /dev/shm/psm_1234, /tmp/pymp-abc/", failure.get("message"))
        self.assertEqual(python.find("testcase[@name='faults/shm-1mib']/skipped").get("type"), "xfail")

    def test_the_command_writes_them(self):
        out = self.tmp / "junit.xml"
        result = helpers.run_cli("junit", FAULTS, "-o", out)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(int(ET.parse(out).getroot().get("tests")), 14)


class Fixture(unittest.TestCase):
    def test_hostile_and_many_carry_the_section_and_stay_valid(self):
        from reports.tests import fixtures_many
        for doc in (load.load(helpers.HOSTILE), fixtures_many.many(4)):
            self.assertEqual(load.errors(doc), [])
            self.assertTrue(doc["faults"]["cases"])
        self.assertEqual(len(fixtures_many.many(4)["faults"]["cases"]), 4 * len(fixtures.FAULTS))


if __name__ == "__main__":
    unittest.main()

"""The single-run HTML report: what it shows, in which order, self-contained, and small."""

from html.parser import HTMLParser
import re
import unittest

from reports import html as report_html, load, model, sections
from reports.tests import fixtures, helpers


class Page(HTMLParser):
    """Tags (with attributes) and text of a page, as a browser's parser would see them."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def by_id(self, ident):
        return [attrs for tag, attrs in self.tags if attrs.get("id") == ident]


def render(doc, sources=("fixture.json",)):
    return report_html.render_single(doc, list(sources))


class SummaryMatrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = helpers.full()
        cls.page = render(cls.doc)

    def test_one_row_per_implementation_and_one_column_per_suite(self):
        suites, rows = model.summary_matrix(self.doc)
        self.assertEqual(suites, ["spec", "property", "stress", "lifetime"])
        self.assertEqual([r["impl"]["spec"] for r in rows], [i["spec"] for i in self.doc["implementations"]])
        table = re.search(r'<table class="matrix" id="summary-matrix">(.*?)</table>', self.page, re.S).group(1)
        self.assertEqual(table.count("<tr>"), 1 + len(self.doc["implementations"]))
        for suite in suites:
            self.assertIn(f"<th>{suite}</th>", table)

    def test_counts_match_the_results(self):
        _, rows = model.summary_matrix(self.doc)
        boost = next(r for r in rows if r["impl"]["spec"] == "boost")
        self.assertEqual(boost["cells"]["spec"].unexpected, 1)
        self.assertEqual(boost["cells"]["property"].unexpected, 1)
        self.assertEqual(boost["total"].total, sum(r["impl"] == "boost" for r in self.doc["results"]))
        py312 = next(r for r in rows if r["impl"].get("version") == "3.12.1")
        self.assertEqual((py312["total"].unexpected, py312["total"].expected), (0, 2))
        self.assertEqual(py312["total"].worst, "expected")  # known failures do not paint it red

    def test_unexpected_cells_stand_out(self):
        table = re.search(r'id="summary-matrix">(.*?)</table>', self.page, re.S).group(1)
        boost_row = re.search(r"<tr><th><a href=\"#impl-1\">.*?</tr>", table, re.S).group(0)
        self.assertEqual(boost_row.count('class="unexpected"'), 3)  # spec, property, all suites
        self.assertIn("1 unexpected", boost_row)

    def test_banner_says_fail_with_the_count(self):
        self.assertIn('<div class="banner fail" id="verdict">FAIL: 2 unexpected failures; 1 case broke unexpectedly; '
                      '1 implementation could not start (281 pass, 9 fail, 1 inconclusive, 1 broken, 12 unsupported)',
                      self.page)

    def test_banner_state_follows_the_exit_status_rules(self):
        doc = helpers.full()
        self.assertEqual(model.overall(doc)[0], "fail")
        for r in doc["results"]:
            if r["verdict"] == "fail":
                r["expected"], r["expectation"] = True, "known"
        self.assertEqual(model.overall(doc)[0], "broken")  # a broken case and a dead implementation remain
        doc["results"] = [r for r in doc["results"] if r["verdict"] != "broken"]
        doc["implementations"] = [i for i in doc["implementations"] if "broken" not in i]
        state, words = model.overall(doc)
        self.assertEqual(state, "pass")
        self.assertTrue(words.startswith("nothing failed unexpectedly ("))

    def test_broken_implementation_is_shown_with_its_reason(self):
        self.assertIn("could not start: cpython (python3.99): exited early (status 127)", self.page)


class Cases(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.doc = helpers.full()
        cls.page = render(cls.doc)

    def test_failures_come_before_passes_for_each_implementation(self):
        rows = model.cases_of(self.doc, "boost")
        kinds = [model.kind(r) for r in rows]
        self.assertEqual(kinds[:2], ["unexpected-fail", "unexpected-fail"])
        self.assertEqual(sorted(kinds, key=model.KIND_ORDER.get), kinds)
        section = self.page[self.page.index('<section id="impl-1">'):self.page.index('<section id="impl-2">')]
        self.assertLess(section.index("array-slice-wrong-length"), section.index("passing cases"))

    def test_failure_shows_message_counterexample_and_replay(self):
        section = self.page[self.page.index('<section id="impl-1">'):self.page.index('<section id="impl-2">')]
        self.assertIn("Falsifiable after 17 tests and 5 shrinks", section)
        self.assertIn("acquire(blocking=false) -&gt; False, expected True", section)
        self.assertIn('<div class="replay"><code>build/bin/shmcheck run --impl boost --suite property --case P03-lock-recursion --seed 1</code>'
                      '<button class="copy"', section)

    def test_expected_failure_shows_its_reason(self):
        self.assertIn("CPython&#39;s lock is a plain semaphore: a dead owner is never reported", self.page)

    def test_passes_are_collapsed(self):
        self.assertRegex(self.page, r'<details class="list"><summary>75 passing cases</summary>')
        self.assertNotRegex(self.page, r"<details class=\"list\" open")

    def test_only_implementations_with_something_to_act_on_are_open(self):
        opened = {n: f'<section id="impl-{n}">\n<details class="impl-cases" open>' in self.page for n in range(5)}
        # ref: an inconclusive case; boost, 2.7: unexpected results; 3.12: expected failures only; 3.99: could not start
        self.assertEqual(opened, {0: True, 1: True, 2: True, 3: False, 4: True})

    def test_passes_share_one_replay_command_per_suite(self):
        section = self.page[self.page.index('<section id="impl-3">'):self.page.index('<section id="impl-4">')]
        spec = "cpython:/root/.pyenv/versions/3.12.1/bin/python"
        self.assertEqual(section.count(f"build/bin/shmcheck run --impl {spec} --suite spec --case CASE --seed 1</code>"), 1)
        self.assertEqual(section.count("--suite property --case CASE --seed 1</code>"), 1)
        passes = [r for r in model.cases_of(self.doc, spec) if model.kind(r) == "pass"]
        for r in passes:
            self.assertRegex(section, rf"s  {re.escape(r['case'])}(\n|</pre>)")
        self.assertNotIn("--case value-default-zero --seed 1", section)  # said once, with CASE

    def test_a_replay_command_off_the_pattern_is_kept_whole(self):
        rows = model.cases_of(self.doc, "ref")[1:6]
        rows[2] = dict(rows[2], repro="ci/replay-by-hand " + rows[2]["case"] + " --slow")
        groups = model.replay_groups(rows)
        self.assertEqual([g["suite"] for g in groups], ["spec"])
        self.assertEqual(groups[0]["pattern"], "build/bin/shmcheck run --impl ref --suite spec --case CASE --seed 1")
        self.assertEqual([r["case"] for r in groups[0]["own"]], [rows[2]["case"]])
        self.assertEqual(len(groups[0]["rows"]) + len(groups[0]["own"]), 5)

    def test_unsupported_cases_are_grouped_by_their_reason(self):
        section = self.page[self.page.index('<section id="impl-2">'):self.page.index('<section id="impl-3">')]
        self.assertEqual(section.count("the implementation has no typecode &#39;q&#39;"), 1)
        self.assertIn("matrix-q-array-locked, matrix-q-array-raw, matrix-q-value-locked", section)

    def test_what_the_replay_command_says_is_not_repeated(self):
        section = self.page[self.page.index('<section id="impl-1">'):self.page.index('<section id="impl-2">')]
        card = section[section.index("P03-lock-recursion"):]
        card = card[:card.index("</details>")]
        self.assertNotIn('<div class="label">seed</div>', card)  # --seed 1 is in the replay command
        self.assertIn('<div class="label">reproduce token</div>', card)  # P03-lock-recursion:1:0 is not
        self.assertNotIn('<div class="label">message</div>', card)  # one short line: the summary shows it whole

    def test_every_case_is_on_the_page(self):
        for r in self.doc["results"]:
            self.assertIn(r["case"], self.page)


class Sections(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.page = render(helpers.full())

    def test_stress_has_a_histogram_per_scenario_and_the_interval_folded_per_implementation(self):
        start = self.page.index('<h2 id="stress">')
        stress = self.page[start:self.page.index('<h2 id="portability">')]
        self.assertEqual(stress.count("<svg"), 3)  # 3 impls x 1 scenario; their throughput is in the overview
        self.assertEqual(stress.count('<details class="impl"'), 3)
        self.assertNotIn('<details class="impl" open', stress)
        self.assertIn("92.5%", stress)
        self.assertIn("80.1% to 97.4%", stress)  # fixtures.wilson(37, 40)
        self.assertIn("unlocked 37 of 40", stress)  # the line a folded implementation shows

    def test_stress_has_the_time_to_detection_table(self):
        stress = self.page[self.page.index('<h2 id="stress">'):self.page.index('<h2 id="portability">')]
        table = stress[stress.index('id="detection"'):]
        self.assertIn("Time to detection", stress)
        self.assertIn("counter-value-raw", table)
        self.assertIn("99.9%", table)
        self.assertIn("not known (nothing detected)", table)  # the reference lost nothing in the fixture

    def test_performance_shows_the_main_jobs_wall_time_and_a_paired_ratios_spread(self):
        perf = self.page[self.page.index('<h2 id="performance">'):]
        self.assertIn("Main job:", perf)
        self.assertIn("on\n  2 cores, 9 implementations", perf)
        self.assertIn("0.78 – 0.84 (5)", perf)
        self.assertIn("unpaired", perf)

    def test_one_overview_of_every_implementation_comes_before_the_cases(self):
        summary = self.page[self.page.index('<h2 id="summary">'):self.page.index('<h2 id="cases">')]
        self.assertEqual(summary.count("<svg"), 1)
        overview = summary[summary.index("<svg"):summary.index("</svg>")]
        for label in ("shmcheck-ref 0.1.0", "boost-interprocess 1.74.0", "cpython 2.7.18"):
            self.assertIn(f">{label}</text>", overview)
        for words in ("detection probability", "lost updates per trial", "operations per second"):
            self.assertIn(words, overview)

    def test_portability_highlights_deviations(self):
        audit = self.page[self.page.index('<h2 id="portability">'):self.page.index('<h2 id="lifetime">')]
        self.assertIn("linux-x86_64</b>", audit)
        self.assertGreaterEqual(audit.count('class="dev"'), 10)
        self.assertIn("&#39;l&#39; and &#39;L&#39; are 4 bytes here", audit)

    def test_lifetime_shows_what_was_left_behind(self):
        lifetime = self.page[self.page.index('<h2 id="lifetime">'):self.page.index('<h2 id="performance">')]
        self.assertIn("psm_3f9a2c", lifetime)
        self.assertEqual(lifetime.count('<tr class="leak">'), 1)

    def test_lifetime_cases_that_left_nothing_are_one_line(self):
        lifetime = self.page[self.page.index('<h2 id="lifetime">'):self.page.index('<h2 id="performance">')]
        self.assertEqual(lifetime.count("<tr"), 2)  # the header and the one leak
        folded = re.search(r'<details class="list" id="lifetime-clean"><summary>(.*?)</summary>(.*?)</details>', lifetime, re.S)
        self.assertIsNotNone(folded)
        self.assertIn("3 cases left nothing</span>:\n  child-killed-holding-lock (3 implementations)", folded.group(1))
        for spec in ("ref", "boost", "cpython:/root/.pyenv/versions/2.7.18/bin/python"):
            self.assertRegex(folded.group(2), rf"\n{re.escape(spec)} +child-killed-holding-lock +0 +0 +0 +7 +41")
        self.assertNotIn("3.12.1", folded.group(2))

    def test_abis_that_agree_on_everything_share_a_row(self):
        doc = helpers.full()
        native = doc["audit"]["abis"][0]
        doc["audit"]["abis"][1:1] = [dict(native, abi=f"cpython-3.{m}-linux-x86_64", how="cpython") for m in (10, 11)]
        view = sections.audit_view(doc)
        # The fixture's cpython-3.12 ABI has the native typecodes too, but not all of its facts.
        self.assertEqual([r["names"] for r in view["rows"]], ["linux-x86_64", "cpython-{3.10, 3.11, 3.12}-linux-x86_64",
                                                             "linux-i686", "linux-{aarch64, s390x}", "windows-x64"])
        self.assertEqual([r["names"] for r in view["fact_rows"]][:2], ["linux-x86_64", "cpython-{3.10, 3.11}-linux-x86_64"])
        self.assertEqual(view["fact_rows"][-1]["names"], "cpython-3.12-linux-x86_64")
        page = render(doc)
        self.assertIn('<th class="abi-name">cpython-{3.10, 3.11, 3.12}-linux-x86_64<span class="cell-sub">cpython · x86_64-linux-gnu, '
                      'cpython</span>', page)

    def test_what_implementations_left_while_the_suites_ran_is_listed(self):
        doc = dict(helpers.full(), leftovers=[{"impl": "cpython:/usr/bin/python3@spawn", "suite": "stress/lifetime",
                                         "dev_shm": ["sem.mp-l3ft0v3r"], "appeared": ["/dev/shm/somebody-else"]}])
        page = render(doc)
        lifetime = page[page.index('<h2 id="lifetime">'):page.index('<h2 id="performance">')]
        self.assertIn('id="leftovers"', lifetime)
        self.assertIn("sem.mp-l3ft0v3r", lifetime)
        self.assertIn("/dev/shm/somebody-else", lifetime)
        self.assertIn("stress/lifetime", lifetime)

    def test_environment_shows_host_seed_command_and_git(self):
        env = self.page[self.page.index('<h2 id="environment">'):]
        for text in ("Intel(R) Xeon(R) Platinum 8375C", "GCC 12.2.0", "glibc 2.36", "13bd1bd05511", "--suite all --seed 1"):
            self.assertIn(text, env)

    def test_sections_without_data_say_so(self):
        doc = helpers.full()
        for name in ("stress", "audit", "lifetime", "performance"):
            del doc[name]
        page = render(doc)
        for words in ("No stress data", "No audit data", "No lifetime census", "No benchmarks"):
            self.assertIn(words, page)
        self.assertNotIn("<svg", page)


class SelfContained(unittest.TestCase):
    def test_nothing_is_fetched(self):
        page = Page(render(helpers.full()))
        for tag, attrs in page.tags:
            self.assertNotIn("src", attrs, tag)
            self.assertFalse(tag == "link", attrs)
            for name, value in attrs.items():
                if name in ("href", "xlink:href") and value:
                    self.assertTrue(value.startswith("#"), f"{tag} {name}={value}")
        scripts = [t for t, _ in page.tags if t == "script"]
        self.assertEqual(len(scripts), 1)
        csp = [a for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        self.assertIn("default-src 'none'", csp[0]["content"])

    def test_svg_ids_are_unique(self):
        ids = re.findall(r' id="([^"]+)"', render(helpers.full()))
        self.assertEqual(len(ids), len(set(ids)))


class Size(unittest.TestCase):
    def test_3000_cases_stay_under_5_mb_with_long_lists_collapsed(self):
        doc = fixtures.large(3000)
        page = render(doc)
        size = len(page.encode("utf-8"))
        self.assertLess(size, 5 * 1024 * 1024, f"{size} bytes")
        self.assertEqual(len(set(re.findall(r"generated-case-[0-9]{5}", page))), 3000)  # none dropped to save space
        self.assertRegex(page, r"<summary>[0-9]+ passing cases</summary>")


class Version0(unittest.TestCase):
    def test_what_shmcheck_writes_today_renders(self):
        doc = load.load(helpers.V0)
        page = render(doc)
        self.assertIn('id="summary-matrix"', page)
        self.assertIn("could not start: boost", page)
        self.assertIn("2.7&#39;s c_char takes only a 1-character str", page)


if __name__ == "__main__":
    unittest.main()

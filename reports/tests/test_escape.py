"""Everything from an implementation is shown as text: markup in names, messages,
counterexamples, section rows and the command line never becomes a tag or an attribute."""

import unittest

from reports import html, load, merge
from reports.tests import fixtures, helpers
from reports.tests.test_html import Page

PAYLOADS = (fixtures.XSS_SCRIPT, fixtures.XSS_ATTR)
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;")


class Escaping(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        doc = load.load(helpers.HOSTILE)
        cls.single = html.render_single(doc, [str(helpers.HOSTILE)])
        cls.merged = html.render_merged(merge.merged_view(merge.group(merge.expand(
            [doc, load.load(helpers.FULL)], ["a/r.json", "b/r.json"], ["a", "b"]))))  # two platforms

    def check(self, page):
        for raw in PAYLOADS:
            self.assertNotIn(raw, page)
        for escaped in ESCAPED:
            self.assertIn(escaped, page)
        parsed = Page(page)
        tags = [t for t, _ in parsed.tags]
        self.assertEqual(tags.count("script"), 1, "only the report's own copy-button script")
        self.assertNotIn("img", tags)
        handlers = [(t, name) for t, attrs in parsed.tags for name in attrs if name.startswith("on")]
        self.assertEqual(handlers, [])
        # ... and the reader still sees the strings, as text.
        text = "".join(parsed.text)
        for raw in PAYLOADS:
            self.assertIn(raw, text)

    def test_single_report(self):
        self.check(self.single)

    def test_merged_report(self):
        self.check(self.merged)

    def test_hostile_strings_reach_every_part_of_the_page(self):
        # The fixture must exercise each place, or the checks above prove less than they say.
        for anchor in ('id="summary-matrix"', 'id="impl-0"', 'id="stress"', 'id="portability"', 'id="lifetime"',
                       'id="faults"', 'id="performance"', 'id="environment"'):
            start = self.single.index(anchor)
            following = self.single[start:start + 200000]
            self.assertTrue(any(e in following for e in ESCAPED), anchor)

    def test_mode_names_in_plots_are_text_not_markup_or_mathtext(self):
        stress = self.single[self.single.index('id="stress"'):self.single.index('id="portability"')]
        self.assertIn("mode&lt;script&gt;alert(1)&lt;/script&gt;$x$", stress)


if __name__ == "__main__":
    unittest.main()

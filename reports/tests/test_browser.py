"""The report in a real browser (Debian's headless Chromium): it loads without console
messages, the summary matrix is in the DOM, a screenshot shows a styled page, the page never
scrolls sideways at 1,024 and 1,400 px, and a 13-implementation report stays under 1 MB and
10,000 DOM elements.

Run as `python3 -m reports.tests.test_browser` (ctest does): without Chromium it prints
"unsupported: ..." and exits 77, which ctest reports as skipped. report.deps still fails
where ci/setup-deps did not install it.
"""

import pathlib
import re
import struct
import sys
import unittest

from reports import html, load, merge
from reports.tests import browser, fixtures_many, helpers

chromium = browser.chromium
WIDTHS = (1024, 1400)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError(f"{path} is not a PNG")
    return struct.unpack(">II", head[16:24])


def colour_count(path, rgb, tolerance=6):
    """Pixels within `tolerance` of an RGB colour: proof that a CSS colour was painted."""
    import matplotlib.image  # Pillow-backed PNG reader that ships with python3-matplotlib
    pixels = matplotlib.image.imread(str(path))[:, :, :3] * 255
    diff = abs(pixels - rgb).max(axis=2)
    return int((diff <= tolerance).sum())


class ConsoleDetection(helpers.TempDirTest):
    def test_a_console_error_is_seen(self):
        # The check below relies on Chromium logging console messages to stderr: prove it does here.
        page = self.tmp / "bad.html"
        page.write_text('<!DOCTYPE html><p>x</p><script>console.error("planted-error"); missing();</script>')
        _, console = chromium("--dump-dom", page.as_uri())
        self.assertTrue(any("planted-error" in m for m in console), console)
        self.assertTrue(any("Uncaught ReferenceError" in m for m in console), console)


class Report(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = helpers.artifacts_dir("browser")
        cls.doc = load.load(helpers.FULL)
        cls.index = pathlib.Path(html.write(str(cls.out / "single"), html.render_single(cls.doc, [helpers.FULL.name])))

    def test_loads_without_console_messages_and_has_the_matrix(self):
        dom, console = chromium("--dump-dom", self.index.as_uri())
        self.assertEqual(console, [])
        table = re.search(r'<table class="matrix" id="summary-matrix">(.*?)</table>', dom, re.S)
        self.assertIsNotNone(table, "summary matrix missing from the DOM")
        self.assertEqual(table.group(1).count("<tr>"), 1 + len(self.doc["implementations"]))
        self.assertIn("shmcheck-ref 0.1.0", table.group(1))

    def test_a_link_to_a_folded_implementation_opens_it(self):
        folded = '<section id="impl-3">\n<details class="impl-cases" open="">'  # 3.12: expected failures only
        dom, _ = chromium("--dump-dom", self.index.as_uri())
        self.assertNotIn(folded, dom)
        dom, console = chromium("--dump-dom", self.index.as_uri() + "#impl-3")
        self.assertEqual(console, [])
        self.assertIn(folded, dom)

    def test_screenshot_shows_a_styled_page(self):
        png = self.out / "summary.png"
        png.unlink(missing_ok=True)
        chromium(f"--screenshot={png}", "--window-size=1280,900", "--hide-scrollbars", self.index.as_uri())
        print(f"\nscreenshot: {png}")
        self.assertTrue(png.exists(), "chromium wrote no screenshot")
        self.assertEqual(png_size(png), (1280, 900))
        self.assertGreater(png.stat().st_size, 30_000)  # a blank or unstyled page compresses far smaller
        self.assertGreater(colour_count(png, (255, 235, 238)), 20_000, "no FAIL banner / unexpected cells painted")
        self.assertGreater(colour_count(png, (232, 245, 233)), 20_000, "no green pass cells painted")


class MergedReport(unittest.TestCase):
    def test_loads_without_console_messages_and_has_the_matrix(self):
        out = helpers.artifacts_dir("browser")
        docs = [load.load(helpers.FULL), load.load(helpers.ARM)]
        index = pathlib.Path(html.write(str(out / "merged"), html.render_merged(merge.merged_view(merge.group(merge.expand(docs, ["x86.json", "arm.json"]))))))
        dom, console = chromium("--dump-dom", index.as_uri())
        self.assertEqual(console, [])
        self.assertIn('id="summary-matrix"', dom)
        png = out / "merged.png"
        png.unlink(missing_ok=True)
        chromium(f"--screenshot={png}", "--window-size=1280,900", "--hide-scrollbars", index.as_uri())
        self.assertEqual(png_size(png), (1280, 900))


def overflow_message(m, width, what):
    return (f"{what} at {width} px is {m['scroll_width']} px wide: {m['furthest']} ({m['furthest_width']} px, "
            f"under \"{m['under_heading']}\") reaches {m['furthest_right']} px")


class NoSidewaysScrolling(unittest.TestCase):
    """document.documentElement.scrollWidth <= the viewport: a wide table scrolls in its own box.
    Checked with every <details> open, as a reader who opens them sees it (closed ones only hide)."""

    def check(self, page, what):
        for width in WIDTHS:
            with self.subTest(width=width):
                m = browser.measure(page, width, open_all=True)
                self.assertEqual(m["viewport"], width)
                self.assertEqual(m["console"], [])
                self.assertLessEqual(m["scroll_width"], m["viewport"], overflow_message(m, width, what))

    def test_single_report(self):
        out = helpers.artifacts_dir("browser")
        self.check(html.write(str(out / "single"), html.render_single(load.load(helpers.FULL), ["x86.json"])), "the report")

    def test_merged_report(self):
        out = helpers.artifacts_dir("browser")
        docs = [load.load(helpers.FULL), load.load(helpers.ARM)]
        view = merge.merged_view(merge.group(merge.expand(docs, ["x86.json", "arm.json"])))
        self.check(html.write(str(out / "merged-layout"), html.render_merged(view)), "the merged report")

    def test_a_wide_table_is_caught(self):
        # The check above can fail: a 1,500 px table outside any scrolling box widens the page.
        page = helpers.artifacts_dir("browser") / "wide-table.html"
        page.write_text('<!DOCTYPE html><h2>Facts</h2><table><tr><td style="min-width:1500px">x</td></tr></table></body>')
        m = browser.measure(page, 1024)
        self.assertGreater(m["scroll_width"], 1024)
        self.assertEqual((m["furthest"], m["under_heading"]), ("table", "Facts"))


class ThirteenImplementations(unittest.TestCase):
    """The page of a run of 13 implementations (fixtures_many: shaped like a real one)."""

    @classmethod
    def setUpClass(cls):
        cls.out = helpers.artifacts_dir("browser") / "thirteen"
        doc = fixtures_many.many(13)
        assert load.errors(doc) == [], load.errors(doc)[:3]
        cls.page = pathlib.Path(html.write(str(cls.out), html.render_single(doc, ["thirteen.json"])))
        cls.metrics = {width: browser.measure(cls.page, width) for width in WIDTHS}

    def test_under_1_mb_and_10000_elements(self):
        m = self.metrics[1024]
        print(f"\n13 implementations: {m['bytes']:,} bytes, {m['elements']:,} elements, {m['height']:,} px tall at 1024 px")
        self.assertLess(m["bytes"], 1_000_000)
        self.assertLess(m["elements"], 10_000)

    def test_no_sideways_scrolling(self):
        for width, m in self.metrics.items():
            self.assertLessEqual(m["scroll_width"], m["viewport"], overflow_message(m, width, "13 implementations"))
        for width in WIDTHS:
            m = browser.measure(self.page, width, open_all=True)
            self.assertLessEqual(m["scroll_width"], m["viewport"], overflow_message(m, width, "13 implementations, all open"))

    def test_screenshots(self):
        for width in WIDTHS:
            png = browser.screenshot(self.page, self.out / f"top-{width}.png", width, 3000)
            print(f"\nscreenshot: {png}")
            self.assertEqual(png_size(png), (width, 3000))


class AbiMatrix(unittest.TestCase):
    """A run on eight ABIs (the host and the seven foreign ones of issue 16; test_abi's fixtures):
    the implementation x ABI matrix fits 1,024 px as it is, without scrolling in its box, and no
    page scrolls sideways with everything open."""

    @classmethod
    def setUpClass(cls):
        from reports.tests import test_abi
        cls.out = helpers.artifacts_dir("browser") / "abi"
        cls.doc = test_abi.with_foreign()
        assert len(test_abi.abi.abis_of(cls.doc)) == 8
        cls.page = pathlib.Path(html.write(str(cls.out), html.render_single(cls.doc, ["host.json", "foreign.json"])))

    def test_the_matrix_fits_1024_px(self):
        for width in WIDTHS:
            with self.subTest(width=width):
                b = browser.box(self.page, width, "summary-matrix")
                self.assertLessEqual(b["scroll_width"], b["client_width"], f"the ABI matrix at {width} px: {b}")

    def test_no_sideways_scrolling_and_no_console_messages(self):
        for width in WIDTHS:
            m = browser.measure(self.page, width, open_all=True)
            self.assertEqual(m["console"], [])
            self.assertLessEqual(m["scroll_width"], m["viewport"], overflow_message(m, width, "the ABI report"))

    def test_screenshots(self):
        for width in WIDTHS:
            png = browser.screenshot(self.page, self.out / f"top-{width}.png", width, 1400)
            print(f"\nscreenshot: {png}")
            self.assertEqual(png_size(png), (width, 1400))
            self.assertGreater(colour_count(png, (255, 235, 238)), 5_000, "no unexpected (red) cells painted")

    def test_real_foreign_runs(self):
        # test_abi's real runs (CPython on i686, s390x and armhf, the reference on s390x, under qemu-user).
        from reports.tests import test_abi
        doc = test_abi.real_foreign()
        page = html.write(str(self.out / "real"), html.render_single(doc, [p.name for p in test_abi.RealForeignRuns.FILES]))
        m = browser.measure(page, 1024, open_all=True)
        self.assertEqual(m["console"], [])
        self.assertLessEqual(m["scroll_width"], m["viewport"], overflow_message(m, 1024, "the real ABI report"))
        png = browser.screenshot(page, self.out / "real-top-1024.png", 1024, 900)
        print(f"\nscreenshot: {png}")
        self.assertEqual(png_size(png), (1024, 900))

    def test_a_merge_with_abi_columns_has_no_sideways_scrolling(self):
        from reports.tests import abi_variants, test_abi
        docs = [test_abi.host(), abi_variants.variants(test_abi.host())]
        view = merge.merged_view(merge.group(merge.expand(docs, ["host.json", "foreign.json"])))
        page = html.write(str(self.out / "merged"), html.render_merged(view))
        for width in WIDTHS:
            m = browser.measure(page, width, open_all=True)
            self.assertLessEqual(m["scroll_width"], m["viewport"], overflow_message(m, width, "the merged ABI report"))
        b = browser.box(page, 1024, "summary-matrix")
        self.assertLessEqual(b["scroll_width"], b["client_width"], f"the merged ABI matrix at 1024 px: {b}")


def main():
    reason = browser.missing()
    if reason:
        print(f"unsupported: {reason}")
        return 77
    program = unittest.main(module=__name__, argv=[sys.argv[0], "-v", *sys.argv[1:]], exit=False)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())

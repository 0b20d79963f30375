"""The report in a real browser (Debian's headless Chromium): it loads without console
messages, the summary matrix is in the DOM, and a screenshot shows a styled page.

A missing chromium is a failure, not a skip: ci/setup-deps installs it.
"""

import os
import pathlib
import re
import shutil
import struct
import subprocess
import tempfile
import unittest

from reports import html, load, merge
from reports.tests import helpers

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--enable-logging=stderr", "--v=0"]
CONSOLE = re.compile(r":CONSOLE[:(]\d+\)?\] (.*)")


def chromium(*args):
    """(stdout, console messages) of one headless Chromium run with a throwaway profile."""
    if not os.access(CHROMIUM, os.X_OK):
        raise AssertionError(f"{CHROMIUM} not found: install Debian's chromium (ci/setup-deps does)")
    with tempfile.TemporaryDirectory(prefix="reports-chromium-") as profile:
        done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=180)
    return done.stdout, CONSOLE.findall(done.stderr)


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


if __name__ == "__main__":
    unittest.main()

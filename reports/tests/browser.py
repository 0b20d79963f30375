"""Debian's headless Chromium for the report tests: run it, and measure a page as it lays it out.

    /usr/bin/python3 -m reports.tests.browser PAGE.html [--width 1024 ...]

prints, per viewport width, the page's bytes, DOM elements, height, scroll width and the
element that reaches furthest right (the one to fix when the page overflows).
"""

import argparse
import html
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--enable-logging=stderr", "--v=0"]
CONSOLE = re.compile(r":CONSOLE[:(]\d+\)?\] (.*)")


def missing():
    """Why Chromium cannot run here, or None."""
    return None if os.access(CHROMIUM, os.X_OK) else f"{CHROMIUM} not found (Debian's chromium; ci/setup-deps installs it)"


def chromium(*args):
    """(stdout, console messages) of one headless Chromium run with a throwaway profile."""
    reason = missing()
    if reason:
        raise AssertionError(reason)
    with tempfile.TemporaryDirectory(prefix="reports-chromium-") as profile:
        done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=180)
    return done.stdout, CONSOLE.findall(done.stderr)


# Runs last in a copy of the page. An element inside a box that clips or scrolls sideways
# cannot widen the page, so only the others compete for "furthest right"; in document order
# the first to reach the furthest edge is the outermost such element, the one to fix.
MEASURE = """<script>(function () {
  var root = document.documentElement, SCRIPTS = %d, far = null, right = 0;
  function name(el) {
    var s = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "");
    var cls = el.getAttribute("class");
    return cls ? s + "." + cls.trim().split(/\\s+/).join(".") : s;
  }
  function visit(el) {  // in document order, not below a box that clips or scrolls sideways
    if (el.tagName === "SCRIPT") return;
    var r = el.getBoundingClientRect().right + window.scrollX;
    if (r > right + 0.5) { right = r; far = el; }
    if (el !== root && el !== document.body && getComputedStyle(el).overflowX !== "visible") return;
    for (var c = el.firstElementChild; c; c = c.nextElementSibling) visit(c);
  }
  visit(root);
  var where = far, heading = "";
  for (; where && !heading; where = where.previousElementSibling || where.parentElement) {
    if (/^H[1-4]$/.test(where.tagName)) heading = where.textContent.trim().slice(0, 60);
  }
  root.setAttribute("data-metrics", JSON.stringify({
    viewport: root.clientWidth, scroll_width: root.scrollWidth, height: root.scrollHeight,
    elements: document.getElementsByTagName("*").length - SCRIPTS, furthest: far ? name(far) : "",
    furthest_right: Math.round(right), furthest_width: far ? Math.round(far.getBoundingClientRect().width) : 0,
    under_heading: heading
  }));
})();</script>"""


OPEN_ALL = '<script>document.querySelectorAll("details").forEach(function (d) { d.open = true; });</script>'


def measure(page, width, height=900, open_all=False):
    """The page laid out in a `width` px wide window: a dict (see MEASURE) plus its bytes and
    the console messages. The measuring script itself is not counted. open_all: with every
    <details> open, as a reader who opens everything sees it."""
    text = pathlib.Path(page).read_text(encoding="utf-8")
    at = text.rfind("</body>")
    if at < 0:
        raise AssertionError(f"{page}: no </body>")
    with tempfile.TemporaryDirectory(prefix="reports-measure-") as tmp:
        probe = pathlib.Path(tmp) / "probe.html"
        added = (OPEN_ALL if open_all else "") + MEASURE % (2 if open_all else 1)  # scripts not counted
        probe.write_text(text[:at] + added + text[at:], encoding="utf-8")
        dom, console = chromium("--dump-dom", "--hide-scrollbars", f"--window-size={width},{height}", probe.as_uri())
    found = re.search(r'data-metrics="([^"]*)"', dom)
    if not found:
        raise AssertionError(f"{page}: the measuring script did not run at {width} px (console: {console})")
    return {**json.loads(html.unescape(found.group(1))), "bytes": len(text.encode("utf-8")), "console": console}


BOX = """<script>(function () {
  var el = document.getElementById(%s), box = el ? el.parentElement : null;
  document.documentElement.setAttribute("data-box", JSON.stringify(box ? {
    scroll_width: box.scrollWidth, client_width: box.clientWidth, table_width: Math.round(el.getBoundingClientRect().width)} : null));
})();</script>"""


def box(page, width, element_id, height=900):
    """How wide the element `element_id` (a table) lays out at `width` px against the box it is
    in (a .scroll div scrolls it sideways rather than widen the page): {scroll_width,
    client_width, table_width}, or None if there is no such element. The page may well not
    scroll sideways while this table does: this tells whether it fits as it is."""
    text = pathlib.Path(page).read_text(encoding="utf-8")
    at = text.rfind("</body>")
    with tempfile.TemporaryDirectory(prefix="reports-box-") as tmp:
        probe = pathlib.Path(tmp) / "probe.html"
        probe.write_text(text[:at] + BOX % json.dumps(element_id) + text[at:], encoding="utf-8")
        dom, _ = chromium("--dump-dom", "--hide-scrollbars", f"--window-size={width},{height}", probe.as_uri())
    found = re.search(r'data-box="([^"]*)"', dom)
    if not found:
        raise AssertionError(f"{page}: the measuring script did not run at {width} px")
    return json.loads(html.unescape(found.group(1)))


def screenshot(page, png, width, height):
    pathlib.Path(png).unlink(missing_ok=True)
    uri = pathlib.Path(page).resolve().as_uri()
    chromium(f"--screenshot={png}", f"--window-size={width},{height}", "--hide-scrollbars", uri)
    return png


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m reports.tests.browser", description=__doc__.split("\n\n")[0])
    parser.add_argument("page")
    parser.add_argument("--width", type=int, action="append", help="viewport width in px (default 1024 and 1400)")
    parser.add_argument("--open", action="store_true", help="with every <details> open")
    args = parser.parse_args(argv)
    for width in args.width or [1024, 1400]:
        m = measure(args.page, width, open_all=args.open)
        print(f"{width} px: {m['bytes']:,} bytes, {m['elements']:,} elements, {m['height']:,} px tall, "
              f"scroll width {m['scroll_width']} of {m['viewport']}; furthest right: {m['furthest']} "
              f"({m['furthest_width']} px wide, right edge {m['furthest_right']}, under \"{m['under_heading']}\")"
              + (f"; console: {m['console']}" if m["console"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

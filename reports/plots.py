"""Inline SVG plots with matplotlib (Agg backend: no display, no network).

Each figure becomes an <svg> element to paste into the page. Labels can come from a results
file, so they are escaped for mathtext ('$' would start a formula) here, and matplotlib
escapes them as XML text; ids are prefixed per figure so several SVGs on one page cannot
capture each other's clip paths.
"""

import io
import itertools
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.ticker import MaxNLocator  # noqa: E402

matplotlib.rcParams.update({
    "svg.fonttype": "none",      # text stays text: smaller, and readable by the browser
    "svg.hashsalt": "shmcheck",  # stable ids: the same data gives the same page
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
})

MODE_COLOURS = {"locked": "#2e7d32", "unlocked": "#c62828", "get_lock": "#1565c0", "atomic": "#6a1b9a"}
FALLBACK_COLOURS = ["#ef6c00", "#00838f", "#5d4037", "#546e7a", "#ad1457"]
_figure_ids = itertools.count()


def colour_for(mode, n):
    return MODE_COLOURS.get(mode, FALLBACK_COLOURS[n % len(FALLBACK_COLOURS)])


def plain(text):
    """A label matplotlib shows literally: '$' would otherwise switch to mathtext."""
    return str(text).replace("\\", "\\\\").replace("$", r"\$")


def to_svg(fig):
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]                     # drop the XML declaration and DOCTYPE
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)  # comments only repeat the labels
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    prefix = f"f{next(_figure_ids)}-"
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r'url\(#([^)]+)\)', lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
    # Scale with the page instead of a fixed size in points.
    svg = re.sub(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"', r'\1 class="plot"', svg, count=1)
    return svg


def lost_histograms(modes):
    """Lost updates per trial, one panel per mode (shared x axis), for one impl x scenario.

    `modes` is [(mode, [lost per trial])]. Panels, not overlaid bars: a locked mode's spike
    at 0 would hide the unlocked distribution. The bin edges are computed once for all
    panels, so a panel whose trials all lost nothing still shows its bar at 0.
    """
    fig, axes = plt.subplots(len(modes), 1, figsize=(6.2, 0.5 + 1.25 * len(modes)), sharex=True, squeeze=False)
    top = max((max(lost) for _, lost in modes if lost), default=0)
    edges = lost_edges(top)
    for n, ((mode, lost), ax) in enumerate(zip(modes, axes[:, 0])):
        ax.hist(lost, bins=edges, color=colour_for(mode, n), edgecolor="white", linewidth=0.4)
        ax.set_ylabel("trials")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=3))
        hits = sum(1 for x in lost if x > 0)
        words = "no trial lost an update" if not hits else f"{hits} trial{'s' if hits != 1 else ''} lost updates"
        ax.set_title(f"{plain(mode)}: {len(lost)} trials, {words}", loc="left", fontsize=9)
    axes[-1, 0].xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[-1, 0].set_xlim(edges[0], edges[-1])
    axes[-1, 0].set_xlabel("lost updates per trial")
    fig.tight_layout()
    return to_svg(fig)


def lost_edges(top):
    """Integer-centred bins up to 20 lost updates, else 30 equal bins from 0 to the maximum."""
    if top <= 20:
        # At least 0..10, so a mode that never lost anything is a bar at 0, not a full-width block.
        return [x - 0.5 for x in range(0, max(int(top), 10) + 2)]
    width = (top + 1) / 30
    return [-0.5 + k * width for k in range(31)]


def throughput(modes):
    """Operations per second per mode: median bar with min-max whiskers. [(mode, [ops/s])]"""
    fig, ax = plt.subplots(figsize=(6.2, 0.6 + 0.45 * len(modes)))
    labels, medians, lows, highs, colours = [], [], [], [], []
    for n, (mode, values) in enumerate(modes):
        values = sorted(values) or [0]
        mid = values[len(values) // 2]
        labels.append(plain(mode))
        medians.append(mid)
        lows.append(mid - values[0])
        highs.append(values[-1] - mid)
        colours.append(colour_for(mode, n))
    y = range(len(labels))
    ax.barh(y, medians, xerr=[lows, highs], color=colours, capsize=3, height=0.6)
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()
    ax.set_xlabel("operations per second (median, min-max)")
    fig.tight_layout()
    return to_svg(fig)

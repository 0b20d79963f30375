"""Inline SVG plots with matplotlib (Agg backend: no display, no network).

Each figure becomes an <svg> element to paste into the page. Labels can come from a results
file, so they are escaped for mathtext ('$' would start a formula) here, and matplotlib
escapes them as XML text; ids are prefixed per figure so several SVGs on one page cannot
capture each other's clip paths.
"""

import io
import itertools
import math
import re
import textwrap
from xml.etree import ElementTree

import matplotlib
import numpy

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter  # noqa: E402

SVG = "http://www.w3.org/2000/svg"
ElementTree.register_namespace("", SVG)
ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
matplotlib.rcParams.update({
    "svg.fonttype": "none",      # text stays text: smaller, and readable by the browser
    "svg.hashsalt": "shmcheck",  # stable ids: the same data gives the same page
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # each label names its fonts: one, and the page's fallback
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
})

# shmcheck's stress modes (held, per-op, raw, atomic) and the fixtures' older names: a lock held
# over the whole update is green, no lock red, a lock per operation blue.
MODE_COLOURS = {"locked": "#2e7d32", "held": "#2e7d32", "unlocked": "#c62828", "raw": "#c62828",
                "get_lock": "#1565c0", "per-op": "#1565c0", "atomic": "#6a1b9a"}
MODE_MARKERS = {"locked": "o", "held": "o", "unlocked": "D", "raw": "D", "get_lock": "s", "per-op": "s", "atomic": "^"}
MODE_ORDER = ("held", "locked", "get_lock", "per-op", "atomic", "raw", "unlocked")  # most lock to none
OVERVIEW_TITLES = {"p": "detection probability", "lost": "lost updates per trial", "ops": "operations per second"}
FALLBACK_COLOURS = ["#ef6c00", "#00838f", "#5d4037", "#546e7a", "#ad1457"]
_figure_ids = itertools.count()
TEXT_FONT = "font: 9px 'DejaVu Sans', sans-serif; "


def colour_for(mode, n):
    return MODE_COLOURS.get(mode, FALLBACK_COLOURS[n % len(FALLBACK_COLOURS)])


def plain(text):
    """A label matplotlib shows literally: '$' would otherwise switch to mathtext."""
    return str(text).replace("\\", "\\\\").replace("$", r"\$")


def to_svg(fig):
    """The figure as an <svg> element for the page, without what a page does not need.

    Matplotlib wraps every artist in a <g id=...> of its own and writes coordinates to 6
    decimals: a page of plots was mostly that (a histogram was 31 kB and 327 elements). The
    groups that carry nothing are unwrapped, ids nothing refers to dropped, numbers rounded
    to 1/100 of a point. The ids kept are prefixed per figure, so several SVGs on one page
    cannot capture each other's clip paths.
    """
    for artist in [fig, *fig.axes]:
        artist.patch.set_visible(False)  # white rectangles on a white page
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    root = ElementTree.fromstring(buf.getvalue())  # no comments, no DOCTYPE; nothing is fetched
    prefix = f"f{next(_figure_ids)}-"
    used = _references(root)
    for e in root.iter():
        for name, value in list(e.attrib.items()):
            if name == "id":
                if value in used:
                    e.set(name, prefix + value)
                else:
                    del e.attrib[name]
            elif name == "transform" and re.fullmatch(r"rotate\(-?0 [^)]*\)", value):
                del e.attrib[name]  # every label carries a rotation by 0 degrees
            elif name == "style" and value.startswith(TEXT_FONT):
                e.set(name, value[len(TEXT_FONT):])  # style.css gives svg.plot text this font
            else:
                value = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", value)
                value = re.sub(r"^#(?=.)", "#" + prefix, value) if name.endswith("href") else value
                value = re.sub(r"-?\d+\.\d+", lambda m: f"{float(m.group(0)):.2f}".rstrip("0").rstrip("."), value)
                e.set(name, re.sub(r"\s+", " ", value).strip() if name == "d" else value)
    _unwrap(root)
    del root.attrib["width"], root.attrib["height"]
    root.set("class", "plot")  # scale with the page instead of a fixed size in points
    return ElementTree.tostring(root, encoding="unicode")


def _references(root):
    """The ids something in the figure points to (a clip path, a marker shape)."""
    used = set()
    for e in root.iter():
        for name, value in e.attrib.items():
            used.update(re.findall(r"url\(#([^)]+)\)", value))
            if name.endswith("href") and value.startswith("#"):
                used.add(value[1:])
    return used


def _unwrap(parent):
    """Children of attribute-less <g> moved up into their parent; whitespace between tags and
    <metadata> dropped."""
    children = []
    for child in parent:
        _unwrap(child)
        child.tail = None
        if child.tag == f"{{{SVG}}}metadata":
            continue
        if child.tag == f"{{{SVG}}}g" and not child.attrib:
            children.extend(child)
        else:
            children.append(child)
    if parent.tag not in (f"{{{SVG}}}text", f"{{{SVG}}}style") and parent.text and not parent.text.strip():
        parent.text = None
    parent[:] = children


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
        # One filled outline per panel, not a shape per bin: a page holds dozens of these.
        ax.stairs(*_runs(*numpy.histogram(lost, bins=edges)), fill=True, color=colour_for(mode, n))
        if ax is not axes[-1, 0]:
            ax.tick_params(axis="x", length=0)  # the bottom panel's ticks serve all
        ax.set_ylabel("trials")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=3))
        hits = sum(1 for x in lost if x > 0)
        words = "no trial lost an update" if not hits else f"{hits} trial{'s' if hits != 1 else ''} lost updates"
        ax.set_title(f"{plain(mode)}: {len(lost)} trials, {words}", loc="left", fontsize=9)
    axes[-1, 0].xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    axes[-1, 0].set_xlim(edges[0], edges[-1])
    axes[-1, 0].set_xlabel("lost updates per trial")
    fig.tight_layout()
    return to_svg(fig)


def _runs(counts, edges):
    """Bins of equal count merged: the outline of 30 bins, most of them empty, is a few points."""
    keep = [0] + [k for k in range(1, len(counts)) if counts[k] != counts[k - 1]]
    return [counts[k] for k in keep], [edges[k] for k in keep] + [edges[-1]]


def lost_edges(top):
    """Integer-centred bins up to 20 lost updates, else 30 equal bins from 0 to the maximum."""
    if top <= 20:
        # At least 0..10, so a mode that never lost anything is a bar at 0, not a full-width block.
        return [x - 0.5 for x in range(0, max(int(top), 10) + 2)]
    width = (top + 1) / 30
    return [-0.5 + k * width for k in range(31)]


def overview(scenarios, impls, modes, cells):
    """Every implementation's stress results in one figure: a row per scenario, a column each
    for detection probability (with its interval), lost updates per trial and throughput
    (median with min-max), an implementation per line and a marker per mode.

    `cells[(scenario, impl, mode)]` = {"p", "low", "high", "lost": (min, median, max),
    "ops": (min, median, max)}; a missing key is a mode that scenario did not run there.
    """
    modes = sorted(modes, key=lambda m: MODE_ORDER.index(m) if m in MODE_ORDER else len(MODE_ORDER))
    fig, axes = plt.subplots(len(scenarios), 3, figsize=(9.6, 0.45 + len(scenarios) * (0.75 + 0.22 * len(impls))),
                             squeeze=False, sharey=True)
    step = min(0.2, 0.8 / len(modes))
    offsets = {m: (k - (len(modes) - 1) / 2) * step for k, m in enumerate(modes)}
    for row, scenario in enumerate(scenarios):
        for col, key in enumerate(("p", "lost", "ops")):
            ax = axes[row, col]
            for n, mode in enumerate(modes):
                found = [(at, cells[(scenario, i, mode)]) for at, i in enumerate(impls) if (scenario, i, mode) in cells]
                found = [(at, c) for at, c in found if key == "p" or c[key][1] is not None]  # None: no trial measured
                if not found:
                    continue
                y = [at + offsets[mode] for at, _ in found]
                if key == "p":
                    lo, mid, hi = zip(*((c["low"], c["p"], c["high"]) for _, c in found))
                else:
                    lo, mid, hi = zip(*(c[key] for _, c in found))
                colour = colour_for(mode, n)
                # The interval (or the trials' range) lighter than the marker: with few trials it is wide.
                # One path of segments split by NaN, not a path per implementation.
                ax.plot([v for a, b in zip(lo, hi) for v in (a, b, math.nan)], [v for at in y for v in (at, at, math.nan)],
                        color=colour, linewidth=1.2, alpha=0.45)
                ax.plot(mid, y, linestyle="none", marker=MODE_MARKERS.get(mode, "o"), markersize=4, color=colour)
            _overview_axis(ax, key)
        axes[row, 0].set_ylabel(plain(scenario), fontweight="bold", fontsize=10)
    for ax in axes[:, 0]:
        # Long names ("pypy 7.3.11 (python 3.9.16) + multiprocess 0.70.12.2") on two lines, not squeezing the panels.
        ax.set_yticks(range(len(impls)), [textwrap.fill(plain(i), 30, break_long_words=False) for i in impls], fontsize=8)
        ax.set_ylim(len(impls) - 0.5, -0.5)
    handles = [Line2D([], [], linestyle="none", marker=MODE_MARKERS.get(m, "o"), color=colour_for(m, n), label=plain(m))
               for n, m in enumerate(modes)]
    fig.legend(handles=handles, loc="upper center", ncol=len(handles) + 1, frameon=False, bbox_to_anchor=(0.5, 1.0),
               title="mode:", title_fontsize=9, alignment="left")
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.4 / fig.get_figheight()), w_pad=0.6)
    return to_svg(fig)


def _overview_axis(ax, key):
    ax.set_title(OVERVIEW_TITLES[key], loc="left", fontsize=9)
    ax.grid(axis="x", linewidth=0.4, color="#d0d7de")
    if key == "p":
        ax.set_xlim(-0.03, 1.03)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
        return
    if key == "lost":
        ax.set_xscale("symlog", linthresh=1)  # 0 lost (every locked trial) stays on the axis
        ax.set_xlim(left=-0.3)
    else:
        ax.set_xscale("log")
        low, high = ax.get_xlim()
        if high < 30 * low:  # within a decade or so: labels at 1, 2 and 5 too, else the axis has one or none
            ax.xaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: si(v)))


def si(value):
    """An axis label without mathtext: 0, 50, 2k, 1.5M."""
    for factor, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:g}{suffix}"
    return f"{value:g}"

"""The static HTML report: one self-contained index.html (inline CSS, SVG and a little JS).

Autoescaping is on for every template and nothing from a results file is marked safe: only
our own SVG plots are (and plots.py keeps their text XML-escaped).
"""

import os
import pathlib

import jinja2

from . import abi, model, output, sections

TEMPLATES = pathlib.Path(__file__).resolve().parent / "templates"


def environment():
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the tests, not the reader
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        kind=model.kind, KIND_LABEL=model.KIND_LABEL, ACT_ON=model.ACT_ON, VERDICTS=model.VERDICTS,
        impl_label=model.impl_label, replay_groups=model.replay_groups, reason_groups=model.reason_groups,
        in_command=model.in_command,
    )
    env.filters["seconds"] = _seconds
    env.filters["number"] = _number
    return env


def _seconds(value):
    if value is None:
        return "not recorded"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    if value < 120:
        return f"{value:.2f} s"
    return f"{int(value // 60)} min {value % 60:.0f} s"


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, int) or value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def single_view(doc, sources):
    """Everything report.html.j2 shows for one (possibly combined) document."""
    suites, matrix = model.summary_matrix(doc)
    abi_matrix = abi.matrix(doc)  # None with one ABI: the page is as it was before ABIs
    host = doc["run"]["host"]
    impls = []
    for row in matrix:
        if abi_matrix:
            row["abi"] = abi.abi_of(row["impl"], host)
        notable, unsupported, passes = model.split_cases(model.cases_of(doc, row["impl"]["spec"]))
        # Open: what a reader must act on. Expected failures and passes are one line until asked.
        act = "broken" in row["impl"] or any(model.kind(r) in model.ACT_ON for r in notable)
        impls.append({**row, "notable": notable, "unsupported": unsupported, "passes": passes, "open": act})
    state, headline = model.overall(doc)
    if not doc["results"] and not doc["implementations"] and sections.performance_view(doc):
        # ci/bench's page on its own: no suite ran, so there is no verdict to claim.
        state, headline = "info", "benchmarks only, no suite ran: see Performance"
    return {
        "doc": doc, "sources": sources, "state": state, "headline": headline, "suites": suites, "impls": impls,
        "abi_matrix": abi_matrix,
        "sections": section_views(doc), "runs": doc.get("_runs", [doc["run"]]),
    }


def section_views(doc):
    return {
        "stress": sections.stress_view(doc), "audit": sections.audit_view(doc), "abis": abi.differences(doc),
        "lifetime": sections.lifetime_view(doc), "faults": sections.faults_view(doc),
        "performance": sections.performance_view(doc),
    }


def write(out_dir, text):
    """DIR/index.html, written whole (a reader never sees half a page)."""
    os.makedirs(out_dir, exist_ok=True)
    return output.write_text(os.path.join(out_dir, "index.html"), text)


def render_single(doc, sources):
    return environment().get_template("report.html.j2").render(**single_view(doc, sources))


def render_merged(view):
    return environment().get_template("merged.html.j2").render(**view)

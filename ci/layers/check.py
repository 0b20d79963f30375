"""One run of every check: the table read, the three sources of dependencies checked, the report
turned into output lines (notes, violations, one summary line)."""

from __future__ import annotations

import os

from .deps import check_compiler_deps
from .includes import Resolver, check_includes
from .links import check_links, has_reply, load_codemodel, no_reply_reason
from .repo import list_files
from .report import Report, format_violation
from .table import UsageError, parse_table

# The status of a run whose links were required but could not be read: ctest's SKIP_RETURN_CODE
# (77 is the automake convention for "skipped"), so that the `layers` test shows as skipped
# instead of passing on includes alone or failing as if the code were wrong.
EXIT_SKIPPED = 77


class LinksNotChecked(Exception):
    """--require-links and the build tree has no file API reply to read the links from: exit 77.

    Raised after the table is read (a broken table stays a failure, status 2) and before any
    check runs: a run that is reported as skipped prints the one line saying why, not a summary
    that could be taken for a pass.
    """


def run_check(root: str, readme: str, build: str | None, require_links: bool = False,
              compiler_deps: bool = True) -> tuple[int, Report, list[str]]:
    """(exit status, report, output lines)."""
    try:
        with open(readme, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as e:
        raise UsageError(f"{readme}: unreadable ({e.strerror})") from None
    layers = parse_table(text, os.path.relpath(readme, root) if readme.startswith(root) else readme)
    files, listed_by = list_files(root)
    report = Report()
    if listed_by == "walk":
        report.notes.append(f"{root} is no git work tree: its files were found by a walk")

    model = None
    if build is None:
        report.notes.append("no --build: CMake links and compiler dependencies not checked")
    elif not os.path.isdir(build):
        if require_links:  # a tree that is not there has no reply either
            raise LinksNotChecked(f"--build {build}: no such folder")
        report.notes.append(f"--build {build}: no such folder: CMake links and compiler dependencies not checked")
    else:
        if require_links and not has_reply(build):
            raise LinksNotChecked(no_reply_reason(build))
        model, why = load_codemodel(build)
        if model is None:
            if require_links:  # a reply is there but unusable: a fault, not a state to wait out
                raise UsageError(why + " (--require-links)")
            report.notes.append(why + ": CMake links not checked")
        elif os.path.realpath(model.source) != os.path.realpath(root):
            report.notes.append(f"{build} is configured from {model.source}, not {root}")

    resolver = Resolver(root, files, model.include_dirs if model else [])
    check_includes(root, layers, files, resolver, report)
    if model is not None:
        check_links(layers, model, report)
    if build is not None and os.path.isdir(build) and compiler_deps:
        check_compiler_deps(root, build, layers, files, report)

    out = [f"note: {n}" for n in report.notes]
    out += [format_violation(*v) for v in sorted(set(report.violations))]
    count = len(set(report.violations))
    parts = [f"{report.files_scanned} files scanned",
             f"{report.includes_resolved} includes resolved ({report.includes_outside} outside the repository)"]
    parts.append(f"{report.links_checked} links of {report.targets_checked} targets checked" if model
                 else "links not checked")
    if report.deps_objects:
        parts.append(f"{report.deps_checked} compiler dependencies of {report.deps_objects} objects checked")
    verdict = "clean" if count == 0 else f"{count} violation{'s' if count != 1 else ''}"
    out.append(f"check_layers: {', '.join(parts)}: {verdict}")
    return (0 if count == 0 else 1), report, out

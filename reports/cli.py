"""python3 -m reports {html,junit,merge,validate,all,performance,unsettled,compare}: the command line.

Exit status: 0 done (or valid), 1 a document is invalid (validate, all), a benchmark
reported an error (performance) or a paired ratio moved or is in one run only (compare), 2 bad
usage or a file that is not a results document at all.
"""

import argparse
import json
import math
import os
import sys

from . import load, output

EXIT_INVALID = 1
EXIT_INPUT = 2
# merge: a platform failed (1) or broke (3) unexpectedly, as shmcheck's exit status says it.
EXIT_FAIL = 1
EXIT_BROKEN = 3


def _load_all(paths):
    """Each document upgraded, and valid: the renderers (templates, JUnit) take the schema's
    shapes for granted, so one they refuse never reaches them. Checked after the fact, a
    malformed document ended in whatever a template tripped on (AttributeError, jinja2's
    UndefinedError): a traceback instead of exit status 2 (found by reports/fuzz/)."""
    docs = []
    for path in paths:
        doc = load.load(path)  # not JSON, not results at all: its own message
        problems = load.errors(doc)
        if problems:
            where, message = problems[0]
            raise load.InputError(f"{path}: malformed results: {where}: {message}; run `python3 -m reports validate` on it")
        docs.append(doc)
    return docs


def cmd_html(args):
    from . import html, merge
    doc = merge.combine(_load_all(args.results))
    path = html.write(args.out, html.render_single(doc, args.results))
    print(f"report: {path}")
    return 0


def cmd_junit(args):
    from . import junit, merge
    doc = merge.combine(_load_all(args.results))
    print(f"junit: {junit.write([doc], args.out)}")
    return 0


def cmd_merge(args):
    from . import html, junit, merge
    if args.platform and len(args.platform) != len(args.results):
        raise load.InputError(f"--platform is given {len(args.platform)} times for {len(args.results)} files: "
                              "once per file, in order, or not at all (each file's host names it)")
    docs = _load_all(args.results)
    view = merge.merged_view(merge.group(merge.expand(docs, args.results, args.platform)))
    path = html.write(args.out, html.render_merged(view))
    junit_path = junit.write(view["docs"], os.path.join(args.out, "junit.xml"))
    merged_path = output.write_text(os.path.join(args.out, "results.json"),
                                    json.dumps(merge.merged_document(view), indent=1, ensure_ascii=False) + "\n")
    print(f"report: {path}\njunit: {junit_path}\nresults: {merged_path}")
    for p in view["platforms"]:
        print(f"{p['label']}: {p['headline']}")
    # As shmcheck's own exit status: what nobody expected decides it, fail before broken.
    return {"fail": EXIT_FAIL, "broken": EXIT_BROKEN}.get(view["state"], 0)


def validate_file(path, upgrade=False):
    """None if `path` is a valid version-1 document, else 'PATH: /json/path: message'.

    upgrade=True judges a version-0 document by what it becomes in memory (used by `all`
    while the C++ side still writes version 0; `validate` itself never upgrades).
    """
    try:
        doc = load.read(path)
    except load.InputError as e:
        return str(e)
    if upgrade and isinstance(doc, dict) and doc.get("schema") == load.LEGACY:
        doc = load.upgrade(doc)
    problems = load.errors(doc)
    if not problems:
        return None
    where, message = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{path}: {where}: {message}{more}"


def cmd_validate(args):
    status = 0
    for path in args.results:
        problem = validate_file(path)
        if problem:
            print(problem, file=sys.stderr)
            status = EXIT_INVALID
        else:
            print(f"{path}: valid {load.CURRENT}")
    return status


PERFORMANCE_FILE = "performance.json"


def companion_performance(results_path):
    """The benchmark document ci/bench leaves next to RESULTS (DIR/performance.json), if it is
    there and valid; else None. `all` is what `shmcheck run --out DIR` calls, so this is how
    the main job's report shows the performance page without either job knowing the other.
    A companion that is not valid is left out with a note: it must not cost the main job its
    report or its exit status."""
    path = os.path.join(os.path.dirname(os.path.abspath(results_path)), PERFORMANCE_FILE)
    if os.path.abspath(results_path) == path or not os.path.exists(path):
        return None
    problem = validate_file(path)
    if problem:
        print(f"note: leaving out {path}: {problem}", file=sys.stderr)
        return None
    doc = load.load(path)
    if doc.get("results") or "performance" not in doc:
        print(f"note: leaving out {path}: not a benchmark-only document", file=sys.stderr)
        return None
    return path


def cmd_all(args):
    from . import html, junit, merge
    problem = validate_file(args.results, upgrade=True)
    if problem:
        print(f"not writing a report: {problem}", file=sys.stderr)
        return EXIT_INVALID
    doc = load.load(args.results)
    if load.read(args.results).get("schema") == load.LEGACY:
        print(f"note: {args.results} is {load.LEGACY}; upgraded in memory", file=sys.stderr)
    sources = [args.results]
    bench = companion_performance(args.results)
    if bench:
        sources.append(bench)
        print(f"note: the report includes the benchmarks of {bench}", file=sys.stderr)
    page = html.write(args.out, html.render_single(merge.combine([doc] + [load.load(p) for p in sources[1:]]), sources))
    xml = junit.write([doc], os.path.join(args.out, "junit.xml"))  # benchmarks are not test cases
    print(f"report: {page}\njunit: {xml}")
    return 0


def cmd_unsettled(args):
    from . import performance
    within = performance.SETTLED_WITHIN if args.within is None else args.within / 100
    for name in performance.unsettled(args.benchmarks, within):
        print(name)
    return 0


def cmd_performance(args):
    from . import performance
    doc = performance.document(args.benchmarks, command=args.command, duration=args.duration)
    problems = load.errors(doc)
    if problems:  # a bug here, not in the input: say where
        where, message = problems[0]
        print(f"python3 -m reports performance: the document would be invalid: {where}: {message}", file=sys.stderr)
        return EXIT_INVALID
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    performance.write(doc, args.out)
    print(performance.text_table(doc))
    print(f"performance: {args.out}")
    return EXIT_INVALID if doc["performance"]["errors"] else 0


def cmd_compare(args):
    from . import compare
    if args.within is not None and not (math.isfinite(args.within) and args.within >= 0):
        print(f"python3 -m reports compare: --within {args.within}: a percentage of 0 or more", file=sys.stderr)
        return EXIT_INPUT
    within = compare.DEFAULT_WITHIN if args.within is None else args.within / 100
    result = compare.compare(compare.section(args.old), compare.section(args.new), within)
    print(compare.text(result, within))
    return EXIT_FAIL if compare.failed(result) else 0


def parser():
    p = argparse.ArgumentParser(prog="python3 -m reports", description="Reports from shmcheck results.json files.")
    sub = p.add_subparsers(dest="command", required=True)
    h = sub.add_parser("html", help="a self-contained HTML report, DIR/index.html")
    h.add_argument("results", nargs="+", help="results.json files of one machine (combined into one report)")
    h.add_argument("-o", "--out", required=True, metavar="DIR")
    h.set_defaults(run=cmd_html)
    j = sub.add_parser("junit", help="JUnit XML")
    j.add_argument("results", nargs="+")
    j.add_argument("-o", "--out", required=True, metavar="FILE")
    j.set_defaults(run=cmd_junit)
    m = sub.add_parser("merge", help="one report with a column per platform: DIR/index.html, DIR/junit.xml and a merged "
                       "DIR/results.json (which can be merged again); exit 1 if a platform failed, 3 if one broke")
    m.add_argument("results", nargs="+", help="results.json files: those of one platform (its suites, its shards) are "
                   "combined into its column; a merged results.json brings its platforms")
    m.add_argument("-o", "--out", required=True, metavar="DIR", help="DIR/index.html, DIR/junit.xml, DIR/results.json")
    m.add_argument("--platform", action="append", metavar="NAME",
                   help="the platform of each file, once per file in order (default: its host's OS and machine)")
    m.set_defaults(run=cmd_merge)
    v = sub.add_parser("validate", help=f"check files against the {load.CURRENT} schema")
    v.add_argument("results", nargs="+")
    v.set_defaults(run=cmd_validate)
    a = sub.add_parser("all", help="validate, then DIR/index.html (with a performance.json next to RESULTS) and DIR/junit.xml")
    a.add_argument("results")
    a.add_argument("-o", "--out", required=True, metavar="DIR")
    a.set_defaults(run=cmd_all)
    b = sub.add_parser("performance", help="Google Benchmark JSON files -> a results document with only a performance section")
    b.add_argument("benchmarks", nargs="+", help="--benchmark_out files of one run (bench/; ci/bench writes them)")
    b.add_argument("-o", "--out", required=True, metavar="FILE", help="e.g. report/performance.json, which `all` then includes")
    b.add_argument("--command", default="ci/bench", help="the command that ran the benchmarks (run.command)")
    b.add_argument("--duration", type=float, default=None, metavar="SECONDS",
                   help="how long the benchmarks took (default: from the first benchmark's start until now)")
    b.set_defaults(run=cmd_performance)
    u = sub.add_parser("unsettled", help="the paired ratios (Ratio/*) of Google Benchmark JSON files whose median is not "
                                         "yet pinned down: one benchmark name per line (ci/bench repeats them)")
    u.add_argument("benchmarks", nargs="+", help="--benchmark_out files; repetitions of one benchmark in several files add up")
    u.add_argument("--within", type=float, default=None, metavar="PERCENT",
                   help="settled when the median's 95 %% interval lies within +-PERCENT of it (default 3)")
    u.set_defaults(run=cmd_unsettled)
    c = sub.add_parser("compare", help="two runs' paired ratios side by side, and how far the machine itself moved "
                                       "between them; exit 1 if a paired ratio moved beyond --within or is in one run only")
    c.add_argument("old", help="report/performance.json of one ci/bench run")
    c.add_argument("new", help="... of the other")
    c.add_argument("--within", type=float, default=None, metavar="PERCENT", help="how far a ratio may move (default 10)")
    c.set_defaults(run=cmd_compare)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (load.InputError, output.RefusedOutput) as e:
        print(f"python3 -m reports {args.command}: {e}", file=sys.stderr)
        return EXIT_INPUT
    except (KeyError, TypeError, ValueError) as e:
        # A document that is JSON but not shaped like results: say where, don't dump a trace.
        print(f"python3 -m reports {args.command}: malformed results ({type(e).__name__}: {e}); "
              f"run `python3 -m reports validate` on it", file=sys.stderr)
        return EXIT_INPUT

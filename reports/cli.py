"""python3 -m reports {html,junit,merge,validate,all}: the command line.

Exit status: 0 done (or valid), 1 a document is invalid (validate, all), 2 bad usage or a
file that is not a results document at all.
"""

import argparse
import os
import sys

from . import load

EXIT_INVALID = 1
EXIT_INPUT = 2


def _load_all(paths):
    docs = [load.load(p) for p in paths]
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
    docs = _load_all(args.results)
    view = merge.merged_view(docs, args.results)
    path = html.write(args.out, html.render_merged(view))
    junit_path = junit.write(view["docs"], os.path.join(args.out, "junit.xml"))
    print(f"report: {path}\njunit: {junit_path}")
    return 0


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


def cmd_all(args):
    from . import html, junit
    problem = validate_file(args.results, upgrade=True)
    if problem:
        print(f"not writing a report: {problem}", file=sys.stderr)
        return EXIT_INVALID
    doc = load.load(args.results)
    if load.read(args.results).get("schema") == load.LEGACY:
        print(f"note: {args.results} is {load.LEGACY}; upgraded in memory", file=sys.stderr)
    page = html.write(args.out, html.render_single(doc, [args.results]))
    xml = junit.write([doc], os.path.join(args.out, "junit.xml"))
    print(f"report: {page}\njunit: {xml}")
    return 0


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
    m = sub.add_parser("merge", help="one report with a column per platform: DIR/index.html and DIR/junit.xml")
    m.add_argument("results", nargs="+", help="one results.json per machine")
    m.add_argument("-o", "--out", required=True, metavar="DIR")
    m.set_defaults(run=cmd_merge)
    v = sub.add_parser("validate", help=f"check files against the {load.CURRENT} schema")
    v.add_argument("results", nargs="+")
    v.set_defaults(run=cmd_validate)
    a = sub.add_parser("all", help="validate, then DIR/index.html and DIR/junit.xml")
    a.add_argument("results")
    a.add_argument("-o", "--out", required=True, metavar="DIR")
    a.set_defaults(run=cmd_all)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except load.InputError as e:
        print(f"python3 -m reports {args.command}: {e}", file=sys.stderr)
        return EXIT_INPUT
    except (KeyError, TypeError, ValueError) as e:
        # A document that is JSON but not shaped like results: say where, don't dump a trace.
        print(f"python3 -m reports {args.command}: malformed results ({type(e).__name__}: {e}); "
              f"run `python3 -m reports validate` on it", file=sys.stderr)
        return EXIT_INPUT

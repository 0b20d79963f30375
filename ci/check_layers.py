#!/usr/bin/env python3
"""Checks that #includes and CMake links follow the project's dependency direction.

The allowed directions are the table in README.md between `<!-- layers: begin -->` and
`<!-- layers: end -->`: | folder | its job | may include |. A file (or a CMake target) belongs to
the row with the longest matching folder prefix; it may use files of its own row's folder and of
the top-level folders its row names ("nothing of ours", "everything", or `harness`, `lib`, ...).
Files outside every row (ci/, top-level files) are not checked.

Three sources of dependencies are checked:

1. #include lines, read textually from every C++ file git knows (tracked and untracked, not
   ignored): `"x"` first relative to the including file, then (both forms) against the include
   roots: the source root itself, every folder named `include`, and (with --build) every folder of
   the source tree a target's compile flags put on the include path. A missing `x` whose `x.in`
   exists resolves to `x.in` (configure_file). What resolves to no file of the repository is a
   system or third-party header and is ignored, except a `shmcheck/...` include, which is
   reported. An include that resolves to files of two rows is reported as ambiguous.
2. With --build DIR: the links of every target in the CMake file API code model of DIR
   (DIR/.cmake/api/v1/reply/, written by a cmake run that found DIR/.cmake/api/v1/query/).
3. With --build DIR of a Ninja build that has been built: the compiler's header dependencies of
   every object (`ninja -t deps`), mapped to their source files through compile_commands.json.

Exit status: 0 clean, 1 violations (listed), 2 bad usage or an unreadable README table (or, with
--require-links, a file API reply without a readable code model), 77 with --require-links when
the build tree has no file API reply yet: the links were not checked, and ctest reports the test
as skipped (SKIP_RETURN_CODE 77) rather than passed on includes alone.
`--self-test` runs the checker's own tests, ci/tests/test_check_layers.py, on made-up repositories
(and, when cmake, ninja and a C++ compiler are present, on a tiny configured and built CMake project).

This file is the command line; the checks are the package ci/layers/. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

# Run as `/usr/bin/python3 /path/to/ci/check_layers.py` from any directory (ctest runs it so): the
# package is found beside this file, not through the working directory or an installation. It
# runs from the source tree, so it leaves no __pycache__ there.
sys.dont_write_bytecode = True
_CI = os.path.dirname(os.path.abspath(__file__))
if _CI not in sys.path:
    sys.path.insert(0, _CI)

from layers.check import EXIT_SKIPPED, LinksNotChecked, run_check  # noqa: E402  (after the path is set)
from layers.table import UsageError  # noqa: E402


def self_test() -> int:
    """Run ci/tests/test_check_layers.py, verbosely: the `layers.self-test` ctest calls this."""
    import unittest
    # The tests import this module by name; run as a script it is __main__, so hand them this
    # copy instead of letting the import load the file a second time.
    sys.modules.setdefault("check_layers", sys.modules[__name__])
    tests = os.path.join(_CI, "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    import test_check_layers
    suite = unittest.defaultTestLoader.loadTestsFromModule(test_check_layers)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    return 0 if result.wasSuccessful() else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Fail when an #include or a CMake link crosses the README's layers table the wrong way.")
    parser.add_argument("--root", default=os.path.dirname(_CI), help="source root (default: %(default)s)")
    parser.add_argument("--readme", help="the README with the table (default: ROOT/README.md)")
    parser.add_argument("--build", help="a configured CMake build tree: check its targets' links (file API code "
                                        "model) and, if it is a built Ninja tree, the compiler's dependencies")
    parser.add_argument("--require-links", action="store_true",
                        help=f"do not settle for checking includes only: exit {EXIT_SKIPPED} (skipped) when --build "
                             "has no CMake file API reply yet (configure again), 2 when its reply has no readable "
                             "code model")
    parser.add_argument("--no-compiler-deps", action="store_true", help="do not read `ninja -t deps`")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list quoted includes that resolve to no file of the repository")
    parser.add_argument("--self-test", action="store_true",
                        help="run the checker's own tests (ci/tests/test_check_layers.py) and exit")
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test()
    root = os.path.abspath(args.root)
    if not os.path.isdir(root):
        print(f"check_layers: --root {args.root}: no such folder", file=sys.stderr)
        return 2
    readme = os.path.abspath(args.readme) if args.readme else os.path.join(root, "README.md")
    build = os.path.abspath(args.build) if args.build else None
    started = time.monotonic()
    try:
        status, report, out = run_check(root, readme, build, args.require_links, not args.no_compiler_deps)
    except UsageError as e:
        print(f"check_layers: {e}", file=sys.stderr)
        return 2
    except LinksNotChecked as e:
        # stdout, like the summary line it stands in for: it is the run's outcome, not a usage error.
        print(f"check_layers: links not checked (--require-links): {e}")
        return EXIT_SKIPPED
    if args.verbose:
        for u in report.unresolved_quoted:
            print(f"note: {u} resolves to no file of the repository (taken for a system header)")
    print("\n".join(out[:-1]) + ("\n" if len(out) > 1 else ""), end="")
    print(f"{out[-1]} ({time.monotonic() - started:.2f} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())

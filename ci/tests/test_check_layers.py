"""The tests of ci/check_layers.py: made-up repositories and hand-made file API replies, and (when
cmake, ninja and a C++ compiler are on PATH) a tiny CMake project configured and built for real.

Runs as `python3 -m unittest discover -s ci/tests -v`, as `python3 ci/tests/test_check_layers.py`
and as `python3 ci/check_layers.py --self-test`. Standard library only.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

# ci/ holds the package and the entry point; put it on the path whichever way this module is run
# (discover from ci/tests puts only ci/tests there). No __pycache__ in the source tree.
sys.dont_write_bytecode = True
_CI = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _CI not in sys.path:
    sys.path.insert(0, _CI)

import check_layers  # noqa: E402  (after the path is set)
from layers.check import EXIT_SKIPPED, run_check  # noqa: E402
from layers.deps import parse_ninja_deps  # noqa: E402
from layers.report import Report, format_violation  # noqa: E402
from layers.table import UsageError, parse_table  # noqa: E402


README_TEMPLATE = """# fake

<!-- layers: begin -->
| folder | its job | may include |
|---|---|---|
| `lib/` | the reference | nothing of ours |
| `harness/` | the core | `lib` |
| `audit/` | the audit | `harness`, `lib` |
| `audit/probe/` | the probe | nothing of ours |
| `cli/` | the command line | everything |
<!-- layers: end -->
"""


def write(root: str, files: dict[str, str]) -> None:
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as fh:
            fh.write(text)


class Fixture(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="check_layers_")
        self.root = self.tmp.name
        write(self.root, {"README.md": README_TEMPLATE})

    def tearDown(self):
        self.tmp.cleanup()

    def check(self, files: dict[str, str], build: str | None = None):
        write(self.root, files)
        return run_check(self.root, os.path.join(self.root, "README.md"), build)

    def texts(self, report: Report) -> list[str]:
        return sorted(format_violation(*v) for v in set(report.violations))


class Includes(Fixture):
    def test_lib_including_harness_is_reported_cli_is_not(self):
        status, report, out = self.check({
            "lib/a.cpp": '#include "harness/x.hpp"\n#include <vector>\n',
            "harness/x.hpp": "#pragma once\n",
            "cli/main.cpp": '#include "harness/x.hpp"\n#include "lib/a.cpp"\n',
        })
        self.assertEqual(status, 1, out)
        self.assertEqual(self.texts(report), [
            "lib/a.cpp:1: lib/ includes harness/x.hpp (harness/), which its row does not allow"])
        self.assertIn("1 violation", out[-1])

    def test_clean_tree_exits_0(self):
        status, report, out = self.check({
            "lib/include/shmcheck/object.hpp": "#pragma once\n",
            "harness/x.hpp": "#include <shmcheck/object.hpp>\n",
            "cli/main.cpp": '#include "harness/x.hpp"\n',
        })
        self.assertEqual(status, 0, out)
        self.assertEqual(report.includes_resolved, 2)
        self.assertTrue(out[-1].endswith(": clean"), out)

    def test_shmcheck_angle_includes_resolve_in_include_folders(self):
        status, report, out = self.check({
            "lib/include/shmcheck/object.hpp": "#pragma once\n",
            "lib/include/shmcheck/version.hpp.in": "#define V \"@V@\"\n",
            "lib/fault/include/shmcheck/faults.hpp": "#pragma once\n",
            "harness/include/shmcheck/harness/suite.hpp": "#include <shmcheck/object.hpp>\n",
            "lib/src/b.cpp": ("#include <shmcheck/object.hpp>\n#include <shmcheck/version.hpp>\n"
                              "#include <shmcheck/faults.hpp>\n#include <shmcheck/harness/suite.hpp>\n"
                              "#include <shmcheck/nowhere.hpp>\n#include <nlohmann/json.hpp>\n"),
        })
        self.assertEqual(status, 1, out)
        self.assertEqual(self.texts(report), [
            "lib/src/b.cpp:4: lib/ includes harness/include/shmcheck/harness/suite.hpp (harness/), "
            "which its row does not allow",
            "lib/src/b.cpp:5: lib/ includes <shmcheck/nowhere.hpp>, which resolves to no file of the "
            "repository (unresolvable project include)"])
        self.assertEqual(report.includes_resolved, 5)  # version.hpp -> version.hpp.in
        self.assertEqual(report.includes_outside, 2)

    def test_longest_prefix_rule(self):
        status, report, out = self.check({
            "harness/x.hpp": "#pragma once\n",
            "audit/probe/p.cpp": '#include "harness/x.hpp"\n#include "table.hpp"\n#include "../src/s.hpp"\n',
            "audit/probe/table.hpp": "#pragma once\n",
            "audit/src/s.hpp": '#include "harness/x.hpp"\n#include "audit/probe/table.hpp"\n',
            "audit/tests/t.cpp": '#include "harness/x.hpp"\n',
        })
        self.assertEqual(status, 1, out)
        self.assertEqual(self.texts(report), [
            "audit/probe/p.cpp:1: audit/probe/ includes harness/x.hpp (harness/), which its row does not allow",
            "audit/probe/p.cpp:3: audit/probe/ includes audit/src/s.hpp (audit/), which its row does not allow",
        ])

    def test_quoted_includes_prefer_the_including_folder(self):
        # cli/x.hpp and harness/x.hpp: "x.hpp" from harness/ is its own, from lib/ nothing.
        status, report, out = self.check({
            "harness/x.hpp": '#include "x.hpp"\n',
            "harness/y.cpp": '#include "x.hpp"\n',
            "x.hpp": "#pragma once\n",
        })
        self.assertEqual(status, 0, out)

    def test_ambiguous_include_is_reported(self):
        status, report, out = self.check({
            "lib/include/shmcheck/dup.hpp": "#pragma once\n",
            "harness/include/shmcheck/dup.hpp": "#pragma once\n",
            "cli/main.cpp": "#include <shmcheck/dup.hpp>\n",
        })
        self.assertEqual(status, 1, out)
        self.assertEqual(len(report.violations), 1)
        self.assertIn("ambiguous", report.violations[0][2])
        self.assertIn("harness/include/shmcheck/dup.hpp (harness/)", report.violations[0][2])

    def test_comments_and_strings(self):
        status, report, out = self.check({
            "harness/x.hpp": "#pragma once\n",
            "lib/a.cpp": ('// #include "harness/x.hpp"\n'
                          'const char* g = "/dev/shm/*";\n'
                          '#include <vector>\n'
                          '/* a comment\n#include "harness/x.hpp"\n*/\n'
                          'auto r = R"(/* not a comment )";\n'
                          '  #  include   "harness/x.hpp"  // real, line 8\n'
                          'int n = 1\'000; /* short */ int m = 2;\n'
                          '#include "harness/x.hpp" /* line 10\n */\n'),
        })
        self.assertEqual(status, 1, out)
        self.assertEqual([l for _, l, _ in sorted(report.violations)], [8, 10])

    def test_files_outside_every_row_are_not_checked(self):
        status, report, out = self.check({
            "lib/x.hpp": "#pragma once\n",
            "ci/tool.cpp": '#include "lib/x.hpp"\n#include <shmcheck/nowhere.hpp>\n',
            "test_top.cpp": '#include "lib/x.hpp"\n',
        })
        self.assertEqual(status, 0, out)
        self.assertEqual(report.files_scanned, 1)

    def test_untracked_files_in_a_git_tree_are_checked(self):
        if shutil.which("git") is None:
            self.skipTest("no git")
        write(self.root, {"harness/x.hpp": "#pragma once\n", "lib/a.cpp": '#include "harness/x.hpp"\n',
                          ".gitignore": "/build/\n", "build/lib/gen.cpp": '#include "harness/x.hpp"\n'})
        subprocess.run(["git", "init", "-q", self.root], check=True)
        subprocess.run(["git", "-C", self.root, "add", "harness/x.hpp"], check=True)
        status, report, out = self.check({})
        self.assertEqual(status, 1, out)
        self.assertEqual([p for p, _, _ in report.violations], ["lib/a.cpp"])  # build/ is ignored


class Table(unittest.TestCase):
    def test_rows_and_rules(self):
        layers = parse_table(README_TEMPLATE)
        self.assertEqual(layers.row_of("audit/probe/x.cpp").folder, "audit/probe/")
        self.assertEqual(layers.row_of("audit/src/x.cpp").folder, "audit/")
        self.assertIsNone(layers.row_of("ci/x.py"))
        self.assertIsNone(layers.row_of("library/x.cpp"))  # a prefix is a whole folder
        self.assertTrue(layers.row_of("cli/main.cpp").everything)
        self.assertEqual(layers.row_of("audit/x").names, {"harness", "lib"})

    def test_bad_tables_are_usage_errors(self):
        good_row = "| `lib/` | job | nothing of ours |\n"
        head = "<!-- layers: begin -->\n| folder | its job | may include |\n|---|---|---|\n"
        for bad in ["no markers at all\n",
                    head + "<!-- layers: end -->\n",
                    head + good_row + "| `cli/` | job | all of it |\n<!-- layers: end -->\n",
                    head + good_row + "| `cli/` | job | `lib`, `nowhere` |\n<!-- layers: end -->\n",
                    head + good_row + "| cli | job | everything |\n<!-- layers: end -->\n",
                    head + good_row + good_row + "<!-- layers: end -->\n",
                    head + good_row + "| `cli/` | everything |\n<!-- layers: end -->\n"]:
            with self.assertRaises(UsageError, msg=bad):
                parse_table(bad)

    def test_main_exit_statuses(self):
        main = check_layers.main
        with tempfile.TemporaryDirectory() as root, contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            write(root, {"README.md": "no table\n"})
            self.assertEqual(main(["--root", root]), 2)
            write(root, {"README.md": README_TEMPLATE, "lib/a.cpp": "#include <vector>\n"})
            self.assertEqual(main(["--root", root]), 0)
            # No file API reply in the tree: links required but not checked is "skipped", not 2.
            self.assertEqual(main(["--root", root, "--build", root, "--require-links"]), EXIT_SKIPPED)
            write(root, {"lib/a.cpp": '#include "cli/b.hpp"\n', "cli/b.hpp": ""})
            self.assertEqual(main(["--root", root]), 1)


class FakeCodeModel(Fixture):
    """A hand-made file API reply: the shapes CMake 3.25 writes, reduced."""

    def reply(self, targets: list[dict]) -> str:
        build = os.path.join(self.root, "build")
        reply = os.path.join(build, ".cmake", "api", "v1", "reply")
        os.makedirs(reply)
        refs = []
        for t in targets:
            name = f"target-{t['name']}.json"
            t.setdefault("id", t["name"] + "::@1")
            with open(os.path.join(reply, name), "w") as fh:
                json.dump(t, fh)
            refs.append({"name": t["name"], "id": t["id"], "jsonFile": name})
        model = {"paths": {"source": self.root, "build": build},
                 "configurations": [{"name": "", "targets": refs}]}
        with open(os.path.join(reply, "codemodel-v2-1.json"), "w") as fh:
            json.dump(model, fh)
        with open(os.path.join(reply, "index-1.json"), "w") as fh:
            json.dump({"reply": {"codemodel-v2": {"jsonFile": "codemodel-v2-1.json"}}}, fh)
        return build

    @staticmethod
    def graph(*commands: tuple[str, str, int]) -> dict:
        names = sorted({c for c, _, _ in commands})
        files = sorted({f for _, f, _ in commands})
        return {"commands": names, "files": files,
                "nodes": [{"file": files.index(f), "line": l, "command": names.index(c)} for c, f, l in commands]}

    def test_links(self):
        write(self.root, {"lib/a.cpp": "", "harness/h.cpp": "", "cli/main.cpp": "", "audit/probe/probe.cpp": ""})
        g = self.graph(("add_library", "lib/CMakeLists.txt", 1), ("target_link_libraries", "lib/CMakeLists.txt", 2),
                       ("add_dependencies", "lib/CMakeLists.txt", 3))
        build = self.reply([
            {"name": "ref", "type": "STATIC_LIBRARY", "paths": {"source": "lib", "build": "lib"},
             "sources": [{"path": "lib/a.cpp"}], "artifacts": [{"path": "lib/libref.a"}],
             "backtrace": 0, "backtraceGraph": g,
             "dependencies": [{"id": "harness::@1", "backtrace": 1},   # a link: reported
                              {"id": "tool::@1", "backtrace": 2},      # add_dependencies: not
                              {"id": "clilib::@1", "backtrace": 2}]},  # ... even of a library
            {"name": "harness", "type": "STATIC_LIBRARY", "paths": {"source": "harness", "build": "harness"},
             "sources": [{"path": "harness/h.cpp"}], "artifacts": [{"path": "harness/libharness.a"}]},
            {"name": "clilib", "type": "STATIC_LIBRARY", "paths": {"source": "cli", "build": "cli"},
             "sources": [{"path": "cli/main.cpp"}], "artifacts": [{"path": "cli/libclilib.a"}]},
            {"name": "tool", "type": "EXECUTABLE", "paths": {"source": "cli", "build": "cli"},
             "sources": [{"path": "cli/main.cpp"}], "artifacts": [{"path": "bin/tool"}],
             "link": {"commandFragments": [{"fragment": "lib/libref.a", "role": "libraries"},
                                           {"fragment": "harness/libharness.a", "role": "libraries"}]}},
            {"name": "probe", "type": "EXECUTABLE", "paths": {"source": "audit", "build": "audit"},
             "sources": [{"path": "audit/probe/probe.cpp"}], "artifacts": [{"path": "bin/probe"}],
             "link": {"commandFragments": [{"fragment": "-latomic", "role": "libraries"},
                                           {"fragment": "harness/libharness.a", "role": "libraries"}]}},
        ])
        status, report, out = self.check({}, build)
        self.assertEqual(status, 1, out)
        self.assertEqual(self.texts(report), [
            "audit/CMakeLists.txt: audit/probe/ target probe links harness (harness/), which its row does "
            "not allow",
            "lib/CMakeLists.txt:2: lib/ target ref links harness (harness/), which its row does not allow"])
        self.assertEqual(report.links_checked, 4)  # ref->harness, tool->ref, tool->harness, probe->harness

    def test_no_reply_checks_includes_only(self):
        os.makedirs(os.path.join(self.root, "build", ".cmake", "api", "v1", "query"))
        open(os.path.join(self.root, "build", ".cmake", "api", "v1", "query", "codemodel-v2"), "w").close()
        status, report, out = self.check({"lib/a.cpp": '#include "cli/x.hpp"\n', "cli/x.hpp": ""},
                                         os.path.join(self.root, "build"))
        self.assertEqual(status, 1, out)
        self.assertTrue(any("no CMake file API reply" in l for l in out), out)
        self.assertIn("links not checked", out[-1])

    def run_main(self, *args: str) -> tuple[int, list[str], str]:
        """(status, stdout lines, stderr) of the command line on the fixture's root."""
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            status = check_layers.main(["--root", self.root, *args])
        return status, stdout.getvalue().splitlines(), stderr.getvalue()

    def test_require_links_without_reply_is_skipped(self):
        # The same tree as above (and a violation in it): with --require-links the run is reported
        # as skipped, in one line saying why, and nothing else that could read as a verdict.
        build = os.path.join(self.root, "build")
        os.makedirs(os.path.join(build, ".cmake", "api", "v1", "query"))
        open(os.path.join(build, ".cmake", "api", "v1", "query", "codemodel-v2"), "w").close()
        write(self.root, {"lib/a.cpp": '#include "cli/x.hpp"\n', "cli/x.hpp": ""})
        status, out, err = self.run_main("--build", build, "--require-links")
        self.assertEqual(status, EXIT_SKIPPED, out)
        self.assertEqual(len(out), 1, out)
        self.assertTrue(out[0].startswith("check_layers: links not checked"), out)
        self.assertIn(f"no CMake file API reply in {build}", out[0])
        self.assertIn("configure again, or create "
                      f"{os.path.join(build, '.cmake', 'api', 'v1', 'query', 'codemodel-v2')} before the first "
                      "configure", out[0])
        self.assertEqual(err, "")
        status, out, _ = self.run_main("--build", os.path.join(self.root, "nowhere"), "--require-links")
        self.assertEqual(status, EXIT_SKIPPED, out)
        self.assertEqual(len(out), 1, out)
        self.assertIn("nowhere: no such folder", out[0])

    def test_require_links_with_an_unusable_reply_is_an_error(self):
        # A reply that is there but holds no code model will not appear by configuring again: 2.
        reply = os.path.join(self.root, "build", ".cmake", "api", "v1", "reply")
        os.makedirs(reply)
        with open(os.path.join(reply, "index-1.json"), "w") as fh:
            json.dump({"reply": {}}, fh)
        status, out, err = self.run_main("--build", os.path.join(self.root, "build"), "--require-links")
        self.assertEqual(status, 2, out)
        self.assertIn("no codemodel-v2 in the reply index (--require-links)", err)


class NinjaDeps(unittest.TestCase):
    def test_parse(self):
        text = ("lib/CMakeFiles/ref.dir/a.cpp.o: #deps 3, deps mtime 1700000000000000000 (VALID)\n"
                "    /src/lib/a.cpp\n    /src/harness/x.hpp\n    /usr/include/stdio.h\n\n"
                "cli/CMakeFiles/c.dir/m.cpp.o: #deps 1, deps mtime 5 (STALE)\n    ../src/cli/m.cpp\n\n")
        self.assertEqual(parse_ninja_deps(text), [
            ("lib/CMakeFiles/ref.dir/a.cpp.o", True, ["/src/lib/a.cpp", "/src/harness/x.hpp", "/usr/include/stdio.h"]),
            ("cli/CMakeFiles/c.dir/m.cpp.o", False, ["../src/cli/m.cpp"])])


class RealCMake(Fixture):
    """A tiny project configured and built with the real cmake and ninja."""

    def setUp(self):
        super().setUp()
        missing = [t for t in ("cmake", "ninja", "c++") if shutil.which(t) is None]
        if missing:
            self.skipTest("not on PATH: " + ", ".join(missing))

    def test_configured_and_built(self):
        files = {
            "CMakeLists.txt": ("cmake_minimum_required(VERSION 3.20)\nproject(fake LANGUAGES CXX)\n"
                               "add_subdirectory(lib)\nadd_subdirectory(harness)\nadd_subdirectory(cli)\n"
                               "add_subdirectory(audit)\n"),
            "lib/CMakeLists.txt": ("add_library(fake_ref STATIC src/a.cpp)\n"
                                   "target_include_directories(fake_ref PUBLIC include PRIVATE src)\n"
                                   "target_link_libraries(fake_ref PUBLIC fake_harness)\n"  # line 3: wrong way
                                   "add_dependencies(fake_ref fake_runner fake_clilib)\n"),  # order only
            "lib/include/shmcheck/ref.hpp": "#pragma once\n",
            "lib/src/a.cpp": "#include <shmcheck/harness/h.hpp>\n#include \"own.hpp\"\nint a() { return 1; }\n",
            "lib/src/own.hpp": "#pragma once\n",
            "lib/src/posix/p.hpp": '#include "own.hpp"\n',  # found through the private include path
            "harness/CMakeLists.txt": ("add_library(fake_harness STATIC h.cpp)\n"
                                       "target_include_directories(fake_harness PUBLIC include)\n"),
            "harness/include/shmcheck/harness/h.hpp": "#pragma once\n",
            "harness/h.cpp": "#include <shmcheck/harness/h.hpp>\nint h() { return 2; }\n",
            "cli/CMakeLists.txt": ("add_library(fake_clilib STATIC lib.cpp)\n"
                                   "add_executable(fake_runner runner.cpp)\n"
                                   "add_executable(fake_tool main.cpp)\n"
                                   "target_link_libraries(fake_tool PRIVATE fake_ref)\n"),
            "cli/lib.cpp": "int c() { return 3; }\n",
            "cli/runner.cpp": "int main() { return 0; }\n",
            "cli/main.cpp": "#include <shmcheck/ref.hpp>\nint main() { return 0; }\n",
            "audit/CMakeLists.txt": ("add_executable(fake_probe probe/probe.cpp)\n"
                                     "target_link_libraries(fake_probe PRIVATE fake_harness)\n"),  # line 2
            "audit/probe/probe.cpp": "int main() { return 0; }\n",
        }
        write(self.root, files)
        build = os.path.join(self.root, "build")
        # The query before the first configure: then the first cmake run answers it.
        os.makedirs(os.path.join(build, ".cmake", "api", "v1", "query"))
        open(os.path.join(build, ".cmake", "api", "v1", "query", "codemodel-v2"), "w").close()
        env = dict(os.environ, CMAKE_EXPORT_COMPILE_COMMANDS="ON")
        subprocess.run(["cmake", "-S", self.root, "-B", build, "-G", "Ninja",
                        "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"], check=True, capture_output=True, env=env)
        status, report, out = self.check({}, build)
        self.assertEqual(status, 1, out)
        self.assertTrue(any("not built" in l for l in out), out)
        expected = [
            "audit/CMakeLists.txt:2: audit/probe/ target fake_probe links fake_harness (harness/), which its row "
            "does not allow",
            "lib/CMakeLists.txt:3: lib/ target fake_ref links fake_harness (harness/), which its row does not "
            "allow",
            "lib/src/a.cpp:1: lib/ includes harness/include/shmcheck/harness/h.hpp (harness/), which its row "
            "does not allow",
        ]
        self.assertEqual(self.texts(report), expected)
        self.assertEqual(report.unresolved_quoted, [])  # "own.hpp" from lib/src/posix via lib/src
        built = subprocess.run(["ninja", "-C", build], capture_output=True, text=True)
        self.assertEqual(built.returncode, 0, built.stdout + built.stderr)
        status, report, out = self.check({}, build)
        self.assertEqual(status, 1, out)
        self.assertEqual(self.texts(report), sorted(expected + [
            "lib/src/a.cpp: lib/ depends on harness/include/shmcheck/harness/h.hpp (harness/) by the compiler's "
            "dependencies of lib/CMakeFiles/fake_ref.dir/src/a.cpp.o, which its row does not allow"]))
        self.assertGreater(report.deps_objects, 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)

#!/usr/bin/env python3
"""shmcheck as a package, checked from the outside as its users meet it (ctest label package).

  find-package  `cmake --install` of the build tree into a temporary prefix, which is then
                moved (an installed tree must not depend on where it was put); the example
                consumer (examples/consumer) configured with find_package(shmcheck) against
                it, built and run, with its in-process adapter; the installed shmcheck runs
                the spec suite from there and finds its programs and its data there (a clause
                removed from the installed clauses.json is gone from the next run); and the
                consumer against the build tree's own export.
  pkg-config    the same install; main.cpp compiled by a plain
                `c++ -std=c++20 main.cpp $(pkg-config --cflags --libs shmcheck-ref)`, and run.
  library-only  the source tree configured with SHMCHECK_LIBRARY_ONLY=ON where no package but
                the compiler's can be found (CMAKE_FIND_ROOT_PATH is an empty folder, so any
                find_package of GTest, Boost, fmt ... would fail the configure), built (-j2),
                installed; only the reference is there, the consumer builds and runs against
                it, and asking for the implementation component fails with its reason.

Usage: package_test.py --source DIR --build DIR CHECK. Exit 0 pass, 1 fail, 77 unsupported (a
program the check needs is missing). Temporary folders are removed whatever happens. Standard
library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

EXIT_UNSUPPORTED = 77


class Failure(Exception):
    pass


class Unsupported(Exception):
    pass


def run(cmd: list[str], env: dict | None = None, cwd: str | None = None) -> str:
    """Runs cmd; its output (stdout and stderr) on success, Failure with its end otherwise."""
    started = time.monotonic()
    p = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(f"$ {' '.join(cmd)}  ({time.monotonic() - started:.1f} s, exit {p.returncode})", flush=True)
    if p.returncode != 0:
        raise Failure(f"exit {p.returncode}: {' '.join(cmd)}\n{p.stdout[-4000:]}")
    return p.stdout


def check(holds: bool, what: str) -> None:
    if not holds:
        raise Failure(what)
    print(f"ok: {what}", flush=True)


class Build:
    """The configured build tree under test: its compiler and install layout."""

    def __init__(self, source: str, build: str):
        self.source, self.build = source, build
        cache = os.path.join(build, "CMakeCache.txt")
        if not os.path.isfile(cache):
            raise Failure(f"--build {build}: no CMakeCache.txt (not a configured build tree)")
        entries = {}
        with open(cache, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^([A-Za-z_0-9]+):[A-Z]+=(.*)$", line.rstrip("\n"))
                if m:
                    entries[m.group(1)] = m.group(2)
        self.cxx = entries.get("CMAKE_CXX_COMPILER", "c++")
        self.version = entries.get("CMAKE_PROJECT_VERSION", "")
        self.libdir = entries.get("CMAKE_INSTALL_LIBDIR", "lib")
        self.generator = ["-G", "Ninja"] if shutil.which("ninja") else []

    def install(self, prefix: str) -> None:
        """`cmake --install` of the build tree, which must be built (ci/build, before ctest)."""
        run(["cmake", "--install", self.build, "--prefix", prefix])

    def consumer(self, tmp: str, name: str, where: str) -> tuple[str, str]:
        """examples/consumer configured against `where` (-DCMAKE_PREFIX_PATH=... or -Dshmcheck_DIR=...)
        and built: its folder and its configure's output."""
        out = os.path.join(tmp, name)
        configured = run(["cmake", "-S", os.path.join(self.source, "examples", "consumer"), "-B", out, *self.generator,
                          f"-DCMAKE_CXX_COMPILER={self.cxx}", where, "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"],
                         env=clean_env())
        run(["cmake", "--build", out, "-j2"], env=clean_env())
        return out, configured


def clean_env() -> dict:
    """The environment without search paths of its own: only what a check passes is found."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("CMAKE_PREFIX_PATH", "PKG_CONFIG_PATH", "CPATH", "CPLUS_INCLUDE_PATH", "LIBRARY_PATH",
                        "shmcheck_DIR", "SHMCHECK_DATA_DIR")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # the installed reports package stays as installed
    return env


def found_at(configured: str) -> tuple[str, str]:
    """What the consumer's configure says it found: (config folder, implementation found)."""
    m = re.search(r"^-- shmcheck (\S+) at (.+); implementation: (\S*)$", configured, re.MULTILINE)
    if not m:
        raise Failure(f"the consumer's configure did not say what it found:\n{configured[-2000:]}")
    return m.group(2), m.group(3)


def run_consumer(program: str) -> str:
    env = clean_env()
    # Its shared memory is named apart from what other tests look for in /dev/shm.
    env["SHMCHECK_SHM_PREFIX"] = f"shmcheck-package-{os.getpid()}-"
    out = run([program], env=env)
    print(out, end="", flush=True)
    return out


def tree_summary(prefix: str) -> None:
    files, size = 0, 0
    for root, _, names in os.walk(prefix):
        for n in names:
            files += 1
            size += os.lstat(os.path.join(root, n)).st_size
    tops = sorted(os.listdir(prefix))
    print(f"installed: {files} files, {size / 1e6:.1f} MB in {', '.join(tops)}", flush=True)


def check_find_package(b: Build, tmp: str) -> None:
    staged, prefix = os.path.join(tmp, "staged"), os.path.join(tmp, "moved", "prefix")
    b.install(staged)
    os.makedirs(os.path.dirname(prefix))
    os.rename(staged, prefix)  # nothing may remember where it was installed
    tree_summary(prefix)
    for path in ("bin/shmcheck", "libexec/shmcheck/shmcheck_mutant", "libexec/shmcheck/shmcheck_boost_driver",
                 "libexec/shmcheck/shmcheck_audit_probe", "share/shmcheck/spec/clauses.json",
                 "share/shmcheck/drivers/python/driver.py", "share/shmcheck/reports/__main__.py",
                 "include/shmcheck/version.hpp", "include/shmcheck/harness/in_process.hpp",
                 f"{b.libdir}/cmake/shmcheck/shmcheckConfig.cmake", f"{b.libdir}/pkgconfig/shmcheck-ref.pc"):
        check(os.path.exists(os.path.join(prefix, path)), f"installed: {path}")
    check(not os.path.exists(os.path.join(prefix, "share/shmcheck/reports/tests")), "the reports' tests are not installed")

    folder, configured = b.consumer(tmp, "consumer", f"-DCMAKE_PREFIX_PATH={prefix}")
    where, implementation = found_at(configured)
    check(os.path.realpath(where) == os.path.realpath(os.path.join(prefix, b.libdir, "cmake", "shmcheck")),
          f"find_package(shmcheck) found the installed tree ({where})")
    check(implementation == "TRUE", "the installed tree has the component implementation")
    run_consumer(os.path.join(folder, "consumer"))
    run_consumer(os.path.join(folder, "adapter"))

    # The installed command line, with its own programs and data.
    shmcheck = os.path.join(prefix, "bin", "shmcheck")
    listed = run([shmcheck, "list", "impls", "--impl", "boost", "--impl", "mutant:all", "--impl", "python:/usr/bin/python3"],
                 env=clean_env())
    check("shmcheck-mutant" in listed and "cpython" in listed, "installed shmcheck starts its drivers (list impls)")
    results = os.path.join(tmp, "results.json")
    out = run([shmcheck, "run", "--impl", "ref", "--impl", "boost", "--suite", "spec", "--json", results], env=clean_env())
    print("\n".join(line for line in out.splitlines() if "suite on" in line), flush=True)
    cases = {r["case"] for r in json.load(open(results, encoding="utf-8"))["results"]}
    clauses_path = os.path.join(prefix, "share", "shmcheck", "spec", "clauses.json")
    with open(clauses_path, encoding="utf-8") as f:
        clauses = json.load(f)
    dropped = clauses["cases"].pop(0)["id"]
    check(dropped in cases, f"the spec suite ran clause {dropped}")
    with open(clauses_path, "w", encoding="utf-8") as f:
        json.dump(clauses, f)
    run([shmcheck, "run", "--impl", "ref", "--suite", "spec", "--json", results], env=clean_env())
    cases = {r["case"] for r in json.load(open(results, encoding="utf-8"))["results"]}
    check(dropped not in cases, f"with {dropped} removed from the installed clauses.json, it is not run: "
                                "installed shmcheck reads the installed data")

    # The build tree is a package too (export()): shmcheck::ref, without the implementation.
    folder, configured = b.consumer(tmp, "consumer-of-build-tree", f"-Dshmcheck_DIR={b.build}")
    where, implementation = found_at(configured)
    check(os.path.realpath(where) == os.path.realpath(b.build), f"find_package(shmcheck) found the build tree ({where})")
    run_consumer(os.path.join(folder, "consumer"))


def check_pkg_config(b: Build, tmp: str) -> None:
    pkg_config = shutil.which("pkg-config")
    if not pkg_config:
        raise Unsupported("pkg-config is not installed (Debian: pkgconf, which ci/setup-deps installs)")
    prefix = os.path.join(tmp, "prefix")
    b.install(prefix)
    env = clean_env()
    env["PKG_CONFIG_PATH"] = os.path.join(prefix, b.libdir, "pkgconfig")
    version = run([pkg_config, "--modversion", "shmcheck-ref"], env=env).strip()
    check(version == b.version, f"pkg-config --modversion shmcheck-ref: {version} (the project's {b.version})")
    flags = run([pkg_config, "--cflags", "--libs", "shmcheck-ref"], env=env).split()
    print("pkg-config --cflags --libs shmcheck-ref: " + " ".join(flags), flush=True)
    check("-pthread" in flags, "the flags link the threads library (-pthread)")
    program = os.path.join(tmp, "consumer")
    run([b.cxx, "-std=c++20", os.path.join(b.source, "examples", "consumer", "main.cpp"), *flags, "-o", program], env=env)
    run_consumer(program)


def check_library_only(b: Build, tmp: str) -> None:
    build, prefix, nowhere = (os.path.join(tmp, d) for d in ("build", "prefix", "nowhere"))
    os.makedirs(nowhere)
    out = run(["cmake", "-S", b.source, "-B", build, *b.generator, f"-DCMAKE_CXX_COMPILER={b.cxx}",
               "-DSHMCHECK_LIBRARY_ONLY=ON", "-DSHMCHECK_WERROR=ON",
               # Packages, headers and libraries are looked for in an empty folder only: a
               # find_package(... REQUIRED) of anything but Threads (a compile test) fails here.
               f"-DCMAKE_FIND_ROOT_PATH={nowhere}", "-DCMAKE_FIND_ROOT_PATH_MODE_PACKAGE=ONLY",
               "-DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY", "-DCMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY"],
              env=clean_env())
    # Every lookup leaves a cache entry (GTest_DIR, Boost_INCLUDE_DIR, SHMCHECK_TEST_PYTHON ...).
    with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as f:
        keys = [line.split(":", 1)[0] for line in f if re.match(r"^[A-Za-z_0-9]+:", line)]
    looked_up = [k for k in keys if re.search(r"gtest|rapidcheck|benchmark|boost|nlohmann|cli11|fmt|python|pyenv", k, re.I)]
    check(not looked_up, f"the library-only configure looked up no other dependency ({looked_up or 'no cache entry'})")
    print("its configure said: " + " | ".join(line[3:] for line in out.splitlines() if line.startswith("-- ")
                                             and not line.startswith(("-- Detecting", "-- Check for working"))), flush=True)
    run(["cmake", "--build", build, "-j2"], env=clean_env())
    run(["cmake", "--install", build, "--prefix", prefix])
    tree_summary(prefix)
    check(os.path.exists(os.path.join(prefix, b.libdir, "libshmcheck_ref.a")), "installed: the reference library")
    for absent in ("bin", "libexec", "share/shmcheck", "include/shmcheck/protocol", "include/shmcheck/harness",
                   f"{b.libdir}/cmake/shmcheck/shmcheckImplementationTargets.cmake"):
        check(not os.path.exists(os.path.join(prefix, absent)), f"not installed: {absent}")

    folder, configured = b.consumer(tmp, "consumer", f"-DCMAKE_PREFIX_PATH={prefix}")
    where, implementation = found_at(configured)
    check(os.path.realpath(where) == os.path.realpath(os.path.join(prefix, b.libdir, "cmake", "shmcheck")),
          f"find_package(shmcheck) found the library-only tree ({where})")
    check(implementation == "FALSE" and not os.path.exists(os.path.join(folder, "adapter")),
          "no component implementation, no adapter built")
    run_consumer(os.path.join(folder, "consumer"))

    # A project that needs the implementation component is told it is not there.
    project = os.path.join(tmp, "needs-implementation")
    os.makedirs(project)
    with open(os.path.join(project, "CMakeLists.txt"), "w", encoding="utf-8") as f:
        f.write("cmake_minimum_required(VERSION 3.25)\nproject(needs LANGUAGES CXX)\n"
                "find_package(shmcheck CONFIG REQUIRED COMPONENTS implementation)\n")
    # The same generator as the other configures: a root without make (a fresh Debian with
    # ci/setup-deps' packages) stops the default one before find_package is reached.
    p = subprocess.run(["cmake", "-S", project, "-B", os.path.join(project, "build"), *b.generator, f"-DCMAKE_PREFIX_PATH={prefix}"],
                       env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    check(p.returncode != 0 and "no component implementation" in " ".join(p.stdout.split()),  # CMake wraps it
          "find_package(shmcheck COMPONENTS implementation REQUIRED) fails, saying why")


CHECKS = {"find-package": check_find_package, "pkg-config": check_pkg_config, "library-only": check_library_only}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, help="the source tree")
    parser.add_argument("--build", required=True, help="its configured and built build tree")
    parser.add_argument("check", choices=sorted(CHECKS))
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        b = Build(os.path.abspath(args.source), os.path.abspath(args.build))
        with tempfile.TemporaryDirectory(prefix=f"shmcheck-package-{args.check}-") as tmp:
            CHECKS[args.check](b, tmp)
    except Unsupported as e:
        print(f"unsupported: {e}")
        return EXIT_UNSUPPORTED
    except Failure as e:
        print(f"FAILED: {e}")
        return 1
    print(f"package {args.check}: passed ({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

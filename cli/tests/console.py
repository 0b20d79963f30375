#!/usr/bin/env python3
"""What shmcheck shows a person and a CI log (issue 15).

- On a terminal (a pty made by util-linux `script`): one progress line redrawn per case,
  "k/N suite impl case  elapsed m:ss ~m:ss left", and verdict words in colour; none with
  NO_COLOR=1 or --color never.
- Not on a terminal: a plain line per finished case on stderr, "[k/N] verdict suite impl case
  0.00s", no escape sequence; stdout as it was (no progress in it); --color always colours.
- --json -: stdout is the results document alone (the human output is on stderr), and no
  file named '-' is made; --list --json - of properties, stress and audit is JSON too.

usage: console.py SHMCHECK
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

SGR = re.compile(r"\x1b\[[0-9;]*m")
SPEC = ["run", "--impl", "ref", "--impl", "mutant:index_off_by_one", "--suite", "spec", "--seed", "1"]


def env_without_no_color(**extra):
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(extra)
    return env


def on_terminal(shmcheck, args, env):
    """Everything the command wrote to its terminal (stdout and stderr, through one pty)."""
    cmd = " ".join(shlex.quote(a) for a in [shmcheck] + args)
    p = subprocess.run(["script", "-qec", cmd, "/dev/null"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env)
    return p.returncode, p.stdout.decode(errors="replace")


def check_terminal(shmcheck, problems):
    rc, out = on_terminal(shmcheck, SPEC, env_without_no_color())
    if rc != 1:
        problems.append("on a terminal: exit %d, not 1 (the mutant fails)" % rc)
    lines = re.findall(r"\r\x1b\[K(\d+)/(\d+) spec (\S+) \S*  elapsed (\d+:\d\d)( ~\d+:\d\d left)?", out)
    if not lines:
        problems.append("on a terminal: no progress line 'k/N spec impl case  elapsed m:ss':\n%r" % out[:1500])
    else:
        counts = {int(k) for k, n, _, _, _ in lines}
        totals = {int(n) for _, n, _, _, _ in lines}
        if len(totals) != 1 or counts != set(range(1, max(totals) + 1)):
            problems.append("on a terminal: the progress counts %s of %s are not 1..N" % (sorted(counts)[:5], totals))
        if not any(left for *_, left in lines):
            problems.append("on a terminal: no line says what is left (~m:ss left)")
    for color, what in (("\x1b[32m", "pass in green"), ("\x1b[31m", "fail in red")):
        if color not in out:
            problems.append("on a terminal: no %s:\n%r" % (what, out[-1500:]))
    if re.search(r"^\[\d+/\d+\] ", out, re.M):
        problems.append("on a terminal: the plain per-case lines are printed too")
    for label, env, extra in (("NO_COLOR=1", env_without_no_color(NO_COLOR="1"), []),
                              ("--color never", env_without_no_color(), ["--color", "never"])):
        rc, out = on_terminal(shmcheck, SPEC + extra, env)
        if SGR.search(out):
            problems.append("on a terminal with %s: colour codes: %r" % (label, SGR.findall(out)[:3]))
        if not re.search(r"\r\x1b\[K\d+/\d+ spec ", out):
            problems.append("on a terminal with %s: no progress line" % label)


def check_piped(shmcheck, problems):
    p = subprocess.run([shmcheck] + SPEC, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                       env=env_without_no_color())
    plain = re.findall(r"^\[(\d+)/(\d+)\] (pass|fail) spec (\S+) (\S+) \d+\.\d\ds$", p.stderr, re.M)
    if not plain or len(plain) != int(plain[0][1]) or [int(k) for k, *_ in plain] != list(range(1, len(plain) + 1)):
        problems.append("piped: not one plain line [k/N] per case on stderr:\n%s" % p.stderr[:1500])
    elif ("fail", "mutant:index_off_by_one", "index-past-end") not in {(v, i, c) for _, _, v, i, c in plain}:
        problems.append("piped: no line says the mutant's index-past-end failed")
    if "\x1b" in p.stdout + p.stderr:
        problems.append("piped: an escape sequence: %r" % (p.stdout + p.stderr)[:500])
    if re.search(r"^\[\d+", p.stdout, re.M) or "spec suite on ref: 101 pass" not in p.stdout:
        problems.append("piped: stdout is not as it was (summary, no progress):\n%s" % p.stdout[-1500:])
    p = subprocess.run([shmcheck] + SPEC + ["--color", "always"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, env=env_without_no_color(NO_COLOR="1"))
    if "\x1b[32mpass\x1b[0m spec ref" not in p.stderr or "\x1b[31mfail\x1b[0m" not in p.stdout:
        problems.append("piped with --color always (over NO_COLOR): verdicts not coloured:\n%r" % (p.stdout[-500:] + p.stderr[:500]))


def check_json_stdout(shmcheck, problems):
    with tempfile.TemporaryDirectory() as cwd:
        p = subprocess.run([shmcheck, "run", "--impl", "ref", "--suite", "spec", "--seed", "2", "--json", "-"], cwd=cwd,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        try:
            doc = json.loads(p.stdout)
            if p.returncode != 0 or len(doc["results"]) != 101 or doc["run"]["duration_seconds"] is None:
                problems.append("--json -: exit %d, %d results" % (p.returncode, len(doc["results"])))
        except ValueError as e:
            problems.append("--json -: stdout is not JSON (%s):\n%s" % (e, p.stdout[:500]))
        if "spec suite on ref: 101 pass" not in p.stderr or not p.stderr.startswith("shmcheck "):
            problems.append("--json -: the human output is not on stderr:\n%s" % p.stderr[-500:])
        if os.listdir(cwd):
            problems.append("--json -: it made %s" % os.listdir(cwd))
        for args, key in ((["properties", "--list"], "id"), (["stress", "--list"], "claim"), (["audit", "--list"], "abi")):
            p = subprocess.run([shmcheck] + args + ["--json", "-"], cwd=cwd, stdout=subprocess.PIPE, universal_newlines=True)
            try:
                listed = json.loads(p.stdout)
                if p.returncode != 0 or not listed or key not in listed[0]:
                    problems.append("%s --json -: exit %d, %r" % (" ".join(args), p.returncode, listed[:1]))
            except ValueError as e:
                problems.append("%s --json -: not JSON (%s): %s" % (" ".join(args), e, p.stdout[:300]))
        if os.listdir(cwd):
            problems.append("--list --json -: it made %s" % os.listdir(cwd))


def main():
    shmcheck = os.path.abspath(sys.argv[1])
    problems = []
    check_piped(shmcheck, problems)
    check_json_stdout(shmcheck, problems)
    if shutil.which("script"):
        check_terminal(shmcheck, problems)
    for p in problems:
        print("problem:", p)
    if not shutil.which("script"):
        # The rest ran; the terminal's part needs a pty.
        print("unsupported: util-linux `script` is not installed (bsdutils), so the terminal's progress was not checked")
        return 1 if problems else 77
    print("console: %d problems" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""The Python driver starts its exec children through SHMCHECK_EXEC_WRAPPER (emulation.py).

    python_exec_wrapper.py DRIVER_PY PYTHON
    python_exec_wrapper.py DRIVER_PY --foreign QEMU ROOT

The first: PYTHON runs the driver with a wrapper that logs each process it starts, for
spawn and forkserver; a child request, the lifetime-exec scenario and the resource tracker
must all go through it (the log), the driver must leave no script behind, and without the
wrapper the log must stay empty (so the check can fail). The second: ROOT's python3 under
QEMU (a root of ci/foreign-roots) must answer a spawn child and lifetime-exec, which it cannot
without the wrapper (the kernel refuses to exec the foreign binary). Exit 0 when all holds,
1 with what did not, 77 (skipped) when --foreign names a root or emulator that is not here.
Standard library only.
"""
from __future__ import print_function

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile


def quote(s):
    return "'" + s.replace("'", "'\"'\"'") + "'"


def session(argv, env, requests, timeout):
    """Runs one driver session; returns its responses by id."""
    lines = ''.join(json.dumps(dict(r, id=i + 1)) + '\n' for i, r in enumerate(requests))
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env, universal_newlines=True)
    out, err = p.communicate(lines, timeout=timeout)
    got = {}
    for line in out.splitlines():
        r = json.loads(line)
        got[r['id']] = r
    return got, err, p.returncode


REQUESTS = [
    {'op': 'hello', 'protocol': 1},
    {'op': 'create', 'shape': 'value', 'tc': 'i', 'init': 41, 'as': 'v'},
    {'op': 'child', 'ops': [{'op': 'value', 'obj': 'v'}], 'timeout': 60},
    {'op': 'stress', 'scenario': 'lifetime-exec', 'params': {'timeout': 60}},
    {'op': 'bye'},
]


def check(got, problems, what):
    child = got.get(3, {}).get('result', {}).get('outcomes', [{}])[0]
    if child.get('result') != 41:
        problems.append('%s: the child did not read 41: %s' % (what, json.dumps(got.get(3))[:400]))
    exec_read = got.get(4, {}).get('result', {}).get('read')
    if exec_read != [7, 8, 9, -1]:
        problems.append('%s: lifetime-exec read %s, not [7, 8, 9, -1]' % (what, json.dumps(got.get(4))[:400]))


def host(python, driver, problems):
    scratch = tempfile.mkdtemp(prefix='shmcheck-exec-wrapper-test-')
    try:
        log = os.path.join(scratch, 'log')
        # A wrapper in the harness's form, shell words: it logs, then execs what follows it.
        wrapper = 'sh -c %s sh' % quote('echo "$$ $*" >>%s; exec "$@"' % quote(log))
        before = set(glob.glob(os.path.join(tempfile.gettempdir(), 'shmcheck-py-exec-*')))
        for method in ('spawn', 'forkserver'):
            env = dict(os.environ, SHMCHECK_EXEC_WRAPPER=wrapper)
            got, err, code = session([python, driver, '--start-method', method], env, REQUESTS, 120)
            check(got, problems, method + ' with the wrapper')
            lines = open(log).read().splitlines() if os.path.exists(log) else []
            # spawn: the child, lifetime-exec's reader, the resource tracker; forkserver adds
            # the server and starts its children by fork (lifetime-exec's reader is spawn).
            if len(lines) < 3:
                problems.append('%s: %d processes went through the wrapper, not 3 or more: %s\n%s'
                                % (method, len(lines), lines, err[-2000:]))
            if not all(python in l for l in lines):
                problems.append('%s: the wrapper did not get the interpreter: %s' % (method, lines))
            if code != 0:
                problems.append('%s: the driver exited %s\n%s' % (method, code, err[-2000:]))
            if os.path.exists(log):
                os.remove(log)
        left = set(glob.glob(os.path.join(tempfile.gettempdir(), 'shmcheck-py-exec-*'))) - before
        if left:
            problems.append('the driver left %s behind' % sorted(left))
        env = dict(os.environ)
        env.pop('SHMCHECK_EXEC_WRAPPER', None)
        got, err, code = session([python, driver, '--start-method', 'spawn'], env, REQUESTS, 120)
        check(got, problems, 'spawn without the wrapper')
        if os.path.exists(log):
            problems.append('without SHMCHECK_EXEC_WRAPPER something went through the wrapper anyway')
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def foreign(qemu, root, driver, problems):
    python = os.path.join(root, 'usr/bin/python3')
    if not os.path.exists(python) or not shutil.which(qemu):
        print('skipped: no %s or no %s (ci/foreign-roots makes the root)' % (python, qemu))
        return 77
    wrapper = '%s -L %s' % (quote(qemu), quote(root))
    env = dict(os.environ, SHMCHECK_EXEC_WRAPPER=wrapper)
    got, err, code = session([qemu, '-L', root, python, driver, '--start-method', 'spawn'], env, REQUESTS, 300)
    check(got, problems, '%s spawn' % qemu)
    if code != 0:
        problems.append('%s: the driver exited %s\n%s' % (qemu, code, err[-2000:]))
    # Without the wrapper the same child cannot start: the kernel does not run the foreign
    # binary (no binfmt_misc), which is why the wrapper exists.
    env.pop('SHMCHECK_EXEC_WRAPPER')
    got, err, code = session([qemu, '-L', root, python, driver, '--start-method', 'spawn'], env,
                             REQUESTS[:3] + REQUESTS[4:], 300)
    outcome = got.get(3, {}).get('result', {}).get('outcomes', [{}])[0]
    if outcome.get('ok', True):
        problems.append('%s without the wrapper: a spawn child ran anyway (%s): is binfmt_misc mounted?'
                        % (qemu, json.dumps(got.get(3))[:300]))
    return 0


def main(argv):
    problems = []
    if len(argv) == 2:
        host(argv[1], os.path.abspath(argv[0]), problems)
        status = 0
    elif len(argv) == 4 and argv[1] == '--foreign':
        status = foreign(argv[2], os.path.abspath(argv[3]), os.path.abspath(argv[0]), problems)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print('FAIL', p)
    if not problems and status == 0:
        print('pass')
    return 1 if problems else status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

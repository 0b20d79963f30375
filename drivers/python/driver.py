#!/usr/bin/env python
"""shmcheck driver for Python's multiprocessing.sharedctypes and the modules that offer its
API (driver protocol version 1).

    PYTHON drivers/python/driver.py [--module NAME] [--start-method fork|spawn|forkserver]
                                    [--child-timeout S]

--module names the module under test: multiprocessing (the default), billiard, multiprocess,
or any module with the same API and a NAME.sharedctypes. PYTHON may be CPython or PyPy.
Speaks protocol/PROTOCOL.md on stdin/stdout. Standard library only; CPython 2.7 and 3.6+.
Nothing but response lines ever reaches the real stdout: the driver keeps a private copy of
that descriptor and points descriptor 1 (and sys.stdout) at stderr, so stray prints and the
children it starts (spawn, forkserver, resource tracker) write to stderr.
"""
from __future__ import print_function, division

import argparse
import collections
import json
import os
import sys

sys.dont_write_bytecode = True  # no .pyc files next to the sources (2.7 writes them there)


def _write_all(fd, data):
    while data:
        n = os.write(fd, data)
        data = data[n:]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--module', default='multiprocessing',
                        help='the module under test (default: multiprocessing)')
    parser.add_argument('--start-method', default='fork',
                        help='start method for objects and children (default: fork)')
    parser.add_argument('--child-timeout', type=float, default=8.0,
                        help='seconds a child may take before it is killed (default: 8, '
                             'below shmcheck\'s default 10 s request deadline)')
    args = parser.parse_args(argv)
    # Before anything imports the module under test (under_test.py), and inherited by every
    # process the session starts.
    os.environ['SHMCHECK_MP_MODULE'] = args.module
    # Under an emulator, children started by exec go through a script the driver makes now
    # (emulation.py says why) and removes when it ends, however it ends.
    import emulation
    remove_exec_script = emulation.start()
    try:
        return _serve(args)
    finally:
        remove_exec_script()


def _serve(args):
    # Imported here so that a spawn child re-importing this file as __mp_main__ does nothing.
    try:
        import session
    except ImportError as exc:
        sys.stderr.write('driver.py: cannot import the module under test %r: %s\n' % (args.module, exc))
        return 2
    from items import ProtocolError, is_int, error_outcome, dumps
    if args.start_method not in session.start_methods():
        sys.stderr.write('driver.py: start method %r is not available; have %s\n'
                         % (args.start_method, ', '.join(session.start_methods())))
        return 2

    proto_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    session.PROTO_FD = proto_fd
    stdin = getattr(sys.stdin, 'buffer', sys.stdin)

    sess = session.Session(args.start_method, args.child_timeout)

    def respond(rid, outcome):
        resp = collections.OrderedDict([('id', rid)])  # "id" first, also on 2.7
        for key in ('ok', 'result', 'error', 'exit'):
            if key in outcome:
                resp[key] = outcome[key]
        try:
            text = dumps(resp)
        except Exception as exc:
            text = dumps(dict({'id': rid}, **error_outcome(
                ProtocolError('driver could not encode its response: %s' % exc))))
        _write_all(proto_fd, (text + '\n').encode('utf-8'))

    while True:
        line = stdin.readline()
        if not line:
            return 0  # EOF
        if not line.strip():
            continue
        try:
            req = json.loads(line.decode('utf-8'))
        except Exception as exc:
            respond(None, error_outcome(ProtocolError('invalid JSON: %s' % exc)))
            continue
        if not isinstance(req, dict):
            respond(None, error_outcome(ProtocolError('a request must be a JSON object')))
            continue
        rid = req.get('id')
        if not (is_int(rid) and rid >= 0):
            respond(None, error_outcome(ProtocolError('"id" must be a non-negative integer')))
            continue
        outcome = sess.run(req)
        respond(rid, outcome)
        if req.get('op') == 'bye' and outcome.get('ok'):
            return 0


if __name__ == '__main__':
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    except EnvironmentError as exc:  # e.g. shmcheck closed our stdout
        sys.stderr.write('driver.py: %s\n' % exc)
        code = 1
    sys.exit(code)

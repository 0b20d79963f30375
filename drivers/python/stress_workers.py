"""The workers of the stress scenarios (protocol/PROTOCOL.md section 4.5): CPython's own
multiprocessing processes, started with the session's start method.

Each worker is a top-level function, so that spawn and forkserver children can import it.
Objects go to workers as Process arguments (the only way sharedctypes allows, doc 5.6); a
worker sends what it saw through a Pipe. Workers wait at a start barrier so that they
overlap. Nothing here judges: the scenarios answer observations.

Standard library only; CPython 2.7 and 3.6+.
"""
from __future__ import print_function, division

import os
import signal
import time

from under_test import multiprocessing

HAVE_CTX = hasattr(multiprocessing, 'get_context')
_now = getattr(time, 'monotonic', time.time)


def _ns():
    if hasattr(time, 'monotonic_ns'):
        return time.monotonic_ns()  # CLOCK_MONOTONIC, as the C++ drivers
    return int(_now() * 1e9)


class Runner(object):
    """Starts workers with a start method and collects what they send."""

    def __init__(self, ctx, params):
        self.ctx = ctx
        self.pin = bool(params.get('pin', False))
        self.deadline = _now() + float(params.get('timeout', 60))
        self.arrived = ctx.Value('i', 0)
        self.go = ctx.Event()
        self.workers = []  # (process, reader)
        self.barrier_workers = 0
        self.released = None

    def start(self, target, args, barrier=True, daemon=True):
        reader, writer = self.ctx.Pipe(duplex=False)
        index = len(self.workers)
        gate = (self.arrived, self.go) if barrier else None
        p = self.ctx.Process(target=_worker, args=(target, index, self.pin, gate, writer) + tuple(args))
        p.daemon = daemon  # a worker that starts processes of its own cannot be a daemon
        p.start()
        writer.close()
        self.workers.append((p, reader))
        self.barrier_workers += 1 if barrier else 0
        return p

    def release(self):
        while self.arrived.value < self.barrier_workers:
            if _now() > self.deadline:
                return False
            time.sleep(0.0005)
        self.released = _now()
        self.go.set()
        return True

    def wait(self):
        """Joins every worker until the deadline, then kills the rest. True if all ended."""
        finished = True
        for p, _ in self.workers:
            p.join(max(0.0, self.deadline - _now()))
            if p.exitcode is None:
                finished = False
                _kill(p)
        self.seconds = _now() - self.released if self.released is not None else 0.0
        return finished

    def results(self):
        out = []
        for p, reader in self.workers:
            got = None
            try:
                if reader.poll(0):
                    got = reader.recv()
            except (EOFError, OSError, IOError):
                got = None
            reader.close()
            out.append(got)
        return out

    def exits(self):
        return [{'exit': (p.exitcode if p.exitcode is None or p.exitcode >= 0 else 128 - p.exitcode)} for p, _ in self.workers]


def _kill(p):
    try:
        os.kill(p.pid, signal.SIGKILL)
    except OSError:
        pass
    p.join()


def _worker(target, index, pin, gate, writer, *args):
    if pin and hasattr(os, 'sched_setaffinity'):
        os.sched_setaffinity(0, [index % (os.cpu_count() or 1)])
    if gate is not None:
        arrived, go = gate
        with arrived.get_lock():
            arrived.value += 1
        go.wait()
    writer.send(target(index, *args))
    writer.close()


def _ctx_kw(ctx):
    return {'ctx': ctx} if HAVE_CTX else {}

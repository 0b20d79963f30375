"""The stress scenarios (stress/SCENARIOS.md) run by CPython's own multiprocessing workers.

Each worker is a top-level function, so that spawn and forkserver children can import it.
Objects go to workers as Process arguments (the only way sharedctypes allows, doc 5.6); a
worker sends what it saw through a Pipe. Workers wait at a start barrier so that they
overlap. Nothing here judges: run() answers observations.
Standard library only; CPython 2.7 and 3.6+.
"""
from __future__ import print_function, division

import os
import signal
import time

import multiprocessing
import multiprocessing.sharedctypes as sharedctypes

from items import ProtocolError, Unsupported, encode

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
        self.seconds = _now() - (self.released or _now())
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


# -- counter ------------------------------------------------------------------------------

def _count(index, obj, mode, is_value, ops, beat, history_every):
    lock = obj.get_lock() if mode != 'raw' else None
    history = []
    for i in range(ops):
        sample = history_every and i % history_every == 0
        t0 = _ns() if sample else 0
        if mode == 'held':
            with lock:
                if is_value:
                    v = obj.value + 1
                    obj.value = v
                else:
                    v = obj[0] + 1
                    obj[0] = v
        else:  # raw and per-op: two accesses, CPython's `+= 1`
            if is_value:
                obj.value += 1
            else:
                obj[0] += 1
            v = 0
        if sample:
            history.append([index, i, t0, _ns(), v])
        if beat is not None:
            obj[beat] = i + 1
    return history


def counter(ctx, params):
    mode = params.get('mode', 'held')
    if mode == 'atomic':
        raise Unsupported('CPython has no lock-free fetch-and-add on sharedctypes objects')
    if mode not in ('raw', 'per-op', 'held'):
        raise ProtocolError('counter: unknown mode %r' % mode)
    is_value = params.get('shape', 'value') == 'value'
    procs, ops = int(params.get('procs', 2)), int(params.get('ops', 10000))
    tc = str(params.get('tc', 'i'))
    if tc not in sharedctypes.typecode_to_type:
        raise Unsupported('typecode %r is not available here' % tc)
    history_every = int(params.get('history_every', 0)) if mode == 'held' else 0
    size = sharedctypes.ctypes.sizeof(sharedctypes.typecode_to_type[tc])
    stride = max(1, 64 // size) if params.get('spacing', 'packed') == 'padded' else 1
    kw = {'ctx': ctx} if HAVE_CTX else {}
    if is_value:
        obj = sharedctypes.RawValue(tc) if mode == 'raw' else sharedctypes.Value(tc, **kw)
    else:
        n = (procs + 1) * stride
        obj = sharedctypes.RawArray(tc, n) if mode == 'raw' else sharedctypes.Array(tc, n, **kw)
    run = Runner(ctx, params)
    for w in range(procs):
        run.start(_count, (obj, mode, is_value, ops, None if is_value else (w + 1) * stride, history_every))
    finished = run.release() and run.wait()
    raw = obj if mode == 'raw' else obj.get_obj()  # a killed worker may hold the lock
    out = {'expected': procs * ops, 'observed': encode(raw.value if is_value else raw[0]),
           'seconds': run.seconds, 'finished': finished, 'workers': run.exits()}
    if not is_value:
        out['heartbeats'] = [raw[(w + 1) * stride] for w in range(procs)]
    histories = run.results()
    if history_every:
        out['history'] = [rec for h in histories if h for rec in h]
    return out


# -- torn ---------------------------------------------------------------------------------

def _write_patterns(index, obj, slice_, a, b, writes, done, reads, min_reads, deadline):
    # Goes on until every reader has read min_reads times, so that reads overlap writes.
    i = 0
    while i < writes or (min(reads[:]) < min_reads and _now() < deadline):
        i += 1
        if slice_:
            obj[:] = a if i % 2 else b
        else:
            obj.value = a if i % 2 else b
    if slice_:
        obj[:] = a
    else:
        obj.value = a
    done.value = 1
    return None


def _read_patterns(index, obj, slice_, a, b, done, counts):
    reads, torn, examples = 0, 0, []
    while not done.value:
        v = obj[:] if slice_ else obj.value
        reads += 1
        counts[index - 1] = reads
        if v != a and v != b:
            torn += 1
            if len(examples) < 5:
                examples.append([encode(x) for x in v] if slice_ else encode(v))
    return [reads, torn, examples]


def torn(ctx, params):
    target = params.get('target', 'q')
    locked = bool(params.get('locked', True))
    readers, writes, k = int(params.get('readers', 1)), int(params.get('writes', 20000)), int(params.get('k', 64))
    patterns = {'q': (0, -1), 'Q': (0, 2 ** 64 - 1), 'd': (1.0, 3.141592653589793)}
    if target == 'slice':
        tc, a, b = 'i', [0] * k, [-1] * k
    elif target in patterns:
        tc = target
        a, b = patterns[target]
    else:
        raise ProtocolError('torn: target is q, Q, d or slice')
    if tc not in sharedctypes.typecode_to_type:
        raise Unsupported('typecode %r is not available here' % tc)
    kw = {'ctx': ctx} if HAVE_CTX else {}
    slice_ = target == 'slice'
    if slice_:
        obj = sharedctypes.Array(tc, a, **kw) if locked else sharedctypes.RawArray(tc, a)
    else:
        obj = sharedctypes.Value(tc, a, **kw) if locked else sharedctypes.RawValue(tc, a)
    done = sharedctypes.RawValue('i', 0)
    counts = sharedctypes.RawArray('l', readers)
    run = Runner(ctx, params)
    run.start(_write_patterns, (obj, slice_, a, b, writes, done, counts, int(params.get('min_reads', 1000)), run.deadline))
    for _ in range(readers):
        run.start(_read_patterns, (obj, slice_, a, b, done, counts))
    finished = run.release() and run.wait()
    got = [r for r in run.results()[1:] if r]
    examples = [e for r in got for e in r[2]][:5]
    return {'writes': writes, 'reads': sum(r[0] for r in got), 'torn': sum(r[1] for r in got), 'examples': examples,
            'seconds': run.seconds, 'finished': finished, 'workers': run.exits()}

"""counter: P workers x N increments of a Value or an Array element, in one of the modes.

Standard library only; CPython 2.7 and 3.6+.
"""
from __future__ import print_function, division

from under_test import sharedctypes

from items import ProtocolError, Unsupported, encode
from stress_workers import HAVE_CTX, Runner, _ns


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
        raise Unsupported('multiprocessing.sharedctypes has no lock-free fetch-and-add')
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
    released = run.release()  # then wait() in any case: it kills the workers that never arrived
    finished = run.wait() and released
    raw = obj if mode == 'raw' else obj.get_obj()  # a killed worker may hold the lock
    out = {'expected': procs * ops, 'observed': encode(raw.value if is_value else raw[0]),
           'seconds': run.seconds, 'finished': finished, 'workers': run.exits()}
    if not is_value:
        out['heartbeats'] = [raw[(w + 1) * stride] for w in range(procs)]
    histories = run.results()
    if history_every:
        out['history'] = [rec for h in histories if h for rec in h]
    return out

"""owner-death: the lock's owner is SIGKILLed while it holds the lock; do the others get it?

Standard library only; CPython 2.7 and 3.6+.
"""
from __future__ import print_function, division

import time

from under_test import sharedctypes

from stress_workers import Runner, _now, _kill, _ctx_kw


def _hold_forever(index, v, holding):
    v.get_lock().acquire()
    v.value = 1
    holding.value = 1
    while True:
        time.sleep(1)


def _wait_for_lock(index, v, bound):
    t0 = _now()
    got = v.get_lock().acquire(True, bound)
    seconds = _now() - t0
    if got:
        v.get_lock().release()
    return [got, seconds]


def owner_death(ctx, params):
    waiters, bound = int(params.get('waiters', 1)), float(params.get('bound', 2.0))
    params = dict(params, timeout=params.get('timeout', bound + 30))
    v = sharedctypes.Value('i', 0, **_ctx_kw(ctx))
    holding = sharedctypes.RawValue('i', 0)
    run = Runner(ctx, params)
    owner = run.start(_hold_forever, (v, holding), barrier=False)
    killed = False
    while _now() < run.deadline and not killed:
        if holding.value:
            _kill(owner)
            killed = True
        else:
            time.sleep(0.001)
    for _ in range(waiters):
        run.start(_wait_for_lock, (v, bound))
    released = run.release()  # then wait() in any case: it kills the workers that never arrived
    finished = run.wait() and released
    got = run.results()[1:]
    exits = run.exits()[1:]
    return {'killed': killed, 'bound': bound, 'finished': finished, 'recoveries': None,
            'value': v.get_obj().value,
            'waiters': [{'acquired': bool(g and g[0]), 'seconds': g[1] if g else None, 'exit': e['exit']}
                        for g, e in zip(got, exits)]}

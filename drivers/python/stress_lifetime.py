"""lifetime: leaks over many cycles, a child that outlives its creator, a child started by exec.

Standard library only; CPython 2.7 and 3.6+.
"""
from __future__ import print_function, division

import gc
import os
import time

from under_test import multiprocessing, sharedctypes

from items import Unsupported
from stress_workers import HAVE_CTX, Runner, _now, _ctx_kw


def _counts():
    # Shared mappings only (permissions 'rw-s'): what a leaked block leaves; pymalloc's and
    # PyPy's private arenas grow by a mapping at a time whatever the module under test does.
    with open('/proc/self/maps') as f:
        maps = sum(1 for line in f if line.split(' ', 2)[1][3:4] == 's')
    shm = sorted(os.listdir('/dev/shm')) if os.path.isdir('/dev/shm') else []
    return {'fds': len(os.listdir('/proc/self/fd')), 'maps': maps, 'dev_shm': shm}


def _census(after):
    """The census after a collection, and what it counted before it (`uncollected`): on PyPy
    a dropped object's memory comes back only when the collector runs."""
    uncollected = _counts()
    gc.collect()
    out = _counts()
    out['after'] = after
    out['uncollected'] = uncollected
    return out


def lifetime_cycles(ctx, params):
    cycles, warmup = int(params.get('cycles', 10000)), int(params.get('warmup', 1000))
    shape, locked, size = params.get('shape', 'array'), params.get('lock', 'own') != 'none', int(params.get('size', 16))
    deadline = _now() + float(params.get('timeout', 120))
    kw = _ctx_kw(ctx)
    # A census after the warm-up and after each of `windows` equal parts of the rest: with a
    # collector, what the allocator keeps depends on when it ran, and only growth in every
    # window is a leak (shmcheck judges it).
    windows = max(1, int(params.get('windows', 4)))
    marks = set([warmup] + [warmup + (cycles - warmup) * k // windows for k in range(1, windows + 1)])
    censuses, done = [], 0
    while done < cycles and _now() < deadline:
        if shape == 'value':
            obj = sharedctypes.Value('i', **kw) if locked else sharedctypes.RawValue('i')
        else:
            obj = sharedctypes.Array('i', size, **kw) if locked else sharedctypes.RawArray('i', size)
        del obj
        done += 1
        if done in marks and done < cycles:
            censuses.append(_census(done))
    censuses.append(_census(done))
    return {'census': censuses, 'cycles': done, 'finished': done == cycles}


def _outlive_child(creator, arr, result):
    for _ in range(20000):
        if os.getppid() != creator:
            break
        time.sleep(0.0005)
    result[1] = int(os.getppid() != creator)
    got = arr[:]
    result[2] = len(got)
    for i, x in enumerate(got[:8]):
        result[3 + i] = x
    result[0] = 1


def _outlive_creator(index, ctx_name, result):
    ctx = multiprocessing.get_context(ctx_name) if HAVE_CTX else multiprocessing
    arr = sharedctypes.Array('q' if 'q' in sharedctypes.typecode_to_type else 'l', [42, 43, 44, 45], **_ctx_kw(ctx))
    child = ctx.Process(target=_outlive_child, args=(os.getpid(), arr, result))
    child.start()
    os._exit(0)  # at once: no join, no finalizers; the child outlives its parent


def lifetime_outlive(ctx, params, method):
    result = sharedctypes.RawArray('q' if 'q' in sharedctypes.typecode_to_type else 'l', 12)
    run = Runner(ctx, dict(params, timeout=params.get('timeout', 20)))
    run.start(_outlive_creator, (method, result), barrier=False, daemon=False)
    run.wait()
    while not result[0] and _now() < run.deadline:
        time.sleep(0.001)
    return {'creator_exit': run.exits()[0]['exit'], 'creator_gone': bool(result[1]), 'finished': bool(result[0]),
            'read': [result[3 + i] for i in range(min(result[2], 8))], 'written': [42, 43, 44, 45]}


def _exec_reader(index, arr, result):
    got = arr[:]
    for i, x in enumerate(got[:8]):
        result[1 + i] = x
    result[0] = len(got)


def lifetime_exec(params):
    if not HAVE_CTX or 'spawn' not in multiprocessing.get_all_start_methods():
        raise Unsupported('no spawn start method here')
    spawn = multiprocessing.get_context('spawn')
    tc = 'q' if 'q' in sharedctypes.typecode_to_type else 'l'
    arr = sharedctypes.Array(tc, [7, 8, 9, -1], ctx=spawn)
    result = sharedctypes.RawArray(tc, 9)
    run = Runner(spawn, dict(params, timeout=params.get('timeout', 30)))
    run.start(_exec_reader, (arr, result), barrier=False)
    run.wait()
    return {'start': 'spawn', 'read': [result[1 + i] for i in range(result[0])], 'written': [7, 8, 9, -1]}

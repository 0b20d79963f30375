"""The rest of the stress scenarios for CPython (stress/SCENARIOS.md): the tutorial's ring
buffer, owner death and lifetime. Workers are top-level functions, as in stress.py.
Standard library only; CPython 2.7 and 3.6+.
"""
from __future__ import print_function, division

import os
import signal
import time

import multiprocessing
import multiprocessing.sharedctypes as sharedctypes

from items import ProtocolError, Unsupported, encode
from stress import HAVE_CTX, Runner, _now, _kill


def _ctx_kw(ctx):
    return {'ctx': ctx} if HAVE_CTX else {}


# -- ring: the tutorial's code (../shared/seed/sharedctypes-tutorial.txt) ----------------

def _tutorial_producer(index, buffer, size, in_idx, out_idx, lock, items, poll):
    for seq in range(items):
        while (in_idx.value + 1) % size == out_idx.value:  # outside the lock, as written
            time.sleep(poll)
        with lock:
            buffer[in_idx.value] = index * 1000000 + seq
            in_idx.value = (in_idx.value + 1) % size
    return items


def _tutorial_consumer(index, buffer, size, in_idx, out_idx, lock, count, poll):
    got = []
    for _ in range(count):
        while in_idx.value == out_idx.value:
            time.sleep(poll)
        with lock:
            got.append(buffer[out_idx.value])
            out_idx.value = (out_idx.value + 1) % size
    return got


def _producer(index, buffer, size, in_idx, out_idx, lock, items, poll):
    for seq in range(items):
        while True:
            with lock:  # the check and the update under one hold
                if (in_idx.value + 1) % size != out_idx.value:
                    buffer[in_idx.value] = index * 1000000 + seq
                    in_idx.value = (in_idx.value + 1) % size
                    break
            time.sleep(poll)
    return items


def _consumer(index, buffer, size, in_idx, out_idx, lock, taken, total, poll):
    got = []
    while True:
        with lock:
            if taken.value == total:
                return got
            if in_idx.value != out_idx.value:
                got.append(buffer[out_idx.value])
                out_idx.value = (out_idx.value + 1) % size
                taken.value += 1
                continue
        time.sleep(poll)


def ring(ctx, params):
    variant = params.get('variant', 'spsc-tutorial')
    producers, consumers = int(params.get('producers', 1)), int(params.get('consumers', 1))
    if variant == 'spsc-tutorial':
        producers = consumers = 1
    elif variant not in ('mpmc', 'mpmc-tutorial'):
        raise ProtocolError('ring: variant is spsc-tutorial, mpmc or mpmc-tutorial')
    items, size = int(params.get('items', 1000)), int(params.get('size', 5))
    total = items * producers
    tutorial = variant != 'mpmc'
    if tutorial and total % consumers:
        raise ProtocolError("ring: the tutorial's consumers take items x producers / consumers each")
    poll = float(params.get('poll_us', 100)) / 1e6
    kw = _ctx_kw(ctx)
    buffer = sharedctypes.Array('i', size, **kw)
    in_idx, out_idx, taken = (sharedctypes.Value('i', 0, **kw) for _ in range(3))
    lock = ctx.Lock()  # the tutorial's multiprocessing.Lock()
    run = Runner(ctx, params)
    for p in range(producers):
        run.start(_tutorial_producer if tutorial else _producer, (buffer, size, in_idx, out_idx, lock, items, poll))
    for c in range(consumers):
        if tutorial:
            run.start(_tutorial_consumer, (buffer, size, in_idx, out_idx, lock, total // consumers, poll))
        else:
            run.start(_consumer, (buffer, size, in_idx, out_idx, lock, taken, total, poll))
    finished = run.release() and run.wait()
    got = run.results()
    return {'produced': [g if g is not None else 0 for g in got[:producers]],
            'consumed': [g if g is not None else [] for g in got[producers:]],
            'finished': finished, 'seconds': run.seconds, 'workers': run.exits()}


# -- owner-death ----------------------------------------------------------------------------

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
    finished = run.release() and run.wait()
    got = run.results()[1:]
    exits = run.exits()[1:]
    return {'killed': killed, 'bound': bound, 'finished': finished, 'recoveries': None,
            'value': v.get_obj().value,
            'waiters': [{'acquired': bool(g and g[0]), 'seconds': g[1] if g else None, 'exit': e['exit']}
                        for g, e in zip(got, exits)]}


# -- lifetime -------------------------------------------------------------------------------

def _census(after):
    with open('/proc/self/maps') as f:
        maps = sum(1 for _ in f)
    shm = sorted(os.listdir('/dev/shm')) if os.path.isdir('/dev/shm') else []
    return {'after': after, 'fds': len(os.listdir('/proc/self/fd')), 'maps': maps, 'dev_shm': shm}


def lifetime_cycles(ctx, params):
    cycles, warmup = int(params.get('cycles', 10000)), int(params.get('warmup', 1000))
    shape, locked, size = params.get('shape', 'array'), params.get('lock', 'own') != 'none', int(params.get('size', 16))
    deadline = _now() + float(params.get('timeout', 120))
    kw = _ctx_kw(ctx)
    censuses, done = [], 0
    while done < cycles and _now() < deadline:
        if shape == 'value':
            obj = sharedctypes.Value('i', **kw) if locked else sharedctypes.RawValue('i')
        else:
            obj = sharedctypes.Array('i', size, **kw) if locked else sharedctypes.RawArray('i', size)
        del obj
        done += 1
        if done == warmup:
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

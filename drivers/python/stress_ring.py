"""ring: the tutorial's bounded circular buffer (../shared/seed/sharedctypes-tutorial.txt),
and a correct multi-producer/multi-consumer version of it.

Standard library only; CPython 2.7 and 3.6+.
"""
from __future__ import print_function, division

import time

from under_test import sharedctypes

from items import ProtocolError
from stress_workers import Runner, _ctx_kw


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
    released = run.release()  # then wait() in any case: it kills the workers that never arrived
    finished = run.wait() and released
    got = run.results()
    return {'produced': [g if g is not None else 0 for g in got[:producers]],
            'consumed': [g if g is not None else [] for g in got[producers:]],
            'finished': finished, 'seconds': run.seconds, 'workers': run.exits()}

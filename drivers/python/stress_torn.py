"""torn: one writer alternates two patterns, readers count reads that are neither.

Standard library only; CPython 2.7 and 3.6+.
"""
from __future__ import print_function, division

from under_test import sharedctypes

from items import ProtocolError, Unsupported, encode
from stress_workers import HAVE_CTX, Runner, _now


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
    released = run.release()  # then wait() in any case: it kills the workers that never arrived
    finished = run.wait() and released
    got = [r for r in run.results()[1:] if r]
    examples = [e for r in got for e in r[2]][:5]
    return {'writes': writes, 'reads': sum(r[0] for r in got), 'torn': sum(r[1] for r in got), 'examples': examples,
            'seconds': run.seconds, 'finished': finished, 'workers': run.exits()}

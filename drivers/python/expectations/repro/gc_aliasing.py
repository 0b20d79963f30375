"""gh-110660 on a collected implementation, and why shmcheck's lifetime-aliasing case can miss it.

A child reads an array that the parent dropped; after gc.collect() the parent makes three
arrays of the same size. With garbage from earlier objects still uncollected, the same
collection frees those blocks too, they merge with the array's block, and best-fit malloc
hands the new arrays the start of the merged block: the child reads the old elements and
the hazard hides. Collect first and the child reads the new arrays' elements.
    /usr/bin/pypy3 gc_aliasing.py   # leftover garbage: [11, 22, 33, 44]; collected first: [-1, -2, -3, -4]
    /usr/bin/python3 gc_aliasing.py # [-1, -2, -3, -4] both times (reference counting)
"""
import gc
import multiprocessing as mp
import time
from multiprocessing import sharedctypes as s


def child(a, flag, out):
    while flag.value == 0:
        time.sleep(0.001)
    out.send(a[:])


def trial(collect_first):
    junk = [s.Array('i', 3) for _ in range(5)]  # garbage a collector has not collected yet
    del junk
    if collect_first:
        gc.collect()
    a = s.Array('i', [11, 22, 33, 44])
    flag = s.RawValue('i', 0)
    reader, writer = mp.Pipe(False)
    p = mp.get_context('fork').Process(target=child, args=(a, flag, writer))
    p.start()
    del a
    gc.collect()
    new = [s.Array('i', [-1, -2, -3, -4]) for _ in range(3)]
    flag.value = 1
    print('%-22s the child read %s' % ('collected first:' if collect_first else 'leftover garbage:',
                                       reader.recv()))
    p.join()
    return new


if __name__ == '__main__':
    trial(False)
    trial(True)

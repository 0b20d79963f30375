"""gh-110660 in the forks: why billiard does not show it and multiprocess does.

The parent hands a Value to a child only through Process(args=...) and keeps no reference of
its own; then it makes another Value of the same size. multiprocessing (3.7+, bpo-30775)
and multiprocess delete Process._args in start(), so the first Value's block is freed at
once (reference counting) and best-fit malloc gives it to the new Value: the child reads -1.
billiard's Process.start() keeps _target/_args, and billiard's _children set keeps the
Process until it is reaped, so the block stays allocated while the child runs: the child
reads 11. billiard's heap reuses freed blocks exactly as CPython's does: delete p._args by
hand (second argument "del") and the child reads -1 there too.

    /usr/bin/python3 fork_aliasing.py multiprocessing   # child read -1
    /usr/bin/python3 fork_aliasing.py multiprocess      # child read -1
    /usr/bin/python3 fork_aliasing.py billiard          # child read 11
    /usr/bin/python3 fork_aliasing.py billiard del      # child read -1
(On PyPy the block comes back only when the collector runs; see pypy.json.)
"""
import importlib
import sys
import time

NAME = sys.argv[1] if len(sys.argv) > 1 else 'multiprocessing'
mp = importlib.import_module(NAME)


def child(v, q):
    time.sleep(0.5)
    q.put(v.value)


if __name__ == '__main__':
    q = mp.get_context('fork').Queue()
    p = mp.get_context('fork').Process(target=child, args=(mp.Value('i', 11), q))
    p.start()
    kept = hasattr(p, '_args')
    if len(sys.argv) > 2 and sys.argv[2] == 'del':
        del p._args
    other = mp.Value('i', -1)  # the size of the first: it gets the freed block, if any
    print('%s: Process keeps _args after start(): %s; the child read %s'
          % (NAME, kept, q.get()))
    p.join()

"""The differences behind billiard.json and multiprocess.json, one line each, for a fork and
the standard library's multiprocessing on the same interpreter.

    /usr/bin/python3 forks.py billiard      # then: multiprocess, multiprocessing
    /usr/bin/pypy3 forks.py multiprocess

Each line prints what the snippet returned or the exception it raised. What each fork
prints on this machine (Debian 12: billiard 4.1.0, multiprocess 0.70.12.2):

  typecode 'q'                      billiard: TypeError: this type has no size (CPython;
                                    PyPy: ctypes type or instance expected, got 'str');
                                    multiprocess and multiprocessing: c_long(0)
  spawn Process.start()             multiprocess on CPython 3.11: TypeError: fork_exec()
                                    takes exactly 23 arguments (21 given); None elsewhere
  spawn-context Value('i')          the same as spawn Process.start()
  Process keeps its args            billiard: True; multiprocess and multiprocessing: False
  Array('i', 2).value = 5           every module: (5, [0, 0]): a process-local attribute
  lock of a SIGKILLed owner         every module: (-9, False): never released
"""
import importlib
import os
import signal
import sys

NAME = sys.argv[1] if len(sys.argv) > 1 else 'multiprocessing'
mp = importlib.import_module(NAME)
s = importlib.import_module(NAME + '.sharedctypes')


def show(label, snippet):
    try:
        out = repr(snippet())
    except Exception as exc:
        out = '%s: %s' % (type(exc).__name__, exc)
    print('%-34s %s' % (label, out))


def spawn_start():
    p = mp.get_context('spawn').Process(target=id, args=(0,))
    p.start()
    p.join()


def keeps_args():
    p = mp.Process(target=id, args=(mp.Value('i'),))
    p.start()
    p.join()
    return hasattr(p, '_args')  # CPython deletes it in start() (bpo-30775, 3.7)


def missing_attribute():
    a = mp.Array('i', 2)
    a.value = 5
    return a.value, a[:]


def _die_holding(v):
    v.get_lock().acquire()
    os.kill(os.getpid(), signal.SIGKILL)


def owner_death():
    v = mp.Value('i')
    p = mp.get_context('fork').Process(target=_die_holding, args=(v,))
    p.start()
    p.join()
    return p.exitcode, v.get_lock().acquire(timeout=1)


if __name__ == '__main__':
    print('%s %s on %s %s' % (NAME, getattr(mp, '__version__', '(stdlib)'),
                              sys.implementation.name, sys.version.split()[0]))
    show("typecode 'q'", lambda: s.RawValue('q'))
    show('spawn Process.start()', spawn_start)
    show("spawn-context Value('i')", lambda: mp.get_context('spawn').Value('i'))
    show('Process keeps its args', keeps_args)
    show("Array('i', 2).value = 5", missing_attribute)
    show('lock of a SIGKILLed owner', owner_death)

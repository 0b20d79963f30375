"""The module under test: the standard library's multiprocessing, or any module that offers
its API and the multiprocessing.sharedctypes one (billiard, multiprocess, a user's own fork),
named by driver.py's --module option.

The name travels in the environment (SHMCHECK_MP_MODULE), not in an argument, because spawn
and forkserver children import the driver's modules afresh: every process of a session then
tests the same module. Each module is imported by its own name, never aliased in sys.modules,
so a fork that itself uses parts of the standard library's multiprocessing keeps working.
Standard library only; CPython 2.7 and 3.6+, PyPy.
"""
from __future__ import print_function, division

import importlib
import os

import emulation

ENV = 'SHMCHECK_MP_MODULE'
NAME = os.environ.get(ENV) or 'multiprocessing'

multiprocessing = importlib.import_module(NAME)
sharedctypes = importlib.import_module(NAME + '.sharedctypes')
# Under an emulator every process of the session execs its children through the driver's script.
emulation.apply(multiprocessing)


def version():
    """The module's own version, or None for the standard library's (whose version is the
    interpreter's; 2.7's multiprocessing still carries the 0.70a1 of its backport)."""
    if NAME == 'multiprocessing':
        return None
    v = getattr(multiprocessing, '__version__', None)
    if v is None:
        return None
    return v if isinstance(v, str) else str(v)


def _name_semaphores_for_the_harness():
    """Named semaphores (spawn and forkserver locks, /dev/shm/sem.mp-*) carry the prefix the
    harness gives this session (SHMCHECK_SHM_PREFIX), so that what the module leaves behind is
    known to be its own and removed, never confused with another program's sem.mp-* names.
    The prefix is the module's own setting (the current process's 'semprefix', '/mp' by
    default); a module without it (2.7 names its semaphores in C and unlinks them at once)
    keeps its names."""
    prefix = os.environ.get('SHMCHECK_SHM_PREFIX')
    if not prefix or '/' in prefix:
        return
    process = importlib.import_module(NAME + '.process')
    current = getattr(process, 'current_process', lambda: None)()
    config = getattr(current, '_config', None)
    if isinstance(config, dict) and 'semprefix' in config:
        config['semprefix'] = '/' + prefix + 'mp'


_name_semaphores_for_the_harness()

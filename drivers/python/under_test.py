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

ENV = 'SHMCHECK_MP_MODULE'
NAME = os.environ.get(ENV) or 'multiprocessing'

multiprocessing = importlib.import_module(NAME)
sharedctypes = importlib.import_module(NAME + '.sharedctypes')


def version():
    """The module's own version, or None for the standard library's (whose version is the
    interpreter's; 2.7's multiprocessing still carries the 0.70a1 of its backport)."""
    if NAME == 'multiprocessing':
        return None
    v = getattr(multiprocessing, '__version__', None)
    if v is None:
        return None
    return v if isinstance(v, str) else str(v)
